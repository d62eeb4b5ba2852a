//! The system proxy settings are honoured: with `HTTP_PROXY` set, a request goes to
//! the proxy (in absolute form), not to the host named in the URL; but a loopback base
//! URL is always reached directly, and the proxy sees nothing.

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

/// The direct answer of the loopback test's server; the proxy answers another id.
const DIRECT: &str = r#"{"data":{"conversation_id":"conversation:direct"}}"#;

/// Runs in a child process with `HTTP_PROXY`/`ALL_PROXY` pointing at a recording proxy.
#[test]
fn loopback_child() {
    if std::env::var_os("ATHENA_LOOPBACK_CHILD").is_none() {
        return;
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    runtime.block_on(async {
        let server = RawServer::start(vec![Action::Respond(response(
            "201 Created",
            "application/json",
            &[],
            DIRECT,
        ))])
        .await;
        let (client, _) = crate::support::client(&server.url);
        let answer = client
            .create_conversation("agent:demo")
            .await
            .expect("answered");
        assert_eq!(answer.data.conversation_id, "conversation:direct");
        assert_eq!(server.recorded().len(), 1, "the server itself was reached");
        println!("LOOPBACK_CHILD_OK");
    });
}

#[tokio::test]
async fn a_loopback_base_url_never_goes_through_the_proxy() {
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
            "proxy::loopback_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("ATHENA_LOOPBACK_CHILD", "1")
        .env("HTTP_PROXY", &proxy.url)
        .env("http_proxy", &proxy.url)
        .env("ALL_PROXY", &proxy.url)
        .env("all_proxy", &proxy.url)
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .output()
        .await
        .expect("run the child");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("LOOPBACK_CHILD_OK"),
        "child:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        proxy.recorded().is_empty(),
        "the proxy saw {:?}",
        proxy.recorded()
    );
}
