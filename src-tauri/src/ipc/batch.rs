//! Batch runs as the Batch screen sees them. The page never sends rows: it names a
//! source (pasted text, or a file the backend read) and how to read it.

use serde::{Deserialize, Serialize};
use specta::Type;

use super::number;
use super::profiles::CostPreview;

/// Where a batch's rows come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum BatchSource {
    /// Lines pasted into the screen.
    Text {
        /// The text.
        text: String,
    },
    /// A file the backend read (chosen in the open dialog or dropped).
    #[serde(rename_all = "camelCase")]
    File {
        /// The id the backend gave it.
        file_id: String,
    },
}

/// How to read the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum BatchFormat {
    /// Guess from the name and content.
    Auto,
    /// One message per line.
    Lines,
    /// Comma-, semicolon- or tab-separated values.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// How to read a batch's source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BatchParseOptions {
    /// The format.
    pub format: BatchFormat,
    /// CSV: the message column (None: guess).
    pub message_column: Option<u32>,
    /// CSV: the key column (None: a column named key or id, else generated keys).
    pub key_column: Option<u32>,
    /// Generate keys (`item-1`, ...) even when a key column exists.
    pub generate_keys: bool,
    /// CSV: the separator (None: detect).
    pub delimiter: Option<String>,
    /// CSV: whether the first row names the columns.
    pub has_header: bool,
}

/// A file read for a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BatchFile {
    /// The id to name it by.
    pub file_id: String,
    /// Its name.
    pub name: String,
    /// Its size in bytes.
    pub size: u32,
}

/// A source read into rows, with what is wrong with them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BatchInput {
    /// The format it was read as.
    pub format: BatchFormat,
    /// CSV: the columns' names.
    pub columns: Vec<String>,
    /// CSV: the message column used.
    pub message_column: Option<u32>,
    /// CSV: the key column used (None: generated keys).
    pub key_column: Option<u32>,
    /// CSV: the separator used.
    pub delimiter: Option<String>,
    /// The rows.
    pub rows: Vec<BatchRow>,
    /// Lines that could not be read (the rest were kept).
    pub problems: Vec<BatchLineProblem>,
    /// How many more lines could not be read than are listed.
    pub more_problems: u32,
    /// How many rows are flagged.
    pub flagged: u32,
}

/// One row of a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BatchRow {
    /// Its line (or record) in the source.
    pub line: u32,
    /// Its key.
    pub key: String,
    /// Its message.
    pub message: String,
    /// What is wrong with it.
    pub flags: Vec<BatchRowFlag>,
}

/// Why a row cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "code", rename_all = "camelCase")]
pub enum BatchRowFlag {
    /// An earlier row has the same key.
    #[serde(rename_all = "camelCase")]
    DuplicateKey {
        /// That row's line.
        first_line: u32,
    },
    /// No key.
    EmptyKey,
    /// No message.
    EmptyMessage,
    /// A message over the limit.
    TooLong {
        /// Its length in characters.
        length: u32,
        /// The limit.
        limit: u32,
    },
}

/// A line of the source that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BatchLineProblem {
    /// The line.
    pub line: u32,
    /// Why (technical).
    pub reason: String,
}

/// What a run would cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BatchCost {
    /// One item's preview.
    pub per_item: CostPreview,
    /// How many items.
    pub count: u32,
    /// The total.
    pub total: Option<f64>,
    /// Only a lower bound (the preview prices the base alone).
    pub at_least: bool,
}

/// Items of a run by state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BatchCounts {
    /// All.
    pub total: u32,
    /// Not sent yet.
    pub queued: u32,
    /// Sent, no result yet.
    pub running: u32,
    /// With an output.
    pub done: u32,
    /// Failed.
    pub failed: u32,
    /// Never finished: the run was stopped.
    pub cancelled: u32,
}

/// Where an item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum BatchItemStatus {
    /// Not sent yet.
    Queued,
    /// Sent, no result yet.
    Running,
    /// With an output.
    Done,
    /// Failed.
    Failed,
    /// The run was stopped first.
    Cancelled,
}

/// One item of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BatchItemView {
    /// Its place in the run.
    pub position: u32,
    /// Its key.
    pub key: String,
    /// Its message.
    pub message: String,
    /// Where it stands.
    pub status: BatchItemStatus,
    /// Its answer's text.
    pub output_text: Option<String>,
    /// Its structured output, as pretty JSON.
    pub parsed_output: Option<String>,
    /// Its tokens.
    pub usage: Option<BatchUsage>,
    /// Its cost.
    pub cost_microdollars: Option<u32>,
    /// Why it failed (the server's words).
    pub error: Option<String>,
}

