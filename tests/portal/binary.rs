//! The `forum-portal` binary as a newcomer runs it: the embedded default keeps its data
//! across restarts, and every failure a newcomer can hit is one clear sentence.

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use reqwest::StatusCode;
use sqlx::Connection;

use crate::helpers::{Page, empty_database};

pub const BINARY: &str = env!("CARGO_BIN_EXE_forum-portal");

/// A data folder PostgreSQL's unprivileged user can reach (tempdirs are 0700).
pub fn reachable_tempdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

pub fn portal(data_dir: &Path) -> Command {
    let mut command = Command::new(BINARY);
    command
        .env_remove("DATABASE_URL")
        .env("PORTAL_DATA_DIR", data_dir)
        .env("PORTAL_ADDR", "127.0.0.1:0")
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

/// A running portal process and the URL it said it serves on.
pub struct Running {
    child: Child,
    pub url: String,
}

impl Running {
    pub fn start(mut command: Command) -> Self {
        let mut child = command.spawn().expect("start the portal");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(url) = line.split("listening on ").nth(1) {
                    let _ = tx.send(Ok(url.trim().to_owned()));
                } else if line.contains("error") {
                    let _ = tx.send(Err(line));
                }
            }
        });
        let url = match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(Ok(url)) => url,
            Ok(Err(line)) => panic!("the portal failed to start: {line}"),
            Err(_) => panic!("the portal did not say where it listens"),
        };
        Self { child, url }
    }

    /// SIGTERM, then the exit status must be success.
    pub fn stop(mut self) {
        // SAFETY: signalling our own child.
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGTERM);
        }
        let status = self.child.wait().unwrap();
        assert!(
            status.success(),
            "the portal exited with {status} on SIGTERM"
        );
    }
}

/// Run the binary to completion (killed, failing the test, if it is still running after
/// a minute: these runs are all expected to end on their own); its exit status and stderr.
fn run_to_end(mut command: Command) -> (std::process::ExitStatus, String) {
    let mut child = command.spawn().expect("run the portal");
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
        text
    });
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            // SAFETY: signalling our own child.
            unsafe {
                libc::kill(child.id() as i32, libc::SIGTERM);
            }
            let _ = child.wait();
            panic!(
                "the portal kept running: {}",
                reader.join().unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    (status, reader.join().unwrap_or_default())
}

fn assert_clear_failure(status: std::process::ExitStatus, stderr: &str, expected: &str) {
    assert!(!status.success(), "expected failure, stderr: {stderr}");
    assert!(
        stderr.contains(expected),
        "expected {expected:?} in: {stderr}"
    );
    assert!(
        !stderr.contains("panicked"),
        "a panic instead of a message: {stderr}"
    );
}

