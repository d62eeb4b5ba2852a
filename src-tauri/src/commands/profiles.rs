//! Saved workspaces, their agents, what a run costs, and the app's settings. Thin:
//! core checks and stores; these map. A key arrives here once and is never returned.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use athena_core::dialogs::{Dialogs, FileDialog, FileFilter};
use athena_core::profiles::ProfileInput as CoreProfileInput;
use tauri::State;

use crate::ipc::{
    AgentAdded, AgentSummary, AgentsImported, AppError, CaCertificateView, CostPreview,
    FieldProblem, KeychainStatus, Problem, ProfileInput, ProfileList, ProfileView, SettingsView,
    WorkspaceOverview,
};
use crate::settings::AppSettings;
use crate::state::AppState;

/// The native dialogs (or the test bench's scripted ones).
#[derive(Clone)]
pub(crate) struct AppDialogs(pub(crate) Arc<dyn Dialogs>);

impl AppDialogs {
    /// One file chosen in an open dialog; `None` when cancelled. The dialog blocks
    /// until answered, so it runs off the async workers.
    pub(crate) async fn pick_one(&self, dialog: FileDialog) -> Result<Option<PathBuf>, AppError> {
        let dialogs = self.0.clone();
        tauri::async_runtime::spawn_blocking(move || dialogs.pick_files(&dialog).into_iter().next())
            .await
            .map_err(|_| AppError::Internal)
    }

    /// Where to save, chosen in a save dialog; `None` when cancelled.
    pub(crate) async fn save_to(&self, dialog: FileDialog) -> Result<Option<PathBuf>, AppError> {
        let dialogs = self.0.clone();
        tauri::async_runtime::spawn_blocking(move || dialogs.save_file(&dialog))
            .await
            .map_err(|_| AppError::Internal)
    }
}

impl std::fmt::Debug for AppDialogs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AppDialogs")
    }
}

fn profile_list(state: &AppState) -> Result<ProfileList, AppError> {
    let records = state.profiles.records()?;
    let keychain = match state.profiles.keychain_status() {
        Ok(()) => KeychainStatus {
            available: true,
            reason: None,
        },
        Err(err) => KeychainStatus {
            available: false,
            reason: Some(err.to_string()),
        },
    };
    Ok(ProfileList {
        active_id: state.active_workspace().id.clone(),
        profiles: state
            .workspaces()
            .iter()
            .map(|w| {
                let record = records.iter().find(|r| r.id == w.id);
                ProfileView::new(w, record, state.profiles.status(&w.id))
            })
            .collect(),
        keychain,
    })
}

/// Every workspace for the settings screen, with where each key is kept (never a
/// key) and whether there is a keychain.
// Off the main thread: the keychain may take a moment to answer.
#[tauri::command(async)]
#[specta::specta]
pub fn list_profiles(state: State<'_, AppState>) -> Result<ProfileList, AppError> {
    profile_list(&state)
}

/// Saves a new workspace or changes one; a new key goes to the keychain (or, when
/// the user chose so, to memory for this session). Returns the list as now.
#[tauri::command]
#[specta::specta]
pub async fn save_profile(
    state: State<'_, AppState>,
    profile: ProfileInput,
) -> Result<ProfileList, AppError> {
    let input = CoreProfileInput {
        name: profile.name,
        base_url: profile.base_url,
        workspace_id: profile.workspace_id,
        api_key: profile.api_key,
        external_user_id: profile.external_user_id,
        ca_certificate: profile.ca_certificate_path.map(PathBuf::from),
    };
    state
        .profiles
        .save(profile.id.as_deref(), input, profile.keep_key_in_memory)
        .await?;
    profile_list(&state)
}

/// Deletes a saved workspace with its conversations on this computer and its key.
#[tauri::command]
#[specta::specta]
pub async fn delete_profile(
    state: State<'_, AppState>,
    profile_id: String,
) -> Result<ProfileList, AppError> {
    state.profiles.delete(&profile_id).await?;
    profile_list(&state)
}

/// Lets the user choose a certificate authority file, and checks it. `None` when
/// the dialog was cancelled.
#[tauri::command]
#[specta::specta]
pub async fn choose_ca_certificate(
    dialogs: State<'_, AppDialogs>,
) -> Result<Option<CaCertificateView>, AppError> {
    let chosen = dialogs
        .pick_one(FileDialog {
            title: "Choose a certificate authority".into(),
            filters: vec![FileFilter {
                name: "Certificates".into(),
                extensions: ["pem", "crt", "cer", "der"].map(String::from).to_vec(),
            }],
            multiple: false,
            suggested_name: None,
        })
        .await?;
    let Some(path) = chosen else {
        return Ok(None);
    };
    let ca =
        athena_api::CaCertificate::from_file(&path).map_err(|problem| AppError::InvalidInput {
            problems: vec![FieldProblem {
                field: "caCertificate".into(),
                problem: Problem::BadCertificate {
                    reason: problem.to_string(),
                },
            }],
        })?;
    Ok(Some(CaCertificateView {
        path: path.display().to_string(),
        subject: ca
            .certificates()
            .first()
            .map(|c| c.subject.clone())
            .unwrap_or_default(),
    }))
}

