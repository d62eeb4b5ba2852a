//! The runner over canned events (no network): every event type becomes the right
//! part, the streamed text is the answer, a decode error mid-stream is kept, a stop
//! keeps what arrived, and the Inspect record lists the raw events.

use std::time::Duration;

use athena_api::{
    ApiError, ExecutionEvent, ExecutionOutput, ExecutionStatus as ApiStatus, FinalEvent, Media,
    NodeEvent, Usage,
};
use athena_core::{
    ExecutionChange, ExecutionError, ExecutionHandle, ExecutionSnapshot, ExecutionStatus,
    Executions, MediaState, Part, StructuredSource, ToolState, WaitingReason,
};
use futures_util::StreamExt;
use serde_json::json;

use crate::support::{Recorder, assert_consecutive, fold, request};

type Item = Result<ExecutionEvent, ApiError>;

/// Events, each after a pause (virtual time: the tests run with time paused).
fn canned(events: Vec<(u64, Item)>) -> impl futures_util::Stream<Item = Item> + Unpin + Send {
    Box::pin(
        futures_util::stream::iter(events).then(|(ms, item)| async move {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            item
        }),
    )
}

fn text(delta: &str) -> Item {
    Ok(ExecutionEvent::Text {
        delta: delta.into(),
    })
}

fn fin(status: ApiStatus, output: Option<ExecutionOutput>) -> Item {
    Ok(ExecutionEvent::Final(FinalEvent {
        status,
        output,
        latency_ms: Some(1234),
        message_id: None,
        error: None,
        undecoded: None,
    }))
}

fn output(text: Option<&str>, parsed: Option<serde_json::Value>) -> ExecutionOutput {
    ExecutionOutput {
        text: text.map(str::to_owned),
        usage: Some(Usage {
            input_tokens: 5,
            output_tokens: 7,
            total_tokens: 12,
        }),
        cost_microdollars: Some(120),
        parsed_output: parsed,
    }
}

struct Run {
    recorder: std::sync::Arc<Recorder>,
    executions: Executions,
}

impl Run {
    fn new(frame: Duration) -> Self {
        let recorder = Recorder::new();
        let executions =
            Executions::new(recorder.clone(), frame, tokio::runtime::Handle::current());
        Self {
            recorder,
            executions,
        }
    }

    /// Replays `events` to their end; returns the final snapshot, after checking it is
    /// the fold of the delivered updates.
    async fn replay(&self, events: Vec<(u64, Item)>) -> (ExecutionHandle, ExecutionSnapshot) {
        let handle = self
            .executions
            .replay(request("agent:test", "hi"), canned(events));
        let updates = self.recorder.wait_for_end(&handle).await;
        assert_consecutive(&updates);
        let snapshot = self.executions.snapshot(&handle).unwrap();
        assert_eq!(
            fold(&handle, &updates),
            snapshot,
            "updates fold into the snapshot"
        );
        (handle, snapshot)
    }
}

