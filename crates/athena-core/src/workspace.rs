use athena_api::AthenaClient;

use crate::AgentVariable;

/// An agent the user can pick.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentSummary {
    /// The agent id, e.g. `agent:demo-chat`.
    pub id: String,
    /// A short name to show.
    pub name: String,
    /// One line saying what it does.
    pub description: String,
    /// Whether a message must be typed (a wizard agent runs on its variables alone).
    pub requires_user_message: bool,
    /// The variables it reads, for a wizard agent.
    pub variables: Vec<AgentVariable>,
}

/// The id of the built-in demo workspace.
pub const DEMO_WORKSPACE_ID: &str = "demo";

/// Where a workspace comes from, which decides what the user may change about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkspaceKind {
    /// The built-in demo workspace: always there, never edited or deleted.
    Demo,
    /// Given on the command line or in the environment for this run only.
    Run,
    /// A profile the user saved; its key lives in the secret store.
    Profile,
}

/// Where a workspace's key is kept, as the user is told (never the key itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyStorage {
    /// In the OS keychain.
    Keychain,
    /// In memory for this session only (no keychain was available).
    Session,
    /// Not found: the keychain had no key for this profile (or none was reachable).
    Missing,
    /// Given for this run on the command line or in the environment.
    RunOnly,
    /// Made by the app for the built-in demo server.
    Demo,
}

/// A connected Athena workspace: where executions go, and the agents it offers.
///
/// The API lists no agents, so a real workspace's agents are entered by id (or read
/// from an agents file); the built-in demo workspace knows its own.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The app's stable id for it: [`DEMO_WORKSPACE_ID`], [`workspace_key`] of its
    /// server and workspace id for a run's workspace, or a profile's own id.
    pub id: String,
    /// The name the user sees.
    pub name: String,
    /// Where it comes from.
    pub kind: WorkspaceKind,
    /// The client for this workspace's server.
    pub client: AthenaClient,
    /// The agents to offer.
    pub agents: Vec<AgentSummary>,
    /// Sent as `external_user_id` with every execution, when set.
    pub external_user_id: Option<String>,
    /// Where its key is kept.
    pub key_storage: KeyStorage,
    /// The last four characters of its key after an ellipsis (`…1234`), for the user
    /// to recognise it; empty when there is no key.
    pub key_hint: String,
}

impl Workspace {
    /// Whether this is the built-in demo workspace.
    pub fn is_demo(&self) -> bool {
        self.kind == WorkspaceKind::Demo
    }

    /// Whether it can be sent to: it has a key.
    pub fn has_key(&self) -> bool {
        self.key_storage != KeyStorage::Missing
    }
}

/// The app's stable id of the workspace `workspace_id` on the server at `base_url`.
///
/// Scheme and host are compared case-insensitively and a trailing `/` is ignored, so
/// `HTTPS://Api.Example/` and `https://api.example` name the same workspace. What the app
/// stores about a workspace is keyed by this id.
pub fn workspace_key(base_url: &str, workspace_id: &str) -> String {
    let trimmed = base_url.trim().trim_end_matches('/');
    let normalized = match url::Url::parse(trimmed) {
        Ok(url) => url.as_str().trim_end_matches('/').to_owned(),
        Err(_) => trimmed.to_owned(),
    };
    format!("{normalized}#{}", workspace_id.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_server_and_workspace_have_the_same_key() {
        let a = workspace_key("HTTPS://Api.Example.com/", "workspace:w1");
        let b = workspace_key("https://api.example.com", "workspace:w1");
        assert_eq!(a, b);
        assert_eq!(a, "https://api.example.com#workspace:w1");
        assert_ne!(a, workspace_key("https://api.example.com", "workspace:w2"));
        assert_ne!(a, workspace_key("http://api.example.com", "workspace:w1"));
        assert_ne!(
            workspace_key("http://127.0.0.1:1/", "workspace:w"),
            workspace_key("http://127.0.0.1:2", "workspace:w")
        );
    }
}
