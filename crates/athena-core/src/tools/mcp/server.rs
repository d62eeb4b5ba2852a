//! One MCP server kept alive: started when first needed, its tool list followed, and
//! restarted with backoff when it crashes, until it gives up and says why.
//!
//! States: `stopped` (not started yet, or stopped by the user or at quit) →
//! `starting` → `running` (with its tools) → on a crash `starting` again after a
//! wait of 1 s, 2 s, 4 s... (capped) → after the last failed attempt `failed`
//! with the reason, until the user restarts it. A first start that fails is
//! `failed` at once: a missing program does not appear by waiting.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rmcp::{Peer, RoleClient};
use serde_json::Value;
use tokio::sync::watch;

use super::connection::{self, CallError, Connection, RemoteTool};
use super::spec::McpServerSpec;
use crate::executions::lock;

/// How a crashed server is restarted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait before the first restart; each further wait doubles.
    pub first: Duration,
    /// The longest wait.
    pub cap: Duration,
    /// Restarts tried after a crash before the server is `failed`.
    pub attempts: u32,
    /// A server that ran this long before crashing starts its count afresh.
    pub stable_after: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            first: Duration::from_secs(1),
            cap: Duration::from_secs(30),
            attempts: 5,
            stable_after: Duration::from_secs(30),
        }
    }
}

impl Backoff {
    /// The wait before restart `attempt` (0-based).
    fn wait(&self, attempt: u32) -> Duration {
        self.first
            .saturating_mul(2_u32.saturating_pow(attempt))
            .min(self.cap)
    }
}

/// Where a server is, as the settings show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum McpStatus {
    /// Not running: not needed yet, disabled, or stopped.
    Stopped,
    /// Starting, or restarting after a crash.
    Starting,
    /// Running, offering this many tools (before mapping and limits).
    Running {
        /// How many tools it lists.
        tools: usize,
    },
    /// It could not be started, or crashed and could not be restarted.
    Failed {
        /// Why, in words for the settings.
        reason: String,
    },
}

struct State {
    status: McpStatus,
    peer: Option<Peer<RoleClient>>,
    tools: Vec<RemoteTool>,
    stop: Option<Arc<tokio::sync::Notify>>,
    supervisor: Option<tokio::task::JoinHandle<()>>,
}

/// One configured server and its process, if running.
pub(super) struct Server {
    pub(super) spec: McpServerSpec,
    state: Mutex<State>,
    /// Held while starting, so concurrent needs start one process.
    start: tokio::sync::Mutex<()>,
    /// Set while the server is being stopped: no restart follows.
    stopping: watch::Sender<bool>,
    /// Bumped on every change of status or tool list.
    revision: Arc<watch::Sender<u64>>,
    backoff: Backoff,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("id", &self.spec.id)
            .field("status", &self.status())
            .finish()
    }
}

impl Server {
    pub(super) fn new(
        spec: McpServerSpec,
        revision: Arc<watch::Sender<u64>>,
        backoff: Backoff,
    ) -> Arc<Self> {
        Arc::new(Self {
            spec,
            state: Mutex::new(State {
                status: McpStatus::Stopped,
                peer: None,
                tools: Vec::new(),
                stop: None,
                supervisor: None,
            }),
            start: tokio::sync::Mutex::new(()),
            stopping: watch::channel(false).0,
            revision,
            backoff,
        })
    }

    pub(super) fn status(&self) -> McpStatus {
        lock(&self.state).status.clone()
    }

    /// The tools as last listed (kept while stopped or failed, for the settings).
    pub(super) fn last_tools(&self) -> Vec<RemoteTool> {
        lock(&self.state).tools.clone()
    }

    fn changed(&self) {
        self.revision.send_modify(|r| *r = r.wrapping_add(1));
    }

    fn set_status(&self, status: McpStatus) {
        let mut state = lock(&self.state);
        if state.status != status {
            state.status = status;
            drop(state);
            self.changed();
        }
    }

    /// The running server's peer and tools, starting it first if it is stopped.
    ///
    /// # Errors
    /// Why it is not available: it failed (until restarted), is restarting after a
    /// crash, or could not start now.
    pub(super) async fn running(
        self: &Arc<Self>,
    ) -> Result<(Peer<RoleClient>, Vec<RemoteTool>), String> {
        let _starting = self.start.lock().await;
        {
            let state = lock(&self.state);
            if let Some(peer) = &state.peer {
                if peer.is_transport_closed() {
                    // Crashed a moment ago: the supervisor is about to restart it.
                    return Err("it is restarting after a crash; try again shortly".to_owned());
                }
                return Ok((peer.clone(), state.tools.clone()));
            }
            match &state.status {
                McpStatus::Failed { reason } => return Err(format!("failed: {reason}")),
                McpStatus::Starting => {
                    return Err("it is restarting after a crash; try again shortly".to_owned());
                }
                McpStatus::Stopped | McpStatus::Running { .. } => {}
            }
        }
        self.stopping.send_replace(false);
        self.set_status(McpStatus::Starting);
        match open(&self.spec.command_line).await {
            Ok((connection, tools)) => Ok(self.adopt(connection, tools)),
            Err(reason) => {
                self.set_status(McpStatus::Failed {
                    reason: reason.clone(),
                });
                Err(format!("failed: {reason}"))
            }
        }
    }

