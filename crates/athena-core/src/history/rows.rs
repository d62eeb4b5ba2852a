//! Messages and their parts as rows, both ways. Shared by the writer (which loads an
//! execution it has not cached, and writes what changed) and the reader.

use rusqlite::{Connection, OptionalExtension, Row};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{HistoryError, MessagePage, StoredMessage};
use crate::{
    ExecutionError, ExecutionHandle, ExecutionRequest, ExecutionSnapshot, ExecutionStatus, Part,
    WorkspaceKind,
};

/// The columns of `messages`, in the order [`MessageRow::read`] expects.
const MESSAGE_COLUMNS: &str = "position, handle, conversation_id, workspace_id, agent_id, \
     message, idempotency_key, sent_at_ms, status, execution_id, seq, usage, error, feedback, \
     message_id, variables, attachments";

/// A status as stored: its serde name, so the column reads like the IPC value.
pub(super) fn status_text(status: ExecutionStatus) -> String {
    match serde_json::to_value(status) {
        Ok(serde_json::Value::String(text)) => text,
        // A unit variant always serializes to its name; this arm cannot be reached.
        _ => String::from("failed"),
    }
}

/// A workspace kind as stored: its serde name (`demo`, `run`, `profile`), which the
/// schema's `CHECK` lists.
pub(super) fn kind_text(kind: WorkspaceKind) -> &'static str {
    match kind {
        WorkspaceKind::Demo => "demo",
        WorkspaceKind::Run => "run",
        WorkspaceKind::Profile => "profile",
    }
}

pub(super) fn parse_kind(text: String) -> Result<WorkspaceKind, HistoryError> {
    serde_json::from_value(serde_json::Value::String(text)).map_err(|source| HistoryError::Decode {
        column: "workspaces.kind",
        source,
    })
}

fn parse_status(text: String) -> Result<ExecutionStatus, HistoryError> {
    serde_json::from_value(serde_json::Value::String(text)).map_err(|source| HistoryError::Decode {
        column: "status",
        source,
    })
}

fn to_json<T: Serialize>(column: &'static str, value: &T) -> Result<String, HistoryError> {
    serde_json::to_string(value).map_err(|source| HistoryError::Decode { column, source })
}

fn opt_json<T: Serialize>(
    column: &'static str,
    value: Option<&T>,
) -> Result<Option<String>, HistoryError> {
    value.map(|v| to_json(column, v)).transpose()
}

fn from_json<T: DeserializeOwned>(column: &'static str, text: &str) -> Result<T, HistoryError> {
    serde_json::from_str(text).map_err(|source| HistoryError::Decode { column, source })
}

fn opt_from_json<T: DeserializeOwned>(
    column: &'static str,
    text: Option<&str>,
) -> Result<Option<T>, HistoryError> {
    text.map(|t| from_json(column, t)).transpose()
}

/// An error as stored.
pub(super) fn error_json(error: &ExecutionError) -> Result<String, HistoryError> {
    to_json("error", error)
}

/// `seq` is a `u64` in memory and an `INTEGER` (i64) on disk; it never gets near
/// `i64::MAX` (one per update), so saturating is only a guard.
fn seq_to_sql(seq: u64) -> i64 {
    i64::try_from(seq).unwrap_or(i64::MAX)
}

/// A part index as stored; an execution has nowhere near `i64::MAX` parts.
fn index_to_sql(idx: usize) -> i64 {
    i64::try_from(idx).unwrap_or(i64::MAX)
}

/// One `messages` row before its JSON columns are decoded (decoding errors are the
/// store's, not SQLite's).
struct MessageRow {
    position: i64,
    handle: String,
    request: ExecutionRequest,
    idempotency_key: String,
    sent_at_ms: i64,
    status: String,
    execution_id: Option<String>,
    seq: i64,
    usage: Option<String>,
    error: Option<String>,
    feedback: Option<String>,
    message_id: Option<String>,
    variables: Option<String>,
    attachments: Option<String>,
}

