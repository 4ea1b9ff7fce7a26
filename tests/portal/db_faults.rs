//! Database faults, with the real router over a PostgreSQL cluster of the test's own that is
//! stopped, started again and frozen under it: requests get the localized 503 page at once
//! instead of waiting for the pool (or for a frozen server), `/readyz` follows the database
//! within a second or so, and the portal recovers without a restart.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use forum_portal::database::{self, create_database_if_missing};
use forum_portal::embedded_pg::{ClusterOptions, EmbeddedPostgres};
use forum_portal::state::AppState;
use reqwest::StatusCode;

use crate::helpers::{Page, TestApp, content_type};

/// Generous: the machine may be busy with other tests.
const PATIENCE: Duration = Duration::from_secs(60);

/// Start (or start again: same folder, same socket, same data) a throwaway cluster.
pub(crate) async fn start_cluster(root: &Path) -> EmbeddedPostgres {
    let options = ClusterOptions {
        root: root.to_owned(),
        bin_dir: std::env::var_os("PG_BIN_DIR").map(PathBuf::from),
        throwaway: true,
    };
    // Starting blocks and runs a runtime of its own: a plain thread, not this runtime's.
    tokio::task::spawn_blocking(move || {
        std::thread::spawn(move || EmbeddedPostgres::start(&options))
            .join()
            .expect("the cluster thread panicked")
    })
    .await
    .unwrap()
    .unwrap_or_else(|error| panic!("cannot start the test's own cluster: {error:#}"))
}

pub(crate) async fn stop_cluster(cluster: EmbeddedPostgres) {
    tokio::task::spawn_blocking(move || cluster.stop())
        .await
        .unwrap();
}

/// A data folder PostgreSQL's unprivileged user can reach (tempdirs are 0700).
pub(crate) fn reachable_tempdir() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

/// The portal as `serve` runs it (pool settings, migrations, a database watcher), over a
/// migrated database in a cluster of this test's own.
pub(crate) async fn portal_on_own_cluster(root: &Path) -> (EmbeddedPostgres, TestApp) {
    let cluster = start_cluster(root).await;
    create_database_if_missing(&cluster, "portal")
        .await
        .unwrap();
    let pool = database::connect(cluster.connect_options("portal"), 4)
        .await
        .unwrap();
    database::migrate(&pool).await.unwrap();
    let state = AppState::new(pool).watched();
    let app = TestApp::spawn_with_state("portal".to_owned(), state).await;
    (cluster, app)
}

