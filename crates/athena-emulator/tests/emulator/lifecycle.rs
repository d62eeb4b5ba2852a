//! Starting, stopping and dropping the server.

use std::time::{Duration, Instant};

use athena_emulator::{EmulatorConfig, EmulatorHandle};
use futures_util::StreamExt;
use serde_json::json;

use crate::support::{client, execute, start, start_with};

/// True once a request to `base_url` fails to connect, polling for up to 2 s.
async fn refuses_connections(base_url: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(2);
    while Instant::now() < deadline {
        match client().get(format!("{base_url}/")).send().await {
            Err(e) if e.is_connect() => return true,
            _ => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
    false
}

#[tokio::test]
async fn base_url_and_identity() {
    let server = start().await;
    let url = server.base_url();
    assert!(
        url.starts_with("http://127.0.0.1:") && !url.ends_with('/'),
        "{url}"
    );
    assert_ne!(url, "http://127.0.0.1:0");
    assert_eq!(server.api_key(), "eak_demo_local");
    assert_eq!(server.workspace_id(), "workspace:demo");
    let ids: Vec<String> = server.agents().into_iter().map(|a| a.id).collect();
    assert_eq!(
        ids,
        [
            "agent:demo-chat",
            "agent:demo-echo",
            "agent:markdown",
            "agent:workflow",
            "agent:client-tools",
            "agent:media",
            "agent:structured",
            "agent:wizard",
            "agent:memory",
            "agent:bench"
        ]
    );
    assert!(server.agents().iter().all(|a| !a.description.is_empty()));
}

#[tokio::test]
async fn debug_does_not_print_the_key() {
    let server: EmulatorHandle = start_with(EmulatorConfig::demo("eak_very_secret")).await;
    let text = format!("{server:?}");
    assert!(!text.contains("eak_very_secret"), "{text}");
    assert!(text.contains(&server.base_url()), "{text}");
}

#[tokio::test]
async fn dropping_the_handle_frees_the_port() {
    let server = start().await;
    let base_url = server.base_url();
    let before = client().get(format!("{base_url}/")).send().await.unwrap();
    assert_eq!(before.status(), 404);
    drop(server);
    assert!(
        refuses_connections(&base_url).await,
        "still serving after drop"
    );
}

#[tokio::test]
async fn stop_frees_the_port_at_once() {
    let server = start().await;
    let base_url = server.base_url();
    server.stop().await;
    let e = client()
        .get(format!("{base_url}/"))
        .send()
        .await
        .unwrap_err();
    assert!(e.is_connect(), "{e}");
}

#[tokio::test]
async fn dropping_the_handle_ends_open_streams() {
    let server = start_with(EmulatorConfig {
        token_delay: Duration::from_millis(50),
        ..EmulatorConfig::default()
    })
    .await;
    let response = execute(&server, "agent:demo-chat", &json!({"message": "slow"}))
        .send()
        .await
        .unwrap();
    let mut body = response.bytes_stream();
    let first = body.next().await.unwrap().unwrap();
    assert!(first.starts_with(b"data: {\"type\":\"start\""));
    drop(server);
    let rest = tokio::time::timeout(Duration::from_secs(2), async {
        let mut rest = Vec::new();
        while let Some(Ok(chunk)) = body.next().await {
            rest.extend_from_slice(&chunk);
        }
        rest
    })
    .await
    .expect("the stream ends soon after the drop");
    let rest = String::from_utf8(rest).unwrap();
    assert!(
        !rest.contains(r#""type":"final""#),
        "the paced reply was cut short"
    );
}
