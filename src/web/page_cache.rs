//! The rendered-page cache: each public page is rendered once into bytes, compressed once
//! (brotli and gzip), and then served from memory with a strong `ETag` — until the content
//! changes.
//!
//! **What is cached**: the `200` answers to `GET`s of public addresses without a query string
//! (never `/admin`, `/static`, the probes or the language switch), of the types in
//! [`CACHEABLE_TYPES`] (pages, `robots.txt`, the JSON API, feeds, exports, sitemaps), and
//! without a `Set-Cookie` or a `Cache-Control: no-store`/`private` of the handler's own.
//! Unknown addresses are 404s and never enter; the cache is capped anyway ([`MAX_ENTRIES`],
//! [`MAX_BYTES`]). `/` enters only as the English home page: a visitor whom `/` redirects by
//! language (cookie, `Accept-Language`) is never answered from the cache.
//!
//! **Addresses with a query string** are cached only on the few paths whose answer is keyed by
//! its query ([`is_query_keyed`]: the JSON API's `?page=`, search's `?q=`), under the path and
//! the whole query string as sent, on a shelf of their own with a smaller budget
//! ([`MAX_QUERY_ENTRIES`], [`MAX_QUERY_BYTES`]) that drops its oldest answers to make room: a
//! flood of unique queries only ever evicts other queries, never a page.
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

use std::collections::{HashMap, VecDeque};
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

/// Content types whose `200` answers are cached (compared without their parameters): pages,
/// `robots.txt`, the JSON API, CSV exports, the calendar, the Atom feed, the sitemap and the
/// share cards.
pub const CACHEABLE_TYPES: [&str; 8] = [
    "text/html",
    "text/plain",
    "application/json",
    "text/csv",
    "text/calendar",
    "application/atom+xml",
    "application/xml",
    "image/png",
];

/// Cached types that are compressed already: kept and sent as they are.
const PRECOMPRESSED_TYPES: [&str; 1] = ["image/png"];

/// Path prefixes whose answers depend on their query string, so are cached by path and query.
const QUERY_KEYED_PREFIXES: [&str; 1] = ["/api/v1/"];

/// Paths (in every language) whose answers depend on their query string.
const QUERY_KEYED_PATHS: [&str; 3] = ["/search", "/zh/search", "/ur/search"];

/// Paths (without their language prefix) never cached, whatever they answer.
const NEVER_CACHED: [&str; 5] = ["/admin", "/static", "/healthz", "/readyz", "/lang"];

/// Most pages held at once.
pub const MAX_ENTRIES: usize = 4096;

/// Most bytes held at once (every variant of every page).
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

/// Longest query string whose answer is kept (a search of 200 Chinese characters, each
/// percent-encoded in 9 bytes, fits).
const MAX_QUERY_KEY_BYTES: usize = 2048;

/// Most answers to addresses with a query string held at once (a shelf of their own).
pub const MAX_QUERY_ENTRIES: usize = 1024;

/// Most bytes of answers to addresses with a query string held at once.
pub const MAX_QUERY_BYTES: usize = 16 * 1024 * 1024;

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
    pages: RwLock<Shelves>,
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

/// What is held: pages (addresses without a query) and, apart, answers to query-keyed
/// addresses, each within its own budget.
struct Shelves {
    pages: Shelf,
    queries: Shelf,
}

impl Default for Shelves {
    fn default() -> Self {
        Self {
            pages: Shelf::new(MAX_ENTRIES, MAX_BYTES, false),
            queries: Shelf::new(MAX_QUERY_ENTRIES, MAX_QUERY_BYTES, true),
        }
    }
}

impl Shelves {
    /// The shelf a key belongs on: a key with a query string goes on the queries' shelf.
    fn shelf(&self, key: &str) -> &Shelf {
        if key.contains('?') {
            &self.queries
        } else {
            &self.pages
        }
    }

    fn shelf_mut(&mut self, key: &str) -> &mut Shelf {
        if key.contains('?') {
            &mut self.queries
        } else {
            &mut self.pages
        }
    }

    fn clear(&mut self) {
        self.pages.clear();
        self.queries.clear();
    }
}

/// Answers held within a budget of entries and bytes. When full, a shelf that `evicts` drops
/// its oldest answers to make room; one that does not keeps what it has and refuses the new.
struct Shelf {
    by_key: HashMap<String, Arc<Entry>>,
    /// Keys in the order they were first stored (each once).
    order: VecDeque<String>,
    bytes: usize,
    max_entries: usize,
    max_bytes: usize,
    evicts: bool,
}

impl Shelf {
    fn new(max_entries: usize, max_bytes: usize, evicts: bool) -> Self {
        Self {
            by_key: HashMap::new(),
            order: VecDeque::new(),
            bytes: 0,
            max_entries,
            max_bytes,
            evicts,
        }
    }

    fn len(&self) -> usize {
        self.by_key.len()
    }

