//! How an API handler answers: the JSON bytes with a strong `ETag` (the page cache's, see
//! `page_cache::content_hash`), `304 Not Modified` when the client's `If-None-Match` names
//! them, `Cache-Control: public, no-cache` and, for a list, its `Link` header. The page cache
//! keeps such answers and answers from memory afterwards; this is what answers when it does
//! not (a cold entry, `--no-page-cache`, the cache's listener away).

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::problem::Problem;
use crate::web::page_cache::{self, CACHE_CONTROL};
use crate::web::static_files::Precompressed;

/// The content type of every API answer but problems.
pub const JSON: &str = "application/json";

/// The request's `If-None-Match`, for a conditional answer.
#[derive(Debug, Clone, Default)]
pub struct IfNoneMatch(Option<HeaderValue>);

impl<S: Send + Sync> FromRequestParts<S> for IfNoneMatch {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(parts.headers.get(header::IF_NONE_MATCH).cloned()))
    }
}

/// `value` as the answer's JSON, with its `ETag` (or `304` when the client has it already)
/// and, when given, a `Link` header.
pub fn json<T: Serialize>(
    condition: &IfNoneMatch,
    value: &T,
    link: Option<&str>,
) -> Result<Response, Problem> {
    let body = serde_json::to_vec(value).map_err(|error| {
        tracing::error!(%error, "cannot write an API answer");
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong on the portal's side. Try again later.",
        )
    })?;
    let hash = page_cache::content_hash(&body);
    let mut headers = axum::http::HeaderMap::new();
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{hash}\"")) {
        headers.insert(header::ETAG, etag);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    if let Some(link) = link.and_then(|link| HeaderValue::from_str(link).ok()) {
        headers.insert(header::LINK, link);
    }
    let fresh = condition
        .0
        .as_ref()
        .is_some_and(|value| page_cache::names(value, &hash));
    let mut response = if fresh {
        (StatusCode::NOT_MODIFIED, headers).into_response()
    } else {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON));
        (headers, body).into_response()
    };
    // Its ETag names these bytes: compressing them on the way out would break it.
    response.extensions_mut().insert(Precompressed);
    Ok(response)
}
