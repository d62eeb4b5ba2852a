//! The "Inspect" view's record of an execution's raw events: each event in order,
//! with its decoded JSON, for people debugging their agents. Kept in memory only,
//! bounded in count and bytes (the oldest go first, and the cut is counted), redacted
//! like the logs, and never persisted.

use std::collections::VecDeque;

use athena_api::{ApiError, ExecutionEvent};
use serde_json::{Value, json};

use crate::redact::redact_secrets;

/// At most this many events are kept per execution.
pub const MAX_INSPECTED_EVENTS: usize = 2_000;
/// At most this many bytes of event JSON are kept per execution.
pub const MAX_INSPECTED_BYTES: usize = 1024 * 1024;

/// One event as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectedEvent {
    /// Its position in the stream, from 1 (counting the ones cut).
    pub number: u64,
    /// When it arrived, in ms since the execution was sent.
    pub at_ms: u64,
    /// Its type (`decode error` when it could not be read).
    pub event_type: String,
    /// Its JSON, pretty-printed and redacted; for an unreadable event, the problem and
    /// the raw text.
    pub json: String,
}

/// The events kept for one execution, and how many were cut.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InspectLog {
    /// The kept events, oldest first.
    pub events: VecDeque<InspectedEvent>,
    /// How many older events were cut to stay within the bounds.
    pub cut: u64,
    bytes: usize,
    received: u64,
}

impl InspectLog {
    /// Records one stream item.
    pub fn record(&mut self, at_ms: u64, item: &Result<ExecutionEvent, ApiError>) {
        let (event_type, value) = match item {
            Ok(event) => describe(event),
            Err(ApiError::Decode { path, message, raw }) => (
                "decode error".to_owned(),
                json!({ "problem": format!("{path}: {message}"), "raw": raw }),
            ),
            Err(other) => (
                "stream error".to_owned(),
                json!({ "problem": other.to_string() }),
            ),
        };
        let text = serde_json::to_string_pretty(&value).unwrap_or_default();
        let json = redact_secrets(&text).into_owned();
        self.received += 1;
        self.bytes += json.len();
        self.events.push_back(InspectedEvent {
            number: self.received,
            at_ms,
            event_type,
            json,
        });
        while self.events.len() > MAX_INSPECTED_EVENTS
            || (self.bytes > MAX_INSPECTED_BYTES && self.events.len() > 1)
        {
            if let Some(old) = self.events.pop_front() {
                self.bytes -= old.json.len();
                self.cut += 1;
            }
        }
    }
}

/// The event's type and its fields as JSON, as the contract names them.
fn describe(event: &ExecutionEvent) -> (String, Value) {
    let (t, fields) = match event {
        ExecutionEvent::Start { execution_id } => {
            ("start", json!({ "execution_id": execution_id }))
        }
        ExecutionEvent::Text { delta } => ("text", json!({ "delta": delta })),
        ExecutionEvent::Reasoning { delta } => ("reasoning", json!({ "delta": delta })),
        ExecutionEvent::ToolCall {
            tool_call_id,
            name,
            arguments,
        } => (
            "tool_call",
            json!({ "tool_call_id": tool_call_id, "name": name, "arguments": arguments }),
        ),
        ExecutionEvent::ToolResult {
            tool_call_id,
            name,
            result,
            is_error,
        } => (
            "tool_result",
            json!({ "tool_call_id": tool_call_id, "name": name, "result": result, "is_error": is_error }),
        ),
        ExecutionEvent::ToolCallAwaitingClient {
            execution_id,
            tool_call_id,
            name,
            arguments,
        } => (
            "tool_call_awaiting_client",
            json!({ "execution_id": execution_id, "tool_call_id": tool_call_id, "name": name, "arguments": arguments }),
        ),
        ExecutionEvent::NodeStart(n) | ExecutionEvent::NodeComplete(n) => (
            if matches!(event, ExecutionEvent::NodeStart(_)) {
                "node_start"
            } else {
                "node_complete"
            },
            json!({ "node_id": n.node_id, "node_type": n.node_type, "label": n.label }),
        ),
        ExecutionEvent::MediaGenSubmitted {
            job_id,
            kind,
            prompt,
        } => (
            "media_gen_submitted",
            json!({ "job_id": job_id, "kind": kind, "prompt": prompt }),
        ),
        ExecutionEvent::MediaGenComplete { job_id, media } => (
            "media_gen_complete",
            json!({
                "job_id": job_id,
                "media": media.iter().map(|m| json!({
                    "url": m.url, "content_type": m.content_type, "width": m.width, "height": m.height,
                })).collect::<Vec<_>>(),
            }),
        ),
        ExecutionEvent::Heartbeat => ("heartbeat", json!({})),
        ExecutionEvent::Final(fin) => {
            let output = fin.output.as_ref().map(|o| {
                json!({
                    "text": o.text,
                    "usage": o.usage.map(|u| json!({
                        "input_tokens": u.input_tokens, "output_tokens": u.output_tokens, "total_tokens": u.total_tokens,
                    })),
                    "cost_microdollars": o.cost_microdollars,
                    "parsed_output": o.parsed_output,
                })
            });
            (
                "final",
                json!({
                    "status": status_name(&fin.status),
                    "output": output,
                    "latency_ms": fin.latency_ms,
                    "message_id": fin.message_id,
                }),
            )
        }
        ExecutionEvent::Error { code, message } => (
            "error",
            json!({ "error": { "code": code, "message": message } }),
        ),
        ExecutionEvent::Unknown { event_type, raw } => {
            let data = serde_json::from_str::<Value>(raw).unwrap_or_else(|_| json!(raw));
            return (event_type.clone(), data);
        }
    };
    let mut value = json!({ "type": t });
    if let (Some(obj), Value::Object(f)) = (value.as_object_mut(), fields) {
        obj.extend(f);
    }
    (t.to_owned(), value)
}