    /// Makes `connection` the running one and follows it until it ends.
    fn adopt(
        self: &Arc<Self>,
        connection: Connection,
        tools: Vec<RemoteTool>,
    ) -> (Peer<RoleClient>, Vec<RemoteTool>) {
        let peer = connection.peer.clone();
        {
            let mut state = lock(&self.state);
            state.peer = Some(peer.clone());
            state.tools = tools.clone();
            state.stop = Some(connection.stop.clone());
            state.status = McpStatus::Running { tools: tools.len() };
        }
        self.changed();
        let supervisor = tokio::spawn(self.clone().supervise(connection));
        // A previous supervisor (the one that restarted this connection) has ended
        // or is about to: only the newest is kept.
        lock(&self.state).supervisor = Some(supervisor);
        (peer, tools)
    }

    /// Follows one connection: re-lists tools when the server says they changed, and
    /// restarts it when it ends by itself.
    async fn supervise(self: Arc<Self>, mut connection: Connection) {
        let mut attempt = 0_u32;
        loop {
            let started = Instant::now();
            let stopped = loop {
                tokio::select! {
                    ended = &mut connection.ended => break ended.unwrap_or(false),
                    Some(()) = connection.changed.recv() => {
                        match connection::list_tools(&connection.peer).await {
                            Ok(tools) => self.replace_tools(tools),
                            Err(reason) => tracing::warn!(server = %self.spec.name, %reason, "a changed tool list could not be read"),
                        }
                    }
                }
            };
            if stopped || *self.stopping.borrow() {
                return;
            }
            let mut reason =
                connection::with_stderr("it exited".to_owned(), &connection.last_stderr);
            tracing::warn!(server = %self.spec.name, %reason, "an MCP server stopped; restarting it");
            {
                let mut state = lock(&self.state);
                state.peer = None;
                state.stop = None;
            }
            self.set_status(McpStatus::Starting);
            if started.elapsed() >= self.backoff.stable_after {
                attempt = 0;
            }
            let mut restarted = None;
            while attempt < self.backoff.attempts {
                let wait = self.backoff.wait(attempt);
                attempt += 1;
                let mut stopping = self.stopping.subscribe();
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    _ = stopping.wait_for(|s| *s) => return,
                }
                match open(&self.spec.command_line).await {
                    Ok(opened) => {
                        restarted = Some(opened);
                        break;
                    }
                    Err(why) => reason = why,
                }
            }
            let Some((next, tools)) = restarted else {
                self.set_status(McpStatus::Failed {
                    reason: format!(
                        "{reason} (gave up after {} restarts)",
                        self.backoff.attempts
                    ),
                });
                return;
            };
            if *self.stopping.borrow() {
                next.stop.notify_one();
                return;
            }
            {
                let mut state = lock(&self.state);
                state.peer = Some(next.peer.clone());
                state.stop = Some(next.stop.clone());
                state.tools = tools.clone();
                state.status = McpStatus::Running { tools: tools.len() };
            }
            self.changed();
            connection = next;
        }
    }

    fn replace_tools(&self, tools: Vec<RemoteTool>) {
        let mut state = lock(&self.state);
        if state.tools != tools {
            state.status = McpStatus::Running { tools: tools.len() };
            state.tools = tools;
            drop(state);
            self.changed();
        }
    }

    /// Calls tool `name` on the server, starting it first if needed, within `limit`.
    ///
    /// # Errors
    /// The tool's error text, or why the call could not be made or did not end.
    pub(super) async fn call(
        self: &Arc<Self>,
        name: &str,
        arguments: &Value,
        limit: Duration,
    ) -> Result<Value, CallError> {
        let (peer, _) = self.running().await.map_err(CallError::Call)?;
        match tokio::time::timeout(limit, connection::call_tool(&peer, name, arguments)).await {
            Ok(outcome) => outcome,
            Err(_) => Err(CallError::Call(format!(
                "it did not answer within {} s; the call was abandoned",
                limit.as_secs_f64()
            ))),
        }
    }

    /// Stops the process (if running) and waits for it to be gone; no restart follows.
    pub(super) async fn stop(&self) {
        self.stopping.send_replace(true);
        let (stop, supervisor) = {
            let mut state = lock(&self.state);
            state.peer = None;
            (state.stop.take(), state.supervisor.take())
        };
        if let Some(stop) = stop {
            stop.notify_one();
        }
        if let Some(supervisor) = supervisor
            && tokio::time::timeout(Duration::from_secs(5), supervisor)
                .await
                .is_err()
        {
            tracing::warn!(server = %self.spec.name, "an MCP server did not stop within 5 s");
        }
        self.set_status(McpStatus::Stopped);
    }

    /// Stops the server and starts it again (the user's Restart, also after `failed`).
    ///
    /// # Errors
    /// Why it did not start.
    pub(super) async fn restart(self: &Arc<Self>) -> Result<(), String> {
        self.stop().await;
        self.running().await.map(|_| ())
    }
}

/// Starts a server and lists its tools; a server that cannot list is stopped again.
async fn open(command_line: &str) -> Result<(Connection, Vec<RemoteTool>), String> {
    let connection = connection::start(command_line).await?;
    match connection::list_tools(&connection.peer).await {
        Ok(tools) => Ok((connection, tools)),
        Err(reason) => {
            connection.stop.notify_one();
            Err(reason)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_up_to_the_cap() {
        let backoff = Backoff::default();
        let waits: Vec<u64> = (0..7).map(|a| backoff.wait(a).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 30, 30]);
        assert_eq!(backoff.wait(100), Duration::from_secs(30));
    }
}
