//! The user's MCP servers in the app: configured from the settings, their tools kept
//! in the registry as they change, the UI told of every change, all stopped at quit.

use athena_core::approvals::ClientTools;
use athena_core::tools::mcp::{McpServerSpec, McpServers};
use tauri::{AppHandle, Runtime};
use tauri_specta::Event;

use crate::ipc::McpServersChanged;

/// The app's MCP servers (managed state).
#[derive(Debug, Clone)]
pub(crate) struct AppMcp(pub(crate) McpServers);

/// Creates the servers of `specs` and follows them: on every change of a server's
/// status or tools the registry gets all their tools again (a server not running is
/// started then: its tools are needed to offer them) and the UI hears of it.
pub(crate) fn install<R: Runtime>(
    app: &AppHandle<R>,
    specs: &[McpServerSpec],
    tools: Option<ClientTools>,
) -> AppMcp {
    // The servers' processes and calls live on the app's runtime.
    let servers = tauri::async_runtime::block_on(async { McpServers::new() });
    let following = servers.clone();
    let specs = specs.to_vec();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        following.set_servers(&specs).await;
        let mut changes = following.changes();
        loop {
            let revision = *changes.borrow_and_update();
            // Told first (a status changed), and again once the registry has the tools.
            tell(&app, revision);
            if let Some(tools) = &tools {
                let problems = tools.set_extra_tools(following.tools().await);
                for problem in problems {
                    tracing::warn!(tool = %problem.tool_name, reason = %problem.reason, "an MCP tool was left out");
                }
                tell(&app, revision);
            }
            if changes.changed().await.is_err() {
                return;
            }
        }
    });
    AppMcp(servers)
}

fn tell<R: Runtime>(app: &AppHandle<R>, revision: u64) {
    #[allow(clippy::cast_precision_loss)]
    let event = McpServersChanged {
        revision: revision as f64,
    };
    if let Err(err) = event.emit(app) {
        tracing::warn!(error = %err, "the MCP change was not emitted");
    }
}

/// Stops every server and waits for their processes to end (the app is quitting).
pub(crate) fn stop_all(mcp: &AppMcp) {
    tauri::async_runtime::block_on(mcp.0.stop_all());
}
