//! The user's MCP servers, offered as client tools.
//!
//! A server is a program the user names by a command line (split into words as a
//! shell would, never run by one: [`split_command_line`]). It is started over stdio
//! with the official MCP SDK when its tools are first needed, and its tools become
//! client tools named `<server>_<tool>` in the API's pattern (see `names.rs`), each
//! with the server's description and input schema. A schema that does not compile is
//! left out with the reason shown in settings. The approval gate runs them like any
//! other tool: only for an approved call.
//!
//! Invariants:
//! - A crashed server is restarted with backoff (1 s, 2 s, 4 s... up to 30 s, five
//!   times) and then shown as failed with the reason, until the user restarts it.
//! - Every change of a server's status or tool list bumps [`McpServers::changes`]:
//!   the shell then rebuilds the registry with [`McpServers::tools`]. A tool whose
//!   definition changed has a new fingerprint, so its "always allow" rule no longer
//!   applies; an unchanged tool keeps its name and fingerprint, and so its rule.
//! - [`McpServers::stop_all`] ends every server process (the app calls it at quit).

mod connection;
mod list;
mod names;
mod server;
mod spec;
mod tool;

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::runtime::Handle;
use tokio::sync::watch;

pub use list::{check_in_list, command_line_changed, save_in_list};
pub use server::{Backoff, McpStatus};
pub use spec::{
    MAX_COMMAND_LINE_CHARS, MAX_SERVER_NAME_CHARS, MAX_SERVERS, McpServerSpec, SampleRefused,
    ServersProblem, SpecError, check_servers, sample_arguments, split_command_line,
};

use self::connection::CallError;
use self::server::Server;
use self::tool::McpTool;
use super::definition::ToolDefinition;
use super::{Tool, schema};
use crate::executions::lock;

/// How long an MCP tool call may take before it fails.
pub const CALL_LIMIT: Duration = Duration::from_secs(60);

/// One tool of a server, as the settings list it.
#[derive(Debug, Clone, PartialEq)]
pub struct McpToolInfo {
    /// The name the agent is offered (and rules and enabling use).
    pub name: String,
    /// The server's own name for it.
    pub remote_name: String,
    /// Its description, as the server gave it.
    pub description: String,
    /// Its input schema, as the server gave it.
    pub input_schema: Value,
    /// Why it is not offered (its schema does not compile), if so.
    pub problem: Option<String>,
}

/// A server as the settings show it.
#[derive(Debug, Clone, PartialEq)]
pub struct McpServerState {
    /// The server as configured.
    pub spec: McpServerSpec,
    /// Where it is.
    pub status: McpStatus,
    /// Its tools, as last listed (empty until it has run).
    pub tools: Vec<McpToolInfo>,
}

/// The user's MCP servers: started when needed, kept alive, stopped at quit.
///
/// Cheap to clone (shared).
#[derive(Clone)]
pub struct McpServers {
    inner: Arc<Inner>,
}

struct Inner {
    servers: Mutex<Vec<Arc<Server>>>,
    /// Set by [`McpServers::stop_all`]: the app is quitting, nothing starts again.
    closed: AtomicBool,
    revision: Arc<watch::Sender<u64>>,
    runtime: Handle,
    backoff: Backoff,
    call_limit: Duration,
}

impl std::fmt::Debug for McpServers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("McpServers")
            .field("servers", &*lock(&self.inner.servers))
            .finish_non_exhaustive()
    }
}

impl Default for McpServers {
    fn default() -> Self {
        Self::new()
    }
}

impl McpServers {
    /// No servers yet, with the default restart backoff and a 60 s call limit.
    ///
    /// # Panics
    /// Outside a Tokio runtime (the servers' processes and calls live on it).
    pub fn new() -> Self {
        Self::with_limits(Backoff::default(), CALL_LIMIT)
    }

