//! What the user does to a whole conversation: search across them, rename, archive
//! by hand, delete.
//!
//! Archive and delete take the conversation's scope lock (so no server conversation
//! is being created for it meanwhile) and are refused while one of its executions
//! streams: archiving mid-answer would cut the answer short on the server, deleting
//! mid-answer would race the writer's last write.

use std::sync::PoisonError;

use super::{Conversations, archive_on_server};
use crate::CoreError;
use crate::error::storage;
use crate::history::{ConversationEdit, ConversationRecord, HistoryError, SearchHit};
use crate::profiles::{FieldProblem, Problem};

/// A title is at most this many characters (after trimming).
pub const MAX_TITLE_CHARS: u32 = 200;

/// Why an action on a whole conversation (archive, delete, export, import) was
/// refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConversationActionError {
    /// As for any action: an unknown conversation or workspace, a missing key, the
    /// store failing, or the server refusing (`CoreError::Request`).
    #[error(transparent)]
    Core(#[from] CoreError),
    /// An answer in this conversation is still streaming: stop it or wait.
    #[error("an answer in this conversation is still streaming")]
    Running,
    /// The file is not a conversation export this app can read; `field` names the
    /// offending field as a path (`messages[2].status`; `format`, `version`; `$` for
    /// the file as a whole).
    #[error("not a conversation export: {field}: {reason}")]
    BadFormat {
        /// Where in the file.
        field: String,
        /// What is wrong there.
        reason: String,
    },
    /// The file was written by a newer app whose format this one does not know.
    #[error("the export is format version {found}; this app reads versions up to {known}")]
    NewerFormat {
        /// The file's `version`.
        found: u64,
        /// The newest version this build reads.
        known: u64,
    },
}

impl Conversations {
    /// The messages of `workspace_id`'s conversations matching `query` (plain words,
    /// the last a prefix), best first, at most `limit`; archived conversations
    /// included and marked. See [`History::search`](crate::history::History::search).
    ///
    /// # Errors
    /// [`CoreError::Storage`].
    pub fn search(
        &self,
        workspace_id: &str,
        query: &str,
        limit: usize,
    ) -> Result<Vec<SearchHit>, CoreError> {
        self.inner
            .history
            .search(workspace_id, query, limit)
            .map_err(storage)
    }

    /// Gives a conversation the title the user typed: whitespace runs (line breaks
    /// included) become one space, the ends are trimmed. Works on archived
    /// conversations too (the title is only ever kept here). Returns the conversation
    /// as it now is; the sink is told.
    ///
    /// # Errors
    /// [`CoreError::InvalidInput`] on field `title` ([`Problem::Required`],
    /// [`Problem::TooLong`] past [`MAX_TITLE_CHARS`]), [`CoreError::UnknownConversation`],
    /// [`CoreError::Storage`].
    pub async fn rename(&self, id: &str, title: &str) -> Result<ConversationRecord, CoreError> {
        let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
        if title.is_empty() {
            return Err(CoreError::InvalidInput(vec![FieldProblem::new(
                "title",
                Problem::Required,
            )]));
        }
        if title.chars().count() > MAX_TITLE_CHARS as usize {
            return Err(CoreError::InvalidInput(vec![FieldProblem::new(
                "title",
                Problem::TooLong {
                    limit: MAX_TITLE_CHARS,
                },
            )]));
        }
        self.inner
            .history
            .edit_conversation(id, ConversationEdit::Title(title))
            .await
            .map_err(unknown_or_storage)?;
        let updated = self.conversation(id)?;
        self.notify(&updated, None);
        Ok(updated)
    }

    /// Archives a conversation by hand: its server conversation first, when it has
    /// one (one the server no longer knows counts as archived), then here, where it
    /// stays readable, searchable and exportable but can no longer be continued
    /// ([`CoreError::ConversationArchived`] on send, resend, regenerate). An archived
    /// conversation is returned as it is. The sink is told.
    ///
    /// # Errors
    /// [`ConversationActionError::Running`] while one of its executions streams
    /// (nothing changed); [`CoreError::Request`] when the server refused (nothing
    /// changed here, try again); [`CoreError::KeyMissing`] for a server conversation
    /// whose workspace has no key; [`CoreError::UnknownConversation`],
    /// [`CoreError::Storage`].
    pub async fn archive(&self, id: &str) -> Result<ConversationRecord, ConversationActionError> {
        let lock = self.scope_lock(id);
        let _no_scope_meanwhile = lock.lock().await;
        let conversation = self.conversation(id)?;
        if conversation.archived {
            return Ok(conversation);
        }
        self.refuse_while_running(id)?;
        if let Some(server_id) = &conversation.server_conversation_id {
            let client = self.client_of(&conversation)?;
            archive_on_server(&client, server_id)
                .await
                .map_err(CoreError::Request)?;
        }
        self.inner
            .history
            .edit_conversation(id, ConversationEdit::Archived)
            .await
            .map_err(unknown_or_storage)?;
        let updated = self.conversation(id)?;
        self.notify(&updated, None);
        Ok(updated)
    }

    /// Deletes a conversation for good: its messages, answers, draft and search
    /// entries are removed from the store's files (zeroed, the WAL checkpointed and
    /// truncated) before this returns. Asking the user first is the caller's job. The
    /// server's copy, if any, is left as it is (the API has no delete; a new chat with
    /// the agent archives it). Its answers are dropped from this run's memory too, so
    /// no handle reads them any more.
    ///
    /// # Errors
    /// [`ConversationActionError::Running`] while one of its executions streams
    /// (nothing deleted); [`CoreError::UnknownConversation`], [`CoreError::Storage`].
    pub async fn delete(&self, id: &str) -> Result<(), ConversationActionError> {
        let lock = self.scope_lock(id);
        let guard = lock.lock().await;
        self.conversation(id)?;
        self.refuse_while_running(id)?;
        self.inner
            .history
            .delete_conversation(id)
            .await
            .map_err(unknown_or_storage)?;
        self.inner.executions.forget_conversation(id);
        drop(guard);
        self.inner
            .scope_locks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(id);
        Ok(())
    }

    pub(super) fn refuse_while_running(&self, id: &str) -> Result<(), ConversationActionError> {
        if self.inner.executions.running_conversations().contains(id) {
            return Err(ConversationActionError::Running);
        }
        Ok(())
    }
}

fn unknown_or_storage(err: HistoryError) -> CoreError {
    match err {
        HistoryError::UnknownConversation(id) => CoreError::UnknownConversation(id),
        other => storage(other),
    }
}
