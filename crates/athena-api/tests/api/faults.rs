//! Faults: resets, 409 after a retry, 429 with Retry-After, 5xx, statuses never
//! retried, non-SSE answers, streams that break after they started, idle streams,
//! cancellation and dripping bytes.

use std::time::Duration;

use athena_api::{ApiError, ExecuteRequest, ExecutionEvent};

use crate::support::{Action, RawServer, client, config, fixture, response, sse_head};

const CONFLICT: &str = r#"{"error":{"code":"idempotency_conflict","message":"already received"}}"#;

fn sse(body: &str) -> Vec<u8> {
    let mut bytes = sse_head();
    bytes.extend_from_slice(body.as_bytes());
    bytes
}

async fn collect(
    stream: &mut athena_api::ExecutionStream,
) -> (Vec<ExecutionEvent>, Option<ApiError>) {
    let mut events = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(event) => events.push(event),
            Err(err) => {
                assert!(
                    stream.next().await.is_none(),
                    "nothing after an error that ends it"
                );
                return (events, Some(err));
            }
        }
    }
    (events, None)
}

#[tokio::test]
async fn reset_after_the_request_then_409_is_two_attempts_with_one_key() {
    let server = RawServer::start(vec![
        Action::Reset,
        Action::Respond(response("409 Conflict", "application/json", &[], CONFLICT)),
    ])
    .await;
    let (client, sleeper) = client(&server.url);
    let mut stream = client
        .execute_stream(
            "agent:demo",
            &ExecuteRequest::message("hi"),
            Some("action-1".into()),
        )
        .expect("stream");
    let (events, err) = collect(&mut stream).await;
    assert!(events.is_empty());
    let Some(ApiError::IdempotencyConflict {
        idempotency_key,
        body,
        ..
    }) = err
    else {
        panic!("{err:?}")
    };
    assert_eq!(idempotency_key, "action-1");
    assert_eq!(body.code.as_deref(), Some("idempotency_conflict"));
    let requests = server.recorded();
    assert_eq!(requests.len(), 2, "exactly two attempts");
    for request in &requests {
        assert_eq!(
            request.header("idempotency-key").as_deref(),
            Some("action-1")
        );
        assert_eq!(
            request.body, br#"{"message":"hi"}"#,
            "the same body each time"
        );
    }
    assert_eq!(sleeper.waits().len(), 1, "one backoff between them");

    // The sync endpoint behaves the same.
    let server = RawServer::start(vec![
        Action::Reset,
        Action::Respond(response("409 Conflict", "application/json", &[], CONFLICT)),
    ])
    .await;
    let (client, _) = crate::support::client(&server.url);
    let err = client
        .execute("agent:demo", &ExecuteRequest::message("hi"), None)
        .await
        .expect_err("409");
    assert!(
        matches!(err, ApiError::IdempotencyConflict { .. }),
        "{err:?}"
    );
    let requests = server.recorded();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[0].header("idempotency-key"),
        requests[1].header("idempotency-key")
    );
}

#[tokio::test]
async fn status_429_with_retry_after_waits_then_succeeds() {
    let server = RawServer::start(vec![
        Action::Respond(response(
            "429 Too Many Requests",
            "application/json",
            &[("retry-after", "2")],
            "{}",
        )),
        Action::Respond(sse(&fixture("stream-chat.sse"))),
    ])
    .await;
    let (client, sleeper) = client(&server.url);
    let mut stream = client
        .execute_stream("agent:demo", &ExecuteRequest::message("hi"), None)
        .expect("stream");
    let (events, err) = collect(&mut stream).await;
    assert!(err.is_none(), "{err:?}");
    assert!(matches!(events.last(), Some(ExecutionEvent::Final(_))));
    assert_eq!(sleeper.waits(), vec![Duration::from_secs(2)]);
    let requests = server.recorded();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[0].header("idempotency-key"),
        requests[1].header("idempotency-key")
    );
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let (_, sleeper) = config("http://unused");
    let date = httpdate_in(sleeper.now, 5);
    let server = RawServer::start(vec![
        Action::Respond(response(
            "503 Service Unavailable",
            "text/plain",
            &[("retry-after", &date)],
            "busy",
        )),
        Action::Respond(response(
            "200 OK",
            "application/json",
            &[],
            &fixture("sync-execute-response.json"),
        )),
    ])
    .await;
    let (client, sleeper) = client(&server.url);
    client
        .execute("agent:demo", &ExecuteRequest::message("hi"), None)
        .await
        .expect("second attempt succeeds");
    assert_eq!(sleeper.waits(), vec![Duration::from_secs(5)]);
}

