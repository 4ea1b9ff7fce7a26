//! What every handler can reach.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::FromRef;
use sqlx::PgPool;

use crate::config::SessionArgs;
use crate::db_health::DbHealth;
use crate::web::page_cache::PageCache;
use crate::web::share_card::ShareCards;
use crate::web::site::AssetVersions;

/// Shared, cheaply cloned application state.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The connection pool.
    pub db: PgPool,
    /// Settings of the web layer.
    pub web: Arc<WebConfig>,
    /// Whether the database answers (see [`DbHealth`]); unwatched unless the caller starts a
    /// watcher, as `serve` does.
    pub health: DbHealth,
    /// The rendered-page cache (see [`PageCache`]); disabled by `--no-page-cache`.
    pub pages: PageCache,
}

/// Settings of the web layer that do not come from the database.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Folder served under `/static`.
    pub static_dir: PathBuf,
    /// Admin session settings.
    pub sessions: SessionArgs,
    /// The address visitors use (`https://forum.example.org`), when configured.
    pub public_url: Option<String>,
    /// The version of each stylesheet and icon under `static_dir`.
    pub assets: Arc<AssetVersions>,
    /// Longest a request may take (reading its body included) before the client gets the
    /// timeout page.
    pub request_timeout: Duration,
    /// The share card renderer (its fonts come from `static_dir`).
    pub cards: Arc<ShareCards>,
}

impl WebConfig {
    /// Settings serving `static_dir` (whose files are hashed now, once).
    pub fn new(static_dir: PathBuf, sessions: SessionArgs, public_url: Option<String>) -> Self {
        let assets = Arc::new(AssetVersions::scan(&static_dir));
        Self {
            cards: Arc::new(ShareCards::new(static_dir.clone())),
            static_dir,
            sessions,
            public_url,
            assets,
            request_timeout: Duration::from_secs(30),
        }
    }

    /// The `static/` folder of this source tree (the default for `--static-dir`).
    pub fn source_tree_static_dir() -> PathBuf {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/static"))
    }
}

impl AppState {
    /// State for a pool, with the static files of this source tree and a page cache (whose
    /// listener starts now: call inside a tokio runtime).
    pub fn new(db: PgPool) -> Self {
        Self {
            pages: PageCache::start(&db),
            db,
            web: Arc::new(WebConfig::new(
                WebConfig::source_tree_static_dir(),
                SessionArgs::default(),
                None,
            )),
            health: DbHealth::unwatched(),
        }
    }

    /// This state without a page cache (every request rendered).
    pub fn without_page_cache(mut self) -> Self {
        self.pages = PageCache::disabled();
        self
    }

    /// This state with a database watcher (see [`DbHealth::watch`]); call inside a runtime.
    /// The watcher stops when the last clone of the state is dropped.
    pub fn watched(mut self) -> Self {
        let (health, _task) = DbHealth::watch(&self.db);
        self.health = health;
        self
    }
}

impl FromRef<AppState> for DbHealth {
    fn from_ref(state: &AppState) -> Self {
        state.health.clone()
    }
}

impl FromRef<AppState> for PageCache {
    fn from_ref(state: &AppState) -> Self {
        state.pages.clone()
    }
}

impl FromRef<AppState> for PgPool {
    fn from_ref(state: &AppState) -> Self {
        state.db.clone()
    }
}
