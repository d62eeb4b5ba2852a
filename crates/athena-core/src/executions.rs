use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use athena_api::validation::validate_message;
use athena_api::{ApiError, ExecuteRequest, ExecutionEvent};
use futures_util::{FutureExt, Stream};
use tokio::sync::Notify;

use crate::runner;
use crate::{
    CoreError, ExecutionChange, ExecutionError, ExecutionHandle, ExecutionRequest,
    ExecutionSnapshot, ExecutionUpdate, InspectLog, Part, UpdateSink, Workspace,
};

/// Every execution the user started in this run of the app, and the one place that
/// changes them.
///
/// Each change is folded into the execution's snapshot and delivered to the sink
/// under the same lock, so a snapshot at seq N contains exactly updates 1..=N. No
/// other work (network, disk) happens under a lock.
#[derive(Clone)]
pub struct Executions {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Executions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Executions")
            .field("count", &lock(&self.shared.table).order.len())
            .finish()
    }
}

struct Shared {
    sink: Arc<dyn UpdateSink>,
    frame_interval: Duration,
    runtime: tokio::runtime::Handle,
    table: Mutex<Table>,
}

/// One execution's state, its raw-event record and its stop signal.
#[derive(Clone)]
struct Entry {
    snapshot: Arc<Mutex<ExecutionSnapshot>>,
    inspect: Arc<Mutex<InspectLog>>,
    stop: Arc<Notify>,
}

#[derive(Default)]
struct Table {
    order: Vec<ExecutionHandle>,
    by_handle: HashMap<ExecutionHandle, Entry>,
}

impl Executions {
    /// `frame_interval` is the shortest time between two text updates of one
    /// execution (16 ms: one frame); zero delivers every delta as it comes.
    /// Execution tasks run on `runtime`.
    pub fn new(
        sink: Arc<dyn UpdateSink>,
        frame_interval: Duration,
        runtime: tokio::runtime::Handle,
    ) -> Self {
        Self {
            shared: Arc::new(Shared {
                sink,
                frame_interval,
                runtime,
                table: Mutex::new(Table::default()),
            }),
        }
    }

    /// Sends the user's request to an agent of `workspace` as a streaming execution
    /// and returns at once with its handle. The request's workspace is set to
    /// `workspace`.
    ///
    /// A message that breaks a documented limit is refused with
    /// [`CoreError::Validation`] and nothing is sent or recorded. Otherwise the
    /// execution is recorded (update 1, `Accepted`, carries the request), and every
    /// later outcome, failures included, arrives as updates.
    pub fn send(
        &self,
        workspace: &Workspace,
        mut request: ExecutionRequest,
    ) -> Result<ExecutionHandle, CoreError> {
        validate_message(&request.message)?;
        request.workspace_id.clone_from(&workspace.id);
        // One user action, one idempotency key: generated here, reused by any retry.
        let wire = ExecuteRequest::message(request.message.clone());
        let agent_id = request.agent_id.clone();
        let (handle, publisher, stop) = self.record(request);
        match workspace.client.execute_stream(&agent_id, &wire, None) {
            Ok(stream) => {
                let events = futures_util::stream::unfold(stream, |mut s| async move {
                    s.next().await.map(|event| (event, s))
                });
                self.spawn(Box::pin(events), publisher, stop);
            }
            Err(err) => {
                tracing::warn!(error = %err, "could not start the execution");
                publisher.publish(ExecutionChange::Failed {
                    error: ExecutionError::from(err),
                });
            }
        }
        Ok(handle)
    }

    /// Runs an execution over any stream of events instead of the network: for
    /// benchmarks and tests of everything after the HTTP client. Returns its handle.
    pub fn replay<S>(&self, request: ExecutionRequest, events: S) -> ExecutionHandle
    where
        S: Stream<Item = Result<ExecutionEvent, ApiError>> + Unpin + Send + 'static,
    {
        let (handle, publisher, stop) = self.record(request);
        self.spawn(events, publisher, stop);
        handle
    }

    /// Records a new execution and publishes its `Accepted` update.
    fn record(&self, request: ExecutionRequest) -> (ExecutionHandle, Publisher, Arc<Notify>) {
        let handle = ExecutionHandle::new();
        let entry = Entry {
            snapshot: Arc::new(Mutex::new(ExecutionSnapshot::new(handle.clone()))),
            inspect: Arc::new(Mutex::new(InspectLog::default())),
            stop: Arc::new(Notify::new()),
        };
        {
            let mut table = lock(&self.shared.table);
            table.order.push(handle.clone());
            table.by_handle.insert(handle.clone(), entry.clone());
        }
        let publisher = Publisher {
            execution: entry.snapshot,
            inspect: entry.inspect,
            sink: self.shared.sink.clone(),
        };
        publisher.publish(ExecutionChange::Accepted { request });
        (handle, publisher, entry.stop)
    }

