//! forum-portal: the web portal of the China–Pakistan "Science, Technology and Innovation
//! Cooperation – Shared Journey to a Digital Era" forum (Beijing, 5 September 2023, beside CIFTIS).
//!
//! [`app`] builds the whole HTTP application for a state, so the binary and the tests
//! drive the same router; [`run`] is what the binary does with its command line.

pub mod admin_cli;
pub mod auth;
pub mod config;
pub mod database;
pub mod db;
pub mod domain;
pub mod embedded_pg;
pub mod error;
pub mod i18n;
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
            tracing::info!("starting (Ctrl-C or SIGTERM from now on stops the portal cleanly)");
            // Bind first: a taken port is reported before any database work.
            let listener = runtime.block_on(server::bind(args.addr))?;
            let database = Database::open(&cli.database, &runtime)?;
            let result = runtime.block_on(async {
                database::migrate(&database.pool).await?;
                let url = format!("http://{}", listener.local_addr()?);
                tracing::info!("forum portal listening on {url}");
                let state = AppState {
                    db: database.pool.clone(),
                    web: std::sync::Arc::new(state::WebConfig::new(
                        args.static_dir
                            .clone()
                            .unwrap_or_else(state::WebConfig::source_tree_static_dir),
                        args.sessions.clone(),
                        args.public_url.clone(),
                    )),
                };
                web::admin::announce_setup_link(&state.db, &url).await?;
                let cleanup =
                    web::admin::spawn_session_cleanup(state.db.clone(), &state.web.sessions);
                let refusal = web::refusal_router(state.web.clone());
                let served = server::serve(
                    listener,
                    app(state),
                    refusal,
                    args.connection_limits(),
                    signals.recv(),
                )
                .await;
                cleanup.abort();
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
        Command::Migrate => {
            let database = Database::open(&cli.database, &runtime)?;
            let result = runtime.block_on(database::migrate(&database.pool));
            database.close(&runtime);
            result?;
            tracing::info!("migrations applied");
            Ok(())
        }
    }
}
