use serde::{Deserialize, Serialize};
use specta::Type;

use super::{AppError, number};

/// One numbered change to an execution: the event the page folds into its store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionUpdate {
    /// The execution's local handle.
    pub handle: String,
    /// 1 for `accepted`, then one more per update of this execution.
    pub seq: u32,
    /// What changed.
    pub change: ExecutionChange,
}

/// What changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ExecutionChange {
    /// The user's message was accepted (always seq 1).
    #[serde(rename_all = "camelCase")]
    Accepted {
        /// The agent it went to.
        agent_id: String,
        /// The message.
        message: String,
    },
    /// The server created the execution.
    #[serde(rename_all = "camelCase")]
    Started {
        /// The server's id.
        execution_id: String,
    },
    /// Text to append.
    Text {
        /// The text.
        delta: String,
    },
    /// Finished; `text` is the whole answer.
    Finished {
        /// How it finished.
        status: ExecutionStatus,
        /// The whole answer.
        text: String,
        /// Usage and cost.
        usage: Option<Usage>,
    },
    /// Ended without an answer.
    Failed {
        /// What happened.
        error: AppError,
    },
}

/// Where an execution stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ExecutionStatus {
    /// Sent, not finished.
    Running,
    /// Finished with an answer.
    Completed,
    /// Ended without an answer.
    Failed,
    /// Waiting for a person's approval on the server.
    AwaitingApproval,
    /// Waiting for an outside event on the server.
    WaitingForExternalEvent,
    /// Waiting for this app's client tool results.
    AwaitingClientTool,
}

/// Tokens, cost and time of a finished execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    /// Tokens read.
    pub input_tokens: u32,
    /// Tokens written.
    pub output_tokens: u32,
    /// The total.
    pub total_tokens: u32,
    /// Cost in millionths of a dollar.
    pub cost_microdollars: u32,
    /// Server-measured latency.
    pub latency_ms: u32,
}

/// Everything about one execution as of update `seq`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionSnapshot {
    /// The local handle.
    pub handle: String,
    /// The last update folded in.
    pub seq: u32,
    /// The agent.
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
    pub usage: Option<Usage>,
    /// What went wrong, if it failed.
    pub error: Option<AppError>,
}

/// Every execution of this run, in the order sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ChatSnapshot {
    /// The executions.
    pub executions: Vec<ExecutionSnapshot>,
}

impl From<athena_core::ExecutionStatus> for ExecutionStatus {
    fn from(status: athena_core::ExecutionStatus) -> Self {
        use athena_core::ExecutionStatus as S;
        match status {
            S::Running => Self::Running,
            S::Completed => Self::Completed,
            S::Failed => Self::Failed,
            S::AwaitingApproval => Self::AwaitingApproval,
            S::WaitingForExternalEvent => Self::WaitingForExternalEvent,
            S::AwaitingClientTool => Self::AwaitingClientTool,
        }
    }
}

impl From<athena_core::UsageSummary> for Usage {
    fn from(usage: athena_core::UsageSummary) -> Self {
        Self {
            input_tokens: number(usage.input_tokens),
            output_tokens: number(usage.output_tokens),
            total_tokens: number(usage.total_tokens),
            cost_microdollars: number(usage.cost_microdollars),
            latency_ms: number(usage.latency_ms),
        }
    }
}

impl From<athena_core::ExecutionChange> for ExecutionChange {
    fn from(change: athena_core::ExecutionChange) -> Self {
        use athena_core::ExecutionChange as C;
        match change {
            C::Accepted { agent_id, message } => Self::Accepted { agent_id, message },
            C::Started { execution_id } => Self::Started { execution_id },
            C::Text { delta } => Self::Text { delta },
            C::Finished {
                status,
                text,
                usage,
            } => Self::Finished {
                status: status.into(),
                text,
                usage: usage.map(Usage::from),
            },
            C::Failed { error } => Self::Failed {
                error: error.into(),
            },
        }
    }
}

impl From<athena_core::ExecutionUpdate> for ExecutionUpdate {
    fn from(update: athena_core::ExecutionUpdate) -> Self {
        Self {
            handle: update.handle.to_string(),
            seq: number(update.seq),
            change: update.change.into(),
        }
    }
}

impl From<athena_core::ExecutionSnapshot> for ExecutionSnapshot {
    fn from(snapshot: athena_core::ExecutionSnapshot) -> Self {
        Self {
            handle: snapshot.handle.to_string(),
            seq: number(snapshot.seq),
            agent_id: snapshot.agent_id,
            message: snapshot.message,
            execution_id: snapshot.execution_id,
            text: snapshot.text,
            status: snapshot.status.into(),
            usage: snapshot.usage.map(Usage::from),
            error: snapshot.error.map(AppError::from),
        }
    }
}
