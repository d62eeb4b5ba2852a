//! A batch run and its items, and the pure reducer that folds a call's events into
//! them.
//!
//! A run is split into calls (at most 100 items each, by the runner); each call's
//! stream names its items by key, in any order. The reducer never looks at the
//! clock or the network: the runner hands it events and the times it needs, and
//! stores the items each step reports as changed.
//!
//! Invariants: `items[i].position == i`; an item leaves `Queued` only through
//! [`BatchRun::mark_running`], an outcome, or the end of its call or run; an
//! outcome the server reports is recorded whatever the item's state (a cancelled
//! item the server finished anyway shows its result: it was charged). Items are
//! named by key or position ([`ItemRef`]); the key lookup is an index built on first
//! use and rebuilt when `items` was changed from outside.

use std::collections::HashMap;
use std::fmt;

use athena_api::BatchEvent;
use athena_api::batch::BatchProgress;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::BatchRow;
use crate::redact::redact_secrets;

/// The error of an item its call ended without reporting.
pub const NO_RESULT_ERROR: &str = "no result in the batch summary";

/// The error of a run the app ended during (set when the history is next opened).
pub const INTERRUPTED_ERROR: &str = "interrupted";

/// Where one item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ItemStatus {
    /// Not sent yet.
    Queued,
    /// Sent in a call that has not reported it yet.
    Running,
    /// Finished with an answer.
    Done,
    /// Finished without one: [`BatchItem::error`] says why.
    Failed,
    /// Never ran, or its result was not awaited: the run was cancelled or
    /// interrupted.
    Cancelled,
}

impl ItemStatus {
    /// Every status, in order.
    pub const ALL: [Self; 5] = [
        Self::Queued,
        Self::Running,
        Self::Done,
        Self::Failed,
        Self::Cancelled,
    ];

    /// Whether it is still waiting for an outcome (queued or running).
    pub fn is_open(self) -> bool {
        matches!(self, Self::Queued | Self::Running)
    }

    /// Its name, as serialized, stored and exported (`queued`, `done`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    /// The status named `name` ([`ItemStatus::as_str`]).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// Where a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RunStatus {
    /// Calls are being sent or awaited.
    Running,
    /// Every item has an outcome.
    Completed,
    /// The user stopped it.
    Cancelled,
    /// It stopped as a whole: [`BatchRun::error`] says why (`interrupted` when the
    /// app ended during the run).
    Failed,
}

impl RunStatus {
    /// Every status, in order.
    pub const ALL: [Self; 4] = [
        Self::Running,
        Self::Completed,
        Self::Cancelled,
        Self::Failed,
    ];

    /// Its name, as serialized and stored (`running`, `completed`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Completed => "completed",
            Self::Cancelled => "cancelled",
            Self::Failed => "failed",
        }
    }

    /// The status named `name` ([`RunStatus::as_str`]).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// Token counts of one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TokenUsage {
    /// Tokens read.
    pub input_tokens: u64,
    /// Tokens written.
    pub output_tokens: u64,
    /// Their total, as the server counts it.
    pub total_tokens: u64,
}

impl From<athena_api::Usage> for TokenUsage {
    fn from(usage: athena_api::Usage) -> Self {
        Self {
            input_tokens: usage.input_tokens,
            output_tokens: usage.output_tokens,
            total_tokens: usage.total_tokens,
        }
    }
}

/// One message of a run and its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchItem {
    /// Its 0-based place in the run.
    pub position: usize,
    /// Its key, unique in the run.
    pub key: String,
    /// The message sent.
    pub message: String,
    /// Where it stands.
    pub status: ItemStatus,
    /// The answer's text.
    pub output_text: Option<String>,
    /// The structured answer, for agents with an output schema.
    pub parsed_output: Option<Value>,
    /// Its token counts.
    pub usage: Option<TokenUsage>,
    /// What it cost, in millionths of a dollar.
    pub cost_microdollars: Option<u64>,
    /// Why it failed: the server's words (secrets redacted), or
    /// [`NO_RESULT_ERROR`], or the reason its whole call failed.
    pub error: Option<String>,
}

