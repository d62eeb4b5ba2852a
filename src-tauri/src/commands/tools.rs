//! Tools on this computer in the settings: which tools an agent is offered, the
//! "always allow" rules (revoke only: a rule is made in the native dialog), and what
//! the tools may touch, chosen in native dialogs. Thin: core stores; these map.
//!
//! None of these runs a tool or records an approval, whatever the arguments: the
//! page can only take power away, or ask for a native dialog the user answers.

use athena_core::approvals::ClientTools;
use athena_core::dialogs::{FileDialog, FileFilter};
use tauri::State;

use crate::commands::profiles::AppDialogs;
use crate::ipc::{AgentToolsView, AppError, GrantedFolderView, ToolGrantsView};
use crate::state::AppState;

fn tools(state: &AppState) -> Result<&ClientTools, AppError> {
    state.conversations.client_tools().ok_or(AppError::Internal)
}

fn agent_view(
    state: &AppState,
    workspace_id: &str,
    agent_id: &str,
) -> Result<AgentToolsView, AppError> {
    let tools = tools(state)?.agent_tools(workspace_id, agent_id)?;
    Ok(AgentToolsView::new(workspace_id, agent_id, tools))
}

fn grants_view(state: &AppState) -> Result<ToolGrantsView, AppError> {
    let tools = tools(state)?;
    Ok(ToolGrantsView {
        folders: tools
            .granted_folders()?
            .into_iter()
            .map(|f| GrantedFolderView {
                name: f.name,
                path: f.path.display().to_string(),
            })
            .collect(),
        ledger_file: tools.ledger_file()?.map(|p| p.display().to_string()),
    })
}

/// Every tool, as offered to an agent of a workspace.
#[tauri::command(async)]
#[specta::specta]
pub fn agent_tools(
    state: State<'_, AppState>,
    workspace_id: String,
    agent_id: String,
) -> Result<AgentToolsView, AppError> {
    agent_view(&state, &workspace_id, &agent_id)
}

/// Offers a tool to an agent, or stops offering it. Each call is still asked.
#[tauri::command]
#[specta::specta]
pub async fn set_tool_enabled(
    state: State<'_, AppState>,
    workspace_id: String,
    agent_id: String,
    tool_name: String,
    enabled: bool,
) -> Result<AgentToolsView, AppError> {
    tools(&state)?
        .set_enabled(&workspace_id, &agent_id, &tool_name, enabled)
        .await?;
    agent_view(&state, &workspace_id, &agent_id)
}

/// Removes an "always allow" rule: the next call asks again.
#[tauri::command]
#[specta::specta]
pub async fn revoke_tool_rule(
    state: State<'_, AppState>,
    workspace_id: String,
    agent_id: String,
    tool_name: String,
) -> Result<AgentToolsView, AppError> {
    tools(&state)?
        .revoke_rule(&workspace_id, &agent_id, &tool_name)
        .await?;
    agent_view(&state, &workspace_id, &agent_id)
}

/// The folders and ledger the tools may read.
#[tauri::command(async)]
#[specta::specta]
pub fn tool_grants(state: State<'_, AppState>) -> Result<ToolGrantsView, AppError> {
    grants_view(&state)
}

/// Lets the user choose a folder to grant in a native dialog (the page never names
/// a path to grant). Unchanged when cancelled.
#[tauri::command]
#[specta::specta]
pub async fn grant_folder(
    state: State<'_, AppState>,
    dialogs: State<'_, AppDialogs>,
) -> Result<ToolGrantsView, AppError> {
    let dialogs = dialogs.0.clone();
    let chosen = tauri::async_runtime::spawn_blocking(move || {
        dialogs.pick_folder(&FileDialog {
            title: "Grant a folder to the agent's file tools".into(),
            ..FileDialog::default()
        })
    })
    .await
    .map_err(|_| AppError::Internal)?;
    if let Some(folder) = chosen {
        tools(&state)?.grant_folder(&folder).await?;
    }
    grants_view(&state)
}

/// Takes a folder back (it only removes power, so the page may name it).
#[tauri::command]
#[specta::specta]
pub async fn remove_granted_folder(
    state: State<'_, AppState>,
    path: String,
) -> Result<ToolGrantsView, AppError> {
    tools(&state)?.remove_folder(&path).await?;
    grants_view(&state)
}

/// Lets the user choose the ledger (a CSV file) in a native dialog. Unchanged when
/// cancelled.
#[tauri::command]
#[specta::specta]
pub async fn choose_ledger_file(
    state: State<'_, AppState>,
    dialogs: State<'_, AppDialogs>,
) -> Result<ToolGrantsView, AppError> {
    let chosen = dialogs
        .pick_one(FileDialog {
            title: "Choose the ledger for query_transactions".into(),
            filters: vec![FileFilter {
                name: "CSV ledger".into(),
                extensions: vec!["csv".into()],
            }],
            ..FileDialog::default()
        })
        .await?;
    if let Some(file) = chosen {
        tools(&state)?.set_ledger_file(Some(&file)).await?;
    }
    grants_view(&state)
}

/// Forgets the ledger.
#[tauri::command]
#[specta::specta]
pub async fn forget_ledger_file(state: State<'_, AppState>) -> Result<ToolGrantsView, AppError> {
    tools(&state)?.set_ledger_file(None).await?;
    grants_view(&state)
}
