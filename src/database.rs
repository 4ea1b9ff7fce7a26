//! Getting a connection pool: to the server in `DATABASE_URL`, or to the private cluster.

use std::str::FromStr;
use std::time::Duration;

use anyhow::{Context, Result};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgConnection, PgPool};

use crate::config::DatabaseArgs;
use crate::embedded_pg::{ClusterOptions, EmbeddedPostgres, quote_identifier};

/// The database the portal uses inside its private cluster.
pub const EMBEDDED_DATABASE: &str = "forum_portal";

/// The migrations compiled into the binary (`migrations/`).
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Where the portal's data lives while it runs.
#[derive(Debug)]
pub struct Database {
    /// The pool every request borrows from.
    pub pool: PgPool,
    /// The private cluster, when the portal runs one; stop it after the pool is closed.
    pub embedded: Option<EmbeddedPostgres>,
}

impl Database {
    /// Connect as configured. Blocking for the embedded case: call from the main thread,
    /// before the async runtime is busy.
    pub fn open(args: &DatabaseArgs, runtime: &tokio::runtime::Runtime) -> Result<Self> {
        Self::open_with(args, runtime, false)
    }

    /// Like [`Database::open`], but with `DATABASE_URL` a server that cannot be reached yet
    /// (refused, timed out, starting up) is waited for, with a log line per attempt and a
    /// backoff of at most [`MAX_RETRY_DELAY`], until it answers or `stop` completes (then
    /// `Ok(None)`). Configuration errors (bad URL, wrong password, unknown database) fail at once.
    pub fn open_waiting(
        args: &DatabaseArgs,
        runtime: &tokio::runtime::Runtime,
        stop: impl std::future::Future<Output = ()>,
    ) -> Result<Option<Self>> {
        if let Some(url) = &args.database_url {
            let options = parse_url(url)?;
            let waited = runtime.block_on(async {
                tokio::select! {
                    answered = wait_for_server(&options) => answered.map(Some),
                    () = stop => Ok(None),
                }
            })?;
            if waited.is_none() {
                return Ok(None);
            }
        }
        Self::open(args, runtime).map(Some)
    }

    /// Like [`Database::open`]; with `share_running`, when a portal already runs the private
    /// cluster of this data folder, use that cluster instead of refusing (for one-off commands).
    pub fn open_with(
        args: &DatabaseArgs,
        runtime: &tokio::runtime::Runtime,
        share_running: bool,
    ) -> Result<Self> {
        if share_running
            && args.database_url.is_none()
            && let Some(options) =
                crate::embedded_pg::attach_to_running(&args.data_dir, EMBEDDED_DATABASE)
        {
            let pool = runtime
                .block_on(connect(options, 2))
                .context("cannot connect to the private PostgreSQL of the running portal")?;
            return Ok(Self {
                pool,
                embedded: None,
            });
        }
        match &args.database_url {
            Some(url) => {
                let options = parse_url(url)?;
                let described = describe(&options);
                let pool = runtime
                    .block_on(connect(options, args.db_max_connections))
                    .with_context(|| {
                        format!("cannot connect to the database {described} (DATABASE_URL)")
                    })?;
                Ok(Self {
                    pool,
                    embedded: None,
                })
            }
            None => {
                let cluster = EmbeddedPostgres::start(&ClusterOptions {
                    root: args.data_dir.clone(),
                    bin_dir: args.pg_bin_dir.clone(),
                    throwaway: false,
                })?;
                let pool = runtime.block_on(async {
                    create_database_if_missing(&cluster, EMBEDDED_DATABASE).await?;
                    connect(
                        cluster.connect_options(EMBEDDED_DATABASE),
                        args.db_max_connections,
                    )
                    .await
                    .context("cannot connect to the private PostgreSQL")
                });
                match pool {
                    Ok(pool) => Ok(Self {
                        pool,
                        embedded: Some(cluster),
                    }),
                    Err(error) => {
                        cluster.stop();
                        Err(error)
                    }
                }
            }
        }
    }

    /// The folder of the PostgreSQL binaries of the private cluster, run by this process or
    /// by a running portal (located as it locates them); `None` with `DATABASE_URL`.
    pub fn bin_dir(&self, args: &DatabaseArgs) -> Option<std::path::PathBuf> {
        if let Some(cluster) = &self.embedded {
            return Some(cluster.binaries().dir().to_owned());
        }
        if args.database_url.is_some() {
            return None;
        }
        crate::embedded_pg::PgBinaries::locate(
            args.pg_bin_dir.as_deref(),
            &crate::embedded_pg::SearchPlaces::system(),
        )
        .ok()
        .map(|found| found.dir().to_owned())
    }

    /// Close the pool, then stop the private cluster if there is one.
    pub fn close(self, runtime: &tokio::runtime::Runtime) {
        runtime.block_on(self.pool.close());
        if let Some(cluster) = self.embedded {
            cluster.stop();
        }
    }
}

