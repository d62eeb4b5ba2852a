//! A writer killed between statements loses no message whose `add_message` returned.
//!
//! The parent test runs this test binary again as a child (only `crash_child`, with
//! [`CHILD_ENV`] set to a folder): the child stores messages and streams deltas into
//! them in a loop, printing each handle once its `add_message` returned. The parent
//! SIGKILLs it mid-stream (`Child::kill`) and opens what it left.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use athena_core::history::{History, HistoryOpened};
use athena_core::{ExecutionChange, ExecutionHandle, ExecutionStatus};

use crate::history::{delta, message, text_part, update, with_conversation};

/// Set (to the folder of the database) only in the child.
const CHILD_ENV: &str = "ATHENA_HISTORY_CRASH_CHILD";
/// Kill the child once it has printed this many handles.
const KILL_AFTER: usize = 200;

#[tokio::test]
async fn crash_child() {
    let Some(dir) = std::env::var_os(CHILD_ENV) else {
        return; // Not the child: nothing to do.
    };
    let (history, _) = History::open(&PathBuf::from(dir).join("history.sqlite"));
    with_conversation(&history).await;
    let mut stdout = std::io::stdout();
    for i in 0u64.. {
        let h = format!("crash-{i}");
        history
            .add_message(message(&h, "c1", "stream", 1_000))
            .await
            .unwrap();
        writeln!(stdout, "HANDLE {h}").unwrap();
        stdout.flush().unwrap();
        history.record(&update(
            &h,
            2,
            ExecutionChange::Started {
                execution_id: h.clone(),
            },
        ));
        history.record(&text_part(&h, 3, ""));
        for d in 0..200 {
            history.record(&delta(&h, 4 + d, 0, "token "));
        }
        // Every other execution finishes; the rest are still running when killed.
        if i % 2 == 0 {
            history.record(&update(
                &h,
                204,
                ExecutionChange::Finished {
                    status: ExecutionStatus::Completed,
                    usage: None,
                    message_id: None,
                },
            ));
        }
    }
}

#[test]
fn a_killed_writer_loses_no_added_message() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "history_crash::crash_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut handles = Vec::new();
    let lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for line in lines {
        if let Some(h) = line.unwrap().strip_prefix("HANDLE ") {
            handles.push(h.to_owned());
            if handles.len() == KILL_AFTER {
                break;
            }
        }
    }
    assert_eq!(
        handles.len(),
        KILL_AFTER,
        "the child ended before it was killed"
    );
    // SIGKILL on Unix: no destructor, no flush, no checkpoint.
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success());

    let (history, opened) = History::open(&dir.path().join("history.sqlite"));
    let HistoryOpened::Existing { interrupted } = opened else {
        panic!("expected Existing, got {opened:?}");
    };
    for h in &handles {
        let stored = history.message(&ExecutionHandle::from(h.clone())).unwrap();
        assert!(stored.is_some(), "{h} was added but is gone");
    }
    // The odd ones never finish, so at least half were running.
    assert!(interrupted >= KILL_AFTER / 2, "{interrupted} interrupted");
    eprintln!("killed after {KILL_AFTER} messages: {interrupted} executions marked interrupted");
}
