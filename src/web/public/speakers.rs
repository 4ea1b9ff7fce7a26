//! `/speakers` and `/speakers/{slug}`: who spoke and what they said.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};

use super::{PageParam, Pager};
use crate::db::agreements::Agreement;
use crate::db::initiatives::Initiative;
use crate::db::organisations::Organisation;
use crate::db::people::{Person, PersonSummary, SpeakerData};
use crate::db::quotes::Quote;
use crate::db::sources::Source;
use crate::db::{self, Visibility};
use crate::error::{AppError, Result};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::web::linked_data::{self, ListEntry};
use crate::web::public::programme::{self, ProgrammeDay};
use crate::web::render::{PageMeta, Section};

#[derive(Template, WebTemplate)]
#[template(path = "public/speakers.html")]
pub struct SpeakersPage {
    meta: PageMeta,
    speakers: Vec<PersonSummary>,
    pages: Pager,
}

/// The list of speakers, a page at a time (`?page=N`).
pub async fn index(
    State(state): State<AppState>,
    Query(params): Query<PageParam>,
) -> Result<SpeakersPage> {
    let (page, list) = super::read_page(
        params.number()?,
        |page| db::people::list_published(&state.db, page),
        |list| list.total,
    )
    .await?;
    let pages = Pager::new(page, list.total, "/speakers", &[]);
    let lang = Locale::current().lang;
    let entries = list.items.iter().map(|person| ListEntry {
        name: person.name.plain(lang).to_owned(),
        path: format!("/speakers/{}", person.slug),
    });
    let title = lang.t("speakers.title");
    let linked_data = pages.linked_data(title, "/speakers", list.total, entries);
    Ok(SpeakersPage {
        meta: PageMeta::new(
            title,
            lang.t("speakers.description"),
            Some(Section::Speakers),
        )
        .with_query(pages.query())
        .with_linked_data(linked_data),
        speakers: list.items,
        pages,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "public/speaker.html")]
pub struct SpeakerPage {
    meta: PageMeta,
    person: Person,
    organisation: Option<Organisation>,
    quotes: Vec<Quote>,
    agreements: Vec<Agreement>,
    initiatives: Vec<Initiative>,
    source: Option<Source>,
    /// The published programme items they speak in, by day (empty: no section).
    programme: Vec<ProgrammeDay>,
    /// Whether programme titles link to the item on the home page (yes, here).
    programme_links: bool,
}

/// One speaker's page.
pub async fn show(State(state): State<AppState>, Path(slug): Path<String>) -> Result<SpeakerPage> {
    page(&state, super::checked_slug(&slug)?, Visibility::Published).await
}

/// The page of the speaker with `slug`; a draft only for an admin's preview (marked as such).
pub async fn page(state: &AppState, slug: &str, visibility: Visibility) -> Result<SpeakerPage> {
    let SpeakerData {
        person,
        organisation,
        quotes,
        agreements,
        initiatives,
        source,
    } = db::people::speaker_page(&state.db, slug, visibility)
        .await?
        .ok_or(AppError::NotFound)?;
    let items = db::programme::of_speaker(&state.db, person.id).await?;
    let lang = Locale::current().lang;
    let name = person.name.plain(lang);
    let mut who = vec![name.to_owned()];
    who.extend(person.role.as_ref().map(|role| role.plain(lang).to_owned()));
    let description = format!(
        "{}{}{}",
        lang.join(&who),
        lang.dash(),
        lang.t("speaker.description")
    );
    let meta = PageMeta::new(name, description, Some(Section::Speakers))
        .preview(visibility.includes_drafts())
        .with_linked_data(linked_data::person(&person, organisation.as_ref(), lang));
    Ok(SpeakerPage {
        meta,
        person,
        organisation,
        quotes,
        agreements,
        initiatives,
        source,
        programme: programme::days(items),
        programme_links: true,
    })
}
