//! `forum-portal backup FILE` and `forum-portal restore FILE`: the whole database in
//! `pg_dump`'s custom format, written and read by the `pg_dump` / `pg_restore` of the server's
//! own major version.
//!
//! The tools are told where the database is through libpq's environment (`PGHOST`, `PGPORT`,
//! `PGUSER`, `PGDATABASE`, `PGSSLMODE`, and `PGPASSWORD` from `DATABASE_URL`), never through
//! their command line, which other users of the machine can read.

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgSslMode};

use crate::config::DatabaseArgs;
use crate::db;
use crate::embedded_pg::{PgBinaries, SearchPlaces};

/// The first bytes of every custom-format archive.
const ARCHIVE_MAGIC: &[u8] = b"PGDMP";

/// Write the database behind `pool` to `file` (through a temporary file beside it, renamed
/// into place once complete). `preferred_bin_dir` is the folder of the binaries the private
/// cluster runs, when there is one.
pub async fn backup(
    pool: &PgPool,
    args: &DatabaseArgs,
    preferred_bin_dir: Option<&Path>,
    file: &Path,
) -> Result<()> {
    let folder = match file.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    if !folder.is_dir() {
        bail!(
            "cannot write the backup {}: the folder {} does not exist",
            file.display(),
            folder.display()
        );
    }
    let major = db::maintenance::server_major_version(pool).await?;
    let pg_dump = tool("pg_dump", major, args, preferred_bin_dir)?;
    let mut partial = file.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let mut command = Command::new(&pg_dump);
    command
        .args(["--format=custom", "--no-password", "--file"])
        .arg(&partial);
    libpq_environment(&mut command, &pool.connect_options(), args)?;
    let outcome = run(command, &pg_dump).await;
    if let Err(error) = outcome {
        let _ = std::fs::remove_file(&partial);
        return Err(error.context(format!("cannot write the backup {}", file.display())));
    }
    std::fs::rename(&partial, file)
        .with_context(|| format!("cannot move the backup into place at {}", file.display()))
}

/// Check that `file` is a backup this command can read: it exists and is a custom-format
/// archive. Cheap: call it before connecting to anything.
pub fn check_archive(file: &Path) -> Result<()> {
    let mut opened = std::fs::File::open(file).map_err(|error| match error.kind() {
        std::io::ErrorKind::NotFound => {
            anyhow::anyhow!("cannot restore {}: there is no such file", file.display())
        }
        _ => anyhow::anyhow!("cannot restore {}: {error}", file.display()),
    })?;
    let mut magic = [0u8; 5];
    let is_archive = opened.read_exact(&mut magic).is_ok() && magic == ARCHIVE_MAGIC;
    if !is_archive {
        bail!(
            "cannot restore {}: it is not a backup made by `forum-portal backup` (a pg_dump custom-format archive)",
            file.display()
        );
    }
    Ok(())
}

/// Load `file` into the database behind `pool`, in one transaction (all or nothing). A
/// database that already holds data is refused unless `overwrite`, which drops every object
/// the backup holds before recreating it from the backup.
pub async fn restore(
    pool: &PgPool,
    args: &DatabaseArgs,
    preferred_bin_dir: Option<&Path>,
    file: &Path,
    overwrite: bool,
) -> Result<()> {
    check_archive(file)?;
    let options = pool.connect_options();
    let database = options.get_database().unwrap_or("postgres").to_owned();
    if !overwrite && db::maintenance::has_user_objects(pool).await? {
        bail!(
            "the database {database} already holds data: restoring would mix the backup into it; run `forum-portal restore --overwrite {}` to replace everything in it with the backup",
            file.display()
        );
    }
    let major = db::maintenance::server_major_version(pool).await?;
    let pg_restore = tool("pg_restore", major, args, preferred_bin_dir)?;
    let mut command = Command::new(&pg_restore);
    command.args([
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        "--no-password",
    ]);
    if overwrite {
        command.args(["--clean", "--if-exists"]);
    }
    // The name alone: where it is and how to log in come from the environment.
    command.arg("--dbname").arg(&database).arg(file);
    libpq_environment(&mut command, &options, args)?;
    run(command, &pg_restore).await.with_context(|| {
        format!(
            "cannot restore {} (nothing was changed: the restore is one transaction)",
            file.display()
        )
    })
}

/// Run a client tool to its end; its last error line becomes the error.
async fn run(mut command: Command, program: &Path) -> Result<()> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let program = program.to_owned();
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .context("the client tool's thread failed")?
        .with_context(|| format!("cannot run {}", program.display()))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let reason = stderr
        .lines()
        .filter(|line| line.contains("error:") || line.contains("FATAL"))
        .map(str::trim)
        .next()
        .or_else(|| stderr.lines().map(str::trim).find(|line| !line.is_empty()))
        .unwrap_or("no message")
        .to_owned();
    if reason.contains("unsupported version") {
        bail!(
            "{} cannot read this archive: it was written by a newer pg_dump ({reason})",
            program.display()
        );
    }
    bail!("{} failed ({}): {reason}", program.display(), output.status)
}

