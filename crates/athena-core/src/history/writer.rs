//! The one writer: a thread that owns the write connection.
//!
//! Updates arrive at up to 50,000 a second, from under the executions' lock, so
//! queueing one must cost a channel send and nothing else. The writer takes one
//! command, then everything already queued, and applies the whole batch in one
//! transaction: the slower the disk, the bigger the batches, so the store keeps up
//! with any rate at the cost of latency, never of memory growth per update written.
//! Updates alone are committed at most every [`MIN_COMMIT_INTERVAL`].
//! Within a batch, an execution's updates are folded into its cached snapshot and
//! written once at the end: the head row, and only the parts that changed.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::oneshot;

use super::batches::upsert_items;
use super::cache::{Cached, fold};
use super::ops::{WriteOp, write_draft};
use super::{HistoryError, WriterStats};
use crate::{ExecutionChange, ExecutionHandle, ExecutionUpdate};

/// At most this many commands per transaction, so that a flood still commits (and
/// answers waiting callers) every so often.
const MAX_BATCH: usize = 50_000;

/// Updates alone are committed at most this often (a crash loses at most this much
/// of a streaming answer; a message itself is committed before it is sent).
const MIN_COMMIT_INTERVAL: Duration = Duration::from_millis(50);

/// What the writer is asked to do.
#[derive(Debug)]
pub(super) enum Command {
    /// Fold an update into its execution's stored state.
    Record(ExecutionUpdate),
    /// Upsert items of a batch run, in queue order.
    BatchItems {
        run_id: String,
        items: Vec<crate::batch::BatchItem>,
    },
    /// Store a draft (the last of a batch wins).
    Draft {
        conversation_id: String,
        text: String,
    },
    /// A write the caller waits for: answered after COMMIT.
    Write {
        op: WriteOp,
        reply: oneshot::Sender<Result<(), HistoryError>>,
    },
    /// Answered after everything queued before it is committed.
    Flush(oneshot::Sender<()>),
}

impl Command {
    /// Whether a caller waits for this command's commit.
    fn is_waited(&self) -> bool {
        matches!(self, Self::Write { .. } | Self::Flush(_))
    }
}

/// The writer's figures, shared with [`super::History`].
#[derive(Debug, Default)]
pub(super) struct Counters {
    updates: AtomicU64,
    text_deltas: AtomicU64,
    transactions: AtomicU64,
    queue_len: AtomicU64,
    queue_high_water: AtomicU64,
    write_errors: AtomicU64,
}

impl Counters {
    /// Called before a command is sent, so the writer never takes one it has not
    /// counted (the length cannot wrap below zero).
    pub(super) fn queued(&self) {
        let len = self.queue_len.fetch_add(1, Ordering::Relaxed) + 1;
        self.queue_high_water.fetch_max(len, Ordering::Relaxed);
    }

    /// A command that could not be sent: the writer is gone.
    pub(super) fn unsent(&self) {
        self.queue_len.fetch_sub(1, Ordering::Relaxed);
        self.write_errors.fetch_add(1, Ordering::Relaxed);
    }

    fn error(&self) {
        self.write_errors.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn snapshot(&self) -> WriterStats {
        WriterStats {
            updates: self.updates.load(Ordering::Relaxed),
            text_deltas: self.text_deltas.load(Ordering::Relaxed),
            transactions: self.transactions.load(Ordering::Relaxed),
            queue_len: self.queue_len.load(Ordering::Relaxed),
            queue_high_water: self.queue_high_water.load(Ordering::Relaxed),
            write_errors: self.write_errors.load(Ordering::Relaxed),
        }
    }
}

/// Starts the writer thread. It ends when every sender is dropped, after committing
/// what was queued.
pub(super) fn spawn(
    conn: Connection,
    commands: Receiver<Command>,
    counters: Arc<Counters>,
) -> std::io::Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name("athena-history-writer".into())
        .spawn(move || {
            let mut writer = Writer {
                conn,
                counters,
                cache: HashMap::new(),
            };
            let mut last_commit = Instant::now();
            while let Some(batch) = next_batch(&commands, last_commit) {
                writer
                    .counters
                    .queue_len
                    .fetch_sub(batch.len() as u64, Ordering::Relaxed);
                writer.run(batch);
                last_commit = Instant::now();
            }
        })
}

