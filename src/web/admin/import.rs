//! Importing people, organisations and booths from a CSV file (the export's columns): a
//! preview of what would be created and what would change (rows matched by slug, field by
//! field), every row checked by the form's own rules with its line number, and nothing written
//! unless every row is valid. Confirming posts the same file again; it is checked again and
//! written in one transaction, which history records as the admin's.

use std::collections::{HashMap, HashSet};

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{Map, Value};
use sqlx::{Acquire, PgConnection};

use super::context::AdminContext;
use super::edit::constraint_errors;
use super::entry::{load_choices, title_of};
use super::extract::{EntityPath, Frame};
use super::form::{self, Change, Choices, RawValues};
use super::session;
use super::spec::EntitySpec;
use super::table_csv::{self, Slugs};
use crate::db::entities::{self, ListQuery};
use crate::db::history;
use crate::error::{AppError, Result};
use crate::i18n::Lang;
use crate::state::AppState;

/// The entities whose lists can be imported.
const IMPORTABLE: &[&str] = &["people", "organisations", "booths"];

/// Whether `spec`'s list can be imported from a file.
pub fn is_importable(spec: &EntitySpec) -> bool {
    IMPORTABLE.contains(&spec.key)
}

/// A problem with one line of the file (line 1 is the header).
pub struct LineError {
    line: u64,
    column: String,
    message: String,
}

/// An entry the file would create.
pub struct Creation {
    line: u64,
    slug: String,
    title: String,
}

/// An entry the file would change, and how.
pub struct Update {
    line: u64,
    slug: String,
    changes: Vec<Change>,
}

/// What a file would do.
#[derive(Default)]
struct Plan {
    /// `(line, values)` to insert.
    creations: Vec<(u64, form::Parsed)>,
    /// `(line, id, version, values)` to update.
    updates: Vec<(u64, i64, i32, form::Parsed)>,
    created: Vec<Creation>,
    changed: Vec<Update>,
    unchanged: usize,
    errors: Vec<LineError>,
    /// The id and version of every existing entry the file names: confirming a preview
    /// whose entries changed since shows the preview again.
    basis: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/import.html")]
pub struct ImportPage {
    ctx: AdminContext,
    lang: Lang,
    spec: &'static EntitySpec,
    /// The file's text (kept after errors, and posted again to confirm).
    text: String,
    errors: Vec<LineError>,
    created: Vec<Creation>,
    changed: Vec<Update>,
    unchanged: usize,
    basis: String,
    /// A preview (the file was read and every row is valid).
    previewed: bool,
    /// A preview to confirm (something to do).
    confirmable: bool,
    /// Why the preview is shown again instead of being written.
    notice: Option<String>,
}

fn importable(path: &EntityPath) -> Result<&'static EntitySpec> {
    let spec = path.collection()?;
    if IMPORTABLE.contains(&spec.key) {
        Ok(spec)
    } else {
        Err(AppError::NotFound)
    }
}

/// The upload form.
pub async fn form(frame: Frame, path: EntityPath) -> Result<ImportPage> {
    let spec = importable(&path)?;
    Ok(ImportPage {
        ctx: frame.context().await?,
        lang: frame.lang,
        spec,
        text: String::new(),
        errors: Vec::new(),
        created: Vec::new(),
        changed: Vec::new(),
        unchanged: 0,
        basis: String::new(),
        previewed: false,
        confirmable: false,
        notice: None,
    })
}

/// What the upload form (or the preview's confirm form) sent.
struct Upload {
    csrf_token: Option<String>,
    text: String,
    confirm: bool,
    basis: String,
}

/// Read the multipart form: the file, else the pasted text.
async fn read_upload(mut multipart: Multipart, lang: Lang) -> Result<Upload> {
    let bad = |_| AppError::BadRequest(lang.t("admin.import.unreadable").to_owned());
    let mut upload = Upload {
        csrf_token: None,
        text: String::new(),
        confirm: false,
        basis: String::new(),
    };
    let mut file: Option<Vec<u8>> = None;
    // Every text part must be UTF-8 as sent (multer's `text()` would replace bad bytes).
    let not_text = || AppError::BadRequest(lang.t("admin.import.not_utf8").to_owned());
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" => {
                let bytes = field.bytes().await.map_err(bad)?;
                if !bytes.is_empty() {
                    file = Some(bytes.to_vec());
                }
            }
            "csrf_token" | "csv" | "confirm" | "basis" => {
                let bytes = field.bytes().await.map_err(bad)?;
                let text = String::from_utf8(bytes.to_vec()).map_err(|_| not_text())?;
                match name.as_str() {
                    "csrf_token" => upload.csrf_token = Some(text),
                    "csv" => upload.text = text,
                    "confirm" => upload.confirm = !text.is_empty(),
                    _ => upload.basis = text,
                }
            }
            _ => {}
        }
    }
    if let Some(bytes) = file {
        upload.text = String::from_utf8(bytes)
            .map_err(|_| AppError::BadRequest(lang.t("admin.import.not_utf8").to_owned()))?;
    }
    upload.text = upload
        .text
        .strip_prefix('\u{feff}')
        .unwrap_or(&upload.text)
        .to_owned();
    Ok(upload)
}

