//! What pages need to know about the running site, beyond their own data: the address visitors
//! use (for links that must be absolute: `hreflang`, canonical, when the public URL is set) and the version of each
//! stylesheet and icon (so their URLs change when they do and browsers may keep them a year).
//!
//! Like the language, these are kept for the length of a request in a tokio task-local, so any
//! template can call [`asset`] and [`absolute`] without every page struct carrying them.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use sha2::{Digest, Sha256};

use crate::state::AppState;

/// The version of each static file that pages link to, by path under `static/`: the start of
/// the SHA-256 of its content.
#[derive(Debug, Default)]
pub struct AssetVersions(HashMap<String, String>);

impl AssetVersions {
    /// Hash the stylesheets and icons under `static_dir` (fonts are linked from the
    /// stylesheets and never change in place: a new font gets a new file name).
    pub fn scan(static_dir: &Path) -> Self {
        let mut versions = HashMap::new();
        let mut folders = vec![static_dir.to_path_buf()];
        while let Some(folder) = folders.pop() {
            let Ok(entries) = std::fs::read_dir(&folder) else {
                tracing::warn!(folder = %folder.display(), "cannot read the static folder");
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    folders.push(path);
                    continue;
                }
                let linked = matches!(
                    path.extension().and_then(|e| e.to_str()),
                    Some("css" | "svg" | "js")
                );
                if !linked {
                    continue;
                }
                let (Ok(content), Ok(relative)) =
                    (std::fs::read(&path), path.strip_prefix(static_dir))
                else {
                    continue;
                };
                let digest = hex::encode(Sha256::digest(&content));
                versions.insert(
                    relative.to_string_lossy().replace('\\', "/"),
                    digest[..12].to_owned(),
                );
            }
        }
        Self(versions)
    }
}

/// The site as the current request sees it.
#[derive(Debug, Clone)]
struct Site {
    /// `https://forum.example.org`, or `None` when unknown (no public URL, no usable `Host`).
    origin: Option<String>,
    assets: Arc<AssetVersions>,
}

tokio::task_local! {
    static SITE: Site;
}

/// The URL of a static file (`"css/site.css"` → `/static/css/site.css?v=1a2b3c4d5e6f`): its
/// version makes the URL change with the file, so it can be cached for a year.
pub fn asset(path: &str) -> String {
    let version = SITE
        .try_with(|site| site.assets.0.get(path).cloned())
        .ok()
        .flatten();
    match version {
        Some(version) => format!("/static/{path}?v={version}"),
        None => format!("/static/{path}"),
    }
}

/// `href` (a path on this site) as an absolute URL, where the site's address is known.
pub fn absolute(href: &str) -> String {
    let origin = SITE.try_with(|site| site.origin.clone()).ok().flatten();
    match origin {
        Some(origin) => format!("{origin}{href}"),
        None => href.to_owned(),
    }
}

/// Middleware: handle the request with the site's address and static file versions at hand.
/// The address is the configured public URL only: a request's `Host` header is the client's
/// to choose, so it never flows into a link (without a public URL, links stay relative).
pub async fn with_site(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let site = Site {
        origin: state.web.public_url.clone(),
        assets: state.web.assets.clone(),
    };
    SITE.scope(site, next.run(request)).await
}

/// How long browsers and proxies may keep a static file: a year for versioned URLs and
/// fonts (whose names change with their content), an hour for anything else.
pub async fn static_caching(request: Request, next: Next) -> Response {
    let immutable = request
        .uri()
        .query()
        .is_some_and(|query| query.split('&').any(|pair| pair.starts_with("v=")))
        || request.uri().path().starts_with("/fonts/");
    let mut response = next.run(request).await;
    // A 304 renews what the browser holds, so it says for how long as well.
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        let value = if immutable {
            "public, max-age=31536000, immutable"
        } else {
            "public, max-age=3600"
        };
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn asset_urls_carry_the_files_version_inside_a_request() {
        let folder = std::env::temp_dir().join(format!("site-test-{}", std::process::id()));
        std::fs::create_dir_all(folder.join("css")).unwrap();
        std::fs::write(folder.join("css/site.css"), "body{}").unwrap();
        let assets = Arc::new(AssetVersions::scan(&folder));
        std::fs::remove_dir_all(&folder).unwrap();

        // Outside a request: plain paths, unchanged hrefs.
        assert_eq!(asset("css/site.css"), "/static/css/site.css");
        assert_eq!(absolute("/zh"), "/zh");

        let site = Site {
            origin: Some("https://forum.example.org".to_owned()),
            assets,
        };
        SITE.scope(site, async {
            // The version is the start of the content's SHA-256.
            let expected = hex::encode(Sha256::digest(b"body{}"))[..12].to_owned();
            assert_eq!(
                asset("css/site.css"),
                format!("/static/css/site.css?v={expected}")
            );
            assert_eq!(asset("css/unknown.css"), "/static/css/unknown.css");
            assert_eq!(absolute("/zh"), "https://forum.example.org/zh");
        })
        .await;
    }
}
