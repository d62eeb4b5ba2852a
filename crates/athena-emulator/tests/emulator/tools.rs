//! Client-tool suspension and resumption (contract "Suspension" and "Client-fulfilled
//! tools" step 4).

use serde_json::{Value, json};

use athena_emulator::EmulatorHandle;

use crate::support::{
    balance, client, error_code, of_type, parse_events, post, start, stream_events, text_of,
};

fn tools() -> Value {
    json!([
        {"name": "read_file", "description": "Reads a file",
         "parameters": {"type": "object", "properties": {"path": {"type": "string"}}}},
        {"name": "list_dir", "description": "Lists a folder",
         "parameters": {"type": "object", "properties": {"path": {"type": "string"}}}},
        {"name": "clock", "description": "Current time", "parameters": {"type": "object"}}
    ])
}

fn tool_result(
    server: &EmulatorHandle,
    execution_id: &str,
    body: &Value,
) -> reqwest::RequestBuilder {
    client()
        .post(format!(
            "{}/executions/{execution_id}/tool-result",
            server.base_url()
        ))
        .header("X-API-Key", server.api_key())
        .header("X-Workspace-Id", server.workspace_id())
        .json(body)
}

/// Starts an execution that calls read_file and list_dir; returns (execution id, calls).
async fn suspend(server: &EmulatorHandle) -> (String, Vec<Value>) {
    let (status, _, events) = stream_events(post(
        server,
        "/agents/agent:client-tools/execute/stream",
        &json!({"message": "please read_file and list_dir", "client_tools": tools()}),
    ))
    .await;
    assert_eq!(status, 200);
    let id = events[0]["execution_id"].as_str().unwrap().to_owned();
    let calls: Vec<Value> = of_type(&events, "tool_call_awaiting_client")
        .into_iter()
        .cloned()
        .collect();
    assert_eq!(calls.len(), 2);
    for c in &calls {
        assert_eq!(c["execution_id"], id.as_str());
        assert!(c["tool_call_id"].as_str().unwrap().starts_with("tc_"));
        assert_eq!(c["arguments"]["path"], "notes.txt");
    }
    let fin = events.last().unwrap();
    assert_eq!(fin["type"], "final");
    assert_eq!(fin["status"], "awaiting_client_tool");
    assert!(fin.get("output").is_none(), "no output while suspended");
    let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    let first_call = kinds
        .iter()
        .position(|k| *k == "tool_call_awaiting_client")
        .unwrap();
    assert_eq!(
        kinds[first_call..],
        [
            "tool_call_awaiting_client",
            "tool_call_awaiting_client",
            "final"
        ]
    );
    (id, calls)
}

#[tokio::test]
async fn suspends_then_the_last_post_streams_the_resumed_execution() {
    let server = start().await;
    let before = balance(&server).await;
    let (id, calls) = suspend(&server).await;
    assert_eq!(
        balance(&server).await,
        before,
        "not charged while suspended"
    );

    let first = tool_result(
        &server,
        &id,
        &json!({"tool_call_id": calls[0]["tool_call_id"], "outcome": "success",
                "result": {"content": "hello from the file"}}),
    )
    .header("Accept", "text/event-stream")
    .send()
    .await
    .unwrap();
    assert_eq!(
        first.status(),
        202,
        "earlier posts answer 202 even with Accept SSE"
    );
    assert_eq!(
        first.json::<Value>().await.unwrap(),
        json!({"data": {"pending": 1}})
    );

    let again = tool_result(
        &server,
        &id,
        &json!({"tool_call_id": calls[0]["tool_call_id"], "outcome": "success", "result": {}}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(error_code(again).await.0, 409);

    let last = tool_result(
        &server,
        &id,
        &json!({"tool_call_id": calls[1]["tool_call_id"], "outcome": "error",
                "result": {"error": "permission denied"}}),
    )
    .header("Accept", "text/event-stream")
    .send()
    .await
    .unwrap();
    assert_eq!(last.status(), 200);
    assert_eq!(last.headers()["content-type"], "text/event-stream");
    let events = parse_events(&last.text().await.unwrap());
    assert_eq!(events[0]["type"], "start");
    assert_eq!(events[0]["execution_id"], id.as_str(), "same execution id");
    let fin = events.last().unwrap();
    assert_eq!(fin["type"], "final");
    assert_eq!(fin["status"], "completed");
    let text = text_of(&events);
    assert_eq!(fin["output"]["text"], text.as_str());
    assert!(
        text.contains("hello from the file"),
        "uses the result: {text}"
    );
    assert!(
        text.contains("`list_dir` failed: permission denied"),
        "{text}"
    );
    let cost = fin["output"]["cost_microdollars"].as_u64().unwrap();
    assert_eq!(
        before - balance(&server).await,
        cost.div_ceil(1_000),
        "charged once, at the end"
    );

    let gone = tool_result(
        &server,
        &id,
        &json!({"tool_call_id": calls[1]["tool_call_id"], "outcome": "success", "result": {}}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(error_code(gone).await.0, 404, "no longer waiting");
}

#[tokio::test]
async fn last_post_without_sse_accept_returns_the_final_json() {
    let server = start().await;
    let (id, calls) = suspend(&server).await;
    for (i, call) in calls.iter().enumerate() {
        let r = tool_result(
            &server,
            &id,
            &json!({"tool_call_id": call["tool_call_id"], "outcome": "success", "result": {"n": i}}),
        )
        .send()
        .await
        .unwrap();
        if i == 0 {
            assert_eq!(r.status(), 202);
        } else {
            assert_eq!(r.status(), 200);
            let body: Value = r.json().await.unwrap();
            assert_eq!(body["data"]["execution_id"], id.as_str());
            assert_eq!(body["data"]["status"], "completed");
            assert!(
                body["data"]["output"]["text"]
                    .as_str()
                    .unwrap()
                    .contains("{\"n\":1}")
            );
        }
    }
}

#[tokio::test]
async fn tool_result_validation() {
    let server = start().await;
    let (id, calls) = suspend(&server).await;
    let cases = [
        (json!({"outcome": "success"}), 422, "tool_call_id"),
        (
            json!({"tool_call_id": calls[0]["tool_call_id"], "outcome": "maybe"}),
            422,
            "outcome",
        ),
        (
            json!({"tool_call_id": "tc_unknown", "outcome": "success"}),
            404,
            "tool_call_id",
        ),
    ];
    for (body, status, needle) in cases {
        let (s, _, message) =
            error_code(tool_result(&server, &id, &body).send().await.unwrap()).await;
        assert_eq!(s, status, "{body}");
        assert!(message.contains(needle), "{message}");
    }
    let (s, code, _) = error_code(
        tool_result(
            &server,
            "execution:nope",
            &json!({"tool_call_id": "tc_1", "outcome": "success"}),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!((s, code.as_str()), (404, "execution_not_found"));
}

#[tokio::test]
async fn without_a_request_for_tools_it_just_answers() {
    let server = start().await;
    let (_, _, events) = stream_events(post(
        &server,
        "/agents/agent:client-tools/execute/stream",
        &json!({"message": "hello", "client_tools": tools()}),
    ))
    .await;
    assert_eq!(events.last().unwrap()["status"], "completed");
    assert!(text_of(&events).contains("read_file, list_dir, clock"));
}
