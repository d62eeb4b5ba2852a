use std::sync::{Mutex, PoisonError};

use athena_core::{Executions, Workspace};

use crate::demo::DemoWorkspace;

/// What the commands share: the workspaces, which one is active, and the executions.
#[derive(Debug)]
pub(crate) struct AppState {
    /// Keeps the demo server running as long as the app.
    _demo: DemoWorkspace,
    /// The demo workspace first, then the run's workspace when one was given.
    workspaces: Vec<Workspace>,
    active: Mutex<String>,
    pub(crate) executions: Executions,
}

impl AppState {
    /// The run's workspace, when given, is the active one at start.
    pub(crate) fn new(demo: DemoWorkspace, run: Option<Workspace>, executions: Executions) -> Self {
        let mut workspaces = vec![demo.workspace.clone()];
        workspaces.extend(run);
        let active = workspaces.last().map(|w| w.id.clone()).unwrap_or_default();
        Self {
            _demo: demo,
            workspaces,
            active: Mutex::new(active),
            executions,
        }
    }

    /// Every workspace the user can pick.
    pub(crate) fn workspaces(&self) -> &[Workspace] {
        &self.workspaces
    }

    /// The workspace new messages go to.
    pub(crate) fn active_workspace(&self) -> &Workspace {
        let active = self.active.lock().unwrap_or_else(PoisonError::into_inner);
        self.workspace(&active).unwrap_or(&self.workspaces[0])
    }

    /// The workspace with this id.
    pub(crate) fn workspace(&self, id: &str) -> Option<&Workspace> {
        self.workspaces.iter().find(|w| w.id == id)
    }

    /// Makes `id` the active workspace; false when there is none with that id.
    pub(crate) fn select(&self, id: &str) -> bool {
        if self.workspace(id).is_none() {
            return false;
        }
        *self.active.lock().unwrap_or_else(PoisonError::into_inner) = id.to_owned();
        true
    }
}
