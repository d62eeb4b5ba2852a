use std::sync::{Arc, Mutex, PoisonError};

use athena_core::{BatchRuns, Conversations, Executions, Profiles, Workspace};

use crate::demo::DemoWorkspace;
use crate::ipc::HistoryStatus;

/// What the commands share: the conversations (with the workspaces and executions
/// behind them), which workspace is active, and how the history opened.
#[derive(Debug)]
pub(crate) struct AppState {
    /// Keeps the demo server running as long as the app.
    _demo: DemoWorkspace,
    active: Mutex<String>,
    pub(crate) conversations: Conversations,
    pub(crate) profiles: Profiles,
    pub(crate) batches: BatchRuns,
    pub(crate) history_status: HistoryStatus,
}

impl AppState {
    /// `conversations` holds the demo workspace first, then the run's workspace when
    /// one was given, then the saved profiles. The run's workspace is active at start
    /// when there is one; else `remembered` (the one active when the app last ran),
    /// when it still exists; else the demo.
    pub(crate) fn new(
        demo: DemoWorkspace,
        conversations: Conversations,
        profiles: Profiles,
        batches: BatchRuns,
        history_status: HistoryStatus,
        remembered: Option<String>,
    ) -> Self {
        let all = conversations.workspaces();
        let run = all
            .iter()
            .find(|w| w.kind == athena_core::WorkspaceKind::Run)
            .map(|w| w.id.clone());
        let active = run
            .or_else(|| remembered.filter(|id| all.iter().any(|w| &w.id == id)))
            .or_else(|| all.first().map(|w| w.id.clone()))
            .unwrap_or_default();
        Self {
            _demo: demo,
            active: Mutex::new(active),
            conversations,
            profiles,
            batches,
            history_status,
        }
    }

    /// The overview of the active workspace for the header and status bar, with the
    /// agent last used in it (kept in `settings`).
    pub(crate) fn overview(
        &self,
        settings: &crate::settings::AppSettings,
    ) -> crate::ipc::WorkspaceOverview {
        let active = self.active_workspace();
        let mut overview = crate::ipc::WorkspaceOverview::new(
            &active,
            &self.workspaces(),
            self.profiles.status(&active.id),
        );
        overview.preferred_agent_id = settings
            .get()
            .workspaces
            .get(&active.id)
            .and_then(|p| p.last_agent_id.clone())
            .filter(|id| active.agents.iter().any(|a| &a.id == id));
        overview
    }

    /// The executions of every conversation.
    pub(crate) fn executions(&self) -> &Executions {
        self.conversations.executions()
    }

    /// Every workspace the user can pick.
    pub(crate) fn workspaces(&self) -> Vec<Arc<Workspace>> {
        self.conversations.workspaces()
    }

    /// The workspace new conversations start in (the first, the demo, when the active
    /// one was deleted).
    pub(crate) fn active_workspace(&self) -> Arc<Workspace> {
        let active = self.active.lock().unwrap_or_else(PoisonError::into_inner);
        self.conversations
            .workspace(&active)
            .unwrap_or_else(|| self.workspaces()[0].clone())
    }

    /// Makes `id` the active workspace; false when there is none with that id.
    pub(crate) fn select(&self, id: &str) -> bool {
        if self.conversations.workspace(id).is_none() {
            return false;
        }
        *self.active.lock().unwrap_or_else(PoisonError::into_inner) = id.to_owned();
        true
    }
}
