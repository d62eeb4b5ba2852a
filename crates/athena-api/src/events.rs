//! The events of an execution stream, decoded from SSE `data:` payloads.
//!
//! [doc] names the event types; [assumed] their payload is a JSON object whose `type`
//! field is the event name (an SSE `event:` line is accepted instead), with the fields
//! of the contract's table. An event type this client does not know is kept as
//! [`ExecutionEvent::Unknown`], never dropped.
//!
//! Every payload field is read tolerantly (see `lenient.rs`): counts as integers,
//! floats or numeric strings, ids as strings or numbers, errors in any shape. What
//! still cannot be read is never dropped and never ends a stream by itself:
//! - a known event whose fields do not match, or data that is not JSON at all, is an
//!   [`ApiError::Decode`] item carrying the whole payload, and the stream goes on;
//! - a `final` that cannot be read still ends the stream as finished, with what could
//!   be read, status [`ExecutionStatus::Other`]`("unknown")` when even that could not,
//!   and the problem in [`FinalEvent::undecoded`];
//! - an `error` whose payload is not JSON still ends the stream, its text as message.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::Value;

use crate::error::truncate;
use crate::lenient;
use crate::{ApiError, ServerErrorBody};

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
    #[serde(deserialize_with = "lenient::text")]
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
    #[serde(default, deserialize_with = "lenient::opt_pixels")]
    pub width: Option<u32>,
    /// Height in pixels, if given.
    #[serde(default, deserialize_with = "lenient::opt_pixels")]
    pub height: Option<u32>,
}

/// Payload of `final`, and the shape of a sync execute's `data`.
///
/// A `final` always ends its stream, even one that could not be read: then `status`
/// is what could be read (else [`ExecutionStatus::Other`]`("unknown")`), the other
/// fields are whatever could be read on their own, and [`Self::undecoded`] says why.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FinalEvent {
    /// How the execution ended.
    pub status: ExecutionStatus,
    /// The answer, usage and cost; absent when suspended.
    #[serde(default)]
    pub output: Option<ExecutionOutput>,
    /// Server-measured latency.
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pub latency_ms: Option<u64>,
    /// The assistant message, for feedback; only in conversations.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub message_id: Option<String>,
    /// [assumed] Why the execution failed, when the server says (an `error` field in
    /// any shape: text, `{code, message}`, a numeric code).
    #[serde(default, deserialize_with = "lenient::opt_error")]
    pub error: Option<ServerErrorBody>,
    /// Set when the payload could not be read in full: the problem and the whole raw
    /// payload, so that it can be shown instead of lost. `None` for a normal `final`.
    #[serde(skip)]
    pub undecoded: Option<DecodeProblem>,
}

/// A payload that could not be read in full, kept whole with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeProblem {
    /// Where in the payload reading failed (`output.usage`, `line 1 column 7`).
    pub path: String,
    /// What was wrong.
    pub message: String,
    /// The whole payload as received.
    pub raw: String,
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
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pub cost_microdollars: Option<u64>,
    /// The structured result, for agents with an output schema.
    #[serde(default)]
    pub parsed_output: Option<Value>,
}

/// Token counts of an execution.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub struct Usage {
    /// Tokens read.
    #[serde(default, deserialize_with = "lenient::count_or_zero")]
    pub input_tokens: u64,
    /// Tokens written.
    #[serde(default, deserialize_with = "lenient::count_or_zero")]
    pub output_tokens: u64,
    /// Their sum, as the server counts it.
    #[serde(default, deserialize_with = "lenient::count_or_zero")]
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
/// [`ExecutionEvent::Unknown`]. A `final` or `error` always decodes (see the module
/// doc), so that the stream ends where the server ended it.
///
/// # Errors
/// [`ApiError::Decode`] carrying the whole payload as `raw`, for any other known type
/// whose payload does not match, for data that is not JSON, and for JSON without a
/// type. The stream goes on after it.
pub fn decode_event(sse_event_type: &str, data: &str) -> Result<ExecutionEvent, ApiError> {
    let name = match event_type(sse_event_type, data) {
        Ok(name) => name,
        // Not JSON (or no type): the SSE `event:` line may still name a terminal event.
        Err(err) => return undecodable(sse_event_type, data, err),
    };
    match decode_typed(&name, data) {
        Ok(event) => Ok(event),
        Err(err) => undecodable(&name, data, err),
    }
}

