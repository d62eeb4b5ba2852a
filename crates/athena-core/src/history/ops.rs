//! The writes a caller waits for: workspaces, profiles and their agents,
//! conversations, a message before it is sent. Each runs inside the writer's batch
//! transaction, in a savepoint of its own, so one failing write does not undo the
//! others of its batch.

use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OptionalExtension};

use super::attachments::AttachmentWrite;
use super::batches::BatchWrite;
use super::manage::ConversationWrite;
use super::rows::{insert_message, kind_text};
use super::tools::ToolWrite;
use super::{
    ConversationEdit, ConversationRecord, HistoryError, MessageRecord, ProfileRecord,
    WorkspaceRecord, WorkspaceStatus,
};
use crate::agents_file::agent_to_json;
use crate::{AgentSummary, ExecutionHandle, ExecutionSnapshot, WorkspaceKind};

/// A conversation's title is the first line of its first message, this long at most.
const TITLE_CHARS: usize = 60;

/// A write whose caller waits for its commit.
#[derive(Debug)]
pub(super) enum WriteOp {
    SaveWorkspace(WorkspaceRecord),
    CreateConversation(ConversationRecord),
    EditConversation {
        id: String,
        edit: ConversationEdit,
    },
    AddMessage(MessageRecord),
    SaveProfile(ProfileRecord),
    DeleteWorkspace(String),
    SaveAgents {
        workspace_id: String,
        agents: Vec<AgentSummary>,
    },
    RecordStatus {
        id: String,
        status: WorkspaceStatus,
    },
    Batch(BatchWrite),
    Tools(ToolWrite),
    Conversation(ConversationWrite),
    Attachments(AttachmentWrite),
    Media(Box<super::media::StoredMedia>),
    Audit(Box<super::audit::AuditEntry>),
}

impl WriteOp {
    /// The execution this write (re)creates, whose cached state the writer must drop.
    pub(super) fn handle(&self) -> Option<&ExecutionHandle> {
        match self {
            Self::AddMessage(m) => Some(&m.handle),
            _ => None,
        }
    }

    /// The workspace whose executions this write removes, whose cached state the
    /// writer must drop once it succeeded.
    pub(super) fn deleted_workspace(&self) -> Option<&str> {
        match self {
            Self::DeleteWorkspace(id) => Some(id),
            _ => None,
        }
    }

    /// The conversation whose executions this write removes, whose cached state the
    /// writer must drop once it succeeded.
    pub(super) fn deleted_conversation(&self) -> Option<&str> {
        match self {
            Self::Conversation(write) => write.deleted_conversation(),
            _ => None,
        }
    }

    /// Whether the writer must checkpoint and truncate the WAL once this write is
    /// committed, before answering: it deleted text that must leave the disk.
    pub(super) fn needs_checkpoint(&self) -> bool {
        self.deleted_conversation().is_some()
    }

    pub(super) fn apply(&self, conn: &Connection) -> Result<(), HistoryError> {
        match self {
            Self::SaveWorkspace(w) => save_workspace(conn, w),
            Self::CreateConversation(c) => create_conversation(conn, c),
            Self::EditConversation { id, edit } => edit_conversation(conn, id, edit),
            Self::AddMessage(m) => add_message(conn, m),
            Self::SaveProfile(p) => save_profile(conn, p),
            Self::DeleteWorkspace(id) => delete_workspace(conn, id),
            Self::SaveAgents {
                workspace_id,
                agents,
            } => save_agents(conn, workspace_id, agents),
            Self::RecordStatus { id, status } => record_status(conn, id, status),
            Self::Batch(write) => write.apply(conn),
            Self::Tools(write) => write.apply(conn),
            Self::Conversation(write) => write.apply(conn),
            Self::Attachments(write) => write.apply(conn),
            Self::Media(media) => super::media::save(conn, media),
            Self::Audit(entry) => super::audit::insert(conn, entry),
        }
    }
}

/// Inserts with its kind, or updates only the name and base URL: whatever else a
/// workspace has (a profile's kind and settings, its status) is not this write's.
fn save_workspace(conn: &Connection, w: &WorkspaceRecord) -> Result<(), HistoryError> {
    conn.execute(
        "INSERT INTO workspaces (id, name, base_url, kind, created_at_ms) \
         VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, base_url = excluded.base_url",
        (&w.id, &w.name, &w.base_url, kind_text(w.kind), now_ms()),
    )
    .map_err(HistoryError::sqlite("saving a workspace"))?;
    Ok(())
}

