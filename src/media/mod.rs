//! Uploaded files checked by their content and made safe to serve: pictures decoded and
//! re-encoded (no metadata survives), PDFs parsed and refused when they carry scripts or
//! actions. Pure CPU work with no database or web types: callers run it in `spawn_blocking`.

pub mod pdf;
pub mod picture;

use sha2::{Digest, Sha256};

/// Largest upload accepted, in bytes (a picture or a PDF).
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;

/// Why an upload was refused, as the form tells the admin (each has an i18n key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No file was chosen.
    Empty,
    /// Larger than [`MAX_UPLOAD_BYTES`].
    TooLarge,
    /// Not a PNG, JPEG or WebP picture (SVG, an executable, anything else).
    NotAPicture,
    /// Wider, taller or with more pixels than allowed (a decompression bomb among others).
    TooManyPixels,
    /// A picture whose data ends early or is damaged.
    Damaged,
    /// Not a PDF that can be read.
    NotAPdf,
    /// A PDF with JavaScript, actions, launch commands or embedded files.
    ActivePdf,
}

impl Refusal {
    /// The message's key in the catalogues.
    pub fn key(self) -> &'static str {
        match self {
            Self::Empty => "media.error.empty",
            Self::TooLarge => "media.error.too_large",
            Self::NotAPicture => "media.error.not_picture",
            Self::TooManyPixels => "media.error.too_many_pixels",
            Self::Damaged => "media.error.damaged",
            Self::NotAPdf => "media.error.not_pdf",
            Self::ActivePdf => "media.error.active_pdf",
        }
    }
}

/// The first 16 hex digits of the SHA-256 of `bytes`: the name every file made from an
/// upload is served under, so the same address always holds the same bytes.
pub fn digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .take(8)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Check the size that every kind shares.
fn check_size(bytes: &[u8]) -> Result<(), Refusal> {
    if bytes.is_empty() {
        Err(Refusal::Empty)
    } else if bytes.len() > MAX_UPLOAD_BYTES {
        Err(Refusal::TooLarge)
    } else {
        Ok(())
    }
}
