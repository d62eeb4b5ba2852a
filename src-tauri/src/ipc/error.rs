use serde::{Deserialize, Serialize};
use specta::Type;

use super::number;

/// An error the UI can act on: a code and its parameters. The UI owns the words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "code", rename_all = "camelCase")]
pub enum AppError {
    /// The input breaks a documented limit; nothing was sent.
    #[serde(rename_all = "camelCase")]
    Validation {
        /// The API's name of the field.
        field: String,
        /// The broken rule.
        rule: ValidationRule,
        /// The limit, in the field's unit.
        limit: u32,
        /// What the input had.
        actual: u32,
    },
    /// The workspace's server could not be reached.
    Unreachable,
    /// The server went silent.
    Timeout,
    /// The server refused the request.
    #[serde(rename_all = "camelCase")]
    Http {
        /// HTTP status.
        status: u32,
        /// The server's code, if any.
        server_code: Option<String>,
        /// The server's sentence, if any.
        server_message: Option<String>,
    },
    /// The answer stopped arriving; the execution may have finished on the server.
    #[serde(rename_all = "camelCase")]
    StreamEndedEarly {
        /// The server's execution id, if known.
        execution_id: Option<String>,
    },
    /// The server reported that the execution failed.
    #[serde(rename_all = "camelCase")]
    ExecutionFailed {
        /// The server's code, if any.
        server_code: Option<String>,
        /// The server's sentence, if any.
        server_message: Option<String>,
    },
    /// No execution has this handle.
    #[serde(rename_all = "camelCase")]
    UnknownExecution {
        /// The handle asked for.
        handle: String,
    },
    /// No workspace has this id.
    #[serde(rename_all = "camelCase")]
    UnknownWorkspace {
        /// The id asked for.
        workspace_id: String,
    },
    /// No conversation has this id.
    #[serde(rename_all = "camelCase")]
    UnknownConversation {
        /// The id asked for.
        conversation_id: String,
    },
    /// The conversation is archived: it can be read, not continued.
    ConversationArchived,
    /// Only a message that failed before any answer is sent again as it is.
    NotResendable,
    /// The answer has no server message id, so it cannot get feedback.
    NoMessageId,
    /// The local history could not be read or written; the log has the details.
    Storage,
    /// The app stopped following the execution before it ended (closed, crashed, or
    /// a bug); what had arrived is kept.
    Interrupted,
    /// The server already received this message (an earlier attempt with the same
    /// key reached it); its answer cannot be fetched.
    AlreadyReceived,
    /// The server answered with a redirect, which is never followed: the base URL
    /// is likely wrong.
    Redirected {
        /// The 3xx status.
        status: u32,
        /// Where it pointed, when it said.
        location: Option<String>,
    },
    /// A link was not opened: its kind of address is never opened.
    #[serde(rename_all = "camelCase")]
    LinkRefused {
        /// Why: `notAUrl`, `schemeNotAllowed`, `hasCredentials`, `noHost`, `tooLong`
        /// or `busy`.
        reason: LinkRefusalReason,
        /// The refused scheme, for `schemeNotAllowed`.
        scheme: Option<String>,
    },
    /// The system browser could not be opened.
    BrowserUnavailable,
    /// A form's fields break their rules; each problem names its field.
    InvalidInput {
        /// Every problem.
        problems: Vec<super::profiles::FieldProblem>,
    },
    /// No keychain can keep the key: the user may keep it in memory for this session.
    KeychainUnavailable {
        /// Why (technical).
        reason: String,
    },
    /// The agent did not pass its check; nothing was saved.
    AgentCheckFailed {
        /// What the check found.
        check: super::profiles::AgentCheck,
    },
    /// The demo workspace, or one given for this run, is not changed here.
    DemoWorkspace,
    /// The workspace has no key: enter it again in its settings.
    KeyMissing,
    /// An agents file could not be read or written.
    AgentsFile {
        /// Why, naming the file.
        reason: String,
    },
    /// A batch's source could not be read (too large, not text, ...).
    BatchInput {
        /// Why (technical; names the file where there is one).
        reason: String,
    },
    /// A batch cannot start while rows are flagged.
    BatchFlagged {
        /// How many.
        count: u32,
    },
    /// A batch needs at least one row.
    BatchEmpty,
    /// No batch run has this id.
    #[serde(rename_all = "camelCase")]
    UnknownBatchRun {
        /// The id asked for.
        run_id: String,
    },
    /// This app has no tool of that name.
    #[serde(rename_all = "camelCase")]
    UnknownTool {
        /// The name asked for.
        tool_name: String,
    },
    /// What was chosen is not a folder (or no longer exists).
    NotAFolder {
        /// The path chosen.
        path: String,
    },
    /// An agent already has as many tools enabled as a request may offer.
    TooManyTools {
        /// The limit.
        limit: u32,
    },
    /// A command tool breaks a rule; nothing was saved.
    InvalidCommandTool {
        /// The field, as the settings name it (`name`, `timeoutSecs`...).
        field: String,
        /// What it must be, with its limit (technical).
        reason: String,
    },
    /// An MCP server's settings (or a sample call's arguments) break a rule; nothing
    /// was saved or run.
    InvalidMcpServer {
        /// The field (`name`, `commandLine`, `sample`, `mcpServers`...).
        field: String,
        /// What it must be, with its limit (technical).
        reason: String,
    },
    /// The user did not allow the program in the native dialog that names it;
    /// nothing was saved or run.
    ProgramNotAllowed,
    /// An answer in this conversation is still streaming: stop it (or wait) first.
    ConversationRunning,
    /// The chosen file is not a conversation export this app can read; nothing was
    /// imported.
    ImportBadFormat {
        /// Where in the file, as a path (`messages[2].status`; `$` for the whole file).
        field: String,
        /// What is wrong there (technical).
        reason: String,
    },
    /// The export was written by a newer version of the app; nothing was imported.
    ImportNewerFormat {
        /// The file's format version.
        found: u32,
        /// The newest version this app reads.
        known: u32,
    },
    /// The chosen file is larger than an import may be; it was not read.
    ImportTooLarge {
        /// The limit, in bytes.
        limit: u32,
        /// The file's size, in bytes.
        actual: u32,
    },
    /// A file the user chose could not be read; nothing changed.
    FileNotRead {
        /// The file.
        path: String,
        /// Why (the system's words).
        reason: String,
    },
    /// A file could not be written where the user chose; nothing was left there.
    FileNotWritten {
        /// The file.
        path: String,
        /// Why (the system's words).
        reason: String,
    },
    /// No generated file is downloaded at that place (or its file is gone).
    UnknownMedia,
    /// The image could not be put on the clipboard.
    ClipboardFailed {
        /// Why (technical).
        reason: String,
    },
    /// An action on an attachment could not be done (a file's own refusal is on its
    /// chip, not this).
    #[serde(rename_all = "camelCase")]
    Attachment {
        /// What went wrong.
        reason: super::attachments::AttachmentProblem,
        /// For `notUploaded`: how many are not uploaded yet (else 0).
        waiting: u32,
    },
    /// Something in the app went wrong; the log has the details.
    Internal,
}

