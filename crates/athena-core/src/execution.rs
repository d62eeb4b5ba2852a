//! The state of one execution as the user sees it, and the numbered changes to it.
//!
//! An execution is an ordered list of [`Part`]s folded from its events. Every change
//! is numbered; folding changes 1..=N over [`ExecutionSnapshot::new`] gives the
//! snapshot at N. The UI folds the same changes with its own reducer; golden fixtures
//! (`tests/fixtures/fold/`) keep the two folds equal.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{ExecutionError, Part};

/// The app's own name for an execution, known before the server's id (which comes
/// with `start`, or never).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ExecutionHandle(String);

impl ExecutionHandle {
    pub(crate) fn new() -> Self {
        Self(uuid::Uuid::new_v4().to_string())
    }

    /// The handle as text, for the IPC boundary.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<String> for ExecutionHandle {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl fmt::Display for ExecutionHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What the user asked: where, to whom, and what. Attachments and variables join it
/// later without changing the commands that carry it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ExecutionRequest {
    /// The app's id of the workspace it went to.
    pub workspace_id: String,
    /// The app's id of the conversation it belongs to (empty for executions run
    /// outside a conversation: benchmarks and tests of the stream path).
    pub conversation_id: String,
    /// The agent it was sent to.
    pub agent_id: String,
    /// The message as typed.
    pub message: String,
    /// A wizard agent's `variables`, already checked against the agent's definition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variables: Option<serde_json::Map<String, serde_json::Value>>,
    /// The files sent with it, each uploaded before the message was sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<crate::attachments::SentAttachment>,
}

/// Where an execution stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExecutionStatus {
    /// Sent, streaming, not finished.
    Running,
    /// Finished with an answer.
    Completed,
    /// Ended without an answer; see the error.
    Failed,
    /// The user stopped it; the server may still finish (and charge for) it.
    Stopped,
    /// Waiting for a person to approve on the server side.
    AwaitingApproval,
    /// Waiting for an outside event on the server side.
    WaitingForExternalEvent,
    /// Suspended until this app posts client tool results.
    AwaitingClientTool,
}

impl ExecutionStatus {
    /// Whether the stream is still open.
    pub fn is_running(self) -> bool {
        self == Self::Running
    }
}

impl From<&athena_api::ExecutionStatus> for ExecutionStatus {
    fn from(status: &athena_api::ExecutionStatus) -> Self {
        use athena_api::ExecutionStatus as Api;
        match status {
            Api::Completed => Self::Completed,
            Api::AwaitingApproval => Self::AwaitingApproval,
            Api::WaitingForExternalEvent => Self::WaitingForExternalEvent,
            Api::AwaitingClientTool => Self::AwaitingClientTool,
            Api::Failed => Self::Failed,
            // An unknown final status is shown as finished: the answer is what arrived.
            Api::Other(_) => Self::Completed,
        }
    }
}

/// Tokens, cost and time of a finished execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UsageSummary {
    /// Tokens read.
    pub input_tokens: u64,
    /// Tokens written.
    pub output_tokens: u64,
    /// Their total, as the server counts it.
    pub total_tokens: u64,
    /// Cost in millionths of a dollar.
    pub cost_microdollars: u64,
    /// Server-measured latency in milliseconds.
    pub latency_ms: u64,
}

/// One change to an execution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecutionChange {
    /// Always the first (seq 1): the user's request was accepted.
    Accepted {
        /// What was asked.
        request: ExecutionRequest,
    },
    /// The server created the execution.
    Started {
        /// The server's id.
        execution_id: String,
    },
    /// A part was added at the end (its index is the number of parts before it).
    PartAdded {
        /// The new part.
        part: Part,
    },
    /// Text appended to the text or reasoning part at `index` (coalesced: possibly
    /// many deltas).
    PartAppended {
        /// Which part.
        index: u32,
        /// The text to append.
        delta: String,
    },
    /// The part at `index` replaced (a result, a completion, a duration arrived).
    PartUpdated {
        /// Which part.
        index: u32,
        /// Its new state.
        part: Part,
    },
    /// The stream ended with `final`.
    Finished {
        /// How it finished.
        status: ExecutionStatus,
        /// Usage and cost, when the server sent them.
        usage: Option<UsageSummary>,
        /// The server's id of the answer message (for feedback), when sent.
        message_id: Option<String>,
    },
    /// The execution ended without an answer.
    Failed {
        /// What happened.
        error: ExecutionError,
    },
    /// The user stopped it.
    Stopped,
    /// The user sent it again with the same idempotency key, after it failed before
    /// any answer: running again, the error cleared.
    Resent,
    /// The user's feedback on the answer changed (or its sending did).
    FeedbackChanged {
        /// The feedback as it now stands.
        feedback: Feedback,
    },
}