#[tokio::test]
async fn the_embedded_default_keeps_its_data_across_restarts() {
    let data = reachable_tempdir();
    let first = Running::start(portal(data.path()));
    let home = reqwest::get(&first.url).await.unwrap();
    assert_eq!(home.status(), StatusCode::OK);

    // An edit, as an admin will make one: straight into the portal's own database.
    let options = sqlx::postgres::PgConnectOptions::new()
        .socket(data.path().join("pg"))
        .username("postgres")
        .database("forum_portal");
    let mut db = sqlx::PgConnection::connect_with(&options).await.unwrap();
    sqlx::query("UPDATE forum SET city = '{\"en\": \"Beijing (edited)\"}'")
        .execute(&mut db)
        .await
        .unwrap();
    let migrations: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations")
        .fetch_one(&mut db)
        .await
        .unwrap();
    db.close().await.unwrap();
    first.stop();

    let second = Running::start(portal(data.path()));
    let page = Page::parse(
        &reqwest::get(&second.url)
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(page.texts(".facts dd")[1], "Beijing (edited)");
    let mut db = sqlx::PgConnection::connect_with(&options).await.unwrap();
    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(after, migrations, "a restart applied migrations again");
    db.close().await.unwrap();
    second.stop();
}

#[tokio::test]
async fn a_second_portal_on_the_same_data_folder_is_refused_clearly() {
    let data = reachable_tempdir();
    let first = Running::start(portal(data.path()));
    let (status, stderr) = run_to_end(portal(data.path()));
    assert_clear_failure(
        status,
        &stderr,
        "is already in use by another running portal",
    );
    first.stop();
}

/// A stop asked for while the portal is still starting (here: while its private PostgreSQL
/// is created) is a clean stop, not a kill: the signal is kept until the portal can act on it.
#[test]
fn a_stop_during_start_up_is_a_clean_stop() {
    let data = reachable_tempdir();
    let mut child = portal(data.path()).spawn().expect("start the portal");
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines().map_while(Result::ok);
    assert!(
        lines.by_ref().any(|line| line.contains("starting (")),
        "the portal never said it was starting"
    );
    // SAFETY: signalling our own child.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let rest: Vec<String> = lines.collect();
    let status = child.wait().unwrap();
    assert!(
        status.success(),
        "the portal exited with {status} when stopped during start-up: {rest:?}"
    );
    assert!(rest.iter().any(|line| line.contains("stopped")), "{rest:?}");
}

#[test]
fn missing_postgresql_binaries_are_reported_with_how_to_install_them() {
    let data = reachable_tempdir();
    let empty = tempfile::tempdir().unwrap();
    let mut command = portal(data.path());
    command.env("PG_BIN_DIR", empty.path());
    let (status, stderr) = run_to_end(command);
    assert_clear_failure(status, &stderr, "has no PostgreSQL server binaries");
}

#[test]
fn a_taken_port_is_reported_clearly() {
    let data = reachable_tempdir();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut command = portal(data.path());
    command.env("PORTAL_ADDR", taken.local_addr().unwrap().to_string());
    let (status, stderr) = run_to_end(command);
    assert_clear_failure(status, &stderr, "because another program is using it");
}

/// Each line the portal writes to stderr, as it writes it.
fn stderr_lines(child: &mut Child) -> mpsc::Receiver<String> {
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Wait (a generous minute) for the first line containing `wanted`; the lines up to it.
fn wait_for_line(lines: &mpsc::Receiver<String>, wanted: &str) -> Vec<String> {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) => {
                let found = line.contains(wanted);
                seen.push(line);
                if found {
                    return seen;
                }
            }
            Err(_) => panic!("the portal never said {wanted:?}; it said: {seen:#?}"),
        }
    }
}

/// A TCP port nobody listens on (at the moment of asking).
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// SIGTERM to a child; it must exit with success.
fn stop_cleanly(mut child: Child, lines: &mpsc::Receiver<String>) -> Vec<String> {
    // SAFETY: signalling our own child.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let status = child.wait().unwrap();
    // The reader thread may not have passed on the last lines yet: read to the end of stderr
    // (it closes when the process is gone), not just what has arrived.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let mut rest = Vec::new();
    while let Ok(line) =
        lines.recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
    {
        rest.push(line);
    }
    assert!(
        status.success(),
        "exited with {status} on SIGTERM: {rest:#?}"
    );
    rest
}

/// A database server that is not there yet is waited for (it may be starting beside the
/// portal, as under a supervisor or compose file), with a clear line per attempt, and the portal
/// serves once it answers. (It used to exit after 5 s: a crash loop under any supervisor.)
#[test]
fn an_unreachable_database_url_is_waited_for_until_it_answers() {
    let data = reachable_tempdir();
    let port = closed_port();
    let mut command = portal(data.path());
    command.env(
        "DATABASE_URL",
        format!("postgres://postgres:secret@127.0.0.1:{port}/postgres"),
    );
    let mut child = command.spawn().expect("start the portal");
    let lines = stderr_lines(&mut child);
    let said = wait_for_line(
        &lines,
        &format!("waiting for the database at 127.0.0.1:{port}/postgres: "),
    );
    let waiting = said.last().unwrap();
    assert!(waiting.contains("retrying in"), "{waiting}");
    assert!(
        !said.join("\n").contains("secret"),
        "the password leaked: {said:#?}"
    );

    // Now the database appears at that address.
    let server_root = reachable_tempdir();
    let options = forum_portal::embedded_pg::ClusterOptions {
        root: server_root.path().to_owned(),
        bin_dir: std::env::var_os("PG_BIN_DIR").map(std::path::PathBuf::from),
        throwaway: true,
    };
    let server = forum_portal::embedded_pg::EmbeddedPostgres::start_on_tcp_port(&options, port)
        .expect("start a server on the port the portal waits for");
    let said = wait_for_line(&lines, "listening on ");
    let url = said
        .last()
        .unwrap()
        .split("listening on ")
        .nth(1)
        .unwrap()
        .trim()
        .to_owned();
    let home = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(async { reqwest::get(&url).await.map(|response| response.status()) });
    assert_eq!(home.ok(), Some(StatusCode::OK));
    let rest = stop_cleanly(child, &lines);
    assert!(
        !rest.join("\n").contains("secret"),
        "the password leaked: {rest:#?}"
    );
    server.stop();
}

