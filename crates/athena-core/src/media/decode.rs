//! A downloaded image decoded to RGBA for the clipboard, under limits: the file came
//! from a server, and a small file may claim a huge canvas.

use std::path::Path;

/// The widest and tallest image put on the clipboard, in pixels.
pub const MAX_CLIPBOARD_SIDE: u32 = 16_384;
/// The most memory one decode may take, in bytes.
pub const MAX_CLIPBOARD_ALLOC: u64 = 512 * 1024 * 1024;

/// An image as 8-bit RGBA rows.
#[derive(Clone, PartialEq, Eq)]
pub struct RgbaImage {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width * height * 4` bytes, row after row.
    pub pixels: Vec<u8>,
}

impl std::fmt::Debug for RgbaImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RgbaImage({}x{})", self.width, self.height)
    }
}

/// Why an image could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the image could not be decoded: {0}")]
pub struct DecodeError(pub String);

/// Decodes the PNG, JPEG, GIF or WebP at `path` (type read from its content), within
/// [`MAX_CLIPBOARD_SIDE`] and [`MAX_CLIPBOARD_ALLOC`].
///
/// # Errors
/// [`DecodeError`] when the file cannot be read, is not one of those types, is
/// corrupt or breaks a limit.
pub fn decode_rgba(path: &Path) -> Result<RgbaImage, DecodeError> {
    let err = |e: &dyn std::fmt::Display| DecodeError(e.to_string());
    let mut reader = image::ImageReader::open(path)
        .map_err(|e| err(&e))?
        .with_guessed_format()
        .map_err(|e| err(&e))?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_CLIPBOARD_SIDE);
    limits.max_image_height = Some(MAX_CLIPBOARD_SIDE);
    limits.max_alloc = Some(MAX_CLIPBOARD_ALLOC);
    reader.limits(limits);
    let decoded = reader.decode().map_err(|e| err(&e))?.into_rgba8();
    Ok(RgbaImage {
        width: decoded.width(),
        height: decoded.height(),
        pixels: decoded.into_raw(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_png_decodes_and_text_does_not() {
        let dir = tempfile::tempdir().expect("dir");
        let png = dir.path().join("a.png");
        let mut img = image::RgbaImage::new(3, 2);
        img.put_pixel(1, 1, image::Rgba([10, 20, 30, 255]));
        img.save_with_format(&png, image::ImageFormat::Png)
            .expect("save");
        let decoded = decode_rgba(&png).expect("decoded");
        assert_eq!((decoded.width, decoded.height), (3, 2));
        assert_eq!(decoded.pixels.len(), 3 * 2 * 4);
        assert_eq!(
            &decoded.pixels[(3 + 1) * 4..(3 + 1) * 4 + 4],
            &[10, 20, 30, 255]
        );
        let text = dir.path().join("b.png");
        std::fs::write(&text, b"not an image").expect("write");
        assert!(decode_rgba(&text).is_err());
    }
}
