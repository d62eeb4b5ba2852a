//! The state of one execution as the user sees it, and the numbered changes to it.

use std::fmt;

use crate::ExecutionError;

/// The app's own name for an execution, known before the server's id (which comes
/// with `start`, or never).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
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

/// Where an execution stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecutionStatus {
    /// Sent, streaming, not finished.
    Running,
    /// Finished with an answer.
    Completed,
    /// Ended without an answer; see the error.
    Failed,
    /// Waiting for a person to approve on the server side.
    AwaitingApproval,
    /// Waiting for an outside event on the server side.
    WaitingForExternalEvent,
    /// Suspended until this app posts client tool results.
    AwaitingClientTool,
}

impl From<&athena_api::ExecutionStatus> for ExecutionStatus {
    fn from(status: &athena_api::ExecutionStatus) -> Self {
        use athena_api::ExecutionStatus as Api;
        match status {
            Api::Completed => Self::Completed,
            Api::AwaitingApproval => Self::AwaitingApproval,
            Api::WaitingForExternalEvent => Self::WaitingForExternalEvent,
            Api::AwaitingClientTool => Self::AwaitingClientTool,
            // An unknown final status is shown as finished: the answer is what arrived.
            Api::Failed => Self::Failed,
            Api::Other(_) => Self::Completed,
        }
    }
}

/// Tokens, cost and time of a finished execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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

/// One change to an execution. Folding the changes in sequence order over an empty
/// execution gives its [`ExecutionSnapshot`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecutionChange {
    /// Always the first (seq 1): the user's message was accepted.
    Accepted {
        /// The agent it was sent to.
        agent_id: String,
        /// The message as typed.
        message: String,
    },
    /// The server created the execution.
    Started {
        /// The server's id.
        execution_id: String,
    },
    /// Text to append to the answer (coalesced: possibly many deltas).
    Text {
        /// The text to append.
        delta: String,
    },
    /// The execution finished. `text` is the whole answer.
    Finished {
        /// How it finished.
        status: ExecutionStatus,
        /// The whole answer.
        text: String,
        /// Usage and cost, when the server sent them.
        usage: Option<UsageSummary>,
    },
    /// The execution ended without an answer.
    Failed {
        /// What happened.
        error: ExecutionError,
    },
}

/// A numbered change, as delivered to the view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutionUpdate {
    /// Which execution.
    pub handle: ExecutionHandle,
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
    /// The agent it was sent to.
    pub agent_id: String,
    /// The user's message.
    pub message: String,
    /// The server's id, once known.
    pub execution_id: Option<String>,
    /// The answer so far.
    pub text: String,
    /// Where it stands.
    pub status: ExecutionStatus,
    /// Usage and cost, once finished.
    pub usage: Option<UsageSummary>,
    /// What went wrong, if it failed.
    pub error: Option<ExecutionError>,
}

impl ExecutionSnapshot {
    /// Folds one change in. Core uses it to keep its truth; tests use it to check that
    /// updates and snapshots agree.
    pub fn apply(&mut self, seq: u64, change: &ExecutionChange) {
        self.seq = seq;
        match change {
            ExecutionChange::Accepted { agent_id, message } => {
                self.agent_id.clone_from(agent_id);
                self.message.clone_from(message);
            }
            ExecutionChange::Started { execution_id } => {
                self.execution_id = Some(execution_id.clone());
            }
            ExecutionChange::Text { delta } => self.text.push_str(delta),
            ExecutionChange::Finished {
                status,
                text,
                usage,
            } => {
                self.status = status.clone();
                self.text.clone_from(text);
                self.usage = *usage;
            }
            ExecutionChange::Failed { error } => {
                self.status = ExecutionStatus::Failed;
                self.error = Some(error.clone());
            }
        }
    }

    pub(crate) fn empty(handle: ExecutionHandle) -> Self {
        Self {
            handle,
            seq: 0,
            agent_id: String::new(),
            message: String::new(),
            execution_id: None,
            text: String::new(),
            status: ExecutionStatus::Running,
            usage: None,
            error: None,
        }
    }
}
