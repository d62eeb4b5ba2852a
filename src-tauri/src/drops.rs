//! Files dropped on the window (Tauri's drag-and-drop window event, or the test
//! bench's injected drop): the one handler both reach.

use std::path::PathBuf;

use athena_core::{DroppedItem, inspect_dropped};

/// Looks at what was dropped and records it in the log. Attachments build on this.
pub(crate) fn files_dropped(paths: &[PathBuf]) -> Vec<DroppedItem> {
    let items = inspect_dropped(paths);
    for item in &items {
        match item {
            DroppedItem::File { path, size } => {
                tracing::info!(path = %path.display(), size, "file dropped on the window");
            }
            DroppedItem::Folder { path } => {
                tracing::info!(path = %path.display(), "folder dropped on the window");
            }
            DroppedItem::Unreadable { path, reason } => {
                tracing::warn!(path = %path.display(), reason, "unreadable path dropped on the window");
            }
        }
    }
    items
}
