//! Athena Desktop's logic, without a window.
//!
//! Core owns the truth about every execution the user started: it validates and
//! sends the message through [`athena_api`], folds the streamed events into the
//! execution's ordered list of [`Part`]s, and hands numbered [`ExecutionUpdate`]s to
//! an [`UpdateSink`]
//! (the shell emits them as Tauri events). Text is coalesced to at most one update per
//! frame. A view that missed updates asks for a [`ExecutionSnapshot`] and continues
//! from its sequence number.

mod account;
mod account_watch;
mod agent_check;
mod agents_file;
pub mod approvals;
pub mod attachments;
pub mod attention;
pub mod batch;
mod batch_runs;
mod conversations;
mod costs;
pub mod deep_link;
pub mod dialogs;
mod dropped;
mod error;
mod execution;
mod executions;
pub mod history;
mod inspect;
pub mod links;
pub mod media;
mod parts;
mod private_dir;
pub mod profiles;
pub mod redact;
mod runner;
pub mod secrets;
pub mod set_aside;
pub mod settings;
pub mod tools;
mod workspace;
mod workspace_profiles;
mod workspaces;

pub use account::{AccountStatus, StatusChange, WorkspaceStatus};
pub use account_watch::AccountObserver;
pub use agent_check::{AgentCheck, CHECK_TIME_LIMIT, check_agent, check_agent_within};
pub use agents_file::{
    AgentVariable, AgentsFileError, VariableKind, parse_agents, read_agents_file, write_agents,
};
pub use batch_runs::{BatchCost, BatchRunChange, BatchRuns, BatchSink, MAX_ITEMS_PER_CALL};
pub use conversations::{
    ConversationActionError, ConversationMessages, ConversationNotice, ConversationSink,
    ConversationSummary, Conversations, EXPORT_FORMAT, EXPORT_VERSION, MAX_TITLE_CHARS,
};
pub use costs::{CostPreview, CostRule, preview_cost};
pub use dropped::{DroppedItem, inspect_dropped};
pub use error::{CoreError, ExecutionError};
pub use execution::{
    ExecutionChange, ExecutionHandle, ExecutionRequest, ExecutionSnapshot, ExecutionStatus,
    ExecutionUpdate, Feedback, FeedbackDelivery, UpdateSink, UsageSummary,
};
pub use executions::Executions;
pub use inspect::{InspectLog, InspectedEvent, MAX_INSPECTED_BYTES, MAX_INSPECTED_EVENTS};
pub use parts::{
    ApprovedBy, ClientToolState, MediaFile, MediaState, Part, StructuredSource, ToolState,
    WaitingReason,
};
pub use private_dir::create_private_dir;
pub use workspace::{
    AgentSummary, DEMO_WORKSPACE_ID, KeyStorage, Workspace, WorkspaceKind, workspace_key,
};
pub use workspace_profiles::{
    AgentsImported, Profiles, WorkspaceStatusReport, WorkspaceStatusSink,
};
pub use workspaces::WorkspaceRegistry;
