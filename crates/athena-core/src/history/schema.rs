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

/// Version 2: profiles. A workspace gets its kind (`demo`, `run` or `profile`; the
/// v1 row `demo` is the demo workspace, any other a run's), what a profile holds
/// besides its key (never any key material, not even its hint: the key lives in the
/// OS keychain), the status its server last reported, and when it was added. A
/// profile's agents are kept in order, each as its agents-file JSON. A message
/// keeps the `variables` it was sent with.
const V2: &str = "
ALTER TABLE workspaces ADD COLUMN kind TEXT NOT NULL DEFAULT 'run'
    CHECK (kind IN ('demo', 'run', 'profile'));
ALTER TABLE workspaces ADD COLUMN server_workspace_id TEXT;
ALTER TABLE workspaces ADD COLUMN external_user_id TEXT;
ALTER TABLE workspaces ADD COLUMN ca_certificate TEXT;
ALTER TABLE workspaces ADD COLUMN app_version TEXT;
ALTER TABLE workspaces ADD COLUMN credits_remaining INTEGER;
ALTER TABLE workspaces ADD COLUMN created_at_ms INTEGER NOT NULL DEFAULT 0;
UPDATE workspaces SET kind = 'demo' WHERE id = 'demo';

CREATE TABLE agents (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    agent_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    definition TEXT NOT NULL,
    PRIMARY KEY (workspace_id, agent_id)
) STRICT, WITHOUT ROWID;

ALTER TABLE messages ADD COLUMN variables TEXT;
";

/// Version 3: batch runs. A run of one workspace, its items (one per message, in
/// run order, written as their outcomes arrive) and its calls (the slices of at most
/// 100 items sent together, each with the `Idempotency-Key` its retries reuse).
/// Statuses are the serde names of `batch::RunStatus`, `batch::ItemStatus` and
/// `batch::CallStatus`; `usage` and `parsed_output` are JSON text. Counting a run's
/// items by status reads only `batch_items_by_status`, never the items' texts.
const V3: &str = "
CREATE TABLE batch_runs (
    id TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    agent_id TEXT NOT NULL,
    agent_name TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    finished_at_ms INTEGER,
    status TEXT NOT NULL,
    retry_of TEXT,
    error TEXT
) STRICT;
CREATE INDEX batch_runs_by_workspace ON batch_runs(workspace_id, created_at_ms DESC, id DESC);
CREATE INDEX batch_runs_running ON batch_runs(status) WHERE status = 'running';

CREATE TABLE batch_items (
    run_id TEXT NOT NULL REFERENCES batch_runs(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    key TEXT NOT NULL,
    message TEXT NOT NULL,
    status TEXT NOT NULL,
    output_text TEXT,
    parsed_output TEXT,
    usage TEXT,
    cost_microdollars INTEGER,
    error TEXT,
    PRIMARY KEY (run_id, position)
) STRICT, WITHOUT ROWID;
CREATE INDEX batch_items_by_status ON batch_items(run_id, status);

CREATE TABLE batch_calls (
    run_id TEXT NOT NULL REFERENCES batch_runs(id) ON DELETE CASCADE,
    call_index INTEGER NOT NULL,
    idempotency_key TEXT NOT NULL,
    first_position INTEGER NOT NULL,
    last_position INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'done', 'failed')),
    PRIMARY KEY (run_id, call_index)
) STRICT, WITHOUT ROWID;
";

/// Version 4: tools on this computer. Which tools the user enabled for which agent
/// of a workspace (no foreign key: a tool may be enabled before the workspace's
/// first chat stores it; deleting a workspace removes them by name); "always allow" rules, each with the fingerprint of the tool
/// definition it was given for (a changed tool asks again); what the user granted
/// (folders, the ledger file); and every client tool call of an execution with its
/// progress (`pending` until answered, `answered` until posted, then `posted`, or
/// `not_taken`) and its outcome (JSON `{"success": bool, "result": ...}`), so a call
/// survives a restart. `mark_interrupted` leaves an execution with an unposted call
/// running: the next start answers it.
const V4: &str = "
CREATE TABLE agent_tools (
    workspace_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    tool_name TEXT NOT NULL,
    PRIMARY KEY (workspace_id, agent_id, tool_name)
) STRICT, WITHOUT ROWID;

