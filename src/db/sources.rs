//! Where facts come from (the report the seed was built from, and later ones).

use sqlx::PgExecutor;
use time::Date;

/// A source, credited next to the facts taken from it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Source {
    pub publisher: String,
    pub published_on: Date,
    pub url: Option<String>,
    /// When an admin last edited the entry that credits this source (UTC date), if ever: the
    /// entry may no longer say only what the source says. Publishing it or holding it back
    /// (or a save that changed nothing) is no edit.
    pub edited_on: Option<Date>,
}

/// The source `id` of the entry `entity_id` of `entity` (a history name: `people`, `forum`),
/// if it (still) exists, with when that entry was last edited.
pub async fn find(
    db: impl PgExecutor<'_>,
    id: i64,
    entity: &str,
    entity_id: i64,
) -> sqlx::Result<Option<Source>> {
    sqlx::query_as(
        "SELECT s.publisher, s.published_on, s.url,
                (SELECT (max(h.at) AT TIME ZONE 'UTC')::date FROM history h
                  WHERE h.entity = $2 AND h.entity_id = $3 AND h.action = 'update'
                    AND (h.before - $4::text[]) IS DISTINCT FROM (h.after - $4::text[])) AS edited_on
         FROM sources s WHERE s.id = $1",
    )
    .bind(id)
    .bind(entity)
    .bind(entity_id)
    .bind(["published", "version", "updated_at"])
    .fetch_optional(db)
    .await
}
