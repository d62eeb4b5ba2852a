//! One test per endpoint: method, path, headers, body, and decoding of the documented
//! response (fixtures from `tests/fixtures/`).

use athena_api::conversations::Feedback;
use athena_api::events::{ExecutionEvent, ExecutionStatus};
use athena_api::execute::StructuredOutput;
use athena_api::tool_results::ToolResultResponse;
use athena_api::{
    BatchEvent, BatchItem, BatchRequest, ExecuteRequest, PreviewCreditsRequest, ToolResultRequest,
};
use mockito::Matcher;
use serde_json::json;

use crate::support::{KEY, WORKSPACE, client, fixture};

const META: [(&str, &str); 3] = [
    ("x-credits-remaining", "4321"),
    ("x-app-version", "appversion:7"),
    ("x-workspace-id", WORKSPACE),
];

fn auth(mock: mockito::Mock) -> mockito::Mock {
    let mut mock = mock
        .match_header("x-api-key", KEY)
        .match_header("x-workspace-id", WORKSPACE);
    for (name, value) in META {
        mock = mock.with_header(name, value);
    }
    mock
}

async fn drain(stream: &mut athena_api::ExecutionStream) -> Vec<ExecutionEvent> {
    let mut events = Vec::new();
    while let Some(event) = stream.next().await {
        events.push(event.expect("event"));
    }
    events
}

#[tokio::test]
async fn execute_sync_sends_key_and_decodes_the_envelope() {
    let mut server = mockito::Server::new_async().await;
    let mock = auth(server.mock("POST", "/agents/agent:demo/execute"))
        .match_header("idempotency-key", "key-1")
        .match_header("content-type", "application/json")
        .match_body(Matcher::Json(json!({
            "message": "hi",
            "variables": {"tone": "dry"},
            "client_tools": [{"name": "read_file", "description": "Reads", "parameters": {"type": "object"}}]
        })))
        .with_header("content-type", "application/json")
        .with_body(fixture("sync-execute-response.json"))
        .create_async()
        .await;
    let (client, _) = client(&server.url());
    let mut request = ExecuteRequest::message("hi");
    request.variables = Some(json!({"tone": "dry"}).as_object().cloned().expect("object"));
    request.client_tools = vec![athena_api::ClientTool {
        name: "read_file".into(),
        description: "Reads".into(),
        parameters: json!({"type": "object"}),
    }];
    let answer = client
        .execute("agent:demo", &request, Some("key-1".into()))
        .await
        .expect("execute");
    mock.assert_async().await;
    assert_eq!(answer.data.execution_id, "execution:xyz");
    assert_eq!(answer.data.status, ExecutionStatus::Completed);
    assert_eq!(answer.data.latency_ms, Some(2341));
    let output = answer.data.output.expect("output");
    assert_eq!(output.usage.map(|u| u.total_tokens), Some(430));
    assert_eq!(output.cost_microdollars, Some(4200));
    assert_eq!(
        output.structured(),
        Some(StructuredOutput::Json(json!({"answer": 42})))
    );
    assert_eq!(answer.meta.credits_remaining, Some(4321));
    assert_eq!(answer.meta.app_version.as_deref(), Some("appversion:7"));
    assert_eq!(answer.meta.workspace_id.as_deref(), Some(WORKSPACE));
}

