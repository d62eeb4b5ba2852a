use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use athena_api::validation::validate_message;
use athena_api::{ApiError, ExecuteRequest, ExecutionEvent};
use futures_util::{FutureExt, Stream};
use tokio::sync::{Notify, watch};

use crate::approvals::{ClientTools, Suspension};
use crate::attention::{Attention, Noticed};
use crate::history::{History, MessageRecord, StoredToolCall};
use crate::runner::{self, RunEnd};
use crate::{
    CoreError, ExecutionChange, ExecutionError, ExecutionHandle, ExecutionRequest,
    ExecutionSnapshot, ExecutionStatus, ExecutionUpdate, InspectLog, Part, UpdateSink, Workspace,
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
    history: Option<History>,
    frame_interval: Duration,
    runtime: tokio::runtime::Handle,
    table: Mutex<Table>,
    /// Bumped each time an execution stops running: what [`Executions::until_idle`]
    /// waits on.
    ended: watch::Sender<u64>,
    /// Who is told of endings and approvals while the user looks elsewhere, once set.
    attention: OnceLock<Arc<Attention>>,
    /// Who downloads the files of completed media jobs, once set.
    media: OnceLock<crate::media::GeneratedMedia>,
}

/// One execution's state, its raw-event record, its stop signal and its key.
#[derive(Clone)]
struct Entry {
    snapshot: Arc<Mutex<ExecutionSnapshot>>,
    inspect: Arc<Mutex<InspectLog>>,
    stop: Arc<Notify>,
    idempotency_key: String,
}

#[derive(Default)]
struct Table {
    order: Vec<ExecutionHandle>,
    by_handle: HashMap<ExecutionHandle, Entry>,
}

/// An execution recorded and ready to run: what [`Executions::launch`] needs.
pub(crate) struct Run {
    pub(crate) handle: ExecutionHandle,
    pub(crate) idempotency_key: String,
    publisher: Publisher,
    stop: Arc<Notify>,
}

/// The events of one execution, however they are read.
pub(crate) type EventStream =
    std::pin::Pin<Box<dyn Stream<Item = Result<ExecutionEvent, ApiError>> + Send>>;

impl Executions {
    /// `frame_interval` is the shortest time between two text updates of one
    /// execution (16 ms: one frame); zero delivers every delta as it comes.
    /// Execution tasks run on `runtime`. Nothing is stored: see [`Self::with_history`].
    pub fn new(
        sink: Arc<dyn UpdateSink>,
        frame_interval: Duration,
        runtime: tokio::runtime::Handle,
    ) -> Self {
        Self::build(sink, None, frame_interval, runtime)
    }

    /// As [`Self::new`], and every execution of a conversation is stored in `history`:
    /// its message before it is sent, then every update.
    pub fn with_history(
        sink: Arc<dyn UpdateSink>,
        history: History,
        frame_interval: Duration,
        runtime: tokio::runtime::Handle,
    ) -> Self {
        Self::build(sink, Some(history), frame_interval, runtime)
    }

    fn build(
        sink: Arc<dyn UpdateSink>,
        history: Option<History>,
        frame_interval: Duration,
        runtime: tokio::runtime::Handle,
    ) -> Self {
        Self {
            shared: Arc::new(Shared {
                sink,
                history,
                frame_interval,
                runtime,
                table: Mutex::new(Table::default()),
                ended: watch::channel(0).0,
                attention: OnceLock::new(),
                media: OnceLock::new(),
            }),
        }
    }

