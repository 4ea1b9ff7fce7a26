//! The pages visitors read.

pub(crate) mod agreements;
pub(crate) mod exhibitors;
mod home;
pub(crate) mod organisations;
pub(crate) mod speakers;

use axum::Router;
use axum::response::Redirect;
use axum::routing::get;

use crate::db;
use crate::db::sources::Source;
use crate::domain::slug;
use crate::error::{AppError, Result};
use crate::i18n::Lang;
use crate::state::AppState;

/// Every public route, in every language: English at `/...`, the others under their prefix.
pub fn router() -> Router<AppState> {
    let mut router = Router::new()
        .route("/", get(home::root))
        .route("/zh", get(home::show))
        .route("/ur", get(home::show))
        .route("/zh/", get(|| async { Redirect::permanent("/zh") }))
        .route("/ur/", get(|| async { Redirect::permanent("/ur") }))
        .route("/robots.txt", get(robots));
    for lang in Lang::ALL {
        let prefix = lang.prefix();
        router = router
            .route(&format!("{prefix}/speakers"), get(speakers::index))
            .route(&format!("{prefix}/speakers/{{slug}}"), get(speakers::show))
            .route(
                &format!("{prefix}/organisations"),
                get(organisations::index),
            )
            .route(
                &format!("{prefix}/organisations/{{slug}}"),
                get(organisations::show),
            )
            .route(&format!("{prefix}/agreements"), get(agreements::index))
            .route(
                &format!("{prefix}/agreements/{{slug}}"),
                get(agreements::show),
            )
            .route(&format!("{prefix}/exhibitors"), get(exhibitors::index))
            .route(
                &format!("{prefix}/exhibitors/{{slug}}"),
                get(exhibitors::show),
            );
    }
    router
}

/// A slug from the path, or 404 before any query when it cannot be one.
fn checked_slug(slug: &str) -> Result<&str> {
    if slug::is_valid(slug) {
        Ok(slug)
    } else {
        Err(AppError::NotFound)
    }
}

/// The source of an entry (`entity_id` of `entity`), when it records one, with when the entry
/// was last edited.
async fn source_of(
    db: impl sqlx::PgExecutor<'_>,
    source_id: Option<i64>,
    entity: &str,
    entity_id: i64,
) -> Result<Option<Source>> {
    match source_id {
        Some(id) => Ok(db::sources::find(db, id, entity, entity_id).await?),
        None => Ok(None),
    }
}

/// What crawlers may read: everything but the admin.
async fn robots() -> &'static str {
    "User-agent: *\nDisallow: /admin\n"
}
