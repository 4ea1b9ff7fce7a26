//! The page shown for every error, in the page's language: for an [`AppError`] (with its
//! cause in the log, never on the page), and for the line of English text axum and tower-http
//! would otherwise answer with.

use askama::Template;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use crate::error::AppError;
use crate::i18n::Locale;
use crate::web::render::PageMeta;

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
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => "error.headers_too_large",
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

    /// The 503 answer while the database is unavailable, with `Retry-After`.
    pub fn unavailable() -> Response {
        let lang = Locale::current().lang;
        let heading = lang.t("error.unavailable");
        let page = Self {
            meta: PageMeta::new(heading, heading, None).not_indexed(),
            status: StatusCode::SERVICE_UNAVAILABLE.as_u16(),
            heading,
            message: lang.t("error.unavailable.message").to_owned(),
        };
        with_retry_after(page.into_response_with(StatusCode::SERVICE_UNAVAILABLE))
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
                tracing::warn!(?message, "request refused");
                message.clone()
            }
            Self::Busy(message) => {
                tracing::warn!("refused: too busy");
                message.clone()
            }
            Self::Database(sqlx::Error::PoolTimedOut) => {
                tracing::warn!("database pool exhausted");
                lang.t("error.busy.message").to_owned()
            }
            Self::Database(error) if crate::error::is_unavailable(error) => {
                tracing::warn!(%error, "the database is unavailable");
                return ErrorPage::unavailable();
            }
            Self::Database(_) | Self::Internal(_) => {
                tracing::error!(error = %self, "request failed");
                lang.t("error.internal.message").to_owned()
            }
        };
        let response = ErrorPage::new(status, message).into_response_with(status);
        if status == StatusCode::SERVICE_UNAVAILABLE {
            with_retry_after(response)
        } else {
            response
        }
    }
}

/// `response` with a `Retry-After` of [`crate::error::RETRY_AFTER_SECONDS`] (for a 503).
pub fn with_retry_after(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::RETRY_AFTER,
        crate::error::RETRY_AFTER_SECONDS.into(),
    );
    response
}

/// Errors that axum and tower-http answer with a line of English text (an address that cannot
/// be decoded, a form that is too large, a request that took too long) get the portal's error
/// page instead, in the page's language. Health probes and static files keep their plain answers;
/// the JSON API's errors are problem details, never a page (`web::api::problem`).
pub async fn error_pages(request: Request, next: Next) -> Response {
    let api = crate::web::api::is_api_path(request.uri().path());
    let plain_area = ["/static", "/healthz", "/readyz"]
        .iter()
        .any(|area| Locale::current().path.starts_with(area));
    let response = next.run(request).await;
    if api {
        return crate::web::api::problem::ensure_problem(response);
    }
    let status = response.status();
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if plain_area || is_html || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let lang = Locale::current().lang;
    let message = lang.t(match status {
        StatusCode::NOT_FOUND => "error.not_found.message",
        StatusCode::METHOD_NOT_ALLOWED => "error.method.message",
        StatusCode::PAYLOAD_TOO_LARGE => "error.too_large.message",
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => "error.headers_too_large.message",
        StatusCode::REQUEST_TIMEOUT => "error.timeout.message",
        StatusCode::SERVICE_UNAVAILABLE => "error.busy.message",
        status if status.is_client_error() => "error.bad_request.message",
        _ => "error.internal.message",
    });
    let mut page = ErrorPage::new(status, message.to_owned()).into_response_with(status);
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(value) = response.headers().get(&name) {
            page.headers_mut().insert(name, value.clone());
        }
    }
    page
}