impl BatchItem {
    /// A queued item.
    pub fn queued(position: usize, key: String, message: String) -> Self {
        Self {
            position,
            key,
            message,
            status: ItemStatus::Queued,
            output_text: None,
            parsed_output: None,
            usage: None,
            cost_microdollars: None,
            error: None,
        }
    }
}

/// How many items of a run stand where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Counts {
    /// All items.
    pub total: usize,
    /// Not sent yet.
    pub queued: usize,
    /// Awaiting their outcome.
    pub running: usize,
    /// Answered.
    pub done: usize,
    /// Failed.
    pub failed: usize,
    /// Cancelled.
    pub cancelled: usize,
}

impl Counts {
    /// Counts one more item with this status.
    pub fn add(&mut self, status: ItemStatus) {
        self.total += 1;
        match status {
            ItemStatus::Queued => self.queued += 1,
            ItemStatus::Running => self.running += 1,
            ItemStatus::Done => self.done += 1,
            ItemStatus::Failed => self.failed += 1,
            ItemStatus::Cancelled => self.cancelled += 1,
        }
    }
}

/// Where each key is in `items`, built when first needed and rebuilt when `items`
/// no longer matches it. Not part of a run's value: two runs are equal whatever
/// their indexes hold.
#[derive(Clone, Default)]
struct KeyIndex {
    positions: HashMap<String, usize>,
    built_for: Option<usize>,
}

impl PartialEq for KeyIndex {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for KeyIndex {}

impl fmt::Debug for KeyIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyIndex")
            .field("keys", &self.positions.len())
            .finish()
    }
}

impl KeyIndex {
    fn find(&mut self, items: &[BatchItem], key: &str) -> Option<usize> {
        if self.built_for == Some(items.len()) {
            match self.positions.get(key) {
                None => return None,
                Some(&p) if items.get(p).is_some_and(|i| i.key == key) => return Some(p),
                Some(_) => {}
            }
        }
        // Built for other items (or never): rebuild. The first item of a key wins.
        self.positions.clear();
        for (p, item) in items.iter().enumerate() {
            self.positions.entry(item.key.clone()).or_insert(p);
        }
        self.built_for = Some(items.len());
        self.positions.get(key).copied()
    }
}

/// A batch run: many messages to one agent, and what became of each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRun {
    /// The app's id of the run (unique).
    pub id: String,
    /// Its workspace.
    pub workspace_id: String,
    /// The agent every message went to.
    pub agent_id: String,
    /// The agent's name when the run started.
    pub agent_name: String,
    /// When it started, in unix ms.
    pub created_at_ms: i64,
    /// When it ended, in unix ms.
    pub finished_at_ms: Option<i64>,
    /// Where it stands.
    pub status: RunStatus,
    /// The run this one retries (its failed items), if any.
    pub retry_of: Option<String>,
    /// Why it stopped as a whole ([`RunStatus::Failed`]).
    pub error: Option<String>,
    /// The items, `items[i].position == i`.
    pub items: Vec<BatchItem>,
    index: KeyIndex,
}

impl BatchRun {
    /// A new running run with every row queued, in order (`retry_of`: the run whose
    /// items it retries).
    pub fn new(
        id: String,
        workspace_id: String,
        agent_id: String,
        agent_name: String,
        created_at_ms: i64,
        retry_of: Option<String>,
        rows: Vec<BatchRow>,
    ) -> Self {
        let items = rows
            .into_iter()
            .enumerate()
            .map(|(p, row)| BatchItem::queued(p, row.key, row.message))
            .collect();
        Self {
            id,
            workspace_id,
            agent_id,
            agent_name,
            created_at_ms,
            finished_at_ms: None,
            status: RunStatus::Running,
            retry_of,
            error: None,
            items,
            index: KeyIndex::default(),
        }
    }

