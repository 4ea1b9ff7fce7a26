//! `/media/{file}`: the uploaded pictures and documents (migration 0014), under addresses named
//! by their content, so browsers and shared caches keep them for a year without asking again.
//! Documents are downloads (`Content-Disposition: attachment`) under a `sandbox` policy, so a
//! PDF opened in the browser can run nothing of this site's.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::db;
use crate::error::{AppError, Result};
use crate::state::AppState;

/// How long a file may be kept: its address changes when its content does.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// What a document's answer allows: nothing but being shown, sandboxed.
const DOCUMENT_POLICY: &str = "sandbox; default-src 'none'; object-src 'none'";

/// The route.
pub fn router() -> Router<AppState> {
    Router::new().route("/media/{file}", get(serve))
}

/// `/admin/media/{file}`: the same files for the admin's pages, which show uploads no
/// published entry uses (a draft's photo, a picture not yet published). Mounted behind the
/// admin login, whose answers are never stored by caches.
pub async fn serve_preview(
    State(state): State<AppState>,
    Path(name): Path<String>,
    request_headers: HeaderMap,
) -> Result<Response> {
    answer(&state, &name, &request_headers, true).await
}

/// An entry's public page as its admin preview shows it: the uploads' addresses turned into
/// `/admin/media/…`, which answers for a draft's files (the public `/media/…` does not).
pub async fn for_admin_preview(response: Response) -> Result<Response> {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .map_err(|error| AppError::Internal(error.into()))?;
    let Ok(html) = String::from_utf8(bytes.to_vec()) else {
        return Ok(Response::from_parts(parts, bytes.into()));
    };
    let html = html
        .replace("\"/media/", "\"/admin/media/")
        .replace(", /media/", ", /admin/media/");
    parts.headers.remove(header::CONTENT_LENGTH);
    Ok(Response::from_parts(parts, html.into()))
}

async fn serve(
    State(state): State<AppState>,
    Path(name): Path<String>,
    request_headers: HeaderMap,
) -> Result<Response> {
    answer(&state, &name, &request_headers, false).await
}

/// `{digest}-{width}.webp`, `{digest}-{width}.jpg` or `{digest}.pdf` → (digest, variant).
pub fn parse_name(name: &str) -> Option<(&str, String)> {
    let is_digest =
        |d: &str| d.len() == 16 && d.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if let Some(digest) = name.strip_suffix(".pdf") {
        return is_digest(digest).then(|| (digest, "pdf".to_owned()));
    }
    let (stem, ext) = name.rsplit_once('.')?;
    if ext != "webp" && ext != "jpg" {
        return None;
    }
    let (digest, width) = stem.split_once('-')?;
    let valid_width = !width.is_empty()
        && width.len() <= 5
        && width.bytes().all(|b| b.is_ascii_digit())
        && !width.starts_with('0');
    (is_digest(digest) && valid_width).then(|| (digest, format!("{width}.{ext}")))
}

/// A `Content-Disposition` that offers the file as a download named `filename` (RFC 6266:
/// an ASCII `filename` for old clients and the exact UTF-8 name in `filename*`).
pub fn attachment(filename: &str) -> String {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for byte in filename.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A person's initials for the placeholder of a missing photo: the first letters of their
/// first and last names ("Moin ul Haque" → MH); one character for a name in Chinese or Urdu
/// script.
pub fn initials(name: &str) -> String {
    let words = words(name);
    match (words.first(), words.last()) {
        (Some(first), _) if !first.is_ascii() => first_letter(first),
        (Some(first), Some(last)) if words.len() > 1 => first_letter(first) + &first_letter(last),
        (Some(only), _) => only.chars().take(2).collect::<String>().to_uppercase(),
        _ => String::new(),
    }
}

/// An organisation's monogram for the placeholder of a missing logo: its acronym when it has
/// a short one ("NLC"), else the first letters of its first two words.
pub fn monogram(name: &str, short_name: Option<&str>) -> String {
    if let Some(short) = short_name
        .map(str::trim)
        .filter(|s| (1..=4).contains(&s.chars().count()))
    {
        return short.to_uppercase();
    }
    let words: Vec<&str> = words(name)
        .into_iter()
        .filter(|w| !matches!(*w, "of" | "the" | "and" | "for"))
        .collect();
    match words.as_slice() {
        [] => String::new(),
        [first, ..] if !first.is_ascii() => first_letter(first),
        [only] => only.chars().take(2).collect::<String>().to_uppercase(),
        [a, b, ..] => first_letter(a) + &first_letter(b),
    }
}

/// A file's size as a page says it: "240 KB", "1.4 MB" (in the page's language; by reference,
/// as templates pass their values).
pub fn size_text(lang: &crate::i18n::Lang, bytes: &i64) -> String {
    let (lang, bytes) = (*lang, (*bytes).max(0));
    if bytes < 1_000_000 {
        let kb = (bytes + 999) / 1000;
        lang.tf1("media.size_kb", "n", lang.number(kb.max(1)))
    } else {
        let tenths = (bytes + 50_000) / 100_000;
        let text = format!("{}.{}", tenths / 10, tenths % 10);
        lang.tf1("media.size_mb", "n", text)
    }
}

fn words(name: &str) -> Vec<&str> {
    name.split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == '-')
        .filter(|w| w.chars().next().is_some_and(char::is_alphanumeric))
        .collect()
}

