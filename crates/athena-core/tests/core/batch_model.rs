//! A batch run folded from its calls' events (decoded from the wire form), and its
//! exports.

use athena_api::BatchEvent;
use athena_api::batch::decode_batch_event;
use athena_core::batch::{
    BatchRow, BatchRun, Counts, ItemStatus, NO_RESULT_ERROR, RunStatus, TokenUsage, to_csv,
    to_csv_for_spreadsheets, to_jsonl,
};
use serde_json::json;

fn event(json: serde_json::Value) -> BatchEvent {
    decode_batch_event("message", &json.to_string()).unwrap()
}

fn started() -> BatchEvent {
    event(json!({"type": "batch_started", "batch_id": "batch:1", "total": 3}))
}

fn completed_item(key: &str, text: &str) -> BatchEvent {
    event(json!({
        "type": "batch_progress", "key": key, "status": "completed",
        "output": {
            "text": text,
            "parsed_output": {"answer": 4},
            "usage": {"input_tokens": 10, "output_tokens": 5, "total_tokens": 15},
            "cost_microdollars": 1200
        },
        "completed": 1, "failed": 0, "total": 3
    }))
}

fn failed_item(key: &str, error: serde_json::Value) -> BatchEvent {
    event(json!({
        "type": "batch_progress", "key": key, "status": "failed", "error": error,
        "completed": 0, "failed": 1, "total": 3
    }))
}

fn summary() -> BatchEvent {
    event(json!({
        "type": "batch_completed", "batch_id": "batch:1", "total": 3, "succeeded": 1,
        "failed": 1, "usage": {"input_tokens": 10, "output_tokens": 5, "total_tokens": 15},
        "cost_microdollars": 1200
    }))
}

fn rows(keys: &[&str]) -> Vec<BatchRow> {
    keys.iter()
        .enumerate()
        .map(|(i, key)| BatchRow {
            line: i + 1,
            key: (*key).into(),
            message: format!("message {key}"),
        })
        .collect()
}

fn run(keys: &[&str]) -> BatchRun {
    BatchRun::new(
        "run-1".into(),
        "w1".into(),
        "agent:math".into(),
        "Math".into(),
        1_700_000_000_000,
        None,
        rows(keys),
    )
}

fn statuses(run: &BatchRun) -> Vec<ItemStatus> {
    run.items.iter().map(|i| i.status).collect()
}

#[test]
fn a_new_run_has_every_row_queued_in_order() {
    let run = run(&["a", "b", "c"]);
    assert_eq!(run.status, RunStatus::Running);
    assert_eq!(run.finished_at_ms, None);
    let positions: Vec<usize> = run.items.iter().map(|i| i.position).collect();
    assert_eq!(positions, vec![0, 1, 2]);
    assert_eq!(run.items[1].key, "b");
    assert_eq!(run.items[1].message, "message b");
    assert_eq!(
        run.counts(),
        Counts {
            total: 3,
            queued: 3,
            ..Counts::default()
        }
    );
}

#[test]
fn a_call_runs_and_its_outcomes_arrive_in_any_order() {
    let mut run = run(&["a", "b", "c", "d"]);
    assert_eq!(run.mark_running(["a", "b", "c"]), vec![0, 1, 2]);
    assert_eq!(
        run.mark_running(["a"]),
        Vec::<usize>::new(),
        "already running"
    );
    assert!(run.apply(&started()).is_empty());
    assert_eq!(run.apply(&completed_item("c", "four")), vec![2]);
    assert_eq!(
        run.apply(&failed_item(
            "a",
            json!({"code": "x", "message": "tool broke"})
        )),
        vec![0]
    );
    assert_eq!(run.apply(&completed_item("b", "two")), vec![1]);
    assert_eq!(
        statuses(&run),
        vec![
            ItemStatus::Failed,
            ItemStatus::Done,
            ItemStatus::Done,
            ItemStatus::Queued
        ]
    );
    let c = &run.items[2];
    assert_eq!(c.output_text.as_deref(), Some("four"));
    assert_eq!(c.parsed_output, Some(json!({"answer": 4})));
    assert_eq!(
        c.usage,
        Some(TokenUsage {
            input_tokens: 10,
            output_tokens: 5,
            total_tokens: 15
        })
    );
    assert_eq!(c.cost_microdollars, Some(1200));
    assert_eq!(c.error, None);
    assert_eq!(run.items[0].error.as_deref(), Some("tool broke"));
    assert!(
        run.apply(&summary()).is_empty(),
        "every item had its result"
    );
    assert_eq!(
        run.counts(),
        Counts {
            total: 4,
            queued: 1,
            done: 2,
            failed: 1,
            ..Counts::default()
        }
    );
    // The same outcome again changes nothing.
    assert!(run.apply(&completed_item("b", "two")).is_empty());
}

