//! One-time links for creating the first admin in the browser.

use sqlx::{PgConnection, PgExecutor};

/// Remember a new token (by hash).
pub async fn insert(db: impl PgExecutor<'_>, token_hash: &str) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO setup_tokens (token_hash) VALUES ($1)")
        .bind(token_hash)
        .execute(db)
        .await?;
    Ok(())
}

/// Whether the token is valid now: known, and no admin exists yet.
pub async fn is_valid(db: impl PgExecutor<'_>, token_hash: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM setup_tokens WHERE token_hash = $1)
            AND NOT EXISTS (SELECT 1 FROM admins)",
    )
    .bind(token_hash)
    .fetch_one(db)
    .await
}

/// Use the token up: deletes every token when this one is valid, inside the caller's
/// transaction (so two browsers racing with the same link create one admin at most).
pub async fn consume(tx: &mut PgConnection, token_hash: &str) -> sqlx::Result<bool> {
    // Serialise concurrent setups on the token table.
    sqlx::query("LOCK TABLE setup_tokens IN EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await?;
    if !is_valid(&mut *tx, token_hash).await? {
        return Ok(false);
    }
    sqlx::query("DELETE FROM setup_tokens")
        .execute(&mut *tx)
        .await?;
    Ok(true)
}
