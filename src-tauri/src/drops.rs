//! Files dropped on the window (Tauri's drag-and-drop window event, or the test
//! bench's injected drop): the one handler both reach. Each dropped file gets an id
//! the page names it by; the page never names a path.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};

use athena_core::{DroppedItem, inspect_dropped};
use tauri::{AppHandle, Manager, Runtime};
use tauri_specta::Event;

use crate::ipc::{DragHover, DroppedFile, DroppedKind, DroppedPath, FilesDropped, batch::count};

/// The files dropped on the window this run, by the id the page got for each.
#[derive(Debug, Default)]
pub(crate) struct DroppedFiles(Mutex<HashMap<String, PathBuf>>);

impl DroppedFiles {
    /// The path behind a drop id.
    pub(crate) fn path(&self, drop_id: &str) -> Option<PathBuf> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(drop_id)
            .cloned()
    }

    fn add(&self, path: PathBuf) -> String {
        let id = format!("drop:{}", uuid::Uuid::new_v4());
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id.clone(), path);
        id
    }
}

fn name_of(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Looks at what was dropped, records it in the log, and tells the page about the
/// files (by id, name and size) and the other paths (by id, name and kind: a chip
/// explains why a folder cannot be attached).
pub(crate) fn files_dropped<R: Runtime>(app: &AppHandle<R>, paths: &[PathBuf]) -> Vec<DroppedItem> {
    let items = inspect_dropped(paths);
    let registry = app.try_state::<DroppedFiles>();
    let mut files = Vec::new();
    let mut others = Vec::new();
    for item in &items {
        match item {
            DroppedItem::File { path, size } => {
                tracing::info!(path = %path.display(), size, "file dropped on the window");
                if let Some(registry) = &registry {
                    files.push(DroppedFile {
                        drop_id: registry.add(path.clone()),
                        name: name_of(path),
                        size: count(usize::try_from(*size).unwrap_or(usize::MAX)),
                    });
                }
            }
            DroppedItem::Folder { path } => {
                tracing::info!(path = %path.display(), "folder dropped on the window");
                if let Some(registry) = &registry {
                    others.push(DroppedPath {
                        drop_id: registry.add(path.clone()),
                        name: name_of(path),
                        kind: DroppedKind::Folder,
                    });
                }
            }
            DroppedItem::Unreadable { path, reason } => {
                tracing::warn!(path = %path.display(), reason, "unreadable path dropped on the window");
                if let Some(registry) = &registry {
                    others.push(DroppedPath {
                        drop_id: registry.add(path.clone()),
                        name: name_of(path),
                        kind: DroppedKind::Unreadable,
                    });
                }
            }
        }
    }
    // The drag is over: the drop zone goes.
    drag_hover(app, false);
    if !(files.is_empty() && others.is_empty())
        && let Err(err) = (FilesDropped { files, others }).emit(app)
    {
        tracing::warn!(error = %err, "could not tell the page about dropped files");
    }
    items
}

/// Tells the page that files hover over the window (or no longer do), for its drop
/// zone.
pub(crate) fn drag_hover<R: Runtime>(app: &AppHandle<R>, active: bool) {
    if let Err(err) = (DragHover { active }).emit(app) {
        tracing::debug!(error = %err, "could not show or hide the drop zone");
    }
}
