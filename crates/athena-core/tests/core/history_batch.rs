//! Batch runs in the history store: created whole, items upserted as they finish,
//! calls and runs ended, listed with counts, interrupted at open, migrated from
//! version 2, deleted with their workspace; and a run of 10,000 items.

use std::path::PathBuf;

use athena_core::batch::{
    BatchCallRecord, BatchItem, BatchRow, BatchRun, BatchRunSummary, CallStatus, Counts,
    INTERRUPTED_ERROR, ItemStatus, RunStatus, TokenUsage,
};
use athena_core::history::{History, HistoryError, HistoryOpened};
use serde_json::json;

use crate::history::{CONV, WS, db_path, with_conversation};

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/history")
}

fn rows(n: usize) -> Vec<BatchRow> {
    (0..n)
        .map(|i| BatchRow {
            line: i + 1,
            key: format!("item-{}", i + 1),
            message: format!("Question {} ✓", i + 1),
        })
        .collect()
}

fn new_run(id: &str, created_at_ms: i64, n: usize) -> BatchRun {
    BatchRun::new(
        id.into(),
        WS.into(),
        "agent:math".into(),
        "Math".into(),
        created_at_ms,
        None,
        rows(n),
    )
}

/// One call per 100 items.
fn calls_for(run: &BatchRun) -> Vec<BatchCallRecord> {
    (0..run.items.len().div_ceil(100))
        .map(|i| BatchCallRecord {
            call_index: i,
            idempotency_key: format!("{}-call-{i}", run.id),
            first_position: i * 100,
            last_position: ((i + 1) * 100).min(run.items.len()) - 1,
            status: CallStatus::Pending,
        })
        .collect()
}

fn done(item: &mut BatchItem, text: &str) {
    item.status = ItemStatus::Done;
    item.output_text = Some(text.into());
    item.parsed_output = Some(json!({"answer": text, "n": [1, 2]}));
    item.usage = Some(TokenUsage {
        input_tokens: 3,
        output_tokens: 4,
        total_tokens: 7,
    });
    item.cost_microdollars = Some(4_200);
}

// ---- what the version 3 fixture holds ----

const FIXTURE_RUN: &str = "fixture-batch-1";
const FIXTURE_RETRY: &str = "fixture-batch-2";

/// The finished runs of the fixture: a completed one, and a cancelled retry of it.
fn fixture_runs() -> (BatchRun, BatchRun) {
    let mut first = new_run(FIXTURE_RUN, 1_700_000_200_000, 3);
    for item in &mut first.items {
        item.status = ItemStatus::Running;
    }
    done(&mut first.items[0], "four");
    first.items[1].status = ItemStatus::Failed;
    first.items[1].error = Some("tool broke".into());
    first.finish(1_700_000_260_000);
    let mut retry = BatchRun::new(
        FIXTURE_RETRY.into(),
        WS.into(),
        "agent:math".into(),
        "Math".into(),
        1_700_000_300_000,
        Some(FIXTURE_RUN.into()),
        rows(3).split_off(1),
    );
    retry.cancel();
    retry.finish(1_700_000_300_500);
    (first, retry)
}

/// The rows version 3 added, on a store that has workspace `w1`.
pub(crate) async fn write_v3_rows(history: &History) {
    let (first, retry) = fixture_runs();
    // Stored running, then finished as a runner would.
    let mut started = first.clone();
    started.status = RunStatus::Running;
    started.finished_at_ms = None;
    for item in &mut started.items {
        *item = BatchItem::queued(item.position, item.key.clone(), item.message.clone());
    }
    history
        .create_batch_run(started, calls_for(&first))
        .await
        .unwrap();
    history
        .set_batch_call(FIXTURE_RUN, 0, CallStatus::Done)
        .await
        .unwrap();
    history
        .record_batch_items(FIXTURE_RUN, first.items.clone())
        .await
        .unwrap();
    history
        .finish_batch_run(
            FIXTURE_RUN,
            first.status,
            first.finished_at_ms.unwrap(),
            None,
        )
        .await
        .unwrap();
    history
        .create_batch_run(retry.clone(), Vec::new())
        .await
        .unwrap();
}

/// Checks the rows of version 3 (`present`) or that there are none.
pub(crate) fn check_v3_rows(history: &History, present: bool) {
    if !present {
        assert!(history.batch_runs(WS).unwrap().is_empty());
        assert_eq!(history.batch_run(FIXTURE_RUN).unwrap(), None);
        return;
    }
    let (first, retry) = fixture_runs();
    assert_eq!(history.batch_run(FIXTURE_RUN).unwrap(), Some(first.clone()));
    assert_eq!(
        history.batch_run(FIXTURE_RETRY).unwrap(),
        Some(retry.clone())
    );
    assert_eq!(
        history.batch_calls(FIXTURE_RUN).unwrap(),
        vec![BatchCallRecord {
            status: CallStatus::Done,
            ..calls_for(&first)[0].clone()
        }]
    );
    assert_eq!(
        history.batch_runs(WS).unwrap(),
        vec![summary_of(&retry), summary_of(&first)]
    );
}

