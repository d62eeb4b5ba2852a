use serde::{Deserialize, Serialize};
use specta::Type;

use super::number;

/// One piece of an execution's answer, in the order it arrived. Times are in ms since
/// the execution was sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Part {
    /// Markdown text of the answer (model output: never HTML).
    Text {
        /// The markdown.
        text: String,
    },
    /// The model's reasoning.
    #[serde(rename_all = "camelCase")]
    Reasoning {
        /// The reasoning so far.
        text: String,
        /// When it started.
        started_at_ms: u32,
        /// How long it lasted, once something followed it.
        duration_ms: Option<u32>,
    },
    /// A tool the server ran.
    #[serde(rename_all = "camelCase")]
    ServerTool {
        /// Its call id.
        call_id: String,
        /// The tool's name.
        name: String,
        /// Its arguments as JSON text.
        arguments: String,
        /// Its result as JSON text, once finished.
        result: Option<String>,
        /// Running, done or failed.
        state: ToolState,
        /// When it started.
        started_at_ms: u32,
        /// How long it ran.
        duration_ms: Option<u32>,
    },
    /// A workflow step.
    #[serde(rename_all = "camelCase")]
    WorkflowStep {
        /// The node.
        node_id: String,
        /// Its kind, if given.
        node_type: Option<String>,
        /// Its label, if given.
        label: Option<String>,
        /// When it started.
        started_at_ms: u32,
        /// How long it ran, once complete.
        duration_ms: Option<u32>,
    },
    /// An image or video being generated.
    #[serde(rename_all = "camelCase")]
    MediaJob {
        /// The job.
        job_id: String,
        /// `image`, `video`, or another kind.
        media_kind: String,
        /// The prompt, if given.
        prompt: Option<String>,
        /// Generating or ready.
        state: MediaState,
        /// When it was submitted.
        submitted_at_ms: u32,
        /// The server's last keep-alive.
        last_heartbeat_at_ms: Option<u32>,
        /// When it completed.
        completed_at_ms: Option<u32>,
        /// The files, once ready.
        media: Vec<MediaFile>,
    },
    /// A tool the agent asked to run on this computer.
    #[serde(rename_all = "camelCase")]
    ClientToolCall {
        /// The call.
        call_id: String,
        /// The tool.
        name: String,
        /// Its arguments as pretty JSON text (model output: shown, never run).
        arguments: String,
        /// Where the call stands.
        state: ClientToolState,
        /// Who allowed it, once someone did.
        approved_by: Option<ApprovedBy>,
        /// The result as pretty JSON text, or why it failed, was denied or not taken.
        result: Option<String>,
        /// How long the tool ran.
        duration_ms: Option<u32>,
    },
    /// A structured result.
    StructuredOutput {
        /// Pretty-printed JSON.
        json: String,
        /// Where it came from.
        source: StructuredSource,
    },
    /// Waiting on something outside the stream.
    Waiting {
        /// On what.
        reason: WaitingReason,
    },
    /// An event the app does not know or could not read.
    #[serde(rename_all = "camelCase")]
    Unknown {
        /// Its type.
        event_type: String,
        /// The raw payload.
        data: String,
        /// Why it could not be read, if it could not.
        problem: Option<String>,
    },
}

/// Where a server tool call stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ToolState {
    /// No result yet.
    Running,
    /// Returned a result.
    Done,
    /// Returned an error.
    Failed,
}

/// Where a call of a tool on this computer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ClientToolState {
    /// Arrived; being checked.
    Received,
    /// Waiting for the user's answer in the native dialog.
    WaitingForYou,
    /// Allowed and running.
    Running,
    /// Returned its result.
    Done,
    /// Could not run, or failed.
    Failed,
    /// The user said no.
    Denied,
    /// The server did not take the answer.
    NotTaken,
}

/// Who allowed a call of a tool on this computer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ApprovedBy {
    /// The user, in the dialog.
    You,
    /// An "always allow" rule.
    Rule,
}

/// Where a media job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum MediaState {
    /// Generating.
    Generating,
    /// Complete.
    Ready,
}

/// A generated file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MediaFile {
    /// Where the server offers it.
    pub url: String,
    /// Its MIME type.
    pub content_type: Option<String>,
    /// Width in pixels.
    pub width: Option<u32>,
    /// Height in pixels.
    pub height: Option<u32>,
}

