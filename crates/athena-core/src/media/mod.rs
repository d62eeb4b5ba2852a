//! Generated images and videos, kept on disk.
//!
//! When a media job of an execution completes, each of its files is downloaded in the
//! background into the media folder under a random local name, and recorded in the
//! history (`media_files`), so it is shown from disk after the server's URL expires
//! and after a restart. A download belongs to the app, not to a view: switching
//! conversation does not stop it. Every change of a file's state goes to the
//! [`MediaSink`]; a failed file keeps why, and [`GeneratedMedia::retry`] tries again.
//! Files left pending by a quit are downloaded again by [`GeneratedMedia::resume`].
//!
//! The media folder holds only files this module named ([`is_media_id`]); the page
//! names a file by its message, job and position, never by a path.

mod decode;
mod state;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use athena_api::MediaDownloader;
use tokio::sync::Semaphore;

pub use decode::{DecodeError, MAX_CLIPBOARD_ALLOC, MAX_CLIPBOARD_SIDE, RgbaImage, decode_rgba};
pub use state::{MediaFailure, MediaFileState, MediaFileStatus, MediaKey, MediaSink, is_media_id};

use crate::history::{History, StoredMedia, StoredMediaState};
use crate::{CoreError, ExecutionHandle, MediaFile, MediaState, Part};

/// How many files download at once (the rest wait their turn, pending).
const PARALLEL_DOWNLOADS: usize = 2;

/// The generated media of every execution. Cheap to clone.
#[derive(Clone)]
pub struct GeneratedMedia {
    inner: Arc<Inner>,
}

struct Inner {
    folder: PathBuf,
    downloader: MediaDownloader,
    history: Option<History>,
    sink: Arc<dyn MediaSink>,
    runtime: tokio::runtime::Handle,
    turns: Arc<Semaphore>,
    /// Each known file's remote place and state (what the history holds, plus files
    /// of executions outside any conversation).
    files: Mutex<HashMap<MediaKey, Known>>,
    /// Local names of downloads not yet recorded: a sweep leaves them (and their
    /// partial files) alone.
    in_flight: Mutex<HashSet<String>>,
}

#[derive(Debug, Clone)]
struct Known {
    remote_url: String,
    announced: Option<String>,
    state: MediaFileState,
}

impl std::fmt::Debug for GeneratedMedia {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GeneratedMedia")
            .field("folder", &self.inner.folder)
            .finish_non_exhaustive()
    }
}

impl GeneratedMedia {
    /// Keeps media in `folder` (created, readable only by the user), recorded in
    /// `history` when given. Downloads run on `runtime`.
    ///
    /// # Errors
    /// The OS error when the folder cannot be created.
    pub fn new(
        folder: PathBuf,
        downloader: MediaDownloader,
        history: Option<History>,
        sink: Arc<dyn MediaSink>,
        runtime: tokio::runtime::Handle,
    ) -> Result<Self, std::io::Error> {
        crate::create_private_dir(&folder)?;
        Ok(Self {
            inner: Arc::new(Inner {
                folder,
                downloader,
                history,
                sink,
                runtime,
                turns: Arc::new(Semaphore::new(PARALLEL_DOWNLOADS)),
                files: Mutex::new(HashMap::new()),
                in_flight: Mutex::new(HashSet::new()),
            }),
        })
    }

    /// The media folder.
    pub fn folder(&self) -> &Path {
        &self.inner.folder
    }

    /// Starts downloading each file of a completed job that is not known yet (an
    /// update of a part already seen starts nothing).
    pub fn job_completed(&self, handle: &ExecutionHandle, job_id: &str, files: &[MediaFile]) {
        for (index, file) in files.iter().enumerate() {
            let key = MediaKey {
                handle: handle.clone(),
                job_id: job_id.to_owned(),
                index: u32::try_from(index).unwrap_or(u32::MAX),
            };
            let known = Known {
                remote_url: file.url.clone(),
                announced: file.content_type.clone(),
                state: MediaFileState::Pending,
            };
            {
                let mut map = crate::executions::lock(&self.inner.files);
                if map.contains_key(&key) {
                    continue;
                }
                map.insert(key.clone(), known.clone());
            }
            self.start(key, known);
        }
    }

    /// The files of one job of a message, in order: as known in this run, else as
    /// stored (a downloaded file whose file is gone is shown failed). A completed job
    /// of a stored message with no stored files (the app quit before recording them)
    /// starts downloading now.
    ///
    /// # Errors
    /// [`CoreError::Storage`] when the history cannot be read.
    pub fn files_of(
        &self,
        handle: &ExecutionHandle,
        job_id: &str,
    ) -> Result<Vec<MediaFileStatus>, CoreError> {
        let known = self.known_of(handle, job_id);
        if !known.is_empty() {
            return Ok(known);
        }
        let Some(history) = &self.inner.history else {
            return Ok(Vec::new());
        };
        let stored = history
            .media_of(handle, job_id)
            .map_err(crate::error::storage)?;
        if stored.is_empty() {
            if let Some(files) = completed_files(history, handle, job_id)? {
                self.job_completed(handle, job_id, &files);
            }
            return Ok(self.known_of(handle, job_id));
        }
        let mut map = crate::executions::lock(&self.inner.files);
        for row in stored {
            let key = MediaKey {
                handle: row.handle.clone(),
                job_id: row.job_id.clone(),
                index: row.index,
            };
            let state = self.state_of_row(&row);
            map.entry(key).or_insert(Known {
                remote_url: row.remote_url,
                announced: row.content_type,
                state,
            });
        }
        drop(map);
        Ok(self.known_of(handle, job_id))
    }

