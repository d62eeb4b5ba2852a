//! The demo agents' streams: event order, text, usage, headers, credits.

use std::time::Duration;

use athena_emulator::EmulatorConfig;
use serde_json::{Value, json};

use crate::support::{execute, parse_events, start, start_with};

/// Sends `message` to `agent_id`, returns the headers' credits and the events.
async fn run(
    server: &athena_emulator::EmulatorHandle,
    agent_id: &str,
    message: &str,
) -> (reqwest::header::HeaderMap, Vec<Value>) {
    let response = execute(server, agent_id, &json!({"message": message}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    let body = response.text().await.unwrap();
    (headers, parse_events(&body))
}

fn credits(headers: &reqwest::header::HeaderMap) -> u64 {
    headers["x-credits-remaining"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// Checks start, text..., final and returns (concatenated deltas, final event).
fn check_shape(events: &[Value]) -> (String, Value) {
    assert!(events.len() >= 3, "start, text, final: {events:?}");
    assert_eq!(events[0]["type"], "start");
    let id = events[0]["execution_id"].as_str().unwrap();
    assert!(
        id.starts_with("execution:") && id.len() > "execution:".len() + 30,
        "{id}"
    );
    let (last, middle) = events[1..].split_last().unwrap();
    let mut text = String::new();
    for e in middle {
        assert_eq!(e["type"], "text", "{e}");
        text.push_str(e["delta"].as_str().unwrap());
    }
    assert_eq!(last["type"], "final");
    (text, last.clone())
}

#[tokio::test]
async fn demo_chat_streams_start_text_final_with_exact_usage() {
    let server = start().await;
    let message = "Hello there, emulator";
    let (headers, events) = run(&server, "agent:demo-chat", message).await;

    assert_eq!(headers["content-type"], "text/event-stream");
    assert_eq!(headers["cache-control"], "no-cache");
    assert_eq!(headers["x-app-version"], "appversion:demo-1");
    assert_eq!(headers["x-workspace-id"], "workspace:demo");
    assert_eq!(credits(&headers), 1_000_000);

    let (text, fin) = check_shape(&events);
    assert_eq!(fin["status"], "completed");
    assert_eq!(fin["output"]["text"], text.as_str());
    assert!(
        text.starts_with("You said: \"Hello there, emulator\". "),
        "{text}"
    );
    assert!(text.contains("demo workspace"), "{text}");
    let deltas = (events.len() - 2) as u64;
    let deltas_are_words = events[1..events.len() - 1]
        .iter()
        .all(|e| e["delta"].as_str().unwrap().split_whitespace().count() == 1);
    assert!(deltas_are_words, "one word per delta");

    let usage = &fin["output"]["usage"];
    assert_eq!(usage["input_tokens"], 3 + 12);
    assert_eq!(usage["output_tokens"], deltas);
    assert_eq!(usage["total_tokens"], 15 + deltas);
    assert_eq!(fin["output"]["cost_microdollars"], 15 * 3 + deltas * 15);
    assert!(fin["latency_ms"].is_u64());
    assert!(
        fin.get("message_id").is_none(),
        "message_id only with a conversation_scope"
    );
}

#[tokio::test]
async fn demo_chat_is_deterministic_and_ids_are_fresh() {
    let server = start().await;
    let (_, a) = run(&server, "agent:demo-chat", "same words").await;
    let (_, b) = run(&server, "agent:demo-chat", "same words").await;
    assert_eq!(check_shape(&a).0, check_shape(&b).0);
    assert_ne!(a[0]["execution_id"], b[0]["execution_id"]);
}

#[tokio::test]
async fn echo_repeats_word_by_word() {
    let server = start().await;
    let (_, events) = run(&server, "agent:demo-echo", "one  two\nthree").await;
    let deltas: Vec<&str> = events[1..events.len() - 1]
        .iter()
        .map(|e| e["delta"].as_str().unwrap())
        .collect();
    assert_eq!(deltas, ["one  ", "two\n", "three"]);
    let (text, fin) = check_shape(&events);
    assert_eq!(text, "one  two\nthree");
    assert_eq!(fin["output"]["usage"]["output_tokens"], 3);
}

#[tokio::test]
async fn credits_decrease_by_the_previous_cost() {
    let server = start().await;
    let (first_headers, first) = run(&server, "agent:demo-chat", "count my cost").await;
    let cost = first.last().unwrap()["output"]["cost_microdollars"]
        .as_u64()
        .unwrap();
    let (second_headers, _) = run(&server, "agent:demo-echo", "again").await;
    assert_eq!(
        credits(&first_headers) - credits(&second_headers),
        cost.div_ceil(1_000)
    );
    assert!(cost > 1_000, "the demo reply costs more than one credit");
}

#[tokio::test]
async fn token_delay_paces_the_deltas() {
    let server = start_with(EmulatorConfig {
        token_delay: Duration::from_millis(15),
        ..EmulatorConfig::default()
    })
    .await;
    let (_, events) = run(&server, "agent:demo-echo", "a b c d").await;
    let fin = events.last().unwrap();
    // Three pauses between four deltas.
    assert!(fin["latency_ms"].as_u64().unwrap() >= 45, "{fin}");
}

#[tokio::test]
async fn a_steady_token_rate_paces_the_deltas_without_jitter() {
    let server = start_with(EmulatorConfig {
        token_rate: Some(100),
        token_delay: Duration::from_secs(10),
        ..EmulatorConfig::default()
    })
    .await;
    let message = (0..21)
        .map(|i| format!("w{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    let (_, events) = run(&server, "agent:demo-echo", &message).await;
    let fin = events.last().unwrap();
    // 21 deltas at 100/s: the last is due 200 ms after the first, and the 10 s delay
    // (which the rate replaces) never applies.
    let latency = fin["latency_ms"].as_u64().unwrap();
    assert!((200..5_000).contains(&latency), "{fin}");
}
