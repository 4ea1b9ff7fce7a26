//! Cross-origin use of the API: its data is public, so any site's script may read it
//! (`Access-Control-Allow-Origin: *`, no credentials), with its `ETag` and `Link` headers,
//! and may send the conditional headers a cache-aware client sends (a preflight `OPTIONS`
//! is answered). The headers are added to every answer under `/api/`, error answers
//! included (`web::headers`), so a script can read a problem's details too.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;

/// The methods every API address takes.
pub const ALLOWED_METHODS: &str = "GET, HEAD, OPTIONS";

/// The request headers a cross-origin script may send.
pub const ALLOWED_HEADERS: &str =
    "Accept, Accept-Language, Cache-Control, If-Modified-Since, If-None-Match, Pragma";

/// The answer headers a cross-origin script may read (beyond the always-safe ones).
pub const EXPOSED_HEADERS: &str = "ETag, Link, Retry-After, Allow";

/// How long a browser may keep a preflight's answer (a day).
pub const PREFLIGHT_MAX_AGE: &str = "86400";

/// Whether `path` is the API's (JSON answers, problem details, open to other origins) rather
/// than a page: everything under `/api/`, but not the page `/api` itself.
pub fn is_api_path(path: &str) -> bool {
    path.starts_with("/api/")
}

/// Open an API answer to scripts of any origin: CORS, and `Cross-Origin-Resource-Policy:
/// cross-origin` in place of the pages' `same-origin`.
pub fn apply_cors_headers(headers: &mut HeaderMap) {
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(EXPOSED_HEADERS),
    );
    headers.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("cross-origin"),
    );
}

/// The answer to `OPTIONS` (a CORS preflight, or a client asking what the address takes).
pub async fn preflight() -> impl IntoResponse {
    (
        StatusCode::NO_CONTENT,
        [
            (header::ALLOW, ALLOWED_METHODS),
            (header::ACCESS_CONTROL_ALLOW_METHODS, "GET, HEAD"),
            (header::ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS),
            (header::ACCESS_CONTROL_MAX_AGE, PREFLIGHT_MAX_AGE),
        ],
    )
}
