//! What every admin page shows around its content: who is logged in, the CSRF token for its
//! forms, and the flash message left by the last action.

use tower_sessions::Session;

use super::CurrentAdmin;
use super::session;
use crate::domain::Role;
use crate::error::Result;

/// The frame of an admin page.
#[derive(Debug, Clone)]
pub struct AdminContext {
    pub email: String,
    /// The admin's role (what the navigation offers).
    pub role: Role,
    pub csrf_token: String,
    pub flash: Option<String>,
}

impl AdminContext {
    /// Gather the frame for a page (takes the flash message, so it shows once).
    pub async fn load(session: &Session, admin: &CurrentAdmin) -> Result<Self> {
        Ok(Self {
            email: admin.0.email.clone(),
            role: admin.1,
            csrf_token: session::csrf_token(session).await?,
            flash: session::take_flash(session).await?,
        })
    }
}

impl AdminContext {
    /// Whether the admin manages accounts (and sees the audit log).
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Whether the admin may create, delete, publish and revert content.
    pub fn is_editor(&self) -> bool {
        self.role.allows(Role::Editor)
    }
}
