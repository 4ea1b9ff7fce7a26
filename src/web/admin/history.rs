//! An entry's history: every change with its diff, reverting to an earlier version, and
//! restoring a deleted entry.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::Value;

use super::context::AdminContext;
use super::edit::save;
use super::entry::{action_label, author_label, load_choices, title_of, version_of};
use super::extract::{CheckedForm, EntityPath, Frame};
use super::form::{self, Change, Parsed};
use super::spec::EntitySpec;
use crate::db::{entities, history};
use crate::domain::history_note::{HistoryNote, VersionTime};
use crate::error::{AppError, Result};
use crate::i18n::{Lang, Locale};
use crate::state::AppState;

/// One history entry as the page shows it.
pub struct EntryView {
    id: i64,
    action: &'static str,
    by: String,
    at: String,
    note: Option<String>,
    changes: Vec<Change>,
    can_revert: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/history.html")]
pub struct HistoryPage {
    ctx: AdminContext,
    lang: Lang,
    spec: &'static EntitySpec,
    id: i64,
    title: String,
    exists: bool,
    version: i32,
    entries: Vec<EntryView>,
}

/// Every change of an entry, with field-by-field diffs and revert buttons.
pub async fn history(
    State(state): State<AppState>,
    frame: Frame,
    path: EntityPath,
) -> Result<HistoryPage> {
    let (spec, id) = (path.spec, path.id()?);
    let mut conn = state.db.acquire().await?;
    let current = entities::load(&mut *conn, spec.sql(), id).await?;
    let entries = history::for_entry(&mut *conn, spec.key, id).await?;
    if current.is_none() && entries.is_empty() {
        return Err(AppError::NotFound);
    }
    let choices = load_choices(&mut conn, spec).await?;
    let title = current
        .as_ref()
        .or_else(|| {
            entries
                .iter()
                .find_map(|e| e.before.as_ref().and_then(Value::as_object))
        })
        .map(|row| title_of(spec, row))
        .unwrap_or_else(|| format!("{} #{id}", spec.singular_in(Locale::current().lang)));
    let current_version = current.as_ref().map_or(0, version_of);
    let views = entries
        .iter()
        .map(|entry| {
            let before = entry.before.as_ref().and_then(Value::as_object);
            let after = entry.after.as_ref().and_then(Value::as_object);
            let mut changes = if entry.action == "seed" {
                form::diff(spec, None, after, &choices, Locale::current().lang)
            } else {
                form::diff(spec, before, after, &choices, Locale::current().lang)
            };
            if entry.action != "seed" {
                changes.extend(form::media_changes(
                    spec,
                    before,
                    after,
                    Locale::current().lang,
                ));
            }
            EntryView {
                id: entry.id,
                action: action_label(&entry.action),
                by: author_label(entry.admin_email.clone()),
                at: Locale::current().lang.date_time(entry.at),
                note: entry
                    .note
                    .as_deref()
                    .map(|note| HistoryNote::parse(note).text(Locale::current().lang)),
                can_revert: current.is_some()
                    && after.is_some()
                    && (!form::diff(
                        spec,
                        current.as_ref(),
                        after,
                        &choices,
                        Locale::current().lang,
                    )
                    .is_empty()
                        || !form::media_changes(
                            spec,
                            current.as_ref(),
                            after,
                            Locale::current().lang,
                        )
                        .is_empty()),
                changes,
            }
        })
        .collect();
    Ok(HistoryPage {
        ctx: frame.context().await?,
        lang: Locale::current().lang,
        spec,
        id,
        title,
        exists: current.is_some(),
        version: current_version,
        entries: views,
    })
}

/// Make an entry what it was after a recorded change (itself recorded as a change).
pub async fn revert(
    State(state): State<AppState>,
    frame: Frame,
    path: EntityPath,
    CheckedForm(submission): CheckedForm,
) -> Result<Response> {
    let (spec, id, history_id) = (path.spec, path.id()?, path.history_id()?);
    let version: i32 = submission.version().unwrap_or(-1);
    let mut conn = state.db.acquire().await?;
    let entry = history::find(&mut *conn, spec.key, id, history_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let target = entry
        .after
        .as_ref()
        .and_then(Value::as_object)
        .ok_or_else(|| {
            AppError::BadRequest(Locale::current().lang.t("admin.revert_nothing").to_owned())
        })?;
    let parsed = Parsed {
        values: spec
            .fields
            .iter()
            .map(|f| {
                (
                    f.column.to_owned(),
                    target.get(f.column).cloned().unwrap_or(Value::Null),
                )
            })
            .collect(),
        members: spec
            .members
            .and_then(|m| target.get(m.name))
            .and_then(Value::as_array)
            .map(|ids| ids.iter().filter_map(Value::as_i64).collect())
            .unwrap_or_default(),
    };
    drop(conn);
    let note = HistoryNote::Reverted(VersionTime::At(entry.at)).stored();
    let mut tx = state.db.begin().await?;
    history::attribute(&mut tx, frame.admin_id(), Some(&note)).await?;
    let saved = match save(&mut tx, spec, id, version, &parsed).await {
        // The uploads of that version too (photo, logo, documents: not form fields).
        Ok(true) => crate::db::media::restore(&mut tx, spec.key, id, target)
            .await
            .map(|()| true),
        other => other,
    };
    let message = match saved {
        Ok(true) => {
            tx.commit().await?;
            tracing::info!(admin = ?frame.email(), entity = spec.key, id, history_id, "reverted");
            Locale::current().lang.tf(
                "admin.reverted",
                &[
                    ("singular", spec.singular_in(Locale::current().lang)),
                    ("date", &Locale::current().lang.date_time(entry.at)),
                ],
            )
        }
        Ok(false) => Locale::current().lang.tf(
            "admin.revert_stale",
            &[("singular", spec.singular_in(Locale::current().lang))],
        ),
        Err(sqlx::Error::Database(error)) => {
            tracing::info!(%error, "revert refused by a constraint");
            Locale::current().lang.t("admin.revert_refused").to_owned()
        }
        Err(error) => return Err(error.into()),
    };
    frame.flash(message).await?;
    Ok(Redirect::to(&format!("/admin/{}/{id}/history", spec.key)).into_response())
}

/// Bring a deleted entry back as it was just before it was deleted (same id).
pub async fn restore(
    State(state): State<AppState>,
    frame: Frame,
    path: EntityPath,
    CheckedForm(_): CheckedForm,
) -> Result<Response> {
    let (spec, id) = (path.spec, path.id()?);
    let mut conn = state.db.acquire().await?;
    if entities::load(&mut *conn, spec.sql(), id).await?.is_some() {
        return Ok(Redirect::to(&format!("/admin/{}/{id}", spec.key)).into_response());
    }
    let entries = history::for_entry(&mut *conn, spec.key, id).await?;
    let snapshot = entries
        .iter()
        .find(|e| e.action == "delete")
        .and_then(|e| e.before.as_ref())
        .and_then(Value::as_object)
        .cloned()
        .ok_or(AppError::NotFound)?;
    drop(conn);
    let mut tx = state.db.begin().await?;
    history::attribute(
        &mut tx,
        frame.admin_id(),
        Some(&HistoryNote::Restored.stored()),
    )
    .await?;
    let restored = async {
        entities::restore(&mut *tx, spec.sql(), &snapshot).await?;
        if let Some(members) = spec.members {
            let ids: Vec<i64> = snapshot
                .get(members.name)
                .and_then(Value::as_array)
                .map(|ids| ids.iter().filter_map(Value::as_i64).collect())
                .unwrap_or_default();
            entities::replace_members(&mut tx, spec.key, id, &ids).await?;
        }
        Ok::<(), sqlx::Error>(())
    }
    .await;
    match restored {
        Ok(()) => {
            tx.commit().await?;
            tracing::info!(admin = ?frame.email(), entity = spec.key, id, "restored");
            frame.flash_about("admin.flash.restored", spec).await?;
            Ok(Redirect::to(&format!("/admin/{}/{id}", spec.key)).into_response())
        }
        Err(sqlx::Error::Database(error))
            if matches!(error.code().as_deref(), Some("23505" | "23503")) =>
        {
            drop(tx);
            frame
                .flash(Locale::current().lang.tf(
                    "admin.restore_refused",
                    &[("singular", spec.singular_in(Locale::current().lang))],
                ))
                .await?;
            Ok(Redirect::to(&format!("/admin/{}/{id}/history", spec.key)).into_response())
        }
        Err(error) => Err(error.into()),
    }
}
