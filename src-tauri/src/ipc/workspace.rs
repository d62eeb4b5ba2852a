use serde::{Deserialize, Serialize};
use specta::Type;

/// An agent the user can pick.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AgentSummary {
    /// The agent id.
    pub id: String,
    /// A short name.
    pub name: String,
    /// One line on what it does.
    pub description: String,
}

/// The active workspace, as the header shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceOverview {
    /// Its name.
    pub workspace_name: String,
    /// Whether it is the built-in demo workspace.
    pub is_demo: bool,
    /// The agents to offer.
    pub agents: Vec<AgentSummary>,
}

impl From<&athena_core::Workspace> for WorkspaceOverview {
    fn from(workspace: &athena_core::Workspace) -> Self {
        Self {
            workspace_name: workspace.name.clone(),
            is_demo: workspace.is_demo,
            agents: workspace
                .agents
                .iter()
                .map(|a| AgentSummary {
                    id: a.id.clone(),
                    name: a.name.clone(),
                    description: a.description.clone(),
                })
                .collect(),
        }
    }
}