CREATE TABLE tool_rules (
    workspace_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    tool_name TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, agent_id, tool_name)
) STRICT, WITHOUT ROWID;

CREATE TABLE tool_grants (
    kind TEXT NOT NULL CHECK (kind IN ('folder', 'ledger')),
    path TEXT NOT NULL,
    added_at_ms INTEGER NOT NULL,
    PRIMARY KEY (kind, path)
) STRICT, WITHOUT ROWID;

CREATE TABLE tool_calls (
    message_handle TEXT NOT NULL REFERENCES messages(handle) ON DELETE CASCADE,
    call_id TEXT NOT NULL,
    execution_id TEXT NOT NULL,
    part_index INTEGER NOT NULL,
    tool_name TEXT NOT NULL,
    arguments TEXT NOT NULL,
    arguments_hash TEXT NOT NULL,
    progress TEXT NOT NULL CHECK (progress IN ('pending', 'answered', 'posted', 'not_taken')),
    outcome TEXT,
    updated_at_ms INTEGER NOT NULL,
    PRIMARY KEY (message_handle, call_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX tool_calls_open ON tool_calls(progress) WHERE progress IN ('pending', 'answered');
";

/// Version 5: full-text search over every message (see `search.rs`). One FTS5 row
/// per message, its rowid the message's `position`: the user's message and the
/// answer's text parts (joined by line breaks), without the private-use characters
/// U+E000 and U+E001 that `snippet()` uses as highlight markers. The writer inserts a
/// message's row when it stores the message (an imported one with its answer) and
/// fills `answer` once the execution stops streaming; triggers follow a changed
/// message and remove the row with its message (cascades included). FTS5's `secure-delete`
/// removes a deleted row's terms from the index itself, so deleted text leaves the
/// file. Existing messages are indexed here; this copy of the answer query is frozen
/// with the migration (the writer's lives in `search.rs`).
const V5: &str = "
CREATE VIRTUAL TABLE message_search USING fts5(
    message, answer, tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO message_search (message_search, rank) VALUES ('secure-delete', 1);

CREATE TRIGGER message_search_message AFTER UPDATE OF message ON messages
WHEN old.message IS NOT new.message BEGIN
    UPDATE message_search
    SET message = replace(replace(new.message, char(57344), ''), char(57345), '')
    WHERE rowid = new.position;
END;
CREATE TRIGGER message_search_delete AFTER DELETE ON messages BEGIN
    DELETE FROM message_search WHERE rowid = old.position;
END;

INSERT INTO message_search (rowid, message, answer)
SELECT m.position,
    replace(replace(m.message, char(57344), ''), char(57345), ''),
    replace(replace((
        SELECT coalesce(group_concat(json_extract(p.json, '$.text'), char(10) ORDER BY p.idx), '')
        FROM parts p
        WHERE p.message_position = m.position AND json_extract(p.json, '$.part') = 'text'
    ), char(57344), ''), char(57345), '')
FROM messages m;
";

/// Version 6: attachments, generated media kept on this computer, and the audit log
/// of client tool calls.
///
/// - `draft_attachments`: the files staged in a conversation's draft, in order, each
///   with the app's own copy or the user's path, and its `storage_key` once uploaded
///   (a staged file survives a restart; one without a key is uploaded again).
/// - `messages.attachments`: what a sent message carried, as JSON
///   `[{filename, content_type, size_bytes, storage_key, attachment_id}]`.
/// - `media_files`: each generated image or video downloaded into the data folder,
///   by the message and job it belongs to, so it is shown from disk after the remote
///   URL expires.
/// - `tool_audit`: every client tool call, decided and finished, kept after its
///   conversation is deleted (no foreign key) until the user clears it.
const V6: &str = "
CREATE TABLE draft_attachments (
    attachment_id TEXT PRIMARY KEY NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    file_path TEXT NOT NULL,
    app_copy INTEGER NOT NULL DEFAULT 0,
    storage_key TEXT,
    added_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX draft_attachments_by_conversation ON draft_attachments(conversation_id, position);

ALTER TABLE messages ADD COLUMN attachments TEXT;

CREATE TABLE media_files (
    message_handle TEXT NOT NULL REFERENCES messages(handle) ON DELETE CASCADE,
    job_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    remote_url TEXT NOT NULL,
    content_type TEXT,
    file_name TEXT,
    size_bytes INTEGER,
    state TEXT NOT NULL CHECK (state IN ('pending', 'downloaded', 'failed')),
    error TEXT,
    updated_at_ms INTEGER NOT NULL,
    PRIMARY KEY (message_handle, job_id, idx)
) STRICT, WITHOUT ROWID;

CREATE TABLE tool_audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms INTEGER NOT NULL,
    workspace_id TEXT NOT NULL,
    conversation_id TEXT,
    message_handle TEXT,
    call_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    agent_name TEXT NOT NULL,
    tool_name TEXT NOT NULL,
    tool_source TEXT NOT NULL,
    arguments_hash TEXT NOT NULL,
    arguments_preview TEXT NOT NULL,
    decision TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    outcome TEXT,
    result_preview TEXT,
    duration_ms INTEGER
) STRICT;
CREATE INDEX tool_audit_by_time ON tool_audit(at_ms DESC);
";

/// Every migration, in order. Append only.
const MIGRATIONS: &[M<'static>] = &[
    M::up(V1),
    M::up(V2),
    M::up(V3),
    M::up(V4),
    M::up(V5),
    M::up(V6),
];

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
/// change the view must see), except one still waiting for client tool results
/// (answered at start). Returns how many there were.
pub(super) fn mark_interrupted(conn: &Connection) -> Result<usize, HistoryError> {
    let error = error_json(&ExecutionError::Interrupted)?;
    let positions = conn
        .prepare(
            // The literal matches the partial index `messages_running`.
            "UPDATE messages SET status = ?1, error = ?2, seq = seq + 1 WHERE status = 'running' \
             AND NOT EXISTS (SELECT 1 FROM tool_calls t WHERE t.message_handle = messages.handle \
             AND t.progress IN ('pending', 'answered')) RETURNING position",
        )
        .and_then(|mut stmt| {
            stmt.query_map((status_text(ExecutionStatus::Failed), error), |row| {
                row.get::<_, i64>(0)
            })?
            .collect::<Result<Vec<_>, _>>()
        })
        .map_err(HistoryError::sqlite("marking interrupted executions"))?;
    // What had arrived of their answers becomes searchable, as a finished one's is.
    for &position in &positions {
        super::search::index_answer(conn, position)?;
    }
    Ok(positions.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(Migrations::from_slice(MIGRATIONS).validate().is_ok());
    }

    #[test]
    fn the_demo_literal_is_the_demo_workspace() {
        assert_eq!(crate::DEMO_WORKSPACE_ID, "demo");
    }

    #[test]
    fn no_column_holds_key_material() {
        let mut conn = Connection::open_in_memory().expect("memory");
        migrate(&mut conn).expect("migrate");
        let mut stmt = conn
            .prepare(
                "SELECT m.name || '.' || p.name FROM sqlite_master m, pragma_table_info(m.name) p \
                 WHERE m.type = 'table'",
            )
            .expect("prepare");
        let columns: Vec<String> = stmt
            .query_map([], |row| row.get(0))
            .and_then(Iterator::collect)
            .expect("columns");
        assert!(columns.contains(&"workspaces.credits_remaining".to_owned()));
        let keyish: Vec<&String> = columns
            .iter()
            .filter(|c| {
                let c = c.to_lowercase();
                // An item's key, a request's idempotency key and the server's name
                // for an uploaded file are not secrets.
                (c.contains("key")
                    && ![
                        "messages.idempotency_key",
                        "batch_items.key",
                        "batch_calls.idempotency_key",
                        "draft_attachments.storage_key",
                    ]
                    .contains(&c.as_str()))
                    || c.contains("secret")
                    || c.contains("hint")
            })
            .collect();
        assert!(keyish.is_empty(), "{keyish:?}");
    }

    #[test]
    fn the_running_literal_is_the_stored_status() {
        assert_eq!(status_text(ExecutionStatus::Running), "running");
    }
}