    fn get(&self, key: &str) -> Option<Arc<Entry>> {
        self.by_key.get(key).cloned()
    }

    fn clear(&mut self) {
        self.by_key.clear();
        self.order.clear();
        self.bytes = 0;
    }

    /// Keep `entry` under `key` if it fits, evicting the oldest answers first when this
    /// shelf evicts; whether it was kept.
    fn insert(&mut self, key: String, entry: Arc<Entry>) -> bool {
        let size = entry.size();
        if size > self.max_bytes {
            return false;
        }
        let replaced = self.by_key.get(&key).map(|old| old.size());
        loop {
            let count = self.by_key.len() + usize::from(replaced.is_none());
            if count <= self.max_entries
                && self.bytes - replaced.unwrap_or(0) + size <= self.max_bytes
            {
                break;
            }
            // Never `key` itself: what it replaces is already counted out.
            let oldest = self.order.iter().position(|k| *k != key);
            let Some(oldest) = oldest.filter(|_| self.evicts) else {
                return false;
            };
            if let Some(dropped) = self.order.remove(oldest)
                && let Some(old) = self.by_key.remove(&dropped)
            {
                self.bytes -= old.size();
            }
        }
        if replaced.is_none() {
            self.order.push_back(key.clone());
        }
        self.bytes = self.bytes - replaced.unwrap_or(0) + size;
        self.by_key.insert(key, entry);
        true
    }
}

/// One page: its bytes in each encoding, with the headers its handler gave it.
struct Entry {
    headers: HeaderMap,
    /// Start of the SHA-256 of the uncompressed bytes, in hex.
    hash: String,
    identity: Bytes,
    gzip: Bytes,
    brotli: Bytes,
    /// Its type is compressed already: only `identity` is held, and always sent.
    precompressed: bool,
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
            pages: RwLock::new(Shelves::default()),
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

    /// How many answers are held (pages and answers to query-keyed addresses).
    pub fn len(&self) -> usize {
        self.inner.as_ref().map_or(0, |inner| {
            let shelves = inner.read();
            shelves.pages.len() + shelves.queries.len()
        })
    }

