//! The execute request body, shared by sync, stream and batch execution.

use serde::Serialize;

use crate::validation::{self, ValidationError};

/// The body of `POST /agents/{id}/execute[/stream]`. Fields left `None` are omitted.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ExecuteRequest {
    /// The user's message; required when the agent has `requires_user_message`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// `conversation:…`: injects history and persists the exchange.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversation_scope: Option<String>,
    /// The app's user id, for per-user memory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_user_id: Option<String>,
}

impl ExecuteRequest {
    /// A request carrying only a message.
    pub fn message(message: impl Into<String>) -> Self {
        Self {
            message: Some(message.into()),
            ..Self::default()
        }
    }

    /// Checks every documented limit this request is subject to.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if let Some(message) = &self.message {
            validation::validate_message(message)?;
        }
        Ok(())
    }
}
