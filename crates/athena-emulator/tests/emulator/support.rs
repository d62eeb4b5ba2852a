//! Shared helpers: start an emulator, send requests, read SSE bodies.

use athena_emulator::{Emulator, EmulatorConfig, EmulatorHandle};
use serde_json::Value;

/// Starts an emulator with the default (open, unpaced) config.
pub async fn start() -> EmulatorHandle {
    start_with(EmulatorConfig::default()).await
}

/// Starts an emulator with `config`.
pub async fn start_with(config: EmulatorConfig) -> EmulatorHandle {
    Emulator::start(config).await.expect("emulator starts")
}

/// A client that never goes through a proxy.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client builds")
}

/// The stream URL of `agent_id` on `server`.
pub fn stream_url(server: &EmulatorHandle, agent_id: &str) -> String {
    format!("{}/agents/{agent_id}/execute/stream", server.base_url())
}

/// An authenticated stream request with a JSON body.
pub fn execute(server: &EmulatorHandle, agent_id: &str, body: &Value) -> reqwest::RequestBuilder {
    client()
        .post(stream_url(server, agent_id))
        .header("X-API-Key", server.api_key())
        .header("X-Workspace-Id", server.workspace_id())
        .json(body)
}

/// Splits an SSE body into the JSON of its `data:` events, checking the framing.
pub fn parse_events(body: &str) -> Vec<Value> {
    assert!(body.ends_with("\n\n"), "body ends with a complete event");
    body.split_terminator("\n\n")
        .map(|event| {
            let json = event
                .strip_prefix("data: ")
                .unwrap_or_else(|| panic!("event is one data line: {event:?}"));
            assert!(!json.contains('\n'), "compact one-line JSON: {json:?}");
            serde_json::from_str(json).unwrap()
        })
        .collect()
}

/// Reads a JSON error body and returns its code, checking the shape.
pub async fn error_code(response: reqwest::Response) -> (u16, String, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("error body is JSON");
    let code = body["error"]["code"]
        .as_str()
        .expect("error.code")
        .to_owned();
    let message = body["error"]["message"]
        .as_str()
        .expect("error.message")
        .to_owned();
    (status, code, message)
}

/// An authenticated POST (key and workspace) of a JSON body to `path`.
pub fn post(server: &EmulatorHandle, path: &str, body: &Value) -> reqwest::RequestBuilder {
    client()
        .post(format!("{}{path}", server.base_url()))
        .header("X-API-Key", server.api_key())
        .header("X-Workspace-Id", server.workspace_id())
        .json(body)
}

/// Sends a stream request and returns (status, headers, events).
pub async fn stream_events(
    request: reqwest::RequestBuilder,
) -> (u16, reqwest::header::HeaderMap, Vec<Value>) {
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.text().await.unwrap();
    let events = if status == 200 {
        parse_events(&body)
    } else {
        Vec::new()
    };
    (status, headers, events)
}

/// `X-Credits-Remaining` as a number.
pub fn credits(headers: &reqwest::header::HeaderMap) -> u64 {
    headers["x-credits-remaining"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// The current balance, read from a cheap authenticated call (preview-credits).
pub async fn balance(server: &EmulatorHandle) -> u64 {
    let response = post(
        server,
        "/agents/agent:demo-echo/preview-credits",
        &serde_json::json!({"inputs": {}}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    credits(response.headers())
}

/// The events of one type.
pub fn of_type<'a>(events: &'a [Value], kind: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["type"] == kind).collect()
}

/// Concatenated `text` deltas.
pub fn text_of(events: &[Value]) -> String {
    of_type(events, "text")
        .iter()
        .map(|e| e["delta"].as_str().unwrap())
        .collect()
}
