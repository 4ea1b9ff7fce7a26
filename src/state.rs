//! What every handler can reach.

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::FromRef;
use sqlx::PgPool;

use crate::config::SessionArgs;

/// Shared, cheaply cloned application state.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The connection pool.
    pub db: PgPool,
    /// Settings of the web layer.
    pub web: Arc<WebConfig>,
}

/// Settings of the web layer that do not come from the database.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Folder served under `/static`.
    pub static_dir: PathBuf,
    /// Admin session settings.
    pub sessions: SessionArgs,
}

impl WebConfig {
    /// The `static/` folder of this source tree (the default for `--static-dir`).
    pub fn source_tree_static_dir() -> PathBuf {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/static"))
    }
}

impl AppState {
    /// State for a pool, with the static files of this source tree.
    pub fn new(db: PgPool) -> Self {
        Self {
            db,
            web: Arc::new(WebConfig {
                static_dir: WebConfig::source_tree_static_dir(),
                sessions: SessionArgs::default(),
            }),
        }
    }
}

impl FromRef<AppState> for PgPool {
    fn from_ref(state: &AppState) -> Self {
        state.db.clone()
    }
}
