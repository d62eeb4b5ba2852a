//! Generated media as the page sees them: each file's local state, with the loopback
//! URL of a downloaded one (never the server's URL), and why a failed one failed.

use serde::{Deserialize, Serialize};
use specta::Type;

use super::number;

/// One file of a media job, where the app's copy stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MediaFileView {
    /// The message (execution handle) whose answer holds the job.
    pub handle: String,
    /// The job.
    pub job_id: String,
    /// The file's position in the job.
    pub index: u32,
    /// Where it stands.
    pub local: MediaLocal,
}

/// Where the app's copy of a generated file stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum MediaLocal {
    /// Being downloaded.
    Pending,
    /// On disk, shown from the app's loopback media server.
    #[serde(rename_all = "camelCase")]
    Downloaded {
        /// The app's loopback URL (with this run's secret).
        url: String,
        /// Its type as served.
        content_type: String,
        /// Its size in bytes (saturates at 4 GiB).
        size_bytes: u32,
    },
    /// Not downloaded: why. Retry tries again.
    Failed {
        /// Why.
        failure: MediaFailure,
    },
}

/// Why a generated file is not on disk. The UI words each code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "code", rename_all = "camelCase")]
pub enum MediaFailure {
    /// The server's URL is not an http(s) URL.
    InvalidUrl,
    /// Plain http to a host that is not this computer: refused.
    InsecureUrl,
    /// A redirect to a non-https place, not followed.
    RedirectRefused {
        /// Where it pointed.
        location: String,
    },
    /// The media server answered with an error status (an expired link: 403/404).
    Status {
        /// The HTTP status.
        status: u32,
    },
    /// Larger than the download limit.
    #[serde(rename_all = "camelCase")]
    TooLarge {
        /// The limit in bytes (saturates at 4 GiB).
        limit_bytes: u32,
    },
    /// Not the announced type (or not a media type at all).
    WrongContentType {
        /// What was announced or accepted.
        expected: String,
        /// What the server sent.
        served: String,
    },
    /// The connection failed.
    Transport {
        /// What the network layer said (technical).
        detail: String,
    },
    /// The file could not be written.
    Io {
        /// What the system said (technical).
        detail: String,
    },
    /// It was downloaded, but its file is gone from the app's data folder.
    FileMissing,
}

/// A generated file's state changed (event).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct MediaFileChanged {
    /// The file, as it stands now.
    pub file: MediaFileView,
}

impl From<athena_core::media::MediaFailure> for MediaFailure {
    fn from(f: athena_core::media::MediaFailure) -> Self {
        use athena_core::media::MediaFailure as F;
        match f {
            F::InvalidUrl => Self::InvalidUrl,
            F::InsecureUrl => Self::InsecureUrl,
            F::RedirectRefused { location } => Self::RedirectRefused { location },
            F::Status { status } => Self::Status {
                status: u32::from(status),
            },
            F::TooLarge { limit_bytes } => Self::TooLarge {
                limit_bytes: number(limit_bytes),
            },
            F::WrongContentType { expected, served } => Self::WrongContentType { expected, served },
            F::Transport { detail } => Self::Transport { detail },
            F::Io { detail } => Self::Io { detail },
            F::FileMissing => Self::FileMissing,
        }
    }
}

impl MediaFileView {
    /// `status` as the page sees it; `url_of` gives a downloaded file's loopback URL.
    pub fn new(
        status: athena_core::media::MediaFileStatus,
        url_of: impl Fn(&str) -> String,
    ) -> Self {
        use athena_core::media::MediaFileState as S;
        let local = match status.state {
            S::Pending => MediaLocal::Pending,
            S::Downloaded {
                media_id,
                content_type,
                size_bytes,
            } => MediaLocal::Downloaded {
                url: url_of(&media_id),
                content_type,
                size_bytes: number(size_bytes),
            },
            S::Failed(failure) => MediaLocal::Failed {
                failure: failure.into(),
            },
        };
        Self {
            handle: status.key.handle.as_str().to_owned(),
            job_id: status.key.job_id,
            index: status.key.index,
            local,
        }
    }
}