    fn spawn<S>(&self, events: S, publisher: Publisher, stop: Arc<Notify>)
    where
        S: Stream<Item = Result<ExecutionEvent, ApiError>> + Unpin + Send + 'static,
    {
        let frame = self.shared.frame_interval;
        let on_panic = publisher.clone();
        self.shared.runtime.spawn(async move {
            // A bug in one execution's task must not take the app down: the
            // execution is marked interrupted and the others go on.
            let run = AssertUnwindSafe(runner::run(events, publisher, frame, stop));
            if run.catch_unwind().await.is_err() {
                tracing::error!("an execution's task panicked; marked interrupted");
                on_panic.publish(ExecutionChange::Failed {
                    error: ExecutionError::Interrupted,
                });
            }
        });
    }

    /// Stops a running execution: what arrived is kept, the execution is marked
    /// stopped, and the stream is closed. The server may still finish it (and charge
    /// for it): the API has no way to cancel. Stopping a finished execution does
    /// nothing.
    pub fn stop(&self, handle: &ExecutionHandle) -> Result<(), CoreError> {
        let entry = self.entry(handle)?;
        if lock(&entry.snapshot).status.is_running() {
            // A stored permit: the runner sees it even if it is not waiting yet.
            entry.stop.notify_one();
        }
        Ok(())
    }

    /// The execution's raw events, for the Inspect view.
    pub fn inspect(&self, handle: &ExecutionHandle) -> Result<InspectLog, CoreError> {
        let entry = self.entry(handle)?;
        let log = lock(&entry.inspect).clone();
        Ok(log)
    }

    /// The execution as of its latest update.
    pub fn snapshot(&self, handle: &ExecutionHandle) -> Result<ExecutionSnapshot, CoreError> {
        let entry = self.entry(handle)?;
        let snapshot = lock(&entry.snapshot).clone();
        Ok(snapshot)
    }

    /// Every execution, in the order they were sent.
    pub fn snapshots(&self) -> Vec<ExecutionSnapshot> {
        let executions: Vec<_> = {
            let table = lock(&self.shared.table);
            table
                .order
                .iter()
                .filter_map(|h| table.by_handle.get(h).map(|e| e.snapshot.clone()))
                .collect()
        };
        executions.iter().map(|e| lock(e).clone()).collect()
    }

    fn entry(&self, handle: &ExecutionHandle) -> Result<Entry, CoreError> {
        lock(&self.shared.table)
            .by_handle
            .get(handle)
            .cloned()
            .ok_or_else(|| CoreError::UnknownExecution(handle.to_string()))
    }
}

/// Folds changes into one execution and delivers them, numbered, in order.
#[derive(Clone)]
pub(crate) struct Publisher {
    execution: Arc<Mutex<ExecutionSnapshot>>,
    inspect: Arc<Mutex<InspectLog>>,
    sink: Arc<dyn UpdateSink>,
}

impl Publisher {
    pub(crate) fn publish(&self, change: ExecutionChange) {
        let mut snapshot = lock(&self.execution);
        let seq = snapshot.seq + 1;
        snapshot.apply(seq, &change);
        // Delivered under the lock: a snapshot taken meanwhile is either before or
        // after this update, never between.
        self.sink.deliver(ExecutionUpdate {
            handle: snapshot.handle.clone(),
            seq,
            change,
        });
    }

    /// Records one stream item for the Inspect view.
    pub(crate) fn inspect(&self, at_ms: u64, item: &Result<ExecutionEvent, ApiError>) {
        lock(&self.inspect).record(at_ms, item);
    }

    /// The part at `index`, as folded so far.
    pub(crate) fn part(&self, index: u32) -> Option<Part> {
        lock(&self.execution).parts.get(index as usize).cloned()
    }

    /// The server's id, once known.
    pub(crate) fn execution_id(&self) -> Option<String> {
        lock(&self.execution).execution_id.clone()
    }

    /// The answer's markdown so far.
    pub(crate) fn answer_text(&self) -> String {
        lock(&self.execution).answer_text()
    }
}

/// Locks a mutex, recovering the data if a panicking thread poisoned it: every
/// change is applied whole under the lock, so the data is consistent.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
