//! Starting, describing and stopping a running emulator.

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::agents::AgentInfo;
use crate::config::EmulatorConfig;
use crate::routes;
use crate::shutdown::{self, ShutdownTrigger};
use crate::state::AppState;

/// How long [`EmulatorHandle::stop`] waits for connections to finish before aborting.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// Entry point: starts an emulator server.
#[derive(Debug)]
pub struct Emulator;

impl Emulator {
    /// Binds `127.0.0.1:{config.port}` (never another interface), spawns the server on
    /// the current tokio runtime and returns once the socket accepts connections.
    ///
    /// Errors: the bind fails (port in use, ...), or `InvalidInput` when the key or
    /// workspace id cannot be an HTTP header value. Panics outside a tokio runtime.
    pub async fn start(config: EmulatorConfig) -> io::Result<EmulatorHandle> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await?;
        let addr = listener.local_addr()?;
        let (trigger, signal) = shutdown::channel();
        let state = Arc::new(AppState::new(&config, addr.port(), signal.clone())?);
        let agents = state.catalog.infos();
        let app = routes::router(state);
        let listener = listener.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!("TCP_NODELAY not set: {e}");
            }
        });
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app)
                .with_graceful_shutdown(signal.wait())
                .await
            {
                tracing::warn!("athena emulator stopped with an error: {e}");
            }
        });
        tracing::info!("athena emulator listening on http://{addr}");
        Ok(EmulatorHandle {
            addr,
            api_key: config.api_key,
            workspace_id: config.workspace_id,
            agents,
            trigger,
            task: Some(task),
        })
    }
}

/// A running emulator. Dropping it stops the server: the port is released and open
/// streams end (without their `final` event).
///
/// `Debug` never prints the API key.
pub struct EmulatorHandle {
    addr: SocketAddr,
    api_key: String,
    workspace_id: String,
    agents: Vec<AgentInfo>,
    trigger: ShutdownTrigger,
    task: Option<JoinHandle<()>>,
}

impl EmulatorHandle {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The only `X-API-Key` this server accepts.
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// The only `X-Workspace-Id` this server accepts.
    pub fn workspace_id(&self) -> &str {
        &self.workspace_id
    }

    /// The scripted agents this server offers.
    pub fn agents(&self) -> Vec<AgentInfo> {
        self.agents.clone()
    }

    /// Stops accepting connections, ends open streams and waits (up to a few seconds,
    /// then aborts) for the server task to finish. The port is free when this returns.
    pub async fn stop(mut self) {
        self.trigger.trigger();
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(STOP_GRACE, &mut task).await.is_err()
        {
            task.abort();
        }
    }
}

impl Drop for EmulatorHandle {
    fn drop(&mut self) {
        // The server task sees the signal, drops its listener and lets connections end.
        self.trigger.trigger();
    }
}

impl fmt::Debug for EmulatorHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorHandle")
            .field("base_url", &self.base_url())
            .field("api_key", &"<redacted>")
            .field("workspace_id", &self.workspace_id)
            .field("agents", &self.agents)
            .finish_non_exhaustive()
    }
}