    /// How many answers to addresses with a query string are held (at most
    /// [`MAX_QUERY_ENTRIES`]).
    pub fn query_len(&self) -> usize {
        self.inner
            .as_ref()
            .map_or(0, |inner| inner.read().queries.len())
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

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Shelves> {
        self.pages
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Shelves> {
        self.pages
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn get(&self, key: &str) -> Option<Arc<Entry>> {
        self.read().shelf(key).get(key)
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
            pages.clear();
        }
    }

    /// Keep `entry` under `key` if nothing changed since its render started (`generation`),
    /// and if it fits.
    fn store(&self, key: String, generation: u64, entry: Arc<Entry>) {
        let mut shelves = self.write();
        if self.generation.load(Ordering::SeqCst) != generation || !self.is_live() {
            return;
        }
        let shelf = shelves.shelf_mut(&key);
        if !shelf.insert(key.clone(), entry) {
            tracing::debug!(key, "page cache full: not kept");
        }
    }

    /// The listener has (re)connected: whatever changed while it was not is unknown, so
    /// drop everything, then cache again. Saves waiting for their sync are done too.
    fn connected(&self) {
        {
            let mut pages = self.write();
            self.generation.fetch_add(1, Ordering::SeqCst);
            pages.clear();
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
    /// Compress `body` once, in both encodings (on a blocking thread: brotli takes a few ms),
    /// unless its type is compressed already (a PNG): then it is kept as it is, and sent so
    /// whatever the client accepts.
    async fn build(headers: HeaderMap, body: Bytes) -> Option<Self> {
        let precompressed = PRECOMPRESSED_TYPES.contains(&essence(&headers).as_str());
        tokio::task::spawn_blocking(move || {
            let hash = content_hash(&body);
            if precompressed {
                return Some(Self {
                    headers,
                    hash,
                    identity: body,
                    gzip: Bytes::new(),
                    brotli: Bytes::new(),
                    precompressed,
                });
            }
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
                precompressed,
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
        let encoding = if self.precompressed {
            Encoding::Identity
        } else {
            encoding
        };
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
        if !self.precompressed {
            headers.append(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        }
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

/// The hash a cached answer's `ETag` is made of (the start of the SHA-256 of its
/// uncompressed bytes, in hex): answers rendered without the cache use it too, so an `ETag`
/// stays the same whether the bytes came from the cache or not.
pub fn content_hash(body: &[u8]) -> String {
    hex::encode(&Sha256::digest(body)[..16])
}

/// Whether an `If-None-Match` value names a variant of the page with `hash` (weak
/// comparison, as RFC 9110 asks for `If-None-Match`; every variant holds the same page).
pub fn names(if_none_match: &HeaderValue, hash: &str) -> bool {
    let Ok(value) = if_none_match.to_str() else {
        return false;
    };
    value.split(',').any(|tag| {
        let tag = tag.trim();
        let tag = tag.strip_prefix("W/").unwrap_or(tag).trim_matches('"');
        tag == "*" || tag.split('-').next() == Some(hash)
    })
}

/// Whether the answer at `path` depends on its query string (the JSON API's `?page=`,
/// search's `?q=`), so that it is cached under its path and query.
pub fn is_query_keyed(path: &str) -> bool {
    QUERY_KEYED_PATHS.contains(&path)
        || QUERY_KEYED_PREFIXES
            .iter()
            .any(|prefix| path.starts_with(prefix))
}

/// The key a `GET` of `request` is cached under, if it may be cached at all: its path, and
/// for a query-keyed path its query string as sent.
fn cache_key(request: &Request) -> Option<String> {
    let uri = request.uri();
    let path = uri.path();
    if path.contains('%') || path.contains("//") {
        return None;
    }
    let key = match uri.query() {
        None => path.to_owned(),
        // A long query is never what a link or a search box sends (the box keeps 200
        // characters): not worth a shelf entry whose key alone could be 64 KiB.
        Some(query) if is_query_keyed(path) && query.len() <= MAX_QUERY_KEY_BYTES => {
            format!("{path}?{query}")
        }
        Some(_) => return None,
    };
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
    Some(key)
}

/// A response's content type without its parameters, lower-cased.
fn essence(headers: &HeaderMap) -> String {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Whether a response may be kept: a `200` of a cacheable type, with no cookie, no encoding
/// and no refusal of its handler's own.
fn cacheable(response: &Response) -> bool {
    let headers = response.headers();
    let essence = essence(headers);
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
            "/api?page=2",
        ] {
            assert_eq!(key(uncached), None, "{uncached}");
        }
        // Query-keyed paths: by path and the whole query as sent.
        for keyed in [
            "/api/v1/speakers?page=2",
            "/api/v1/speakers?per_page=10&page=2",
            "/search?q=%E5%8C%97%E4%BA%AC",
            "/zh/search?q=x",
            "/ur/search?q=x&page=2",
        ] {
            assert_eq!(key(keyed).as_deref(), Some(keyed));
        }
        assert_eq!(
            key("/api/openapi.json").as_deref(),
            Some("/api/openapi.json")
        );
    }

    fn entry(bytes: usize) -> Arc<Entry> {
        Arc::new(Entry {
            headers: HeaderMap::new(),
            hash: String::new(),
            identity: Bytes::from(vec![b'x'; bytes]),
            gzip: Bytes::new(),
            brotli: Bytes::new(),
            precompressed: false,
        })
    }

    #[test]
    fn a_flood_of_queries_evicts_only_queries_oldest_first() {
        let mut shelves = Shelves::default();
        for i in 0..100 {
            assert!(shelves.pages.insert(format!("/speakers/s{i}"), entry(1000)));
        }
        for i in 0..5 * MAX_QUERY_ENTRIES {
            let key = format!("/search?q={i}");
            assert!(shelves.shelf_mut(&key).insert(key.clone(), entry(1000)));
        }
        assert_eq!(shelves.pages.len(), 100, "every page stays");
        assert_eq!(shelves.queries.len(), MAX_QUERY_ENTRIES);
        let newest = format!("/search?q={}", 5 * MAX_QUERY_ENTRIES - 1);
        assert!(shelves.shelf(&newest).get(&newest).is_some());
        assert!(shelves.shelf("/search?q=0").get("/search?q=0").is_none());
        assert!(shelves.shelf("/speakers/s0").get("/speakers/s0").is_some());
        // The bytes budget binds too: big answers push out more of the old ones.
        let big = MAX_QUERY_BYTES / 4;
        for i in 0..8 {
            let key = format!("/api/v1/quotes?page={i}");
            assert!(shelves.queries.insert(key, entry(big)));
        }
        assert!(shelves.queries.bytes <= MAX_QUERY_BYTES);
        assert!(shelves.queries.len() <= 4);
        assert_eq!(
            shelves.queries.bytes,
            shelves
                .queries
                .by_key
                .values()
                .map(|e| e.size())
                .sum::<usize>()
        );
    }

    #[test]
    fn the_pages_shelf_refuses_rather_than_evicts_when_full() {
        let mut pages = Shelf::new(2, 1 << 20, false);
        assert!(pages.insert("/a".into(), entry(10)));
        assert!(pages.insert("/b".into(), entry(10)));
        assert!(!pages.insert("/c".into(), entry(10)), "full: not kept");
        assert!(pages.get("/a").is_some() && pages.get("/b").is_some());
        // Replacing a page in place always fits.
        assert!(pages.insert("/a".into(), entry(20)));
        assert_eq!(pages.len(), 2);
        assert_eq!(pages.bytes, entry(20).size() + entry(10).size());
    }
}
