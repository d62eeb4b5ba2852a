//! Every endpoint besides the stream: sync, batch, preview-credits, uploads,
//! conversations, feedback, media.

use serde_json::{Value, json};

use crate::support::{
    balance, client, credits, error_code, of_type, post, start, stream_events, text_of,
};

#[tokio::test]
async fn sync_execute_returns_one_json_object_and_charges() {
    let server = start().await;
    let before = balance(&server).await;
    let response = post(
        &server,
        "/agents/agent:demo-echo/execute",
        &json!({"message": "a b c"}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-app-version"], "appversion:demo-1");
    assert_eq!(response.headers()["x-workspace-id"], "workspace:demo");
    let header_credits = credits(response.headers());
    let body: Value = response.json().await.unwrap();
    let data = &body["data"];
    assert!(
        data["execution_id"]
            .as_str()
            .unwrap()
            .starts_with("execution:")
    );
    assert_eq!(data["status"], "completed");
    assert_eq!(data["output"]["text"], "a b c");
    assert_eq!(data["output"]["usage"]["input_tokens"], 3 + 12);
    assert_eq!(data["output"]["usage"]["output_tokens"], 3);
    assert_eq!(data["output"]["usage"]["total_tokens"], 18);
    let cost = data["output"]["cost_microdollars"].as_u64().unwrap();
    assert_eq!(cost, 15 * 3 + 3 * 15);
    assert!(data["latency_ms"].is_u64());
    assert_eq!(before - header_credits, cost.div_ceil(1_000));
}

#[tokio::test]
async fn batch_streams_started_progress_completed() {
    let server = start().await;
    let before = balance(&server).await;
    let body = json!({"items": [
        {"key": "item-1", "message": "one two"},
        {"key": "item-2", "message": "three"}
    ]});
    let (status, headers, events) = stream_events(post(
        &server,
        "/agents/agent:demo-echo/execute/batch",
        &body,
    ))
    .await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "text/event-stream");
    let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "batch_started",
            "batch_progress",
            "batch_progress",
            "batch_completed"
        ]
    );
    assert_eq!(events[0]["total"], 2);
    let batch_id = events[0]["batch_id"].as_str().unwrap();
    assert_eq!(events[1]["key"], "item-1");
    assert_eq!(events[1]["status"], "completed");
    assert_eq!(events[1]["output"]["text"], "one two");
    assert_eq!(
        (
            events[1]["completed"].as_u64(),
            events[1]["failed"].as_u64()
        ),
        (Some(1), Some(0))
    );
    assert_eq!(events[2]["completed"], 2);
    let done = &events[3];
    assert_eq!(done["batch_id"], batch_id);
    assert_eq!(
        (done["succeeded"].as_u64(), done["failed"].as_u64()),
        (Some(2), Some(0))
    );
    let c1 = events[1]["output"]["cost_microdollars"].as_u64().unwrap();
    let c2 = events[2]["output"]["cost_microdollars"].as_u64().unwrap();
    assert_eq!(done["cost_microdollars"].as_u64(), Some(c1 + c2));
    assert_eq!(done["usage"]["output_tokens"], 3);
    assert_eq!(
        before - balance(&server).await,
        c1.div_ceil(1_000) + c2.div_ceil(1_000)
    );
}

#[tokio::test]
async fn batch_keys_must_be_unique_and_non_empty() {
    let server = start().await;
    let path = "/agents/agent:demo-echo/execute/batch";
    for (items, needle) in [
        (
            json!([{"key": "a", "message": "x"}, {"key": "a", "message": "y"}]),
            "items[1].key",
        ),
        (json!([{"key": "", "message": "x"}]), "items[0].key"),
        (json!([{"message": "x"}]), "items[0].key"),
        (
            json!([{"key": "a", "message": ""}]),
            "items[0].message: must contain 1 to 65,536",
        ),
        (json!([]), "items: must hold 1 to 100"),
    ] {
        let response = post(&server, path, &json!({"items": items}))
            .send()
            .await
            .unwrap();
        let (status, code, message) = error_code(response).await;
        assert_eq!(
            (status, code.as_str()),
            (422, "invalid_request"),
            "{needle}"
        );
        assert!(message.contains(needle), "{message} should name {needle}");
    }
}

