//! The emulator's output has the shape of the shared fixtures (`tests/fixtures/`), which
//! were written from the contract and which the client's tests decode. For every event
//! type in `*.sse` and every `*.json` answer, the emulator's counterpart has at least the
//! fixture's fields with the same JSON kinds: a misreading of the contract in either
//! crate shows up here against the other.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use athena_emulator::{EmulatorConfig, EmulatorHandle, ScenarioFile};

use crate::support::{client, of_type, parse_events, post, start_with, stream_events};

/// The event types the contract names (execution and batch streams).
const CONTRACT_EVENTS: &[&str] = &[
    "start",
    "text",
    "reasoning",
    "tool_call",
    "tool_result",
    "tool_call_awaiting_client",
    "node_start",
    "node_complete",
    "media_gen_submitted",
    "media_gen_complete",
    "heartbeat",
    "final",
    "error",
    "batch_started",
    "batch_progress",
    "batch_completed",
];

/// Fields whose content is free-form (model or tool output): only their kind is compared.
const FREE_FORM: &[&str] = &["arguments", "result", "parsed_output"];

fn fixtures_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

/// The fixture files with this extension, by name.
fn fixture_files(ext: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(fixtures_dir()).expect("tests/fixtures") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) == Some(ext) {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            out.insert(name, std::fs::read_to_string(&path).expect("read fixture"));
        }
    }
    assert!(!out.is_empty(), "no *.{ext} fixtures");
    out
}

/// The events of an SSE fixture as (type, data JSON): the type from the JSON `type`
/// field, else from the `event:` line (the contract accepts both).
fn parse_sse_fixture(text: &str) -> Vec<(String, Value)> {
    let text = text.replace("\r\n", "\n");
    let mut events = Vec::new();
    for block in text.split("\n\n").filter(|b| !b.trim().is_empty()) {
        let mut event_line = None;
        let mut data = Vec::new();
        for line in block.lines() {
            if let Some(v) = line.strip_prefix("event:") {
                event_line = Some(v.trim().to_owned());
            } else if let Some(v) = line.strip_prefix("data:") {
                data.push(v.strip_prefix(' ').unwrap_or(v));
            }
        }
        if data.is_empty() {
            continue;
        }
        let json: Value = serde_json::from_str(&data.join("\n"))
            .unwrap_or_else(|e| panic!("fixture event is not JSON ({e}): {block}"));
        let kind = json["type"]
            .as_str()
            .map(str::to_owned)
            .or(event_line)
            .unwrap_or_else(|| panic!("fixture event without a type: {block}"));
        events.push((kind, json));
    }
    events
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Whether `actual` has at least `expected`'s fields, with the same kinds. A `null` in
/// the fixture means "optional": anything (or nothing) matches it. Arrays: every
/// element of `actual` has the shape of the fixture's first element.
fn conforms(expected: &Value, actual: Option<&Value>, path: &str) -> Result<(), String> {
    if expected.is_null() {
        return Ok(());
    }
    let Some(actual) = actual else {
        return Err(format!("{path}: missing (fixture has {expected})"));
    };
    if kind(expected) != kind(actual) {
        return Err(format!(
            "{path}: {} in the emulator, {} in the fixture ({actual} vs {expected})",
            kind(actual),
            kind(expected)
        ));
    }
    let field = path.rsplit('.').next().unwrap_or_default();
    if FREE_FORM.contains(&field) {
        return Ok(());
    }
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => e
            .iter()
            .try_for_each(|(k, v)| conforms(v, a.get(k), &format!("{path}.{k}"))),
        (Value::Array(e), Value::Array(a)) => match e.first() {
            None => Ok(()),
            Some(_) if a.is_empty() => Err(format!("{path}: empty in the emulator")),
            Some(first) => a
                .iter()
                .enumerate()
                .try_for_each(|(i, v)| conforms(first, Some(v), &format!("{path}[{i}]"))),
        },
        _ => Ok(()),
    }
}

/// Some candidate conforms to `expected`; otherwise the reasons each one did not.
fn any_conforms(expected: &Value, candidates: &[&Value], what: &str) -> Result<(), String> {
    if candidates.is_empty() {
        return Err(format!("{what}: the emulator produced none"));
    }
    let mut reasons = Vec::new();
    for candidate in candidates {
        match conforms(expected, Some(candidate), what) {
            Ok(()) => return Ok(()),
            Err(reason) => reasons.push(reason),
        }
    }
    Err(format!(
        "{what}: no emulator event has the fixture's shape {expected}:\n  {}",
        reasons.join("\n  ")
    ))
}

