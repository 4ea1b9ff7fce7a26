//! Actions on the rows ticked in a list: publish, hold back as drafts, delete. Each row carries
//! the version it was shown at; a row changed since is skipped, a delete that something still
//! depends on is refused, and one message says what happened to how many.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use sqlx::Acquire;

use super::context::AdminContext;
use super::entry::title_of;
use super::extract::{CheckedForm, EntityPath, Frame};
use super::form::Submission;
use super::spec::EntitySpec;
use crate::db::{entities, history};
use crate::error::{AppError, Result};
use crate::i18n::Lang;
use crate::state::AppState;

/// "Delete these entries?": the ticked rows, asked about before a bulk delete.
#[derive(Template, WebTemplate)]
#[template(path = "admin/bulk_delete.html")]
pub struct BulkDeletePage {
    ctx: AdminContext,
    lang: Lang,
    spec: &'static EntitySpec,
    /// `(id:version, id, title)` of each ticked row that still exists.
    rows: Vec<(String, i64, String)>,
    /// The list's query string, posted again.
    query: String,
    /// The list to go back to.
    back: String,
}

/// What a bulk action does to each row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Publish,
    Unpublish,
    Delete,
}

/// What happened to how many rows.
#[derive(Debug, Default, PartialEq, Eq)]
struct Outcome {
    done: usize,
    /// Already in the state asked for.
    unchanged: usize,
    /// Changed (or deleted) since the list was shown.
    stale: usize,
    /// Deletes refused: other entries point to the row.
    dependents: usize,
}

impl Outcome {
    /// One sentence for the flash: "3 published; 1 not deleted: it has dependents".
    fn message(&self, action: Action, lang: Lang) -> String {
        let done_key = match action {
            Action::Publish => "admin.bulk.published",
            Action::Unpublish => "admin.bulk.unpublished",
            Action::Delete => "admin.bulk.deleted",
        };
        let parts: Vec<String> = [
            (done_key, self.done),
            ("admin.bulk.unchanged", self.unchanged),
            ("admin.bulk.stale", self.stale),
            ("admin.bulk.dependents", self.dependents),
        ]
        .into_iter()
        .filter(|(_, count)| *count > 0)
        .map(|(key, count)| lang.plural(key, count as i64))
        .collect();
        let separator = match lang {
            Lang::En => "; ",
            Lang::Zh => "；",
            Lang::Ur => "؛ ",
        };
        let mut message = parts.join(separator);
        message.push_str(match lang {
            Lang::En => ".",
            Lang::Zh => "。",
            Lang::Ur => "۔",
        });
        message
    }
}

/// The ticked rows: `id:version` each.
fn ticked_rows(submission: &Submission, lang: Lang) -> Result<Vec<(i64, i32)>> {
    submission
        .all("row")
        .into_iter()
        .map(|value| {
            value
                .split_once(':')
                .and_then(|(id, version)| Some((id.parse().ok()?, version.parse().ok()?)))
                .filter(|(id, _): &(i64, i32)| *id > 0)
                .ok_or_else(|| {
                    AppError::BadRequest(lang.tf("admin.bulk.bad_row", &[("value", value)]))
                })
        })
        .collect()
}

/// The list the action was taken from (its query string, re-encoded; the page dropped, as
/// the rows may have left it).
fn back_to_list(key: &str, submission: &Submission) -> String {
    let query = submission
        .get("return")
        .unwrap_or_default()
        .trim_start_matches('?');
    let mut kept = form_urlencoded::Serializer::new(String::new());
    for (name, value) in form_urlencoded::parse(query.as_bytes())
        .filter(|(name, _)| name != "page" && name != "select")
    {
        kept.append_pair(&name, &value);
    }
    let kept = kept.finish();
    if kept.is_empty() {
        format!("/admin/{key}")
    } else {
        format!("/admin/{key}?{kept}")
    }
}

