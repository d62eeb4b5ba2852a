use std::sync::Arc;

use serde::{Deserialize, Serialize};
use specta::Type;

/// An agent the user can pick (and the agent form's result).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
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
    /// The variables a wizard agent reads.
    pub variables: Vec<AgentVariable>,
}

/// One variable of a wizard agent, for its form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AgentVariable {
    /// Its key in `variables`.
    pub name: String,
    /// What to fill in.
    pub description: String,
    /// Whether the agent needs it.
    pub required: bool,
    /// What kind of value it takes.
    pub kind: VariableKind,
    /// Its default, as the form shows it (`true`/`false` for a boolean).
    pub default: Option<String>,
}

/// What kind of value a variable takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum VariableKind {
    /// Any text.
    Text,
    /// A number, within bounds.
    Number {
        /// The smallest allowed.
        minimum: Option<f64>,
        /// The largest allowed.
        maximum: Option<f64>,
        /// Whole numbers only.
        integer: bool,
    },
    /// One of these.
    Choice {
        /// The choices.
        choices: Vec<String>,
    },
    /// True or false.
    Boolean,
}

impl From<&athena_core::AgentSummary> for AgentSummary {
    fn from(a: &athena_core::AgentSummary) -> Self {
        Self {
            id: a.id.clone(),
            name: a.name.clone(),
            description: a.description.clone(),
            requires_user_message: a.requires_user_message,
            variables: a.variables.iter().map(AgentVariable::from).collect(),
        }
    }
}

impl From<&athena_core::AgentVariable> for AgentVariable {
    fn from(v: &athena_core::AgentVariable) -> Self {
        use athena_core::VariableKind as K;
        Self {
            name: v.name.clone(),
            description: v.description.clone(),
            required: v.required,
            kind: match &v.kind {
                K::Text => VariableKind::Text,
                K::Number {
                    minimum,
                    maximum,
                    integer,
                } => VariableKind::Number {
                    minimum: *minimum,
                    maximum: *maximum,
                    integer: *integer,
                },
                K::Choice { choices } => VariableKind::Choice {
                    choices: choices.clone(),
                },
                K::Boolean => VariableKind::Boolean,
            },
            default: v.default.as_ref().map(|d| match d {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            }),
        }
    }
}

impl AgentSummary {
    /// Core's agent from the agent form. A default is read as JSON where it is one
    /// (`3`, `true`) and kept as text otherwise; core's checks then judge it.
    pub fn into_core(self) -> athena_core::AgentSummary {
        use athena_core::VariableKind as K;
        athena_core::AgentSummary {
            id: self.id.trim().to_owned(),
            name: self.name.trim().to_owned(),
            description: self.description,
            requires_user_message: self.requires_user_message,
            variables: self
                .variables
                .into_iter()
                .map(|v| {
                    let kind = match v.kind {
                        VariableKind::Text => K::Text,
                        VariableKind::Number {
                            minimum,
                            maximum,
                            integer,
                        } => K::Number {
                            minimum,
                            maximum,
                            integer,
                        },
                        VariableKind::Choice { choices } => K::Choice { choices },
                        VariableKind::Boolean => K::Boolean,
                    };
                    let default = v.default.filter(|d| !d.trim().is_empty()).map(|d| {
                        if matches!(kind, K::Text | K::Choice { .. }) {
                            serde_json::Value::String(d)
                        } else {
                            serde_json::from_str(d.trim()).unwrap_or(serde_json::Value::String(d))
                        }
                    });
                    athena_core::AgentVariable {
                        name: v.name.trim().to_owned(),
                        description: v.description,
                        required: v.required,
                        kind,
                        default,
                    }
                })
                .collect(),
        }
    }
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
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
    /// Credits left in the active workspace, as last seen (absent for workspace
    /// keys, which is normal).
    pub credits_remaining: Option<f64>,
    /// The active workspace's app version, as last seen.
    pub app_version: Option<String>,
    /// The agent a new chat starts with: the one last used in this workspace, when it
    /// still offers it.
    pub preferred_agent_id: Option<String>,
}

impl WorkspaceOverview {
    /// The overview of `active` among `all`.
    pub fn new(
        active: &athena_core::Workspace,
        all: &[Arc<athena_core::Workspace>],
        status: athena_core::WorkspaceStatus,
    ) -> Self {
        Self {
            workspace_id: active.id.clone(),
            workspace_name: active.name.clone(),
            is_demo: active.is_demo(),
            agents: active.agents.iter().map(AgentSummary::from).collect(),
            workspaces: all
                .iter()
                .map(|w| WorkspaceChoice {
                    id: w.id.clone(),
                    name: w.name.clone(),
                    is_demo: w.is_demo(),
                })
                .collect(),
            credits_remaining: super::profiles::credits(status.credits_remaining),
            app_version: status.app_version,
            preferred_agent_id: None,
        }
    }
}
