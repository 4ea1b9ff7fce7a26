//! `/api/v1/initiatives` and `/api/v1/initiatives/{slug}`: the programmes and visions the
//! speakers named.

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;

use super::answers;
use super::links::{self, Kind};
use super::model::{Initiative, InitiativeList, localized};
use super::params::ListQuery;
use super::problem::Problem;
use super::respond::IfNoneMatch;
use crate::db;
use crate::state::AppState;

/// The initiatives, a page at a time.
///
/// In the order the report names them, each with who mentioned it.
#[utoipa::path(
    get,
    path = "/api/v1/initiatives",
    tag = "initiatives",
    operation_id = "listInitiatives",
    params(ListQuery),
    responses((status = 200, description = "A page of initiatives.", body = InitiativeList))
)]
pub async fn list(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    condition: IfNoneMatch,
) -> Result<Response, Problem> {
    answers::list(
        Kind::Initiatives,
        query.as_deref(),
        &condition,
        |window| db::api::initiatives(&state.db, window),
        |rows, position| InitiativeList::new(rows.into_iter().map(initiative).collect(), position),
    )
    .await
}

/// One initiative.
///
/// With who mentioned it.
#[utoipa::path(
    get,
    path = "/api/v1/initiatives/{slug}",
    tag = "initiatives",
    operation_id = "getInitiative",
    params(("slug" = String, Path, description = "The initiative's slug.",
        pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 80)),
    responses((status = 200, description = "The initiative.", body = Initiative))
)]
pub async fn show(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    RawQuery(query): RawQuery,
    condition: IfNoneMatch,
) -> Result<Response, Problem> {
    answers::item(
        Kind::Initiatives,
        &slug,
        query.as_deref(),
        &condition,
        answers::slug,
        |slug| db::api::initiative(&state.db, slug),
        initiative,
    )
    .await
}

fn initiative(data: db::api::InitiativeData) -> Initiative {
    let db::api::InitiativeData { initiative, source } = data;
    Initiative {
        url: Kind::Initiatives.item_url(&initiative.slug),
        html_url: Kind::Initiatives.html_url(&initiative.slug),
        name: initiative.name.into(),
        description: localized(initiative.description.as_ref()),
        mentioned_by: initiative
            .mentioned_by
            .map(|person| links::person(person.slug, person.name)),
        source: source.map(Into::into),
        slug: initiative.slug,
    }
}