    /// Downloads a failed file again. A file that is pending or downloaded is left
    /// as it is.
    ///
    /// # Errors
    /// [`CoreError::UnknownMedia`] when there is no such file.
    pub fn retry(&self, key: &MediaKey) -> Result<(), CoreError> {
        let _ = self.files_of(&key.handle, &key.job_id)?;
        let known = {
            let mut map = crate::executions::lock(&self.inner.files);
            let known = map.get_mut(key).ok_or(CoreError::UnknownMedia)?;
            if !matches!(known.state, MediaFileState::Failed(_)) {
                return Ok(());
            }
            known.state = MediaFileState::Pending;
            known.clone()
        };
        self.start(key.clone(), known);
        Ok(())
    }

    /// The downloaded file of `key`, for "Save as" and "Copy image".
    ///
    /// # Errors
    /// [`CoreError::UnknownMedia`] when there is no such file or it is not
    /// downloaded (or its file is gone).
    pub fn local_file(&self, key: &MediaKey) -> Result<(PathBuf, String), CoreError> {
        let files = self.files_of(&key.handle, &key.job_id)?;
        let Some(MediaFileState::Downloaded {
            media_id,
            content_type,
            ..
        }) = files.into_iter().find(|f| &f.key == key).map(|f| f.state)
        else {
            return Err(CoreError::UnknownMedia);
        };
        Ok((self.inner.folder.join(media_id), content_type))
    }

    /// Removes from the media folder every file no stored row names: the files of
    /// deleted messages and conversations, and partial downloads of an earlier run
    /// (downloads under way are left alone). Returns how many it removed. Call it once
    /// a deletion is committed, so that deleted media leave the disk.
    ///
    /// # Errors
    /// [`CoreError::Storage`] when the history cannot be read (nothing is removed).
    pub fn remove_unreferenced(&self) -> Result<usize, CoreError> {
        let Some(history) = &self.inner.history else {
            return Ok(0);
        };
        let keep: HashSet<String> = history
            .media_file_names()
            .map_err(crate::error::storage)?
            .into_iter()
            .collect();
        let in_flight = crate::executions::lock(&self.inner.in_flight).clone();
        let mut removed = 0;
        let Ok(entries) = std::fs::read_dir(&self.inner.folder) else {
            return Ok(0);
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            // A download's partial file is `<its name>.<random>.part`.
            let busy = in_flight.iter().any(|id| name.starts_with(id.as_str()));
            if keep.contains(&name) || busy {
                continue;
            }
            match std::fs::remove_file(entry.path()) {
                Ok(()) => removed += 1,
                Err(err) => tracing::warn!(%err, "media: a leftover file could not be removed"),
            }
        }
        Ok(removed)
    }

    /// At start-up: removes what no stored file names ([`Self::remove_unreferenced`]),
    /// then downloads again every file left pending. Returns how many downloads it
    /// started.
    ///
    /// # Errors
    /// [`CoreError::Storage`] when the history cannot be read.
    pub fn resume(&self) -> Result<usize, CoreError> {
        let Some(history) = &self.inner.history else {
            return Ok(0);
        };
        self.remove_unreferenced()?;
        let pending = history.pending_media().map_err(crate::error::storage)?;
        let count = pending.len();
        for row in pending {
            let key = MediaKey {
                handle: row.handle.clone(),
                job_id: row.job_id.clone(),
                index: row.index,
            };
            let known = Known {
                remote_url: row.remote_url,
                announced: row.content_type,
                state: MediaFileState::Pending,
            };
            crate::executions::lock(&self.inner.files).insert(key.clone(), known.clone());
            self.start(key, known);
        }
        Ok(count)
    }

    fn known_of(&self, handle: &ExecutionHandle, job_id: &str) -> Vec<MediaFileStatus> {
        let map = crate::executions::lock(&self.inner.files);
        let mut files: Vec<MediaFileStatus> = map
            .iter()
            .filter(|(k, _)| &k.handle == handle && k.job_id == job_id)
            .map(|(k, v)| MediaFileStatus {
                key: k.clone(),
                state: v.state.clone(),
            })
            .collect();
        files.sort_by_key(|f| f.key.index);
        files
    }

