//! An MCP server's tool offered as a client tool: its mapped name, and a run that
//! calls the server under the tool's own name.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::runtime::Handle;

use super::connection::CallError;
use super::server::Server;
use crate::tools::{Tool, ToolContext, ToolDefinition, ToolFailure, ToolSource};

/// One tool of one MCP server, as the registry holds it.
pub(super) struct McpTool {
    pub(super) definition: ToolDefinition,
    /// The server's own name for the tool.
    pub(super) remote_name: String,
    pub(super) server: Arc<Server>,
    pub(super) runtime: Handle,
    pub(super) call_limit: Duration,
}

impl std::fmt::Debug for McpTool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("McpTool")
            .field("name", &self.definition.name)
            .field("server", &self.server.spec.name)
            .field("remote_name", &self.remote_name)
            .finish()
    }
}

impl Tool for McpTool {
    fn definition(&self) -> &ToolDefinition {
        &self.definition
    }

    fn source(&self) -> ToolSource {
        ToolSource::Mcp {
            server: self.server.spec.name.clone(),
        }
    }

    /// Runs on the blocking thread the gate gives it, and waits there for the
    /// server's answer on the app's runtime (never inside an async task).
    fn run(&self, arguments: &Value, _context: &ToolContext) -> Result<Value, ToolFailure> {
        let server = self.server.clone();
        let outcome = self.runtime.block_on(async {
            server
                .call(&self.remote_name, arguments, self.call_limit)
                .await
        });
        outcome.map_err(|error| match error {
            // The tool's own words go to the agent as they are.
            CallError::Tool(text) => ToolFailure::new(text),
            CallError::Call(reason) => ToolFailure::new(format!(
                "The MCP server {:?} could not run {:?}: {reason}.",
                self.server.spec.name, self.remote_name
            )),
        })
    }
}