#[test]
fn errors_are_read_in_every_shape_and_redacted() {
    let mut run = run(&["s", "o", "j", "n", "k", "t"]);
    run.mark_running(["s", "o", "j", "n", "k", "t"]);
    run.apply(&failed_item("s", json!("rate limited")));
    run.apply(&failed_item("o", json!({"code": "timeout", "retry": true})));
    run.apply(&failed_item("j", json!([1, 2])));
    run.apply(&failed_item("n", serde_json::Value::Null));
    run.apply(&failed_item(
        "k",
        json!({"message": "bad key eak_live_0123456789abcdef"}),
    ));
    run.apply(&event(json!({
        "type": "batch_progress", "key": "t", "status": "timed_out",
        "output": {"text": "partial"}
    })));
    let errors: Vec<Option<&str>> = run.items.iter().map(|i| i.error.as_deref()).collect();
    assert_eq!(
        errors,
        vec![
            Some("rate limited"),
            Some(r#"{"code":"timeout","retry":true}"#),
            Some("[1,2]"),
            Some("failed"),
            Some("bad key eak_[redacted]"),
            Some("timed_out"),
        ]
    );
    assert!(run.items.iter().all(|i| i.status == ItemStatus::Failed));
    assert_eq!(run.items[5].output_text.as_deref(), Some("partial"));
}

#[test]
fn a_summary_fails_the_items_it_did_not_report() {
    let mut run = run(&["a", "b", "c"]);
    run.mark_running(["a", "b"]);
    run.apply(&completed_item("a", "x"));
    assert_eq!(run.apply(&summary()), vec![1]);
    assert_eq!(run.items[1].status, ItemStatus::Failed);
    assert_eq!(run.items[1].error.as_deref(), Some(NO_RESULT_ERROR));
    assert_eq!(
        run.items[2].status,
        ItemStatus::Queued,
        "not in the call: untouched"
    );
}

#[test]
fn items_can_be_named_by_position() {
    let mut run = run(&["a", "b", "c"]);
    let positions: Vec<usize> = (1..=2).collect();
    assert_eq!(run.mark_running(&positions), vec![1, 2]);
    assert_eq!(
        run.mark_running([7_usize]),
        Vec::<usize>::new(),
        "out of range"
    );
    assert_eq!(run.fail_call(positions, "gone"), vec![1, 2]);
    let keys: Vec<String> = vec!["a".into()];
    assert_eq!(run.fail_call(&keys, "gone"), vec![0]);
    assert_eq!(run.counts().failed, 3);
}

#[test]
fn overlapping_calls_end_by_their_own_keys() {
    let mut run = run(&["a", "b", "c", "d"]);
    run.mark_running(["a", "b"]);
    run.mark_running(["c", "d"]);
    run.apply(&completed_item("a", "x"));
    assert_eq!(run.complete_call(["a", "b"]), vec![1]);
    assert_eq!(
        statuses(&run),
        vec![
            ItemStatus::Done,
            ItemStatus::Failed,
            ItemStatus::Running,
            ItemStatus::Running
        ]
    );
}

#[test]
fn unknown_keys_unknown_events_and_heartbeats_change_nothing() {
    let mut run = run(&["a"]);
    run.mark_running(["a"]);
    let before = run.clone();
    assert!(run.apply(&completed_item("zzz", "x")).is_empty());
    assert!(run.apply(&BatchEvent::Heartbeat).is_empty());
    assert!(
        run.apply(&event(json!({"type": "batch_paused", "why": "?"})))
            .is_empty()
    );
    assert!(run.apply(&started()).is_empty());
    assert_eq!(run, before);
    assert_eq!(run.mark_running(["nope"]), Vec::<usize>::new());
}

#[test]
fn a_call_that_failed_as_a_whole_fails_its_open_items() {
    let mut run = run(&["a", "b", "c", "d"]);
    run.mark_running(["a", "b", "c"]);
    run.apply(&completed_item("a", "x"));
    // `c` was never marked running (the call failed before it was sent).
    run.items[2].status = ItemStatus::Queued;
    let changed = run.fail_call(["a", "b", "c"], "HTTP 500 X-API-Key: wak_abcdefgh12345");
    assert_eq!(changed, vec![1, 2]);
    assert_eq!(
        statuses(&run),
        vec![
            ItemStatus::Done,
            ItemStatus::Failed,
            ItemStatus::Failed,
            ItemStatus::Queued
        ]
    );
    let error = run.items[1].error.as_deref().unwrap();
    assert!(!error.contains("wak_abcdefgh"), "{error}");
    assert!(error.starts_with("HTTP 500"), "{error}");
}

#[test]
fn cancelling_stops_open_items_and_late_results_are_still_recorded() {
    let mut run = run(&["a", "b", "c"]);
    run.mark_running(["a", "b"]);
    run.apply(&completed_item("a", "x"));
    assert_eq!(run.cancel(), vec![1, 2]);
    assert_eq!(run.status, RunStatus::Cancelled);
    assert_eq!(run.finished_at_ms, None, "the runner ends it");
    assert_eq!(
        statuses(&run),
        vec![
            ItemStatus::Done,
            ItemStatus::Cancelled,
            ItemStatus::Cancelled
        ]
    );
    // The server finished `b` anyway: it was charged, so it shows.
    assert_eq!(run.apply(&completed_item("b", "y")), vec![1]);
    assert_eq!(run.items[1].status, ItemStatus::Done);
    assert!(run.finish(3_000).is_empty());
    assert_eq!(run.status, RunStatus::Cancelled, "finish keeps a cancel");
    assert_eq!(run.finished_at_ms, Some(3_000));
    assert!(run.finish(4_000).is_empty());
    assert_eq!(run.finished_at_ms, Some(3_000), "ended once");
}

#[test]
fn finishing_completes_the_run_and_fails_leftovers() {
    let mut run = run(&["a", "b"]);
    run.mark_running(["a"]);
    run.apply(&failed_item("a", json!("no")));
    assert_eq!(run.finish(5_000), vec![1]);
    assert_eq!(run.status, RunStatus::Completed);
    assert_eq!(run.finished_at_ms, Some(5_000));
    assert_eq!(run.items[1].error.as_deref(), Some(NO_RESULT_ERROR));
    assert_eq!(
        run.counts(),
        Counts {
            total: 2,
            failed: 2,
            ..Counts::default()
        }
    );
}

#[test]
fn a_run_that_fails_as_a_whole_cancels_what_never_ran() {
    let mut run = run(&["a", "b"]);
    run.mark_running(["a"]);
    assert_eq!(run.fail("401 unauthorized"), vec![0, 1]);
    assert_eq!(run.status, RunStatus::Failed);
    assert_eq!(run.error.as_deref(), Some("401 unauthorized"));
    assert!(run.finish(9).is_empty());
    assert_eq!(run.status, RunStatus::Failed, "finish keeps a failure");
    assert_eq!(run.finished_at_ms, Some(9));
    assert_eq!(run.counts().cancelled, 2);
}

#[test]
fn items_edited_in_place_are_still_found_by_key() {
    let mut run = run(&["a", "b"]);
    assert_eq!(run.position_of("b"), Some(1));
    run.items[1].key = "renamed".into();
    run.items.push(athena_core::batch::BatchItem::queued(
        2,
        "c".into(),
        "m".into(),
    ));
    assert_eq!(run.position_of("renamed"), Some(1));
    assert_eq!(run.position_of("b"), None);
    assert_eq!(run.position_of("c"), Some(2));
}

#[test]
fn many_items_fold_quickly_enough() {
    let keys: Vec<String> = (0..20_000).map(|i| format!("k{i}")).collect();
    let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    let mut run = run(&key_refs);
    run.mark_running(&keys);
    for key in keys.iter().rev() {
        assert_eq!(run.apply(&completed_item(key, "ok")).len(), 1);
    }
    assert_eq!(run.counts().done, 20_000);
}

// ---- export ----

fn finished_run() -> BatchRun {
    let mut run = BatchRun::new(
        "run-x".into(),
        "w1".into(),
        "agent:math".into(),
        "Math".into(),
        1,
        None,
        vec![
            BatchRow {
                line: 1,
                key: "a".into(),
                message: "multi\nline, \"quoted\"".into(),
            },
            BatchRow {
                line: 2,
                key: "b".into(),
                message: "=SUM(A1:A9)".into(),
            },
            BatchRow {
                line: 3,
                key: "c".into(),
                message: "ünïcode ✓".into(),
            },
        ],
    );
    run.mark_running(["a", "b", "c"]);
    run.apply(&completed_item("a", "four\nlines"));
    run.apply(&failed_item("b", json!({"message": "-bad, very"})));
    run.cancel();
    run
}

#[test]
fn csv_export_reads_back_field_for_field() {
    let run = finished_run();
    let text = to_csv(&run);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        [
            "key",
            "message",
            "status",
            "output_text",
            "parsed_output",
            "input_tokens",
            "output_tokens",
            "total_tokens",
            "cost_microdollars",
            "error"
        ]
    );
    let records: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(
        records,
        vec![
            vec![
                "a",
                "multi\nline, \"quoted\"",
                "done",
                "four\nlines",
                r#"{"answer":4}"#,
                "10",
                "5",
                "15",
                "1200",
                ""
            ],
            vec![
                "b",
                "=SUM(A1:A9)",
                "failed",
                "",
                "",
                "",
                "",
                "",
                "",
                "-bad, very"
            ],
            vec!["c", "ünïcode ✓", "cancelled", "", "", "", "", "", "", ""],
        ]
    );
}

