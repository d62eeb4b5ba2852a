//! Contract tests driven through `athena-api` against the real `athena-emulator`.
//!
//! The two crates were written independently from `athena-api.md`; each test here
//! proves one rule of the contract end to end, so a misreading in either crate fails.

use std::sync::Arc;
use std::time::Duration;

use athena_api::tool_results::ToolResultAccepted;
use athena_api::{
    ApiError, ApiKey, AthenaClient, AttachmentRef, BatchEvent, BatchItem, BatchRequest,
    ClientConfig, ClientTool, ExecuteRequest, ExecutionEvent, ExecutionStatus, ExecutionStream,
    Feedback, FinalEvent, PreviewCreditsRequest, RetryPolicy, ToolResultRequest,
    ToolResultResponse, ValidationRule,
};
use athena_emulator::{Emulator, EmulatorConfig, EmulatorHandle};
use serde_json::{Map, Value, json};

use crate::support::RecordingSleeper;

/// An open (non-strict) emulator with no pacing and millisecond media timings.
async fn emulator() -> EmulatorHandle {
    Emulator::start(EmulatorConfig {
        strict_host: false,
        token_delay: Duration::ZERO,
        heartbeat_interval: Duration::from_millis(10),
        media_generation_time: Duration::from_millis(30),
        ..EmulatorConfig::default()
    })
    .await
    .expect("emulator starts")
}

/// A client config for `server`, with a sleeper that records waits instead of sleeping.
fn config_for(server: &EmulatorHandle) -> (ClientConfig, RecordingSleeper) {
    let sleeper = RecordingSleeper::new();
    let mut config = ClientConfig::new(
        server.base_url(),
        ApiKey::new(server.api_key()),
        server.workspace_id(),
    );
    config.sleeper = Arc::new(sleeper.clone());
    config.head_timeout = Duration::from_secs(5);
    config.silence_limit = Duration::from_secs(5);
    (config, sleeper)
}

fn client_for(server: &EmulatorHandle) -> AthenaClient {
    AthenaClient::new(config_for(server).0).expect("client")
}

/// A client sending `X-Emulator-Fault: fault` on every request.
fn faulty_client(server: &EmulatorHandle, fault: &str) -> (AthenaClient, RecordingSleeper) {
    let (mut config, sleeper) = config_for(server);
    config.extra_headers = vec![("X-Emulator-Fault".into(), fault.into())];
    (AthenaClient::new(config).expect("client"), sleeper)
}

/// Every item of a stream: the events, and the error that ended it (if any). Decode
/// errors do not end a stream and are returned apart.
struct Collected {
    events: Vec<ExecutionEvent>,
    decode_errors: Vec<ApiError>,
    end: Option<ApiError>,
}

async fn collect(stream: &mut ExecutionStream) -> Collected {
    let mut out = Collected {
        events: Vec::new(),
        decode_errors: Vec::new(),
        end: None,
    };
    while let Some(item) = stream.next().await {
        match item {
            Ok(event) => out.events.push(event),
            Err(err @ ApiError::Decode { .. }) => out.decode_errors.push(err),
            Err(err) => {
                assert!(stream.next().await.is_none(), "nothing after {err:?}");
                out.end = Some(err);
                break;
            }
        }
    }
    out
}

fn final_of(events: &[ExecutionEvent]) -> &FinalEvent {
    match events.last() {
        Some(ExecutionEvent::Final(fin)) => fin,
        other => panic!("the stream does not end with final: {other:?}"),
    }
}

fn text_of(events: &[ExecutionEvent]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            ExecutionEvent::Text { delta } => Some(delta.as_str()),
            _ => None,
        })
        .collect()
}

fn start_id(events: &[ExecutionEvent]) -> &str {
    match events.first() {
        Some(ExecutionEvent::Start { execution_id }) => execution_id,
        other => panic!("the stream does not begin with start: {other:?}"),
    }
}

