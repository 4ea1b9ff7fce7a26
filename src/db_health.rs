//! Is the database there? A watcher per process answers within a second, so that during an
//! outage requests get a 503 at once instead of waiting for the pool, and requests in flight
//! when the database goes away (or freezes) are answered instead of hanging.
//!
//! The watcher has a connection of its own, outside the pool: a pool busy with slow pages
//! never looks like an outage. It pings every [`PING_INTERVAL`]; a ping that fails, or takes
//! longer than [`PING_TIMEOUT`] (a frozen server answers nothing), marks the database down,
//! and the first successful reconnection marks it up again — no restart needed.

use std::time::{Duration, Instant};

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection, PgPool};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How often the watcher pings the database.
pub const PING_INTERVAL: Duration = Duration::from_millis(250);
/// A ping (or a reconnection) that takes longer than this counts as an outage.
pub const PING_TIMEOUT: Duration = Duration::from_millis(750);

/// What the process knows about its database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Nobody watches (tests that build their own state): assume it is there.
    Unwatched,
    /// The last ping was answered.
    Up,
    /// The database stopped answering; requests that need it get a 503.
    Down,
}

/// A cheap, cloneable view of the watcher's verdict.
#[derive(Debug, Clone)]
pub struct DbHealth {
    status: watch::Receiver<Status>,
}

impl DbHealth {
    /// A view that nobody updates: always [`Status::Unwatched`].
    pub fn unwatched() -> Self {
        let (_, status) = watch::channel(Status::Unwatched);
        Self { status }
    }

    /// Start watching the database `pool` connects to (with the pool's own connection
    /// options, on a connection of the watcher's own). Must be called inside a tokio runtime.
    /// The task ends when every clone of the returned view is gone (or when aborted).
    pub fn watch(pool: &PgPool) -> (Self, JoinHandle<()>) {
        let options = (*pool.connect_options())
            .clone()
            .disable_statement_logging();
        let (sender, status) = watch::channel(Status::Up);
        let task = tokio::spawn(watcher(options, sender));
        (Self { status }, task)
    }

    /// The current verdict.
    pub fn status(&self) -> Status {
        *self.status.borrow()
    }

    /// Whether the database is known to be down right now.
    pub fn is_down(&self) -> bool {
        self.status() == Status::Down
    }

    /// Completes as soon as the database is known to be down (at once if it is); never
    /// completes for an unwatched view.
    pub async fn wait_down(&self) {
        let mut status = self.status.clone();
        if status.wait_for(|s| *s == Status::Down).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// Ping until nobody listens; publish every change of verdict.
async fn watcher(options: PgConnectOptions, sender: watch::Sender<Status>) {
    let mut connection: Option<PgConnection> = None;
    let mut ticks = tokio::time::interval(PING_INTERVAL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut down_since: Option<Instant> = None;
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            () = sender.closed() => return,
        }
        let verdict = check(&options, &mut connection).await;
        match (verdict, down_since) {
            (Ok(()), Some(since)) => {
                tracing::info!(
                    "the database answers again (after {:.1} s); serving pages from it",
                    since.elapsed().as_secs_f64()
                );
                down_since = None;
                sender.send_replace(Status::Up);
            }
            (Err(cause), None) => {
                tracing::warn!(
                    "the database stopped answering ({cause}); requests that need it get 503 until it is back"
                );
                down_since = Some(Instant::now());
                sender.send_replace(Status::Down);
            }
            _ => {}
        }
    }
}

/// One round: ping the connection we have; when it fails with an error (not a timeout: a
/// frozen server would make the reconnection wait too), or when there is none, connect anew.
async fn check(
    options: &PgConnectOptions,
    connection: &mut Option<PgConnection>,
) -> Result<(), String> {
    if let Some(open) = connection.as_mut() {
        match tokio::time::timeout(PING_TIMEOUT, open.ping()).await {
            Ok(Ok(())) => return Ok(()),
            Ok(Err(_)) => *connection = None,
            Err(_) => {
                // Dropping the connection closes its socket; the server is not waited for.
                *connection = None;
                return Err(format!(
                    "no answer to a ping within {} ms",
                    PING_TIMEOUT.as_millis()
                ));
            }
        }
    }
    match tokio::time::timeout(PING_TIMEOUT, PgConnection::connect_with(options)).await {
        Ok(Ok(open)) => {
            *connection = Some(open);
            Ok(())
        }
        Ok(Err(error)) => Err(error.to_string()),
        Err(_) => Err(format!(
            "no answer to a connection attempt within {} ms",
            PING_TIMEOUT.as_millis()
        )),
    }
}
