//! What the JSON API reads (`web::api`): one statement per answer, published entries only,
//! and links only to published entries. Where a public page already reads the same shape
//! (an organisation, an agreement, a booth, the list of speakers), its statement is reused;
//! the others are built from the same fragments (`fragments.rs`).

use serde::Deserialize;
use sqlx::PgExecutor;
use sqlx::types::Json;

use super::agreements::AgreementData;
use super::booths::BoothData;
use super::forum::Forum;
use super::initiatives::Initiative;
use super::people::{Person, PersonSummary};
use super::sources::Source;
use super::{OrganisationRef, PersonRef};
use super::{Paged, Visibility};
use crate::domain::LocalizedText;

/// Which slice of a list an API answer reads: `limit` entries after the first `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub limit: i64,
    pub offset: i64,
}

/// One page of a list read by `sql`, a statement that returns `{"total", "items"}` as JSON
/// (`$1` the limit, `$2` the offset).
async fn fetch_window<T: serde::de::DeserializeOwned + Send + Unpin + 'static>(
    db: impl PgExecutor<'_>,
    sql: &'static str,
    window: Window,
) -> sqlx::Result<Paged<T>> {
    let Json(paged) = sqlx::query_scalar(sql)
        .bind(window.limit)
        .bind(window.offset)
        .fetch_one(db)
        .await?;
    Ok(paged)
}

/// An item read by `sql` (`$1` its key), or `None`.
async fn fetch_item<T, K>(
    db: impl PgExecutor<'_>,
    sql: &'static str,
    key: K,
) -> sqlx::Result<Option<T>>
where
    T: serde::de::DeserializeOwned + Send + Unpin + 'static,
    K: for<'q> sqlx::Encode<'q, sqlx::Postgres> + sqlx::Type<sqlx::Postgres> + Send + 'static,
{
    let item: Option<Json<T>> = sqlx::query_scalar(sql).bind(key).fetch_optional(db).await?;
    Ok(item.map(|Json(item)| item))
}

/// How many published entries of each kind there are.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Counts {
    pub speakers: i64,
    pub organisations: i64,
    pub agreements: i64,
    pub exhibitors: i64,
    pub initiatives: i64,
    pub quotes: i64,
}

/// The forum, how many entries of each kind are published, and its source.
#[derive(Debug, Clone, Deserialize)]
pub struct ForumData {
    pub forum: Forum,
    pub counts: Counts,
    pub source: Option<Source>,
}

/// The statement of [`forum`].
pub const FORUM_SQL: &str = concat!(
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
                'exhibitors', (SELECT count(*) FROM booths b JOIN organisations o ON o.id = b.organisation_id
                               WHERE b.published AND o.published),
                'initiatives', (SELECT count(*) FROM initiatives),
                'quotes', (SELECT count(*) FROM quotes q JOIN people p ON p.id = q.person_id
                           WHERE p.published)),
            'source', ",
    source_json!("forum", "1", "f"),
    ") FROM forum f"
);

/// The forum (migrations seed its one row, so its absence is an error).
pub async fn forum(db: impl PgExecutor<'_>) -> sqlx::Result<ForumData> {
    let Json(forum) = sqlx::query_scalar(FORUM_SQL).fetch_one(db).await?;
    Ok(forum)
}

/// One page of the published people, in the order they spoke (the public list's statement).
pub async fn speakers(
    db: impl PgExecutor<'_>,
    window: Window,
) -> sqlx::Result<Paged<PersonSummary>> {
    fetch_window(db, super::people::SPEAKERS_LIST_SQL, window).await
}

/// A quote as its speaker's entry lists it.
#[derive(Debug, Clone, Deserialize)]
pub struct QuoteRow {
    pub id: i64,
    pub body: LocalizedText,
    pub kind: String,
}

/// Just enough of an agreement to name and link it.
#[derive(Debug, Clone, Deserialize)]
pub struct AgreementRef {
    pub slug: String,
    pub title: LocalizedText,
}

/// Just enough of an initiative to name and link it.
#[derive(Debug, Clone, Deserialize)]
pub struct InitiativeRef {
    pub slug: String,
    pub name: LocalizedText,
}

/// A published person with what links to them.
#[derive(Debug, Clone, Deserialize)]
pub struct SpeakerData {
    pub person: Person,
    /// Their organisation, when it is published.
    pub organisation: Option<OrganisationRef>,
    pub quotes: Vec<QuoteRow>,
    /// The published agreements they announced.
    pub agreements: Vec<AgreementRef>,
    pub initiatives: Vec<InitiativeRef>,
    pub source: Option<Source>,
}

