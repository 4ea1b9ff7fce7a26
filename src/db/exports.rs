//! What the public downloads read: every published entry of a list at once (the CSV files) and
//! the forum's dates (the calendar). Drafts, and what belongs to them (a draft person's
//! quotes, a draft organisation's booth), are never read; references to drafts read as absent,
//! as on the pages.

use serde::Deserialize;
use sqlx::PgExecutor;
use sqlx::types::Json;
use time::{Date, OffsetDateTime};

use super::agreements::Agreement;
use super::booths::Booth;
use super::initiatives::Initiative;
use super::organisations::Organisation;
use super::{OrganisationRef, PersonRef};
use crate::domain::LocalizedText;

/// The source an exported row names (without the "edited on" a page works out).
#[derive(Debug, Clone, Deserialize)]
pub struct SourceRef {
    pub publisher: String,
    #[serde(with = "super::json_date::iso")]
    pub published_on: Date,
    pub url: Option<String>,
}

/// A [`SourceRef`] of the source named in `$row.source_id`, else null.
macro_rules! source_ref_json {
    ($row:literal) => {
        concat!(
            "(SELECT json_build_object('publisher', s.publisher, 'published_on', s.published_on,
                 'url', s.url) FROM sources s WHERE s.id = ",
            $row,
            ".source_id)"
        )
    };
}

/// A published speaker, as the speakers file lists them.
#[derive(Debug, Clone, Deserialize)]
pub struct SpeakerRow {
    pub slug: String,
    pub name: LocalizedText,
    pub role: Option<LocalizedText>,
    pub bio: Option<LocalizedText>,
    pub photo_url: Option<String>,
    /// Their organisation, when it is published.
    pub organisation: Option<OrganisationRef>,
    pub quote_count: i64,
    pub source: Option<SourceRef>,
}