    /// As [`Self::new`], with another backoff and call limit (for tests).
    ///
    /// # Panics
    /// Outside a Tokio runtime.
    pub fn with_limits(backoff: Backoff, call_limit: Duration) -> Self {
        Self {
            inner: Arc::new(Inner {
                servers: Mutex::new(Vec::new()),
                closed: AtomicBool::new(false),
                revision: Arc::new(watch::channel(0).0),
                runtime: Handle::current(),
                backoff,
                call_limit,
            }),
        }
    }

    /// Bumped on every change of a server's status or tools, and of the servers.
    pub fn changes(&self) -> watch::Receiver<u64> {
        self.inner.revision.subscribe()
    }

    /// Makes the configured servers these (in this order). A server whose settings
    /// did not change keeps running; a removed, changed or disabled one is stopped.
    /// Nothing is started here.
    pub async fn set_servers(&self, specs: &[McpServerSpec]) {
        let (kept, dropped) = {
            let mut servers = lock(&self.inner.servers);
            let old = std::mem::take(&mut *servers);
            let mut dropped = Vec::new();
            let mut kept = Vec::new();
            for server in old {
                if specs.iter().any(|s| *s == server.spec && s.enabled) {
                    kept.push(server);
                } else {
                    dropped.push(server);
                }
            }
            *servers = specs
                .iter()
                .map(|spec| {
                    kept.iter()
                        .find(|s| s.spec == *spec)
                        .cloned()
                        .unwrap_or_else(|| {
                            Server::new(
                                spec.clone(),
                                self.inner.revision.clone(),
                                self.inner.backoff,
                            )
                        })
                })
                .collect();
            (kept, dropped)
        };
        drop(kept);
        for server in dropped {
            server.stop().await;
        }
        self.inner.revision.send_modify(|r| *r = r.wrapping_add(1));
    }

    fn server(&self, id: &str) -> Option<Arc<Server>> {
        if self.inner.closed.load(Ordering::SeqCst) {
            return None;
        }
        lock(&self.inner.servers)
            .iter()
            .find(|s| s.spec.id == id)
            .cloned()
    }

    fn enabled(&self) -> Vec<Arc<Server>> {
        if self.inner.closed.load(Ordering::SeqCst) {
            return Vec::new();
        }
        lock(&self.inner.servers)
            .iter()
            .filter(|s| s.spec.enabled)
            .cloned()
            .collect()
    }

    /// Every enabled server's tools as client tools, starting the servers that are
    /// not running (a failed one offers none until restarted). Tools whose schema
    /// does not compile are left out (see [`Self::states`]).
    pub async fn tools(&self) -> Vec<Arc<dyn Tool>> {
        let servers = self.enabled();
        let started =
            futures_util::future::join_all(servers.iter().map(|server| server.running())).await;
        let mut taken = HashSet::new();
        let mut tools: Vec<Arc<dyn Tool>> = Vec::new();
        for (server, started) in servers.iter().zip(started) {
            let Ok((_, remote)) = started else { continue };
            for info in infos(server, &remote, &mut taken) {
                if info.problem.is_some() {
                    continue;
                }
                tools.push(Arc::new(McpTool {
                    definition: ToolDefinition::new(
                        info.name,
                        offered_description(&info.description, &server.spec.name),
                        info.input_schema,
                    ),
                    remote_name: info.remote_name,
                    server: server.clone(),
                    runtime: self.inner.runtime.clone(),
                    call_limit: self.inner.call_limit,
                }));
            }
        }
        tools
    }

    /// Every configured server with its status and its tools as last listed.
    /// Starts nothing.
    pub fn states(&self) -> Vec<McpServerState> {
        let servers = lock(&self.inner.servers).clone();
        let mut taken = HashSet::new();
        servers
            .iter()
            .map(|server| {
                let tools = if server.spec.enabled {
                    infos(server, &server.last_tools(), &mut taken)
                } else {
                    Vec::new()
                };
                McpServerState {
                    spec: server.spec.clone(),
                    status: server.status(),
                    tools,
                }
            })
            .collect()
    }

