//! The parts of an execution: everything the agent produced, in the order it arrived.
//! Text and reasoning grow by appended deltas; tool calls, workflow steps and media
//! jobs are updated in place when their completion arrives.

use serde::{Deserialize, Serialize};

/// One piece of an execution's answer. Stored in the history as JSON (tagged by
/// `part`): renaming a variant or field needs a history migration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "part", rename_all = "snake_case")]
pub enum Part {
    /// Markdown text of the answer.
    Text {
        /// The markdown so far.
        text: String,
    },
    /// The model's reasoning, shown apart from the answer.
    Reasoning {
        /// The reasoning so far.
        text: String,
        /// When it started, in ms since the execution was sent.
        started_at_ms: u64,
        /// How long it lasted, once something else followed it.
        duration_ms: Option<u64>,
    },
    /// A tool the server ran.
    ServerTool {
        /// Correlates the call with its result.
        call_id: String,
        /// The tool's name.
        name: String,
        /// Its arguments as JSON text.
        arguments: String,
        /// Its result as JSON text, once it finished.
        result: Option<String>,
        /// Running, done or failed.
        state: ToolState,
        /// When it started, in ms since the execution was sent.
        started_at_ms: u64,
        /// How long it ran, once finished.
        duration_ms: Option<u64>,
    },
    /// A step of the agent's workflow.
    WorkflowStep {
        /// The workflow node.
        node_id: String,
        /// Its kind (`ai`, `tool`, ...), if given.
        node_type: Option<String>,
        /// Its label, if given.
        label: Option<String>,
        /// When it started, in ms since the execution was sent.
        started_at_ms: u64,
        /// How long it ran, once complete.
        duration_ms: Option<u64>,
    },
    /// An image or video being generated.
    MediaJob {
        /// The generation job.
        job_id: String,
        /// `image`, `video`, or another kind as the server names it.
        kind: String,
        /// The prompt, if given.
        prompt: Option<String>,
        /// Generating, or ready.
        state: MediaState,
        /// When it was submitted, in ms since the execution was sent.
        submitted_at_ms: u64,
        /// The last keep-alive from the server while it generates.
        last_heartbeat_at_ms: Option<u64>,
        /// When it completed.
        completed_at_ms: Option<u64>,
        /// The generated files, once ready.
        media: Vec<MediaFile>,
    },
    /// A tool the agent asked to run on this computer, and what became of it.
    ClientToolCall {
        /// The call to answer.
        call_id: String,
        /// The tool's name.
        name: String,
        /// Its arguments as pretty JSON text (unvalidated model output).
        arguments: String,
        /// Where the call stands (`received` in histories written before tools ran).
        #[serde(default)]
        state: ClientToolState,
        /// Who allowed it to run, once someone did.
        #[serde(default)]
        approved_by: Option<ApprovedBy>,
        /// The result as pretty JSON text, or why it failed, was denied or was not
        /// taken by the server.
        #[serde(default)]
        result: Option<String>,
        /// How long the tool ran, once it finished.
        #[serde(default)]
        duration_ms: Option<u64>,
    },
    /// A structured result.
    StructuredOutput {
        /// The result as pretty-printed JSON text.
        json: String,
        /// Where it came from.
        source: StructuredSource,
    },
    /// The execution is waiting on something outside the app's stream.
    Waiting {
        /// On what.
        reason: WaitingReason,
    },
    /// An event the app does not know, or could not read, kept as received.
    Unknown {
        /// Its type name (`?` when it had none).
        event_type: String,
        /// The raw `data:` payload, even when it is not JSON.
        data: String,
        /// Why it could not be read, when it was a known type that failed to decode.
        problem: Option<String>,
    },
}

/// Where a server tool call stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToolState {
    /// Called, no result yet.
    Running,
    /// Returned a result.
    Done,
    /// Returned an error.
    Failed,
}

/// Where a call of a tool on this computer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientToolState {
    /// Arrived; its arguments are being checked.
    #[default]
    Received,
    /// The app is asking the user, in a native dialog.
    WaitingForYou,
    /// Allowed (see `approved_by`) and running.
    Running,
    /// Ran and returned its result.
    Done,
    /// Could not run or failed: arguments that do not fit the tool, a tool not
    /// enabled, an error or a time-out while running.
    Failed,
    /// The user said no (or closed the dialog).
    Denied,
    /// Answered, but the server no longer expected it (or the user stopped the
    /// execution first): reported once, never sent again.
    NotTaken,
}

/// Who allowed a call of a tool on this computer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovedBy {
    /// The user, in the dialog.
    You,
    /// A rule the user set earlier ("always allow").
    Rule,
}

/// Where a media job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaState {
    /// Submitted, not complete.
    Generating,
    /// Complete.
    Ready,
}

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaFile {
    /// Where the server offers it.
    pub url: String,
    /// Its MIME type, if given.
    pub content_type: Option<String>,
    /// Width in pixels, if given.
    pub width: Option<u32>,
    /// Height in pixels, if given.
    pub height: Option<u32>,
}

/// Where a structured output came from (the contract's fallback rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StructuredSource {
    /// `output.parsed_output`.
    ParsedOutput,
    /// `parsed_output` was missing and the answer text is JSON.
    AnswerText,
}

/// What a suspended or paused execution waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WaitingReason {
    /// A person's approval on the server side.
    AwaitingApproval,
    /// An outside event on the server side.
    WaitingForExternalEvent,
    /// This app's client tool results.
    AwaitingClientTool,
}

impl Part {
    /// Appends streamed text to a text or reasoning part; other parts ignore it.
    pub fn append(&mut self, delta: &str) {
        match self {
            Self::Text { text } | Self::Reasoning { text, .. } => text.push_str(delta),
            _ => {}
        }
    }
}
