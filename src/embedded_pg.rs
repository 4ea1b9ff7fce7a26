//! A private PostgreSQL cluster run from the machine's server binaries.
//!
//! Used when no `DATABASE_URL` is given (the portal keeps its data in a persistent folder)
//! and by the tests (throwaway clusters). The cluster listens only on a unix socket inside
//! its own folder, so no port can clash, and trusts local connections because nobody else
//! can reach that socket.
//!
//! Facts of the machines this runs on, each handled below:
//! - `initdb` and `postgres` refuse to run as root: as root, the child runs as `postgres`
//!   (or `nobody`), with the cluster folder chown'd to it and mode 700;
//! - that user must be able to enter every folder above the cluster: checked up front;
//! - a parent-death signal fires when the *thread* that spawned the child exits, so the
//!   child is spawned from a dedicated keeper thread that lives as long as the process.

use std::ffi::{CString, OsStr};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};

/// The superuser of an embedded cluster.
pub const SUPERUSER: &str = "postgres";

/// Longest path a unix socket may have on Linux (`sun_path` is 108 bytes with its NUL).
const MAX_SOCKET_PATH: usize = 107;

/// How to set up and run a cluster.
#[derive(Debug, Clone)]
pub struct ClusterOptions {
    /// Folder that holds the cluster (`pg/`), its log and its lock file. Created if missing.
    pub root: PathBuf,
    /// Explicit folder of the server binaries; searched for when `None`.
    pub bin_dir: Option<PathBuf>,
    /// Turn off fsync: only for throwaway clusters (tests), never for data that must survive.
    pub throwaway: bool,
}

/// A running private cluster. Stop it with [`EmbeddedPostgres::stop`]; if the process ends
/// without that, the cluster receives a fast-shutdown signal from the kernel.
pub struct EmbeddedPostgres {
    cluster_dir: PathBuf,
    port: u16,
    bins: PgBinaries,
    keeper: Keeper,
    _lock: File,
}

/// The handle on the keeper thread: ask it to stop, or learn that the server exited by itself.
struct Keeper {
    stop_tx: mpsc::Sender<mpsc::Sender<()>>,
    exited: Arc<AtomicBool>,
}

impl std::fmt::Debug for EmbeddedPostgres {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedPostgres")
            .field("cluster_dir", &self.cluster_dir)
            .finish()
    }
}

/// The OS account the server processes run as.
#[derive(Debug, Clone, Copy)]
struct RunAs {
    uid: u32,
    gid: u32,
}

impl EmbeddedPostgres {
    /// Create the cluster if its folder is new, start it and wait until it accepts connections.
    ///
    /// Blocking: call from a thread that may block (the keeper thread is spawned inside).
    pub fn start(options: &ClusterOptions) -> Result<Self> {
        Self::start_listening(options, None)
    }

    /// Like [`EmbeddedPostgres::start`], but also listening on `127.0.0.1:port` (with
    /// password-less access, as on the socket): for tests that need a server at an address,
    /// such as one a `DATABASE_URL` names. Its socket is then `.s.PGSQL.{port}`.
    pub fn start_on_tcp_port(options: &ClusterOptions, port: u16) -> Result<Self> {
        Self::start_listening(options, Some(port))
    }

    fn start_listening(options: &ClusterOptions, tcp_port: Option<u16>) -> Result<Self> {
        let bins = PgBinaries::locate(options.bin_dir.as_deref(), &SearchPlaces::system())?;
        fs::create_dir_all(&options.root)
            .with_context(|| format!("cannot create the data folder {}", options.root.display()))?;
        let root = options.root.canonicalize().with_context(|| {
            format!("cannot resolve the data folder {}", options.root.display())
        })?;
        let lock = lock_data_folder(&root)?;

        let run_as = run_as_user()?;
        let cluster_dir = root.join("pg");
        let socket_path = cluster_dir.join(".s.PGSQL.5432");
        if socket_path.as_os_str().len() > MAX_SOCKET_PATH {
            bail!(
                "the data folder path {} is too long for PostgreSQL's socket (at most {} bytes with \"/pg/.s.PGSQL.5432\"): choose a shorter PORTAL_DATA_DIR",
                root.display(),
                MAX_SOCKET_PATH
            );
        }
        if let Some(user) = run_as {
            check_traversable(&root, user)?;
        }

        if !cluster_dir.join("PG_VERSION").exists() {
            init_cluster(&bins, &cluster_dir, run_as)?;
        }

        let log_path = root.join("postgres.log");
        let keeper = spawn_keeper(
            &bins,
            &cluster_dir,
            &log_path,
            run_as,
            options.throwaway,
            tcp_port,
        )?;
        let server = Self {
            cluster_dir,
            port: tcp_port.unwrap_or(5432),
            bins,
            keeper,
            _lock: lock,
        };
        server.wait_until_ready(&log_path)?;
        Ok(server)
    }

