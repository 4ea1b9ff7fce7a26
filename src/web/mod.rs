//! The HTTP layer: routes of each area merged in one place, and the middleware around them.

pub mod admin;
pub mod health;
pub mod public;
pub mod render;

use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::error::AppError;
use crate::state::AppState;

/// Largest request body accepted (forms are small).
const BODY_LIMIT: usize = 64 * 1024;
/// Longest a request may take before the client gets a timeout page.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Pages carry no inline script or style, so the policy can forbid both.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The whole application: every route, the static files and the middleware.
pub fn router(state: AppState) -> Router {
    let static_files = Router::new()
        .fallback_service(ServeDir::new(&state.web.static_dir))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=3600"),
        ));

    Router::new()
        .merge(public::router())
        .merge(admin::router(&state))
        .merge(health::router())
        .nest("/static", static_files)
        .fallback(|| async { AppError::NotFound })
        .method_not_allowed_fallback(|| async {
            crate::error::ErrorPage::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "This address does not accept that kind of request.".to_owned(),
            )
            .into_response_with(StatusCode::METHOD_NOT_ALLOWED)
        })
        .with_state(state)
        .layer(default_header(
            header::CONTENT_SECURITY_POLICY,
            CONTENT_SECURITY_POLICY,
        ))
        .layer(default_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(default_header(
            header::REFERRER_POLICY,
            "strict-origin-when-cross-origin",
        ))
        .layer(default_header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(CompressionLayer::new())
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(TraceLayer::new_for_http())
}

/// A header every response carries unless the handler set its own.
fn default_header(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}