#[tokio::test(start_paused = true)]
async fn every_event_type_becomes_its_part_in_order() {
    let run = Run::new(Duration::ZERO);
    let node = |label: Option<&str>| NodeEvent {
        node_id: "n1".into(),
        node_type: Some("tool".into()),
        label: label.map(str::to_owned),
    };
    let (handle, snapshot) = run
        .replay(vec![
            (
                0,
                Ok(ExecutionEvent::Start {
                    execution_id: "execution:1".into(),
                }),
            ),
            (
                10,
                Ok(ExecutionEvent::Reasoning {
                    delta: "Let me ".into(),
                }),
            ),
            (
                10,
                Ok(ExecutionEvent::Reasoning {
                    delta: "think.".into(),
                }),
            ),
            (30, Ok(ExecutionEvent::NodeStart(node(Some("Search"))))),
            (
                0,
                Ok(ExecutionEvent::ToolCall {
                    tool_call_id: "tc_1".into(),
                    name: "web_search".into(),
                    arguments: json!({"query": "rust"}),
                }),
            ),
            (
                25,
                Ok(ExecutionEvent::ToolResult {
                    tool_call_id: "tc_1".into(),
                    name: "web_search".into(),
                    result: json!({"hits": 2}),
                    is_error: false,
                }),
            ),
            (5, Ok(ExecutionEvent::NodeComplete(node(None)))),
            (
                0,
                Ok(ExecutionEvent::MediaGenSubmitted {
                    job_id: "job_1".into(),
                    kind: "video".into(),
                    prompt: Some("waves".into()),
                }),
            ),
            (100, Ok(ExecutionEvent::Heartbeat)),
            (
                100,
                Ok(ExecutionEvent::MediaGenComplete {
                    job_id: "job_1".into(),
                    media: vec![Media {
                        url: "http://127.0.0.1:1/m.webm".into(),
                        content_type: Some("video/webm".into()),
                        width: Some(320),
                        height: Some(240),
                    }],
                }),
            ),
            (0, text("## Done\n")),
            (0, text("Here.")),
            (
                0,
                Ok(ExecutionEvent::Unknown {
                    event_type: "citation".into(),
                    raw: "{\"type\":\"citation\",\"n\":1}".into(),
                }),
            ),
            (
                0,
                Ok(ExecutionEvent::ToolCallAwaitingClient {
                    execution_id: "execution:1".into(),
                    tool_call_id: "ct_1".into(),
                    name: "read_file".into(),
                    arguments: json!({"path": "a.txt"}),
                }),
            ),
            (0, fin(ApiStatus::AwaitingClientTool, None)),
        ])
        .await;

    assert_eq!(snapshot.execution_id.as_deref(), Some("execution:1"));
    assert_eq!(snapshot.status, ExecutionStatus::AwaitingClientTool);
    assert_eq!(snapshot.request.message, "hi");
    let p = &snapshot.parts;
    assert_eq!(p.len(), 8, "{p:#?}");
    assert_eq!(
        p[0],
        Part::Reasoning {
            text: "Let me think.".into(),
            started_at_ms: 10,
            duration_ms: Some(40)
        }
    );
    assert_eq!(
        p[1],
        Part::WorkflowStep {
            node_id: "n1".into(),
            node_type: Some("tool".into()),
            label: Some("Search".into()),
            started_at_ms: 50,
            duration_ms: Some(30),
        }
    );
    assert_eq!(
        p[2],
        Part::ServerTool {
            call_id: "tc_1".into(),
            name: "web_search".into(),
            arguments: "{\n  \"query\": \"rust\"\n}".into(),
            result: Some("{\n  \"hits\": 2\n}".into()),
            state: ToolState::Done,
            started_at_ms: 50,
            duration_ms: Some(25),
        }
    );
    let Part::MediaJob {
        state,
        kind,
        last_heartbeat_at_ms,
        completed_at_ms,
        media,
        submitted_at_ms,
        ..
    } = &p[3]
    else {
        panic!("media job: {:?}", p[3]);
    };
    assert_eq!((*state, kind.as_str()), (MediaState::Ready, "video"));
    assert_eq!(
        (*submitted_at_ms, *last_heartbeat_at_ms, *completed_at_ms),
        (80, Some(180), Some(280))
    );
    assert_eq!(media[0].width, Some(320));
    assert_eq!(
        p[4],
        Part::Text {
            text: "## Done\nHere.".into()
        }
    );
    assert!(
        matches!(&p[5], Part::Unknown { event_type, problem: None, .. } if event_type == "citation")
    );
    assert!(matches!(&p[6], Part::ClientToolCall { name, .. } if name == "read_file"));
    assert_eq!(
        p[7],
        Part::Waiting {
            reason: WaitingReason::AwaitingClientTool
        }
    );
    let inspected = run.executions.inspect(&handle).unwrap();
    assert_eq!(
        inspected.events.len(),
        15,
        "every event is recorded for Inspect"
    );
    assert_eq!(inspected.events[0].event_type, "start");
    assert!(inspected.events[4].json.contains("\"query\": \"rust\""));
}

#[tokio::test(start_paused = true)]
async fn the_streamed_text_is_the_answer_and_final_text_stands_in_only_when_none_streamed() {
    let run = Run::new(Duration::ZERO);
    // Commit 9a05e0c: an empty final text must not wipe what streamed.
    let (_, empty_final) = run
        .replay(vec![
            (0, text("Streamed ")),
            (0, text("answer.")),
            (0, fin(ApiStatus::Completed, Some(output(Some(""), None)))),
        ])
        .await;
    assert_eq!(empty_final.answer_text(), "Streamed answer.");
    assert_eq!(empty_final.usage.map(|u| u.cost_microdollars), Some(120));
    assert_eq!(empty_final.usage.map(|u| u.latency_ms), Some(1234));

    let (_, other_final) = run
        .replay(vec![
            (0, text("What streamed.")),
            (
                0,
                fin(
                    ApiStatus::Completed,
                    Some(output(Some("Something else."), None)),
                ),
            ),
        ])
        .await;
    assert_eq!(other_final.answer_text(), "What streamed.");

    let (_, no_stream) = run
        .replay(vec![(
            0,
            fin(
                ApiStatus::Completed,
                Some(output(Some("Only in final."), None)),
            ),
        )])
        .await;
    assert_eq!(
        no_stream.parts,
        vec![Part::Text {
            text: "Only in final.".into()
        }]
    );
}