fn first_letter(word: &str) -> String {
    word.chars()
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default()
}

/// A file's answer: a published entry's file for visitors, any file for `preview`. Whether
/// it may be served is asked without reading its bytes, so a revalidation (304) never loads
/// them.
async fn answer(
    state: &AppState,
    name: &str,
    request_headers: &HeaderMap,
    preview: bool,
) -> Result<Response> {
    let (digest, variant) = parse_name(name).ok_or(AppError::NotFound)?;
    let etag = format!("\"{digest}-{variant}\"");
    let matches = request_headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        });
    let head = db::media::head(&state.db, digest, &variant, preview)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut headers = HeaderMap::new();
    let value = |text: &str| HeaderValue::from_str(text).map_err(|e| AppError::Internal(e.into()));
    if !preview {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
    }
    headers.insert(header::ETAG, value(&etag)?);
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CONTENT_TYPE, value(&head.content_type)?);
    if variant == "pdf" {
        let filename = head.filename.as_deref().unwrap_or("document.pdf");
        headers.insert(header::CONTENT_DISPOSITION, value(&attachment(filename))?);
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(DOCUMENT_POLICY),
        );
    }
    if matches {
        return Ok((StatusCode::NOT_MODIFIED, headers).into_response());
    }
    let file = db::media::file(&state.db, digest, &variant, preview)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((headers, file.body).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_read_strictly() {
        assert_eq!(
            parse_name("0123456789abcdef-320.webp"),
            Some(("0123456789abcdef", "320.webp".to_owned()))
        );
        assert_eq!(
            parse_name("0123456789abcdef.pdf"),
            Some(("0123456789abcdef", "pdf".to_owned()))
        );
        for bad in [
            "0123456789abcdef-320.png",
            "0123456789ABCDEF-320.jpg",
            "0123456789abcdef-0320.jpg",
            "0123456789abcdef-.jpg",
            "../etc/passwd",
            "0123456789abcde.pdf",
        ] {
            assert_eq!(parse_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn monograms_take_two_initials() {
        assert_eq!(initials("Moin ul Haque"), "MH");
        assert_eq!(initials("Xiaodong Zhang"), "XZ");
        assert_eq!(initials("张晓东"), "张");
        assert_eq!(initials(""), "");
        assert_eq!(
            monogram("National Logistic Corporation (NLC)", Some("NLC")),
            "NLC"
        );
        assert_eq!(monogram("Embassy of Pakistan", None), "EP");
        assert_eq!(monogram("ZBRA China", Some("ZBRA China")), "ZC");
    }

    #[test]
    fn download_names_follow_rfc_6266() {
        assert_eq!(
            attachment("mou-zh.pdf"),
            "attachment; filename=\"mou-zh.pdf\"; filename*=UTF-8''mou-zh.pdf"
        );
        assert_eq!(
            attachment("协议 \"x\".pdf"),
            "attachment; filename=\"__ _x_.pdf\"; filename*=UTF-8''%E5%8D%8F%E8%AE%AE%20%22x%22.pdf"
        );
    }
}