/// The balance, read from `X-Credits-Remaining` of a preview (which charges nothing).
async fn balance(client: &AthenaClient) -> i64 {
    client
        .preview_credits("agent:demo-echo", &PreviewCreditsRequest::default())
        .await
        .expect("preview")
        .meta
        .credits_remaining
        .expect("X-Credits-Remaining")
}

fn cost_of(fin: &FinalEvent) -> u64 {
    fin.output
        .as_ref()
        .and_then(|o| o.cost_microdollars)
        .expect("cost_microdollars")
}

#[tokio::test]
async fn streaming_chat_is_ordered_complete_and_charged_by_cost() {
    let server = emulator().await;
    let client = client_for(&server);
    let mut credits_seen = Vec::new();
    let mut costs = Vec::new();
    for message in [
        "hello emulator",
        "a second, longer message for the chat agent",
    ] {
        let mut stream = client
            .execute_stream("agent:demo-chat", &ExecuteRequest::message(message), None)
            .expect("stream");
        let got = collect(&mut stream).await;
        assert!(got.end.is_none() && got.decode_errors.is_empty());
        let id = start_id(&got.events).to_owned();
        assert!(id.starts_with("execution:"), "{id}");
        assert_eq!(stream.execution_id(), Some(id.as_str()));
        assert!(
            got.events[1..got.events.len() - 1]
                .iter()
                .all(|e| matches!(e, ExecutionEvent::Text { .. })),
            "start, text..., final: {:?}",
            got.events
        );
        let fin = final_of(&got.events);
        assert_eq!(fin.status, ExecutionStatus::Completed);
        let output = fin.output.as_ref().expect("output");
        let text = text_of(&got.events);
        assert_eq!(output.text.as_deref(), Some(text.as_str()));
        assert!(
            text.starts_with(&format!("You said: \"{message}\"")),
            "{text}"
        );
        let usage = output.usage.expect("usage");
        assert!(usage.input_tokens > 0 && usage.output_tokens > 0);
        assert_eq!(usage.total_tokens, usage.input_tokens + usage.output_tokens);
        assert!(fin.latency_ms.is_some());
        costs.push(cost_of(fin));
        let meta = stream.meta().expect("headers");
        assert_eq!(meta.workspace_id.as_deref(), Some(server.workspace_id()));
        assert!(meta.app_version.is_some());
        credits_seen.push(meta.credits_remaining.expect("X-Credits-Remaining"));
    }
    // Each stream's header is the balance before it; the next one shows the charge.
    let charged = |cost: u64| i64::try_from(cost.div_ceil(1_000)).expect("small");
    assert_eq!(credits_seen[0] - credits_seen[1], charged(costs[0]));
    assert_eq!(credits_seen[1] - balance(&client).await, charged(costs[1]));
}

#[tokio::test]
async fn sync_execute_answers_one_completed_result() {
    let server = emulator().await;
    let client = client_for(&server);
    let before = balance(&client).await;
    let answer = client
        .execute(
            "agent:demo-echo",
            &ExecuteRequest::message("echo these four words"),
            None,
        )
        .await
        .expect("execute");
    assert_eq!(answer.status, 200);
    let result = answer.data;
    assert!(result.execution_id.starts_with("execution:"));
    assert_eq!(result.status, ExecutionStatus::Completed);
    let output = result.output.expect("output");
    assert_eq!(output.text.as_deref(), Some("echo these four words"));
    let usage = output.usage.expect("usage");
    assert_eq!(usage.output_tokens, 4, "one token per text event");
    let cost = output.cost_microdollars.expect("cost");
    assert_eq!(
        before - balance(&client).await,
        i64::try_from(cost.div_ceil(1_000)).expect("small")
    );
}