impl MessageRow {
    fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            position: row.get(0)?,
            handle: row.get(1)?,
            request: ExecutionRequest {
                conversation_id: row.get(2)?,
                workspace_id: row.get(3)?,
                agent_id: row.get(4)?,
                message: row.get(5)?,
                // Decoded in `into_stored`: a decoding error is the store's.
                variables: None,
                attachments: Vec::new(),
            },
            idempotency_key: row.get(6)?,
            sent_at_ms: row.get(7)?,
            status: row.get(8)?,
            execution_id: row.get(9)?,
            seq: row.get(10)?,
            usage: row.get(11)?,
            error: row.get(12)?,
            feedback: row.get(13)?,
            message_id: row.get(14)?,
            variables: row.get(15)?,
            attachments: row.get(16)?,
        })
    }

    fn into_stored(mut self, parts: Vec<Part>) -> Result<StoredMessage, HistoryError> {
        self.request.variables = opt_from_json("variables", self.variables.as_deref())?;
        self.request.attachments =
            opt_from_json("attachments", self.attachments.as_deref())?.unwrap_or_default();
        let snapshot = ExecutionSnapshot {
            handle: ExecutionHandle::from(self.handle),
            seq: u64::try_from(self.seq).unwrap_or(0),
            request: self.request,
            execution_id: self.execution_id,
            parts,
            status: parse_status(self.status)?,
            usage: opt_from_json("usage", self.usage.as_deref())?,
            error: opt_from_json("error", self.error.as_deref())?,
            message_id: self.message_id,
            feedback: opt_from_json("feedback", self.feedback.as_deref())?,
        };
        Ok(StoredMessage {
            position: self.position,
            snapshot,
            idempotency_key: self.idempotency_key,
            sent_at_ms: self.sent_at_ms,
        })
    }
}

fn parts_of(conn: &Connection, position: i64) -> Result<Vec<Part>, HistoryError> {
    let mut stmt = conn
        .prepare_cached("SELECT json FROM parts WHERE message_position = ?1 ORDER BY idx")
        .map_err(HistoryError::sqlite("reading parts"))?;
    let texts = stmt
        .query_map([position], |row| row.get::<_, String>(0))
        .and_then(Iterator::collect::<Result<Vec<_>, _>>)
        .map_err(HistoryError::sqlite("reading parts"))?;
    texts.iter().map(|t| from_json("parts.json", t)).collect()
}

/// The message of execution `handle`, with its parts, if stored.
pub(super) fn message_by_handle(
    conn: &Connection,
    handle: &str,
) -> Result<Option<StoredMessage>, HistoryError> {
    let row = conn
        .prepare_cached(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE handle = ?1"
        ))
        .and_then(|mut stmt| stmt.query_row([handle], MessageRow::read).optional())
        .map_err(HistoryError::sqlite("reading a message"))?;
    row.map(|row| {
        let parts = parts_of(conn, row.position)?;
        row.into_stored(parts)
    })
    .transpose()
}

/// A page of a conversation's messages, newest first: a range of the index
/// `messages_by_conversation` read backwards, no sort, no scan (a test checks the
/// plan), so a page costs the same in a chat of 50 or 50,000 messages.
fn page_sql() -> String {
    format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages \
         WHERE conversation_id = ?1 AND position < ?2 ORDER BY position DESC LIMIT ?3"
    )
}

/// The `limit` newest messages of a conversation older than `before`, oldest first.
pub(super) fn messages_page(
    conn: &Connection,
    conversation_id: &str,
    before: Option<i64>,
    limit: usize,
) -> Result<MessagePage, HistoryError> {
    // One more than asked tells whether older ones exist.
    let fetch = i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1);
    let rows = conn
        .prepare_cached(&page_sql())
        .and_then(|mut stmt| {
            stmt.query_map(
                (conversation_id, before.unwrap_or(i64::MAX), fetch),
                MessageRow::read,
            )?
            .collect::<Result<Vec<_>, _>>()
        })
        .map_err(HistoryError::sqlite("reading messages"))?;
    let more_before = rows.len() > limit;
    let mut messages = rows
        .into_iter()
        .take(limit)
        .map(|row| {
            let parts = parts_of(conn, row.position)?;
            row.into_stored(parts)
        })
        .collect::<Result<Vec<_>, _>>()?;
    messages.reverse();
    Ok(MessagePage {
        messages,
        more_before,
    })
}

