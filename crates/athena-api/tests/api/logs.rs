//! The API key never appears in any log output, at any level, on success or failure.

use std::io::Write;
use std::sync::{Arc, Mutex};

use athena_api::{ExecuteRequest, PreviewCreditsRequest};

use crate::support::{Action, KEY, RawServer, client, fixture, response, sse_head};

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn the_key_never_appears_in_logs_at_trace_level() {
    // `log` records (reqwest, hyper) are forwarded to tracing as well.
    let _ = tracing_log::LogTracer::init();
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let mut ok = sse_head();
        ok.extend_from_slice(fixture("stream-chat.sse").as_bytes());
        let echo = format!(r#"{{"error":{{"code":"unauthorized","message":"bad key {KEY}"}}}}"#);
        let server = RawServer::start(vec![
            Action::Respond(response(
                "500 Internal Server Error",
                "text/plain",
                &[],
                "boom",
            )),
            Action::Respond(ok),
            Action::Reset,
            Action::Respond(response("409 Conflict", "application/json", &[], "{}")),
            Action::Respond(response("401 Unauthorized", "application/json", &[], &echo)),
        ])
        .await;
        let (client, _) = client(&server.url);
        tracing::info!(client = ?client, "client built");
        let mut stream = client
            .execute_stream("agent:demo", &ExecuteRequest::message("hi"), None)
            .expect("stream");
        while let Some(item) = stream.next().await {
            tracing::debug!(?item, "event");
        }
        let err = client
            .execute("agent:demo", &ExecuteRequest::message("hi"), None)
            .await
            .expect_err("409 after reset");
        tracing::warn!(error = %err, debug = ?err, "failed");
        let err = client
            .preview_credits("agent:demo", &PreviewCreditsRequest::default())
            .await
            .expect_err("401");
        tracing::warn!(error = %err, "failed");
        let unreachable = crate::support::client("http://127.0.0.1:9").0;
        let err = unreachable
            .execute("agent:demo", &ExecuteRequest::message("hi"), None)
            .await
            .expect_err("unreachable");
        tracing::error!(error = %err, debug = ?err, "failed");
    });
    let logs = String::from_utf8(buffer.0.lock().unwrap().clone()).expect("utf-8");
    assert!(
        logs.lines().count() > 10,
        "the capture saw too little:\n{logs}"
    );
    assert!(
        logs.contains("retryable status"),
        "our own trace lines are captured"
    );
    assert!(!logs.contains(KEY), "the full key leaked:\n{logs}");
    assert!(
        !logs.contains(&KEY[KEY.len() - 8..]),
        "the key's last 8 characters leaked:\n{logs}"
    );
}
