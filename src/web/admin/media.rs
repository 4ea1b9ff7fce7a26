//! The "Picture" / "Documents" page of a person, an organisation or an agreement
//! (`/admin/{entity}/{id}/media`): upload a photo or logo with its alt text in three languages,
//! or a signed PDF per language; change the alt text; remove. Uploads are multipart forms with a
//! larger body limit of their own ([`super::UPLOAD_BODY_LIMIT`]); attaching or removing is an
//! edit of the entry, so history records it and a revert brings the old file back.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::context::AdminContext;
use super::entry::title_of;
use super::extract::{CheckedForm, EntityPath, Frame};
use super::form::Submission;
use super::session;
use super::spec::EntitySpec;
use crate::db::entities;
use crate::db::history;
use crate::db::media::{self, Document, Picture, Slot};
use crate::domain::LocalizedText;
use crate::error::{AppError, Result};
use crate::i18n::Lang;
use crate::media::Refusal;
use crate::media::picture::Purpose;
use crate::state::AppState;

/// Longest alt text or caption, in characters.
pub const MAX_TEXT: usize = 500;

/// One place an upload can go, as the page shows it.
pub struct SlotView {
    /// The form's `slot` value: `picture`, or a language code for documents.
    pub key: &'static str,
    pub heading: String,
    pub is_picture: bool,
    pub picture: Option<Picture>,
    pub document: Option<Document>,
    /// The alt texts shown in the inputs (en, zh, ur): what was typed, else what is stored.
    pub alt: [String; 3],
    pub error: Option<String>,
    /// The error belongs to the alt-text form (not the upload form).
    pub alt_error: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/media.html")]
pub struct MediaPage {
    ctx: AdminContext,
    lang: Lang,
    spec: &'static EntitySpec,
    id: i64,
    title: String,
    slots: Vec<SlotView>,
}

impl MediaPage {
    /// The label of an alt-text input in language `index` (0 en, 1 zh, 2 ur).
    fn alt_label(&self, index: &usize) -> String {
        let language = Lang::ALL[*index].name_in(self.lang);
        self.lang.tf1("media.alt_in", "language", language)
    }

    /// The language code of input `index`.
    fn code(&self, index: &usize) -> &'static str {
        Lang::ALL[*index].code()
    }

    /// The `lang` attribute of input `index`.
    fn tag(&self, index: &usize) -> &'static str {
        Lang::ALL[*index].tag()
    }

    /// The `dir` attribute of input `index`.
    fn dir(&self, index: &usize) -> &'static str {
        Lang::ALL[*index].dir()
    }
}

/// Whether entity `key` has uploads (the edit page links here).
pub fn has_media(key: &str) -> bool {
    matches!(key, "people" | "organisations" | "agreements")
}

/// The slot named by a form's `slot` value for `spec`.
fn slot_of(spec: &EntitySpec, key: &str) -> Option<Slot> {
    match key {
        "picture" => Slot::of(spec.key, None),
        code => Slot::of(spec.key, Some(Lang::from_code(code)?)),
    }
}

/// The slots of `spec`, in page order.
fn slots_of(spec: &EntitySpec) -> Vec<(&'static str, Slot)> {
    match spec.key {
        "people" => vec![("picture", Slot::Photo)],
        "organisations" => vec![("picture", Slot::Logo)],
        "agreements" => Lang::ALL
            .iter()
            .map(|lang| (lang.code(), Slot::Document(*lang)))
            .collect(),
        _ => Vec::new(),
    }
}

/// A problem shown on the page instead of saving: in which slot, which message, what was typed.
struct Problem {
    slot: &'static str,
    message: String,
    alt: Option<[String; 3]>,
    alt_form: bool,
}

