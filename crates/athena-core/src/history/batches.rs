//! Batch runs in the store: a run, its items and its calls, both ways.
//!
//! A run is created whole (run, items, calls) in one write. While it runs, items are
//! upserted as their outcomes arrive: [`History::record_batch_items`] waits for the
//! commit; [`History::queue_batch_items`] is a channel send, written with whatever
//! else the writer batches into its next transaction (for a caller that writes on
//! every event and cannot wait). At open, a run the last process left running is
//! marked failed with [`INTERRUPTED_ERROR`], its open items cancelled.

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::batch_reads;
use super::writer::Command;
use super::{History, HistoryError, WriteOp};
use crate::batch::{
    BatchCallRecord, BatchItem, BatchRun, BatchRunSummary, CallStatus, INTERRUPTED_ERROR, RunStatus,
};

/// A batch write whose caller waits for its commit.
#[derive(Debug)]
pub(super) enum BatchWrite {
    Create {
        run: Box<BatchRun>,
        calls: Vec<BatchCallRecord>,
    },
    Items {
        run_id: String,
        items: Vec<BatchItem>,
    },
    Call {
        run_id: String,
        call_index: usize,
        status: CallStatus,
    },
    Finish {
        run_id: String,
        status: RunStatus,
        finished_at_ms: i64,
        error: Option<String>,
    },
}

impl BatchWrite {
    pub(super) fn apply(&self, conn: &Connection) -> Result<(), HistoryError> {
        match self {
            Self::Create { run, calls } => create_run(conn, run, calls),
            Self::Items { run_id, items } => upsert_items(conn, run_id, items),
            Self::Call {
                run_id,
                call_index,
                status,
            } => set_call(conn, run_id, *call_index, *status),
            Self::Finish {
                run_id,
                status,
                finished_at_ms,
                error,
            } => finish_run(conn, run_id, *status, *finished_at_ms, error.as_deref()),
        }
    }
}

impl History {
    /// Stores a new run with its items and calls, all in one transaction. Its
    /// workspace must be stored and its id new. Committed when it returns. Errors:
    /// [`HistoryError::UnknownWorkspace`], SQLite's (an id already stored, two items
    /// at one position, two calls with one index), [`HistoryError::WriterGone`].
    pub async fn create_batch_run(
        &self,
        run: BatchRun,
        calls: Vec<BatchCallRecord>,
    ) -> Result<(), HistoryError> {
        self.write(WriteOp::Batch(BatchWrite::Create {
            run: Box::new(run),
            calls,
        }))
        .await
    }

    /// Stores these items of a run (by position: inserted, or replacing the stored
    /// one). Committed when it returns. Errors: [`HistoryError::UnknownBatchRun`],
    /// SQLite's, [`HistoryError::WriterGone`].
    pub async fn record_batch_items(
        &self,
        run_id: &str,
        items: Vec<BatchItem>,
    ) -> Result<(), HistoryError> {
        self.write(WriteOp::Batch(BatchWrite::Items {
            run_id: run_id.to_owned(),
            items,
        }))
        .await
    }

    /// [`History::record_batch_items`] without waiting: queued, and written with the
    /// writer's next transaction (at most 50 ms later when nothing else waits). A
    /// failure is logged and counted in
    /// [`WriterStats::write_errors`](super::WriterStats::write_errors);
    /// [`History::flush`] waits for it.
    pub fn queue_batch_items(&self, run_id: &str, items: Vec<BatchItem>) {
        self.send(Command::BatchItems {
            run_id: run_id.to_owned(),
            items,
        });
    }

    /// Sets the status of call `call_index` of a run. Committed when it returns.
    /// Errors: [`HistoryError::UnknownBatchCall`], SQLite's,
    /// [`HistoryError::WriterGone`].
    pub async fn set_batch_call(
        &self,
        run_id: &str,
        call_index: usize,
        status: CallStatus,
    ) -> Result<(), HistoryError> {
        self.write(WriteOp::Batch(BatchWrite::Call {
            run_id: run_id.to_owned(),
            call_index,
            status,
        }))
        .await
    }

    /// Sets a run's status, end time (unix ms) and error (each replaces the stored
    /// one). Its items are stored apart ([`History::record_batch_items`]). Committed
    /// when it returns. Errors: [`HistoryError::UnknownBatchRun`], SQLite's,
    /// [`HistoryError::WriterGone`].
    pub async fn finish_batch_run(
        &self,
        run_id: &str,
        status: RunStatus,
        finished_at_ms: i64,
        error: Option<String>,
    ) -> Result<(), HistoryError> {
        self.write(WriteOp::Batch(BatchWrite::Finish {
            run_id: run_id.to_owned(),
            status,
            finished_at_ms,
            error,
        }))
        .await
    }