#[test]
fn the_spreadsheet_export_defuses_formulas() {
    let text = to_csv_for_spreadsheets(&finished_run());
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let b = reader.records().nth(1).unwrap().unwrap();
    assert_eq!(&b[1], "'=SUM(A1:A9)");
    assert_eq!(&b[2], "failed");
    assert_eq!(&b[9], "'-bad, very");
}

#[test]
fn jsonl_export_has_one_object_per_item() {
    let text = to_jsonl(&finished_run());
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(text.ends_with('\n'));
    assert_eq!(
        lines,
        vec![
            json!({
                "key": "a", "message": "multi\nline, \"quoted\"", "status": "done",
                "output_text": "four\nlines", "parsed_output": {"answer": 4},
                "input_tokens": 10, "output_tokens": 5, "total_tokens": 15,
                "cost_microdollars": 1200, "error": null
            }),
            json!({
                "key": "b", "message": "=SUM(A1:A9)", "status": "failed",
                "output_text": null, "parsed_output": null, "input_tokens": null,
                "output_tokens": null, "total_tokens": null, "cost_microdollars": null,
                "error": "-bad, very"
            }),
            json!({
                "key": "c", "message": "ünïcode ✓", "status": "cancelled",
                "output_text": null, "parsed_output": null, "input_tokens": null,
                "output_tokens": null, "total_tokens": null, "cost_microdollars": null,
                "error": null
            }),
        ]
    );
}
