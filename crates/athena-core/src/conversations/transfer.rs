//! A conversation to and from a file: lossless JSON (importable back, into the same
//! or another workspace) and Markdown for reading.
//!
//! The JSON format (`format` [`EXPORT_FORMAT`], `version` [`EXPORT_VERSION`]):
//! `exported_at_ms`; `conversation` (every column of the conversation record);
//! `messages`, oldest first, each with its handle, position, `sent_at_ms`,
//! `idempotency_key`, `seq`, `request` (workspace, conversation, agent, message,
//! variables), `execution_id`, `status`, `parts` (as the store keeps them), `usage`,
//! `error`, `message_id` and `feedback`. A reader refuses a newer `version`; a field
//! added within a version must be optional.
//!
//! An import is a new conversation, never a continuation: new conversation id and
//! message handles, the target workspace's id in every request, **archived** (read
//! only: nothing can be sent in it) and **without a server conversation** (the scope
//! belongs to the exporting workspace's server account; feedback on its answers is
//! therefore not offered either). Everything else is kept as exported, idempotency
//! keys included. A message exported while streaming (a hand-edited file; export
//! refuses while one streams) is stored as interrupted.

use serde::{Deserialize, Serialize};

use super::manage::ConversationActionError;
use super::{Conversations, now_ms};
use crate::error::storage;
use crate::history::{ConversationRecord, StoredMessage};
use crate::{
    CoreError, ExecutionError, ExecutionHandle, ExecutionRequest, ExecutionSnapshot,
    ExecutionStatus, Feedback, Part, UsageSummary,
};

/// The `format` of a conversation export.
pub const EXPORT_FORMAT: &str = "athena-desktop.conversation";

/// The newest `version` of the export format this build writes and reads.
pub const EXPORT_VERSION: u64 = 1;

#[derive(Debug, Serialize, Deserialize)]
struct ExportFile {
    format: String,
    version: u64,
    exported_at_ms: i64,
    conversation: ExportedConversation,
    messages: Vec<ExportedMessage>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ExportedConversation {
    id: String,
    workspace_id: String,
    agent_id: String,
    agent_name: String,
    title: String,
    server_conversation_id: Option<String>,
    local_only: bool,
    archived: bool,
    created_at_ms: i64,
    last_activity_ms: i64,
}

#[derive(Debug, Serialize, Deserialize)]
struct ExportedMessage {
    handle: String,
    position: i64,
    sent_at_ms: i64,
    idempotency_key: String,
    seq: u64,
    request: ExecutionRequest,
    execution_id: Option<String>,
    status: ExecutionStatus,
    parts: Vec<Part>,
    usage: Option<UsageSummary>,
    error: Option<ExecutionError>,
    message_id: Option<String>,
    feedback: Option<Feedback>,
}

impl From<&ConversationRecord> for ExportedConversation {
    fn from(c: &ConversationRecord) -> Self {
        Self {
            id: c.id.clone(),
            workspace_id: c.workspace_id.clone(),
            agent_id: c.agent_id.clone(),
            agent_name: c.agent_name.clone(),
            title: c.title.clone(),
            server_conversation_id: c.server_conversation_id.clone(),
            local_only: c.local_only,
            archived: c.archived,
            created_at_ms: c.created_at_ms,
            last_activity_ms: c.last_activity_ms,
        }
    }
}

impl From<StoredMessage> for ExportedMessage {
    fn from(m: StoredMessage) -> Self {
        let s = m.snapshot;
        Self {
            handle: s.handle.as_str().to_owned(),
            position: m.position,
            sent_at_ms: m.sent_at_ms,
            idempotency_key: m.idempotency_key,
            seq: s.seq,
            request: s.request,
            execution_id: s.execution_id,
            status: s.status,
            parts: s.parts,
            usage: s.usage,
            error: s.error,
            message_id: s.message_id,
            feedback: s.feedback,
        }
    }
}

impl Conversations {
    /// The conversation as a lossless JSON export (see the module's doc for the
    /// format), pretty-printed. Everything recorded so far is committed first.
    ///
    /// # Errors
    /// [`ConversationActionError::Running`] while one of its executions streams (its
    /// stored state lags the stream); [`CoreError::UnknownConversation`],
    /// [`CoreError::Storage`].
    pub async fn export_json(&self, id: &str) -> Result<String, ConversationActionError> {
        let conversation = self.conversation(id)?;
        self.refuse_while_running(id)?;
        self.inner.history.flush().await;
        let messages = self.inner.history.all_messages(id).map_err(storage)?;
        let file = ExportFile {
            format: EXPORT_FORMAT.to_owned(),
            version: EXPORT_VERSION,
            exported_at_ms: now_ms(),
            conversation: ExportedConversation::from(&conversation),
            messages: messages.into_iter().map(ExportedMessage::from).collect(),
        };
        serde_json::to_string_pretty(&file)
            .map_err(|err| CoreError::Storage(format!("writing the export: {err}")).into())
    }

