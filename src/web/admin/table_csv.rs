//! Lists as CSV files: the export of any list (its search, filters and sort, every page) and
//! the mapping between a row and its CSV cells, which the import reads back.
//!
//! One column per form input: `name`, `name.zh`, `name.ur`, then each translation's mark
//! (`name.zh.translated`: `yes` when that version is a translation). References are written
//! as the slug of the entry they point at (an id where that entity has no slug), drafts as
//! `published` = `no`, and an agreement's parties as their slugs separated by spaces. The
//! first column is the entry's `id`, which the import ignores (it matches rows by slug).

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::entry::load_choices;
use super::extract::{EntityPath, Frame};
use super::form::{self, RawValues};
use super::list::ListRequest;
use super::spec::{EntitySpec, FieldKind};
use crate::db::entities::{self, ReferenceTable};
use crate::error::{AppError, Result};
use crate::state::AppState;

/// The slugs of the entries references can point at, both ways.
#[derive(Debug, Default)]
pub struct Slugs {
    organisations: Vec<(i64, String)>,
    people: Vec<(i64, String)>,
    sources: Vec<(i64, String)>,
    halls: Vec<(i64, String)>,
}

impl Slugs {
    /// Load the slugs `spec`'s references need.
    pub async fn load(db: &mut sqlx::PgConnection, spec: &EntitySpec) -> Result<Self> {
        let mut slugs = Self::default();
        let needs = |table: ReferenceTable| {
            spec.fields
                .iter()
                .any(|f| matches!(f.kind, FieldKind::Reference(t) if t == table))
        };
        let members = |table: ReferenceTable| spec.members.is_some_and(|m| m.table == table);
        if needs(ReferenceTable::Organisations) || members(ReferenceTable::Organisations) {
            slugs.organisations = entities::slugs(&mut *db, ReferenceTable::Organisations).await?;
        }
        if needs(ReferenceTable::People) || members(ReferenceTable::People) {
            slugs.people = entities::slugs(&mut *db, ReferenceTable::People).await?;
        }
        if needs(ReferenceTable::Sources) {
            slugs.sources = entities::slugs(&mut *db, ReferenceTable::Sources).await?;
        }
        if needs(ReferenceTable::Halls) {
            slugs.halls = entities::slugs(&mut *db, ReferenceTable::Halls).await?;
        }
        Ok(slugs)
    }

    fn of(&self, table: ReferenceTable) -> &[(i64, String)] {
        match table {
            ReferenceTable::Organisations => &self.organisations,
            ReferenceTable::People => &self.people,
            ReferenceTable::Sources => &self.sources,
            ReferenceTable::Halls => &self.halls,
        }
    }

    /// The slug of entry `id` (its id when it has none, or is gone).
    pub fn slug(&self, table: ReferenceTable, id: &str) -> String {
        self.of(table)
            .iter()
            .find(|(candidate, _)| candidate.to_string() == id)
            .map_or_else(|| id.to_owned(), |(_, slug)| slug.clone())
    }

    /// The id a cell names: by slug, else by id (an unknown value is kept for the form's
    /// validation to refuse).
    pub fn id(&self, table: ReferenceTable, cell: &str) -> String {
        self.of(table)
            .iter()
            .find(|(_, slug)| slug == cell)
            .map_or_else(|| cell.to_owned(), |(id, _)| id.to_string())
    }
}

/// The CSV columns of `spec`: `id`, every form input, then the members (`parties` for
/// agreements, `speakers` for programme items).
pub fn columns(spec: &EntitySpec) -> Vec<String> {
    let mut columns = vec!["id".to_owned()];
    columns.extend(form::input_names_of(spec));
    if let Some(members) = spec.members {
        columns.push(members.name.to_owned());
    }
    columns
}

/// The field an input name belongs to.
fn field_of<'a>(spec: &'a EntitySpec, input: &str) -> Option<&'a super::spec::Field> {
    let column = input.split('.').next().unwrap_or(input);
    spec.fields.iter().find(|f| f.column == column)
}

