//! Wire types of the execution stream's events.
//!
//! [doc] event names and meaning; [assumed] payload: one JSON object whose `type` is the
//! event name, with the fields below (see `athena-api.md`, "Stream events").

use serde::Serialize;

use crate::billing::Usage;

/// One event of `POST /agents/{agent_id}/execute/stream`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StreamEvent<'a> {
    /// First event: the server's id of the execution.
    Start {
        /// `execution:<uuid>`.
        execution_id: &'a str,
    },
    /// A piece of the reply text, to append.
    Text {
        /// The text to append.
        delta: &'a str,
    },
    /// Last event: status, output, usage and cost; the stream ends after it.
    Final {
        /// Outcome of the execution.
        status: ExecutionStatus,
        /// The full output, as in the sync response.
        output: Output<'a>,
        /// Wall-clock time from request to this event, in milliseconds.
        latency_ms: u64,
        /// `message:<uuid>`, the id feedback refers to.
        message_id: &'a str,
    },
}

/// [doc] Execution statuses; only the ones the emulator produces so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExecutionStatus {
    /// The agent finished and `output` is complete.
    Completed,
}

/// [doc] `output` of a finished execution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Output<'a> {
    /// The whole reply text (empty for the benchmark agent).
    pub text: &'a str,
    /// Token counts.
    pub usage: Usage,
    /// Cost of the execution in microdollars.
    pub cost_microdollars: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_serialize_with_a_type_tag() {
        let start = serde_json::to_string(&StreamEvent::Start {
            execution_id: "execution:1",
        })
        .expect("serializable");
        assert_eq!(start, r#"{"type":"start","execution_id":"execution:1"}"#);

        let usage = Usage::for_message("hi", 2);
        let fin = serde_json::to_value(StreamEvent::Final {
            status: ExecutionStatus::Completed,
            output: Output {
                text: "a b",
                usage,
                cost_microdollars: usage.cost_microdollars(),
            },
            latency_ms: 5,
            message_id: "message:1",
        })
        .expect("serializable");
        assert_eq!(
            fin,
            serde_json::json!({"type":"final","status":"completed",
                "output":{"text":"a b","usage":{"input_tokens":13,"output_tokens":2,"total_tokens":15},
                          "cost_microdollars":69},
                "latency_ms":5,"message_id":"message:1"})
        );
    }
}
