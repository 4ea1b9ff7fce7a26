//! Two-factor login: the account's TOTP secret, the last step a code was used for, and the
//! one-time recovery codes (hashed).

use sqlx::{PgConnection, PgExecutor};

/// Turn two-factor login on with `secret` (base32), replacing any recovery codes with these
/// hashes.
pub async fn enable(
    tx: &mut PgConnection,
    admin_id: i64,
    secret: &str,
    step: i64,
    code_hashes: &[String],
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE admins SET totp_secret = $2, totp_enabled_at = now(), totp_last_step = $3
         WHERE id = $1",
    )
    .bind(admin_id)
    .bind(secret)
    .bind(step)
    .execute(&mut *tx)
    .await?;
    replace_recovery_codes(tx, admin_id, code_hashes).await
}

/// Replace the account's recovery codes.
pub async fn replace_recovery_codes(
    tx: &mut PgConnection,
    admin_id: i64,
    code_hashes: &[String],
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM admin_recovery_codes WHERE admin_id = $1")
        .bind(admin_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO admin_recovery_codes (admin_id, code_hash) SELECT $1, unnest($2::text[])",
    )
    .bind(admin_id)
    .bind(code_hashes)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Turn two-factor login off (recovery codes go too).
pub async fn disable(tx: &mut PgConnection, admin_id: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE admins SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL
         WHERE id = $1",
    )
    .bind(admin_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM admin_recovery_codes WHERE admin_id = $1")
        .bind(admin_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Accept a code's time step once: true when `step` is later than any accepted before
/// (atomic, so two requests with one code cannot both pass).
pub async fn use_step(db: impl PgExecutor<'_>, admin_id: i64, step: i64) -> sqlx::Result<bool> {
    Ok(sqlx::query(
        "UPDATE admins SET totp_last_step = $2
         WHERE id = $1 AND totp_secret IS NOT NULL
           AND (totp_last_step IS NULL OR totp_last_step < $2)",
    )
    .bind(admin_id)
    .bind(step)
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

/// Use a recovery code up: true when it was one of the account's and unused.
pub async fn use_recovery_code(
    db: impl PgExecutor<'_>,
    admin_id: i64,
    code_hash: &str,
) -> sqlx::Result<bool> {
    Ok(sqlx::query(
        "UPDATE admin_recovery_codes SET used_at = now()
         WHERE admin_id = $1 AND code_hash = $2 AND used_at IS NULL",
    )
    .bind(admin_id)
    .bind(code_hash)
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

/// How many unused recovery codes the account has.
pub async fn recovery_codes_left(db: impl PgExecutor<'_>, admin_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT count(*) FROM admin_recovery_codes WHERE admin_id = $1 AND used_at IS NULL",
    )
    .bind(admin_id)
    .fetch_one(db)
    .await
}
