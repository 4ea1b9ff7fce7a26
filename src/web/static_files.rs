//! The files under `/static`: text files (stylesheets, SVG, scripts, notes) from memory, each
//! compressed once with brotli and gzip — never per request — and the rest (fonts: `woff2` is
//! compressed already) from the folder through tower-http's `ServeDir`.
//!
//! The text files are read at start-up; their compressed versions are made by a thread started
//! then (brotli at its best quality takes a moment), or by the first request that wants one
//! before that thread got to it. A request gets the best version its `Accept-Encoding` allows
//! (brotli, then gzip, then the file itself), with `Vary: Accept-Encoding`, a strong `ETag` per
//! version and the file's `Last-Modified`; `If-None-Match` and `If-Modified-Since` get a 304.
//! Every answer from here is marked [`Precompressed`], which the global compression layer
//! leaves alone (see [`compress_when`]).
//!
//! Files are read once per process for a given folder state (name, size and time of every
//! file): tests that start many apps over the same folder share one copy.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use crate::web::encoding::{Encoding, brotli, gzip};

/// Marks a response that must not be compressed on the way out: it is compressed already, or
/// is a file that gains nothing from it.
#[derive(Debug, Clone, Copy)]
pub struct Precompressed;

/// The global compression layer's rule: tower-http's default, except for answers marked
/// [`Precompressed`].
pub fn compress_when() -> impl tower_http::compression::Predicate {
    use tower_http::compression::Predicate;
    tower_http::compression::DefaultPredicate::new().and(
        |_: StatusCode,
         _: axum::http::Version,
         _: &HeaderMap,
         extensions: &axum::http::Extensions| {
            extensions.get::<Precompressed>().is_none()
        },
    )
}

/// The router serving a static folder (nest it under `/static`).
pub fn router<S: Clone + Send + Sync + 'static>(static_dir: &Path) -> Router<S> {
    let served = Arc::new(Served {
        files: StaticFiles::load(static_dir),
        folder: ServeDir::new(static_dir),
    });
    Router::new().fallback(serve).with_state(served)
}

struct Served {
    files: Arc<StaticFiles>,
    folder: ServeDir,
}

/// The text files of one static folder, in memory with their compressed versions.
#[derive(Debug)]
pub struct StaticFiles {
    /// By URL path under the folder: `/css/site.css`.
    files: HashMap<String, Arc<StaticFile>>,
}

#[derive(Debug)]
struct StaticFile {
    content_type: HeaderValue,
    identity: Bytes,
    /// The start of the content's SHA-256, for the `ETag`s.
    hash: String,
    last_modified: Option<SystemTime>,
    brotli: OnceLock<Option<Bytes>>,
    gzip: OnceLock<Option<Bytes>>,
}

/// The `Content-Type` of a file kept in memory, by extension; `None`: served from the folder.
fn text_type(path: &Path) -> Option<&'static str> {
    Some(match path.extension()?.to_str()? {
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        _ => return None,
    })
}

/// The text files below `dir` with their metadata: (URL path, file path, size, modified).
type Listing = Vec<(String, PathBuf, u64, Option<SystemTime>)>;

fn list(dir: &Path) -> Listing {
    let mut found = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            // Follows symbolic links, as ServeDir does.
            let Ok(metadata) = std::fs::metadata(&path) else {
                continue;
            };
            if metadata.is_dir() {
                folders.push(path);
                continue;
            }
            if text_type(&path).is_none() {
                continue;
            }
            let Ok(relative) = path.strip_prefix(dir) else {
                continue;
            };
            let url = format!("/{}", relative.to_string_lossy().replace('\\', "/"));
            found.push((url, path, metadata.len(), metadata.modified().ok()));
        }
    }
    found.sort();
    found
}

impl StaticFiles {
    /// The text files under `dir`, read now (or shared with an earlier load of the same
    /// folder in the same state); their compressed versions follow on a thread of their own.
    pub fn load(dir: &Path) -> Arc<Self> {
        static LOADED: Mutex<Vec<(PathBuf, Listing, Arc<StaticFiles>)>> = Mutex::new(Vec::new());
        let listing = list(dir);
        let mut loaded = LOADED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((_, _, files)) = loaded
            .iter()
            .find(|(folder, seen, _)| folder == dir && *seen == listing)
        {
            return files.clone();
        }
        let mut files = HashMap::new();
        for (url, path, _, modified) in &listing {
            let Ok(content) = std::fs::read(path) else {
                tracing::warn!(file = %path.display(), "cannot read a static file");
                continue;
            };
            let Some(content_type) = text_type(path) else {
                continue;
            };
            let hash = hex::encode(Sha256::digest(&content))[..16].to_owned();
            files.insert(
                url.clone(),
                Arc::new(StaticFile {
                    content_type: HeaderValue::from_static(content_type),
                    identity: Bytes::from(content),
                    hash,
                    last_modified: *modified,
                    brotli: OnceLock::new(),
                    gzip: OnceLock::new(),
                }),
            );
        }
        let files = Arc::new(Self { files });
        loaded.retain(|(folder, _, _)| folder != dir);
        loaded.push((dir.to_path_buf(), listing, files.clone()));
        drop(loaded);
        let warming = files.clone();
        let _ = std::thread::Builder::new()
            .name("static-compress".into())
            .spawn(move || warming.compress_all());
        files
    }

