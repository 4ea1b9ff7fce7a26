//! The rendered-page cache: each public page is rendered once into bytes, compressed once
//! (brotli and gzip), and then served from memory with a strong `ETag` — until the content
//! changes.
//!
//! **What is cached**: the `200` answers to `GET`s of public addresses without a query string
//! (never `/admin`, `/static`, the probes or the language switch), of the types in
//! [`CACHEABLE_TYPES`] (pages, `robots.txt`; a feed, a sitemap or an API document only needs
//! its type there), and without a `Set-Cookie` or a `Cache-Control: no-store`/`private` of the
//! handler's own. Unknown addresses are 404s and never enter; the cache is capped anyway
//! ([`MAX_ENTRIES`], [`MAX_BYTES`]). `/` enters only as the English home page: a visitor whom
//! `/` redirects by language (cookie, `Accept-Language`) is never answered from the cache.
//!
//! **How it stays exact**: migration 0011's triggers notify `portal_content` on every change
//! to a table a public page reads, whoever makes it (this process, another instance, plain
//! SQL). A listener task per process, on a connection of its own, drops every page on each
//! notification. A *generation* counter, bumped with every drop, guards the race of a render
//! that read the data before a change and finishes after its notification: a page is stored
//! only if the generation is still the one seen when its render started. Notifications are
//! not replayed, so while the listener is not connected nothing is served from the cache or
//! stored in it, and every (re)connection drops everything. The instance that saves waits for
//! its own change to be seen: after an admin's write it sends a notification of its own and
//! waits for it to come back, which (notifications arrive in commit order) means the change's
//! own notification has been handled — the next request sees the change, no sleep needed.
//!
//! **During a database outage** the pages held are served instead of the 503 page (an
//! outage changes no content); only pages not held get the 503.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use tokio::sync::{oneshot, watch};

use crate::db::content_changes;
use crate::i18n::Locale;
use crate::state::AppState;
use crate::web::encoding::{self, Encoding};

/// Content types whose `200` answers are cached (compared without their parameters).
pub const CACHEABLE_TYPES: [&str; 6] = [
    "text/html",
    "text/plain",
    "text/csv",
    "text/calendar",
    "application/atom+xml",
    "application/xml",
];

/// Paths (without their language prefix) never cached, whatever they answer.
const NEVER_CACHED: [&str; 5] = ["/admin", "/static", "/healthz", "/readyz", "/lang"];

/// Most pages held at once.
pub const MAX_ENTRIES: usize = 4096;

/// Most bytes held at once (every variant of every page).
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

/// Largest page that is cached.
const MAX_PAGE_BYTES: u64 = 4 * 1024 * 1024;

/// What a cached page tells browsers and shared caches (a CDN, a proxy): keep it, but ask
/// again before each use (the `ETag` makes asking cheap: a `304` without a body).
pub const CACHE_CONTROL: &str = "public, no-cache";

/// Longest the saving instance waits for its own change to come back as a notification;
/// past it, it drops its pages directly.
const SYNC_TIMEOUT: Duration = Duration::from_secs(2);

/// Longest wait between two attempts to (re)connect the listener.
const MAX_RECONNECT_DELAY: Duration = Duration::from_secs(1);

/// The cache of one process; cheap to clone. Disabled by `--no-page-cache`.
#[derive(Clone, Default)]
pub struct PageCache {
    inner: Option<Arc<Inner>>,
}

impl fmt::Debug for PageCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            None => f.write_str("PageCache(disabled)"),
            Some(inner) => f
                .debug_struct("PageCache")
                .field("live", &inner.is_live())
                .field("generation", &inner.generation.load(Ordering::SeqCst))
                .finish_non_exhaustive(),
        }
    }
}

struct Inner {
    pages: RwLock<Pages>,
    /// Bumped (under the `pages` write lock) whenever what was rendered may be out of date.
    generation: AtomicU64,
    /// Whether the listener is connected (and so every change will be heard of).
    live: AtomicBool,
    /// The serving pool, for the saving instance's own sync notifications.
    db: PgPool,
    /// This process, in its sync notifications.
    instance: u64,
    next_sync: AtomicU64,
    /// Saves waiting for their sync notification to come back, by payload.
    syncs: Mutex<HashMap<String, oneshot::Sender<()>>>,
    /// Pages being rendered now, by path: a request that misses waits for the render under way
    /// instead of starting its own, so a crowd arriving at a cold page costs one query, one
    /// render and one compression, not one each.
    rendering: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Dropped with the cache: the listener task ends.
    _stop: watch::Sender<()>,
}