/// Why a link was refused without asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum LinkRefusalReason {
    /// Not an absolute URL.
    NotAUrl,
    /// Not http or https.
    SchemeNotAllowed,
    /// A user name or password in the URL.
    HasCredentials,
    /// No host.
    NoHost,
    /// Longer than the limit (2,048 characters).
    TooLong,
    /// Another link's question is still open: answer it first.
    Busy,
}

/// Which limit was broken (see `athena_api::ValidationRule` for what `limit` and
/// `actual` mean for each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ValidationRule {
    /// Missing or empty.
    Required,
    /// Longer than the limit, in characters.
    TooLong,
    /// More items than the limit.
    TooMany,
    /// Larger than the limit, in bytes.
    TooLarge,
    /// Not of the required form.
    InvalidFormat,
    /// A value that must be unique appears twice.
    Duplicate,
    /// A file type the API does not accept.
    UnsupportedType,
    /// A file whose content contradicts its name.
    TypeMismatch,
}

impl From<athena_api::ValidationError> for AppError {
    fn from(err: athena_api::ValidationError) -> Self {
        Self::Validation {
            field: err.field.to_owned(),
            rule: match err.rule {
                athena_api::ValidationRule::Required => ValidationRule::Required,
                athena_api::ValidationRule::TooLong => ValidationRule::TooLong,
                athena_api::ValidationRule::TooMany => ValidationRule::TooMany,
                athena_api::ValidationRule::TooLarge => ValidationRule::TooLarge,
                athena_api::ValidationRule::InvalidFormat => ValidationRule::InvalidFormat,
                athena_api::ValidationRule::Duplicate => ValidationRule::Duplicate,
                athena_api::ValidationRule::UnsupportedType => ValidationRule::UnsupportedType,
                athena_api::ValidationRule::TypeMismatch => ValidationRule::TypeMismatch,
            },
            limit: number(err.limit),
            actual: number(err.actual),
        }
    }
}

