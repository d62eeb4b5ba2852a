//! The staged files of every draft: staging (checks, thumbnail, the draft's record),
//! uploads with cancel and retry, removal, and sending them with a message.
//!
//! Accepted files are stored in the draft (`draft_attachments`) and survive a restart;
//! one without a key is uploaded again when its draft is next listed. Refused files are
//! kept in memory only, shown on their chip until removed: nothing of them is kept.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use athena_api::ValidationError;
use athena_api::attachments::type_for_extension;
use athena_api::validation::ValidationRule;
use tokio::task::AbortHandle;

use super::check::{MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, Refusal, check_file};
use super::images::{THUMBNAIL_PX, png_data_url, rendition, rendition_png};
use super::upload::upload;
use super::{AttachmentProblem, AttachmentState, SentAttachment, StagedAttachment};
use crate::error::storage;
use crate::history::{DraftAttachment, History};
use crate::{Conversations, CoreError, ExecutionHandle, create_private_dir};

/// The thumbnail's file in an attachment's folder.
const THUMBNAIL_FILE: &str = "thumbnail.png";

/// Receives staged files as they change. Implemented by the shell (Tauri events) and
/// by tests.
pub trait AttachmentSink: Send + Sync + 'static {
    /// `attachment` as it now is.
    fn changed(&self, attachment: &StagedAttachment);
    /// The attachment was removed from its draft.
    fn removed(&self, id: &str, conversation_id: &str);
}

/// The staged files of every conversation's draft. Cheap to clone.
#[derive(Clone)]
pub struct Attachments {
    inner: Arc<Inner>,
}

struct Inner {
    conversations: Conversations,
    /// `<data>/attachments`: one folder per attachment.
    folder: PathBuf,
    sink: Arc<dyn AttachmentSink>,
    live: Mutex<Live>,
}

#[derive(Default)]
struct Live {
    /// Every attachment this run has shown, by id.
    by_id: HashMap<String, Entry>,
    /// Hands out the order of chips.
    next_order: u64,
    /// The conversations whose stored drafts were loaded into `by_id`.
    loaded: std::collections::HashSet<String>,
}

struct Entry {
    shown: StagedAttachment,
    /// Where the file is read from (`None` for a refused paste: nothing was kept).
    path: Option<PathBuf>,
    /// Whether the file is stored in the draft (refused ones are not).
    stored: bool,
    storage_key: Option<String>,
    order: u64,
    /// The run of its upload whose reports count; bumped by cancel and retry.
    generation: u64,
    task: Option<AbortHandle>,
}

impl std::fmt::Debug for Attachments {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attachments")
            .field("folder", &self.inner.folder)
            .finish_non_exhaustive()
    }
}

