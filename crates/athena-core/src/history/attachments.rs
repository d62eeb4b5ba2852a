//! Files staged in a conversation's draft (`draft_attachments`): each accepted file
//! in the order it was added, where it is read from, and its `storage_key` once its
//! upload finished. Refused files are not stored: they are shown for this run only.

use std::collections::HashSet;
use std::path::PathBuf;

use rusqlite::{Connection, OptionalExtension, Row};

use super::ops::WriteOp;
use super::{History, HistoryError};
use crate::attachments::SentAttachment;

/// A staged file of a draft, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftAttachment {
    /// The app's id of the attachment (a UUID).
    pub id: String,
    /// The conversation whose draft it belongs to.
    pub conversation_id: String,
    /// The file's name as shown and sent.
    pub filename: String,
    /// The accepted content type.
    pub content_type: String,
    /// Its size in bytes when it was checked.
    pub size: u64,
    /// Where it is read from: the user's file, or the app's copy of a pasted one.
    pub file_path: PathBuf,
    /// Whether `file_path` is the app's own copy (removed with the attachment).
    pub app_copy: bool,
    /// The server's key, once the upload finished.
    pub storage_key: Option<String>,
    /// When it was added, in unix ms.
    pub added_at_ms: i64,
}

/// A change to the staged files, whose caller waits for its commit.
#[derive(Debug)]
pub(super) enum AttachmentWrite {
    /// Adds a file after the draft's others.
    Stage(DraftAttachment),
    /// Sets (or clears) the key of a staged file.
    SetKey { id: String, key: Option<String> },
    /// Removes these staged files.
    Remove(Vec<String>),
}

impl AttachmentWrite {
    pub(super) fn apply(&self, conn: &Connection) -> Result<(), HistoryError> {
        match self {
            Self::Stage(a) => stage(conn, a),
            Self::SetKey { id, key } => conn
                .execute(
                    "UPDATE draft_attachments SET storage_key = ?2 WHERE attachment_id = ?1",
                    (id, key),
                )
                .map(drop)
                .map_err(HistoryError::sqlite("saving an attachment's key")),
            Self::Remove(ids) => {
                let mut stmt = conn
                    .prepare_cached("DELETE FROM draft_attachments WHERE attachment_id = ?1")
                    .map_err(HistoryError::sqlite("removing an attachment"))?;
                for id in ids {
                    stmt.execute([id])
                        .map_err(HistoryError::sqlite("removing an attachment"))?;
                }
                Ok(())
            }
        }
    }
}

fn stage(conn: &Connection, a: &DraftAttachment) -> Result<(), HistoryError> {
    let size = i64::try_from(a.size).unwrap_or(i64::MAX);
    conn.execute(
        "INSERT INTO draft_attachments (attachment_id, conversation_id, position, filename, \
         content_type, size_bytes, file_path, app_copy, storage_key, added_at_ms) \
         VALUES (?1, ?2, (SELECT COALESCE(MAX(position), -1) + 1 FROM draft_attachments \
         WHERE conversation_id = ?2), ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        rusqlite::params![
            a.id,
            a.conversation_id,
            a.filename,
            a.content_type,
            size,
            a.file_path.to_string_lossy(),
            a.app_copy,
            a.storage_key,
            a.added_at_ms,
        ],
    )
    .map_err(|source| match source {
        // The conversation is gone (foreign key): say which.
        rusqlite::Error::SqliteFailure(e, _)
            if e.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            HistoryError::UnknownConversation(a.conversation_id.clone())
        }
        source => HistoryError::Sqlite {
            context: "staging an attachment",
            source,
        },
    })?;
    Ok(())
}

const COLUMNS: &str = "attachment_id, conversation_id, filename, content_type, size_bytes, \
     file_path, app_copy, storage_key, added_at_ms";

fn read_row(row: &Row<'_>) -> rusqlite::Result<DraftAttachment> {
    Ok(DraftAttachment {
        id: row.get(0)?,
        conversation_id: row.get(1)?,
        filename: row.get(2)?,
        content_type: row.get(3)?,
        size: u64::try_from(row.get::<_, i64>(4)?).unwrap_or(0),
        file_path: PathBuf::from(row.get::<_, String>(5)?),
        app_copy: row.get(6)?,
        storage_key: row.get(7)?,
        added_at_ms: row.get(8)?,
    })
}

