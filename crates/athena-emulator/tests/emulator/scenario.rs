//! Scenario files: agents defined as event sequences with delays.

use std::time::Instant;

use athena_emulator::{Emulator, EmulatorConfig, ScenarioFile};
use serde_json::json;

use crate::support::{execute, parse_events, start_with, text_of};

const SCENARIO: &str = r#"{"agents": [
  {"id": "agent:scripted", "name": "Scripted", "description": "From a file.",
   "steps": [
     {"event": {"type": "reasoning", "delta": "Let me think."}},
     {"delay_ms": 40, "text": "Hello from a scenario."},
     {"event": {"type": "custom_event", "payload": [1, 2, 3]}}
   ],
   "end": {"status": "completed", "parsed_output": {"ok": true}}},
  {"id": "agent:failing", "steps": [{"text": "Partial"}],
   "end": {"error": {"code": "model_overloaded", "message": "try later"}}},
  {"id": "agent:flaky", "fault": "close-after=2", "steps": [{"text": "a b c d"}]}
]}"#;

async fn server() -> athena_emulator::EmulatorHandle {
    let file = ScenarioFile::from_json(SCENARIO).expect("valid scenario");
    start_with(EmulatorConfig {
        scenario_agents: file.agents,
        ..EmulatorConfig::default()
    })
    .await
}

#[tokio::test]
async fn scenario_agents_play_their_steps() {
    let server = server().await;
    let info = server
        .agents()
        .into_iter()
        .find(|a| a.id == "agent:scripted")
        .unwrap();
    assert_eq!(
        (info.name.as_str(), info.description.as_str()),
        ("Scripted", "From a file.")
    );
    let t = Instant::now();
    let body = execute(&server, "agent:scripted", &json!({"message": "go"}))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(t.elapsed().as_millis() >= 40, "the delay is honoured");
    let events = parse_events(&body);
    let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds[..2], ["start", "reasoning"]);
    assert_eq!(kinds[kinds.len() - 2..], ["custom_event", "final"]);
    assert_eq!(text_of(&events), "Hello from a scenario.");
    assert_eq!(
        events.last().unwrap()["output"]["parsed_output"],
        json!({"ok": true})
    );
}

#[tokio::test]
async fn scenario_errors_and_faults() {
    let server = server().await;
    let body = execute(&server, "agent:failing", &json!({"message": "go"}))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let events = parse_events(&body);
    let last = events.last().unwrap();
    assert_eq!(last["type"], "error");
    assert_eq!(last["error"]["code"], "model_overloaded");

    let body = execute(&server, "agent:flaky", &json!({"message": "go"}))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(parse_events(&body).len(), 2);
}

#[tokio::test]
async fn strict_mode_refuses_scenarios() {
    let file = ScenarioFile::from_json(SCENARIO).expect("valid scenario");
    let config = EmulatorConfig {
        scenario_agents: file.agents,
        ..EmulatorConfig::demo("eak_x")
    };
    let e = Emulator::start(config).await.expect_err("strict");
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
}
