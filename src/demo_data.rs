//! `forum-portal demo-data --scale N`: a database of its own, filled with N synthetic entries
//! of each kind in three languages, for load tests (the SQL is in [`crate::db::demo_data`]).
//!
//! Without `DATABASE_URL` it uses (creating it when missing) the database `--database-name`
//! (`forum_portal_demo`) of the private cluster — the running portal's, when one runs on the
//! data folder — and prints the `DATABASE_URL` that serves it. With `DATABASE_URL` it fills
//! that database, provided it is empty or was made by demo-data: a database that holds the
//! forum without demo-data's marker is a real portal's, and is refused.

use anyhow::{Context, Result, bail};
use sqlx::PgPool;
use sqlx::postgres::PgConnectOptions;

use crate::config::{DatabaseArgs, DemoDataArgs};
use crate::database::{self, EMBEDDED_DATABASE};
use crate::db::demo_data::{self as sql, Counts, Kind};
use crate::embedded_pg::{ClusterOptions, EmbeddedPostgres};

/// The largest `--scale` accepted.
pub const MAX_SCALE: u32 = 1_000_000;

/// What a fill did: how much it wrote, how long it took, and how to serve it.
#[derive(Debug, Clone)]
pub struct Filled {
    /// The synthetic entries now in the database.
    pub counts: Counts,
    /// Time spent writing them (clearing the last fill included).
    pub took: std::time::Duration,
}

/// Run the subcommand: fill the demo database and print how to serve it.
pub fn run(
    args: &DatabaseArgs,
    demo: &DemoDataArgs,
    runtime: &tokio::runtime::Runtime,
) -> Result<()> {
    check_scale(demo.scale)?;
    if let Some(url) = &args.database_url {
        let options = database::parse_url(url)?;
        let described = database::describe(&options);
        let pool = runtime.block_on(connect(options)).with_context(|| {
            format!("cannot connect to the database {described} (DATABASE_URL)")
        })?;
        let filled = runtime.block_on(prepare_and_fill(&pool, demo.scale));
        runtime.block_on(pool.close());
        report(&filled?, &described);
        println!("serve it with the same DATABASE_URL");
        return Ok(());
    }

    let name = demo.database_name.as_str();
    if name == EMBEDDED_DATABASE {
        bail!(
            "demo-data never fills {EMBEDDED_DATABASE}, the portal's own database: choose another --database-name"
        );
    }
    // A portal running on this data folder: use its cluster. Otherwise start it for the fill.
    let (cluster, socket_dir) =
        match crate::embedded_pg::attach_to_running(&args.data_dir, "postgres") {
            Some(_) => {
                let dir = args
                    .data_dir
                    .canonicalize()
                    .context("cannot read the data folder")?
                    .join("pg");
                (None, dir)
            }
            None => {
                let cluster = EmbeddedPostgres::start(&ClusterOptions {
                    root: args.data_dir.clone(),
                    bin_dir: args.pg_bin_dir.clone(),
                    throwaway: false,
                })?;
                let dir = cluster.cluster_dir().to_owned();
                (Some(cluster), dir)
            }
        };
    let options = |database: &str| {
        PgConnectOptions::new()
            .socket(&socket_dir)
            .username(crate::embedded_pg::SUPERUSER)
            .database(database)
    };
    let filled = runtime.block_on(async {
        database::create_database_at(options("postgres"), name).await?;
        let pool = connect(options(name)).await.with_context(|| {
            format!("cannot connect to the database {name} of the private PostgreSQL")
        })?;
        let filled = prepare_and_fill(&pool, demo.scale).await;
        pool.close().await;
        filled
    });
    let running = cluster.is_none();
    if let Some(cluster) = cluster {
        cluster.stop();
    }
    report(&filled?, name);
    let url = socket_url(&socket_dir, name);
    println!("serve it with: DATABASE_URL='{url}' forum-portal --addr 127.0.0.1:3001");
    if !running {
        println!(
            "(the private cluster runs while a portal runs on this data folder: start `forum-portal` with PORTAL_DATA_DIR={} first)",
            args.data_dir.display()
        );
    }
    Ok(())
}

/// A small pool without slow-statement warnings (the fill's statements take seconds).
async fn connect(options: PgConnectOptions) -> Result<PgPool> {
    use sqlx::ConnectOptions;
    Ok(sqlx::postgres::PgPoolOptions::new()
        .max_connections(2)
        .acquire_timeout(std::time::Duration::from_secs(5))
        .connect_with(options.disable_statement_logging())
        .await?)
}

fn check_scale(scale: u32) -> Result<()> {
    if scale == 0 || scale > MAX_SCALE {
        bail!("--scale must be between 1 and {MAX_SCALE}");
    }
    Ok(())
}

fn report(filled: &Filled, database: &str) {
    let c = &filled.counts;
    println!(
        "filled {database} in {:.1} s with synthetic entries: {} people, {} organisations, {} agreements ({} parties), {} booths, {} quotes, {} initiatives",
        filled.took.as_secs_f64(),
        c.people,
        c.organisations,
        c.agreements,
        c.agreement_parties,
        c.booths,
        c.quotes,
        c.initiatives
    );
}

/// `postgres://postgres@localhost/NAME?host=/path/to/pg`: a database of the private cluster,
/// reached over its unix socket.
pub fn socket_url(socket_dir: &std::path::Path, database: &str) -> String {
    let mut url = url::Url::parse("postgres://localhost/").expect("a valid base URL");
    let _ = url.set_username(crate::embedded_pg::SUPERUSER);
    url.set_path(database);
    url.query_pairs_mut()
        .append_pair("host", &socket_dir.to_string_lossy());
    url.to_string()
}

/// Check that the pool's database may be filled (empty, or made by demo-data), mark it,
/// migrate it, and write `scale` synthetic entries of each kind in one transaction (replacing
/// those of an earlier fill).
pub async fn prepare_and_fill(pool: &PgPool, scale: u32) -> Result<Filled> {
    check_scale(scale)?;
    let mut connection = pool
        .acquire()
        .await
        .context("cannot connect to the database")?;
    match sql::kind(&mut connection).await? {
        Kind::Demo => {}
        Kind::Empty => sql::mark(&mut connection).await?,
        Kind::Portal => bail!(
            "refusing to fill this database: it holds the forum portal's data and was not made by demo-data (give demo-data an empty database of its own)"
        ),
        Kind::Other => bail!(
            "refusing to fill this database: it already holds tables that are not the forum portal's (give demo-data an empty database of its own)"
        ),
    }
    drop(connection);
    database::migrate(pool).await?;
    let started = std::time::Instant::now();
    let mut tx = pool.begin().await?;
    // Filling 10,000 of each takes seconds, longer than a page's statement timeout.
    sqlx::raw_sql("SET LOCAL statement_timeout = 0")
        .execute(&mut *tx)
        .await?;
    sql::clear(&mut tx)
        .await
        .context("cannot remove the last fill")?;
    let counts = sql::fill(&mut tx, scale)
        .await
        .context("cannot write the synthetic entries")?;
    tx.commit()
        .await
        .context("cannot commit the synthetic entries")?;
    Ok(Filled {
        counts,
        took: started.elapsed(),
    })
}
