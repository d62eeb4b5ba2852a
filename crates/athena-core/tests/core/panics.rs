//! A bug inside one execution's task marks that execution interrupted; the app and
//! the other executions go on.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use athena_core::{ExecutionChange, ExecutionError, ExecutionUpdate, Executions, UpdateSink};
use athena_emulator::{Emulator, EmulatorConfig};

use crate::support::{Recorder, is_terminal, workspace};

/// Records like [`Recorder`], but panics once, on the first text it is handed: a
/// stand-in for any bug on the execution's task.
struct PanicsOnFirstText {
    inner: Arc<Recorder>,
    armed: AtomicBool,
}

impl UpdateSink for PanicsOnFirstText {
    fn deliver(&self, update: ExecutionUpdate) {
        if crate::support::is_text(&update.change) && self.armed.swap(false, Ordering::SeqCst) {
            panic!("a bug while delivering text");
        }
        self.inner.deliver(update);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_execution_is_marked_interrupted_and_the_next_one_completes() {
    let server = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let recorder = Recorder::new();
    let sink = Arc::new(PanicsOnFirstText {
        inner: recorder.clone(),
        armed: AtomicBool::new(true),
    });
    let executions = Executions::new(sink, Duration::ZERO, tokio::runtime::Handle::current());
    let workspace = workspace(&server.base_url(), server.api_key());

    let broken = executions
        .send(
            &workspace,
            crate::support::request("agent:demo-chat", "first"),
        )
        .unwrap();
    let updates = recorder
        .wait_until(&broken, "the interrupted mark", |u| {
            u.last().is_some_and(|u| is_terminal(&u.change))
        })
        .await;
    assert_eq!(
        updates.last().map(|u| &u.change),
        Some(&ExecutionChange::Failed {
            error: ExecutionError::Interrupted
        })
    );
    let snapshot = executions.snapshot(&broken).unwrap();
    assert_eq!(
        snapshot.request.message, "first",
        "the user's message survives"
    );
    assert_eq!(snapshot.error, Some(ExecutionError::Interrupted));

    let healthy = executions
        .send(
            &workspace,
            crate::support::request("agent:demo-chat", "second"),
        )
        .unwrap();
    let updates = recorder.wait_for_end(&healthy).await;
    assert!(
        matches!(
            updates.last().map(|u| &u.change),
            Some(ExecutionChange::Finished { .. })
        ),
        "{updates:?}"
    );
}