fn httpdate_in(now: std::time::SystemTime, seconds: u64) -> String {
    httpdate::fmt_http_date(now + Duration::from_secs(seconds))
}

#[tokio::test]
async fn status_429_with_a_huge_retry_after_gives_up() {
    let server = RawServer::start(vec![Action::Respond(response(
        "429 Too Many Requests",
        "application/json",
        &[("retry-after", "86400")],
        r#"{"message":"come back tomorrow"}"#,
    ))])
    .await;
    let (client, sleeper) = client(&server.url);
    let mut stream = client
        .execute_stream("agent:demo", &ExecuteRequest::message("hi"), None)
        .expect("stream");
    let (_, err) = collect(&mut stream).await;
    let Some(ApiError::RetryAfterTooLong {
        requested_secs,
        max_secs,
        status,
        body,
    }) = err
    else {
        panic!("{err:?}")
    };
    assert_eq!((requested_secs, max_secs, status), (86_400, 60, 429));
    assert_eq!(body.message.as_deref(), Some("come back tomorrow"));
    assert!(sleeper.waits().is_empty());
    assert_eq!(server.recorded().len(), 1);
}

#[tokio::test]
async fn status_500_then_200_succeeds_after_a_jittered_backoff() {
    let server = RawServer::start(vec![
        Action::Respond(response(
            "500 Internal Server Error",
            "text/plain",
            &[],
            "oops",
        )),
        Action::Respond(response(
            "200 OK",
            "application/json",
            &[],
            &fixture("sync-execute-response.json"),
        )),
    ])
    .await;
    let (client, sleeper) = client(&server.url);
    let answer = client
        .execute("agent:demo", &ExecuteRequest::message("hi"), None)
        .await
        .expect("execute");
    assert_eq!(answer.data.execution_id, "execution:xyz");
    let waits = sleeper.waits();
    assert_eq!(waits.len(), 1);
    assert!(
        waits[0] >= Duration::from_millis(250) && waits[0] <= Duration::from_millis(500),
        "{waits:?}"
    );
}

#[tokio::test]
async fn retryable_statuses_give_up_after_max_attempts() {
    let server = RawServer::start(vec![Action::Respond(response(
        "503 Service Unavailable",
        "application/json",
        &[],
        r#"{"detail":"maintenance"}"#,
    ))])
    .await;
    let (client, sleeper) = client(&server.url);
    let err = client
        .execute("agent:demo", &ExecuteRequest::message("hi"), None)
        .await
        .expect_err("503");
    assert!(
        matches!(&err, ApiError::Http { status: 503, body, .. } if body.message.as_deref() == Some("maintenance")),
        "{err:?}"
    );
    assert_eq!(server.recorded().len(), 4);
    assert_eq!(sleeper.waits().len(), 3);
}

