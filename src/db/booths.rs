//! Exhibitor booths at the host fair.

use sqlx::PgExecutor;

use super::OrganisationRef;
use crate::domain::LocalizedText;

/// A booth and the organisation that runs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Booth {
    pub id: i64,
    pub slug: String,
    pub booth_label: Option<String>,
    pub hall: Option<String>,
    pub note: Option<LocalizedText>,
    pub source_id: Option<i64>,
    pub organisation_slug: String,
    pub organisation_name: LocalizedText,
    pub organisation_short_name: Option<String>,
    pub organisation_country: Option<String>,
}

impl Booth {
    /// The exhibiting organisation.
    pub fn organisation(&self) -> OrganisationRef {
        OrganisationRef {
            slug: self.organisation_slug.clone(),
            name: self.organisation_name.clone(),
            short_name: self.organisation_short_name.clone(),
        }
    }
}

/// The booth query's head; callers bind `$1`: whether drafts (booths, or booths of draft
/// organisations) are included.
macro_rules! booth_select {
    () => {
        "SELECT b.id, b.slug, b.booth_label, b.hall, b.note, b.source_id,
                o.slug AS organisation_slug, o.name AS organisation_name, o.short_name AS organisation_short_name,
                o.country AS organisation_country
         FROM booths b
         JOIN organisations o ON o.id = b.organisation_id
         WHERE ((b.published AND o.published) OR $1)"
    };
}

/// Published booths in the order the report lists them.
pub async fn list_published(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Booth>> {
    sqlx::query_as(concat!(
        booth_select!(),
        " ORDER BY b.position, o.name->>'en'"
    ))
    .bind(false)
    .fetch_all(db)
    .await
}

/// A booth by slug (a draft, or one of a draft organisation, only when `visibility` allows).
pub async fn find(
    db: impl PgExecutor<'_>,
    slug: &str,
    visibility: super::Visibility,
) -> sqlx::Result<Option<Booth>> {
    sqlx::query_as(concat!(booth_select!(), " AND b.slug = $2"))
        .bind(visibility.includes_drafts())
        .bind(slug)
        .fetch_optional(db)
        .await
}

/// The published booth of an organisation, if it has one.
pub async fn find_for_organisation(
    db: impl PgExecutor<'_>,
    organisation_id: i64,
) -> sqlx::Result<Option<Booth>> {
    sqlx::query_as(concat!(booth_select!(), " AND b.organisation_id = $2"))
        .bind(false)
        .bind(organisation_id)
        .fetch_optional(db)
        .await
}
