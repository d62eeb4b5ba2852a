//! Golden fixtures of the fold: numbered updates of interleaved executions that
//! cover every part kind and every change, and the snapshots core's fold makes of
//! them, written as IPC JSON to `tests/fixtures/fold/`. The UI's reducer folds the same
//! updates in `ui/src/store/fold.fixtures.test.ts` and must reach the same snapshots,
//! so the two folds never drift. A stale file fails here; `cargo xtask fixtures`
//! regenerates it.

use athena_core::{
    ExecutionChange as C, ExecutionError, ExecutionHandle, ExecutionRequest, ExecutionSnapshot,
    ExecutionStatus, ExecutionUpdate, Feedback, FeedbackDelivery, MediaFile, MediaState, Part,
    StructuredSource, ToolState, UsageSummary, WaitingReason,
};
use athena_desktop::ipc;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/fold/every-part.json"
);

fn request(agent: &str, message: &str) -> ExecutionRequest {
    ExecutionRequest {
        workspace_id: "demo".into(),
        conversation_id: "conversation-1".into(),
        agent_id: agent.into(),
        message: message.into(),
        variables: None,
        attachments: Vec::new(),
    }
}

/// Changes of execution A (every part kind, ends completed) and B (text, an unknown
/// event, a stop), interleaved.
fn changes() -> Vec<(&'static str, C)> {
    let tool = |state, result: Option<&str>, duration| Part::ServerTool {
        call_id: "tc_1".into(),
        name: "web_search".into(),
        arguments: "{\n  \"query\": \"athena\"\n}".into(),
        result: result.map(str::to_owned),
        state,
        started_at_ms: 40,
        duration_ms: duration,
    };
    let step = |duration| Part::WorkflowStep {
        node_id: "n1".into(),
        node_type: Some("ai".into()),
        label: Some("Research".into()),
        started_at_ms: 30,
        duration_ms: duration,
    };
    let media = |state, heartbeat, completed, files: Vec<MediaFile>| Part::MediaJob {
        job_id: "job_1".into(),
        kind: "image".into(),
        prompt: Some("a lighthouse".into()),
        state,
        submitted_at_ms: 60,
        last_heartbeat_at_ms: heartbeat,
        completed_at_ms: completed,
        media: files,
    };
    vec![
        (
            "a",
            C::Accepted {
                request: request("agent:markdown", "Explain"),
            },
        ),
        (
            "b",
            C::Accepted {
                request: request("agent:demo-chat", "Hello"),
            },
        ),
        (
            "a",
            C::Started {
                execution_id: "execution:a".into(),
            },
        ),
        (
            "a",
            C::PartAdded {
                part: Part::Reasoning {
                    text: "Let me".into(),
                    started_at_ms: 5,
                    duration_ms: None,
                },
            },
        ),
        (
            "b",
            C::PartAdded {
                part: Part::Text { text: "Hi".into() },
            },
        ),
        (
            "a",
            C::PartAppended {
                index: 0,
                delta: " think.".into(),
            },
        ),
        (
            "a",
            C::PartUpdated {
                index: 0,
                part: Part::Reasoning {
                    text: "Let me think.".into(),
                    started_at_ms: 5,
                    duration_ms: Some(20),
                },
            },
        ),
        ("a", C::PartAdded { part: step(None) }),
        (
            "b",
            C::PartAppended {
                index: 0,
                delta: " there".into(),
            },
        ),
        (
            "a",
            C::PartAdded {
                part: tool(ToolState::Running, None, None),
            },
        ),
        (
            "a",
            C::PartUpdated {
                index: 2,
                part: tool(ToolState::Done, Some("{\n  \"hits\": 3\n}"), Some(15)),
            },
        ),
        (
            "a",
            C::PartUpdated {
                index: 1,
                part: step(Some(45)),
            },
        ),
        (
            "b",
            C::PartAdded {
                part: Part::Unknown {
                    event_type: "surprise".into(),
                    data: "not json".into(),
                    problem: None,
                },
            },
        ),
        (
            "a",
            C::PartAdded {
                part: media(MediaState::Generating, None, None, vec![]),
            },
        ),
        (
            "a",
            C::PartUpdated {
                index: 3,
                part: media(MediaState::Generating, Some(75), None, vec![]),
            },
        ),
        (
            "a",
            C::PartUpdated {
                index: 3,
                part: media(
                    MediaState::Ready,
                    Some(75),
                    Some(90),
                    vec![MediaFile {
                        url: "http://127.0.0.1:1/media/job_1.png".into(),
                        content_type: Some("image/png".into()),
                        width: Some(64),
                        height: Some(48),
                    }],
                ),
            },
        ),
        (
            "a",
            C::PartAdded {
                part: Part::ClientToolCall {
                    call_id: "ct_1".into(),
                    name: "read_text_file".into(),
                    arguments: "{}".into(),
                    state: athena_core::ClientToolState::Received,
                    approved_by: None,
                    result: None,
                    duration_ms: None,
                },
            },
        ),
        (
            "a",
            C::PartAdded {
                part: Part::Text {
                    text: "## Answer\n\n".into(),
                },
            },
        ),
        (
            "a",
            C::PartAppended {
                index: 5,
                delta: "| a | b |\n|---|---|\n| 1 | 2 |".into(),
            },
        ),
        ("b", C::Stopped),
        (
            "a",
            C::PartAdded {
                part: Part::StructuredOutput {
                    json: "{\n  \"ok\": true\n}".into(),
                    source: StructuredSource::ParsedOutput,
                },
            },
        ),
        (
            "a",
            C::PartAdded {
                part: Part::Waiting {
                    reason: WaitingReason::AwaitingClientTool,
                },
            },
        ),
        (
            "a",
            C::PartAdded {
                part: Part::Unknown {
                    event_type: "text".into(),
                    data: "{\"type\":\"text\",\"delta\":3}".into(),
                    problem: Some(".delta: invalid type".into()),
                },
            },
        ),
        (
            "a",
            C::Finished {
                status: ExecutionStatus::Completed,
                usage: Some(UsageSummary {
                    input_tokens: 10,
                    output_tokens: 20,
                    total_tokens: 30,
                    cost_microdollars: 345,
                    latency_ms: 1200,
                }),
                message_id: Some("message:42".into()),
            },
        ),
        (
            "a",
            C::FeedbackChanged {
                feedback: Feedback {
                    up: true,
                    delivery: FeedbackDelivery::Sending,
                },
            },
        ),
        (
            "a",
            C::FeedbackChanged {
                feedback: Feedback {
                    up: true,
                    delivery: FeedbackDelivery::Sent,
                },
            },
        ),
    ]
}