/// Ctrl-C or SIGTERM while waiting for the database is a clean stop (status 0), at once.
#[test]
fn a_stop_while_waiting_for_the_database_is_a_clean_stop() {
    let data = reachable_tempdir();
    let mut command = portal(data.path());
    command.env(
        "DATABASE_URL",
        format!("postgres://postgres@127.0.0.1:{}/portal", closed_port()),
    );
    let mut child = command.spawn().expect("start the portal");
    let lines = stderr_lines(&mut child);
    // Never race the signal against start-up: the portal says it waits first.
    wait_for_line(&lines, "waiting for the database at ");
    let rest = stop_cleanly(child, &lines);
    assert!(
        rest.iter().any(|line| line.contains("stopped")),
        "{rest:#?}"
    );
}

/// What waiting cannot fix (here: a database that does not exist) still fails at once, in
/// one sentence.
#[test]
fn a_database_url_naming_an_unknown_database_fails_at_once() {
    let data = reachable_tempdir();
    let socket_dir = crate::helpers::cluster().cluster_dir().to_owned();
    let mut command = portal(data.path());
    command.env(
        "DATABASE_URL",
        format!(
            "postgres://postgres:secret@localhost/no_such_database?host={}",
            socket_dir.display()
        ),
    );
    let (status, stderr) = run_to_end(command);
    assert_clear_failure(status, &stderr, "cannot connect to the database");
    assert!(
        stderr.contains("no_such_database\" does not exist"),
        "{stderr}"
    );
    assert!(!stderr.contains("waiting for"), "{stderr}");
    assert!(!stderr.contains("secret"), "the password leaked: {stderr}");
}

#[test]
fn a_data_folder_postgres_cannot_enter_is_reported_clearly() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return; // Only root hands the cluster to another user.
    }
    let private = tempfile::tempdir().unwrap();
    std::fs::set_permissions(private.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    let (status, stderr) = run_to_end(portal(&private.path().join("data")));
    assert_clear_failure(status, &stderr, "cannot enter");
}

#[tokio::test]
async fn migrate_with_a_database_url_applies_migrations_and_exits() {
    let (name, pool) = empty_database().await;
    let socket_dir = crate::helpers::cluster().cluster_dir().to_owned();
    let url = format!(
        "postgres://postgres@localhost/{name}?host={}",
        socket_dir.display()
    );
    let data = reachable_tempdir();
    let mut command = portal(data.path());
    command.env("DATABASE_URL", url).arg("migrate");
    let (status, stderr) = tokio::task::spawn_blocking(move || run_to_end(command))
        .await
        .unwrap();
    assert!(status.success(), "migrate failed: {stderr}");
    let people: i64 = sqlx::query_scalar("SELECT count(*) FROM people")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(people, 4);
    assert!(
        !data.path().join("pg").exists(),
        "with DATABASE_URL no private cluster is made"
    );
}

#[tokio::test]
async fn create_admin_works_beside_a_running_portal_and_checks_its_input() {
    let data = reachable_tempdir();
    let running = Running::start(portal(data.path()));

    let data_dir = data.path().to_owned();
    let create = move |email: &str, password: &str| {
        let mut command = portal(&data_dir);
        command
            .args(["create-admin", "--email", email, "--password-stdin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped());
        let mut child = command.spawn().unwrap();
        use std::io::Write;
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };
    let output = tokio::task::spawn_blocking(move || {
        (
            create("Admin@Example.org", "correct horse battery staple"),
            create("admin@example.org", "correct horse battery staple"),
            create("other@example.org", "short"),
        )
    })
    .await
    .unwrap();
    let (created, duplicate, short) = output;
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&created.stdout).trim(),
        "created admin admin@example.org"
    );
    assert!(!duplicate.status.success());
    assert!(String::from_utf8_lossy(&duplicate.stderr).contains("already exists"));
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 12 characters"));

    // The new admin can log in to the running portal.
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = Page::parse(
        &client
            .get(format!("{}/admin/login", running.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    let token = login.attrs("input[name=csrf_token]", "value")[0].clone();
    let response = client
        .post(format!("{}/admin/login", running.url))
        .header("origin", running.url.clone())
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", "admin@example.org"),
            ("password", "correct horse battery staple"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    running.stop();
}