#[tokio::test]
async fn client_errors_are_never_retried() {
    for status in [400u16, 401, 403, 404, 413, 422] {
        let mut server = mockito::Server::new_async().await;
        let mock = server
            .mock("POST", "/agents/agent:demo/execute/stream")
            .with_status(usize::from(status))
            .with_header("content-type", "application/json")
            .with_body(r#"{"error":{"code":"nope","message":"refused"}}"#)
            .expect(1)
            .create_async()
            .await;
        let (client, sleeper) = client(&server.url());
        let mut stream = client
            .execute_stream("agent:demo", &ExecuteRequest::message("hi"), None)
            .expect("stream");
        let (events, err) = collect(&mut stream).await;
        mock.assert_async().await;
        assert!(events.is_empty());
        let Some(ApiError::Http {
            status: got,
            body,
            raw,
            ..
        }) = err
        else {
            panic!("{status}: {err:?}")
        };
        assert_eq!(got, status);
        assert_eq!(
            (body.code.as_deref(), body.message.as_deref()),
            (Some("nope"), Some("refused"))
        );
        assert!(raw.contains("refused"));
        assert!(sleeper.waits().is_empty(), "{status} was retried");
    }
}

#[tokio::test]
async fn a_non_sse_answer_to_a_stream_request_is_an_error_not_an_empty_stream() {
    let mut server = mockito::Server::new_async().await;
    let _html = server
        .mock("POST", "/agents/agent:demo/execute/stream")
        .with_status(200)
        .with_header("content-type", "text/html")
        .with_body("<html>captive portal</html>")
        .create_async()
        .await;
    let (client, _) = client(&server.url());
    let mut stream = client
        .execute_stream("agent:demo", &ExecuteRequest::message("hi"), None)
        .expect("stream");
    let (events, err) = collect(&mut stream).await;
    assert!(events.is_empty());
    let Some(ApiError::UnexpectedContentType {
        status,
        content_type,
        raw,
        ..
    }) = err
    else {
        panic!("{err:?}")
    };
    assert_eq!((status, content_type.as_str()), (200, "text/html"));
    assert!(raw.contains("captive portal"));
}

#[tokio::test]
async fn a_stream_broken_after_it_started_is_never_resent() {
    let partial = "data: {\"type\":\"start\",\"execution_id\":\"execution:b1\"}\n\ndata: {\"type\":\"text\",\"delta\":\"Hel\"}\n\ndata: {\"type\":\"text\",\"de";
    let server = RawServer::start(vec![Action::WriteThenReset(sse(partial))]).await;
    let (client, sleeper) = client(&server.url);
    let mut stream = client
        .execute_stream("agent:demo", &ExecuteRequest::message("hi"), None)
        .expect("stream");
    let (events, err) = collect(&mut stream).await;
    assert_eq!(events.len(), 2, "{events:?}");
    let Some(ApiError::StreamEndedEarly { execution_id, .. }) = err else {
        panic!("{err:?}")
    };
    assert_eq!(execution_id.as_deref(), Some("execution:b1"));
    assert_eq!(server.recorded().len(), 1, "never re-sent");
    assert!(sleeper.waits().is_empty());
}

#[tokio::test]
async fn end_of_file_before_final_is_early_and_after_final_is_normal() {
    let early = "data: {\"type\":\"start\",\"execution_id\":\"execution:e1\"}\n\n";
    let server = RawServer::start(vec![Action::Respond(sse(early))]).await;
    let (client, _) = client(&server.url);
    let mut stream = client
        .execute_stream("agent:demo", &ExecuteRequest::message("hi"), None)
        .expect("stream");
    let (_, err) = collect(&mut stream).await;
    assert!(
        matches!(err, Some(ApiError::StreamEndedEarly { execution_id: Some(ref id), .. }) if id == "execution:e1"),
        "{err:?}"
    );

    // A trailing partial event after `final` is dropped; the stream ends normally.
    let body = format!("{}data: {{\"type\":\"text\"", fixture("stream-chat.sse"));
    let server = RawServer::start(vec![Action::Respond(sse(&body))]).await;
    let (client, _) = crate::support::client(&server.url);
    let mut stream = client
        .execute_stream("agent:demo", &ExecuteRequest::message("hi"), None)
        .expect("stream");
    let (events, err) = collect(&mut stream).await;
    assert!(err.is_none(), "{err:?}");
    assert!(matches!(events.last(), Some(ExecutionEvent::Final(_))));
}

#[tokio::test]
async fn a_stream_silent_past_the_limit_ends_early_and_dropping_a_stream_closes_the_connection() {
    let start = "data: {\"type\":\"start\",\"execution_id\":\"execution:idle\"}\n\n";
    let server = RawServer::start(vec![Action::WriteThenStall(sse(start))]).await;
    let (mut config, _) = config(&server.url);
    config.silence_limit = Duration::from_millis(300);
    let client = athena_api::AthenaClient::new(config).expect("client");
    let mut stream = client
        .execute_stream("agent:demo", &ExecuteRequest::message("hi"), None)
        .expect("stream");
    let (events, err) = collect(&mut stream).await;
    assert_eq!(events.len(), 1);
    let Some(ApiError::StreamEndedEarly {
        execution_id,
        cause,
    }) = err
    else {
        panic!("{err:?}")
    };
    assert_eq!(execution_id.as_deref(), Some("execution:idle"));
    assert!(cause.contains("nothing arrived"), "{cause}");

    // Cancellation: the server is idle; dropping the stream closes the request promptly.
    let server = RawServer::start(vec![Action::WriteThenStall(sse(start))]).await;
    let (client, _) = crate::support::client(&server.url);
    let mut stream = client
        .execute_stream("agent:demo", &ExecuteRequest::message("hi"), None)
        .expect("stream");
    assert!(matches!(
        stream.next().await,
        Some(Ok(ExecutionEvent::Start { .. }))
    ));
    let closed = server.closed.notified();
    drop(stream);
    tokio::time::timeout(Duration::from_secs(2), closed)
        .await
        .expect("the server saw the connection close within 2 s");
}

#[tokio::test]
async fn bytes_dripped_one_at_a_time_give_the_same_events() {
    let body = fixture("stream-chat.sse");
    let server = RawServer::start(vec![Action::Drip(sse(&body), Duration::from_micros(200))]).await;
    let (client, _) = client(&server.url);
    let mut stream = client
        .execute_stream("agent:demo", &ExecuteRequest::message("hi"), None)
        .expect("stream");
    let (events, err) = collect(&mut stream).await;
    assert!(err.is_none(), "{err:?}");
    let expected: Vec<ExecutionEvent> =
        athena_api::decode_sse_bytes(body.as_bytes(), usize::MAX, 1 << 20)
            .into_iter()
            .map(|e| e.expect("event"))
            .collect();
    assert_eq!(events, expected);
}

#[tokio::test]
async fn a_10_mb_event_on_the_wire_is_refused() {
    let mut body = String::from(
        "data: {\"type\":\"start\",\"execution_id\":\"execution:big\"}\n\ndata: {\"type\":\"text\",\"delta\":\"",
    );
    body.push_str(&"x".repeat(10 * 1024 * 1024));
    body.push_str("\"}\n\n");
    let server = RawServer::start(vec![Action::Respond(sse(&body))]).await;
    let (client, _) = client(&server.url);
    let mut stream = client
        .execute_stream("agent:demo", &ExecuteRequest::message("hi"), None)
        .expect("stream");
    let (events, err) = collect(&mut stream).await;
    assert_eq!(events.len(), 1);
    assert!(
        matches!(err, Some(ApiError::EventTooLarge { limit }) if limit == 4 * 1024 * 1024),
        "{err:?}"
    );
}

#[tokio::test]
async fn validation_errors_send_nothing() {
    let server = RawServer::start(vec![Action::Respond(sse(""))]).await;
    let (client, _) = client(&server.url);
    let err = client
        .execute_stream("agent:demo", &ExecuteRequest::message("   "), None)
        .expect_err("empty");
    assert!(
        matches!(err, ApiError::Validation(ref v) if v.field == "message"),
        "{err:?}"
    );
    let err = client
        .execute("agent:demo", &ExecuteRequest::message(""), None)
        .await
        .expect_err("empty");
    assert!(matches!(err, ApiError::Validation(_)));
    assert!(server.recorded().is_empty());
}
