//! The share card of each public page (see `web::share_card`), at the page's address under
//! `/cards`, in the page's language:
//!
//! | page | card |
//! | --- | --- |
//! | `/` | `/cards/home.png` |
//! | `/speakers` (and the other lists) | `/cards/speakers.png` |
//! | `/speakers/{slug}` (and the other entries) | `/cards/speakers/{slug}.png` |
//! | `/api` | `/cards/api.png` |
//!
//! and the same under `/zh` and `/ur`. A page that does not exist, or is a draft, has no card
//! (404). The data is read first, the connection returned, and only then is the card drawn.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::db::forum::HomeData;
use crate::db::{self, Visibility};
use crate::domain::slug;
use crate::error::{AppError, Result};
use crate::i18n::{Lang, Locale};
use crate::state::AppState;
use crate::web::page_cache::{self, CACHE_CONTROL};
use crate::web::share_card::Card;
use crate::web::static_files::Precompressed;

/// The lists that have a card, by the path segment they share with their entries.
const LISTS: [&str; 4] = ["speakers", "organisations", "agreements", "exhibitors"];

/// The card of the page at `path` (language-neutral: `/speakers/moin-ul-haque`), or `None`
/// for a page without one (search, errors, the admin). The page's language prefix goes in
/// front, as for the page.
pub fn card_path(path: &str) -> Option<String> {
    let rest = path.strip_prefix('/')?;
    let card = match rest.split_once('/') {
        None if rest.is_empty() => "home".to_owned(),
        None if rest == "api" || LISTS.contains(&rest) => rest.to_owned(),
        Some((list, slug)) if LISTS.contains(&list) && slug::is_valid(slug) => {
            format!("{list}/{slug}")
        }
        _ => return None,
    };
    Some(format!("/cards/{card}.png"))
}