/// The user's thumbs up or down on an answer, and whether the server has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    /// Up (`true`) or down (`false`).
    pub up: bool,
    /// Whether the server has it yet.
    pub delivery: FeedbackDelivery,
}

/// Where the sending of feedback stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackDelivery {
    /// Being sent.
    Sending,
    /// The server has it.
    Sent,
    /// The server could not be told; the user may try again.
    Failed,
}

/// A numbered change, as delivered to the view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutionUpdate {
    /// Which execution.
    pub handle: ExecutionHandle,
    /// The app's id of its workspace.
    pub workspace_id: String,
    /// The app's id of its conversation (empty outside conversations).
    pub conversation_id: String,
    /// 1 for `Accepted`, then one more per update of this execution.
    pub seq: u64,
    /// What changed.
    pub change: ExecutionChange,
}

/// Receives updates in sequence order per execution. Implemented by the shell (Tauri
/// events), by tests and by benchmarks. Called from the execution's task: it must not
/// block.
pub trait UpdateSink: Send + Sync + 'static {
    /// Delivers one update.
    fn deliver(&self, update: ExecutionUpdate);
}

/// Everything about one execution, as of update `seq`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutionSnapshot {
    /// Which execution.
    pub handle: ExecutionHandle,
    /// The sequence number of the last update folded in.
    pub seq: u64,
    /// What the user asked.
    pub request: ExecutionRequest,
    /// The server's id, once known.
    pub execution_id: Option<String>,
    /// What the agent produced, in order.
    pub parts: Vec<Part>,
    /// Where it stands.
    pub status: ExecutionStatus,
    /// Usage and cost, once finished.
    pub usage: Option<UsageSummary>,
    /// What went wrong, if it failed.
    pub error: Option<ExecutionError>,
    /// The server's id of the answer message, once `final` named it.
    pub message_id: Option<String>,
    /// The user's feedback on the answer, if any.
    pub feedback: Option<Feedback>,
}

impl ExecutionSnapshot {
    /// An execution before its first update.
    pub fn new(handle: ExecutionHandle) -> Self {
        Self {
            handle,
            seq: 0,
            request: ExecutionRequest::default(),
            execution_id: None,
            parts: Vec::new(),
            status: ExecutionStatus::Running,
            usage: None,
            error: None,
            message_id: None,
            feedback: None,
        }
    }

    /// Folds one change in. Core uses it to keep its truth; tests use it to check that
    /// updates and snapshots agree. A change naming a part that does not exist is
    /// ignored (it cannot happen in updates core made).
    pub fn apply(&mut self, seq: u64, change: &ExecutionChange) {
        self.seq = seq;
        match change {
            ExecutionChange::Accepted { request } => self.request.clone_from(request),
            ExecutionChange::Started { execution_id } => {
                self.execution_id = Some(execution_id.clone());
            }
            ExecutionChange::PartAdded { part } => self.parts.push(part.clone()),
            ExecutionChange::PartAppended { index, delta } => {
                if let Some(part) = self.parts.get_mut(*index as usize) {
                    part.append(delta);
                }
            }
            ExecutionChange::PartUpdated { index, part } => {
                if let Some(slot) = self.parts.get_mut(*index as usize) {
                    slot.clone_from(part);
                }
            }
            ExecutionChange::Finished {
                status,
                usage,
                message_id,
            } => {
                self.status = *status;
                self.usage = *usage;
                self.message_id.clone_from(message_id);
            }
            ExecutionChange::Failed { error } => {
                self.status = ExecutionStatus::Failed;
                self.error = Some(error.clone());
            }
            ExecutionChange::Stopped => self.status = ExecutionStatus::Stopped,
            ExecutionChange::Resent => {
                self.status = ExecutionStatus::Running;
                self.error = None;
            }
            ExecutionChange::FeedbackChanged { feedback } => self.feedback = Some(*feedback),
        }
    }

    /// The answer's markdown: every text part, in order.
    pub fn answer_text(&self) -> String {
        self.parts
            .iter()
            .filter_map(|p| match p {
                Part::Text { text } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }
}