impl Attachments {
    /// Staged files of `conversations`' drafts; pasted copies and thumbnails live in
    /// `folder` (created, private to the user, when first needed).
    pub fn new(
        conversations: Conversations,
        folder: PathBuf,
        sink: Arc<dyn AttachmentSink>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                conversations,
                folder,
                sink,
                live: Mutex::new(Live::default()),
            }),
        }
    }

    fn history(&self) -> &History {
        self.inner.conversations.history()
    }

    fn live(&self) -> MutexGuard<'_, Live> {
        self.inner
            .live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The folder of attachment `id`, which must be an id this module made.
    fn folder_of(&self, id: &str) -> Option<PathBuf> {
        uuid::Uuid::parse_str(id)
            .ok()
            .map(|uuid| self.inner.folder.join(uuid.hyphenated().to_string()))
    }

    /// Stages files from disk (dropped or picked) in a conversation's draft, each
    /// checked, and starts uploading the accepted ones. Every path gives one
    /// attachment, refused ones included, in order.
    ///
    /// # Errors
    /// [`CoreError::UnknownConversation`], [`CoreError::Storage`].
    pub async fn stage_files(
        &self,
        conversation_id: &str,
        paths: Vec<PathBuf>,
    ) -> Result<Vec<StagedAttachment>, CoreError> {
        self.inner.conversations.conversation(conversation_id)?;
        self.load(conversation_id).await?;
        let mut staged = Vec::with_capacity(paths.len());
        for path in paths {
            let id = uuid::Uuid::new_v4().to_string();
            staged.push(self.stage(conversation_id, id, path, false).await?);
        }
        Ok(staged)
    }

    /// Stages a pasted file: its bytes are copied once into the attachments folder,
    /// then checked as a file from disk. `name` is the page's name for it (only its
    /// last component is used; an extension is added from `content_type` when the name
    /// has none the app accepts).
    ///
    /// # Errors
    /// [`CoreError::UnknownConversation`], [`CoreError::Storage`].
    pub async fn stage_pasted(
        &self,
        conversation_id: &str,
        name: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Result<StagedAttachment, CoreError> {
        self.inner.conversations.conversation(conversation_id)?;
        self.load(conversation_id).await?;
        let id = uuid::Uuid::new_v4().to_string();
        let filename = pasted_name(name, content_type);
        let size = bytes.len() as u64;
        let early = if bytes.is_empty() {
            Some(Refusal::Empty)
        } else if size > MAX_ATTACHMENT_BYTES {
            Some(Refusal::TooLarge {
                limit: MAX_ATTACHMENT_BYTES,
                actual: size,
            })
        } else {
            None
        };
        if let Some(refusal) = early {
            return Ok(self.refused(conversation_id, id, filename, size, refusal));
        }
        let Some(folder) = self.folder_of(&id) else {
            return Err(CoreError::Attachment(AttachmentProblem::UnknownAttachment));
        };
        let path = folder.join(&filename);
        let written = {
            let path = path.clone();
            tokio::task::spawn_blocking(move || {
                create_private_dir(&folder)?;
                std::fs::write(&path, &bytes)
            })
            .await
        };
        match written {
            Ok(Ok(())) => self.stage(conversation_id, id, path, true).await,
            Ok(Err(err)) => {
                tracing::error!(error = %err, "a pasted file could not be copied");
                let reason = err.to_string();
                Ok(self.refused(
                    conversation_id,
                    id,
                    filename,
                    size,
                    Refusal::Unreadable { reason },
                ))
            }
            Err(err) => Err(CoreError::Storage(err.to_string())),
        }
    }

    /// Checks one file and stages it: stored and uploading when accepted, shown with
    /// its reason when refused (a refused app copy is deleted).
    async fn stage(
        &self,
        conversation_id: &str,
        id: String,
        path: PathBuf,
        app_copy: bool,
    ) -> Result<StagedAttachment, CoreError> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let checked = {
            let path = path.clone();
            tokio::task::spawn_blocking(move || check_file(&path))
                .await
                .map_err(|e| CoreError::Storage(e.to_string()))?
        };
        let accepted_count = self.accepted_count(conversation_id);
        let checked = match checked {
            Ok(_) if accepted_count >= MAX_ATTACHMENTS => Err(Refusal::TooMany {
                limit: MAX_ATTACHMENTS,
            }),
            other => other,
        };
        let checked = match checked {
            Ok(checked) => checked,
            Err(refusal) => {
                if app_copy {
                    self.delete_folder(&id).await;
                }
                let size =
                    std::fs::metadata(&path).map_or(0, |m| if m.is_dir() { 0 } else { m.len() });
                return Ok(self.refused(conversation_id, id, name, size, refusal));
            }
        };
        let thumbnail = if checked.content_type.starts_with("image/") {
            self.make_thumbnail(&id, &path).await
        } else {
            None
        };
        let record = DraftAttachment {
            id: id.clone(),
            conversation_id: conversation_id.to_owned(),
            filename: checked.filename.clone(),
            content_type: checked.content_type.to_owned(),
            size: checked.size,
            file_path: path.clone(),
            app_copy,
            storage_key: None,
            added_at_ms: now_ms(),
        };
        if let Err(err) = self.history().stage_attachment(record).await {
            self.delete_folder(&id).await;
            return Err(storage(err));
        }
        let shown = StagedAttachment {
            id: id.clone(),
            conversation_id: conversation_id.to_owned(),
            filename: checked.filename,
            content_type: Some(checked.content_type.to_owned()),
            size: checked.size,
            state: AttachmentState::Uploading {
                sent: 0,
                total: checked.size,
            },
            thumbnail,
        };
        self.insert(Entry {
            shown: shown.clone(),
            path: Some(path),
            stored: true,
            storage_key: None,
            order: 0,
            generation: 0,
            task: None,
        });
        self.start_upload(&id);
        Ok(self.shown(&id).unwrap_or(shown))
    }

    /// How many of the conversation's staged files are not refused.
    fn accepted_count(&self, conversation_id: &str) -> usize {
        self.live()
            .by_id
            .values()
            .filter(|e| e.shown.conversation_id == conversation_id && e.stored)
            .count()
    }

    fn refused(
        &self,
        conversation_id: &str,
        id: String,
        filename: String,
        size: u64,
        refusal: Refusal,
    ) -> StagedAttachment {
        let content_type = type_for_extension(&filename)
            .filter(|_| !matches!(refusal, Refusal::UnsupportedType { .. } | Refusal::Folder))
            .map(str::to_owned);
        let shown = StagedAttachment {
            id,
            conversation_id: conversation_id.to_owned(),
            filename,
            content_type,
            size,
            state: AttachmentState::Refused(refusal),
            thumbnail: None,
        };
        self.insert(Entry {
            shown: shown.clone(),
            path: None,
            stored: false,
            storage_key: None,
            order: 0,
            generation: 0,
            task: None,
        });
        self.inner.sink.changed(&shown);
        shown
    }

    fn insert(&self, mut entry: Entry) {
        let mut live = self.live();
        entry.order = live.next_order;
        live.next_order += 1;
        live.by_id.insert(entry.shown.id.clone(), entry);
    }

    fn shown(&self, id: &str) -> Option<StagedAttachment> {
        self.live().by_id.get(id).map(|e| e.shown.clone())
    }

    /// Makes and keeps the thumbnail of an image; `None` when it cannot be decoded
    /// within the limits (the chip then shows the type's icon).
    async fn make_thumbnail(&self, id: &str, path: &Path) -> Option<String> {
        let folder = self.folder_of(id)?;
        let path = path.to_owned();
        let made = tokio::task::spawn_blocking(move || {
            let png = rendition_png(&path, THUMBNAIL_PX).map_err(|e| e.to_string())?;
            create_private_dir(&folder).map_err(|e| e.to_string())?;
            std::fs::write(folder.join(THUMBNAIL_FILE), &png).map_err(|e| e.to_string())?;
            Ok::<_, String>(png_data_url(&png))
        })
        .await;
        match made {
            Ok(Ok(url)) => Some(url),
            Ok(Err(reason)) => {
                tracing::info!(reason, "no thumbnail for an attached image");
                None
            }
            Err(_) => None,
        }
    }

    async fn delete_folder(&self, id: &str) {
        if let Some(folder) = self.folder_of(id) {
            let _ = tokio::task::spawn_blocking(move || match std::fs::remove_dir_all(&folder) {
                Ok(()) => {}
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                Err(err) => tracing::warn!(error = %err, "an attachment's folder was not removed"),
            })
            .await;
        }
    }

    /// Starts (or restarts) the upload of a stored attachment.
    fn start_upload(&self, id: &str) {
        let (conversation_id, path, generation) = {
            let mut live = self.live();
            let Some(entry) = live.by_id.get_mut(id) else {
                return;
            };
            if let Some(task) = entry.task.take() {
                task.abort();
            }
            entry.generation += 1;
            entry.shown.state = AttachmentState::Uploading {
                sent: 0,
                total: entry.shown.size,
            };
            let Some(path) = entry.path.clone() else {
                return;
            };
            (entry.shown.conversation_id.clone(), path, entry.generation)
        };
        let client = match self.inner.conversations.client_for(&conversation_id) {
            Ok(client) => client,
            Err(err) => {
                self.set_state(id, generation, AttachmentState::Failed(err));
                return;
            }
        };
        if let Some(shown) = self.shown(id) {
            self.inner.sink.changed(&shown);
        }
        let task = tokio::spawn(upload(
            self.clone(),
            id.to_owned(),
            generation,
            path,
            client,
        ));
        if let Some(entry) = self.live().by_id.get_mut(id)
            && entry.generation == generation
        {
            entry.task = Some(task.abort_handle());
        }
    }

    /// Sets the state of an attachment's upload run `generation` (ignored when a
    /// later run or a cancel came since) and tells the sink.
    pub(super) fn set_state(&self, id: &str, generation: u64, state: AttachmentState) {
        let mut live = self.live();
        let Some(entry) = live.by_id.get_mut(id) else {
            return;
        };
        if entry.generation != generation {
            return;
        }
        let progress = matches!(state, AttachmentState::Uploading { .. });
        // The HTTP layer may report the last piece after the server answered: a late
        // progress report must not turn "uploaded" (or "failed") back into "uploading".
        if progress
            && !matches!(
                entry.shown.state,
                AttachmentState::Checking | AttachmentState::Uploading { .. }
            )
        {
            return;
        }
        if !progress {
            entry.task = None;
        }
        entry.shown.state = state;
        // Told under the lock, so two changes of one attachment reach the page in the
        // order they were made (the sink only queues an event).
        self.inner.sink.changed(&entry.shown);
    }

    /// Keeps the key an upload answered with, in the draft and in memory.
    pub(super) async fn save_key(&self, id: &str, key: String) -> Result<(), CoreError> {
        self.history()
            .set_attachment_key(id, Some(key.clone()))
            .await
            .map_err(storage)?;
        if let Some(entry) = self.live().by_id.get_mut(id) {
            entry.storage_key = Some(key);
        }
        Ok(())
    }

    /// Brings a conversation's stored draft into this run once: files with a key are
    /// uploaded; those without are checked again (a file that is gone is refused and
    /// leaves the draft) and uploaded again.
    async fn load(&self, conversation_id: &str) -> Result<(), CoreError> {
        if self.live().loaded.contains(conversation_id) {
            return Ok(());
        }
        let stored = self
            .history()
            .draft_attachments(conversation_id)
            .map_err(storage)?;
        if !self.live().loaded.insert(conversation_id.to_owned()) {
            return Ok(());
        }
        for record in stored {
            let thumbnail = if record.content_type.starts_with("image/") {
                self.stored_thumbnail(&record.id).await
            } else {
                None
            };
            let uploaded = record.storage_key.is_some();
            self.insert(Entry {
                shown: StagedAttachment {
                    id: record.id.clone(),
                    conversation_id: record.conversation_id.clone(),
                    filename: record.filename.clone(),
                    content_type: Some(record.content_type.clone()),
                    size: record.size,
                    state: if uploaded {
                        AttachmentState::Uploaded
                    } else {
                        AttachmentState::Checking
                    },
                    thumbnail,
                },
                path: Some(record.file_path.clone()),
                stored: true,
                storage_key: record.storage_key.clone(),
                order: 0,
                generation: 0,
                task: None,
            });
            if !uploaded {
                self.recheck_and_upload(&record.id).await?;
            }
        }
        Ok(())
    }

    /// Checks a stored file again and uploads it; refused now, it leaves the draft
    /// and is shown with its reason.
    async fn recheck_and_upload(&self, id: &str) -> Result<(), CoreError> {
        let Some(path) = self.live().by_id.get(id).and_then(|e| e.path.clone()) else {
            return Ok(());
        };
        let checked = {
            let path = path.clone();
            tokio::task::spawn_blocking(move || check_file(&path))
                .await
                .map_err(|e| CoreError::Storage(e.to_string()))?
        };
        match checked {
            Ok(_) => self.start_upload(id),
            Err(refusal) => {
                self.history()
                    .remove_attachments(vec![id.to_owned()])
                    .await
                    .map_err(storage)?;
                let shown = {
                    let mut live = self.live();
                    let Some(entry) = live.by_id.get_mut(id) else {
                        return Ok(());
                    };
                    entry.stored = false;
                    entry.generation += 1;
                    entry.shown.state = AttachmentState::Refused(refusal);
                    entry.shown.clone()
                };
                self.inner.sink.changed(&shown);
            }
        }
        Ok(())
    }

    async fn stored_thumbnail(&self, id: &str) -> Option<String> {
        let file = self.folder_of(id)?.join(THUMBNAIL_FILE);
        tokio::task::spawn_blocking(move || std::fs::read(file).ok().map(|png| png_data_url(&png)))
            .await
            .ok()
            .flatten()
    }

    /// The files of a conversation's draft, in the order they were added: those kept
    /// from earlier runs (uploaded again if their upload had not finished) and those
    /// refused this run.
    ///
    /// # Errors
    /// [`CoreError::Storage`].
    pub async fn list(&self, conversation_id: &str) -> Result<Vec<StagedAttachment>, CoreError> {
        self.load(conversation_id).await?;
        let live = self.live();
        let mut mine: BTreeMap<u64, StagedAttachment> = BTreeMap::new();
        for entry in live.by_id.values() {
            if entry.shown.conversation_id == conversation_id {
                mine.insert(entry.order, entry.shown.clone());
            }
        }
        Ok(mine.into_values().collect())
    }

    /// Removes a file from its draft: its upload stops, its app copy and thumbnail
    /// are deleted.
    ///
    /// # Errors
    /// [`AttachmentProblem::UnknownAttachment`], [`CoreError::Storage`].
    pub async fn remove(&self, id: &str) -> Result<(), CoreError> {
        let entry = self
            .live()
            .by_id
            .remove(id)
            .ok_or(CoreError::Attachment(AttachmentProblem::UnknownAttachment))?;
        if let Some(task) = entry.task {
            task.abort();
        }
        if entry.stored {
            self.history()
                .remove_attachments(vec![id.to_owned()])
                .await
                .map_err(storage)?;
        }
        self.delete_folder(id).await;
        self.inner.sink.removed(id, &entry.shown.conversation_id);
        Ok(())
    }

    /// Stops a file's upload; it stays in the draft, cancelled, and may be retried.
    ///
    /// # Errors
    /// [`AttachmentProblem::UnknownAttachment`].
    pub fn cancel(&self, id: &str) -> Result<(), CoreError> {
        let shown = {
            let mut live = self.live();
            let entry = live
                .by_id
                .get_mut(id)
                .ok_or(CoreError::Attachment(AttachmentProblem::UnknownAttachment))?;
            if !matches!(entry.shown.state, AttachmentState::Uploading { .. }) {
                return Ok(());
            }
            if let Some(task) = entry.task.take() {
                task.abort();
            }
            entry.generation += 1;
            entry.shown.state = AttachmentState::Cancelled;
            entry.shown.clone()
        };
        self.inner.sink.changed(&shown);
        Ok(())
    }

    /// Checks a failed or cancelled file again and uploads it anew. An uploaded or
    /// uploading one is left as it is.
    ///
    /// # Errors
    /// [`AttachmentProblem::UnknownAttachment`] (refused files cannot be retried:
    /// they are staged anew), [`CoreError::Storage`].
    pub async fn retry(&self, id: &str) -> Result<(), CoreError> {
        let retriable = {
            let live = self.live();
            let entry = live
                .by_id
                .get(id)
                .filter(|e| e.stored)
                .ok_or(CoreError::Attachment(AttachmentProblem::UnknownAttachment))?;
            matches!(
                entry.shown.state,
                AttachmentState::Failed(_) | AttachmentState::Cancelled
            )
        };
        if retriable {
            self.recheck_and_upload(id).await?;
        }
        Ok(())
    }

    /// Sends a message with these staged files of its conversation's draft (in this
    /// order); they then leave the draft (their thumbnails and app copies stay, for
    /// the sent message).
    ///
    /// # Errors
    /// [`CoreError::Validation`] (`attachments`, more than [`MAX_ATTACHMENTS`]),
    /// [`AttachmentProblem::UnknownAttachment`] for an id not staged in this
    /// conversation, [`AttachmentProblem::NotUploaded`] unless every file has its key;
    /// then those of [`Conversations::send_with_attachments`]. Nothing is sent on error.
    pub async fn send(
        &self,
        conversation_id: &str,
        message: String,
        form: Option<&BTreeMap<String, String>>,
        ids: &[String],
    ) -> Result<ExecutionHandle, CoreError> {
        if ids.len() > MAX_ATTACHMENTS {
            return Err(CoreError::Validation(ValidationError {
                field: "attachments",
                rule: ValidationRule::TooMany,
                limit: MAX_ATTACHMENTS as u64,
                actual: ids.len() as u64,
            }));
        }
        let sent = self.sendable(conversation_id, ids)?;
        let handle = self
            .inner
            .conversations
            .send_with_attachments(conversation_id, message, form, sent)
            .await?;
        if !ids.is_empty() {
            {
                let mut live = self.live();
                for id in ids {
                    live.by_id.remove(id);
                }
            }
            if let Err(err) = self.history().remove_attachments(ids.to_vec()).await {
                // The message went; the draft may show them again after a restart.
                tracing::error!(error = %err, "sent attachments were not cleared from the draft");
            }
        }
        Ok(handle)
    }

    fn sendable(
        &self,
        conversation_id: &str,
        ids: &[String],
    ) -> Result<Vec<SentAttachment>, CoreError> {
        let live = self.live();
        let mut sent = Vec::with_capacity(ids.len());
        let mut waiting = 0;
        for id in ids {
            let entry = live
                .by_id
                .get(id)
                .filter(|e| e.shown.conversation_id == conversation_id)
                .ok_or(CoreError::Attachment(AttachmentProblem::UnknownAttachment))?;
            match (
                &entry.shown.state,
                &entry.storage_key,
                &entry.shown.content_type,
            ) {
                (AttachmentState::Uploaded, Some(key), Some(content_type)) => {
                    sent.push(SentAttachment {
                        id: id.clone(),
                        filename: entry.shown.filename.clone(),
                        content_type: content_type.clone(),
                        size: entry.shown.size,
                        storage_key: key.clone(),
                        path: entry.path.clone(),
                    });
                }
                _ => waiting += 1,
            }
        }
        if waiting > 0 {
            return Err(CoreError::Attachment(AttachmentProblem::NotUploaded {
                waiting,
            }));
        }
        Ok(sent)
    }

    /// The path and type of a staged attachment, or of a sent one.
    fn locate(&self, id: &str) -> Result<(Option<PathBuf>, Option<String>), CoreError> {
        if let Some(entry) = self.live().by_id.get(id) {
            return Ok((entry.path.clone(), entry.shown.content_type.clone()));
        }
        let sent = self
            .history()
            .sent_attachment(id)
            .map_err(storage)?
            .ok_or(CoreError::Attachment(AttachmentProblem::UnknownAttachment))?;
        Ok((sent.path, Some(sent.content_type)))
    }

    /// A staged or sent image at most [`FULL_VIEW_PX`](super::FULL_VIEW_PX) wide and
    /// high, as a PNG `data:` URL, decoded within limits.
    ///
    /// # Errors
    /// [`AttachmentProblem::UnknownAttachment`], [`AttachmentProblem::NotAnImage`],
    /// [`AttachmentProblem::FileGone`] (also when it no longer decodes),
    /// [`CoreError::Storage`].
    pub async fn full_view(&self, id: &str) -> Result<String, CoreError> {
        let (path, content_type) = self.locate(id)?;
        if !content_type.is_some_and(|t| t.starts_with("image/")) {
            return Err(CoreError::Attachment(AttachmentProblem::NotAnImage));
        }
        let path = path.ok_or(CoreError::Attachment(AttachmentProblem::FileGone))?;
        tokio::task::spawn_blocking(move || rendition(&path, super::FULL_VIEW_PX))
            .await
            .map_err(|e| CoreError::Storage(e.to_string()))?
            .map_err(|err| {
                tracing::info!(error = %err, "no full-size view of an attachment");
                CoreError::Attachment(AttachmentProblem::FileGone)
            })
    }

    /// Deletes the folders (pasted copies, thumbnails) of attachments no draft and
    /// no stored message holds any more: those of deleted conversations and
    /// workspaces, whose files must not outlive them. Returns how many went.
    ///
    /// Runs in the background at start-up: only folders last changed before
    /// `before` (the app's start) are candidates, so a file being staged meanwhile is
    /// never taken for an unused one; and the history is read only when there is a
    /// candidate at all.
    ///
    /// # Errors
    /// [`CoreError::Storage`] (then nothing is deleted).
    pub async fn remove_unused(&self, before: SystemTime) -> Result<usize, CoreError> {
        let folder = self.inner.folder.clone();
        let candidates = tokio::task::spawn_blocking(move || unused_candidates(&folder, before))
            .await
            .map_err(|e| CoreError::Storage(e.to_string()))?;
        if candidates.is_empty() {
            return Ok(0);
        }
        let in_use = self.history().attachment_ids_in_use().map_err(storage)?;
        let removed = tokio::task::spawn_blocking(move || {
            let mut removed = 0;
            for (name, path) in candidates {
                if in_use.contains(&name) {
                    continue;
                }
                match std::fs::remove_dir_all(&path) {
                    Ok(()) => removed += 1,
                    Err(err) => tracing::warn!(error = %err, "an unused attachment folder stays"),
                }
            }
            removed
        })
        .await
        .map_err(|e| CoreError::Storage(e.to_string()))?;
        Ok(removed)
    }

    /// The thumbnail of a staged or sent image, as kept when it was staged; `None`
    /// when it has none (not an image, not decodable, or its folder is gone).
    ///
    /// # Errors
    /// [`AttachmentProblem::UnknownAttachment`], [`CoreError::Storage`].
    pub async fn thumbnail(&self, id: &str) -> Result<Option<String>, CoreError> {
        let (_, content_type) = self.locate(id)?;
        if !content_type.is_some_and(|t| t.starts_with("image/")) {
            return Ok(None);
        }
        Ok(self.stored_thumbnail(id).await)
    }
}