#[derive(Default)]
struct Pages {
    by_path: HashMap<String, Arc<Entry>>,
    bytes: usize,
}

/// One page: its bytes in each encoding, with the headers its handler gave it.
struct Entry {
    headers: HeaderMap,
    /// Start of the SHA-256 of the uncompressed bytes, in hex.
    hash: String,
    identity: Bytes,
    gzip: Bytes,
    brotli: Bytes,
}

impl PageCache {
    /// No cache: every request is rendered.
    pub fn disabled() -> Self {
        Self::default()
    }

    /// A cache kept exact by notifications from the database `db` connects to (its listener
    /// task starts now, on a connection of its own; call inside a tokio runtime). Nothing is
    /// cached until the listener is connected. The task ends when the last clone is dropped.
    pub fn start(db: &PgPool) -> Self {
        let (stop, stopped) = watch::channel(());
        let inner = Arc::new(Inner {
            pages: RwLock::new(Pages::default()),
            generation: AtomicU64::new(0),
            live: AtomicBool::new(false),
            db: db.clone(),
            instance: rand::random(),
            next_sync: AtomicU64::new(0),
            syncs: Mutex::new(HashMap::new()),
            rendering: Mutex::new(HashMap::new()),
            _stop: stop,
        });
        let pool = content_changes::listener_pool(db);
        tokio::spawn(listen(Arc::downgrade(&inner), pool, stopped));
        Self { inner: Some(inner) }
    }

    /// Whether pages are cached at all (not with `--no-page-cache`).
    pub fn is_enabled(&self) -> bool {
        self.inner.is_some()
    }

    /// Whether the listener is connected, so pages are served from and stored in the cache.
    pub fn is_live(&self) -> bool {
        self.inner.as_ref().is_some_and(|inner| inner.is_live())
    }

    /// How many pages are held.
    pub fn len(&self) -> usize {
        self.inner
            .as_ref()
            .map_or(0, |inner| inner.read().by_path.len())
    }

    /// Whether no page is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Return once every change committed before this call has been heard of (a notification
    /// of this process's own came back after them), or every page has been dropped. After a
    /// write of its own, a process calls this before answering, so the next request sees it.
    pub async fn sync(&self) {
        if let Some(inner) = &self.inner {
            inner.sync().await;
        }
    }

    /// Drop every page (and keep renders under way from storing theirs).
    pub fn clear(&self) {
        if let Some(inner) = &self.inner {
            inner.invalidate(true);
        }
    }
}

