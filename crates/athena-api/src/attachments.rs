//! Attachments: `POST /attachments/upload`, `multipart/form-data` with part `file`.
//!
//! [doc] at most 50 MiB; images image/jpeg, image/png, image/gif, image/webp;
//! documents application/pdf, text/plain, text/csv, text/markdown. [assumed] answer
//! `{"data":{"storage_key","filename","content_type","size_bytes"}}`.
//!
//! The file is checked before sending (size; images and PDF by their magic bytes;
//! text, CSV and markdown by extension plus valid UTF-8 without NUL bytes; a name that
//! contradicts the content is refused), then streamed from disk in 64 KiB pieces: memory
//! does not grow with the file's size. An upload is sent once (a retry would need the
//! caller's consent to read the file again).

use std::path::Path;
use std::sync::Arc;

use futures_util::StreamExt;
use reqwest::Method;
use serde::Deserialize;
use tokio::io::AsyncReadExt;

use crate::client::{PathPart, describe, http_error, read_envelope};
use crate::validation::{MAX_UPLOAD_BYTES, ValidationError, ValidationRule};
use crate::{ApiError, ApiResponse, AthenaClient};

/// The size of one piece read from disk and handed to the HTTP layer.
pub const UPLOAD_CHUNK_BYTES: usize = 64 * 1024;

/// Called as bytes leave for the server: `(sent, total)`.
pub type UploadProgress = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// The server's record of an uploaded file; attach it with
/// [`crate::execute::AttachmentRef`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct UploadedFile {
    /// The key to attach the file by.
    pub storage_key: String,
    /// The name the server stored.
    #[serde(default)]
    pub filename: Option<String>,
    /// The type the server stored.
    #[serde(default)]
    pub content_type: Option<String>,
    /// The size the server received.
    #[serde(default, deserialize_with = "crate::lenient::opt_count")]
    pub size_bytes: Option<u64>,
}

/// A file that passed the checks: its accepted type, size and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedFile {
    /// The MIME type sent.
    pub content_type: &'static str,
    /// Its size in bytes.
    pub size: u64,
    /// Its file name.
    pub filename: String,
}

const MAGIC: &[(&str, &[u8])] = &[
    ("image/jpeg", b"\xFF\xD8\xFF"),
    ("image/png", b"\x89PNG\r\n\x1A\n"),
    ("image/gif", b"GIF87a"),
    ("image/gif", b"GIF89a"),
    ("application/pdf", b"%PDF-"),
];

/// The type a file's first bytes say it is, for the binary types (images, PDF).
pub fn sniff(head: &[u8]) -> Option<&'static str> {
    if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return Some("image/webp");
    }
    MAGIC
        .iter()
        .find(|(_, magic)| head.starts_with(magic))
        .map(|(kind, _)| *kind)
}

/// The accepted type a file name's extension names, if any.
pub fn type_for_extension(filename: &str) -> Option<&'static str> {
    let ext = filename.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "md" | "markdown" => "text/markdown",
        _ => return None,
    })
}

fn refused(rule: ValidationRule, limit: u64, actual: u64) -> ApiError {
    ApiError::Validation(ValidationError {
        field: "file",
        rule,
        limit,
        actual,
    })
}

fn file_error(path: &Path, err: &std::io::Error) -> ApiError {
    ApiError::File {
        path: path.display().to_string(),
        message: err.to_string(),
    }
}

/// Checks a file against the upload rules, reading it (text files whole, in pieces).
///
/// # Errors
/// [`ApiError::Validation`] (`file`: `TooLarge`, `UnsupportedType`, `TypeMismatch`) or
/// [`ApiError::File`] when it cannot be read.
pub async fn check_upload(path: &Path) -> Result<CheckedFile, ApiError> {
    let filename = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let Some(claimed) = type_for_extension(&filename) else {
        return Err(refused(ValidationRule::UnsupportedType, 0, 0));
    };
    let mut file = tokio::fs::File::open(path)
        .await
        .map_err(|e| file_error(path, &e))?;
    let size = file
        .metadata()
        .await
        .map_err(|e| file_error(path, &e))?
        .len();
    if size > MAX_UPLOAD_BYTES {
        return Err(refused(ValidationRule::TooLarge, MAX_UPLOAD_BYTES, size));
    }
    let mut buf = vec![0u8; UPLOAD_CHUNK_BYTES];
    let mut head_len = 0;
    while head_len < 16 {
        let n = file
            .read(&mut buf[head_len..16])
            .await
            .map_err(|e| file_error(path, &e))?;
        if n == 0 {
            break;
        }
        head_len += n;
    }
    let sniffed = sniff(&buf[..head_len]);
    if claimed.starts_with("text/") {
        if sniffed.is_some() {
            return Err(refused(ValidationRule::TypeMismatch, 0, 0));
        }
        check_text(&mut file, &mut buf, head_len)
            .await
            .map_err(|e| match e {
                TextError::Io(e) => file_error(path, &e),
                TextError::Invalid(at) => refused(ValidationRule::TypeMismatch, 0, at),
            })?;
    } else if sniffed != Some(claimed) {
        return Err(refused(ValidationRule::TypeMismatch, 0, 0));
    }
    Ok(CheckedFile {
        content_type: claimed,
        size,
        filename,
    })
}

