//! The media the emulator serves at `GET /media/...`: a PNG generated at start-up and
//! a 2 s VP9 WebM clip committed under `assets/` (made with Debian's ffmpeg:
//! `ffmpeg -f lavfi -i testsrc=size=320x240:rate=15 -t 2 -c:v libvpx-vp9 -pix_fmt yuv420p -b:v 100k`).
//! Both answer `Range` requests (a `<video>` element in WebKitGTK needs them).

use axum::body::Body;
use axum::http::header::{ACCEPT_RANGES, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, RANGE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;

use crate::error::ApiError;

/// Path of the generated image.
pub const IMAGE_PATH: &str = "/media/demo-image.png";
/// Path of the video clip.
pub const CLIP_PATH: &str = "/media/demo-clip.webm";
/// Width of both media, in pixels.
pub const IMAGE_WIDTH: u32 = 320;
/// Height of both media, in pixels.
pub const IMAGE_HEIGHT: u32 = 240;

/// The committed WebM clip.
static CLIP: &[u8] = include_bytes!("../assets/demo-clip.webm");

/// The served files.
#[derive(Debug, Clone)]
pub struct MediaStore {
    image: Bytes,
}

impl MediaStore {
    /// Generates the PNG.
    pub fn new() -> Self {
        Self {
            image: Bytes::from(generate_png()),
        }
    }

    /// Bytes and content type of `/media/{name}`.
    pub fn get(&self, name: &str) -> Option<(Bytes, &'static str)> {
        match name {
            "demo-image.png" => Some((self.image.clone(), "image/png")),
            "demo-clip.webm" => Some((Bytes::from_static(CLIP), "video/webm")),
            _ => None,
        }
    }
}

impl Default for MediaStore {
    fn default() -> Self {
        Self::new()
    }
}

/// A 320x240 RGB gradient with a grid, encoded as PNG.
fn generate_png() -> Vec<u8> {
    let (w, h) = (IMAGE_WIDTH, IMAGE_HEIGHT);
    let mut pixels = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            let grid = x % 40 == 0 || y % 40 == 0;
            let (r, g, b) = if grid {
                (255, 255, 255)
            } else {
                ((x * 255 / w) as u8, (y * 255 / h) as u8, 160)
            };
            pixels.extend_from_slice(&[r, g, b]);
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let written = encoder
        .write_header()
        .and_then(|mut writer| writer.write_image_data(&pixels));
    if let Err(e) = written {
        tracing::warn!("could not encode the demo PNG: {e}");
    }
    out
}

/// A byte range asked for by a `Range` header, resolved against a length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeAsk {
    /// No (usable) `Range` header: the whole body.
    Whole,
    /// Inclusive start and end.
    Part(u64, u64),
    /// Cannot be satisfied (416).
    Unsatisfiable,
}

/// Parses a single `bytes=` range ([assumed]: multi-range requests get the whole body).
pub fn parse_range(header: Option<&str>, len: u64) -> RangeAsk {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return RangeAsk::Whole;
    };
    if spec.contains(',') {
        return RangeAsk::Whole;
    }
    let Some((a, b)) = spec.split_once('-') else {
        return RangeAsk::Whole;
    };
    let (a, b) = (a.trim(), b.trim());
    let range = match (a.parse::<u64>().ok(), b.parse::<u64>().ok()) {
        (None, Some(suffix)) if a.is_empty() && suffix > 0 => {
            Some((len.saturating_sub(suffix), len.saturating_sub(1)))
        }
        (Some(start), None) if b.is_empty() => Some((start, len.saturating_sub(1))),
        (Some(start), Some(end)) if start <= end => Some((start, end.min(len.saturating_sub(1)))),
        _ => return RangeAsk::Whole,
    };
    match range {
        Some((start, end)) if len > 0 && start < len => RangeAsk::Part(start, end),
        _ => RangeAsk::Unsatisfiable,
    }
}

/// `200` with the whole file, `206` with the asked range, or `416`.
pub fn serve(bytes: Bytes, content_type: &'static str, headers: &HeaderMap) -> Response {
    let len = bytes.len() as u64;
    let range = headers.get(RANGE).and_then(|h| h.to_str().ok());
    match parse_range(range, len) {
        RangeAsk::Whole => (
            [(CONTENT_TYPE, content_type), (ACCEPT_RANGES, "bytes")],
            Body::from(bytes),
        )
            .into_response(),
        RangeAsk::Part(start, end) => {
            let part = bytes.slice(start as usize..=end as usize);
            (
                StatusCode::PARTIAL_CONTENT,
                [
                    (CONTENT_TYPE, content_type.to_owned()),
                    (ACCEPT_RANGES, "bytes".to_owned()),
                    (CONTENT_RANGE, format!("bytes {start}-{end}/{len}")),
                    (CONTENT_LENGTH, part.len().to_string()),
                ],
                Body::from(part),
            )
                .into_response()
        }
        RangeAsk::Unsatisfiable => {
            let mut r = ApiError::new(
                StatusCode::RANGE_NOT_SATISFIABLE,
                "range_not_satisfiable",
                format!("Range: must start below the length, {len} bytes"),
            )
            .into_response();
            if let Ok(v) = format!("bytes */{len}").parse() {
                r.headers_mut().insert(CONTENT_RANGE, v);
            }
            r
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_is_a_png_and_clip_is_small_webm() {
        let store = MediaStore::new();
        let (png, ct) = store.get("demo-image.png").expect("image");
        assert_eq!(ct, "image/png");
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        let (clip, _) = store.get("demo-clip.webm").expect("clip");
        assert!(clip.starts_with(&[0x1a, 0x45, 0xdf, 0xa3]), "EBML header");
        assert!(clip.len() < 200 * 1024);
    }

    #[test]
    fn ranges() {
        assert_eq!(parse_range(None, 10), RangeAsk::Whole);
        assert_eq!(parse_range(Some("bytes=0-3"), 10), RangeAsk::Part(0, 3));
        assert_eq!(parse_range(Some("bytes=4-"), 10), RangeAsk::Part(4, 9));
        assert_eq!(parse_range(Some("bytes=-3"), 10), RangeAsk::Part(7, 9));
        assert_eq!(parse_range(Some("bytes=5-100"), 10), RangeAsk::Part(5, 9));
        assert_eq!(parse_range(Some("bytes=10-"), 10), RangeAsk::Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=5-2"), 10), RangeAsk::Whole);
        assert_eq!(parse_range(Some("items=1-2"), 10), RangeAsk::Whole);
    }
}