/// Check every row of `text` against the stored entries, with the form's rules.
fn plan(
    spec: &'static EntitySpec,
    text: &str,
    existing: &HashMap<String, (i64, Map<String, Value>)>,
    slugs: &Slugs,
    choices: &Choices,
    lang: Lang,
) -> Plan {
    let mut plan = Plan::default();
    let error = |line: u64, column: &str, message: String| LineError {
        line,
        column: column.to_owned(),
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(header) => header.iter().map(|h| h.trim().to_owned()).collect(),
        Err(_) => {
            plan.errors
                .push(error(1, "", lang.t("admin.import.unreadable").to_owned()));
            return plan;
        }
    };
    let known = table_csv::columns(spec);
    let mut seen_columns = HashSet::new();
    for column in &header {
        if !known.contains(column) {
            plan.errors.push(error(
                1,
                column,
                lang.tf("admin.import.unknown_column", &[("column", column)]),
            ));
        } else if !seen_columns.insert(column.as_str()) {
            plan.errors.push(error(
                1,
                column,
                lang.tf("admin.import.repeated_column", &[("column", column)]),
            ));
        }
    }
    let Some(slug_index) = header.iter().position(|h| h == "slug") else {
        plan.errors.push(error(
            1,
            "",
            lang.t("admin.import.no_slug_column").to_owned(),
        ));
        return plan;
    };
    if !plan.errors.is_empty() {
        return plan;
    }
    let mut seen_slugs: HashMap<String, u64> = HashMap::new();
    let mut basis = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(problem) => {
                let line = problem.position().map_or(0, |p| p.line());
                plan.errors
                    .push(error(line, "", lang.t("admin.import.bad_line").to_owned()));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let slug = record.get(slug_index).unwrap_or_default().trim().to_owned();
        if let Some(first) = seen_slugs.insert(slug.clone(), line)
            && !slug.is_empty()
        {
            plan.errors.push(error(
                line,
                "slug",
                lang.tf1("admin.import.repeated_slug", "line", first),
            ));
            continue;
        }
        let current = existing.get(&slug);
        let mut raw = RawValues::from_row(spec, current.map(|(_, row)| row));
        if let Err(column) = table_csv::apply_cells(spec, &mut raw, &header, &record, slugs) {
            plan.errors.push(error(
                line,
                &column,
                lang.t("admin.import.yes_no").to_owned(),
            ));
            continue;
        }
        let parsed = match form::parse(spec, &raw, choices, lang) {
            Ok(parsed) => parsed,
            Err(problems) => {
                plan.errors.extend(problems.into_iter().map(|problem| {
                    error(
                        line,
                        &problem.column,
                        format!("{}{}{}", problem.label, lang.colon(), problem.message),
                    )
                }));
                continue;
            }
        };
        match current {
            Some((id, row)) => {
                let version = super::entry::version_of(row);
                basis.push(format!("{id}:{version}"));
                let mut after = row.clone();
                after.extend(parsed.values.clone());
                let changes = form::diff(spec, Some(row), Some(&after), choices, lang);
                if changes.is_empty() {
                    plan.unchanged += 1;
                } else {
                    plan.changed.push(Update {
                        line,
                        slug,
                        changes,
                    });
                    plan.updates.push((line, *id, version, parsed));
                }
            }
            None => {
                plan.created.push(Creation {
                    line,
                    slug,
                    title: title_of(spec, &parsed.values),
                });
                plan.creations.push((line, parsed));
            }
        }
    }
    if plan.errors.is_empty() && seen_slugs.is_empty() {
        plan.errors
            .push(error(1, "", lang.t("admin.import.empty").to_owned()));
    }
    plan.basis = basis.join(" ");
    plan
}

