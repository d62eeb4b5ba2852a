//! The checks a file passes before anything of it is uploaded, each refusal with a
//! typed reason the page words: what the path is (folder, unreadable, empty), its
//! size, and its type by extension AND by content (magic bytes for images and PDF,
//! valid UTF-8 without NUL bytes for text).
//!
//! A file whose content contradicts its extension is refused, never silently sent as
//! what its bytes say: a PNG renamed `.pdf` is refused with both types named, so the
//! person can rename it knowingly.

use std::io::Read;
use std::path::Path;

use athena_api::attachments::{UPLOAD_CHUNK_BYTES, sniff, type_for_extension};

/// The largest file attached: 50 MiB, the API's limit.
pub const MAX_ATTACHMENT_BYTES: u64 = athena_api::validation::MAX_UPLOAD_BYTES;

/// The most files one message carries: 10, the API's limit.
pub const MAX_ATTACHMENTS: usize = athena_api::validation::MAX_ATTACHMENTS;

/// Bytes read to recognise a binary type.
const HEAD_BYTES: usize = 16;

/// Why a file is not attached. The page owns the words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Larger than `limit` bytes.
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
        /// The file's size, in bytes.
        actual: u64,
    },
    /// The name's extension is not one of the accepted types (`""` when it has none).
    UnsupportedType {
        /// The extension, lower-cased, without the dot.
        extension: String,
    },
    /// The content is not what the extension says.
    TypeMismatch {
        /// The type the extension names.
        claimed: &'static str,
        /// The accepted type the bytes are, if any (`None`: not that type, or not text).
        found: Option<&'static str>,
    },
    /// A folder, not a file.
    Folder,
    /// It could not be read.
    Unreadable {
        /// What the OS said.
        reason: String,
    },
    /// It holds no bytes.
    Empty,
    /// The message already has `limit` files.
    TooMany {
        /// The most files a message carries.
        limit: usize,
    },
}

/// A file that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// Its name.
    pub filename: String,
    /// Its accepted content type.
    pub content_type: &'static str,
    /// Its size in bytes.
    pub size: u64,
}

/// The extension of a file name, lower-cased (`""` when none).
fn extension_of(filename: &str) -> String {
    filename
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default()
}

fn unreadable(err: &std::io::Error) -> Refusal {
    Refusal::Unreadable {
        reason: err.to_string(),
    }
}

/// Checks a file on disk, reading it (a text file whole, in pieces; a binary one
/// only its first bytes). Blocking: call it off the async workers.
///
/// # Errors
/// The [`Refusal`] of the first check the file fails, in this order: unreadable,
/// folder, unsupported extension, empty, too large, type mismatch.
pub fn check_file(path: &Path) -> Result<Checked, Refusal> {
    let meta = std::fs::metadata(path).map_err(|e| unreadable(&e))?;
    if meta.is_dir() {
        return Err(Refusal::Folder);
    }
    let filename = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let Some(claimed) = type_for_extension(&filename) else {
        return Err(Refusal::UnsupportedType {
            extension: extension_of(&filename),
        });
    };
    let size = meta.len();
    if size == 0 {
        return Err(Refusal::Empty);
    }
    if size > MAX_ATTACHMENT_BYTES {
        return Err(Refusal::TooLarge {
            limit: MAX_ATTACHMENT_BYTES,
            actual: size,
        });
    }
    let mut file = std::fs::File::open(path).map_err(|e| unreadable(&e))?;
    let mut head = Vec::with_capacity(HEAD_BYTES);
    (&mut file)
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(|e| unreadable(&e))?;
    let found = sniff(&head);
    if claimed.starts_with("text/") {
        // A text name on binary content (an image, a PDF) is refused at once; other
        // content must read as text to its end.
        if found.is_some() || !is_text(&head, &mut file).map_err(|e| unreadable(&e))? {
            return Err(Refusal::TypeMismatch { claimed, found });
        }
    } else if found != Some(claimed) {
        return Err(Refusal::TypeMismatch { claimed, found });
    }
    Ok(Checked {
        filename,
        content_type: claimed,
        size,
    })
}

/// Whether `head` and the rest of `rest` are valid UTF-8 without NUL bytes. Reads in
/// [`UPLOAD_CHUNK_BYTES`] pieces, carrying a character cut at a piece's end.
fn is_text(head: &[u8], rest: &mut impl Read) -> std::io::Result<bool> {
    let mut buf = vec![0u8; UPLOAD_CHUNK_BYTES + 4];
    buf[..head.len()].copy_from_slice(head);
    let mut filled = head.len();
    loop {
        let n = rest.read(&mut buf[filled..])?;
        let end = filled + n;
        let at_end = n == 0;
        let piece = &buf[..end];
        if piece.contains(&0) {
            return Ok(false);
        }
        let carry = match std::str::from_utf8(piece) {
            Ok(_) => 0,
            Err(e) if e.error_len().is_none() && !at_end => end - e.valid_up_to(),
            Err(_) => return Ok(false),
        };
        if at_end {
            return Ok(true);
        }
        buf.copy_within(end - carry..end, 0);
        filled = carry;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_character_cut_between_pieces_is_still_text() {
        // "é" is two bytes; put its first byte last in the first piece.
        let mut text = vec![b'a'; UPLOAD_CHUNK_BYTES + 4 - 1];
        text.extend_from_slice("é and more".as_bytes());
        assert!(is_text(&[], &mut text.as_slice()).expect("read"));
        let mut broken = vec![b'a'; 10];
        broken.push(0xC3);
        assert!(!is_text(&[], &mut broken.as_slice()).expect("read"));
        assert!(!is_text(b"a\0b", &mut [].as_slice()).expect("read"));
    }
}
