//! Liveness and readiness probes for load balancers and orchestrators, and the fail-fast
//! answer while the database is down.

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::get;
use sqlx::PgPool;

use crate::db_health::{DbHealth, Status};
use crate::state::AppState;
use crate::web::error_page::ErrorPage;

/// Paths that never need the database: they are served during an outage too.
const WITHOUT_DATABASE: [&str; 4] = ["/static/", "/healthz", "/readyz", "/robots.txt"];

/// `/healthz` and `/readyz`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

/// The process is up and answering.
async fn healthz() -> &'static str {
    "ok"
}

/// The database answers too; 503 when it does not. With a watcher (as `serve` runs) this is
/// its verdict, at most a second old; without one, a ping through the pool.
async fn readyz(
    State(health): State<DbHealth>,
    State(db): State<PgPool>,
) -> (StatusCode, &'static str) {
    const READY: (StatusCode, &str) = (StatusCode::OK, "ready");
    const UNAVAILABLE: (StatusCode, &str) =
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable");
    match health.status() {
        Status::Up => return READY,
        Status::Down => return UNAVAILABLE,
        Status::Unwatched => {}
    }
    let ping = tokio::time::timeout(
        std::time::Duration::from_secs(2),
        sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(&db),
    )
    .await;
    match ping {
        Ok(Ok(_)) => READY,
        Ok(Err(error)) => {
            tracing::warn!(%error, "readiness check failed");
            UNAVAILABLE
        }
        Err(_) => {
            tracing::warn!("readiness check timed out");
            UNAVAILABLE
        }
    }
}

/// While the database is down, a request that needs it gets the localized 503 page (with
/// `Retry-After`) at once instead of waiting for the pool; a request already running when the
/// outage is detected gets it too, instead of hanging for as long as the database is frozen.
/// Static files and the probes are served as usual.
///
/// The page cache (`web::page_cache`) sits outside this layer: a page it holds is answered
/// before this layer runs, and during an outage it replaces this layer's 503 with the page
/// it holds — both where the outage is already known and where it is detected in flight —
/// so only pages it does not hold get [`ErrorPage::unavailable`].
pub async fn fail_fast(State(health): State<DbHealth>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if WITHOUT_DATABASE.iter().any(|free| path.starts_with(free)) {
        return next.run(request).await;
    }
    if health.is_down() {
        return ErrorPage::unavailable();
    }
    tokio::select! {
        response = next.run(request) => response,
        () = health.wait_down() => {
            tracing::warn!("answered 503: the database went away while this request ran");
            ErrorPage::unavailable()
        }
    }
}
