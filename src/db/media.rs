//! Uploaded pictures and documents (migration 0014): storing them, serving their files, and
//! attaching them to people, organisations, agreements and the forum's gallery.

use serde::Deserialize;
use sqlx::{PgConnection, PgExecutor};

use crate::domain::LocalizedText;
use crate::i18n::Lang;
use crate::media::pdf::CheckedPdf;
use crate::media::picture::Processed;

/// A picture as pages show it (read from the JSON of `picture_json!`).
#[derive(Debug, Clone, Deserialize)]
pub struct Picture {
    /// The upload's digest, which names its files.
    pub digest: String,
    /// Size of the largest width served.
    pub width: u32,
    pub height: u32,
    /// The widths served, smallest first.
    pub widths: Vec<u32>,
    pub alt: LocalizedText,
    /// Shown on an admin page: served from `/admin/media/`, which also answers for files no
    /// published entry uses (yet, or any more).
    #[serde(default)]
    pub preview: bool,
}

impl Picture {
    /// The address of the file `width` wide in `ext` (`webp` or `jpg`).
    pub fn src(&self, width: u32, ext: &str) -> String {
        let base = if self.preview {
            "/admin/media"
        } else {
            "/media"
        };
        format!("{base}/{}-{width}.{ext}", self.digest)
    }

    /// Every width in `ext`, for `srcset`.
    pub fn srcset(&self, ext: &str) -> String {
        self.widths
            .iter()
            .map(|w| format!("{} {w}w", self.src(*w, ext)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The JPEG of the smallest width at least `wanted` wide (else the largest): the `src`
    /// of browsers without `srcset` (by reference: templates pass their values so).
    pub fn fallback(&self, wanted: &u32) -> String {
        let width = self
            .widths
            .iter()
            .copied()
            .find(|w| w >= wanted)
            .unwrap_or(self.width);
        self.src(width, "jpg")
    }

    /// The largest file, for JSON-LD and link previews.
    pub fn largest(&self) -> String {
        self.src(self.width, "jpg")
    }

    /// The height for a display `width` wide, with the picture's proportions.
    pub fn height_for(&self, width: &u32) -> u32 {
        let height = u64::from(self.height) * u64::from(*width) / u64::from(self.width.max(1));
        u32::try_from(height.max(1)).unwrap_or(u32::MAX)
    }
}

/// A picture of the forum as the home page shows it.
#[derive(Debug, Clone, Deserialize)]
pub struct GalleryPicture {
    pub picture: Picture,
    pub caption: Option<LocalizedText>,
}

/// A document as the agreement page links it.
#[derive(Debug, Clone, Deserialize)]
pub struct Document {
    pub digest: String,
    pub filename: String,
    pub byte_size: i64,
    /// Linked from an admin page (see [`Picture::preview`]).
    #[serde(default)]
    pub preview: bool,
}

impl Document {
    /// Its address.
    pub fn href(&self) -> String {
        let base = if self.preview {
            "/admin/media"
        } else {
            "/media"
        };
        format!("{base}/{}.pdf", self.digest)
    }
}

/// A file to serve.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredFile {
    pub content_type: String,
    pub body: Vec<u8>,
    /// The download name of a document.
    pub filename: Option<String>,
}

/// Store a checked, re-encoded picture with its alt text; its id.
pub async fn insert_image(
    tx: &mut PgConnection,
    picture: &Processed,
    alt: &LocalizedText,
    admin_id: Option<i64>,
) -> sqlx::Result<i64> {
    let widths: Vec<i32> = picture
        .widths
        .iter()
        .map(|w| i32::try_from(*w).unwrap_or(i32::MAX))
        .collect();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO media (kind, digest, width, height, widths, alt, byte_size, created_by)
         VALUES ('image', $1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(&picture.digest)
    .bind(i32::try_from(picture.width).unwrap_or(i32::MAX))
    .bind(i32::try_from(picture.height).unwrap_or(i32::MAX))
    .bind(&widths)
    .bind(alt)
    .bind(i64::try_from(picture.byte_size).unwrap_or(i64::MAX))
    .bind(admin_id)
    .fetch_one(&mut *tx)
    .await?;
    for file in &picture.files {
        sqlx::query(
            "INSERT INTO media_files (media_id, variant, digest, content_type, body)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(&file.variant)
        .bind(&picture.digest)
        .bind(file.content_type)
        .bind(&file.body)
        .execute(&mut *tx)
        .await?;
    }
    Ok(id)
}

/// Store a checked PDF as uploaded; its id.
pub async fn insert_document(
    tx: &mut PgConnection,
    pdf: &CheckedPdf,
    body: &[u8],
    filename: &str,
    admin_id: Option<i64>,
) -> sqlx::Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO media (kind, digest, filename, byte_size, created_by)
         VALUES ('document', $1, $2, $3, $4) RETURNING id",
    )
    .bind(&pdf.digest)
    .bind(filename)
    .bind(i64::try_from(pdf.byte_size).unwrap_or(i64::MAX))
    .bind(admin_id)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO media_files (media_id, variant, digest, content_type, body)
         VALUES ($1, 'pdf', $2, 'application/pdf', $3)",
    )
    .bind(id)
    .bind(&pdf.digest)
    .bind(body)
    .execute(&mut *tx)
    .await?;
    Ok(id)
}

/// What is known of a file without its bytes: enough to answer a conditional request.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FileHead {
    pub content_type: String,
    /// The download name of a document.
    pub filename: Option<String>,
}

