//! The security headers every response carries, error pages and refusals included, and a
//! charset on every text type (so no browser guesses one). Answers of the JSON API (under
//! `/api/`) are public data for any site: they carry CORS headers and
//! `Cross-Origin-Resource-Policy: cross-origin` instead of `same-origin` (`web::api::cors`).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::WebConfig;

/// Pages carry no inline script or style and load nothing from elsewhere: everything is denied
/// unless named here.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Browser features no page of the portal uses, switched off for it and anything it embeds.
pub const PERMISSIONS_POLICY: &str = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), \
     magnetometer=(), microphone=(), payment=(), usb=()";

/// A year of HTTPS only, sent when the portal is served over HTTPS (`--secure-cookies`).
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000; includeSubDomains";

/// Middleware: add the security headers to whatever the inner layers answered.
pub async fn security_headers(
    State(web): State<Arc<WebConfig>>,
    request: Request,
    next: Next,
) -> Response {
    let api = crate::web::api::is_api_path(request.uri().path());
    let mut response = next.run(request).await;
    apply(response.headers_mut(), web.sessions.secure_cookies);
    if api {
        crate::web::api::apply_cors_headers(response.headers_mut());
    }
    response
}

/// Set the security headers on `headers` (a handler's own Content-Security-Policy is kept).
pub fn apply(headers: &mut HeaderMap, https: bool) {
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    let fixed = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static(PERMISSIONS_POLICY),
    );
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(STRICT_TRANSPORT_SECURITY),
        );
    }
    add_charset(headers);
}

/// `text/css` → `text/css; charset=utf-8`, for every text type that names none (everything
/// the portal serves as text is UTF-8).
fn add_charset(headers: &mut HeaderMap) {
    let Some(content_type) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return;
    };
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let textual = essence.starts_with("text/")
        || matches!(
            essence.as_str(),
            "application/javascript"
                | "application/json"
                | "application/problem+json"
                | "application/xml"
                | "image/svg+xml"
                | "application/manifest+json"
        );
    if !textual || content_type.to_ascii_lowercase().contains("charset=") {
        return;
    }
    if let Ok(value) = HeaderValue::from_str(&format!("{essence}; charset=utf-8")) {
        headers.insert(header::CONTENT_TYPE, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_type(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn text_types_get_a_charset_and_others_keep_theirs() {
        for (given, expected) in [
            ("text/css", "text/css; charset=utf-8"),
            ("image/svg+xml", "image/svg+xml; charset=utf-8"),
            ("text/html; charset=utf-8", "text/html; charset=utf-8"),
            ("text/plain; charset=UTF-8", "text/plain; charset=UTF-8"),
            ("font/woff2", "font/woff2"),
            ("image/png", "image/png"),
        ] {
            let mut headers = with_type(given);
            add_charset(&mut headers);
            assert_eq!(headers[header::CONTENT_TYPE], expected, "{given}");
        }
    }

    #[test]
    fn hsts_only_over_https() {
        let mut plain = HeaderMap::new();
        apply(&mut plain, false);
        assert!(!plain.contains_key(header::STRICT_TRANSPORT_SECURITY));
        assert!(plain.contains_key("cross-origin-opener-policy"));
        let mut secure = HeaderMap::new();
        apply(&mut secure, true);
        assert_eq!(
            secure[header::STRICT_TRANSPORT_SECURITY],
            STRICT_TRANSPORT_SECURITY
        );
    }
}
