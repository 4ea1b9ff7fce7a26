//! People: the forum's speakers and the officials the report names.

use sqlx::PgExecutor;

use super::OrganisationRef;
use crate::domain::LocalizedText;

/// A person as lists show them, with their (published) organisation.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PersonSummary {
    pub slug: String,
    pub name: LocalizedText,
    pub role: Option<LocalizedText>,
    pub organisation_slug: Option<String>,
    pub organisation_name: Option<LocalizedText>,
    pub organisation_short_name: Option<String>,
    pub quote_count: i64,
}

impl PersonSummary {
    /// The organisation to link to, when it is published.
    pub fn organisation(&self) -> Option<OrganisationRef> {
        Some(OrganisationRef {
            slug: self.organisation_slug.clone()?,
            name: self.organisation_name.clone()?,
            short_name: self.organisation_short_name.clone(),
        })
    }
}

/// A person's own page.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Person {
    pub id: i64,
    pub slug: String,
    pub name: LocalizedText,
    pub role: Option<LocalizedText>,
    pub bio: Option<LocalizedText>,
    pub photo_url: Option<String>,
    pub organisation_id: Option<i64>,
    pub source_id: Option<i64>,
}

/// The list query's head; callers append conditions and order with `concat!`.
macro_rules! summary_select {
    () => {
        "SELECT p.slug, p.name, p.role,
        o.slug AS organisation_slug, o.name AS organisation_name, o.short_name AS organisation_short_name,
        (SELECT count(*) FROM quotes q WHERE q.person_id = p.id) AS quote_count
     FROM people p
     LEFT JOIN organisations o ON o.id = p.organisation_id AND o.published
     WHERE p.published"
    };
}

/// Published people, in the order they spoke in the report.
pub async fn list_published(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<PersonSummary>> {
    sqlx::query_as(concat!(
        summary_select!(),
        " ORDER BY p.position, p.name->>'en'"
    ))
    .fetch_all(db)
    .await
}

/// Published people of one organisation.
pub async fn list_for_organisation(
    db: impl PgExecutor<'_>,
    organisation_id: i64,
) -> sqlx::Result<Vec<PersonSummary>> {
    sqlx::query_as(concat!(
        summary_select!(),
        " AND p.organisation_id = $1 ORDER BY p.position, p.name->>'en'"
    ))
    .bind(organisation_id)
    .fetch_all(db)
    .await
}

/// A person by slug (a draft only when `visibility` allows).
pub async fn find(
    db: impl PgExecutor<'_>,
    slug: &str,
    visibility: super::Visibility,
) -> sqlx::Result<Option<Person>> {
    sqlx::query_as(
        "SELECT id, slug, name, role, bio, photo_url, organisation_id, source_id
         FROM people WHERE slug = $1 AND (published OR $2)",
    )
    .bind(slug)
    .bind(visibility.includes_drafts())
    .fetch_optional(db)
    .await
}
