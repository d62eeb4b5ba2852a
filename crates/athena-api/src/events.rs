//! The events of an execution stream, decoded from SSE `data:` payloads.
//!
//! [doc] names the event types; [assumed] their payload is a JSON object whose `type`
//! field is the event name (an SSE `event:` line is accepted instead), with the fields
//! of the contract's table. An event type this client does not know is kept as
//! [`ExecutionEvent::Unknown`], never dropped.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::Value;

use crate::ApiError;
use crate::error::truncate;

/// One event of an execution stream.
#[derive(Debug, Clone, PartialEq)]
pub enum ExecutionEvent {
    /// The server created the execution.
    Start {
        /// The server's execution id (`execution:…`).
        execution_id: String,
    },
    /// A piece of the answer, to append.
    Text {
        /// The text to append.
        delta: String,
    },
    /// A piece of the model's reasoning, shown apart from the answer.
    Reasoning {
        /// The text to append.
        delta: String,
    },
    /// A server-side tool started.
    ToolCall {
        /// Correlates with the matching [`ExecutionEvent::ToolResult`].
        tool_call_id: String,
        /// The tool's name.
        name: String,
        /// Its arguments, as sent by the model.
        arguments: Value,
    },
    /// A server-side tool finished.
    ToolResult {
        /// The call this result belongs to.
        tool_call_id: String,
        /// The tool's name.
        name: String,
        /// What the tool returned.
        result: Value,
        /// Whether the tool failed.
        is_error: bool,
    },
    /// The execution is suspended until this client posts the tool's result.
    ToolCallAwaitingClient {
        /// The execution to post the result to.
        execution_id: String,
        /// The call to answer.
        tool_call_id: String,
        /// The client tool's name.
        name: String,
        /// Its arguments, unvalidated model output.
        arguments: Value,
    },
    /// A workflow node started.
    NodeStart(NodeEvent),
    /// A workflow node finished.
    NodeComplete(NodeEvent),
    /// Media generation was submitted.
    MediaGenSubmitted {
        /// The generation job.
        job_id: String,
        /// `image` or `video` (kept as text: other kinds may come).
        kind: String,
        /// The prompt, if given.
        prompt: Option<String>,
    },
    /// Media generation finished.
    MediaGenComplete {
        /// The generation job.
        job_id: String,
        /// The generated files.
        media: Vec<Media>,
    },
    /// Keep-alive while media generates; never shown.
    Heartbeat,
    /// The execution finished, or suspended (`awaiting_client_tool`). The stream ends.
    Final(FinalEvent),
    /// The execution failed; credits are refunded. The stream ends.
    Error {
        /// A machine-readable code, if any.
        code: Option<String>,
        /// A human sentence, if any.
        message: Option<String>,
    },
    /// An event type this client does not know, kept as received.
    Unknown {
        /// Its type name.
        event_type: String,
        /// The raw `data:` payload.
        raw: String,
    },
}

impl ExecutionEvent {
    /// Whether this event ends a stream (`final` or `error`).
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Final(_) | Self::Error { .. })
    }
}

/// Payload of `node_start` / `node_complete`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct NodeEvent {
    /// The workflow node.
    pub node_id: String,
    /// Its kind (`ai`, `tool`, …), if given.
    #[serde(default)]
    pub node_type: Option<String>,
    /// A label to show, if given.
    #[serde(default)]
    pub label: Option<String>,
}

/// One generated file of `media_gen_complete`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Media {
    /// Where to download it.
    pub url: String,
    /// Its MIME type, if given.
    #[serde(default)]
    pub content_type: Option<String>,
    /// Width in pixels, if given.
    #[serde(default)]
    pub width: Option<u32>,
    /// Height in pixels, if given.
    #[serde(default)]
    pub height: Option<u32>,
}

/// Payload of `final`, and the shape of a sync execute's `data`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FinalEvent {
    /// How the execution ended.
    pub status: ExecutionStatus,
    /// The answer, usage and cost; absent when suspended.
    #[serde(default)]
    pub output: Option<ExecutionOutput>,
    /// Server-measured latency.
    #[serde(default)]
    pub latency_ms: Option<u64>,
    /// The assistant message, for feedback; only in conversations.
    #[serde(default)]
    pub message_id: Option<String>,
}

