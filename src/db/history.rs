//! The change history the database triggers write (see `migrations/0003_admin_and_history.sql`).

use serde_json::Value;
use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;

/// The columns of an [`Entry`], with the admin's e-mail; callers append conditions.
macro_rules! entry_select {
    () => {
        "SELECT h.id, h.entity, h.entity_id, h.action, a.email AS admin_email, h.note, h.at, h.before, h.after
         FROM history h LEFT JOIN admins a ON a.id = h.admin_id "
    };
}

/// One recorded change.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Entry {
    pub id: i64,
    pub entity: String,
    pub entity_id: i64,
    pub action: String,
    pub admin_email: Option<String>,
    pub note: Option<String>,
    pub at: OffsetDateTime,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Name the admin (and an optional note) that the history triggers record for the rest of
/// this transaction.
pub async fn attribute(
    tx: &mut PgConnection,
    admin_id: i64,
    note: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query("SELECT set_config('portal.admin_id', $1, true), set_config('portal.history_note', $2, true)")
        .bind(admin_id.to_string())
        .bind(note.unwrap_or(""))
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Every change to one entry, newest first.
pub async fn for_entry(
    db: impl PgExecutor<'_>,
    entity: &str,
    entity_id: i64,
) -> sqlx::Result<Vec<Entry>> {
    sqlx::query_as(concat!(
        entry_select!(),
        "WHERE h.entity = $1 AND h.entity_id = $2          ORDER BY h.id DESC"
    ))
    .bind(entity)
    .bind(entity_id)
    .fetch_all(db)
    .await
}

/// One change of one entry.
pub async fn find(
    db: impl PgExecutor<'_>,
    entity: &str,
    entity_id: i64,
    id: i64,
) -> sqlx::Result<Option<Entry>> {
    sqlx::query_as(concat!(
        entry_select!(),
        "WHERE h.entity = $1 AND h.entity_id = $2 AND h.id = $3"
    ))
    .bind(entity)
    .bind(entity_id)
    .bind(id)
    .fetch_optional(db)
    .await
}

/// The entry as it was at `version` (the snapshot history took when it became that version),
/// if history has it: the common original of a three-way merge.
pub async fn snapshot_at(
    db: impl PgExecutor<'_>,
    entity: &str,
    entity_id: i64,
    version: i32,
) -> sqlx::Result<Option<serde_json::Map<String, serde_json::Value>>> {
    let snapshot: Option<serde_json::Value> = sqlx::query_scalar(
        "SELECT after FROM history
         WHERE entity = $1 AND entity_id = $2 AND after IS NOT NULL
           AND after ->> 'version' = $3::text
         ORDER BY id DESC LIMIT 1",
    )
    .bind(entity)
    .bind(entity_id)
    .bind(version)
    .fetch_optional(db)
    .await?;
    Ok(snapshot.and_then(|value| match value {
        serde_json::Value::Object(map) => Some(map),
        _ => None,
    }))
}

/// The latest changes across everything (for the dashboard), newest first.
pub async fn latest(db: impl PgExecutor<'_>, limit: i64) -> sqlx::Result<Vec<Entry>> {
    sqlx::query_as(concat!(
        entry_select!(),
        "WHERE h.action <> 'seed'          ORDER BY h.id DESC LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Entries of `entity` that were deleted and not restored: their last change is a delete.
pub async fn deleted(db: impl PgExecutor<'_>, entity: &str) -> sqlx::Result<Vec<Entry>> {
    sqlx::query_as(concat!(
        entry_select!(),
        "WHERE h.entity = $1 AND h.action = 'delete'
           AND h.id = (SELECT max(l.id) FROM history l WHERE l.entity = h.entity AND l.entity_id = h.entity_id)
         ORDER BY h.id DESC"
    ))
    .bind(entity)
    .fetch_all(db)
    .await
}