/// Apply a bulk action to the ticked rows (a delete asks first), in one transaction (each row in a savepoint, so a
/// refused one leaves the others done); history records each change as the admin's.
pub async fn bulk(
    State(state): State<AppState>,
    frame: Frame,
    path: EntityPath,
    CheckedForm(submission): CheckedForm,
) -> Result<Response> {
    let spec = path.collection()?;
    let lang = frame.lang;
    let action = match submission.get("action") {
        Some("publish") if spec.has_published() => Action::Publish,
        Some("unpublish") if spec.has_published() => Action::Unpublish,
        Some("delete") => Action::Delete,
        other => {
            return Err(AppError::BadRequest(lang.tf(
                "admin.bulk.bad_action",
                &[("value", other.unwrap_or_default())],
            )));
        }
    };
    let rows = ticked_rows(&submission, lang)?;
    let back = back_to_list(spec.key, &submission);
    if rows.is_empty() {
        frame.flash(lang.t("admin.bulk.none_selected")).await?;
        return Ok(Redirect::to(&back).into_response());
    }
    if action == Action::Delete && submission.get("confirmed") != Some("yes") {
        let mut conn = state.db.acquire().await?;
        let mut shown = Vec::new();
        for (id, version) in rows {
            if let Some(row) = entities::load(&mut *conn, spec.sql(), id).await? {
                shown.push((format!("{id}:{version}"), id, title_of(spec, &row)));
            }
        }
        drop(conn);
        return Ok(BulkDeletePage {
            ctx: frame.context().await?,
            lang,
            spec,
            rows: shown,
            query: submission.get("return").unwrap_or_default().to_owned(),
            back,
        }
        .into_response());
    }
    let mut outcome = Outcome::default();
    let mut tx = state.db.begin().await?;
    history::attribute(&mut tx, frame.admin_id(), None).await?;
    for (id, version) in rows {
        let mut row_tx = tx.begin().await?;
        let result = match action {
            Action::Publish | Action::Unpublish => entities::set_published(
                &mut *row_tx,
                spec.sql(),
                id,
                version,
                action == Action::Publish,
            )
            .await
            .map(|changed| changed.is_some()),
            Action::Delete => entities::delete(&mut *row_tx, spec.sql(), id, version).await,
        };
        match result {
            Ok(true) => {
                row_tx.commit().await?;
                outcome.done += 1;
            }
            Ok(false) => {
                row_tx.rollback().await?;
                let current = entities::version(&mut *tx, spec.sql(), id).await?;
                if current == Some(version) {
                    outcome.unchanged += 1;
                } else {
                    outcome.stale += 1;
                }
            }
            Err(sqlx::Error::Database(error)) if error.code().as_deref() == Some("23503") => {
                row_tx.rollback().await?;
                outcome.dependents += 1;
            }
            Err(error) => return Err(error.into()),
        }
    }
    tx.commit().await?;
    tracing::info!(admin = ?frame.email(), entity = spec.key, ?action, ?outcome, "bulk action");
    frame.flash(outcome.message(action, lang)).await?;
    Ok(Redirect::to(&back).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_counts_each_outcome_in_every_language() {
        let outcome = Outcome {
            done: 3,
            unchanged: 0,
            stale: 1,
            dependents: 1,
        };
        assert_eq!(
            outcome.message(Action::Delete, Lang::En),
            "3 deleted; 1 skipped: it changed since the list was shown; 1 not deleted: other entries point to it."
        );
        for lang in Lang::ALL {
            assert!(!outcome.message(Action::Publish, lang).contains('{'));
        }
    }

    #[test]
    fn the_way_back_keeps_the_list_but_not_its_page() {
        let submission = Submission(vec![(
            "return".to_owned(),
            "?q=%E4%B8%AD&page=3&sort=name&select=all".to_owned(),
        )]);
        assert_eq!(
            back_to_list("people", &submission),
            "/admin/people?q=%E4%B8%AD&sort=name"
        );
        assert_eq!(
            back_to_list("people", &Submission::default()),
            "/admin/people"
        );
    }
}