#[tokio::test]
async fn batch_events_decode_into_the_clients_batch_types() {
    let server = emulator().await;
    let client = client_for(&server);
    let tools = vec![tool("read_file")];
    let request = BatchRequest {
        items: vec![
            BatchItem {
                key: "item-1".into(),
                request: ExecuteRequest::message("just say hello"),
            },
            BatchItem {
                key: "item-2".into(),
                request: ExecuteRequest {
                    client_tools: tools,
                    ..ExecuteRequest::message("please read_file")
                },
            },
        ],
    };
    let mut stream = client
        .execute_batch("agent:client-tools", &request, None)
        .expect("batch");
    let mut events = Vec::new();
    while let Some(item) = stream.next().await {
        events.push(item.expect("batch event"));
    }
    assert_eq!(events.len(), 4, "{events:?}");
    let BatchEvent::Started { batch_id, total } = &events[0] else {
        panic!("{:?}", events[0])
    };
    assert_eq!(*total, 2);
    assert_eq!(stream.batch_id(), Some(batch_id.as_str()));
    let BatchEvent::Progress(first) = &events[1] else {
        panic!("{:?}", events[1])
    };
    assert_eq!(
        (first.key.as_str(), first.status.as_str()),
        ("item-1", "completed")
    );
    assert_eq!((first.completed, first.failed, first.total), (1, 0, 2));
    let first_output = first.output.as_ref().expect("output");
    assert!(first_output.text.as_deref().is_some_and(|t| !t.is_empty()));
    let BatchEvent::Progress(second) = &events[2] else {
        panic!("{:?}", events[2])
    };
    assert_eq!(
        (second.key.as_str(), second.status.as_str()),
        ("item-2", "failed")
    );
    assert_eq!((second.completed, second.failed), (1, 1));
    assert_eq!(
        second.error.as_ref().and_then(|e| e["code"].as_str()),
        Some("client_tools_unsupported")
    );
    let BatchEvent::Completed(summary) = &events[3] else {
        panic!("{:?}", events[3])
    };
    assert_eq!(summary.batch_id.as_deref(), Some(batch_id.as_str()));
    assert_eq!(
        (summary.total, summary.succeeded, summary.failed),
        (2, 1, 1)
    );
    assert_eq!(summary.usage, first_output.usage);
    assert_eq!(summary.cost_microdollars, first_output.cost_microdollars);
}

#[tokio::test]
async fn preview_credits_matches_its_rules_and_the_charge_but_costs_nothing() {
    let server = emulator().await;
    let client = client_for(&server);
    let mut inputs = Map::new();
    inputs.insert("topic".into(), json!("rust"));
    inputs.insert("sections".into(), json!(4));
    inputs.insert("rush".into(), json!(true));
    let before = balance(&client).await;
    let preview = client
        .preview_credits(
            "agent:wizard",
            &PreviewCreditsRequest {
                inputs: inputs.clone(),
            },
        )
        .await
        .expect("preview");
    let data = preview.data;
    let rules: f64 = data.rules.iter().map(|r| r.credits).sum();
    assert!(!data.rules.is_empty());
    assert!(data.rules.iter().all(|r| !r.name.is_empty()));
    assert_eq!(data.credits, data.base_cost + rules, "{data:?}");
    assert_eq!(data.credits, 11.0, "base 2 + 4 sections + 5 for rush");
    assert_eq!(preview.meta.credits_remaining, Some(before), "no charge");
    assert_eq!(balance(&client).await, before, "still no charge");

    let run = client
        .execute(
            "agent:wizard",
            &ExecuteRequest {
                variables: Some(inputs),
                ..ExecuteRequest::default()
            },
            None,
        )
        .await
        .expect("wizard runs without a message");
    let cost = run.data.output.and_then(|o| o.cost_microdollars);
    assert_eq!(cost, Some(11_000));
    assert_eq!(before - balance(&client).await, 11, "charged as previewed");
}

#[tokio::test]
async fn structured_output_is_parsed_output() {
    let server = emulator().await;
    let client = client_for(&server);
    let result = client
        .execute(
            "agent:structured",
            &ExecuteRequest::message("Is this great news?"),
            None,
        )
        .await
        .expect("execute")
        .data;
    let output = result.output.expect("output");
    let parsed = output.parsed_output.clone().expect("parsed_output");
    assert_eq!(parsed["word_count"], 4);
    assert_eq!(parsed["is_question"], true);
    assert_eq!(
        output.structured(),
        Some(athena_api::execute::StructuredOutput::Json(parsed.clone()))
    );
    let from_text: Value =
        serde_json::from_str(output.text.as_deref().expect("text")).expect("text is JSON");
    assert_eq!(from_text, parsed, "text is the same JSON");
}

