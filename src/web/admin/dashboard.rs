//! `/admin`: how many entries of each kind (and drafts), and the latest changes.

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::State;
use serde_json::{Map, Value};
use tower_sessions::Session;

use super::CurrentAdmin;
use super::context::AdminContext;
use super::form::{self, Choices};
use super::spec::{self, EntitySpec};
use crate::db::{entities, history};
use crate::error::Result;
use crate::state::AppState;
use crate::web::render::date_time;

/// One entity's line on the dashboard.
pub struct CountView {
    spec: &'static EntitySpec,
    total: usize,
    drafts: usize,
}

/// One recent change.
pub struct ChangeView {
    entity: &'static str,
    singular: &'static str,
    entity_id: i64,
    title: String,
    action: String,
    by: String,
    at: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/dashboard.html")]
pub struct DashboardPage {
    ctx: AdminContext,
    counts: Vec<CountView>,
    changes: Vec<ChangeView>,
}

/// The dashboard.
pub async fn show(
    State(state): State<AppState>,
    session: Session,
    Extension(admin): Extension<CurrentAdmin>,
) -> Result<DashboardPage> {
    let mut conn = state.db.acquire().await?;
    let mut counts = Vec::new();
    for spec in spec::ENTITIES.iter().copied().filter(|s| !s.singleton) {
        let rows = entities::list(&mut *conn, spec.sql, "", &Map::new(), "id", false).await?;
        let drafts = rows
            .iter()
            .filter(|(_, row)| row.get("published") == Some(&Value::Bool(false)))
            .count();
        counts.push(CountView {
            spec,
            total: rows.len(),
            drafts,
        });
    }
    let changes = history::latest(&mut *conn, 15)
        .await?
        .into_iter()
        .filter_map(|entry| {
            let spec = spec::find(&entry.entity)?;
            let row = entry
                .after
                .as_ref()
                .or(entry.before.as_ref())
                .and_then(Value::as_object)?;
            let title = form::display(spec, spec.title, row.get(spec.title), &Choices::default());
            Some(ChangeView {
                entity: spec.key,
                singular: spec.singular,
                entity_id: entry.entity_id,
                title: title.chars().take(80).collect(),
                action: match entry.action.as_str() {
                    "create" => "created",
                    "delete" => "deleted",
                    _ => "changed",
                }
                .to_owned(),
                by: entry.admin_email.unwrap_or_else(|| "the system".to_owned()),
                at: date_time(entry.at),
            })
        })
        .collect();
    Ok(DashboardPage {
        ctx: AdminContext::load(&session, &admin).await?,
        counts,
        changes,
    })
}