/// A stored row's cells, one per column of [`columns`].
pub fn cells(spec: &EntitySpec, id: i64, row: &Map<String, Value>, slugs: &Slugs) -> Vec<String> {
    let raw = RawValues::from_row(spec, Some(row));
    columns(spec)
        .iter()
        .map(|input| {
            if input == "id" {
                return id.to_string();
            }
            if let Some(members) = spec.members.filter(|m| m.name == input) {
                return raw
                    .members
                    .iter()
                    .map(|id| slugs.slug(members.table, id))
                    .collect::<Vec<_>>()
                    .join(" ");
            }
            if let Some(version) = input.strip_suffix(".translated") {
                // The form ticks the box of a version not written yet; a file says only
                // what is so.
                let marked = !raw.get(version).is_empty() && raw.get(input) == "on";
                return if marked { "yes" } else { "" }.to_owned();
            }
            match field_of(spec, input).map(|f| f.kind) {
                Some(FieldKind::Published) => {
                    if raw.get(input) == "on" { "yes" } else { "no" }.to_owned()
                }
                Some(FieldKind::Reference(table)) if !raw.get(input).is_empty() => {
                    slugs.slug(table, raw.get(input))
                }
                // A text that a spreadsheet would run as a formula is shown as text;
                // the import reads it back as written.
                _ => crate::web::spreadsheet::guard(raw.get(input).to_owned()),
            }
        })
        .collect()
}

/// Apply a CSV row's cells to `raw` (the stored entry's values, or a new entry's defaults):
/// a column the file does not have keeps its value. `Err` names a yes/no cell spelt otherwise.
pub fn apply_cells(
    spec: &EntitySpec,
    raw: &mut RawValues,
    header: &[String],
    record: &csv::StringRecord,
    slugs: &Slugs,
) -> Result<(), String> {
    for (input, cell) in header.iter().zip(record.iter()) {
        if input == "id" {
            continue;
        }
        if let Some(members) = spec.members.filter(|m| m.name == input) {
            raw.members = cell
                .split_whitespace()
                .map(|slug| slugs.id(members.table, slug))
                .collect();
            continue;
        }
        let kind = field_of(spec, input).map(|f| f.kind);
        let value = if input.ends_with(".translated") || matches!(kind, Some(FieldKind::Published))
        {
            match cell.trim().to_lowercase().as_str() {
                "yes" | "y" | "true" | "1" | "on" => "on".to_owned(),
                "no" | "n" | "false" | "0" | "" => String::new(),
                _ => return Err(input.clone()),
            }
        } else {
            match kind {
                Some(FieldKind::Reference(table)) => slugs.id(table, cell.trim()),
                _ => crate::web::spreadsheet::read_back(cell).to_owned(),
            }
        };
        raw.fields.insert(input.clone(), value);
    }
    Ok(())
}

/// The list as a CSV file: the same search, filters and sort, every page.
pub async fn export(
    State(state): State<AppState>,
    frame: Frame,
    path: EntityPath,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response> {
    let spec = path.spec;
    let lang = frame.lang;
    let mut conn = state.db.acquire().await?;
    let choices = load_choices(&mut conn, spec).await?;
    let request = ListRequest::parse(spec, params, &choices, lang)?;
    let searched = spec.searched_columns();
    let listed = entities::list(
        &mut *conn,
        spec.sql(),
        &request.query(&searched, i64::MAX, 0),
    )
    .await?;
    let slugs = Slugs::load(&mut conn, spec).await?;
    drop(conn);
    let mut writer = csv::Writer::from_writer(Vec::from("\u{feff}".as_bytes()));
    let internal = |error: csv::Error| AppError::Internal(error.into());
    writer.write_record(columns(spec)).map_err(internal)?;
    for (id, row) in &listed.rows {
        writer
            .write_record(cells(spec, *id, row, &slugs))
            .map_err(internal)?;
    }
    let body = writer
        .into_inner()
        .map_err(|error| AppError::Internal(anyhow::anyhow!("{error}")))?;
    tracing::info!(admin = ?frame.email(), entity = spec.key, rows = listed.rows.len(), "exported");
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}.csv\"", spec.key),
            ),
        ],
        body,
    )
        .into_response())
}