/// What an event that could not be decoded becomes: `final` and `error` still end the
/// stream; anything else is a [`ApiError::Decode`] item with the whole payload.
fn undecodable(name: &str, data: &str, err: ApiError) -> Result<ExecutionEvent, ApiError> {
    let ApiError::Decode { path, message, .. } = err else {
        return Err(err);
    };
    let problem = DecodeProblem {
        path,
        message,
        raw: data.to_owned(),
    };
    match name {
        "final" => Ok(ExecutionEvent::Final(salvage_final(problem))),
        // Only a payload that is not JSON gets here (any JSON reads as an error).
        "error" => Ok(ExecutionEvent::Error {
            code: None,
            message: Some(truncate(data.trim(), 4096)).filter(|m| !m.is_empty()),
        }),
        _ => Err(ApiError::Decode {
            path: problem.path,
            message: problem.message,
            raw: problem.raw,
        }),
    }
}

/// Reads what can be read of a `final` that failed to decode, field by field.
fn salvage_final(problem: DecodeProblem) -> FinalEvent {
    let payload = serde_json::from_str::<Value>(&problem.raw).ok();
    let field = |name: &str| payload.as_ref().and_then(|p| p.get(name));
    FinalEvent {
        status: field("status")
            .and_then(|v| ExecutionStatus::deserialize(v).ok())
            .unwrap_or_else(|| ExecutionStatus::Other("unknown".into())),
        output: field("output").and_then(|v| ExecutionOutput::deserialize(v).ok()),
        latency_ms: field("latency_ms").and_then(|v| lenient::opt_count(v).ok().flatten()),
        message_id: field("message_id").and_then(|v| lenient::opt_text(v).ok().flatten()),
        error: field("error")
            .filter(|v| !v.is_null())
            .map(lenient::error_value),
        undecoded: Some(problem),
    }
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
        #[serde(deserialize_with = "lenient::text")]
        delta: String,
    }
    #[derive(Deserialize)]
    struct Start {
        #[serde(deserialize_with = "lenient::text")]
        execution_id: String,
    }
    #[derive(Deserialize)]
    struct ToolCall {
        #[serde(deserialize_with = "lenient::text")]
        tool_call_id: String,
        name: String,
        #[serde(default)]
        arguments: Value,
    }
    #[derive(Deserialize)]
    struct ToolResult {
        #[serde(deserialize_with = "lenient::text")]
        tool_call_id: String,
        name: String,
        #[serde(default)]
        result: Value,
        #[serde(default, deserialize_with = "lenient::flag")]
        is_error: bool,
    }
    #[derive(Deserialize)]
    struct AwaitingClient {
        #[serde(deserialize_with = "lenient::text")]
        execution_id: String,
        #[serde(deserialize_with = "lenient::text")]
        tool_call_id: String,
        name: String,
        #[serde(default)]
        arguments: Value,
    }
    #[derive(Deserialize)]
    struct MediaSubmitted {
        #[serde(deserialize_with = "lenient::text")]
        job_id: String,
        kind: String,
        #[serde(default)]
        prompt: Option<String>,
    }
    #[derive(Deserialize)]
    struct MediaComplete {
        #[serde(deserialize_with = "lenient::text")]
        job_id: String,
        #[serde(default)]
        media: Vec<Media>,
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
            let ServerErrorBody { code, message } = lenient::error_payload(&parse::<Value>(data)?);
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
        let data =
            r#"{"type":"media_gen_complete","job_id":"j1","media":[{"url":"u","width":"wide"}]}"#;
        let err = decode_event("message", data).expect_err("malformed");
        let ApiError::Decode { path, raw, .. } = err else {
            panic!("not a decode error: {err:?}")
        };
        assert_eq!(path, "media[0].width");
        assert_eq!(raw, data, "the whole payload is kept");
    }

    #[test]
    fn assumed_fields_are_read_tolerantly() {
        let ExecutionEvent::Final(fin) = decode_event(
            "message",
            r#"{"type":"final","status":"completed","output":{"usage":{"input_tokens":12.0,"output_tokens":"3","total_tokens":15},"cost_microdollars":"4200"},"latency_ms":12.0,"message_id":77}"#,
        )
        .expect("final") else {
            panic!("not final")
        };
        assert_eq!(fin.undecoded, None);
        assert_eq!(fin.latency_ms, Some(12));
        assert_eq!(fin.message_id.as_deref(), Some("77"));
        let output = fin.output.expect("output");
        assert_eq!(
            output.usage,
            Some(Usage {
                input_tokens: 12,
                output_tokens: 3,
                total_tokens: 15
            })
        );
        assert_eq!(output.cost_microdollars, Some(4200));

        assert_eq!(
            decode_event("message", r#"{"type":"start","execution_id":123}"#).expect("start"),
            ExecutionEvent::Start {
                execution_id: "123".into()
            }
        );
        assert_eq!(
            decode_event(
                "message",
                r#"{"type":"tool_result","tool_call_id":7,"name":"t","result":null,"is_error":"true"}"#
            )
            .expect("tool_result"),
            ExecutionEvent::ToolResult {
                tool_call_id: "7".into(),
                name: "t".into(),
                result: Value::Null,
                is_error: true
            }
        );
        let ExecutionEvent::MediaGenComplete { job_id, media } = decode_event(
            "message",
            r#"{"type":"media_gen_complete","job_id":5,"media":[{"url":"u","width":"512","height":512.0}]}"#,
        )
        .expect("media") else {
            panic!("not media")
        };
        assert_eq!(job_id, "5");
        assert_eq!((media[0].width, media[0].height), (Some(512), Some(512)));
        let ExecutionEvent::NodeStart(node) =
            decode_event("message", r#"{"type":"node_start","node_id":3}"#).expect("node")
        else {
            panic!("not a node")
        };
        assert_eq!(node.node_id, "3");
    }

    #[test]
    fn an_unreadable_final_still_ends_the_stream_with_what_could_be_read() {
        let data = r#"{"type":"final","status":"completed","output":{"usage":{"input_tokens":"many"}},"message_id":"message:1"}"#;
        let event = decode_event("message", data).expect("a final, not an error");
        assert!(event.is_terminal());
        let ExecutionEvent::Final(fin) = event else {
            panic!("not final")
        };
        assert_eq!(fin.status, ExecutionStatus::Completed);
        assert_eq!(fin.output, None);
        assert_eq!(fin.message_id.as_deref(), Some("message:1"));
        let problem = fin.undecoded.expect("the problem is kept");
        assert_eq!(problem.path, "output.usage.input_tokens");
        assert_eq!(problem.raw, data);

        // Not JSON at all, named by the SSE `event:` line: finished, details unknown.
        let ExecutionEvent::Final(fin) =
            decode_event("final", "all done!").expect("a final, not an error")
        else {
            panic!("not final")
        };
        assert_eq!(fin.status, ExecutionStatus::Other("unknown".into()));
        assert_eq!(fin.undecoded.map(|p| p.raw).as_deref(), Some("all done!"));

        // A status that is not text.
        let ExecutionEvent::Final(fin) =
            decode_event("message", r#"{"type":"final","status":3}"#).expect("final")
        else {
            panic!("not final")
        };
        assert_eq!(fin.status, ExecutionStatus::Other("unknown".into()));
        assert_eq!(fin.undecoded.map(|p| p.path).as_deref(), Some("status"));
    }

    #[test]
    fn data_that_is_not_json_is_kept_whole() {
        let data = format!("not json {}", "x".repeat(10_000));
        let err = decode_event("message", &data).expect_err("not json");
        let ApiError::Decode { raw, .. } = err else {
            panic!("not a decode error: {err:?}")
        };
        assert_eq!(raw, data);
        // A known type whose JSON breaks off is kept whole too.
        let broken = r#"{"type":"text","delta":"broken"#;
        assert!(matches!(
            decode_event("message", broken),
            Err(ApiError::Decode { raw, .. }) if raw == broken
        ));
    }

    #[test]
    fn error_event_in_every_shape_ends_the_stream() {
        let error = |code: Option<&str>, message: Option<&str>| ExecutionEvent::Error {
            code: code.map(str::to_owned),
            message: message.map(str::to_owned),
        };
        let cases = [
            (
                r#"{"type":"error","error":"it broke"}"#,
                error(None, Some("it broke")),
            ),
            (
                r#"{"type":"error","code":"boom","message":"it broke"}"#,
                error(Some("boom"), Some("it broke")),
            ),
            (
                r#"{"type":"error","error":{"code":"boom","message":"it broke"}}"#,
                error(Some("boom"), Some("it broke")),
            ),
            (
                r#"{"type":"error","error":{"code":500}}"#,
                error(Some("500"), None),
            ),
            (
                r#"{"type":"error","error":{"code":503,"message":"busy"}}"#,
                error(Some("503"), Some("busy")),
            ),
        ];
        for (data, want) in cases {
            assert_eq!(decode_event("message", data).expect(data), want, "{data}");
        }
        // Not JSON, named by the `event:` line: still the end, its text the message.
        assert_eq!(
            decode_event("error", "upstream timed out").expect("error"),
            error(None, Some("upstream timed out"))
        );
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
