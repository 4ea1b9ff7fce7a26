//! `/`: the forum at a glance.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use crate::db::agreements::Agreement;
use crate::db::forum::{Counts, Forum};
use crate::db::initiatives::Initiative;
use crate::db::people::PersonSummary;
use crate::db::sources::Source;
use crate::db::{self};
use crate::error::Result;
use crate::state::AppState;
use crate::web::render::{PageMeta, Section, date_range, iso_date, long_date};

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
}

impl HomePage {
    fn held_on(&self) -> String {
        long_date(self.forum.held_on)
    }

    fn held_on_iso(&self) -> String {
        iso_date(self.forum.held_on)
    }

    fn fair_dates(&self) -> Option<String> {
        Some(date_range(
            self.forum.fair_starts_on?,
            self.forum.fair_ends_on?,
        ))
    }

    fn fair_label(&self) -> String {
        match &self.forum.fair_short_name {
            Some(short) => format!("{} ({short})", self.forum.fair_name.en()),
            None => self.forum.fair_name.en().to_owned(),
        }
    }
}

/// The home page.
pub async fn show(State(state): State<AppState>) -> Result<HomePage> {
    let mut conn = state.db.acquire().await?;
    let forum = db::forum::get(&mut *conn).await?;
    let counts = db::forum::counts(&mut *conn).await?;
    let speakers = db::people::list_published(&mut *conn).await?;
    let agreements = db::agreements::list_published(&mut conn).await?;
    let initiatives = db::initiatives::list(&mut *conn).await?;
    let source = super::source_of(&mut *conn, forum.source_id).await?;
    let title = match &forum.subtitle {
        Some(subtitle) => format!("{} – {}", forum.title.en(), subtitle.en()),
        None => forum.title.en().to_owned(),
    };
    let description = format!(
        "{} forum, {}, {}: speakers, organisations, agreements signed and exhibitors at CIFTIS.",
        forum.title.en(),
        forum.city.en(),
        long_date(forum.held_on)
    );
    Ok(HomePage {
        meta: PageMeta::new(title, description, Some(Section::Home)),
        forum,
        counts,
        speakers,
        agreements,
        initiatives,
        source,
    })
}
