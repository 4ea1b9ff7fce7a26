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
    /// Create an admin account (the password is asked for, or read from stdin).
    CreateAdmin(CreateAdminArgs),
    /// Write the whole database to FILE (pg_dump custom format); works beside a running portal.
    Backup(BackupArgs),
    /// Load a backup made by `backup` into the database (refuses a non-empty one without --overwrite).
    Restore(RestoreArgs),
    /// Say what a production setup is missing (exit status 1 if anything), one line each.
    CheckDeploy(ServeArgs),
    /// Fill a database of its own with synthetic entries in three languages, for load tests.
    DemoData(DemoDataArgs),
}

/// `demo-data`'s arguments.
#[derive(Debug, Clone, Args)]
pub struct DemoDataArgs {
    /// How many synthetic people, organisations, agreements, booths and quotes to write
    /// (and a tenth as many initiatives); an earlier fill is replaced.
    #[arg(long, default_value_t = 1000)]
    pub scale: u32,

    /// Without DATABASE_URL: the database of the private cluster to fill (created if missing;
    /// never the portal's own).
    #[arg(long, default_value = "forum_portal_demo")]
    pub database_name: String,
}

/// `backup`'s arguments.
#[derive(Debug, Clone, Args)]
pub struct BackupArgs {
    /// The file to write (replaced if it exists, only once the backup is complete).
    pub file: PathBuf,
}

/// `restore`'s arguments.
#[derive(Debug, Clone, Args)]
pub struct RestoreArgs {
    /// A file written by `forum-portal backup`.
    pub file: PathBuf,

    /// Replace everything in a database that already has data (it is otherwise refused).
    #[arg(long)]
    pub overwrite: bool,
}

/// `create-admin`'s arguments.
#[derive(Debug, Clone, Args)]
pub struct CreateAdminArgs {
    /// The admin's e-mail address, used to log in.
    #[arg(long)]
    pub email: String,

    /// Read the password from the first line of standard input instead of prompting (for scripts).
    #[arg(long)]
    pub password_stdin: bool,
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

    /// The address visitors use, such as `https://forum.example.org`: absolute links
    /// (`hreflang`, canonical) point there. Without it they are built from each request's
    /// `Host` header — set it in production.
    #[arg(long, env = "PORTAL_PUBLIC_URL", value_parser = parse_public_url)]
    pub public_url: Option<String>,

    /// Most connections open at once; beyond it a client gets a 503 page.
    #[arg(long, env = "PORTAL_MAX_CONNECTIONS", default_value_t = 1024)]
    pub max_connections: usize,

    /// Most connections open at once from one client address (an IPv6 client counts per /64);
    /// 0 for no such limit. Not applied with --trust-forwarded-for: behind a reverse proxy every
    /// connection comes from the proxy, which must limit clients itself.
    #[arg(long, env = "PORTAL_MAX_CONNECTIONS_PER_CLIENT", default_value_t = 64)]
    pub max_connections_per_client: usize,

    /// Render every page for every request instead of serving rendered pages from memory
    /// (the cache is kept exact by notifications from PostgreSQL; this is for debugging).
    #[arg(long, env = "PORTAL_NO_PAGE_CACHE")]
    pub no_page_cache: bool,

    #[command(flatten)]
    pub sessions: SessionArgs,
}

impl ServeArgs {
    /// The connection limits these options ask for.
    pub fn connection_limits(&self) -> crate::server::ConnectionLimits {
        let per_client = (self.max_connections_per_client > 0
            && !self.sessions.trust_forwarded_for)
            .then_some(self.max_connections_per_client);
        crate::server::ConnectionLimits {
            total: self.max_connections.max(1),
            per_client,
        }
    }
}

/// How admin sessions behave.
#[derive(Debug, Clone, Args)]
pub struct SessionArgs {
    /// Mark the session cookie `Secure` and name it `__Host-…` (set this when served over HTTPS).
    #[arg(long, env = "PORTAL_SECURE_COOKIES")]
    pub secure_cookies: bool,

    /// Minutes without a request after which an admin must log in again.
    #[arg(long, env = "PORTAL_SESSION_IDLE_MINUTES", default_value_t = 60)]
    pub session_idle_minutes: u32,

    /// Hours after logging in after which an admin must log in again, however active.
    #[arg(long, env = "PORTAL_SESSION_MAX_HOURS", default_value_t = 12)]
    pub session_max_hours: u32,

    /// Take the client address for login throttling from the last `X-Forwarded-For` entry
    /// (set this only behind a reverse proxy that sets that header).
    #[arg(long, env = "PORTAL_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
}

impl Default for SessionArgs {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            session_idle_minutes: 60,
            session_max_hours: 12,
            trust_forwarded_for: false,
        }
    }
}

/// A public URL is a scheme and a host (and port), nothing more: `https://forum.example.org`.
fn parse_public_url(value: &str) -> Result<String, String> {
    let trimmed = value.trim_end_matches('/');
    let host = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .ok_or("it must start with https:// or http://")?;
    let valid_host = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b));
    if !valid_host {
        return Err("it must be a scheme and a host only, like https://forum.example.org".into());
    }
    Ok(trimmed.to_owned())
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

#[cfg(test)]
mod tests {
    use super::parse_public_url;

    #[test]
    fn a_public_url_is_a_scheme_and_a_host() {
        assert_eq!(
            parse_public_url("https://forum.example.org/").as_deref(),
            Ok("https://forum.example.org")
        );
        assert_eq!(
            parse_public_url("http://127.0.0.1:3000").as_deref(),
            Ok("http://127.0.0.1:3000")
        );
        assert!(parse_public_url("forum.example.org").is_err());
        assert!(parse_public_url("https://").is_err());
        assert!(parse_public_url("https://forum.example.org/portal").is_err());
        assert!(parse_public_url("https://forum.example.org?x=1").is_err());
    }
}
