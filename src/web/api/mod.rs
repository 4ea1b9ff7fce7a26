//! The read-only JSON API, version 1: the forum and each list of its entries (`/api/v1/...`),
//! every language version of every text with its translation marks, links between entries
//! as URLs, pages with `next`/`prev` links, `ETag`s, open CORS and RFC 9457 problem details
//! for errors. `/api/openapi.json` is its OpenAPI 3.1 document, generated from the types in
//! [`model`]; `/api` (and `/zh/api`, `/ur/api`) shows it as a page.
//!
//! Only published entries appear, and nothing that belongs to a draft (a draft speaker's
//! quotes) nor any link to one: the statements in `db::api` see to it.

mod agreements;
mod answers;
mod cors;
mod docs_page;
mod exhibitors;
mod forum;
mod initiatives;
mod links;
pub mod model;
mod openapi;
mod organisations;
pub mod params;
pub mod problem;
mod quotes;
mod respond;
mod speakers;

use axum::Router;
use axum::routing::{MethodRouter, get};

use crate::state::AppState;
use links::Kind;
use problem::Problem;

pub use cors::{apply_cors_headers, is_api_path};
pub use openapi::{ApiDoc, document as openapi_document};

/// The API's routes, its OpenAPI document, and its page in each language.
pub fn router() -> Router<AppState> {
    let read = |method: MethodRouter<AppState>| method.options(cors::preflight);
    let mut router = Router::new()
        .route("/api/openapi.json", read(get(openapi::serve)))
        .route("/api/v1/forum", read(get(forum::show)))
        .route("/api/v1/speakers", read(get(speakers::list)))
        .route("/api/v1/speakers/{slug}", read(get(speakers::show)))
        .route("/api/v1/organisations", read(get(organisations::list)))
        .route(
            "/api/v1/organisations/{slug}",
            read(get(organisations::show)),
        )
        .route("/api/v1/agreements", read(get(agreements::list)))
        .route("/api/v1/agreements/{slug}", read(get(agreements::show)))
        .route("/api/v1/exhibitors", read(get(exhibitors::list)))
        .route("/api/v1/exhibitors/{slug}", read(get(exhibitors::show)))
        .route("/api/v1/initiatives", read(get(initiatives::list)))
        .route("/api/v1/initiatives/{slug}", read(get(initiatives::show)))
        .route("/api/v1/quotes", read(get(quotes::list)))
        .route("/api/v1/quotes/{id}", read(get(quotes::show)));
    for lang in crate::i18n::Lang::ALL {
        router = router.route(&format!("{}/api", lang.prefix()), get(docs_page::show));
    }
    router
}

/// The 404 for an entry of `kind` with `key` that is not (or not yet) published.
fn missing(kind: Kind, key: &str) -> Problem {
    Problem::not_found(format!(
        "No published {} has the {} {key:?}.",
        kind.singular(),
        if kind == Kind::Quotes { "id" } else { "slug" }
    ))
}
