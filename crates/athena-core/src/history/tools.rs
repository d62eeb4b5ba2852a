//! Tools on this computer in the store: which tools each agent may call, the
//! "always allow" rules, what the user granted, and every client tool call with its
//! progress, so that a call waiting for the user survives a restart.
//!
//! Rules are written only by the approval broker (after the user chose "Always
//! allow" in the native dialog); nothing here is reachable from the webview but
//! through commands that remove power (revoke, disable, ungrant) or that the user
//! drives through a native dialog (grant a folder, choose a ledger).

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::{History, HistoryError, WriteOp};
use crate::ExecutionHandle;

/// What the user granted the tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantKind {
    /// A folder the file tools may read.
    Folder,
    /// The CSV ledger `query_transactions` reads (one at most).
    Ledger,
}

impl GrantKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Folder => "folder",
            Self::Ledger => "ledger",
        }
    }
}

/// An "always allow" rule: this agent may call this tool without asking, as long as
/// the tool's definition has this fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolRule {
    /// The workspace of the agent.
    pub workspace_id: String,
    /// The agent.
    pub agent_id: String,
    /// The tool.
    pub tool_name: String,
    /// The fingerprint of the tool's definition when the user allowed it.
    pub fingerprint: String,
    /// When, in unix ms.
    pub created_at_ms: i64,
}

/// How far an answer to a client tool call got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallProgress {
    /// Not answered yet: at start the user is asked again.
    Pending,
    /// Answered (ran, failed or denied) but not posted yet: at start it is posted.
    Answered,
    /// The server has the answer.
    Posted,
    /// The server no longer expects it, or the user stopped the execution: never
    /// posted again.
    NotTaken,
}

impl CallProgress {
    fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Answered => "answered",
            Self::Posted => "posted",
            Self::NotTaken => "not_taken",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "answered" => Self::Answered,
            "posted" => Self::Posted,
            "not_taken" => Self::NotTaken,
            _ => Self::Pending,
        }
    }
}

/// The answer to a client tool call, as it is posted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallOutcome {
    /// Whether the tool ran and returned a result.
    pub success: bool,
    /// The result, or `{"error": why}`.
    pub result: serde_json::Value,
}

/// A client tool call of an execution, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredToolCall {
    /// The execution (message) it belongs to.
    pub handle: ExecutionHandle,
    /// The server's id of the call.
    pub call_id: String,
    /// The server's id of the execution.
    pub execution_id: String,
    /// Its part in the execution.
    pub part_index: u32,
    /// The tool's name.
    pub tool_name: String,
    /// The arguments as the model wrote them.
    pub arguments: serde_json::Value,
    /// The hash of their canonical form.
    pub arguments_hash: String,
    /// How far its answer got.
    pub progress: CallProgress,
    /// The answer, once there is one.
    pub outcome: Option<CallOutcome>,
    /// When it last changed, in unix ms.
    pub updated_at_ms: i64,
}

/// A tools write whose caller waits for its commit.
#[derive(Debug)]
pub(super) enum ToolWrite {
    Enable {
        workspace_id: String,
        agent_id: String,
        tool_name: String,
        enabled: bool,
    },
    SetRule(ToolRule),
    RevokeRule {
        workspace_id: String,
        agent_id: String,
        tool_name: String,
    },
    Grant {
        kind: GrantKind,
        path: String,
        at_ms: i64,
    },
    Ungrant {
        kind: GrantKind,
        path: String,
    },
    SaveCall(Box<StoredToolCall>),
}

