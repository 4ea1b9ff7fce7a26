//! One error type for every handler and its HTTP status. The page the user sees (and the log
//! line with the cause) is the web layer's: `web::error_page`.

use axum::http::StatusCode;

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
    /// Too much work at once (every password hashing slot taken): 503 with `Retry-After`, and
    /// the message tells the user to try again shortly.
    #[error("busy: {0}")]
    Busy(String),
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
            Self::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Database(error) if is_unavailable(error) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Database(_) | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Whether a database error means "the database cannot be reached or is shutting down or
/// starting up, or the query ran out of time" rather than a fault of the request: the user gets
/// a 503 ("try again shortly"), not a 500.
pub fn is_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(error) => error.code().is_some_and(|code| {
            // 08: connection exceptions; 57P01-57P03: shut down or starting up;
            // 57014: cancelled (statement_timeout).
            code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03" | "57014")
        }),
        _ => false,
    }
}

/// Seconds a client is asked to wait before trying again after a 503 (busy, unavailable).
pub const RETRY_AFTER_SECONDS: u32 = 5;

impl From<crate::auth::HashError> for AppError {
    fn from(error: crate::auth::HashError) -> Self {
        match error {
            crate::auth::HashError::Busy => Self::Busy(
                crate::i18n::Locale::current()
                    .lang
                    .t("admin.login.busy")
                    .to_owned(),
            ),
            crate::auth::HashError::Failed(error) => Self::Internal(error),
        }
    }
}
