//! Thin commands: parse, call core, map the error.

pub(crate) mod appearance;
pub(crate) mod attachments;
pub(crate) mod batch;
pub(crate) mod command_tools;
pub(crate) mod conversation_actions;
pub(crate) mod conversations;
pub(crate) mod deep_link;
pub(crate) mod mcp;
pub(crate) mod media;
pub(crate) mod notifications;
pub(crate) mod profiles;
pub(crate) mod tools;

use tauri::State;

use athena_core::links::LinkOutcome;

use crate::LinkHandlers;
use crate::ipc::{AppError, ExecutionSnapshot, InspectedEvents, WorkspaceOverview};
use crate::links::LinkQuestionGate;
use crate::readiness::{READY_LINE, Readiness};
use crate::settings::AppSettings;
use crate::state::AppState;

/// Keeps which workspace is active for the next start (a failure only costs that).
pub(crate) fn remember_active(settings: &AppSettings, workspace_id: &str) {
    if let Err(err) = settings.update(|s| s.active_workspace = Some(workspace_id.to_owned())) {
        tracing::warn!(?err, "the active workspace was not remembered");
    }
}

/// The active workspace and its agents, and every workspace the user can pick.
// Off the main thread: it takes locks an execution may hold while it delivers.
#[tauri::command(async)]
#[specta::specta]
pub fn workspace_overview(
    state: State<'_, AppState>,
    settings: State<'_, AppSettings>,
) -> WorkspaceOverview {
    state.overview(&settings)
}

/// Makes another workspace the active one; returns the new overview.
// Off the main thread: it takes locks an execution may hold while it delivers.
#[tauri::command(async)]
#[specta::specta]
pub fn select_workspace(
    state: State<'_, AppState>,
    settings: State<'_, AppSettings>,
    workspace_id: String,
) -> Result<WorkspaceOverview, AppError> {
    if !state.select(&workspace_id) {
        return Err(AppError::UnknownWorkspace { workspace_id });
    }
    remember_active(&settings, &workspace_id);
    Ok(state.overview(&settings))
}

/// Stops a running execution. What arrived is kept; the server may still finish it.
#[tauri::command]
#[specta::specta]
pub async fn stop_execution(state: State<'_, AppState>, handle: String) -> Result<(), AppError> {
    state.executions().stop(&handle.into())?;
    Ok(())
}

/// The raw events of one execution, for the Inspect view (fetched on demand).
#[tauri::command]
#[specta::specta]
pub async fn inspect_execution(
    state: State<'_, AppState>,
    handle: String,
) -> Result<InspectedEvents, AppError> {
    Ok(state.executions().inspect(&handle.into())?.into())
}

/// One execution, for a page that missed some of its updates.
// Off the main thread: it takes locks an execution may hold while it delivers.
#[tauri::command(async)]
#[specta::specta]
pub fn execution_snapshot(
    state: State<'_, AppState>,
    handle: String,
) -> Result<ExecutionSnapshot, AppError> {
    let snapshot = state.executions().snapshot(&handle.into())?;
    Ok(ExecutionSnapshot::from(snapshot))
}

/// The page has rendered its first screen.
#[tauri::command]
#[specta::specta]
pub fn report_ready(readiness: State<'_, Readiness>) {
    if readiness.mark() {
        println!("{READY_LINE}");
        tracing::info!("first screen ready");
    }
}

/// Opens a link from the chat in the system browser: only http(s) of at most 2,048
/// characters, only after the user said yes in a native dialog that shows its site and
/// the whole address, one dialog at a time (a link clicked while one is open is refused
/// as `busy`). Returns whether it opened.
#[tauri::command]
#[specta::specta]
pub async fn open_link(
    links: State<'_, LinkHandlers>,
    gate: State<'_, LinkQuestionGate>,
    url: String,
) -> Result<bool, AppError> {
    let links = links.inner().clone();
    let gate = gate.0.clone();
    // The dialog blocks until answered: keep it off the async workers.
    let outcome = tauri::async_runtime::spawn_blocking(move || {
        athena_core::links::open_link(&url, &gate, links.confirmer.as_ref(), links.opener.as_ref())
    })
    .await
    .map_err(|_| AppError::Internal)??;
    Ok(outcome == LinkOutcome::Opened)
}
