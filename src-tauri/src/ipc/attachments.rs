//! Attachments as the page sees them: staged files with their state, the reasons a
//! file is refused (codes with fields; the page owns the words), the files of a sent
//! message, and the events of the composer's chips and drop zone.

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri_specta::Event;

use super::{AppError, number};

/// A file staged in a conversation's draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct StagedAttachment {
    /// The backend's id of it: the page names it by this only.
    pub id: String,
    /// The conversation whose draft holds it.
    pub conversation_id: String,
    /// Its name.
    pub filename: String,
    /// Its accepted type (null while checking or when refused before it was known).
    pub content_type: Option<String>,
    /// Its size in bytes (0 when unknown).
    pub size: u32,
    /// Where it stands.
    pub state: AttachmentState,
    /// A PNG `data:` URL of at most 256 px, for an image.
    pub thumbnail: Option<String>,
}

/// Where a staged file stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum AttachmentState {
    /// Being checked.
    Checking,
    /// Being uploaded.
    Uploading {
        /// Bytes sent.
        sent: u32,
        /// Bytes in all.
        total: u32,
    },
    /// Uploaded: the message can carry it.
    Uploaded,
    /// The upload failed; it may be retried.
    Failed {
        /// Why.
        error: AppError,
    },
    /// Refused before any upload.
    Refused {
        /// Why.
        reason: AttachmentRefusal,
    },
    /// The person cancelled the upload; it may be retried.
    Cancelled,
}

/// Why a file was refused before any upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "code", rename_all = "camelCase")]
pub enum AttachmentRefusal {
    /// Larger than the limit (bytes).
    TooLarge {
        /// The limit, in bytes.
        limit: u32,
        /// Its size, in bytes.
        actual: u32,
    },
    /// Its extension is not an accepted type ("" when it has none).
    UnsupportedType {
        /// The extension, lower-cased.
        extension: String,
    },
    /// Its content is not what its extension says.
    TypeMismatch {
        /// The type the extension names.
        claimed: String,
        /// The accepted type the bytes are, if any.
        found: Option<String>,
    },
    /// A folder.
    Folder,
    /// It could not be read.
    Unreadable {
        /// What the OS said.
        reason: String,
    },
    /// It holds no bytes.
    Empty,
    /// The message already has the most files it can carry.
    TooMany {
        /// That most.
        limit: u32,
    },
}

/// A file a sent message carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SentAttachment {
    /// Its id (for `attachmentThumbnail` and `attachmentFullView`).
    pub id: String,
    /// Its name.
    pub filename: String,
    /// Its type.
    pub content_type: String,
    /// Its size in bytes.
    pub size: u32,
    /// Whether it is an image (it may have a thumbnail and a full-size view).
    pub is_image: bool,
}

/// A staged file changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, Event)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentChanged {
    /// It, as it now is.
    pub attachment: StagedAttachment,
}

/// A staged file left its draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, Event)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentRemoved {
    /// Its id.
    pub id: String,
    /// Its conversation.
    pub conversation_id: String,
}

/// Files are being dragged over the window (`true`) or no longer are (`false`: they
/// left it or were dropped), for the drop zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, Event)]
#[serde(rename_all = "camelCase")]
pub struct DragHover {
    /// Whether files hover over the window.
    pub active: bool,
}

/// What an action on an attachment could not do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum AttachmentProblem {
    /// No staged or sent attachment has that id.
    UnknownAttachment,
    /// No file dropped in this run has that id.
    UnknownDrop,
    /// Only images have a full-size view.
    NotAnImage,
    /// The file is no longer where it was.
    FileGone,
    /// Some of the message's attachments are not uploaded (`waiting` of them).
    NotUploaded,
}

impl From<athena_core::attachments::AttachmentProblem> for AppError {
    fn from(problem: athena_core::attachments::AttachmentProblem) -> Self {
        use athena_core::attachments::AttachmentProblem as P;
        let (reason, waiting) = match problem {
            P::UnknownAttachment => (AttachmentProblem::UnknownAttachment, 0),
            P::UnknownDrop => (AttachmentProblem::UnknownDrop, 0),
            P::NotAnImage => (AttachmentProblem::NotAnImage, 0),
            P::FileGone => (AttachmentProblem::FileGone, 0),
            P::NotUploaded { waiting } => (AttachmentProblem::NotUploaded, waiting),
        };
        Self::Attachment {
            reason,
            waiting: u32::try_from(waiting).unwrap_or(u32::MAX),
        }
    }
}

impl From<athena_core::attachments::Refusal> for AttachmentRefusal {
    fn from(refusal: athena_core::attachments::Refusal) -> Self {
        use athena_core::attachments::Refusal as R;
        match refusal {
            R::TooLarge { limit, actual } => Self::TooLarge {
                limit: number(limit),
                actual: number(actual),
            },
            R::UnsupportedType { extension } => Self::UnsupportedType { extension },
            R::TypeMismatch { claimed, found } => Self::TypeMismatch {
                claimed: claimed.to_owned(),
                found: found.map(str::to_owned),
            },
            R::Folder => Self::Folder,
            R::Unreadable { reason } => Self::Unreadable { reason },
            R::Empty => Self::Empty,
            R::TooMany { limit } => Self::TooMany {
                limit: u32::try_from(limit).unwrap_or(u32::MAX),
            },
        }
    }
}

impl From<athena_core::attachments::AttachmentState> for AttachmentState {
    fn from(state: athena_core::attachments::AttachmentState) -> Self {
        use athena_core::attachments::AttachmentState as S;
        match state {
            S::Checking => Self::Checking,
            S::Uploading { sent, total } => Self::Uploading {
                sent: number(sent),
                total: number(total),
            },
            S::Uploaded => Self::Uploaded,
            S::Failed(error) => Self::Failed {
                error: error.into(),
            },
            S::Refused(reason) => Self::Refused {
                reason: reason.into(),
            },
            S::Cancelled => Self::Cancelled,
        }
    }
}

impl From<athena_core::attachments::StagedAttachment> for StagedAttachment {
    fn from(a: athena_core::attachments::StagedAttachment) -> Self {
        Self {
            id: a.id,
            conversation_id: a.conversation_id,
            filename: a.filename,
            content_type: a.content_type,
            size: number(a.size),
            state: a.state.into(),
            thumbnail: a.thumbnail,
        }
    }
}

impl From<athena_core::attachments::SentAttachment> for SentAttachment {
    fn from(a: athena_core::attachments::SentAttachment) -> Self {
        Self {
            is_image: a.is_image(),
            id: a.id,
            filename: a.filename,
            content_type: a.content_type,
            size: number(a.size),
        }
    }
}

/// A dropped path that is not a readable file, named by an id so that the page can
/// stage it and show why it cannot go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DroppedPath {
    /// The id to name it by.
    pub drop_id: String,
    /// Its name.
    pub name: String,
    /// What it is.
    pub kind: DroppedKind,
}

/// What a dropped path that is not a readable file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum DroppedKind {
    /// A folder.
    Folder,
    /// Missing or unreadable.
    Unreadable,
}