/// Tell a libpq tool where the database is and how to log in, through its environment.
fn libpq_environment(
    command: &mut Command,
    options: &PgConnectOptions,
    args: &DatabaseArgs,
) -> Result<()> {
    let host: OsString = match options.get_socket() {
        Some(socket) => socket.as_os_str().to_owned(),
        None => options.get_host().into(),
    };
    command
        .env("PGHOST", host)
        .env("PGPORT", options.get_port().to_string())
        .env("PGUSER", options.get_username())
        .env("PGDATABASE", options.get_database().unwrap_or("postgres"))
        .env("PGSSLMODE", ssl_mode(options.get_ssl_mode()))
        .env("PGAPPNAME", "forum-portal");
    command.env_remove("PGSERVICE");
    if let Some(url) = &args.database_url {
        let parsed = url::Url::parse(url)
            .map_err(|error| anyhow::anyhow!("DATABASE_URL is not a valid URL: {error}"))?;
        if let Some(password) = parsed.password() {
            let decoded = percent_decode(password);
            command.env("PGPASSWORD", decoded);
        }
    }
    Ok(())
}

fn ssl_mode(mode: PgSslMode) -> &'static str {
    match mode {
        PgSslMode::Disable => "disable",
        PgSslMode::Allow => "allow",
        PgSslMode::Prefer => "prefer",
        PgSslMode::Require => "require",
        PgSslMode::VerifyCa => "verify-ca",
        PgSslMode::VerifyFull => "verify-full",
    }
}

/// `%xx` escapes of a URL part decoded (a password may contain `@` or `:` written so).
fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// The client tool `name` of PostgreSQL `major`: from the folder the private cluster runs
/// from (or `PG_BIN_DIR`), then `/usr/lib/postgresql/{major}/bin`, then `pg_config --bindir`
/// and `PATH` — the first of the server's major version. Another version is refused with
/// what was found and how to install the right one.
fn tool(
    name: &str,
    major: u32,
    args: &DatabaseArgs,
    preferred_bin_dir: Option<&Path>,
) -> Result<PathBuf> {
    let places = SearchPlaces::system();
    let mut folders: Vec<PathBuf> = Vec::new();
    folders.extend(preferred_bin_dir.map(Path::to_owned));
    folders.extend(args.pg_bin_dir.clone());
    folders.push(places.versions_root.join(major.to_string()).join("bin"));
    if let Ok(found) = PgBinaries::locate(None, &places) {
        folders.push(found.dir().to_owned());
    }
    if let Some(path) = &places.path {
        folders.extend(std::env::split_paths(path));
    }
    let mut seen = Vec::new();
    for folder in folders {
        let candidate = folder.join(name);
        if !candidate.is_file() || seen.iter().any(|(path, _)| *path == candidate) {
            continue;
        }
        let version = tool_major_version(&candidate);
        if version == Some(major) {
            return Ok(candidate);
        }
        seen.push((candidate, version));
    }
    let found = if seen.is_empty() {
        "none was found".to_owned()
    } else {
        seen.iter()
            .map(|(path, version)| match version {
                Some(version) => format!("{} is version {version}", path.display()),
                None => format!("{} does not say its version", path.display()),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    bail!(
        "the database server runs PostgreSQL {major}, but no {name} of that version was found ({found}): install it (Debian/Ubuntu: apt-get install postgresql-client-{major}) or set PG_BIN_DIR to its folder"
    )
}

/// `pg_dump (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)` → 15.
fn tool_major_version(program: &Path) -> Option<u32> {
    let output = Command::new(program).arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    parse_major_version(&text)
}

fn parse_major_version(text: &str) -> Option<u32> {
    let version = text.split(')').nth(1)?.split_whitespace().next()?;
    version
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn major_versions_are_read_from_the_tools() {
        assert_eq!(
            parse_major_version("pg_dump (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)\n"),
            Some(15)
        );
        assert_eq!(
            parse_major_version("pg_restore (PostgreSQL) 17beta1\n"),
            Some(17)
        );
        assert_eq!(parse_major_version("nonsense"), None);
    }

    #[test]
    fn passwords_are_decoded() {
        assert_eq!(percent_decode("s%40cret%3A1+2"), "s@cret:1+2");
    }

    #[test]
    fn a_missing_or_foreign_file_is_refused_in_one_sentence() {
        let folder = tempfile::tempdir().unwrap();
        let missing = folder.path().join("nope.dump");
        let error = check_archive(&missing).unwrap_err().to_string();
        assert!(error.contains("there is no such file"), "{error}");
        let text = folder.path().join("notes.txt");
        std::fs::write(&text, "not a backup").unwrap();
        let error = check_archive(&text).unwrap_err().to_string();
        assert!(error.contains("is not a backup made by"), "{error}");
    }
}
