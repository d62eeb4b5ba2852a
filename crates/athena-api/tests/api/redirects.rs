//! Redirects are never followed: a 3xx is `ApiError::Redirect`, saying where it points.

use athena_api::{ApiError, ExecuteRequest, PreviewCreditsRequest};

use crate::support::client;

#[tokio::test]
async fn a_redirect_is_reported_with_where_it_points_and_never_followed() {
    let mut server = mockito::Server::new_async().await;
    let moved = server
        .mock("POST", "/agents/agent:demo/execute")
        .with_status(301)
        .with_header(
            "location",
            "https://athena.example.com/agents/agent:demo/execute",
        )
        .expect(1)
        .create_async()
        .await;
    let (client, sleeper) = client(&server.url());
    let err = client
        .execute("agent:demo", &ExecuteRequest::message("hi"), None)
        .await
        .expect_err("a redirect");
    moved.assert_async().await;
    assert!(
        matches!(&err, ApiError::Redirect { status: 301, location: Some(l) } if l == "https://athena.example.com/agents/agent:demo/execute"),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "the server redirected to https://athena.example.com/agents/agent:demo/execute: check the base URL"
    );
    assert!(sleeper.waits().is_empty(), "not retried");

    // A relative `Location` on the stream path is made absolute; it is not followed.
    let target = server
        .mock("POST", "/v2/agents/agent:demo/execute/stream")
        .expect(0)
        .create_async()
        .await;
    let _found = server
        .mock("POST", "/agents/agent:demo/execute/stream")
        .with_status(307)
        .with_header("location", "/v2/agents/agent:demo/execute/stream")
        .create_async()
        .await;
    let mut stream = client
        .execute_stream("agent:demo", &ExecuteRequest::message("hi"), None)
        .expect("stream");
    let err = stream.next().await.and_then(Result::err);
    let want = format!("{}/v2/agents/agent:demo/execute/stream", server.url());
    assert!(
        matches!(&err, Some(ApiError::Redirect { status: 307, location: Some(l) }) if *l == want),
        "{err:?}"
    );
    target.assert_async().await;

    // Without a `Location`.
    let _bare = server
        .mock("POST", "/agents/agent:demo/preview-credits")
        .with_status(302)
        .create_async()
        .await;
    let err = client
        .preview_credits("agent:demo", &PreviewCreditsRequest::default())
        .await
        .expect_err("a redirect");
    assert_eq!(
        err.to_string(),
        "the server redirected elsewhere (HTTP 302): check the base URL"
    );
}