/// Inserts a message row (no parts) and returns its position.
pub(super) fn insert_message(
    conn: &Connection,
    snapshot: &ExecutionSnapshot,
    idempotency_key: &str,
    sent_at_ms: i64,
) -> Result<i64, HistoryError> {
    let usage = opt_json("usage", snapshot.usage.as_ref())?;
    let error = opt_json("error", snapshot.error.as_ref())?;
    let feedback = opt_json("feedback", snapshot.feedback.as_ref())?;
    let r = &snapshot.request;
    let variables = opt_json("variables", r.variables.as_ref())?;
    // NULL for a message without attachments: most have none.
    let attachments = opt_json(
        "attachments",
        Some(&r.attachments).filter(|a| !a.is_empty()),
    )?;
    conn.prepare_cached(
        "INSERT INTO messages (handle, conversation_id, workspace_id, agent_id, message, \
         idempotency_key, sent_at_ms, status, execution_id, seq, usage, error, feedback, \
         message_id, variables, attachments) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )
    .and_then(|mut stmt| {
        stmt.execute(rusqlite::params![
            snapshot.handle.as_str(),
            r.conversation_id,
            r.workspace_id,
            r.agent_id,
            r.message,
            idempotency_key,
            sent_at_ms,
            status_text(snapshot.status),
            snapshot.execution_id,
            seq_to_sql(snapshot.seq),
            usage,
            error,
            feedback,
            snapshot.message_id,
            variables,
            attachments,
        ])
    })
    .map_err(HistoryError::sqlite("storing a message"))?;
    Ok(conn.last_insert_rowid())
}

/// Rewrites the head of a message (everything but its parts) from `snapshot`.
pub(super) fn write_head(
    conn: &Connection,
    position: i64,
    snapshot: &ExecutionSnapshot,
) -> Result<(), HistoryError> {
    let usage = opt_json("usage", snapshot.usage.as_ref())?;
    let error = opt_json("error", snapshot.error.as_ref())?;
    let feedback = opt_json("feedback", snapshot.feedback.as_ref())?;
    let r = &snapshot.request;
    let variables = opt_json("variables", r.variables.as_ref())?;
    conn.prepare_cached(
        "UPDATE messages SET workspace_id = ?2, agent_id = ?3, message = ?4, status = ?5, \
         execution_id = ?6, seq = ?7, usage = ?8, error = ?9, feedback = ?10, message_id = ?11, \
         variables = ?12 WHERE position = ?1",
    )
    .and_then(|mut stmt| {
        stmt.execute(rusqlite::params![
            position,
            r.workspace_id,
            r.agent_id,
            r.message,
            status_text(snapshot.status),
            snapshot.execution_id,
            seq_to_sql(snapshot.seq),
            usage,
            error,
            feedback,
            snapshot.message_id,
            variables,
        ])
    })
    .map_err(HistoryError::sqlite("updating a message"))?;
    Ok(())
}

/// Writes part `idx` of the message at `position`.
pub(super) fn upsert_part(
    conn: &Connection,
    position: i64,
    idx: usize,
    part: &Part,
) -> Result<(), HistoryError> {
    let json = to_json("parts.json", part)?;
    conn.prepare_cached(
        "INSERT INTO parts (message_position, idx, json) VALUES (?1, ?2, ?3) \
         ON CONFLICT (message_position, idx) DO UPDATE SET json = excluded.json",
    )
    .and_then(|mut stmt| stmt.execute(rusqlite::params![position, index_to_sql(idx), json]))
    .map_err(HistoryError::sqlite("writing a part"))?;
    Ok(())
}

/// Removes the parts at `len` and after (a change that shortened the list).
pub(super) fn truncate_parts(
    conn: &Connection,
    position: i64,
    len: usize,
) -> Result<(), HistoryError> {
    conn.prepare_cached("DELETE FROM parts WHERE message_position = ?1 AND idx >= ?2")
        .and_then(|mut stmt| stmt.execute(rusqlite::params![position, index_to_sql(len)]))
        .map_err(HistoryError::sqlite("removing parts"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_reads_the_index_backwards_without_sorting() {
        let mut conn = Connection::open_in_memory().expect("memory");
        super::super::schema::migrate(&mut conn).expect("migrate");
        let mut stmt = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {}", page_sql()))
            .expect("plan");
        let plan: Vec<String> = stmt
            .query_map(("c", i64::MAX, 51), |row| row.get(3))
            .and_then(Iterator::collect)
            .expect("plan rows");
        let plan = plan.join("; ");
        assert!(
            plan.contains(
                "USING INDEX messages_by_conversation (conversation_id=? AND position<?)"
            ),
            "{plan}"
        );
        assert!(
            !plan.contains("TEMP B-TREE") && !plan.contains("SCAN"),
            "{plan}"
        );
    }
}
