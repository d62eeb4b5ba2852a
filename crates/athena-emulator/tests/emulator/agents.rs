//! The scripted agents and the event types they exercise.

use std::time::Duration;

use athena_emulator::EmulatorConfig;
use serde_json::{Value, json};

use crate::support::{balance, client, of_type, post, start, start_with, stream_events, text_of};

fn kinds(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["type"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn markdown_agent_reasons_first_then_streams_markdown() {
    let server = start().await;
    let (_, _, events) = stream_events(post(
        &server,
        "/agents/agent:markdown/execute/stream",
        &json!({"message": "explain streaming"}),
    ))
    .await;
    assert_eq!(kinds(&events)[..2], ["start", "reasoning"]);
    let first_text = kinds(&events).iter().position(|k| *k == "text").unwrap();
    assert!(
        kinds(&events)[1..first_text]
            .iter()
            .all(|k| *k == "reasoning")
    );
    let text = text_of(&events);
    for needle in [
        "## Overview",
        "1. **Streaming**",
        "- fast feedback",
        "|---|",
        "```rust\n",
        "$$",
    ] {
        assert!(text.contains(needle), "{needle} in {text}");
    }
    assert_eq!(events.last().unwrap()["output"]["text"], text.as_str());
}

#[tokio::test]
async fn workflow_agent_runs_nodes_and_a_server_tool() {
    let server = start().await;
    let (_, _, events) = stream_events(post(
        &server,
        "/agents/agent:workflow/execute/stream",
        &json!({"message": "what is SSE"}),
    ))
    .await;
    let starts = of_type(&events, "node_start");
    let completes = of_type(&events, "node_complete");
    assert_eq!((starts.len(), completes.len()), (3, 3));
    for e in starts.iter().chain(&completes) {
        assert!(e["node_id"].is_string() && e["node_type"].is_string() && e["label"].is_string());
    }
    let call = of_type(&events, "tool_call")[0];
    let result = of_type(&events, "tool_result")[0];
    assert_eq!(call["name"], "web_search");
    assert_eq!(call["arguments"]["query"], "what is SSE");
    assert_eq!(result["tool_call_id"], call["tool_call_id"]);
    assert_eq!(result["is_error"], false);
    assert!(result["result"]["results"].is_array());
    assert_eq!(events.last().unwrap()["status"], "completed");
}

#[tokio::test]
async fn media_agent_heartbeats_and_serves_its_media() {
    let server = start_with(EmulatorConfig {
        heartbeat_interval: Duration::from_millis(5),
        media_generation_time: Duration::from_millis(23),
        ..EmulatorConfig::default()
    })
    .await;
    let (_, _, events) = stream_events(post(
        &server,
        "/agents/agent:media/execute/stream",
        &json!({"message": "a sunset over the sea"}),
    ))
    .await;
    let submitted = of_type(&events, "media_gen_submitted");
    assert_eq!(submitted.len(), 2);
    assert_eq!(submitted[0]["kind"], "image");
    assert_eq!(submitted[1]["kind"], "video");
    assert_eq!(submitted[0]["prompt"], "a sunset over the sea");
    assert_eq!(of_type(&events, "heartbeat").len(), 4);
    let complete = of_type(&events, "media_gen_complete");
    assert_eq!(complete.len(), 2);
    assert_eq!(complete[0]["job_id"], submitted[0]["job_id"]);
    for (event, content_type) in complete.iter().zip(["image/png", "video/webm"]) {
        let media = &event["media"][0];
        assert_eq!(media["content_type"], content_type);
        assert_eq!(
            (media["width"].as_u64(), media["height"].as_u64()),
            (Some(320), Some(240))
        );
        let url = media["url"].as_str().unwrap();
        assert!(url.starts_with(&server.base_url()), "{url}");
        let r = client().get(url).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], content_type);
    }
    let k = kinds(&events);
    let last_heartbeat = k.iter().rposition(|t| *t == "heartbeat").unwrap();
    let first_complete = k.iter().position(|t| *t == "media_gen_complete").unwrap();
    assert!(last_heartbeat < first_complete);
}

#[tokio::test]
async fn structured_agent_returns_parsed_output() {
    let server = start().await;
    let response = post(
        &server,
        "/agents/agent:structured/execute",
        &json!({"message": "I love this great emulator?"}),
    )
    .send()
    .await
    .unwrap();
    let body: Value = response.json().await.unwrap();
    let output = &body["data"]["output"];
    let parsed = &output["parsed_output"];
    assert_eq!(parsed["sentiment"], "positive");
    assert_eq!(parsed["word_count"], 5);
    assert_eq!(parsed["is_question"], true);
    let reparsed: Value = serde_json::from_str(output["text"].as_str().unwrap()).unwrap();
    assert_eq!(&reparsed, parsed, "the text is the same JSON");
}

#[tokio::test]
async fn wizard_needs_no_message_uses_variables_and_charges_its_preview() {
    let server = start().await;
    let vars = json!({"topic": "Tauri apps", "sections": 4, "rush": true});
    let preview: Value = post(
        &server,
        "/agents/agent:wizard/preview-credits",
        &json!({"inputs": vars}),
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let credits = preview["data"]["credits"].as_u64().unwrap();
    let before = balance(&server).await;
    let (status, _, events) = stream_events(post(
        &server,
        "/agents/agent:wizard/execute/stream",
        &json!({"variables": vars}),
    ))
    .await;
    assert_eq!(status, 200);
    let text = text_of(&events);
    assert!(text.starts_with("# Outline: Tauri apps"), "{text}");
    assert!(text.contains("4. Section 4"), "{text}");
    let fin = events.last().unwrap();
    assert_eq!(
        fin["output"]["cost_microdollars"].as_u64(),
        Some(credits * 1_000)
    );
    assert_eq!(before - balance(&server).await, credits);
}

#[tokio::test]
async fn memory_without_scope_has_no_history() {
    let server = start().await;
    let path = "/agents/agent:memory/execute/stream";
    stream_events(post(&server, path, &json!({"message": "remember me"}))).await;
    let (_, _, events) = stream_events(post(
        &server,
        path,
        &json!({"message": "what did I say first?"}),
    ))
    .await;
    assert!(
        text_of(&events).starts_with("This is the first thing"),
        "no scope, no memory"
    );
}
