//! Reads of workspaces, conversations and drafts, on the reader connection.

use rusqlite::{Connection, OptionalExtension, Row};

use super::{ConversationPage, ConversationRecord, HistoryError, WorkspaceRecord};

const CONVERSATION_COLUMNS: &str = "id, workspace_id, agent_id, agent_name, title, \
     server_conversation_id, local_only, archived, created_at_ms, last_activity_ms";

fn conversation(row: &Row<'_>) -> rusqlite::Result<ConversationRecord> {
    Ok(ConversationRecord {
        id: row.get(0)?,
        workspace_id: row.get(1)?,
        agent_id: row.get(2)?,
        agent_name: row.get(3)?,
        title: row.get(4)?,
        server_conversation_id: row.get(5)?,
        local_only: row.get(6)?,
        archived: row.get(7)?,
        created_at_ms: row.get(8)?,
        last_activity_ms: row.get(9)?,
    })
}

pub(super) fn workspaces(conn: &Connection) -> Result<Vec<WorkspaceRecord>, HistoryError> {
    conn.prepare_cached("SELECT id, name, base_url FROM workspaces ORDER BY rowid")
        .and_then(|mut stmt| {
            stmt.query_map([], |row| {
                Ok(WorkspaceRecord {
                    id: row.get(0)?,
                    name: row.get(1)?,
                    base_url: row.get(2)?,
                })
            })?
            .collect()
        })
        .map_err(HistoryError::sqlite("reading workspaces"))
}

pub(super) fn conversation_by_id(
    conn: &Connection,
    id: &str,
) -> Result<Option<ConversationRecord>, HistoryError> {
    conn.prepare_cached(&format!(
        "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE id = ?1"
    ))
    .and_then(|mut stmt| stmt.query_row([id], conversation).optional())
    .map_err(HistoryError::sqlite("reading a conversation"))
}

pub(super) fn conversations(
    conn: &Connection,
    workspace_id: &str,
    page: &ConversationPage,
) -> Result<Vec<ConversationRecord>, HistoryError> {
    let limit = i64::try_from(page.limit).unwrap_or(i64::MAX);
    // The cursor is the sort key of the last row seen, so rows with the same
    // activity time are neither skipped nor repeated.
    let (at, id) = page
        .before
        .as_ref()
        .map_or((None, ""), |(at, id)| (Some(*at), id.as_str()));
    conn.prepare_cached(&format!(
        "SELECT {CONVERSATION_COLUMNS} FROM conversations \
         WHERE workspace_id = ?1 AND archived = ?2 \
           AND (?3 IS NULL OR (last_activity_ms, id) < (?3, ?4)) \
         ORDER BY last_activity_ms DESC, id DESC LIMIT ?5"
    ))
    .and_then(|mut stmt| {
        stmt.query_map((workspace_id, page.archived, at, id, limit), conversation)?
            .collect()
    })
    .map_err(HistoryError::sqlite("reading conversations"))
}

pub(super) fn active_conversations_with(
    conn: &Connection,
    workspace_id: &str,
    agent_id: &str,
) -> Result<Vec<ConversationRecord>, HistoryError> {
    conn.prepare_cached(&format!(
        "SELECT {CONVERSATION_COLUMNS} FROM conversations \
         WHERE workspace_id = ?1 AND agent_id = ?2 AND archived = 0 \
           AND server_conversation_id IS NOT NULL \
         ORDER BY last_activity_ms DESC, id DESC"
    ))
    .and_then(|mut stmt| {
        stmt.query_map((workspace_id, agent_id), conversation)?
            .collect()
    })
    .map_err(HistoryError::sqlite("reading active conversations"))
}

pub(super) fn draft(conn: &Connection, conversation_id: &str) -> Result<String, HistoryError> {
    conn.prepare_cached("SELECT text FROM drafts WHERE conversation_id = ?1")
        .and_then(|mut stmt| {
            stmt.query_row([conversation_id], |row| row.get(0))
                .optional()
        })
        .map(Option::unwrap_or_default)
        .map_err(HistoryError::sqlite("reading a draft"))
}
