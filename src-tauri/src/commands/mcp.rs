//! The user's MCP servers (list, save, remove, test, restart). Thin: core starts,
//! checks and calls; these map.
//!
//! A new or changed command line is allowed by the user in a native dialog first
//! (saving, or Test, which starts it): a compromised page cannot hand the app a
//! program. Saving a server starts it (its tools are listed to be offered) but runs no tool:
//! their calls go through the approval dialog like any tool's. A sample call from
//! settings skips that dialog, so it is asked natively too, naming the tool and the
//! sample.

use athena_core::settings::SettingsProblem;
use athena_core::tools::mcp::{
    MAX_COMMAND_LINE_CHARS, MAX_SERVER_NAME_CHARS, MAX_SERVERS, McpServerSpec, SpecError,
    check_in_list, command_line_changed, sample_arguments, save_in_list, split_command_line,
};
use tauri::State;

use athena_core::approvals::ClientTools;
use athena_core::dialogs::Dialogs;
use athena_core::tools::{ProgramQuestion, ToolSource};

use crate::commands::profiles::AppDialogs;
use crate::ipc::{
    AppError, McpServerInput, McpServerView, McpServersView, McpTestView, McpToolView,
};
use crate::mcp::AppMcp;
use crate::settings::{AppSettings, SettingsError};
use crate::state::AppState;

/// The servers as configured, each tool with why it is not offered: its schema, or
/// what the registry left out (a name taken, over the limit of tools).
fn view(mcp: &AppMcp, settings: &AppSettings, state: &AppState) -> McpServersView {
    let problems = state
        .conversations
        .client_tools()
        .map(ClientTools::tool_problems)
        .unwrap_or_default();
    let servers = mcp
        .0
        .states()
        .into_iter()
        .map(|server| {
            let source = ToolSource::Mcp {
                server: server.spec.name.clone(),
            };
            let mut view = McpServerView::from(server);
            for tool in view.tools.iter_mut().filter(|t| t.problem.is_none()) {
                tool.problem = problems
                    .iter()
                    .find(|p| p.source == source && p.tool_name == tool.name)
                    .map(|p| p.reason.clone());
            }
            view
        })
        .collect();
    McpServersView {
        servers,
        max_servers: u32::try_from(MAX_SERVERS).unwrap_or(u32::MAX),
        max_name_chars: u32::try_from(MAX_SERVER_NAME_CHARS).unwrap_or(u32::MAX),
        max_command_line_chars: u32::try_from(MAX_COMMAND_LINE_CHARS).unwrap_or(u32::MAX),
        read_only: settings.read_only(),
    }
}

/// Asks the user, in a native dialog the page cannot draw or answer, to allow the
/// program of `command_line` (see [`ProgramQuestion`]).
async fn allowed(dialogs: &AppDialogs, server: &str, command_line: &str) -> Result<(), AppError> {
    let (program, args) = split_command_line(command_line).map_err(|e| invalid(&e))?;
    let server = server.to_owned();
    ask(dialogs, move |dialogs| {
        ProgramQuestion::McpServer {
            server: &server,
            program: &program,
            args: &args,
        }
        .ask(dialogs)
    })
    .await
}

/// Runs `question` off the async workers (a native dialog blocks until answered);
/// a no is [`AppError::ProgramNotAllowed`].
async fn ask(
    dialogs: &AppDialogs,
    question: impl FnOnce(&dyn Dialogs) -> bool + Send + 'static,
) -> Result<(), AppError> {
    let dialogs = dialogs.0.clone();
    let yes = tauri::async_runtime::spawn_blocking(move || question(dialogs.as_ref()))
        .await
        .map_err(|_| AppError::Internal)?;
    if yes {
        Ok(())
    } else {
        Err(AppError::ProgramNotAllowed)
    }
}

fn invalid(error: &SpecError) -> AppError {
    AppError::InvalidMcpServer {
        field: match error {
            SpecError::Name => "name".to_owned(),
            SpecError::CommandLine { .. } => "commandLine".to_owned(),
        },
        reason: error.to_string(),
    }
}

/// Saves the change to the settings file, then makes the servers those saved.
async fn change(
    mcp: &AppMcp,
    settings: &AppSettings,
    state: &AppState,
    edit: impl FnOnce(&mut Vec<McpServerSpec>),
) -> Result<McpServersView, AppError> {
    let saved = settings
        .update(|s| edit(&mut s.mcp_servers))
        .map_err(|err| match err {
            SettingsError::Invalid(SettingsProblem::Invalid { field, reason }) => {
                AppError::InvalidMcpServer { field, reason }
            }
            other => {
                tracing::warn!(error = %other, "the MCP servers were not saved");
                AppError::Storage
            }
        })?;
    mcp.0.set_servers(&saved.mcp_servers).await;
    Ok(view(mcp, settings, state))
}

