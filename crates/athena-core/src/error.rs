use athena_api::{ApiError, ValidationError};
use serde::{Deserialize, Serialize};

use crate::redact::redact_secrets;

/// Why a user action was refused before anything was sent.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CoreError {
    /// The input breaks a documented limit of the API.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// No execution has this handle.
    #[error("no execution has the handle {0}")]
    UnknownExecution(String),
    /// No workspace has this id.
    #[error("no workspace has the id {0}")]
    UnknownWorkspace(String),
    /// No conversation has this id.
    #[error("no conversation has the id {0}")]
    UnknownConversation(String),
    /// The conversation is archived: it can be read, not continued.
    #[error("the conversation is archived")]
    ConversationArchived,
    /// Only a message that failed before any answer, for a reason sending it again
    /// can fix, is resent.
    #[error("this message cannot be sent again as it is")]
    NotResendable,
    /// Feedback needs the answer's message id, which the server did not give.
    #[error("this answer has no message id to give feedback on")]
    NoMessageId,
    /// The history could not be read or written (the log has the details).
    #[error("the history store failed: {0}")]
    Storage(String),
    /// A form's fields break their rules; every problem is named.
    #[error("{} field(s) need fixing", .0.len())]
    InvalidInput(Vec<crate::profiles::FieldProblem>),
    /// The OS keychain cannot keep the key (the reason is technical). The user may
    /// keep it in memory for this session instead; nothing falls back on its own.
    #[error("no keychain can keep the key: {0}")]
    KeychainUnavailable(String),
    /// The keychain failed in another way.
    #[error("the keychain failed: {0}")]
    SecretStore(String),
    /// The demo workspace (and a workspace given for this run) is not edited here.
    #[error("this workspace cannot be changed")]
    NotEditable,
    /// The agent did not pass its check; nothing was saved.
    #[error("the agent did not pass its check")]
    AgentCheckFailed(Box<crate::AgentCheck>),
    /// An agents file could not be read or written (the reason names the file).
    #[error("{0}")]
    AgentsFile(String),
    /// The workspace has no key (the keychain had none for it): enter it again.
    #[error("this workspace has no key")]
    KeyMissing,
    /// A batch cannot start while rows are flagged (this many).
    #[error("{0} row(s) of the batch need fixing first")]
    BatchFlagged(usize),
    /// A batch needs at least one row.
    #[error("the batch has no rows")]
    BatchEmpty,
    /// No batch run has this id.
    #[error("no batch run has the id {0}")]
    UnknownBatchRun(String),
    /// This app has no tool of that name.
    #[error("no tool is named {0}")]
    UnknownTool(String),
    /// What was chosen is not a folder (or no longer exists).
    #[error("{0} is not a folder")]
    NotAFolder(String),
    /// No generated file is known at that place, or it is not downloaded.
    #[error("no downloaded media file is there")]
    UnknownMedia,
    /// An agent already has as many tools enabled as one request may offer.
    #[error("an agent may be offered at most {limit} tools")]
    TooManyTools {
        /// The limit (the API's, per request).
        limit: usize,
    },
    /// A command tool breaks a rule; nothing was saved.
    #[error("the command tool's {field} is not valid: {reason}")]
    InvalidCommandTool {
        /// The field, as the settings name it (`timeoutSecs`...).
        field: String,
        /// What it must be, with its limit.
        reason: String,
    },
    /// A call to the server that starts no execution (a cost preview) failed; why, in
    /// the terms of an execution's failure (server strings redacted).
    #[error("the server call failed: {0:?}")]
    Request(ExecutionError),
    /// An action on an attachment could not be done.
    #[error("{0}")]
    Attachment(crate::attachments::AttachmentProblem),
}

/// Why an execution ended without an answer, in terms the user can act on. Stored in
/// the history as JSON (tagged by `code`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ExecutionError {
    /// The request broke a documented limit (the server said so, or we did).
    Validation(#[serde(with = "stored_validation")] ValidationError),
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
    /// The app stopped following the execution before it ended: the app was closed
    /// or crashed mid-stream, or its task stopped unexpectedly (a bug, with a report in
    /// the log). What had arrived is kept; nothing is re-sent on its own.
    Interrupted,
    /// The server answered with a redirect, which the client never follows (a
    /// redirect could carry the key to another host): the base URL is likely wrong.
    Redirected {
        /// The 3xx status.
        status: u16,
        /// Where it pointed, when it said.
        location: Option<String>,
    },
    /// The server answered `409`: it already received this message (an earlier
    /// attempt with the same idempotency key reached it), and its answer cannot be
    /// fetched. Never sent again with a new key on its own.
    AlreadyReceived,
    /// Something in the app went wrong; the log has the details.
    Internal,
}

