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
    /// The portal's page cache.
    pub pages: forum_portal::web::page_cache::PageCache,
}

impl TestApp {
    /// Start the real router on a real port, over a fresh seeded database.
    pub async fn spawn() -> Self {
        let (database, db) = seeded_database().await;
        Self::spawn_with_pool(database, db).await
    }

    /// Start the real router over `db`.
    pub async fn spawn_with_pool(database: String, db: PgPool) -> Self {
        Self::spawn_with_state(database, AppState::new(db)).await
    }

    /// Start the real router over a fresh seeded database with these session settings.
    pub async fn spawn_with_sessions(sessions: forum_portal::config::SessionArgs) -> Self {
        Self::spawn_configured(sessions, None).await
    }

    /// Start the real router over a fresh seeded database, served at `public_url` (as with
    /// `--public-url`: absolute links, and requests for that host only).
    pub async fn spawn_with_public_url(public_url: &str) -> Self {
        Self::spawn_configured(Default::default(), Some(public_url)).await
    }

    /// Start the real router over a fresh seeded database with these session settings and
    /// public URL.
    pub async fn spawn_configured(
        sessions: forum_portal::config::SessionArgs,
        public_url: Option<&str>,
    ) -> Self {
        let (database, db) = seeded_database().await;
        let mut state = AppState::new(db);
        state.web = std::sync::Arc::new(forum_portal::state::WebConfig::new(
            forum_portal::state::WebConfig::source_tree_static_dir(),
            sessions,
            public_url.map(str::to_owned),
        ));
        Self::spawn_with_state(database, state).await
    }

    /// Start the real router over `state`.
    pub async fn spawn_with_state(database: String, state: AppState) -> Self {
        Self::spawn_with_limits(database, state, Default::default()).await
    }

