use tauri::AppHandle;
use tauri_specta::Event;

use crate::ipc;

/// Delivers core's execution updates to the page as typed Tauri events.
pub(crate) struct TauriSink {
    app: AppHandle,
}

impl TauriSink {
    pub(crate) fn new(app: AppHandle) -> Self {
        Self { app }
    }
}

impl athena_core::UpdateSink for TauriSink {
    fn deliver(&self, update: athena_core::ExecutionUpdate) {
        if let Err(err) = ipc::ExecutionUpdate::from(update).emit(&self.app) {
            // Events are not buffered; a page that missed one asks for a snapshot.
            tracing::warn!(error = %err, "could not emit an execution update");
        }
    }
}
