//! Whole-conversation writes: deleting one so that its text leaves the disk, and
//! storing an imported one with all its messages at once.
//!
//! Deleting relies on three things together: the writer connection runs with
//! `PRAGMA secure_delete = ON` (freed cells and pages are zeroed, not just unlinked),
//! the search index runs with FTS5's `secure-delete` (a deleted row's terms are
//! removed from the index's pages, not masked by a tombstone), and the writer runs
//! `PRAGMA wal_checkpoint(TRUNCATE)` after the delete commits (older copies of the
//! pages in the WAL are copied over and the WAL emptied) before it answers.

use rusqlite::Connection;

use super::ops::{WriteOp, create_conversation};
use super::rows::{insert_message, upsert_part};
use super::search::insert_row;
use super::{ConversationRecord, History, HistoryError, StoredMessage};

/// A whole-conversation write whose caller waits for its commit.
#[derive(Debug)]
pub(super) enum ConversationWrite {
    /// Remove the conversation with its messages, parts, drafts, tool calls and
    /// search rows (the schema's cascades and triggers).
    Delete(String),
    /// Store a new conversation with these messages, in this order.
    Import {
        conversation: ConversationRecord,
        messages: Vec<StoredMessage>,
    },
}

impl ConversationWrite {
    pub(super) fn apply(&self, conn: &Connection) -> Result<(), HistoryError> {
        match self {
            Self::Delete(id) => {
                let deleted = conn
                    .execute("DELETE FROM conversations WHERE id = ?1", [id])
                    .map_err(HistoryError::sqlite("deleting a conversation"))?;
                if deleted == 0 {
                    return Err(HistoryError::UnknownConversation(id.clone()));
                }
                Ok(())
            }
            Self::Import {
                conversation,
                messages,
            } => import(conn, conversation, messages),
        }
    }

    /// The conversation whose executions this write removes.
    pub(super) fn deleted_conversation(&self) -> Option<&str> {
        match self {
            Self::Delete(id) => Some(id),
            Self::Import { .. } => None,
        }
    }
}

fn import(
    conn: &Connection,
    conversation: &ConversationRecord,
    messages: &[StoredMessage],
) -> Result<(), HistoryError> {
    create_conversation(conn, conversation)?;
    for message in messages {
        let snapshot = &message.snapshot;
        if snapshot.request.conversation_id != conversation.id {
            // Every message must be this conversation's: a stray one would land in
            // (and be searchable from) another conversation.
            return Err(HistoryError::UnknownConversation(
                snapshot.request.conversation_id.clone(),
            ));
        }
        let position =
            insert_message(conn, snapshot, &message.idempotency_key, message.sent_at_ms)?;
        for (idx, part) in snapshot.parts.iter().enumerate() {
            upsert_part(conn, position, idx, part)?;
        }
        // Indexed once, with its answer: no row to rewrite.
        insert_row(conn, position)?;
    }
    Ok(())
}

impl History {
    /// Deletes a conversation and everything stored under it (messages, their parts
    /// and client tool calls, its draft, its search rows) so that none of its text
    /// remains in the files: freed pages are zeroed, and the WAL is checkpointed and
    /// truncated before this returns. Updates still queued for its executions are
    /// dropped; the caller makes sure none is streaming. Errors:
    /// [`HistoryError::UnknownConversation`], SQLite's, [`HistoryError::WriterGone`].
    /// A checkpoint that could not complete (a reader held on for seconds) is logged
    /// and counted in [`WriterStats::write_errors`](super::WriterStats): the rows are
    /// deleted, and the next checkpoint overwrites the rest.
    pub async fn delete_conversation(&self, id: &str) -> Result<(), HistoryError> {
        self.write(WriteOp::Conversation(ConversationWrite::Delete(
            id.to_owned(),
        )))
        .await
    }

    /// Stores a conversation with its messages in one transaction (all or nothing):
    /// the conversation's id must be new and its workspace stored; each message must
    /// name the conversation in its request and have a handle new to the store. The
    /// messages get new positions in the order given (`StoredMessage::position` is
    /// ignored); each is stored as given (status, parts, usage, error, feedback, key,
    /// time) and indexed for search. Errors: [`HistoryError::UnknownConversation`]
    /// for a message of another conversation, SQLite's (an id or handle taken),
    /// [`HistoryError::WriterGone`].
    pub async fn import_conversation(
        &self,
        conversation: ConversationRecord,
        messages: Vec<StoredMessage>,
    ) -> Result<(), HistoryError> {
        self.write(WriteOp::Conversation(ConversationWrite::Import {
            conversation,
            messages,
        }))
        .await
    }

    /// Every stored message of a conversation, oldest first (for an export: a long
    /// conversation is read whole).
    pub fn all_messages(&self, conversation_id: &str) -> Result<Vec<StoredMessage>, HistoryError> {
        self.messages(conversation_id, None, usize::MAX)
            .map(|page| page.messages)
    }
}