/// Poll `path` until it answers `status`; how long that took.
pub(crate) async fn wait_for_status(app: &TestApp, path: &str, status: StatusCode) -> Duration {
    let started = Instant::now();
    loop {
        let answered = app
            .client
            .get(app.url(path))
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .map(|response| response.status());
        if answered.as_ref().ok() == Some(&status) {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < PATIENCE,
            "GET {path} never answered {status} (last: {answered:?})"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// GET `path` during an outage: the 503 page in the page's language, with `Retry-After`,
/// well inside the pool's 5 s acquire timeout. The page's heading.
async fn assert_unavailable_page(app: &TestApp, path: &str) -> String {
    let started = Instant::now();
    let response = app.get(path).await;
    let took = started.elapsed();
    assert_eq!(
        response.status(),
        StatusCode::SERVICE_UNAVAILABLE,
        "GET {path}"
    );
    assert_eq!(
        response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("5"),
        "GET {path}: Retry-After"
    );
    assert!(
        content_type(&response).starts_with("text/html"),
        "GET {path}"
    );
    assert!(
        took < Duration::from_secs(2),
        "GET {path} took {took:?} to answer 503 (the pool would have waited 5 s)"
    );
    Page::parse(&response.text().await.unwrap()).text("h1")
}

#[tokio::test]
async fn a_stopped_database_gets_503_at_once_and_recovery_needs_no_restart() {
    let root = reachable_tempdir();
    let (cluster, app) = portal_on_own_cluster(root.path()).await;
    assert_eq!(app.get("/").await.status(), StatusCode::OK);
    assert_eq!(app.get("/readyz").await.status(), StatusCode::OK);

    stop_cluster(cluster).await;
    let detected = wait_for_status(&app, "/readyz", StatusCode::SERVICE_UNAVAILABLE).await;
    eprintln!("an outage was seen by /readyz {detected:?} after the database stopped");

    assert_eq!(
        assert_unavailable_page(&app, "/").await,
        "Temporarily unavailable"
    );
    assert_eq!(
        assert_unavailable_page(&app, "/zh/speakers").await,
        "暂时无法访问"
    );
    assert_eq!(
        assert_unavailable_page(&app, "/ur/organisations/zbra").await,
        "عارضی طور پر دستیاب نہیں"
    );
    assert_eq!(
        assert_unavailable_page(&app, "/admin/login").await,
        "Temporarily unavailable"
    );
    // What needs no database keeps working.
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    assert_eq!(
        app.get("/static/css/site.css").await.status(),
        StatusCode::OK
    );

    // The same cluster again (same socket, same data): the portal notices by itself.
    let cluster = start_cluster(root.path()).await;
    let recovered = wait_for_status(&app, "/readyz", StatusCode::OK).await;
    eprintln!("/readyz answered 200 {recovered:?} after the database was back");
    wait_for_status(&app, "/", StatusCode::OK).await;
    let page = app.page("/speakers/moin-ul-haque", StatusCode::OK).await;
    assert_eq!(page.text("h1"), "Moin ul Haque");
    stop_cluster(cluster).await;
}

/// Every process of a cluster, stopped (SIGSTOP) as a hung server or VM would be, and
/// continued when dropped (also when the test fails).
struct Frozen {
    pids: Vec<i32>,
}

impl Frozen {
    fn freeze(cluster_dir: &Path) -> Self {
        let postmaster: i32 = std::fs::read_to_string(cluster_dir.join("postmaster.pid"))
            .expect("postmaster.pid")
            .lines()
            .next()
            .and_then(|line| line.trim().parse().ok())
            .expect("a pid in postmaster.pid");
        let mut pids = vec![postmaster];
        pids.extend(children_of(postmaster));
        for pid in &pids {
            // SAFETY: stopping processes of the test's own cluster.
            unsafe {
                libc::kill(*pid, libc::SIGSTOP);
            }
        }
        Self { pids }
    }
}

impl Drop for Frozen {
    fn drop(&mut self) {
        for pid in &self.pids {
            // SAFETY: continuing processes this test stopped.
            unsafe {
                libc::kill(*pid, libc::SIGCONT);
            }
        }
    }
}

/// The processes whose parent is `parent` (from /proc).
fn children_of(parent: i32) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let pid: i32 = entry.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            // "pid (comm) state ppid ...": the command may hold spaces, so split after ')'.
            let ppid: i32 = stat
                .rsplit_once(')')?
                .1
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()?;
            (ppid == parent).then_some(pid)
        })
        .collect()
}

#[tokio::test]
async fn a_frozen_database_does_not_hold_requests_for_the_whole_freeze() {
    let root = reachable_tempdir();
    let (cluster, app) = portal_on_own_cluster(root.path()).await;
    assert_eq!(app.get("/").await.status(), StatusCode::OK);

    let frozen = Frozen::freeze(cluster.cluster_dir());
    // Sent at once, this request most likely reaches its query before the outage is known,
    // and hangs in it until the watcher notices; later ones are refused up front. Both must
    // be answered with the 503 while the server is still frozen.
    let started = Instant::now();
    let response = app
        .client
        .get(app.url("/organisations"))
        .timeout(PATIENCE)
        .send()
        .await
        .expect("a request during the freeze was never answered");
    eprintln!(
        "a request sent as the database froze was answered {:?} later",
        started.elapsed()
    );
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.headers().contains_key("retry-after"));
    wait_for_status(&app, "/readyz", StatusCode::SERVICE_UNAVAILABLE).await;
    assert_unavailable_page(&app, "/agreements").await;

    drop(frozen);
    let recovered = wait_for_status(&app, "/readyz", StatusCode::OK).await;
    eprintln!("/readyz answered 200 {recovered:?} after the freeze ended");
    wait_for_status(&app, "/", StatusCode::OK).await;
    wait_for_status(&app, "/organisations", StatusCode::OK).await;
    stop_cluster(cluster).await;
}

/// The serving pool's queries are cancelled by the server after 5 s; migrations run on a
/// connection of their own without that limit (and leave the pool's connections as they were).
#[tokio::test]
async fn the_serving_pool_has_a_statement_timeout_that_migrating_leaves_in_place() {
    let (name, _) = crate::helpers::seeded_database().await;
    let pool = database::connect(crate::helpers::connect_options(&name), 2)
        .await
        .unwrap();
    let limit: String = sqlx::query_scalar("SHOW statement_timeout")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(limit, "5s");
    database::migrate(&pool).await.unwrap();
    let mut connections = Vec::new();
    for _ in 0..2 {
        connections.push(pool.acquire().await.unwrap());
    }
    for connection in &mut connections {
        let limit: String = sqlx::query_scalar("SHOW statement_timeout")
            .fetch_one(&mut **connection)
            .await
            .unwrap();
        assert_eq!(limit, "5s", "a migration changed a pool connection's limit");
    }
}