    /// Make every compressed version now (smallest files first, so the stylesheet every
    /// page links is ready soonest).
    pub fn compress_all(&self) {
        let mut files: Vec<&Arc<StaticFile>> = self.files.values().collect();
        files.sort_by_key(|file| file.identity.len());
        for file in files {
            file.version(Encoding::Gzip);
            file.version(Encoding::Brotli);
        }
    }

    /// The paths kept in memory (`/css/site.css`, ...).
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }
}

impl StaticFile {
    /// The bytes of `encoding`'s version, compressing it now if nobody has yet; `None` when
    /// compression would not make it smaller.
    fn version(&self, encoding: Encoding) -> Option<Bytes> {
        match encoding {
            Encoding::Identity => Some(self.identity.clone()),
            Encoding::Brotli => self
                .brotli
                .get_or_init(|| smaller(&self.identity, brotli(&self.identity, 11)))
                .clone(),
            Encoding::Gzip => self
                .gzip
                .get_or_init(|| smaller(&self.identity, gzip(&self.identity)))
                .clone(),
        }
    }

    /// Whether `encoding`'s version is known (made, or known not to help) without waiting.
    fn is_ready(&self, encoding: Encoding) -> bool {
        match encoding {
            Encoding::Identity => true,
            Encoding::Brotli => self.brotli.get().is_some(),
            Encoding::Gzip => self.gzip.get().is_some(),
        }
    }

    fn etag(&self, encoding: Encoding) -> HeaderValue {
        let value = match encoding {
            Encoding::Identity => format!("\"{}\"", self.hash),
            Encoding::Brotli => format!("\"{}-br\"", self.hash),
            Encoding::Gzip => format!("\"{}-gz\"", self.hash),
        };
        HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("\"\""))
    }
}

fn smaller(original: &[u8], compressed: std::io::Result<Vec<u8>>) -> Option<Bytes> {
    compressed
        .ok()
        .filter(|compressed| compressed.len() < original.len())
        .map(Bytes::from)
}

async fn serve(State(served): State<Arc<Served>>, request: Request) -> Response {
    let file = match *request.method() {
        Method::GET | Method::HEAD => served.files.files.get(request.uri().path()).cloned(),
        _ => None,
    };
    let Some(file) = file else {
        let mut response = match served.folder.clone().oneshot(request).await {
            Ok(response) => response.map(Body::new),
            Err(never) => match never {},
        };
        response.extensions_mut().insert(Precompressed);
        return response;
    };
    let mut chosen = (Encoding::Identity, file.identity.clone());
    for encoding in Encoding::accepted(request.headers()) {
        let version = if file.is_ready(encoding) {
            file.version(encoding)
        } else {
            // Not made yet by the start-up thread: make it now, off the async workers.
            let file = file.clone();
            tokio::task::spawn_blocking(move || file.version(encoding))
                .await
                .ok()
                .flatten()
        };
        if let Some(bytes) = version {
            chosen = (encoding, bytes);
            break;
        }
    }
    let (encoding, bytes) = chosen;
    let etag = file.etag(encoding);
    let mut headers = HeaderMap::new();
    headers.insert(header::ETAG, etag.clone());
    headers.insert(
        header::VARY,
        HeaderValue::from_static(header::ACCEPT_ENCODING.as_str()),
    );
    if let Some(modified) = file.last_modified
        && let Ok(value) = HeaderValue::from_str(&httpdate::fmt_http_date(modified))
    {
        headers.insert(header::LAST_MODIFIED, value);
    }
    let mut response = if not_modified(request.headers(), &etag, file.last_modified) {
        (StatusCode::NOT_MODIFIED, headers).into_response()
    } else {
        headers.insert(header::CONTENT_TYPE, file.content_type.clone());
        if encoding != Encoding::Identity {
            headers.insert(
                header::CONTENT_ENCODING,
                HeaderValue::from_static(encoding.token()),
            );
        }
        (StatusCode::OK, headers, bytes).into_response()
    };
    response.extensions_mut().insert(Precompressed);
    response
}

/// Whether the client's copy is current: `If-None-Match` names this version's `ETag` (weak
/// comparison), or — without `If-None-Match` — `If-Modified-Since` is not before the file's time.
fn not_modified(headers: &HeaderMap, etag: &HeaderValue, modified: Option<SystemTime>) -> bool {
    if let Some(value) = headers.get(header::IF_NONE_MATCH) {
        let Ok(value) = value.to_str() else {
            return false;
        };
        let ours = etag.to_str().unwrap_or_default();
        return value
            .split(',')
            .map(str::trim)
            .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == ours);
    }
    let since = headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok());
    match (since, modified) {
        (Some(since), Some(modified)) => {
            // HTTP dates have whole seconds.
            let modified_secs = modified
                .duration_since(SystemTime::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(u64::MAX);
            let since_secs = since
                .duration_since(SystemTime::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            modified_secs <= since_secs
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_compression_cannot_shrink_is_kept_as_it_is() {
        assert!(smaller(b"ab", gzip(b"ab")).is_none());
        let content = "body { color: black; }\n".repeat(200);
        assert!(smaller(content.as_bytes(), gzip(content.as_bytes())).is_some());
    }
}