    /// Imports a JSON export as a new, archived conversation of `workspace_id` (the
    /// exporting one or another; see the module's doc for what is kept and what is
    /// new). Returns it; the sink is told.
    ///
    /// # Errors
    /// [`ConversationActionError::BadFormat`] naming the field (not JSON, another
    /// `format`, a missing or mistyped field), [`ConversationActionError::NewerFormat`],
    /// [`CoreError::UnknownWorkspace`], [`CoreError::Storage`]. Nothing is stored on
    /// any error.
    pub async fn import_json(
        &self,
        text: &str,
        workspace_id: &str,
    ) -> Result<ConversationRecord, ConversationActionError> {
        let file = parse_export(text)?;
        let workspace = self
            .workspace(workspace_id)
            .ok_or_else(|| CoreError::UnknownWorkspace(workspace_id.to_owned()))?;
        self.remember_workspace(&workspace).await?;
        let c = file.conversation;
        let record = ConversationRecord {
            id: uuid::Uuid::new_v4().to_string(),
            workspace_id: workspace_id.to_owned(),
            agent_id: c.agent_id,
            agent_name: c.agent_name,
            title: c.title,
            server_conversation_id: None,
            local_only: c.local_only,
            archived: true,
            created_at_ms: c.created_at_ms,
            last_activity_ms: c.last_activity_ms,
        };
        let messages = file
            .messages
            .into_iter()
            .map(|m| imported_message(m, &record))
            .collect();
        self.inner
            .history
            .import_conversation(record.clone(), messages)
            .await
            .map_err(storage)?;
        self.notify(&record, None);
        Ok(record)
    }

