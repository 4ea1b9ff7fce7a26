//! The HTTP layer: routes of each area merged in one place, and the middleware around them.

pub mod admin;
pub mod api;
pub mod encoding;
pub mod error_page;
pub mod guard;
pub mod headers;
pub mod health;
pub mod language;
pub mod linked_data;
pub mod media;
pub mod page_cache;
pub mod public;
pub mod render;
pub mod share_card;
pub mod site;
pub mod spreadsheet;
pub mod static_files;

use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::http::{StatusCode, header};
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
pub(crate) const BODY_LIMIT: usize = 64 * 1024;

/// The whole application: every route, the static files and the middleware.
pub fn router(state: AppState) -> Router {
    let web = state.web.clone();
    let static_files = static_files::router(&state.web.static_dir)
        .layer(middleware::from_fn(site::static_caching));

    let app = Router::new()
        .merge(public::router())
        .merge(api::router())
        .merge(media::router())
        .merge(admin::router(&state))
        .merge(health::router())
        .merge(language::router())
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
        // Outside `fail_fast`, so that held pages are served during an outage; inside the
        // compression, which leaves the cache's already compressed bytes alone.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            page_cache::serve,
        ))
        .with_state(state)
        .layer(CompressionLayer::new().compress_when(static_files::compress_when()))
        .layer(middleware::from_fn(guard::refuse_undecodable_forms))
        .layer(middleware::from_fn(limit_body))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            web.request_timeout,
        ));
    with_outer_layers(app, &web)
}

/// Limit the request body: [`BODY_LIMIT`] everywhere, except a multipart `POST` to one of the
/// admin's upload forms, which may carry a file of up to [`crate::media::MAX_UPLOAD_BYTES`]
/// (plus the form around it). Anything else sent there (a URL-encoded form, another method)
/// keeps the small limit, so a visitor cannot make the server hold megabytes before the login
/// check.
async fn limit_body(request: Request, next: Next) -> Response {
    use axum::body::Body;
    use tower::ServiceExt;
    use tower_http::body::Limited;
    let is_multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("multipart/form-data"));
    let limit = if request.method() == axum::http::Method::POST
        && is_multipart
        && admin::is_upload_path(request.uri().path())
    {
        admin::UPLOAD_BODY_LIMIT
    } else {
        BODY_LIMIT
    };
    let service = tower::ServiceBuilder::new()
        .layer(RequestBodyLimitLayer::new(limit))
        .map_request(|request: Request<Limited<Body>>| request.map(Body::new))
        .service(next);
    match service.oneshot(request).await {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    }
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
        .layer(middleware::from_fn(with_locale))
        .layer(middleware::from_fn_with_state(
            web.clone(),
            headers::security_headers,
        ))
        .layer(TraceLayer::new_for_http())
}

/// Name of the cookie that remembers the visitor's language for `/` (set only by the
/// language switcher, see [`language`]; public pages never set it, so they can be cached).
pub const LANGUAGE_COOKIE: &str = "lang";

/// Handle the request in the language its path names. The admin, which has no language
/// prefix, speaks the admin's own choice (kept on the account, see `web::admin`), else the
/// language last chosen in the site's switcher.
async fn with_locale(request: Request, next: Next) -> Response {
    let mut locale = Locale::from_path(request.uri().path());
    if locale.path.starts_with("/admin")
        && let Some(lang) = cookie_value(request.headers(), LANGUAGE_COOKIE)
            .as_deref()
            .and_then(crate::i18n::Lang::from_code)
    {
        locale.lang = lang;
    }
    locale.scope(next.run(request)).await
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
