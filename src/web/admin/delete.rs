//! Deleting entries (asked first, refused while something depends on them) and the list of
//! deleted ones.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::Value;
use sqlx::PgConnection;

use super::context::AdminContext;
use super::entry::{author_label, title_of, version_of};
use super::extract::{CheckedForm, EntityPath, Frame};
use super::spec::EntitySpec;
use crate::db::{self, entities, history};
use crate::error::{AppError, Result};
use crate::i18n::{Lang, Locale};
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "admin/delete.html")]
pub struct DeletePage {
    ctx: AdminContext,
    lang: Lang,
    spec: &'static EntitySpec,
    id: i64,
    title: String,
    version: i32,
    dependents: Vec<(String, i64, String)>,
    error: Option<String>,
}

async fn delete_page(
    conn: &mut PgConnection,
    frame: &Frame,
    spec: &'static EntitySpec,
    id: i64,
    error: Option<String>,
) -> Result<DeletePage> {
    let row = entities::load(&mut *conn, spec.sql(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let dependents = entities::dependents(conn, spec.key, id).await?;
    Ok(DeletePage {
        ctx: frame.context().await?,
        lang: Locale::current().lang,
        spec,
        id,
        title: title_of(spec, &row),
        version: version_of(&row),
        dependents,
        error,
    })
}

/// Ask before deleting, and say what depends on the entry.
pub async fn confirm_delete(
    State(state): State<AppState>,
    frame: Frame,
    path: EntityPath,
) -> Result<DeletePage> {
    let (spec, id) = (path.collection()?, path.id()?);
    let mut conn = state.db.acquire().await?;
    delete_page(&mut conn, &frame, spec, id, None).await
}

/// Delete, unless something still depends on the entry or it changed since the page was shown.
pub async fn delete(
    State(state): State<AppState>,
    frame: Frame,
    path: EntityPath,
    CheckedForm(submission): CheckedForm,
) -> Result<Response> {
    let (spec, id) = (path.collection()?, path.id()?);
    let version: i32 = submission.version().unwrap_or(-1);
    let mut tx = state.db.begin().await?;
    history::attribute(&mut tx, frame.admin_id(), None).await?;
    let outcome = entities::delete(&mut *tx, spec.sql(), id, version).await;
    let problem = match outcome {
        Ok(true) => None,
        Ok(false) => Some(Locale::current().lang.tf(
            "admin.changed_meanwhile",
            &[("singular", spec.singular_in(Locale::current().lang))],
        )),
        Err(sqlx::Error::Database(error)) if error.code().as_deref() == Some("23503") => {
            Some(Locale::current().lang.tf(
                "admin.delete.dependents",
                &[("singular", spec.singular_in(Locale::current().lang))],
            ))
        }
        Err(error) => return Err(error.into()),
    };
    if let Some(problem) = problem {
        drop(tx);
        let mut conn = state.db.acquire().await?;
        let page = delete_page(&mut conn, &frame, spec, id, Some(problem)).await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    tx.commit().await?;
    tracing::info!(admin = ?frame.email(), entity = spec.key, id, "deleted");
    frame.flash_about("admin.flash.deleted", spec).await?;
    Ok(Redirect::to(&format!("/admin/{}", spec.key)).into_response())
}

/// A deleted entry in the list of deleted entries.
pub struct DeletedView {
    id: i64,
    title: String,
    by: String,
    at: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/deleted.html")]
pub struct DeletedPage {
    ctx: AdminContext,
    lang: Lang,
    spec: &'static EntitySpec,
    entries: Vec<DeletedView>,
}

/// Entries of this kind that were deleted, each with a way to its history and restore button.
pub async fn deleted(
    State(state): State<AppState>,
    frame: Frame,
    path: EntityPath,
) -> Result<DeletedPage> {
    let spec = path.spec;
    let entries = db::history::deleted(&state.db, spec.key).await?;
    Ok(DeletedPage {
        ctx: frame.context().await?,
        lang: Locale::current().lang,
        spec,
        entries: entries
            .into_iter()
            .map(|entry| DeletedView {
                id: entry.entity_id,
                title: entry
                    .before
                    .as_ref()
                    .and_then(Value::as_object)
                    .map(|row| title_of(spec, row))
                    .unwrap_or_default(),
                by: author_label(entry.admin_email),
                at: Locale::current().lang.date_time(entry.at),
            })
            .collect(),
    })
}
