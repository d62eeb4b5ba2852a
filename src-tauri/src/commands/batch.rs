//! The Batch screen's commands. The page names a source (pasted text, or a file the
//! backend read and gave an id); the backend reads, flags and runs the rows.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, PoisonError};

use athena_core::dialogs::{FileDialog, FileFilter};
use tauri::State;

use crate::commands::profiles::AppDialogs;
use crate::drops::DroppedFiles;
use crate::ipc::{
    AppError, BatchCost, BatchExportFormat, BatchFile, BatchInput, BatchParseOptions,
    BatchRunSummary, BatchRunView, BatchSource,
};
use crate::state::AppState;

/// Largest batch file read ([`athena_core::batch::MAX_INPUT_BYTES`] is the parser's).
const MAX_FILE_BYTES: u64 = athena_core::batch::MAX_INPUT_BYTES as u64;

/// Files read for batches this run, by the id the page got for each.
#[derive(Debug, Default)]
pub(crate) struct BatchFiles(Mutex<HashMap<String, (String, Vec<u8>)>>);

impl BatchFiles {
    fn add(&self, name: String, bytes: Vec<u8>) -> BatchFile {
        let file_id = format!("batch-file:{}", uuid::Uuid::new_v4());
        let size = crate::ipc::batch::count(bytes.len());
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(file_id.clone(), (name.clone(), bytes));
        BatchFile {
            file_id,
            name,
            size,
        }
    }

    fn get(&self, file_id: &str) -> Option<(String, Vec<u8>)> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(file_id)
            .cloned()
    }
}

/// Reads a file for a batch, refusing a folder or one over the limit before reading.
fn read_file(files: &BatchFiles, path: &Path) -> Result<BatchFile, AppError> {
    let refuse = |reason: String| AppError::BatchInput { reason };
    let meta = std::fs::metadata(path).map_err(|e| refuse(format!("{}: {e}", path.display())))?;
    if !meta.is_file() {
        return Err(refuse(format!("{} is not a file", path.display())));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(AppError::BatchInput {
            reason: format!(
                "{} is {} bytes; a batch file may have at most {MAX_FILE_BYTES}",
                path.display(),
                meta.len()
            ),
        });
    }
    let bytes = std::fs::read(path).map_err(|e| refuse(format!("{}: {e}", path.display())))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(files.add(name, bytes))
}

/// The bytes and name hint of a source.
fn source_bytes(
    files: &BatchFiles,
    source: BatchSource,
) -> Result<(Option<String>, Vec<u8>), AppError> {
    match source {
        BatchSource::Text { text } => Ok((None, text.into_bytes())),
        BatchSource::File { file_id } => files
            .get(&file_id)
            .map(|(name, bytes)| (Some(name), bytes))
            .ok_or(AppError::BatchInput {
                reason: "the file is no longer loaded: choose it again".into(),
            }),
    }
}

fn parse(
    files: &BatchFiles,
    source: BatchSource,
    options: &BatchParseOptions,
) -> Result<athena_core::batch::ParsedInput, AppError> {
    let (name, bytes) = source_bytes(files, source)?;
    athena_core::batch::parse(&bytes, name.as_deref(), &options.to_core()).map_err(|err| {
        AppError::BatchInput {
            reason: err.to_string(),
        }
    })
}

/// Lets the user choose a batch file (CSV, JSONL or text) and reads it. `None` when
/// the dialog was cancelled.
#[tauri::command]
#[specta::specta]
pub async fn batch_open_file(
    dialogs: State<'_, AppDialogs>,
    files: State<'_, BatchFiles>,
) -> Result<Option<BatchFile>, AppError> {
    let chosen = dialogs
        .pick_one(FileDialog {
            title: "Import a batch".into(),
            filters: vec![FileFilter {
                name: "Batch files".into(),
                extensions: ["csv", "tsv", "jsonl", "ndjson", "txt"]
                    .map(String::from)
                    .to_vec(),
            }],
            multiple: false,
            suggested_name: None,
        })
        .await?;
    chosen.map(|path| read_file(&files, &path)).transpose()
}