/// Build the page; `problem` puts an error (and the typed values) in its slot.
async fn page(
    state: &AppState,
    frame: &Frame,
    spec: &'static EntitySpec,
    id: i64,
    problem: Option<Problem>,
) -> Result<MediaPage> {
    if !has_media(spec.key) {
        return Err(AppError::NotFound);
    }
    let mut conn = state.db.acquire().await?;
    let row = entities::load(&mut *conn, spec.sql(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let lang = frame.lang;
    let mut slots = Vec::new();
    for (key, slot) in slots_of(spec) {
        let attached = media::attached(&mut conn, slot, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let stored_alt = attached
            .as_ref()
            .and_then(|a| a.alt.clone())
            .map(|alt| Lang::ALL.map(|l| alt.get(l.code()).unwrap_or_default().to_owned()))
            .unwrap_or_default();
        let mine = problem.as_ref().filter(|p| p.slot == key);
        let heading = match slot {
            Slot::Photo => lang.t("media.photo").to_owned(),
            Slot::Logo => lang.t("media.logo").to_owned(),
            Slot::Document(doc_lang) => {
                lang.tf1("media.document_in", "language", doc_lang.name_in(lang))
            }
        };
        slots.push(SlotView {
            key,
            heading,
            is_picture: slot.is_picture(),
            picture: attached.as_ref().and_then(media::Attached::picture),
            document: attached.as_ref().and_then(|a| {
                Some(Document {
                    digest: a.digest.clone(),
                    filename: a.filename.clone()?,
                    byte_size: a.byte_size,
                    preview: true,
                })
            }),
            alt: mine.and_then(|p| p.alt.clone()).unwrap_or(stored_alt),
            error: mine.map(|p| p.message.clone()),
            alt_error: mine.is_some_and(|p| p.alt_form),
        });
    }
    drop(conn);
    Ok(MediaPage {
        ctx: frame.context().await?,
        lang,
        spec,
        id,
        title: title_of(spec, &row),
        slots,
    })
}

/// The page.
pub async fn show(
    State(state): State<AppState>,
    frame: Frame,
    path: EntityPath,
) -> Result<MediaPage> {
    page(&state, &frame, path.spec, path.id()?, None).await
}

/// The page again with a problem, as a 422 (nothing was saved).
async fn refused(
    state: &AppState,
    frame: &Frame,
    spec: &'static EntitySpec,
    id: i64,
    problem: Problem,
) -> Result<Response> {
    let page = page(state, frame, spec, id, Some(problem)).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// A multipart upload form as read: its text fields and its file.
#[derive(Default)]
pub struct UploadForm {
    pub fields: Vec<(String, String)>,
    pub file: Option<Vec<u8>>,
}

impl UploadForm {
    /// A text field's value ("" when absent).
    pub fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The three alt-text (or caption) inputs `{prefix}_en`, `_zh`, `_ur`, trimmed.
    pub fn three(&self, prefix: &str) -> [String; 3] {
        Lang::ALL.map(|lang| {
            self.get(&format!("{prefix}_{}", lang.code()))
                .trim()
                .to_owned()
        })
    }
}

/// Read a multipart upload form and check its CSRF token. A body over the limit is a 400 that
/// says so (the file is far over the limit; a file just over it is refused by the form).
pub async fn read_upload(frame: &Frame, mut multipart: Multipart) -> Result<UploadForm> {
    let lang = frame.lang;
    let bad = |error: axum::extract::multipart::MultipartError| {
        let key = if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
            "media.error.too_large"
        } else {
            "media.error.unreadable"
        };
        AppError::BadRequest(lang.t(key).to_owned())
    };
    let mut form = UploadForm::default();
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        let bytes = field.bytes().await.map_err(bad)?;
        if name == "file" {
            if !bytes.is_empty() {
                form.file = Some(bytes.to_vec());
            }
        } else if form.fields.len() < 32 {
            let text = String::from_utf8(bytes.to_vec())
                .map_err(|_| AppError::BadRequest(lang.t("media.error.unreadable").to_owned()))?;
            form.fields.push((name, text));
        }
    }
    let token = form
        .fields
        .iter()
        .find(|(n, _)| n == "csrf_token")
        .map(|(_, v)| v.as_str());
    session::check_csrf(&frame.session, token).await?;
    Ok(form)
}

/// Check three alt texts (or captions when `required` is false): each present when required,
/// no longer than [`MAX_TEXT`], no control characters. The message key of the first problem.
pub fn check_texts(texts: &[String; 3], required: bool) -> std::result::Result<(), &'static str> {
    for text in texts {
        if required && text.is_empty() {
            return Err("media.error.alt_required");
        }
        if text.chars().count() > MAX_TEXT {
            return Err("media.error.alt_too_long");
        }
        if text.chars().any(char::is_control) {
            return Err("media.error.alt_control");
        }
    }
    Ok(())
}

/// The localized text of three checked inputs (`None` when the English one is empty).
pub fn localized(texts: &[String; 3]) -> Option<LocalizedText> {
    if texts[0].is_empty() {
        return None;
    }
    let mut text = LocalizedText::english(texts[0].clone());
    for (lang, value) in [(Lang::Zh, &texts[1]), (Lang::Ur, &texts[2])] {
        if !value.is_empty() {
            text = text.with(lang, value.clone(), false);
        }
    }
    Some(text)
}

/// The message of a refused file.
pub fn refusal_message(lang: Lang, refusal: Refusal) -> String {
    lang.t(refusal.key()).to_owned()
}

/// What an upload became, checked off the async threads.
pub(super) enum Checked {
    Picture(crate::media::picture::Processed),
    Document(crate::media::pdf::CheckedPdf, Vec<u8>),
}

/// Uploads checked or re-encoded at once: one. A picture takes up to a few hundred MB while
/// it is decoded and re-encoded, so further uploads wait their turn instead of adding to it.
static PROCESSING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// Wait for the turn to check or re-encode an upload; the work runs while it is held.
pub(super) async fn processing_turn() -> Result<tokio::sync::SemaphorePermit<'static>> {
    PROCESSING
        .acquire()
        .await
        .map_err(|error| AppError::Internal(error.into()))
}

