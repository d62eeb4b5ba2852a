//! Athena Desktop's logic, without a window.
//!
//! Core owns the truth about every execution the user started: it validates and
//! sends the message through [`athena_api`], folds the streamed events into the
//! execution's ordered list of [`Part`]s, and hands numbered [`ExecutionUpdate`]s to
//! an [`UpdateSink`]
//! (the shell emits them as Tauri events). Text is coalesced to at most one update per
//! frame. A view that missed updates asks for a [`ExecutionSnapshot`] and continues
//! from its sequence number.

mod agents_file;
mod conversations;
pub mod dialogs;
mod dropped;
mod error;
mod execution;
mod executions;
pub mod history;
mod inspect;
pub mod links;
mod parts;
mod private_dir;
pub mod redact;
mod runner;
mod workspace;

pub use agents_file::{
    AgentVariable, AgentsFileError, parse_agents, read_agents_file, write_agents,
};
pub use conversations::{
    ConversationMessages, ConversationNotice, ConversationSink, ConversationSummary, Conversations,
};
pub use dropped::{DroppedItem, inspect_dropped};
pub use error::{CoreError, ExecutionError};
pub use execution::{
    ExecutionChange, ExecutionHandle, ExecutionRequest, ExecutionSnapshot, ExecutionStatus,
    ExecutionUpdate, Feedback, FeedbackDelivery, UpdateSink, UsageSummary,
};
pub use executions::Executions;
pub use inspect::{InspectLog, InspectedEvent, MAX_INSPECTED_BYTES, MAX_INSPECTED_EVENTS};
pub use parts::{MediaFile, MediaState, Part, StructuredSource, ToolState, WaitingReason};
pub use private_dir::create_private_dir;
pub use workspace::{AgentSummary, DEMO_WORKSPACE_ID, Workspace, workspace_key};
