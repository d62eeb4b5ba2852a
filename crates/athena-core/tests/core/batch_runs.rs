//! Batch runs end to end in core: a real emulator with a seeded failure rate, a real
//! SQLite history. Calls of at most 100 items, each with its own stored key; the
//! failed items are exactly the emulator's; retry, cancel, and the run read back.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use athena_api::{ApiKey, AthenaClient, ClientConfig};
use athena_core::batch::{BatchRow, CallStatus, ItemStatus, RunStatus};
use athena_core::history::History;
use athena_core::{
    BatchRunChange, BatchRuns, BatchSink, CoreError, KeyStorage, Workspace, WorkspaceKind,
    WorkspaceRegistry,
};
use athena_emulator::{Emulator, EmulatorConfig, EmulatorHandle, batch_item_fails};

const SEED: u64 = 42;
const ECHO: &str = "agent:demo-echo";

#[derive(Default)]
struct Changes(Mutex<Vec<BatchRunChange>>);

impl BatchSink for Changes {
    fn run_changed(&self, change: BatchRunChange) {
        self.0.lock().expect("lock").push(change);
    }
}

struct Bench {
    _server: EmulatorHandle,
    _dir: tempfile::TempDir,
    history: History,
    changes: Arc<Changes>,
    runs: BatchRuns,
}

async fn bench(rate: f64, item_delay: Duration) -> Bench {
    let key = format!("eak_batch_{}", uuid::Uuid::new_v4().simple());
    let server = Emulator::start(EmulatorConfig {
        seed: Some(SEED),
        batch_failure_rate: rate,
        batch_item_delay: item_delay,
        api_key: key.clone(),
        token_delay: Duration::ZERO,
        ..EmulatorConfig::default()
    })
    .await
    .expect("emulator starts");
    let dir = tempfile::tempdir().expect("dir");
    let (history, _) = History::open(&dir.path().join("history.sqlite3"));
    let client = AthenaClient::new(ClientConfig::new(
        server.base_url(),
        ApiKey::new(key),
        server.workspace_id(),
    ))
    .expect("client");
    let registry = Arc::new(WorkspaceRegistry::new(vec![Workspace {
        id: "ws".into(),
        name: "Batch".into(),
        kind: WorkspaceKind::Run,
        client,
        agents: Vec::new(),
        external_user_id: None,
        key_storage: KeyStorage::RunOnly,
        key_hint: String::new(),
    }]));
    let changes = Arc::new(Changes::default());
    let runs = BatchRuns::new(
        history.clone(),
        registry,
        changes.clone(),
        Duration::from_millis(16),
    );
    Bench {
        _server: server,
        _dir: dir,
        history,
        changes,
        runs,
    }
}

fn rows(n: usize) -> Vec<BatchRow> {
    (1..=n)
        .map(|i| BatchRow {
            line: i,
            key: format!("item-{i}"),
            message: format!("message number {i}"),
        })
        .collect()
}