    /// Connection options for `database` on this cluster, as the superuser, over the socket.
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.cluster_dir)
            .port(self.port)
            .username(SUPERUSER)
            .database(database)
    }

    /// The server binaries this cluster runs (their folder also has `pg_dump`, `pg_restore`).
    pub fn binaries(&self) -> &PgBinaries {
        &self.bins
    }

    /// The cluster's folder (`PGDATA`), which is also where its socket lives.
    pub fn cluster_dir(&self) -> &Path {
        &self.cluster_dir
    }

    /// Fast shutdown (clients disconnected, data checkpointed), waiting for the server to exit.
    pub fn stop(self) {
        let (done_tx, done_rx) = mpsc::channel();
        if self.keeper.stop_tx.send(done_tx).is_ok() {
            let _ = done_rx.recv_timeout(Duration::from_secs(60));
        }
    }

    fn wait_until_ready(&self, log_path: &Path) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(60);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("cannot start a runtime to wait for PostgreSQL")?;
        let options = self.connect_options("postgres").disable_statement_logging();
        loop {
            let attempt = runtime.block_on(async {
                let connection = sqlx::PgConnection::connect_with(&options).await?;
                connection.close().await
            });
            match attempt {
                Ok(()) => return Ok(()),
                Err(error) if Instant::now() > deadline => {
                    bail!(
                        "the private PostgreSQL did not accept connections within 60 s ({error}); its log is {}:\n{}",
                        log_path.display(),
                        log_tail(log_path)
                    );
                }
                Err(_) => {
                    if self.keeper.exited.load(Ordering::SeqCst) {
                        bail!(
                            "the private PostgreSQL exited during start-up; its log {} ends with:\n{}",
                            log_path.display(),
                            log_tail(log_path)
                        );
                    }
                    std::thread::sleep(Duration::from_millis(25));
                }
            }
        }
    }
}

/// When another portal process runs the cluster in `root`, the connection options for
/// `database` on it (so one-off commands like `create-admin` can work beside a running portal).
pub fn attach_to_running(root: &Path, database: &str) -> Option<PgConnectOptions> {
    let root = root.canonicalize().ok()?;
    let cluster_dir = root.join("pg");
    if !cluster_dir.join(".s.PGSQL.5432").exists() {
        return None;
    }
    // The lock is held exactly while a portal runs this cluster.
    let held_by_other = lock_data_folder(&root).is_err();
    held_by_other.then(|| {
        PgConnectOptions::new()
            .socket(&cluster_dir)
            .username(SUPERUSER)
            .database(database)
    })
}

/// The server binaries this cluster needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgBinaries {
    pub initdb: PathBuf,
    pub postgres: PathBuf,
}

/// Where to look for PostgreSQL binaries when no folder is given explicitly.
#[derive(Debug, Clone)]
pub struct SearchPlaces {
    /// A `pg_config` to ask for `--bindir`.
    pub pg_config: Option<PathBuf>,
    /// Folder holding one subfolder per major version (Debian: `/usr/lib/postgresql`).
    pub versions_root: PathBuf,
    /// The `PATH` to search last.
    pub path: Option<std::ffi::OsString>,
}

impl SearchPlaces {
    /// This machine's places: `pg_config` on `PATH`, `/usr/lib/postgresql/*/bin`, then `PATH`.
    pub fn system() -> Self {
        let path = std::env::var_os("PATH");
        let pg_config = path.as_ref().and_then(|p| {
            std::env::split_paths(p)
                .map(|d| d.join("pg_config"))
                .find(|c| c.is_file())
        });
        Self {
            pg_config,
            versions_root: PathBuf::from("/usr/lib/postgresql"),
            path,
        }
    }
}

impl PgBinaries {
    /// The folder of these binaries (where `pg_dump` and `pg_restore` of the same version live).
    pub fn dir(&self) -> &Path {
        self.initdb.parent().unwrap_or(Path::new("."))
    }

