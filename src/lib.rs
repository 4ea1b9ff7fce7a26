//! forum-portal: the web portal of the China–Pakistan "Science, Technology and Innovation
//! Cooperation – Shared Journey to a Digital Era" forum (Beijing, 5 September 2023, beside CIFTIS).
//!
//! [`app`] builds the whole HTTP application for a state, so the binary and the tests
//! drive the same router; [`run`] is what the binary does with its command line.

pub mod admin_cli;
pub mod auth;
pub mod backup;
pub mod check_deploy;
pub mod config;
pub mod database;
pub mod db;
pub mod db_health;
pub mod demo_data;
pub mod domain;
pub mod embedded_pg;
pub mod error;
pub mod i18n;
pub mod media;
pub mod server;
pub mod state;
pub mod telemetry;
pub mod web;

use anyhow::{Context, Result};
use axum::Router;

use crate::config::{Cli, Command};
use crate::database::Database;
use crate::state::AppState;

/// The application: every route with its middleware, over `state`.
pub fn app(state: AppState) -> Router {
    web::router(state)
}

/// Run the command the user asked for.
pub fn run(cli: Cli) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    match cli.command() {
        Command::Serve(args) => {
            // Before anything else: a stop requested during start-up is a clean stop.
            let signals = {
                let _runtime = runtime.enter();
                server::ShutdownSignals::install()
            };
            let stop = stop_requested(&runtime, signals);
            tracing::info!("starting (Ctrl-C or SIGTERM from now on stops the portal cleanly)");
            // Bind first: a taken port is reported before any database work.
            let listener = runtime.block_on(server::bind(args.addr))?;
            let Some(database) =
                Database::open_waiting(&cli.database, &runtime, stopped(stop.clone()))?
            else {
                tracing::info!("stopped (while waiting for the database)");
                return Ok(());
            };
            let result = runtime.block_on(async {
                database::migrate(&database.pool).await?;
                let url = format!("http://{}", listener.local_addr()?);
                let (health, watcher) = db_health::DbHealth::watch(&database.pool);
                let state = AppState {
                    db: database.pool.clone(),
                    web: std::sync::Arc::new(state::WebConfig::new(
                        args.static_dir
                            .clone()
                            .unwrap_or_else(state::WebConfig::source_tree_static_dir),
                        args.sessions.clone(),
                        args.public_url.clone(),
                    )),
                    health,
                    pages: if args.no_page_cache {
                        web::page_cache::PageCache::disabled()
                    } else {
                        web::page_cache::PageCache::start(&database.pool)
                    },
                };
                web::admin::announce_setup_link(&state.db, &url).await?;
                tracing::info!("forum portal listening on {url}");
                let cleanup =
                    web::admin::spawn_session_cleanup(state.db.clone(), &state.web.sessions);
                let refusal = web::refusal_router(state.web.clone());
                let served = server::serve(
                    listener,
                    app(state),
                    refusal,
                    args.connection_limits(),
                    stopped(stop),
                )
                .await;
                cleanup.abort();
                watcher.abort();
                served
            });
            database.close(&runtime);
            tracing::info!("stopped");
            result
        }
        Command::CreateAdmin(args) => {
            let password = admin_cli::read_password(args.password_stdin)?;
            let database = Database::open_with(&cli.database, &runtime, true)?;
            let result = runtime.block_on(async {
                database::migrate(&database.pool).await?;
                admin_cli::create_admin(&database.pool, &args.email, password).await
            });
            database.close(&runtime);
            let admin = result?;
            println!("created admin {}", admin.email);
            Ok(())
        }
        Command::Backup(args) => {
            let database = Database::open_with(&cli.database, &runtime, true)?;
            let bin_dir = database.bin_dir(&cli.database);
            let result = runtime.block_on(backup::backup(
                &database.pool,
                &cli.database,
                bin_dir.as_deref(),
                &args.file,
            ));
            database.close(&runtime);
            result?;
            println!("backup written to {}", args.file.display());
            Ok(())
        }
        Command::Restore(args) => {
            // A missing or foreign file is reported before anything is started.
            backup::check_archive(&args.file)?;
            let database = Database::open_with(&cli.database, &runtime, true)?;
            let bin_dir = database.bin_dir(&cli.database);
            let result = runtime.block_on(backup::restore(
                &database.pool,
                &cli.database,
                bin_dir.as_deref(),
                &args.file,
                args.overwrite,
            ));
            database.close(&runtime);
            result?;
            println!(
                "restored {} (migrations newer than the backup are applied at the next start)",
                args.file.display()
            );
            Ok(())
        }
        Command::CheckDeploy(args) => {
            let mut problems = check_deploy::check_settings(&args);
            let database = Database::open_with(&cli.database, &runtime, true)?;
            problems.extend(runtime.block_on(check_deploy::check_accounts(&database.pool)));
            database.close(&runtime);
            for problem in &problems {
                println!("- {problem}");
            }
            match problems.len() {
                0 => {
                    println!("check-deploy: nothing is missing for production");
                    Ok(())
                }
                1 => anyhow::bail!("check-deploy: 1 thing a production setup needs is missing"),
                n => anyhow::bail!("check-deploy: {n} things a production setup needs are missing"),
            }
        }
        Command::DemoData(args) => demo_data::run(&cli.database, &args, &runtime),
        Command::Migrate => {
            let database = Database::open_waiting(&cli.database, &runtime, std::future::pending())?
                .context("stopped while waiting for the database")?;
            let result = runtime.block_on(database::migrate(&database.pool));
            database.close(&runtime);
            result?;
            tracing::info!("migrations applied");
            Ok(())
        }
    }
}

/// A flag that turns true once Ctrl-C or SIGTERM has arrived (also before anyone looks):
/// start-up waits on it (see [`stopped`]), then serving does.
fn stop_requested(
    runtime: &tokio::runtime::Runtime,
    signals: server::ShutdownSignals,
) -> tokio::sync::watch::Receiver<bool> {
    let (requested, observed) = tokio::sync::watch::channel(false);
    runtime.spawn(async move {
        signals.recv().await;
        requested.send_replace(true);
        // Keep the sender (and so the flag) for as long as anyone may look.
        std::future::pending::<()>().await;
    });
    observed
}

/// Completes once the flag of [`stop_requested`] is true.
async fn stopped(mut flag: tokio::sync::watch::Receiver<bool>) {
    let _ = flag.wait_for(|stop| *stop).await;
}
