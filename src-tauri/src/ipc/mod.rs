//! What crosses IPC, defined for the UI (camelCase, no 64-bit integers), converted
//! from core's types. Never the wire types of athena-api.

mod appearance;
mod attachments;
pub(crate) mod batch;
mod command_tools;
mod conversation;
mod conversation_actions;
mod deep_link;
mod error;
mod execution;
mod mcp;
mod media;
mod notifications;
mod parts;
mod profiles;
mod settings;
mod tools;
mod workspace;

pub use appearance::{AppearanceView, ThemeChoice};
pub use attachments::{
    AttachmentChanged, AttachmentProblem, AttachmentRefusal, AttachmentRemoved, AttachmentState,
    DragHover, DroppedKind, DroppedPath, SentAttachment, StagedAttachment,
};
pub use batch::{
    BatchCost, BatchCounts, BatchExportFormat, BatchFile, BatchFormat, BatchInput, BatchItemStatus,
    BatchItemView, BatchLineProblem, BatchParseOptions, BatchRow, BatchRowFlag, BatchRunChanged,
    BatchRunStatus, BatchRunSummary, BatchRunView, BatchSource, BatchUsage, DroppedFile,
    FilesDropped,
};
pub use command_tools::{
    AuditEntryView, AuditFilterInput, AuditPageView, CommandTestView, CommandToolInput,
    CommandToolsView, ToolProblemView,
};
pub use conversation::{
    ConversationChanged, ConversationCursor, ConversationNotice, ConversationSummary,
    ConversationView, HistoryStatus,
};
pub use conversation_actions::{ExportFormat, ExportOutcome, SearchResult, SnippetSegment};
pub use deep_link::{DeepLinkAction, DeepLinkReceived, DeepLinkRefusalReason};
pub use error::{AppError, LinkRefusalReason, ValidationRule};
pub use execution::{
    ExecutionChange, ExecutionRequest, ExecutionSnapshot, ExecutionStatus, ExecutionUpdate,
    Feedback, FeedbackDelivery, InspectedEvent, InspectedEvents, SendRequest, Usage, VariableValue,
};
pub use mcp::{
    McpServerInput, McpServerView, McpServersChanged, McpServersView, McpStatusView, McpTestView,
    McpToolView,
};
pub use media::{MediaFailure, MediaFileChanged, MediaFileView, MediaLocal};
pub use notifications::NotificationsView;
pub use parts::{
    ApprovedBy, ClientToolState, MediaFile, MediaState, Part, StructuredSource, ToolState,
    WaitingReason,
};
pub use profiles::{
    AgentAdded, AgentCheck, AgentCheckReport, AgentsImported, CaCertificateView, CostPreview,
    CostRule, FieldProblem, KeyKind, KeyState, KeyView, KeychainStatus, Problem, ProfileInput,
    ProfileKind, ProfileList, ProfileView, WorkspaceStatusChanged,
};
pub use settings::{SettingsNotice, SettingsProblem, SettingsView};
pub use tools::{AgentToolsView, GrantedFolderView, ToolGrantsView, ToolView};
pub use workspace::{
    AgentSummary, AgentVariable, VariableKind, WorkspaceChoice, WorkspaceOverview,
};

/// Counts cross IPC as `u32`: specta refuses 64-bit integers, and an `f64` would be
/// typed `number | null` (NaN serializes as null). The counts of one execution fit
/// (a cost of 2^32 microdollars is $4,294); beyond that they saturate.
pub(crate) fn number(value: u64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}
