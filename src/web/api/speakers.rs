//! `/api/v1/speakers` and `/api/v1/speakers/{slug}`: who spoke, what they said, what they
//! announced.

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;

use super::answers;
use super::links::{self, Kind};
use super::model::{Speaker, SpeakerList, SpeakerQuote, SpeakerSummary, localized};
use super::params::ListQuery;
use super::problem::Problem;
use super::respond::IfNoneMatch;
use crate::db;
use crate::state::AppState;

/// The published speakers, a page at a time.
///
/// In the order they spoke.
#[utoipa::path(
    get,
    path = "/api/v1/speakers",
    tag = "speakers",
    operation_id = "listSpeakers",
    params(ListQuery),
    responses((status = 200, description = "A page of speakers.", body = SpeakerList))
)]
pub async fn list(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    condition: IfNoneMatch,
) -> Result<Response, Problem> {
    answers::list(
        Kind::Speakers,
        query.as_deref(),
        &condition,
        |window| db::api::speakers(&state.db, window),
        |rows, position| SpeakerList::new(rows.into_iter().map(summary).collect(), position),
    )
    .await
}

fn summary(row: db::people::PersonSummary) -> SpeakerSummary {
    SpeakerSummary {
        url: Kind::Speakers.item_url(&row.slug),
        html_url: Kind::Speakers.html_url(&row.slug),
        name: row.name.into(),
        role: localized(row.role.as_ref()),
        organisation: row.organisation.map(links::organisation),
        quote_count: row.quote_count,
        slug: row.slug,
    }
}

/// One published speaker.
///
/// With their statements, the agreements they announced and the initiatives they mentioned.
#[utoipa::path(
    get,
    path = "/api/v1/speakers/{slug}",
    tag = "speakers",
    operation_id = "getSpeaker",
    params(("slug" = String, Path, description = "The speaker's slug.",
        pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 80)),
    responses((status = 200, description = "The speaker.", body = Speaker))
)]
pub async fn show(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    RawQuery(query): RawQuery,
    condition: IfNoneMatch,
) -> Result<Response, Problem> {
    answers::item(
        Kind::Speakers,
        &slug,
        query.as_deref(),
        &condition,
        answers::slug,
        |slug| db::api::speaker(&state.db, slug),
        speaker,
    )
    .await
}

fn speaker(data: db::api::SpeakerData) -> Speaker {
    let db::api::SpeakerData {
        person,
        organisation,
        quotes,
        agreements,
        initiatives,
        source,
    } = data;
    Speaker {
        url: Kind::Speakers.item_url(&person.slug),
        html_url: Kind::Speakers.html_url(&person.slug),
        name: person.name.into(),
        role: localized(person.role.as_ref()),
        bio: localized(person.bio.as_ref()),
        photo_url: person.photo_url,
        organisation: organisation.map(links::organisation),
        quotes: quotes
            .into_iter()
            .map(|quote| SpeakerQuote {
                id: quote.id,
                url: Kind::Quotes.item_url(quote.id),
                kind: super::model::QuoteKind::parse(&quote.kind),
                body: quote.body.into(),
            })
            .collect(),
        agreements: agreements
            .into_iter()
            .map(|a| links::agreement(a.slug, a.title))
            .collect(),
        initiatives: initiatives
            .into_iter()
            .map(|i| links::initiative(i.slug, i.name))
            .collect(),
        source: source.map(Into::into),
        slug: person.slug,
    }
}
