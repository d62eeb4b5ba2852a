//! What the history stores and hands back: plain records, the writer's figures, and
//! the errors of the store.

use std::path::PathBuf;

use crate::{ExecutionHandle, ExecutionRequest, ExecutionSnapshot, WorkspaceKind};

/// A workspace as remembered across runs: what its conversations need. The API key
/// is not here: it lives in the OS keychain. A profile has more: [`ProfileRecord`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceRecord {
    /// The app's id of the workspace (unique).
    pub id: String,
    /// The name the user sees.
    pub name: String,
    /// The server's base URL.
    pub base_url: String,
    /// Where it comes from. [`History::save_workspace`](super::History::save_workspace)
    /// sets it only when it first stores the workspace: a profile stays a profile.
    pub kind: WorkspaceKind,
}

/// A profile: a real Athena workspace the user added, as kept in the history
/// (workspace kind [`WorkspaceKind::Profile`]). Its key is not here (not even its
/// hint): the key lives in the OS keychain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileRecord {
    /// The app's id of the workspace (unique among all workspaces).
    pub id: String,
    /// The name the user gave it.
    pub name: String,
    /// The server's base URL, normalized.
    pub base_url: String,
    /// The server's workspace id, `workspace:…` (the `X-Workspace-Id` header).
    pub server_workspace_id: String,
    /// Sent as `external_user_id` with every execution, when set.
    pub external_user_id: Option<String>,
    /// A CA certificate file to trust for this server, when set. Stored as text: a
    /// path that is not UTF-8 is stored with its invalid bytes replaced.
    pub ca_certificate: Option<PathBuf>,
    /// When the user added it, in unix ms: profiles are listed oldest first. Kept
    /// when an existing profile is saved again.
    pub created_at_ms: i64,
    /// What its server last said about it. Read back only:
    /// [`History::save_profile`](super::History::save_profile) ignores it and
    /// [`History::record_workspace_status`](super::History::record_workspace_status)
    /// writes it.
    pub status: WorkspaceStatus,
}

pub use crate::account::WorkspaceStatus;

/// A conversation with one agent of one workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationRecord {
    /// The app's id of the conversation (unique).
    pub id: String,
    /// Its workspace; the workspace must be saved first.
    pub workspace_id: String,
    /// The agent it talks to.
    pub agent_id: String,
    /// The agent's name as it was when the conversation started (shown if the agent
    /// disappears from the server).
    pub agent_name: String,
    /// Empty until the first message gives it one.
    pub title: String,
    /// The server's `conversation_scope`, once the server created the conversation.
    pub server_conversation_id: Option<String>,
    /// The server refused `/my/conversations`: the conversation is kept here only.
    pub local_only: bool,
    /// Hidden from the main list.
    pub archived: bool,
    /// When it was created, in unix ms.
    pub created_at_ms: i64,
    /// When something last happened in it, in unix ms: the sort key of the list.
    pub last_activity_ms: i64,
}

/// One change to a stored conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConversationEdit {
    /// A new title (the user renamed it).
    Title(String),
    /// The server created it: its `conversation_scope`.
    ServerConversation(String),
    /// The server refused to keep it: kept here only from now on.
    LocalOnly,
    /// Moved out of the main list.
    Archived,
    /// Something happened in it at this time (unix ms).
    Activity(i64),
}

/// Which page of a workspace's conversations to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationPage {
    /// Archived conversations (`true`) or the main list (`false`): the two are apart.
    pub archived: bool,
    /// `(last_activity_ms, id)` of the last row of the previous page; `None` for the
    /// first page.
    pub before: Option<(i64, String)>,
    /// At most this many rows.
    pub limit: usize,
}

/// A message about to be sent: stored, pending, before the request leaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRecord {
    /// The execution's handle (unique in the history).
    pub handle: ExecutionHandle,
    /// What is sent, where and to whom; its conversation must be stored first.
    pub request: ExecutionRequest,
    /// The `Idempotency-Key` of the user action, kept so a resend after a crash
    /// reuses it.
    pub idempotency_key: String,
    /// When the user sent it, in unix ms.
    pub sent_at_ms: i64,
}

/// A stored message: the user's request and the agent's answer as far as it was
/// written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    /// Increases with every message stored: the cursor of [`MessagePage`]s.
    pub position: i64,
    /// The execution as of its last written update.
    pub snapshot: ExecutionSnapshot,
    /// The `Idempotency-Key` it was sent with (empty for executions the history
    /// learned of from their updates only).
    pub idempotency_key: String,
    /// When it was sent, in unix ms.
    pub sent_at_ms: i64,
}

/// A page of a conversation's messages, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessagePage {
    /// The messages, oldest first.
    pub messages: Vec<StoredMessage>,
    /// Whether older messages exist before the first one.
    pub more_before: bool,
}

/// What the writer did so far, for benchmarks, tests and a diagnostics view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WriterStats {
    /// Execution updates the writer took in (stored or skipped).
    pub updates: u64,
    /// Of them, text appended to a part.
    pub text_deltas: u64,
    /// Transactions committed.
    pub transactions: u64,
    /// Commands queued and not yet taken by the writer.
    pub queue_len: u64,
    /// The longest the queue has been.
    pub queue_high_water: u64,
    /// Writes that failed (each also logged).
    pub write_errors: u64,
}

/// Why the history could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// SQLite failed; `context` says what the store was doing.
    #[error("history: {context}: {source}")]
    Sqlite {
        /// What the store was doing.
        context: &'static str,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// A stored JSON column could not be read back (written by a newer or broken
    /// build).
    #[error("history: cannot read the stored {column}: {source}")]
    Decode {
        /// Which column.
        column: &'static str,
        /// Why.
        #[source]
        source: serde_json::Error,
    },
    /// The conversation named does not exist.
    #[error("history: no conversation has the id {0}")]
    UnknownConversation(String),
    /// The workspace named does not exist.
    #[error("history: no workspace has the id {0}")]
    UnknownWorkspace(String),
    /// The batch run named does not exist.
    #[error("history: no batch run has the id {0}")]
    UnknownBatchRun(String),
    /// The batch run named has no call with this index (or does not exist).
    #[error("history: batch run {run_id} has no call {call_index}")]
    UnknownBatchCall {
        /// The run.
        run_id: String,
        /// The call's index.
        call_index: usize,
    },
    /// The batch holding this write could not be committed (disk full, I/O error);
    /// nothing of it was stored.
    #[error("history: not committed: {reason}")]
    NotCommitted {
        /// SQLite's words.
        reason: String,
    },
    /// The store could not be opened at all, not even in memory.
    #[error("history: unavailable")]
    Unavailable,
    /// The writer thread has stopped (it panicked, or the history is shutting down):
    /// nothing more can be written.
    #[error("history: the writer has stopped")]
    WriterGone,
}

impl HistoryError {
    /// Wraps a SQLite error with what the store was doing.
    pub(super) fn sqlite(context: &'static str) -> impl FnOnce(rusqlite::Error) -> Self {
        move |source| Self::Sqlite { context, source }
    }
}