/// The name a pasted file is kept under: the last component of the page's name,
/// with an extension from its type when the name has none the app accepts.
fn pasted_name(name: &str, content_type: &str) -> String {
    let base = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .trim()
        .trim_start_matches('.');
    let base: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    let base = if base.is_empty() {
        "pasted".to_owned()
    } else {
        base
    };
    if type_for_extension(&base).is_some() {
        return base;
    }
    let extension = match content_type.split(';').next().unwrap_or_default().trim() {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "application/pdf" => "pdf",
        "text/csv" => "csv",
        "text/markdown" => "md",
        "text/plain" => "txt",
        _ => return base,
    };
    format!("{base}.{extension}")
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The folders under `folder` this module made (named by a UUID) and last changed
/// before `before`, by name.
fn unused_candidates(folder: &Path, before: SystemTime) -> Vec<(String, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let older = entry
                .metadata()
                .and_then(|meta| meta.modified())
                .is_ok_and(|modified| modified < before);
            (uuid::Uuid::parse_str(&name).is_ok() && older).then(|| (name, entry.path()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::pasted_name;

    #[test]
    fn pasted_names_keep_only_a_safe_last_component() {
        assert_eq!(pasted_name("../../etc/passwd", "text/plain"), "passwd.txt");
        assert_eq!(pasted_name("C:\\x\\shot.png", "image/png"), "shot.png");
        assert_eq!(pasted_name("", "image/png"), "pasted.png");
        assert_eq!(pasted_name("..", "image/png"), "pasted.png");
        assert_eq!(pasted_name("image", "application/zip"), "image");
    }
}
