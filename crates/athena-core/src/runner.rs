//! The task that reads one execution's events and publishes its changes.
//!
//! It consumes any stream of events (the HTTP stream in the app, canned events in
//! tests) and turns each into changes to the execution's parts. Text and reasoning
//! deltas are gathered and published at most once per frame (the first at once); any
//! other event first publishes what was gathered, so order is kept. A stop request
//! publishes what was gathered, marks the execution stopped and drops the stream
//! (which closes the HTTP request).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use athena_api::{ApiError, ExecutionEvent, FinalEvent};
use futures_util::{Stream, StreamExt};
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::error::redacted;
use crate::executions::Publisher;
use crate::redact::redact_secrets;
use crate::{
    ExecutionChange, ExecutionError, ExecutionStatus, MediaFile, MediaState, Part,
    StructuredSource, ToolState, UsageSummary, WaitingReason,
};

/// The kind of part a delta grows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Growing {
    Text,
    Reasoning,
}

/// A call of a tool on this computer that the execution waits for.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PendingCall {
    /// Its part in the execution.
    pub(crate) index: u32,
    /// The server's id of the call.
    pub(crate) call_id: String,
    /// The tool's name.
    pub(crate) name: String,
    /// The arguments as the model wrote them.
    pub(crate) arguments: serde_json::Value,
}

/// How a read of an execution's events ended.
#[derive(Debug)]
pub(crate) enum RunEnd {
    /// The execution ended (finished, failed or stopped): its last change is out.
    Ended,
    /// The server suspended it until these calls are answered; nothing final was
    /// published, so the execution is still running as the user sees it.
    Suspended(Vec<PendingCall>),
}

/// Reads `events` to their end, or until `stop` is notified. With `answers_tools`,
/// a suspension for client tools (`final` with `awaiting_client_tool`) is returned
/// with its calls instead of ending the execution. Parts are added after those the
/// execution already has, so a resumed stream continues the same answer.
pub(crate) async fn run<S>(
    events: S,
    publisher: Publisher,
    frame: Duration,
    stop: Arc<Notify>,
    answers_tools: bool,
) -> RunEnd
where
    S: Stream<Item = Result<ExecutionEvent, ApiError>> + Unpin,
{
    let parts = publisher.part_count();
    let mut runner = Runner {
        publisher,
        frame,
        started: Instant::now(),
        parts,
        open: None,
        pending: String::new(),
        last_flush: None,
        streamed_text: false,
        tools: HashMap::new(),
        nodes: HashMap::new(),
        media: HashMap::new(),
        answers_tools,
        pending_calls: Vec::new(),
        suspended: false,
    };
    runner.read(events, stop).await;
    if runner.suspended {
        RunEnd::Suspended(runner.pending_calls)
    } else {
        RunEnd::Ended
    }
}

struct Runner {
    publisher: Publisher,
    frame: Duration,
    started: Instant,
    /// How many parts the execution has.
    parts: u32,
    /// The text or reasoning part that deltas grow, until another event arrives.
    open: Option<(Growing, u32)>,
    /// Gathered deltas for the open part, not yet published.
    pending: String,
    last_flush: Option<Instant>,
    streamed_text: bool,
    tools: HashMap<String, u32>,
    nodes: HashMap<String, u32>,
    media: HashMap<String, u32>,
    /// Whether a suspension for client tools is handed back rather than final.
    answers_tools: bool,
    /// The client tool calls of this stream, in order.
    pending_calls: Vec<PendingCall>,
    /// Set when the stream ended in a suspension that is handed back.
    suspended: bool,
}

