//! Reads of workspaces, profiles and their agents, conversations and drafts, on the
//! reader connection.

use std::path::PathBuf;

use rusqlite::{Connection, OptionalExtension, Row};

use super::rows::parse_kind;
use super::{
    ConversationPage, ConversationRecord, HistoryError, ProfileRecord, WorkspaceRecord,
    WorkspaceStatus,
};
use crate::AgentSummary;
use crate::agents_file::agent_from_json;

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
    let rows = conn
        .prepare_cached("SELECT id, name, base_url, kind FROM workspaces ORDER BY rowid")
        .and_then(|mut stmt| {
            stmt.query_map([], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
            })?
            .collect::<Result<Vec<(String, String, String, String)>, _>>()
        })
        .map_err(HistoryError::sqlite("reading workspaces"))?;
    rows.into_iter()
        .map(|(id, name, base_url, kind)| {
            Ok(WorkspaceRecord {
                id,
                name,
                base_url,
                kind: parse_kind(kind)?,
            })
        })
        .collect()
}

const PROFILE_COLUMNS: &str = "id, name, base_url, server_workspace_id, external_user_id, \
     ca_certificate, created_at_ms, credits_remaining, app_version";

fn profile(row: &Row<'_>) -> rusqlite::Result<ProfileRecord> {
    Ok(ProfileRecord {
        id: row.get(0)?,
        name: row.get(1)?,
        base_url: row.get(2)?,
        server_workspace_id: row.get::<_, Option<String>>(3)?.unwrap_or_default(),
        external_user_id: row.get(4)?,
        ca_certificate: row.get::<_, Option<String>>(5)?.map(PathBuf::from),
        created_at_ms: row.get(6)?,
        status: WorkspaceStatus {
            credits_remaining: row.get(7)?,
            app_version: row.get(8)?,
        },
    })
}

pub(super) fn profiles(conn: &Connection) -> Result<Vec<ProfileRecord>, HistoryError> {
    conn.prepare_cached(&format!(
        "SELECT {PROFILE_COLUMNS} FROM workspaces WHERE kind = 'profile' \
         ORDER BY created_at_ms, rowid"
    ))
    .and_then(|mut stmt| stmt.query_map([], profile)?.collect())
    .map_err(HistoryError::sqlite("reading profiles"))
}

pub(super) fn profile_by_id(
    conn: &Connection,
    id: &str,
) -> Result<Option<ProfileRecord>, HistoryError> {
    conn.prepare_cached(&format!(
        "SELECT {PROFILE_COLUMNS} FROM workspaces WHERE id = ?1 AND kind = 'profile'"
    ))
    .and_then(|mut stmt| stmt.query_row([id], profile).optional())
    .map_err(HistoryError::sqlite("reading a profile"))
}

pub(super) fn workspace_status(
    conn: &Connection,
    id: &str,
) -> Result<Option<WorkspaceStatus>, HistoryError> {
    conn.prepare_cached("SELECT credits_remaining, app_version FROM workspaces WHERE id = ?1")
        .and_then(|mut stmt| {
            stmt.query_row([id], |row| {
                Ok(WorkspaceStatus {
                    credits_remaining: row.get(0)?,
                    app_version: row.get(1)?,
                })
            })
            .optional()
        })
        .map_err(HistoryError::sqlite("reading a workspace's status"))
}

pub(super) fn agents(
    conn: &Connection,
    workspace_id: &str,
) -> Result<Vec<AgentSummary>, HistoryError> {
    let definitions = conn
        .prepare_cached(
            "SELECT definition FROM agents WHERE workspace_id = ?1 ORDER BY position, agent_id",
        )
        .and_then(|mut stmt| {
            stmt.query_map([workspace_id], |row| row.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()
        })
        .map_err(HistoryError::sqlite("reading agents"))?;
    definitions
        .iter()
        .map(|text| {
            agent_from_json(text).map_err(|source| HistoryError::Decode {
                column: "agents.definition",
                source,
            })
        })
        .collect()
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
