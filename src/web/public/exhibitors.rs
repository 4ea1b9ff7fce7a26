//! `/exhibitors` and `/exhibitors/{slug}`: the booths at CIFTIS.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};

use crate::db::booths::Booth;
use crate::db::sources::Source;
use crate::db::{self, Visibility};
use crate::domain::Country;
use crate::error::{AppError, Result};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::web::render::{PageMeta, Section};

#[derive(Template, WebTemplate)]
#[template(path = "public/exhibitors.html")]
pub struct ExhibitorsPage {
    meta: PageMeta,
    booths: Vec<Booth>,
}

/// The list of booths.
pub async fn index(State(state): State<AppState>) -> Result<ExhibitorsPage> {
    let booths = db::booths::list_published(&state.db).await?;
    Ok(ExhibitorsPage {
        meta: {
            let lang = Locale::current().lang;
            PageMeta::new(
                lang.t("exhibitors.title"),
                lang.t("exhibitors.description"),
                Some(Section::Exhibitors),
            )
        },
        booths,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "public/exhibitor.html")]
pub struct ExhibitorPage {
    meta: PageMeta,
    booth: Booth,
    source: Option<Source>,
}

impl ExhibitorPage {
    fn country(&self) -> Option<Country> {
        self.booth.organisation_country.clone().map(Country::from)
    }
}

/// One booth's page.
pub async fn show(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<ExhibitorPage> {
    page(&state, super::checked_slug(&slug)?, Visibility::Published).await
}

/// The page of the booth with `slug`; a draft only for an admin's preview (marked as such).
pub async fn page(state: &AppState, slug: &str, visibility: Visibility) -> Result<ExhibitorPage> {
    let mut conn = state.db.acquire().await?;
    let booth = db::booths::find(&mut *conn, slug, visibility)
        .await?
        .ok_or(AppError::NotFound)?;
    let source = super::source_of(&mut *conn, booth.source_id, "booths", booth.id).await?;
    let lang = Locale::current().lang;
    let name = booth.organisation().display_name_in(lang);
    Ok(ExhibitorPage {
        meta: PageMeta::new(
            format!("{name}{}{}", lang.dash(), lang.t("exhibitor.title_suffix")),
            format!("{name}{}{}", lang.colon(), lang.t("exhibitors.lead")),
            Some(Section::Exhibitors),
        )
        .preview(visibility.includes_drafts()),
        booth,
        source,
    })
}
