//! Command line and environment configuration (`--flag`, with an environment variable fallback).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// The forum portal: serves the China–Pakistan STI Cooperation forum's pages from PostgreSQL.
#[derive(Debug, Parser)]
#[command(name = "forum-portal", version, about, long_about = None)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(flatten)]
    pub database: DatabaseArgs,

    /// `serve`'s options, also accepted without the word `serve`.
    #[command(flatten)]
    pub serve: ServeArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to do; `serve` when none is given.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Apply database migrations, then serve the portal over HTTP (the default).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
}

/// Where the data lives.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// PostgreSQL connection URL. Without it the portal runs a private PostgreSQL of its own
    /// in the data folder.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,

    /// Folder of the private PostgreSQL cluster (used only without DATABASE_URL).
    #[arg(long, env = "PORTAL_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,

    /// Folder holding the PostgreSQL server binaries (initdb, postgres). Searched for when unset.
    #[arg(long, env = "PG_BIN_DIR", global = true)]
    pub pg_bin_dir: Option<PathBuf>,

    /// Most database connections this process opens.
    #[arg(
        long,
        env = "PORTAL_DB_MAX_CONNECTIONS",
        default_value_t = 10,
        global = true
    )]
    pub db_max_connections: u32,
}

/// How to serve HTTP.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "PORTAL_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    /// Folder of the static files (CSS, icons). Default: the `static/` folder of the source tree.
    #[arg(long, env = "PORTAL_STATIC_DIR")]
    pub static_dir: Option<PathBuf>,
}

impl Cli {
    /// The command to run: `serve` when none was named.
    pub fn command(&self) -> Command {
        match &self.command {
            Some(command) => command.clone(),
            None => Command::Serve(self.serve.clone()),
        }
    }
}
