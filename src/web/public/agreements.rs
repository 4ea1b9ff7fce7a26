//! `/agreements` and `/agreements/{slug}`: the MOUs signed at the forum.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};

use super::{PageParam, Pager};
use crate::db::agreements::{Agreement, AgreementData};
use crate::db::sources::Source;
use crate::db::{self, Visibility};
use crate::error::{AppError, Result};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::web::linked_data::{self, ListEntry};
use crate::web::render::{PageMeta, Section};

#[derive(Template, WebTemplate)]
#[template(path = "public/agreements.html")]
pub struct AgreementsPage {
    meta: PageMeta,
    agreements: Vec<Agreement>,
    pages: Pager,
}

/// The list of agreements, a page at a time (`?page=N`).
pub async fn index(
    State(state): State<AppState>,
    Query(params): Query<PageParam>,
) -> Result<AgreementsPage> {
    let (page, list) = super::read_page(
        params.number()?,
        |page| db::agreements::list_published(&state.db, page),
        |list| list.total,
    )
    .await?;
    let pages = Pager::new(page, list.total, "/agreements", &[]);
    let lang = Locale::current().lang;
    let entries = list.items.iter().map(|agreement| ListEntry {
        name: agreement.title.plain(lang).to_owned(),
        path: format!("/agreements/{}", agreement.slug),
    });
    let title = lang.t("agreements.title");
    let linked_data = pages.linked_data(title, "/agreements", list.total, entries);
    Ok(AgreementsPage {
        meta: PageMeta::new(
            title,
            lang.t("agreements.description"),
            Some(Section::Agreements),
        )
        .with_query(pages.query())
        .with_linked_data(linked_data),
        agreements: list.items,
        pages,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "public/agreement.html")]
pub struct AgreementPage {
    meta: PageMeta,
    agreement: Agreement,
    /// Its signed documents (issue 14), by language.
    documents: crate::db::agreements::Documents,
    source: Option<Source>,
}

/// One agreement's page.
pub async fn show(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<AgreementPage> {
    page(&state, super::checked_slug(&slug)?, Visibility::Published).await
}

/// The page of the agreement with `slug`; a draft only for an admin's preview (marked as such).
pub async fn page(state: &AppState, slug: &str, visibility: Visibility) -> Result<AgreementPage> {
    let AgreementData {
        agreement,
        documents,
        source,
    } = db::agreements::agreement_page(&state.db, slug, visibility)
        .await?
        .ok_or(AppError::NotFound)?;
    let lang = Locale::current().lang;
    let parties: Vec<String> = agreement
        .parties
        .iter()
        .map(|p| p.display_name_in(lang))
        .collect();
    let title = agreement.title.plain(lang);
    let description = if parties.is_empty() {
        title.to_owned()
    } else {
        format!("{title}{}{}", lang.colon(), lang.and_list(&parties))
    };
    Ok(AgreementPage {
        meta: PageMeta::new(title, description, Some(Section::Agreements))
            .preview(visibility.includes_drafts())
            .with_linked_data(linked_data::agreement(&agreement, lang)),
        agreement,
        documents,
        source,
    })
}