/// An item's tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BatchUsage {
    /// Tokens read.
    pub input_tokens: u32,
    /// Tokens written.
    pub output_tokens: u32,
    /// Both.
    pub total_tokens: u32,
}

/// Where a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum BatchRunStatus {
    /// Sending or streaming.
    Running,
    /// Every item has a result.
    Completed,
    /// Stopped by the user.
    Cancelled,
    /// Ended without finishing (the app closed, or the run failed as a whole).
    Failed,
}

/// A run with its items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BatchRunView {
    /// Its id.
    pub id: String,
    /// Its workspace.
    pub workspace_id: String,
    /// Its agent.
    pub agent_id: String,
    /// The agent's name.
    pub agent_name: String,
    /// When it started (ms since the epoch).
    pub started_at_ms: f64,
    /// When it ended.
    pub finished_at_ms: Option<f64>,
    /// Where it stands.
    pub status: BatchRunStatus,
    /// Its items by state.
    pub counts: BatchCounts,
    /// Its items.
    pub items: Vec<BatchItemView>,
    /// The run whose failed items it retries.
    pub retry_of: Option<String>,
    /// Why it failed as a whole.
    pub error: Option<String>,
}

/// A run in the runs list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BatchRunSummary {
    /// Its id.
    pub id: String,
    /// The agent's name.
    pub agent_name: String,
    /// When it started.
    pub started_at_ms: f64,
    /// When it ended.
    pub finished_at_ms: Option<f64>,
    /// Where it stands.
    pub status: BatchRunStatus,
    /// Its items by state.
    pub counts: BatchCounts,
    /// The run whose failed items it retries.
    pub retry_of: Option<String>,
}

/// A run changed (event; at most one per frame per run).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct BatchRunChanged {
    /// The run.
    pub run_id: String,
    /// Where it stands.
    pub status: BatchRunStatus,
    /// Its items by state.
    pub counts: BatchCounts,
    /// The items that changed.
    pub items: Vec<BatchItemView>,
    /// When it ended.
    pub finished_at_ms: Option<f64>,
    /// Why it failed as a whole.
    pub error: Option<String>,
}

/// The file format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum BatchExportFormat {
    /// Comma-separated values.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// A file dropped on the window, named by an id the backend gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DroppedFile {
    /// The id to name it by.
    pub drop_id: String,
    /// Its name.
    pub name: String,
    /// Its size in bytes.
    pub size: u32,
}

/// Files were dropped on the window (event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct FilesDropped {
    /// The files (folders and unreadable paths are in `others`).
    pub files: Vec<DroppedFile>,
    /// Folders and unreadable paths (a batch ignores them; attachments explain them).
    pub others: Vec<super::DroppedPath>,
}