/// `/cards/{page}.png`: the home page's, a list's or the API page's card.
pub async fn page_card(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Response> {
    let page = file.strip_suffix(".png").ok_or(AppError::NotFound)?;
    if page != "home" && page != "api" && !LISTS.contains(&page) {
        return Err(AppError::NotFound);
    }
    let lang = Locale::current().lang;
    let home = db::forum::home_page(&state.db).await?;
    let (title, subtitle) = match page {
        "home" => (
            home.forum.title.plain(lang).to_owned(),
            home.forum
                .subtitle
                .as_ref()
                .map(|subtitle| subtitle.plain(lang).to_owned()),
        ),
        "api" => (
            lang.t("api.title").to_owned(),
            Some(lang.t("api.lead").to_owned()),
        ),
        list => {
            let (title, key, count) = match list {
                "speakers" => ("speakers.title", "home.speakers", home.counts.speakers),
                "organisations" => (
                    "organisations.title",
                    "home.organisations",
                    home.counts.organisations,
                ),
                "agreements" => (
                    "agreements.title",
                    "home.agreements",
                    home.counts.agreements,
                ),
                _ => ("exhibitors.title", "home.booths", home.counts.booths),
            };
            (lang.t(title).to_owned(), Some(lang.plural(key, count)))
        }
    };
    let card = card(lang, &home, None, title, subtitle);
    respond(&state, card, &headers).await
}

/// `/cards/{list}/{slug}.png`: an entry's card (404 for a draft, as its page).
pub async fn entry_card(
    State(state): State<AppState>,
    Path((list, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response> {
    let slug = file.strip_suffix(".png").ok_or(AppError::NotFound)?;
    if !slug::is_valid(slug) {
        return Err(AppError::NotFound);
    }
    let lang = Locale::current().lang;
    let published = Visibility::Published;
    let (kind, title, subtitle) = match list.as_str() {
        "speakers" => {
            let data = db::people::speaker_page(&state.db, slug, published)
                .await?
                .ok_or(AppError::NotFound)?;
            let parts: Vec<String> = data
                .person
                .role
                .as_ref()
                .map(|role| role.plain(lang).to_owned())
                .into_iter()
                .chain(data.organisation.map(|o| o.display_name_in(lang)))
                .collect();
            (
                "card.kind.speaker",
                data.person.name.plain(lang).to_owned(),
                (!parts.is_empty()).then(|| lang.join(&parts)),
            )
        }
        "organisations" => {
            let data = db::organisations::organisation_page(&state.db, slug, published)
                .await?
                .ok_or(AppError::NotFound)?;
            let organisation = data.organisation;
            let parts: Vec<String> = organisation
                .kind()
                .map(|kind| kind.singular_in(lang).to_owned())
                .into_iter()
                .chain(organisation.country().map(|c| c.name_in(lang)))
                .collect();
            (
                "card.kind.organisation",
                organisation.display_name_in(lang),
                (!parts.is_empty()).then(|| lang.join(&parts)),
            )
        }
        "agreements" => {
            let data = db::agreements::agreement_page(&state.db, slug, published)
                .await?
                .ok_or(AppError::NotFound)?;
            let parties: Vec<String> = data
                .agreement
                .parties
                .iter()
                .map(|party| party.display_name_in(lang))
                .collect();
            (
                "card.kind.agreement",
                data.agreement.title.plain(lang).to_owned(),
                (!parties.is_empty()).then(|| lang.and_list(&parties)),
            )
        }
        "exhibitors" => {
            let data = db::booths::booth_page(&state.db, slug, published)
                .await?
                .ok_or(AppError::NotFound)?;
            let booth = data.booth;
            let mut subtitle = lang.t("exhibitor.lead").to_owned();
            if let Some(label) = &booth.booth_label {
                subtitle = format!(
                    "{subtitle} · {}{}{label}",
                    lang.t("exhibitor.booth"),
                    lang.colon()
                );
            }
            (
                "card.kind.exhibitor",
                booth.organisation().display_name_in(lang),
                Some(subtitle),
            )
        }
        _ => return Err(AppError::NotFound),
    };
    let home = db::forum::home_page(&state.db).await?;
    let card = card(lang, &home, Some(lang.t(kind).to_owned()), title, subtitle);
    respond(&state, card, &headers).await
}

/// A card with the forum's name on top and where and when at the bottom.
fn card(
    lang: Lang,
    home: &HomeData,
    kind: Option<String>,
    title: String,
    subtitle: Option<String>,
) -> Card {
    let forum = &home.forum;
    let fair = match &forum.fair_short_name {
        Some(short) => short.clone(),
        None => forum.fair_name.plain(lang).to_owned(),
    };
    let footer = [
        forum.city.plain(lang).to_owned(),
        lang.long_date(forum.held_on),
        fair,
    ];
    Card {
        lang,
        brand: lang.t("site.name").to_owned(),
        kind,
        title,
        subtitle: subtitle.filter(|s| !s.trim().is_empty()),
        footer: footer.join(" · "),
    }
}

/// The drawn card as `image/png`, with its `ETag` (or `304` when the client has it), cached
/// like a page.
async fn respond(state: &AppState, card: Card, headers: &HeaderMap) -> Result<Response> {
    let drawn = state.web.cards.draw(card).await?;
    if !drawn.missing.is_empty() {
        tracing::warn!(missing = ?drawn.missing, "a share card has characters no card font has");
    }
    let hash = page_cache::content_hash(&drawn.png);
    let mut response = if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|value| page_cache::names(value, &hash))
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = drawn.png.into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
        response
    };
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{hash}\"")) {
        response.headers_mut().insert(header::ETAG, etag);
    }
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    // A PNG is compressed already (and its ETag names these bytes).
    response.extensions_mut().insert(Precompressed);
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::card_path;

    #[test]
    fn every_public_page_but_search_has_a_card_at_a_stable_address() {
        assert_eq!(card_path("/").as_deref(), Some("/cards/home.png"));
        assert_eq!(card_path("/api").as_deref(), Some("/cards/api.png"));
        assert_eq!(
            card_path("/speakers").as_deref(),
            Some("/cards/speakers.png")
        );
        assert_eq!(
            card_path("/exhibitors/fb-enterprises").as_deref(),
            Some("/cards/exhibitors/fb-enterprises.png")
        );
        for none in [
            "/search",
            "/admin",
            "/speakers/a/b",
            "/speakers/Not_A_Slug",
            "/feed.atom",
        ] {
            assert_eq!(card_path(none), None, "{none}");
        }
    }
}
