use serde::{Deserialize, Serialize};
use specta::Type;

use super::{AppError, Part, number};

/// One numbered change to an execution: the event the page folds into its store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionUpdate {
    /// The execution's local handle.
    pub handle: String,
    /// The app's id of its workspace.
    pub workspace_id: String,
    /// The app's id of its conversation.
    pub conversation_id: String,
    /// 1 for `accepted`, then one more per update of this execution.
    pub seq: u32,
    /// What changed.
    pub change: ExecutionChange,
}

/// What changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ExecutionChange {
    /// The user's request was accepted (always seq 1).
    Accepted {
        /// What was asked.
        request: ExecutionRequest,
    },
    /// The server created the execution.
    #[serde(rename_all = "camelCase")]
    Started {
        /// The server's id.
        execution_id: String,
    },
    /// A part was added at the end.
    PartAdded {
        /// The part.
        part: Part,
    },
    /// Text appended to the text or reasoning part at `index`.
    PartAppended {
        /// Which part.
        index: u32,
        /// The text.
        delta: String,
    },
    /// The part at `index` replaced.
    PartUpdated {
        /// Which part.
        index: u32,
        /// Its new state.
        part: Part,
    },
    /// The stream ended with `final`.
    #[serde(rename_all = "camelCase")]
    Finished {
        /// How it finished.
        status: ExecutionStatus,
        /// Usage and cost.
        usage: Option<Usage>,
        /// The server's id of the answer message (feedback needs it).
        message_id: Option<String>,
    },
    /// Ended without an answer.
    Failed {
        /// What happened.
        error: AppError,
    },
    /// The user stopped it; the server may still finish and charge for it.
    Stopped,
    /// Sent again with the same idempotency key after failing before any answer:
    /// running again, the error cleared.
    Resent,
    /// The user's feedback on the answer, or its sending, changed.
    FeedbackChanged {
        /// The feedback as it now stands.
        feedback: Feedback,
    },
}

/// The user's thumbs up or down on an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Feedback {
    /// Thumbs up (`true`) or down (`false`).
    pub up: bool,
    /// Whether the server has it.
    pub delivery: FeedbackDelivery,
}

/// Where the sending of feedback stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum FeedbackDelivery {
    /// Being sent.
    Sending,
    /// The server has it.
    Sent,
    /// Could not be sent; can be tried again.
    Failed,
}

impl From<athena_core::Feedback> for Feedback {
    fn from(feedback: athena_core::Feedback) -> Self {
        use athena_core::FeedbackDelivery as D;
        Self {
            up: feedback.up,
            delivery: match feedback.delivery {
                D::Sending => FeedbackDelivery::Sending,
                D::Sent => FeedbackDelivery::Sent,
                D::Failed => FeedbackDelivery::Failed,
            },
        }
    }
}

/// What the user asked: where, to whom, and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionRequest {
    /// The workspace it went to.
    pub workspace_id: String,
    /// The conversation it belongs to.
    pub conversation_id: String,
    /// The agent.
    pub agent_id: String,
    /// The message.
    pub message: String,
    /// A wizard agent's variables, as sent (texts as typed, others as JSON).
    pub variables: Vec<VariableValue>,
    /// The files sent with it.
    #[serde(default)]
    pub attachments: Vec<super::SentAttachment>,
}

/// One variable of a wizard run, for the exchange to show what was asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct VariableValue {
    /// Its name.
    pub name: String,
    /// Its value as text.
    pub value: String,
}

/// A message to send, as the composer gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SendRequest {
    /// The conversation it goes to (its agent receives it).
    pub conversation_id: String,
    /// The message as typed (may be empty for a wizard agent that needs none).
    pub message: String,
    /// A wizard agent's form, as typed, by variable name.
    pub variables: Option<std::collections::BTreeMap<String, String>>,
    /// The staged attachments it carries, by id, in order; each must be uploaded.
    #[serde(default)]
    #[specta(optional)]
    pub attachment_ids: Option<Vec<String>>,
}

/// The raw events of one execution, for the Inspect view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct InspectedEvents {
    /// The kept events, oldest first.
    pub events: Vec<InspectedEvent>,
    /// How many older events were cut to bound memory.
    pub cut: u32,
}

