//! Creating and editing entries: the form, its validation, and saves that never lose an edit.
//!
//! A form carries the version it was opened at. Saving it when the entry has moved on since
//! merges three ways (see `merge`): inputs the editor did not touch keep the newer values,
//! inputs only the editor changed are taken, and only inputs both changed differently come
//! back as conflicts, each with theirs / yours / the original to choose from.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{Map, Value};
use sqlx::PgConnection;

use super::context::AdminContext;
use super::entry::{is_draft, load_choices, public_url, title_of, version_of};
use super::extract::{CheckedForm, EntityPath, Frame};
use super::form::{
    self, Choices, FieldError, FieldView, OptionView, Parsed, RawValues, Submission,
};
use super::merge::{self, Choice, Merged};
use super::spec::{EntitySpec, Members};
use super::translator;
use crate::db::{entities, history};
use crate::domain::Role;
use crate::error::{AppError, Result};
use crate::i18n::Lang;
use crate::state::AppState;

/// One input both the editor and someone else changed, as the conflict table shows it.
pub struct ConflictRow {
    /// The input's name (`resolve.{input}` carries the choice).
    input: String,
    label: String,
    original: Option<String>,
    theirs: String,
    yours: String,
}

/// What the form page shows about a save that met newer changes.
pub struct ConflictView {
    rows: Vec<ConflictRow>,
    /// Who saved the newer version ("someone else" when the history does not say).
    who: String,
    /// When, if the history says.
    at: Option<String>,
    /// The version the editor's form was opened at (the merge's original).
    base: i32,
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
    /// The entry's members (an agreement's parties), with their rows of choices.
    members: Option<(Members, Vec<Vec<OptionView>>)>,
    member_error: Option<String>,
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

/// Everything a form page is drawn from.
pub struct FormState<'a> {
    pub spec: &'static EntitySpec,
    /// The entry, or `None` for a new one.
    pub id: Option<i64>,
    /// The version the form saves against.
    pub version: i32,
    /// The stored entry (for the heading, draft badge and public link).
    pub row: Option<&'a Map<String, Value>>,
    /// The values the inputs show.
    pub raw: &'a RawValues,
    pub errors: Vec<FieldError>,
    pub choices: &'a Choices,
}

impl FormState<'_> {
    /// The page, framed.
    fn page(self, ctx: AdminContext, lang: Lang) -> FormPage {
        let spec = self.spec;
        let singular = spec.singular_in(lang);
        let heading = match (self.id, self.row) {
            (Some(_), Some(row)) if spec.singleton => {
                lang.tf("admin.edit_forum", &[("title", &title_of(spec, row))])
            }
            (Some(_), Some(row)) => lang.tf(
                "admin.edit_heading",
                &[("singular", singular), ("title", &title_of(spec, row))],
            ),
            _ => lang.tf("admin.new_heading", &[("singular", singular)]),
        };
        let action = match self.id {
            Some(id) => format!("/admin/{}/{id}", spec.key),
            None => format!("/admin/{}/new", spec.key),
        };
        FormPage {
            ctx,
            lang,
            spec,
            heading,
            action,
            id: self.id,
            version: self.version,
            fields: form::field_views(spec, self.raw, &self.errors, self.choices, lang),
            members: spec
                .members
                .map(|m| (m, form::member_rows(m, self.raw, self.choices))),
            member_error: self
                .errors
                .iter()
                .find(|e| spec.members.is_some_and(|m| m.name == e.column))
                .map(|e| e.message.clone()),
            errors: self.errors,
            conflict: None,
            draft: self.row.is_some_and(is_draft),
            public_url: self.row.and_then(|row| public_url(spec, row)),
        }
    }

    /// The form again with its errors (422), everything typed kept.
    async fn invalid(self, frame: &Frame) -> Result<Response> {
        let page = self.page(frame.context().await?, frame.lang);
        Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    }
}

/// An empty form for a new entry (drafts by default: nothing shows until an admin publishes it).
pub async fn new(
    State(state): State<AppState>,
    frame: Frame,
    path: EntityPath,
) -> Result<FormPage> {
    let spec = path.collection()?;
    let mut conn = state.db.acquire().await?;
    let choices = load_choices(&mut conn, spec).await?;
    let raw = RawValues::from_row(spec, None);
    let state = FormState {
        spec,
        id: None,
        version: 0,
        row: None,
        raw: &raw,
        errors: Vec::new(),
        choices: &choices,
    };
    Ok(state.page(frame.context().await?, frame.lang))
}

