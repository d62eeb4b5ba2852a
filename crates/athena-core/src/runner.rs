//! The task that reads one execution's stream and publishes its changes.

use std::time::Duration;

use athena_api::{ApiError, ExecutionEvent, ExecutionStream};
use tokio::time::Instant;

use crate::executions::Publisher;
use crate::redact::redact_secrets;
use crate::{ExecutionChange, ExecutionError, ExecutionStatus, UsageSummary};

/// Reads the stream to its end. Text deltas are gathered and published at most once
/// per `frame` (the first at once); any other change first publishes the text
/// gathered so far, so order is kept.
pub(crate) async fn run(mut stream: ExecutionStream, publisher: Publisher, frame: Duration) {
    let mut pending = String::new();
    let mut last_text_at: Option<Instant> = None;
    let mut ended = false;
    loop {
        let flush_at = match (pending.is_empty(), last_text_at) {
            (true, _) => None,
            (false, Some(at)) => Some(at + frame),
            (false, None) => Some(Instant::now()),
        };
        let next = tokio::select! {
            biased;
            () = tokio::time::sleep_until(flush_at.unwrap_or_else(Instant::now)), if flush_at.is_some() => {
                flush(&publisher, &mut pending, &mut last_text_at);
                continue;
            }
            next = stream.next() => next,
        };
        match next {
            None => break,
            Some(Ok(ExecutionEvent::Text { delta })) => {
                pending.push_str(&delta);
                let due = last_text_at.is_none_or(|at| at.elapsed() >= frame);
                if due {
                    flush(&publisher, &mut pending, &mut last_text_at);
                }
            }
            Some(Ok(ExecutionEvent::Start { execution_id })) => {
                flush(&publisher, &mut pending, &mut last_text_at);
                publisher.publish(ExecutionChange::Started { execution_id });
            }
            Some(Ok(ExecutionEvent::Final(fin))) => {
                flush(&publisher, &mut pending, &mut last_text_at);
                let (streamed, _) = publisher.text_and_id();
                let output = fin.output.unwrap_or_default();
                let usage = output.usage.map(|u| UsageSummary {
                    input_tokens: u.input_tokens,
                    output_tokens: u.output_tokens,
                    total_tokens: u.total_tokens,
                    cost_microdollars: output.cost_microdollars.unwrap_or(0),
                    latency_ms: fin.latency_ms.unwrap_or(0),
                });
                publisher.publish(ExecutionChange::Finished {
                    status: ExecutionStatus::from(&fin.status),
                    // The server's full text wins, unless it sent none (then what streamed is the answer).
                    text: output.text.filter(|t| !t.is_empty()).unwrap_or(streamed),
                    usage,
                });
                ended = true;
            }
            Some(Ok(ExecutionEvent::Error { code, message })) => {
                flush(&publisher, &mut pending, &mut last_text_at);
                publisher.publish(ExecutionChange::Failed {
                    error: ExecutionError::ExecutionFailed {
                        server_code: code,
                        server_message: message.map(|m| redact_secrets(&m).into_owned()),
                    },
                });
                ended = true;
            }
            Some(Ok(other)) => {
                // Shown by later features; kept out of the log's message text.
                tracing::debug!(event = event_name(&other), "event not shown yet");
            }
            Some(Err(err @ ApiError::Decode { .. })) => {
                tracing::warn!(error = %err, "skipped an event that could not be read");
            }
            Some(Err(err)) => {
                flush(&publisher, &mut pending, &mut last_text_at);
                tracing::warn!(error = %err, "execution ended without an answer");
                publisher.publish(ExecutionChange::Failed {
                    error: ExecutionError::from(err),
                });
                ended = true;
            }
        }
    }
    if !ended {
        // The stream reported nothing final: treat it as ended early.
        flush(&publisher, &mut pending, &mut last_text_at);
        let (_, execution_id) = publisher.text_and_id();
        publisher.publish(ExecutionChange::Failed {
            error: ExecutionError::StreamEndedEarly { execution_id },
        });
    }
}

fn flush(publisher: &Publisher, pending: &mut String, last_text_at: &mut Option<Instant>) {
    if pending.is_empty() {
        return;
    }
    publisher.publish(ExecutionChange::Text {
        delta: std::mem::take(pending),
    });
    *last_text_at = Some(Instant::now());
}

fn event_name(event: &ExecutionEvent) -> &str {
    match event {
        ExecutionEvent::Reasoning { .. } => "reasoning",
        ExecutionEvent::ToolCall { .. } => "tool_call",
        ExecutionEvent::ToolResult { .. } => "tool_result",
        ExecutionEvent::ToolCallAwaitingClient { .. } => "tool_call_awaiting_client",
        ExecutionEvent::NodeStart(_) => "node_start",
        ExecutionEvent::NodeComplete(_) => "node_complete",
        ExecutionEvent::MediaGenSubmitted { .. } => "media_gen_submitted",
        ExecutionEvent::MediaGenComplete { .. } => "media_gen_complete",
        ExecutionEvent::Heartbeat => "heartbeat",
        ExecutionEvent::Unknown { event_type, .. } => event_type,
        ExecutionEvent::Start { .. }
        | ExecutionEvent::Text { .. }
        | ExecutionEvent::Final(_)
        | ExecutionEvent::Error { .. } => "other",
    }
}
