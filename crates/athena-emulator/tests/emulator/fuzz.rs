//! Bad input never crashes the server: random methods, paths, headers and bodies on
//! every route each get an HTTP status, and the server keeps serving.

use std::time::Duration;

use athena_emulator::{Emulator, EmulatorConfig};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::json;

use crate::support::client;

const ROUTES: &[&str] = &[
    "/agents/agent:demo-echo/execute",
    "/agents/agent:demo-chat/execute/stream",
    "/agents/agent:client-tools/execute/stream",
    "/agents/agent:wizard/execute/batch",
    "/agents/agent:media/execute/stream",
    "/agents/agent:structured/preview-credits",
    "/agents/agent:nobody/execute",
    "/executions/execution:x/tool-result",
    "/attachments/upload",
    "/my/conversations",
    "/my/conversations/conversation:x/archive",
    "/my/conversations/conversation:x/messages/message:y/feedback",
    "/media/demo-clip.webm",
    "/",
];

const METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

/// Bodies: random bytes, or valid-looking JSON with random field values.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let field = prop_oneof![
        Just(json!(null)),
        any::<i64>().prop_map(|n| json!(n)),
        ".{0,40}".prop_map(|s| json!(s)),
        Just(json!([{"name": "Bad Name"}, {"key": ""}])),
        Just(json!({"nested": {"deep": [1, 2, 3]}})),
    ];
    let name = prop_oneof![
        Just("message"),
        Just("variables"),
        Just("client_tools"),
        Just("attachments"),
        Just("items"),
        Just("inputs"),
        Just("tool_call_id"),
        Just("outcome"),
        Just("value"),
        Just("agent_id"),
        Just("conversation_scope"),
    ];
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..300),
        proptest::collection::vec((name, field), 0..5).prop_map(|pairs| {
            let map: serde_json::Map<String, serde_json::Value> =
                pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            serde_json::to_vec(&map).unwrap()
        }),
    ]
}

/// Optional header values, some valid, some junk.
fn headers() -> impl Strategy<Value = Vec<(&'static str, String)>> {
    let pick = |name: &'static str, values: Vec<&'static str>| {
        proptest::option::of(proptest::sample::select(values)).prop_map(move |v| (name, v))
    };
    (
        pick("X-API-Key", vec!["eak_demo_local", "wak_wrong", ""]),
        pick("X-Workspace-Id", vec!["workspace:demo", "workspace:other"]),
        pick(
            "Content-Type",
            vec![
                "application/json",
                "multipart/form-data; boundary=x",
                "text/plain",
            ],
        ),
        pick("Idempotency-Key", vec!["k1", "k2", " "]),
        pick(
            "X-Emulator-Fault",
            vec![
                "close-after=1",
                "unknown-event",
                "malformed",
                "status=500",
                "nonsense=;;",
                "drip=0ms",
            ],
        ),
        pick("Accept", vec!["text/event-stream", "*/*"]),
        pick(
            "Range",
            vec!["bytes=0-1", "bytes=-0", "bytes=9-1", "bytes=abc"],
        ),
    )
        .prop_map(|t| {
            [t.0, t.1, t.2, t.3, t.4, t.5, t.6]
                .into_iter()
                .filter_map(|(n, v)| v.map(|v| (n, v.to_owned())))
                .collect()
        })
}

#[test]
fn random_requests_always_get_a_status() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt
        .block_on(Emulator::start(EmulatorConfig {
            heartbeat_interval: Duration::from_millis(1),
            media_generation_time: Duration::from_millis(2),
            ..EmulatorConfig::default()
        }))
        .unwrap();
    let base = server.base_url();
    let http = client();
    let strategy = (
        proptest::sample::select(METHODS),
        proptest::sample::select(ROUTES),
        "[a-z0-9:%/._-]{0,12}",
        headers(),
        body(),
    );
    let mut runner = TestRunner::new(Config {
        cases: 150,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&strategy, |(method, route, suffix, headers, body)| {
            let url = format!("{base}{route}{suffix}");
            let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
            let mut request = http.request(method, &url).body(body);
            for (name, value) in headers {
                request = request.header(name, value);
            }
            let status = rt.block_on(async {
                let response = tokio::time::timeout(Duration::from_secs(5), request.send())
                    .await
                    .expect("answered in time")
                    .expect("the server answers");
                let status = response.status().as_u16();
                // Read the body too (streams end by themselves).
                let _ = tokio::time::timeout(Duration::from_secs(5), response.bytes())
                    .await
                    .expect("body ends in time");
                status
            });
            prop_assert!((200..600).contains(&status));
            prop_assert!(status != 500 || url.contains("execute"), "500 on {url}");
            Ok(())
        })
        .unwrap();

    let still = rt.block_on(async {
        http.post(format!("{base}/agents/agent:demo-echo/execute"))
            .header("X-API-Key", server.api_key())
            .header("X-Workspace-Id", server.workspace_id())
            .json(&json!({"message": "still alive"}))
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(still, 200, "still serving");
}
