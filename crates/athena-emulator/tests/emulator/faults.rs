//! Fault injection, each mode observed from the client side.

use std::time::{Duration, Instant};

use athena_emulator::EmulatorConfig;
use futures_util::StreamExt;
use serde_json::{Value, json};

use crate::support::{error_code, execute, parse_events, start, start_with};

const MESSAGE: &str = "one two three four five";

fn faulty(server: &athena_emulator::EmulatorHandle, fault: &str) -> reqwest::RequestBuilder {
    execute(server, "agent:demo-echo", &json!({"message": MESSAGE}))
        .header("X-Emulator-Fault", fault)
}

/// Splits a body into raw `data:` payloads without parsing them.
fn raw_events(body: &str) -> Vec<&str> {
    body.split_terminator("\n\n")
        .map(|e| e.strip_prefix("data: ").unwrap())
        .collect()
}

#[tokio::test]
async fn close_after_ends_the_stream_early() {
    let server = start().await;
    let response = faulty(&server, "close-after=3").send().await.unwrap();
    assert_eq!(response.status(), 200);
    let events = parse_events(&response.text().await.unwrap());
    assert_eq!(events.len(), 3);
    assert!(
        events.iter().all(|e| e["type"] != "final"),
        "ended before final"
    );
}

#[tokio::test]
async fn stall_sends_nothing_for_a_while() {
    let server = start().await;
    let response = faulty(&server, "stall=300ms").send().await.unwrap();
    let mut body = response.bytes_stream();
    let first = body.next().await.unwrap().unwrap();
    assert!(first.starts_with(b"data: {\"type\":\"start\""));
    let t = Instant::now();
    let _second = body.next().await.unwrap().unwrap();
    assert!(
        t.elapsed() >= Duration::from_millis(250),
        "{:?}",
        t.elapsed()
    );
}

#[tokio::test]
async fn status_429_with_retry_after() {
    let server = start().await;
    let response = faulty(&server, "status=429;retry-after=2")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["retry-after"], "2");
    assert!(response.headers().get("x-credits-remaining").is_some());
    let (status, code, _) = error_code(response).await;
    assert_eq!((status, code.as_str()), (429, "emulator_fault"));
}

#[tokio::test]
async fn status_5xx_times_n_lets_a_retry_with_the_same_key_succeed() {
    let server = start().await;
    let attempt = || faulty(&server, "status=503;times=2").header("Idempotency-Key", "retry-me");
    assert_eq!(attempt().send().await.unwrap().status(), 503);
    assert_eq!(attempt().send().await.unwrap().status(), 503);
    let third = attempt().send().await.unwrap();
    assert_eq!(third.status(), 200, "attempt N+1 goes through");
    let events = parse_events(&third.text().await.unwrap());
    assert_eq!(events.last().unwrap()["type"], "final");
    assert_eq!(
        attempt().send().await.unwrap().status(),
        409,
        "and the key is now used"
    );
}

#[tokio::test]
async fn drip_sends_the_body_in_tiny_pieces() {
    let server = start().await;
    let t = Instant::now();
    let response = faulty(&server, "drip=1ms;bytes=8").send().await.unwrap();
    let mut body = response.bytes_stream();
    let (mut chunks, mut all) = (0, Vec::new());
    while let Some(chunk) = body.next().await {
        let chunk = chunk.unwrap();
        assert!(chunk.len() <= 8 * 4, "pieces stay small: {}", chunk.len());
        chunks += 1;
        all.extend_from_slice(&chunk);
    }
    let events = parse_events(&String::from_utf8(all).unwrap());
    assert_eq!(events.last().unwrap()["type"], "final");
    assert!(chunks > 10, "{chunks} chunks");
    assert!(
        t.elapsed() >= Duration::from_millis(40),
        "{:?}",
        t.elapsed()
    );
}

#[tokio::test]
async fn malformed_sends_one_broken_event() {
    let server = start().await;
    let body = faulty(&server, "malformed")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let raw = raw_events(&body);
    assert!(serde_json::from_str::<Value>(raw[1]).is_err(), "{}", raw[1]);
    let good: Vec<Value> = raw
        .iter()
        .filter_map(|r| serde_json::from_str(r).ok())
        .collect();
    assert_eq!(good.len(), raw.len() - 1);
    assert_eq!(good.last().unwrap()["type"], "final");
}

#[tokio::test]
async fn unknown_event_type_is_sent() {
    let server = start().await;
    let body = faulty(&server, "unknown-event")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let events = parse_events(&body);
    assert_eq!(events[1]["type"], "emulator_unknown");
    assert_eq!(events.last().unwrap()["type"], "final");
}

#[tokio::test]
async fn a_bad_fault_header_is_400() {
    let server = start().await;
    let (status, _, message) = error_code(faulty(&server, "explode").send().await.unwrap()).await;
    assert_eq!(status, 400);
    assert!(message.starts_with("X-Emulator-Fault:"), "{message}");
}

#[tokio::test]
async fn per_agent_faults_from_the_config() {
    let mut config = EmulatorConfig::default();
    config
        .agent_faults
        .insert("agent:demo-echo".into(), "close-after=2".into());
    let server = start_with(config).await;
    let body = execute(&server, "agent:demo-echo", &json!({"message": MESSAGE}))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(parse_events(&body).len(), 2);
}

#[tokio::test]
async fn strict_mode_never_injects_faults() {
    let server = start_with(EmulatorConfig::demo("eak_strict")).await;
    for fault in ["status=503", "close-after=1", "explode"] {
        let response = faulty(&server, fault).send().await.unwrap();
        assert_eq!(response.status(), 200, "{fault}");
        let events = parse_events(&response.text().await.unwrap());
        assert_eq!(events.last().unwrap()["type"], "final");
    }
    let mut config = EmulatorConfig::demo("eak_strict");
    config
        .agent_faults
        .insert("agent:demo-echo".into(), "close-after=1".into());
    assert!(athena_emulator::Emulator::start(config).await.is_err());
}