/// An execution's output.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ExecutionOutput {
    /// The full answer text.
    #[serde(default)]
    pub text: Option<String>,
    /// Token counts.
    #[serde(default)]
    pub usage: Option<Usage>,
    /// What the execution cost, in millionths of a dollar.
    #[serde(default)]
    pub cost_microdollars: Option<u64>,
    /// The structured result, for agents with an output schema.
    #[serde(default)]
    pub parsed_output: Option<Value>,
}

/// Token counts of an execution.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub struct Usage {
    /// Tokens read.
    #[serde(default)]
    pub input_tokens: u64,
    /// Tokens written.
    #[serde(default)]
    pub output_tokens: u64,
    /// Their sum, as the server counts it.
    #[serde(default)]
    pub total_tokens: u64,
}

/// The documented execution statuses, and any other kept as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecutionStatus {
    /// Finished with an answer.
    Completed,
    /// Waiting for a person to approve (HumanGate).
    AwaitingApproval,
    /// Waiting for an outside event.
    WaitingForExternalEvent,
    /// Suspended until this client posts tool results.
    AwaitingClientTool,
    /// Failed.
    Failed,
    /// A status this client does not know.
    Other(String),
}

impl<'de> Deserialize<'de> for ExecutionStatus {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Ok(match text.as_str() {
            "completed" => Self::Completed,
            "awaiting_approval" => Self::AwaitingApproval,
            "waiting_for_external_event" => Self::WaitingForExternalEvent,
            "awaiting_client_tool" => Self::AwaitingClientTool,
            "failed" => Self::Failed,
            _ => Self::Other(text),
        })
    }
}

/// Decodes one SSE event into an [`ExecutionEvent`].
///
/// `sse_event_type` is the SSE `event:` field (`message` when absent); the JSON
/// `type` field wins when both are present. An unknown type becomes
/// [`ExecutionEvent::Unknown`]; a known type with a malformed payload is
/// [`ApiError::Decode`].
pub fn decode_event(sse_event_type: &str, data: &str) -> Result<ExecutionEvent, ApiError> {
    let name = event_type(sse_event_type, data)?;
    decode_typed(&name, data)
}

/// The event's type: the JSON `type` field, else a non-default SSE `event:` line.
pub(crate) fn event_type<'a>(
    sse_event_type: &'a str,
    data: &'a str,
) -> Result<Cow<'a, str>, ApiError> {
    #[derive(Deserialize)]
    struct Tag<'a> {
        #[serde(rename = "type", borrow, default)]
        event_type: Option<Cow<'a, str>>,
    }
    // Fast path: the type is almost always the first field, without escapes. The
    // typed parse that follows validates the whole payload.
    if let Some(rest) = data.strip_prefix("{\"type\":\"")
        && let Some(end) = rest.find('"')
        && !rest[..end].contains('\\')
    {
        return Ok(Cow::Borrowed(&rest[..end]));
    }
    let tag: Tag<'_> = parse(data)?;
    match tag.event_type {
        Some(t) => Ok(t),
        None if sse_event_type != "message" && !sse_event_type.is_empty() => {
            Ok(Cow::Borrowed(sse_event_type))
        }
        None => Err(ApiError::Decode {
            path: ".type".into(),
            message: "the event has no type".into(),
            raw: truncate(data, 4096),
        }),
    }
}

/// Parses a whole recorded SSE stream, fed in chunks of `chunk_size` bytes (any size
/// gives the same result), into execution events: the same parser and decoder the
/// live stream uses, without the network. The fuzz target, the corpus replay test and
/// the benchmark call this.
///
/// A partial last event is dropped. Parsing stops at the first event larger than
/// `max_event_bytes`, which ends the list as [`ApiError::EventTooLarge`].
pub fn decode_sse_bytes(
    bytes: &[u8],
    chunk_size: usize,
    max_event_bytes: usize,
) -> Vec<Result<ExecutionEvent, ApiError>> {
    let mut parser = crate::sse::SseParser::new(max_event_bytes);
    let mut events = Vec::new();
    for chunk in bytes.chunks(chunk_size.max(1)) {
        if let Err(err) = parser.feed(chunk, |t, d| events.push(decode_event(t, d))) {
            events.push(Err(ApiError::EventTooLarge { limit: err.limit }));
            break;
        }
    }
    events
}