#[tokio::test]
async fn a_reused_idempotency_key_is_a_conflict_and_one_charge() {
    let server = emulator().await;
    let client = client_for(&server);
    let before = balance(&client).await;
    let key = athena_api::execute::new_idempotency_key();
    let request = ExecuteRequest::message("only once");
    let first = client
        .execute("agent:demo-echo", &request, Some(key.clone()))
        .await
        .expect("first");
    let cost = first
        .data
        .output
        .and_then(|o| o.cost_microdollars)
        .expect("cost");
    let err = client
        .execute("agent:demo-echo", &request, Some(key.clone()))
        .await
        .expect_err("second");
    let ApiError::IdempotencyConflict {
        idempotency_key,
        body,
        meta,
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!(idempotency_key, key);
    assert_eq!(body.code.as_deref(), Some("idempotency_conflict"));
    let after = i64::try_from(cost.div_ceil(1_000)).expect("small");
    assert_eq!(meta.credits_remaining, Some(before - after));
    // The stream endpoint shares the key space.
    let mut stream = client
        .execute_stream("agent:demo-echo", &request, Some(key.clone()))
        .expect("stream");
    let got = collect(&mut stream).await;
    assert!(got.events.is_empty());
    assert!(
        matches!(got.end, Some(ApiError::IdempotencyConflict { .. })),
        "{:?}",
        got.end
    );
    assert_eq!(before - balance(&client).await, after, "exactly one charge");
}

fn tool(name: &str) -> ClientTool {
    ClientTool {
        name: name.into(),
        description: format!("The {name} tool"),
        parameters: json!({"type": "object", "properties": {"path": {"type": "string"}}}),
    }
}

#[tokio::test]
async fn client_tools_suspend_and_the_last_result_resumes_the_stream() {
    let server = emulator().await;
    let client = client_for(&server);
    let before = balance(&client).await;
    let request = ExecuteRequest {
        client_tools: vec![tool("read_file"), tool("list_dir")],
        ..ExecuteRequest::message("please read_file and list_dir")
    };
    let mut stream = client
        .execute_stream("agent:client-tools", &request, None)
        .expect("stream");
    let got = collect(&mut stream).await;
    assert!(got.end.is_none(), "{:?}", got.end);
    let id = start_id(&got.events).to_owned();
    let fin = final_of(&got.events);
    assert_eq!(fin.status, ExecutionStatus::AwaitingClientTool);
    assert!(fin.output.is_none(), "no output while suspended");
    let n = got.events.len();
    let calls: Vec<(String, String)> = got.events[n - 3..n - 1]
        .iter()
        .map(|e| match e {
            ExecutionEvent::ToolCallAwaitingClient {
                execution_id,
                tool_call_id,
                name,
                arguments,
            } => {
                assert_eq!(execution_id, &id);
                assert!(arguments.is_object());
                (tool_call_id.clone(), name.clone())
            }
            other => panic!("awaiting calls come right before final: {other:?}"),
        })
        .collect();
    let mut names: Vec<&str> = calls.iter().map(|(_, n)| n.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["list_dir", "read_file"]);
    assert_eq!(
        balance(&client).await,
        before,
        "not charged while suspended"
    );

    let first = client
        .post_tool_result_stream(
            &id,
            &ToolResultRequest::success(&calls[0].0, json!({"content": "alpha-result-41"})),
        )
        .await
        .expect("first result");
    let ToolResultResponse::Pending(pending) = first else {
        panic!("the first of two results resumes nothing: {first:?}")
    };
    assert_eq!(pending.status, 202);
    assert_eq!(pending.data, ToolResultAccepted { pending: 1 });

    let last = client
        .post_tool_result_stream(
            &id,
            &ToolResultRequest::error(&calls[1].0, "denied-by-user"),
        )
        .await
        .expect("last result");
    let ToolResultResponse::Resumed(mut resumed) = last else {
        panic!("the last result resumes: {last:?}")
    };
    let got = collect(&mut resumed).await;
    assert!(got.end.is_none(), "{:?}", got.end);
    assert_eq!(start_id(&got.events), id, "same execution id");
    let fin = final_of(&got.events);
    assert_eq!(fin.status, ExecutionStatus::Completed);
    let text = text_of(&got.events);
    let output = fin.output.as_ref().expect("output");
    assert_eq!(output.text.as_deref(), Some(text.as_str()));
    assert!(text.contains("alpha-result-41"), "{text}");
    assert!(text.contains("denied-by-user"), "{text}");
    assert_eq!(
        before - balance(&client).await,
        i64::try_from(cost_of(fin).div_ceil(1_000)).expect("small"),
        "charged once, at the real final"
    );
}

#[tokio::test]
async fn attachments_upload_through_the_client_and_are_attached_by_key() {
    let server = emulator().await;
    let client = client_for(&server);
    let dir = std::env::temp_dir().join(format!(
        "athena-api-against-emulator-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("dir");
    let png_path = dir.join("pixel.png");
    std::fs::write(
        &png_path,
        b"\x89PNG\r\n\x1A\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01",
    )
    .expect("write");
    let txt_path = dir.join("notes.txt");
    std::fs::write(&txt_path, "notes for the agent\n").expect("write");
    let fake_path = dir.join("fake.png");
    std::fs::write(&fake_path, "this is text, not a PNG").expect("write");

    let mut refs = Vec::new();
    for (path, content_type, size) in [(&png_path, "image/png", 24), (&txt_path, "text/plain", 20)]
    {
        let uploaded = client.upload_attachment(path, None).await.expect("upload");
        assert_eq!(uploaded.status, 201);
        let file = uploaded.data;
        assert!(!file.storage_key.is_empty());
        assert_eq!(file.content_type.as_deref(), Some(content_type));
        assert_eq!(file.size_bytes, Some(size));
        let name = path.file_name().and_then(|n| n.to_str()).expect("name");
        assert_eq!(file.filename.as_deref(), Some(name));
        refs.push(AttachmentRef {
            filename: name.into(),
            content_type: content_type.into(),
            storage_key: file.storage_key,
        });
    }

    // The emulator keeps no upload count; the client refuses before sending anything.
    let refused = client
        .upload_attachment(&fake_path, None)
        .await
        .expect_err("mismatch");
    let ApiError::Validation(v) = refused else {
        panic!("{refused:?}")
    };
    assert_eq!((v.field, v.rule), ("file", ValidationRule::TypeMismatch));

    let with = |attachments: Vec<AttachmentRef>| ExecuteRequest {
        attachments,
        ..ExecuteRequest::message("look at these")
    };
    let ok = client
        .execute("agent:demo-echo", &with(refs.clone()), None)
        .await
        .expect("execute with attachments");
    assert_eq!(ok.data.status, ExecutionStatus::Completed);
    // The emulator checks the key was uploaded to it: an invented one is refused.
    let mut bogus = refs[0].clone();
    bogus.storage_key = "uploads/never/was.png".into();
    let err = client
        .execute("agent:demo-echo", &with(vec![bogus]), None)
        .await
        .expect_err("unknown key");
    assert!(matches!(err, ApiError::Http { status: 422, .. }), "{err:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn conversations_remember_take_feedback_and_archive() {
    let server = emulator().await;
    let client = client_for(&server);
    let created = client
        .create_conversation("agent:memory")
        .await
        .expect("create");
    assert!(created.created(), "201 the first time");
    let again = client
        .create_conversation("agent:memory")
        .await
        .expect("create again");
    assert_eq!(again.status, 200);
    assert!(!again.created());
    let cid = created.data.conversation_id.clone();
    assert_eq!(again.data.conversation_id, cid, "the active one");
    assert_eq!(created.data.agent_id.as_deref(), Some("agent:memory"));
    assert_eq!(created.data.status.as_deref(), Some("active"));

    let scoped = |message: &str| ExecuteRequest {
        conversation_scope: Some(cid.clone()),
        ..ExecuteRequest::message(message)
    };
    let mut message_ids = Vec::new();
    let mut last_text = String::new();
    for message in ["my favourite colour is teal", "what did I say first?"] {
        let mut stream = client
            .execute_stream("agent:memory", &scoped(message), None)
            .expect("stream");
        let got = collect(&mut stream).await;
        assert!(got.end.is_none(), "{:?}", got.end);
        let fin = final_of(&got.events);
        message_ids.push(
            fin.message_id
                .clone()
                .expect("message_id in a conversation"),
        );
        last_text = text_of(&got.events);
    }
    assert!(
        last_text.contains("my favourite colour is teal"),
        "{last_text}"
    );
    assert_ne!(message_ids[0], message_ids[1]);

    client
        .message_feedback(&cid, &message_ids[1], Feedback::Up)
        .await
        .expect("feedback accepted");
    let err = client
        .message_feedback(&cid, "message:nope", Feedback::Down)
        .await
        .expect_err("unknown message");
    assert!(matches!(err, ApiError::Http { status: 404, .. }), "{err:?}");

    client.archive_conversation(&cid).await.expect("archive");
    let fresh = client
        .create_conversation("agent:memory")
        .await
        .expect("create after archive");
    assert!(fresh.created());
    assert_ne!(fresh.data.conversation_id, cid, "a new conversation");
}

#[tokio::test]
async fn status_503_twice_is_retried_with_the_same_key_and_succeeds_third() {
    let server = emulator().await;
    let (client, sleeper) = faulty_client(&server, "status=503;times=2");
    let key = athena_api::execute::new_idempotency_key();
    let result = client
        .execute(
            "agent:demo-echo",
            &ExecuteRequest::message("third time lucky"),
            Some(key.clone()),
        )
        .await
        .expect("succeeds on the third attempt");
    assert_eq!(result.data.status, ExecutionStatus::Completed);
    assert_eq!(sleeper.waits().len(), 2, "two backoffs: three attempts");
    // The key was used by the attempt that ran (a fresh key per attempt would have
    // failed every time, the fault counting per key).
    let err = client
        .execute(
            "agent:demo-echo",
            &ExecuteRequest::message("third time lucky"),
            Some(key),
        )
        .await
        .expect_err("the key is spent");
    assert!(
        matches!(err, ApiError::IdempotencyConflict { .. }),
        "{err:?}"
    );

    // Streams retry the same way before they start.
    let (client, sleeper) = faulty_client(&server, "status=503;times=2");
    let mut stream = client
        .execute_stream("agent:demo-echo", &ExecuteRequest::message("again"), None)
        .expect("stream");
    let got = collect(&mut stream).await;
    assert!(got.end.is_none(), "{:?}", got.end);
    assert_eq!(final_of(&got.events).status, ExecutionStatus::Completed);
    assert_eq!(sleeper.waits().len(), 2);

    // Without enough attempts the client reports the 503.
    let (mut config, _) = config_for(&server);
    config.extra_headers = vec![("X-Emulator-Fault".into(), "status=503".into())];
    config.retry = RetryPolicy {
        max_attempts: 2,
        ..RetryPolicy::default()
    };
    config.sleeper = Arc::new(RecordingSleeper::new());
    let client = AthenaClient::new(config).expect("client");
    let err = client
        .execute("agent:demo-echo", &ExecuteRequest::message("no"), None)
        .await
        .expect_err("503");
    let ApiError::Http { status, body, .. } = err else {
        panic!("{err:?}")
    };
    assert_eq!(status, 503);
    assert_eq!(body.code.as_deref(), Some("emulator_fault"));
}

#[tokio::test]
async fn status_429_retry_after_is_honoured() {
    let server = emulator().await;
    let (client, sleeper) = faulty_client(&server, "status=429;retry-after=1;times=1");
    let mut stream = client
        .execute_stream(
            "agent:demo-echo",
            &ExecuteRequest::message("patience"),
            None,
        )
        .expect("stream");
    let got = collect(&mut stream).await;
    assert!(got.end.is_none(), "{:?}", got.end);
    assert_eq!(final_of(&got.events).status, ExecutionStatus::Completed);
    assert_eq!(sleeper.waits(), [Duration::from_secs(1)], "waited as asked");
}

#[tokio::test]
async fn close_after_3_is_stream_ended_early_with_the_execution_id() {
    let server = emulator().await;
    let (client, sleeper) = faulty_client(&server, "close-after=3");
    let mut stream = client
        .execute_stream(
            "agent:demo-echo",
            &ExecuteRequest::message("one two three four five"),
            None,
        )
        .expect("stream");
    let got = collect(&mut stream).await;
    assert_eq!(got.events.len(), 3, "{:?}", got.events);
    let id = start_id(&got.events).to_owned();
    assert_eq!(text_of(&got.events), "one two ");
    let Some(ApiError::StreamEndedEarly { execution_id, .. }) = got.end else {
        panic!("{:?}", got.end)
    };
    assert_eq!(execution_id.as_deref(), Some(id.as_str()));
    assert!(
        sleeper.waits().is_empty(),
        "a started stream is never re-sent"
    );
}

#[tokio::test]
async fn malformed_is_one_decode_error_and_the_stream_goes_on() {
    let server = emulator().await;
    let (client, _) = faulty_client(&server, "malformed");
    let mut stream = client
        .execute_stream(
            "agent:demo-echo",
            &ExecuteRequest::message("still here"),
            None,
        )
        .expect("stream");
    let got = collect(&mut stream).await;
    assert!(got.end.is_none(), "{:?}", got.end);
    assert_eq!(got.decode_errors.len(), 1);
    let ApiError::Decode { raw, .. } = &got.decode_errors[0] else {
        unreachable!()
    };
    assert!(raw.contains("broken"), "{raw}");
    let fin = final_of(&got.events);
    assert_eq!(fin.status, ExecutionStatus::Completed);
    let text = text_of(&got.events);
    assert_eq!(text, "still here");
    assert_eq!(
        fin.output.as_ref().and_then(|o| o.text.as_deref()),
        Some("still here")
    );
}

#[tokio::test]
async fn unknown_event_is_kept_as_unknown() {
    let server = emulator().await;
    let (client, _) = faulty_client(&server, "unknown-event");
    let mut stream = client
        .execute_stream("agent:demo-echo", &ExecuteRequest::message("hi"), None)
        .expect("stream");
    let got = collect(&mut stream).await;
    assert!(got.end.is_none() && got.decode_errors.is_empty());
    let ExecutionEvent::Unknown { event_type, raw } = &got.events[1] else {
        panic!("{:?}", got.events[1])
    };
    assert_eq!(event_type, "emulator_unknown");
    let raw: Value = serde_json::from_str(raw).expect("raw JSON kept");
    assert!(raw.get("detail").is_some());
    assert_eq!(final_of(&got.events).status, ExecutionStatus::Completed);
}

#[tokio::test]
async fn a_stall_longer_than_the_silence_limit_ends_the_stream_early() {
    let server = emulator().await;
    let (mut config, _) = config_for(&server);
    config.extra_headers = vec![("X-Emulator-Fault".into(), "stall=5s".into())];
    config.silence_limit = Duration::from_millis(150);
    let client = AthenaClient::new(config).expect("client");
    let started = std::time::Instant::now();
    let mut stream = client
        .execute_stream("agent:demo-echo", &ExecuteRequest::message("wait"), None)
        .expect("stream");
    let got = collect(&mut stream).await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "not the stall's 5 s"
    );
    assert_eq!(got.events.len(), 1, "start, then silence: {:?}", got.events);
    let id = start_id(&got.events).to_owned();
    let Some(ApiError::StreamEndedEarly {
        execution_id,
        cause,
    }) = got.end
    else {
        panic!("{:?}", got.end)
    };
    assert_eq!(execution_id.as_deref(), Some(id.as_str()));
    assert!(cause.contains("nothing arrived"), "{cause}");
}
