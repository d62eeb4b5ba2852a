//! Generated media: their local state, Retry, Save as (a native dialog raised here,
//! so the page never names a path) and Copy image. Thin: core knows the files.

use athena_core::ExecutionHandle;
use athena_core::dialogs::{FileDialog, FileFilter};
use athena_core::media::MediaKey;
use tauri::State;

use crate::commands::profiles::AppDialogs;
use crate::ipc::{AppError, ExportOutcome, MediaFileView};
use crate::media::AppMedia;

fn key(handle: String, job_id: String, index: u32) -> MediaKey {
    MediaKey {
        handle: ExecutionHandle::from(handle),
        job_id,
        index,
    }
}

/// The files of one media job of a message, in order, with where each stands. A
/// completed job whose files were never recorded starts downloading.
// Off the main thread: it reads the history store.
#[tauri::command(async)]
#[specta::specta]
pub fn media_files(
    media: State<'_, AppMedia>,
    handle: String,
    job_id: String,
) -> Result<Vec<MediaFileView>, AppError> {
    Ok(media
        .library
        .files_of(&ExecutionHandle::from(handle), &job_id)?
        .into_iter()
        .map(|status| media.view(status))
        .collect())
}

/// Downloads a failed file again; its progress arrives as `MediaFileChanged`.
#[tauri::command(async)]
#[specta::specta]
pub fn retry_media_download(
    media: State<'_, AppMedia>,
    handle: String,
    job_id: String,
    index: u32,
) -> Result<(), AppError> {
    Ok(media.library.retry(&key(handle, job_id, index))?)
}

/// Copies a downloaded file where the user chooses in the native save dialog.
#[tauri::command]
#[specta::specta]
pub async fn save_media_as(
    media: State<'_, AppMedia>,
    dialogs: State<'_, AppDialogs>,
    handle: String,
    job_id: String,
    index: u32,
) -> Result<ExportOutcome, AppError> {
    let (source, content_type) = media.library.local_file(&key(handle, job_id, index))?;
    let extension = source
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (name, kind) = if content_type.starts_with("video/") {
        ("generated-video", "Video")
    } else if content_type.starts_with("audio/") {
        ("generated-audio", "Audio")
    } else {
        ("generated-image", "Image")
    };
    let chosen = dialogs
        .save_to(FileDialog {
            title: "Save the generated file".into(),
            filters: vec![FileFilter {
                name: kind.into(),
                extensions: vec![extension.clone()],
            }],
            multiple: false,
            suggested_name: Some(format!("{name}.{extension}")),
        })
        .await?;
    let Some(target) = chosen else {
        return Ok(ExportOutcome {
            saved: false,
            file_name: None,
        });
    };
    let file_name = target.file_name().map(|n| n.to_string_lossy().into_owned());
    tauri::async_runtime::spawn_blocking(move || copy_whole(&source, &target))
        .await
        .map_err(|_| AppError::Internal)??;
    Ok(ExportOutcome {
        saved: true,
        file_name,
    })
}

/// Puts a downloaded image on the system clipboard (decoded in Rust, under limits).
#[tauri::command(async)]
#[specta::specta]
pub fn copy_media_image(
    media: State<'_, AppMedia>,
    handle: String,
    job_id: String,
    index: u32,
) -> Result<(), AppError> {
    let (path, _) = media.library.local_file(&key(handle, job_id, index))?;
    let image = athena_core::media::decode_rgba(&path).map_err(|e| AppError::ClipboardFailed {
        reason: e.to_string(),
    })?;
    media
        .copy_image(image)
        .map_err(|reason| AppError::ClipboardFailed { reason })
}

/// Copies into a temporary file beside `target`, then renames it over `target`: a
/// failed copy leaves nothing there.
fn copy_whole(source: &std::path::Path, target: &std::path::Path) -> Result<(), AppError> {
    let failed = |e: &dyn std::fmt::Display| AppError::FileNotWritten {
        path: target.display().to_string(),
        reason: e.to_string(),
    };
    let folder = target.parent().unwrap_or(std::path::Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(folder).map_err(|e| failed(&e))?;
    let mut from = std::fs::File::open(source).map_err(|e| failed(&e))?;
    std::io::copy(&mut from, temp.as_file_mut()).map_err(|e| failed(&e))?;
    temp.as_file().sync_all().map_err(|e| failed(&e))?;
    temp.persist(target).map_err(|e| failed(&e.error))?;
    Ok(())
}