/// A third execution that fails, and a fourth that fails before any answer, is
/// resent and finishes: the error paths of the fold.
fn failing() -> Vec<(&'static str, C)> {
    vec![
        (
            "d",
            C::Accepted {
                request: request("agent:demo-chat", "Resend me"),
            },
        ),
        (
            "d",
            C::Failed {
                error: ExecutionError::Timeout,
            },
        ),
        ("d", C::Resent),
        (
            "d",
            C::Started {
                execution_id: "exec_d".into(),
            },
        ),
        (
            "d",
            C::PartAdded {
                part: Part::Text {
                    text: "Second try".into(),
                },
            },
        ),
        (
            "d",
            C::Finished {
                status: ExecutionStatus::Completed,
                usage: None,
                message_id: None,
            },
        ),
        (
            "c",
            C::Accepted {
                request: request("agent:demo-chat", "Fail please"),
            },
        ),
        (
            "c",
            C::PartAdded {
                part: Part::Text {
                    text: "Partial".into(),
                },
            },
        ),
        (
            "c",
            C::Failed {
                error: ExecutionError::ExecutionFailed {
                    server_code: Some("model_error".into()),
                    server_message: Some("The model refused".into()),
                },
            },
        ),
    ]
}

fn fixture() -> String {
    let handles = |name: &str| ExecutionHandle::from(format!("handle-{name}"));
    let mut snapshots: Vec<ExecutionSnapshot> = Vec::new();
    let mut updates = Vec::new();
    for (name, change) in changes().into_iter().chain(failing()) {
        let handle = handles(name);
        let position = snapshots.iter().position(|s| s.handle == handle);
        let snapshot = match position {
            Some(i) => &mut snapshots[i],
            None => {
                snapshots.push(ExecutionSnapshot::new(handle.clone()));
                snapshots.last_mut().expect("just pushed")
            }
        };
        let seq = snapshot.seq + 1;
        snapshot.apply(seq, &change);
        updates.push(ipc::ExecutionUpdate::from(ExecutionUpdate {
            handle,
            workspace_id: snapshot.request.workspace_id.clone(),
            conversation_id: snapshot.request.conversation_id.clone(),
            seq,
            change,
        }));
    }
    let snapshots: Vec<ipc::ExecutionSnapshot> = snapshots
        .into_iter()
        .map(ipc::ExecutionSnapshot::from)
        .collect();
    let mut text = serde_json::to_string_pretty(&serde_json::json!({
        "about": "Generated by tests/app/fold_fixtures.rs (cargo xtask fixtures). Do not edit.",
        "updates": updates,
        "snapshots": snapshots,
    }))
    .expect("serializable");
    text.push('\n');
    text
}

#[test]
fn the_fold_fixtures_match_cores_fold() {
    let fresh = fixture();
    if std::env::var_os("ATHENA_UPDATE_FIXTURES").is_some() {
        std::fs::write(FIXTURE, &fresh).expect("write the fold fixture");
        return;
    }
    let committed = std::fs::read_to_string(FIXTURE).unwrap_or_default();
    assert!(
        committed == fresh,
        "tests/fixtures/fold/every-part.json is stale: core's fold or the IPC types changed. \
         Run `cargo xtask fixtures` to regenerate it, and commit the result."
    );
}

#[test]
fn the_fixture_covers_every_part_kind_and_change() {
    let text = fixture();
    for kind in [
        "\"text\"",
        "\"reasoning\"",
        "\"serverTool\"",
        "\"workflowStep\"",
        "\"mediaJob\"",
        "\"clientToolCall\"",
        "\"structuredOutput\"",
        "\"waiting\"",
        "\"unknown\"",
    ] {
        assert!(
            text.contains(&format!("\"kind\": {kind}")),
            "no part of kind {kind}"
        );
    }
    for change in [
        "accepted",
        "started",
        "partAdded",
        "partAppended",
        "partUpdated",
        "finished",
        "failed",
        "stopped",
    ] {
        assert!(
            text.contains(&format!("\"type\": \"{change}\"")),
            "no {change} change"
        );
    }
}