/// The user's MCP servers with their status and tools.
#[tauri::command]
#[specta::specta]
pub fn mcp_servers(
    mcp: State<'_, AppMcp>,
    settings: State<'_, AppSettings>,
    state: State<'_, AppState>,
) -> McpServersView {
    view(&mcp, &settings, &state)
}

/// Adds a server (`server.id` = `None`) or replaces the one with that id. A changed
/// command line restarts it; its tools' "always allow" rules hold as long as the
/// tools' definitions do.
#[tauri::command]
#[specta::specta]
pub async fn save_mcp_server(
    mcp: State<'_, AppMcp>,
    settings: State<'_, AppSettings>,
    state: State<'_, AppState>,
    dialogs: State<'_, AppDialogs>,
    server: McpServerInput,
) -> Result<McpServersView, AppError> {
    let spec = McpServerSpec {
        id: server
            .id
            .clone()
            .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string()),
        name: server.name.trim().to_owned(),
        command_line: server.command_line,
        enabled: server.enabled,
    };
    let saved = settings.get().mcp_servers;
    check_in_list(&saved, &spec).map_err(|problem| AppError::InvalidMcpServer {
        field: problem.field,
        reason: problem.reason,
    })?;
    // Asked last, so a form that breaks a rule is told so without a dialog first; an
    // unchanged command line was allowed already.
    if command_line_changed(&saved, &spec) {
        allowed(&dialogs, &spec.name, &spec.command_line).await?;
    }
    change(&mcp, &settings, &state, |list| save_in_list(list, spec)).await
}

/// Removes a server and stops it (it only takes power away).
#[tauri::command]
#[specta::specta]
pub async fn remove_mcp_server(
    mcp: State<'_, AppMcp>,
    settings: State<'_, AppSettings>,
    state: State<'_, AppState>,
    id: String,
) -> Result<McpServersView, AppError> {
    change(&mcp, &settings, &state, |list| list.retain(|s| s.id != id)).await
}

/// Stops a server and starts it again (also after it failed).
#[tauri::command]
#[specta::specta]
pub async fn restart_mcp_server(
    mcp: State<'_, AppMcp>,
    settings: State<'_, AppSettings>,
    state: State<'_, AppState>,
    id: String,
) -> Result<McpServersView, AppError> {
    if let Err(reason) = mcp.0.restart(&id).await {
        tracing::info!(%reason, "an MCP server did not restart");
    }
    Ok(view(&mcp, &settings, &state))
}

/// Starts the server of a command line (saved or not), lists its tools and stops it.
#[tauri::command]
#[specta::specta]
pub async fn probe_mcp_server(
    mcp: State<'_, AppMcp>,
    dialogs: State<'_, AppDialogs>,
    name: String,
    command_line: String,
) -> Result<McpTestView, AppError> {
    // It runs the program now: allowed first, in the native dialog.
    allowed(&dialogs, name.trim(), &command_line).await?;
    Ok(match mcp.0.probe(name.trim(), &command_line).await {
        Ok(tools) => McpTestView {
            ok: true,
            tools: tools.into_iter().map(McpToolView::from).collect(),
            output: String::new(),
        },
        Err(reason) => McpTestView {
            ok: false,
            tools: Vec::new(),
            output: reason,
        },
    })
}

/// Calls one tool of a saved server with the sample the user typed (a JSON object),
/// once the user said yes to exactly this tool and sample in a native dialog: a call
/// from settings skips the approval dialog of agents' calls, so the page alone must
/// not be able to make one.
#[tauri::command]
#[specta::specta]
pub async fn call_mcp_tool(
    mcp: State<'_, AppMcp>,
    settings: State<'_, AppSettings>,
    dialogs: State<'_, AppDialogs>,
    id: String,
    tool: String,
    sample: String,
) -> Result<McpTestView, AppError> {
    let arguments = sample_arguments(&sample).map_err(|refused| AppError::InvalidMcpServer {
        field: "sample".into(),
        reason: refused.0,
    })?;
    let server = settings
        .get()
        .mcp_servers
        .into_iter()
        .find(|s| s.id == id)
        .map(|s| s.name)
        .unwrap_or_else(|| id.clone());
    let question_tool = tool.clone();
    ask(&dialogs, move |dialogs| {
        ProgramQuestion::ToolTrial {
            server: &server,
            tool: &question_tool,
            sample: &sample,
        }
        .ask(dialogs)
    })
    .await?;
    Ok(match mcp.0.sample_call(&id, &tool, &arguments).await {
        Ok(value) => McpTestView {
            ok: true,
            tools: Vec::new(),
            output: serde_json::to_string_pretty(&value).unwrap_or_default(),
        },
        Err(reason) => McpTestView {
            ok: false,
            tools: Vec::new(),
            output: reason,
        },
    })
}
