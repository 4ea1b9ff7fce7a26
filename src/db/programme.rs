//! The forum's programme (issue 14): published items in time order, with their published
//! speakers, for the home page, the speakers' pages, the calendar file and linked data.

use sqlx::PgExecutor;
use sqlx::types::Json;
use time::OffsetDateTime;

use super::PersonRef;
use crate::domain::LocalizedText;

/// One published programme item.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProgrammeItem {
    /// Its row's id: anchors (`#programme-3`) and the calendar's `UID` are built from it.
    pub id: i64,
    pub title: LocalizedText,
    pub starts_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
    pub place: Option<LocalizedText>,
    pub description: Option<LocalizedText>,
    /// Its published speakers, in order.
    pub speakers: Json<Vec<PersonRef>>,
    /// When it last changed (the calendar's `DTSTAMP`, stable until it does).
    pub updated_at: OffsetDateTime,
    /// How often it was saved (the calendar's `SEQUENCE`).
    pub version: i32,
}

impl ProgrammeItem {
    /// Its published speakers, in order.
    pub fn speakers(&self) -> &[PersonRef] {
        &self.speakers.0
    }
}

/// The columns every statement here reads, from `programme_items i`.
macro_rules! item_columns {
    () => {
        "SELECT i.id, i.title, i.starts_at, i.ends_at, i.place, i.description,
                COALESCE((SELECT json_agg(json_build_object('slug', p.slug, 'name', p.name)
                                          ORDER BY ps.position)
                          FROM programme_speakers ps JOIN people p ON p.id = ps.person_id AND p.published
                          WHERE ps.item_id = i.id), '[]'::json) AS speakers,
                i.updated_at, i.version
         FROM programme_items i"
    };
}

/// Every published item, in time order.
pub async fn published(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<ProgrammeItem>> {
    sqlx::query_as(concat!(
        item_columns!(),
        " WHERE i.published ORDER BY i.starts_at, i.ends_at, i.id"
    ))
    .fetch_all(db)
    .await
}

/// The published items person `person_id` speaks in, in time order.
pub async fn of_speaker(
    db: impl PgExecutor<'_>,
    person_id: i64,
) -> sqlx::Result<Vec<ProgrammeItem>> {
    sqlx::query_as(concat!(
        item_columns!(),
        " WHERE i.published AND EXISTS (SELECT 1 FROM programme_speakers s
                                        WHERE s.item_id = i.id AND s.person_id = $1)
          ORDER BY i.starts_at, i.ends_at, i.id"
    ))
    .bind(person_id)
    .fetch_all(db)
    .await
}
