use std::sync::{Mutex, PoisonError};

use athena_core::{Conversations, Executions, Workspace};

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
    pub(crate) history_status: HistoryStatus,
}

impl AppState {
    /// `conversations` holds the demo workspace first, then the run's workspace when
    /// one was given: that one is active at start.
    pub(crate) fn new(
        demo: DemoWorkspace,
        conversations: Conversations,
        history_status: HistoryStatus,
    ) -> Self {
        let active = conversations
            .workspaces()
            .last()
            .map(|w| w.id.clone())
            .unwrap_or_default();
        Self {
            _demo: demo,
            active: Mutex::new(active),
            conversations,
            history_status,
        }
    }

    /// The executions of every conversation.
    pub(crate) fn executions(&self) -> &Executions {
        self.conversations.executions()
    }

    /// Every workspace the user can pick.
    pub(crate) fn workspaces(&self) -> &[Workspace] {
        self.conversations.workspaces()
    }

    /// The workspace new conversations start in.
    pub(crate) fn active_workspace(&self) -> &Workspace {
        let active = self.active.lock().unwrap_or_else(PoisonError::into_inner);
        self.conversations
            .workspace(&active)
            .unwrap_or(&self.workspaces()[0])
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