const SCENARIO: &str = r#"{"agents": [
  {"id": "agent:fixture-error", "steps": [{"text": "Partial"}],
   "end": {"error": {"code": "model_overloaded", "message": "The model is overloaded"}}}
]}"#;

async fn server() -> EmulatorHandle {
    start_with(EmulatorConfig {
        heartbeat_interval: Duration::from_millis(5),
        media_generation_time: Duration::from_millis(20),
        scenario_agents: ScenarioFile::from_json(SCENARIO).expect("scenario").agents,
        ..EmulatorConfig::default()
    })
    .await
}

async fn stream(server: &EmulatorHandle, agent: &str, body: Value) -> Vec<Value> {
    let (status, _, events) = stream_events(post(
        server,
        &format!("/agents/{agent}/execute/stream"),
        &body,
    ))
    .await;
    assert_eq!(status, 200, "{agent}");
    events
}

fn tools() -> Value {
    json!([
        {"name": "read_file", "description": "Reads a file",
         "parameters": {"type": "object", "properties": {"path": {"type": "string"}}}},
        {"name": "list_dir", "description": "Lists a folder",
         "parameters": {"type": "object", "properties": {"path": {"type": "string"}}}}
    ])
}

fn tool_result(server: &EmulatorHandle, id: &str, body: &Value) -> reqwest::RequestBuilder {
    post(server, &format!("/executions/{id}/tool-result"), body)
}