/// Reads a file dropped on the window for a batch.
// Off the main thread: it reads the file.
#[tauri::command(async)]
#[specta::specta]
pub fn batch_open_dragged_file(
    dropped: State<'_, DroppedFiles>,
    files: State<'_, BatchFiles>,
    drop_id: String,
) -> Result<BatchFile, AppError> {
    let path = dropped.path(&drop_id).ok_or(AppError::BatchInput {
        reason: "that dropped file is not known: drop it again".into(),
    })?;
    read_file(&files, &path)
}

/// Reads a source into rows, with each row's flags and the lines that could not be
/// read.
// Off the main thread: a large file takes a moment.
#[tauri::command(async)]
#[specta::specta]
pub fn batch_parse(
    files: State<'_, BatchFiles>,
    source: BatchSource,
    options: BatchParseOptions,
) -> Result<BatchInput, AppError> {
    Ok(BatchInput::from(parse(&files, source, &options)?))
}

/// What running `count` items with this agent would cost (a preview of one item).
#[tauri::command]
#[specta::specta]
pub async fn batch_preview_cost(
    state: State<'_, AppState>,
    workspace_id: String,
    agent_id: String,
    count: u32,
) -> Result<BatchCost, AppError> {
    let cost = state
        .batches
        .preview_cost(&workspace_id, &agent_id, count as usize)
        .await?;
    Ok(BatchCost::from(&cost))
}

/// Reads the source again and starts a run of its rows; refused while a row is
/// flagged.
#[tauri::command]
#[specta::specta]
pub async fn batch_start(
    state: State<'_, AppState>,
    files: State<'_, BatchFiles>,
    workspace_id: String,
    agent_id: String,
    source: BatchSource,
    options: BatchParseOptions,
) -> Result<BatchRunView, AppError> {
    let parsed = parse(&files, source, &options)?;
    let run = state
        .batches
        .start(&workspace_id, &agent_id, parsed.rows, None)
        .await?;
    Ok(BatchRunView::from(&run))
}

/// Stops a run: nothing more is sent; items already sent may still run and be
/// charged.
#[tauri::command]
#[specta::specta]
pub async fn batch_cancel(
    state: State<'_, AppState>,
    run_id: String,
) -> Result<BatchRunView, AppError> {
    state.batches.cancel(&run_id)?;
    state.batches.until_done(&run_id).await;
    Ok(BatchRunView::from(&state.batches.run(&run_id)?))
}

/// Starts a new run holding only the failed items of a run.
#[tauri::command]
#[specta::specta]
pub async fn batch_retry_failed(
    state: State<'_, AppState>,
    run_id: String,
) -> Result<BatchRunView, AppError> {
    let run = state.batches.retry_failed(&run_id).await?;
    Ok(BatchRunView::from(&run))
}

/// A workspace's runs, newest first.
// Off the main thread: it reads the history store.
#[tauri::command(async)]
#[specta::specta]
pub fn batch_runs(
    state: State<'_, AppState>,
    workspace_id: String,
) -> Result<Vec<BatchRunSummary>, AppError> {
    Ok(state
        .batches
        .runs(&workspace_id)?
        .iter()
        .map(BatchRunSummary::from)
        .collect())
}

/// A run with its items.
// Off the main thread: it reads the history store.
#[tauri::command(async)]
#[specta::specta]
pub fn batch_run(state: State<'_, AppState>, run_id: String) -> Result<BatchRunView, AppError> {
    Ok(BatchRunView::from(&state.batches.run(&run_id)?))
}

/// Writes a run's results as CSV or JSONL where the user chooses. False when the
/// dialog was cancelled.
#[tauri::command]
#[specta::specta]
pub async fn batch_export(
    state: State<'_, AppState>,
    dialogs: State<'_, AppDialogs>,
    run_id: String,
    format: BatchExportFormat,
) -> Result<bool, AppError> {
    let jsonl = format == BatchExportFormat::Jsonl;
    let extension = if jsonl { "jsonl" } else { "csv" };
    let chosen = dialogs
        .save_to(FileDialog {
            title: "Export the results".into(),
            filters: vec![FileFilter {
                name: extension.to_uppercase(),
                extensions: vec![extension.into()],
            }],
            multiple: false,
            suggested_name: Some(format!("batch-results.{extension}")),
        })
        .await?;
    let Some(path) = chosen else {
        return Ok(false);
    };
    let batches = state.batches.clone();
    tauri::async_runtime::spawn_blocking(move || batches.export(&run_id, jsonl, &path))
        .await
        .map_err(|_| AppError::Internal)??;
    Ok(true)
}
