//! `/agreements` and `/agreements/{slug}`: the MOUs signed at the forum.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};

use crate::db::agreements::Agreement;
use crate::db::sources::Source;
use crate::db::{self, Visibility};
use crate::error::{AppError, Result};
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
        meta: PageMeta::new(
            "Agreements",
            "The strategic cooperation agreements (MOUs) signed at the China–Pakistan STI Cooperation forum, and their parties.",
            Some(Section::Agreements),
        ),
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
    let source = super::source_of(&mut *conn, agreement.source_id).await?;
    let parties: Vec<String> = agreement.parties.iter().map(|p| p.display_name()).collect();
    let description = if parties.is_empty() {
        format!("{}.", agreement.title.en())
    } else {
        format!(
            "{}, between {}.",
            agreement.title.en(),
            parties.join(" and ")
        )
    };
    Ok(AgreementPage {
        meta: PageMeta::new(agreement.title.en(), description, Some(Section::Agreements))
            .preview(visibility.includes_drafts()),
        agreement,
        source,
    })
}
