//! Client tools: the tools this app runs on the user's computer when an agent calls
//! them (`tool_call_awaiting_client`), and what the user is asked before one runs.
//!
//! - [`ToolDefinition`] is what the agent is offered; its [`fingerprint`] and the
//!   [`arguments_hash`] of a call tie an approval to one tool version and one call's
//!   exact arguments (SHA-256 of RFC 8785 canonical JSON).
//! - [`ToolRegistry`] holds the tools with their compiled JSON Schema validators:
//!   arguments are validated before the user is asked and again before a run. Running
//!   is `pub(crate)`: only the approval gate can run a tool, for an approved call.
//! - [`ToolContext`] is what a run may touch: the granted folders (by display name),
//!   the ledger file and the clock. File access is confined to the granted folders
//!   by cap-std, not by string checks.
//! - [`approval_question`] writes the native dialog's text, with hidden characters
//!   made visible and every part of the arguments cut to a stated length.
//!
//! [`fingerprint`]: ToolDefinition::fingerprint

mod builtin;
mod context;
mod definition;
mod dialog_text;
mod registry;
mod schema;
mod tool;

pub use context::{GrantedFolder, ToolContext, name_folders};
pub use definition::{ToolDefinition, arguments_hash};
pub use dialog_text::{ApprovalQuestion, approval_question};
pub use registry::{RegistryError, ToolRegistry};
pub use schema::ArgumentsRejected;
pub use tool::{Tool, ToolFailure};
