//! Nothing thrown away: the final JSON of the last tool result, the error of a failed
//! sync execution, a 200 that is not an event stream, a credit preview without a total.

use athena_api::tool_results::ToolResultResponse;
use athena_api::{
    ApiError, BatchItem, BatchRequest, ExecuteRequest, ExecutionStatus, PreviewCreditsRequest,
    ToolResultRequest,
};
use serde_json::json;

use crate::support::{client, fixture};

const FINISHED: &str = r#"{"data":{"status":"completed","output":{"text":"done","cost_microdollars":120},"latency_ms":5,"message_id":"message:9"}}"#;

#[tokio::test]
async fn the_last_tool_result_answers_the_finished_execution() {
    let mut server = mockito::Server::new_async().await;
    let _mock = server
        .mock("POST", "/executions/execution:susp/tool-result")
        .with_status(200)
        .with_header("content-type", "application/json")
        .with_body(FINISHED)
        .create_async()
        .await;
    let (client, _) = client(&server.url());
    let request = ToolResultRequest::success("tc_a", json!({"ok": true}));
    for streamed in [false, true] {
        let answer = if streamed {
            // A server that ignores `Accept: text/event-stream` answers JSON too.
            client
                .post_tool_result_stream("execution:susp", &request)
                .await
        } else {
            client.post_tool_result("execution:susp", &request).await
        }
        .expect("post");
        let ToolResultResponse::Finished(result) = answer else {
            panic!("streamed={streamed}: not the final result: {answer:?}")
        };
        assert_eq!(result.status, 200);
        assert_eq!(
            result.data.execution_id, "execution:susp",
            "filled in from the path"
        );
        assert_eq!(result.data.status, ExecutionStatus::Completed);
        let output = result.data.output.expect("output");
        assert_eq!(output.text.as_deref(), Some("done"));
        assert_eq!(output.cost_microdollars, Some(120));
        assert_eq!(result.data.message_id.as_deref(), Some("message:9"));
    }
}

#[tokio::test]
async fn a_tool_result_answer_of_another_shape_is_an_error_not_zero_pending() {
    let mut server = mockito::Server::new_async().await;
    let _mock = server
        .mock("POST", "/executions/execution:susp/tool-result")
        .with_status(200)
        .with_header("content-type", "application/json")
        .with_body(r#"{"data":{"resumed":true}}"#)
        .create_async()
        .await;
    let (client, _) = client(&server.url());
    let err = client
        .post_tool_result(
            "execution:susp",
            &ToolResultRequest::success("tc_a", json!(1)),
        )
        .await
        .expect_err("unknown shape");
    assert!(
        matches!(&err, ApiError::Decode { raw, .. } if raw.contains("resumed")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_failed_sync_execution_carries_its_error() {
    let bodies = [
        (
            r#"{"data":{"execution_id":"execution:f","status":"failed","error":{"code":"model_overloaded","message":"The model is overloaded"}}}"#,
            (Some("model_overloaded"), Some("The model is overloaded")),
        ),
        (
            r#"{"data":{"execution_id":"execution:f","status":"failed","error":"out of credits"}}"#,
            (None, Some("out of credits")),
        ),
        (
            r#"{"data":{"execution_id":"execution:f","status":"failed","error":{"code":500}}}"#,
            (Some("500"), None),
        ),
    ];
    for (body, (code, message)) in bodies {
        let mut server = mockito::Server::new_async().await;
        let _mock = server
            .mock("POST", "/agents/agent:demo/execute")
            .with_header("content-type", "application/json")
            .with_body(body)
            .create_async()
            .await;
        let (client, _) = client(&server.url());
        let answer = client
            .execute("agent:demo", &ExecuteRequest::message("hi"), None)
            .await
            .expect(body);
        assert_eq!(answer.data.status, ExecutionStatus::Failed);
        let error = answer.data.error.expect(body);
        assert_eq!(
            (error.code.as_deref(), error.message.as_deref()),
            (code, message),
            "{body}"
        );
    }
}

#[tokio::test]
async fn a_200_that_is_not_an_event_stream_is_an_error_on_every_stream_path() {
    let mut server = mockito::Server::new_async().await;
    for path in [
        "/agents/agent:demo/execute/stream",
        "/agents/agent:demo/execute/batch",
    ] {
        server
            .mock("POST", path)
            .with_status(200)
            .with_header("content-type", "application/json")
            .with_body(fixture("sync-execute-response.json"))
            .create_async()
            .await;
    }
    server
        .mock("POST", "/executions/execution:susp/tool-result")
        .with_status(200)
        .with_header("content-type", "text/html")
        .with_body("<html>captive portal</html>")
        .create_async()
        .await;
    let (client, _) = client(&server.url());

    let mut stream = client
        .execute_stream("agent:demo", &ExecuteRequest::message("hi"), None)
        .expect("stream");
    let err = stream.next().await.and_then(Result::err);
    assert!(
        matches!(&err, Some(ApiError::UnexpectedContentType { status: 200, raw, .. }) if raw.contains("execution:xyz")),
        "{err:?}"
    );
    assert!(stream.next().await.is_none());

    let batch = BatchRequest {
        items: vec![BatchItem {
            key: "a".into(),
            request: ExecuteRequest::message("hi"),
        }],
    };
    let mut stream = client
        .execute_batch("agent:demo", &batch, None)
        .expect("batch");
    let err = stream.next().await.and_then(Result::err);
    assert!(
        matches!(
            err,
            Some(ApiError::UnexpectedContentType { status: 200, .. })
        ),
        "{err:?}"
    );

    let err = client
        .post_tool_result_stream(
            "execution:susp",
            &ToolResultRequest::success("tc_a", json!(1)),
        )
        .await
        .expect_err("html");
    assert!(
        matches!(&err, ApiError::UnexpectedContentType { content_type, .. } if content_type == "text/html"),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_credit_preview_without_its_total_is_an_error_never_zero() {
    let refused = [
        r#"{"data":{}}"#,
        r#"{"data":{"base_cost":10}}"#,
        r#"{"data":{"credits":12}}"#,
        r#"{"data":{"credits":null,"base_cost":10}}"#,
        r#"{"data":{"credits":"a lot","base_cost":10}}"#,
        r#"{"data":{"credits":12,"base_cost":10,"rules":[{"name":"long_input"}]}}"#,
    ];
    for body in refused {
        let mut server = mockito::Server::new_async().await;
        let _mock = server
            .mock("POST", "/agents/agent:demo/preview-credits")
            .with_body(body)
            .create_async()
            .await;
        let (client, _) = client(&server.url());
        let err = client
            .preview_credits("agent:demo", &PreviewCreditsRequest::default())
            .await
            .expect_err(body);
        assert!(matches!(err, ApiError::Decode { .. }), "{body}: {err:?}");
    }

    // Numbers in other shapes are still read.
    let mut server = mockito::Server::new_async().await;
    let _mock = server
        .mock("POST", "/agents/agent:demo/preview-credits")
        .with_body(
            r#"{"data":{"credits":"12","base_cost":10.5,"rules":[{"name":"x","credits":"1.5"}]}}"#,
        )
        .create_async()
        .await;
    let (client, _) = client(&server.url());
    let preview = client
        .preview_credits("agent:demo", &PreviewCreditsRequest::default())
        .await
        .expect("preview");
    assert_eq!(
        (
            preview.data.credits,
            preview.data.base_cost,
            preview.data.rules[0].credits
        ),
        (12.0, 10.5, 1.5)
    );
}