/// A count as it crosses IPC.
pub(crate) fn count(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// Milliseconds as they cross IPC (exact in an f64 for any date).
#[allow(clippy::cast_precision_loss)]
pub(crate) fn millis(value: i64) -> f64 {
    value as f64
}

/// Microdollars as they cross IPC.
pub(crate) fn micro(value: u64) -> u32 {
    number(value)
}

use athena_core::batch as core;

impl BatchParseOptions {
    /// Core's options from the page's.
    pub(crate) fn to_core(&self) -> core::ParseOptions {
        core::ParseOptions {
            format: match self.format {
                BatchFormat::Auto => core::Format::Auto,
                BatchFormat::Lines => core::Format::Lines,
                BatchFormat::Csv => core::Format::Csv,
                BatchFormat::Jsonl => core::Format::Jsonl,
            },
            message_column: self.message_column.map(|c| c as usize),
            key_column: self.key_column.map(|c| c as usize),
            generate_keys: self.generate_keys,
            delimiter: self.delimiter.as_deref().and_then(|d| match d {
                "\\t" | "tab" => Some(b'\t'),
                d if d.len() == 1 => d.bytes().next(),
                _ => None,
            }),
            has_header: self.has_header,
        }
    }
}

fn format(format: core::Format) -> BatchFormat {
    match format {
        core::Format::Auto => BatchFormat::Auto,
        core::Format::Lines => BatchFormat::Lines,
        core::Format::Csv => BatchFormat::Csv,
        core::Format::Jsonl => BatchFormat::Jsonl,
    }
}

impl From<core::ParsedInput> for BatchInput {
    fn from(input: core::ParsedInput) -> Self {
        let flags = core::flag(&input.rows);
        let flagged = flags.iter().filter(|f| !f.is_empty()).count();
        Self {
            format: format(input.format),
            columns: input.columns,
            message_column: input.message_column.map(count),
            key_column: input.key_column.map(count),
            delimiter: input.delimiter.map(|d| {
                if d == b'\t' {
                    "tab".to_owned()
                } else {
                    char::from(d).to_string()
                }
            }),
            rows: input
                .rows
                .into_iter()
                .zip(flags)
                .map(|(row, flags)| BatchRow {
                    line: count(row.line),
                    key: row.key,
                    message: row.message,
                    flags: flags.into_iter().map(BatchRowFlag::from).collect(),
                })
                .collect(),
            problems: input
                .problems
                .into_iter()
                .map(|p| BatchLineProblem {
                    line: count(p.line),
                    reason: p.reason,
                })
                .collect(),
            more_problems: count(input.more_problems),
            flagged: count(flagged),
        }
    }
}

impl From<core::RowFlag> for BatchRowFlag {
    fn from(flag: core::RowFlag) -> Self {
        match flag {
            core::RowFlag::DuplicateKey { first_line } => Self::DuplicateKey {
                first_line: count(first_line),
            },
            core::RowFlag::EmptyKey => Self::EmptyKey,
            core::RowFlag::EmptyMessage => Self::EmptyMessage,
            core::RowFlag::TooLong { length, limit } => Self::TooLong {
                length: count(length),
                limit: count(limit),
            },
        }
    }
}

impl From<&athena_core::BatchCost> for BatchCost {
    fn from(cost: &athena_core::BatchCost) -> Self {
        Self {
            per_item: CostPreview::from(&cost.per_item),
            count: count(cost.count),
            total: Some(cost.total),
            at_least: cost.at_least,
        }
    }
}

impl From<&core::Counts> for BatchCounts {
    fn from(c: &core::Counts) -> Self {
        Self {
            total: count(c.total),
            queued: count(c.queued),
            running: count(c.running),
            done: count(c.done),
            failed: count(c.failed),
            cancelled: count(c.cancelled),
        }
    }
}

fn run_status(status: core::RunStatus) -> BatchRunStatus {
    match status {
        core::RunStatus::Running => BatchRunStatus::Running,
        core::RunStatus::Completed => BatchRunStatus::Completed,
        core::RunStatus::Cancelled => BatchRunStatus::Cancelled,
        core::RunStatus::Failed => BatchRunStatus::Failed,
    }
}

impl From<&core::BatchItem> for BatchItemView {
    fn from(item: &core::BatchItem) -> Self {
        Self {
            position: count(item.position),
            key: item.key.clone(),
            message: item.message.clone(),
            status: match item.status {
                core::ItemStatus::Queued => BatchItemStatus::Queued,
                core::ItemStatus::Running => BatchItemStatus::Running,
                core::ItemStatus::Done => BatchItemStatus::Done,
                core::ItemStatus::Failed => BatchItemStatus::Failed,
                core::ItemStatus::Cancelled => BatchItemStatus::Cancelled,
            },
            output_text: item.output_text.clone(),
            parsed_output: item
                .parsed_output
                .as_ref()
                .map(|v| serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())),
            usage: item.usage.as_ref().map(|u| BatchUsage {
                input_tokens: number(u.input_tokens),
                output_tokens: number(u.output_tokens),
                total_tokens: number(u.total_tokens),
            }),
            cost_microdollars: item.cost_microdollars.map(micro),
            error: item.error.clone(),
        }
    }
}

impl From<&core::BatchRun> for BatchRunView {
    fn from(run: &core::BatchRun) -> Self {
        Self {
            id: run.id.clone(),
            workspace_id: run.workspace_id.clone(),
            agent_id: run.agent_id.clone(),
            agent_name: run.agent_name.clone(),
            started_at_ms: millis(run.created_at_ms),
            finished_at_ms: run.finished_at_ms.map(millis),
            status: run_status(run.status),
            counts: BatchCounts::from(&run.counts()),
            items: run.items.iter().map(BatchItemView::from).collect(),
            retry_of: run.retry_of.clone(),
            error: run.error.clone(),
        }
    }
}

impl From<&core::BatchRunSummary> for BatchRunSummary {
    fn from(run: &core::BatchRunSummary) -> Self {
        Self {
            id: run.id.clone(),
            agent_name: run.agent_name.clone(),
            started_at_ms: millis(run.created_at_ms),
            finished_at_ms: run.finished_at_ms.map(millis),
            status: run_status(run.status),
            counts: BatchCounts::from(&run.counts),
            retry_of: run.retry_of.clone(),
        }
    }
}

impl From<athena_core::BatchRunChange> for BatchRunChanged {
    fn from(change: athena_core::BatchRunChange) -> Self {
        Self {
            run_id: change.run_id,
            status: run_status(change.status),
            counts: BatchCounts::from(&change.counts),
            items: change.items.iter().map(BatchItemView::from).collect(),
            finished_at_ms: change.finished_at_ms.map(millis),
            error: change.error,
        }
    }
}
