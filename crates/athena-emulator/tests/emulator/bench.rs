//! The benchmark agent: N timestamped events, all delivered.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::json;

use crate::support::{execute, parse_events, start};

fn now_micros() -> u64 {
    u64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_micros(),
    )
    .unwrap()
}

#[tokio::test]
async fn bench_streams_ten_thousand_timestamped_events() {
    let server = start().await;
    let before = now_micros();
    let response = execute(&server, "agent:bench", &json!({"message": "10000"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let events = parse_events(&response.text().await.unwrap());
    let after = now_micros();

    assert_eq!(events.len(), 10_002);
    assert_eq!(events[0]["type"], "start");
    for event in &events[1..10_001] {
        assert_eq!(event["type"], "text");
        let delta = event["delta"].as_str().unwrap();
        let micros: u64 = delta
            .strip_prefix('t')
            .and_then(|d| d.strip_suffix(' '))
            .and_then(|d| d.parse().ok())
            .unwrap_or_else(|| panic!("delta is t<micros><space>: {delta:?}"));
        assert!((before..=after).contains(&micros), "{micros} not in run");
    }
    let fin = &events[10_001];
    assert_eq!(fin["type"], "final");
    assert_eq!(fin["status"], "completed");
    assert_eq!(fin["output"]["usage"]["output_tokens"], 10_000);
    assert_eq!(fin["output"]["usage"]["input_tokens"], 13);
    assert_eq!(fin["output"]["cost_microdollars"], 13 * 3 + 10_000 * 15);
}
