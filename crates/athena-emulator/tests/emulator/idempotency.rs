//! Idempotency keys: one execution and one charge per key within 24 hours.

use std::sync::Arc;
use std::time::Duration;

use athena_emulator::{EmulatorConfig, ManualClock};
use serde_json::json;

use crate::support::{balance, error_code, post, start_with, stream_events};

const STREAM: &str = "/agents/agent:demo-echo/execute/stream";

fn server_config(clock: &Arc<ManualClock>) -> EmulatorConfig {
    EmulatorConfig {
        clock: clock.clone(),
        ..EmulatorConfig::default()
    }
}

#[tokio::test]
async fn same_key_twice_is_one_execution_one_charge_then_409() {
    let clock = Arc::new(ManualClock::default());
    let server = start_with(server_config(&clock)).await;
    let before = balance(&server).await;
    let body = json!({"message": "pay once please"});

    let (status, _, events) =
        stream_events(post(&server, STREAM, &body).header("Idempotency-Key", "key-1")).await;
    assert_eq!(status, 200);
    let cost = events.last().unwrap()["output"]["cost_microdollars"]
        .as_u64()
        .unwrap();
    let after_first = balance(&server).await;
    assert_eq!(before - after_first, cost.div_ceil(1_000));

    let again = post(&server, STREAM, &body)
        .header("Idempotency-Key", "key-1")
        .send()
        .await
        .unwrap();
    let (status, code, message) = error_code(again).await;
    assert_eq!((status, code.as_str()), (409, "idempotency_conflict"));
    assert!(message.contains("Idempotency-Key"), "{message}");
    assert_eq!(balance(&server).await, after_first, "no second charge");

    // The sync and batch endpoints share the key space.
    let sync = post(&server, "/agents/agent:demo-echo/execute", &body)
        .header("Idempotency-Key", "key-1")
        .send()
        .await
        .unwrap();
    assert_eq!(sync.status(), 409);

    clock.advance(Duration::from_secs(24 * 3600 - 1));
    let still = post(&server, STREAM, &body)
        .header("Idempotency-Key", "key-1")
        .send()
        .await
        .unwrap();
    assert_eq!(still.status(), 409, "still inside 24 h");

    clock.advance(Duration::from_secs(1));
    let (status, _, events) =
        stream_events(post(&server, STREAM, &body).header("Idempotency-Key", "key-1")).await;
    assert_eq!(status, 200, "processed again after 24 h");
    assert_eq!(events.last().unwrap()["type"], "final");
    assert_eq!(balance(&server).await, after_first - cost.div_ceil(1_000));
}

#[tokio::test]
async fn refused_requests_do_not_use_up_the_key() {
    let server = start_with(EmulatorConfig::default()).await;
    let refused = post(&server, STREAM, &json!({"message": ""}))
        .header("Idempotency-Key", "key-2")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    let faulted = post(&server, STREAM, &json!({"message": "hi"}))
        .header("Idempotency-Key", "key-2")
        .header("X-Emulator-Fault", "status=503")
        .send()
        .await
        .unwrap();
    assert_eq!(faulted.status(), 503);
    let (status, _, _) = stream_events(
        post(&server, STREAM, &json!({"message": "hi"})).header("Idempotency-Key", "key-2"),
    )
    .await;
    assert_eq!(status, 200, "the key was still free");
}

#[tokio::test]
async fn batch_keys_are_idempotent_too() {
    let server = start_with(EmulatorConfig::default()).await;
    let body = json!({"items": [{"key": "a", "message": "one"}]});
    let path = "/agents/agent:demo-echo/execute/batch";
    let (status, _, _) =
        stream_events(post(&server, path, &body).header("Idempotency-Key", "batch-1")).await;
    assert_eq!(status, 200);
    let again = post(&server, path, &body)
        .header("Idempotency-Key", "batch-1")
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 409);
}
