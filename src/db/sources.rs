//! Where facts come from (the report the seed was built from, and later ones).

use sqlx::PgExecutor;
use time::Date;

/// A source, credited next to the facts taken from it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Source {
    pub publisher: String,
    pub published_on: Date,
    pub url: Option<String>,
}

/// The source with this id, if it (still) exists.
pub async fn find(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<Source>> {
    sqlx::query_as("SELECT publisher, published_on, url FROM sources WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}
