//! The audit log of client tool calls (`tool_audit`): one row per call the app
//! answered or gave up — when, where, which agent and tool (and where the tool comes
//! from), the arguments' hash and a short preview, the decision and who made it, the
//! outcome with a short preview, and how long it ran.
//!
//! Rows are written by the approval code only (crate-only), kept when their
//! conversation is deleted, and read with filters and paging, or exported whole as
//! CSV or JSON Lines. Previews are cut to [`PREVIEW_CHARS`] so the log never holds
//! a whole file a tool read.

use rusqlite::{Connection, ToSql};
use serde::Serialize;

use super::{History, HistoryError, WriteOp};

/// The longest argument or result preview kept, in characters.
pub const PREVIEW_CHARS: usize = 200;
/// The most rows one page holds.
pub const MAX_PAGE: u32 = 500;

/// What became of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum AuditDecision {
    /// Allowed (by the user or a rule), then run.
    Approved,
    /// The user denied it (or closed the dialog).
    Denied,
    /// The app refused it before anyone was asked (the tool is not enabled for the
    /// agent, or the arguments do not fit it).
    Refused,
    /// Never decided: the execution was stopped, or the server stopped waiting.
    NotTaken,
}

/// Who made the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum DecidedBy {
    /// The user, in the native dialog (or by stopping the execution).
    You,
    /// An "always allow" rule the user set.
    Rule,
    /// The app, by its own rules (not enabled, arguments that do not fit...).
    App,
}

/// Whether the tool's answer was a result or an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum AuditOutcome {
    /// The tool ran and returned a result.
    Success,
    /// The call failed (or was refused or denied): the agent got an error.
    Failure,
}

macro_rules! text_enum {
    ($ty:ty { $($variant:ident => $text:literal),* $(,)? }) => {
        impl $ty {
            /// The word stored (and exported).
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),* }
            }
            /// The value stored as `text`, if any.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some(Self::$variant),)* _ => None }
            }
        }
    };
}

text_enum!(AuditDecision { Approved => "approved", Denied => "denied", Refused => "refused", NotTaken => "not_taken" });
text_enum!(DecidedBy { You => "you", Rule => "rule", App => "app" });
text_enum!(AuditOutcome { Success => "success", Failure => "failure" });

/// One row of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// The row's id (0 for one not stored yet); newer rows have larger ids.
    pub id: i64,
    /// When the call was answered, in unix ms.
    pub at_ms: i64,
    /// The workspace of the execution.
    pub workspace_id: String,
    /// The conversation, when the execution's message is still stored.
    pub conversation_id: Option<String>,
    /// The execution (message) handle.
    pub message_handle: String,
    /// The server's id of the call.
    pub call_id: String,
    /// The agent that called it.
    pub agent_id: String,
    /// The agent's name, as shown then.
    pub agent_name: String,
    /// The tool.
    pub tool_name: String,
    /// Where the tool comes from: `built-in`, `command` or `mcp:<server>`.
    pub tool_source: String,
    /// The SHA-256 of the arguments' canonical JSON.
    pub arguments_hash: String,
    /// The arguments as compact JSON, cut to [`PREVIEW_CHARS`].
    pub arguments_preview: String,
    /// What became of it.
    pub decision: AuditDecision,
    /// Who decided.
    pub decided_by: DecidedBy,
    /// The answer's kind, when there was an answer.
    pub outcome: Option<AuditOutcome>,
    /// The result or the error, cut to [`PREVIEW_CHARS`].
    pub result_preview: Option<String>,
    /// How long the tool ran, in ms (only for a call that ran).
    pub duration_ms: Option<i64>,
}

/// Which rows to read. Every filter is optional; text filters match a part of the
/// name, ignoring case (the agent filter matches its name or id).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only this workspace's calls.
    pub workspace_id: Option<String>,
    /// A part of the agent's name or id.
    pub agent: Option<String>,
    /// A part of the tool's name.
    pub tool: Option<String>,
    /// Only this decision.
    pub decision: Option<AuditDecision>,
    /// Only this outcome.
    pub outcome: Option<AuditOutcome>,
    /// Not before this time (unix ms, inclusive).
    pub from_ms: Option<i64>,
    /// Before this time (unix ms, exclusive).
    pub to_ms: Option<i64>,
}

/// One page of rows, newest first, and how many rows match in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditPage {
    /// The rows of this page.
    pub entries: Vec<AuditEntry>,
    /// How many rows match the filter.
    pub total: u64,
}

/// Cuts a text for a preview: at most [`PREVIEW_CHARS`] characters, `…` when cut.
pub fn preview(text: &str) -> String {
    let mut chars = text.chars();
    let mut cut: String = chars.by_ref().take(PREVIEW_CHARS).collect();
    if chars.next().is_some() {
        cut.push('…');
    }
    cut
}

impl History {
    /// Appends a row to the audit log. Committed when it returns. Crate-only: the
    /// approval code is the only writer.
    pub(crate) async fn record_audit(&self, entry: AuditEntry) -> Result<(), HistoryError> {
        self.write(WriteOp::Audit(Box::new(entry))).await
    }

    /// A page of the audit log, newest first: `limit` rows (at most [`MAX_PAGE`])
    /// after skipping `offset`.
    pub fn audit_page(
        &self,
        filter: &AuditFilter,
        offset: u64,
        limit: u32,
    ) -> Result<AuditPage, HistoryError> {
        self.read(|conn| {
            let (clause, params) = where_clause(filter);
            let total: i64 = conn
                .query_row(
                    &format!("SELECT COUNT(*) FROM tool_audit {clause}"),
                    rusqlite::params_from_iter(params.iter()),
                    |row| row.get(0),
                )
                .map_err(HistoryError::sqlite("counting the audit log"))?;
            let entries = rows(
                conn,
                &clause,
                &params,
                i64::from(limit.min(MAX_PAGE)),
                i64::try_from(offset).unwrap_or(i64::MAX),
            )?;
            Ok(AuditPage {
                entries,
                total: u64::try_from(total).unwrap_or(0),
            })
        })
    }

