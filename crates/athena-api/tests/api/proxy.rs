//! The system proxy settings are honoured: with `HTTP_PROXY` set, a request goes to
//! the proxy (in absolute form), not to the host named in the URL.

use crate::support::{Action, RawServer, response};

/// Runs in a child process with `HTTP_PROXY` set (environment variables are process
/// wide; setting them here would reroute every other test).
#[test]
fn through_proxy_child() {
    if std::env::var_os("ATHENA_PROXY_CHILD").is_none() {
        return;
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    runtime.block_on(async {
        // `.invalid` never resolves: only the proxy can answer.
        let (client, _) = crate::support::client("http://athena.invalid");
        let answer = client
            .create_conversation("agent:demo")
            .await
            .expect("answered by the proxy");
        assert_eq!(answer.data.conversation_id, "conversation:via-proxy");
        println!("PROXY_CHILD_OK");
    });
}

#[tokio::test]
async fn http_proxy_from_the_environment_routes_requests() {
    let proxy = RawServer::start(vec![Action::Respond(response(
        "201 Created",
        "application/json",
        &[],
        r#"{"data":{"conversation_id":"conversation:via-proxy"}}"#,
    ))])
    .await;
    let exe = std::env::current_exe().expect("exe");
    let output = tokio::process::Command::new(exe)
        .args([
            "--exact",
            "proxy::through_proxy_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("ATHENA_PROXY_CHILD", "1")
        .env("HTTP_PROXY", &proxy.url)
        .env("http_proxy", &proxy.url)
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .output()
        .await
        .expect("run the child");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("PROXY_CHILD_OK"),
        "child:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let requests = proxy.recorded();
    assert_eq!(requests.len(), 1);
    assert!(
        requests[0]
            .head
            .starts_with("POST http://athena.invalid/my/conversations "),
        "{}",
        requests[0].head
    );
}