/// Every scripted agent's stream, a suspension and its resumption, a failing scenario
/// agent, and a batch with a completed and a failed item; plus the JSON answers by
/// fixture name.
async fn emulator_output(server: &EmulatorHandle) -> (Vec<Value>, BTreeMap<&'static str, Value>) {
    let mut events = Vec::new();
    let mut answers = BTreeMap::new();
    let conversation = post(
        server,
        "/my/conversations",
        &json!({"agent_id": "agent:demo-chat"}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(conversation.status(), 201);
    let conversation: Value = conversation.json().await.unwrap();
    let scope = conversation["data"]["conversation_id"].clone();
    answers.insert("conversation-response.json", conversation);
    events.extend(
        stream(
            server,
            "agent:demo-chat",
            json!({"message": "hello", "conversation_scope": scope}),
        )
        .await,
    );
    for agent in ["agent:markdown", "agent:workflow", "agent:media"] {
        events.extend(stream(server, agent, json!({"message": "show me"})).await);
    }
    events.extend(
        stream(
            server,
            "agent:structured",
            json!({"message": "Is it good?"}),
        )
        .await,
    );
    events.extend(stream(server, "agent:fixture-error", json!({"message": "go"})).await);

    let suspended = stream(
        server,
        "agent:client-tools",
        json!({"message": "please read_file and list_dir", "client_tools": tools()}),
    )
    .await;
    let id = suspended[0]["execution_id"].as_str().unwrap().to_owned();
    let calls: Vec<Value> = of_type(&suspended, "tool_call_awaiting_client")
        .into_iter()
        .cloned()
        .collect();
    assert_eq!(calls.len(), 2);
    events.extend(suspended);
    let pending = tool_result(
        server,
        &id,
        &json!({"tool_call_id": calls[0]["tool_call_id"], "outcome": "success",
                "result": {"content": "hello"}}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(pending.status(), 202);
    answers.insert("tool-result-pending.json", pending.json().await.unwrap());
    let resumed = tool_result(
        server,
        &id,
        &json!({"tool_call_id": calls[1]["tool_call_id"], "outcome": "success",
                "result": {"entries": ["a"]}}),
    )
    .header("Accept", "text/event-stream")
    .send()
    .await
    .unwrap();
    assert_eq!(resumed.status(), 200);
    events.extend(parse_events(&resumed.text().await.unwrap()));

    let batch = post(
        server,
        "/agents/agent:client-tools/execute/batch",
        &json!({"items": [
            {"key": "item-1", "message": "just say hello"},
            {"key": "item-2", "message": "please read_file", "client_tools": tools()}
        ]}),
    );
    let (status, _, batch_events) = stream_events(batch).await;
    assert_eq!(status, 200);
    events.extend(batch_events);

    let sync = post(
        server,
        "/agents/agent:structured/execute",
        &json!({"message": "Is it good?"}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(sync.status(), 200);
    answers.insert("sync-execute-response.json", sync.json().await.unwrap());

    let preview = post(
        server,
        "/agents/agent:wizard/preview-credits",
        &json!({"inputs": {"sections": 3, "rush": true}}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(preview.status(), 200);
    answers.insert(
        "preview-credits-response.json",
        preview.json().await.unwrap(),
    );

    let part = Part::bytes(b"hello fixtures".to_vec())
        .file_name("notes.txt")
        .mime_str("text/plain")
        .unwrap();
    let upload = client()
        .post(format!("{}/attachments/upload", server.base_url()))
        .header("X-API-Key", server.api_key())
        .multipart(Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(upload.status(), 201);
    answers.insert("upload-response.json", upload.json().await.unwrap());

    (events, answers)
}

#[tokio::test]
async fn emulator_events_and_answers_have_the_fixtures_shapes() {
    let server = server().await;
    let (events, answers) = emulator_output(&server).await;

    let mut failures = Vec::new();
    let mut covered = BTreeSet::new();
    let mut checked = 0;
    for (name, text) in fixture_files("sse") {
        for (event_type, json) in parse_sse_fixture(&text) {
            if !CONTRACT_EVENTS.contains(&event_type.as_str()) {
                // The fixtures' deliberately unknown events (kept raw by the client).
                continue;
            }
            covered.insert(event_type.clone());
            let candidates = of_type(&events, &event_type);
            if let Err(e) = any_conforms(&json, &candidates, &format!("{name} {event_type}")) {
                failures.push(e);
            }
            checked += 1;
        }
    }
    let missing: Vec<_> = CONTRACT_EVENTS
        .iter()
        .filter(|t| !covered.contains(**t))
        .collect();
    assert!(
        missing.is_empty(),
        "contract events no fixture shows: {missing:?}"
    );
    assert!(checked >= CONTRACT_EVENTS.len());

    let json_fixtures = fixture_files("json");
    for (name, text) in &json_fixtures {
        let expected: Value = serde_json::from_str(text).expect("fixture JSON");
        match answers.get(name.as_str()) {
            Some(actual) => {
                if let Err(e) = conforms(&expected, Some(actual), name) {
                    failures.push(e);
                }
            }
            None => failures.push(format!("{name}: no emulator answer is compared to it")),
        }
    }
    assert_eq!(
        json_fixtures.len(),
        answers.len(),
        "every answer has a fixture"
    );
    assert!(
        failures.is_empty(),
        "the emulator disagrees with the fixtures:\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_shape_check_can_fail() {
    let fixture = json!({"a": "x", "b": {"c": 1}, "d": [{"e": true}], "f": null});
    let good = json!({"a": "y", "b": {"c": 2, "z": 0}, "d": [{"e": false}], "extra": 1});
    assert_eq!(conforms(&fixture, Some(&good), "$"), Ok(()));
    for (bad, needle) in [
        (json!({"b": {"c": 1}, "d": [{"e": true}]}), "$.a: missing"),
        (
            json!({"a": 1, "b": {"c": 1}, "d": [{"e": true}]}),
            "$.a: number",
        ),
        (
            json!({"a": "x", "b": {"c": "1"}, "d": [{"e": true}]}),
            "$.b.c",
        ),
        (json!({"a": "x", "b": {"c": 1}, "d": []}), "$.d: empty"),
        (
            json!({"a": "x", "b": {"c": 1}, "d": [{"e": 1}]}),
            "$.d[0].e",
        ),
        (
            json!({"a": null, "b": {"c": 1}, "d": [{"e": true}]}),
            "$.a: null",
        ),
    ] {
        let err = conforms(&fixture, Some(&bad), "$").expect_err("mismatch");
        assert!(err.starts_with(needle), "{err}");
    }
    // Free-form payloads: only the kind counts.
    let call = json!({"arguments": {"q": "x"}});
    assert_eq!(
        conforms(&call, Some(&json!({"arguments": {"query": 1}})), "$"),
        Ok(())
    );
    assert!(conforms(&call, Some(&json!({"arguments": "q"})), "$").is_err());
    // SSE fixtures: the type from the JSON or from the event line.
    let parsed =
        parse_sse_fixture("data: {\"type\":\"start\"}\n\nevent: text\ndata: {\"delta\":\"x\"}\n\n");
    assert_eq!(parsed[0].0, "start");
    assert_eq!(parsed[1].0, "text");
}
