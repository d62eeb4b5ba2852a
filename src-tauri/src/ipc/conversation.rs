use serde::{Deserialize, Serialize};
use specta::Type;

use super::ExecutionSnapshot;

/// A conversation, as the sidebar and the chat header show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConversationSummary {
    /// The app's id for it.
    pub id: String,
    /// The workspace it belongs to.
    pub workspace_id: String,
    /// The agent it talks to.
    pub agent_id: String,
    /// The agent's name.
    pub agent_name: String,
    /// From its first message; empty until then.
    pub title: String,
    /// Archived: readable, not continued.
    pub archived: bool,
    /// The server keeps no conversations for this key: kept on this computer only.
    pub local_only: bool,
    /// When it was started, in Unix milliseconds.
    pub created_at_ms: f64,
    /// Its last message, in Unix milliseconds.
    pub last_activity_ms: f64,
    /// Whether one of its executions is streaming now.
    pub running: bool,
}

/// Where a page of the conversation list ends, to ask for the next one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConversationCursor {
    /// The last row's activity, in Unix milliseconds.
    pub last_activity_ms: f64,
    /// The last row's id.
    pub id: String,
}

/// A page of a conversation: the conversation, its draft and its messages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConversationView {
    /// The conversation.
    pub conversation: ConversationSummary,
    /// Its unsent draft.
    pub draft: String,
    /// Its messages, oldest first: each an execution.
    pub messages: Vec<ExecutionSnapshot>,
    /// Whether older messages exist.
    pub more_before: bool,
    /// Pass back to get the page before this one.
    pub before: Option<f64>,
}

/// A conversation changed outside a command: its scope was created, it was archived,
/// or the user should be told something about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct ConversationChanged {
    /// The conversation as it now is.
    pub conversation: ConversationSummary,
    /// What to tell the user, if anything.
    pub notice: Option<ConversationNotice>,
}

/// Something to tell the user about a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ConversationNotice {
    /// The agent's previous chat was archived on the server so this one starts fresh.
    #[serde(rename_all = "camelCase")]
    PreviousArchived {
        /// The archived conversation.
        previous_id: String,
    },
    /// The server keeps no conversations for this key: this chat stays on this
    /// computer, and the agent does not see its earlier messages.
    LocalOnly {
        /// The server's answer.
        status: u32,
    },
}

/// How the history opened at start, for a notice when it is not the usual.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum HistoryStatus {
    /// Opened (or created) normally.
    Ready {
        /// Messages the last run left streaming, now marked interrupted.
        interrupted: u32,
    },
    /// The history file could not be read: moved aside, a fresh one started.
    #[serde(rename_all = "camelCase")]
    MovedAside {
        /// The history file.
        path: String,
        /// Where the unreadable file now is.
        moved_to: String,
        /// What was wrong.
        reason: String,
    },
    /// The history was written by a newer version of the app: left untouched; this
    /// run keeps nothing.
    NewerSchema {
        /// The history file.
        path: String,
        /// Its schema version.
        found: u32,
        /// The newest this app knows.
        known: u32,
    },
    /// No history file could be created; this run keeps nothing.
    Unavailable {
        /// Why.
        reason: String,
    },
}

impl ConversationSummary {
    /// The summary of `record`; `running` from the executions.
    pub fn new(record: athena_core::history::ConversationRecord, running: bool) -> Self {
        #[allow(clippy::cast_precision_loss)] // Unix ms stay below 2^53 for 285,000 years.
        let ms = |v: i64| v as f64;
        Self {
            id: record.id,
            workspace_id: record.workspace_id,
            agent_id: record.agent_id,
            agent_name: record.agent_name,
            title: record.title,
            archived: record.archived,
            local_only: record.local_only,
            created_at_ms: ms(record.created_at_ms),
            last_activity_ms: ms(record.last_activity_ms),
            running,
        }
    }
}

impl From<athena_core::ConversationSummary> for ConversationSummary {
    fn from(summary: athena_core::ConversationSummary) -> Self {
        Self::new(summary.conversation, summary.running)
    }
}

impl From<athena_core::ConversationNotice> for ConversationNotice {
    fn from(notice: athena_core::ConversationNotice) -> Self {
        match notice {
            athena_core::ConversationNotice::PreviousArchived { previous_id } => {
                Self::PreviousArchived { previous_id }
            }
            athena_core::ConversationNotice::LocalOnly { status } => Self::LocalOnly {
                status: u32::from(status),
            },
        }
    }
}

impl HistoryStatus {
    /// The status of a history opened at `path`.
    pub fn new(opened: &athena_core::history::HistoryOpened, path: &std::path::Path) -> Self {
        use athena_core::history::HistoryOpened as O;
        let path = path.display().to_string();
        let small = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
        match opened {
            O::Fresh => Self::Ready { interrupted: 0 },
            O::Existing { interrupted } => Self::Ready {
                interrupted: u32::try_from(*interrupted).unwrap_or(u32::MAX),
            },
            O::MovedAside { moved_to, reason } => Self::MovedAside {
                path,
                moved_to: moved_to.display().to_string(),
                reason: reason.clone(),
            },
            O::NewerSchema { found, known } => Self::NewerSchema {
                path,
                found: small(*found),
                known: small(*known),
            },
            O::Unavailable { reason } => Self::Unavailable {
                reason: reason.clone(),
            },
        }
    }
}