    /// Every row matching `filter`, newest first (for an export).
    pub fn audit_entries(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, HistoryError> {
        self.read(|conn| {
            let (clause, params) = where_clause(filter);
            rows(conn, &clause, &params, -1, 0)
        })
    }
}

/// A filter value bound to the query.
#[derive(Debug)]
enum Param {
    Text(String),
    Number(i64),
}

impl ToSql for Param {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        match self {
            Self::Text(text) => text.to_sql(),
            Self::Number(number) => number.to_sql(),
        }
    }
}

fn where_clause(filter: &AuditFilter) -> (String, Vec<Param>) {
    let mut conditions = Vec::new();
    let mut params = Vec::new();
    let mut add = |condition: &str, param: Param| {
        params.push(param);
        conditions.push(condition.replace('?', &format!("?{}", params.len())));
    };
    if let Some(workspace) = &filter.workspace_id {
        add("workspace_id = ?", Param::Text(workspace.clone()));
    }
    if let Some(agent) = filter
        .agent
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        // instr() instead of LIKE: `%` and `_` in the filter are plain characters.
        add(
            "(instr(lower(agent_name), lower(?)) > 0 OR instr(lower(agent_id), lower(?)) > 0)",
            Param::Text(agent.to_owned()),
        );
    }
    if let Some(tool) = filter
        .tool
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        add(
            "instr(lower(tool_name), lower(?)) > 0",
            Param::Text(tool.to_owned()),
        );
    }
    if let Some(decision) = filter.decision {
        add("decision = ?", Param::Text(decision.as_str().to_owned()));
    }
    if let Some(outcome) = filter.outcome {
        add("outcome = ?", Param::Text(outcome.as_str().to_owned()));
    }
    if let Some(from) = filter.from_ms {
        add("at_ms >= ?", Param::Number(from));
    }
    if let Some(to) = filter.to_ms {
        add("at_ms < ?", Param::Number(to));
    }
    let clause = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    (clause, params)
}

fn rows(
    conn: &Connection,
    clause: &str,
    params: &[Param],
    limit: i64,
    offset: i64,
) -> Result<Vec<AuditEntry>, HistoryError> {
    let sql = format!(
        "SELECT id, at_ms, workspace_id, conversation_id, message_handle, call_id, agent_id, \
         agent_name, tool_name, tool_source, arguments_hash, arguments_preview, decision, \
         decided_by, outcome, result_preview, duration_ms FROM tool_audit {clause} \
         ORDER BY at_ms DESC, id DESC LIMIT {limit} OFFSET {offset}"
    );
    let mut stmt = conn
        .prepare(&sql)
        .map_err(HistoryError::sqlite("reading the audit log"))?;
    stmt.query_map(rusqlite::params_from_iter(params.iter()), |row| {
        let decision: String = row.get(12)?;
        let decided_by: String = row.get(13)?;
        let outcome: Option<String> = row.get(14)?;
        Ok(AuditEntry {
            id: row.get(0)?,
            at_ms: row.get(1)?,
            workspace_id: row.get(2)?,
            conversation_id: row.get(3)?,
            message_handle: row.get::<_, Option<String>>(4)?.unwrap_or_default(),
            call_id: row.get(5)?,
            agent_id: row.get(6)?,
            agent_name: row.get(7)?,
            tool_name: row.get(8)?,
            tool_source: row.get(9)?,
            arguments_hash: row.get(10)?,
            arguments_preview: row.get(11)?,
            decision: AuditDecision::parse(&decision).unwrap_or(AuditDecision::NotTaken),
            decided_by: DecidedBy::parse(&decided_by).unwrap_or(DecidedBy::App),
            outcome: outcome.as_deref().and_then(AuditOutcome::parse),
            result_preview: row.get(15)?,
            duration_ms: row.get(16)?,
        })
    })
    .and_then(Iterator::collect)
    .map_err(HistoryError::sqlite("reading the audit log"))
}

/// Inserts a row; the conversation is taken from the execution's message when it is
/// still stored.
pub(super) fn insert(conn: &Connection, entry: &AuditEntry) -> Result<(), HistoryError> {
    conn.execute(
        "INSERT INTO tool_audit (at_ms, workspace_id, conversation_id, message_handle, call_id, \
         agent_id, agent_name, tool_name, tool_source, arguments_hash, arguments_preview, \
         decision, decided_by, outcome, result_preview, duration_ms) \
         VALUES (?1, ?2, COALESCE(?3, (SELECT conversation_id FROM messages WHERE handle = ?4)), \
         ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        rusqlite::params![
            entry.at_ms,
            entry.workspace_id,
            entry.conversation_id,
            entry.message_handle,
            entry.call_id,
            entry.agent_id,
            entry.agent_name,
            entry.tool_name,
            entry.tool_source,
            entry.arguments_hash,
            preview(&entry.arguments_preview),
            entry.decision.as_str(),
            entry.decided_by.as_str(),
            entry.outcome.map(AuditOutcome::as_str),
            entry.result_preview.as_deref().map(preview),
            entry.duration_ms,
        ],
    )
    .map_err(HistoryError::sqlite("writing the audit log"))?;
    Ok(())
}
