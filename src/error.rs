//! One error type for every handler: the right status and a helpful page for the user,
//! the cause in the log.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::i18n::Locale;
use crate::web::render::PageMeta;

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No such page or entry (or a draft, which visitors must not see).
    #[error("not found")]
    NotFound,
    /// The request itself is wrong; the message tells the user what to change.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Refused: a missing or wrong CSRF token, or a request from another site.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The database failed; users see a generic page, the log gets the cause.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Anything else unexpected.
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

/// Handlers return this.
pub type Result<T, E = AppError> = std::result::Result<T, E>;

impl AppError {
    /// The HTTP status for this error.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::Database(sqlx::Error::PoolTimedOut) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Database(_) | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// The page shown for every error status.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub meta: PageMeta,
    pub status: u16,
    pub heading: &'static str,
    pub message: String,
}

impl ErrorPage {
    /// The page for `status`, with a message for the user (never internal detail).
    pub fn new(status: StatusCode, message: String) -> Self {
        let lang = Locale::current().lang;
        let heading = lang.t(match status {
            StatusCode::NOT_FOUND => "error.not_found",
            StatusCode::BAD_REQUEST
            | StatusCode::UNSUPPORTED_MEDIA_TYPE
            | StatusCode::UNPROCESSABLE_ENTITY => "error.bad_request",
            StatusCode::FORBIDDEN => "error.forbidden",
            StatusCode::TOO_MANY_REQUESTS => "error.too_many",
            StatusCode::METHOD_NOT_ALLOWED => "error.method",
            StatusCode::PAYLOAD_TOO_LARGE => "error.too_large",
            StatusCode::REQUEST_TIMEOUT => "error.timeout",
            StatusCode::SERVICE_UNAVAILABLE => "error.busy",
            _ => "error.internal",
        });
        Self {
            meta: PageMeta::new(heading, heading, None).not_indexed(),
            status: status.as_u16(),
            heading,
            message,
        }
    }

    /// Render with its status; a page that cannot render falls back to plain text.
    pub fn into_response_with(self, status: StatusCode) -> Response {
        match self.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(error) => {
                tracing::error!(%error, "cannot render the error page");
                (status, self.heading).into_response()
            }
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let lang = Locale::current().lang;
        let message = match &self {
            Self::NotFound => lang.t("error.not_found.message").to_owned(),
            Self::BadRequest(message) => message.clone(),
            Self::Forbidden(message) => {
                tracing::warn!(%message, "request refused");
                message.clone()
            }
            Self::Database(sqlx::Error::PoolTimedOut) => {
                tracing::warn!("database pool exhausted");
                lang.t("error.busy.message").to_owned()
            }
            Self::Database(_) | Self::Internal(_) => {
                tracing::error!(error = %self, "request failed");
                lang.t("error.internal.message").to_owned()
            }
        };
        ErrorPage::new(status, message).into_response_with(status)
    }
}
