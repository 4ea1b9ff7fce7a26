//! `/exhibitors` and `/exhibitors/{slug}`: the booths at CIFTIS.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};

use super::floor_plan::{self, HallPlan};
use super::{PageParam, Pager};
use crate::db::booths::{Booth, BoothData};
use crate::db::sources::Source;
use crate::db::{self, Visibility};
use crate::domain::Country;
use crate::error::{AppError, Result};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::web::linked_data::{self, ListEntry};
use crate::web::render::{PageMeta, Section};

#[derive(Template, WebTemplate)]
#[template(path = "public/exhibitors.html")]
pub struct ExhibitorsPage {
    meta: PageMeta,
    booths: Vec<Booth>,
    pages: Pager,
    /// One floor plan per hall with a booth placed on it (none on the seed).
    plans: Vec<HallPlan>,
}

impl ExhibitorsPage {
    /// The anchor of the plan `booth` is drawn on, when it is placed on one shown here.
    fn plan_anchor(&self, booth: &Booth) -> Option<String> {
        let slug = &booth.slug;
        self.plans
            .iter()
            .find(|plan| plan.booths.iter().any(|shape| &shape.slug == slug))
            .map(|plan| plan.id.clone())
    }
}

/// The list of booths, a page at a time (`?page=N`).
pub async fn index(
    State(state): State<AppState>,
    Query(params): Query<PageParam>,
) -> Result<ExhibitorsPage> {
    let (page, list) = super::read_page(
        params.number()?,
        |page| db::booths::list_published(&state.db, page),
        |list| list.total,
    )
    .await?;
    let pages = Pager::new(page, list.total, "/exhibitors", &[]);
    let lang = Locale::current().lang;
    let plans = floor_plan::plans(&db::floor_plan::published_plans(&state.db).await?, lang);
    let entries = list.items.iter().map(|booth| ListEntry {
        name: booth.organisation().display_name_in(lang),
        path: format!("/exhibitors/{}", booth.slug),
    });
    let title = lang.t("exhibitors.title");
    let linked_data = pages.linked_data(title, "/exhibitors", list.total, entries);
    Ok(ExhibitorsPage {
        meta: PageMeta::new(
            title,
            lang.t("exhibitors.description"),
            Some(Section::Exhibitors),
        )
        .with_query(pages.query())
        .with_linked_data(linked_data),
        booths: list.items,
        pages,
        plans,
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
    let BoothData { booth, source } = db::booths::booth_page(&state.db, slug, visibility)
        .await?
        .ok_or(AppError::NotFound)?;
    let lang = Locale::current().lang;
    let name = booth.organisation().display_name_in(lang);
    Ok(ExhibitorPage {
        meta: PageMeta::new(
            format!("{name}{}{}", lang.dash(), lang.t("exhibitor.title_suffix")),
            format!("{name}{}{}", lang.colon(), lang.t("exhibitors.lead")),
            Some(Section::Exhibitors),
        )
        .preview(visibility.includes_drafts())
        .with_linked_data(linked_data::exhibitor(&booth, lang)),
        booth,
        source,
    })
}
