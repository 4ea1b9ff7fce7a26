//! Organisations taking part: embassies, companies, associations, authorities.

use serde::Deserialize;
use sqlx::PgExecutor;
use sqlx::types::Json;

use super::PageNumber;
use super::agreements::Agreement;
use super::booths::Booth;
use super::people::PersonSummary;
use super::sources::Source;
use crate::domain::{Country, LocalizedText, OrganisationKind};

/// An organisation as lists show it.
#[derive(Debug, Clone, Deserialize)]
pub struct OrganisationSummary {
    pub slug: String,
    pub name: LocalizedText,
    pub short_name: Option<String>,
    pub country: Option<String>,
    /// `None` when the source does not say what kind of body it is.
    pub kind: Option<String>,
    pub has_booth: bool,
    /// Its logo (migration 0014), when one was uploaded.
    #[serde(default)]
    pub logo: Option<super::media::Picture>,
}

/// An organisation's own page.
#[derive(Debug, Clone, Deserialize)]
pub struct Organisation {
    pub id: i64,
    pub slug: String,
    pub name: LocalizedText,
    pub short_name: Option<String>,
    pub country: Option<String>,
    /// `None` when the source does not say what kind of body it is.
    pub kind: Option<String>,
    pub description: Option<LocalizedText>,
    pub website: Option<String>,
    pub source_id: Option<i64>,
    /// Its logo (migration 0014), when one was uploaded.
    #[serde(default)]
    pub logo: Option<super::media::Picture>,
}

/// Accessors shared by both shapes.
macro_rules! organisation_accessors {
    ($type:ty) => {
        impl $type {
            /// The name with its acronym, in `lang`.
            pub fn display_name_in(&self, lang: impl crate::i18n::AsLang) -> String {
                super::display_name_in(&self.name, self.short_name.as_deref(), lang.as_lang())
            }

            /// The name with its acronym for a page in `lang` (see `db::display_name_html`).
            pub fn display_name_html(
                &self,
                lang: impl crate::i18n::AsLang,
            ) -> crate::domain::localized::Shown<'static> {
                super::display_name_html(&self.name, self.short_name.as_deref(), lang.as_lang())
            }

            /// The name with its acronym.
            pub fn display_name(&self) -> String {
                super::display_organisation_name(&self.name, self.short_name.as_deref())
            }

            /// The country, if the report says which.
            pub fn country(&self) -> Option<Country> {
                self.country.clone().map(Country::from)
            }

            /// The kind, when the source says (the database only holds known kinds).
            pub fn kind(&self) -> Option<OrganisationKind> {
                self.kind.as_deref().and_then(OrganisationKind::parse)
            }
        }
    };
}
organisation_accessors!(OrganisationSummary);
organisation_accessors!(Organisation);

/// What a visitor may narrow the list to.
#[derive(Debug, Clone, Default)]
pub struct OrganisationFilter {
    pub country: Option<Country>,
    pub kind: Option<OrganisationKind>,
}

/// One page of the published organisations matching a filter, and the countries to filter by.
#[derive(Debug, Clone, Deserialize)]
pub struct OrganisationList {
    /// How many match, over every page.
    pub total: i64,
    /// The page, by country, kind (unknown last) and name.
    pub items: Vec<OrganisationSummary>,
    /// The countries published organisations come from (codes, in order).
    pub countries: Vec<String>,
}

