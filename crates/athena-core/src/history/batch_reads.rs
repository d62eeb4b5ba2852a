//! Batch runs read back, on the reader connection: a workspace's runs with their
//! counts, one run with its items, a run's calls.

use rusqlite::{Connection, OptionalExtension, Row};
use serde::de::DeserializeOwned;

use super::HistoryError;
use crate::batch::{
    BatchCallRecord, BatchItem, BatchRun, BatchRunSummary, Counts, ItemStatus, TokenUsage,
};

/// A position or count read back (never negative: written from a `usize`).
fn from_sql(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}

/// A status column read back through its serde name.
fn status<T: DeserializeOwned>(column: &'static str, text: String) -> Result<T, HistoryError> {
    serde_json::from_value(serde_json::Value::String(text))
        .map_err(|source| HistoryError::Decode { column, source })
}

fn from_json_text<T: DeserializeOwned>(
    column: &'static str,
    text: Option<&str>,
) -> Result<Option<T>, HistoryError> {
    text.map(|t| serde_json::from_str(t).map_err(|source| HistoryError::Decode { column, source }))
        .transpose()
}

const RUN_COLUMNS: &str = "id, workspace_id, agent_id, agent_name, created_at_ms, \
     finished_at_ms, status, retry_of, error";

/// A `batch_runs` row before its status is decoded.
struct RunRow {
    id: String,
    workspace_id: String,
    agent_id: String,
    agent_name: String,
    created_at_ms: i64,
    finished_at_ms: Option<i64>,
    status: String,
    retry_of: Option<String>,
    error: Option<String>,
}

impl RunRow {
    fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get(0)?,
            workspace_id: row.get(1)?,
            agent_id: row.get(2)?,
            agent_name: row.get(3)?,
            created_at_ms: row.get(4)?,
            finished_at_ms: row.get(5)?,
            status: row.get(6)?,
            retry_of: row.get(7)?,
            error: row.get(8)?,
        })
    }
}

pub(super) fn run_summaries(
    conn: &Connection,
    workspace_id: &str,
) -> Result<Vec<BatchRunSummary>, HistoryError> {
    let runs = conn
        .prepare_cached(&format!(
            "SELECT {RUN_COLUMNS} FROM batch_runs WHERE workspace_id = ?1 \
             ORDER BY created_at_ms DESC, id DESC"
        ))
        .and_then(|mut stmt| {
            stmt.query_map([workspace_id], RunRow::read)?
                .collect::<Result<Vec<_>, _>>()
        })
        .map_err(HistoryError::sqlite("reading batch runs"))?;
    runs.into_iter()
        .map(|run| {
            let counts = counts_of(conn, &run.id)?;
            Ok(BatchRunSummary {
                id: run.id,
                agent_id: run.agent_id,
                agent_name: run.agent_name,
                created_at_ms: run.created_at_ms,
                finished_at_ms: run.finished_at_ms,
                status: status("batch_runs.status", run.status)?,
                retry_of: run.retry_of,
                error: run.error,
                counts,
            })
        })
        .collect()
}

/// A run's items counted by status, from the status index alone.
fn counts_of(conn: &Connection, run_id: &str) -> Result<Counts, HistoryError> {
    let rows = conn
        .prepare_cached(
            "SELECT status, count(*) FROM batch_items WHERE run_id = ?1 GROUP BY status",
        )
        .and_then(|mut stmt| {
            stmt.query_map([run_id], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()
        })
        .map_err(HistoryError::sqlite("counting batch items"))?;
    let mut counts = Counts::default();
    for (name, n) in rows {
        let n = from_sql(n);
        counts.total += n;
        match status("batch_items.status", name)? {
            ItemStatus::Queued => counts.queued += n,
            ItemStatus::Running => counts.running += n,
            ItemStatus::Done => counts.done += n,
            ItemStatus::Failed => counts.failed += n,
            ItemStatus::Cancelled => counts.cancelled += n,
        }
    }
    Ok(counts)
}

/// A `batch_items` row before its JSON columns are decoded.
struct ItemRow {
    position: i64,
    key: String,
    message: String,
    status: String,
    output_text: Option<String>,
    parsed_output: Option<String>,
    usage: Option<String>,
    cost_microdollars: Option<i64>,
    error: Option<String>,
}

impl ItemRow {
    fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            position: row.get(0)?,
            key: row.get(1)?,
            message: row.get(2)?,
            status: row.get(3)?,
            output_text: row.get(4)?,
            parsed_output: row.get(5)?,
            usage: row.get(6)?,
            cost_microdollars: row.get(7)?,
            error: row.get(8)?,
        })
    }

    fn into_item(self) -> Result<BatchItem, HistoryError> {
        Ok(BatchItem {
            position: from_sql(self.position),
            key: self.key,
            message: self.message,
            status: status("batch_items.status", self.status)?,
            output_text: self.output_text,
            parsed_output: from_json_text(
                "batch_items.parsed_output",
                self.parsed_output.as_deref(),
            )?,
            usage: from_json_text::<TokenUsage>("batch_items.usage", self.usage.as_deref())?,
            cost_microdollars: self
                .cost_microdollars
                .map(|c| u64::try_from(c).unwrap_or(0)),
            error: self.error,
        })
    }
}

pub(super) fn run_by_id(conn: &Connection, id: &str) -> Result<Option<BatchRun>, HistoryError> {
    let row = conn
        .prepare_cached(&format!(
            "SELECT {RUN_COLUMNS} FROM batch_runs WHERE id = ?1"
        ))
        .and_then(|mut stmt| stmt.query_row([id], RunRow::read).optional())
        .map_err(HistoryError::sqlite("reading a batch run"))?;
    let Some(row) = row else {
        return Ok(None);
    };
    let items = conn
        .prepare_cached(
            "SELECT position, key, message, status, output_text, parsed_output, usage, \
             cost_microdollars, error FROM batch_items WHERE run_id = ?1 ORDER BY position",
        )
        .and_then(|mut stmt| {
            stmt.query_map([id], ItemRow::read)?
                .collect::<Result<Vec<_>, _>>()
        })
        .map_err(HistoryError::sqlite("reading batch items"))?
        .into_iter()
        .map(ItemRow::into_item)
        .collect::<Result<Vec<_>, _>>()?;
    let mut run = BatchRun::new(
        row.id,
        row.workspace_id,
        row.agent_id,
        row.agent_name,
        row.created_at_ms,
        row.retry_of,
        Vec::new(),
    );
    run.finished_at_ms = row.finished_at_ms;
    run.status = status("batch_runs.status", row.status)?;
    run.error = row.error;
    run.items = items;
    Ok(Some(run))
}

pub(super) fn calls_of(
    conn: &Connection,
    run_id: &str,
) -> Result<Vec<BatchCallRecord>, HistoryError> {
    let rows = conn
        .prepare_cached(
            "SELECT call_index, idempotency_key, first_position, last_position, status \
             FROM batch_calls WHERE run_id = ?1 ORDER BY call_index",
        )
        .and_then(|mut stmt| {
            stmt.query_map([run_id], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, i64>(2)?,
                    row.get::<_, i64>(3)?,
                    row.get::<_, String>(4)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()
        })
        .map_err(HistoryError::sqlite("reading batch calls"))?;
    rows.into_iter()
        .map(|(call_index, idempotency_key, first, last, call_status)| {
            Ok(BatchCallRecord {
                call_index: from_sql(call_index),
                idempotency_key,
                first_position: from_sql(first),
                last_position: from_sql(last),
                status: status("batch_calls.status", call_status)?,
            })
        })
        .collect()
}