#[tokio::test]
async fn execute_stream_posts_with_sse_accept_and_decodes_every_event() {
    let mut server = mockito::Server::new_async().await;
    let mock = auth(server.mock("POST", "/agents/agent:demo/execute/stream"))
        .match_header("accept", "text/event-stream")
        .match_header("idempotency-key", Matcher::Regex("^[0-9a-f-]{36}$".into()))
        .match_body(Matcher::Json(json!({"message": "hello"})))
        .with_header("content-type", "text/event-stream")
        .with_body(fixture("stream-chat.sse"))
        .create_async()
        .await;
    let (client, _) = client(&server.url());
    let mut stream = client
        .execute_stream("agent:demo", &ExecuteRequest::message("hello"), None)
        .expect("stream");
    let events = drain(&mut stream).await;
    mock.assert_async().await;
    assert_eq!(stream.idempotency_key().len(), 36);
    assert_eq!(stream.execution_id(), Some("execution:7f3a"));
    assert_eq!(stream.meta().and_then(|m| m.credits_remaining), Some(4321));
    let text: String = events
        .iter()
        .filter_map(|e| match e {
            ExecutionEvent::Text { delta } => Some(delta.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(text, "Hello, wörld — 你好 🎉");
    let Some(ExecutionEvent::Final(fin)) = events.last() else {
        panic!("no final: {events:?}")
    };
    assert_eq!(fin.message_id.as_deref(), Some("message:m1"));
}

#[tokio::test]
async fn every_documented_event_type_decodes_and_unknown_ones_are_kept() {
    let events =
        athena_api::decode_sse_bytes(fixture("stream-all-events.sse").as_bytes(), 7, 1 << 20);
    let events: Vec<ExecutionEvent> = events.into_iter().map(|e| e.expect("event")).collect();
    let names: Vec<&str> = events
        .iter()
        .map(|e| match e {
            ExecutionEvent::Start { .. } => "start",
            ExecutionEvent::Reasoning { .. } => "reasoning",
            ExecutionEvent::NodeStart(_) => "node_start",
            ExecutionEvent::ToolCall { .. } => "tool_call",
            ExecutionEvent::ToolResult { .. } => "tool_result",
            ExecutionEvent::MediaGenSubmitted { .. } => "media_gen_submitted",
            ExecutionEvent::Heartbeat => "heartbeat",
            ExecutionEvent::MediaGenComplete { .. } => "media_gen_complete",
            ExecutionEvent::NodeComplete(_) => "node_complete",
            ExecutionEvent::Unknown { .. } => "unknown",
            ExecutionEvent::Text { .. } => "text",
            ExecutionEvent::Error { .. } => "error",
            _ => "other",
        })
        .collect();
    assert_eq!(
        names,
        [
            "start",
            "reasoning",
            "node_start",
            "tool_call",
            "tool_result",
            "media_gen_submitted",
            "heartbeat",
            "media_gen_complete",
            "node_complete",
            "unknown",
            "text",
            "text",
            "error"
        ]
    );
    assert_eq!(
        events[9],
        ExecutionEvent::Unknown {
            event_type: "sparkles".into(),
            raw: r#"{"type":"sparkles","level":9}"#.into()
        }
    );
    assert_eq!(
        events[10],
        ExecutionEvent::Text {
            delta: "typed by the event line".into()
        }
    );
    let ExecutionEvent::MediaGenComplete { media, .. } = &events[7] else {
        panic!()
    };
    assert_eq!(
        (media[0].width, media[0].content_type.as_deref()),
        (Some(512), Some("image/png"))
    );
    assert_eq!(
        events[12],
        ExecutionEvent::Error {
            code: Some("model_overloaded".into()),
            message: Some("The model is overloaded".into())
        }
    );
}

#[tokio::test]
async fn a_suspended_stream_ends_with_final_awaiting_client_tool() {
    let mut server = mockito::Server::new_async().await;
    let _mock = auth(server.mock("POST", "/agents/agent:tools/execute/stream"))
        .with_header("content-type", "text/event-stream")
        .with_body(fixture("stream-suspended.sse"))
        .create_async()
        .await;
    let (client, _) = client(&server.url());
    let mut stream = client
        .execute_stream("agent:tools", &ExecuteRequest::message("files?"), None)
        .expect("stream");
    let events = drain(&mut stream).await;
    let awaiting = events
        .iter()
        .filter(|e| matches!(e, ExecutionEvent::ToolCallAwaitingClient { .. }))
        .count();
    assert_eq!(awaiting, 2);
    let Some(ExecutionEvent::Final(fin)) = events.last() else {
        panic!("{events:?}")
    };
    assert_eq!(fin.status, ExecutionStatus::AwaitingClientTool);
    assert_eq!(fin.output, None);
}

#[tokio::test]
async fn batch_streams_progress_until_completed() {
    let mut server = mockito::Server::new_async().await;
    let mock = auth(server.mock("POST", "/agents/agent:demo/execute/batch"))
        .match_header("idempotency-key", "batch-key")
        .match_body(Matcher::Json(json!({"items": [
            {"key": "item-1", "message": "one"}, {"key": "item-2", "message": "two"}
        ]})))
        .with_header("content-type", "text/event-stream")
        .with_body(fixture("batch-stream.sse"))
        .create_async()
        .await;
    let (client, _) = client(&server.url());
    let item = |key: &str, message: &str| BatchItem {
        key: key.into(),
        request: ExecuteRequest::message(message),
    };
    let request = BatchRequest {
        items: vec![item("item-1", "one"), item("item-2", "two")],
    };
    let mut stream = client
        .execute_batch("agent:demo", &request, Some("batch-key".into()))
        .expect("batch");
    let mut events = Vec::new();
    while let Some(event) = stream.next().await {
        events.push(event.expect("event"));
    }
    mock.assert_async().await;
    assert_eq!(stream.batch_id(), Some("batch:b1"));
    assert_eq!(events.len(), 4);
    let BatchEvent::Completed(summary) = &events[3] else {
        panic!("{events:?}")
    };
    assert_eq!(
        (summary.succeeded, summary.failed, summary.cost_microdollars),
        (1, 1, Some(100))
    );
}

#[tokio::test]
async fn preview_credits_sends_inputs_and_reads_the_breakdown() {
    let mut server = mockito::Server::new_async().await;
    let mock = auth(server.mock("POST", "/agents/agent:demo/preview-credits"))
        .match_body(Matcher::Json(json!({"inputs": {"message": "hi"}})))
        .with_body(fixture("preview-credits-response.json"))
        .create_async()
        .await;
    let (client, _) = client(&server.url());
    let request = PreviewCreditsRequest {
        inputs: json!({"message": "hi"})
            .as_object()
            .cloned()
            .expect("object"),
    };
    let preview = client
        .preview_credits("agent:demo", &request)
        .await
        .expect("preview");
    mock.assert_async().await;
    assert_eq!((preview.data.credits, preview.data.base_cost), (12.0, 10.0));
    assert_eq!(preview.data.rules[0].name, "long_input");
}

#[tokio::test]
async fn tool_result_plain_and_as_resumed_stream() {
    let mut server = mockito::Server::new_async().await;
    let body = json!({"tool_call_id": "tc_a", "outcome": "success", "result": {"text": "hello"}});
    let pending = auth(server.mock("POST", "/executions/execution:susp/tool-result"))
        .match_header("accept", "application/json")
        .match_body(Matcher::Json(body.clone()))
        .with_status(202)
        .with_body(fixture("tool-result-pending.json"))
        .create_async()
        .await;
    let (client, _) = client(&server.url());
    let request = ToolResultRequest::success("tc_a", json!({"text": "hello"}));
    let answer = client
        .post_tool_result("execution:susp", &request)
        .await
        .expect("post");
    pending.assert_async().await;
    let ToolResultResponse::Pending(answer) = answer else {
        panic!("not pending: {answer:?}")
    };
    assert_eq!((answer.status, answer.data.pending), (202, 1));

    let refused = ToolResultRequest::error("tc_b", "the user said no");
    let resumed = auth(server.mock("POST", "/executions/execution:susp/tool-result"))
        .match_header("accept", "text/event-stream")
        .match_body(Matcher::Json(json!({
            "tool_call_id": "tc_b", "outcome": "error", "result": {"error": "the user said no"}
        })))
        .with_header("content-type", "text/event-stream")
        .with_body(fixture("stream-resumed.sse"))
        .create_async()
        .await;
    let ToolResultResponse::Resumed(mut stream) = client
        .post_tool_result_stream("execution:susp", &refused)
        .await
        .expect("post")
    else {
        panic!("not resumed")
    };
    let events = drain(&mut stream).await;
    resumed.assert_async().await;
    assert_eq!(stream.execution_id(), Some("execution:susp"));
    assert!(
        matches!(events.last(), Some(ExecutionEvent::Final(f)) if f.status == ExecutionStatus::Completed)
    );
}

#[tokio::test]
async fn tool_result_asking_for_a_stream_may_get_202_pending() {
    let mut server = mockito::Server::new_async().await;
    let _mock = auth(server.mock("POST", "/executions/execution:susp/tool-result"))
        .with_status(202)
        .with_header("content-type", "application/json")
        .with_body(fixture("tool-result-pending.json"))
        .create_async()
        .await;
    let (client, _) = client(&server.url());
    let answer = client
        .post_tool_result_stream(
            "execution:susp",
            &ToolResultRequest::success("tc_a", json!(1)),
        )
        .await
        .expect("post");
    assert!(matches!(answer, ToolResultResponse::Pending(p) if p.data.pending == 1));
}

#[tokio::test]
async fn upload_sends_multipart_file_part() {
    let mut server = mockito::Server::new_async().await;
    let mock = auth(server.mock("POST", "/attachments/upload"))
        .match_header(
            "content-type",
            Matcher::Regex("^multipart/form-data; boundary=".into()),
        )
        .match_body(Matcher::AllOf(vec![
            Matcher::Regex(r#"name="file"; filename="notes.txt""#.into()),
            Matcher::Regex("(?i)content-type: text/plain".into()),
            Matcher::Regex("hello, world".into()),
        ]))
        .with_body(fixture("upload-response.json"))
        .create_async()
        .await;
    let dir = std::env::temp_dir().join(format!("athena-api-upload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("notes.txt");
    std::fs::write(&path, "hello, world").expect("write");
    let (client, _) = client(&server.url());
    let progress = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = progress.clone();
    let answer = client
        .upload_attachment(
            &path,
            Some(std::sync::Arc::new(move |sent, total| {
                seen.lock().unwrap().push((sent, total))
            })),
        )
        .await
        .expect("upload");
    mock.assert_async().await;
    assert_eq!(answer.data.storage_key, "uploads/ws/abc123/notes.txt");
    assert_eq!(answer.data.size_bytes, Some(12));
    assert_eq!(progress.lock().unwrap().last(), Some(&(12, 12)));
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn conversations_create_resume_archive_and_feedback() {
    let mut server = mockito::Server::new_async().await;
    let created = auth(server.mock("POST", "/my/conversations"))
        .match_body(Matcher::Json(json!({"agent_id": "agent:demo-chat"})))
        .with_status(201)
        .with_body(fixture("conversation-response.json"))
        .expect(1)
        .create_async()
        .await;
    let (client, _) = client(&server.url());
    let conversation = client
        .create_conversation("agent:demo-chat")
        .await
        .expect("create");
    created.assert_async().await;
    assert!(conversation.created());
    assert_eq!(conversation.data.conversation_id, "conversation:abc123");
    assert_eq!(conversation.data.status.as_deref(), Some("active"));

    let existing = auth(server.mock("POST", "/my/conversations"))
        .with_status(200)
        .with_body(fixture("conversation-response.json"))
        .create_async()
        .await;
    let again = client
        .create_conversation("agent:demo-chat")
        .await
        .expect("resume");
    existing.assert_async().await;
    assert!(!again.created());

    let archive = auth(server.mock("POST", "/my/conversations/conversation:abc123/archive"))
        .with_status(204)
        .create_async()
        .await;
    let meta = client
        .archive_conversation("conversation:abc123")
        .await
        .expect("archive");
    archive.assert_async().await;
    assert_eq!(meta.app_version.as_deref(), Some("appversion:7"));

    let feedback = auth(server.mock(
        "POST",
        "/my/conversations/conversation:abc123/messages/message:m1/feedback",
    ))
    .match_body(Matcher::Json(json!({"value": -1})))
    .with_status(200)
    .with_body(r#"{"data":{}}"#)
    .create_async()
    .await;
    client
        .message_feedback("conversation:abc123", "message:m1", Feedback::Down)
        .await
        .expect("feedback");
    feedback.assert_async().await;
}
