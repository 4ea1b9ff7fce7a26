//! Announcements of content changes: migration 0011's triggers notify the
//! [`CHANNEL`] channel on every change to a table a public page reads; each process listens
//! on a connection of its own and drops the pages it rendered (see `web::page_cache`).

use std::time::Duration;

use sqlx::postgres::{PgListener, PgPoolOptions};
use sqlx::{PgExecutor, PgPool};

/// The channel the content triggers notify (their payload: the table's name).
pub const CHANNEL: &str = "portal_content";

/// The start of the payload of a [`sync`] notification (a table name never starts so).
pub const SYNC_PREFIX: &str = "sync:";

/// The `application_name` of the listening connection (to find it in `pg_stat_activity`).
pub const LISTENER_APPLICATION_NAME: &str = "forum-portal page cache";

/// A pool of one connection, for the listener only, to the database `serving` uses (outside
/// the serving pool, so a busy pool never delays a notification). Connects lazily.
pub fn listener_pool(serving: &PgPool) -> PgPool {
    let options = (*serving.connect_options())
        .clone()
        .application_name(LISTENER_APPLICATION_NAME);
    PgPoolOptions::new()
        .max_connections(1)
        .min_connections(0)
        .acquire_timeout(Duration::from_secs(2))
        .connect_lazy_with(options)
}

/// A listener on [`CHANNEL`] over a connection of `pool` (see [`listener_pool`]); once this
/// returns, every change committed from now on is announced to it.
pub async fn listen(pool: &PgPool) -> sqlx::Result<PgListener> {
    let mut listener = PgListener::connect_with(pool).await?;
    // A lost connection is the caller's to notice (its notifications are lost): no silent
    // reconnection inside the listener.
    listener.eager_reconnect(false);
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// Send `payload` (which starts with [`SYNC_PREFIX`]) on [`CHANNEL`] outside any transaction:
/// a listener that receives it has received every notification committed before it.
pub async fn sync(db: impl PgExecutor<'_>, payload: &str) -> sqlx::Result<()> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(payload)
        .execute(db)
        .await?;
    Ok(())
}
