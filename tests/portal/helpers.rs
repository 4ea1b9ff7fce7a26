//! Test scaffolding: the shared private cluster, a database per test, a running server,
//! an HTTP client, and HTML helpers.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use forum_portal::embedded_pg::{ClusterOptions, EmbeddedPostgres, quote_identifier};
use forum_portal::state::AppState;
use reqwest::StatusCode;
use scraper::{Html, Selector};
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgPool};

/// The database every test database is copied from: migrated once per test process.
const TEMPLATE_DATABASE: &str = "portal_template";

/// The cluster all tests of this process share (each with its own database in it).
pub fn cluster() -> &'static EmbeddedPostgres {
    static CLUSTER: OnceLock<EmbeddedPostgres> = OnceLock::new();
    CLUSTER.get_or_init(|| {
        // A thread of its own: starting blocks, and may not run inside a test's runtime.
        std::thread::spawn(start_cluster)
            .join()
            .expect("the test cluster thread panicked")
    })
}

fn start_cluster() -> EmbeddedPostgres {
    let parent = std::env::temp_dir().join("forum-portal-tests");
    std::fs::create_dir_all(&parent).expect("create the test cluster parent folder");
    remove_stale_clusters(&parent);
    let cluster = EmbeddedPostgres::start(&ClusterOptions {
        root: parent.join(std::process::id().to_string()),
        bin_dir: std::env::var_os("PG_BIN_DIR").map(PathBuf::from),
        throwaway: true,
    })
    .unwrap_or_else(|error| panic!("cannot start the test PostgreSQL: {error:#}"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let mut admin = sqlx::PgConnection::connect_with(&cluster.connect_options("postgres"))
            .await
            .expect("connect to the test cluster");
        let statement = format!("CREATE DATABASE {}", quote_identifier(TEMPLATE_DATABASE));
        sqlx::raw_sql(&statement)
            .execute(&mut admin)
            .await
            .expect("create the template");
        admin.close().await.ok();
        let pool = PgPool::connect_with(cluster.connect_options(TEMPLATE_DATABASE))
            .await
            .expect("connect to the template");
        forum_portal::database::migrate(&pool)
            .await
            .expect("migrate the template");
        pool.close().await;
    });
    cluster
}

/// Clusters left by earlier test processes that no longer run.
fn remove_stale_clusters(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<i32>().ok())
        else {
            continue;
        };
        // SAFETY: signal 0 only checks that the process exists.
        let alive = unsafe { libc::kill(pid, 0) } == 0;
        if !alive {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// A new database name, unique in this process.
fn next_database_name(prefix: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!("{prefix}_{}", NEXT.fetch_add(1, Ordering::SeqCst))
}

/// A fresh, fully migrated and seeded database of this test's own.
pub async fn seeded_database() -> (String, PgPool) {
    let name = next_database_name("test");
    create_database(&name, Some(TEMPLATE_DATABASE)).await;
    let pool = PgPool::connect_with(cluster().connect_options(&name))
        .await
        .expect("connect to the test database");
    (name, pool)
}

/// A fresh database with nothing in it.
pub async fn empty_database() -> (String, PgPool) {
    let name = next_database_name("empty");
    create_database(&name, None).await;
    let pool = PgPool::connect_with(cluster().connect_options(&name))
        .await
        .expect("connect to the empty database");
    (name, pool)
}

async fn create_database(name: &str, template: Option<&str>) {
    let mut admin = sqlx::PgConnection::connect_with(&cluster().connect_options("postgres"))
        .await
        .expect("connect to the test cluster");
    let statement = match template {
        Some(template) => format!(
            "CREATE DATABASE {} TEMPLATE {}",
            quote_identifier(name),
            quote_identifier(template)
        ),
        None => format!("CREATE DATABASE {}", quote_identifier(name)),
    };
    sqlx::raw_sql(&statement)
        .execute(&mut admin)
        .await
        .expect("create the test database");
    admin.close().await.ok();
}

/// Connection options for a database of the test cluster.
pub fn connect_options(database: &str) -> PgConnectOptions {
    cluster().connect_options(database)
}

/// A running portal over its own seeded database.
pub struct TestApp {
    pub addr: SocketAddr,
    pub db: PgPool,
    pub database: String,
    pub client: reqwest::Client,
}

impl TestApp {
    /// Start the real router on a real port, over a fresh seeded database.
    pub async fn spawn() -> Self {
        let (database, db) = seeded_database().await;
        Self::spawn_with_pool(database, db).await
    }

    /// Start the real router over `db`.
    pub async fn spawn_with_pool(database: String, db: PgPool) -> Self {
        let listener = forum_portal::server::bind("127.0.0.1:0".parse().unwrap())
            .await
            .expect("bind a test port");
        let addr = listener.local_addr().unwrap();
        let app = forum_portal::app(AppState::new(db.clone()));
        tokio::spawn(forum_portal::server::serve(
            listener,
            app,
            std::future::pending(),
        ));
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            addr,
            db,
            database,
            client,
        }
    }

    /// The absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// GET `path`.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request failed")
    }

    /// GET `path`, expect `status`, and parse the body as HTML.
    pub async fn page(&self, path: &str, status: StatusCode) -> Page {
        let response = self.get(path).await;
        assert_eq!(response.status(), status, "GET {path}");
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(
            content_type.starts_with("text/html"),
            "GET {path}: content type {content_type}"
        );
        Page::parse(&response.text().await.unwrap())
    }
}

/// A parsed HTML page, queried with CSS selectors.
pub struct Page {
    pub html: Html,
}

impl Page {
    /// Parse a document.
    pub fn parse(body: &str) -> Self {
        Self {
            html: Html::parse_document(body),
        }
    }

    /// The whitespace-normalised text of every element matching `selector`.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let selector =
            Selector::parse(selector).unwrap_or_else(|_| panic!("bad selector {selector}"));
        self.html
            .select(&selector)
            .map(|element| normalise(&element.text().collect::<String>()))
            .collect()
    }

    /// The text of the one element matching `selector`.
    pub fn text(&self, selector: &str) -> String {
        let texts = self.texts(selector);
        assert_eq!(
            texts.len(),
            1,
            "expected one match for {selector}, found {texts:?}"
        );
        texts.into_iter().next().unwrap()
    }

    /// The values of `attribute` on every element matching `selector`.
    pub fn attrs(&self, selector: &str, attribute: &str) -> Vec<String> {
        let selector =
            Selector::parse(selector).unwrap_or_else(|_| panic!("bad selector {selector}"));
        self.html
            .select(&selector)
            .filter_map(|element| element.value().attr(attribute).map(str::to_owned))
            .collect()
    }

    /// How many elements match `selector`.
    pub fn count(&self, selector: &str) -> usize {
        let selector =
            Selector::parse(selector).unwrap_or_else(|_| panic!("bad selector {selector}"));
        self.html.select(&selector).count()
    }
}

/// Collapse runs of whitespace and trim.
pub fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
