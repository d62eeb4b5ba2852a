//! The user's command tools and the audit log of tool calls, as Settings → Tools
//! shows them. Numbers are u32 (the page's numbers); times are unix ms as f64.

use serde::{Deserialize, Serialize};
use specta::Type;

use athena_core::history::{AuditDecision, AuditEntry, AuditOutcome, DecidedBy};
use athena_core::tools::command::CommandToolSpec;

/// A command tool as the form edits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CommandToolInput {
    /// The name the agent calls it by.
    pub name: String,
    /// What it does, for the model.
    pub description: String,
    /// The parameters' JSON Schema, as typed (parsed in Rust).
    pub parameters: String,
    /// The program: an absolute path or a name found in PATH.
    pub executable: String,
    /// Fixed arguments, one per item, passed exactly as written.
    pub args: Vec<String>,
    /// The time limit, in seconds.
    pub timeout_secs: u32,
    /// The output limit, in bytes.
    pub output_limit_bytes: u32,
}

impl CommandToolInput {
    /// The form as a spec, or the field whose text is not JSON.
    pub fn to_spec(&self) -> Result<CommandToolSpec, athena_core::tools::command::SpecProblem> {
        Ok(CommandToolSpec {
            name: self.name.trim().to_owned(),
            description: self.description.clone(),
            parameters: athena_core::tools::command::parse_parameters(&self.parameters)?,
            executable: self.executable.clone(),
            args: self.args.clone(),
            timeout_secs: self.timeout_secs,
            output_limit_bytes: self.output_limit_bytes,
        })
    }

    /// The form for a saved spec (its schema pretty-printed).
    pub fn from_spec(spec: &CommandToolSpec) -> Self {
        Self {
            name: spec.name.clone(),
            description: spec.description.clone(),
            parameters: serde_json::to_string_pretty(&spec.parameters).unwrap_or_default(),
            executable: spec.executable.clone(),
            args: spec.args.clone(),
            timeout_secs: spec.timeout_secs,
            output_limit_bytes: spec.output_limit_bytes,
        }
    }
}

/// A tool left out of the registry, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ToolProblemView {
    /// The tool's name.
    pub tool_name: String,
    /// `built-in`, `command` or `mcp:<server>`.
    pub source: String,
    /// Why (technical).
    pub reason: String,
}

/// The user's command tools and the limits the form states.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CommandToolsView {
    /// The tools, in the order added.
    pub tools: Vec<CommandToolInput>,
    /// Tools of any source left out of the registry.
    pub problems: Vec<ToolProblemView>,
    /// The most command tools kept.
    pub max_tools: u32,
    /// The longest time limit, in seconds.
    pub max_timeout_secs: u32,
    /// The largest output limit, in bytes.
    pub max_output_limit_bytes: u32,
    /// Whether settings changes last for this run only (the file is read-only).
    pub read_only: bool,
}

/// A sample call's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CommandTestView {
    /// Whether the program returned a JSON result.
    pub ok: bool,
    /// The result, pretty-printed, or why the call failed.
    pub output: String,
    /// How long it took, in ms.
    pub duration_ms: u32,
}

/// The audit log's filters (all optional).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AuditFilterInput {
    /// A part of the agent's name or id.
    pub agent: Option<String>,
    /// A part of the tool's name.
    pub tool: Option<String>,
    /// `approved`, `denied`, `refused` or `notTaken`.
    pub decision: Option<String>,
    /// `success` or `failure`.
    pub outcome: Option<String>,
    /// Not before, unix ms.
    pub from_ms: Option<f64>,
    /// Before, unix ms.
    pub to_ms: Option<f64>,
}

impl AuditFilterInput {
    /// The core filter; an unknown decision or outcome word is a bad request.
    pub fn to_filter(&self) -> Result<athena_core::history::AuditFilter, super::AppError> {
        let bad = |field: &str, reason: &str| super::AppError::InvalidCommandTool {
            field: field.to_owned(),
            reason: reason.to_owned(),
        };
        #[allow(clippy::cast_possible_truncation)]
        let ms = |v: Option<f64>| v.filter(|v| v.is_finite()).map(|v| v as i64);
        Ok(athena_core::history::AuditFilter {
            workspace_id: None,
            agent: self.agent.clone(),
            tool: self.tool.clone(),
            decision: match self.decision.as_deref().filter(|d| !d.is_empty()) {
                None => None,
                Some(word) => Some(
                    AuditDecision::parse(if word == "notTaken" {
                        "not_taken"
                    } else {
                        word
                    })
                    .ok_or_else(|| bad("decision", "approved, denied, refused or not_taken"))?,
                ),
            },
            outcome: match self.outcome.as_deref().filter(|o| !o.is_empty()) {
                None => None,
                Some(word) => Some(
                    AuditOutcome::parse(word)
                        .ok_or_else(|| bad("outcome", "success or failure"))?,
                ),
            },
            from_ms: ms(self.from_ms),
            to_ms: ms(self.to_ms),
        })
    }
}

/// One call in the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntryView {
    /// The row's id (as text: it may outgrow a u32).
    pub id: String,
    /// When, unix ms.
    pub at_ms: f64,
    /// The workspace.
    pub workspace_id: String,
    /// The conversation, if still known.
    pub conversation_id: Option<String>,
    /// The agent's name.
    pub agent_name: String,
    /// The agent's id.
    pub agent_id: String,
    /// The tool.
    pub tool_name: String,
    /// `built-in`, `command`, `mcp:<server>` (or `unknown`).
    pub tool_source: String,
    /// SHA-256 of the canonical arguments.
    pub arguments_hash: String,
    /// The arguments, cut short.
    pub arguments_preview: String,
    /// `approved`, `denied`, `refused` or `notTaken`.
    pub decision: String,
    /// `you`, `rule` or `app`.
    pub decided_by: String,
    /// `success`, `failure`, or none.
    pub outcome: Option<String>,
    /// The result or error, cut short.
    pub result_preview: Option<String>,
    /// How long it ran, ms.
    pub duration_ms: Option<u32>,
}

impl From<AuditEntry> for AuditEntryView {
    fn from(entry: AuditEntry) -> Self {
        #[allow(clippy::cast_precision_loss)]
        let at_ms = entry.at_ms as f64;
        Self {
            id: entry.id.to_string(),
            at_ms,
            workspace_id: entry.workspace_id,
            conversation_id: entry.conversation_id,
            agent_name: entry.agent_name,
            agent_id: entry.agent_id,
            tool_name: entry.tool_name,
            tool_source: entry.tool_source,
            arguments_hash: entry.arguments_hash,
            arguments_preview: entry.arguments_preview,
            decision: match entry.decision {
                AuditDecision::NotTaken => "notTaken".to_owned(),
                other => other.as_str().to_owned(),
            },
            decided_by: match entry.decided_by {
                DecidedBy::You => "you",
                DecidedBy::Rule => "rule",
                DecidedBy::App => "app",
            }
            .to_owned(),
            outcome: entry.outcome.map(|o| o.as_str().to_owned()),
            result_preview: entry.result_preview,
            duration_ms: entry
                .duration_ms
                .map(|ms| u32::try_from(ms).unwrap_or(u32::MAX)),
        }
    }
}

/// A page of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AuditPageView {
    /// The rows, newest first.
    pub entries: Vec<AuditEntryView>,
    /// How many rows match in all.
    pub total: u32,
}