fn decode_typed(event_type: &str, data: &str) -> Result<ExecutionEvent, ApiError> {
    #[derive(Deserialize)]
    struct Delta {
        delta: String,
    }
    #[derive(Deserialize)]
    struct Start {
        execution_id: String,
    }
    #[derive(Deserialize)]
    struct ToolCall {
        tool_call_id: String,
        name: String,
        #[serde(default)]
        arguments: Value,
    }
    #[derive(Deserialize)]
    struct ToolResult {
        tool_call_id: String,
        name: String,
        #[serde(default)]
        result: Value,
        #[serde(default)]
        is_error: bool,
    }
    #[derive(Deserialize)]
    struct AwaitingClient {
        execution_id: String,
        tool_call_id: String,
        name: String,
        #[serde(default)]
        arguments: Value,
    }
    #[derive(Deserialize)]
    struct MediaSubmitted {
        job_id: String,
        kind: String,
        #[serde(default)]
        prompt: Option<String>,
    }
    #[derive(Deserialize)]
    struct MediaComplete {
        job_id: String,
        #[serde(default)]
        media: Vec<Media>,
    }
    #[derive(Deserialize)]
    struct ErrorPayload {
        #[serde(default)]
        error: Option<ErrorDetail>,
        #[serde(default)]
        code: Option<String>,
        #[serde(default)]
        message: Option<String>,
    }
    #[derive(Deserialize)]
    struct ErrorDetail {
        #[serde(default)]
        code: Option<String>,
        #[serde(default)]
        message: Option<String>,
    }

    Ok(match event_type {
        "start" => {
            let Start { execution_id } = parse(data)?;
            ExecutionEvent::Start { execution_id }
        }
        "text" => ExecutionEvent::Text {
            delta: parse::<Delta>(data)?.delta,
        },
        "reasoning" => ExecutionEvent::Reasoning {
            delta: parse::<Delta>(data)?.delta,
        },
        "tool_call" => {
            let p: ToolCall = parse(data)?;
            ExecutionEvent::ToolCall {
                tool_call_id: p.tool_call_id,
                name: p.name,
                arguments: p.arguments,
            }
        }
        "tool_result" => {
            let p: ToolResult = parse(data)?;
            ExecutionEvent::ToolResult {
                tool_call_id: p.tool_call_id,
                name: p.name,
                result: p.result,
                is_error: p.is_error,
            }
        }
        "tool_call_awaiting_client" => {
            let p: AwaitingClient = parse(data)?;
            ExecutionEvent::ToolCallAwaitingClient {
                execution_id: p.execution_id,
                tool_call_id: p.tool_call_id,
                name: p.name,
                arguments: p.arguments,
            }
        }
        "node_start" => ExecutionEvent::NodeStart(parse(data)?),
        "node_complete" => ExecutionEvent::NodeComplete(parse(data)?),
        "media_gen_submitted" => {
            let p: MediaSubmitted = parse(data)?;
            ExecutionEvent::MediaGenSubmitted {
                job_id: p.job_id,
                kind: p.kind,
                prompt: p.prompt,
            }
        }
        "media_gen_complete" => {
            let p: MediaComplete = parse(data)?;
            ExecutionEvent::MediaGenComplete {
                job_id: p.job_id,
                media: p.media,
            }
        }
        "heartbeat" => {
            parse::<serde::de::IgnoredAny>(data)?;
            ExecutionEvent::Heartbeat
        }
        "final" => ExecutionEvent::Final(parse(data)?),
        "error" => {
            let p: ErrorPayload = parse(data)?;
            let (code, message) = match p.error {
                Some(detail) => (detail.code, detail.message),
                None => (p.code, p.message),
            };
            ExecutionEvent::Error { code, message }
        }
        other => {
            // Kept raw, but only if it is JSON at all (the type may have come from the
            // fast path, which read no further).
            parse::<serde::de::IgnoredAny>(data)?;
            ExecutionEvent::Unknown {
                event_type: other.to_owned(),
                raw: data.to_owned(),
            }
        }
    })
}

