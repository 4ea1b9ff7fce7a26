//! Organisations taking part: embassies, companies, associations, authorities.

use sqlx::PgExecutor;

use crate::domain::{Country, LocalizedText, OrganisationKind};

/// An organisation as lists show it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrganisationSummary {
    pub slug: String,
    pub name: LocalizedText,
    pub short_name: Option<String>,
    pub country: Option<String>,
    /// `None` when the source does not say what kind of body it is.
    pub kind: Option<String>,
    pub has_booth: bool,
}

/// An organisation's own page.
#[derive(Debug, Clone, sqlx::FromRow)]
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

/// Published organisations matching `filter`, by country, kind (unknown last) and name.
pub async fn list_published(
    db: impl PgExecutor<'_>,
    filter: &OrganisationFilter,
) -> sqlx::Result<Vec<OrganisationSummary>> {
    sqlx::query_as(
        "SELECT o.slug, o.name, o.short_name, o.country, o.kind,
                EXISTS (SELECT 1 FROM booths b WHERE b.organisation_id = o.id AND b.published) AS has_booth
         FROM organisations o
         WHERE o.published
           AND ($1::text IS NULL OR o.country = $1)
           AND ($2::text IS NULL OR o.kind = $2)
         ORDER BY o.country NULLS LAST, o.kind, o.name->>'en'",
    )
    .bind(filter.country.as_ref().map(Country::code))
    .bind(filter.kind.map(OrganisationKind::as_str))
    .fetch_all(db)
    .await
}

/// The countries that published organisations come from, for the filter.
pub async fn published_countries(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Country>> {
    let codes: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT country FROM organisations WHERE published AND country IS NOT NULL ORDER BY country",
    )
    .fetch_all(db)
    .await?;
    Ok(codes.into_iter().map(Country::from).collect())
}

/// An organisation by slug (a draft only when `visibility` allows).
pub async fn find(
    db: impl PgExecutor<'_>,
    slug: &str,
    visibility: super::Visibility,
) -> sqlx::Result<Option<Organisation>> {
    sqlx::query_as(
        "SELECT id, slug, name, short_name, country, kind, description, website, source_id
         FROM organisations WHERE slug = $1 AND (published OR $2)",
    )
    .bind(slug)
    .bind(visibility.includes_drafts())
    .fetch_optional(db)
    .await
}

/// A published organisation by id (to link from a person's page).
pub async fn find_published_by_id(
    db: impl PgExecutor<'_>,
    id: i64,
) -> sqlx::Result<Option<Organisation>> {
    sqlx::query_as(
        "SELECT id, slug, name, short_name, country, kind, description, website, source_id
         FROM organisations WHERE id = $1 AND published",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}