fn summary_of(run: &BatchRun) -> BatchRunSummary {
    BatchRunSummary {
        id: run.id.clone(),
        agent_id: run.agent_id.clone(),
        agent_name: run.agent_name.clone(),
        created_at_ms: run.created_at_ms,
        finished_at_ms: run.finished_at_ms,
        status: run.status,
        retry_of: run.retry_of.clone(),
        error: run.error.clone(),
        counts: run.counts(),
    }
}

#[tokio::test]
async fn version_2_migrates_to_version_3_with_its_rows_intact() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::copy(fixture_dir().join("v2.sqlite"), &path).unwrap();
    let (history, opened) = History::open(&path);
    assert_eq!(opened, HistoryOpened::Existing { interrupted: 0 });
    // Version 2's rows are there (checked in full by `history::migrates_every_saved_schema`).
    assert_eq!(history.profiles().unwrap().len(), 1);
    assert!(
        !history
            .messages(CONV, None, 10)
            .unwrap()
            .messages
            .is_empty()
    );
    check_v3_rows(&history, false);
    // Version 3's writes work on the migrated file.
    write_v3_rows(&history).await;
    check_v3_rows(&history, true);
    drop(history);
    let (history, opened) = History::open(&path);
    assert_eq!(opened, HistoryOpened::Existing { interrupted: 0 });
    check_v3_rows(&history, true);
}

// ---- writes and reads ----

#[tokio::test]
async fn items_are_upserted_as_they_finish_and_runs_list_newest_first() {
    let history = History::in_memory();
    with_conversation(&history).await;
    let mut run = new_run("r1", 10, 4);
    history
        .create_batch_run(run.clone(), calls_for(&run))
        .await
        .unwrap();
    let older = new_run("r0", 5, 1);
    history
        .create_batch_run(older.clone(), Vec::new())
        .await
        .unwrap();
    let same_time = new_run("r2", 10, 0);
    history
        .create_batch_run(same_time.clone(), Vec::new())
        .await
        .unwrap();

    let changed = run.mark_running(["item-1", "item-2", "item-3"]);
    let changed_items: Vec<BatchItem> = changed.iter().map(|&p| run.items[p].clone()).collect();
    history
        .record_batch_items("r1", changed_items)
        .await
        .unwrap();
    done(&mut run.items[1], "two");
    history.queue_batch_items("r1", vec![run.items[1].clone()]);
    history.flush().await;
    assert_eq!(history.batch_run("r1").unwrap(), Some(run.clone()));
    let listed = history.batch_runs(WS).unwrap();
    let ids: Vec<&str> = listed.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, vec!["r2", "r1", "r0"]);
    assert_eq!(
        listed[1].counts,
        Counts {
            total: 4,
            queued: 1,
            running: 2,
            done: 1,
            ..Counts::default()
        }
    );
    assert_eq!(listed[0].counts, Counts::default());

    // An item the run did not have is inserted.
    let extra = BatchItem::queued(4, "late".into(), "m".into());
    history
        .record_batch_items("r1", vec![extra.clone()])
        .await
        .unwrap();
    assert_eq!(history.batch_run("r1").unwrap().unwrap().items[4], extra);

    run.finish(99);
    history
        .record_batch_items("r1", run.items.clone())
        .await
        .unwrap();
    history
        .finish_batch_run("r1", RunStatus::Completed, 99, None)
        .await
        .unwrap();
    history
        .set_batch_call("r1", 0, CallStatus::Sent)
        .await
        .unwrap();
    let stored = history.batch_run("r1").unwrap().unwrap();
    assert_eq!(stored.status, RunStatus::Completed);
    assert_eq!(stored.finished_at_ms, Some(99));
    assert_eq!(stored.items[..4], run.items[..]);
    assert_eq!(
        history.batch_calls("r1").unwrap()[0].status,
        CallStatus::Sent
    );
    assert!(history.batch_calls("nope").unwrap().is_empty());
    assert_eq!(history.batch_run("nope").unwrap(), None);
}