/// Where a structured output came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum StructuredSource {
    /// `parsed_output`.
    ParsedOutput,
    /// The answer text, parsed as JSON.
    AnswerText,
}

/// What an execution waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum WaitingReason {
    /// A person's approval on the server.
    AwaitingApproval,
    /// An outside event.
    WaitingForExternalEvent,
    /// This app's client tools.
    AwaitingClientTool,
}

fn ms(value: u64) -> u32 {
    number(value)
}

impl From<athena_core::Part> for Part {
    fn from(part: athena_core::Part) -> Self {
        use athena_core::Part as P;
        match part {
            P::Text { text } => Self::Text { text },
            P::Reasoning {
                text,
                started_at_ms,
                duration_ms,
            } => Self::Reasoning {
                text,
                started_at_ms: ms(started_at_ms),
                duration_ms: duration_ms.map(ms),
            },
            P::ServerTool {
                call_id,
                name,
                arguments,
                result,
                state,
                started_at_ms,
                duration_ms,
            } => Self::ServerTool {
                call_id,
                name,
                arguments,
                result,
                state: match state {
                    athena_core::ToolState::Running => ToolState::Running,
                    athena_core::ToolState::Done => ToolState::Done,
                    athena_core::ToolState::Failed => ToolState::Failed,
                },
                started_at_ms: ms(started_at_ms),
                duration_ms: duration_ms.map(ms),
            },
            P::WorkflowStep {
                node_id,
                node_type,
                label,
                started_at_ms,
                duration_ms,
            } => Self::WorkflowStep {
                node_id,
                node_type,
                label,
                started_at_ms: ms(started_at_ms),
                duration_ms: duration_ms.map(ms),
            },
            P::MediaJob {
                job_id,
                kind,
                prompt,
                state,
                submitted_at_ms,
                last_heartbeat_at_ms,
                completed_at_ms,
                media,
            } => Self::MediaJob {
                job_id,
                media_kind: kind,
                prompt,
                state: match state {
                    athena_core::MediaState::Generating => MediaState::Generating,
                    athena_core::MediaState::Ready => MediaState::Ready,
                },
                submitted_at_ms: ms(submitted_at_ms),
                last_heartbeat_at_ms: last_heartbeat_at_ms.map(ms),
                completed_at_ms: completed_at_ms.map(ms),
                media: media
                    .into_iter()
                    .map(|m| MediaFile {
                        url: m.url,
                        content_type: m.content_type,
                        width: m.width,
                        height: m.height,
                    })
                    .collect(),
            },
            P::ClientToolCall {
                call_id,
                name,
                arguments,
                state,
                approved_by,
                result,
                duration_ms,
            } => Self::ClientToolCall {
                call_id,
                name,
                arguments,
                state: {
                    use athena_core::ClientToolState as S;
                    match state {
                        S::Received => ClientToolState::Received,
                        S::WaitingForYou => ClientToolState::WaitingForYou,
                        S::Running => ClientToolState::Running,
                        S::Done => ClientToolState::Done,
                        S::Failed => ClientToolState::Failed,
                        S::Denied => ClientToolState::Denied,
                        S::NotTaken => ClientToolState::NotTaken,
                    }
                },
                approved_by: approved_by.map(|by| match by {
                    athena_core::ApprovedBy::You => ApprovedBy::You,
                    athena_core::ApprovedBy::Rule => ApprovedBy::Rule,
                }),
                result,
                duration_ms: duration_ms.map(ms),
            },
            P::StructuredOutput { json, source } => Self::StructuredOutput {
                json,
                source: match source {
                    athena_core::StructuredSource::ParsedOutput => StructuredSource::ParsedOutput,
                    athena_core::StructuredSource::AnswerText => StructuredSource::AnswerText,
                },
            },
            P::Waiting { reason } => Self::Waiting {
                reason: match reason {
                    athena_core::WaitingReason::AwaitingApproval => WaitingReason::AwaitingApproval,
                    athena_core::WaitingReason::WaitingForExternalEvent => {
                        WaitingReason::WaitingForExternalEvent
                    }
                    athena_core::WaitingReason::AwaitingClientTool => {
                        WaitingReason::AwaitingClientTool
                    }
                },
            },
            P::Unknown {
                event_type,
                data,
                problem,
            } => Self::Unknown {
                event_type,
                data,
                problem,
            },
        }
    }
}
