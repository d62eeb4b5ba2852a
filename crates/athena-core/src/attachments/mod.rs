//! Attachments: files a person adds to a conversation's draft (dropped, picked or
//! pasted), checked before anything is uploaded, uploaded as soon as they are staged,
//! kept with the draft across restarts, and sent with the message by their
//! `storage_key`.
//!
//! The page names a file only by an id this module gave it; it never names a path.
//! A pasted file has no path: its bytes are copied once into
//! `<attachments folder>/<id>/<name>`. That copy (and every image's thumbnail,
//! `<id>/thumbnail.png`) is removed with a staged attachment, and kept once the
//! message is sent: the sent message shows the thumbnail and opens the image full size
//! from it.

mod check;
mod images;
mod manager;
mod upload;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use check::{Checked, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, Refusal, check_file};
pub use images::{
    FULL_VIEW_PX, ImageProblem, THUMBNAIL_PX, png_data_url, rendition, rendition_png,
};
pub use manager::{AttachmentSink, Attachments};

use crate::CoreError;

/// A file sent with a message, as the message keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentAttachment {
    /// The app's id of the attachment (its folder under the attachments folder).
    pub id: String,
    /// The file's name as sent.
    pub filename: String,
    /// Its content type as sent.
    pub content_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// The server's key it was sent by.
    pub storage_key: String,
    /// Where it was read from (the user's file or the app's copy), for the full-size
    /// view; never given to the page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<PathBuf>,
}

impl SentAttachment {
    /// Whether it is one of the accepted image types (it has a thumbnail).
    pub fn is_image(&self) -> bool {
        self.content_type.starts_with("image/")
    }
}

/// Where a staged file stands.
#[derive(Debug, Clone, PartialEq)]
pub enum AttachmentState {
    /// Being checked.
    Checking,
    /// Being uploaded: `sent` of `total` bytes left.
    Uploading {
        /// Bytes sent.
        sent: u64,
        /// Bytes in all.
        total: u64,
    },
    /// Uploaded: it has its `storage_key` and can be sent.
    Uploaded,
    /// The upload failed; it may be retried.
    Failed(CoreError),
    /// Refused by the checks: never uploaded.
    Refused(Refusal),
    /// The person cancelled the upload; it may be retried.
    Cancelled,
}

/// A file in a conversation's draft, as the page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct StagedAttachment {
    /// The app's id of it: the page names it by this.
    pub id: String,
    /// The conversation whose draft holds it.
    pub conversation_id: String,
    /// Its name.
    pub filename: String,
    /// Its accepted type (`None` while checking, or when refused before its type was
    /// known).
    pub content_type: Option<String>,
    /// Its size in bytes (0 when unknown).
    pub size: u64,
    /// Where it stands.
    pub state: AttachmentState,
    /// A PNG `data:` URL of at most [`THUMBNAIL_PX`] for an image.
    pub thumbnail: Option<String>,
}

/// Why an action on an attachment could not be done (a file's own refusal is its
/// [`AttachmentState::Refused`], not this).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentProblem {
    /// No staged or sent attachment has that id.
    UnknownAttachment,
    /// No dropped file has that id (dropped in another run, or never).
    UnknownDrop,
    /// Only images have a full-size view.
    NotAnImage,
    /// The file is no longer where it was.
    FileGone,
    /// Some of the message's attachments are not uploaded yet (or failed): `waiting`
    /// of them.
    NotUploaded {
        /// How many are not uploaded.
        waiting: usize,
    },
}

impl std::fmt::Display for AttachmentProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::UnknownAttachment => write!(f, "no attachment has that id"),
            Self::UnknownDrop => write!(f, "that dropped file is not known"),
            Self::NotAnImage => write!(f, "the attachment is not an image"),
            Self::FileGone => write!(f, "the attached file is gone"),
            Self::NotUploaded { waiting } => {
                write!(f, "attachments: {waiting} not uploaded yet")
            }
        }
    }
}