/// Create an entry from the form.
pub async fn create(
    State(state): State<AppState>,
    frame: Frame,
    path: EntityPath,
    CheckedForm(submission): CheckedForm,
) -> Result<Response> {
    let spec = path.collection()?;
    let raw = RawValues::from_submission(spec, &submission);
    let mut conn = state.db.acquire().await?;
    let choices = load_choices(&mut conn, spec).await?;
    let invalid = |errors| FormState {
        spec,
        id: None,
        version: 0,
        row: None,
        raw: &raw,
        errors,
        choices: &choices,
    };
    let parsed = match form::parse(spec, &raw, &choices, frame.lang) {
        Ok(parsed) => parsed,
        Err(errors) => return invalid(errors).invalid(&frame).await,
    };
    drop(conn);
    let mut tx = state.db.begin().await?;
    history::attribute(&mut tx, frame.admin_id(), None).await?;
    let id = match entities::insert(&mut *tx, spec.sql(), &parsed.values).await {
        Ok(id) => id,
        Err(error) => {
            let errors = constraint_errors(spec, error, frame.lang)?;
            drop(tx);
            return invalid(errors).invalid(&frame).await;
        }
    };
    if spec.members.is_some() {
        // The history trigger of a table with members runs at commit, so it records them too.
        entities::replace_members(&mut tx, spec.key, id, &parsed.members).await?;
    }
    tx.commit().await?;
    tracing::info!(admin = ?frame.email(), entity = spec.key, id, "created");
    frame.flash_about("admin.flash.created", spec).await?;
    Ok(Redirect::to(&format!("/admin/{}/{id}", spec.key)).into_response())
}