impl History {
    /// Stores an accepted file at the end of its conversation's draft. Committed when
    /// it returns. Errors: [`HistoryError::UnknownConversation`], SQLite's.
    pub async fn stage_attachment(&self, attachment: DraftAttachment) -> Result<(), HistoryError> {
        self.write(WriteOp::Attachments(AttachmentWrite::Stage(attachment)))
            .await
    }

    /// Sets the `storage_key` of a staged file (`None` clears it). A file not staged
    /// is not an error. Committed when it returns.
    pub async fn set_attachment_key(
        &self,
        id: &str,
        key: Option<String>,
    ) -> Result<(), HistoryError> {
        self.write(WriteOp::Attachments(AttachmentWrite::SetKey {
            id: id.to_owned(),
            key,
        }))
        .await
    }

    /// Removes staged files (those not staged are skipped). Committed when it returns.
    pub async fn remove_attachments(&self, ids: Vec<String>) -> Result<(), HistoryError> {
        self.write(WriteOp::Attachments(AttachmentWrite::Remove(ids)))
            .await
    }

    /// The files staged in a conversation's draft, in the order they were added.
    pub fn draft_attachments(
        &self,
        conversation_id: &str,
    ) -> Result<Vec<DraftAttachment>, HistoryError> {
        self.read(|conn| {
            conn.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM draft_attachments WHERE conversation_id = ?1 \
                 ORDER BY position"
            ))
            .and_then(|mut stmt| {
                stmt.query_map([conversation_id], read_row)?
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(HistoryError::sqlite("reading staged attachments"))
        })
    }

    /// The file with this id sent with a message, if any. Looks through the messages
    /// that have attachments (a scan: called when a person opens one, not per frame).
    pub fn sent_attachment(&self, id: &str) -> Result<Option<SentAttachment>, HistoryError> {
        self.read(|conn| {
            let texts = conn
                .prepare_cached(
                    "SELECT attachments FROM messages \
                     WHERE attachments IS NOT NULL AND instr(attachments, ?1) > 0",
                )
                .and_then(|mut stmt| {
                    stmt.query_map([id], |row| row.get::<_, String>(0))?
                        .collect::<Result<Vec<_>, _>>()
                })
                .map_err(HistoryError::sqlite("reading sent attachments"))?;
            for text in texts {
                let sent: Vec<SentAttachment> =
                    serde_json::from_str(&text).map_err(|source| HistoryError::Decode {
                        column: "attachments",
                        source,
                    })?;
                if let Some(found) = sent.into_iter().find(|a| a.id == id) {
                    return Ok(Some(found));
                }
            }
            Ok(None)
        })
    }

    /// The ids of every attachment still in use: staged in a draft or sent with a
    /// stored message. The others' folders (pasted copies, thumbnails) may go.
    pub fn attachment_ids_in_use(&self) -> Result<HashSet<String>, HistoryError> {
        self.read(|conn| {
            let mut ids: HashSet<String> = conn
                .prepare_cached("SELECT attachment_id FROM draft_attachments")
                .and_then(|mut stmt| {
                    stmt.query_map([], |row| row.get::<_, String>(0))?
                        .collect::<Result<_, _>>()
                })
                .map_err(HistoryError::sqlite("reading staged attachments"))?;
            let texts: Vec<String> = conn
                .prepare_cached("SELECT attachments FROM messages WHERE attachments IS NOT NULL")
                .and_then(|mut stmt| {
                    stmt.query_map([], |row| row.get::<_, String>(0))?
                        .collect::<Result<_, _>>()
                })
                .map_err(HistoryError::sqlite("reading sent attachments"))?;
            for text in texts {
                let sent: Vec<SentAttachment> =
                    serde_json::from_str(&text).map_err(|source| HistoryError::Decode {
                        column: "attachments",
                        source,
                    })?;
                ids.extend(sent.into_iter().map(|a| a.id));
            }
            Ok(ids)
        })
    }

    /// The staged file with this id, if any.
    pub fn draft_attachment(&self, id: &str) -> Result<Option<DraftAttachment>, HistoryError> {
        self.read(|conn| {
            conn.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM draft_attachments WHERE attachment_id = ?1"
            ))
            .and_then(|mut stmt| stmt.query_row([id], read_row).optional())
            .map_err(HistoryError::sqlite("reading a staged attachment"))
        })
    }
}
