//! The published reference's own examples (`tests/fixtures/seed/`, copied verbatim),
//! read with the client's own types exactly as printed. A request body is also checked
//! to survive a round trip, i.e. the client would send exactly that document.

use athena_api::conversations::Feedback;
use athena_api::execute::StructuredOutput;
use athena_api::tool_results::ToolOutcome;
use athena_api::{
    BatchRequest, ExecuteRequest, ExecutionEvent, ExecutionOutput, ExecutionStatus,
    PreviewCreditsRequest, ToolResultRequest,
};
use mockito::Matcher;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::support::{client, fixture};

fn seed(name: &str) -> String {
    fixture(&format!("seed/{name}"))
}

/// Decodes a seed file as `T` and checks that `T` writes the same JSON back.
fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(name: &str) -> T {
    let text = seed(name);
    let value: T = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let printed: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(
        serde_json::to_value(&value).expect("encode"),
        printed,
        "{name} does not round-trip"
    );
    value
}

#[test]
fn execute_request_body() {
    let request: ExecuteRequest = round_trip("execute-request-body.json");
    request.validate().expect("within every documented limit");
    assert_eq!(
        request.message.as_deref(),
        Some("Summarise my last 7 days of activity")
    );
    assert_eq!(request.attachments.len(), 1);
    let attachment = &request.attachments[0];
    assert_eq!(
        (
            attachment.filename.as_str(),
            attachment.content_type.as_str(),
            attachment.storage_key.as_str()
        ),
        (
            "notes.pdf",
            "application/pdf",
            "attachments/user_abc/a1b2c3.pdf"
        )
    );
    assert_eq!(
        request.variables.as_ref().and_then(|v| v.get("tone")),
        Some(&json!("professional"))
    );
    assert_eq!(
        request.conversation_scope.as_deref(),
        Some("conversation:abc123")
    );
    assert_eq!(
        request.external_user_id.as_deref(),
        Some("firebase_uid_xyz")
    );
    let tool = &request.client_tools[0];
    assert_eq!(tool.name, "query_transactions");
    assert_eq!(
        tool.parameters["required"],
        json!(["start_date", "end_date"])
    );
}

#[tokio::test]
async fn execute_sync_response() {
    let mut server = mockito::Server::new_async().await;
    let _mock = server
        .mock("POST", "/agents/agent:demo/execute")
        .with_header("content-type", "application/json")
        .with_body(seed("execute-sync-response.json"))
        .create_async()
        .await;
    let (client, _) = client(&server.url());
    let answer = client
        .execute("agent:demo", &ExecuteRequest::message("hi"), None)
        .await
        .expect("the printed response decodes");
    let result = answer.data;
    assert_eq!(result.execution_id, "execution:xyz");
    assert_eq!(result.status, ExecutionStatus::Completed);
    assert_eq!(result.latency_ms, Some(2341));
    assert_eq!(result.error, None);
    let output = result.output.expect("output");
    assert_eq!(output.text.as_deref(), Some("Here is your summary..."));
    let usage = output.usage.expect("usage");
    assert_eq!(
        (usage.input_tokens, usage.output_tokens, usage.total_tokens),
        (150, 280, 430)
    );
    assert_eq!(output.cost_microdollars, Some(4200));
}

#[test]
fn execute_batch_request() {
    let batch: BatchRequest = round_trip("execute-batch-request.json");
    batch.validate().expect("valid");
    let items: Vec<(&str, Option<&str>)> = batch
        .items
        .iter()
        .map(|i| (i.key.as_str(), i.request.message.as_deref()))
        .collect();
    assert_eq!(
        items,
        [
            ("item-1", Some("Summarize this article: ...")),
            ("item-2", Some("Translate to French: ..."))
        ]
    );
}

#[test]
fn preview_credits_request() {
    let request: PreviewCreditsRequest = round_trip("preview-credits-request.json");
    assert_eq!(
        Value::Object(request.inputs),
        json!({"tone": "professional", "length": "long"})
    );
}

