//! Batch runs: many messages to one agent through `POST /agents/{id}/execute/batch`,
//! split into calls of at most [`MAX_ITEMS_PER_CALL`] items.
//!
//! A run and its calls are stored before anything is sent; each call carries its own
//! idempotency key, stored with it, and only a retry of that same call reuses it.
//! Items change as the calls stream; the changes are stored and handed to a
//! [`BatchSink`] at most once per frame. Cancel stops sending further calls and closes
//! the open stream: items already sent may still run on the server (and be charged).
//! Retrying the failed items is a new run with new keys.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use athena_api::{
    ApiError, AthenaClient, BatchEvent, BatchItem as WireItem, BatchRequest, ExecuteRequest,
};
use tokio::sync::watch;

use crate::batch::{
    BatchCallRecord, BatchRow, BatchRun, BatchRunSummary, ItemStatus, RunStatus, flag,
};
use crate::error::storage;
use crate::executions::lock;
use crate::history::History;
use crate::{CoreError, CostPreview, WorkspaceRegistry};

/// Most items in one batch call ([assumed] in the contract; the emulator enforces it).
pub const MAX_ITEMS_PER_CALL: usize = 100;

/// How long to wait before the one retry of a call that failed to connect.
const CALL_RETRY_DELAY: Duration = Duration::from_secs(1);

/// What changed in a run: its status and counts, and the items that changed since the
/// last change was handed over.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchRunChange {
    /// The run.
    pub run_id: String,
    /// Its status now.
    pub status: RunStatus,
    /// Its items' counts now.
    pub counts: crate::batch::Counts,
    /// The items that changed, in position order.
    pub items: Vec<crate::batch::BatchItem>,
    /// When it ended, if it did.
    pub finished_at_ms: Option<i64>,
    /// Why it failed as a whole, if it did.
    pub error: Option<String>,
}

/// Receives run changes (the shell emits them as events; tests record them).
pub trait BatchSink: Send + Sync + 'static {
    /// A run changed.
    fn run_changed(&self, change: BatchRunChange);
}

/// What running `count` items would cost, from a preview of one.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchCost {
    /// One item's preview.
    pub per_item: CostPreview,
    /// How many items.
    pub count: usize,
    /// `per_item.credits × count`.
    pub total: f64,
    /// The preview prices only the base (a rule charged per token is not known in
    /// advance): the total is a lower bound.
    pub at_least: bool,
}

/// Batch runs of every workspace. Cheap to clone.
#[derive(Clone)]
pub struct BatchRuns {
    inner: Arc<Inner>,
}

struct Inner {
    history: History,
    registry: Arc<WorkspaceRegistry>,
    sink: Arc<dyn BatchSink>,
    frame: Duration,
    live: Mutex<HashMap<String, Arc<LiveRun>>>,
}

/// A run this process is running.
struct LiveRun {
    run: Mutex<BatchRun>,
    cancel: watch::Sender<bool>,
}

impl std::fmt::Debug for BatchRuns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchRuns").finish_non_exhaustive()
    }
}

