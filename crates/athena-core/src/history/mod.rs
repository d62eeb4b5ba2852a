//! The history store: the app's memory of workspaces (profiles and their agents
//! included), conversations and messages, since the API cannot list past messages,
//! workspaces or agents. It never holds key material: keys live in the OS keychain.
//!
//! One SQLite file (WAL). One writer thread owns the write connection and takes
//! commands from an unbounded channel: [`History::record`] is a channel send, cheap
//! enough to call from under the executions' lock for every update; the writer
//! applies each batch of queued commands in one transaction (updates alone at most
//! every 50 ms: each commit rewrites the changed parts whole). Writes a caller must
//! wait for ([`History::add_message`]: a message is stored with its idempotency key
//! before it is sent) are answered after their batch commits. Reads use a second
//! connection and never wait for the writer.
//!
//! Invariants:
//! - a message whose `add_message` returned is on disk and survives a crash of the
//!   app the next instant;
//! - at open, an execution the last run left running is marked failed with
//!   [`ExecutionError::Interrupted`](crate::ExecutionError::Interrupted), its parts kept;
//!   a batch run left running is marked failed with
//!   [`INTERRUPTED_ERROR`](crate::batch::INTERRUPTED_ERROR), its open items cancelled;
//! - a file this build cannot use is never deleted: a newer schema is left alone, a
//!   damaged file is renamed aside.

mod attachments;
mod audit;
mod audit_export;
mod batch_reads;
mod batches;
mod cache;
mod manage;
mod media;
mod open;
mod ops;
mod reads;
mod records;
mod rows;
mod schema;
mod search;
mod tools;
mod writer;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;

use rusqlite::Connection;
use tokio::sync::oneshot;

pub use attachments::DraftAttachment;
pub use audit::{
    AuditDecision, AuditEntry, AuditFilter, AuditOutcome, AuditPage, DecidedBy, MAX_PAGE,
    PREVIEW_CHARS, preview,
};
pub use audit_export::{AUDIT_COLUMNS, audit_csv, audit_jsonl};
pub use media::{StoredMedia, StoredMediaState};
pub use records::{
    ConversationEdit, ConversationPage, ConversationRecord, HistoryError, MessagePage,
    MessageRecord, ProfileRecord, StoredMessage, WorkspaceRecord, WorkspaceStatus, WriterStats,
};
pub use schema::SCHEMA_VERSION;
pub use search::{HIGHLIGHT_END, HIGHLIGHT_START, MAX_SEARCH_RESULTS, SNIPPET_ELLIPSIS, SearchHit};
pub use tools::{CallOutcome, CallProgress, GrantKind, StoredToolCall, ToolRule};

use self::ops::WriteOp;
use self::writer::{Command, Counters};
use crate::{AgentSummary, ExecutionHandle, ExecutionUpdate};

/// How opening the store went, for a notice in the UI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryOpened {
    /// There was no file: a new one was created.
    Fresh,
    /// The file was opened (and migrated if needed). `interrupted` executions were left
    /// running by the last run and are now marked interrupted.
    Existing {
        /// How many executions were marked interrupted.
        interrupted: usize,
    },
    /// The file was not a usable database: it was renamed to `moved_to`
    /// (`<name>.corrupt-<UTC yyyymmddThhmmssZ>`, with its `-wal` and `-shm`) and a
    /// fresh one created in its place.
    MovedAside {
        /// Where the old file is now.
        moved_to: PathBuf,
        /// What was wrong with it.
        reason: String,
    },
    /// The file was made by a newer app: it is left untouched and this run keeps its
    /// history in memory.
    NewerSchema {
        /// The file's schema version.
        found: i64,
        /// The newest version this build knows ([`SCHEMA_VERSION`]).
        known: i64,
    },
    /// Not even a fresh file could be created (or the file could not be read right
    /// now: locked, no permission): this run keeps its history in memory.
    Unavailable {
        /// Why.
        reason: String,
    },
}

/// The history store. Cheap to clone (one `Arc`); usable from tokio tasks and plain
/// threads alike (the async methods only await a oneshot). When the last clone is
/// dropped, the writer commits everything queued and the drop waits for it.
#[derive(Clone)]
pub struct History {
    inner: Arc<Inner>,
}

