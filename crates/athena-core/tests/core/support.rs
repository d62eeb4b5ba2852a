//! Shared helpers: an emulator with a workspace on it, and a sink that records every
//! update with the time it arrived.

use std::sync::Arc;
use std::time::{Duration, Instant};

use athena_api::{ApiKey, AthenaClient, ClientConfig};
use athena_core::{
    ExecutionChange, ExecutionHandle, ExecutionRequest, ExecutionSnapshot, ExecutionUpdate,
    Executions, Part, UpdateSink, Workspace,
};
use athena_emulator::{Emulator, EmulatorConfig, EmulatorHandle};
use tokio::sync::watch;

/// How long a test waits for an execution before it fails.
pub const WAIT: Duration = Duration::from_secs(30);

/// One delivered update and when the sink received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub at: Instant,
    pub update: ExecutionUpdate,
}

/// A sink that keeps every update, in delivery order, and wakes waiters.
#[derive(Debug)]
pub struct Recorder {
    updates: watch::Sender<Vec<Recorded>>,
}

impl Recorder {
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            updates: watch::Sender::new(Vec::new()),
        })
    }

    /// Every update delivered so far, for every execution.
    pub fn all(&self) -> Vec<Recorded> {
        self.updates.borrow().clone()
    }

    /// The updates of one execution, in delivery order.
    pub fn of(&self, handle: &ExecutionHandle) -> Vec<ExecutionUpdate> {
        self.updates
            .borrow()
            .iter()
            .filter(|r| &r.update.handle == handle)
            .map(|r| r.update.clone())
            .collect()
    }

    /// The number of updates delivered so far for `handle`.
    pub fn count(&self, handle: &ExecutionHandle) -> usize {
        self.updates
            .borrow()
            .iter()
            .filter(|r| &r.update.handle == handle)
            .count()
    }

    /// Waits until `done` holds for the updates of `handle`; panics after [`WAIT`].
    pub async fn wait_until(
        &self,
        handle: &ExecutionHandle,
        what: &str,
        done: impl Fn(&[ExecutionUpdate]) -> bool,
    ) -> Vec<ExecutionUpdate> {
        let mut rx = self.updates.subscribe();
        let waited = tokio::time::timeout(
            WAIT,
            rx.wait_for(|all| {
                let mine: Vec<ExecutionUpdate> = all
                    .iter()
                    .filter(|r| &r.update.handle == handle)
                    .map(|r| r.update.clone())
                    .collect();
                done(&mine)
            }),
        )
        .await;
        match waited {
            Ok(Ok(_)) => self.of(handle),
            _ => panic!("timed out waiting for {what}; got {:#?}", self.of(handle)),
        }
    }

    /// Waits for the execution's last update (`Finished` or `Failed`).
    pub async fn wait_for_end(&self, handle: &ExecutionHandle) -> Vec<ExecutionUpdate> {
        self.wait_until(handle, "the end of the execution", |u| {
            u.last().is_some_and(|u| is_terminal(&u.change))
        })
        .await
    }
}

impl UpdateSink for Recorder {
    fn deliver(&self, update: ExecutionUpdate) {
        let at = Instant::now();
        self.updates
            .send_modify(|all| all.push(Recorded { at, update }));
    }
}

pub fn is_terminal(change: &ExecutionChange) -> bool {
    matches!(
        change,
        ExecutionChange::Finished { .. }
            | ExecutionChange::Failed { .. }
            | ExecutionChange::Stopped
    )
}

/// A running emulator, a workspace connected to it, and executions recording into a
/// [`Recorder`].
pub struct Setup {
    pub server: Option<EmulatorHandle>,
    pub workspace: Workspace,
    pub executions: Executions,
    pub recorder: Arc<Recorder>,
}

impl Setup {
    /// An emulator with `config`, reached with its own key.
    pub async fn start(config: EmulatorConfig, frame: Duration) -> Self {
        let server = Emulator::start(config).await.expect("emulator starts");
        let key = server.api_key().to_owned();
        Self::connect(server, &key, frame)
    }

