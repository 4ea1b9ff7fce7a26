//! The API's errors: RFC 9457 problem details (`application/problem+json`), with the status
//! that fits and a sentence saying what is wrong. Errors the API's handlers never see (an
//! unknown address, a method the address does not take, a refusal of the outer layers, the
//! database outage's 503) are turned into problem details too, by [`ensure_problem`], so an
//! API client never gets an HTML page.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::AppError;

/// The content type of a problem.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// A problem detail (RFC 9457).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"type": "about:blank", "title": "Not Found", "status": 404,
    "detail": "No published speaker has the slug \"nobody\"."}))]
pub struct Problem {
    /// What kind of problem it is: always `about:blank`, so `title` is the HTTP status's
    /// name and `detail` says more.
    #[serde(rename = "type")]
    #[schema(format = UriReference)]
    pub kind: String,
    /// The HTTP status's name ("Not Found").
    pub title: String,
    /// The HTTP status code.
    #[schema(minimum = 400, maximum = 599)]
    pub status: u16,
    /// What went wrong, for a person to read.
    pub detail: String,
}

impl Problem {
    /// A problem with `status`, explained by `detail`.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            kind: "about:blank".to_owned(),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
        }
    }

    /// 400: the request is wrong, as `detail` says.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, detail)
    }

    /// 404: nothing (published) is there, as `detail` says.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, detail)
    }

    /// The problem for an error answer that says nothing more than its status.
    fn for_status(status: StatusCode) -> Self {
        let detail = match status {
            StatusCode::NOT_FOUND => "Nothing is at this address. The API's addresses are \
                 listed in its OpenAPI document, /api/openapi.json."
                .to_owned(),
            StatusCode::METHOD_NOT_ALLOWED => "The API is read-only: its addresses take only \
                 GET, HEAD and OPTIONS (the Allow header lists them)."
                .to_owned(),
            StatusCode::SERVICE_UNAVAILABLE => {
                "The portal cannot answer right now. Try again in a few seconds.".to_owned()
            }
            status if status.is_server_error() => {
                "Something went wrong on the portal's side. Try again later.".to_owned()
            }
            _ => "The request cannot be answered as it is.".to_owned(),
        };
        Self::new(status, detail)
    }

    /// This problem's status.
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (status, [(header::CONTENT_TYPE, PROBLEM_JSON)], body).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                crate::error::RETRY_AFTER_SECONDS.into(),
            );
        }
        response
    }
}

impl From<AppError> for Problem {
    fn from(error: AppError) -> Self {
        let status = error.status();
        match error {
            AppError::NotFound => Self::for_status(status),
            AppError::BadRequest(detail) | AppError::Forbidden(detail) | AppError::Busy(detail) => {
                Self::new(status, detail)
            }
            AppError::Database(error) if crate::error::is_unavailable(&error) => {
                tracing::warn!(%error, "the database is unavailable");
                Self::for_status(StatusCode::SERVICE_UNAVAILABLE)
            }
            error => {
                tracing::error!(%error, "API request failed");
                Self::for_status(StatusCode::INTERNAL_SERVER_ERROR)
            }
        }
    }
}

impl From<sqlx::Error> for Problem {
    fn from(error: sqlx::Error) -> Self {
        AppError::from(error).into()
    }
}

/// An error answer under `/api/` as problem details: one that is not already (an HTML error
/// page, axum's plain text) becomes the problem for its status, keeping `Allow` and
/// `Retry-After`. Other answers pass unchanged.
pub fn ensure_problem(response: Response) -> Response {
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_JSON));
    if is_problem || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let mut problem = Problem::for_status(status).into_response();
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(value) = response.headers().get(&name) {
            problem.headers_mut().insert(name, value.clone());
        }
    }
    problem
}