impl From<athena_core::CoreError> for AppError {
    fn from(err: athena_core::CoreError) -> Self {
        match err {
            athena_core::CoreError::Validation(v) => v.into(),
            athena_core::CoreError::UnknownExecution(handle) => Self::UnknownExecution { handle },
            athena_core::CoreError::UnknownWorkspace(workspace_id) => {
                Self::UnknownWorkspace { workspace_id }
            }
            athena_core::CoreError::UnknownConversation(conversation_id) => {
                Self::UnknownConversation { conversation_id }
            }
            athena_core::CoreError::ConversationArchived => Self::ConversationArchived,
            athena_core::CoreError::NotResendable => Self::NotResendable,
            athena_core::CoreError::NoMessageId => Self::NoMessageId,
            // The details went to the log where the error was made.
            athena_core::CoreError::Storage(_) | athena_core::CoreError::SecretStore(_) => {
                Self::Storage
            }
            athena_core::CoreError::Request(e) => e.into(),
            athena_core::CoreError::InvalidInput(problems) => Self::InvalidInput {
                problems: problems.iter().map(Into::into).collect(),
            },
            athena_core::CoreError::KeychainUnavailable(reason) => {
                Self::KeychainUnavailable { reason }
            }
            athena_core::CoreError::AgentCheckFailed(check) => Self::AgentCheckFailed {
                check: check.as_ref().into(),
            },
            athena_core::CoreError::NotEditable => Self::DemoWorkspace,
            athena_core::CoreError::KeyMissing => Self::KeyMissing,
            athena_core::CoreError::AgentsFile(reason) => Self::AgentsFile { reason },
            athena_core::CoreError::BatchFlagged(count) => Self::BatchFlagged {
                count: u32::try_from(count).unwrap_or(u32::MAX),
            },
            athena_core::CoreError::BatchEmpty => Self::BatchEmpty,
            athena_core::CoreError::UnknownBatchRun(run_id) => Self::UnknownBatchRun { run_id },
            athena_core::CoreError::UnknownTool(tool_name) => Self::UnknownTool { tool_name },
            athena_core::CoreError::NotAFolder(path) => Self::NotAFolder { path },
            athena_core::CoreError::Attachment(problem) => problem.into(),
            athena_core::CoreError::TooManyTools { limit } => Self::TooManyTools {
                limit: u32::try_from(limit).unwrap_or(u32::MAX),
            },
            athena_core::CoreError::InvalidCommandTool { field, reason } => {
                Self::InvalidCommandTool { field, reason }
            }
            athena_core::CoreError::UnknownMedia => Self::UnknownMedia,
        }
    }
}

impl From<athena_core::ConversationActionError> for AppError {
    fn from(err: athena_core::ConversationActionError) -> Self {
        use athena_core::ConversationActionError as E;
        match err {
            E::Core(core) => core.into(),
            E::Running => Self::ConversationRunning,
            E::BadFormat { field, reason } => Self::ImportBadFormat { field, reason },
            E::NewerFormat { found, known } => Self::ImportNewerFormat {
                found: number(found),
                known: number(known),
            },
        }
    }
}

impl From<athena_core::ExecutionError> for AppError {
    fn from(err: athena_core::ExecutionError) -> Self {
        use athena_core::ExecutionError as E;
        match err {
            E::Validation(v) => v.into(),
            E::Unreachable => Self::Unreachable,
            E::Timeout => Self::Timeout,
            E::Http {
                status,
                server_code,
                server_message,
            } => Self::Http {
                status: u32::from(status),
                server_code,
                server_message,
            },
            E::StreamEndedEarly { execution_id } => Self::StreamEndedEarly { execution_id },
            E::ExecutionFailed {
                server_code,
                server_message,
            } => Self::ExecutionFailed {
                server_code,
                server_message,
            },
            E::Interrupted => Self::Interrupted,
            E::AlreadyReceived => Self::AlreadyReceived,
            E::Redirected { status, location } => Self::Redirected {
                status: u32::from(status),
                location,
            },
            E::Internal => Self::Internal,
        }
    }
}

impl From<athena_core::links::LinkError> for AppError {
    fn from(err: athena_core::links::LinkError) -> Self {
        use athena_core::links::{LinkError, LinkRefusal};
        match err {
            LinkError::OpenFailed => Self::BrowserUnavailable,
            LinkError::Refused(refusal) => {
                let (reason, scheme) = match refusal {
                    LinkRefusal::NotAUrl => (LinkRefusalReason::NotAUrl, None),
                    LinkRefusal::SchemeNotAllowed { scheme } => {
                        (LinkRefusalReason::SchemeNotAllowed, Some(scheme))
                    }
                    LinkRefusal::HasCredentials => (LinkRefusalReason::HasCredentials, None),
                    LinkRefusal::NoHost => (LinkRefusalReason::NoHost, None),
                    LinkRefusal::TooLong { .. } => (LinkRefusalReason::TooLong, None),
                    LinkRefusal::Busy => (LinkRefusalReason::Busy, None),
                };
                Self::LinkRefused { reason, scheme }
            }
        }
    }
}