#[test]
fn tool_result_request() {
    let request: ToolResultRequest = round_trip("tool-result-request.json");
    assert_eq!(request.tool_call_id, "tc_abc123");
    assert_eq!(request.outcome, ToolOutcome::Success);
    assert_eq!(request.result["total"], json!(5.5));
    assert_eq!(
        request,
        ToolResultRequest::success("tc_abc123", json!({"transactions": [], "total": 5.50}))
    );
}

#[tokio::test]
async fn conversation_create_and_feedback_requests_are_what_the_client_sends() {
    let printed = |name: &str| -> Value { serde_json::from_str(&seed(name)).expect("json") };
    let mut server = mockito::Server::new_async().await;
    let create = server
        .mock("POST", "/my/conversations")
        .match_body(Matcher::Json(printed("conversation-create-request.json")))
        .with_status(201)
        .with_body(fixture("conversation-response.json"))
        .create_async()
        .await;
    let feedback = server
        .mock(
            "POST",
            "/my/conversations/conversation:abc123/messages/message:m1/feedback",
        )
        .match_body(Matcher::Json(printed("message-feedback-request.json")))
        .with_status(200)
        .create_async()
        .await;
    let (client, _) = client(&server.url());
    client
        .create_conversation("agent:0bve9rxqh0hm7t5bq24j")
        .await
        .expect("create");
    client
        .message_feedback("conversation:abc123", "message:m1", Feedback::Up)
        .await
        .expect("feedback");
    create.assert_async().await;
    feedback.assert_async().await;
}

#[test]
fn structured_output_response() {
    // The reference prints only `data.output` of this answer.
    #[derive(Deserialize)]
    struct Excerpt {
        data: Data,
    }
    #[derive(Deserialize)]
    struct Data {
        output: ExecutionOutput,
    }
    let excerpt: Excerpt =
        serde_json::from_str(&seed("structured-output-response.json")).expect("decodes");
    let output = excerpt.data.output;
    assert_eq!(
        output.text.as_deref(),
        Some(r#"{"type":"card","amount":"$2,450"}"#)
    );
    assert_eq!(
        output.structured(),
        Some(StructuredOutput::Json(
            json!({"type": "card", "amount": "$2,450"})
        ))
    );
}

#[tokio::test]
async fn stream_final_event_ends_the_stream_with_usage_and_cost() {
    let mut server = mockito::Server::new_async().await;
    let _mock = server
        .mock("POST", "/agents/agent:demo/execute/stream")
        .with_header("content-type", "text/event-stream")
        .with_body(seed("stream-final-event.sse"))
        .create_async()
        .await;
    let (client, _) = client(&server.url());
    let mut stream = client
        .execute_stream("agent:demo", &ExecuteRequest::message("hi"), None)
        .expect("stream");
    let Some(Ok(ExecutionEvent::Final(fin))) = stream.next().await else {
        panic!("not a final")
    };
    assert!(stream.next().await.is_none(), "the stream ends after final");
    assert_eq!(fin.undecoded, None);
    assert_eq!(fin.status, ExecutionStatus::Completed);
    assert_eq!(fin.latency_ms, Some(2341));
    let output = fin.output.expect("output");
    assert_eq!(output.usage.map(|u| u.total_tokens), Some(430));
    assert_eq!(output.cost_microdollars, Some(4200));
}

#[test]
fn stream_final_structured_output_still_ends_without_a_status() {
    let events = athena_api::decode_sse_bytes(
        seed("stream-final-structured-output.sse").as_bytes(),
        usize::MAX,
        1 << 20,
    );
    let [Ok(ExecutionEvent::Final(fin))] = events.as_slice() else {
        panic!("{events:?}")
    };
    // The reference elides `status` in this excerpt: the final is still the end, with
    // its output, and says what it lacked.
    assert_eq!(fin.status, ExecutionStatus::Other("unknown".into()));
    let problem = fin.undecoded.as_ref().expect("the problem is kept");
    assert!(
        problem.message.contains("missing field `status`"),
        "{problem:?}"
    );
    assert_eq!(
        fin.output.as_ref().and_then(ExecutionOutput::structured),
        Some(StructuredOutput::Json(
            json!({"type": "card", "amount": "$2,450"})
        ))
    );
}
