//! `/api/v1/quotes` and `/api/v1/quotes/{id}`: what the speakers said, word for word, each
//! language version marked as original or translation.

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;

use super::answers;
use super::links::{self, Kind};
use super::model::{Quote, QuoteKind, QuoteList};
use super::params::ListQuery;
use super::problem::Problem;
use super::respond::IfNoneMatch;
use crate::db;
use crate::state::AppState;

/// The statements of published speakers, a page at a time.
///
/// In the order they were recorded; each version marked as original or translation.
#[utoipa::path(
    get,
    path = "/api/v1/quotes",
    tag = "quotes",
    operation_id = "listQuotes",
    params(ListQuery),
    responses((status = 200, description = "A page of statements.", body = QuoteList))
)]
pub async fn list(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    condition: IfNoneMatch,
) -> Result<Response, Problem> {
    answers::list(
        Kind::Quotes,
        query.as_deref(),
        &condition,
        |window| db::api::quotes(&state.db, window),
        |rows, position| QuoteList::new(rows.into_iter().map(quote).collect(), position),
    )
    .await
}

/// One statement of a published speaker.
///
/// Word for word in its original language, with its translations marked as such.
#[utoipa::path(
    get,
    path = "/api/v1/quotes/{id}",
    tag = "quotes",
    operation_id = "getQuote",
    params(("id" = i64, Path, description = "The statement's id.", minimum = 1)),
    responses((status = 200, description = "The statement.", body = Quote))
)]
pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    condition: IfNoneMatch,
) -> Result<Response, Problem> {
    answers::item(
        Kind::Quotes,
        &id,
        query.as_deref(),
        &condition,
        |id| id.parse::<i64>().ok().filter(|id| *id >= 1),
        |id| db::api::quote(&state.db, id),
        quote,
    )
    .await
}

fn quote(data: db::api::QuoteData) -> Quote {
    Quote {
        url: Kind::Quotes.item_url(data.id),
        html_url: links::quote_html_url(&data.person.slug),
        id: data.id,
        kind: QuoteKind::parse(&data.kind),
        body: data.body.into(),
        speaker: links::person(data.person.slug, data.person.name),
        source: data.source.map(Into::into),
    }
}