impl BatchRuns {
    /// Runs of the workspaces in `registry`, stored in `history`, reported to `sink`
    /// at most once per `frame`.
    pub fn new(
        history: History,
        registry: Arc<WorkspaceRegistry>,
        sink: Arc<dyn BatchSink>,
        frame: Duration,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                history,
                registry,
                sink,
                frame,
                live: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// What running `count` items with `agent_id` would cost: a preview of one item
    /// (with no inputs) times the count.
    ///
    /// # Errors
    /// [`CoreError::UnknownWorkspace`], [`CoreError::KeyMissing`], and the preview's.
    pub async fn preview_cost(
        &self,
        workspace_id: &str,
        agent_id: &str,
        count: usize,
    ) -> Result<BatchCost, CoreError> {
        let client = self.client(workspace_id)?;
        let (per_item, _) = crate::preview_cost(&client, agent_id, &serde_json::Map::new()).await?;
        // A rule the server can only price afterwards shows as 0 credits, and a
        // preview with no rules prices the base alone: either way a lower bound.
        let at_least = per_item.rules.is_empty() || per_item.rules.iter().any(|r| r.credits == 0.0);
        #[allow(clippy::cast_precision_loss)]
        let total = per_item.credits * count as f64;
        Ok(BatchCost {
            per_item,
            count,
            total,
            at_least,
        })
    }

    /// Stores a new run of `rows` and starts it. Refused when a row is flagged
    /// (duplicate or empty key, empty or over-long message).
    ///
    /// # Errors
    /// [`CoreError::BatchFlagged`], [`CoreError::BatchEmpty`],
    /// [`CoreError::UnknownWorkspace`], [`CoreError::KeyMissing`],
    /// [`CoreError::Storage`].
    pub async fn start(
        &self,
        workspace_id: &str,
        agent_id: &str,
        rows: Vec<BatchRow>,
        retry_of: Option<String>,
    ) -> Result<BatchRun, CoreError> {
        if rows.is_empty() {
            return Err(CoreError::BatchEmpty);
        }
        let flagged = flag(&rows).iter().filter(|f| !f.is_empty()).count();
        if flagged > 0 {
            return Err(CoreError::BatchFlagged(flagged));
        }
        let client = self.client(workspace_id)?;
        let workspace = self
            .inner
            .registry
            .get(workspace_id)
            .ok_or_else(|| CoreError::UnknownWorkspace(workspace_id.to_owned()))?;
        let agent_name = workspace
            .agents
            .iter()
            .find(|a| a.id == agent_id)
            .map_or_else(|| agent_id.to_owned(), |a| a.name.clone());
        self.inner
            .history
            .save_workspace(crate::history::WorkspaceRecord {
                id: workspace.id.clone(),
                name: workspace.name.clone(),
                base_url: workspace.client.config().base_url.clone(),
                kind: workspace.kind,
            })
            .await
            .map_err(storage)?;
        let run = BatchRun::new(
            format!("batch:{}", uuid::Uuid::new_v4()),
            workspace_id.to_owned(),
            agent_id.to_owned(),
            agent_name,
            crate::conversations::now_ms(),
            retry_of,
            rows,
        );
        let calls: Vec<BatchCallRecord> = (0..run.items.len())
            .step_by(MAX_ITEMS_PER_CALL)
            .enumerate()
            .map(|(index, first)| BatchCallRecord {
                call_index: index,
                idempotency_key: crate::executions::new_idempotency_key(),
                first_position: first,
                last_position: (first + MAX_ITEMS_PER_CALL).min(run.items.len()) - 1,
                status: crate::batch::CallStatus::Pending,
            })
            .collect();
        self.inner
            .history
            .create_batch_run(run.clone(), calls.clone())
            .await
            .map_err(storage)?;
        let (cancel, cancelled) = watch::channel(false);
        let live = Arc::new(LiveRun {
            run: Mutex::new(run.clone()),
            cancel,
        });
        lock(&self.inner.live).insert(run.id.clone(), live.clone());
        let this = self.clone();
        tokio::spawn(async move { this.drive(live, client, calls, cancelled).await });
        Ok(run)
    }

    /// Stops a run: no further call is sent and the open stream is closed. Items
    /// already sent may still run on the server and be charged.
    ///
    /// # Errors
    /// [`CoreError::UnknownBatchRun`] when this process is not running it.
    pub fn cancel(&self, run_id: &str) -> Result<(), CoreError> {
        let live = lock(&self.inner.live)
            .get(run_id)
            .cloned()
            .ok_or_else(|| CoreError::UnknownBatchRun(run_id.to_owned()))?;
        live.cancel.send_replace(true);
        Ok(())
    }

    /// A new run holding only the failed items of `run_id`, with new keys.
    ///
    /// # Errors
    /// [`CoreError::UnknownBatchRun`], [`CoreError::BatchEmpty`] when none failed,
    /// and those of [`Self::start`].
    pub async fn retry_failed(&self, run_id: &str) -> Result<BatchRun, CoreError> {
        let run = self.run(run_id)?;
        let rows: Vec<BatchRow> = run
            .items
            .iter()
            .filter(|i| i.status == ItemStatus::Failed)
            .map(|i| BatchRow {
                line: i.position + 1,
                key: i.key.clone(),
                message: i.message.clone(),
            })
            .collect();
        self.start(&run.workspace_id, &run.agent_id, rows, Some(run.id.clone()))
            .await
    }

    /// A run as this process knows it, or as stored.
    ///
    /// # Errors
    /// [`CoreError::UnknownBatchRun`], [`CoreError::Storage`].
    pub fn run(&self, run_id: &str) -> Result<BatchRun, CoreError> {
        if let Some(live) = lock(&self.inner.live).get(run_id) {
            return Ok(lock(&live.run).clone());
        }
        self.inner
            .history
            .batch_run(run_id)
            .map_err(storage)?
            .ok_or_else(|| CoreError::UnknownBatchRun(run_id.to_owned()))
    }

    /// A workspace's runs, newest first.
    ///
    /// # Errors
    /// [`CoreError::Storage`].
    pub fn runs(&self, workspace_id: &str) -> Result<Vec<BatchRunSummary>, CoreError> {
        self.inner.history.batch_runs(workspace_id).map_err(storage)
    }

    /// Writes a run's results to `path` as CSV or JSONL.
    ///
    /// # Errors
    /// [`CoreError::UnknownBatchRun`], [`CoreError::Storage`] (the reason names the
    /// file when it cannot be written).
    pub fn export(&self, run_id: &str, jsonl: bool, path: &Path) -> Result<(), CoreError> {
        let run = self.run(run_id)?;
        let text = if jsonl {
            crate::batch::to_jsonl(&run)
        } else {
            crate::batch::to_csv(&run)
        };
        std::fs::write(path, text)
            .map_err(|e| CoreError::Storage(format!("{}: {e}", path.display())))
    }

    /// Waits until the run is no longer running here (tests and shutdown).
    pub async fn until_done(&self, run_id: &str) {
        while lock(&self.inner.live).contains_key(run_id) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    fn client(&self, workspace_id: &str) -> Result<AthenaClient, CoreError> {
        let workspace = self
            .inner
            .registry
            .get(workspace_id)
            .ok_or_else(|| CoreError::UnknownWorkspace(workspace_id.to_owned()))?;
        if !workspace.has_key() {
            return Err(CoreError::KeyMissing);
        }
        Ok(workspace.client.clone())
    }

    /// Sends the calls one after the other, folding each stream into the run.
    async fn drive(
        &self,
        live: Arc<LiveRun>,
        client: AthenaClient,
        calls: Vec<BatchCallRecord>,
        mut cancelled: watch::Receiver<bool>,
    ) {
        let mut reporter = Reporter::new(self.inner.frame);
        let (run_id, agent_id) = {
            let run = lock(&live.run);
            (run.id.clone(), run.agent_id.clone())
        };
        for call in &calls {
            if *cancelled.borrow() {
                break;
            }
            let keys: Vec<String> = {
                let mut run = lock(&live.run);
                let positions: Vec<usize> = (call.first_position..=call.last_position).collect();
                run.mark_running(&positions);
                reporter.dirty.extend(positions);
                run.items[call.first_position..=call.last_position]
                    .iter()
                    .map(|i| i.key.clone())
                    .collect()
            };
            // Coalesced like any other change: a call starting is no reason to hand over
            // more than once a frame (fast calls would otherwise flood the page).
            self.report_if_due(&live, &mut reporter).await;
            let outcome = self
                .run_call(
                    &live,
                    &client,
                    &agent_id,
                    call,
                    &mut reporter,
                    &mut cancelled,
                )
                .await;
            let status = match &outcome {
                CallOutcome::Done => crate::batch::CallStatus::Done,
                CallOutcome::Cancelled => crate::batch::CallStatus::Sent,
                CallOutcome::Failed(reason) => {
                    let changed = lock(&live.run).fail_call(&keys, reason);
                    reporter.dirty.extend(changed);
                    crate::batch::CallStatus::Failed
                }
            };
            if let Err(err) = self
                .inner
                .history
                .set_batch_call(&run_id, call.call_index, status)
                .await
            {
                tracing::warn!(error = %err, "a batch call's state was not stored");
            }
            if matches!(outcome, CallOutcome::Cancelled) {
                break;
            }
        }
        let (status, finished_at, error) = {
            let mut run = lock(&live.run);
            if *cancelled.borrow() {
                let changed = run.cancel();
                reporter.dirty.extend(changed);
            } else {
                run.finish(crate::conversations::now_ms());
            }
            run.finished_at_ms
                .get_or_insert_with(crate::conversations::now_ms);
            (run.status, run.finished_at_ms, run.error.clone())
        };
        self.report(&live, &mut reporter, true).await;
        if let Err(err) = self
            .inner
            .history
            .finish_batch_run(&run_id, status, finished_at.unwrap_or_default(), error)
            .await
        {
            tracing::warn!(error = %err, "a batch run's end was not stored");
        }
        lock(&self.inner.live).remove(&run_id);
    }

    /// One call: sent with its key, retried once with the same key when it could not
    /// connect, its events folded into the run until it ends or the run is cancelled.
    async fn run_call(
        &self,
        live: &LiveRun,
        client: &AthenaClient,
        agent_id: &str,
        call: &BatchCallRecord,
        reporter: &mut Reporter,
        cancelled: &mut watch::Receiver<bool>,
    ) -> CallOutcome {
        let request = {
            let run = lock(&live.run);
            BatchRequest {
                items: run.items[call.first_position..=call.last_position]
                    .iter()
                    .map(|i| WireItem {
                        key: i.key.clone(),
                        request: ExecuteRequest::message(i.message.clone()),
                    })
                    .collect(),
            }
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut stream = match client.execute_batch(
                agent_id,
                &request,
                Some(call.idempotency_key.clone()),
            ) {
                Ok(stream) => stream,
                Err(err) => return CallOutcome::Failed(describe(&err)),
            };
            let mut any_event = false;
            loop {
                let next = tokio::select! {
                    next = stream.next() => next,
                    _ = cancelled.wait_for(|c| *c) => return CallOutcome::Cancelled,
                };
                match next {
                    None => return CallOutcome::Done,
                    Some(Ok(event)) => {
                        any_event = true;
                        let ended = matches!(event, BatchEvent::Completed(_));
                        let changed = lock(&live.run).apply(&event);
                        reporter.dirty.extend(changed);
                        self.report_if_due(live, reporter).await;
                        if ended {
                            return CallOutcome::Done;
                        }
                    }
                    Some(Err(err)) if !any_event && attempt == 1 && retryable(&err) => {
                        tracing::info!(error = %err, "a batch call failed to start; trying it again with its key");
                        tokio::time::sleep(CALL_RETRY_DELAY).await;
                        break;
                    }
                    Some(Err(err)) => return CallOutcome::Failed(describe(&err)),
                }
            }
        }
    }

    async fn report_if_due(&self, live: &LiveRun, reporter: &mut Reporter) {
        if reporter.last.elapsed() >= reporter.frame {
            self.report(live, reporter, false).await;
        }
    }

    /// Stores the changed items and hands the change over.
    async fn report(&self, live: &LiveRun, reporter: &mut Reporter, force: bool) {
        if reporter.dirty.is_empty() && !force {
            return;
        }
        let change = {
            let run = lock(&live.run);
            let items: Vec<_> = reporter
                .dirty
                .iter()
                .filter_map(|&p| run.items.get(p).cloned())
                .collect();
            BatchRunChange {
                run_id: run.id.clone(),
                status: run.status,
                counts: run.counts(),
                items,
                finished_at_ms: run.finished_at_ms,
                error: run.error.clone(),
            }
        };
        reporter.dirty.clear();
        reporter.last = Instant::now();
        if !change.items.is_empty()
            && let Err(err) = self
                .inner
                .history
                .record_batch_items(&change.run_id, change.items.clone())
                .await
        {
            tracing::warn!(error = %err, "batch items were not stored");
        }
        self.inner.sink.run_changed(change);
    }
}

enum CallOutcome {
    Done,
    Cancelled,
    Failed(String),
}

/// Changed items waiting to be handed over, and when the last change went.
struct Reporter {
    dirty: BTreeSet<usize>,
    last: Instant,
    frame: Duration,
}

impl Reporter {
    fn new(frame: Duration) -> Self {
        Self {
            dirty: BTreeSet::new(),
            last: Instant::now(),
            frame,
        }
    }
}

/// Whether a call that failed before any event may be tried again with its key.
fn retryable(err: &ApiError) -> bool {
    matches!(err, ApiError::Transport(_) | ApiError::Timeout { .. })
        || matches!(err, ApiError::Http { status, .. } if matches!(status, 429 | 500 | 502 | 503 | 504))
}

/// Why a call failed, in the server's words where it gave any (redacted).
fn describe(err: &ApiError) -> String {
    crate::redact::redact_secrets(&err.to_string()).into_owned()
}