struct Inner {
    path: Option<PathBuf>,
    commands: Sender<Command>,
    /// `None` only when not even an in-memory database could be opened.
    reader: Option<Mutex<Connection>>,
    counters: Arc<Counters>,
    writer: Option<JoinHandle<()>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Dropping the only sender ends the writer's loop once it has drained the
        // queue; then wait, so that what was queued is on disk when the app exits.
        let (closed, _) = mpsc::channel();
        drop(std::mem::replace(&mut self.commands, closed));
        if let Some(writer) = self.writer.take()
            && writer.join().is_err()
        {
            tracing::error!("history: the writer thread panicked");
        }
    }
}

impl fmt::Debug for History {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("History")
            .field("path", &self.inner.path)
            .field("stats", &self.writer_stats())
            .finish_non_exhaustive()
    }
}

impl History {
    /// Opens the store at `path`, creating it (and its folder, readable only by the
    /// user) if needed. Never fails: a file it cannot use gives a store in memory,
    /// and the returned [`HistoryOpened`] says what happened.
    pub fn open(path: &Path) -> (History, HistoryOpened) {
        match open::open_path(path) {
            Ok(opened) => {
                let history = Self::start(Some(path.to_owned()), opened.writer, opened.reader);
                (history, opened.outcome)
            }
            Err(notice) => {
                tracing::warn!(?notice, "history: using a store in memory");
                (Self::in_memory(), notice)
            }
        }
    }

    /// A store in memory, gone when the last clone is dropped. For tests, and for a
    /// run that cannot use its file.
    pub fn in_memory() -> History {
        match open::open_memory() {
            Ok((writer, reader)) => Self::start(None, writer, reader),
            Err(err) => {
                tracing::error!(%err, "history: not even a store in memory");
                let (commands, _) = mpsc::channel();
                Self {
                    inner: Arc::new(Inner {
                        path: None,
                        commands,
                        reader: None,
                        counters: Arc::default(),
                        writer: None,
                    }),
                }
            }
        }
    }

    fn start(path: Option<PathBuf>, writer: Connection, reader: Connection) -> History {
        // Deleted text is overwritten with zeros, not merely unlinked: a deleted
        // conversation must not be readable from the file's free pages (see
        // `manage.rs`). Costs a little I/O on rewrites of long parts.
        if let Err(err) = writer.pragma_update(None, "secure_delete", true) {
            tracing::error!(%err, "history: cannot turn on secure_delete");
        }
        let counters = Arc::<Counters>::default();
        let (commands, queue) = mpsc::channel();
        let writer = match writer::spawn(writer, queue, Arc::clone(&counters)) {
            Ok(handle) => Some(handle),
            Err(err) => {
                // The queue's receiver is gone with the failed spawn: every write
                // answers `WriterGone`, reads still work.
                tracing::error!(%err, "history: cannot start the writer thread");
                None
            }
        };
        Self {
            inner: Arc::new(Inner {
                path,
                commands,
                reader: Some(Mutex::new(reader)),
                counters,
                writer,
            }),
        }
    }

    /// The file, or `None` for a store in memory.
    pub fn path(&self) -> Option<&Path> {
        self.inner.path.as_deref()
    }

    fn send(&self, command: Command) -> bool {
        self.inner.counters.queued();
        if self.inner.commands.send(command).is_err() {
            self.inner.counters.unsent();
            return false;
        }
        true
    }

    async fn write(&self, op: WriteOp) -> Result<(), HistoryError> {
        let (reply, answer) = oneshot::channel();
        if !self.send(Command::Write { op, reply }) {
            return Err(HistoryError::WriterGone);
        }
        answer.await.map_err(|_| HistoryError::WriterGone)?
    }

    fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, HistoryError>,
    ) -> Result<T, HistoryError> {
        let reader = self
            .inner
            .reader
            .as_ref()
            .ok_or(HistoryError::Unavailable)?;
        // A panic while reading leaves the connection as sound as before: no
        // transaction spans two reads.
        let conn: MutexGuard<'_, Connection> = reader
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&conn)
    }

    /// Saves a workspace with its kind, or updates the name and base URL of the one
    /// with the same id (its kind, a profile's settings and its status are kept).
    /// Committed when it returns. Errors: SQLite's, [`HistoryError::WriterGone`].
    pub async fn save_workspace(&self, w: WorkspaceRecord) -> Result<(), HistoryError> {
        self.write(WriteOp::SaveWorkspace(w)).await
    }

    /// Every saved workspace of every kind, in the order they were first saved.
    pub fn workspaces(&self) -> Result<Vec<WorkspaceRecord>, HistoryError> {
        self.read(reads::workspaces)
    }

    /// Saves a profile, or updates the workspace with the same id: every column but
    /// the status ones (`p.status` is ignored). A workspace saved by
    /// [`History::save_workspace`] becomes a profile. An existing profile keeps its
    /// `created_at_ms` (and so its place in [`History::profiles`]). Committed when it
    /// returns. Errors: SQLite's, [`HistoryError::WriterGone`].
    pub async fn save_profile(&self, p: ProfileRecord) -> Result<(), HistoryError> {
        self.write(WriteOp::SaveProfile(p)).await
    }

    /// Every profile (workspace kind [`WorkspaceKind::Profile`](crate::WorkspaceKind)),
    /// oldest `created_at_ms` first (ties in the order they were stored), each with
    /// its last recorded status.
    pub fn profiles(&self) -> Result<Vec<ProfileRecord>, HistoryError> {
        self.read(reads::profiles)
    }

    /// The profile `id`, if stored (`None` for a workspace of another kind).
    pub fn profile(&self, id: &str) -> Result<Option<ProfileRecord>, HistoryError> {
        self.read(|conn| reads::profile_by_id(conn, id))
    }

    /// Deletes a workspace of any kind with everything stored under it: its agents,
    /// conversations, their messages, parts and drafts. Updates still queued for its
    /// executions are dropped. Deleting a workspace not stored does nothing.
    /// Committed when it returns. Errors: SQLite's, [`HistoryError::WriterGone`].
    pub async fn delete_workspace(&self, id: &str) -> Result<(), HistoryError> {
        self.write(WriteOp::DeleteWorkspace(id.to_owned())).await
    }

    /// Replaces the agents of a stored workspace with `agents`, kept in this order
    /// (each stored as its agents-file JSON; not validated here). Committed when it
    /// returns. Errors: [`HistoryError::UnknownWorkspace`], SQLite's (an agent id
    /// twice in `agents`: nothing is replaced), [`HistoryError::WriterGone`].
    pub async fn save_agents(
        &self,
        workspace_id: &str,
        agents: Vec<AgentSummary>,
    ) -> Result<(), HistoryError> {
        self.write(WriteOp::SaveAgents {
            workspace_id: workspace_id.to_owned(),
            agents,
        })
        .await
    }

    /// The agents of a workspace, in the order saved; empty when it has none or is
    /// not stored. Errors: SQLite's, [`HistoryError::Decode`] for a definition this
    /// build cannot read.
    pub fn agents(&self, workspace_id: &str) -> Result<Vec<AgentSummary>, HistoryError> {
        self.read(|conn| reads::agents(conn, workspace_id))
    }

    /// Records what a workspace's server said in the headers of an authenticated
    /// answer: both values replace the stored ones (`None` clears: a workspace key's
    /// answers carry no credits). The workspace must be stored first
    /// ([`History::save_workspace`] for the demo and a run's workspace). Committed
    /// when it returns. Errors: [`HistoryError::UnknownWorkspace`], SQLite's,
    /// [`HistoryError::WriterGone`].
    pub async fn record_workspace_status(
        &self,
        id: &str,
        credits_remaining: Option<i64>,
        app_version: Option<String>,
    ) -> Result<(), HistoryError> {
        self.write(WriteOp::RecordStatus {
            id: id.to_owned(),
            status: WorkspaceStatus {
                credits_remaining,
                app_version,
            },
        })
        .await
    }

    /// The last recorded status of a workspace of any kind (both `None` until one is
    /// recorded); `None` when the workspace is not stored.
    pub fn workspace_status(&self, id: &str) -> Result<Option<WorkspaceStatus>, HistoryError> {
        self.read(|conn| reads::workspace_status(conn, id))
    }

    /// Stores a new conversation; its workspace must be saved and its id new (else a
    /// SQLite constraint error). Committed when it returns.
    pub async fn create_conversation(&self, c: ConversationRecord) -> Result<(), HistoryError> {
        self.write(WriteOp::CreateConversation(c)).await
    }

    /// Changes one thing about a conversation. Committed when it returns. Errors:
    /// [`HistoryError::UnknownConversation`], SQLite's.
    pub async fn edit_conversation(
        &self,
        id: &str,
        edit: ConversationEdit,
    ) -> Result<(), HistoryError> {
        self.write(WriteOp::EditConversation {
            id: id.to_owned(),
            edit,
        })
        .await
    }

    /// The conversation `id`, if stored.
    pub fn conversation(&self, id: &str) -> Result<Option<ConversationRecord>, HistoryError> {
        self.read(|conn| reads::conversation_by_id(conn, id))
    }

    /// A page of a workspace's conversations, archived or not, newest
    /// `last_activity_ms` first (ties by id, descending). Pass the last row's
    /// `(last_activity_ms, id)` as `page.before` for the next page.
    pub fn conversations(
        &self,
        workspace_id: &str,
        page: ConversationPage,
    ) -> Result<Vec<ConversationRecord>, HistoryError> {
        self.read(|conn| reads::conversations(conn, workspace_id, &page))
    }

    /// Queues the draft of a conversation; returns at once. Of several drafts of one
    /// conversation written in one batch only the last is written; an empty draft
    /// removes it. A failure is logged and counted in [`WriterStats::write_errors`].
    pub fn save_draft(&self, conversation_id: &str, text: String) {
        self.send(Command::Draft {
            conversation_id: conversation_id.to_owned(),
            text,
        });
    }

    /// The committed draft of a conversation, `""` when none. A draft queued but not
    /// yet committed is not seen ([`History::flush`] first if that matters).
    pub fn draft(&self, conversation_id: &str) -> Result<String, HistoryError> {
        self.read(|conn| reads::draft(conn, conversation_id))
    }

    /// Stores a message before it is sent: pending (running, seq 1, the request, the
    /// idempotency key). Also sets its conversation's last activity to `sent_at_ms`
    /// and, if the conversation has no title yet, gives it the message's first line.
    /// Committed when it returns: send only after. Errors:
    /// [`HistoryError::UnknownConversation`], SQLite's (a handle already stored),
    /// [`HistoryError::WriterGone`].
    pub async fn add_message(&self, m: MessageRecord) -> Result<(), HistoryError> {
        self.write(WriteOp::AddMessage(m)).await
    }

    /// Queues an update of an execution; never blocks, never fails. Updates of a
    /// stored message are folded onto it (an update at or below the stored seq is
    /// ignored); an `Accepted` in a stored conversation whose message was not added
    /// creates it; updates of executions outside conversations are dropped. A write
    /// error is logged and counted in [`WriterStats::write_errors`].
    pub fn record(&self, update: &ExecutionUpdate) {
        self.send(Command::Record(update.clone()));
    }

    /// Returns once everything queued before the call is committed (at once if the
    /// writer is gone).
    pub async fn flush(&self) {
        let (reply, done) = oneshot::channel();
        if self.send(Command::Flush(reply)) {
            let _ = done.await;
        }
    }

    /// The `limit` newest messages of a conversation older than position `before`
    /// (`None`: the newest), oldest first. `more_before` says whether older ones
    /// exist; pass the first message's position as `before` for them.
    pub fn messages(
        &self,
        conversation_id: &str,
        before: Option<i64>,
        limit: usize,
    ) -> Result<MessagePage, HistoryError> {
        self.read(|conn| rows::messages_page(conn, conversation_id, before, limit))
    }

    /// The stored message of an execution, as of its last committed update.
    pub fn message(&self, handle: &ExecutionHandle) -> Result<Option<StoredMessage>, HistoryError> {
        self.read(|conn| rows::message_by_handle(conn, handle.as_str()))
    }

    /// The workspace's conversations with `agent_id` that are not archived and exist
    /// on the server (have a `server_conversation_id`), newest activity first.
    pub fn active_conversations_with(
        &self,
        workspace_id: &str,
        agent_id: &str,
    ) -> Result<Vec<ConversationRecord>, HistoryError> {
        self.read(|conn| reads::active_conversations_with(conn, workspace_id, agent_id))
    }

    /// The writer's figures so far.
    pub fn writer_stats(&self) -> WriterStats {
        self.inner.counters.snapshot()
    }
}
