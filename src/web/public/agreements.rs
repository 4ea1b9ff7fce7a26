//! `/agreements` and `/agreements/{slug}`: the MOUs signed at the forum.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};

use crate::db::agreements::Agreement;
use crate::db::sources::Source;
use crate::db::{self, Visibility};
use crate::error::{AppError, Result};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::web::render::{PageMeta, Section};

#[derive(Template, WebTemplate)]
#[template(path = "public/agreements.html")]
pub struct AgreementsPage {
    meta: PageMeta,
    agreements: Vec<Agreement>,
}

/// The list of agreements.
pub async fn index(State(state): State<AppState>) -> Result<AgreementsPage> {
    let mut conn = state.db.acquire().await?;
    let agreements = db::agreements::list_published(&mut conn).await?;
    Ok(AgreementsPage {
        meta: {
            let lang = Locale::current().lang;
            PageMeta::new(
                lang.t("agreements.title"),
                lang.t("agreements.description"),
                Some(Section::Agreements),
            )
        },
        agreements,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "public/agreement.html")]
pub struct AgreementPage {
    meta: PageMeta,
    agreement: Agreement,
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
    let mut conn = state.db.acquire().await?;
    let agreement = db::agreements::find(&mut conn, slug, visibility)
        .await?
        .ok_or(AppError::NotFound)?;
    let source =
        super::source_of(&mut *conn, agreement.source_id, "agreements", agreement.id).await?;
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
            .preview(visibility.includes_drafts()),
        agreement,
        source,
    })
}