    /// How many items stand where.
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for item in &self.items {
            counts.add(item.status);
        }
        counts
    }

    /// The position of the item with this key.
    pub fn position_of(&mut self, key: &str) -> Option<usize> {
        self.index.find(&self.items, key)
    }

    /// Applies `change` to every item named (unknown ones skipped) and returns the
    /// positions of those it changed.
    fn update_some<R: ItemRef>(
        &mut self,
        items: impl IntoIterator<Item = R>,
        mut change: impl FnMut(&mut BatchItem) -> bool,
    ) -> Vec<usize> {
        let mut changed = Vec::new();
        for item in items {
            if let Some(p) = item.position_in(self)
                && change(&mut self.items[p])
            {
                changed.push(p);
            }
        }
        changed
    }

    /// Applies `change` to every item and returns the positions it changed.
    fn update_all(&mut self, mut change: impl FnMut(&mut BatchItem) -> bool) -> Vec<usize> {
        self.items
            .iter_mut()
            .filter_map(|item| change(item).then_some(item.position))
            .collect()
    }

    /// A call with these items (by key or position) is about to be sent: its queued
    /// items become running. Returns the positions changed.
    pub fn mark_running<R: ItemRef>(&mut self, items: impl IntoIterator<Item = R>) -> Vec<usize> {
        self.update_some(items, |item| {
            let queued = item.status == ItemStatus::Queued;
            if queued {
                item.status = ItemStatus::Running;
            }
            queued
        })
    }

    /// Folds one event of a call's stream. Returns the positions changed.
    ///
    /// - `Started`, `Heartbeat`, `Unknown`: nothing.
    /// - `Progress`: the item with its key gets its outcome (`completed`: done, with
    ///   the output's text, parsed output, usage and cost; any other status: failed,
    ///   with the error's `message`, the error text, or its compact JSON). A key not
    ///   in the run is logged and ignored.
    /// - `Completed`: every item still running failed with [`NO_RESULT_ERROR`]. When
    ///   several calls run at once, use [`BatchRun::complete_call`] with the call's
    ///   keys instead.
    pub fn apply(&mut self, event: &BatchEvent) -> Vec<usize> {
        match event {
            BatchEvent::Started { .. } | BatchEvent::Heartbeat | BatchEvent::Unknown { .. } => {
                Vec::new()
            }
            BatchEvent::Progress(progress) => self.progress(progress).into_iter().collect(),
            BatchEvent::Completed(_) => self.update_all(fail_if_running(NO_RESULT_ERROR)),
        }
    }

    fn progress(&mut self, progress: &BatchProgress) -> Option<usize> {
        let Some(p) = self.position_of(&progress.key) else {
            tracing::warn!(
                run = %self.id,
                key = %redact_secrets(&progress.key),
                "batch: progress for a key not in the run; ignored"
            );
            return None;
        };
        let item = &mut self.items[p];
        let before = item.clone();
        if let Some(output) = &progress.output {
            item.output_text.clone_from(&output.text);
            item.parsed_output.clone_from(&output.parsed_output);
            item.usage = output.usage.map(TokenUsage::from);
            item.cost_microdollars = output.cost_microdollars;
        }
        if progress.status.eq_ignore_ascii_case("completed") {
            item.status = ItemStatus::Done;
            item.error = None;
        } else {
            item.status = ItemStatus::Failed;
            item.error = Some(error_text(progress.error.as_ref(), &progress.status));
        }
        (*item != before).then_some(p)
    }

    /// A call with these items (by key or position) ended: those still running
    /// failed with [`NO_RESULT_ERROR`]. Returns the positions changed.
    pub fn complete_call<R: ItemRef>(&mut self, items: impl IntoIterator<Item = R>) -> Vec<usize> {
        self.update_some(items, fail_if_running(NO_RESULT_ERROR))
    }

    /// A call with these items (by key or position) failed as a whole (the runner
    /// gave up on it): those queued or running failed with `reason` (secrets
    /// redacted). Returns the positions changed.
    pub fn fail_call<R: ItemRef>(
        &mut self,
        items: impl IntoIterator<Item = R>,
        reason: &str,
    ) -> Vec<usize> {
        let reason = redact_secrets(reason).into_owned();
        self.update_some(items, |item| {
            let open = item.status.is_open();
            if open {
                item.status = ItemStatus::Failed;
                item.error = Some(reason.clone());
            }
            open
        })
    }

    /// The user stopped the run: queued and running items are cancelled and the run
    /// is [`RunStatus::Cancelled`]. Outcomes that still arrive are recorded.
    /// [`BatchRun::finish`] then ends it. Returns the positions changed.
    pub fn cancel(&mut self) -> Vec<usize> {
        self.status = RunStatus::Cancelled;
        self.update_all(cancel_if_open)
    }

    /// The run stopped as a whole (`reason`: secrets redacted): queued and running
    /// items are cancelled and the run is [`RunStatus::Failed`].
    /// [`BatchRun::finish`] then ends it. Returns the positions changed.
    pub fn fail(&mut self, reason: &str) -> Vec<usize> {
        self.status = RunStatus::Failed;
        self.error = Some(redact_secrets(reason).into_owned());
        self.update_all(cancel_if_open)
    }

    /// The run ends at `at_ms` (kept if it already ended): an item still queued or
    /// running failed with [`NO_RESULT_ERROR`], and a running run is
    /// [`RunStatus::Completed`] (a cancelled or failed one keeps its status).
    /// Returns the positions changed.
    pub fn finish(&mut self, at_ms: i64) -> Vec<usize> {
        if self.status == RunStatus::Running {
            self.status = RunStatus::Completed;
        }
        self.finished_at_ms.get_or_insert(at_ms);
        self.update_all(|item| {
            let open = item.status.is_open();
            if open {
                item.status = ItemStatus::Failed;
                item.error = Some(NO_RESULT_ERROR.to_owned());
            }
            open
        })
    }
}

