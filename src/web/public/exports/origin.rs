//! Where the absolute addresses in a download point.
//!
//! A sitemap and a feed need absolute URLs. The configured public URL (`--public-url`) gives
//! them, and the document is the same for everyone (cached like a page). Without one, the
//! request's `Host` (checked to be a host name with an optional port) stands in: such a
//! document is built from what the client sent, so it is marked `Cache-Control: no-store`,
//! which keeps it out of the page cache and out of any shared cache — it can never be served
//! to someone else. The CSV files and the calendar never use the `Host`: without a public URL
//! their links are paths (CSV) or left out (the calendar's `URL`).

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;

use crate::error::{AppError, Result};
use crate::i18n::Locale;
use crate::state::WebConfig;

/// The scheme and host of the site, as absolute URLs begin.
#[derive(Debug, Clone)]
pub struct Origin {
    /// `https://forum.example.org` (no trailing slash).
    base: String,
    /// Taken from the request's `Host`, not from the configuration.
    from_request: bool,
}

impl Origin {
    /// The configured public URL, if any.
    pub fn configured(web: &WebConfig) -> Option<Self> {
        web.public_url.as_ref().map(|url| Self {
            base: url.trim_end_matches('/').to_owned(),
            from_request: false,
        })
    }

    /// The configured public URL, else the request's `Host` with the scheme the portal is
    /// served over (HTTPS with secure cookies, or as a trusted proxy says). A missing or
    /// malformed `Host` is a bad request.
    pub fn of_request(web: &WebConfig, headers: &HeaderMap) -> Result<Self> {
        if let Some(origin) = Self::configured(web) {
            return Ok(origin);
        }
        let scheme = crate::web::guard::request_scheme(headers, web);
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .filter(|host| is_host(host))
            .ok_or_else(|| {
                AppError::BadRequest(Locale::current().lang.t("exports.bad_host").to_owned())
            })?;
        Ok(Self {
            base: format!("{scheme}://{}", host.to_ascii_lowercase()),
            from_request: true,
        })
    }

    /// The absolute URL of `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The host name, without scheme or port (for `tag:` URIs).
    pub fn host(&self) -> &str {
        let authority = self
            .base
            .split_once("://")
            .map_or(self.base.as_str(), |(_, rest)| rest);
        let authority = authority.split('/').next().unwrap_or(authority);
        match authority.rsplit_once(':') {
            Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
            _ => authority,
        }
    }

    /// Mark `response` as built from the request when it was: `no-store`, so no cache keeps
    /// it for anyone else.
    pub fn mark(&self, mut response: Response) -> Response {
        if self.from_request {
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        response
    }
}

/// Whether a `Host` header is a host name (letters, digits, `-`, `.`), an IPv4 address or a
/// bracketed IPv6 address, with an optional port: nothing that could break out of a URL.
fn is_host(host: &str) -> bool {
    let (name, port) = match host.rsplit_once(':') {
        Some((name, port)) if !name.ends_with(':') && !port.contains(']') => (name, Some(port)),
        _ => (host, None),
    };
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    let name_ok = if let Some(inner) = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
        !inner.is_empty()
            && inner
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
    } else {
        !name.is_empty()
            && name.len() <= 253
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    };
    port_ok && name_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_hosts_are_accepted() {
        for good in [
            "forum.example.org",
            "127.0.0.1:3000",
            "[::1]:8080",
            "localhost",
            "[::1]",
        ] {
            assert!(is_host(good), "{good}");
        }
        for bad in [
            "",
            "evil.org/path",
            "a b",
            "x\"><script>",
            "user@host",
            "host:",
            "host:port",
            "[::1",
            "host:123456",
        ] {
            assert!(!is_host(bad), "{bad}");
        }
    }

    #[test]
    fn the_host_of_a_tag_has_no_port() {
        let origin = |base: &str| Origin {
            base: base.to_owned(),
            from_request: false,
        };
        assert_eq!(origin("http://127.0.0.1:3000").host(), "127.0.0.1");
        assert_eq!(
            origin("https://forum.example.org").host(),
            "forum.example.org"
        );
        assert_eq!(origin("http://[::1]:80").host(), "[::1]");
    }
}
