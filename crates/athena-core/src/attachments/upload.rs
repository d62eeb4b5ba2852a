//! One file's upload: streamed by athena-api in 64 KiB pieces (memory does not grow
//! with the file), its progress reported at most every [`PROGRESS_INTERVAL`] (and at
//! the last byte), its key saved in the draft when the server answers.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use athena_api::{AthenaClient, UploadProgress};

use super::AttachmentState;
use super::manager::Attachments;
use crate::{CoreError, ExecutionError};

/// Progress of one file reaches the page at most this often (10 a second).
pub(super) const PROGRESS_INTERVAL: Duration = Duration::from_millis(100);

/// Uploads `path` for attachment `id` in its run number `generation`, reporting
/// through `attachments`. A later run (a retry) or a cancel makes this one's reports
/// ignored, even those the HTTP layer makes after the task was aborted.
pub(super) async fn upload(
    attachments: Attachments,
    id: String,
    generation: u64,
    path: PathBuf,
    client: AthenaClient,
) {
    let last: Arc<Mutex<Option<Instant>>> = Arc::default();
    let progress: UploadProgress = {
        let attachments = attachments.clone();
        let id = id.clone();
        Arc::new(move |sent, total| {
            let mut last = last.lock().unwrap_or_else(PoisonError::into_inner);
            let due = last.is_none_or(|at| at.elapsed() >= PROGRESS_INTERVAL);
            if due || sent == total {
                *last = Some(Instant::now());
                attachments.set_state(&id, generation, AttachmentState::Uploading { sent, total });
            }
        })
    };
    let state = match client.upload_attachment(&path, Some(progress)).await {
        Ok(answer) => {
            let key = answer.data.storage_key;
            match attachments.save_key(&id, key).await {
                Ok(()) => AttachmentState::Uploaded,
                Err(err) => AttachmentState::Failed(err),
            }
        }
        Err(err) => {
            tracing::warn!(error = %err, "an attachment's upload failed");
            AttachmentState::Failed(CoreError::Request(ExecutionError::from(err)))
        }
    };
    attachments.set_state(&id, generation, state);
}