impl ToolWrite {
    pub(super) fn apply(&self, conn: &Connection) -> Result<(), HistoryError> {
        let result = match self {
            Self::Enable {
                workspace_id,
                agent_id,
                tool_name,
                enabled: true,
            } => conn.execute(
                "INSERT OR IGNORE INTO agent_tools (workspace_id, agent_id, tool_name) \
                 VALUES (?1, ?2, ?3)",
                (workspace_id, agent_id, tool_name),
            ),
            Self::Enable {
                workspace_id,
                agent_id,
                tool_name,
                enabled: false,
            } => conn.execute(
                "DELETE FROM agent_tools WHERE workspace_id = ?1 AND agent_id = ?2 \
                 AND tool_name = ?3",
                (workspace_id, agent_id, tool_name),
            ),
            Self::SetRule(rule) => conn.execute(
                "INSERT OR REPLACE INTO tool_rules \
                 (workspace_id, agent_id, tool_name, fingerprint, created_at_ms) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                (
                    &rule.workspace_id,
                    &rule.agent_id,
                    &rule.tool_name,
                    &rule.fingerprint,
                    rule.created_at_ms,
                ),
            ),
            Self::RevokeRule {
                workspace_id,
                agent_id,
                tool_name,
            } => conn.execute(
                "DELETE FROM tool_rules WHERE workspace_id = ?1 AND agent_id = ?2 \
                 AND tool_name = ?3",
                (workspace_id, agent_id, tool_name),
            ),
            Self::Grant { kind, path, at_ms } => {
                if *kind == GrantKind::Ledger {
                    // One ledger at most: choosing another replaces it.
                    conn.execute("DELETE FROM tool_grants WHERE kind = 'ledger'", [])
                        .map_err(HistoryError::sqlite("replacing the ledger"))?;
                }
                conn.execute(
                    "INSERT OR IGNORE INTO tool_grants (kind, path, added_at_ms) \
                     VALUES (?1, ?2, ?3)",
                    (kind.as_str(), path, at_ms),
                )
            }
            Self::Ungrant { kind, path } => conn.execute(
                "DELETE FROM tool_grants WHERE kind = ?1 AND path = ?2",
                (kind.as_str(), path),
            ),
            Self::SaveCall(call) => save_call(conn, call),
        };
        result
            .map(drop)
            .map_err(HistoryError::sqlite("saving a tool setting or call"))
    }
}

fn save_call(conn: &Connection, call: &StoredToolCall) -> rusqlite::Result<usize> {
    let outcome = call
        .outcome
        .as_ref()
        .map(|o| serde_json::to_string(o).unwrap_or_default());
    conn.execute(
        "INSERT INTO tool_calls (message_handle, call_id, execution_id, part_index, \
         tool_name, arguments, arguments_hash, progress, outcome, updated_at_ms) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
         ON CONFLICT (message_handle, call_id) DO UPDATE SET progress = excluded.progress, \
         outcome = excluded.outcome, updated_at_ms = excluded.updated_at_ms",
        rusqlite::params![
            call.handle.as_str(),
            call.call_id,
            call.execution_id,
            call.part_index,
            call.tool_name,
            call.arguments.to_string(),
            call.arguments_hash,
            call.progress.as_str(),
            outcome,
            call.updated_at_ms,
        ],
    )
}

impl History {
    /// Enables or disables a tool for an agent of a workspace. Committed when it
    /// returns. Errors: SQLite's (an unknown workspace), [`HistoryError::WriterGone`].
    pub async fn set_tool_enabled(
        &self,
        workspace_id: &str,
        agent_id: &str,
        tool_name: &str,
        enabled: bool,
    ) -> Result<(), HistoryError> {
        self.write(WriteOp::Tools(ToolWrite::Enable {
            workspace_id: workspace_id.to_owned(),
            agent_id: agent_id.to_owned(),
            tool_name: tool_name.to_owned(),
            enabled,
        }))
        .await
    }

    /// The tools enabled for an agent, by name, in name order.
    pub fn enabled_tools(
        &self,
        workspace_id: &str,
        agent_id: &str,
    ) -> Result<Vec<String>, HistoryError> {
        self.read(|conn| {
            strings(
                conn,
                "SELECT tool_name FROM agent_tools WHERE workspace_id = ?1 AND agent_id = ?2 \
                 ORDER BY tool_name",
                (workspace_id, agent_id),
            )
        })
    }

    /// Stores (or replaces) an "always allow" rule. Only the approval broker calls
    /// this, after the user chose "Always allow" in the native dialog.
    pub(crate) async fn save_tool_rule(&self, rule: ToolRule) -> Result<(), HistoryError> {
        self.write(WriteOp::Tools(ToolWrite::SetRule(rule))).await
    }

    /// Removes an "always allow" rule (the next call asks again).
    pub async fn revoke_tool_rule(
        &self,
        workspace_id: &str,
        agent_id: &str,
        tool_name: &str,
    ) -> Result<(), HistoryError> {
        self.write(WriteOp::Tools(ToolWrite::RevokeRule {
            workspace_id: workspace_id.to_owned(),
            agent_id: agent_id.to_owned(),
            tool_name: tool_name.to_owned(),
        }))
        .await
    }