    /// `explicit` (PG_BIN_DIR) first, then `pg_config --bindir`, then the newest versioned
    /// folder, then `PATH`. The error says what was searched and how to install the binaries.
    pub fn locate(explicit: Option<&Path>, places: &SearchPlaces) -> Result<Self> {
        if let Some(dir) = explicit {
            return Self::in_dir(dir).ok_or_else(|| {
                anyhow!(
                    "PG_BIN_DIR is {}, but that folder has no PostgreSQL server binaries (initdb, postgres); point it at the folder that has them, or unset it to search this machine",
                    dir.display()
                )
            });
        }
        if let Some(found) = places
            .pg_config
            .as_deref()
            .and_then(pg_config_bindir)
            .and_then(|dir| Self::in_dir(&dir))
        {
            return Ok(found);
        }
        if let Some(found) =
            newest_versioned_bin_dir(&places.versions_root).and_then(|dir| Self::in_dir(&dir))
        {
            return Ok(found);
        }
        if let Some(path) = &places.path
            && let Some(found) = std::env::split_paths(path).find_map(|dir| Self::in_dir(&dir))
        {
            return Ok(found);
        }
        Err(anyhow!(
            "no PostgreSQL server binaries (initdb, postgres) found: looked at pg_config --bindir, {}/*/bin and PATH. Install them (Debian/Ubuntu: apt-get install postgresql), set PG_BIN_DIR to their folder, or set DATABASE_URL to use an existing server",
            places.versions_root.display()
        ))
    }

    fn in_dir(dir: &Path) -> Option<Self> {
        let initdb = dir.join("initdb");
        let postgres = dir.join("postgres");
        (is_executable(&initdb) && is_executable(&postgres)).then_some(Self { initdb, postgres })
    }
}

fn is_executable(path: &Path) -> bool {
    fs::metadata(path)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

fn pg_config_bindir(pg_config: &Path) -> Option<PathBuf> {
    let output = Command::new(pg_config).arg("--bindir").output().ok()?;
    output
        .status
        .success()
        .then(|| PathBuf::from(String::from_utf8_lossy(&output.stdout).trim()))
}

fn newest_versioned_bin_dir(root: &Path) -> Option<PathBuf> {
    fs::read_dir(root)
        .ok()?
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let version: f64 = entry.file_name().to_str()?.parse().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, dir)| dir)
}

/// One portal per data folder: a second one gets a clear error, not PostgreSQL's lock message.
fn lock_data_folder(root: &Path) -> Result<File> {
    let path = root.join("portal.lock");
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open the lock file {}", path.display()))?;
    // SAFETY: flock on a file descriptor we own; no memory is involved.
    let locked = unsafe {
        libc::flock(
            std::os::fd::AsRawFd::as_raw_fd(&file),
            libc::LOCK_EX | libc::LOCK_NB,
        )
    };
    if locked != 0 {
        bail!(
            "the data folder {} is already in use by another running portal; stop that one, or give this one its own PORTAL_DATA_DIR (or a DATABASE_URL)",
            root.display()
        );
    }
    Ok(file)
}

/// As root, the account to run PostgreSQL as (`postgres`, else `nobody`); `None` otherwise.
fn run_as_user() -> Result<Option<RunAs>> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Ok(None);
    }
    for name in ["postgres", "nobody"] {
        if let Some(user) = lookup_user(name) {
            return Ok(Some(user));
        }
    }
    bail!(
        "running as root, but PostgreSQL refuses to run as root and neither a 'postgres' nor a 'nobody' account exists to run it as; create one (apt-get install postgresql creates 'postgres') or run the portal as an ordinary user"
    )
}

fn lookup_user(name: &str) -> Option<RunAs> {
    let name = CString::new(name).ok()?;
    // SAFETY: getpwnam returns a pointer into static storage or null; we copy the two ids out
    // at once and this runs before the server starts any other thread that calls getpw*.
    let entry = unsafe { libc::getpwnam(name.as_ptr()) };
    if entry.is_null() {
        return None;
    }
    // SAFETY: non-null pointer returned by getpwnam.
    let entry = unsafe { &*entry };
    Some(RunAs {
        uid: entry.pw_uid,
        gid: entry.pw_gid,
    })
}