/// The statement of [`speaker`]: `$1` the slug.
pub const SPEAKER_SQL: &str = concat!(
    "SELECT json_build_object(
            'person', json_build_object('id', p.id, 'slug', p.slug, 'name', p.name,
                'role', p.role, 'bio', p.bio, 'photo_url', p.photo_url,
                'organisation_id', p.organisation_id, 'source_id', p.source_id),
            'organisation', (SELECT ",
    organisation_ref_json!("o"),
    " FROM organisations o WHERE o.id = p.organisation_id AND o.published),
            'quotes', COALESCE((SELECT json_agg(json_build_object('id', q.id, 'body', q.body,
                                    'kind', q.kind) ORDER BY q.position, q.id)
                                FROM quotes q WHERE q.person_id = p.id), '[]'),
            'agreements', COALESCE((SELECT json_agg(json_build_object('slug', a.slug,
                                        'title', a.title) ORDER BY a.position, a.id)
                FROM agreements a WHERE a.announced_by_id = p.id AND a.published), '[]'),
            'initiatives', COALESCE((SELECT json_agg(json_build_object('slug', i.slug,
                                         'name', i.name) ORDER BY i.position, i.id)
                FROM initiatives i WHERE i.mentioned_by_id = p.id), '[]'),
            'source', ",
    source_json!("people", "p.id", "p"),
    ") FROM people p WHERE p.slug = $1 AND p.published"
);

/// The published person with `slug`.
pub async fn speaker(db: impl PgExecutor<'_>, slug: &str) -> sqlx::Result<Option<SpeakerData>> {
    fetch_item(db, SPEAKER_SQL, slug.to_owned()).await
}

/// An organisation as the API's list shows it.
#[derive(Debug, Clone, Deserialize)]
pub struct OrganisationRow {
    pub slug: String,
    pub name: LocalizedText,
    pub short_name: Option<String>,
    pub country: Option<String>,
    pub kind: Option<String>,
    /// The slug of its booth, when the booth is published.
    pub exhibitor: Option<String>,
}

/// The statement of [`organisations`] (the public list's order and index).
pub const ORGANISATIONS_SQL: &str = "SELECT json_build_object(
        'total', (SELECT count(*) FROM organisations WHERE published),
        'items', COALESCE((SELECT json_agg(json_build_object('slug', o.slug, 'name', o.name,
                    'short_name', o.short_name, 'country', o.country, 'kind', o.kind,
                    'exhibitor', (SELECT hb.slug FROM booths hb
                                   WHERE hb.organisation_id = o.id AND hb.published))
                ORDER BY o.country NULLS LAST, o.kind, o.name->>'en', o.id)
            FROM (SELECT * FROM organisations o WHERE o.published
                   ORDER BY o.country NULLS LAST, o.kind, o.name->>'en', o.id
                   LIMIT $1 OFFSET $2) o), '[]'))";

/// One page of the published organisations, by country, kind (unknown last) and name.
pub async fn organisations(
    db: impl PgExecutor<'_>,
    window: Window,
) -> sqlx::Result<Paged<OrganisationRow>> {
    fetch_window(db, ORGANISATIONS_SQL, window).await
}

/// The published organisation with `slug`, with its people, agreements and booth (the
/// public page's statement).
pub async fn organisation(
    db: impl PgExecutor<'_>,
    slug: &str,
) -> sqlx::Result<Option<super::organisations::OrganisationData>> {
    super::organisations::organisation_page(db, slug, Visibility::Published).await
}

