//! Pictures: PNG, JPEG or WebP proven real by decoding them, within limits checked from the
//! header before the pixels are decoded, then re-encoded into the widths pages use as lossy
//! WebP and a JPEG fallback. Re-encoding keeps pixels only: EXIF (GPS included), ICC, XMP and
//! comments are gone. The EXIF orientation is applied first, so the picture stands upright.

use std::io::Cursor;

use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};

use super::{Refusal, check_size, digest};

/// Widest or tallest picture accepted, in pixels.
pub const MAX_SIDE: u32 = 12_000;

/// Most pixels a picture may have (40 megapixels; a phone's photo has 12 to 50... most fit).
pub const MAX_PIXELS: u64 = 40_000_000;

/// Most memory the decoder may take.
const MAX_ALLOC: u64 = 256 * 1024 * 1024;

/// Quality of the lossy WebP and JPEG files (0–100).
const QUALITY: u8 = 82;

/// What a picture is used for, which decides the widths served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A person's photo or an organisation's logo: small, on cards and pages.
    Portrait,
    /// A picture of the forum, shown large in the home page's gallery.
    Gallery,
}

impl Purpose {
    /// The widths made for this purpose (never wider than the upload).
    pub fn widths(self) -> &'static [u32] {
        match self {
            Self::Portrait => &[128, 256, 512],
            Self::Gallery => &[480, 960, 1600],
        }
    }
}

/// One re-encoded file.
#[derive(Debug, Clone)]
pub struct Encoded {
    pub width: u32,
    pub height: u32,
    /// `image/webp` or `image/jpeg`.
    pub content_type: &'static str,
    /// `{width}.webp` or `{width}.jpg`.
    pub variant: String,
    pub body: Vec<u8>,
}

/// A picture ready to store.
#[derive(Debug, Clone)]
pub struct Processed {
    pub digest: String,
    /// Size of the largest width made.
    pub width: u32,
    pub height: u32,
    pub widths: Vec<u32>,
    pub files: Vec<Encoded>,
    pub byte_size: usize,
}

/// Check `bytes` and re-encode them for `purpose`.
pub fn process(bytes: &[u8], purpose: Purpose) -> Result<Processed, Refusal> {
    check_size(bytes)?;
    let image = decode(bytes)?;
    let (source_width, source_height) = (image.width(), image.height());
    let mut widths: Vec<u32> = purpose
        .widths()
        .iter()
        .copied()
        .filter(|w| *w < source_width)
        .collect();
    // The upload's own width when it is smaller than the largest: never upscaled.
    if widths.len() < purpose.widths().len() {
        widths.push(source_width);
    }
    let mut files = Vec::with_capacity(widths.len() * 2);
    let mut largest = (0, 0);
    for &width in &widths {
        let height = scaled_height(source_width, source_height, width);
        let resized = if width == source_width {
            image.clone()
        } else {
            image.resize_exact(width, height, FilterType::CatmullRom)
        };
        files.push(Encoded {
            width,
            height,
            content_type: "image/webp",
            variant: format!("{width}.webp"),
            body: encode_webp(&resized),
        });
        files.push(Encoded {
            width,
            height,
            content_type: "image/jpeg",
            variant: format!("{width}.jpg"),
            body: encode_jpeg(&resized)?,
        });
        largest = (width, height);
    }
    Ok(Processed {
        digest: digest(bytes),
        width: largest.0,
        height: largest.1,
        widths,
        files,
        byte_size: bytes.len(),
    })
}

/// The height of a picture `width` wide with the upload's proportions (at least 1).
fn scaled_height(source_width: u32, source_height: u32, width: u32) -> u32 {
    let height = (u64::from(source_height) * u64::from(width) + u64::from(source_width) / 2)
        / u64::from(source_width).max(1);
    u32::try_from(height.max(1)).unwrap_or(u32::MAX)
}

/// Decode a PNG, JPEG or WebP whose header promises a size within the limits, upright.
fn decode(bytes: &[u8]) -> Result<DynamicImage, Refusal> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| Refusal::NotAPicture)?;
    if !matches!(
        reader.format(),
        Some(ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP)
    ) {
        return Err(Refusal::NotAPicture);
    }
    // The size the header declares, read before any pixel is decoded.
    let (width, height) = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| Refusal::NotAPicture)?
        .into_dimensions()
        .map_err(|_| Refusal::Damaged)?;
    if width == 0
        || height == 0
        || width > MAX_SIDE
        || height > MAX_SIDE
        || u64::from(width) * u64::from(height) > MAX_PIXELS
    {
        return Err(Refusal::TooManyPixels);
    }
    let mut reader = reader;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(refusal)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(refusal)?;
    image.apply_orientation(orientation);
    Ok(image)
}

fn refusal(error: image::ImageError) -> Refusal {
    match error {
        image::ImageError::Limits(_) => Refusal::TooManyPixels,
        image::ImageError::Unsupported(_) => Refusal::NotAPicture,
        _ => Refusal::Damaged,
    }
}

/// Lossy WebP from the RGBA pixels.
fn encode_webp(image: &DynamicImage) -> Vec<u8> {
    let rgba = image.to_rgba8();
    webp::Encoder::from_rgba(rgba.as_raw(), rgba.width(), rgba.height())
        .encode(f32::from(QUALITY))
        .to_vec()
}

/// Baseline JPEG, transparent parts laid on white.
fn encode_jpeg(image: &DynamicImage) -> Result<Vec<u8>, Refusal> {
    let rgba = image.to_rgba8();
    let mut rgb = RgbImage::new(rgba.width(), rgba.height());
    for (target, source) in rgb.pixels_mut().zip(rgba.pixels()) {
        let alpha = u32::from(source[3]);
        for channel in 0..3 {
            let value = u32::from(source[channel]) * alpha + 255 * (255 - alpha);
            target[channel] = u8::try_from((value + 127) / 255).unwrap_or(u8::MAX);
        }
    }
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, QUALITY)
        .encode_image(&rgb)
        .map_err(|_| Refusal::Damaged)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageEncoder, Rgba, RgbaImage};

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = RgbaImage::from_pixel(width, height, Rgba([10, 120, 60, 128]));
        let mut out = Vec::new();
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(
                image.as_raw(),
                width,
                height,
                image::ExtendedColorType::Rgba8,
            )
            .unwrap();
        out
    }

    #[test]
    fn widths_never_exceed_the_upload() {
        let processed = process(&png(300, 150), Purpose::Portrait).unwrap();
        assert_eq!(processed.widths, vec![128, 256, 300]);
        assert_eq!((processed.width, processed.height), (300, 150));
        assert_eq!(processed.files.len(), 6);
        let small = process(&png(40, 40), Purpose::Gallery).unwrap();
        assert_eq!(small.widths, vec![40]);
    }

    #[test]
    fn transparent_pixels_become_white_in_jpeg() {
        let processed = process(&png(10, 10), Purpose::Portrait).unwrap();
        let jpeg = processed
            .files
            .iter()
            .find(|f| f.content_type == "image/jpeg")
            .unwrap();
        let decoded = image::load_from_memory(&jpeg.body).unwrap().to_rgb8();
        let pixel = decoded.get_pixel(5, 5);
        assert!(pixel[0] > 100 && pixel[2] > 120, "{pixel:?}");
    }

    #[test]
    fn other_formats_are_refused() {
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>"#;
        assert_eq!(
            process(svg, Purpose::Portrait).unwrap_err(),
            Refusal::NotAPicture
        );
        assert_eq!(process(b"", Purpose::Portrait).unwrap_err(), Refusal::Empty);
    }
}