/// The statement of [`list_published`] (the countries are read by skipping through the
/// order index, one probe per country, instead of reading every organisation): `$1` the country code or null, `$2` the kind or null, `$3` the page size, `$4` the offset.
pub const ORGANISATIONS_LIST_SQL: &str = concat!(
    "SELECT json_build_object(
            'total', (SELECT count(*) FROM organisations o
                       WHERE o.published
                         AND ($1::text IS NULL OR o.country = $1)
                         AND ($2::text IS NULL OR o.kind = $2)),
            'items', COALESCE((SELECT json_agg(",
    organisation_summary_json!("o"),
    " ORDER BY o.country NULLS LAST, o.kind, o.name->>'en', o.id)
                FROM (SELECT * FROM organisations o
                       WHERE o.published
                         AND ($1::text IS NULL OR o.country = $1)
                         AND ($2::text IS NULL OR o.kind = $2)
                       ORDER BY o.country NULLS LAST, o.kind, o.name->>'en', o.id
                       LIMIT $3 OFFSET $4) o), '[]'),
            'countries', COALESCE((
                WITH RECURSIVE c (country) AS (
                    (SELECT country FROM organisations
                      WHERE published AND country IS NOT NULL ORDER BY country LIMIT 1)
                    UNION ALL
                    SELECT (SELECT n.country FROM organisations n
                             WHERE n.published AND n.country > c.country
                             ORDER BY n.country LIMIT 1)
                    FROM c WHERE c.country IS NOT NULL)
                SELECT json_agg(c.country ORDER BY c.country) FROM c WHERE c.country IS NOT NULL),
                '[]'))"
);

/// One page of the published organisations matching `filter`, by country, kind (unknown
/// last) and name, with how many match and the countries to filter by, in one statement.
pub async fn list_published(
    db: impl PgExecutor<'_>,
    filter: &OrganisationFilter,
    page: PageNumber,
) -> sqlx::Result<OrganisationList> {
    let Json(list) = sqlx::query_scalar(ORGANISATIONS_LIST_SQL)
        .bind(filter.country.as_ref().map(Country::code))
        .bind(filter.kind.map(OrganisationKind::as_str))
        .bind(super::PAGE_SIZE)
        .bind(page.offset())
        .fetch_one(db)
        .await?;
    Ok(list)
}

/// Everything an organisation's page shows.
#[derive(Debug, Clone, Deserialize)]
pub struct OrganisationData {
    pub organisation: Organisation,
    /// Its published people.
    pub people: Vec<PersonSummary>,
    /// The published agreements it is a party to.
    pub agreements: Vec<Agreement>,
    /// Its booth, when the booth and the organisation are published.
    pub booth: Option<Booth>,
    pub source: Option<Source>,
}

/// The statement of [`organisation_page`]: `$1` the slug, `$2` whether drafts are included.
pub const ORGANISATION_PAGE_SQL: &str = concat!(
    "SELECT json_build_object(
            'organisation', ",
    organisation_json!("o"),
    ",
            'people', COALESCE((SELECT json_agg(",
    person_summary_json!("p"),
    " ORDER BY p.position, p.name->>'en', p.id)
                FROM people p WHERE p.organisation_id = o.id AND p.published), '[]'),
            'agreements', COALESCE((SELECT json_agg(",
    agreement_json!("a"),
    " ORDER BY a.position, a.id)
                FROM agreement_parties x JOIN agreements a ON a.id = x.agreement_id
                WHERE x.organisation_id = o.id AND a.published), '[]'),
            'booth', (SELECT ",
    booth_json!("b", "o"),
    " FROM booths b WHERE b.organisation_id = o.id AND b.published AND o.published),
            'source', ",
    source_json!("organisations", "o.id", "o"),
    ")
         FROM organisations o WHERE o.slug = $1 AND (o.published OR $2)"
);

/// An organisation's page by slug (a draft only when `visibility` allows), in one statement.
pub async fn organisation_page(
    db: impl PgExecutor<'_>,
    slug: &str,
    visibility: super::Visibility,
) -> sqlx::Result<Option<OrganisationData>> {
    let page: Option<Json<OrganisationData>> = sqlx::query_scalar(ORGANISATION_PAGE_SQL)
        .bind(slug)
        .bind(visibility.includes_drafts())
        .fetch_optional(db)
        .await?;
    Ok(page.map(|Json(page)| page))
}