#[tokio::test(start_paused = true)]
async fn structured_output_follows_the_contracts_fallback() {
    let run = Run::new(Duration::ZERO);
    let (_, parsed) = run
        .replay(vec![
            (0, text("Summary.")),
            (
                0,
                fin(
                    ApiStatus::Completed,
                    Some(output(None, Some(json!({"sentiment": "positive"})))),
                ),
            ),
        ])
        .await;
    assert_eq!(
        parsed.parts.last(),
        Some(&Part::StructuredOutput {
            json: "{\n  \"sentiment\": \"positive\"\n}".into(),
            source: StructuredSource::ParsedOutput,
        })
    );
    let (_, from_text) = run
        .replay(vec![
            (0, text("{\"words\": 3}")),
            (0, fin(ApiStatus::Completed, Some(output(None, None)))),
        ])
        .await;
    assert!(matches!(
        from_text.parts.last(),
        Some(Part::StructuredOutput {
            source: StructuredSource::AnswerText,
            ..
        })
    ));
    let (_, plain) = run
        .replay(vec![
            (0, text("Just words.")),
            (0, fin(ApiStatus::Completed, Some(output(None, None)))),
        ])
        .await;
    assert_eq!(plain.parts.len(), 1, "plain text has no structured card");
}

#[tokio::test(start_paused = true)]
async fn a_decode_error_mid_stream_is_kept_as_an_unknown_part_and_the_stream_goes_on() {
    let run = Run::new(Duration::ZERO);
    let (handle, snapshot) = run
        .replay(vec![
            (0, text("Before. ")),
            (
                0,
                Err(ApiError::Decode {
                    path: ".delta".into(),
                    message: "expected a string".into(),
                    raw: "{\"type\":\"text\",\"delta\":3}".into(),
                }),
            ),
            (0, text("After.")),
            (0, fin(ApiStatus::Completed, Some(output(None, None)))),
        ])
        .await;
    assert_eq!(snapshot.status, ExecutionStatus::Completed);
    assert_eq!(
        snapshot.parts[0],
        Part::Text {
            text: "Before. ".into()
        }
    );
    assert_eq!(
        snapshot.parts[1],
        Part::Unknown {
            event_type: "text".into(),
            data: "{\"type\":\"text\",\"delta\":3}".into(),
            problem: Some(".delta: expected a string".into()),
        }
    );
    assert_eq!(
        snapshot.parts[2],
        Part::Text {
            text: "After.".into()
        },
        "text after it is a new part"
    );
    let inspected = run.executions.inspect(&handle).unwrap();
    let types: Vec<&str> = inspected
        .events
        .iter()
        .map(|e| e.event_type.as_str())
        .collect();
    assert_eq!(types, ["text", "decode error", "text", "final"]);
}

#[tokio::test(start_paused = true)]
async fn an_error_event_fails_the_execution_and_keeps_the_text() {
    let run = Run::new(Duration::ZERO);
    let (_, snapshot) = run
        .replay(vec![
            (0, text("Partial")),
            (
                0,
                Ok(ExecutionEvent::Error {
                    code: Some("model_error".into()),
                    message: Some("bad key eak_live_0123456789abcdef".into()),
                }),
            ),
        ])
        .await;
    assert_eq!(snapshot.status, ExecutionStatus::Failed);
    assert_eq!(snapshot.answer_text(), "Partial");
    let Some(ExecutionError::ExecutionFailed {
        server_message: Some(m),
        ..
    }) = &snapshot.error
    else {
        panic!("{:?}", snapshot.error);
    };
    assert!(!m.contains("0123456789abcdef"), "redacted: {m}");
}

