//! `/`: the forum at a glance.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::db::agreements::Agreement;
use crate::db::forum::{Counts, Forum, HomeData};
use crate::db::initiatives::Initiative;
use crate::db::people::PersonSummary;
use crate::db::programme::ProgrammeItem;
use crate::db::sources::Source;
use crate::db::{self};
use crate::error::Result;
use crate::i18n::{Locale, iso_date};
use crate::state::AppState;
use crate::web::linked_data;
use crate::web::public::programme::{self, ProgrammeDay};
use crate::web::render::{PageMeta, Section};

#[derive(Template, WebTemplate)]
#[template(path = "public/home.html")]
pub struct HomePage {
    meta: PageMeta,
    forum: Forum,
    counts: Counts,
    speakers: Vec<PersonSummary>,
    agreements: Vec<Agreement>,
    initiatives: Vec<Initiative>,
    source: Option<Source>,
    /// The published pictures of the forum (issue 14), in order.
    pictures: Vec<crate::db::media::GalleryPicture>,
    /// The published programme by day (empty: no section).
    programme: Vec<ProgrammeDay>,
    /// Whether programme titles link to their anchor (not here: they are the anchors).
    programme_links: bool,
}

/// One of the home page's numbers: a count as the report gives it, set apart in its sentence.
pub struct NumberView {
    href: &'static str,
    before: String,
    value: String,
    after: String,
}

impl HomePage {
    /// What the report names, counted: each worded as a count of what the report names, not
    /// as a total (the report lists seven exhibitors "and other").
    fn numbers(&self) -> Vec<NumberView> {
        let lang = self.meta.lang;
        let counts = &self.counts;
        [
            (
                "/speakers",
                lang.plural_parts("home.speakers", counts.speakers),
            ),
            (
                "/organisations",
                lang.plural_parts("home.organisations", counts.organisations),
            ),
            (
                "/agreements",
                lang.plural_parts("home.agreements", counts.agreements),
            ),
            (
                "/exhibitors",
                lang.plural_parts("home.booths", counts.booths),
            ),
        ]
        .into_iter()
        .map(|(href, (before, value, after))| NumberView {
            href,
            before,
            value,
            after,
        })
        .collect()
    }

    fn held_on_iso(&self) -> String {
        iso_date(self.forum.held_on)
    }

    fn fair_dates(&self) -> Option<String> {
        Some(
            self.meta
                .lang
                .date_range(self.forum.fair_starts_on?, self.forum.fair_ends_on?),
        )
    }
}

/// `/`: the English home page, unless a visitor arriving from elsewhere has chosen (cookie) or
/// prefers (`Accept-Language`, first visit only) Chinese or Urdu: then a redirect there
/// (decided by [`crate::web::language::home_redirect`], which the page cache asks too).
/// Navigation inside the site never redirects, so the English page is always reachable.
pub async fn root(State(state): State<AppState>, headers: HeaderMap) -> Result<Response> {
    let mut response = match crate::web::language::home_redirect(&headers) {
        Some(lang) => Redirect::to(&lang.href("/")).into_response(),
        None => show(State(state)).await?.into_response(),
    };
    response.headers_mut().insert(
        header::VARY,
        HeaderValue::from_static("Accept-Language, Cookie, Sec-Fetch-Site, Referer"),
    );
    Ok(response)
}

/// The home page (its lists show their first page; the numbers link to the whole lists).
pub async fn show(State(state): State<AppState>) -> Result<HomePage> {
    let HomeData {
        forum,
        counts,
        speakers,
        agreements,
        initiatives,
        source,
        pictures,
    } = db::forum::home_page(&state.db).await?;
    let items: Vec<ProgrammeItem> = db::programme::published(&state.db).await?;
    let lang = Locale::current().lang;
    let title = match &forum.subtitle {
        Some(subtitle) => format!(
            "{}{}{}",
            forum.title.plain(lang),
            lang.dash(),
            subtitle.plain(lang)
        ),
        None => forum.title.plain(lang).to_owned(),
    };
    Ok(HomePage {
        meta: PageMeta::new(title, lang.t("home.description"), Some(Section::Home))
            .with_linked_data(linked_data::forum(&forum, &speakers, &items, lang)),
        forum,
        counts,
        speakers,
        agreements,
        initiatives,
        source,
        pictures,
        programme: programme::days(items),
        programme_links: false,
    })
}
