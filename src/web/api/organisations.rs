//! `/api/v1/organisations` and `/api/v1/organisations/{slug}`: who took part.

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;

use super::answers;
use super::links::{self, Kind};
use super::model::{
    Organisation, OrganisationKind, OrganisationList, OrganisationSummary, localized,
};
use super::params::ListQuery;
use super::problem::Problem;
use super::respond::IfNoneMatch;
use crate::db;
use crate::state::AppState;

/// The published organisations, a page at a time.
///
/// By country, kind (unknown last) and name.
#[utoipa::path(
    get,
    path = "/api/v1/organisations",
    tag = "organisations",
    operation_id = "listOrganisations",
    params(ListQuery),
    responses((status = 200, description = "A page of organisations.", body = OrganisationList))
)]
pub async fn list(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    condition: IfNoneMatch,
) -> Result<Response, Problem> {
    answers::list(
        Kind::Organisations,
        query.as_deref(),
        &condition,
        |window| db::api::organisations(&state.db, window),
        |rows, position| OrganisationList::new(rows.into_iter().map(summary).collect(), position),
    )
    .await
}

fn summary(row: db::api::OrganisationRow) -> OrganisationSummary {
    OrganisationSummary {
        url: Kind::Organisations.item_url(&row.slug),
        html_url: Kind::Organisations.html_url(&row.slug),
        name: row.name.into(),
        short_name: row.short_name,
        country: row.country,
        kind: row.kind.as_deref().and_then(OrganisationKind::parse),
        exhibitor: row.exhibitor.map(links::exhibitor),
        slug: row.slug,
    }
}

/// One published organisation.
///
/// With its speakers, the agreements it is a party to and its booth.
#[utoipa::path(
    get,
    path = "/api/v1/organisations/{slug}",
    tag = "organisations",
    operation_id = "getOrganisation",
    params(("slug" = String, Path, description = "The organisation's slug.",
        pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 80)),
    responses((status = 200, description = "The organisation.", body = Organisation))
)]
pub async fn show(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    RawQuery(query): RawQuery,
    condition: IfNoneMatch,
) -> Result<Response, Problem> {
    answers::item(
        Kind::Organisations,
        &slug,
        query.as_deref(),
        &condition,
        answers::slug,
        |slug| db::api::organisation(&state.db, slug),
        organisation,
    )
    .await
}

fn organisation(data: db::organisations::OrganisationData) -> Organisation {
    let db::organisations::OrganisationData {
        organisation,
        people,
        agreements,
        booth,
        source,
    } = data;
    Organisation {
        url: Kind::Organisations.item_url(&organisation.slug),
        html_url: Kind::Organisations.html_url(&organisation.slug),
        name: organisation.name.into(),
        short_name: organisation.short_name,
        country: organisation.country,
        kind: organisation
            .kind
            .as_deref()
            .and_then(OrganisationKind::parse),
        description: localized(organisation.description.as_ref()),
        website: organisation.website,
        people: people
            .into_iter()
            .map(|p| links::person(p.slug, p.name))
            .collect(),
        agreements: agreements
            .into_iter()
            .map(|a| links::agreement(a.slug, a.title))
            .collect(),
        exhibitor: booth.map(|booth| links::exhibitor(booth.slug)),
        source: source.map(Into::into),
        slug: organisation.slug,
    }
}
