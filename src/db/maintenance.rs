//! Questions about the database as a whole, for `backup`, `restore` and `check-deploy`.

use sqlx::PgExecutor;

/// The server's major version (15 for 15.4): `pg_dump` and `pg_restore` must match it.
pub async fn server_major_version(db: impl PgExecutor<'_>) -> sqlx::Result<u32> {
    let number: String = sqlx::query_scalar("SELECT current_setting('server_version_num')")
        .fetch_one(db)
        .await?;
    Ok(number.trim().parse::<u32>().unwrap_or(0) / 10_000)
}

/// Whether the current database holds anything of its own (a table, view, sequence or
/// function outside PostgreSQL's system schemas).
pub async fn has_user_objects(db: impl PgExecutor<'_>) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (
             SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND n.nspname NOT LIKE 'pg\\_%'
               AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
         ) OR EXISTS (
             SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND n.nspname NOT LIKE 'pg\\_%'
         )",
    )
    .fetch_one(db)
    .await
}