    /// The "always allow" rules of a workspace, by agent then tool.
    pub fn tool_rules(&self, workspace_id: &str) -> Result<Vec<ToolRule>, HistoryError> {
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT workspace_id, agent_id, tool_name, fingerprint, created_at_ms \
                     FROM tool_rules WHERE workspace_id = ?1 ORDER BY agent_id, tool_name",
                )
                .map_err(HistoryError::sqlite("reading tool rules"))?;
            stmt.query_map([workspace_id], |row| {
                Ok(ToolRule {
                    workspace_id: row.get(0)?,
                    agent_id: row.get(1)?,
                    tool_name: row.get(2)?,
                    fingerprint: row.get(3)?,
                    created_at_ms: row.get(4)?,
                })
            })
            .and_then(Iterator::collect)
            .map_err(HistoryError::sqlite("reading tool rules"))
        })
    }

    /// Grants the tools a folder, or makes a file the ledger (replacing the one
    /// before). Committed when it returns.
    pub async fn grant(&self, kind: GrantKind, path: &str, at_ms: i64) -> Result<(), HistoryError> {
        self.write(WriteOp::Tools(ToolWrite::Grant {
            kind,
            path: path.to_owned(),
            at_ms,
        }))
        .await
    }

    /// Takes a grant back.
    pub async fn ungrant(&self, kind: GrantKind, path: &str) -> Result<(), HistoryError> {
        self.write(WriteOp::Tools(ToolWrite::Ungrant {
            kind,
            path: path.to_owned(),
        }))
        .await
    }

    /// The paths granted as `kind`, in the order they were granted.
    pub fn grants(&self, kind: GrantKind) -> Result<Vec<String>, HistoryError> {
        self.read(|conn| {
            strings(
                conn,
                "SELECT path FROM tool_grants WHERE kind = ?1 ORDER BY added_at_ms, path",
                [kind.as_str()],
            )
        })
    }

    /// Stores a client tool call, or its new progress and outcome. Committed when it
    /// returns: a call is on disk before the user is asked, and its answer before it
    /// is posted.
    pub(crate) async fn save_tool_call(&self, call: StoredToolCall) -> Result<(), HistoryError> {
        self.write(WriteOp::Tools(ToolWrite::SaveCall(Box::new(call))))
            .await
    }

    /// The client tool calls of an execution, in the order they arrived.
    pub fn tool_calls(
        &self,
        handle: &ExecutionHandle,
    ) -> Result<Vec<StoredToolCall>, HistoryError> {
        self.read(|conn| {
            calls(
                conn,
                "WHERE message_handle = ?1 ORDER BY part_index",
                [handle.as_str()],
            )
        })
    }

    /// The executions that have a call not yet answered or not yet posted: the
    /// ones a start must finish.
    pub fn executions_with_open_tool_calls(&self) -> Result<Vec<ExecutionHandle>, HistoryError> {
        self.read(|conn| {
            strings(
                conn,
                "SELECT DISTINCT t.message_handle FROM tool_calls t \
                 JOIN messages m ON m.handle = t.message_handle \
                 WHERE t.progress IN ('pending', 'answered') ORDER BY m.position",
                [],
            )
            .map(|handles| handles.into_iter().map(ExecutionHandle::from).collect())
        })
    }
}

fn strings(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<String>, HistoryError> {
    let mut stmt = conn
        .prepare_cached(sql)
        .map_err(HistoryError::sqlite("reading tool settings"))?;
    stmt.query_map(params, |row| row.get(0))
        .and_then(Iterator::collect)
        .map_err(HistoryError::sqlite("reading tool settings"))
}

fn calls(
    conn: &Connection,
    filter: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<StoredToolCall>, HistoryError> {
    let sql = format!(
        "SELECT message_handle, call_id, execution_id, part_index, tool_name, arguments, \
         arguments_hash, progress, outcome, updated_at_ms FROM tool_calls {filter}"
    );
    let mut stmt = conn
        .prepare_cached(&sql)
        .map_err(HistoryError::sqlite("reading tool calls"))?;
    stmt.query_map(params, |row| {
        let arguments: String = row.get(5)?;
        let progress: String = row.get(7)?;
        let outcome: Option<String> = row.get(8)?;
        Ok(StoredToolCall {
            handle: ExecutionHandle::from(row.get::<_, String>(0)?),
            call_id: row.get(1)?,
            execution_id: row.get(2)?,
            part_index: row.get(3)?,
            tool_name: row.get(4)?,
            arguments: serde_json::from_str(&arguments).unwrap_or(serde_json::Value::Null),
            arguments_hash: row.get(6)?,
            progress: CallProgress::parse(&progress),
            outcome: outcome.and_then(|o| serde_json::from_str(&o).ok()),
            updated_at_ms: row.get(9)?,
        })
    })
    .and_then(Iterator::collect)
    .map_err(HistoryError::sqlite("reading tool calls"))
}