/// Check and re-encode a file in `spawn_blocking` (no database connection is held meanwhile),
/// one upload at a time ([`processing_turn`]).
pub(super) async fn check_file(
    bytes: Vec<u8>,
    picture: bool,
) -> Result<std::result::Result<Checked, Refusal>> {
    let turn = processing_turn().await?;
    tokio::task::spawn_blocking(move || {
        // Held by the work itself, so it is released when the work ends, not when the
        // request does.
        let _turn = turn;
        if picture {
            crate::media::picture::process(&bytes, Purpose::Portrait).map(Checked::Picture)
        } else {
            crate::media::pdf::check(&bytes).map(|pdf| Checked::Document(pdf, bytes))
        }
    })
    .await
    .map_err(|error| AppError::Internal(error.into()))
}

/// Upload a picture or a document into a slot.
pub async fn upload(
    State(state): State<AppState>,
    frame: Frame,
    path: EntityPath,
    multipart: Multipart,
) -> Result<Response> {
    let (spec, id) = (path.spec, path.id()?);
    if !has_media(spec.key) {
        return Err(AppError::NotFound);
    }
    let form = read_upload(&frame, multipart).await?;
    let lang = frame.lang;
    let (key, slot) = slots_of(spec)
        .into_iter()
        .find(|(key, _)| *key == form.get("slot"))
        .ok_or_else(|| AppError::BadRequest(lang.t("media.error.unreadable").to_owned()))?;
    let alt = form.three("alt");
    let problem = |message: String| Problem {
        slot: key,
        message,
        alt: Some(alt.clone()),
        alt_form: false,
    };
    if slot.is_picture()
        && let Err(message) = check_texts(&alt, true)
    {
        return refused(
            &state,
            &frame,
            spec,
            id,
            problem(lang.t(message).to_owned()),
        )
        .await;
    }
    let Some(bytes) = form.file else {
        return refused(
            &state,
            &frame,
            spec,
            id,
            problem(refusal_message(lang, Refusal::Empty)),
        )
        .await;
    };
    let checked = match check_file(bytes, slot.is_picture()).await? {
        Ok(checked) => checked,
        Err(refusal) => {
            tracing::info!(
                admin = frame.email(),
                entity = spec.key,
                id,
                ?refusal,
                "upload refused"
            );
            return refused(
                &state,
                &frame,
                spec,
                id,
                problem(refusal_message(lang, refusal)),
            )
            .await;
        }
    };
    let mut tx = state.db.begin().await?;
    history::attribute(&mut tx, frame.admin_id(), None).await?;
    let media_id = match &checked {
        Checked::Picture(picture) => {
            let alt = localized(&alt).ok_or(AppError::NotFound)?;
            media::insert_image(&mut tx, picture, &alt, Some(frame.admin_id())).await?
        }
        Checked::Document(pdf, body) => {
            let slug = entities::load(&mut *tx, spec.sql(), id)
                .await?
                .and_then(|row| row.get("slug").and_then(|s| s.as_str()).map(str::to_owned))
                .ok_or(AppError::NotFound)?;
            let filename = format!("{slug}-{key}.pdf");
            media::insert_document(&mut tx, pdf, body, &filename, Some(frame.admin_id())).await?
        }
    };
    if !media::attach(&mut tx, slot, id, Some(media_id)).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    tracing::info!(
        admin = frame.email(),
        entity = spec.key,
        id,
        media_id,
        "upload saved"
    );
    frame.flash(lang.t("media.flash.uploaded")).await?;
    Ok(Redirect::to(&format!("/admin/{}/{id}/media", spec.key)).into_response())
}