    /// A workspace's runs, newest `created_at_ms` first (ties by id, descending),
    /// each with its items counted by status.
    pub fn batch_runs(&self, workspace_id: &str) -> Result<Vec<BatchRunSummary>, HistoryError> {
        self.read(|conn| batch_reads::run_summaries(conn, workspace_id))
    }

    /// The run `id` with all its items in order, if stored. Errors: SQLite's,
    /// [`HistoryError::Decode`] for a value this build cannot read.
    pub fn batch_run(&self, id: &str) -> Result<Option<BatchRun>, HistoryError> {
        self.read(|conn| batch_reads::run_by_id(conn, id))
    }

    /// The calls of a run, by index; empty when it has none or is not stored.
    pub fn batch_calls(&self, run_id: &str) -> Result<Vec<BatchCallRecord>, HistoryError> {
        self.read(|conn| batch_reads::calls_of(conn, run_id))
    }
}

// ---- values as stored ----

/// A count or position as stored; none gets near `i64::MAX`.
fn to_sql(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A cost as stored (past `i64::MAX` millionths, nine trillion dollars, it saturates).
fn cost_to_sql(cost: Option<u64>) -> Option<i64> {
    cost.map(|c| i64::try_from(c).unwrap_or(i64::MAX))
}

fn json_text<T: Serialize>(
    column: &'static str,
    value: Option<&T>,
) -> Result<Option<String>, HistoryError> {
    value
        .map(|v| serde_json::to_string(v).map_err(|source| HistoryError::Decode { column, source }))
        .transpose()
}

// ---- writes ----

fn create_run(
    conn: &Connection,
    run: &BatchRun,
    calls: &[BatchCallRecord],
) -> Result<(), HistoryError> {
    let found = conn
        .prepare_cached("SELECT 1 FROM workspaces WHERE id = ?1")
        .and_then(|mut stmt| stmt.query_row([&run.workspace_id], |_| Ok(())).optional())
        .map_err(HistoryError::sqlite("looking up a workspace"))?;
    if found.is_none() {
        return Err(HistoryError::UnknownWorkspace(run.workspace_id.clone()));
    }
    conn.prepare_cached(
        "INSERT INTO batch_runs (id, workspace_id, agent_id, agent_name, created_at_ms, \
         finished_at_ms, status, retry_of, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )
    .and_then(|mut stmt| {
        stmt.execute(rusqlite::params![
            run.id,
            run.workspace_id,
            run.agent_id,
            run.agent_name,
            run.created_at_ms,
            run.finished_at_ms,
            run.status.as_str(),
            run.retry_of,
            run.error,
        ])
    })
    .map_err(HistoryError::sqlite("storing a batch run"))?;
    write_items(conn, &run.id, &run.items, false)?;
    let mut insert = conn
        .prepare_cached(
            "INSERT INTO batch_calls (run_id, call_index, idempotency_key, first_position, \
             last_position, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .map_err(HistoryError::sqlite("storing batch calls"))?;
    for call in calls {
        insert
            .execute(rusqlite::params![
                run.id,
                to_sql(call.call_index),
                call.idempotency_key,
                to_sql(call.first_position),
                to_sql(call.last_position),
                call.status.as_str(),
            ])
            .map_err(HistoryError::sqlite("storing batch calls"))?;
    }
    Ok(())
}

/// Inserts items (`upsert`: or replaces the stored ones at their positions), with
/// one prepared statement for all.
fn write_items(
    conn: &Connection,
    run_id: &str,
    items: &[BatchItem],
    upsert: bool,
) -> Result<(), HistoryError> {
    const INSERT: &str = "INSERT INTO batch_items (run_id, position, key, message, status, \
         output_text, parsed_output, usage, cost_microdollars, error) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
    const UPSERT: &str = " ON CONFLICT (run_id, position) DO UPDATE SET key = excluded.key, \
         message = excluded.message, status = excluded.status, \
         output_text = excluded.output_text, parsed_output = excluded.parsed_output, \
         usage = excluded.usage, cost_microdollars = excluded.cost_microdollars, \
         error = excluded.error";
    let sql = if upsert {
        format!("{INSERT}{UPSERT}")
    } else {
        INSERT.to_owned()
    };
    let mut stmt = conn
        .prepare_cached(&sql)
        .map_err(HistoryError::sqlite("storing batch items"))?;
    for item in items {
        let parsed_output = json_text("batch_items.parsed_output", item.parsed_output.as_ref())?;
        let usage = json_text("batch_items.usage", item.usage.as_ref())?;
        stmt.execute(rusqlite::params![
            run_id,
            to_sql(item.position),
            item.key,
            item.message,
            item.status.as_str(),
            item.output_text,
            parsed_output,
            usage,
            cost_to_sql(item.cost_microdollars),
            item.error,
        ])
        .map_err(HistoryError::sqlite("storing batch items"))?;
    }
    Ok(())
}

fn run_exists(conn: &Connection, run_id: &str) -> Result<bool, HistoryError> {
    conn.prepare_cached("SELECT 1 FROM batch_runs WHERE id = ?1")
        .and_then(|mut stmt| stmt.query_row([run_id], |_| Ok(())).optional())
        .map(|found| found.is_some())
        .map_err(HistoryError::sqlite("looking up a batch run"))
}

/// Upserts items of a stored run.
pub(super) fn upsert_items(
    conn: &Connection,
    run_id: &str,
    items: &[BatchItem],
) -> Result<(), HistoryError> {
    if !run_exists(conn, run_id)? {
        return Err(HistoryError::UnknownBatchRun(run_id.to_owned()));
    }
    write_items(conn, run_id, items, true)
}

fn set_call(
    conn: &Connection,
    run_id: &str,
    call_index: usize,
    status: CallStatus,
) -> Result<(), HistoryError> {
    let changed = conn
        .prepare_cached("UPDATE batch_calls SET status = ?3 WHERE run_id = ?1 AND call_index = ?2")
        .and_then(|mut stmt| stmt.execute((run_id, to_sql(call_index), status.as_str())))
        .map_err(HistoryError::sqlite("updating a batch call"))?;
    if changed == 0 {
        return Err(HistoryError::UnknownBatchCall {
            run_id: run_id.to_owned(),
            call_index,
        });
    }
    Ok(())
}

fn finish_run(
    conn: &Connection,
    run_id: &str,
    status: RunStatus,
    finished_at_ms: i64,
    error: Option<&str>,
) -> Result<(), HistoryError> {
    let changed = conn
        .prepare_cached(
            "UPDATE batch_runs SET status = ?2, finished_at_ms = ?3, error = ?4 WHERE id = ?1",
        )
        .and_then(|mut stmt| stmt.execute((run_id, status.as_str(), finished_at_ms, error)))
        .map_err(HistoryError::sqlite("finishing a batch run"))?;
    if changed == 0 {
        return Err(HistoryError::UnknownBatchRun(run_id.to_owned()));
    }
    Ok(())
}

/// Marks every run the last process left running as failed with
/// [`INTERRUPTED_ERROR`], its queued and running items cancelled (their outcomes
/// will never be read: the API cannot be asked for them). Returns how many runs.
pub(super) fn mark_interrupted_runs(conn: &Connection) -> Result<usize, HistoryError> {
    // The literals match the partial index `batch_runs_running` and the names of
    // `ItemStatus`/`RunStatus` (checked by the tests below).
    conn.execute(
        "UPDATE batch_items SET status = 'cancelled' \
         WHERE status IN ('queued', 'running') \
           AND run_id IN (SELECT id FROM batch_runs WHERE status = 'running')",
        [],
    )
    .map_err(HistoryError::sqlite("cancelling interrupted batch items"))?;
    conn.execute(
        "UPDATE batch_runs SET status = 'failed', error = ?1 WHERE status = 'running'",
        [INTERRUPTED_ERROR],
    )
    .map_err(HistoryError::sqlite("marking interrupted batch runs"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::ItemStatus;

    #[test]
    fn the_literals_are_the_stored_names() {
        assert_eq!(RunStatus::Running.as_str(), "running");
        assert_eq!(RunStatus::Failed.as_str(), "failed");
        assert_eq!(ItemStatus::Queued.as_str(), "queued");
        assert_eq!(ItemStatus::Running.as_str(), "running");
        assert_eq!(ItemStatus::Cancelled.as_str(), "cancelled");
        for s in RunStatus::ALL {
            assert_eq!(serde_json::to_value(s).unwrap_or_default(), s.as_str());
        }
        for s in ItemStatus::ALL {
            assert_eq!(serde_json::to_value(s).unwrap_or_default(), s.as_str());
        }
        for s in [
            CallStatus::Pending,
            CallStatus::Sent,
            CallStatus::Done,
            CallStatus::Failed,
        ] {
            assert_eq!(serde_json::to_value(s).unwrap_or_default(), s.as_str());
        }
    }
}