/// Write the plan in `tx` (each row in a savepoint); what the database refused, by line.
async fn write(
    tx: &mut PgConnection,
    spec: &'static EntitySpec,
    plan: &Plan,
    lang: Lang,
) -> Result<Vec<LineError>> {
    let mut refused = Vec::new();
    let outcomes = plan
        .creations
        .iter()
        .map(|(line, parsed)| (*line, None, parsed))
        .chain(
            plan.updates
                .iter()
                .map(|(line, id, version, parsed)| (*line, Some((*id, *version)), parsed)),
        );
    for (line, target, parsed) in outcomes {
        let mut row_tx = tx.begin().await?;
        let result = match target {
            None => entities::insert(&mut *row_tx, spec.sql(), &parsed.values)
                .await
                .map(|_| true),
            Some((id, version)) => {
                entities::update(&mut *row_tx, spec.sql(), id, version, &parsed.values)
                    .await
                    .map(|saved| saved.is_some())
            }
        };
        match result {
            Ok(true) => row_tx.commit().await?,
            Ok(false) => {
                row_tx.rollback().await?;
                refused.push(LineError {
                    line,
                    column: "slug".to_owned(),
                    message: lang.t("admin.import.changed_meanwhile").to_owned(),
                });
            }
            Err(error) => {
                row_tx.rollback().await?;
                refused.extend(
                    constraint_errors(spec, error, lang)?
                        .into_iter()
                        .map(|problem| LineError {
                            line,
                            column: problem.column,
                            message: if problem.label.is_empty() {
                                problem.message
                            } else {
                                format!("{}{}{}", problem.label, lang.colon(), problem.message)
                            },
                        }),
                );
            }
        }
    }
    Ok(refused)
}

/// Preview an uploaded file, or (confirmed) write it.
pub async fn upload(
    State(state): State<AppState>,
    frame: Frame,
    path: EntityPath,
    multipart: Multipart,
) -> Result<Response> {
    let spec = importable(&path)?;
    let lang = frame.lang;
    let upload = read_upload(multipart, lang).await?;
    session::check_csrf(&frame.session, upload.csrf_token.as_deref()).await?;

    let mut tx = state.db.begin().await?;
    history::attribute(&mut tx, frame.admin_id(), None).await?;
    let choices = load_choices(&mut tx, spec).await?;
    let slugs = Slugs::load(&mut tx, spec).await?;
    let stored = entities::list(&mut *tx, spec.sql(), &ListQuery::default()).await?;
    let existing: HashMap<String, (i64, Map<String, Value>)> = stored
        .rows
        .into_iter()
        .filter_map(|(id, row)| {
            let slug = row.get("slug")?.as_str()?.to_owned();
            Some((slug, (id, row)))
        })
        .collect();
    let mut plan = plan(spec, &upload.text, &existing, &slugs, &choices, lang);
    // Every row the form accepts is also tried against the database (unique slugs, one booth
    // per organisation): a preview shows what a write would refuse.
    if plan.errors.is_empty() {
        plan.errors = write(&mut tx, spec, &plan, lang).await?;
    }
    let stale = upload.confirm && upload.basis != plan.basis;
    let nothing_to_do = plan.creations.is_empty() && plan.updates.is_empty();
    if upload.confirm && plan.errors.is_empty() && !stale && !nothing_to_do {
        tx.commit().await?;
        tracing::info!(
            admin = ?frame.email(),
            entity = spec.key,
            created = plan.creations.len(),
            changed = plan.updates.len(),
            "imported"
        );
        frame
            .flash(lang.tf(
                "admin.import.done",
                &[
                    (
                        "created",
                        &lang.plural("admin.import.created_count", plan.creations.len()),
                    ),
                    (
                        "changed",
                        &lang.plural("admin.import.changed_count", plan.updates.len()),
                    ),
                ],
            ))
            .await?;
        return Ok(Redirect::to(&format!("/admin/{}", spec.key)).into_response());
    }
    drop(tx);
    let status = if !plan.errors.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else if stale {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    let mut errors = plan.errors;
    errors.sort_by_key(|e| e.line);
    let page = ImportPage {
        ctx: frame.context().await?,
        lang,
        spec,
        text: upload.text,
        previewed: errors.is_empty(),
        confirmable: errors.is_empty() && !nothing_to_do,
        errors,
        created: plan.created,
        changed: plan.changed,
        unchanged: plan.unchanged,
        basis: plan.basis,
        notice: stale.then(|| lang.t("admin.import.preview_stale").to_owned()),
    };
    Ok((status, page).into_response())
}