    /// Start the real router over `state`, with these connection limits.
    pub async fn spawn_with_limits(
        database: String,
        state: AppState,
        limits: forum_portal::server::ConnectionLimits,
    ) -> Self {
        let db = state.db.clone();
        let pages = state.pages.clone();
        let listener = forum_portal::server::bind("127.0.0.1:0".parse().unwrap())
            .await
            .expect("bind a test port");
        let addr = listener.local_addr().unwrap();
        let refusal = forum_portal::web::refusal_router(state.web.clone());
        let app = forum_portal::app(state);
        tokio::spawn(forum_portal::server::serve(
            listener,
            app,
            refusal,
            limits,
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
            pages,
        }
    }

    /// Wait until the portal has heard of every change committed so far (changes made
    /// straight in SQL reach its page cache as notifications, a moment after they commit).
    pub async fn changes_heard(&self) {
        self.pages.sync().await;
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
        let content_type = content_type(&response);
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

/// The password every test admin has.
pub const ADMIN_PASSWORD: &str = "correct horse battery staple";

impl TestApp {
    /// Create an admin account straight in the database.
    pub async fn create_admin(&self, email: &str) -> i64 {
        let hash = forum_portal::auth::hash_password(ADMIN_PASSWORD.to_owned())
            .await
            .unwrap();
        forum_portal::db::admins::create(&self.db, email, &hash)
            .await
            .unwrap()
            .id
    }

    /// A valid first-admin setup token, as the portal logs while no admin exists.
    pub async fn setup_token(&self) -> String {
        let token = forum_portal::auth::random_token();
        forum_portal::db::setup_tokens::insert(&self.db, &forum_portal::auth::token_hash(&token))
            .await
            .unwrap();
        token
    }

    /// A second client (another browser) for the same server.
    pub fn other_client(&self) -> Self {
        Self {
            addr: self.addr,
            db: self.db.clone(),
            database: self.database.clone(),
            pages: self.pages.clone(),
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        }
    }

    /// The CSRF token in the first form of the page at `path`.
    pub async fn csrf_token(&self, path: &str) -> String {
        let page = Page::parse(&self.get(path).await.text().await.unwrap());
        page.attrs("input[name=csrf_token]", "value")
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no CSRF token on {path}"))
    }

    /// POST a form as a same-origin browser page would (with an `Origin` header).
    pub async fn post_form(&self, path: &str, pairs: &[(&str, &str)]) -> reqwest::Response {
        let body = encode_form(pairs);
        self.client
            .post(self.url(path))
            .header("origin", format!("http://{}", self.addr))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("request failed")
    }

    /// Log in through the login form; the response to the POST.
    pub async fn log_in(&self, email: &str, password: &str) -> reqwest::Response {
        let token = self.csrf_token("/admin/login").await;
        self.post_form(
            "/admin/login",
            &[
                ("csrf_token", &token),
                ("email", email),
                ("password", password),
                ("next", "/admin"),
            ],
        )
        .await
    }

    /// A server with one admin, logged in.
    pub async fn spawn_logged_in() -> Self {
        let app = Self::spawn().await;
        app.create_admin("admin@example.org").await;
        let response = app.log_in("admin@example.org", ADMIN_PASSWORD).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "login failed");
        app
    }

    /// The current form values of an admin edit page, as (name, value) pairs ready to post back.
    pub async fn form_values(&self, path: &str) -> Vec<(String, String)> {
        let page = Page::parse(&self.get(path).await.text().await.unwrap());
        let mut pairs = Vec::new();
        let input =
            Selector::parse("form#form input, form#form textarea, form#form select").unwrap();
        let option = Selector::parse("option[selected]").unwrap();
        for element in page.html.select(&input) {
            let value = element.value();
            let Some(name) = value.attr("name") else {
                continue;
            };
            match value.name() {
                "textarea" => pairs.push((name.to_owned(), element.text().collect())),
                "select" => {
                    let chosen = element
                        .select(&option)
                        .next()
                        .and_then(|o| o.value().attr("value"))
                        .unwrap_or_default();
                    pairs.push((name.to_owned(), chosen.to_owned()));
                }
                _ if value.attr("type") == Some("checkbox") => {
                    if value.attr("checked").is_some() {
                        pairs.push((name.to_owned(), "on".to_owned()));
                    }
                }
                _ => pairs.push((
                    name.to_owned(),
                    value.attr("value").unwrap_or_default().to_owned(),
                )),
            }
        }
        pairs
    }

    /// POST `pairs` with `changes` applied (replacing values of the same name).
    pub async fn post_changed(
        &self,
        path: &str,
        pairs: &[(String, String)],
        changes: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut pairs: Vec<(String, String)> = pairs.to_vec();
        for (name, value) in changes {
            pairs.retain(|(n, _)| n != name);
            pairs.push(((*name).to_owned(), (*value).to_owned()));
        }
        let borrowed: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        self.post_form(path, &borrowed).await
    }

    /// The id of a row of `table` by slug.
    pub async fn id_of(&self, table: &str, slug: &str) -> i64 {
        let sql = match table {
            "people" => "SELECT id FROM people WHERE slug = $1",
            "organisations" => "SELECT id FROM organisations WHERE slug = $1",
            "agreements" => "SELECT id FROM agreements WHERE slug = $1",
            "booths" => "SELECT id FROM booths WHERE slug = $1",
            other => panic!("no id lookup for {other}"),
        };
        sqlx::query_scalar(sql)
            .bind(slug)
            .fetch_one(&self.db)
            .await
            .unwrap()
    }
}

/// `application/x-www-form-urlencoded` encoding of `pairs`.
pub fn encode_form(pairs: &[(&str, &str)]) -> String {
    fn encode(text: &str) -> String {
        let mut out = String::new();
        for byte in text.bytes() {
            match byte {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    out.push(byte as char)
                }
                b' ' => out.push('+'),
                _ => out.push_str(&format!("%{byte:02X}")),
            }
        }
        out
    }
    pairs
        .iter()
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The `Content-Type` of a response (empty when it has none).
pub fn content_type(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The `Location` of a redirect.
pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}
