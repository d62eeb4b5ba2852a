//! Request validation: message limits, unknown agents, malformed bodies.

use serde_json::json;

use crate::support::{client, error_code, execute, parse_events, start, stream_url};

const LIMIT_MESSAGE: &str = "message: must contain 1 to 65,536 characters";

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
    for raw in ["{not json", r#"{"message": 42}"#, r#"["hi"]"#] {
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