#[tokio::test]
async fn a_run_is_split_into_keyed_calls_and_fails_exactly_the_emulators_items() {
    let b = bench(0.1, Duration::ZERO).await;
    let run = b
        .runs
        .start("ws", ECHO, rows(250), None)
        .await
        .expect("started");
    // Stored before anything was sent: three calls, each with its own key.
    let calls = b.history.batch_calls(&run.id).expect("calls");
    assert_eq!(calls.len(), 3);
    assert_eq!(
        calls
            .iter()
            .map(|c| (c.first_position, c.last_position))
            .collect::<Vec<_>>(),
        [(0, 99), (100, 199), (200, 249)]
    );
    let keys: BTreeSet<_> = calls.iter().map(|c| c.idempotency_key.clone()).collect();
    assert_eq!(keys.len(), 3, "one key per call");

    b.runs.until_done(&run.id).await;
    let done = b.runs.run(&run.id).expect("run");
    assert_eq!(done.status, RunStatus::Completed);
    let expected: BTreeSet<String> = (1..=250)
        .map(|i| format!("item-{i}"))
        .filter(|k| batch_item_fails(SEED, k, 0.1))
        .collect();
    let failed: BTreeSet<String> = done
        .items
        .iter()
        .filter(|i| i.status == ItemStatus::Failed)
        .map(|i| i.key.clone())
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(failed, expected);
    for item in done.items.iter().filter(|i| i.status == ItemStatus::Done) {
        assert_eq!(item.output_text.as_deref(), Some(item.message.as_str()));
    }
    let counts = done.counts();
    assert_eq!(counts.done + counts.failed, 250);
    // Every call ended as sent-and-done, and the stored run equals the live one.
    assert!(
        b.history
            .batch_calls(&run.id)
            .expect("calls")
            .iter()
            .all(|c| c.status == CallStatus::Done)
    );
    assert_eq!(
        b.history.batch_run(&run.id).expect("read"),
        Some(done.clone())
    );
    // Changes were handed over coalesced, ending with the finished run.
    {
        let changes = b.changes.0.lock().expect("lock");
        assert!(
            changes.len() < 250,
            "{} changes for 250 items",
            changes.len()
        );
        assert_eq!(changes.last().map(|c| c.status), Some(RunStatus::Completed));
    }
    let retry = b.runs.retry_failed(&run.id).await.expect("retried");
    assert_eq!(retry.retry_of.as_deref(), Some(run.id.as_str()));
    let retried: BTreeSet<String> = retry.items.iter().map(|i| i.key.clone()).collect();
    assert_eq!(retried, expected, "the retry holds just the failed items");
    let first_keys = keys;
    let retry_keys: BTreeSet<_> = b
        .history
        .batch_calls(&retry.id)
        .expect("calls")
        .into_iter()
        .map(|c| c.idempotency_key)
        .collect();
    assert!(
        retry_keys.is_disjoint(&first_keys),
        "a retry is a new action with new keys"
    );
    b.runs.until_done(&retry.id).await;
    let runs = b.runs.runs("ws").expect("runs");
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0].id, retry.id, "newest first");
}

#[tokio::test]
async fn cancel_sends_no_further_call_and_leaves_the_rest_cancelled() {
    let b = bench(0.0, Duration::from_millis(20)).await;
    let run = b
        .runs
        .start("ws", ECHO, rows(300), None)
        .await
        .expect("started");
    // Let the first call start, then stop.
    tokio::time::sleep(Duration::from_millis(150)).await;
    b.runs.cancel(&run.id).expect("cancelled");
    b.runs.until_done(&run.id).await;
    let stopped = b.runs.run(&run.id).expect("run");
    assert_eq!(stopped.status, RunStatus::Cancelled);
    let counts = stopped.counts();
    assert_eq!(counts.queued + counts.running, 0);
    assert!(
        counts.cancelled >= 200,
        "the later calls were never sent: {counts:?}"
    );
    let calls = b.history.batch_calls(&run.id).expect("calls");
    assert_eq!(calls[1].status, CallStatus::Pending);
    assert_eq!(calls[2].status, CallStatus::Pending);
    assert!(stopped.finished_at_ms.is_some());
}

#[tokio::test]
async fn flagged_rows_and_empty_batches_are_refused_before_anything_is_stored() {
    let b = bench(0.0, Duration::ZERO).await;
    let mut bad = rows(3);
    bad[2].key = "item-1".into();
    bad[1].message = "  ".into();
    assert_eq!(
        b.runs.start("ws", ECHO, bad, None).await.err(),
        Some(CoreError::BatchFlagged(2))
    );
    assert_eq!(
        b.runs.start("ws", ECHO, Vec::new(), None).await.err(),
        Some(CoreError::BatchEmpty)
    );
    assert!(b.runs.runs("ws").expect("runs").is_empty());
}
