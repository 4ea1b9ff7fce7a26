//! The HTTP layer: routes of each area merged in one place, and the middleware around them.

pub mod admin;
pub mod error_page;
pub mod guard;
pub mod headers;
pub mod health;
pub mod public;
pub mod render;
pub mod site;
pub mod static_files;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::error::AppError;
use crate::i18n::Locale;
use crate::state::{AppState, WebConfig};

/// Largest request body accepted (forms are small).
const BODY_LIMIT: usize = 64 * 1024;

/// The whole application: every route, the static files and the middleware.
pub fn router(state: AppState) -> Router {
    let web = state.web.clone();
    let static_files = static_files::router(&state.web.static_dir)
        .layer(middleware::from_fn(site::static_caching));

    let app = Router::new()
        .merge(public::router())
        .merge(admin::router(&state))
        .merge(health::router())
        .nest("/static", static_files)
        .fallback(|| async { AppError::NotFound })
        .method_not_allowed_fallback(|| async {
            error_page::ErrorPage::new(
                StatusCode::METHOD_NOT_ALLOWED,
                Locale::current().lang.t("error.method.message").to_owned(),
            )
            .into_response_with(StatusCode::METHOD_NOT_ALLOWED)
        })
        .layer(middleware::from_fn_with_state(
            state.clone(),
            site::with_site,
        ))
        .layer(middleware::from_fn_with_state(
            state.health.clone(),
            health::fail_fast,
        ))
        .with_state(state)
        .layer(CompressionLayer::new().compress_when(static_files::compress_when()))
        .layer(middleware::from_fn(guard::refuse_undecodable_forms))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            web.request_timeout,
        ));
    with_outer_layers(app, &web)
}

/// What answers a connection beyond the connection limits: the 503 page, with the same
/// headers as every other answer.
pub fn refusal_router(web: Arc<WebConfig>) -> Router {
    let refuse = || async {
        error_page::with_retry_after(
            error_page::ErrorPage::new(
                StatusCode::SERVICE_UNAVAILABLE,
                Locale::current()
                    .lang
                    .t("error.connections.message")
                    .to_owned(),
            )
            .into_response_with(StatusCode::SERVICE_UNAVAILABLE),
        )
    };
    with_outer_layers(Router::new().fallback(refuse), &web)
}

/// The layers every answer passes through, refusals and error pages included: the request
/// checks, the localized error pages, the language, the security headers and the trace.
fn with_outer_layers(router: Router, web: &Arc<WebConfig>) -> Router {
    router
        .layer(middleware::from_fn_with_state(
            web.clone(),
            guard::check_request,
        ))
        .layer(middleware::from_fn(error_page::error_pages))
        .layer(middleware::from_fn_with_state(web.clone(), with_locale))
        .layer(middleware::from_fn_with_state(
            web.clone(),
            headers::security_headers,
        ))
        .layer(TraceLayer::new_for_http())
}

/// Name of the cookie that remembers the visitor's language for `/`.
pub const LANGUAGE_COOKIE: &str = "lang";

/// Handle the request in the language its path names, and remember that language (for `/`)
/// when a visitor reads a public page in it (a `Secure` cookie when served over HTTPS).
async fn with_locale(State(web): State<Arc<WebConfig>>, request: Request, next: Next) -> Response {
    let mut locale = Locale::from_path(request.uri().path());
    let remembered = cookie_value(request.headers(), LANGUAGE_COOKIE);
    // The admin has no language prefix: it speaks the language last chosen.
    if locale.path.starts_with("/admin")
        && let Some(lang) = remembered.as_deref().and_then(crate::i18n::Lang::from_code)
    {
        locale.lang = lang;
    }
    let lang = locale.lang;
    let is_page = request.method() == axum::http::Method::GET
        && !["/admin", "/static", "/healthz", "/readyz"]
            .iter()
            .any(|area| locale.path.starts_with(area));
    let mut response = locale.scope(next.run(request)).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_page
        && is_html
        && response.status().is_success()
        && remembered.as_deref() != Some(lang.code())
    {
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
    }
    response
}

/// The value of cookie `name` in a request's `Cookie` headers.
pub fn cookie_value(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}