enum TextError {
    Io(std::io::Error),
    Invalid(u64),
}

/// Reads the rest of a text file, checking UTF-8 (across piece boundaries) and NUL.
async fn check_text(
    file: &mut tokio::fs::File,
    buf: &mut [u8],
    mut filled: usize,
) -> Result<(), TextError> {
    let mut offset: u64 = 0; // file offset of buf[0]
    loop {
        let n = file.read(&mut buf[filled..]).await.map_err(TextError::Io)?;
        let end = filled + n;
        let at_eof = n == 0;
        let piece = &buf[..end];
        if let Some(nul) = memchr::memchr(0, piece) {
            return Err(TextError::Invalid(offset + nul as u64));
        }
        let carry = match std::str::from_utf8(piece) {
            Ok(_) => 0,
            // An incomplete character at the end of a piece: keep it for the next one.
            Err(e) if e.error_len().is_none() && !at_eof => end - e.valid_up_to(),
            Err(e) => return Err(TextError::Invalid(offset + e.valid_up_to() as u64)),
        };
        if at_eof {
            return Ok(());
        }
        buf.copy_within(end - carry..end, 0);
        offset += (end - carry) as u64;
        filled = carry;
    }
}

impl AthenaClient {
    /// Uploads a file from disk after [`check_upload`], streaming it in
    /// [`UPLOAD_CHUNK_BYTES`] pieces and calling `progress` as pieces are sent.
    ///
    /// # Errors
    /// Validation and file errors as [`check_upload`]; any HTTP [`ApiError`].
    pub async fn upload_attachment(
        &self,
        path: &Path,
        progress: Option<UploadProgress>,
    ) -> Result<ApiResponse<UploadedFile>, ApiError> {
        let checked = check_upload(path).await?;
        let file = tokio::fs::File::open(path)
            .await
            .map_err(|e| file_error(path, &e))?;
        let total = checked.size;
        let mut sent = 0u64;
        let pieces = tokio_util::io::ReaderStream::with_capacity(file, UPLOAD_CHUNK_BYTES).map(
            move |piece| {
                if let (Ok(bytes), Some(progress)) = (&piece, &progress) {
                    sent += bytes.len() as u64;
                    progress(sent, total);
                }
                piece
            },
        );
        let part =
            reqwest::multipart::Part::stream_with_length(reqwest::Body::wrap_stream(pieces), total)
                .file_name(checked.filename.clone())
                .mime_str(checked.content_type)
                .map_err(|e| ApiError::Transport(describe(&e)))?;
        let form = reqwest::multipart::Form::new().part("file", part);
        let url = self.url(&[PathPart::Lit("/attachments/upload")])?;
        tracing::debug!(
            size = total,
            content_type = checked.content_type,
            "uploading"
        );
        let response = self
            .request(Method::POST, &url)
            .multipart(form)
            .send()
            .await
            .map_err(|e| crate::client::transport_error(&e))?;
        if !response.status().is_success() {
            return Err(http_error(response, self.secret()).await);
        }
        read_envelope(response).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes_and_extensions() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1A\n...."), Some("image/png"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"%PDF-1.7"), Some("application/pdf"));
        assert_eq!(sniff(b"hello"), None);
        assert_eq!(type_for_extension("Notes.MD"), Some("text/markdown"));
        assert_eq!(type_for_extension("a.exe"), None);
        assert_eq!(type_for_extension("noext"), None);
    }
}