#[tokio::test]
async fn writes_to_what_does_not_exist_are_errors() {
    let history = History::in_memory();
    let err = history
        .create_batch_run(new_run("r1", 1, 1), Vec::new())
        .await
        .unwrap_err();
    assert!(
        matches!(err, HistoryError::UnknownWorkspace(ref w) if w == WS),
        "{err:?}"
    );
    with_conversation(&history).await;
    let err = history
        .record_batch_items("nope", vec![BatchItem::queued(0, "a".into(), "m".into())])
        .await
        .unwrap_err();
    assert!(matches!(err, HistoryError::UnknownBatchRun(_)), "{err:?}");
    let err = history
        .finish_batch_run("nope", RunStatus::Failed, 1, None)
        .await
        .unwrap_err();
    assert!(matches!(err, HistoryError::UnknownBatchRun(_)), "{err:?}");
    let run = new_run("r1", 1, 1);
    history
        .create_batch_run(run.clone(), calls_for(&run))
        .await
        .unwrap();
    let err = history
        .set_batch_call("r1", 7, CallStatus::Done)
        .await
        .unwrap_err();
    assert!(
        matches!(err, HistoryError::UnknownBatchCall { call_index: 7, .. }),
        "{err:?}"
    );
    // The same id twice: refused, and the first run is untouched.
    let err = history
        .create_batch_run(new_run("r1", 2, 3), Vec::new())
        .await
        .unwrap_err();
    assert!(matches!(err, HistoryError::Sqlite { .. }), "{err:?}");
    assert_eq!(history.batch_run("r1").unwrap(), Some(run));
    // Queued items of an unknown run are counted as a write error.
    let before = history.writer_stats().write_errors;
    history.queue_batch_items("nope", vec![BatchItem::queued(0, "a".into(), "m".into())]);
    history.flush().await;
    assert_eq!(history.writer_stats().write_errors, before + 1);
}

#[tokio::test]
async fn a_run_goes_with_its_workspace() {
    let history = History::in_memory();
    with_conversation(&history).await;
    let run = new_run("r1", 1, 3);
    history
        .create_batch_run(run.clone(), calls_for(&run))
        .await
        .unwrap();
    history.delete_workspace(WS).await.unwrap();
    assert_eq!(history.batch_run("r1").unwrap(), None);
    assert!(history.batch_calls("r1").unwrap().is_empty());
    // Nothing is left behind to collide with a new run of the same id.
    with_conversation(&history).await;
    history
        .create_batch_run(run.clone(), Vec::new())
        .await
        .unwrap();
    assert_eq!(history.batch_run("r1").unwrap(), Some(run));
}

#[tokio::test]
async fn runs_left_running_are_interrupted_at_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let mut running = new_run("running", 1, 4);
    {
        let (history, _) = History::open(&path);
        with_conversation(&history).await;
        history
            .create_batch_run(running.clone(), calls_for(&running))
            .await
            .unwrap();
        running.mark_running(["item-1", "item-2", "item-3"]);
        done(&mut running.items[0], "x");
        running.items[1].status = ItemStatus::Failed;
        history
            .record_batch_items("running", running.items.clone())
            .await
            .unwrap();
        let mut finished = new_run("finished", 2, 1);
        finished.cancel();
        finished.finish(3);
        history
            .create_batch_run(finished, Vec::new())
            .await
            .unwrap();
    }
    let (history, opened) = History::open(&path);
    assert_eq!(
        opened,
        HistoryOpened::Existing { interrupted: 0 },
        "executions only"
    );
    let stored = history.batch_run("running").unwrap().unwrap();
    assert_eq!(stored.status, RunStatus::Failed);
    assert_eq!(stored.error.as_deref(), Some(INTERRUPTED_ERROR));
    assert_eq!(stored.finished_at_ms, None);
    let statuses: Vec<ItemStatus> = stored.items.iter().map(|i| i.status).collect();
    assert_eq!(
        statuses,
        vec![
            ItemStatus::Done,
            ItemStatus::Failed,
            ItemStatus::Cancelled,
            ItemStatus::Cancelled
        ]
    );
    assert_eq!(stored.items[0], running.items[0], "finished items are kept");
    let finished = history.batch_run("finished").unwrap().unwrap();
    assert_eq!(finished.status, RunStatus::Cancelled);
    assert_eq!(finished.error, None);
}

#[tokio::test]
async fn ten_thousand_items_are_stored_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let (history, _) = History::open(&path);
    with_conversation(&history).await;
    let mut run = new_run("big", 1, 10_000);
    history
        .create_batch_run(run.clone(), calls_for(&run))
        .await
        .unwrap();
    assert_eq!(history.batch_calls("big").unwrap().len(), 100);
    // Outcomes arrive one by one, queued as a runner on every event would.
    for p in 0..run.items.len() {
        if p % 3 == 0 {
            run.items[p].status = ItemStatus::Failed;
            run.items[p].error = Some(format!("error {p}"));
        } else {
            done(&mut run.items[p], &format!("answer {p}"));
        }
        history.queue_batch_items("big", vec![run.items[p].clone()]);
    }
    history.flush().await;
    let stored = history.batch_run("big").unwrap().unwrap();
    assert_eq!(stored.items.len(), 10_000);
    assert_eq!(stored, run);
    let summary = &history.batch_runs(WS).unwrap()[0];
    assert_eq!(
        summary.counts,
        Counts {
            total: 10_000,
            done: 6_666,
            failed: 3_334,
            ..Counts::default()
        }
    );
    assert!(
        history.writer_stats().transactions < 1_000,
        "queued items share transactions: {:?}",
        history.writer_stats()
    );
}