/// The form of an existing entry.
pub async fn edit(
    State(state): State<AppState>,
    frame: Frame,
    path: EntityPath,
) -> Result<FormPage> {
    let (spec, id) = (path.spec, path.id()?);
    let mut conn = state.db.acquire().await?;
    let row = entities::load(&mut *conn, spec.sql(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let choices = load_choices(&mut conn, spec).await?;
    let raw = RawValues::from_row(spec, Some(&row));
    let state = FormState {
        spec,
        id: Some(id),
        version: version_of(&row),
        row: Some(&row),
        raw: &raw,
        errors: Vec::new(),
        choices: &choices,
    };
    Ok(state.page(frame.context().await?, frame.lang))
}

/// The editor's choices for conflicting inputs (`resolve.{input}` = theirs / yours / original).
fn resolutions(submission: &Submission) -> Vec<(String, Choice)> {
    submission
        .0
        .iter()
        .filter_map(|(name, value)| {
            let input = name.strip_prefix("resolve.")?;
            Some((input.to_owned(), Choice::parse(value)?))
        })
        .collect()
}

/// Save an edit. When the entry changed since the form was opened, merge three ways: save at
/// once when nothing conflicts, else show the conflicts (409) for the editor to decide.
pub async fn update(
    State(state): State<AppState>,
    frame: Frame,
    path: EntityPath,
    CheckedForm(submission): CheckedForm,
) -> Result<Response> {
    let (spec, id) = (path.spec, path.id()?);
    let lang = frame.lang;
    let version: i32 = submission
        .version()
        .ok_or_else(|| AppError::BadRequest(lang.t("admin.no_version").to_owned()))?;
    let mut raw = RawValues::from_submission(spec, &submission);
    let mut conn = state.db.acquire().await?;
    let current = entities::load(&mut *conn, spec.sql(), id)
        .await?
        .ok_or_else(|| deleted_meanwhile(spec, lang))?;
    let choices = load_choices(&mut conn, spec).await?;

    // A translator changes only translations: everything else stays as the form was opened.
    if frame.role() == Role::Translator {
        let opened = history::snapshot_at(&mut *conn, spec.key, id, version)
            .await?
            .ok_or_else(|| AppError::BadRequest(lang.t("admin.no_version").to_owned()))?;
        let opened = RawValues::from_row(spec, Some(&opened));
        translator::confine(spec, &submission, &mut raw, &opened, lang)?;
    }

    // Choices made on a conflict page: theirs is the version that form was opened at (the
    // `version` it carries), the original the version the editor first opened.
    let chosen = resolutions(&submission);
    if !chosen.is_empty() {
        // Theirs is the version the conflict form was opened at: the current row while nobody
        // saved since, else history's copy of it. Without either, a choice cannot be honoured.
        let theirs = if version == version_of(&current) {
            Some(current.clone())
        } else {
            history::snapshot_at(&mut *conn, spec.key, id, version).await?
        };
        let theirs = theirs.ok_or_else(|| {
            AppError::BadRequest(lang.tf(
                "admin.changed_meanwhile",
                &[("singular", spec.singular_in(lang))],
            ))
        })?;
        let base: Option<i32> = submission.get("merge_base").and_then(|v| v.parse().ok());
        let original = match base {
            Some(base) => history::snapshot_at(&mut *conn, spec.key, id, base).await?,
            None => None,
        };
        merge::resolve(
            spec,
            &mut raw,
            &chosen,
            &RawValues::from_row(spec, Some(&theirs)),
            original
                .as_ref()
                .map(|row| RawValues::from_row(spec, Some(row)))
                .as_ref(),
        );
    }

    // The editor's input, refused: the form again with it and the errors.
    let refused = |errors| FormState {
        spec,
        id: Some(id),
        version,
        row: Some(&current),
        raw: &raw,
        errors,
        choices: &choices,
    };
    let parsed = match form::parse(spec, &raw, &choices, lang) {
        Ok(parsed) => parsed,
        Err(errors) => return refused(errors).invalid(&frame).await,
    };
    let yours = RawValues::from_parsed(spec, &parsed);
    if version == version_of(&current) {
        drop(conn);
        return match try_save(&state, &frame, spec, id, version, &parsed).await? {
            Saved::Yes => saved(&frame, spec, id, &[]).await,
            Saved::Stale => {
                // Someone saved between our read and our write: merge against theirs.
                let mut conn = state.db.acquire().await?;
                merge_and_save(
                    &state, &mut conn, &frame, spec, id, version, &yours, &choices,
                )
                .await
            }
            Saved::Refused(errors) => refused(errors).invalid(&frame).await,
        };
    }
    merge_and_save(
        &state, &mut conn, &frame, spec, id, version, &yours, &choices,
    )
    .await
}

/// How a save went.
enum Saved {
    Yes,
    /// The entry is no longer at the version the save was for.
    Stale,
    /// A constraint refused it (a slug taken, ...): errors for the form.
    Refused(Vec<FieldError>),
}

async fn try_save(
    state: &AppState,
    frame: &Frame,
    spec: &EntitySpec,
    id: i64,
    version: i32,
    parsed: &Parsed,
) -> Result<Saved> {
    let mut tx = state.db.begin().await?;
    history::attribute(&mut tx, frame.admin_id(), None).await?;
    match save(&mut tx, spec, id, version, parsed).await {
        Ok(true) => {
            tx.commit().await?;
            tracing::info!(admin = ?frame.email(), entity = spec.key, id, "updated");
            Ok(Saved::Yes)
        }
        Ok(false) => Ok(Saved::Stale),
        Err(error) => Ok(Saved::Refused(constraint_errors(spec, error, frame.lang)?)),
    }
}

/// After a save: the form again, with a message (naming what others had changed, if merged).
async fn saved(frame: &Frame, spec: &EntitySpec, id: i64, kept: &[String]) -> Result<Response> {
    if kept.is_empty() {
        frame.flash_about("admin.flash.saved", spec).await?;
    } else {
        let labels: Vec<String> = kept
            .iter()
            .map(|input| form::label_of_input(spec, input, frame.lang))
            .collect();
        frame
            .flash(frame.lang.tf(
                "admin.flash.merged",
                &[
                    ("singular", spec.singular_in(frame.lang)),
                    ("fields", &frame.lang.and_list(&labels)),
                ],
            ))
            .await?;
    }
    Ok(Redirect::to(&format!("/admin/{}/{id}", spec.key)).into_response())
}

/// The editor's values (`yours`, edited from version `base`) meet newer ones: merge, and save
/// when nothing conflicts (retrying if yet another save comes between), else show the conflicts.
#[allow(clippy::too_many_arguments)]
async fn merge_and_save(
    state: &AppState,
    conn: &mut PgConnection,
    frame: &Frame,
    spec: &'static EntitySpec,
    id: i64,
    base: i32,
    yours: &RawValues,
    choices: &Choices,
) -> Result<Response> {
    let lang = frame.lang;
    let original = history::snapshot_at(&mut *conn, spec.key, id, base)
        .await?
        .map(|row| RawValues::from_row(spec, Some(&row)));
    for _ in 0..3 {
        let theirs = entities::load(&mut *conn, spec.sql(), id)
            .await?
            .ok_or_else(|| deleted_meanwhile(spec, lang))?;
        let theirs_raw = RawValues::from_row(spec, Some(&theirs));
        let merged = merge::merge(spec, original.as_ref(), &theirs_raw, yours);
        if !merged.conflicts.is_empty() {
            return conflict_page(conn, frame, spec, id, base, &theirs, merged, choices).await;
        }
        // The merged values, refused: the form again with them (against theirs) and the errors.
        let refused = |errors| FormState {
            spec,
            id: Some(id),
            version: version_of(&theirs),
            row: Some(&theirs),
            raw: &merged.values,
            errors,
            choices,
        };
        let parsed = match form::parse(spec, &merged.values, choices, lang) {
            Ok(parsed) => parsed,
            Err(errors) => return refused(errors).invalid(frame).await,
        };
        match try_save(state, frame, spec, id, version_of(&theirs), &parsed).await? {
            Saved::Yes => return saved(frame, spec, id, &merged.kept_theirs).await,
            Saved::Stale => continue,
            Saved::Refused(errors) => return refused(errors).invalid(frame).await,
        }
    }
    Err(AppError::BadRequest(lang.tf(
        "admin.changed_meanwhile",
        &[("singular", spec.singular_in(lang))],
    )))
}

/// The 409 page: the merged form (saving it saves against theirs) and a table of the inputs
/// both sides changed, each with theirs / yours / the original to choose from.
#[allow(clippy::too_many_arguments)]
async fn conflict_page(
    conn: &mut PgConnection,
    frame: &Frame,
    spec: &'static EntitySpec,
    id: i64,
    base: i32,
    theirs: &Map<String, Value>,
    merged: Merged,
    choices: &Choices,
) -> Result<Response> {
    let lang = frame.lang;
    let latest = history::for_entry(&mut *conn, spec.key, id).await?;
    let latest = latest.first();
    let who = latest
        .and_then(|entry| entry.admin_email.clone())
        .unwrap_or_else(|| lang.t("admin.conflict.someone").to_owned());
    let at = latest.map(|entry| lang.date_time(entry.at));
    let show = |input: &str, value: &str| form::display_input(spec, input, value, choices, lang);
    let rows = merged
        .conflicts
        .iter()
        .map(|conflict| ConflictRow {
            input: conflict.input.clone(),
            label: form::label_of_input(spec, &conflict.input, lang),
            original: conflict
                .original
                .as_deref()
                .map(|value| show(&conflict.input, value)),
            theirs: show(&conflict.input, &conflict.theirs),
            yours: show(&conflict.input, &conflict.yours),
        })
        .collect();
    tracing::info!(
        admin = ?frame.email(), entity = spec.key, id,
        conflicts = merged.conflicts.len(), "save met newer changes: conflicts shown"
    );
    let state = FormState {
        spec,
        id: Some(id),
        version: version_of(theirs),
        row: Some(theirs),
        raw: &merged.values,
        errors: Vec::new(),
        choices,
    };
    let mut page = state.page(frame.context().await?, lang);
    page.conflict = Some(ConflictView {
        rows,
        who,
        at,
        base,
    });
    Ok((StatusCode::CONFLICT, page).into_response())
}

fn deleted_meanwhile(spec: &EntitySpec, lang: Lang) -> AppError {
    AppError::BadRequest(lang.tf(
        "admin.deleted_while_editing",
        &[("singular", spec.singular_in(lang))],
    ))
}

/// Write parsed values (and members) when the row still has `version`; false when it does not.
pub(super) async fn save(
    tx: &mut PgConnection,
    spec: &EntitySpec,
    id: i64,
    version: i32,
    parsed: &Parsed,
) -> sqlx::Result<bool> {
    if spec.members.is_some() {
        // Check the version first, holding the row, so members are only replaced on a real save.
        let locked = entities::lock_version(&mut *tx, spec.sql(), id).await?;
        if locked != Some(version) {
            return Ok(false);
        }
        entities::replace_members(&mut *tx, spec.key, id, &parsed.members).await?;
    }
    Ok(
        entities::update(&mut *tx, spec.sql(), id, version, &parsed.values)
            .await?
            .is_some(),
    )
}

/// Map a constraint violation to form errors; anything else is a real failure.
pub(super) fn constraint_errors(
    spec: &EntitySpec,
    error: sqlx::Error,
    lang: Lang,
) -> Result<Vec<FieldError>> {
    let sqlx::Error::Database(db_error) = &error else {
        return Err(error.into());
    };
    let constraint = db_error.constraint().unwrap_or_default().to_owned();
    let detail = db_error
        .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
        .and_then(|pg| pg.detail());
    if let Some(error) = super::plan_form::constraint_error(spec, &constraint, detail, lang) {
        return Ok(vec![error]);
    }
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

/// The entry's public page as visitors will see it once published (drafts shown, and marked).
pub async fn preview(State(state): State<AppState>, path: EntityPath) -> Result<Response> {
    use crate::db::Visibility::IncludingDrafts;
    use crate::web::public::{agreements, exhibitors, organisations, speakers};
    let (spec, id) = (path.spec, path.id()?);
    let row = entities::load(&state.db, spec.sql(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let slug = row
        .get("slug")
        .and_then(Value::as_str)
        .ok_or(AppError::NotFound)?
        .to_owned();
    let page = match spec.key {
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
    };
    crate::web::media::for_admin_preview(page).await
}
