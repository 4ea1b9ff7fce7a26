//! Extractors for what every admin handler needs before it starts: the entity and entry the
//! path names, the admin and their page frame, and a form whose CSRF token has been checked.

use std::collections::HashMap;

use axum::extract::{Form, FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

use super::context::AdminContext;
use super::form::Submission;
use super::spec::{self, EntitySpec};
use super::{CurrentAdmin, session};
use crate::domain::Role;
use crate::error::{AppError, Result};
use crate::i18n::{Lang, Locale};

/// The entity (`/admin/{entity}/…`), and the entry and history entry when the path has them.
#[derive(Debug, Clone, Copy)]
pub struct EntityPath {
    pub spec: &'static EntitySpec,
    id: Option<i64>,
    history_id: Option<i64>,
}

impl EntityPath {
    /// The entry's id (a path without one has no such page).
    pub fn id(&self) -> Result<i64> {
        self.id.ok_or(AppError::NotFound)
    }

    /// The history entry's id.
    pub fn history_id(&self) -> Result<i64> {
        self.history_id.ok_or(AppError::NotFound)
    }

    /// The entity, when it has many entries that can be listed, added and deleted (not the
    /// forum).
    pub fn collection(&self) -> Result<&'static EntitySpec> {
        if self.spec.singleton {
            Err(AppError::NotFound)
        } else {
            Ok(self.spec)
        }
    }
}

/// A positive id from the path.
fn positive_id(text: &str) -> Result<i64> {
    text.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(AppError::NotFound)
}

impl<S: Send + Sync> FromRequestParts<S> for EntityPath {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        let spec = params
            .get("entity")
            .and_then(|key| spec::find(key))
            .ok_or(AppError::NotFound)?;
        let number = |name: &str| params.get(name).map(|v| positive_id(v)).transpose();
        Ok(Self {
            spec,
            id: number("id")?,
            history_id: number("history_id")?,
        })
    }
}

/// The logged-in admin, their session and the page's language: what an admin page is framed by.
#[derive(Clone)]
pub struct Frame {
    pub session: Session,
    pub admin: CurrentAdmin,
    pub lang: Lang,
}

impl Frame {
    /// The frame for a page (takes the flash message, so it shows once).
    pub async fn context(&self) -> Result<AdminContext> {
        AdminContext::load(&self.session, &self.admin).await
    }

    /// Leave a message for the next page.
    pub async fn flash(&self, message: impl Into<String>) -> Result<()> {
        session::set_flash(&self.session, message).await
    }

    /// Leave the message `key` for the next page, naming the entity (`admin.flash.saved`, ...).
    pub async fn flash_about(&self, key: &str, spec: &EntitySpec) -> Result<()> {
        self.flash(
            self.lang
                .tf(key, &[("singular", spec.singular_in(self.lang))]),
        )
        .await
    }

    /// The admin's id, for history and logs.
    pub fn admin_id(&self) -> i64 {
        self.admin.0.id
    }

    /// The admin's e-mail, for logs.
    pub fn email(&self) -> &str {
        &self.admin.0.email
    }

    /// The admin's role, as the account says now.
    pub fn role(&self) -> Role {
        self.admin.1
    }

    /// Refuse (403) unless the admin's role includes `needed`.
    pub fn require(&self, needed: Role) -> Result<()> {
        if self.role().allows(needed) {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                self.lang.t("admin.forbidden_role").to_owned(),
            ))
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Frame {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|(_, message)| AppError::Internal(anyhow::anyhow!(message)))?;
        let admin = parts
            .extensions
            .get::<CurrentAdmin>()
            .cloned()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("admin route without an admin")))?;
        Ok(Self {
            session,
            admin,
            lang: Locale::current().lang,
        })
    }
}

/// A posted form whose CSRF token matched the session's.
pub struct CheckedForm(pub Submission);

impl<S: Send + Sync> FromRequest<S> for CheckedForm {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let session = Session::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let Form(pairs) =
            Form::<Vec<(String, String)>>::from_request(Request::from_parts(parts, body), state)
                .await
                .map_err(IntoResponse::into_response)?;
        let submission = Submission(pairs);
        session::check_csrf(&session, submission.get("csrf_token"))
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Self(submission))
    }
}
