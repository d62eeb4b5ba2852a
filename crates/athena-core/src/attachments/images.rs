//! Pictures of attached images for the page: a thumbnail for the chip and a bounded
//! rendition for the full-size view, both PNG `data:` URLs (the page never loads a
//! file). Decoding runs under [`image::Limits`], so a 50 MiB image with huge
//! dimensions fails to decode instead of taking gigabytes.

use std::io::Cursor;
use std::path::Path;

use base64::Engine;
use image::{ImageFormat, ImageReader, Limits};

/// The longest side of a thumbnail, in pixels.
pub const THUMBNAIL_PX: u32 = 256;

/// The longest side of the full-size view, in pixels.
pub const FULL_VIEW_PX: u32 = 2048;

/// Widest or tallest image decoded.
const MAX_SIDE_PX: u32 = 16_384;

/// Most memory one decode may allocate.
const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;

/// Why no picture could be made.
#[derive(Debug, thiserror::Error)]
#[error("the image could not be shown: {0}")]
pub struct ImageProblem(String);

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE_PX);
    limits.max_image_height = Some(MAX_SIDE_PX);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits
}

/// The image at `path` shrunk to fit `max_px` (never enlarged), as PNG bytes.
/// Blocking: call it off the async workers.
///
/// # Errors
/// [`ImageProblem`] when the file cannot be read or decoded within the limits.
pub fn rendition_png(path: &Path, max_px: u32) -> Result<Vec<u8>, ImageProblem> {
    let problem = |e: &dyn std::fmt::Display| ImageProblem(e.to_string());
    let mut reader = ImageReader::open(path)
        .map_err(|e| problem(&e))?
        .with_guessed_format()
        .map_err(|e| problem(&e))?;
    reader.limits(limits());
    let image = reader.decode().map_err(|e| problem(&e))?;
    let image = if image.width() > max_px || image.height() > max_px {
        image.thumbnail(max_px, max_px)
    } else {
        image
    };
    let mut png = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .map_err(|e| problem(&e))?;
    Ok(png)
}

/// PNG bytes as a `data:` URL.
pub fn png_data_url(png: &[u8]) -> String {
    format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(png)
    )
}

/// The image at `path` shrunk to fit `max_px`, as a PNG `data:` URL. Blocking.
///
/// # Errors
/// As [`rendition_png`].
pub fn rendition(path: &Path, max_px: u32) -> Result<String, ImageProblem> {
    rendition_png(path, max_px).map(|png| png_data_url(&png))
}