/// Inserts, or updates every column but the status ones. An existing profile keeps
/// its `created_at_ms`; a workspace that becomes a profile takes the record's.
fn save_profile(conn: &Connection, p: &ProfileRecord) -> Result<(), HistoryError> {
    let ca_certificate = p
        .ca_certificate
        .as_ref()
        .map(|path| path.to_string_lossy().into_owned());
    conn.execute(
        "INSERT INTO workspaces (id, name, base_url, kind, server_workspace_id, \
         external_user_id, ca_certificate, created_at_ms) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, base_url = excluded.base_url, \
         server_workspace_id = excluded.server_workspace_id, \
         external_user_id = excluded.external_user_id, \
         ca_certificate = excluded.ca_certificate, \
         created_at_ms = CASE WHEN kind = excluded.kind THEN created_at_ms \
             ELSE excluded.created_at_ms END, \
         kind = excluded.kind",
        rusqlite::params![
            p.id,
            p.name,
            p.base_url,
            kind_text(WorkspaceKind::Profile),
            p.server_workspace_id,
            p.external_user_id,
            ca_certificate,
            p.created_at_ms,
        ],
    )
    .map_err(HistoryError::sqlite("saving a profile"))?;
    Ok(())
}

/// Deletes a workspace; the schema's cascades remove its conversations, their
/// messages, parts and drafts, and its agents. A workspace not stored is not an
/// error.
fn delete_workspace(conn: &Connection, id: &str) -> Result<(), HistoryError> {
    // Messages name their workspace too; those of its conversations go with them.
    conn.execute("DELETE FROM workspaces WHERE id = ?1", [id])
        .map_err(HistoryError::sqlite("deleting a workspace"))?;
    // Tool settings may exist before the workspace's first chat stored it, so they
    // carry no foreign key: removed by name.
    for table in ["agent_tools", "tool_rules"] {
        conn.execute(
            &format!("DELETE FROM {table} WHERE workspace_id = ?1"),
            [id],
        )
        .map_err(HistoryError::sqlite("deleting a workspace's tool settings"))?;
    }
    Ok(())
}

fn require_workspace(conn: &Connection, id: &str) -> Result<(), HistoryError> {
    let found = conn
        .prepare_cached("SELECT 1 FROM workspaces WHERE id = ?1")
        .and_then(|mut stmt| stmt.query_row([id], |_| Ok(())).optional())
        .map_err(HistoryError::sqlite("looking up a workspace"))?;
    found.ok_or_else(|| HistoryError::UnknownWorkspace(id.to_owned()))
}

/// Replaces the workspace's agents with `agents`, in this order.
fn save_agents(
    conn: &Connection,
    workspace_id: &str,
    agents: &[AgentSummary],
) -> Result<(), HistoryError> {
    require_workspace(conn, workspace_id)?;
    conn.execute("DELETE FROM agents WHERE workspace_id = ?1", [workspace_id])
        .map_err(HistoryError::sqlite("replacing agents"))?;
    let mut insert = conn
        .prepare_cached(
            "INSERT INTO agents (workspace_id, agent_id, position, definition) \
             VALUES (?1, ?2, ?3, ?4)",
        )
        .map_err(HistoryError::sqlite("saving agents"))?;
    for (position, agent) in (0_i64..).zip(agents) {
        let definition = agent_to_json(agent).map_err(|source| HistoryError::Decode {
            column: "agents.definition",
            source,
        })?;
        insert
            .execute((workspace_id, &agent.id, position, definition))
            .map_err(HistoryError::sqlite("saving agents"))?;
    }
    Ok(())
}

fn record_status(
    conn: &Connection,
    id: &str,
    status: &WorkspaceStatus,
) -> Result<(), HistoryError> {
    let changed = conn
        .execute(
            "UPDATE workspaces SET credits_remaining = ?2, app_version = ?3 WHERE id = ?1",
            (id, status.credits_remaining, &status.app_version),
        )
        .map_err(HistoryError::sqlite("recording a workspace's status"))?;
    if changed == 0 {
        return Err(HistoryError::UnknownWorkspace(id.to_owned()));
    }
    Ok(())
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

pub(super) fn create_conversation(
    conn: &Connection,
    c: &ConversationRecord,
) -> Result<(), HistoryError> {
    conn.execute(
        "INSERT INTO conversations (id, workspace_id, agent_id, agent_name, title, \
         server_conversation_id, local_only, archived, created_at_ms, last_activity_ms) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        rusqlite::params![
            c.id,
            c.workspace_id,
            c.agent_id,
            c.agent_name,
            c.title,
            c.server_conversation_id,
            c.local_only,
            c.archived,
            c.created_at_ms,
            c.last_activity_ms,
        ],
    )
    .map_err(HistoryError::sqlite("creating a conversation"))?;
    Ok(())
}

