//! The visitor's language: the switcher's links (`/lang/{code}{path}`), which remember the
//! choice in the `lang` cookie and lead to the page in that language, and the decision of `/`
//! to redirect to the language remembered or preferred.
//!
//! Pages themselves never set the cookie: a public page is the same bytes for every visitor,
//! so it can be cached (by the portal and by any CDN). Only this small, uncached answer does.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use crate::i18n::Lang;
use crate::state::{AppState, WebConfig};
use crate::web::{LANGUAGE_COOKIE, cookie_value};

/// `/lang/{code}` and `/lang/{code}/{path…}`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/lang/{code}", get(choose_home))
        .route("/lang/{code}/{*path}", get(choose))
}

/// The switcher's link to the language-neutral `path` (`/speakers`) in `lang`:
/// `/lang/zh/speakers` (`/lang/zh` for the home page).
/// The page's query string, if any, is added by the caller (see `PageMeta::alternates`).
pub fn switch_href(lang: Lang, path: &str) -> String {
    match path {
        "/" => format!("/lang/{}", lang.code()),
        _ => format!("/lang/{}{path}", lang.code()),
    }
}

async fn choose_home(
    State(state): State<AppState>,
    Path(code): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    remember(&state.web, &code, "/", query.as_deref())
}

async fn choose(
    State(state): State<AppState>,
    Path((code, path)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Response {
    remember(&state.web, &code, &format!("/{path}"), query.as_deref())
}

/// Remember `code` and go to `path` in that language, with the page's `query` (a search, a
/// list's page) kept: a path that could lead elsewhere (`//host`, a backslash, anything but a
/// plain path) leads to that language's home page, and the query is parsed and written again,
/// so only well-formed, escaped pairs reach the redirect.
fn remember(web: &Arc<WebConfig>, code: &str, path: &str, query: Option<&str>) -> Response {
    let Some(lang) = Lang::from_code(code) else {
        return crate::error::AppError::NotFound.into_response();
    };
    let plain = path.starts_with('/')
        && !path.contains("//")
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/-._~".contains(&b));
    let mut target = lang.href(if plain { path } else { "/" });
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form_urlencoded::parse(query.unwrap_or_default().as_bytes()))
        .finish();
    if plain && !query.is_empty() {
        target = format!("{target}?{query}");
    }
    let mut response = Redirect::to(&target).into_response();
    let secure = if web.sessions.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{LANGUAGE_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}",
        lang.code()
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Where `/` sends a visitor arriving from elsewhere: to the language they chose (cookie) or,
/// on a first visit, prefer (`Accept-Language`) — `None` for English. Navigation inside the
/// site is never redirected, so the English page is always reachable.
pub fn home_redirect(headers: &HeaderMap) -> Option<Lang> {
    let from_this_site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "same-origin")
        || match (
            headers.get(header::REFERER).and_then(|v| v.to_str().ok()),
            headers.get(header::HOST).and_then(|v| v.to_str().ok()),
        ) {
            (Some(referer), Some(host)) => referer
                .split_once("://")
                .is_some_and(|(_, rest)| rest.split('/').next() == Some(host)),
            _ => false,
        };
    if from_this_site {
        return None;
    }
    let preferred = match cookie_value(headers, LANGUAGE_COOKIE) {
        Some(code) => Lang::from_code(&code),
        None => headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(crate::i18n::negotiate),
    };
    preferred.filter(|lang| *lang != Lang::En)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switch_links_name_the_language_and_the_neutral_path() {
        assert_eq!(switch_href(Lang::Zh, "/"), "/lang/zh");
        assert_eq!(
            switch_href(Lang::En, "/speakers/moin-ul-haque"),
            "/lang/en/speakers/moin-ul-haque"
        );
    }

    #[test]
    fn the_switch_leads_only_to_this_site() {
        let web = Arc::new(WebConfig::new(
            WebConfig::source_tree_static_dir(),
            Default::default(),
            None,
        ));
        for (path, query, expected) in [
            ("/speakers", None, "/ur/speakers"),
            ("/", None, "/ur"),
            ("//evil.example", None, "/ur"),
            ("/\\evil.example", None, "/ur"),
            ("/a?b", None, "/ur"),
            ("/speakers", Some("page=2"), "/ur/speakers?page=2"),
            ("/search", Some("q=a%0d%0ab&&x"), "/ur/search?q=a%0D%0Ab&x="),
            ("//evil.example", Some("q=x"), "/ur"),
        ] {
            let response = remember(&web, "ur", path, query);
            assert_eq!(response.headers()[header::LOCATION], expected, "{path}");
            let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
            assert!(cookie.starts_with("lang=ur;"), "{cookie}");
        }
    }
}