    /// Sends the user's request to an agent of `workspace` as a streaming execution
    /// outside any conversation (no history, a fresh idempotency key), and returns at
    /// once with its handle. The request's workspace is set to `workspace`.
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
        let wire = ExecuteRequest::message(request.message.clone());
        let agent_id = request.agent_id.clone();
        let run = self.record(request, new_idempotency_key(), None);
        let handle = run.handle.clone();
        let client = workspace.client.clone();
        let key = run.idempotency_key.clone();
        self.launch(
            run,
            async move {
                let stream = client.execute_stream(&agent_id, &wire, Some(key))?;
                Ok(events_of(stream))
            },
            None,
        );
        Ok(handle)
    }

    /// Runs an execution over any stream of events instead of the network: for
    /// benchmarks and tests of everything after the HTTP client. Returns its handle.
    pub fn replay<S>(&self, request: ExecutionRequest, events: S) -> ExecutionHandle
    where
        S: Stream<Item = Result<ExecutionEvent, ApiError>> + Unpin + Send + 'static,
    {
        let run = self.record(request, new_idempotency_key(), None);
        let handle = run.handle.clone();
        self.spawn(events, run.publisher, run.stop);
        handle
    }

    /// Records a new execution of a conversation: its message is stored as pending,
    /// with its idempotency key, and committed before this returns (so a crash after
    /// sending never loses it); then `Accepted` is published. Nothing is sent yet.
    pub(crate) async fn begin(
        &self,
        request: ExecutionRequest,
        idempotency_key: String,
        sent_at_ms: i64,
    ) -> Result<Run, CoreError> {
        let handle = ExecutionHandle::new();
        if let Some(history) = &self.shared.history {
            history
                .add_message(MessageRecord {
                    handle: handle.clone(),
                    request: request.clone(),
                    idempotency_key: idempotency_key.clone(),
                    sent_at_ms,
                })
                .await
                .map_err(|e| CoreError::Storage(e.to_string()))?;
        }
        Ok(self.record(request, idempotency_key, Some(handle)))
    }

    /// Records a new execution and publishes its `Accepted` update.
    fn record(
        &self,
        request: ExecutionRequest,
        idempotency_key: String,
        handle: Option<ExecutionHandle>,
    ) -> Run {
        let handle = handle.unwrap_or_else(ExecutionHandle::new);
        let entry = self.insert(ExecutionSnapshot::new(handle.clone()), idempotency_key);
        let run = self.run_of(&handle, entry);
        run.publisher.publish(ExecutionChange::Accepted { request });
        run
    }

    fn insert(&self, snapshot: ExecutionSnapshot, idempotency_key: String) -> Entry {
        let handle = snapshot.handle.clone();
        let entry = Entry {
            snapshot: Arc::new(Mutex::new(snapshot)),
            inspect: Arc::new(Mutex::new(InspectLog::default())),
            stop: Arc::new(Notify::new()),
            idempotency_key,
        };
        let mut table = lock(&self.shared.table);
        table.order.push(handle.clone());
        table.by_handle.insert(handle, entry.clone());
        entry
    }

    fn run_of(&self, handle: &ExecutionHandle, entry: Entry) -> Run {
        Run {
            handle: handle.clone(),
            idempotency_key: entry.idempotency_key,
            publisher: Publisher {
                execution: entry.snapshot,
                inspect: entry.inspect,
                sink: self.shared.sink.clone(),
                history: self.shared.history.clone(),
                ended: self.shared.ended.clone(),
                attention: self.shared.attention.get().cloned(),
                media: self.shared.media.get().cloned(),
            },
            stop: entry.stop,
        }
    }

    /// Tells the user through `attention` when an execution sent from now on answers,
    /// fails or waits for their approval (see [`crate::attention`]). Set once; later
    /// calls are ignored.
    pub fn notify_with(&self, attention: Arc<Attention>) {
        let _ = self.shared.attention.set(attention);
    }

    /// Downloads the files of every media job that completes from now on through
    /// `media` (see [`crate::media`]). Set once; later calls are ignored.
    pub fn keep_media_with(&self, media: crate::media::GeneratedMedia) {
        let _ = self.shared.media.set(media);
    }

    /// Brings an execution of an earlier run (from the history) back, so it can be
    /// resent or given feedback; its updates continue from its stored number. Does
    /// nothing when it is already here.
    pub(crate) fn adopt(&self, snapshot: ExecutionSnapshot, idempotency_key: String) {
        if lock(&self.shared.table)
            .by_handle
            .contains_key(&snapshot.handle)
        {
            return;
        }
        self.insert(snapshot, idempotency_key);
    }

    /// Marks a failed execution as sent again (`Resent`) and returns what runs it
    /// with its own idempotency key. Only an execution that failed before any answer,
    /// for a reason a resend can fix, may be resent.
    pub(crate) fn resend(
        &self,
        handle: &ExecutionHandle,
    ) -> Result<(Run, ExecutionRequest), CoreError> {
        let entry = self.entry(handle)?;
        let request = {
            let snapshot = lock(&entry.snapshot);
            let before_any_answer = snapshot.execution_id.is_none() && snapshot.parts.is_empty();
            let fixable = snapshot
                .error
                .as_ref()
                .is_some_and(ExecutionError::allows_resend);
            if !(snapshot.status == ExecutionStatus::Failed && before_any_answer && fixable) {
                return Err(CoreError::NotResendable);
            }
            snapshot.request.clone()
        };
        let run = self.run_of(handle, entry);
        run.publisher.publish(ExecutionChange::Resent);
        Ok((run, request))
    }

    /// Publishes a change to an execution from outside its stream (feedback).
    pub(crate) fn publish(
        &self,
        handle: &ExecutionHandle,
        change: ExecutionChange,
    ) -> Result<(), CoreError> {
        let entry = self.entry(handle)?;
        self.run_of(handle, entry).publisher.publish(change);
        Ok(())
    }

    /// Runs a recorded execution: awaits `start` (which opens its stream; anything
    /// it needs first, like the conversation's scope, happens there), then reads the
    /// stream. A stop request is honoured while `start` is still waiting too.
    /// With `answerer`, a suspension for client tools is answered (see
    /// [`ClientTools`]) and the resumed stream read into the same execution.
    pub(crate) fn launch<F>(&self, run: Run, start: F, answerer: Option<Answerer>)
    where
        F: Future<Output = Result<EventStream, ExecutionError>> + Send + 'static,
    {
        let frame = self.shared.frame_interval;
        let Run {
            publisher, stop, ..
        } = run;
        let on_panic = publisher.clone();
        self.shared.runtime.spawn(async move {
            let run = AssertUnwindSafe(async move {
                let opened = tokio::select! {
                    biased;
                    () = stop.notified() => {
                        publisher.publish(ExecutionChange::Stopped);
                        return;
                    }
                    opened = start => opened,
                };
                match opened {
                    Ok(events) => drive(events, publisher, frame, stop, answerer).await,
                    Err(error) => {
                        tracing::warn!(?error, "could not start the execution");
                        publisher.publish(ExecutionChange::Failed { error });
                    }
                }
            });
            if run.catch_unwind().await.is_err() {
                tracing::error!("an execution's task panicked; marked interrupted");
                on_panic.publish(ExecutionChange::Failed {
                    error: ExecutionError::Interrupted,
                });
            }
        });
    }

    /// Answers the open client tool calls of an execution the last run of the app
    /// left suspended (brought back with [`Self::adopt`] first), then reads the
    /// resumed stream into it.
    ///
    /// # Errors
    /// [`CoreError::UnknownExecution`].
    pub(crate) fn resume_suspended(
        &self,
        handle: &ExecutionHandle,
        answerer: Answerer,
        calls: Vec<StoredToolCall>,
    ) -> Result<(), CoreError> {
        let entry = self.entry(handle)?;
        let Run {
            publisher, stop, ..
        } = self.run_of(handle, entry);
        let frame = self.shared.frame_interval;
        let on_panic = publisher.clone();
        self.shared.runtime.spawn(async move {
            let run = AssertUnwindSafe(async move {
                let (tools, suspension) = &answerer;
                if let Some(resumed) = tools.answer(suspension, &publisher, &stop, calls).await {
                    drive(resumed, publisher, frame, stop, Some(answerer)).await;
                }
            });
            if run.catch_unwind().await.is_err() {
                tracing::error!("an execution's task panicked; marked interrupted");
                on_panic.publish(ExecutionChange::Failed {
                    error: ExecutionError::Interrupted,
                });
            }
        });
        Ok(())
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
            let run = AssertUnwindSafe(runner::run(events, publisher, frame, stop, false));
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

    /// The execution as of its latest update, when it is known to this run.
    pub(crate) fn live_snapshot(&self, handle: &ExecutionHandle) -> Option<ExecutionSnapshot> {
        self.entry(handle).ok().map(|e| lock(&e.snapshot).clone())
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

    /// The conversations that have an execution running now.
    pub fn running_conversations(&self) -> HashSet<String> {
        let executions: Vec<_> = lock(&self.shared.table)
            .by_handle
            .values()
            .map(|e| e.snapshot.clone())
            .collect();
        // One lock at a time, and no copy of the parts.
        executions
            .iter()
            .filter_map(|e| {
                let snapshot = lock(e);
                snapshot
                    .status
                    .is_running()
                    .then(|| snapshot.request.conversation_id.clone())
            })
            .collect()
    }

    /// Drops every execution of `conversation_id` from this run's memory (its parts,
    /// raw events and key), so a deleted conversation's answers are no longer readable
    /// by handle. Returns how many were dropped. The caller makes sure none runs.
    pub(crate) fn forget_conversation(&self, conversation_id: &str) -> usize {
        let executions: Vec<_> = lock(&self.shared.table)
            .by_handle
            .iter()
            .map(|(h, e)| (h.clone(), e.snapshot.clone()))
            .collect();
        // One lock at a time, as everywhere here.
        let doomed: HashSet<ExecutionHandle> = executions
            .into_iter()
            .filter(|(_, s)| lock(s).request.conversation_id == conversation_id)
            .map(|(h, _)| h)
            .collect();
        let mut table = lock(&self.shared.table);
        table.by_handle.retain(|h, _| !doomed.contains(h));
        table.order.retain(|h| !doomed.contains(h));
        doomed.len()
    }

    /// Returns once no execution of `conversation_id` is running.
    pub async fn until_idle(&self, conversation_id: &str) {
        let mut ended = self.shared.ended.subscribe();
        while self.running_conversations().contains(conversation_id) {
            if ended.changed().await.is_err() {
                return;
            }
        }
    }

    fn entry(&self, handle: &ExecutionHandle) -> Result<Entry, CoreError> {
        lock(&self.shared.table)
            .by_handle
            .get(handle)
            .cloned()
            .ok_or_else(|| CoreError::UnknownExecution(handle.to_string()))
    }
}

/// What answers an execution's client tool calls: the tools, and whose calls.
pub(crate) type Answerer = (ClientTools, Suspension);

/// Reads an execution's events; each suspension for client tools is answered (with
/// an answerer) and the resumed stream read on, until the execution ends.
async fn drive(
    mut events: EventStream,
    publisher: Publisher,
    frame: Duration,
    stop: Arc<Notify>,
    answerer: Option<Answerer>,
) {
    loop {
        let end = runner::run(
            events,
            publisher.clone(),
            frame,
            stop.clone(),
            answerer.is_some(),
        )
        .await;
        let (RunEnd::Suspended(calls), Some((tools, suspension))) = (end, &answerer) else {
            return;
        };
        let execution_id = publisher.execution_id().unwrap_or_default();
        let calls = tools
            .record_calls(&suspension.handle, &execution_id, calls)
            .await;
        match tools.answer(suspension, &publisher, &stop, calls).await {
            Some(resumed) => events = resumed,
            None => return,
        }
    }
}

/// The events of an HTTP execution stream, as a `Stream`.
pub(crate) fn events_of(stream: athena_api::ExecutionStream) -> EventStream {
    Box::pin(futures_util::stream::unfold(stream, |mut s| async move {
        s.next().await.map(|event| (event, s))
    }))
}

/// Folds changes into one execution and delivers them, numbered, in order.
#[derive(Clone)]
pub(crate) struct Publisher {
    execution: Arc<Mutex<ExecutionSnapshot>>,
    inspect: Arc<Mutex<InspectLog>>,
    sink: Arc<dyn UpdateSink>,
    history: Option<History>,
    ended: watch::Sender<u64>,
    attention: Option<Arc<Attention>>,
    media: Option<crate::media::GeneratedMedia>,
}

impl Publisher {
    pub(crate) fn publish(&self, change: ExecutionChange) {
        let mut snapshot = lock(&self.execution);
        let was_running = snapshot.status.is_running();
        // Read before the change is folded in: what the execution was tells what the
        // change means (it ended, a call started waiting).
        let noticed = self
            .attention
            .as_ref()
            .and_then(|_| Noticed::of(&snapshot, &change));
        // A completed media job starts its downloads once the change is out.
        let completed = self.media.as_ref().and_then(|_| match &change {
            ExecutionChange::PartAdded { part } | ExecutionChange::PartUpdated { part, .. } => {
                crate::media::completed_job(part)
                    .map(|(job, files)| (snapshot.handle.clone(), job.to_owned(), files.to_vec()))
            }
            _ => None,
        });
        let seq = snapshot.seq + 1;
        snapshot.apply(seq, &change);
        let update = ExecutionUpdate {
            handle: snapshot.handle.clone(),
            workspace_id: snapshot.request.workspace_id.clone(),
            conversation_id: snapshot.request.conversation_id.clone(),
            seq,
            change,
        };
        // Queued for the history's writer (it never blocks): stored in this order.
        if let Some(history) = &self.history {
            history.record(&update);
        }
        let ended = was_running && !snapshot.status.is_running();
        // Delivered under the lock: a snapshot taken meanwhile is either before or
        // after this update, never between.
        self.sink.deliver(update);
        drop(snapshot);
        // After the lock: the notifier may take its time. Before the end is
        // announced, so that whoever waits for it (`until_idle`) finds the
        // notification shown.
        if let (Some(attention), Some(noticed)) = (&self.attention, noticed) {
            attention.consider(noticed);
        }
        if let (Some(media), Some((handle, job_id, files))) = (&self.media, completed) {
            media.job_completed(&handle, &job_id, &files);
        }
        if ended {
            self.ended.send_modify(|n| *n += 1);
        }
    }

    /// Records one stream item for the Inspect view.
    pub(crate) fn inspect(&self, at_ms: u64, item: &Result<ExecutionEvent, ApiError>) {
        lock(&self.inspect).record(at_ms, item);
    }

    /// The part at `index`, as folded so far.
    pub(crate) fn part(&self, index: u32) -> Option<Part> {
        lock(&self.execution).parts.get(index as usize).cloned()
    }

    /// How many parts the execution has.
    pub(crate) fn part_count(&self) -> u32 {
        u32::try_from(lock(&self.execution).parts.len()).unwrap_or(u32::MAX)
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
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A fresh idempotency key: one per user action, reused by every retry and resend of
/// that action.
pub(crate) fn new_idempotency_key() -> String {
    uuid::Uuid::new_v4().to_string()
}