/// Waits for the next batch; `None` once the queue is empty and every sender is
/// gone.
///
/// A batch of updates only waits until [`MIN_COMMIT_INTERVAL`] after the last commit,
/// gathering more: each commit rewrites every changed part whole, so committing a
/// long answer's text at every delta would write its length again a thousand times a
/// second. A batch with a caller waiting (a write, a flush) goes at once.
fn next_batch(commands: &Receiver<Command>, last_commit: Instant) -> Option<Vec<Command>> {
    // `recv` fails only once the queue is empty and every sender is gone.
    let first = commands.recv().ok()?;
    let mut urgent = first.is_waited();
    let mut batch = vec![first];
    let deadline = last_commit + MIN_COMMIT_INTERVAL;
    while batch.len() < MAX_BATCH {
        let next = match commands.try_recv() {
            Ok(command) => command,
            Err(TryRecvError::Disconnected) => break,
            Err(TryRecvError::Empty) => {
                let now = Instant::now();
                if urgent || now >= deadline {
                    break;
                }
                match commands.recv_timeout(deadline - now) {
                    Ok(command) => command,
                    Err(_) => break,
                }
            }
        };
        urgent |= next.is_waited();
        batch.push(next);
    }
    Some(batch)
}

struct Writer {
    conn: Connection,
    counters: Arc<Counters>,
    cache: HashMap<ExecutionHandle, Cached>,
}