/// Change a picture's alt text.
pub async fn change_alt(
    State(state): State<AppState>,
    frame: Frame,
    path: EntityPath,
    CheckedForm(submission): CheckedForm,
) -> Result<Response> {
    let (spec, id) = (path.spec, path.id()?);
    let lang = frame.lang;
    let slot = slot_of(spec, submission.get("slot").unwrap_or_default())
        .filter(|slot| slot.is_picture())
        .ok_or(AppError::NotFound)?;
    let alt = texts_of(&submission, "alt");
    if let Err(message) = check_texts(&alt, true) {
        let problem = Problem {
            slot: "picture",
            message: lang.t(message).to_owned(),
            alt: Some(alt),
            alt_form: true,
        };
        return refused(&state, &frame, spec, id, problem).await;
    }
    let mut conn = state.db.acquire().await?;
    let attached = media::attached(&mut conn, slot, id)
        .await?
        .flatten()
        .ok_or(AppError::NotFound)?;
    let alt = localized(&alt).ok_or(AppError::NotFound)?;
    media::set_alt(&mut *conn, attached.id, &alt).await?;
    drop(conn);
    frame.flash(lang.t("media.flash.alt_saved")).await?;
    Ok(Redirect::to(&format!("/admin/{}/{id}/media", spec.key)).into_response())
}

/// The three inputs `{prefix}_en`, `_zh`, `_ur` of a urlencoded form, trimmed.
pub fn texts_of(submission: &Submission, prefix: &str) -> [String; 3] {
    Lang::ALL.map(|lang| {
        submission
            .get(&format!("{prefix}_{}", lang.code()))
            .unwrap_or_default()
            .trim()
            .to_owned()
    })
}

/// Remove what a slot holds (an edit of the entry: history keeps the old file).
pub async fn remove(
    State(state): State<AppState>,
    frame: Frame,
    path: EntityPath,
    CheckedForm(submission): CheckedForm,
) -> Result<Response> {
    let (spec, id) = (path.spec, path.id()?);
    let slot =
        slot_of(spec, submission.get("slot").unwrap_or_default()).ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    history::attribute(&mut tx, frame.admin_id(), None).await?;
    if !media::attach(&mut tx, slot, id, None).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    frame.flash(frame.lang.t("media.flash.removed")).await?;
    Ok(Redirect::to(&format!("/admin/{}/{id}/media", spec.key)).into_response())
}