#[tokio::test(start_paused = true)]
async fn an_unreadable_final_still_finishes_and_shows_what_could_not_be_read() {
    let run = Run::new(Duration::ZERO);
    let raw = r#"{"type":"final","status":"completed","output":{"usage":"lots"},"key":"eak_live_0123456789abcdef"}"#;
    let (_, snapshot) = run
        .replay(vec![
            (0, text("All done")),
            (
                0,
                Ok(ExecutionEvent::Final(FinalEvent {
                    status: ApiStatus::Completed,
                    output: None,
                    latency_ms: None,
                    message_id: None,
                    error: None,
                    undecoded: Some(athena_api::DecodeProblem {
                        path: "output.usage".into(),
                        message: "invalid type: string \"lots\"".into(),
                        raw: raw.into(),
                    }),
                })),
            ),
        ])
        .await;
    assert_eq!(
        snapshot.status,
        ExecutionStatus::Completed,
        "finished, not ended early"
    );
    assert_eq!(snapshot.error, None);
    assert_eq!(snapshot.answer_text(), "All done");
    let Some(Part::Unknown {
        event_type,
        data,
        problem,
    }) = snapshot.parts.last()
    else {
        panic!("{:?}", snapshot.parts)
    };
    assert_eq!(event_type, "final");
    assert!(
        data.contains(r#""usage":"lots""#) && !data.contains("0123456789abcdef"),
        "{data}"
    );
    assert!(
        problem
            .as_deref()
            .is_some_and(|p| p.starts_with("output.usage"))
    );
}

#[tokio::test(start_paused = true)]
async fn a_stream_that_ends_without_final_ended_early() {
    let run = Run::new(Duration::ZERO);
    let (_, snapshot) = run
        .replay(vec![
            (
                0,
                Ok(ExecutionEvent::Start {
                    execution_id: "execution:9".into(),
                }),
            ),
            (0, text("Cut")),
        ])
        .await;
    assert_eq!(
        snapshot.error,
        Some(ExecutionError::StreamEndedEarly {
            execution_id: Some("execution:9".into())
        })
    );
    assert_eq!(snapshot.answer_text(), "Cut");
}

#[tokio::test(start_paused = true)]
async fn stop_keeps_what_arrived_and_marks_the_execution_stopped() {
    let run = Run::new(Duration::from_millis(16));
    let endless = Box::pin(futures_util::stream::iter(0..).then(|i| async move {
        tokio::time::sleep(Duration::from_millis(5)).await;
        text(&format!("w{i} "))
    }));
    let handle = run
        .executions
        .replay(request("agent:test", "go on"), endless);
    run.recorder
        .wait_until(&handle, "some text", |u| u.len() >= 4)
        .await;
    run.executions.stop(&handle).unwrap();
    let updates = run.recorder.wait_for_end(&handle).await;
    assert_eq!(
        updates.last().map(|u| &u.change),
        Some(&ExecutionChange::Stopped)
    );
    let snapshot = run.executions.snapshot(&handle).unwrap();
    assert_eq!(snapshot.status, ExecutionStatus::Stopped);
    assert!(
        snapshot.answer_text().starts_with("w0 w1 "),
        "{}",
        snapshot.answer_text()
    );
    assert_eq!(fold(&handle, &updates), snapshot);
    // Stopping again, once ended, changes nothing.
    run.executions.stop(&handle).unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(run.recorder.of(&handle).len(), updates.len());
}

#[tokio::test(start_paused = true)]
async fn deltas_are_coalesced_per_frame_for_text_and_reasoning() {
    let run = Run::new(Duration::from_millis(16));
    let mut events: Vec<(u64, Item)> = (0..40)
        .map(|i| {
            (
                1,
                Ok(ExecutionEvent::Reasoning {
                    delta: format!("r{i} "),
                }),
            )
        })
        .collect();
    events.extend((0..40).map(|i| (1, text(&format!("t{i} ")))));
    events.push((0, fin(ApiStatus::Completed, Some(output(None, None)))));
    let (handle, snapshot) = run.replay(events).await;
    let updates = run.recorder.of(&handle);
    let appends = updates
        .iter()
        .filter(|u| matches!(u.change, ExecutionChange::PartAppended { .. }))
        .count();
    assert!(
        appends <= 8,
        "80 deltas over ~80 ms in {appends} appends: coalesced per 16 ms frame"
    );
    let Part::Reasoning {
        text, duration_ms, ..
    } = &snapshot.parts[0]
    else {
        panic!()
    };
    assert_eq!(text.split_whitespace().count(), 40);
    assert!(duration_ms.is_some());
    assert_eq!(snapshot.answer_text().split_whitespace().count(), 40);
}
