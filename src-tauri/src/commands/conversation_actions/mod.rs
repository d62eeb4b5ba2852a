//! What the user does to whole conversations: search across them, rename, archive,
//! delete, export to a file and import from one. Thin: core does the work; the save
//! and open dialogs are native, raised here, so the page never names a path.

pub(crate) mod files;

use athena_core::MAX_TITLE_CHARS;
use athena_core::dialogs::{FileDialog, FileFilter};
use tauri::State;

use crate::commands::profiles::AppDialogs;
use crate::ipc::{
    AppError, ConversationSummary, ExportFormat, ExportOutcome, SearchResult, ValidationRule,
};
use crate::state::AppState;

/// The most results one search returns (core caps it at 200 too).
const MAX_RESULTS: u32 = 200;

/// The messages of a workspace's conversations that match `query` (plain words, the
/// last one a prefix), best first, archived conversations included and marked.
// Off the main thread: it reads the history store.
#[tauri::command(async)]
#[specta::specta]
pub fn search_conversations(
    state: State<'_, AppState>,
    workspace_id: String,
    query: String,
    limit: u32,
) -> Result<Vec<SearchResult>, AppError> {
    let limit = limit.clamp(1, MAX_RESULTS) as usize;
    Ok(state
        .conversations
        .search(&workspace_id, &query, limit)?
        .into_iter()
        .map(SearchResult::from)
        .collect())
}

/// Gives a conversation the title the user typed (line breaks and runs of spaces
/// become one space). Returns it as it now is.
#[tauri::command]
#[specta::specta]
pub async fn rename_conversation(
    state: State<'_, AppState>,
    conversation_id: String,
    title: String,
) -> Result<ConversationSummary, AppError> {
    check_title(&title)?;
    let record = state.conversations.rename(&conversation_id, &title).await?;
    Ok(summary(&state, record))
}

/// Archives a conversation (on the server too): it stays readable, searchable and
/// exportable, and is no longer continued. Refused while an answer streams.
#[tauri::command]
#[specta::specta]
pub async fn archive_conversation(
    state: State<'_, AppState>,
    conversation_id: String,
) -> Result<ConversationSummary, AppError> {
    let record = state.conversations.archive(&conversation_id).await?;
    Ok(summary(&state, record))
}

/// Deletes a conversation from this computer for good (the page asked the user
/// first). Refused while an answer streams.
#[tauri::command]
#[specta::specta]
pub async fn delete_conversation(
    state: State<'_, AppState>,
    media: State<'_, crate::media::AppMedia>,
    conversation_id: String,
) -> Result<(), AppError> {
    state.conversations.delete(&conversation_id).await?;
    // Its generated media leave the disk too (the rows went with the messages).
    if let Err(err) = media.library.remove_unreferenced() {
        tracing::warn!(error = %err, "generated media of a deleted conversation not removed");
    }
    Ok(())
}

/// Exports a conversation to a file the user chooses in the native save dialog:
/// JSON (importable again) or Markdown (for reading). The text is made first, so a
/// refusal (an answer streaming) comes before the dialog.
#[tauri::command]
#[specta::specta]
pub async fn export_conversation(
    state: State<'_, AppState>,
    dialogs: State<'_, AppDialogs>,
    conversation_id: String,
    format: ExportFormat,
) -> Result<ExportOutcome, AppError> {
    let conversation = state.conversations.conversation(&conversation_id)?;
    let (text, extension, kind) = match format {
        ExportFormat::Json => (
            state.conversations.export_json(&conversation_id).await?,
            "json",
            "Conversation export (JSON)",
        ),
        ExportFormat::Markdown => (
            state
                .conversations
                .export_markdown(&conversation_id)
                .await?,
            "md",
            "Markdown",
        ),
    };
    let chosen = dialogs
        .save_to(FileDialog {
            title: "Export the conversation".into(),
            filters: vec![FileFilter {
                name: kind.into(),
                extensions: vec![extension.into()],
            }],
            multiple: false,
            suggested_name: Some(files::suggested_name(&conversation.title, extension)),
        })
        .await?;
    let Some(path) = chosen else {
        return Ok(ExportOutcome {
            saved: false,
            file_name: None,
        });
    };
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    tauri::async_runtime::spawn_blocking(move || files::write_whole(&path, &text))
        .await
        .map_err(|_| AppError::Internal)??;
    Ok(ExportOutcome {
        saved: true,
        file_name,
    })
}

/// Imports a conversation from a JSON export the user chooses in the native open
/// dialog, into `workspace_id`, as a new archived (read-only) conversation. `None`
/// when the user cancelled.
#[tauri::command]
#[specta::specta]
pub async fn import_conversation(
    state: State<'_, AppState>,
    dialogs: State<'_, AppDialogs>,
    workspace_id: String,
) -> Result<Option<ConversationSummary>, AppError> {
    if state.conversations.workspace(&workspace_id).is_none() {
        return Err(AppError::UnknownWorkspace { workspace_id });
    }
    let chosen = dialogs
        .pick_one(FileDialog {
            title: "Import a conversation".into(),
            filters: vec![FileFilter {
                name: "Conversation export (JSON)".into(),
                extensions: vec!["json".into()],
            }],
            multiple: false,
            suggested_name: None,
        })
        .await?;
    let Some(path) = chosen else {
        return Ok(None);
    };
    let text = tauri::async_runtime::spawn_blocking(move || {
        files::read_limited(&path, files::MAX_IMPORT_BYTES)
    })
    .await
    .map_err(|_| AppError::Internal)??;
    let record = state
        .conversations
        .import_json(&text, &workspace_id)
        .await?;
    Ok(Some(ConversationSummary::new(record, false)))
}

/// The rename limit, checked before anything else, counted as core counts it (after
/// runs of whitespace become one space).
fn check_title(title: &str) -> Result<(), AppError> {
    let words: Vec<&str> = title.split_whitespace().collect();
    if words.is_empty() {
        return Err(AppError::Validation {
            field: "title".into(),
            rule: ValidationRule::Required,
            limit: 1,
            actual: 0,
        });
    }
    // The words and the single spaces between them.
    let chars = words.iter().map(|w| w.chars().count()).sum::<usize>() + words.len() - 1;
    if chars > MAX_TITLE_CHARS as usize {
        return Err(AppError::Validation {
            field: "title".into(),
            rule: ValidationRule::TooLong,
            limit: MAX_TITLE_CHARS,
            actual: u32::try_from(chars).unwrap_or(u32::MAX),
        });
    }
    Ok(())
}

fn summary(
    state: &AppState,
    record: athena_core::history::ConversationRecord,
) -> ConversationSummary {
    let running = state
        .conversations
        .executions()
        .running_conversations()
        .contains(&record.id);
    ConversationSummary::new(record, running)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_counted_as_core_keeps_them() {
        assert!(check_title(&"a".repeat(200)).is_ok());
        assert!(check_title(&format!("  {}  \n", "a".repeat(200))).is_ok());
        assert!(check_title(&format!("{}   {}", "a".repeat(99), "b".repeat(100))).is_ok());
        assert_eq!(
            check_title(&"é".repeat(201)),
            Err(AppError::Validation {
                field: "title".into(),
                rule: ValidationRule::TooLong,
                limit: 200,
                actual: 201
            })
        );
        assert!(matches!(
            check_title(" \n\t "),
            Err(AppError::Validation {
                rule: ValidationRule::Required,
                ..
            })
        ));
    }
}
