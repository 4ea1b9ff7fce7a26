//! Settings of the whole portal (one row).

use sqlx::PgExecutor;

/// Whether every account must log in with a second factor.
pub async fn require_two_factor(db: impl PgExecutor<'_>) -> sqlx::Result<bool> {
    Ok(
        sqlx::query_scalar::<_, bool>("SELECT require_two_factor FROM settings")
            .fetch_optional(db)
            .await?
            .unwrap_or(false),
    )
}

/// Require (or stop requiring) a second factor of every account.
pub async fn set_require_two_factor(db: impl PgExecutor<'_>, required: bool) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO settings (id, require_two_factor) VALUES (true, $1)
         ON CONFLICT (id) DO UPDATE SET require_two_factor = EXCLUDED.require_two_factor",
    )
    .bind(required)
    .execute(db)
    .await?;
    Ok(())
}