    /// The conversation as Markdown for reading: title, agent and dates, each user
    /// message and its answer's text, tool calls, structured outputs and generated
    /// media summarised in fenced blocks; no raw HTML passes through (see
    /// `markdown.rs`). Reasoning is left out. A streaming answer is given as stored.
    ///
    /// # Errors
    /// [`CoreError::UnknownConversation`], [`CoreError::Storage`].
    pub async fn export_markdown(&self, id: &str) -> Result<String, CoreError> {
        let conversation = self.conversation(id)?;
        self.inner.history.flush().await;
        let messages = self.inner.history.all_messages(id).map_err(storage)?;
        Ok(super::markdown::render(&conversation, &messages))
    }
}

fn imported_message(m: ExportedMessage, conversation: &ConversationRecord) -> StoredMessage {
    let (status, error) = if m.status.is_running() {
        (ExecutionStatus::Failed, Some(ExecutionError::Interrupted))
    } else {
        (m.status, m.error)
    };
    StoredMessage {
        position: m.position,
        snapshot: ExecutionSnapshot {
            handle: ExecutionHandle::new(),
            seq: m.seq,
            request: ExecutionRequest {
                workspace_id: conversation.workspace_id.clone(),
                conversation_id: conversation.id.clone(),
                ..m.request
            },
            execution_id: m.execution_id,
            parts: m.parts,
            status,
            usage: m.usage,
            error,
            message_id: m.message_id,
            feedback: m.feedback,
        },
        idempotency_key: m.idempotency_key,
        sent_at_ms: m.sent_at_ms,
    }
}

fn bad(field: &str, reason: impl Into<String>) -> ConversationActionError {
    ConversationActionError::BadFormat {
        field: field.to_owned(),
        reason: reason.into(),
    }
}

/// Reads an export: its `format` and `version` first (so a newer file is refused
/// as newer, not as malformed), then every field, an error naming its path.
fn parse_export(text: &str) -> Result<ExportFile, ConversationActionError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|err| bad("$", format!("not JSON: {err}")))?;
    if !value.is_object() {
        return Err(bad("$", "not a JSON object"));
    }
    match value.get("format").and_then(serde_json::Value::as_str) {
        Some(EXPORT_FORMAT) => {}
        Some(other) => return Err(bad("format", format!("{other:?} is not {EXPORT_FORMAT:?}"))),
        None => {
            return Err(bad(
                "format",
                format!("missing; expected {EXPORT_FORMAT:?}"),
            ));
        }
    }
    match value.get("version").and_then(serde_json::Value::as_u64) {
        Some(found) if found > EXPORT_VERSION => {
            return Err(ConversationActionError::NewerFormat {
                found,
                known: EXPORT_VERSION,
            });
        }
        Some(found) if found >= 1 => {}
        _ => return Err(bad("version", "missing, or not a whole number from 1")),
    }
    serde_path_to_error::deserialize(value).map_err(|err| {
        let field = err.path().to_string();
        bad(&field, err.into_inner().to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal() -> serde_json::Value {
        serde_json::json!({
            "format": EXPORT_FORMAT,
            "version": 1,
            "exported_at_ms": 0,
            "conversation": {
                "id": "c", "workspace_id": "w", "agent_id": "a", "agent_name": "A",
                "title": "t", "server_conversation_id": null, "local_only": false,
                "archived": false, "created_at_ms": 0, "last_activity_ms": 0
            },
            "messages": [{
                "handle": "h", "position": 1, "sent_at_ms": 0, "idempotency_key": "k",
                "seq": 3, "request": {"workspace_id": "w", "conversation_id": "c",
                "agent_id": "a", "message": "hi"}, "execution_id": null,
                "status": "completed", "parts": [{"part": "text", "text": "hello"}],
                "usage": null, "error": null, "message_id": null, "feedback": null
            }]
        })
    }

    fn field_of(value: &serde_json::Value) -> String {
        match parse_export(&value.to_string()) {
            Err(ConversationActionError::BadFormat { field, .. }) => field,
            other => panic!("expected a bad format, got {other:?}"),
        }
    }

    #[test]
    fn a_good_file_reads() {
        let file = parse_export(&minimal().to_string()).expect("reads");
        assert_eq!(file.messages.len(), 1);
    }

    #[test]
    fn bad_files_name_the_field() {
        assert_eq!(field_of(&serde_json::json!("a string")), "$");
        assert!(matches!(
            parse_export("{nope"),
            Err(ConversationActionError::BadFormat { ref field, .. }) if field == "$"
        ));
        let mut v = minimal();
        v["format"] = "something-else".into();
        assert_eq!(field_of(&v), "format");
        let mut v = minimal();
        v.as_object_mut().expect("object").remove("version");
        assert_eq!(field_of(&v), "version");
        let mut v = minimal();
        v["messages"][0]["status"] = "exploded".into();
        assert_eq!(field_of(&v), "messages[0].status");
        let mut v = minimal();
        v["conversation"]
            .as_object_mut()
            .expect("object")
            .remove("title");
        assert_eq!(field_of(&v), "conversation");
        let mut v = minimal();
        v["messages"][0]["parts"][0] = serde_json::json!({"part": "text", "text": 5});
        assert_eq!(field_of(&v), "messages[0].parts[0]");
    }

    #[test]
    fn a_newer_version_is_refused_as_newer() {
        let mut v = minimal();
        v["version"] = 2.into();
        assert_eq!(
            parse_export(&v.to_string()).map(drop),
            Err(ConversationActionError::NewerFormat {
                found: 2,
                known: EXPORT_VERSION
            })
        );
    }
}