/// Checks an agent with a credit preview (costs nothing) and adds it to a workspace
/// when the check passes.
#[tauri::command]
#[specta::specta]
pub async fn add_agent(
    state: State<'_, AppState>,
    settings: State<'_, AppSettings>,
    workspace_id: String,
    agent: AgentSummary,
) -> Result<AgentAdded, AppError> {
    let preview = state
        .profiles
        .add_agent(&workspace_id, agent.into_core())
        .await?;
    Ok(AgentAdded {
        overview: state.overview(&settings),
        preview: CostPreview::from(&preview),
    })
}

/// Removes an agent from a workspace (its conversations stay).
#[tauri::command]
#[specta::specta]
pub async fn remove_agent(
    state: State<'_, AppState>,
    settings: State<'_, AppSettings>,
    workspace_id: String,
    agent_id: String,
) -> Result<WorkspaceOverview, AppError> {
    state
        .profiles
        .remove_agent(&workspace_id, &agent_id)
        .await?;
    Ok(state.overview(&settings))
}

fn agents_filter() -> Vec<FileFilter> {
    vec![FileFilter {
        name: "Agents file".into(),
        extensions: vec!["json".into()],
    }]
}

/// Adds the agents of an agents file (chosen in a native dialog) to a workspace.
/// `None` when the dialog was cancelled.
#[tauri::command]
#[specta::specta]
pub async fn import_agents(
    state: State<'_, AppState>,
    settings: State<'_, AppSettings>,
    dialogs: State<'_, AppDialogs>,
    workspace_id: String,
) -> Result<Option<AgentsImported>, AppError> {
    let chosen = dialogs
        .pick_one(FileDialog {
            title: "Import agents".into(),
            filters: agents_filter(),
            multiple: false,
            suggested_name: None,
        })
        .await?;
    let Some(path) = chosen else {
        return Ok(None);
    };
    let imported = state.profiles.import_agents(&workspace_id, &path).await?;
    Ok(Some(AgentsImported {
        added: u32::try_from(imported.added).unwrap_or(u32::MAX),
        replaced: u32::try_from(imported.replaced).unwrap_or(u32::MAX),
        overview: state.overview(&settings),
    }))
}

/// Writes a workspace's agents to an agents file chosen in a native dialog. False
/// when the dialog was cancelled.
#[tauri::command]
#[specta::specta]
pub async fn export_agents(
    state: State<'_, AppState>,
    dialogs: State<'_, AppDialogs>,
    workspace_id: String,
) -> Result<bool, AppError> {
    let chosen = dialogs
        .save_to(FileDialog {
            title: "Export agents".into(),
            filters: agents_filter(),
            multiple: false,
            suggested_name: Some("agents.json".into()),
        })
        .await?;
    let Some(path) = chosen else {
        return Ok(false);
    };
    state.profiles.export_agents(&workspace_id, &path)?;
    Ok(true)
}

/// What sending to this conversation's agent with these variables would cost, as
/// the server prices it (a preview costs nothing).
#[tauri::command]
#[specta::specta]
pub async fn preview_cost(
    state: State<'_, AppState>,
    conversation_id: String,
    variables: Option<BTreeMap<String, String>>,
) -> Result<CostPreview, AppError> {
    let preview = state
        .conversations
        .preview_cost(&conversation_id, variables.as_ref())
        .await?;
    Ok(CostPreview::from(&preview))
}

/// The app's settings, and what went wrong reading them at start, if anything.
#[tauri::command(async)]
#[specta::specta]
pub fn get_settings(settings: State<'_, AppSettings>) -> SettingsView {
    SettingsView::new(&settings)
}

/// Whether to show a run's cost before each send.
// Off the main thread: it writes the settings file.
#[tauri::command(async)]
#[specta::specta]
pub fn set_always_preview_cost(
    settings: State<'_, AppSettings>,
    on: bool,
) -> Result<SettingsView, AppError> {
    settings
        .update(|s| s.always_preview_cost = on)
        .map_err(|err| {
            tracing::warn!(?err, "a setting was not saved");
            AppError::Storage
        })?;
    Ok(SettingsView::new(&settings))
}
