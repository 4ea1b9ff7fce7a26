//! `/admin/forum-pictures`: pictures of the forum (the signing, the hall) for the home page's
//! gallery — upload with alt text and caption in three languages, then change the texts, the
//! order and the publication, or remove one (history keeps it: `forum_pictures` has the
//! history trigger of every entity).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::context::AdminContext;
use super::extract::{CheckedForm, Frame};
use super::media::{check_texts, localized, read_upload, refusal_message, texts_of};
use crate::db::history;
use crate::db::media::{self, ForumPictureRow};
use crate::error::{AppError, Result};
use crate::i18n::Lang;
use crate::media::Refusal;
use crate::media::picture::Purpose;
use crate::state::AppState;

/// A picture in the list, with what its inputs show.
pub struct PictureView {
    pub row: ForumPictureRow,
    pub alt: [String; 3],
    pub caption: [String; 3],
    pub error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/forum_pictures.html")]
pub struct ForumPicturesPage {
    ctx: AdminContext,
    lang: Lang,
    pictures: Vec<PictureView>,
    /// What the upload form shows after a refusal.
    new_alt: [String; 3],
    new_caption: [String; 3],
    new_error: Option<String>,
}

impl ForumPicturesPage {
    /// The label of input `index` (0 en, 1 zh, 2 ur) of kind `key` (`media.alt_in`, ...).
    fn label(&self, key: &str, index: &usize) -> String {
        self.lang
            .tf1(key, "language", Lang::ALL[*index].name_in(self.lang))
    }

    fn code(&self, index: &usize) -> &'static str {
        Lang::ALL[*index].code()
    }

    fn tag(&self, index: &usize) -> &'static str {
        Lang::ALL[*index].tag()
    }

    fn dir(&self, index: &usize) -> &'static str {
        Lang::ALL[*index].dir()
    }
}

fn three(text: Option<&crate::domain::LocalizedText>) -> [String; 3] {
    text.map(|t| Lang::ALL.map(|l| t.get(l.code()).unwrap_or_default().to_owned()))
        .unwrap_or_default()
}

/// What the page shows besides the stored pictures after a refused form.
#[derive(Default)]
struct Typed {
    /// `None`: the upload form; `Some(id)`: the picture `id`'s form.
    picture: Option<i64>,
    alt: [String; 3],
    caption: [String; 3],
    error: Option<String>,
}

async fn page(state: &AppState, frame: &Frame, typed: Typed) -> Result<ForumPicturesPage> {
    let rows = media::forum_pictures(&state.db).await?;
    let mut new_alt = Default::default();
    let mut new_caption = Default::default();
    let mut new_error = None;
    let mut pictures = Vec::with_capacity(rows.len());
    let mut typed = Some(typed);
    if typed.as_ref().is_some_and(|t| t.picture.is_none()) {
        let t = typed.take().unwrap_or_default();
        (new_alt, new_caption, new_error) = (t.alt, t.caption, t.error);
    }
    for row in rows {
        let view = match typed.take_if(|t| t.picture == Some(row.id) && t.error.is_some()) {
            Some(t) => PictureView {
                row,
                alt: t.alt,
                caption: t.caption,
                error: t.error,
            },
            None => PictureView {
                alt: three(Some(&row.alt)),
                caption: three(row.caption.as_ref()),
                row,
                error: None,
            },
        };
        pictures.push(view);
    }
    Ok(ForumPicturesPage {
        ctx: frame.context().await?,
        lang: frame.lang,
        pictures,
        new_alt,
        new_caption,
        new_error,
    })
}

/// The list and the upload form.
pub async fn index(State(state): State<AppState>, frame: Frame) -> Result<ForumPicturesPage> {
    page(&state, &frame, Typed::default()).await
}

async fn refused(state: &AppState, frame: &Frame, typed: Typed) -> Result<Response> {
    let page = page(state, frame, typed).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// Upload a new picture (at the end of the gallery, published).
pub async fn upload(
    State(state): State<AppState>,
    frame: Frame,
    multipart: Multipart,
) -> Result<Response> {
    let form = read_upload(&frame, multipart).await?;
    let lang = frame.lang;
    let alt = form.three("alt");
    let caption = form.three("caption");
    let fail = |message: String| Typed {
        picture: None,
        alt: alt.clone(),
        caption: caption.clone(),
        error: Some(message),
    };
    if let Err(key) = check_texts(&alt, true).and_then(|()| check_texts(&caption, false)) {
        return refused(&state, &frame, fail(lang.t(key).to_owned())).await;
    }
    let Some(bytes) = form.file else {
        return refused(&state, &frame, fail(refusal_message(lang, Refusal::Empty))).await;
    };
    let turn = super::media::processing_turn().await?;
    let processed = tokio::task::spawn_blocking(move || {
        let _turn = turn;
        crate::media::picture::process(&bytes, Purpose::Gallery)
    })
    .await
    .map_err(|error| AppError::Internal(error.into()))?;
    let processed = match processed {
        Ok(processed) => processed,
        Err(refusal) => {
            return refused(&state, &frame, fail(refusal_message(lang, refusal))).await;
        }
    };
    let alt_text = localized(&alt).ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    history::attribute(&mut tx, frame.admin_id(), None).await?;
    let media_id =
        media::insert_image(&mut tx, &processed, &alt_text, Some(frame.admin_id())).await?;
    media::add_forum_picture(&mut tx, media_id, localized(&caption).as_ref()).await?;
    tx.commit().await?;
    frame.flash(lang.t("media.flash.uploaded")).await?;
    Ok(Redirect::to("/admin/forum-pictures").into_response())
}

/// Change a picture's alt text, caption, place and publication.
pub async fn update(
    State(state): State<AppState>,
    frame: Frame,
    Path(id): Path<i64>,
    CheckedForm(submission): CheckedForm,
) -> Result<Response> {
    let lang = frame.lang;
    let alt = texts_of(&submission, "alt");
    let caption = texts_of(&submission, "caption");
    let position = submission.get("position").unwrap_or_default().trim();
    let position: Option<i32> = position.parse().ok().filter(|p| (0..=100_000).contains(p));
    let problem = check_texts(&alt, true)
        .and_then(|()| check_texts(&caption, false))
        .and_then(|()| position.map(|_| ()).ok_or("media.error.position"));
    if let Err(key) = problem {
        let typed = Typed {
            picture: Some(id),
            alt,
            caption,
            error: Some(lang.t(key).to_owned()),
        };
        return refused(&state, &frame, typed).await;
    }
    let published = submission.get("published").is_some();
    let alt_text = localized(&alt).ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    history::attribute(&mut tx, frame.admin_id(), None).await?;
    let media_id = media::update_forum_picture(
        &mut tx,
        id,
        localized(&caption).as_ref(),
        position.unwrap_or(0),
        published,
    )
    .await?
    .ok_or(AppError::NotFound)?;
    media::set_alt(&mut *tx, media_id, &alt_text).await?;
    tx.commit().await?;
    frame.flash(lang.t("media.flash.saved")).await?;
    Ok(Redirect::to("/admin/forum-pictures").into_response())
}

/// Remove a picture from the gallery.
pub async fn remove(
    State(state): State<AppState>,
    frame: Frame,
    Path(id): Path<i64>,
    CheckedForm(_): CheckedForm,
) -> Result<Response> {
    let mut tx = state.db.begin().await?;
    history::attribute(&mut tx, frame.admin_id(), None).await?;
    if !media::remove_forum_picture(&mut tx, id).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    frame.flash(frame.lang.t("media.flash.removed")).await?;
    Ok(Redirect::to("/admin/forum-pictures").into_response())
}
