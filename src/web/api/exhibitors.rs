//! `/api/v1/exhibitors` and `/api/v1/exhibitors/{slug}`: the booths at the host fair.

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;

use super::answers;
use super::links::{self, Kind};
use super::model::{Exhibitor, ExhibitorList, localized};
use super::params::ListQuery;
use super::problem::Problem;
use super::respond::IfNoneMatch;
use crate::db;
use crate::state::AppState;

/// The published booths, a page at a time.
///
/// Booths of published organisations only, in the order the report lists them.
#[utoipa::path(
    get,
    path = "/api/v1/exhibitors",
    tag = "exhibitors",
    operation_id = "listExhibitors",
    params(ListQuery),
    responses((status = 200, description = "A page of exhibitors.", body = ExhibitorList))
)]
pub async fn list(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    condition: IfNoneMatch,
) -> Result<Response, Problem> {
    answers::list(
        Kind::Exhibitors,
        query.as_deref(),
        &condition,
        |window| db::api::exhibitors(&state.db, window),
        |rows, position| ExhibitorList::new(rows.into_iter().map(exhibitor).collect(), position),
    )
    .await
}

/// One published booth.
///
/// With its exhibiting organisation.
#[utoipa::path(
    get,
    path = "/api/v1/exhibitors/{slug}",
    tag = "exhibitors",
    operation_id = "getExhibitor",
    params(("slug" = String, Path, description = "The booth's slug.",
        pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 80)),
    responses((status = 200, description = "The exhibitor's booth.", body = Exhibitor))
)]
pub async fn show(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    RawQuery(query): RawQuery,
    condition: IfNoneMatch,
) -> Result<Response, Problem> {
    answers::item(
        Kind::Exhibitors,
        &slug,
        query.as_deref(),
        &condition,
        answers::slug,
        |slug| db::api::exhibitor(&state.db, slug),
        exhibitor,
    )
    .await
}

fn exhibitor(data: db::booths::BoothData) -> Exhibitor {
    let db::booths::BoothData { booth, source } = data;
    Exhibitor {
        url: Kind::Exhibitors.item_url(&booth.slug),
        html_url: Kind::Exhibitors.html_url(&booth.slug),
        booth_label: booth.booth_label,
        hall: booth.hall,
        note: localized(booth.note.as_ref()),
        organisation: links::organisation(booth.organisation),
        country: booth.organisation_country,
        source: source.map(Into::into),
        slug: booth.slug,
    }
}