/// Every folder from `/` down to `dir` must be enterable by `user`, or PostgreSQL fails with
/// "could not change directory": say which folder and what to do instead.
fn check_traversable(dir: &Path, user: RunAs) -> Result<()> {
    for ancestor in dir.ancestors() {
        let meta = fs::metadata(ancestor)
            .with_context(|| format!("cannot inspect {}", ancestor.display()))?;
        let mode = meta.mode();
        let can_enter = if meta.uid() == user.uid {
            mode & 0o100 != 0
        } else if meta.gid() == user.gid {
            mode & 0o010 != 0
        } else {
            mode & 0o001 != 0
        };
        if !can_enter {
            bail!(
                "the private PostgreSQL runs as an unprivileged user (uid {}), which cannot enter {} (mode {:o}); put the data folder somewhere it can reach, e.g. PORTAL_DATA_DIR=/var/lib/forum-portal, or allow entry with chmod o+x {}",
                user.uid,
                ancestor.display(),
                mode & 0o777,
                ancestor.display()
            );
        }
    }
    Ok(())
}

fn init_cluster(bins: &PgBinaries, cluster_dir: &Path, run_as: Option<RunAs>) -> Result<()> {
    // A half-made cluster (interrupted initdb) has no PG_VERSION: start it again from empty.
    if cluster_dir.exists() {
        fs::remove_dir_all(cluster_dir).with_context(|| {
            format!(
                "cannot clear the unfinished cluster {}",
                cluster_dir.display()
            )
        })?;
    }
    fs::create_dir(cluster_dir)
        .with_context(|| format!("cannot create {}", cluster_dir.display()))?;
    fs::set_permissions(cluster_dir, fs::Permissions::from_mode(0o700))?;
    if let Some(user) = run_as {
        std::os::unix::fs::chown(cluster_dir, Some(user.uid), Some(user.gid)).with_context(
            || format!("cannot hand {} to uid {}", cluster_dir.display(), user.uid),
        )?;
    }
    let mut command = Command::new(&bins.initdb);
    command
        .arg("--pgdata")
        .arg(cluster_dir)
        .args([
            "--username",
            SUPERUSER,
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--locale",
            "C",
        ])
        .current_dir(cluster_dir)
        .stdin(Stdio::null());
    drop_privileges(&mut command, run_as, false);
    let output = command
        .output()
        .with_context(|| format!("cannot run {}", bins.initdb.display()))?;
    if !output.status.success() {
        let _ = fs::remove_dir_all(cluster_dir);
        bail!(
            "initdb failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

/// Run the child as `run_as` and, when `die_with_parent`, have the kernel send it a
/// fast-shutdown signal (SIGINT) when the spawning thread ends.
fn drop_privileges(command: &mut Command, run_as: Option<RunAs>, die_with_parent: bool) {
    // SAFETY: getpid has no preconditions.
    let parent = unsafe { libc::getpid() };
    // SAFETY: the closure only makes async-signal-safe system calls between fork and exec.
    unsafe {
        command.pre_exec(move || {
            if let Some(user) = run_as {
                let groups = [user.gid];
                if libc::setgroups(1, groups.as_ptr()) != 0
                    || libc::setgid(user.gid) != 0
                    || libc::setuid(user.uid) != 0
                {
                    return Err(io::Error::last_os_error());
                }
            }
            // After setuid: a change of credentials clears the parent-death signal.
            if die_with_parent {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGINT) != 0 {
                    return Err(io::Error::last_os_error());
                }
                if libc::getppid() != parent {
                    return Err(io::Error::other(
                        "the portal exited while PostgreSQL was starting",
                    ));
                }
            }
            Ok(())
        });
    }
}

/// Spawn the postmaster from a thread that lives until the process exits (or `stop`), so the
/// parent-death signal fires only when the portal itself is gone.
fn spawn_keeper(
    bins: &PgBinaries,
    cluster_dir: &Path,
    log_path: &Path,
    run_as: Option<RunAs>,
    throwaway: bool,
    tcp_port: Option<u16>,
) -> Result<Keeper> {
    let log = OpenOptions::new()
        .create(true)
        .append(true)
        .open(log_path)
        .with_context(|| format!("cannot open the PostgreSQL log {}", log_path.display()))?;
    let mut command = Command::new(&bins.postgres);
    command
        .arg("-D")
        .arg(cluster_dir)
        .args(["-c", "unix_socket_permissions=0700"]);
    match tcp_port {
        Some(port) => command
            .args(["-c", "listen_addresses=127.0.0.1", "-c"])
            .arg(format!("port={port}")),
        None => command.args(["-c", "listen_addresses="]),
    };
    command
        .arg("-c")
        .arg(concat_os(
            "unix_socket_directories=",
            cluster_dir.as_os_str(),
        ))
        .current_dir(cluster_dir)
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log);
    if throwaway {
        command.args([
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
        ]);
    }
    drop_privileges(&mut command, run_as, true);

    let (spawned_tx, spawned_rx) = mpsc::channel::<io::Result<()>>();
    let (stop_tx, stop_rx) = mpsc::channel::<mpsc::Sender<()>>();
    let postgres = bins.postgres.clone();
    let exited = Arc::new(AtomicBool::new(false));
    let exited_flag = Arc::clone(&exited);
    std::thread::Builder::new()
        .name("embedded-postgres".into())
        .spawn(move || {
            let mut child = match command.spawn() {
                Ok(child) => {
                    let _ = spawned_tx.send(Ok(()));
                    child
                }
                Err(error) => {
                    let _ = spawned_tx.send(Err(error));
                    return;
                }
            };
            keep(&mut child, stop_rx);
            exited_flag.store(true, Ordering::SeqCst);
        })
        .context("cannot start the thread that runs PostgreSQL")?;
    spawned_rx
        .recv()
        .context("the PostgreSQL keeper thread ended early")?
        .with_context(|| format!("cannot start {}", postgres.display()))?;
    Ok(Keeper { stop_tx, exited })
}

/// The keeper's loop: watch the server; on a stop request, shut it down and say so.
fn keep(child: &mut Child, requests: mpsc::Receiver<mpsc::Sender<()>>) {
    loop {
        match requests.recv_timeout(Duration::from_millis(100)) {
            Ok(done) => {
                fast_shutdown(child);
                let _ = done.send(());
                return;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            // The handle was dropped without `stop`: shut down as if asked.
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                fast_shutdown(child);
                return;
            }
        }
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
    }
}

fn fast_shutdown(child: &mut Child) {
    if let Ok(pid) = i32::try_from(child.id()) {
        // SAFETY: sending a signal to our own child process.
        unsafe {
            libc::kill(pid, libc::SIGINT);
        }
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    // Immediate shutdown as a last resort.
    let _ = child.kill();
    let _ = child.wait();
}

fn concat_os(prefix: &str, value: &OsStr) -> std::ffi::OsString {
    let mut s = std::ffi::OsString::from(prefix);
    s.push(value);
    s
}

fn log_tail(path: &Path) -> String {
    let mut text = String::new();
    if let Ok(mut file) = File::open(path) {
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        let _ = file.seek(SeekFrom::Start(len.saturating_sub(2000)));
        let mut bytes = Vec::new();
        let _ = file.read_to_end(&mut bytes);
        text = String::from_utf8_lossy(&bytes).into_owned();
    }
    text
}

/// Make `name` usable as an identifier in `CREATE DATABASE` (quoted, quotes doubled).
pub fn quote_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_binaries_error_says_how_to_install_them() {
        let empty = tempfile::tempdir().unwrap();
        let places = SearchPlaces {
            pg_config: None,
            versions_root: empty.path().join("nowhere"),
            path: Some(empty.path().as_os_str().to_owned()),
        };
        let error = PgBinaries::locate(None, &places).unwrap_err().to_string();
        assert!(error.contains("no PostgreSQL server binaries"), "{error}");
        assert!(error.contains("apt-get install postgresql"), "{error}");
    }

    #[test]
    fn explicit_folder_without_binaries_is_named() {
        let empty = tempfile::tempdir().unwrap();
        let error = PgBinaries::locate(Some(empty.path()), &SearchPlaces::system())
            .unwrap_err()
            .to_string();
        assert!(error.contains("PG_BIN_DIR"), "{error}");
    }

    #[test]
    fn newest_version_folder_wins() {
        let root = tempfile::tempdir().unwrap();
        for version in ["9.6", "15", "13"] {
            fs::create_dir_all(root.path().join(version).join("bin")).unwrap();
        }
        let found = newest_versioned_bin_dir(root.path()).unwrap();
        assert_eq!(found, root.path().join("15").join("bin"));
    }

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(quote_identifier("a\"b"), "\"a\"\"b\"");
    }
}
