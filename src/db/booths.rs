//! Exhibitor booths at the host fair.

use serde::Deserialize;
use sqlx::PgExecutor;
use sqlx::types::Json;

use super::sources::Source;
use super::{OrganisationRef, PageNumber, Paged};
use crate::domain::LocalizedText;

/// A booth and the organisation that runs it.
#[derive(Debug, Clone, Deserialize)]
pub struct Booth {
    pub id: i64,
    pub slug: String,
    pub booth_label: Option<String>,
    pub hall: Option<String>,
    /// The hall's name in every language, when the booth is in a hall.
    #[serde(default)]
    pub hall_name: Option<LocalizedText>,
    /// Whether the booth is placed on its hall's floor plan.
    #[serde(default)]
    pub placed: bool,
    pub note: Option<LocalizedText>,
    pub source_id: Option<i64>,
    /// The exhibiting organisation.
    pub organisation: OrganisationRef,
    pub organisation_country: Option<String>,
    /// The organisation's logo (migration 0014), when one was uploaded.
    #[serde(default)]
    pub logo: Option<super::media::Picture>,
}

impl Booth {
    /// The exhibiting organisation.
    pub fn organisation(&self) -> &OrganisationRef {
        &self.organisation
    }
}

/// The statement of [`list_published`]: `$1` the page size, `$2` the offset.
pub const EXHIBITORS_LIST_SQL: &str = concat!(
    "SELECT json_build_object(
            'total', (SELECT count(*) FROM booths b JOIN organisations o ON o.id = b.organisation_id
                       WHERE b.published AND o.published),
            'items', COALESCE((SELECT json_agg(x.booth ORDER BY x.position, x.name, x.id)
                FROM (SELECT ",
    booth_json!("b", "o"),
    " AS booth, b.position, o.name->>'en' AS name, b.id
                       FROM booths b JOIN organisations o ON o.id = b.organisation_id
                       WHERE b.published AND o.published
                       ORDER BY b.position, o.name->>'en', b.id LIMIT $1 OFFSET $2) x), '[]'))"
);

/// One page of the published booths (of published organisations), in the order the report
/// lists them.
pub async fn list_published(
    db: impl PgExecutor<'_>,
    page: PageNumber,
) -> sqlx::Result<Paged<Booth>> {
    super::fetch_paged(db, EXHIBITORS_LIST_SQL, page).await
}

/// Everything a booth's page shows.
#[derive(Debug, Clone, Deserialize)]
pub struct BoothData {
    pub booth: Booth,
    pub source: Option<Source>,
}

/// The statement of [`booth_page`]: `$1` the slug, `$2` whether drafts are included.
pub const EXHIBITOR_PAGE_SQL: &str = concat!(
    "SELECT json_build_object('booth', ",
    booth_json!("b", "o"),
    ", 'source', ",
    source_json!("booths", "b.id", "b"),
    ")
         FROM booths b JOIN organisations o ON o.id = b.organisation_id
         WHERE b.slug = $1 AND ((b.published AND o.published) OR $2)"
);

/// A booth's page by slug (a draft, or one of a draft organisation, only when `visibility`
/// allows), in one statement.
pub async fn booth_page(
    db: impl PgExecutor<'_>,
    slug: &str,
    visibility: super::Visibility,
) -> sqlx::Result<Option<BoothData>> {
    let page: Option<Json<BoothData>> = sqlx::query_scalar(EXHIBITOR_PAGE_SQL)
        .bind(slug)
        .bind(visibility.includes_drafts())
        .fetch_optional(db)
        .await?;
    Ok(page.map(|Json(page)| page))
}
