//! People: the forum's speakers and the officials the report names.

use serde::Deserialize;
use sqlx::PgExecutor;
use sqlx::types::Json;

use super::agreements::Agreement;
use super::initiatives::Initiative;
use super::organisations::Organisation;
use super::quotes::Quote;
use super::sources::Source;
use super::{OrganisationRef, PageNumber, Paged};
use crate::domain::LocalizedText;

/// A person as lists show them, with their (published) organisation.
#[derive(Debug, Clone, Deserialize)]
pub struct PersonSummary {
    pub slug: String,
    pub name: LocalizedText,
    pub role: Option<LocalizedText>,
    /// Their organisation, when it is published.
    pub organisation: Option<OrganisationRef>,
    pub quote_count: i64,
    /// Their photo (migration 0014), when one was uploaded.
    #[serde(default)]
    pub photo: Option<super::media::Picture>,
}

impl PersonSummary {
    /// The organisation to link to, when it is published.
    pub fn organisation(&self) -> Option<&OrganisationRef> {
        self.organisation.as_ref()
    }
}

/// A person's own page.
#[derive(Debug, Clone, Deserialize)]
pub struct Person {
    pub id: i64,
    pub slug: String,
    pub name: LocalizedText,
    pub role: Option<LocalizedText>,
    pub bio: Option<LocalizedText>,
    pub photo_url: Option<String>,
    pub organisation_id: Option<i64>,
    pub source_id: Option<i64>,
    /// Their photo (migration 0014), when one was uploaded.
    #[serde(default)]
    pub photo: Option<super::media::Picture>,
}

/// The statement of [`list_published`]: `$1` the page size, `$2` the offset.
pub const SPEAKERS_LIST_SQL: &str = concat!(
    "SELECT json_build_object('total', (SELECT count(*) FROM people WHERE published),
                'items', ",
    published_people_json!("$1", "$2"),
    ")"
);

/// One page of the published people, in the order they spoke in the report.
pub async fn list_published(
    db: impl PgExecutor<'_>,
    page: PageNumber,
) -> sqlx::Result<Paged<PersonSummary>> {
    super::fetch_paged(db, SPEAKERS_LIST_SQL, page).await
}

/// Everything a speaker's page shows.
#[derive(Debug, Clone, Deserialize)]
pub struct SpeakerData {
    pub person: Person,
    /// Their organisation, when it is published.
    pub organisation: Option<Organisation>,
    pub quotes: Vec<Quote>,
    /// The published agreements they announced.
    pub agreements: Vec<Agreement>,
    pub initiatives: Vec<Initiative>,
    pub source: Option<Source>,
}

/// The statement of [`speaker_page`]: `$1` the slug, `$2` whether drafts are included.
pub const SPEAKER_PAGE_SQL: &str = concat!(
    "SELECT json_build_object(
            'person', json_build_object('id', p.id, 'slug', p.slug, 'name', p.name,
                'role', p.role, 'bio', p.bio, 'photo_url', p.photo_url,
                'organisation_id', p.organisation_id, 'source_id', p.source_id,
                'photo', ",
    picture_json!("p", "photo_id"),
    "),
            'organisation', (SELECT ",
    organisation_json!("o"),
    " FROM organisations o WHERE o.id = p.organisation_id AND o.published),
            'quotes', COALESCE((SELECT json_agg(json_build_object('body', q.body, 'kind', q.kind)
                                ORDER BY q.position, q.id)
                                FROM quotes q WHERE q.person_id = p.id), '[]'),
            'agreements', COALESCE((SELECT json_agg(",
    agreement_json!("a"),
    " ORDER BY a.position, a.id)
                FROM agreements a WHERE a.announced_by_id = p.id AND a.published), '[]'),
            'initiatives', COALESCE((SELECT json_agg(",
    initiative_json!("i"),
    " ORDER BY i.position, i.id)
                FROM initiatives i WHERE i.mentioned_by_id = p.id), '[]'),
            'source', ",
    source_json!("people", "p.id", "p"),
    ")
         FROM people p WHERE p.slug = $1 AND (p.published OR $2)"
);

/// A speaker's page by slug (a draft only when `visibility` allows), in one statement.
pub async fn speaker_page(
    db: impl PgExecutor<'_>,
    slug: &str,
    visibility: super::Visibility,
) -> sqlx::Result<Option<SpeakerData>> {
    let page: Option<Json<SpeakerData>> = sqlx::query_scalar(SPEAKER_PAGE_SQL)
        .bind(slug)
        .bind(visibility.includes_drafts())
        .fetch_optional(db)
        .await?;
    Ok(page.map(|Json(page)| page))
}
