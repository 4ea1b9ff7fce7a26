//! The logged-in sessions of each account, so they can be listed and ended.

use sqlx::PgExecutor;
use time::OffsetDateTime;

/// A session as the account page lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub id: i64,
    pub key_hash: String,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub address: Option<String>,
    pub user_agent: Option<String>,
}

/// Remember a new session of `admin_id` (its key's hash, where from and with what).
pub async fn insert(
    db: impl PgExecutor<'_>,
    admin_id: i64,
    key_hash: &str,
    address: Option<&str>,
    user_agent: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO admin_sessions (admin_id, key_hash, address, user_agent)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(admin_id)
    .bind(key_hash)
    .bind(address)
    .bind(user_agent)
    .execute(db)
    .await?;
    Ok(())
}

/// How long sessions last: idle minutes and hours at most (as the session layer has them).
#[derive(Debug, Clone, Copy)]
pub struct Lifetime {
    pub idle_minutes: u32,
    pub max_hours: u32,
}

/// The account's sessions that can still be in use, most recently used first.
pub async fn for_admin(
    db: impl PgExecutor<'_>,
    admin_id: i64,
    lifetime: Lifetime,
) -> sqlx::Result<Vec<SessionRow>> {
    sqlx::query_as(
        "SELECT id, key_hash, created_at, last_seen_at, address, user_agent
         FROM admin_sessions
         WHERE admin_id = $1
           AND last_seen_at > now() - make_interval(mins => $2 + 1)
           AND created_at > now() - make_interval(hours => $3)
         ORDER BY last_seen_at DESC, id DESC",
    )
    .bind(admin_id)
    .bind(lifetime.idle_minutes as i32)
    .bind(lifetime.max_hours as i32)
    .fetch_all(db)
    .await
}

/// Forget sessions that have expired (idle too long, or too old).
pub async fn delete_expired(db: impl PgExecutor<'_>, lifetime: Lifetime) -> sqlx::Result<u64> {
    Ok(sqlx::query(
        "DELETE FROM admin_sessions
         WHERE last_seen_at < now() - make_interval(mins => $1 + 1)
            OR created_at < now() - make_interval(hours => $2)",
    )
    .bind(lifetime.idle_minutes as i32)
    .bind(lifetime.max_hours as i32)
    .execute(db)
    .await?
    .rows_affected())
}

/// End one session of the account; false when it has no such session.
pub async fn end(db: impl PgExecutor<'_>, admin_id: i64, id: i64) -> sqlx::Result<bool> {
    Ok(
        sqlx::query("DELETE FROM admin_sessions WHERE admin_id = $1 AND id = $2")
            .bind(admin_id)
            .bind(id)
            .execute(db)
            .await?
            .rows_affected()
            == 1,
    )
}

/// End the session with this key (at logout).
pub async fn end_by_key(db: impl PgExecutor<'_>, key_hash: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM admin_sessions WHERE key_hash = $1")
        .bind(key_hash)
        .execute(db)
        .await?;
    Ok(())
}

/// End every session of the account except the one with `keep` (all of them with `None`).
pub async fn end_all_but(
    db: impl PgExecutor<'_>,
    admin_id: i64,
    keep: Option<&str>,
) -> sqlx::Result<u64> {
    Ok(sqlx::query(
        "DELETE FROM admin_sessions WHERE admin_id = $1 AND key_hash IS DISTINCT FROM $2",
    )
    .bind(admin_id)
    .bind(keep)
    .execute(db)
    .await?
    .rows_affected())
}