/// The statement of [`agreements`]: each with its published announcer, parties and source.
pub const AGREEMENTS_SQL: &str = concat!(
    "SELECT json_build_object('total', (SELECT count(*) FROM agreements WHERE published),
            'items', COALESCE((SELECT json_agg(json_build_object('agreement', ",
    agreement_json!("a"),
    ", 'source', ",
    source_json!("agreements", "a.id", "a"),
    ") ORDER BY a.position, a.id)
              FROM (SELECT * FROM agreements WHERE published
                    ORDER BY position, id LIMIT $1 OFFSET $2) a), '[]'))"
);

/// One page of the published agreements, in the order the report names them.
pub async fn agreements(
    db: impl PgExecutor<'_>,
    window: Window,
) -> sqlx::Result<Paged<AgreementData>> {
    fetch_window(db, AGREEMENTS_SQL, window).await
}

/// The published agreement with `slug` (the public page's statement).
pub async fn agreement(db: impl PgExecutor<'_>, slug: &str) -> sqlx::Result<Option<AgreementData>> {
    super::agreements::agreement_page(db, slug, Visibility::Published).await
}

/// The statement of [`exhibitors`]: booths of published organisations, with their source.
pub const EXHIBITORS_SQL: &str = concat!(
    "SELECT json_build_object(
            'total', (SELECT count(*) FROM booths b JOIN organisations o ON o.id = b.organisation_id
                       WHERE b.published AND o.published),
            'items', COALESCE((SELECT json_agg(x.item ORDER BY x.position, x.name, x.id)
                FROM (SELECT json_build_object('booth', ",
    booth_json!("b", "o"),
    ", 'source', ",
    source_json!("booths", "b.id", "b"),
    ") AS item, b.position, o.name->>'en' AS name, b.id
                       FROM booths b JOIN organisations o ON o.id = b.organisation_id
                       WHERE b.published AND o.published
                       ORDER BY b.position, o.name->>'en', b.id LIMIT $1 OFFSET $2) x), '[]'))"
);

/// One page of the published booths of published organisations, in the report's order.
pub async fn exhibitors(db: impl PgExecutor<'_>, window: Window) -> sqlx::Result<Paged<BoothData>> {
    fetch_window(db, EXHIBITORS_SQL, window).await
}

/// The published booth with `slug`, of a published organisation (the public page's statement).
pub async fn exhibitor(db: impl PgExecutor<'_>, slug: &str) -> sqlx::Result<Option<BoothData>> {
    super::booths::booth_page(db, slug, Visibility::Published).await
}

/// An initiative with its source.
#[derive(Debug, Clone, Deserialize)]
pub struct InitiativeData {
    pub initiative: Initiative,
    pub source: Option<Source>,
}

/// The statement of [`initiatives`]: each with who mentioned it (when published).
pub const INITIATIVES_SQL: &str = concat!(
    "SELECT json_build_object('total', (SELECT count(*) FROM initiatives),
            'items', COALESCE((SELECT json_agg(json_build_object('initiative', ",
    initiative_json!("i"),
    ", 'source', ",
    source_json!("initiatives", "i.id", "i"),
    ") ORDER BY i.position, i.id)
              FROM (SELECT * FROM initiatives ORDER BY position, id LIMIT $1 OFFSET $2) i), '[]'))"
);

/// One page of the initiatives, in the order the report names them.
pub async fn initiatives(
    db: impl PgExecutor<'_>,
    window: Window,
) -> sqlx::Result<Paged<InitiativeData>> {
    fetch_window(db, INITIATIVES_SQL, window).await
}

/// The statement of [`initiative`]: `$1` the slug.
pub const INITIATIVE_SQL: &str = concat!(
    "SELECT json_build_object('initiative', ",
    initiative_json!("i"),
    ", 'source', ",
    source_json!("initiatives", "i.id", "i"),
    ") FROM initiatives i WHERE i.slug = $1"
);

/// The initiative with `slug`.
pub async fn initiative(
    db: impl PgExecutor<'_>,
    slug: &str,
) -> sqlx::Result<Option<InitiativeData>> {
    fetch_item(db, INITIATIVE_SQL, slug.to_owned()).await
}

/// A quote of a published person, with its speaker and source.
#[derive(Debug, Clone, Deserialize)]
pub struct QuoteData {
    pub id: i64,
    pub body: LocalizedText,
    pub kind: String,
    pub person: PersonRef,
    pub source: Option<Source>,
}

/// One quote as JSON, of the quotes row aliased `q` that carries its person's `person_slug`
/// and `person_name`.
macro_rules! api_quote_json {
    () => {
        concat!(
            "json_build_object('id', q.id, 'body', q.body, 'kind', q.kind,
                'person', json_build_object('slug', q.person_slug, 'name', q.person_name),
                'source', ",
            source_json!("quotes", "q.id", "q"),
            ")"
        )
    };
}

/// The statement of [`quotes`]: quotes of published people only, by id.
pub const QUOTES_SQL: &str = concat!(
    "SELECT json_build_object(
            'total', (SELECT count(*) FROM quotes q JOIN people p ON p.id = q.person_id
                       WHERE p.published),
            'items', COALESCE((SELECT json_agg(",
    api_quote_json!(),
    " ORDER BY q.id)
                FROM (SELECT q.*, p.slug AS person_slug, p.name AS person_name
                        FROM quotes q JOIN people p ON p.id = q.person_id
                       WHERE p.published ORDER BY q.id LIMIT $1 OFFSET $2) q), '[]'))"
);

/// One page of the quotes of published people, in the order they were recorded (by id).
pub async fn quotes(db: impl PgExecutor<'_>, window: Window) -> sqlx::Result<Paged<QuoteData>> {
    fetch_window(db, QUOTES_SQL, window).await
}

/// The statement of [`quote`]: `$1` the id.
pub const QUOTE_SQL: &str = concat!(
    "SELECT ",
    api_quote_json!(),
    " FROM (SELECT q.*, p.slug AS person_slug, p.name AS person_name
              FROM quotes q JOIN people p ON p.id = q.person_id
             WHERE q.id = $1 AND p.published) q"
);

/// The quote with `id`, if its person is published.
pub async fn quote(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<QuoteData>> {
    fetch_item(db, QUOTE_SQL, id).await
}
