use athena_api::{ApiError, ValidationError};

use crate::redact::redact_secrets;

/// Why a user action was refused before anything was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoreError {
    /// The input breaks a documented limit of the API.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// No execution has this handle.
    #[error("no execution has the handle {0}")]
    UnknownExecution(String),
}

/// Why an execution ended without an answer, in terms the user can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecutionError {
    /// The request broke a documented limit (the server said so, or we did).
    Validation(ValidationError),
    /// The server could not be reached.
    Unreachable,
    /// The server accepted the connection, then said nothing.
    Timeout,
    /// The server refused the request.
    Http {
        /// HTTP status.
        status: u16,
        /// The server's error code, if any.
        server_code: Option<String>,
        /// The server's sentence, if any.
        server_message: Option<String>,
    },
    /// The answer stopped arriving; the execution may still be running on the server.
    StreamEndedEarly {
        /// The server's execution id, if `start` arrived.
        execution_id: Option<String>,
    },
    /// The server reported that the execution failed (`error` event).
    ExecutionFailed {
        /// The server's error code, if any.
        server_code: Option<String>,
        /// The server's sentence, if any.
        server_message: Option<String>,
    },
    /// The app's task for this execution stopped unexpectedly (a bug); the rest of
    /// the app keeps running and the log has a report.
    Interrupted,
    /// Something in the app went wrong; the log has the details.
    Internal,
}

impl From<ApiError> for ExecutionError {
    fn from(err: ApiError) -> Self {
        match err {
            ApiError::Validation(v) => Self::Validation(v),
            ApiError::Transport(_) => Self::Unreachable,
            ApiError::Timeout { .. } => Self::Timeout,
            ApiError::Http { status, body, .. } => Self::Http {
                status,
                server_code: body.code,
                server_message: body.message.map(|m| redact_secrets(&m).into_owned()),
            },
            ApiError::IdempotencyConflict { body, .. } => Self::Http {
                status: 409,
                server_code: body.code,
                server_message: body.message,
            },
            ApiError::RetryAfterTooLong { status, body, .. } => Self::Http {
                status,
                server_code: body.code,
                server_message: body.message,
            },
            ApiError::StreamEndedEarly { execution_id, .. } => {
                Self::StreamEndedEarly { execution_id }
            }
            ApiError::Decode { .. }
            | ApiError::EventTooLarge { .. }
            | ApiError::UnexpectedContentType { .. }
            | ApiError::File { .. } => Self::Internal,
        }
    }
}