impl Runner {
    async fn read<S>(&mut self, mut events: S, stop: Arc<Notify>)
    where
        S: Stream<Item = Result<ExecutionEvent, ApiError>> + Unpin,
    {
        loop {
            let flush_at = (!self.pending.is_empty()).then(|| {
                self.last_flush
                    .map_or_else(Instant::now, |at| at + self.frame)
            });
            let next = tokio::select! {
                biased;
                () = stop.notified() => {
                    self.close_open();
                    self.publisher.publish(ExecutionChange::Stopped);
                    return;
                }
                () = tokio::time::sleep_until(flush_at.unwrap_or_else(Instant::now)), if flush_at.is_some() => {
                    self.flush();
                    continue;
                }
                next = events.next() => next,
            };
            let Some(item) = next else { break };
            self.publisher.inspect(self.now_ms(), &item);
            if self.handle(item) {
                return;
            }
        }
        // The stream reported nothing final: it ended early.
        self.close_open();
        let execution_id = self.publisher.execution_id();
        self.publisher.publish(ExecutionChange::Failed {
            error: ExecutionError::StreamEndedEarly { execution_id },
        });
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Handles one stream item; true when the execution has ended.
    fn handle(&mut self, item: Result<ExecutionEvent, ApiError>) -> bool {
        match item {
            Ok(ExecutionEvent::Text { delta }) => {
                self.streamed_text = true;
                self.grow(Growing::Text, delta);
            }
            Ok(ExecutionEvent::Reasoning { delta }) => self.grow(Growing::Reasoning, delta),
            Ok(ExecutionEvent::Heartbeat) => self.heartbeat(),
            Ok(ExecutionEvent::Start { execution_id }) => {
                self.close_open();
                self.publisher
                    .publish(ExecutionChange::Started { execution_id });
            }
            Ok(ExecutionEvent::ToolCall {
                tool_call_id,
                name,
                arguments,
            }) => {
                self.close_open();
                let index = self.add(Part::ServerTool {
                    call_id: tool_call_id.clone(),
                    name,
                    arguments: pretty(&arguments),
                    result: None,
                    state: ToolState::Running,
                    started_at_ms: self.now_ms(),
                    duration_ms: None,
                });
                self.tools.insert(tool_call_id, index);
            }
            Ok(ExecutionEvent::ToolResult {
                tool_call_id,
                name,
                result,
                is_error,
            }) => {
                self.close_open();
                self.tool_result(tool_call_id, name, &result, is_error);
            }
            Ok(ExecutionEvent::ToolCallAwaitingClient {
                tool_call_id,
                name,
                arguments,
                ..
            }) => {
                self.close_open();
                let index = self.add(Part::ClientToolCall {
                    call_id: tool_call_id.clone(),
                    name: name.clone(),
                    arguments: pretty_json(&arguments),
                    state: crate::ClientToolState::Received,
                    approved_by: None,
                    result: None,
                    duration_ms: None,
                });
                self.pending_calls.push(PendingCall {
                    index,
                    call_id: tool_call_id,
                    name,
                    arguments,
                });
            }
            Ok(ExecutionEvent::NodeStart(node)) => {
                self.close_open();
                let index = self.add(Part::WorkflowStep {
                    node_id: node.node_id.clone(),
                    node_type: node.node_type,
                    label: node.label,
                    started_at_ms: self.now_ms(),
                    duration_ms: None,
                });
                self.nodes.insert(node.node_id, index);
            }
            Ok(ExecutionEvent::NodeComplete(node)) => {
                self.close_open();
                self.node_complete(node);
            }
            Ok(ExecutionEvent::MediaGenSubmitted {
                job_id,
                kind,
                prompt,
            }) => {
                self.close_open();
                let index = self.add(Part::MediaJob {
                    job_id: job_id.clone(),
                    kind,
                    prompt,
                    state: MediaState::Generating,
                    submitted_at_ms: self.now_ms(),
                    last_heartbeat_at_ms: None,
                    completed_at_ms: None,
                    media: Vec::new(),
                });
                self.media.insert(job_id, index);
            }
            Ok(ExecutionEvent::MediaGenComplete { job_id, media }) => {
                self.close_open();
                self.media_complete(job_id, media);
            }
            Ok(ExecutionEvent::Unknown { event_type, raw }) => {
                self.close_open();
                self.add(Part::Unknown {
                    event_type,
                    data: redact_secrets(&raw).into_owned(),
                    problem: None,
                });
            }
            Ok(ExecutionEvent::Final(fin)) => {
                self.close_open();
                if self.answers_tools
                    && fin.status == athena_api::ExecutionStatus::AwaitingClientTool
                    && !self.pending_calls.is_empty()
                {
                    // Not the end: the app answers the calls and the stream resumes.
                    self.suspended = true;
                    return true;
                }
                self.finish(fin);
                return true;
            }
            Ok(ExecutionEvent::Error { code, message }) => {
                self.close_open();
                self.publisher.publish(ExecutionChange::Failed {
                    error: ExecutionError::ExecutionFailed {
                        server_code: code.map(redacted),
                        server_message: message.map(redacted),
                    },
                });
                return true;
            }
            Err(ApiError::Decode { path, message, raw }) => {
                // Kept and shown, never skipped: the user sees that something arrived.
                self.close_open();
                tracing::warn!(path, "an event could not be read; shown as unrecognised");
                self.add(Part::Unknown {
                    event_type: type_of(&raw),
                    data: redact_secrets(&raw).into_owned(),
                    problem: Some(format!("{path}: {message}")),
                });
            }
            Err(err) => {
                self.close_open();
                tracing::warn!(error = %err, "execution ended without an answer");
                self.publisher.publish(ExecutionChange::Failed {
                    error: ExecutionError::from(err),
                });
                return true;
            }
        }
        false
    }

    /// Appends a delta to the open part of `kind`, opening one (published at once)
    /// when another kind, or nothing, is open.
    fn grow(&mut self, kind: Growing, delta: String) {
        match self.open {
            Some((open, _)) if open == kind => {
                self.pending.push_str(&delta);
                if self.last_flush.is_none_or(|at| at.elapsed() >= self.frame) {
                    self.flush();
                }
            }
            _ => {
                self.close_open();
                let part = match kind {
                    Growing::Text => Part::Text { text: delta },
                    Growing::Reasoning => Part::Reasoning {
                        text: delta,
                        started_at_ms: self.now_ms(),
                        duration_ms: None,
                    },
                };
                let index = self.add(part);
                self.open = Some((kind, index));
                self.last_flush = Some(Instant::now());
            }
        }
    }

    /// Publishes the gathered deltas.
    fn flush(&mut self) {
        if let Some((_, index)) = self.open
            && !self.pending.is_empty()
        {
            self.publisher.publish(ExecutionChange::PartAppended {
                index,
                delta: std::mem::take(&mut self.pending),
            });
            self.last_flush = Some(Instant::now());
        }
    }

    /// Ends the open text or reasoning part: publishes what was gathered and, for
    /// reasoning, how long it lasted.
    fn close_open(&mut self) {
        self.flush();
        if let Some((Growing::Reasoning, index)) = self.open.take()
            && let Some(Part::Reasoning {
                text,
                started_at_ms,
                ..
            }) = self.publisher.part(index)
        {
            let duration = self.now_ms().saturating_sub(started_at_ms);
            self.publisher.publish(ExecutionChange::PartUpdated {
                index,
                part: Part::Reasoning {
                    text,
                    started_at_ms,
                    duration_ms: Some(duration),
                },
            });
        }
        self.open = None;
    }

    fn add(&mut self, part: Part) -> u32 {
        let index = self.parts;
        self.parts += 1;
        self.publisher.publish(ExecutionChange::PartAdded { part });
        index
    }

    fn update(&self, index: u32, part: Part) {
        self.publisher
            .publish(ExecutionChange::PartUpdated { index, part });
    }

    fn tool_result(
        &mut self,
        call_id: String,
        name: String,
        result: &serde_json::Value,
        is_error: bool,
    ) {
        let state = if is_error {
            ToolState::Failed
        } else {
            ToolState::Done
        };
        let now = self.now_ms();
        match self
            .tools
            .get(&call_id)
            .and_then(|i| Some((*i, self.publisher.part(*i)?)))
        {
            Some((
                index,
                Part::ServerTool {
                    call_id,
                    name,
                    arguments,
                    started_at_ms,
                    ..
                },
            )) => self.update(
                index,
                Part::ServerTool {
                    call_id,
                    name,
                    arguments,
                    result: Some(pretty(result)),
                    state,
                    started_at_ms,
                    duration_ms: Some(now.saturating_sub(started_at_ms)),
                },
            ),
            // A result without its call: shown on its own.
            _ => {
                self.add(Part::ServerTool {
                    call_id,
                    name,
                    arguments: String::new(),
                    result: Some(pretty(result)),
                    state,
                    started_at_ms: now,
                    duration_ms: Some(0),
                });
            }
        }
    }

    fn node_complete(&mut self, node: athena_api::NodeEvent) {
        let now = self.now_ms();
        match self
            .nodes
            .remove(&node.node_id)
            .and_then(|i| Some((i, self.publisher.part(i)?)))
        {
            Some((
                index,
                Part::WorkflowStep {
                    node_id,
                    node_type,
                    label,
                    started_at_ms,
                    ..
                },
            )) => self.update(
                index,
                Part::WorkflowStep {
                    node_id,
                    node_type: node.node_type.or(node_type),
                    label: node.label.or(label),
                    started_at_ms,
                    duration_ms: Some(now.saturating_sub(started_at_ms)),
                },
            ),
            _ => {
                self.add(Part::WorkflowStep {
                    node_id: node.node_id,
                    node_type: node.node_type,
                    label: node.label,
                    started_at_ms: now,
                    duration_ms: Some(0),
                });
            }
        }
    }

    fn media_complete(&mut self, job_id: String, media: Vec<athena_api::Media>) {
        let now = self.now_ms();
        let files: Vec<MediaFile> = media
            .into_iter()
            .map(|m| MediaFile {
                url: m.url,
                content_type: m.content_type,
                width: m.width,
                height: m.height,
            })
            .collect();
        match self
            .media
            .get(&job_id)
            .and_then(|i| Some((*i, self.publisher.part(*i)?)))
        {
            Some((
                index,
                Part::MediaJob {
                    job_id,
                    kind,
                    prompt,
                    submitted_at_ms,
                    last_heartbeat_at_ms,
                    ..
                },
            )) => self.update(
                index,
                Part::MediaJob {
                    job_id,
                    kind,
                    prompt,
                    state: MediaState::Ready,
                    submitted_at_ms,
                    last_heartbeat_at_ms,
                    completed_at_ms: Some(now),
                    media: files,
                },
            ),
            _ => {
                let kind = media_kind(&files);
                self.add(Part::MediaJob {
                    job_id,
                    kind,
                    prompt: None,
                    state: MediaState::Ready,
                    submitted_at_ms: now,
                    last_heartbeat_at_ms: None,
                    completed_at_ms: Some(now),
                    media: files,
                });
            }
        }
    }

    /// Notes the server's keep-alive on every job still generating.
    fn heartbeat(&mut self) {
        let now = self.now_ms();
        for &index in self.media.values() {
            if let Some(Part::MediaJob {
                state: MediaState::Generating,
                job_id,
                kind,
                prompt,
                submitted_at_ms,
                ..
            }) = self.publisher.part(index)
            {
                self.update(
                    index,
                    Part::MediaJob {
                        job_id,
                        kind,
                        prompt,
                        state: MediaState::Generating,
                        submitted_at_ms,
                        last_heartbeat_at_ms: Some(now),
                        completed_at_ms: None,
                        media: Vec::new(),
                    },
                );
            }
        }
    }

    fn finish(&mut self, fin: FinalEvent) {
        if let Some(problem) = &fin.undecoded {
            // It ended: say so with what could be read, and keep what could not be
            // read in view, like any event the app does not understand.
            tracing::warn!(path = %problem.path, "the final event could not be read whole");
            self.add(Part::Unknown {
                event_type: "final".to_owned(),
                data: redact_secrets(&problem.raw).into_owned(),
                problem: Some(format!("{}: {}", problem.path, problem.message)),
            });
        }
        let output = fin.output.unwrap_or_default();
        // The streamed parts are the answer; the final text only stands in when no
        // text streamed.
        if !self.streamed_text
            && let Some(text) = output.text.as_ref().filter(|t| !t.is_empty())
        {
            self.add(Part::Text { text: text.clone() });
        }
        match output.parsed_output.filter(|v| !v.is_null()) {
            Some(parsed) => {
                self.add(Part::StructuredOutput {
                    json: pretty(&parsed),
                    source: StructuredSource::ParsedOutput,
                });
            }
            None => {
                // The contract's fallback: no parsed_output, so parse the text as JSON.
                let text = self.publisher.answer_text();
                if let Ok(value) = serde_json::from_str::<serde_json::Value>(text.trim())
                    && (value.is_object() || value.is_array())
                {
                    self.add(Part::StructuredOutput {
                        json: pretty(&value),
                        source: StructuredSource::AnswerText,
                    });
                }
            }
        }
        let status = ExecutionStatus::from(&fin.status);
        let waiting = match status {
            ExecutionStatus::AwaitingApproval => Some(WaitingReason::AwaitingApproval),
            ExecutionStatus::WaitingForExternalEvent => {
                Some(WaitingReason::WaitingForExternalEvent)
            }
            ExecutionStatus::AwaitingClientTool => Some(WaitingReason::AwaitingClientTool),
            _ => None,
        };
        if let Some(reason) = waiting {
            self.add(Part::Waiting { reason });
        }
        let usage = output.usage.map(|u| UsageSummary {
            input_tokens: u.input_tokens,
            output_tokens: u.output_tokens,
            total_tokens: u.total_tokens,
            cost_microdollars: output.cost_microdollars.unwrap_or(0),
            latency_ms: fin.latency_ms.unwrap_or(0),
        });
        self.publisher.publish(ExecutionChange::Finished {
            status,
            usage,
            message_id: fin.message_id,
        });
    }
}

/// JSON as pretty text, strings included (a client tool's arguments are shown as
/// the JSON the model wrote).
pub(crate) fn pretty_json(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// JSON as pretty text; a string value is shown as itself.
fn pretty(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => serde_json::to_string_pretty(other).unwrap_or_default(),
    }
}

/// The `type` of a payload that failed to decode, when it names one.
fn type_of(raw: &str) -> String {
    serde_json::from_str::<serde_json::Value>(raw)
        .ok()
        .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_owned))
        .unwrap_or_else(|| "?".to_owned())
}

fn media_kind(files: &[MediaFile]) -> String {
    let video = files.iter().any(|f| {
        f.content_type
            .as_deref()
            .is_some_and(|t| t.starts_with("video/"))
    });
    if video { "video" } else { "image" }.to_owned()
}
