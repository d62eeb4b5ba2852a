//! The history writer under the pipeline benchmark's flood.
//!
//! Text deltas are recorded into a history on disk (a temp dir) as core records them:
//! first paced at 50,000 a second for 3 s across 4 executions (the pipeline's budget),
//! then 200,000 as fast as one thread can queue them. A delta counts as written when a
//! `flush` queued after it returns, so the rates include the time to drain the queue.
//!
//! Figures are printed as `BENCH<TAB>history_writer<TAB>figure<TAB>value<TAB>unit`.
//!
//! `cargo bench -p athena-core --bench history_writer`
#![allow(clippy::unwrap_used)]

use std::fmt::Display;
use std::time::{Duration, Instant};

use athena_core::history::{
    ConversationRecord, History, HistoryOpened, MessageRecord, WorkspaceRecord, WriterStats,
};
use athena_core::{ExecutionChange, ExecutionHandle, ExecutionRequest, ExecutionUpdate, Part};

const BENCH: &str = "history_writer";
const EXECUTIONS: usize = 4;
const PACED_RATE: u64 = 50_000;
const PACED_FOR: Duration = Duration::from_secs(3);
const FLOOD: u64 = 200_000;
const DELTA: &str = "token ";

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (history, opened) = History::open(&dir.path().join("history.sqlite"));
    assert_eq!(opened, HistoryOpened::Fresh);
    let mut streams = runtime.block_on(start_executions(&history));

    let before = history.writer_stats();
    let started = Instant::now();
    let mut sent = 0u64;
    while started.elapsed() < PACED_FOR {
        let due = u64::try_from(started.elapsed().as_micros()).unwrap() * PACED_RATE / 1_000_000;
        while sent < due {
            streams[usize::try_from(sent).unwrap() % EXECUTIONS].send(&history);
            sent += 1;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    let sending = started.elapsed();
    runtime.block_on(history.flush());
    let paced = Phase::measure(&history, before, started.elapsed());
    paced.print("paced", sending);

    let before = history.writer_stats();
    let started = Instant::now();
    for i in 0..FLOOD {
        streams[usize::try_from(i).unwrap() % EXECUTIONS].send(&history);
    }
    let sending = started.elapsed();
    runtime.block_on(history.flush());
    let flood = Phase::measure(&history, before, started.elapsed());
    flood.print("flood", sending);

    let text_len: usize = streams.iter().map(|s| s.text_len).sum();
    println!(
        "history_writer: paced {:.0} deltas/s in {:.0} tx/s; flood {:.0} deltas/s in {:.0} tx/s; \
         {} KiB of answer text per execution at the end; {} write errors",
        paced.deltas_per_s(),
        paced.tx_per_s(),
        flood.deltas_per_s(),
        flood.tx_per_s(),
        text_len / EXECUTIONS / 1024,
        history.writer_stats().write_errors,
    );
    assert_eq!(history.writer_stats().write_errors, 0);
}

/// One execution being streamed into.
struct Stream {
    handle: ExecutionHandle,
    seq: u64,
    text_len: usize,
}

impl Stream {
    fn send(&mut self, history: &History) {
        self.seq += 1;
        self.text_len += DELTA.len();
        history.record(&ExecutionUpdate {
            handle: self.handle.clone(),
            workspace_id: "w".into(),
            conversation_id: "c".into(),
            seq: self.seq,
            change: ExecutionChange::PartAppended {
                index: 0,
                delta: DELTA.into(),
            },
        });
    }
}

async fn start_executions(history: &History) -> Vec<Stream> {
    history
        .save_workspace(WorkspaceRecord {
            id: "w".into(),
            name: "bench".into(),
            base_url: "http://127.0.0.1".into(),
            kind: athena_core::WorkspaceKind::Run,
        })
        .await
        .unwrap();
    history
        .create_conversation(ConversationRecord {
            id: "c".into(),
            workspace_id: "w".into(),
            agent_id: "a".into(),
            agent_name: "agent".into(),
            title: String::new(),
            server_conversation_id: None,
            local_only: false,
            archived: false,
            created_at_ms: 0,
            last_activity_ms: 0,
        })
        .await
        .unwrap();
    let mut streams = Vec::new();
    for i in 0..EXECUTIONS {
        let handle = ExecutionHandle::from(format!("bench-{i}"));
        history
            .add_message(MessageRecord {
                handle: handle.clone(),
                request: ExecutionRequest {
                    workspace_id: "w".into(),
                    conversation_id: "c".into(),
                    agent_id: "a".into(),
                    message: "go".into(),
                    variables: None,
                    attachments: Vec::new(),
                },
                idempotency_key: format!("key-{i}"),
                sent_at_ms: 0,
            })
            .await
            .unwrap();
        history.record(&ExecutionUpdate {
            handle: handle.clone(),
            workspace_id: "w".into(),
            conversation_id: "c".into(),
            seq: 2,
            change: ExecutionChange::PartAdded {
                part: Part::Text {
                    text: String::new(),
                },
            },
        });
        streams.push(Stream {
            handle,
            seq: 2,
            text_len: 0,
        });
    }
    history.flush().await;
    streams
}

/// What one phase did, from its first delta until the flush after its last returned.
struct Phase {
    deltas: u64,
    transactions: u64,
    elapsed: Duration,
    high_water: u64,
}

impl Phase {
    fn measure(history: &History, before: WriterStats, elapsed: Duration) -> Self {
        let after = history.writer_stats();
        Self {
            deltas: after.text_deltas - before.text_deltas,
            transactions: after.transactions - before.transactions,
            elapsed,
            high_water: after.queue_high_water,
        }
    }

    fn deltas_per_s(&self) -> f64 {
        self.deltas as f64 / self.elapsed.as_secs_f64()
    }

    fn tx_per_s(&self) -> f64 {
        self.transactions as f64 / self.elapsed.as_secs_f64()
    }

    fn print(&self, phase: &str, sending: Duration) {
        figure(
            &format!("{phase} deltas written/s"),
            self.deltas_per_s().round(),
            "1/s",
        );
        figure(
            &format!("{phase} transactions/s"),
            self.tx_per_s().round(),
            "1/s",
        );
        figure(
            &format!("{phase} queue high-water"),
            self.high_water,
            "commands",
        );
        figure(
            &format!("{phase} drain after last delta"),
            (self.elapsed - sending).as_millis(),
            "ms",
        );
        figure(&format!("{phase} deltas"), self.deltas, "updates");
    }
}

fn figure(name: &str, value: impl Display, unit: &str) {
    println!("BENCH\t{BENCH}\t{name}\t{value}\t{unit}");
}
