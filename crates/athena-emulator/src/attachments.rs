//! Uploaded attachments: what the emulator keeps (metadata only; the bytes are counted
//! and dropped as they stream in) and how a file's content type is decided.

use std::collections::HashMap;

use axum::http::StatusCode;
use serde::Serialize;

use crate::error::ApiError;
use crate::request::ALLOWED_CONTENT_TYPES;

/// [doc] Largest file, in bytes (50 MiB).
pub const MAX_UPLOAD_BYTES: u64 = 50 * 1024 * 1024;

/// Bytes looked at to sniff a type.
pub const SNIFF_BYTES: usize = 512;

/// [assumed] `data` of an upload answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Upload {
    /// `upload:<uuid>`, for `attachments[].storage_key`.
    pub storage_key: String,
    /// The part's file name.
    pub filename: String,
    /// The decided content type (one of the documented list).
    pub content_type: String,
    /// Bytes received.
    pub size_bytes: u64,
}

/// Uploads of one instance, by storage key.
#[derive(Debug, Default)]
pub struct Uploads {
    by_key: HashMap<String, Upload>,
}

impl Uploads {
    /// Records an upload.
    pub fn insert(&mut self, upload: Upload) {
        self.by_key.insert(upload.storage_key.clone(), upload);
    }

    /// Whether `key` was uploaded here.
    pub fn contains(&self, key: &str) -> bool {
        self.by_key.contains_key(key)
    }
}

/// The documented type that the first bytes show, for types with a signature.
pub fn sniff(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if head.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if head.len() >= 12 && head.starts_with(b"RIFF") && &head[8..12] == b"WEBP" {
        Some("image/webp")
    } else if head.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

/// Whether the first bytes can be text: no NUL, valid UTF-8 (allowing a cut last char).
fn looks_like_text(head: &[u8]) -> bool {
    if head.contains(&0) {
        return false;
    }
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && head.len() == SNIFF_BYTES,
    }
}

/// The text type a file name's extension suggests.
fn text_type_of(filename: &str) -> Option<&'static str> {
    let ext = filename.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "txt" | "text" | "log" => Some("text/plain"),
        "csv" => Some("text/csv"),
        "md" | "markdown" => Some("text/markdown"),
        _ => None,
    }
}

fn unsupported(message: String) -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        message,
    )
}

/// Decides a file's content type from the declared part type, its name and its first
/// bytes ([assumed] rules): a declared image or PDF type must match the bytes' signature;
/// a declared text type needs bytes that read as text; with no declared type (or
/// `application/octet-stream`) the signature, then the extension of a text file, decides.
/// Anything else is 415 `unsupported_media_type`.
pub fn decide_type(
    declared: Option<&str>,
    filename: &str,
    head: &[u8],
) -> Result<&'static str, ApiError> {
    let sniffed = sniff(head);
    let declared = declared
        .map(|d| {
            d.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|d| !d.is_empty() && d != "application/octet-stream");
    let allowed = ALLOWED_CONTENT_TYPES.join(", ");
    let Some(declared) = declared else {
        return sniffed
            .or_else(|| text_type_of(filename).filter(|_| looks_like_text(head)))
            .ok_or_else(|| {
                unsupported(format!(
                    "file: content type could not be recognised; must be one of {allowed}"
                ))
            });
    };
    let Some(known) = ALLOWED_CONTENT_TYPES
        .iter()
        .copied()
        .find(|t| *t == declared)
    else {
        return Err(unsupported(format!(
            "file: content type {declared} is not accepted; must be one of {allowed}"
        )));
    };
    if known.starts_with("text/") {
        if sniffed.is_none() && looks_like_text(head) {
            return Ok(known);
        }
        return Err(unsupported(format!(
            "file: declared {known} but the bytes are not text"
        )));
    }
    if sniffed == Some(known) {
        Ok(known)
    } else {
        Err(unsupported(format!(
            "file: declared {known} but the bytes are {}",
            sniffed.unwrap_or("not of that type")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_signatures() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(sniff(&[0xff, 0xd8, 0xff, 0xe0]), Some("image/jpeg"));
        assert_eq!(sniff(b"GIF89a.."), Some("image/gif"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"%PDF-1.7"), Some("application/pdf"));
        assert_eq!(sniff(b"hello"), None);
    }

    #[test]
    fn decides_types() {
        let png = b"\x89PNG\r\n\x1a\n....";
        assert_eq!(
            decide_type(Some("image/png"), "a.png", png).ok(),
            Some("image/png")
        );
        assert_eq!(decide_type(None, "a.bin", png).ok(), Some("image/png"));
        assert_eq!(
            decide_type(Some("application/octet-stream"), "x", png).ok(),
            Some("image/png")
        );
        assert_eq!(
            decide_type(Some("text/csv; charset=utf-8"), "a.csv", b"a,b\n1,2").ok(),
            Some("text/csv")
        );
        assert_eq!(
            decide_type(None, "notes.md", b"# hi").ok(),
            Some("text/markdown")
        );
        for (declared, name, bytes) in [
            (Some("image/png"), "a.png", &b"GIF89a"[..]),
            (Some("image/bmp"), "a.bmp", &b"BM"[..]),
            (Some("text/plain"), "a.txt", &b"\x00\x01"[..]),
            (Some("text/plain"), "a.txt", &png[..]),
            (None, "a.exe", &b"MZ"[..]),
        ] {
            let e = decide_type(declared, name, bytes).expect_err(name);
            assert_eq!(e.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
            assert!(e.message.starts_with("file:"), "{}", e.message);
        }
    }
}
