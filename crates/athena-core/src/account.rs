//! What every answer says about its workspace: the credits left
//! (`X-Credits-Remaining`) and the published app version (`X-App-Version`), remembered
//! per workspace so the UI can show the credits and refresh cached workspace data
//! when the version changes.
//!
//! A missing header changes nothing: workspace keys get no credits header, and a
//! server may leave out the version. The first version seen for a workspace that had
//! none is learned, not a change (nothing cached can be stale yet).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use athena_api::ResponseMeta;
use serde::{Deserialize, Serialize};

/// The last known status of one workspace.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceStatus {
    /// Credits left, when a server has said.
    pub credits_remaining: Option<i64>,
    /// The workspace's published app version id, when a server has said.
    pub app_version: Option<String>,
}

/// What one answer changed in a workspace's [`WorkspaceStatus`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusChange {
    /// The credits left differ from the last known (or were not known).
    pub credits_changed: bool,
    /// The app version changed: `(old, new)`. Cached workspace data is stale.
    pub app_version_changed: Option<(Option<String>, String)>,
    /// The first app version was learned (not a change: nothing cached was stale).
    pub app_version_learned: bool,
}

impl StatusChange {
    /// Whether the status is different now, so a stored copy should be written.
    pub fn needs_saving(&self) -> bool {
        self.credits_changed || self.app_version_changed.is_some() || self.app_version_learned
    }
}

/// The status of every workspace, shared across tasks.
#[derive(Debug, Default)]
pub struct AccountStatus {
    workspaces: Mutex<HashMap<String, WorkspaceStatus>>,
}

impl AccountStatus {
    /// No workspace known yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a workspace's status from what was stored (e.g. at start-up), replacing
    /// what was known.
    pub fn seed(&self, workspace_id: &str, status: WorkspaceStatus) {
        self.lock().insert(workspace_id.to_owned(), status);
    }

    /// The last known status of a workspace (empty when nothing is known).
    pub fn get(&self, workspace_id: &str) -> WorkspaceStatus {
        self.lock().get(workspace_id).cloned().unwrap_or_default()
    }

    /// Forgets a workspace (removed by the user).
    pub fn forget(&self, workspace_id: &str) {
        self.lock().remove(workspace_id);
    }

    /// Takes in the headers of one answer from `workspace_id`'s server and says what
    /// changed. A header the answer lacks leaves the known value as it is.
    pub fn observe(&self, workspace_id: &str, meta: &ResponseMeta) -> StatusChange {
        let mut workspaces = self.lock();
        let status = workspaces.entry(workspace_id.to_owned()).or_default();
        let mut change = StatusChange::default();
        if let Some(credits) = meta.credits_remaining
            && status.credits_remaining != Some(credits)
        {
            status.credits_remaining = Some(credits);
            change.credits_changed = true;
        }
        if let Some(version) = &meta.app_version
            && status.app_version.as_ref() != Some(version)
        {
            let old = status.app_version.replace(version.clone());
            if old.is_some() {
                change.app_version_changed = Some((old, version.clone()));
            } else {
                change.app_version_learned = true;
            }
        }
        change
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, WorkspaceStatus>> {
        // The map stays consistent whatever panicked while holding it: each update is
        // a plain field assignment.
        self.workspaces
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}
