//! Getting a connection pool: to the server in `DATABASE_URL`, or to the private cluster.

use std::str::FromStr;
use std::time::Duration;

use anyhow::{Context, Result};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgPool};

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
                let options = PgConnectOptions::from_str(url).map_err(|error| {
                    anyhow::anyhow!("DATABASE_URL is not a valid PostgreSQL URL: {error}")
                })?;
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

    /// Close the pool, then stop the private cluster if there is one.
    pub fn close(self, runtime: &tokio::runtime::Runtime) {
        runtime.block_on(self.pool.close());
        if let Some(cluster) = self.embedded {
            cluster.stop();
        }
    }
}

/// A pool with the portal's settings; fails fast when the server cannot be reached.
pub async fn connect(options: PgConnectOptions, max_connections: u32) -> Result<PgPool> {
    let options =
        options.log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_millis(500));
    let pool = PgPoolOptions::new()
        .max_connections(max_connections.max(1))
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await?;
    Ok(pool)
}

/// Apply every migration not applied yet (safe to run from several instances at once:
/// sqlx takes an advisory lock).
pub async fn migrate(pool: &PgPool) -> Result<()> {
    MIGRATOR
        .run(pool)
        .await
        .context("cannot apply the database migrations")?;
    // The admin session table (idempotent: "create ... if not exists").
    tower_sessions_sqlx_store::PostgresStore::new(pool.clone())
        .migrate()
        .await
        .context("cannot create the session table")
}

/// Create `name` in the cluster unless it exists.
pub async fn create_database_if_missing(cluster: &EmbeddedPostgres, name: &str) -> Result<()> {
    let mut admin = sqlx::PgConnection::connect_with(&cluster.connect_options("postgres"))
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
fn describe(options: &PgConnectOptions) -> String {
    format!(
        "{}:{}/{}",
        options.get_host(),
        options.get_port(),
        options.get_database().unwrap_or("(default)")
    )
}