/// An item of a run named by its key (`&str`, `String`) or its position (`usize`).
pub trait ItemRef {
    /// Its position in `run`, if it has one.
    fn position_in(&self, run: &mut BatchRun) -> Option<usize>;
}

impl ItemRef for usize {
    fn position_in(&self, run: &mut BatchRun) -> Option<usize> {
        (*self < run.items.len()).then_some(*self)
    }
}

impl ItemRef for &usize {
    fn position_in(&self, run: &mut BatchRun) -> Option<usize> {
        (**self).position_in(run)
    }
}

impl ItemRef for &str {
    fn position_in(&self, run: &mut BatchRun) -> Option<usize> {
        run.position_of(self)
    }
}

impl ItemRef for String {
    fn position_in(&self, run: &mut BatchRun) -> Option<usize> {
        run.position_of(self)
    }
}

impl ItemRef for &String {
    fn position_in(&self, run: &mut BatchRun) -> Option<usize> {
        run.position_of(self)
    }
}

fn fail_if_running(reason: &'static str) -> impl FnMut(&mut BatchItem) -> bool {
    move |item| {
        let running = item.status == ItemStatus::Running;
        if running {
            item.status = ItemStatus::Failed;
            item.error = Some(reason.to_owned());
        }
        running
    }
}

fn cancel_if_open(item: &mut BatchItem) -> bool {
    let open = item.status.is_open();
    if open {
        item.status = ItemStatus::Cancelled;
    }
    open
}

/// An item's error in the server's words: a string as is, an object's `message`,
/// anything else as compact JSON; without one, the status it reported. Secrets
/// redacted.
fn error_text(error: Option<&Value>, status: &str) -> String {
    let text = match error {
        None | Some(Value::Null) => status.to_owned(),
        Some(Value::String(text)) => text.clone(),
        Some(Value::Object(map)) => match map.get("message") {
            Some(Value::String(message)) => message.clone(),
            _ => Value::Object(map.clone()).to_string(),
        },
        Some(other) => other.to_string(),
    };
    redact_secrets(&text).into_owned()
}
