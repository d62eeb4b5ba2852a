//! Thin commands for the composer's attachments: stage files (dropped, picked,
//! pasted), remove, cancel, retry, list a draft's files, and the pictures of images.
//! The page names files only by ids the backend gave: a drop id or an attachment id.

use athena_core::attachments::{AttachmentProblem, Attachments};
use athena_core::dialogs::{FileDialog, FileFilter};
use tauri::State;

use crate::commands::profiles::AppDialogs;
use crate::drops::DroppedFiles;
use crate::ipc::{AppError, StagedAttachment};

/// The extensions the picker offers: the API's accepted types.
const PICKABLE: &[&str] = &[
    "jpg", "jpeg", "png", "gif", "webp", "pdf", "txt", "csv", "md", "markdown",
];

fn shown(staged: Vec<athena_core::attachments::StagedAttachment>) -> Vec<StagedAttachment> {
    staged.into_iter().map(Into::into).collect()
}

/// Stages files dragged onto the window (by the drop ids of `FilesDropped`) in a
/// conversation's draft; each is checked, accepted ones start uploading.
#[tauri::command]
#[specta::specta]
pub async fn attach_dragged(
    attachments: State<'_, Attachments>,
    dropped: State<'_, DroppedFiles>,
    conversation_id: String,
    drop_ids: Vec<String>,
) -> Result<Vec<StagedAttachment>, AppError> {
    let paths = drop_ids
        .iter()
        .map(|id| dropped.path(id))
        .collect::<Option<Vec<_>>>()
        .ok_or(AppError::from(AttachmentProblem::UnknownDrop))?;
    Ok(shown(
        attachments.stage_files(&conversation_id, paths).await?,
    ))
}

/// Lets the person choose files in the native open dialog (several at once, filtered
/// to the accepted types) and stages them; nothing when the dialog is cancelled.
#[tauri::command]
#[specta::specta]
pub async fn attach_picked(
    attachments: State<'_, Attachments>,
    dialogs: State<'_, AppDialogs>,
    conversation_id: String,
) -> Result<Vec<StagedAttachment>, AppError> {
    // The conversation is checked before the dialog: a stale page gets its error at once.
    attachments.list(&conversation_id).await?;
    let dialog = FileDialog {
        title: "Attach files".into(),
        filters: vec![FileFilter {
            name: "Images, PDF and text".into(),
            extensions: PICKABLE.iter().map(|e| (*e).to_owned()).collect(),
        }],
        multiple: true,
        suggested_name: None,
    };
    let dialogs = dialogs.0.clone();
    let paths = tauri::async_runtime::spawn_blocking(move || dialogs.pick_files(&dialog))
        .await
        .map_err(|_| AppError::Internal)?;
    Ok(shown(
        attachments.stage_files(&conversation_id, paths).await?,
    ))
}

/// A pasted file as the raw request body carries it: the bytes (a 50 MiB file is not
/// sent as JSON), and what they are in headers (`x-conversation-id`, `x-file-name`
/// URI-encoded, `x-content-type`). Taken from the request like `tauri::ipc::Request`,
/// and, like `State`, not an argument of the generated binding: the page calls the
/// command through `ui/src/attachments/pasteTransport.ts`.
pub struct PastedFile {
    conversation_id: Option<String>,
    name: String,
    content_type: String,
    bytes: Option<Vec<u8>>,
}

impl<'a, R: tauri::Runtime> tauri::ipc::CommandArg<'a, R> for PastedFile {
    fn from_command(
        command: tauri::ipc::CommandItem<'a, R>,
    ) -> Result<Self, tauri::ipc::InvokeError> {
        let headers = command.message.headers();
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let bytes = match command.message.payload() {
            tauri::ipc::InvokeBody::Raw(bytes) => Some(bytes.clone()),
            tauri::ipc::InvokeBody::Json(_) => None,
        };
        Ok(Self {
            conversation_id: header("x-conversation-id"),
            name: header("x-file-name")
                .map(|n| percent_decode(&n))
                .unwrap_or_default(),
            content_type: header("x-content-type").unwrap_or_default(),
            bytes,
        })
    }
}

impl specta::function::FunctionArg for PastedFile {
    fn to_datatype(_: &mut specta::Types) -> Option<specta::datatype::DataType> {
        None
    }
}

/// Stages a pasted file: its bytes are kept once in the app's data folder, then
/// checked and uploaded like a dropped one. The binding takes no argument: call it
/// through `ui/src/attachments/pasteTransport.ts`, which sends the raw body.
#[tauri::command]
#[specta::specta]
pub async fn attach_pasted(
    attachments: State<'_, Attachments>,
    pasted: PastedFile,
) -> Result<StagedAttachment, AppError> {
    let bytes = pasted.bytes.ok_or_else(|| paste_refused("body"))?;
    let conversation_id = pasted
        .conversation_id
        .ok_or_else(|| paste_refused("x-conversation-id"))?;
    let staged = attachments
        .stage_pasted(&conversation_id, &pasted.name, &pasted.content_type, bytes)
        .await?;
    Ok(staged.into())
}

fn paste_refused(field: &str) -> AppError {
    tracing::warn!(field, "a paste without its {field}");
    AppError::Validation {
        field: field.to_owned(),
        rule: crate::ipc::ValidationRule::Required,
        limit: 1,
        actual: 0,
    }
}

/// `encodeURIComponent`'s inverse; invalid sequences are kept as they are.
fn percent_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("n={}", text.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// The files of a conversation's draft, in order. Those whose upload had not
/// finished (in an earlier run) are checked again and uploaded again.
#[tauri::command]
#[specta::specta]
pub async fn draft_attachments(
    attachments: State<'_, Attachments>,
    conversation_id: String,
) -> Result<Vec<StagedAttachment>, AppError> {
    Ok(shown(attachments.list(&conversation_id).await?))
}

/// Removes a file from its draft (its upload stops).
#[tauri::command]
#[specta::specta]
pub async fn remove_attachment(
    attachments: State<'_, Attachments>,
    id: String,
) -> Result<(), AppError> {
    Ok(attachments.remove(&id).await?)
}

/// Stops a file's upload; it stays, cancelled, and may be retried.
#[tauri::command]
#[specta::specta]
pub fn cancel_attachment_upload(
    attachments: State<'_, Attachments>,
    id: String,
) -> Result<(), AppError> {
    Ok(attachments.cancel(&id)?)
}

/// Checks a failed or cancelled file again and uploads it anew.
#[tauri::command]
#[specta::specta]
pub async fn retry_attachment(
    attachments: State<'_, Attachments>,
    id: String,
) -> Result<(), AppError> {
    Ok(attachments.retry(&id).await?)
}

/// A staged or sent image at most 2048 px wide and high, as a PNG `data:` URL.
#[tauri::command]
#[specta::specta]
pub async fn attachment_full_view(
    attachments: State<'_, Attachments>,
    id: String,
) -> Result<String, AppError> {
    Ok(attachments.full_view(&id).await?)
}

/// The thumbnail of a staged or sent image (`null` when it has none).
#[tauri::command]
#[specta::specta]
pub async fn attachment_thumbnail(
    attachments: State<'_, Attachments>,
    id: String,
) -> Result<Option<String>, AppError> {
    Ok(attachments.thumbnail(&id).await?)
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn names_are_decoded_as_encode_uri_component_wrote_them() {
        assert_eq!(percent_decode("shot%201%2B1.png"), "shot 1+1.png");
        assert_eq!(percent_decode("a+b.txt"), "a+b.txt");
        assert_eq!(percent_decode("%C3%A9t%C3%A9.md"), "été.md");
    }
}