fn status_name(status: &athena_api::ExecutionStatus) -> String {
    use athena_api::ExecutionStatus as S;
    match status {
        S::Completed => "completed".into(),
        S::AwaitingApproval => "awaiting_approval".into(),
        S::WaitingForExternalEvent => "waiting_for_external_event".into(),
        S::AwaitingClientTool => "awaiting_client_tool".into(),
        S::Failed => "failed".into(),
        S::Other(s) => s.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_events_in_order_with_their_json() {
        let mut log = InspectLog::default();
        log.record(
            0,
            &Ok(ExecutionEvent::Start {
                execution_id: "execution:1".into(),
            }),
        );
        log.record(5, &Ok(ExecutionEvent::Text { delta: "Hi".into() }));
        log.record(
            6,
            &Err(ApiError::Decode {
                path: ".delta".into(),
                message: "expected a string".into(),
                raw: "{\"type\":\"text\",\"delta\":3}".into(),
            }),
        );
        let types: Vec<&str> = log.events.iter().map(|e| e.event_type.as_str()).collect();
        assert_eq!(types, ["start", "text", "decode error"]);
        assert!(log.events[1].json.contains("\"delta\": \"Hi\""));
        assert!(log.events[2].json.contains("expected a string"));
        assert_eq!(log.cut, 0);
    }

    #[test]
    fn is_bounded_in_count_and_says_how_many_were_cut() {
        let mut log = InspectLog::default();
        for _ in 0..MAX_INSPECTED_EVENTS + 10 {
            log.record(1, &Ok(ExecutionEvent::Heartbeat));
        }
        assert_eq!(log.events.len(), MAX_INSPECTED_EVENTS);
        assert_eq!(log.cut, 10);
        assert_eq!(log.events[0].number, 11);
    }

    #[test]
    fn is_bounded_in_bytes() {
        let mut log = InspectLog::default();
        let big = "x".repeat(300_000);
        for _ in 0..5 {
            log.record(1, &Ok(ExecutionEvent::Text { delta: big.clone() }));
        }
        assert!(log.events.len() < 5);
        assert_eq!(log.cut as usize + log.events.len(), 5);
    }

    #[test]
    fn redacts_keys_like_the_logs() {
        let mut log = InspectLog::default();
        log.record(
            1,
            &Ok(ExecutionEvent::Error {
                code: None,
                message: Some("bad key eak_live_0123456789abcdef".into()),
            }),
        );
        assert!(
            !log.events[0].json.contains("0123456789abcdef"),
            "{}",
            log.events[0].json
        );
    }
}
