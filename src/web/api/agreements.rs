//! `/api/v1/agreements` and `/api/v1/agreements/{slug}`: the agreements (MOUs) signed at the
//! forum, and their parties.

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;

use super::answers;
use super::links::{self, Kind};
use super::model::{Agreement, AgreementList, localized};
use super::params::ListQuery;
use super::problem::Problem;
use super::respond::IfNoneMatch;
use crate::db;
use crate::state::AppState;

/// The published agreements, a page at a time.
///
/// In the order the report names them, each with its announcer and parties.
#[utoipa::path(
    get,
    path = "/api/v1/agreements",
    tag = "agreements",
    operation_id = "listAgreements",
    params(ListQuery),
    responses((status = 200, description = "A page of agreements.", body = AgreementList))
)]
pub async fn list(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    condition: IfNoneMatch,
) -> Result<Response, Problem> {
    answers::list(
        Kind::Agreements,
        query.as_deref(),
        &condition,
        |window| db::api::agreements(&state.db, window),
        |rows, position| AgreementList::new(rows.into_iter().map(agreement).collect(), position),
    )
    .await
}

/// One published agreement.
///
/// With its announcer and its parties in the order the report names them.
#[utoipa::path(
    get,
    path = "/api/v1/agreements/{slug}",
    tag = "agreements",
    operation_id = "getAgreement",
    params(("slug" = String, Path, description = "The agreement's slug.",
        pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 80)),
    responses((status = 200, description = "The agreement.", body = Agreement))
)]
pub async fn show(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    RawQuery(query): RawQuery,
    condition: IfNoneMatch,
) -> Result<Response, Problem> {
    answers::item(
        Kind::Agreements,
        &slug,
        query.as_deref(),
        &condition,
        answers::slug,
        |slug| db::api::agreement(&state.db, slug),
        agreement,
    )
    .await
}

fn agreement(data: db::agreements::AgreementData) -> Agreement {
    let db::agreements::AgreementData {
        agreement, source, ..
    } = data;
    Agreement {
        url: Kind::Agreements.item_url(&agreement.slug),
        html_url: Kind::Agreements.html_url(&agreement.slug),
        title: agreement.title.into(),
        kind: agreement.kind.into(),
        signed_on: agreement.signed_on,
        description: localized(agreement.description.as_ref()),
        establishes: localized(agreement.establishes.as_ref()),
        announced_by: agreement
            .announced_by
            .map(|person| links::person(person.slug, person.name)),
        parties: agreement
            .parties
            .into_iter()
            .map(links::organisation)
            .collect(),
        source: source.map(Into::into),
        slug: agreement.slug,
    }
}
