//! Tolerant reading over the wire: payload fields the contract leaves open arrive in
//! other shapes, some events cannot be read at all, and still nothing is dropped and
//! only `final`/`error` end the stream.

use athena_api::{ApiError, ExecuteRequest, ExecutionEvent, ExecutionStatus};

use crate::support::client;

async fn stream_of(body: &str) -> Vec<Result<ExecutionEvent, ApiError>> {
    let mut server = mockito::Server::new_async().await;
    let _mock = server
        .mock("POST", "/agents/agent:demo/execute/stream")
        .with_header("content-type", "text/event-stream")
        .with_body(body)
        .create_async()
        .await;
    let (client, _) = client(&server.url());
    let mut stream = client
        .execute_stream("agent:demo", &ExecuteRequest::message("hi"), None)
        .expect("stream");
    let mut items = Vec::new();
    while let Some(item) = stream.next().await {
        items.push(item);
    }
    items
}

#[tokio::test]
async fn a_stream_in_unexpected_shapes_loses_nothing_and_ends_at_its_final() {
    let body = concat!(
        "data: {\"type\":\"start\",\"execution_id\":123}\n\n",
        "data: {\"type\":\"text\",\"delta\":\"Hi\"}\n\n",
        "data: {\"type\":\"tool_call\",\"tool_call_id\":\"t1\"}\n\n",
        "data: this is not json\n\n",
        "data: {\"type\":\"media_gen_complete\",\"job_id\":9,\"media\":[{\"url\":\"u\",\"width\":512.0,\"height\":\"512\"}]}\n\n",
        "data: {\"type\":\"final\",\"status\":\"completed\",\"output\":{\"usage\":{\"input_tokens\":\"lots\"}},\"latency_ms\":\"2341\"}\n\n",
    );
    let items = stream_of(body).await;
    assert_eq!(items.len(), 6, "{items:?}");
    assert!(
        matches!(&items[0], Ok(ExecutionEvent::Start { execution_id }) if execution_id == "123")
    );
    assert!(matches!(&items[1], Ok(ExecutionEvent::Text { .. })));
    assert!(
        matches!(&items[2], Err(ApiError::Decode { message, raw, .. }) if message.contains("name") && raw.contains("\"t1\"")),
        "a tool call without a name is kept with its problem: {:?}",
        items[2]
    );
    assert!(
        matches!(&items[3], Err(ApiError::Decode { raw, .. }) if raw == "this is not json"),
        "{:?}",
        items[3]
    );
    let Ok(ExecutionEvent::MediaGenComplete { job_id, media }) = &items[4] else {
        panic!("{:?}", items[4])
    };
    assert_eq!(
        (job_id.as_str(), media[0].width, media[0].height),
        ("9", Some(512), Some(512))
    );
    let Ok(ExecutionEvent::Final(fin)) = &items[5] else {
        panic!("the unreadable final still ends the stream: {:?}", items[5])
    };
    assert_eq!(fin.status, ExecutionStatus::Completed);
    assert_eq!(fin.latency_ms, Some(2341));
    let problem = fin.undecoded.as_ref().expect("the problem is kept");
    assert_eq!(problem.path, "output.usage.input_tokens");
    assert!(problem.raw.contains("lots"));
}

#[tokio::test]
async fn an_error_event_whose_error_is_text_ends_the_stream() {
    let body = concat!(
        "data: {\"type\":\"start\",\"execution_id\":\"execution:e\"}\n\n",
        "data: {\"type\":\"error\",\"error\":\"quota exceeded\",\"code\":402}\n\n",
        "data: {\"type\":\"text\",\"delta\":\"never read\"}\n\n",
    );
    let items = stream_of(body).await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(
        items[1].as_ref().expect("error event"),
        &ExecutionEvent::Error {
            code: Some("402".into()),
            message: Some("quota exceeded".into())
        }
    );
}