    fn state_of_row(&self, row: &StoredMedia) -> MediaFileState {
        match row.state {
            StoredMediaState::Pending => MediaFileState::Pending,
            StoredMediaState::Downloaded => match &row.file_name {
                Some(name) if is_media_id(name) && self.inner.folder.join(name).is_file() => {
                    MediaFileState::Downloaded {
                        media_id: name.clone(),
                        content_type: row.content_type.clone().unwrap_or_default(),
                        size_bytes: row.size_bytes.unwrap_or_default(),
                    }
                }
                _ => MediaFileState::Failed(MediaFailure::FileMissing),
            },
            StoredMediaState::Failed => MediaFileState::Failed(
                row.error
                    .as_deref()
                    .and_then(|e| serde_json::from_str(e).ok())
                    .unwrap_or(MediaFailure::Io {
                        detail: "unknown".to_owned(),
                    }),
            ),
        }
    }

    /// Records the file pending, tells the view, and downloads it in the background.
    fn start(&self, key: MediaKey, known: Known) {
        let this = self.clone();
        self.inner.runtime.spawn(async move {
            this.record(&key, &known, None).await;
            this.tell(&key, MediaFileState::Pending);
            let Ok(_turn) = this.inner.turns.clone().acquire_owned().await else {
                return;
            };
            let media_id = format!(
                "{}.{}",
                uuid::Uuid::new_v4().simple(),
                state::extension_for(known.announced.as_deref().unwrap_or_default())
            );
            let flight = media_id.clone();
            crate::executions::lock(&this.inner.in_flight).insert(flight.clone());
            let destination = this.inner.folder.join(&media_id);
            let state = match this
                .inner
                .downloader
                .download(&known.remote_url, known.announced.as_deref(), &destination)
                .await
            {
                Ok(done) => MediaFileState::Downloaded {
                    media_id,
                    content_type: done.content_type,
                    size_bytes: done.size_bytes,
                },
                Err(err) => {
                    tracing::info!(error = %err, job = %key.job_id, "media: download failed");
                    MediaFileState::Failed(err.into())
                }
            };
            let mut done = Known {
                state: state.clone(),
                ..known
            };
            let kept = this.record(&key, &done, Some(&state)).await;
            let mut state = state;
            if !kept && matches!(state, MediaFileState::Downloaded { .. }) {
                // No stored message holds it (deleted meanwhile): the file leaves with
                // it, and is never shown from a URL that would not answer.
                let _ = tokio::fs::remove_file(&destination).await;
                state = MediaFileState::Failed(MediaFailure::FileMissing);
                done.state = state.clone();
            }
            crate::executions::lock(&this.inner.in_flight).remove(&flight);
            crate::executions::lock(&this.inner.files).insert(key.clone(), done);
            this.tell(&key, state);
        });
    }

    /// Stores the file's state; false when the history refused it (its message is
    /// gone, or was never stored).
    async fn record(&self, key: &MediaKey, known: &Known, state: Option<&MediaFileState>) -> bool {
        let Some(history) = &self.inner.history else {
            return true;
        };
        let (stored_state, file_name, content_type, size_bytes, error) = match state {
            None | Some(MediaFileState::Pending) => (
                StoredMediaState::Pending,
                None,
                known.announced.clone(),
                None,
                None,
            ),
            Some(MediaFileState::Downloaded {
                media_id,
                content_type,
                size_bytes,
            }) => (
                StoredMediaState::Downloaded,
                Some(media_id.clone()),
                Some(content_type.clone()),
                Some(*size_bytes),
                None,
            ),
            Some(MediaFileState::Failed(failure)) => (
                StoredMediaState::Failed,
                None,
                known.announced.clone(),
                None,
                serde_json::to_string(failure).ok(),
            ),
        };
        let row = StoredMedia {
            handle: key.handle.clone(),
            job_id: key.job_id.clone(),
            index: key.index,
            remote_url: known.remote_url.clone(),
            content_type,
            file_name,
            size_bytes,
            state: stored_state,
            error,
            updated_at_ms: now_ms(),
        };
        // An execution outside any conversation has no stored message: its media are
        // kept for this run only.
        match history.save_media(row).await {
            Ok(()) => true,
            Err(err) => {
                tracing::debug!(%err, "media: file state not stored");
                false
            }
        }
    }

    fn tell(&self, key: &MediaKey, state: MediaFileState) {
        self.inner.sink.media_changed(&MediaFileStatus {
            key: key.clone(),
            state,
        });
    }
}

/// The files of a completed job in a stored message, if it has such a job.
fn completed_files(
    history: &History,
    handle: &ExecutionHandle,
    job_id: &str,
) -> Result<Option<Vec<MediaFile>>, CoreError> {
    let Some(message) = history.message(handle).map_err(crate::error::storage)? else {
        return Ok(None);
    };
    Ok(message
        .snapshot
        .parts
        .into_iter()
        .find_map(|part| match part {
            Part::MediaJob {
                job_id: id,
                state: MediaState::Ready,
                media,
                ..
            } if id == job_id => Some(media),
            _ => None,
        }))
}

/// The job id and files of a media job that a change marks complete.
pub(crate) fn completed_job(part: &Part) -> Option<(&str, &[MediaFile])> {
    match part {
        Part::MediaJob {
            job_id,
            state: MediaState::Ready,
            media,
            ..
        } if !media.is_empty() => Some((job_id, media)),
        _ => None,
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}
