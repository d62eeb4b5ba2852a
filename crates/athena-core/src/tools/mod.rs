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
//! - [`command`] tools are the user's programs, and [`assemble_tools`] builds the
//!   registry from the built-ins, those and any other tools (MCP servers'), reporting
//!   what it had to leave out instead of failing.
//! - [`mcp`] offers the tools of the user's MCP servers (started over stdio with the
//!   official SDK when needed, restarted after a crash, stopped at quit), under names
//!   mapped into the API's pattern.
//! - [`ProgramQuestion`] asks, in a native dialog, before a new program is saved as a
//!   tool or server, or a tool is test-run from settings.
//!
//! [`fingerprint`]: ToolDefinition::fingerprint

mod assemble;
mod builtin;
pub mod command;
mod context;
mod definition;
mod dialog_text;
pub mod mcp;
mod program_consent;
mod registry;
mod schema;
mod source;
mod tool;

pub use assemble::{AssembledTools, MAX_TOOLS, ToolProblem, assemble_tools};
pub use context::{GrantedFolder, ToolContext, name_folders};
pub use definition::{ToolDefinition, arguments_hash};
pub use dialog_text::{ApprovalQuestion, approval_question};
pub use program_consent::{ALLOW_PROGRAM_BUTTON, ProgramQuestion, RUN_TEST_BUTTON};
pub use registry::{RegistryError, ToolRegistry};
pub use schema::ArgumentsRejected;
pub use source::ToolSource;
pub use tool::{Tool, ToolFailure};