/// Parses JSON, reporting the path of the field that failed.
///
/// The common case (valid JSON) takes one plain parse; only a failure is parsed
/// again with path tracking, which costs about as much as the parse itself.
pub(crate) fn parse<'a, T: Deserialize<'a>>(data: &'a str) -> Result<T, ApiError> {
    if let Ok(value) = serde_json::from_str(data) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_str(data);
    serde_path_to_error::deserialize(&mut de).map_err(|err| ApiError::Decode {
        path: err.path().to_string(),
        message: err.inner().to_string(),
        raw: truncate(data, 4096),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_start_text_and_final() {
        assert_eq!(
            decode_event(
                "message",
                r#"{"type":"start","execution_id":"execution:1"}"#
            )
            .expect("start"),
            ExecutionEvent::Start {
                execution_id: "execution:1".into()
            }
        );
        assert_eq!(
            decode_event("message", r#"{"type":"text","delta":"Hi"}"#).expect("text"),
            ExecutionEvent::Text { delta: "Hi".into() }
        );
        let ExecutionEvent::Final(fin) = decode_event(
            "message",
            r#"{"type":"final","status":"completed","output":{"text":"Hi","usage":{"input_tokens":1,"output_tokens":2,"total_tokens":3},"cost_microdollars":4200},"latency_ms":12,"message_id":"message:9","extra":true}"#,
        )
        .expect("final") else {
            panic!("not final")
        };
        assert_eq!(fin.status, ExecutionStatus::Completed);
        let output = fin.output.expect("output");
        assert_eq!(output.cost_microdollars, Some(4200));
        assert_eq!(output.usage.map(|u| u.total_tokens), Some(3));
        assert_eq!(fin.latency_ms, Some(12));
    }

    #[test]
    fn type_may_come_from_the_sse_event_line() {
        assert_eq!(
            decode_event("text", r#"{"delta":"x"}"#).expect("text"),
            ExecutionEvent::Text { delta: "x".into() }
        );
        assert!(matches!(
            decode_event("message", r#"{"delta":"x"}"#),
            Err(ApiError::Decode { .. })
        ));
    }

    #[test]
    fn unknown_types_are_kept_raw() {
        let raw = r#"{"type":"sparkles","n":1}"#;
        assert_eq!(
            decode_event("message", raw).expect("unknown"),
            ExecutionEvent::Unknown {
                event_type: "sparkles".into(),
                raw: raw.into()
            }
        );
    }

    #[test]
    fn malformed_known_events_name_the_failing_field() {
        let err = decode_event(
            "message",
            r#"{"type":"final","status":"completed","output":{"usage":{"input_tokens":"many"}}}"#,
        )
        .expect_err("malformed");
        let ApiError::Decode { path, raw, .. } = err else {
            panic!("not a decode error: {err:?}")
        };
        assert_eq!(path, "output.usage.input_tokens");
        assert!(raw.contains("many"));
    }

    #[test]
    fn error_event_accepts_nested_and_flat_shapes() {
        let nested = decode_event(
            "message",
            r#"{"type":"error","error":{"code":"boom","message":"it broke"}}"#,
        );
        let flat = decode_event("message", r#"{"type":"error","message":"it broke"}"#);
        assert_eq!(
            nested.expect("nested"),
            ExecutionEvent::Error {
                code: Some("boom".into()),
                message: Some("it broke".into())
            }
        );
        assert_eq!(
            flat.expect("flat"),
            ExecutionEvent::Error {
                code: None,
                message: Some("it broke".into())
            }
        );
    }

    #[test]
    fn unknown_status_is_kept() {
        let ExecutionEvent::Final(fin) =
            decode_event("message", r#"{"type":"final","status":"paused_for_tea"}"#)
                .expect("final")
        else {
            panic!("not final")
        };
        assert_eq!(fin.status, ExecutionStatus::Other("paused_for_tea".into()));
        assert_eq!(fin.output, None);
    }
}
