//! The user's MCP servers as Settings → Tools shows them, and the event that says
//! one changed (its status or its tools).

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri_specta::Event;

use athena_core::tools::mcp::{McpServerState, McpStatus, McpToolInfo};

/// A server as the form edits it. `id` is `None` for a new server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct McpServerInput {
    /// The server being edited, or `None` to add one.
    pub id: Option<String>,
    /// The user's name for it (its tools are offered as `<name>_<tool>`).
    pub name: String,
    /// The program and its arguments, split as a shell would, never run by one.
    pub command_line: String,
    /// Whether it is started and its tools offered.
    pub enabled: bool,
}

/// Where a server is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum McpStatusView {
    /// Not running (not needed yet, disabled, or stopped).
    Stopped,
    /// Starting, or restarting after a crash.
    Starting,
    /// Running with this many tools.
    Running {
        /// How many tools it lists.
        tools: u32,
    },
    /// Could not be started or restarted; Restart tries again.
    Failed {
        /// Why (technical, from the server or the system).
        reason: String,
    },
}

impl From<McpStatus> for McpStatusView {
    fn from(status: McpStatus) -> Self {
        match status {
            McpStatus::Stopped => Self::Stopped,
            McpStatus::Starting => Self::Starting,
            McpStatus::Running { tools } => Self::Running {
                tools: u32::try_from(tools).unwrap_or(u32::MAX),
            },
            McpStatus::Failed { reason } => Self::Failed { reason },
        }
    }
}

/// One tool of a server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct McpToolView {
    /// The name the agent is offered (enabling and rules use it).
    pub name: String,
    /// The server's own name for it (a sample call uses it).
    pub remote_name: String,
    /// Its description, as the server gave it.
    pub description: String,
    /// Its input schema, pretty-printed JSON.
    pub input_schema: String,
    /// Why it is not offered, if so (technical).
    pub problem: Option<String>,
}

impl From<McpToolInfo> for McpToolView {
    fn from(tool: McpToolInfo) -> Self {
        Self {
            input_schema: serde_json::to_string_pretty(&tool.input_schema).unwrap_or_default(),
            name: tool.name,
            remote_name: tool.remote_name,
            description: tool.description,
            problem: tool.problem,
        }
    }
}

/// A configured server with its status and tools.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct McpServerView {
    /// Its id.
    pub id: String,
    /// The user's name for it.
    pub name: String,
    /// Its command line, as typed.
    pub command_line: String,
    /// Whether it is enabled.
    pub enabled: bool,
    /// Where it is.
    pub status: McpStatusView,
    /// Its tools as last listed.
    pub tools: Vec<McpToolView>,
}

impl From<McpServerState> for McpServerView {
    fn from(state: McpServerState) -> Self {
        Self {
            id: state.spec.id,
            name: state.spec.name,
            command_line: state.spec.command_line,
            enabled: state.spec.enabled,
            status: state.status.into(),
            tools: state.tools.into_iter().map(Into::into).collect(),
        }
    }
}

/// The user's MCP servers and the limits the form states.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct McpServersView {
    /// The servers, in the order added.
    pub servers: Vec<McpServerView>,
    /// The most servers kept.
    pub max_servers: u32,
    /// The longest name, in characters.
    pub max_name_chars: u32,
    /// The longest command line, in characters.
    pub max_command_line_chars: u32,
    /// Whether the settings file cannot be written (changes are refused).
    pub read_only: bool,
}

/// What a Test showed: the tools a command line's server lists, or the result of
/// one sample call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct McpTestView {
    /// Whether it worked.
    pub ok: bool,
    /// The tools listed (a listing test that worked), else empty.
    pub tools: Vec<McpToolView>,
    /// The call's result as pretty JSON, or why it failed (technical).
    pub output: String,
}

/// A server's status or tools changed: reload the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, Event)]
#[serde(rename_all = "camelCase")]
pub struct McpServersChanged {
    /// Increases with each change.
    pub revision: f64,
}