    /// A workspace on `server` that sends `key`.
    pub fn connect(server: EmulatorHandle, key: &str, frame: Duration) -> Self {
        let mut setup = Self::at_url(&server.base_url(), key, frame);
        setup.server = Some(server);
        setup
    }

    /// A workspace on `base_url` (a server that may not exist).
    pub fn at_url(base_url: &str, key: &str, frame: Duration) -> Self {
        let workspace = workspace(base_url, key);
        let recorder = Recorder::new();
        let executions =
            Executions::new(recorder.clone(), frame, tokio::runtime::Handle::current());
        Self {
            server: None,
            workspace,
            executions,
            recorder,
        }
    }

    /// Sends `message` to `agent_id`; panics if core refuses it.
    pub fn send(&self, agent_id: &str, message: &str) -> ExecutionHandle {
        self.executions
            .send(&self.workspace, request(agent_id, message))
            .expect("core accepts the message")
    }
}

/// A workspace whose client talks to `base_url` with `key`.
pub fn workspace(base_url: &str, key: &str) -> Workspace {
    let config = ClientConfig::new(
        base_url,
        ApiKey::new(key),
        athena_emulator::DEFAULT_WORKSPACE_ID,
    );
    Workspace {
        id: athena_core::workspace_key(base_url, athena_emulator::DEFAULT_WORKSPACE_ID),
        name: "Test workspace".into(),
        kind: athena_core::WorkspaceKind::Run,
        external_user_id: None,
        key_storage: athena_core::KeyStorage::RunOnly,
        key_hint: String::new(),
        client: AthenaClient::new(config).expect("client builds"),
        agents: Vec::new(),
    }
}

/// A request to `agent_id` with `message` (the workspace is set by `send`).
pub fn request(agent_id: &str, message: &str) -> ExecutionRequest {
    ExecutionRequest {
        agent_id: agent_id.into(),
        message: message.into(),
        variables: None,
        ..ExecutionRequest::default()
    }
}

/// Folds `updates` in order over an empty execution, as a view would.
pub fn fold(handle: &ExecutionHandle, updates: &[ExecutionUpdate]) -> ExecutionSnapshot {
    let mut snapshot = ExecutionSnapshot::new(handle.clone());
    for update in updates {
        snapshot.apply(update.seq, &update.change);
    }
    snapshot
}

/// The answer text carried by `updates`: text parts added, and deltas appended to them.
pub fn deltas(updates: &[ExecutionUpdate]) -> String {
    let mut text_parts = Vec::new();
    let mut parts = 0u32;
    let mut out = String::new();
    for u in updates {
        match &u.change {
            ExecutionChange::PartAdded { part } => {
                if let Part::Text { text } = part {
                    text_parts.push(parts);
                    out.push_str(text);
                }
                parts += 1;
            }
            ExecutionChange::PartAppended { index, delta } if text_parts.contains(index) => {
                out.push_str(delta);
            }
            _ => {}
        }
    }
    out
}

/// Whether the update carries answer text (a text part added, or text appended).
pub fn is_text(change: &ExecutionChange) -> bool {
    matches!(
        change,
        ExecutionChange::PartAdded {
            part: Part::Text { .. }
        } | ExecutionChange::PartAppended { .. }
    )
}

/// The number of updates that carry answer text.
pub fn text_updates(updates: &[ExecutionUpdate]) -> usize {
    updates.iter().filter(|u| is_text(&u.change)).count()
}

/// Asserts that the seqs are 1, 2, 3, ... with no gap.
pub fn assert_consecutive(updates: &[ExecutionUpdate]) {
    let seqs: Vec<u64> = updates.iter().map(|u| u.seq).collect();
    let expected: Vec<u64> = (1..=updates.len() as u64).collect();
    assert_eq!(seqs, expected, "seqs are 1, 2, 3, ... with no gap");
}

/// The `execution_id` of the `Started` update.
pub fn started_id(updates: &[ExecutionUpdate]) -> String {
    updates
        .iter()
        .find_map(|u| match &u.change {
            ExecutionChange::Started { execution_id } => Some(execution_id.clone()),
            _ => None,
        })
        .expect("a Started update")
}