impl Inner {
    fn is_live(&self) -> bool {
        self.live.load(Ordering::SeqCst)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Pages> {
        self.pages
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Pages> {
        self.pages
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn get(&self, path: &str) -> Option<Arc<Entry>> {
        self.read().by_path.get(path).cloned()
    }

    /// The lock of the render of `path`, shared by every request that misses it meanwhile.
    fn render_lock(&self, path: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut rendering = self.rendering.lock().unwrap_or_else(|e| e.into_inner());
        rendering.entry(path.to_owned()).or_default().clone()
    }

    /// Forget the render lock of `path` (those waiting on it hold their own handle).
    fn render_done(&self, path: &str, lock: &Arc<tokio::sync::Mutex<()>>) {
        let mut rendering = self.rendering.lock().unwrap_or_else(|e| e.into_inner());
        if rendering
            .get(path)
            .is_some_and(|held| Arc::ptr_eq(held, lock))
        {
            rendering.remove(path);
        }
    }

    /// Bump the generation, and drop every page when `drop_pages` (a lost listener keeps
    /// them, to serve during an outage, but stores nothing more until it reconnects).
    fn invalidate(&self, drop_pages: bool) {
        let mut pages = self.write();
        self.generation.fetch_add(1, Ordering::SeqCst);
        if drop_pages {
            pages.by_path.clear();
            pages.bytes = 0;
        }
    }

    /// Keep `entry` for `path` if nothing changed since its render started (`generation`),
    /// and if it fits.
    fn store(&self, path: String, generation: u64, entry: Arc<Entry>) {
        let mut pages = self.write();
        if self.generation.load(Ordering::SeqCst) != generation || !self.is_live() {
            return;
        }
        let size = entry.size();
        let replaced = pages.by_path.get(&path).map_or(0, |old| old.size());
        let count = pages.by_path.len() + usize::from(replaced == 0);
        if count > MAX_ENTRIES || pages.bytes - replaced + size > MAX_BYTES {
            tracing::debug!(path, "page cache full: not kept");
            return;
        }
        pages.bytes = pages.bytes - replaced + size;
        pages.by_path.insert(path, entry);
    }

    /// The listener has (re)connected: whatever changed while it was not is unknown, so
    /// drop everything, then cache again. Saves waiting for their sync are done too.
    fn connected(&self) {
        {
            let mut pages = self.write();
            self.generation.fetch_add(1, Ordering::SeqCst);
            pages.by_path.clear();
            pages.bytes = 0;
            self.live.store(true, Ordering::SeqCst);
        }
        self.wake_all_syncs();
    }

    /// The listener lost its connection: stop caching (pages held stay, for outages).
    fn disconnected(&self) {
        {
            let _pages = self.write();
            self.live.store(false, Ordering::SeqCst);
            self.generation.fetch_add(1, Ordering::SeqCst);
        }
        self.wake_all_syncs();
    }

    fn notified(&self, payload: &str) {
        if payload.starts_with(content_changes::SYNC_PREFIX) {
            let waiting = self
                .syncs
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .remove(payload);
            if let Some(waiting) = waiting {
                let _ = waiting.send(());
            }
        } else {
            tracing::debug!(table = payload, "content changed: pages dropped");
            self.invalidate(true);
        }
    }

    fn wake_all_syncs(&self) {
        let waiting: Vec<_> = self
            .syncs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .drain()
            .collect();
        for (_, waiting) in waiting {
            let _ = waiting.send(());
        }
    }

    /// After a write of this process: return once every change it committed has been
    /// heard of (its own notification came back after them), or the pages are dropped.
    async fn sync(&self) {
        if !self.is_live() {
            return;
        }
        let payload = format!(
            "{}{:016x}:{}",
            content_changes::SYNC_PREFIX,
            self.instance,
            self.next_sync.fetch_add(1, Ordering::SeqCst)
        );
        let (sender, arrived) = oneshot::channel();
        self.syncs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(payload.clone(), sender);
        let came_back = match content_changes::sync(&self.db, &payload).await {
            Ok(()) => tokio::time::timeout(SYNC_TIMEOUT, arrived).await.is_ok(),
            Err(error) => {
                tracing::warn!(%error, "cannot send the page cache's sync notification");
                false
            }
        };
        if !came_back {
            self.syncs
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .remove(&payload);
            self.invalidate(true);
        }
    }
}

/// Listen for content changes until the cache is dropped, reconnecting whenever the
/// connection is lost.
async fn listen(cache: Weak<Inner>, pool: PgPool, mut stop: watch::Receiver<()>) {
    let mut delay = Duration::from_millis(50);
    let mut failures = 0u32;
    loop {
        let connected = tokio::select! {
            connected = content_changes::listen(&pool) => connected,
            _ = stop.changed() => return,
        };
        let mut listener = match connected {
            Ok(listener) => listener,
            Err(error) => {
                failures += 1;
                if failures == 1 {
                    tracing::warn!(%error, "the page cache cannot listen for changes; pages are rendered for every request until it can");
                }
                tokio::select! {
                    () = tokio::time::sleep(delay) => {}
                    _ = stop.changed() => return,
                }
                delay = (delay * 2).min(MAX_RECONNECT_DELAY);
                continue;
            }
        };
        let Some(inner) = cache.upgrade() else {
            return;
        };
        inner.connected();
        drop(inner);
        if failures > 0 {
            tracing::info!("the page cache listens for changes again; caching pages");
        }
        failures = 0;
        delay = Duration::from_millis(50);
        loop {
            let received = tokio::select! {
                received = listener.try_recv() => received,
                _ = stop.changed() => return,
            };
            let Some(inner) = cache.upgrade() else {
                return;
            };
            match received {
                Ok(Some(notification)) => inner.notified(notification.payload()),
                Ok(None) | Err(_) => {
                    inner.disconnected();
                    let cause = received.err().map(|error| error.to_string());
                    tracing::warn!(
                        cause = cause.as_deref().unwrap_or("connection closed"),
                        "the page cache lost its listening connection; not caching until it is back"
                    );
                    break;
                }
            }
        }
    }
}

impl Entry {
    /// Compress `body` once, in both encodings (on a blocking thread: brotli takes a few ms).
    async fn build(headers: HeaderMap, body: Bytes) -> Option<Self> {
        tokio::task::spawn_blocking(move || {
            let hash = hex::encode(&Sha256::digest(&body)[..16]);
            // Brotli 5: pages are compressed again after every change, so a quick setting
            // (the static files, compressed once for good, get 11).
            let brotli = encoding::brotli(&body, 5).ok()?;
            let gzip = encoding::gzip(&body).ok()?;
            Some(Self {
                headers,
                hash,
                identity: body,
                gzip: gzip.into(),
                brotli: brotli.into(),
            })
        })
        .await
        .ok()
        .flatten()
    }

    fn size(&self) -> usize {
        self.identity.len() + self.gzip.len() + self.brotli.len() + 512
    }

    /// The answer to a request accepting `encoding`: the page, or `304` when the client's
    /// `If-None-Match` names it.
    fn respond(&self, encoding: Encoding, if_none_match: Option<&HeaderValue>) -> Response {
        let (body, suffix, coding) = match encoding {
            Encoding::Brotli => (&self.brotli, "-br", Some("br")),
            Encoding::Gzip => (&self.gzip, "-gzip", Some("gzip")),
            Encoding::Identity => (&self.identity, "", None),
        };
        let mut headers = self.headers.clone();
        if let Ok(etag) = HeaderValue::from_str(&format!("\"{}{suffix}\"", self.hash)) {
            headers.insert(header::ETAG, etag);
        }
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(CACHE_CONTROL),
        );
        headers.append(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        if if_none_match.is_some_and(|value| names(value, &self.hash)) {
            headers.remove(header::CONTENT_TYPE);
            let mut response = StatusCode::NOT_MODIFIED.into_response();
            response.headers_mut().extend(headers);
            return response;
        }
        if let Some(coding) = coding {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        headers.insert(header::CONTENT_LENGTH, body.len().into());
        let mut response = Response::new(Body::from(body.clone()));
        *response.headers_mut() = headers;
        response
    }
}

/// Whether an `If-None-Match` value names a variant of the page with `hash` (weak
/// comparison, as RFC 9110 asks for `If-None-Match`; every variant holds the same page).
fn names(if_none_match: &HeaderValue, hash: &str) -> bool {
    let Ok(value) = if_none_match.to_str() else {
        return false;
    };
    value.split(',').any(|tag| {
        let tag = tag.trim();
        let tag = tag.strip_prefix("W/").unwrap_or(tag).trim_matches('"');
        tag == "*" || tag.split('-').next() == Some(hash)
    })
}

/// The key a `GET` of `request` is cached under, if it may be cached at all.
fn cache_key(request: &Request) -> Option<String> {
    let uri = request.uri();
    let path = uri.path();
    if uri.query().is_some() || path.contains('%') || path.contains("//") {
        return None;
    }
    let neutral = Locale::from_path(path).path;
    let excluded = |p: &str| {
        NEVER_CACHED
            .iter()
            .any(|area| p == *area || p.starts_with(&format!("{area}/")))
    };
    if excluded(path) || excluded(&neutral) {
        return None;
    }
    // `/` may redirect by language: only its English page (no redirect) is cached.
    if path == "/" && crate::web::language::home_redirect(request.headers()).is_some() {
        return None;
    }
    Some(path.to_owned())
}

/// Whether a response may be kept: a `200` of a cacheable type, with no cookie, no encoding
/// and no refusal of its handler's own.
fn cacheable(response: &Response) -> bool {
    let headers = response.headers();
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let refused = headers
        .get_all(header::CACHE_CONTROL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| {
            let v = v.to_ascii_lowercase();
            v.contains("no-store") || v.contains("private")
        });
    response.status() == StatusCode::OK
        && CACHEABLE_TYPES.contains(&essence.as_str())
        && !headers.contains_key(header::SET_COOKIE)
        && !headers.contains_key(header::CONTENT_ENCODING)
        && !refused
        && response
            .body()
            .size_hint()
            .upper()
            .is_some_and(|size| size <= MAX_PAGE_BYTES)
}

/// The headers of a handler's answer worth keeping with its bytes.
fn kept_headers(headers: &HeaderMap) -> HeaderMap {
    let mut kept = headers.clone();
    for name in [
        header::CONTENT_LENGTH,
        header::CONTENT_ENCODING,
        header::TRANSFER_ENCODING,
        header::DATE,
        header::ETAG,
        header::CACHE_CONTROL,
        header::SET_COOKIE,
    ] {
        kept.remove(name);
    }
    kept
}

/// Middleware: answer from the cache, or render and keep the page; after an admin's write,
/// return only once the change has been heard of (see the module's documentation).
pub async fn serve(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(cache) = state.pages.inner.clone() else {
        return next.run(request).await;
    };
    let method = request.method().clone();
    if method != Method::GET {
        let admin_write = method != Method::HEAD
            && method != Method::OPTIONS
            && Locale::from_path(request.uri().path())
                .path
                .starts_with("/admin");
        let response = next.run(request).await;
        let status = response.status();
        if admin_write && (status.as_u16() < 400 || status == StatusCode::CONFLICT) {
            cache.sync().await;
        }
        return response;
    }
    let Some(key) = cache_key(&request) else {
        return next.run(request).await;
    };
    let encoding = Encoding::preferred(request.headers());
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    if cache.is_live()
        && let Some(entry) = cache.get(&key)
    {
        return entry.respond(encoding, if_none_match.as_ref());
    }
    // One render at a time per page: whoever waited finds the page stored by the one before.
    let render_lock = cache.is_live().then(|| cache.render_lock(&key));
    let _rendering = match &render_lock {
        Some(lock) => Some(lock.clone().lock_owned().await),
        None => None,
    };
    if cache.is_live()
        && let Some(entry) = cache.get(&key)
    {
        if let Some(lock) = &render_lock {
            cache.render_done(&key, lock);
        }
        return entry.respond(encoding, if_none_match.as_ref());
    }
    let started = cache
        .is_live()
        .then(|| cache.generation.load(Ordering::SeqCst));
    let response = next.run(request).await;
    if let Some(lock) = &render_lock {
        cache.render_done(&key, lock);
    }
    if response.status() == StatusCode::SERVICE_UNAVAILABLE {
        // The database is away (or went away while this page was rendered): the page as
        // last rendered, if held. While the listener is away for another reason, what is
        // held may be out of date: only an outage the watcher confirms uses it.
        if (cache.is_live() || state.health.is_down())
            && let Some(entry) = cache.get(&key)
        {
            tracing::info!(path = key, "served from the page cache during an outage");
            return entry.respond(encoding, if_none_match.as_ref());
        }
        return response;
    }
    let Some(started) = started else {
        return response;
    };
    if !cacheable(&response) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_PAGE_BYTES as usize).await {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::error!(%error, path = key, "cannot read a rendered page");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let headers = kept_headers(&parts.headers);
    let Some(entry) = Entry::build(headers, bytes.clone()).await else {
        let mut response = Response::from_parts(parts, Body::from(bytes));
        response.headers_mut().remove(header::CONTENT_LENGTH);
        return response;
    };
    let entry = Arc::new(entry);
    cache.store(key, started, entry.clone());
    entry.respond(encoding, if_none_match.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_names_any_variant_of_the_page() {
        let hash = "0123456789abcdef";
        for value in [
            "\"0123456789abcdef\"",
            "\"0123456789abcdef-br\"",
            "W/\"0123456789abcdef-gzip\"",
            "\"other\", \"0123456789abcdef\"",
            "*",
        ] {
            assert!(names(&HeaderValue::from_static(value), hash), "{value}");
        }
        assert!(!names(&HeaderValue::from_static("\"other\""), hash));
    }

    #[test]
    fn only_public_addresses_without_a_query_have_a_key() {
        let key = |uri: &str| cache_key(&Request::get(uri).body(Body::empty()).unwrap());
        assert_eq!(key("/speakers").as_deref(), Some("/speakers"));
        assert_eq!(
            key("/zh/speakers/moin-ul-haque").as_deref(),
            Some("/zh/speakers/moin-ul-haque")
        );
        assert_eq!(key("/robots.txt").as_deref(), Some("/robots.txt"));
        assert_eq!(key("/").as_deref(), Some("/"));
        for uncached in [
            "/admin",
            "/admin/people",
            "/static/css/site.css",
            "/healthz",
            "/readyz",
            "/lang/zh",
            "/zh/admin",
            "/organisations?kind=company",
            "/speakers/moin%2Dul-haque",
        ] {
            assert_eq!(key(uncached), None, "{uncached}");
        }
    }
}
