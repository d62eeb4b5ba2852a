//! One running MCP server: the child process started directly (no shell), spoken to
//! with the official SDK (`rmcp`) over its stdio, and what it says back turned into
//! this app's terms.

use std::future::Future;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rmcp::model::{CallToolRequestParams, CallToolResult};
use rmcp::service::{NotificationContext, RunningService};
use rmcp::transport::TokioChildProcess;
use rmcp::{ClientHandler, Peer, RoleClient, ServiceExt};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::{Notify, mpsc};

use super::spec::split_command_line;
use crate::executions::lock;

/// How long a server may take to start and answer `initialize`.
const START_LIMIT: Duration = Duration::from_secs(20);
/// The longest standard-error line kept to explain a failure, in characters.
const MAX_STDERR_CHARS: usize = 300;

/// A tool as an MCP server lists it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct RemoteTool {
    /// The server's name for it.
    pub(super) name: String,
    /// Its description (empty when the server gave none).
    pub(super) description: String,
    /// Its input schema, as given.
    pub(super) input_schema: Value,
}

/// Tells the supervisor that the server announced a changed tool list.
#[derive(Debug, Clone)]
struct Handler {
    changed: mpsc::UnboundedSender<()>,
}

impl ClientHandler for Handler {
    fn on_tool_list_changed(
        &self,
        _context: NotificationContext<RoleClient>,
    ) -> impl Future<Output = ()> + Send + '_ {
        // The receiver is gone only when the server is being stopped.
        let _ = self.changed.send(());
        std::future::ready(())
    }
}

/// A started server: send requests through `peer`; `stop` ends it; `ended` resolves
/// when the process is gone (crashed, exited, or stopped).
pub(super) struct Connection {
    pub(super) peer: Peer<RoleClient>,
    pub(super) stop: Arc<Notify>,
    /// Resolves when the connection closes: `true` when it was stopped on purpose.
    pub(super) ended: tokio::task::JoinHandle<bool>,
    /// Notifications of a changed tool list.
    pub(super) changed: mpsc::UnboundedReceiver<()>,
    /// The last line the server wrote on standard error (shown when it fails).
    pub(super) last_stderr: Arc<Mutex<String>>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection").finish_non_exhaustive()
    }
}

/// Starts the server of `command_line` (split into words, never given to a shell)
/// and completes the MCP handshake.
///
/// # Errors
/// Why it could not start, in words for the settings: the command line, a program
/// that is missing, or a server that exited or did not answer in time (with its
/// last line of standard error).
pub(super) async fn start(command_line: &str) -> Result<Connection, String> {
    let (program, args) = split_command_line(command_line).map_err(|e| e.to_string())?;
    let mut command = tokio::process::Command::new(&program);
    // Killed when dropped: a server is never left running behind the app.
    command.args(&args).kill_on_drop(true);
    let (transport, stderr) = TokioChildProcess::builder(command)
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => format!("the program {program:?} was not found"),
            std::io::ErrorKind::PermissionDenied => {
                format!("the program {program:?} may not be run (permission denied)")
            }
            _ => format!("the program {program:?} could not be started: {error}"),
        })?;
    let last_stderr = Arc::new(Mutex::new(String::new()));
    if let Some(stderr) = stderr {
        let last = last_stderr.clone();
        tokio::spawn(async move {
            let mut lines = BufReader::new(stderr).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let line = line.trim();
                if !line.is_empty() {
                    *lock(&last) = line.chars().take(MAX_STDERR_CHARS).collect();
                }
            }
        });
    }
    let (changed_tx, changed) = mpsc::unbounded_channel();
    let handler = Handler {
        changed: changed_tx,
    };
    let service: RunningService<RoleClient, Handler> =
        match tokio::time::timeout(START_LIMIT, handler.serve(transport)).await {
            Ok(Ok(service)) => service,
            Ok(Err(error)) => {
                // Give the stderr reader a moment to catch the server's last words.
                tokio::time::sleep(Duration::from_millis(100)).await;
                return Err(with_stderr(
                    format!("it did not start as an MCP server ({error})"),
                    &last_stderr,
                ));
            }
            Err(_) => {
                return Err(format!(
                    "it did not answer the MCP handshake within {} s",
                    START_LIMIT.as_secs()
                ));
            }
        };
    let peer = service.peer().clone();
    let stop = Arc::new(Notify::new());
    let stopping = stop.clone();
    let ended = tokio::spawn(async move {
        let token = service.cancellation_token();
        let waiting = service.waiting();
        tokio::pin!(waiting);
        tokio::select! {
            quit = &mut waiting => {
                tracing::debug!(?quit, "an MCP server ended");
                false
            }
            () = stopping.notified() => {
                token.cancel();
                // The transport is dropped with the service: the child is killed.
                let _ = waiting.await;
                true
            }
        }
    });
    Ok(Connection {
        peer,
        stop,
        ended,
        changed,
        last_stderr,
    })
}

