//! Request validation: message limits, unknown agents, malformed bodies.

use serde_json::json;

use crate::support::{client, error_code, execute, parse_events, start, stream_url};

const LIMIT_MESSAGE: &str = "message: must contain 1 to 65,536 characters";

#[tokio::test]
async fn body_over_2_mib_is_413() {
    let server = start().await;
    let response = execute(
        &server,
        "agent:demo-echo",
        &json!({"message": "x", "pad": "p".repeat(2 * 1024 * 1024)}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(error_code(response).await.0, 413);
}

#[tokio::test]
async fn empty_blank_and_too_long_messages_are_422() {
    let server = start().await;
    let too_long = "a".repeat(65_537);
    for body in [
        json!({"message": ""}),
        json!({"message": " \n\t "}),
        json!({"message": too_long}),
        json!({}),
    ] {
        let response = execute(&server, "agent:demo-echo", &body)
            .send()
            .await
            .unwrap();
        assert!(response.headers().get("x-credits-remaining").is_some());
        let (status, code, message) = error_code(response).await;
        assert_eq!((status, code.as_str()), (422, "invalid_request"));
        assert_eq!(message, LIMIT_MESSAGE);
    }
}

#[tokio::test]
async fn limit_counts_chars_not_bytes() {
    let server = start().await;
    let message = "é".repeat(65_536);
    assert_eq!(message.len(), 131_072);
    let response = execute(
        &server,
        "agent:demo-echo",
        &json!({"message": message, "variables": {"x": 1}, "unknown_field": [1, 2]}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    let events = parse_events(&response.text().await.unwrap());
    assert_eq!(events.last().unwrap()["output"]["text"], message.as_str());

    let over = "é".repeat(65_537);
    let response = execute(&server, "agent:demo-echo", &json!({"message": over}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(response).await.0, 422);
}

#[tokio::test]
async fn unknown_agent_is_404() {
    let server = start().await;
    let response = execute(&server, "agent:nobody", &json!({"message": "hi"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-workspace-id"], "workspace:demo");
    let (status, code, message) = error_code(response).await;
    assert_eq!((status, code.as_str()), (404, "agent_not_found"));
    assert!(message.contains("agent:nobody"), "{message}");
}

#[tokio::test]
async fn malformed_or_mistyped_json_is_400() {
    let server = start().await;
    for raw in ["{not json", r#"{"message": 42}"#, r#"["hi"]"#, r#""hi""#] {
        let response = client()
            .post(stream_url(&server, "agent:demo-echo"))
            .header("X-API-Key", server.api_key())
            .header("X-Workspace-Id", server.workspace_id())
            .header("content-type", "application/json")
            .body(raw)
            .send()
            .await
            .unwrap();
        let (status, code, _) = error_code(response).await;
        assert_eq!((status, code.as_str()), (400, "invalid_request"), "{raw}");
    }
}

#[tokio::test]
async fn bench_count_out_of_range_is_422() {
    let server = start().await;
    for message in ["0", "10000001", "many"] {
        let response = execute(&server, "agent:bench", &json!({"message": message}))
            .send()
            .await
            .unwrap();
        let (status, code, message) = error_code(response).await;
        assert_eq!((status, code.as_str()), (422, "invalid_request"));
        assert!(message.starts_with("message:"), "{message}");
    }
}

#[tokio::test]
async fn unknown_route_is_a_json_404() {
    let server = start().await;
    let response = client()
        .get(format!("{}/nope", server.base_url()))
        .send()
        .await
        .unwrap();
    let (status, code, _) = error_code(response).await;
    assert_eq!((status, code.as_str()), (404, "not_found"));
}

/// Sends `body` to the stream endpoint of `agent_id`; returns (status, code, message).
async fn refusal(agent_id: &str, body: serde_json::Value) -> (u16, String, String) {
    let server = start().await;
    let response = execute(&server, agent_id, &body).send().await.unwrap();
    error_code(response).await
}

fn tool(name: &str) -> serde_json::Value {
    json!({"name": name, "description": "d", "parameters": {"type": "object"}})
}

#[tokio::test]
async fn variables_are_capped_at_16_kib_of_compact_json() {
    let server = start().await;
    // {"k":"..."} is 8 bytes around the value.
    let at_limit = json!({"message": "x", "variables": {"k": "v".repeat(16_384 - 8)}});
    let ok = execute(&server, "agent:demo-echo", &at_limit)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let (status, code, message) = refusal(
        "agent:demo-echo",
        json!({"message": "x", "variables": {"k": "v".repeat(16_384 - 7)}}),
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "invalid_request"));
    assert_eq!(
        message,
        "variables: must be at most 16,384 bytes of compact JSON (got 16385)"
    );
}

#[tokio::test]
async fn client_tool_limits() {
    let many: Vec<_> = (0..33).map(|i| tool(&format!("tool_{i}"))).collect();
    let (status, _, message) = refusal(
        "agent:client-tools",
        json!({"message": "x", "client_tools": many}),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(message, "client_tools: at most 32 tools (got 33)");

    let thirty_two: Vec<_> = (0..32).map(|i| tool(&format!("tool_{i}"))).collect();
    let server = start().await;
    let ok = execute(
        &server,
        "agent:client-tools",
        &json!({"message": "x", "client_tools": thirty_two}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(ok.status(), 200);

    for bad in ["Read", "9lives", "has-dash", &"a".repeat(65)] {
        let (status, _, message) = refusal(
            "agent:client-tools",
            json!({"message": "x", "client_tools": [tool(bad)]}),
        )
        .await;
        assert_eq!(status, 422, "{bad}");
        assert!(
            message.starts_with("client_tools[0].name:")
                && message.contains("^[a-z][a-z0-9_]{0,63}$"),
            "{message}"
        );
    }

    let (status, _, message) = refusal(
        "agent:client-tools",
        json!({"message": "x", "client_tools": [tool("search_docs")]}),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        message,
        "client_tools[0].name: \"search_docs\" collides with a server tool of agent:client-tools"
    );
}

#[tokio::test]
async fn attachment_content_types_and_keys_are_checked() {
    let (status, _, message) = refusal(
        "agent:demo-echo",
        json!({"message": "x", "attachments": [{"filename": "a.bmp", "content_type": "image/bmp", "storage_key": "upload:x"}]}),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        message.starts_with("attachments[0].content_type: must be one of image/jpeg"),
        "{message}"
    );
    let (status, _, message) = refusal(
        "agent:demo-echo",
        json!({"message": "x", "attachments": [{"filename": "a.png", "content_type": "image/png", "storage_key": "upload:never"}]}),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        message.starts_with("attachments[0].storage_key"),
        "{message}"
    );
}

#[tokio::test]
async fn wrong_types_are_400_and_name_the_field() {
    for (body, field) in [
        (json!({"message": "x", "variables": [1]}), "variables"),
        (json!({"message": "x", "client_tools": {}}), "client_tools"),
        (json!({"message": "x", "attachments": "a"}), "attachments"),
        (
            json!({"message": "x", "conversation_scope": 5}),
            "conversation_scope",
        ),
    ] {
        let (status, _, message) = refusal("agent:demo-echo", body).await;
        assert_eq!(status, 400);
        assert!(message.starts_with(field), "{message}");
    }
}
