//! What every admin page shows around its content: who is logged in, the CSRF token for its
//! forms, and the flash message left by the last action.

use tower_sessions::Session;

use super::CurrentAdmin;
use super::session;
use crate::error::Result;

/// The frame of an admin page.
#[derive(Debug, Clone)]
pub struct AdminContext {
    pub email: String,
    pub csrf_token: String,
    pub flash: Option<String>,
}

impl AdminContext {
    /// Gather the frame for a page (takes the flash message, so it shows once).
    pub async fn load(session: &Session, admin: &CurrentAdmin) -> Result<Self> {
        Ok(Self {
            email: admin.0.email.clone(),
            csrf_token: session::csrf_token(session).await?,
            flash: session::take_flash(session).await?,
        })
    }
}
