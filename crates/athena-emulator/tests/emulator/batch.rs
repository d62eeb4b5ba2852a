//! Batches tests can predict: seeded item failures (config, header fault, agent fault,
//! scenario agent), per-item pacing, and no charge for a failed item.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use athena_emulator::{
    DEFAULT_BATCH_SEED, EmulatorConfig, EmulatorHandle, ScenarioFile, batch_item_fails,
};
use serde_json::{Value, json};

use crate::support::{balance, of_type, post, start, start_with, stream_events};

const ECHO: &str = "agent:demo-echo";

/// `n` items `item-0`.. whose messages differ (the echo output is the message).
fn items(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| json!({"key": format!("item-{i}"), "message": format!("message number {i}")}))
        .collect()
}

fn keys(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["key"].as_str().unwrap().to_owned())
        .collect()
}

/// Runs a batch (with an optional `X-Emulator-Fault`) and returns its events.
async fn run(
    server: &EmulatorHandle,
    agent: &str,
    items: &[Value],
    fault: Option<&str>,
) -> Vec<Value> {
    let mut request = post(
        server,
        &format!("/agents/{agent}/execute/batch"),
        &json!({ "items": items }),
    );
    if let Some(f) = fault {
        request = request.header("X-Emulator-Fault", f);
    }
    let (status, _, events) = stream_events(request).await;
    assert_eq!(status, 200);
    assert_eq!(events.first().unwrap()["type"], "batch_started");
    assert_eq!(events.last().unwrap()["type"], "batch_completed");
    events
}

/// The keys whose `batch_progress` failed, checking the shape of every progress event:
/// a failed item has `item_failed` and no output, a completed one echoes its message.
fn failed_keys(events: &[Value], items: &[Value]) -> BTreeSet<String> {
    let messages: BTreeMap<&str, &str> = items
        .iter()
        .map(|i| (i["key"].as_str().unwrap(), i["message"].as_str().unwrap()))
        .collect();
    let progress = of_type(events, "batch_progress");
    assert_eq!(progress.len(), items.len());
    let mut failed = BTreeSet::new();
    for p in progress {
        let key = p["key"].as_str().unwrap();
        assert!(
            p["execution_id"]
                .as_str()
                .unwrap()
                .starts_with("execution:")
        );
        match p["status"].as_str().unwrap() {
            "failed" => {
                assert_eq!(p["error"]["code"], "item_failed", "{p}");
                assert!(p["error"]["message"].as_str().unwrap().contains(key), "{p}");
                assert!(
                    p.get("output").is_none(),
                    "a failed item has no output: {p}"
                );
                failed.insert(key.to_owned());
            }
            "completed" => {
                assert_eq!(
                    p["output"]["text"], messages[key],
                    "echo returns the message"
                );
                assert!(p.get("error").is_none(), "{p}");
            }
            other => panic!("unexpected status {other}"),
        }
    }
    let done = events.last().unwrap();
    assert_eq!(done["failed"].as_u64(), Some(failed.len() as u64));
    assert_eq!(
        done["succeeded"].as_u64(),
        Some((items.len() - failed.len()) as u64)
    );
    failed
}

/// The keys `batch_item_fails` picks.
fn expected(items: &[Value], seed: u64, rate: f64) -> BTreeSet<String> {
    keys(items)
        .into_iter()
        .filter(|k| batch_item_fails(seed, k, rate))
        .collect()
}

