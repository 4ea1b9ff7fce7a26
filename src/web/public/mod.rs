//! The pages visitors read.

pub(crate) mod agreements;
pub(crate) mod exhibitors;
mod home;
pub(crate) mod organisations;
pub(crate) mod speakers;

use axum::Router;
use axum::routing::get;

use crate::db;
use crate::db::sources::Source;
use crate::domain::slug;
use crate::error::{AppError, Result};
use crate::state::AppState;

/// Every public route.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::show))
        .route("/speakers", get(speakers::index))
        .route("/speakers/{slug}", get(speakers::show))
        .route("/organisations", get(organisations::index))
        .route("/organisations/{slug}", get(organisations::show))
        .route("/agreements", get(agreements::index))
        .route("/agreements/{slug}", get(agreements::show))
        .route("/exhibitors", get(exhibitors::index))
        .route("/exhibitors/{slug}", get(exhibitors::show))
}

/// A slug from the path, or 404 before any query when it cannot be one.
fn checked_slug(slug: &str) -> Result<&str> {
    if slug::is_valid(slug) {
        Ok(slug)
    } else {
        Err(AppError::NotFound)
    }
}

/// The source of an entry, when it records one.
async fn source_of(
    db: impl sqlx::PgExecutor<'_>,
    source_id: Option<i64>,
) -> Result<Option<Source>> {
    match source_id {
        Some(id) => Ok(db::sources::find(db, id).await?),
        None => Ok(None),
    }
}
