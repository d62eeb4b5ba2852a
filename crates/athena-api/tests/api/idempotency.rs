//! No double charge: every execute path sends one `Idempotency-Key` on every attempt,
//! retries a connection dropped after the request went out (the key makes that safe),
//! never retries a head timeout, and reports a `409` as `IdempotencyConflict`.

use std::time::Duration;

use athena_api::{ApiError, BatchItem, BatchRequest, ExecuteRequest};

use crate::support::{Action, RawServer, client, config, response};

const CONFLICT: &str = r#"{"error":{"code":"idempotency_conflict","message":"already received"}}"#;

/// First attempt: the server reads the whole request, then closes without a word.
/// Second attempt: `409`, as a server that did receive the first one answers.
async fn dropped_then_conflict() -> RawServer {
    RawServer::start(vec![
        Action::Close,
        Action::Respond(response("409 Conflict", "application/json", &[], CONFLICT)),
    ])
    .await
}

fn assert_conflict_after_two_attempts(err: Option<ApiError>, server: &RawServer, key: &str) {
    let Some(ApiError::IdempotencyConflict {
        idempotency_key,
        body,
        ..
    }) = err
    else {
        panic!("{key}: {err:?}")
    };
    assert_eq!(idempotency_key, key);
    assert_eq!(body.code.as_deref(), Some("idempotency_conflict"));
    let requests = server.recorded();
    assert_eq!(requests.len(), 2, "{key}: exactly two attempts");
    for request in &requests {
        assert_eq!(request.header("idempotency-key").as_deref(), Some(key));
    }
    assert_eq!(requests[0].body, requests[1].body, "{key}: the same body");
}

#[tokio::test]
async fn a_connection_dropped_after_the_request_then_409_is_a_conflict_on_every_execute_path() {
    let request = ExecuteRequest::message("hi");

    let server = dropped_then_conflict().await;
    let (client, _) = client(&server.url);
    let err = client
        .execute("agent:demo", &request, Some("key-sync".into()))
        .await
        .err();
    assert_conflict_after_two_attempts(err, &server, "key-sync");

    let server = dropped_then_conflict().await;
    let (client, _) = crate::support::client(&server.url);
    let mut stream = client
        .execute_stream("agent:demo", &request, Some("key-stream".into()))
        .expect("stream");
    let err = stream.next().await.and_then(Result::err);
    assert!(stream.next().await.is_none(), "a conflict ends the stream");
    assert_conflict_after_two_attempts(err, &server, "key-stream");

    let server = dropped_then_conflict().await;
    let (client, _) = crate::support::client(&server.url);
    let batch = BatchRequest {
        items: vec![BatchItem {
            key: "item-1".into(),
            request: request.clone(),
        }],
    };
    let mut stream = client
        .execute_batch("agent:demo", &batch, Some("key-batch".into()))
        .expect("batch");
    let err = stream.next().await.and_then(Result::err);
    assert!(stream.next().await.is_none(), "a conflict ends the batch");
    assert_conflict_after_two_attempts(err, &server, "key-batch");
}

#[tokio::test]
async fn a_head_timeout_is_not_retried() {
    // The server reads the request and answers nothing: it may be running it.
    let server = RawServer::start(vec![Action::WriteThenStall(Vec::new())]).await;
    let (mut config, sleeper) = config(&server.url);
    config.head_timeout = Duration::from_millis(200);
    let client = athena_api::AthenaClient::new(config).expect("client");
    let mut stream = client
        .execute_stream("agent:demo", &ExecuteRequest::message("hi"), None)
        .expect("stream");
    let err = stream.next().await.and_then(Result::err);
    assert!(matches!(err, Some(ApiError::Timeout { .. })), "{err:?}");
    assert_eq!(server.recorded().len(), 1, "sent once");
    assert!(sleeper.waits().is_empty());
}