// The condition of `head` and `file` for visitors: some published entry uses the upload
// (a photo, a logo, a document of an agreement, a picture of the forum). A file removed
// from its entry, or attached only to a draft, is not served to them.
macro_rules! in_use {
    () => {
        "(EXISTS (SELECT 1 FROM people p WHERE p.published AND p.photo_id = m.id)
   OR EXISTS (SELECT 1 FROM organisations o WHERE o.published AND o.logo_id = m.id)
   OR EXISTS (SELECT 1 FROM agreements a WHERE a.published
                AND m.id IN (a.document_en_id, a.document_zh_id, a.document_ur_id))
   OR EXISTS (SELECT 1 FROM forum_pictures fp WHERE fp.published AND fp.media_id = m.id))"
    };
}

/// The type and name of file `variant` (`320.webp`, `pdf`) of the upload `digest`, without
/// reading its bytes; only while a published entry uses it unless `any` (admin previews).
/// Equal uploads have equal files, so any of them answers.
pub async fn head(
    db: impl PgExecutor<'_>,
    digest: &str,
    variant: &str,
    any: bool,
) -> sqlx::Result<Option<FileHead>> {
    sqlx::query_as(concat!(
        "SELECT f.content_type, m.filename
           FROM media_files f JOIN media m ON m.id = f.media_id
          WHERE f.digest = $1 AND f.variant = $2 AND ($3 OR ",
        in_use!(),
        ")
          ORDER BY f.media_id DESC LIMIT 1"
    ))
    .bind(digest)
    .bind(variant)
    .bind(any)
    .fetch_optional(db)
    .await
}

/// The file `variant` of the upload `digest`, with its bytes, on the same condition as
/// [`head`].
pub async fn file(
    db: impl PgExecutor<'_>,
    digest: &str,
    variant: &str,
    any: bool,
) -> sqlx::Result<Option<StoredFile>> {
    sqlx::query_as(concat!(
        "SELECT f.content_type, f.body, m.filename
           FROM media_files f JOIN media m ON m.id = f.media_id
          WHERE f.digest = $1 AND f.variant = $2 AND ($3 OR ",
        in_use!(),
        ")
          ORDER BY f.media_id DESC LIMIT 1"
    ))
    .bind(digest)
    .bind(variant)
    .bind(any)
    .fetch_optional(db)
    .await
}

/// Change a picture's alt text.
pub async fn set_alt(db: impl PgExecutor<'_>, id: i64, alt: &LocalizedText) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE media SET alt = $2 WHERE id = $1 AND kind = 'image'")
        .bind(id)
        .bind(alt)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Where an upload is attached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// A person's photo.
    Photo,
    /// An organisation's logo.
    Logo,
    /// An agreement's signed document in one language.
    Document(Lang),
}

impl Slot {
    /// The slot of entity `key` (and `lang` for documents), when that entity has one.
    pub fn of(entity: &str, lang: Option<Lang>) -> Option<Self> {
        match (entity, lang) {
            ("people", None) => Some(Self::Photo),
            ("organisations", None) => Some(Self::Logo),
            ("agreements", Some(lang)) => Some(Self::Document(lang)),
            _ => None,
        }
    }

    /// The column holding it (for history display).
    pub fn column(self) -> &'static str {
        match self {
            Self::Photo => "photo_id",
            Self::Logo => "logo_id",
            Self::Document(Lang::En) => "document_en_id",
            Self::Document(Lang::Zh) => "document_zh_id",
            Self::Document(Lang::Ur) => "document_ur_id",
        }
    }

    /// Whether it holds a picture (else a document).
    pub fn is_picture(self) -> bool {
        !matches!(self, Self::Document(_))
    }
}

/// Every media column of entity `key`, for history display.
pub fn columns_of(entity: &str) -> &'static [&'static str] {
    match entity {
        "people" => &["photo_id"],
        "organisations" => &["logo_id"],
        "agreements" => &["document_en_id", "document_zh_id", "document_ur_id"],
        _ => &[],
    }
}

