use tauri::{AppHandle, Runtime};
use tauri_specta::Event;

use crate::ipc;

/// Delivers core's execution updates to the page as typed Tauri events. Generic over
/// the runtime so benchmarks and tests drive the same path on Tauri's mock runtime.
pub(crate) struct TauriSink<R: Runtime> {
    app: AppHandle<R>,
}

impl<R: Runtime> TauriSink<R> {
    pub(crate) fn new(app: AppHandle<R>) -> Self {
        Self { app }
    }
}

impl<R: Runtime> athena_core::UpdateSink for TauriSink<R> {
    fn deliver(&self, update: athena_core::ExecutionUpdate) {
        if let Err(err) = ipc::ExecutionUpdate::from(update).emit(&self.app) {
            // Events are not buffered; a page that missed one asks for a snapshot.
            tracing::warn!(error = %err, "could not emit an execution update");
        }
    }
}

impl<R: Runtime> athena_core::ConversationSink for TauriSink<R> {
    fn conversation_changed(
        &self,
        conversation: &athena_core::history::ConversationRecord,
        notice: Option<athena_core::ConversationNotice>,
    ) {
        // `running` is the page's to track from the execution updates; the command
        // that lists conversations gives it fresh.
        let event = ipc::ConversationChanged {
            conversation: ipc::ConversationSummary::new(conversation.clone(), false),
            notice: notice.map(ipc::ConversationNotice::from),
        };
        if let Err(err) = event.emit(&self.app) {
            tracing::warn!(error = %err, "could not emit a conversation change");
        }
    }
}

impl<R: Runtime> athena_core::WorkspaceStatusSink for TauriSink<R> {
    fn status_changed(&self, report: athena_core::WorkspaceStatusReport) {
        let event = ipc::WorkspaceStatusChanged::from(report);
        if let Err(err) = event.emit(&self.app) {
            tracing::warn!(error = %err, "could not emit a workspace's status");
        }
    }
}

impl<R: Runtime> athena_core::BatchSink for TauriSink<R> {
    fn run_changed(&self, change: athena_core::BatchRunChange) {
        if let Err(err) = ipc::BatchRunChanged::from(change).emit(&self.app) {
            tracing::warn!(error = %err, "could not emit a batch run's change");
        }
    }
}

impl<R: Runtime> athena_core::attachments::AttachmentSink for TauriSink<R> {
    fn changed(&self, attachment: &athena_core::attachments::StagedAttachment) {
        let event = ipc::AttachmentChanged {
            attachment: attachment.clone().into(),
        };
        if let Err(err) = event.emit(&self.app) {
            tracing::warn!(error = %err, "could not emit an attachment's change");
        }
    }

    fn removed(&self, id: &str, conversation_id: &str) {
        let event = ipc::AttachmentRemoved {
            id: id.to_owned(),
            conversation_id: conversation_id.to_owned(),
        };
        if let Err(err) = event.emit(&self.app) {
            tracing::warn!(error = %err, "could not emit an attachment's removal");
        }
    }
}
