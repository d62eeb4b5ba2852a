//! Key, workspace and host checks.

use athena_emulator::EmulatorConfig;
use serde_json::json;

use crate::support::{client, error_code, execute, start, start_with, stream_url};

#[tokio::test]
async fn missing_or_wrong_key_is_401() {
    let server = start().await;
    let url = stream_url(&server, "agent:demo-chat");
    let body = json!({"message": "hi"});

    let missing = client()
        .post(&url)
        .header("X-Workspace-Id", server.workspace_id())
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(missing.headers().get("x-credits-remaining").is_none());
    let (status, code, message) = error_code(missing).await;
    assert_eq!((status, code.as_str()), (401, "unauthorized"));
    assert!(message.contains("X-API-Key"), "{message}");

    let wrong = client()
        .post(&url)
        .header("X-API-Key", "eak_wrong")
        .header("X-Workspace-Id", server.workspace_id())
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(wrong).await.0, 401);
}

#[tokio::test]
async fn missing_or_wrong_workspace_is_403() {
    let server = start().await;
    let url = stream_url(&server, "agent:demo-chat");
    for workspace in [None, Some("workspace:other")] {
        let mut request = client()
            .post(&url)
            .header("X-API-Key", server.api_key())
            .json(&json!({"message": "hi"}));
        if let Some(w) = workspace {
            request = request.header("X-Workspace-Id", w);
        }
        let (status, code, message) = error_code(request.send().await.unwrap()).await;
        assert_eq!((status, code.as_str()), (403, "forbidden"), "{workspace:?}");
        assert!(message.contains("X-Workspace-Id"), "{message}");
    }
}

#[tokio::test]
async fn strict_host_refuses_other_hosts() {
    let server = start_with(EmulatorConfig::demo("eak_test_key")).await;
    let port = server.base_url().rsplit(':').next().unwrap().to_owned();

    let evil = execute(&server, "agent:demo-echo", &json!({"message": "hi"}))
        .header("Host", format!("evil.example:{port}"))
        .send()
        .await
        .unwrap();
    let (status, code, _) = error_code(evil).await;
    assert_eq!((status, code.as_str()), (403, "invalid_host"));

    let unknown_route = client()
        .get(format!("{}/anything", server.base_url()))
        .header("Host", "localhost")
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(unknown_route).await.1, "invalid_host");

    let good = execute(&server, "agent:demo-echo", &json!({"message": "hi"}))
        .send()
        .await
        .unwrap();
    assert_eq!(good.status(), 200);
    assert!(good.text().await.unwrap().contains(r#""type":"final""#));
}

#[tokio::test]
async fn strict_mode_offers_no_bench_agent() {
    let server = start_with(EmulatorConfig::demo("eak_test_key")).await;
    let ids: Vec<String> = server.agents().into_iter().map(|a| a.id).collect();
    assert_eq!(ids[..2], ["agent:demo-chat", "agent:demo-echo"]);
    assert!(!ids.iter().any(|id| id == "agent:bench"), "{ids:?}");
    let response = execute(&server, "agent:bench", &json!({"message": "10"}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(response).await.1, "agent_not_found");
}

#[tokio::test]
async fn open_mode_does_not_check_the_host() {
    let server = start().await;
    let response = execute(&server, "agent:demo-echo", &json!({"message": "hi"}))
        .header("Host", "evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}