#[tokio::test]
async fn a_seeded_rate_fails_exactly_the_predicted_keys() {
    let config = || EmulatorConfig {
        batch_failure_rate: 0.1,
        seed: Some(42),
        ..EmulatorConfig::default()
    };
    let server = start_with(config()).await;
    let items = items(100);
    let want = expected(&items, 42, 0.1);
    assert!(
        (5..=15).contains(&want.len()),
        "about 10% of 100: {}",
        want.len()
    );
    let first = failed_keys(&run(&server, ECHO, &items, None).await, &items);
    assert_eq!(first, want);

    // The same seed gives the same set: again on this server, and on a new one.
    let again = failed_keys(&run(&server, ECHO, &items, None).await, &items);
    assert_eq!(again, want);
    let other = start_with(config()).await;
    assert_eq!(
        failed_keys(&run(&other, ECHO, &items, None).await, &items),
        want
    );

    // Retrying only the failed keys fails them again...
    let retry: Vec<Value> = items
        .iter()
        .filter(|i| want.contains(i["key"].as_str().unwrap()))
        .cloned()
        .collect();
    let events = run(&server, ECHO, &retry, None).await;
    assert_eq!(failed_keys(&events, &retry), want);
    // ...until the test changes the rate.
    let events = run(&server, ECHO, &retry, Some("batch-fail=0")).await;
    assert!(failed_keys(&events, &retry).is_empty());
}

#[tokio::test]
async fn rate_zero_fails_none_and_rate_one_fails_all() {
    let server = start().await;
    let items = items(100);
    let events = run(&server, ECHO, &items, None).await;
    assert!(
        failed_keys(&events, &items).is_empty(),
        "no rate: none fail"
    );
    let events = run(&server, ECHO, &items, Some("batch-fail=0;seed=5")).await;
    assert!(failed_keys(&events, &items).is_empty());
    let events = run(&server, ECHO, &items, Some("batch-fail=1")).await;
    let all: BTreeSet<String> = keys(&items).into_iter().collect();
    assert_eq!(failed_keys(&events, &items), all);
    let done = events.last().unwrap();
    assert_eq!(done["usage"]["total_tokens"], 0);
    assert_eq!(done["cost_microdollars"], 0);

    let server = start_with(EmulatorConfig {
        batch_failure_rate: 1.0,
        ..EmulatorConfig::default()
    })
    .await;
    let events = run(&server, ECHO, &items, None).await;
    assert_eq!(failed_keys(&events, &items), all, "--batch-failure-rate 1");
}

#[tokio::test]
async fn the_fault_names_rate_and_seed_and_overrides_the_config() {
    let server = start_with(EmulatorConfig {
        batch_failure_rate: 0.1,
        seed: Some(42),
        ..EmulatorConfig::default()
    })
    .await;
    let items = items(60);
    let events = run(&server, ECHO, &items, Some("batch-fail=0.3;seed=7")).await;
    let seven = failed_keys(&events, &items);
    assert_eq!(seven, expected(&items, 7, 0.3));
    let events = run(&server, ECHO, &items, Some("batch-fail=0.3;seed=8")).await;
    let eight = failed_keys(&events, &items);
    assert_eq!(eight, expected(&items, 8, 0.3));
    assert_ne!(seven, eight, "the seed changes the set");
    // Without `seed`, the fault uses the config's seed.
    let events = run(&server, ECHO, &items, Some("batch-fail=0.3")).await;
    assert_eq!(failed_keys(&events, &items), expected(&items, 42, 0.3));

    // Without any seed, the default one.
    let server = start().await;
    let events = run(&server, ECHO, &items, Some("batch-fail=0.5")).await;
    assert_eq!(
        failed_keys(&events, &items),
        expected(&items, DEFAULT_BATCH_SEED, 0.5)
    );
    // A bad spec is refused before anything runs.
    let response = post(
        &server,
        "/agents/agent:demo-echo/execute/batch",
        &json!({ "items": items }),
    )
    .header("X-Emulator-Fault", "batch-fail=2")
    .send()
    .await
    .unwrap();
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn agent_faults_and_scenario_agents_carry_batch_fail() {
    let scenario = ScenarioFile::from_json(
        r#"{"agents": [{"id": "agent:unlucky", "fault": "batch-fail=1",
            "steps": [{"text": "never seen"}]}]}"#,
    )
    .unwrap();
    let server = start_with(EmulatorConfig {
        scenario_agents: scenario.agents,
        agent_faults: [(ECHO.to_owned(), "batch-fail=0.5;seed=3".to_owned())].into(),
        ..EmulatorConfig::default()
    })
    .await;
    let items = items(40);
    let events = run(&server, ECHO, &items, None).await;
    assert_eq!(failed_keys(&events, &items), expected(&items, 3, 0.5));

    let events = run(&server, "agent:unlucky", &items, None).await;
    assert!(
        of_type(&events, "batch_progress")
            .iter()
            .all(|p| p["status"] == "failed" && p["error"]["code"] == "item_failed")
    );
    // The header adds to (and here overrides) the agent's fault.
    let events = run(&server, "agent:unlucky", &items, Some("batch-fail=0")).await;
    assert!(
        of_type(&events, "batch_progress")
            .iter()
            .all(|p| p["status"] == "completed" && p["output"]["text"] == "never seen")
    );
}

