//! The audit log page, and writing to the log without ever failing the action it records.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use serde::Deserialize;

use super::context::AdminContext;
use super::extract::Frame;
use crate::db::audit::{self, Action, NewEntry};
use crate::error::Result;
use crate::i18n::Lang;
use crate::state::AppState;

/// Entries per page.
const PER_PAGE: i64 = 50;

/// Write an audit entry. A failure is logged and otherwise ignored: the action it records
/// (a login, a logout) has happened and must not be undone or refused because of it.
pub async fn note(db: &sqlx::PgPool, action: Action, entry: NewEntry<'_>) {
    if let Err(error) = audit::record(db, action, &entry).await {
        tracing::error!(%error, action = action.as_str(), "cannot write the audit log");
    }
}

/// One entry as the page shows it (every value escaped by the template).
pub struct EntryView {
    at: String,
    action: &'static str,
    actor: Option<String>,
    subject: Option<String>,
    detail: Option<String>,
    address: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/audit.html")]
pub struct AuditPage {
    ctx: AdminContext,
    lang: Lang,
    entries: Vec<EntryView>,
    page: i64,
    pages: i64,
}

#[derive(Debug, Deserialize)]
pub struct PageParam {
    page: Option<String>,
}

/// The label of a stored action.
fn action_label(lang: Lang, action: &str) -> &'static str {
    Action::ALL
        .iter()
        .find(|a| a.as_str() == action)
        .and_then(|a| lang.t_opt(&format!("audit.{}", a.as_str())))
        .unwrap_or("?")
}

/// How a detail reads: role names and setting values are translated, the rest shown as stored.
fn detail_text(lang: Lang, detail: &str) -> String {
    if let Some(role) = crate::domain::Role::parse(detail) {
        return lang.t(role.label_key()).to_owned();
    }
    match detail {
        "two_factor_required" => lang.t("audit.detail.required").to_owned(),
        "two_factor_not_required" => lang.t("audit.detail.not_required").to_owned(),
        "disabled_account" => lang.t("audit.detail.disabled_account").to_owned(),
        "recovery_code" => lang.t("audit.detail.recovery_code").to_owned(),
        other => other.to_owned(),
    }
}

/// The log, newest first, fifty entries a page.
pub async fn index(
    State(state): State<AppState>,
    frame: Frame,
    Query(params): Query<PageParam>,
) -> Result<AuditPage> {
    let lang = frame.lang;
    let total = audit::count(&state.db).await?;
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    let page = params
        .page
        .as_deref()
        .and_then(|p| p.parse::<i64>().ok())
        .unwrap_or(1)
        .clamp(1, pages);
    let rows = audit::page(&state.db, PER_PAGE, (page - 1) * PER_PAGE).await?;
    let entries = rows
        .into_iter()
        .map(|row| EntryView {
            at: lang.date_time(row.at),
            action: action_label(lang, &row.action),
            actor: row.actor_email,
            subject: row.subject_email,
            detail: row.detail.as_deref().map(|d| detail_text(lang, d)),
            address: row.address,
        })
        .collect();
    Ok(AuditPage {
        ctx: frame.context().await?,
        lang,
        entries,
        page,
        pages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_label_in_every_language() {
        for lang in Lang::ALL {
            for action in Action::ALL {
                assert_ne!(
                    action_label(lang, action.as_str()),
                    "?",
                    "{lang}: {action:?}"
                );
            }
        }
    }
}
