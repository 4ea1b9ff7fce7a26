//! `/api/v1/forum`: the forum itself, where to find each list, and how long each is.

use axum::extract::{RawQuery, State};
use axum::response::Response;

use super::links::{self, Kind};
use super::model::{Counts, Fair, Forum, Lists, localized};
use super::params;
use super::problem::Problem;
use super::respond::{self, IfNoneMatch};
use crate::db;
use crate::state::AppState;

/// The forum and its host fair.
///
/// With how many entries of each kind are published, and the address of each list.
#[utoipa::path(
    get,
    path = "/api/v1/forum",
    tag = "forum",
    operation_id = "getForum",
    responses((status = 200, description = "The forum.", body = Forum))
)]
pub async fn show(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    condition: IfNoneMatch,
) -> Result<Response, Problem> {
    params::none(query.as_deref())?;
    let db::api::ForumData {
        forum,
        counts,
        source,
    } = db::api::forum(&state.db).await?;
    let forum = Forum {
        url: links::forum_url(),
        html_url: links::home_url(),
        title: forum.title.into(),
        subtitle: localized(forum.subtitle.as_ref()),
        held_on: forum.held_on,
        city: forum.city.into(),
        summary: localized(forum.summary.as_ref()),
        fair: Fair {
            name: forum.fair_name.into(),
            short_name: forum.fair_short_name,
            starts_on: forum.fair_starts_on,
            ends_on: forum.fair_ends_on,
        },
        counts: Counts {
            speakers: counts.speakers,
            organisations: counts.organisations,
            agreements: counts.agreements,
            exhibitors: counts.exhibitors,
            initiatives: counts.initiatives,
            quotes: counts.quotes,
        },
        lists: Lists {
            speakers: Kind::Speakers.list_url(),
            organisations: Kind::Organisations.list_url(),
            agreements: Kind::Agreements.list_url(),
            exhibitors: Kind::Exhibitors.list_url(),
            initiatives: Kind::Initiatives.list_url(),
            quotes: Kind::Quotes.list_url(),
            openapi: links::openapi_url(),
        },
        source: source.map(Into::into),
    };
    respond::json(&condition, &forum, None)
}