/// `reason`, followed by the server's last line of standard error if it wrote one.
pub(super) fn with_stderr(reason: String, last_stderr: &Mutex<String>) -> String {
    let last = lock(last_stderr).clone();
    if last.is_empty() {
        reason
    } else {
        format!("{reason}: {last}")
    }
}

/// The server's tools, every page of them.
///
/// # Errors
/// The request's failure, in words.
pub(super) async fn list_tools(peer: &Peer<RoleClient>) -> Result<Vec<RemoteTool>, String> {
    let tools = peer
        .list_all_tools()
        .await
        .map_err(|error| format!("it did not list its tools ({error})"))?;
    Ok(tools
        .into_iter()
        .map(|tool| RemoteTool {
            name: tool.name.into_owned(),
            description: tool.description.map(|d| d.into_owned()).unwrap_or_default(),
            input_schema: Value::Object((*tool.input_schema).clone()),
        })
        .collect())
}

/// Why a call of an MCP tool gave no result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum CallError {
    /// The tool itself reported an error (`isError`): its text, as the server wrote it.
    Tool(String),
    /// The call could not be made or did not end: why, in words.
    Call(String),
}

/// Calls tool `name` with `arguments` (a JSON object).
///
/// # Errors
/// [`CallError::Tool`] with the MCP tool error's text, or [`CallError::Call`].
pub(super) async fn call_tool(
    peer: &Peer<RoleClient>,
    name: &str,
    arguments: &Value,
) -> Result<Value, CallError> {
    let mut params = CallToolRequestParams::new(name.to_owned());
    params.arguments = arguments.as_object().cloned();
    let result = peer
        .call_tool(params)
        .await
        .map_err(|error| CallError::Call(format!("the call did not complete ({error})")))?;
    to_outcome(result).map_err(CallError::Tool)
}

/// A tool result as the agent receives it: the structured content when the server
/// gave one, otherwise `{"text": ...}` of its text blocks (other blocks are named,
/// not forwarded). An `isError` result becomes the failure's text.
fn to_outcome(result: CallToolResult) -> Result<Value, String> {
    let mut texts = Vec::new();
    for block in &result.content {
        let block = serde_json::to_value(block).unwrap_or(Value::Null);
        match block.get("type").and_then(Value::as_str) {
            Some("text") => texts.push(block["text"].as_str().unwrap_or_default().to_owned()),
            Some(other) => texts.push(format!("[{other} content not forwarded]")),
            None => {}
        }
    }
    let text = texts.join("\n");
    if result.is_error == Some(true) {
        return Err(if text.is_empty() {
            "the tool reported an error without a message".to_owned()
        } else {
            text
        });
    }
    Ok(match result.structured_content {
        Some(structured) => structured,
        None => json!({ "text": text }),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn result(value: Value) -> CallToolResult {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn structured_content_wins_and_text_is_the_fallback() {
        let both = result(json!({
            "content": [{"type": "text", "text": "3"}],
            "structuredContent": {"sum": 3}
        }));
        assert_eq!(to_outcome(both), Ok(json!({"sum": 3})));
        let text = result(json!({
            "content": [{"type": "text", "text": "a"}, {"type": "image", "data": "AA==", "mimeType": "image/png"}]
        }));
        assert_eq!(
            to_outcome(text),
            Ok(json!({"text": "a\n[image content not forwarded]"}))
        );
    }

    #[test]
    fn an_error_result_is_a_failure_with_its_text() {
        let error = result(json!({
            "content": [{"type": "text", "text": "no such city"}],
            "isError": true
        }));
        assert_eq!(to_outcome(error), Err("no such city".to_owned()));
        let silent = result(json!({"content": [], "isError": true}));
        assert!(
            to_outcome(silent)
                .unwrap_err()
                .contains("without a message")
        );
    }
}