/// Attach `media` (or nothing: removal) to entry `id` in `slot`, as an edit of the entry
/// (its version goes up and history records it). False when the entry does not exist.
pub async fn attach(
    tx: &mut PgConnection,
    slot: Slot,
    id: i64,
    media: Option<i64>,
) -> sqlx::Result<bool> {
    let sql = match slot {
        Slot::Photo => {
            "UPDATE people SET photo_id = $2, version = version + 1, updated_at = now() WHERE id = $1"
        }
        Slot::Logo => {
            "UPDATE organisations SET logo_id = $2, version = version + 1, updated_at = now() WHERE id = $1"
        }
        Slot::Document(Lang::En) => {
            "UPDATE agreements SET document_en_id = $2, version = version + 1, updated_at = now() WHERE id = $1"
        }
        Slot::Document(Lang::Zh) => {
            "UPDATE agreements SET document_zh_id = $2, version = version + 1, updated_at = now() WHERE id = $1"
        }
        Slot::Document(Lang::Ur) => {
            "UPDATE agreements SET document_ur_id = $2, version = version + 1, updated_at = now() WHERE id = $1"
        }
    };
    let done = sqlx::query(sql)
        .bind(id)
        .bind(media)
        .execute(&mut *tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Put back the uploads a history snapshot `target` of entry `id` of `entity` had (a revert).
pub async fn restore(
    tx: &mut PgConnection,
    entity: &str,
    id: i64,
    target: &serde_json::Map<String, serde_json::Value>,
) -> sqlx::Result<()> {
    let slots: &[Slot] = match entity {
        "people" => &[Slot::Photo],
        "organisations" => &[Slot::Logo],
        "agreements" => &[
            Slot::Document(Lang::En),
            Slot::Document(Lang::Zh),
            Slot::Document(Lang::Ur),
        ],
        _ => &[],
    };
    for slot in slots {
        let wanted = target
            .get(slot.column())
            .and_then(serde_json::Value::as_i64);
        let now = attached(&mut *tx, *slot, id).await?.flatten().map(|a| a.id);
        if wanted != now {
            attach(&mut *tx, *slot, id, wanted).await?;
        }
    }
    Ok(())
}

/// What an entry's slot holds now, as the admin page shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Attached {
    pub id: i64,
    pub digest: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub widths: Vec<i32>,
    pub alt: Option<LocalizedText>,
    pub filename: Option<String>,
    pub byte_size: i64,
}

impl Attached {
    /// As a page shows it, when it is a picture.
    pub fn picture(&self) -> Option<Picture> {
        Some(Picture {
            digest: self.digest.clone(),
            width: u32::try_from(self.width?).ok()?,
            height: u32::try_from(self.height?).ok()?,
            widths: self
                .widths
                .iter()
                .filter_map(|w| u32::try_from(*w).ok())
                .collect(),
            alt: self.alt.clone()?,
            preview: true,
        })
    }
}

/// The media in `slot` of entry `id` (`None` inside: the entry exists with nothing there;
/// `None` outside: no such entry).
pub async fn attached(
    conn: &mut PgConnection,
    slot: Slot,
    id: i64,
) -> sqlx::Result<Option<Option<Attached>>> {
    let sql = match slot {
        Slot::Photo => "SELECT photo_id FROM people WHERE id = $1",
        Slot::Logo => "SELECT logo_id FROM organisations WHERE id = $1",
        Slot::Document(Lang::En) => "SELECT document_en_id FROM agreements WHERE id = $1",
        Slot::Document(Lang::Zh) => "SELECT document_zh_id FROM agreements WHERE id = $1",
        Slot::Document(Lang::Ur) => "SELECT document_ur_id FROM agreements WHERE id = $1",
    };
    let Some(media_id): Option<Option<i64>> = sqlx::query_scalar(sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let Some(media_id) = media_id else {
        return Ok(Some(None));
    };
    Ok(Some(by_id(&mut *conn, media_id).await?))
}

/// One upload by id.
pub async fn by_id(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<Attached>> {
    sqlx::query_as(
        "SELECT id, digest, width, height, widths, alt::jsonb AS alt, filename, byte_size
           FROM media WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// A picture of the forum, as the admin lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ForumPictureRow {
    pub id: i64,
    pub media_id: i64,
    pub caption: Option<LocalizedText>,
    pub position: i32,
    pub published: bool,
    pub digest: String,
    pub width: i32,
    pub height: i32,
    pub widths: Vec<i32>,
    pub alt: LocalizedText,
}

impl ForumPictureRow {
    /// As a page shows it.
    pub fn picture(&self) -> Picture {
        Picture {
            digest: self.digest.clone(),
            width: u32::try_from(self.width).unwrap_or(1),
            height: u32::try_from(self.height).unwrap_or(1),
            widths: self
                .widths
                .iter()
                .filter_map(|w| u32::try_from(*w).ok())
                .collect(),
            alt: self.alt.clone(),
            preview: true,
        }
    }
}

/// Every picture of the forum (drafts too), in order.
pub async fn forum_pictures(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<ForumPictureRow>> {
    sqlx::query_as(
        "SELECT f.id, f.media_id, f.caption::jsonb AS caption, f.position, f.published,
                m.digest, m.width, m.height, m.widths, m.alt::jsonb AS alt
           FROM forum_pictures f JOIN media m ON m.id = f.media_id
          ORDER BY f.position, f.id",
    )
    .fetch_all(db)
    .await
}

/// Add a picture of the forum at the end.
pub async fn add_forum_picture(
    tx: &mut PgConnection,
    media_id: i64,
    caption: Option<&LocalizedText>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO forum_pictures (media_id, caption, position)
         VALUES ($1, $2, COALESCE((SELECT max(position) + 1 FROM forum_pictures), 0))
         RETURNING id",
    )
    .bind(media_id)
    .bind(caption)
    .fetch_one(&mut *tx)
    .await
}

/// Change a picture of the forum's caption, place and publication; false when it is gone.
pub async fn update_forum_picture(
    tx: &mut PgConnection,
    id: i64,
    caption: Option<&LocalizedText>,
    position: i32,
    published: bool,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "UPDATE forum_pictures SET caption = $2, position = $3, published = $4,
                version = version + 1, updated_at = now()
          WHERE id = $1 RETURNING media_id",
    )
    .bind(id)
    .bind(caption)
    .bind(position)
    .bind(published)
    .fetch_optional(&mut *tx)
    .await
}

/// Remove a picture of the forum (history keeps it; its files stay).
pub async fn remove_forum_picture(tx: &mut PgConnection, id: i64) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM forum_pictures WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    Ok(done.rows_affected() == 1)
}
