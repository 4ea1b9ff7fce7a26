//! One-time links inviting someone to make an account with a given role.

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;

use crate::domain::Role;

/// How long an invitation link works.
pub const VALID_DAYS: i64 = 7;

/// An invitation not yet used.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Invite {
    pub id: i64,
    pub role: String,
    pub created_by_email: Option<String>,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// Remember a new invitation (by its token's hash).
pub async fn insert(
    db: impl PgExecutor<'_>,
    token_hash: &str,
    role: Role,
    created_by: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO admin_invites (token_hash, role, created_by, expires_at)
         VALUES ($1, $2, $3, now() + make_interval(days => $4)) RETURNING id",
    )
    .bind(token_hash)
    .bind(role.as_str())
    .bind(created_by)
    .bind(VALID_DAYS as i32)
    .fetch_one(db)
    .await
}

/// Invitations that still work, newest first.
pub async fn pending(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Invite>> {
    sqlx::query_as(
        "SELECT i.id, i.role, a.email AS created_by_email, i.created_at, i.expires_at
         FROM admin_invites i LEFT JOIN admins a ON a.id = i.created_by
         WHERE i.used_at IS NULL AND i.expires_at > now() ORDER BY i.id DESC",
    )
    .fetch_all(db)
    .await
}

/// The role an unused, unexpired invitation offers.
pub async fn valid_role(db: impl PgExecutor<'_>, token_hash: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT role FROM admin_invites
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()",
    )
    .bind(token_hash)
    .fetch_optional(db)
    .await
}

/// Use the invitation up inside the caller's transaction: its id and role, or `None` when
/// it no longer works (two browsers racing with one link make one account at most).
pub async fn consume(
    tx: &mut PgConnection,
    token_hash: &str,
) -> sqlx::Result<Option<(i64, String)>> {
    sqlx::query_as(
        "UPDATE admin_invites SET used_at = now()
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
         RETURNING id, role",
    )
    .bind(token_hash)
    .fetch_optional(&mut *tx)
    .await
}

/// Say who used the invitation.
pub async fn set_used_by(db: impl PgExecutor<'_>, id: i64, admin_id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE admin_invites SET used_by = $2 WHERE id = $1")
        .bind(id)
        .bind(admin_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Withdraw an unused invitation; its role when there was one.
pub async fn revoke(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("DELETE FROM admin_invites WHERE id = $1 AND used_at IS NULL RETURNING role")
        .bind(id)
        .fetch_optional(db)
        .await
}
