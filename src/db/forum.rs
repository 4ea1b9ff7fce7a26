//! The forum itself (one row), its source, and the headline numbers.

use sqlx::PgExecutor;
use time::Date;

use crate::domain::LocalizedText;

/// The forum and its host fair.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Forum {
    pub title: LocalizedText,
    pub subtitle: Option<LocalizedText>,
    pub held_on: Date,
    pub city: LocalizedText,
    pub summary: Option<LocalizedText>,
    pub fair_name: LocalizedText,
    pub fair_short_name: Option<String>,
    pub fair_starts_on: Option<Date>,
    pub fair_ends_on: Option<Date>,
    pub source_id: Option<i64>,
}

/// The forum row. Migrations seed it, so its absence is an error, not a 404.
pub async fn get(db: impl PgExecutor<'_>) -> sqlx::Result<Forum> {
    sqlx::query_as(
        "SELECT f.title, f.subtitle, f.held_on, f.city, f.summary, f.fair_name, f.fair_short_name,
                f.fair_starts_on, f.fair_ends_on, f.source_id
         FROM forum f",
    )
    .fetch_one(db)
    .await
}

/// How many published speakers, organisations, agreements and booths there are.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct Counts {
    pub speakers: i64,
    pub organisations: i64,
    pub agreements: i64,
    pub booths: i64,
}

/// The numbers on the home page.
pub async fn counts(db: impl PgExecutor<'_>) -> sqlx::Result<Counts> {
    sqlx::query_as(
        "SELECT (SELECT count(*) FROM people WHERE published) AS speakers,
                (SELECT count(*) FROM organisations WHERE published) AS organisations,
                (SELECT count(*) FROM agreements WHERE published) AS agreements,
                (SELECT count(*) FROM booths b JOIN organisations o ON o.id = b.organisation_id
                  WHERE b.published AND o.published) AS booths",
    )
    .fetch_one(db)
    .await
}
