//! The generic admin pages of every entity: list, create, edit (with conflict detection),
//! delete (with its dependents), history (with diffs, revert and restore).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde_json::{Map, Value};
use sqlx::PgConnection;
use tower_sessions::Session;

use super::context::AdminContext;
use super::form::{
    self, Change, Choices, FieldError, FieldView, OptionView, Parsed, RawValues, Submission,
    TRANSLATIONS,
};
use super::spec::{self, EntitySpec, FilterKind};
use super::{CurrentAdmin, session, translations};
use crate::db::{self, entities, history};
use crate::domain::history_note::{HistoryNote, VersionTime};
use crate::error::{AppError, Result};
use crate::i18n::{Lang, Locale};
use crate::state::AppState;

/// Leave a message for the next page, naming the entity (`admin.flash.saved`, ...).
async fn flash(session: &Session, key: &str, spec: &EntitySpec) -> Result<()> {
    let lang = Locale::current().lang;
    session::set_flash(
        session,
        lang.tf(key, &[("singular", spec.singular_in(lang))]),
    )
    .await
}

/// A posted form, once its CSRF token has been checked against the session.
async fn checked_submission(session: &Session, pairs: Vec<(String, String)>) -> Result<Submission> {
    let submission = Submission(pairs);
    session::check_csrf(session, submission.get("csrf_token")).await?;
    Ok(submission)
}

/// Look up the entity named in the path.
fn entity(key: &str) -> Result<&'static EntitySpec> {
    spec::find(key).ok_or(AppError::NotFound)
}

/// An entity of many entries, which can be listed, added to and deleted from (not the forum).
fn collection(key: &str) -> Result<&'static EntitySpec> {
    entity(key).and_then(|spec| {
        if spec.singleton {
            Err(AppError::NotFound)
        } else {
            Ok(spec)
        }
    })
}

/// The id in the path (the forum's is always 1).
fn entry_id(id: &str) -> Result<i64> {
    id.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(AppError::NotFound)
}

async fn load_choices(db: &mut PgConnection, spec: &EntitySpec) -> Result<Choices> {
    use crate::db::entities::ReferenceTable;
    use spec::FieldKind;
    let mut choices = Choices::default();
    let needs = |table: ReferenceTable| {
        spec.fields
            .iter()
            .any(|f| matches!(f.kind, FieldKind::Reference(t) if t == table))
            || spec
                .filters
                .iter()
                .any(|f| matches!(f.kind, FilterKind::Reference(t) if t == table))
    };
    if needs(ReferenceTable::Organisations) || spec.has_parties {
        choices.organisations = entities::choices(&mut *db, ReferenceTable::Organisations).await?;
    }
    if needs(ReferenceTable::People) {
        choices.people = entities::choices(&mut *db, ReferenceTable::People).await?;
    }
    Ok(choices)
}

/// How an entry is named in lists and headings.
fn title_of(spec: &EntitySpec, row: &Map<String, Value>) -> String {
    let title = form::display_brief(
        spec,
        spec.title,
        row.get(spec.title),
        &Choices::default(),
        Locale::current().lang,
    );
    let mut chars = title.chars();
    let short: String = chars.by_ref().take(90).collect();
    if chars.next().is_some() {
        format!("{short}…")
    } else {
        short
    }
}

fn public_url(spec: &EntitySpec, row: &Map<String, Value>) -> Option<String> {
    let published = row
        .get("published")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let slug = row.get("slug").and_then(Value::as_str)?;
    spec.public_prefix
        .filter(|_| published)
        .map(|prefix| format!("{prefix}{slug}"))
}

fn is_draft(row: &Map<String, Value>) -> bool {
    row.get("published").and_then(Value::as_bool) == Some(false)
}

fn version_of(row: &Map<String, Value>) -> i32 {
    row.get("version").and_then(Value::as_i64).unwrap_or(0) as i32
}

// ----- list -----

/// One row of a list.
pub struct RowView {
    id: i64,
    title: String,
    details: String,
    draft: bool,
    updated: String,
    public_url: Option<String>,
    /// The names of the languages some text of the entry has no version in.
    missing: Vec<&'static str>,
}

