//! What the user sees when a message cannot be sent or the answer stops arriving.

use std::time::Duration;

use athena_api::{ValidationError, ValidationRule};
use athena_core::{CoreError, ExecutionChange, ExecutionError, ExecutionStatus};
use athena_emulator::{Emulator, EmulatorConfig};

use crate::support::{Setup, assert_consecutive, deltas, fold, started_id};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_that_break_the_limits_are_refused_and_nothing_is_recorded() {
    let setup = Setup::start(EmulatorConfig::default(), Duration::ZERO).await;
    let too_long = "a".repeat(65_537);
    let cases = [
        ("", ValidationRule::Required, 1, 0),
        (" \n\t ", ValidationRule::Required, 1, 0),
        (too_long.as_str(), ValidationRule::TooLong, 65_536, 65_537),
    ];
    for (message, rule, limit, actual) in cases {
        let result = setup.executions.send(
            &setup.workspace,
            crate::support::request("agent:demo-chat", message),
        );
        assert_eq!(
            result,
            Err(CoreError::Validation(ValidationError {
                field: "message",
                rule,
                limit,
                actual,
            })),
            "message of {} chars",
            message.chars().count()
        );
    }
    // The longest allowed message still goes through (the limit is not off by one).
    let at_limit = setup.send("agent:demo-echo", &"a".repeat(65_536));
    setup.recorder.wait_for_end(&at_limit).await;
    let all = setup.recorder.all();
    assert!(
        all.iter().all(|r| r.update.handle == at_limit),
        "a refused message delivered an update"
    );
    let snapshots = setup.executions.snapshots();
    assert_eq!(snapshots.len(), 1, "only the valid message is recorded");
    assert_eq!(snapshots[0].handle, at_limit);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_message_leaves_no_trace() {
    let setup = Setup::start(EmulatorConfig::default(), Duration::ZERO).await;
    let err = setup
        .executions
        .send(
            &setup.workspace,
            crate::support::request("agent:demo-chat", "   "),
        )
        .expect_err("whitespace only is refused");
    assert!(matches!(err, CoreError::Validation(ref v) if v.field == "message"));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(setup.recorder.all().is_empty(), "no update delivered");
    assert!(setup.executions.snapshots().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_server_fails_the_execution_and_keeps_the_message() {
    let server = Emulator::start(EmulatorConfig::default())
        .await
        .expect("emulator starts");
    let base_url = server.base_url();
    let key = server.api_key().to_owned();
    server.stop().await; // the port is free: nothing listens there now
    let setup = Setup::at_url(&base_url, &key, Duration::ZERO);

    let message = "is anybody there?";
    let handle = setup.send("agent:demo-chat", message);
    let updates = setup.recorder.wait_for_end(&handle).await;

    assert_consecutive(&updates);
    assert_eq!(updates.len(), 2, "{updates:#?}");
    assert!(matches!(
        updates[0].change,
        ExecutionChange::Accepted { .. }
    ));
    assert_eq!(
        updates[1].change,
        ExecutionChange::Failed {
            error: ExecutionError::Unreachable
        }
    );
    let snapshot = setup.executions.snapshot(&handle).unwrap();
    assert_eq!(
        snapshot.request.message, message,
        "the typed text is not lost"
    );
    assert_eq!(snapshot.request.agent_id, "agent:demo-chat");
    assert_eq!(snapshot.status, ExecutionStatus::Failed);
    assert_eq!(snapshot.error, Some(ExecutionError::Unreachable));
    assert_eq!(snapshot.execution_id, None);
    assert_eq!(fold(&handle, &updates), snapshot);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_cut_mid_way_fails_with_the_execution_id_and_keeps_the_text() {
    let config = EmulatorConfig {
        token_delay: Duration::from_millis(20),
        ..EmulatorConfig::default()
    };
    let mut setup = Setup::start(config, Duration::ZERO).await;
    let handle = setup.send("agent:demo-chat", "please do not hang up");
    setup
        .recorder
        .wait_until(&handle, "the first text", |u| {
            u.iter().any(|u| crate::support::is_text(&u.change))
        })
        .await;
    drop(setup.server.take()); // the server stops; its open stream ends without final

    let updates = setup.recorder.wait_for_end(&handle).await;
    assert_consecutive(&updates);
    let id = started_id(&updates);
    assert_eq!(
        updates.last().unwrap().change,
        ExecutionChange::Failed {
            error: ExecutionError::StreamEndedEarly {
                execution_id: Some(id.clone())
            }
        }
    );
    let streamed = deltas(&updates);
    assert!(
        streamed.starts_with("You "),
        "the first word arrived: {streamed:?}"
    );
    assert!(!streamed.ends_with("real agents."), "the reply was cut");

    let snapshot = setup.executions.snapshot(&handle).unwrap();
    assert_eq!(
        snapshot.answer_text(),
        streamed,
        "the text that arrived is kept"
    );
    assert_eq!(snapshot.status, ExecutionStatus::Failed);
    assert_eq!(snapshot.execution_id, Some(id));
    assert_eq!(fold(&handle, &updates), snapshot);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_key_fails_with_the_servers_401() {
    let server = Emulator::start(EmulatorConfig::default())
        .await
        .expect("emulator starts");
    let setup = Setup::connect(server, "eak_not_the_right_one", Duration::ZERO);
    let handle = setup.send("agent:demo-chat", "let me in");
    let updates = setup.recorder.wait_for_end(&handle).await;

    assert_consecutive(&updates);
    assert_eq!(updates.len(), 2, "{updates:#?}");
    let ExecutionChange::Failed {
        error:
            ExecutionError::Http {
                status,
                server_code,
                server_message,
            },
    } = &updates[1].change
    else {
        panic!("the execution failed with an HTTP error: {:?}", updates[1]);
    };
    assert_eq!(*status, 401);
    assert_eq!(server_code.as_deref(), Some("unauthorized"));
    // The emulator's sentence names the header (core may redact parts of it).
    let server_message = server_message.as_deref().expect("the server's sentence");
    assert!(server_message.starts_with("X-API-Key:"), "{server_message}");
    let snapshot = setup.executions.snapshot(&handle).unwrap();
    assert_eq!(snapshot.status, ExecutionStatus::Failed);
    assert_eq!(snapshot.request.message, "let me in");
}
