//! Tools on this computer as the settings show them: which tools an agent is
//! offered, which run without asking, and what the user granted them. Never an
//! approval: those are made in the native dialog and held in Rust.

use serde::{Deserialize, Serialize};
use specta::Type;

/// The most tools one message may offer (the API's limit on `client_tools`).
pub const MAX_OFFERED_TOOLS: u32 = athena_api::validation::MAX_CLIENT_TOOLS as u32;

/// Every tool of this app, as offered to one agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AgentToolsView {
    /// The workspace of the agent.
    pub workspace_id: String,
    /// The agent.
    pub agent_id: String,
    /// The tools, in a stable order.
    pub tools: Vec<ToolView>,
    /// How many are enabled.
    pub enabled_count: u32,
    /// The most one message may offer.
    pub limit: u32,
}

/// One tool for one agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ToolView {
    /// Its name, as the agent calls it.
    pub name: String,
    /// What the agent is told it does.
    pub description: String,
    /// Its parameters' JSON Schema, pretty-printed.
    pub parameters: String,
    /// Offered to this agent.
    pub enabled: bool,
    /// Runs without asking ("always allow").
    pub always_allowed: bool,
    /// An "always allow" was given for an earlier definition: it asks again.
    pub rule_outdated: bool,
    /// Where it comes from: `built-in`, `command` or `mcp:<server>`.
    pub source: String,
}

impl AgentToolsView {
    /// The settings' view of `tools` for an agent.
    pub fn new(
        workspace_id: &str,
        agent_id: &str,
        tools: Vec<athena_core::approvals::AgentTool>,
    ) -> Self {
        let tools: Vec<ToolView> = tools
            .into_iter()
            .map(|t| ToolView {
                parameters: serde_json::to_string_pretty(&t.definition.parameters)
                    .unwrap_or_default(),
                name: t.definition.name,
                description: t.definition.description,
                enabled: t.enabled,
                always_allowed: t.always_allowed,
                rule_outdated: t.rule_outdated,
                source: t.source.label(),
            })
            .collect();
        Self {
            workspace_id: workspace_id.to_owned(),
            agent_id: agent_id.to_owned(),
            enabled_count: super::number(tools.iter().filter(|t| t.enabled).count() as u64),
            tools,
            limit: MAX_OFFERED_TOOLS,
        }
    }
}

/// What the user granted the tools.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ToolGrantsView {
    /// Folders the file tools may read.
    pub folders: Vec<GrantedFolderView>,
    /// The ledger `query_transactions` reads.
    pub ledger_file: Option<String>,
}

/// A granted folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct GrantedFolderView {
    /// The name the agent uses for it.
    pub name: String,
    /// Where it is.
    pub path: String,
}