impl From<ApiError> for ExecutionError {
    fn from(err: ApiError) -> Self {
        match err {
            ApiError::Validation(v) => Self::Validation(v),
            ApiError::Transport(_) => Self::Unreachable,
            ApiError::Tls { .. } => Self::Unreachable,
            ApiError::Timeout { .. } => Self::Timeout,
            // Every string a server wrote is redacted before it can reach a screen or
            // a log: athena-api masks the exact key, this also catches any key-shaped
            // token and its URL-encoded or JSON-escaped forms.
            ApiError::Http { status, body, .. } => Self::Http {
                status,
                server_code: body.code.map(redacted),
                server_message: body.message.map(redacted),
            },
            ApiError::IdempotencyConflict { .. } => Self::AlreadyReceived,
            ApiError::RetryAfterTooLong { status, body, .. } => Self::Http {
                status,
                server_code: body.code.map(redacted),
                server_message: body.message.map(redacted),
            },
            ApiError::StreamEndedEarly { execution_id, .. } => {
                Self::StreamEndedEarly { execution_id }
            }
            ApiError::Redirect { status, location } => Self::Redirected {
                status,
                location: location.map(redacted),
            },
            ApiError::Decode { .. }
            | ApiError::EventTooLarge { .. }
            | ApiError::UnexpectedContentType { .. }
            | ApiError::File { .. } => Self::Internal,
        }
    }
}

/// `text` with its secrets removed.
pub(crate) fn redacted(text: String) -> String {
    match redact_secrets(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(clean) => clean,
    }
}

impl ExecutionError {
    /// Whether sending the same message again with the same idempotency key is safe
    /// and useful: it failed before any answer, and the server did not say it already
    /// has it. (A `409` means it has; a validation error would fail again.)
    pub fn allows_resend(&self) -> bool {
        match self {
            Self::Unreachable | Self::Timeout | Self::Interrupted | Self::Internal => true,
            Self::Http { status, .. } => *status == 429 || *status >= 500,
            Self::Validation(_)
            | Self::Redirected { .. }
            | Self::StreamEndedEarly { .. }
            | Self::ExecutionFailed { .. }
            | Self::AlreadyReceived => false,
        }
    }
}

/// A [`ValidationError`] as stored: its field is a `&'static str` in athena-api, so
/// a stored name is mapped back to the API's own spelling of it.
mod stored_validation {
    use athena_api::{ValidationError, ValidationRule};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Every field athena-api validates, as it spells them.
    const FIELDS: &[&str] = &[
        "message",
        "attachments",
        "variables",
        "client_tools",
        "items",
        "items.key",
        "file",
    ];

    const RULES: &[(ValidationRule, &str)] = &[
        (ValidationRule::Required, "required"),
        (ValidationRule::TooLong, "too_long"),
        (ValidationRule::TooMany, "too_many"),
        (ValidationRule::TooLarge, "too_large"),
        (ValidationRule::InvalidFormat, "invalid_format"),
        (ValidationRule::Duplicate, "duplicate"),
        (ValidationRule::UnsupportedType, "unsupported_type"),
        (ValidationRule::TypeMismatch, "type_mismatch"),
    ];

    #[derive(Serialize, Deserialize)]
    struct Stored {
        field: String,
        rule: String,
        limit: u64,
        actual: u64,
    }

    pub(super) fn serialize<S: Serializer>(v: &ValidationError, s: S) -> Result<S::Ok, S::Error> {
        let rule = RULES
            .iter()
            .find(|(r, _)| *r == v.rule)
            .map_or("invalid_format", |(_, name)| name);
        Stored {
            field: v.field.to_owned(),
            rule: rule.to_owned(),
            limit: v.limit,
            actual: v.actual,
        }
        .serialize(s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<ValidationError, D::Error> {
        let stored = Stored::deserialize(d)?;
        // A field this version does not know is shown as the message's: the nearest
        // thing the user typed.
        let field = FIELDS
            .iter()
            .find(|f| **f == stored.field)
            .copied()
            .unwrap_or("message");
        let rule = RULES
            .iter()
            .find(|(_, name)| *name == stored.rule)
            .map_or(ValidationRule::InvalidFormat, |(r, _)| *r);
        Ok(ValidationError {
            field,
            rule,
            limit: stored.limit,
            actual: stored.actual,
        })
    }
}

/// A history failure as the user's action sees it; the details go to the log here.
pub(crate) fn storage(err: crate::history::HistoryError) -> CoreError {
    tracing::error!(error = %err, "history store");
    CoreError::Storage(err.to_string())
}
