//! The workspaces the user can pick, which change while the app runs: profiles are
//! added, edited and deleted, and their agents come and go.

use std::sync::{Arc, PoisonError, RwLock};

use crate::{AgentSummary, Workspace};

/// Every workspace, in the order they are shown (the demo first). Readers get a
/// cheap snapshot (`Arc`s), so a long request keeps the workspace it started with
/// even when the user edits it meanwhile.
#[derive(Debug, Default)]
pub struct WorkspaceRegistry {
    list: RwLock<Vec<Arc<Workspace>>>,
}

impl WorkspaceRegistry {
    /// A registry of `workspaces`, in this order.
    pub fn new(workspaces: Vec<Workspace>) -> Self {
        Self {
            list: RwLock::new(workspaces.into_iter().map(Arc::new).collect()),
        }
    }

    /// Every workspace, in order.
    pub fn all(&self) -> Vec<Arc<Workspace>> {
        self.list
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The workspace with this id.
    pub fn get(&self, id: &str) -> Option<Arc<Workspace>> {
        self.list
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .find(|w| w.id == id)
            .cloned()
    }

    /// Replaces the workspace with the same id, or adds it at the end.
    pub fn put(&self, workspace: Workspace) {
        let mut list = self.list.write().unwrap_or_else(PoisonError::into_inner);
        let workspace = Arc::new(workspace);
        match list.iter_mut().find(|w| w.id == workspace.id) {
            Some(slot) => *slot = workspace,
            None => list.push(workspace),
        }
    }

    /// Removes a workspace; false when there was none with this id.
    pub fn remove(&self, id: &str) -> bool {
        let mut list = self.list.write().unwrap_or_else(PoisonError::into_inner);
        let before = list.len();
        list.retain(|w| w.id != id);
        list.len() != before
    }

    /// Gives a workspace a new list of agents; false when there is none with this id.
    pub fn set_agents(&self, id: &str, agents: Vec<AgentSummary>) -> bool {
        let mut list = self.list.write().unwrap_or_else(PoisonError::into_inner);
        let Some(slot) = list.iter_mut().find(|w| w.id == id) else {
            return false;
        };
        let mut updated = Workspace::clone(slot);
        updated.agents = agents;
        *slot = Arc::new(updated);
        true
    }
}
