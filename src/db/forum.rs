//! The forum itself (one row), its source, the headline numbers, and the home page.

use serde::Deserialize;
use sqlx::PgExecutor;
use sqlx::types::Json;
use time::Date;

use super::agreements::Agreement;
use super::initiatives::Initiative;
use super::people::PersonSummary;
use super::sources::Source;
use crate::domain::LocalizedText;

/// The forum and its host fair.
#[derive(Debug, Clone, Deserialize)]
pub struct Forum {
    pub title: LocalizedText,
    pub subtitle: Option<LocalizedText>,
    #[serde(with = "super::json_date::iso")]
    pub held_on: Date,
    pub city: LocalizedText,
    pub summary: Option<LocalizedText>,
    pub fair_name: LocalizedText,
    pub fair_short_name: Option<String>,
    #[serde(with = "super::json_date::iso::option")]
    pub fair_starts_on: Option<Date>,
    #[serde(with = "super::json_date::iso::option")]
    pub fair_ends_on: Option<Date>,
    pub source_id: Option<i64>,
}

/// How many published speakers, organisations, agreements and booths there are.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Counts {
    pub speakers: i64,
    pub organisations: i64,
    pub agreements: i64,
    pub booths: i64,
}

/// Everything the home page shows.
#[derive(Debug, Clone, Deserialize)]
pub struct HomeData {
    pub forum: Forum,
    pub counts: Counts,
    /// The first page of the published speakers, in the order they spoke.
    pub speakers: Vec<PersonSummary>,
    /// The first page of the published agreements, in the order the report names them.
    pub agreements: Vec<Agreement>,
    /// Every initiative (speakers' pages link to them here), in the order the report names them.
    pub initiatives: Vec<Initiative>,
    pub source: Option<Source>,
    /// The published pictures of the forum (migration 0014), in order.
    #[serde(default)]
    pub pictures: Vec<super::media::GalleryPicture>,
}

/// The statement of [`home_page`]: `$1` how many speakers and agreements it lists.
pub const HOME_PAGE_SQL: &str = concat!(
        "SELECT json_build_object(
            'forum', json_build_object('title', f.title, 'subtitle', f.subtitle,
                'held_on', f.held_on, 'city', f.city, 'summary', f.summary,
                'fair_name', f.fair_name, 'fair_short_name', f.fair_short_name,
                'fair_starts_on', f.fair_starts_on, 'fair_ends_on', f.fair_ends_on,
                'source_id', f.source_id),
            'counts', json_build_object(
                'speakers', (SELECT count(*) FROM people WHERE published),
                'organisations', (SELECT count(*) FROM organisations WHERE published),
                'agreements', (SELECT count(*) FROM agreements WHERE published),
                'booths', (SELECT count(*) FROM booths b JOIN organisations o ON o.id = b.organisation_id
                            WHERE b.published AND o.published)),
            'speakers', ",
        published_people_json!("$1", "0"),
        ",
            'agreements', ",
        published_agreements_json!("$1", "0"),
        ",
            'initiatives', COALESCE((SELECT json_agg(",
        initiative_json!("i"),
        " ORDER BY i.position, i.id) FROM initiatives i), '[]'),
            'pictures', COALESCE((SELECT json_agg(json_build_object('caption', fp.caption,
                'picture', ",
        picture_json!("fp", "media_id"),
        ") ORDER BY fp.position, fp.id) FROM forum_pictures fp WHERE fp.published), '[]'),
            'source', ",
        source_json!("forum", "1", "f"),
        ")
         FROM forum f"
    );

/// The home page's data, in one statement. Migrations seed the forum row, so its absence is
/// an error, not a 404.
pub async fn home_page(db: impl PgExecutor<'_>) -> sqlx::Result<HomeData> {
    let Json(home) = sqlx::query_scalar(HOME_PAGE_SQL)
        .bind(super::PAGE_SIZE)
        .fetch_one(db)
        .await?;
    Ok(home)
}
