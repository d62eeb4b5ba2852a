//! What the history keeps of a run besides its items: its calls, and the summary
//! a list of runs shows.

use serde::{Deserialize, Serialize};

use super::{Counts, RunStatus};

/// Where one call of a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CallStatus {
    /// Not sent yet.
    Pending,
    /// Sent (its idempotency key may be used up on the server).
    Sent,
    /// Its stream ended with the batch summary.
    Done,
    /// The runner gave up on it.
    Failed,
}

impl CallStatus {
    /// Its name, as serialized and stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }
}

/// One call of a run: a slice of its items sent together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchCallRecord {
    /// Its 0-based place among the run's calls (unique in the run).
    pub call_index: usize,
    /// The `Idempotency-Key` it is sent with, reused by its retries only.
    pub idempotency_key: String,
    /// The position of its first item.
    pub first_position: usize,
    /// The position of its last item (inclusive).
    pub last_position: usize,
    /// Where it stands.
    pub status: CallStatus,
}

/// A run as listed: no items, only how many stand where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRunSummary {
    /// The run's id.
    pub id: String,
    /// The agent.
    pub agent_id: String,
    /// The agent's name when the run started.
    pub agent_name: String,
    /// When it started, in unix ms.
    pub created_at_ms: i64,
    /// When it ended, in unix ms.
    pub finished_at_ms: Option<i64>,
    /// Where it stands.
    pub status: RunStatus,
    /// The run it retries.
    pub retry_of: Option<String>,
    /// Why it stopped as a whole.
    pub error: Option<String>,
    /// Its items by status.
    pub counts: Counts,
}