/// Longest a query of the serving pool may run before the server cancels it.
pub const STATEMENT_TIMEOUT: &str = "5s";

/// Longest wait between two attempts to reach a database that is not there yet.
pub const MAX_RETRY_DELAY: Duration = Duration::from_secs(10);

/// A pool with the portal's settings (each query may run [`STATEMENT_TIMEOUT`] at most);
/// fails fast when the server cannot be reached.
pub async fn connect(options: PgConnectOptions, max_connections: u32) -> Result<PgPool> {
    let options = options
        .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_millis(500))
        .options([("statement_timeout", STATEMENT_TIMEOUT)]);
    let pool = PgPoolOptions::new()
        .max_connections(max_connections.max(1))
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await?;
    Ok(pool)
}

/// `DATABASE_URL` parsed, or one sentence saying it is not a PostgreSQL URL.
pub fn parse_url(url: &str) -> Result<PgConnectOptions> {
    PgConnectOptions::from_str(url)
        .map_err(|error| anyhow::anyhow!("DATABASE_URL is not a valid PostgreSQL URL: {error}"))
}

/// Try to connect until the server answers, logging each failed attempt; errors that waiting
/// cannot fix (authentication, unknown database, bad settings) end the wait at once.
async fn wait_for_server(options: &PgConnectOptions) -> Result<()> {
    let described = describe(options);
    let options = options.clone().disable_statement_logging();
    let mut delay = Duration::from_millis(500);
    loop {
        let attempt = tokio::time::timeout(
            Duration::from_secs(10),
            PgConnection::connect_with(&options),
        )
        .await;
        let cause = match attempt {
            Ok(Ok(connection)) => {
                let _ = connection.close().await;
                return Ok(());
            }
            Ok(Err(error)) if is_worth_waiting_for(&error) => error.to_string(),
            Ok(Err(error)) => {
                return Err(anyhow::Error::new(error)).with_context(|| {
                    format!("cannot connect to the database {described} (DATABASE_URL)")
                });
            }
            Err(_) => "no answer within 10 s".to_owned(),
        };
        tracing::warn!(
            "waiting for the database at {described}: {cause}; retrying in {} s",
            delay.as_secs_f64()
        );
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(MAX_RETRY_DELAY);
    }
}

/// A server that is not there yet, or is starting up or shutting down: worth waiting for.
fn is_worth_waiting_for(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(error) => error.code().is_some_and(|code| {
            // cannot_connect_now (starting up), admin/crash shutdown, too many connections.
            matches!(&*code, "57P01" | "57P02" | "57P03" | "53300")
        }),
        _ => false,
    }
}

/// Apply every migration not applied yet (safe to run from several instances at once:
/// sqlx takes an advisory lock). They run on a connection of their own without the pool's
/// statement timeout: a migration may take longer than a page's query.
pub async fn migrate(pool: &PgPool) -> Result<()> {
    let mut connection = pool
        .acquire()
        .await
        .context("cannot connect to the database to migrate it")?
        .detach();
    sqlx::raw_sql("SET statement_timeout = 0")
        .execute(&mut connection)
        .await
        .context("cannot lift the statement timeout for the migrations")?;
    let applied = MIGRATOR
        .run(&mut connection)
        .await
        .context("cannot apply the database migrations");
    let _ = connection.close().await;
    applied?;
    // The admin session table (idempotent: "create ... if not exists").
    tower_sessions_sqlx_store::PostgresStore::new(pool.clone())
        .migrate()
        .await
        .context("cannot create the session table")
}

/// Create `name` in the cluster unless it exists.
pub async fn create_database_if_missing(cluster: &EmbeddedPostgres, name: &str) -> Result<()> {
    create_database_at(cluster.connect_options("postgres"), name).await
}

/// Create `name` unless it exists, connected as `maintenance` (a superuser on the
/// `postgres` database of a cluster).
pub async fn create_database_at(maintenance: PgConnectOptions, name: &str) -> Result<()> {
    let mut admin = sqlx::PgConnection::connect_with(&maintenance)
        .await
        .context("cannot connect to the private PostgreSQL")?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(name)
            .fetch_one(&mut admin)
            .await?;
    if !exists {
        // Identifiers cannot be bound as parameters; the name is quoted.
        let statement = format!("CREATE DATABASE {}", quote_identifier(name));
        sqlx::raw_sql(&statement)
            .execute(&mut admin)
            .await
            .with_context(|| format!("cannot create the database {name}"))?;
    }
    admin.close().await?;
    Ok(())
}

/// `host:port/database` (or the socket folder), never the password, for messages.
pub fn describe(options: &PgConnectOptions) -> String {
    let database = options.get_database().unwrap_or("(default)");
    match options.get_socket() {
        Some(socket) => format!("{}:{}/{database}", socket.display(), options.get_port()),
        None => format!("{}:{}/{database}", options.get_host(), options.get_port()),
    }
}
