//! What the view knows of one generated file: downloading, downloaded (under a local
//! id) or failed (and why), keyed by message, job and position.

use athena_api::DownloadError;
use serde::{Deserialize, Serialize};

use crate::ExecutionHandle;

/// One file of one media job of one message.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MediaKey {
    /// The message (execution) whose answer holds the job.
    pub handle: ExecutionHandle,
    /// The server's job id.
    pub job_id: String,
    /// The file's position in the job's `media` list.
    pub index: u32,
}

/// Why a generated file is not on disk. Stored as JSON with the file; the view
/// words each code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum MediaFailure {
    /// The server's URL is not an http(s) URL.
    InvalidUrl,
    /// Plain http to a host that is not this computer.
    InsecureUrl,
    /// A redirect to a non-https place, not followed.
    RedirectRefused {
        /// Where it pointed.
        location: String,
    },
    /// The media server answered with an error status (an expired URL: 403/404).
    Status {
        /// The HTTP status.
        status: u16,
    },
    /// Larger than the limit.
    TooLarge {
        /// The limit, in bytes.
        limit_bytes: u64,
    },
    /// Not the announced type, or not a media type at all.
    WrongContentType {
        /// What was announced or accepted.
        expected: String,
        /// What was served.
        served: String,
    },
    /// The connection failed (refused, reset, timed out, TLS).
    Transport {
        /// What the network layer said.
        detail: String,
    },
    /// The file could not be written (disk full, permissions).
    Io {
        /// What the OS said.
        detail: String,
    },
    /// It was downloaded, but its file is gone from the media folder.
    FileMissing,
}

impl From<DownloadError> for MediaFailure {
    fn from(err: DownloadError) -> Self {
        match err {
            DownloadError::InvalidUrl { .. } => Self::InvalidUrl,
            DownloadError::InsecureUrl { .. } => Self::InsecureUrl,
            DownloadError::RedirectRefused { location } => Self::RedirectRefused { location },
            DownloadError::Status { status } => Self::Status { status },
            DownloadError::TooLarge { limit_bytes } => Self::TooLarge { limit_bytes },
            DownloadError::WrongContentType { expected, served } => {
                Self::WrongContentType { expected, served }
            }
            DownloadError::Transport(detail) => Self::Transport { detail },
            DownloadError::Io(detail) => Self::Io { detail },
        }
    }
}

/// Where the app's copy of a generated file stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaFileState {
    /// Being downloaded (or waiting for its turn).
    Pending,
    /// On disk in the media folder.
    Downloaded {
        /// The local id: the file's name in the media folder (random, never derived
        /// from the server's URL).
        media_id: String,
        /// Its type as served.
        content_type: String,
        /// Its size.
        size_bytes: u64,
    },
    /// Not downloaded; [`crate::media::GeneratedMedia::retry`] tries again.
    Failed(MediaFailure),
}

/// One file's state, as handed to the view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaFileStatus {
    /// Which file.
    pub key: MediaKey,
    /// Where it stands.
    pub state: MediaFileState,
}

/// Told of every change of a file's state (the shell emits it to the page).
pub trait MediaSink: Send + Sync + 'static {
    /// One file changed.
    fn media_changed(&self, status: &MediaFileStatus);
}

/// The file extension for a media type: the local file keeps a name a file manager
/// understands when saved as.
pub(crate) fn extension_for(content_type: &str) -> &'static str {
    match content_type {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "image/avif" => "avif",
        "video/webm" => "webm",
        "video/mp4" => "mp4",
        "video/ogg" => "ogv",
        "video/quicktime" => "mov",
        "audio/mpeg" => "mp3",
        "audio/ogg" => "ogg",
        "audio/wav" | "audio/x-wav" => "wav",
        _ => "bin",
    }
}

/// Whether `name` is a local id this app gives: 32 hex digits, a dot, an extension
/// of lower-case letters and digits. Anything else (a path, `..`) is never a file of
/// the media folder.
pub fn is_media_id(name: &str) -> bool {
    let Some((stem, ext)) = name.split_once('.') else {
        return false;
    };
    stem.len() == 32
        && stem
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        && (1..=5).contains(&ext.len())
        && ext
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_apps_own_names_are_media_ids() {
        assert!(is_media_id("0123456789abcdef0123456789abcdef.png"));
        assert!(!is_media_id("../0123456789abcdef0123456789abcdef.png"));
        assert!(!is_media_id("0123456789abcdef0123456789abcdef.png.part"));
        assert!(!is_media_id("0123456789ABCDEF0123456789abcdef.png"));
        assert!(!is_media_id("history.sqlite3"));
        assert!(!is_media_id(""));
    }

    #[test]
    fn failures_are_stored_as_tagged_json() {
        let json = serde_json::to_string(&MediaFailure::Status { status: 403 }).expect("json");
        assert_eq!(json, r#"{"code":"status","status":403}"#);
        let back: MediaFailure = serde_json::from_str(&json).expect("back");
        assert_eq!(back, MediaFailure::Status { status: 403 });
    }
}