    /// Stops server `id` and starts it again (also after it failed).
    ///
    /// # Errors
    /// Why it did not start, or that there is no such server.
    pub async fn restart(&self, id: &str) -> Result<(), String> {
        let server = self
            .server(id)
            .ok_or_else(|| format!("there is no MCP server with id {id:?}"))?;
        server.restart().await
    }

    /// Calls one tool of server `id` by the server's own name — the settings' sample
    /// call, which the user allowed in a native dialog
    /// ([`crate::tools::ProgramQuestion::ToolTrial`]) — after checking the arguments
    /// against the tool's schema.
    ///
    /// # Errors
    /// The arguments' problems, the tool's error, or why the call could not be made.
    pub async fn sample_call(
        &self,
        id: &str,
        remote_name: &str,
        arguments: &Value,
    ) -> Result<Value, String> {
        let server = self
            .server(id)
            .ok_or_else(|| format!("there is no MCP server with id {id:?}"))?;
        let (_, tools) = server.running().await?;
        let tool = tools
            .iter()
            .find(|t| t.name == remote_name)
            .ok_or_else(|| format!("the server has no tool named {remote_name:?}"))?;
        let validator = schema::compile(&tool.input_schema)
            .map_err(|reason| format!("the tool's schema is not usable: {reason}"))?;
        schema::check(&validator, remote_name, arguments).map_err(|e| e.to_string())?;
        server
            .call(remote_name, arguments, self.inner.call_limit)
            .await
            .map_err(|error| match error {
                CallError::Tool(text) | CallError::Call(text) => text,
            })
    }

    /// Starts a server that is not saved yet, lists its tools and stops it (the
    /// settings' Test of a new command line).
    ///
    /// # Errors
    /// Why it did not start or list its tools.
    pub async fn probe(&self, name: &str, command_line: &str) -> Result<Vec<McpToolInfo>, String> {
        let spec = McpServerSpec {
            id: String::new(),
            name: name.to_owned(),
            command_line: command_line.to_owned(),
            enabled: true,
        };
        spec.validate().map_err(|e| e.to_string())?;
        let revision = Arc::new(watch::channel(0).0);
        let server = Server::new(spec, revision, self.inner.backoff);
        let listed = server.running().await;
        server.stop().await;
        let (_, remote) = listed?;
        Ok(infos(&server, &remote, &mut HashSet::new()))
    }

    /// Stops every server and waits for their processes to end (at quit). None is
    /// started again afterwards: [`Self::tools`] offers none.
    pub async fn stop_all(&self) {
        self.inner.closed.store(true, Ordering::SeqCst);
        let servers = lock(&self.inner.servers).clone();
        futures_util::future::join_all(servers.iter().map(|s| s.stop())).await;
    }
}

/// The tools of one server with their client names, schemas checked.
fn infos(
    server: &Server,
    remote: &[connection::RemoteTool],
    taken: &mut HashSet<String>,
) -> Vec<McpToolInfo> {
    let remote_names: Vec<String> = remote.iter().map(|t| t.name.clone()).collect();
    let mapped = names::map_names(&server.spec.name, &remote_names, taken);
    remote
        .iter()
        .zip(mapped)
        .map(|(tool, name)| McpToolInfo {
            problem: schema::compile(&tool.input_schema)
                .err()
                .map(|reason| format!("its input schema is not usable: {reason}")),
            name,
            remote_name: tool.name.clone(),
            description: tool.description.clone(),
            input_schema: tool.input_schema.clone(),
        })
        .collect()
}

/// The description the agent is offered: the server's, or a plain one if it gave none.
fn offered_description(description: &str, server: &str) -> String {
    if description.trim().is_empty() {
        format!("A tool of the MCP server {server:?}.")
    } else {
        description.to_owned()
    }
}
