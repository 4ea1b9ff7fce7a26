//! Initiatives the speakers named: Digital Pakistan, the corridors, the blueprint, ...

use sqlx::PgExecutor;

use super::PersonRef;
use crate::domain::LocalizedText;

/// An initiative and who mentioned it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Initiative {
    pub slug: String,
    pub name: LocalizedText,
    pub description: Option<LocalizedText>,
    pub mentioned_by_slug: Option<String>,
    pub mentioned_by_name: Option<LocalizedText>,
}

impl Initiative {
    /// The person who mentioned it, when published.
    pub fn mentioned_by(&self) -> Option<PersonRef> {
        Some(PersonRef {
            slug: self.mentioned_by_slug.clone()?,
            name: self.mentioned_by_name.clone()?,
        })
    }
}

/// All initiatives, in the order the report names them.
pub async fn list(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Initiative>> {
    sqlx::query_as(
        "SELECT i.slug, i.name, i.description, p.slug AS mentioned_by_slug, p.name AS mentioned_by_name
         FROM initiatives i
         LEFT JOIN people p ON p.id = i.mentioned_by_id AND p.published
         ORDER BY i.position, i.id",
    )
    .fetch_all(db)
    .await
}

/// Initiatives a person mentioned.
pub async fn list_mentioned_by(
    db: impl PgExecutor<'_>,
    person_id: i64,
) -> sqlx::Result<Vec<Initiative>> {
    sqlx::query_as(
        "SELECT i.slug, i.name, i.description, p.slug AS mentioned_by_slug, p.name AS mentioned_by_name
         FROM initiatives i
         JOIN people p ON p.id = i.mentioned_by_id
         WHERE i.mentioned_by_id = $1
         ORDER BY i.position, i.id",
    )
    .bind(person_id)
    .fetch_all(db)
    .await
}
