use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use athena_api::ExecuteRequest;
use athena_api::validation::validate_message;
use futures_util::FutureExt;

use crate::runner;
use crate::{
    CoreError, ExecutionChange, ExecutionError, ExecutionHandle, ExecutionSnapshot,
    ExecutionUpdate, UpdateSink, Workspace,
};

/// Every execution the user started in this run of the app, and the one place that
/// changes them.
///
/// Each change is folded into the execution's snapshot and delivered to the sink
/// under the same lock, so a snapshot at seq N contains exactly updates 1..=N.
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

#[derive(Default)]
struct Table {
    order: Vec<ExecutionHandle>,
    by_handle: HashMap<ExecutionHandle, Arc<Mutex<ExecutionSnapshot>>>,
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

    /// Sends the user's message to an agent of the workspace as a streaming
    /// execution and returns at once with its handle.
    ///
    /// A message that breaks a documented limit is refused with
    /// [`CoreError::Validation`] and nothing is sent or recorded. Otherwise the
    /// execution is recorded (update 1, `Accepted`, carries the message), and every
    /// later outcome, failures included, arrives as updates.
    pub fn send(
        &self,
        workspace: &Workspace,
        agent_id: &str,
        message: String,
    ) -> Result<ExecutionHandle, CoreError> {
        validate_message(&message)?;
        let handle = ExecutionHandle::new();
        let execution = Arc::new(Mutex::new(ExecutionSnapshot::empty(handle.clone())));
        {
            let mut table = lock(&self.shared.table);
            table.order.push(handle.clone());
            table.by_handle.insert(handle.clone(), execution.clone());
        }
        let publisher = Publisher {
            execution,
            sink: self.shared.sink.clone(),
        };
        publisher.publish(ExecutionChange::Accepted {
            agent_id: agent_id.to_owned(),
            message: message.clone(),
        });
        // One user action, one idempotency key: generated here, reused by any retry.
        let request = ExecuteRequest::message(message);
        match workspace.client.execute_stream(agent_id, &request, None) {
            Ok(stream) => {
                let frame = self.shared.frame_interval;
                let on_panic = publisher.clone();
                self.shared.runtime.spawn(async move {
                    // A bug in one execution's task must not take the app down: the
                    // execution is marked interrupted and the others go on.
                    let run = AssertUnwindSafe(runner::run(stream, publisher, frame));
                    if run.catch_unwind().await.is_err() {
                        tracing::error!("an execution's task panicked; marked interrupted");
                        on_panic.publish(ExecutionChange::Failed {
                            error: ExecutionError::Interrupted,
                        });
                    }
                });
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

    /// The execution as of its latest update.
    pub fn snapshot(&self, handle: &ExecutionHandle) -> Result<ExecutionSnapshot, CoreError> {
        let execution = lock(&self.shared.table)
            .by_handle
            .get(handle)
            .cloned()
            .ok_or_else(|| CoreError::UnknownExecution(handle.to_string()))?;
        Ok(lock(&execution).clone())
    }

    /// Every execution, in the order they were sent.
    pub fn snapshots(&self) -> Vec<ExecutionSnapshot> {
        let executions: Vec<_> = {
            let table = lock(&self.shared.table);
            table
                .order
                .iter()
                .filter_map(|h| table.by_handle.get(h).cloned())
                .collect()
        };
        executions.iter().map(|e| lock(e).clone()).collect()
    }
}

/// Folds changes into one execution and delivers them, numbered, in order.
#[derive(Clone)]
pub(crate) struct Publisher {
    execution: Arc<Mutex<ExecutionSnapshot>>,
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

    /// The answer text so far and the server's id, for the final update.
    pub(crate) fn text_and_id(&self) -> (String, Option<String>) {
        let snapshot = lock(&self.execution);
        (snapshot.text.clone(), snapshot.execution_id.clone())
    }
}

/// Locks a mutex, recovering the data if a panicking thread poisoned it: every
/// change is applied whole under the lock, so the data is consistent.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