/// A filter's select on a list page.
pub struct FilterView {
    name: String,
    label: String,
    options: Vec<OptionView>,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/list.html")]
pub struct ListPage {
    ctx: AdminContext,
    lang: Lang,
    spec: &'static EntitySpec,
    rows: Vec<RowView>,
    search: String,
    filters: Vec<FilterView>,
    sorts: Vec<OptionView>,
    descending: bool,
}

/// The list, searchable, filterable and sortable through its query string.
pub async fn index(
    State(state): State<AppState>,
    session: Session,
    Extension(admin): Extension<CurrentAdmin>,
    Path(key): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response> {
    let spec = entity(&key)?;
    if spec.singleton {
        return Ok(Redirect::to(&format!("/admin/{}/1", spec.key)).into_response());
    }
    let params = Submission(params);
    let search: String = params
        .get("q")
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect::<String>()
        .trim()
        .to_owned();
    let mut conn = state.db.acquire().await?;
    let choices = load_choices(&mut conn, spec).await?;

    let mut filter = Map::new();
    let lang = Locale::current().lang;
    let mut filters = Vec::new();
    for spec_filter in spec.filters {
        let filter_label = match spec_filter.kind {
            FilterKind::Published => lang.t("admin.status").to_owned(),
            _ => spec.label_of(spec_filter.column, lang),
        };
        let name = format!("f_{}", spec_filter.column);
        let chosen = params.get(&name).unwrap_or_default().to_owned();
        let (options, value): (Vec<(String, String)>, Option<Value>) = match spec_filter.kind {
            FilterKind::Choice(options) => (
                options
                    .iter()
                    .map(|(v, l)| ((*v).to_owned(), spec::choice_label(v, l, lang).to_owned()))
                    .collect(),
                options
                    .iter()
                    .find(|(v, _)| *v == chosen)
                    .map(|(v, _)| Value::String((*v).to_owned())),
            ),
            FilterKind::Reference(table) => {
                let list = match table {
                    entities::ReferenceTable::Organisations => &choices.organisations,
                    entities::ReferenceTable::People => &choices.people,
                };
                (
                    list.iter()
                        .map(|(id, l)| (id.to_string(), l.clone()))
                        .collect(),
                    list.iter()
                        .find(|(id, _)| id.to_string() == chosen)
                        .map(|(id, _)| Value::from(*id)),
                )
            }
            FilterKind::Published => (
                vec![
                    (
                        "published".to_owned(),
                        Locale::current().lang.t("admin.published").to_owned(),
                    ),
                    (
                        "draft".to_owned(),
                        Locale::current().lang.t("admin.draft").to_owned(),
                    ),
                ],
                match chosen.as_str() {
                    "published" => Some(Value::Bool(true)),
                    "draft" => Some(Value::Bool(false)),
                    _ => None,
                },
            ),
        };
        if !chosen.is_empty() && value.is_none() {
            return Err(AppError::BadRequest(
                lang.tf("form.listed", &[("label", &filter_label)]),
            ));
        }
        if let Some(value) = value {
            filter.insert(spec_filter.column.to_owned(), value);
        }
        filters.push(FilterView {
            name,
            label: filter_label,
            options: options
                .into_iter()
                .map(|(value, label)| OptionView {
                    selected: value == chosen,
                    value,
                    label,
                })
                .collect(),
        });
    }

    let missing = params.get("missing").unwrap_or_default();
    if !missing.is_empty() && translations::parse_missing(missing).is_none() {
        return Err(AppError::BadRequest(lang.tf(
            "form.listed",
            &[("label", lang.t("admin.translation_filter"))],
        )));
    }
    filters.push(FilterView {
        name: "missing".to_owned(),
        label: lang.t("admin.translation_filter").to_owned(),
        options: TRANSLATIONS
            .iter()
            .map(|(code, ..)| OptionView {
                value: (*code).to_owned(),
                label: lang.t(&format!("admin.needs.{code}")).to_owned(),
                selected: *code == missing,
            })
            .collect(),
    });

    let sort = params
        .get("sort")
        .and_then(|s| spec.sorts.iter().find(|(column, _)| *column == s))
        .or(spec.sorts.first())
        .map_or("id", |(column, _)| *column);
    let descending = params.get("dir") == Some("desc");
    let query = entities::ListQuery {
        search: &search,
        filter,
        sort,
        descending,
        missing,
    };
    let rows = entities::list(&mut *conn, spec.sql, &query).await?;
    let rows = rows
        .into_iter()
        .map(|(id, row)| RowView {
            id,
            title: title_of(spec, &row),
            details: list_details(spec, &row, &choices),
            draft: is_draft(&row),
            updated: row
                .get("updated_at")
                .and_then(Value::as_str)
                .map(|at| changed_at(at, lang))
                .unwrap_or_default(),
            public_url: public_url(spec, &row),
            missing: translations::missing_languages(spec, &row)
                .into_iter()
                .map(|code| lang.t(&format!("language.{code}")))
                .collect(),
        })
        .collect();
    let sorts = spec
        .sorts
        .iter()
        .map(|(column, _)| OptionView {
            value: (*column).to_owned(),
            label: if *column == "updated_at" {
                lang.t("admin.last_changed").to_owned()
            } else {
                spec.label_of(column, lang)
            },
            selected: *column == sort,
        })
        .collect();
    Ok(ListPage {
        ctx: AdminContext::load(&session, &admin).await?,
        lang: Locale::current().lang,
        spec,
        rows,
        search,
        filters,
        sorts,
        descending,
    }
    .into_response())
}

/// When a row last changed (its `updated_at` as JSON gives it), in `lang`.
fn changed_at(at: &str, lang: Lang) -> String {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::parse(at, &Rfc3339)
        .map(|at| lang.date_time(at))
        .unwrap_or_else(|_| at.to_owned())
}

/// A short second line for a list row: the filterable columns' values.
fn list_details(spec: &EntitySpec, row: &Map<String, Value>, choices: &Choices) -> String {
    spec.fields
        .iter()
        .filter(|f| {
            matches!(
                f.kind,
                spec::FieldKind::Reference(_) | spec::FieldKind::Choice(_)
            ) || f.column == "country"
                || f.column == "role"
                || f.column == "short_name"
        })
        .filter_map(|f| {
            let value = row.get(f.column).filter(|v| !v.is_null())?;
            Some(form::display_brief(
                spec,
                f.column,
                Some(value),
                choices,
                Locale::current().lang,
            ))
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

// ----- create and edit -----

/// What the form page shows about a save that lost a race.
pub struct ConflictView {
    changes: Vec<Change>,
    /// Who saved the newer version ("someone else" when the history does not say).
    who: String,
    /// When, if the history says.
    at: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/form.html")]
pub struct FormPage {
    ctx: AdminContext,
    lang: Lang,
    spec: &'static EntitySpec,
    heading: String,
    action: String,
    id: Option<i64>,
    version: i32,
    fields: Vec<FieldView>,
    party_rows: Option<Vec<Vec<OptionView>>>,
    party_error: Option<String>,
    errors: Vec<FieldError>,
    conflict: Option<ConflictView>,
    draft: bool,
    public_url: Option<String>,
}

impl FormPage {
    /// The anchor an error summary entry links to.
    fn error_target(&self, error: &FieldError) -> String {
        if error.column.is_empty() {
            "#form".to_owned()
        } else {
            format!("#field-{}", error.column)
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn form_page(
    ctx: AdminContext,
    spec: &'static EntitySpec,
    id: Option<i64>,
    version: i32,
    row: Option<&Map<String, Value>>,
    raw: &RawValues,
    errors: Vec<FieldError>,
    choices: &Choices,
) -> FormPage {
    let lang = Locale::current().lang;
    let singular = spec.singular_in(lang);
    let heading = match (id, row) {
        (Some(_), Some(row)) if spec.singleton => {
            lang.tf("admin.edit_forum", &[("title", &title_of(spec, row))])
        }
        (Some(_), Some(row)) => lang.tf(
            "admin.edit_heading",
            &[("singular", singular), ("title", &title_of(spec, row))],
        ),
        _ => lang.tf("admin.new_heading", &[("singular", singular)]),
    };
    let action = match id {
        Some(id) => format!("/admin/{}/{id}", spec.key),
        None => format!("/admin/{}/new", spec.key),
    };
    FormPage {
        ctx,
        lang: Locale::current().lang,
        spec,
        heading,
        action,
        id,
        version,
        fields: form::field_views(spec, raw, &errors, choices, Locale::current().lang),
        party_rows: spec.has_parties.then(|| form::party_rows(raw, choices)),
        party_error: errors
            .iter()
            .find(|e| e.column == "parties")
            .map(|e| e.message.clone()),
        errors,
        conflict: None,
        draft: row.is_some_and(is_draft),
        public_url: row.and_then(|row| public_url(spec, row)),
    }
}

/// An empty form for a new entry (drafts by default: nothing shows until an admin publishes it).
pub async fn new(
    State(state): State<AppState>,
    session: Session,
    Extension(admin): Extension<CurrentAdmin>,
    Path(key): Path<String>,
) -> Result<FormPage> {
    let spec = collection(&key)?;
    let mut conn = state.db.acquire().await?;
    let choices = load_choices(&mut conn, spec).await?;
    let raw = RawValues::from_row(spec, None);
    let ctx = AdminContext::load(&session, &admin).await?;
    Ok(form_page(
        ctx,
        spec,
        None,
        0,
        None,
        &raw,
        Vec::new(),
        &choices,
    ))
}

/// Create an entry from the form.
pub async fn create(
    State(state): State<AppState>,
    session: Session,
    Extension(admin): Extension<CurrentAdmin>,
    Path(key): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let spec = collection(&key)?;
    let submission = checked_submission(&session, pairs).await?;
    let raw = RawValues::from_submission(spec, &submission);
    let mut conn = state.db.acquire().await?;
    let choices = load_choices(&mut conn, spec).await?;
    let parsed = match form::parse(spec, &raw, &choices, Locale::current().lang) {
        Ok(parsed) => parsed,
        Err(errors) => {
            return invalid(
                &session, &admin, spec, None, 0, None, &raw, errors, &choices,
            )
            .await;
        }
    };
    drop(conn);
    let mut tx = state.db.begin().await?;
    history::attribute(&mut tx, admin.0.id, None).await?;
    let id = match entities::insert(&mut *tx, spec.sql, &parsed.values).await {
        Ok(id) => id,
        Err(error) => {
            let errors = constraint_errors(spec, error)?;
            drop(tx);
            return invalid(
                &session, &admin, spec, None, 0, None, &raw, errors, &choices,
            )
            .await;
        }
    };
    if spec.has_parties {
        // The agreements' history trigger runs at commit, so it records these parties too.
        entities::replace_parties(&mut tx, id, &parsed.parties).await?;
    }
    tx.commit().await?;
    tracing::info!(admin = %admin.0.email, entity = spec.key, id, "created");
    flash(&session, "admin.flash.created", spec).await?;
    Ok(Redirect::to(&format!("/admin/{}/{id}", spec.key)).into_response())
}

/// The form of an existing entry.
pub async fn edit(
    State(state): State<AppState>,
    session: Session,
    Extension(admin): Extension<CurrentAdmin>,
    Path((key, id)): Path<(String, String)>,
) -> Result<FormPage> {
    let spec = entity(&key)?;
    let id = entry_id(&id)?;
    let mut conn = state.db.acquire().await?;
    let row = entities::load(&mut *conn, spec.sql, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let choices = load_choices(&mut conn, spec).await?;
    let raw = RawValues::from_row(spec, Some(&row));
    let ctx = AdminContext::load(&session, &admin).await?;
    Ok(form_page(
        ctx,
        spec,
        Some(id),
        version_of(&row),
        Some(&row),
        &raw,
        Vec::new(),
        &choices,
    ))
}

/// Save an edit, unless someone else saved since the form was loaded: then 409 and a page
/// that shows their version beside yours, keeping yours in the form.
pub async fn update(
    State(state): State<AppState>,
    session: Session,
    Extension(admin): Extension<CurrentAdmin>,
    Path((key, id)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let spec = entity(&key)?;
    let id = entry_id(&id)?;
    let submission = checked_submission(&session, pairs).await?;
    let version: i32 = submission.version().ok_or_else(|| {
        AppError::BadRequest(Locale::current().lang.t("admin.no_version").to_owned())
    })?;
    let raw = RawValues::from_submission(spec, &submission);
    let mut conn = state.db.acquire().await?;
    let current = entities::load(&mut *conn, spec.sql, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let choices = load_choices(&mut conn, spec).await?;
    let errors = match form::parse(spec, &raw, &choices, Locale::current().lang) {
        Err(errors) => errors,
        Ok(parsed) => {
            drop(conn);
            let mut tx = state.db.begin().await?;
            history::attribute(&mut tx, admin.0.id, None).await?;
            match save(&mut tx, spec, id, version, &parsed).await {
                Ok(true) => {
                    tx.commit().await?;
                    tracing::info!(admin = %admin.0.email, entity = spec.key, id, "updated");
                    flash(&session, "admin.flash.saved", spec).await?;
                    return Ok(Redirect::to(&format!("/admin/{}/{id}", spec.key)).into_response());
                }
                Ok(false) => {
                    drop(tx);
                    return conflict(&state, &session, &admin, spec, id, &raw, &parsed, &choices)
                        .await;
                }
                Err(error) => constraint_errors(spec, error)?,
            }
        }
    };
    invalid(
        &session,
        &admin,
        spec,
        Some(id),
        version,
        Some(&current),
        &raw,
        errors,
        &choices,
    )
    .await
}

/// Write parsed values (and parties) when the row still has `version`; false when it does not.
async fn save(
    tx: &mut PgConnection,
    spec: &EntitySpec,
    id: i64,
    version: i32,
    parsed: &Parsed,
) -> sqlx::Result<bool> {
    if spec.has_parties {
        // Check the version first, holding the row, so parties are only replaced on a real save.
        let locked: Option<i32> =
            sqlx::query_scalar("SELECT version FROM agreements WHERE id = $1 FOR UPDATE")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        if locked != Some(version) {
            return Ok(false);
        }
        entities::replace_parties(&mut *tx, id, &parsed.parties).await?;
    }
    Ok(
        entities::update(&mut *tx, spec.sql, id, version, &parsed.values)
            .await?
            .is_some(),
    )
}

/// Map a constraint violation to form errors; anything else is a real failure.
fn constraint_errors(spec: &EntitySpec, error: sqlx::Error) -> Result<Vec<FieldError>> {
    let sqlx::Error::Database(db_error) = &error else {
        return Err(error.into());
    };
    let constraint = db_error.constraint().unwrap_or_default().to_owned();
    let lang = Locale::current().lang;
    let error = match db_error.code().as_deref() {
        Some("23505") if constraint.ends_with("_slug_key") => FieldError {
            column: "slug".to_owned(),
            label: spec.label_of("slug", lang),
            message: lang.t("form.slug_taken").to_owned(),
        },
        Some("23505") if constraint == "booths_organisation_id_key" => FieldError {
            column: "organisation_id".to_owned(),
            label: spec.label_of("organisation_id", lang),
            message: lang.t("form.booth_taken").to_owned(),
        },
        Some("23503") => FieldError::general(lang.t("form.gone")),
        Some("23514" | "23502") => FieldError::general(lang.t("form.refused")),
        _ => return Err(error.into()),
    };
    Ok(vec![error])
}

#[allow(clippy::too_many_arguments)]
async fn invalid(
    session: &Session,
    admin: &CurrentAdmin,
    spec: &'static EntitySpec,
    id: Option<i64>,
    version: i32,
    row: Option<&Map<String, Value>>,
    raw: &RawValues,
    errors: Vec<FieldError>,
    choices: &Choices,
) -> Result<Response> {
    let ctx = AdminContext::load(session, admin).await?;
    let page = form_page(ctx, spec, id, version, row, raw, errors, choices);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

#[allow(clippy::too_many_arguments)]
async fn conflict(
    state: &AppState,
    session: &Session,
    admin: &CurrentAdmin,
    spec: &'static EntitySpec,
    id: i64,
    raw: &RawValues,
    parsed: &Parsed,
    choices: &Choices,
) -> Result<Response> {
    let mut conn = state.db.acquire().await?;
    let Some(theirs) = entities::load(&mut *conn, spec.sql, id).await? else {
        return Err(AppError::BadRequest(Locale::current().lang.tf(
            "admin.deleted_while_editing",
            &[("singular", spec.singular_in(Locale::current().lang))],
        )));
    };
    let mut yours = parsed.values.clone();
    if spec.has_parties {
        yours.insert("parties".to_owned(), Value::from(parsed.parties.clone()));
    }
    let latest = history::for_entry(&mut *conn, spec.key, id).await?;
    let lang = Locale::current().lang;
    let latest = latest.first();
    let who = latest
        .and_then(|entry| entry.admin_email.clone())
        .unwrap_or_else(|| lang.t("admin.conflict.someone").to_owned());
    let at = latest.map(|entry| lang.date_time(entry.at));
    let changes = form::diff(
        spec,
        Some(&theirs),
        Some(&yours),
        choices,
        Locale::current().lang,
    );
    tracing::info!(admin = %admin.0.email, entity = spec.key, id, "save refused: edited meanwhile");
    let ctx = AdminContext::load(session, admin).await?;
    // The form keeps your input and now carries their version: saving again is a deliberate
    // overwrite after you have seen what they changed.
    let mut page = form_page(
        ctx,
        spec,
        Some(id),
        version_of(&theirs),
        Some(&theirs),
        raw,
        Vec::new(),
        choices,
    );
    page.conflict = Some(ConflictView { changes, who, at });
    Ok((StatusCode::CONFLICT, page).into_response())
}

// ----- preview -----

/// The entry's public page as visitors will see it once published (drafts shown, and marked).
pub async fn preview(
    State(state): State<AppState>,
    Path((key, id)): Path<(String, String)>,
) -> Result<Response> {
    use crate::db::Visibility::IncludingDrafts;
    use crate::web::public::{agreements, exhibitors, organisations, speakers};
    let spec = entity(&key)?;
    let id = entry_id(&id)?;
    let row = entities::load(&state.db, spec.sql, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let slug = row
        .get("slug")
        .and_then(Value::as_str)
        .ok_or(AppError::NotFound)?
        .to_owned();
    Ok(match spec.key {
        "people" => speakers::page(&state, &slug, IncludingDrafts)
            .await?
            .into_response(),
        "organisations" => organisations::page(&state, &slug, IncludingDrafts)
            .await?
            .into_response(),
        "agreements" => agreements::page(&state, &slug, IncludingDrafts)
            .await?
            .into_response(),
        "booths" => exhibitors::page(&state, &slug, IncludingDrafts)
            .await?
            .into_response(),
        _ => return Err(AppError::NotFound),
    })
}

// ----- delete -----

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
    session: &Session,
    admin: &CurrentAdmin,
    spec: &'static EntitySpec,
    id: i64,
    error: Option<String>,
) -> Result<DeletePage> {
    let row = entities::load(&mut *conn, spec.sql, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let dependents = entities::dependents(conn, spec.key, id).await?;
    Ok(DeletePage {
        ctx: AdminContext::load(session, admin).await?,
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
    session: Session,
    Extension(admin): Extension<CurrentAdmin>,
    Path((key, id)): Path<(String, String)>,
) -> Result<DeletePage> {
    let spec = collection(&key)?;
    let id = entry_id(&id)?;
    let mut conn = state.db.acquire().await?;
    delete_page(&mut conn, &session, &admin, spec, id, None).await
}

/// Delete, unless something still depends on the entry or it changed since the page was shown.
pub async fn delete(
    State(state): State<AppState>,
    session: Session,
    Extension(admin): Extension<CurrentAdmin>,
    Path((key, id)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let spec = collection(&key)?;
    let id = entry_id(&id)?;
    let submission = checked_submission(&session, pairs).await?;
    let version: i32 = submission.version().unwrap_or(-1);
    let mut tx = state.db.begin().await?;
    history::attribute(&mut tx, admin.0.id, None).await?;
    let outcome = entities::delete(&mut *tx, spec.sql, id, version).await;
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
        let page = delete_page(&mut conn, &session, &admin, spec, id, Some(problem)).await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    tx.commit().await?;
    tracing::info!(admin = %admin.0.email, entity = spec.key, id, "deleted");
    flash(&session, "admin.flash.deleted", spec).await?;
    Ok(Redirect::to(&format!("/admin/{}", spec.key)).into_response())
}

// ----- history -----

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

/// What a history entry did, in the admin's language.
pub(super) fn action_label(action: &str) -> &'static str {
    Locale::current().lang.t(match action {
        "seed" => "admin.history.seed",
        "create" => "admin.history.create",
        "delete" => "admin.history.delete",
        _ => "admin.history.update",
    })
}

/// Who made a change: the admin's e-mail, or "the system" for seeds and edits made in SQL.
pub(super) fn author_label(admin_email: Option<String>) -> String {
    admin_email.unwrap_or_else(|| Locale::current().lang.t("admin.system").to_owned())
}

/// Every change of an entry, with field-by-field diffs and revert buttons.
pub async fn history(
    State(state): State<AppState>,
    session: Session,
    Extension(admin): Extension<CurrentAdmin>,
    Path((key, id)): Path<(String, String)>,
) -> Result<HistoryPage> {
    let spec = entity(&key)?;
    let id = entry_id(&id)?;
    let mut conn = state.db.acquire().await?;
    let current = entities::load(&mut *conn, spec.sql, id).await?;
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
            let changes = if entry.action == "seed" {
                form::diff(spec, None, after, &choices, Locale::current().lang)
            } else {
                form::diff(spec, before, after, &choices, Locale::current().lang)
            };
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
                    && !form::diff(
                        spec,
                        current.as_ref(),
                        after,
                        &choices,
                        Locale::current().lang,
                    )
                    .is_empty(),
                changes,
            }
        })
        .collect();
    Ok(HistoryPage {
        ctx: AdminContext::load(&session, &admin).await?,
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
    session: Session,
    Extension(admin): Extension<CurrentAdmin>,
    Path((key, id, history_id)): Path<(String, String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let spec = entity(&key)?;
    let id = entry_id(&id)?;
    let history_id = entry_id(&history_id)?;
    let submission = checked_submission(&session, pairs).await?;
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
        parties: target
            .get("parties")
            .and_then(Value::as_array)
            .map(|ids| ids.iter().filter_map(Value::as_i64).collect())
            .unwrap_or_default(),
    };
    drop(conn);
    let note = HistoryNote::Reverted(VersionTime::At(entry.at)).stored();
    let mut tx = state.db.begin().await?;
    history::attribute(&mut tx, admin.0.id, Some(&note)).await?;
    let message = match save(&mut tx, spec, id, version, &parsed).await {
        Ok(true) => {
            tx.commit().await?;
            tracing::info!(admin = %admin.0.email, entity = spec.key, id, history_id, "reverted");
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
    session::set_flash(&session, message).await?;
    Ok(Redirect::to(&format!("/admin/{}/{id}/history", spec.key)).into_response())
}

/// Bring a deleted entry back as it was just before it was deleted (same id).
pub async fn restore(
    State(state): State<AppState>,
    session: Session,
    Extension(admin): Extension<CurrentAdmin>,
    Path((key, id)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let spec = entity(&key)?;
    let id = entry_id(&id)?;
    checked_submission(&session, pairs).await?;
    let mut conn = state.db.acquire().await?;
    if entities::load(&mut *conn, spec.sql, id).await?.is_some() {
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
    history::attribute(&mut tx, admin.0.id, Some(&HistoryNote::Restored.stored())).await?;
    let restored = async {
        entities::restore(&mut *tx, spec.sql, &snapshot).await?;
        if spec.has_parties {
            let parties: Vec<i64> = snapshot
                .get("parties")
                .and_then(Value::as_array)
                .map(|ids| ids.iter().filter_map(Value::as_i64).collect())
                .unwrap_or_default();
            entities::replace_parties(&mut tx, id, &parties).await?;
        }
        Ok::<(), sqlx::Error>(())
    }
    .await;
    match restored {
        Ok(()) => {
            tx.commit().await?;
            tracing::info!(admin = %admin.0.email, entity = spec.key, id, "restored");
            flash(&session, "admin.flash.restored", spec).await?;
            Ok(Redirect::to(&format!("/admin/{}/{id}", spec.key)).into_response())
        }
        Err(sqlx::Error::Database(error))
            if matches!(error.code().as_deref(), Some("23505" | "23503")) =>
        {
            drop(tx);
            session::set_flash(
                &session,
                Locale::current().lang.tf(
                    "admin.restore_refused",
                    &[("singular", spec.singular_in(Locale::current().lang))],
                ),
            )
            .await?;
            Ok(Redirect::to(&format!("/admin/{}/{id}/history", spec.key)).into_response())
        }
        Err(error) => Err(error.into()),
    }
}

// ----- deleted entries -----

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
    session: Session,
    Extension(admin): Extension<CurrentAdmin>,
    Path(key): Path<String>,
) -> Result<DeletedPage> {
    let spec = entity(&key)?;
    let entries = db::history::deleted(&state.db, spec.key).await?;
    Ok(DeletedPage {
        ctx: AdminContext::load(&session, &admin).await?,
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
