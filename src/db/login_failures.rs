//! Counting failed logins per account and per client address, shared by all instances.

use sqlx::PgExecutor;

/// How many failures, within how long, lock a key, and for how long.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max_failures: i32,
    pub window_seconds: i64,
}

/// Seconds until `key` may try again, if it is locked now.
pub async fn locked_for(db: impl PgExecutor<'_>, key: &str) -> sqlx::Result<Option<i64>> {
    let seconds: Option<f64> = sqlx::query_scalar(
        "SELECT extract(epoch FROM locked_until - now())::float8 FROM login_failures
         WHERE key = $1 AND locked_until > now()",
    )
    .bind(key)
    .fetch_optional(db)
    .await?;
    Ok(seconds.map(|s| s.ceil().max(1.0) as i64))
}

/// Count a failure for `key`; lock it when it reaches the limit within the window.
pub async fn record_failure(db: impl PgExecutor<'_>, key: &str, limit: Limit) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO login_failures AS f (key, failures, window_start, locked_until)
         VALUES ($1, 1, now(), CASE WHEN 1 >= $2 THEN now() + make_interval(secs => $3) END)
         ON CONFLICT (key) DO UPDATE SET
            failures = CASE WHEN f.window_start < now() - make_interval(secs => $3) THEN 1 ELSE f.failures + 1 END,
            window_start = CASE WHEN f.window_start < now() - make_interval(secs => $3) THEN now() ELSE f.window_start END,
            locked_until = CASE
                WHEN (CASE WHEN f.window_start < now() - make_interval(secs => $3) THEN 1 ELSE f.failures + 1 END) >= $2
                THEN now() + make_interval(secs => $3)
                ELSE f.locked_until END",
    )
    .bind(key)
    .bind(limit.max_failures)
    .bind(limit.window_seconds as f64)
    .execute(db)
    .await?;
    Ok(())
}

/// Forget the failures of `key` (after a successful login).
pub async fn clear(db: impl PgExecutor<'_>, key: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM login_failures WHERE key = $1")
        .bind(key)
        .execute(db)
        .await?;
    Ok(())
}
