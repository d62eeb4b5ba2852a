//! The tables and their migrations.
//!
//! Migrations are only ever appended: a released migration is never edited, since
//! users' files were made by it. Each version `N` has a saved database in
//! `tests/fixtures/history/vN.sqlite` that the tests migrate to the latest version.
//! `rusqlite_migration` keeps the version in `PRAGMA user_version`.

use std::time::Duration;

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

use super::HistoryError;
use super::rows::{error_json, status_text};
use crate::{ExecutionError, ExecutionStatus};

/// Version 1: workspaces, conversations, messages (one per execution), their parts,
/// drafts. `STRICT` so that a wrong type is an error, not a silent conversion.
const V1: &str = "
CREATE TABLE workspaces (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    base_url TEXT NOT NULL
) STRICT;

CREATE TABLE conversations (
    id TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    agent_id TEXT NOT NULL,
    agent_name TEXT NOT NULL,
    title TEXT NOT NULL,
    server_conversation_id TEXT,
    local_only INTEGER NOT NULL DEFAULT 0,
    archived INTEGER NOT NULL DEFAULT 0,
    created_at_ms INTEGER NOT NULL,
    last_activity_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX conversations_by_activity
    ON conversations(workspace_id, archived, last_activity_ms DESC, id DESC);

CREATE TABLE messages (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    handle TEXT NOT NULL UNIQUE,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    message TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    sent_at_ms INTEGER NOT NULL,
    status TEXT NOT NULL,
    execution_id TEXT,
    seq INTEGER NOT NULL,
    usage TEXT,
    error TEXT,
    feedback TEXT,
    message_id TEXT
) STRICT;
CREATE INDEX messages_by_conversation ON messages(conversation_id, position);
CREATE INDEX messages_running ON messages(status) WHERE status = 'running';

CREATE TABLE parts (
    message_position INTEGER NOT NULL REFERENCES messages(position) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    json TEXT NOT NULL,
    PRIMARY KEY (message_position, idx)
) STRICT, WITHOUT ROWID;

CREATE TABLE drafts (
    conversation_id TEXT PRIMARY KEY NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    text TEXT NOT NULL
) STRICT, WITHOUT ROWID;
";

/// Every migration, in order. Append only.
const MIGRATIONS: &[M<'static>] = &[M::up(V1)];

/// The schema version this build writes: the number of migrations it knows.
// The cast cannot truncate: there are a handful of migrations.
#[allow(clippy::cast_possible_wrap)]
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// How long a connection waits for another one's lock before it gives up: the
/// writer's transactions are short, so this is only reached when something is wrong.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Reads `PRAGMA user_version`: the schema version that made the file. Fails when
/// the file is not a database.
pub(super) fn user_version(conn: &Connection) -> Result<i64, HistoryError> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(HistoryError::sqlite("reading the schema version"))
}

/// `PRAGMA quick_check`: `Ok(None)` when the file is sound, else what is wrong.
pub(super) fn quick_check(conn: &Connection) -> Result<Option<String>, HistoryError> {
    let mut stmt = conn
        .prepare("PRAGMA quick_check")
        .map_err(HistoryError::sqlite("checking the file"))?;
    let problems = stmt
        .query_map([], |row| row.get::<_, String>(0))
        .and_then(Iterator::collect::<Result<Vec<_>, _>>)
        .map_err(HistoryError::sqlite("checking the file"))?;
    Ok(if problems.len() == 1 && problems[0] == "ok" {
        None
    } else {
        Some(problems.join("; "))
    })
}

/// The settings every connection uses. WAL lets the reader read while the writer
/// writes; `synchronous=NORMAL` is durable against a crash of the app in WAL mode
/// (only a power loss may lose the last commits).
pub(super) fn configure(conn: &Connection, wal: bool) -> Result<(), HistoryError> {
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(HistoryError::sqlite("setting the busy timeout"))?;
    if wal {
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .map_err(HistoryError::sqlite("switching to WAL"))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(mode, "history: the file system refused WAL; reads may wait");
        }
    }
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")
        .map_err(HistoryError::sqlite("setting pragmas"))
}

/// Brings the schema to [`SCHEMA_VERSION`].
pub(super) fn migrate(conn: &mut Connection) -> Result<(), rusqlite_migration::Error> {
    Migrations::from_slice(MIGRATIONS).to_latest(conn)
}

/// Marks every message the last run left `running` as failed with
/// [`ExecutionError::Interrupted`], its parts kept and its `seq` one higher (it is a
/// change the view must see). Returns how many there were.
pub(super) fn mark_interrupted(conn: &Connection) -> Result<usize, HistoryError> {
    let error = error_json(&ExecutionError::Interrupted)?;
    conn.execute(
        // The literal matches the partial index `messages_running`.
        "UPDATE messages SET status = ?1, error = ?2, seq = seq + 1 WHERE status = 'running'",
        (status_text(ExecutionStatus::Failed), error),
    )
    .map_err(HistoryError::sqlite("marking interrupted executions"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(Migrations::from_slice(MIGRATIONS).validate().is_ok());
    }

    #[test]
    fn the_running_literal_is_the_stored_status() {
        assert_eq!(status_text(ExecutionStatus::Running), "running");
    }
}