#[tokio::test]
async fn failed_items_are_not_charged() {
    let server = start_with(EmulatorConfig {
        batch_failure_rate: 0.5,
        seed: Some(11),
        ..EmulatorConfig::default()
    })
    .await;
    let items = items(20);
    let before = balance(&server).await;
    let events = run(&server, ECHO, &items, None).await;
    let failed = failed_keys(&events, &items);
    assert!(!failed.is_empty() && failed.len() < items.len());
    let completed_costs: Vec<u64> = of_type(&events, "batch_progress")
        .iter()
        .filter(|p| p["status"] == "completed")
        .map(|p| p["output"]["cost_microdollars"].as_u64().unwrap())
        .collect();
    let done = events.last().unwrap();
    assert_eq!(
        done["cost_microdollars"].as_u64(),
        Some(completed_costs.iter().sum())
    );
    let charged: u64 = completed_costs.iter().map(|c| c.div_ceil(1_000)).sum();
    assert_eq!(before - balance(&server).await, charged);

    // Every item failing costs nothing at all.
    let before = balance(&server).await;
    run(&server, ECHO, &items, Some("batch-fail=1")).await;
    assert_eq!(balance(&server).await, before);
}

#[tokio::test]
async fn the_item_delay_paces_each_item() {
    let delay = Duration::from_millis(30);
    let server = start_with(EmulatorConfig {
        batch_item_delay: delay,
        ..EmulatorConfig::default()
    })
    .await;
    let items = items(6);
    let t = Instant::now();
    let events = run(&server, ECHO, &items, None).await;
    assert!(
        t.elapsed() >= delay * 6,
        "{:?} for 6 items of {delay:?}",
        t.elapsed()
    );
    assert!(failed_keys(&events, &items).is_empty());
}

#[tokio::test]
async fn token_pacing_still_applies_inside_an_item() {
    let server = start_with(EmulatorConfig {
        token_delay: Duration::from_millis(20),
        ..EmulatorConfig::default()
    })
    .await;
    // Four words: three paced gaps of at least 20 ms per item.
    let items = vec![
        json!({"key": "a", "message": "one two three four"}),
        json!({"key": "b", "message": "five six seven eight"}),
    ];
    let t = Instant::now();
    let events = run(&server, ECHO, &items, None).await;
    assert!(
        t.elapsed() >= Duration::from_millis(120),
        "{:?}",
        t.elapsed()
    );
    assert!(failed_keys(&events, &items).is_empty());
}

#[tokio::test]
async fn without_pacing_a_full_batch_streams_at_once() {
    let server = start().await;
    let items = items(100);
    let t = Instant::now();
    let events = run(&server, ECHO, &items, None).await;
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "{:?} for 100 unpaced items",
        t.elapsed()
    );
    assert!(failed_keys(&events, &items).is_empty());
}

#[tokio::test]
async fn echo_output_is_the_message_exactly() {
    let server = start().await;
    let items = vec![
        json!({"key": "spaces", "message": "  two  spaces\tand a tab \n"}),
        json!({"key": "unicode", "message": "héllo wörld ✓"}),
        json!({"key": "one", "message": "word"}),
    ];
    let events = run(&server, ECHO, &items, None).await;
    assert!(failed_keys(&events, &items).is_empty());
    let progress = of_type(&events, "batch_progress");
    assert_eq!(progress[0]["output"]["text"], "  two  spaces\tand a tab \n");
    assert_eq!(
        progress[0]["output"]["usage"]["output_tokens"], 6,
        "one token per delta"
    );
}
