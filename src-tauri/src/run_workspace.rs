//! The workspace given on the command line for this run.

use athena_api::{AthenaClient, ClientConfig};
use athena_core::{Workspace, read_agents_file, workspace_key};

use crate::launch::RunWorkspace;

/// Connects the run's workspace. Its id is [`workspace_key`] of its server and
/// workspace id, so a restart with the same settings finds the same workspace.
pub(crate) fn connect(run: &RunWorkspace) -> Result<Workspace, Box<dyn std::error::Error>> {
    let agents = match &run.agents_file {
        Some(path) => read_agents_file(path)?,
        None => Vec::new(),
    };
    let client = AthenaClient::new(ClientConfig::new(
        run.base_url.clone(),
        run.api_key.clone(),
        run.workspace_id.clone(),
    ))?;
    tracing::info!(base_url = %run.base_url, agents = agents.len(), "run workspace connected");
    Ok(Workspace {
        id: workspace_key(&run.base_url, &run.workspace_id),
        name: run.name.clone().unwrap_or_else(|| run.workspace_id.clone()),
        kind: athena_core::WorkspaceKind::Run,
        external_user_id: None,
        key_storage: athena_core::KeyStorage::RunOnly,
        key_hint: String::new(),
        client,
        agents,
    })
}
