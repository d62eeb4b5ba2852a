//! A client tool, as the registry runs it, and how a run fails.

use std::fmt;
use std::time::Duration;

use serde_json::{Value, json};

use super::context::ToolContext;
use super::definition::ToolDefinition;
use super::source::ToolSource;

/// A tool this app runs on this computer when an agent calls it.
pub trait Tool: Send + Sync + fmt::Debug {
    /// The tool's name, description and argument schema.
    fn definition(&self) -> &ToolDefinition;

    /// Runs the tool. Called on a blocking thread (it may touch the disk), only after
    /// the call was approved, with arguments already validated against the schema.
    ///
    /// # Errors
    /// A [`ToolFailure`] whose reason is sent to the agent and shown to the user.
    fn run(&self, arguments: &Value, context: &ToolContext) -> Result<Value, ToolFailure>;

    /// Where the tool comes from (settings and the audit log show it). Built-in
    /// unless the tool says otherwise.
    fn source(&self) -> ToolSource {
        ToolSource::BuiltIn
    }

    /// The time limit the tool keeps itself (killing its work when reached), if
    /// any: the gate then waits that long (plus a moment) instead of its own limit.
    fn time_limit(&self) -> Option<Duration> {
        None
    }
}

/// Why a tool call failed: says what happened and, where the user can act, what to do.
/// Sent to the agent as `{"error": reason}` and shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ToolFailure(pub String);

impl ToolFailure {
    /// A failure with this reason.
    pub fn new(reason: impl Into<String>) -> Self {
        Self(reason.into())
    }

    /// The result posted for the failed call: `{"error": reason}`.
    pub fn to_result(&self) -> Value {
        json!({ "error": self.0 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_is_posted_as_an_error_object() {
        let failure = ToolFailure::new("why");
        assert_eq!(failure.to_result(), json!({"error": "why"}));
        assert_eq!(failure.to_string(), "why");
    }
}
