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
    /// Whether a message must be typed.
    pub requires_user_message: bool,
}

/// A workspace in the picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceChoice {
    /// The app's stable id for it.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Whether it is the built-in demo workspace.
    pub is_demo: bool,
}

/// The active workspace, as the header shows it, and the others to pick from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceOverview {
    /// The active workspace's id.
    pub workspace_id: String,
    /// Its name.
    pub workspace_name: String,
    /// Whether it is the built-in demo workspace.
    pub is_demo: bool,
    /// The agents to offer.
    pub agents: Vec<AgentSummary>,
    /// Every workspace the user can pick, the demo one first.
    pub workspaces: Vec<WorkspaceChoice>,
}

impl WorkspaceOverview {
    /// The overview of `active` among `all`.
    pub fn new(active: &athena_core::Workspace, all: &[athena_core::Workspace]) -> Self {
        Self {
            workspace_id: active.id.clone(),
            workspace_name: active.name.clone(),
            is_demo: active.is_demo,
            agents: active
                .agents
                .iter()
                .map(|a| AgentSummary {
                    id: a.id.clone(),
                    name: a.name.clone(),
                    description: a.description.clone(),
                    requires_user_message: a.requires_user_message,
                })
                .collect(),
            workspaces: all
                .iter()
                .map(|w| WorkspaceChoice {
                    id: w.id.clone(),
                    name: w.name.clone(),
                    is_demo: w.is_demo,
                })
                .collect(),
        }
    }
}