/// One raw event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct InspectedEvent {
    /// Its position in the stream, from 1.
    pub number: u32,
    /// When it arrived, in ms since the execution was sent.
    pub at_ms: u32,
    /// Its type.
    pub event_type: String,
    /// Its decoded JSON, pretty-printed and redacted.
    pub json: String,
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
    /// Stopped by the user.
    Stopped,
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionSnapshot {
    /// The local handle.
    pub handle: String,
    /// The last update folded in.
    pub seq: u32,
    /// What the user asked.
    pub request: ExecutionRequest,
    /// The server's id, once known.
    pub execution_id: Option<String>,
    /// What the agent produced, in order.
    pub parts: Vec<Part>,
    /// Where it stands.
    pub status: ExecutionStatus,
    /// Usage and cost, once finished.
    pub usage: Option<Usage>,
    /// What went wrong, if it failed.
    pub error: Option<AppError>,
    /// The server's id of the answer message, once known (feedback needs it).
    pub message_id: Option<String>,
    /// The user's feedback on the answer.
    pub feedback: Option<Feedback>,
}

impl From<athena_core::ExecutionStatus> for ExecutionStatus {
    fn from(status: athena_core::ExecutionStatus) -> Self {
        use athena_core::ExecutionStatus as S;
        match status {
            S::Running => Self::Running,
            S::Completed => Self::Completed,
            S::Failed => Self::Failed,
            S::Stopped => Self::Stopped,
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

impl From<athena_core::ExecutionRequest> for ExecutionRequest {
    fn from(request: athena_core::ExecutionRequest) -> Self {
        Self {
            workspace_id: request.workspace_id,
            conversation_id: request.conversation_id,
            agent_id: request.agent_id,
            message: request.message,
            variables: request
                .variables
                .into_iter()
                .flatten()
                .map(|(name, value)| VariableValue {
                    value: match value {
                        serde_json::Value::String(text) => text,
                        other => other.to_string(),
                    },
                    name,
                })
                .collect(),
            attachments: request.attachments.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<athena_core::ExecutionChange> for ExecutionChange {
    fn from(change: athena_core::ExecutionChange) -> Self {
        use athena_core::ExecutionChange as C;
        match change {
            C::Accepted { request } => Self::Accepted {
                request: request.into(),
            },
            C::Started { execution_id } => Self::Started { execution_id },
            C::PartAdded { part } => Self::PartAdded { part: part.into() },
            C::PartAppended { index, delta } => Self::PartAppended { index, delta },
            C::PartUpdated { index, part } => Self::PartUpdated {
                index,
                part: part.into(),
            },
            C::Finished {
                status,
                usage,
                message_id,
            } => Self::Finished {
                status: status.into(),
                usage: usage.map(Usage::from),
                message_id,
            },
            C::Failed { error } => Self::Failed {
                error: error.into(),
            },
            C::Stopped => Self::Stopped,
            C::Resent => Self::Resent,
            C::FeedbackChanged { feedback } => Self::FeedbackChanged {
                feedback: feedback.into(),
            },
        }
    }
}

impl From<athena_core::InspectLog> for InspectedEvents {
    fn from(log: athena_core::InspectLog) -> Self {
        Self {
            events: log
                .events
                .into_iter()
                .map(|e| InspectedEvent {
                    number: number(e.number),
                    at_ms: number(e.at_ms),
                    event_type: e.event_type,
                    json: e.json,
                })
                .collect(),
            cut: number(log.cut),
        }
    }
}

impl From<athena_core::ExecutionUpdate> for ExecutionUpdate {
    fn from(update: athena_core::ExecutionUpdate) -> Self {
        Self {
            handle: update.handle.to_string(),
            workspace_id: update.workspace_id,
            conversation_id: update.conversation_id,
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
            request: snapshot.request.into(),
            execution_id: snapshot.execution_id,
            parts: snapshot.parts.into_iter().map(Part::from).collect(),
            status: snapshot.status.into(),
            usage: snapshot.usage.map(Usage::from),
            error: snapshot.error.map(AppError::from),
            message_id: snapshot.message_id,
            feedback: snapshot.feedback.map(Feedback::from),
        }
    }
}