impl Writer {
    fn run(&mut self, batch: Vec<Command>) {
        let Self {
            conn,
            counters,
            cache,
        } = self;
        let mut replies = Vec::new();
        let mut flushes = Vec::new();
        let mut drafts = HashMap::new();
        let mut created = Vec::new();
        let mut checkpoint = false;
        let mut tx = match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
            Ok(tx) => tx,
            Err(err) => {
                tracing::error!(%err, "history: cannot begin a transaction; batch lost");
                counters
                    .write_errors
                    .fetch_add(batch.len() as u64, Ordering::Relaxed);
                for command in batch {
                    if let Command::Write { reply, .. } = command {
                        let _ = reply.send(Err(HistoryError::NotCommitted {
                            reason: err.to_string(),
                        }));
                    }
                }
                return;
            }
        };
        for command in batch {
            match command {
                Command::Record(update) => {
                    counters.updates.fetch_add(1, Ordering::Relaxed);
                    if matches!(update.change, ExecutionChange::PartAppended { .. }) {
                        counters.text_deltas.fetch_add(1, Ordering::Relaxed);
                    }
                    if let Err(err) = fold(&tx, cache, &mut created, &update) {
                        tracing::error!(%err, handle = %update.handle, "history: update not stored");
                        counters.error();
                    }
                }
                Command::Draft {
                    conversation_id,
                    text,
                } => {
                    drafts.insert(conversation_id, text);
                }
                Command::BatchItems { run_id, items } => {
                    // In a savepoint: a failure undoes these items only.
                    let result = tx
                        .savepoint()
                        .map_err(HistoryError::sqlite("opening a savepoint"))
                        .and_then(|sp| {
                            upsert_items(&sp, &run_id, &items)?;
                            sp.commit()
                                .map_err(HistoryError::sqlite("releasing a savepoint"))
                        });
                    if let Err(err) = result {
                        tracing::error!(%err, run = %run_id, "history: batch items not stored");
                        counters.error();
                    }
                }
                Command::Write { op, reply } => {
                    if let Some(handle) = op.handle() {
                        // A skipped execution is being stored after all: forget that
                        // it was skipped. A stored one keeps its state (the insert
                        // fails on the duplicate handle).
                        if matches!(cache.get(handle), Some(Cached::Skipped(_))) {
                            cache.remove(handle);
                        }
                    }
                    let result = tx
                        .savepoint()
                        .map_err(HistoryError::sqlite("opening a savepoint"))
                        .and_then(|sp| {
                            op.apply(&sp)?;
                            sp.commit()
                                .map_err(HistoryError::sqlite("releasing a savepoint"))
                        });
                    checkpoint |= result.is_ok() && op.needs_checkpoint();
                    if result.is_ok()
                        && let Some(conversation_id) = op.deleted_conversation()
                    {
                        // Its rows are gone: stop following its executions, so that
                        // nothing of them is written back at the end of this batch.
                        cache.retain(|_, entry| match entry {
                            Cached::Stored(live) => {
                                live.snapshot.request.conversation_id != conversation_id
                            }
                            Cached::Skipped(_) => true,
                        });
                    }
                    if result.is_ok()
                        && let Some(workspace_id) = op.deleted_workspace()
                    {
                        // Its rows are gone: stop following its executions (their
                        // later updates find no row and are skipped).
                        cache.retain(|_, entry| match entry {
                            Cached::Stored(live) => {
                                live.snapshot.request.workspace_id != workspace_id
                            }
                            Cached::Skipped(_) => true,
                        });
                    }
                    replies.push((reply, result));
                }
                Command::Flush(reply) => flushes.push(reply),
            }
        }
        for (conversation_id, text) in &drafts {
            if let Err(err) = write_draft(&tx, conversation_id, text) {
                tracing::error!(%err, "history: draft not stored");
                counters.error();
            }
        }
        let mut written = Vec::new();
        for (handle, entry) in cache.iter() {
            if let Cached::Stored(live) = entry
                && live.is_dirty()
            {
                match live.write(&tx) {
                    Ok(()) => written.push(handle.clone()),
                    Err(err) => {
                        tracing::error!(%err, %handle, "history: execution not stored");
                        counters.error();
                    }
                }
            }
        }
        match tx.commit() {
            Ok(()) => {
                counters.transactions.fetch_add(1, Ordering::Relaxed);
                for handle in written {
                    if let Some(Cached::Stored(live)) = cache.get_mut(&handle) {
                        live.mark_clean();
                    }
                }
                // An execution that no longer streams is read back from its row if
                // it changes again (feedback, a resend): keep only the live ones.
                cache.retain(|_, entry| match entry {
                    Cached::Stored(live) => live.is_dirty() || live.snapshot.status.is_running(),
                    Cached::Skipped(_) => true,
                });
                if checkpoint {
                    // Before answering: a delete has returned only once the old
                    // copies of its pages have left the WAL.
                    truncate_wal(conn, counters);
                }
                for (reply, result) in replies {
                    let _ = reply.send(result);
                }
            }
            Err(err) => {
                tracing::error!(%err, "history: commit failed; will rewrite cached executions");
                counters.error();
                // Everything of this batch was rolled back: forget the rows it
                // created, and write every other cached execution whole with the
                // next batch.
                for handle in &created {
                    cache.remove(handle);
                }
                for entry in cache.values_mut() {
                    if let Cached::Stored(live) = entry {
                        live.mark_all_dirty();
                    }
                }
                for (reply, _) in replies {
                    let _ = reply.send(Err(HistoryError::NotCommitted {
                        reason: err.to_string(),
                    }));
                }
            }
        }
        for reply in flushes {
            let _ = reply.send(());
        }
    }
}

/// Copies the WAL into the database and empties it (`wal_checkpoint(TRUNCATE)`), so
/// that the older page versions it holds (deleted text among them) leave the disk.
/// Waits for readers through the busy timeout; one that held on longer leaves the
/// checkpoint incomplete: logged and counted, the next one finishes it.
fn truncate_wal(conn: &Connection, counters: &Counters) {
    let outcome = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
        row.get::<_, i64>(0)
    });
    match outcome {
        Ok(0) => {}
        Ok(_) => {
            tracing::warn!("history: the WAL checkpoint after a delete could not complete");
            counters.error();
        }
        Err(err) => {
            tracing::error!(%err, "history: the WAL checkpoint after a delete failed");
            counters.error();
        }
    }
}