/// The statement of [`speakers`].
pub const SPEAKERS_SQL: &str = concat!(
    "SELECT COALESCE(json_agg(json_build_object(
            'slug', p.slug, 'name', p.name, 'role', p.role, 'bio', p.bio,
            'photo_url', p.photo_url,
            'organisation', (SELECT ",
    organisation_ref_json!("o"),
    " FROM organisations o WHERE o.id = p.organisation_id AND o.published),
            'quote_count', (SELECT count(*) FROM quotes q WHERE q.person_id = p.id),
            'source', ",
    source_ref_json!("p"),
    ") ORDER BY p.position, p.name->>'en', p.id), '[]')
     FROM people p WHERE p.published"
);

/// Every published speaker, in the order they spoke (as `/speakers` lists them).
pub async fn speakers(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<SpeakerRow>> {
    read_all(db, SPEAKERS_SQL).await
}

/// A published organisation, as the organisations file lists it.
#[derive(Debug, Clone, Deserialize)]
pub struct OrganisationRow {
    #[serde(flatten)]
    pub organisation: Organisation,
    /// The slug of its booth, when the booth is published.
    pub booth: Option<String>,
    pub source: Option<SourceRef>,
}

/// The statement of [`organisations`].
pub const ORGANISATIONS_SQL: &str = concat!(
    "SELECT COALESCE(json_agg(",
    organisation_json!("o"),
    "::jsonb || jsonb_build_object(
            'booth', (SELECT b.slug FROM booths b WHERE b.organisation_id = o.id AND b.published),
            'source', ",
    source_ref_json!("o"),
    ") ORDER BY o.country NULLS LAST, o.kind, o.name->>'en', o.id), '[]')
     FROM organisations o WHERE o.published"
);

/// Every published organisation, by country, kind (unknown last) and name (as `/organisations`).
pub async fn organisations(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<OrganisationRow>> {
    read_all(db, ORGANISATIONS_SQL).await
}

/// A published agreement, as the agreements file lists it.
#[derive(Debug, Clone, Deserialize)]
pub struct AgreementRow {
    /// With its published announcer and its published parties in order.
    #[serde(flatten)]
    pub agreement: Agreement,
    pub source: Option<SourceRef>,
}

/// The statement of [`agreements`].
pub const AGREEMENTS_SQL: &str = concat!(
    "SELECT COALESCE(json_agg(",
    agreement_json!("a"),
    "::jsonb || jsonb_build_object('source', ",
    source_ref_json!("a"),
    ") ORDER BY a.position, a.id), '[]')
     FROM agreements a WHERE a.published"
);

/// Every published agreement, in the order the report names them.
pub async fn agreements(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<AgreementRow>> {
    read_all(db, AGREEMENTS_SQL).await
}

/// A published booth of a published organisation, as the exhibitors file lists it.
#[derive(Debug, Clone, Deserialize)]
pub struct ExhibitorRow {
    #[serde(flatten)]
    pub booth: Booth,
    pub source: Option<SourceRef>,
}

/// The statement of [`exhibitors`].
pub const EXHIBITORS_SQL: &str = concat!(
    "SELECT COALESCE(json_agg(",
    booth_json!("b", "o"),
    "::jsonb || jsonb_build_object('source', ",
    source_ref_json!("b"),
    ") ORDER BY b.position, o.name->>'en', b.id), '[]')
     FROM booths b JOIN organisations o ON o.id = b.organisation_id
     WHERE b.published AND o.published"
);

/// Every published booth of a published organisation, in the order the report lists them.
pub async fn exhibitors(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<ExhibitorRow>> {
    read_all(db, EXHIBITORS_SQL).await
}

/// An initiative, as the initiatives file lists it (initiatives have no drafts; who mentioned
/// one is given only when that person is published).
#[derive(Debug, Clone, Deserialize)]
pub struct InitiativeRow {
    #[serde(flatten)]
    pub initiative: Initiative,
    pub source: Option<SourceRef>,
}

/// The statement of [`initiatives`].
pub const INITIATIVES_SQL: &str = concat!(
    "SELECT COALESCE(json_agg(",
    initiative_json!("i"),
    "::jsonb || jsonb_build_object('source', ",
    source_ref_json!("i"),
    ") ORDER BY i.position, i.id), '[]')
     FROM initiatives i"
);

/// Every initiative, in the order the report names them (as the home page lists them).
pub async fn initiatives(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<InitiativeRow>> {
    read_all(db, INITIATIVES_SQL).await
}

/// A statement of a published person, as the quotes file lists it.
#[derive(Debug, Clone, Deserialize)]
pub struct QuoteRow {
    pub speaker: PersonRef,
    /// Its place among the speaker's statements, from 1 (as their page shows them).
    pub number: i64,
    /// `direct` (the speaker's own words, in quotation marks in the source) or `reported`.
    pub kind: String,
    pub body: LocalizedText,
    pub source: Option<SourceRef>,
}

/// The statement of [`quotes`].
pub const QUOTES_SQL: &str = concat!(
    "SELECT COALESCE(json_agg(json_build_object(
            'speaker', json_build_object('slug', x.slug, 'name', x.name),
            'number', x.number, 'kind', x.kind, 'body', x.body, 'source', x.source)
            ORDER BY x.person_position, x.person_name, x.person_id, x.number), '[]')
     FROM (SELECT p.slug, p.name, p.position AS person_position, p.name->>'en' AS person_name,
                  p.id AS person_id, q.kind, q.body,
                  row_number() OVER (PARTITION BY q.person_id ORDER BY q.position, q.id) AS number,
                  ",
    source_ref_json!("q"),
    " AS source
             FROM quotes q JOIN people p ON p.id = q.person_id AND p.published) x"
);

/// Every statement of a published person, speaker by speaker in the order they spoke.
pub async fn quotes(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<QuoteRow>> {
    read_all(db, QUOTES_SQL).await
}

/// Read a statement that returns one JSON array.
async fn read_all<T: serde::de::DeserializeOwned + Send + Unpin + 'static>(
    db: impl PgExecutor<'_>,
    sql: &'static str,
) -> sqlx::Result<Vec<T>> {
    let Json(rows) = sqlx::query_scalar(sql).fetch_one(db).await?;
    Ok(rows)
}

/// The forum and its host fair, as the calendar gives them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ForumDates {
    pub title: LocalizedText,
    pub subtitle: Option<LocalizedText>,
    pub held_on: Date,
    pub city: LocalizedText,
    pub summary: Option<LocalizedText>,
    pub fair_name: LocalizedText,
    pub fair_short_name: Option<String>,
    pub fair_starts_on: Option<Date>,
    pub fair_ends_on: Option<Date>,
    /// When the forum's entry last changed (the calendar's timestamp: stable until it does).
    pub updated_at: OffsetDateTime,
    /// How often it was saved (the events' `SEQUENCE`).
    pub version: i32,
}

/// The forum's row (`None` only in a database without the seed).
pub async fn forum_dates(db: impl PgExecutor<'_>) -> sqlx::Result<Option<ForumDates>> {
    sqlx::query_as(
        "SELECT title, subtitle, held_on, city, summary, fair_name, fair_short_name,
                fair_starts_on, fair_ends_on, updated_at, version
         FROM forum",
    )
    .fetch_optional(db)
    .await
}