fn edit_conversation(
    conn: &Connection,
    id: &str,
    edit: &ConversationEdit,
) -> Result<(), HistoryError> {
    let changed = match edit {
        ConversationEdit::Title(title) => conn.execute(
            "UPDATE conversations SET title = ?2 WHERE id = ?1",
            (id, title),
        ),
        ConversationEdit::ServerConversation(scope) => conn.execute(
            "UPDATE conversations SET server_conversation_id = ?2 WHERE id = ?1",
            (id, scope),
        ),
        ConversationEdit::LocalOnly => conn.execute(
            "UPDATE conversations SET local_only = 1 WHERE id = ?1",
            [id],
        ),
        ConversationEdit::Archived => {
            conn.execute("UPDATE conversations SET archived = 1 WHERE id = ?1", [id])
        }
        ConversationEdit::Activity(ms) => conn.execute(
            "UPDATE conversations SET last_activity_ms = ?2 WHERE id = ?1",
            (id, ms),
        ),
    }
    .map_err(HistoryError::sqlite("editing a conversation"))?;
    if changed == 0 {
        return Err(HistoryError::UnknownConversation(id.to_owned()));
    }
    Ok(())
}

fn add_message(conn: &Connection, m: &MessageRecord) -> Result<(), HistoryError> {
    let conversation_id = &m.request.conversation_id;
    let changed = conn
        .prepare_cached(
            "UPDATE conversations SET last_activity_ms = ?2, \
             title = CASE WHEN title = '' THEN ?3 ELSE title END WHERE id = ?1",
        )
        .and_then(|mut stmt| stmt.execute((conversation_id, m.sent_at_ms, title_of(&m.request))))
        .map_err(HistoryError::sqlite(
            "updating the conversation of a message",
        ))?;
    if changed == 0 {
        return Err(HistoryError::UnknownConversation(conversation_id.clone()));
    }
    // Stored as it stands once `Accepted` (seq 1) is folded in, so the writer can fold
    // the execution's later updates onto it.
    let mut snapshot = ExecutionSnapshot::new(m.handle.clone());
    snapshot.seq = 1;
    snapshot.request = m.request.clone();
    let position = insert_message(conn, &snapshot, &m.idempotency_key, m.sent_at_ms)?;
    super::search::insert_row(conn, position)?;
    Ok(())
}

/// Stores a draft; an empty one removes it.
pub(super) fn write_draft(
    conn: &Connection,
    conversation_id: &str,
    text: &str,
) -> Result<(), HistoryError> {
    if text.is_empty() {
        conn.prepare_cached("DELETE FROM drafts WHERE conversation_id = ?1")
            .and_then(|mut stmt| stmt.execute([conversation_id]))
    } else {
        conn.prepare_cached(
            "INSERT INTO drafts (conversation_id, text) VALUES (?1, ?2) \
             ON CONFLICT (conversation_id) DO UPDATE SET text = excluded.text",
        )
        .and_then(|mut stmt| stmt.execute((conversation_id, text)))
    }
    .map_err(HistoryError::sqlite("saving a draft"))?;
    Ok(())
}

/// The title a request gives its conversation: its message's title, or for a wizard
/// run without a message, the values it was given, texts first (`Quarterly planning ·
/// neutral · 4 · true`).
fn title_of(request: &crate::ExecutionRequest) -> String {
    let title = title_from(&request.message);
    if !title.is_empty() {
        return title;
    }
    let values = request.variables.iter().flatten().map(|(_, v)| v);
    let texts = values
        .clone()
        .filter_map(serde_json::Value::as_str)
        .map(str::to_owned);
    let others = values.filter(|v| !v.is_string()).map(ToString::to_string);
    title_from(&texts.chain(others).collect::<Vec<_>>().join(" · "))
}

/// The title a message gives its conversation: its first non-blank line, cut at
/// [`TITLE_CHARS`] characters with an ellipsis.
pub(super) fn title_from(message: &str) -> String {
    let line = message
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    match line.char_indices().nth(TITLE_CHARS) {
        Some((cut, _)) => format!("{}…", line[..cut].trim_end()),
        None => line.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_take_the_first_line_cut_on_a_char_boundary() {
        assert_eq!(title_from("hello\nworld"), "hello");
        assert_eq!(title_from("\n  \n  second  \nthird"), "second");
        assert_eq!(title_from(""), "");
        let long = "é".repeat(61);
        assert_eq!(title_from(&long), format!("{}…", "é".repeat(60)));
        let exact = "a".repeat(60);
        assert_eq!(title_from(&exact), exact);
    }
}
