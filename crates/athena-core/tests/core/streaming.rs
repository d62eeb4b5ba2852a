//! A message streamed to the end: numbering, text, usage, and snapshots that agree
//! with the updates.

use std::time::Duration;

use athena_core::{ExecutionChange, ExecutionStatus};
use athena_emulator::EmulatorConfig;

use crate::support::{Setup, assert_consecutive, deltas, fold};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_chat_streams_numbered_updates_that_fold_into_the_snapshot() {
    let setup = Setup::start(EmulatorConfig::default(), Duration::ZERO).await;
    let message = "hello there, emulator";
    let handle = setup.send("agent:demo-chat", message);
    let updates = setup.recorder.wait_for_end(&handle).await;

    assert_consecutive(&updates);
    let ExecutionChange::Accepted { request } = &updates[0].change else {
        panic!("first update is Accepted: {:?}", updates[0]);
    };
    assert_eq!(request.agent_id, "agent:demo-chat");
    assert_eq!(request.message, message);
    assert_eq!(request.workspace_id, setup.workspace.id);
    let ExecutionChange::Started { execution_id } = &updates[1].change else {
        panic!("second update is Started: {:?}", updates[1]);
    };
    assert!(execution_id.starts_with("execution:"), "{execution_id}");

    let last = updates.last().unwrap();
    let ExecutionChange::Finished { status, usage, .. } = &last.change else {
        panic!("last update is Finished: {last:?}");
    };
    assert_eq!(*status, ExecutionStatus::Completed);
    let text = &deltas(&updates);
    assert_eq!(
        setup.executions.snapshot(&handle).unwrap().answer_text(),
        *text,
        "the answer is the streamed text"
    );
    assert!(
        text.starts_with(&format!(
            "You said: \"{message}\". This is the built-in demo workspace"
        )),
        "{text}"
    );
    assert!(text.ends_with("to talk to real agents."), "{text}");
    // Between Started and Finished there is only text, in one part.
    assert!(
        updates[2..updates.len() - 1]
            .iter()
            .all(|u| crate::support::is_text(&u.change))
    );

    // The emulator's usage formula: input = message words + 12, output = deltas sent
    // (one word each), cost = 3 µ$ per input token + 15 µ$ per output token.
    let usage = usage.expect("usage present");
    let words = text.split_whitespace().count() as u64;
    assert_eq!(usage.input_tokens, 3 + 12);
    assert_eq!(usage.output_tokens, words);
    assert_eq!(usage.total_tokens, usage.input_tokens + usage.output_tokens);
    assert_eq!(
        usage.cost_microdollars,
        usage.input_tokens * 3 + usage.output_tokens * 15
    );
    // Frame interval zero: one Text update per delta sent.
    assert_eq!(updates.len() as u64, 3 + words);

    let snapshot = setup.executions.snapshot(&handle).unwrap();
    assert_eq!(fold(&handle, &updates), snapshot);
    assert_eq!(snapshot.seq, updates.len() as u64);
    assert_eq!(
        snapshot.execution_id.as_deref(),
        Some(execution_id.as_str())
    );
    assert_eq!(snapshot.status, ExecutionStatus::Completed);
    assert_eq!(setup.executions.snapshots(), vec![snapshot]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_mid_stream_holds_exactly_the_updates_delivered_before_it() {
    let config = EmulatorConfig {
        token_delay: Duration::from_millis(10),
        ..EmulatorConfig::default()
    };
    let setup = Setup::start(config, Duration::ZERO).await;
    let handle = setup.send("agent:demo-chat", "take a snapshot now");
    setup
        .recorder
        .wait_until(&handle, "the third update", |u| u.len() >= 3)
        .await;

    // The sink records under core's lock, so the delivered count just before and just
    // after the snapshot brackets the updates it holds.
    let before = setup.recorder.count(&handle) as u64;
    let snapshot = setup.executions.snapshot(&handle).unwrap();
    let after = setup.recorder.count(&handle) as u64;
    assert!(
        (before..=after).contains(&snapshot.seq),
        "snapshot seq {} not within the {before}..={after} updates delivered around it",
        snapshot.seq
    );
    assert!(snapshot.seq >= 3);
    assert_eq!(snapshot.status, ExecutionStatus::Running, "{snapshot:?}");

    let updates = setup.recorder.wait_for_end(&handle).await;
    assert_consecutive(&updates);
    assert!(
        (snapshot.seq as usize) < updates.len(),
        "the snapshot was taken mid-stream"
    );
    let upto: Vec<_> = updates
        .iter()
        .filter(|u| u.seq <= snapshot.seq)
        .cloned()
        .collect();
    assert!(!snapshot.answer_text().is_empty());
    assert_eq!(snapshot.answer_text(), deltas(&upto));
    assert_eq!(fold(&handle, &upto), snapshot);
    assert_eq!(
        fold(&handle, &updates),
        setup.executions.snapshot(&handle).unwrap()
    );
}
