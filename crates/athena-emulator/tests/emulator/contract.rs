//! Requests exactly as the published reference prints them, the batch cap, and one
//! active conversation per agent under concurrent creates.

use serde_json::{Value, json};

use crate::support::{client, error_code, post, start};

#[tokio::test]
async fn preview_credits_accepts_the_references_example_as_printed() {
    let server = start().await;
    // The reference: `POST /agents/{agent_id}/preview-credits`, `X-API-Key: eak_...`,
    // body `{ "inputs": { "tone": "professional", "length": "long" } }`. No workspace
    // header, no content type.
    let response = client()
        .post(format!(
            "{}/agents/agent:demo-chat/preview-credits",
            server.base_url()
        ))
        .header("X-API-Key", server.api_key())
        .body(r#"{ "inputs": { "tone": "professional", "length": "long" } }"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert!(body["data"]["credits"].is_number(), "{body}");
    assert!(body["data"]["base_cost"].is_number(), "{body}");
    assert!(body["data"]["rules"].is_array(), "{body}");
}

#[tokio::test]
async fn a_batch_over_100_items_is_422_naming_the_limit() {
    let server = start().await;
    let items: Vec<Value> = (0..101)
        .map(|i| json!({"key": format!("item-{i}"), "message": "hi"}))
        .collect();
    let response = post(
        &server,
        "/agents/agent:demo-echo/execute/batch",
        &json!({ "items": items }),
    )
    .send()
    .await
    .unwrap();
    let (status, _, message) = error_code(response).await;
    assert_eq!(status, 422);
    assert!(
        message.contains("items") && message.contains("100"),
        "{message}"
    );

    let at_cap: Vec<Value> = (0..100)
        .map(|i| json!({"key": format!("item-{i}"), "message": "hi"}))
        .collect();
    let response = post(
        &server,
        "/agents/agent:demo-echo/execute/batch",
        &json!({ "items": at_cap }),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(response.status(), 200, "100 items is allowed");
}

#[tokio::test]
async fn concurrent_creates_leave_one_active_conversation_per_agent() {
    let server = start().await;
    let creates = (0..16).map(|_| {
        post(
            &server,
            "/my/conversations",
            &json!({"agent_id": "agent:memory"}),
        )
        .send()
    });
    let responses = futures_util::future::join_all(creates).await;
    let mut created = 0;
    let mut ids = std::collections::BTreeSet::new();
    for response in responses {
        let response = response.unwrap();
        if response.status() == 201 {
            created += 1;
        } else {
            assert_eq!(response.status(), 200);
        }
        let body: Value = response.json().await.unwrap();
        ids.insert(body["data"]["conversation_id"].as_str().unwrap().to_owned());
    }
    assert_eq!(created, 1, "exactly one create made a new conversation");
    assert_eq!(
        ids.len(),
        1,
        "every create answered the one active conversation: {ids:?}"
    );
}