#[tokio::test]
async fn preview_credits_explains_and_charges_nothing() {
    let server = start().await;
    let before = balance(&server).await;
    let response = post(
        &server,
        "/agents/agent:wizard/preview-credits",
        &json!({"inputs": {"topic": "Rust", "sections": 4, "rush": true}}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let data = &body["data"];
    assert_eq!(data["base_cost"], 2);
    assert_eq!(data["credits"], 2 + 4 + 5);
    let rules = data["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 2);
    assert!(
        rules
            .iter()
            .all(|r| r["name"].is_string() && r["description"].is_string())
    );
    assert_eq!(balance(&server).await, before, "preview is free");
    let bad = post(
        &server,
        "/agents/agent:wizard/preview-credits",
        &json!({"inputs": 3}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn conversations_create_archive_and_feedback() {
    let server = start().await;
    let create = || async {
        let r = client()
            .post(format!("{}/my/conversations", server.base_url()))
            .header("X-API-Key", server.api_key())
            .json(&json!({"agent_id": "agent:memory"}))
            .send()
            .await
            .unwrap();
        assert!(r.headers().get("x-credits-remaining").is_some());
        let status = r.status().as_u16();
        (status, r.json::<Value>().await.unwrap())
    };
    let (status, first) = create().await;
    assert_eq!(status, 201);
    let cid = first["data"]["conversation_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(cid.starts_with("conversation:"));
    assert_eq!(first["data"]["status"], "active");
    assert_eq!(first["data"]["agent_id"], "agent:memory");
    let (status, same) = create().await;
    assert_eq!(
        (status, &same["data"]["conversation_id"]),
        (200, &json!(cid))
    );

    // Conversation memory: the agent sees the earlier turns.
    let path = "/agents/agent:memory/execute/stream";
    let turn = |m: &str| json!({"message": m, "conversation_scope": cid});
    let (_, _, first_turn) =
        stream_events(post(&server, path, &turn("My cat is called Tom"))).await;
    let mid = first_turn.last().unwrap()["message_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(mid.starts_with("message:"));
    let (_, _, recall) = stream_events(post(&server, path, &turn("What did I say first?"))).await;
    assert_eq!(
        text_of(&recall),
        "You first said: \"My cat is called Tom\"."
    );
    let fin = recall.last().unwrap();
    assert!(
        fin["output"]["usage"]["input_tokens"].as_u64().unwrap() > 4 + 12,
        "history counted"
    );

    let feedback = |cid: &str, mid: &str, value: Value| {
        client()
            .post(format!(
                "{}/my/conversations/{cid}/messages/{mid}/feedback",
                server.base_url()
            ))
            .header("X-API-Key", server.api_key())
            .json(&json!({"value": value}))
            .send()
    };
    assert_eq!(feedback(&cid, &mid, json!(1)).await.unwrap().status(), 200);
    assert_eq!(feedback(&cid, &mid, json!(-1)).await.unwrap().status(), 200);
    assert_eq!(feedback(&cid, &mid, json!(2)).await.unwrap().status(), 422);
    assert_eq!(
        feedback(&cid, "message:nope", json!(1))
            .await
            .unwrap()
            .status(),
        404
    );

    let archived = client()
        .post(format!(
            "{}/my/conversations/{cid}/archive",
            server.base_url()
        ))
        .header("X-API-Key", server.api_key())
        .send()
        .await
        .unwrap();
    assert_eq!(archived.status(), 200);
    let (status, fresh) = create().await;
    assert_eq!(status, 201);
    assert_ne!(fresh["data"]["conversation_id"], json!(cid));
    let (status, _, _) = stream_events(post(&server, path, &turn("still there?"))).await;
    assert_eq!(status, 422, "an archived conversation is read-only");
}

#[tokio::test]
async fn conversations_need_a_key() {
    let server = start().await;
    let r = client()
        .post(format!("{}/my/conversations", server.base_url()))
        .json(&json!({"agent_id": "agent:memory"}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(r).await.0, 401);
    let r = client()
        .post(format!("{}/my/conversations", server.base_url()))
        .header("X-API-Key", server.api_key())
        .header("X-Workspace-Id", "workspace:other")
        .json(&json!({"agent_id": "agent:memory"}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(r).await.0, 403);
}

#[tokio::test]
async fn message_id_only_with_a_scope() {
    let server = start().await;
    let (_, _, events) = stream_events(post(
        &server,
        "/agents/agent:demo-echo/execute/stream",
        &json!({"message": "x"}),
    ))
    .await;
    assert!(events.last().unwrap().get("message_id").is_none());
    assert!(of_type(&events, "final").len() == 1);
}
