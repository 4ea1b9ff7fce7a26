//! Checks on a request before any handler sees it: the size of its headers, the host it was
//! sent to, and that a submitted form is text. Each refusal is the portal's localized error
//! page, so a browser shows what went wrong and a script gets the right status.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::i18n::Locale;
use crate::state::WebConfig;
use crate::web::error_page::ErrorPage;

/// Largest total of header names and values accepted (cookies included). Larger heads get a
/// 431 page; hyper itself refuses heads above `server::MAX_HEAD_BYTES` outright.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// Paths a load balancer probes by address, whatever `Host` it sends.
const PROBES: [&str; 2] = ["/healthz", "/readyz"];

/// Middleware: refuse over-large headers (431); when the public URL is configured, any
/// request for another host (400: like Django's `ALLOWED_HOSTS`, so a forged `Host` can never
/// reach a page); and behind a trusted proxy serving HTTPS, send a plain-HTTP request to its
/// HTTPS address (308), so the portal alone redirects as HSTS expects.
pub async fn check_request(
    State(web): State<Arc<WebConfig>>,
    request: Request,
    next: Next,
) -> Response {
    let lang = Locale::current().lang;
    if header_bytes(request.headers()) > MAX_HEADER_BYTES {
        tracing::warn!("request refused: headers larger than {MAX_HEADER_BYTES} bytes");
        return ErrorPage::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            lang.t("error.headers_too_large.message").to_owned(),
        )
        .into_response_with(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE);
    }
    if let Some(public_url) = &web.public_url
        && !PROBES.contains(&request.uri().path())
    {
        let host = request
            .headers()
            .get(header::HOST)
            .and_then(|v| v.to_str().ok());
        if !host.is_some_and(|host| is_public_host(public_url, host)) {
            tracing::warn!(host = ?host, "request refused: not for this portal's host");
            return ErrorPage::new(
                StatusCode::BAD_REQUEST,
                lang.t("error.host.message").to_owned(),
            )
            .into_response_with(StatusCode::BAD_REQUEST);
        }
    }
    if web.sessions.secure_cookies
        && web.sessions.trust_forwarded_for
        && let Some(public_url) = &web.public_url
        && let Some(location) = https_location(&request, public_url)
    {
        return (
            StatusCode::PERMANENT_REDIRECT,
            [(header::LOCATION, location)],
        )
            .into_response();
    }
    next.run(request).await
}

/// Where a request the trusted proxy received over plain HTTP (`X-Forwarded-Proto: http`)
/// belongs: the same path on the public URL's host over HTTPS.
/// The scheme a request reached the site over: HTTPS under `--secure-cookies`, or when the
/// trusted proxy says so in `X-Forwarded-Proto`; HTTP otherwise. For building this site's own
/// origin from a request (the admin's `Origin` check; downloads without a public URL).
pub fn request_scheme(headers: &HeaderMap, web: &WebConfig) -> &'static str {
    let proxied_https = web.sessions.trust_forwarded_for
        && headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"));
    if web.sessions.secure_cookies || proxied_https {
        "https"
    } else {
        "http"
    }
}

fn https_location(request: &Request, public_url: &str) -> Option<HeaderValue> {
    let proto = request.headers().get("x-forwarded-proto")?.to_str().ok()?;
    if !proto.trim().eq_ignore_ascii_case("http") {
        return None;
    }
    let host = public_url
        .split_once("://")
        .map_or(public_url, |(_, host)| host);
    let path = request.uri().path_and_query().map_or("/", |p| p.as_str());
    HeaderValue::from_str(&format!("https://{host}{path}")).ok()
}

/// Bytes of header names and values, as a client sent them.
fn header_bytes(headers: &HeaderMap) -> usize {
    headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum()
}

/// Whether `host` (a `Host` header) names the host of `public_url`, with its port or the
/// scheme's default one.
fn is_public_host(public_url: &str, host: &str) -> bool {
    let (scheme, expected) = public_url
        .split_once("://")
        .unwrap_or(("https", public_url));
    let host = host.to_ascii_lowercase();
    let expected = expected.to_ascii_lowercase();
    let default_port = if scheme == "https" { ":443" } else { ":80" };
    host == expected || host.strip_suffix(default_port) == Some(expected.as_str())
}

/// Middleware: a form (`application/x-www-form-urlencoded`) whose decoded names or values are
/// not UTF-8 is refused with 400, instead of being stored with U+FFFD in place of what was
/// sent. Runs inside the body size limit and reads at most [`super::BODY_LIMIT`] itself.
pub async fn refuse_undecodable_forms(request: Request, next: Next) -> Response {
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';').next().is_some_and(|essence| {
                essence
                    .trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            })
        });
    if !is_form {
        return next.run(request).await;
    }
    let lang = Locale::current().lang;
    let (parts, body) = request.into_parts();
    // A URL-encoded form never needs more than the normal limit, whatever route it goes to.
    let bytes = match axum::body::to_bytes(body, super::BODY_LIMIT).await {
        Ok(bytes) => bytes,
        Err(_) => {
            // The size limit stopped the body (or the client went away).
            return ErrorPage::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                lang.t("error.too_large.message").to_owned(),
            )
            .into_response_with(StatusCode::PAYLOAD_TOO_LARGE);
        }
    };
    if !is_utf8_form(&bytes) {
        tracing::warn!(path = %parts.uri.path(), "form refused: not UTF-8");
        return ErrorPage::new(
            StatusCode::BAD_REQUEST,
            lang.t("error.encoding.message").to_owned(),
        )
        .into_response_with(StatusCode::BAD_REQUEST);
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// Whether every name and value of a URL-encoded form decodes to UTF-8 text.
fn is_utf8_form(body: &[u8]) -> bool {
    body.split(|&b| b == b'&').all(|pair| {
        pair.split(|&b| b == b'=')
            .all(|part| std::str::from_utf8(&percent_decode(part)).is_ok())
    })
}

/// `%41+b` → `A b`, byte for byte (a `%` not followed by two hex digits is kept, as browsers
/// and `form_urlencoded` do).
fn percent_decode(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < input.len() => {
                let hex = |b: u8| (b as char).to_digit(16);
                match (hex(input[i + 1]), hex(input[i + 2])) {
                    (Some(high), Some(low)) => {
                        out.push((high * 16 + low) as u8);
                        i += 3;
                        continue;
                    }
                    _ => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_must_decode_to_text() {
        assert!(is_utf8_form(b"name=Moin+ul+Haque&city=%E5%8C%97%E4%BA%AC"));
        assert!(is_utf8_form(b"a=100%&b=%zz&c="));
        assert!(is_utf8_form(b""));
        assert!(!is_utf8_form(b"name=%FF"));
        assert!(!is_utf8_form(b"name=%E5%8C"));
        assert!(!is_utf8_form(b"%C0%80=x"));
        assert!(!is_utf8_form(b"name=\xff"));
    }

    #[test]
    fn only_the_public_host_is_served() {
        let url = "https://forum.example.org";
        assert!(is_public_host(url, "forum.example.org"));
        assert!(is_public_host(url, "Forum.Example.org:443"));
        assert!(!is_public_host(url, "forum.example.org:8443"));
        assert!(!is_public_host(url, "evil.example"));
        assert!(!is_public_host(url, "forum.example.org.evil.example"));
        assert!(is_public_host("http://127.0.0.1:3000", "127.0.0.1:3000"));
        assert!(!is_public_host("http://127.0.0.1:3000", "127.0.0.1"));
    }
}
