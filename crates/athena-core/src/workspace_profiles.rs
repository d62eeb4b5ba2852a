//! The user's saved workspaces ("profiles"): checked, kept in the history store with
//! their agents, their keys in the secret store (never anywhere else), and connected
//! into the [`WorkspaceRegistry`] the conversations use.
//!
//! A key goes from the settings form to [`Profiles::save`] once. From then on only its
//! kind and last four characters are shown; the key itself stays in the keychain (or,
//! when the user chose so because there is none, in memory for this session).

use std::path::Path;
use std::sync::Arc;

use athena_api::{ApiKey, AthenaClient, CaCertificate, ClientConfig, ResponseMeta};

use crate::account::{AccountStatus, WorkspaceStatus};
use crate::agent_check::{AgentCheck, check_agent, check_agent_within};
use crate::error::storage;
use crate::history::{History, ProfileRecord};
use crate::profiles::{
    FieldProblem, Problem, ProfileInput, key_hint, validate_agent, validate_profile,
};
use crate::secrets::{MemorySecretStore, SecretStore, SecretStoreError};
use crate::{
    AgentSummary, CoreError, KeyStorage, Workspace, WorkspaceKind, WorkspaceRegistry, write_agents,
};

/// What the user is told when a workspace's credits or app version change.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkspaceStatusReport {
    /// The app's id of the workspace.
    pub workspace_id: String,
    /// Credits and app version as now known.
    pub status: WorkspaceStatus,
    /// Whether the app version changed (its agents were then checked again).
    pub app_version_changed: bool,
    /// The new checks of its agents, after an app version change.
    pub agent_checks: Option<Vec<(AgentSummary, AgentCheck)>>,
}

/// Receives [`WorkspaceStatusReport`]s (the shell emits them as events).
pub trait WorkspaceStatusSink: Send + Sync + 'static {
    /// A workspace's status changed.
    fn status_changed(&self, report: WorkspaceStatusReport);
}

/// How many agents were added and replaced by an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgentsImported {
    /// New ids.
    pub added: usize,
    /// Ids that were there already, now as in the file.
    pub replaced: usize,
}

/// The saved workspaces and everything that changes them. Cheap to clone.
#[derive(Clone)]
pub struct Profiles {
    inner: Arc<Inner>,
}

struct Inner {
    history: History,
    registry: Arc<WorkspaceRegistry>,
    keychain: Arc<dyn SecretStore>,
    session: MemorySecretStore,
    account: AccountStatus,
    sink: Arc<dyn WorkspaceStatusSink>,
}

impl std::fmt::Debug for Profiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Profiles").finish_non_exhaustive()
    }
}

impl Profiles {
    /// Profiles stored in `history`, with keys in `keychain`, shown through `registry`.
    pub fn new(
        history: History,
        registry: Arc<WorkspaceRegistry>,
        keychain: Arc<dyn SecretStore>,
        sink: Arc<dyn WorkspaceStatusSink>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                history,
                registry,
                keychain,
                session: MemorySecretStore::default(),
                account: AccountStatus::default(),
                sink,
            }),
        }
    }

    /// Connects every saved profile (its key read from the keychain; a profile whose
    /// key cannot be read is shown with its key missing) and gives the demo and run
    /// workspaces their saved agents and status. Returns how many profiles it found.
    ///
    /// # Errors
    /// [`CoreError::Storage`] when the history cannot be read.
    pub fn load(&self) -> Result<usize, CoreError> {
        for workspace in self.inner.registry.all() {
            if let Some(status) = self
                .inner
                .history
                .workspace_status(&workspace.id)
                .map_err(storage)?
            {
                self.inner.account.seed(&workspace.id, status);
            }
            if workspace.kind == WorkspaceKind::Run {
                let saved = self.inner.history.agents(&workspace.id).map_err(storage)?;
                if !saved.is_empty() {
                    self.inner
                        .registry
                        .set_agents(&workspace.id, merge(&workspace.agents, saved));
                }
            }
        }
        let records = self.inner.history.profiles().map_err(storage)?;
        let found = records.len();
        for record in records {
            let key = match self.inner.keychain.get(&record.id) {
                Ok(key) => key.map(|k| (k, KeyStorage::Keychain)),
                Err(err) => {
                    tracing::warn!(error = %err, "a profile's key could not be read");
                    None
                }
            };
            let agents = self.inner.history.agents(&record.id).map_err(storage)?;
            self.inner.account.seed(&record.id, record.status.clone());
            match connect(&record, key, agents) {
                Ok(workspace) => self.inner.registry.put(workspace),
                Err(err) => tracing::warn!(error = %err, "a saved profile could not be connected"),
            }
        }
        Ok(found)
    }

    /// Whether a keychain is there to keep keys in, and why not when it is not.
    pub fn keychain_status(&self) -> Result<(), SecretStoreError> {
        self.inner.keychain.probe()
    }

    /// The saved profile with this id.
    ///
    /// # Errors
    /// [`CoreError::Storage`].
    pub fn record(&self, id: &str) -> Result<Option<ProfileRecord>, CoreError> {
        self.inner.history.profile(id).map_err(storage)
    }

    /// Every saved profile, oldest first.
    ///
    /// # Errors
    /// [`CoreError::Storage`].
    pub fn records(&self) -> Result<Vec<ProfileRecord>, CoreError> {
        self.inner.history.profiles().map_err(storage)
    }

    /// Credits and app version last seen for a workspace.
    pub fn status(&self, workspace_id: &str) -> WorkspaceStatus {
        self.inner.account.get(workspace_id)
    }

    /// Saves a new profile (`id` None) or changes one. A new key goes to the keychain;
    /// when there is none, only with `keep_in_memory` to this session's memory.
    ///
    /// # Errors
    /// [`CoreError::InvalidInput`] naming every bad field, [`CoreError::NotEditable`]
    /// for the demo and run workspaces, [`CoreError::UnknownWorkspace`],
    /// [`CoreError::KeychainUnavailable`], [`CoreError::Storage`].
    pub async fn save(
        &self,
        id: Option<&str>,
        input: ProfileInput,
        keep_in_memory: bool,
    ) -> Result<Arc<Workspace>, CoreError> {
        let existing = match id {
            Some(id) => Some(self.editable(id)?),
            None => None,
        };
        let valid =
            validate_profile(&input, existing.is_none()).map_err(CoreError::InvalidInput)?;
        let ca = match &valid.ca_certificate {
            Some(path) => Some(read_ca(path)?),
            None => None,
        };
        let id = existing.as_ref().map_or_else(
            || format!("profile:{}", uuid::Uuid::new_v4()),
            |w| w.id.clone(),
        );
        let key = match &valid.api_key {
            Some(key) => {
                let key = ApiKey::new(key.clone());
                let storage = self.keep_key(&id, &key, keep_in_memory)?;
                Some((key, storage))
            }
            None => existing.as_ref().and_then(|w| {
                let key = w.client.config().api_key.clone();
                w.has_key().then_some((key, w.key_storage))
            }),
        };
        let record = ProfileRecord {
            id: id.clone(),
            name: valid.name.clone(),
            base_url: valid.base_url.clone(),
            server_workspace_id: valid.workspace_id.clone(),
            external_user_id: valid.external_user_id.clone(),
            ca_certificate: valid.ca_certificate.clone(),
            created_at_ms: crate::conversations::now_ms(),
            status: self.inner.account.get(&id),
        };
        self.inner
            .history
            .save_profile(record.clone())
            .await
            .map_err(storage)?;
        let agents = existing.map(|w| w.agents.clone()).unwrap_or_default();
        let workspace = connect_with(&record, key, agents, ca).map_err(|err| {
            // The URL was checked; a client that still cannot be built is a bug.
            tracing::error!(error = %err, "a profile's client could not be built");
            CoreError::Storage("the workspace's connection could not be set up".into())
        })?;
        self.inner.registry.put(workspace);
        self.inner
            .registry
            .get(&id)
            .ok_or_else(|| CoreError::UnknownWorkspace(id.clone()))
    }

    /// Deletes a profile: its conversations on this computer, its agents and its key.
    ///
    /// # Errors
    /// [`CoreError::NotEditable`], [`CoreError::UnknownWorkspace`],
    /// [`CoreError::Storage`].
    pub async fn delete(&self, id: &str) -> Result<(), CoreError> {
        self.editable(id)?;
        self.inner
            .history
            .delete_workspace(id)
            .await
            .map_err(storage)?;
        self.inner.registry.remove(id);
        let _ = self.inner.session.delete(id);
        if let Err(err) = self.inner.keychain.delete(id) {
            // The profile is gone; a key left behind is logged (never shown), and the
            // next profile gets a new id, so it is never reused.
            tracing::warn!(error = %err, "the deleted profile's key could not be removed");
        }
        Ok(())
    }

    /// Checks an agent with a credit preview (which costs nothing) and, when the check
    /// passes, adds it to the workspace (replacing one with the same id).
    ///
    /// # Errors
    /// [`CoreError::InvalidInput`], [`CoreError::AgentCheckFailed`] with the outcome,
    /// [`CoreError::NotEditable`] (the demo's agents are its own),
    /// [`CoreError::UnknownWorkspace`], [`CoreError::Storage`].
    pub async fn add_agent(
        &self,
        workspace_id: &str,
        agent: AgentSummary,
    ) -> Result<crate::costs::CostPreview, CoreError> {
        let workspace = self.with_agents(workspace_id)?;
        validate_agent(&agent).map_err(CoreError::InvalidInput)?;
        let (check, meta) =
            check_agent_within(&workspace.client, &agent.id, crate::CHECK_TIME_LIMIT).await;
        if let Some(meta) = meta {
            self.observe(&workspace.id, &meta);
        }
        let AgentCheck::Ok { preview } = check else {
            return Err(CoreError::AgentCheckFailed(Box::new(check)));
        };
        let agents = merge(&workspace.agents, vec![agent]);
        self.store_agents(&workspace, agents).await?;
        Ok(preview)
    }

    /// Removes an agent from a workspace (its conversations stay).
    ///
    /// # Errors
    /// As [`Self::add_agent`], without the check.
    pub async fn remove_agent(&self, workspace_id: &str, agent_id: &str) -> Result<(), CoreError> {
        let workspace = self.with_agents(workspace_id)?;
        let agents = workspace
            .agents
            .iter()
            .filter(|a| a.id != agent_id)
            .cloned()
            .collect();
        self.store_agents(&workspace, agents).await
    }

    /// Adds the agents of an agents file to a workspace, replacing those with the
    /// same id. Nothing is added when any is invalid.
    ///
    /// # Errors
    /// [`CoreError::AgentsFile`] with the reason, and as [`Self::remove_agent`].
    pub async fn import_agents(
        &self,
        workspace_id: &str,
        path: &Path,
    ) -> Result<AgentsImported, CoreError> {
        let workspace = self.with_agents(workspace_id)?;
        let agents =
            crate::read_agents_file(path).map_err(|e| CoreError::AgentsFile(e.to_string()))?;
        let replaced = agents
            .iter()
            .filter(|a| workspace.agents.iter().any(|b| b.id == a.id))
            .count();
        let imported = AgentsImported {
            added: agents.len() - replaced,
            replaced,
        };
        self.store_agents(&workspace, merge(&workspace.agents, agents))
            .await?;
        Ok(imported)
    }

    /// Writes a workspace's agents to an agents file.
    ///
    /// # Errors
    /// [`CoreError::AgentsFile`] when it cannot be written,
    /// [`CoreError::UnknownWorkspace`].
    pub fn export_agents(&self, workspace_id: &str, path: &Path) -> Result<usize, CoreError> {
        let workspace = self
            .inner
            .registry
            .get(workspace_id)
            .ok_or_else(|| CoreError::UnknownWorkspace(workspace_id.to_owned()))?;
        std::fs::write(path, write_agents(&workspace.agents))
            .map_err(|e| CoreError::AgentsFile(format!("{}: {e}", path.display())))?;
        Ok(workspace.agents.len())
    }

    /// Takes in what a response said about a workspace's credits and app version.
    /// A change is stored and reported; a new app version also checks the
    /// workspace's agents again (the agent definitions are the workspace data the
    /// app keeps) and reports what it found.
    pub fn observe(&self, workspace_id: &str, meta: &ResponseMeta) {
        let change = self.inner.account.observe(workspace_id, meta);
        if !change.credits_changed && change.app_version_changed.is_none() {
            return;
        }
        let status = self.inner.account.get(workspace_id);
        let this = self.clone();
        let workspace_id = workspace_id.to_owned();
        let version_changed = change.app_version_changed.is_some();
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        runtime.spawn(async move {
            if let Err(err) = this
                .inner
                .history
                .record_workspace_status(
                    &workspace_id,
                    status.credits_remaining,
                    status.app_version.clone(),
                )
                .await
            {
                tracing::warn!(error = %err, "a workspace's status was not stored");
            }
            this.inner.sink.status_changed(WorkspaceStatusReport {
                workspace_id: workspace_id.clone(),
                status: status.clone(),
                app_version_changed: version_changed,
                agent_checks: None,
            });
            if version_changed && let Some(workspace) = this.inner.registry.get(&workspace_id) {
                let mut checks = Vec::new();
                for agent in &workspace.agents {
                    checks.push((
                        agent.clone(),
                        check_agent(&workspace.client, &agent.id).await,
                    ));
                }
                this.inner.sink.status_changed(WorkspaceStatusReport {
                    workspace_id,
                    status: this.inner.account.get(&workspace.id),
                    app_version_changed: true,
                    agent_checks: Some(checks),
                });
            }
        });
    }

    /// Asks the server for the credits left after an execution: a credit preview of
    /// the agent costs nothing and its response carries `X-Credits-Remaining`.
    pub async fn refresh_credits(&self, workspace_id: &str, agent_id: &str) {
        let Some(workspace) = self.inner.registry.get(workspace_id) else {
            return;
        };
        match crate::costs::preview_cost(&workspace.client, agent_id, &serde_json::Map::new()).await
        {
            Ok((_, meta)) => self.observe(workspace_id, &meta),
            Err(err) => tracing::debug!(error = %err, "credits not refreshed"),
        }
    }

    fn keep_key(
        &self,
        id: &str,
        key: &ApiKey,
        keep_in_memory: bool,
    ) -> Result<KeyStorage, CoreError> {
        if keep_in_memory {
            self.inner.session.set(id, key).map_err(secret)?;
            return Ok(KeyStorage::Session);
        }
        match self.inner.keychain.set(id, key) {
            Ok(()) => {
                let _ = self.inner.session.delete(id);
                Ok(KeyStorage::Keychain)
            }
            Err(SecretStoreError::Unavailable { reason }) => {
                Err(CoreError::KeychainUnavailable(reason))
            }
            Err(err) => Err(secret(err)),
        }
    }

    fn editable(&self, id: &str) -> Result<Arc<Workspace>, CoreError> {
        let workspace = self
            .inner
            .registry
            .get(id)
            .ok_or_else(|| CoreError::UnknownWorkspace(id.to_owned()))?;
        if workspace.kind != WorkspaceKind::Profile {
            return Err(CoreError::NotEditable);
        }
        Ok(workspace)
    }

    fn with_agents(&self, id: &str) -> Result<Arc<Workspace>, CoreError> {
        let workspace = self
            .inner
            .registry
            .get(id)
            .ok_or_else(|| CoreError::UnknownWorkspace(id.to_owned()))?;
        if workspace.is_demo() {
            return Err(CoreError::NotEditable);
        }
        Ok(workspace)
    }

    async fn store_agents(
        &self,
        workspace: &Workspace,
        agents: Vec<AgentSummary>,
    ) -> Result<(), CoreError> {
        if workspace.kind == WorkspaceKind::Run {
            // The run's workspace is stored with its first conversation; its agents
            // need the row now.
            self.inner
                .history
                .save_workspace(crate::history::WorkspaceRecord {
                    id: workspace.id.clone(),
                    name: workspace.name.clone(),
                    base_url: workspace.client.config().base_url.clone(),
                    kind: WorkspaceKind::Run,
                })
                .await
                .map_err(storage)?;
        }
        self.inner
            .history
            .save_agents(&workspace.id, agents.clone())
            .await
            .map_err(storage)?;
        self.inner.registry.set_agents(&workspace.id, agents);
        Ok(())
    }
}

/// `base` with each of `newer` replacing the agent of the same id in place, or added
/// at the end.
fn merge(base: &[AgentSummary], newer: Vec<AgentSummary>) -> Vec<AgentSummary> {
    let mut merged = base.to_vec();
    for agent in newer {
        match merged.iter_mut().find(|a| a.id == agent.id) {
            Some(slot) => *slot = agent,
            None => merged.push(agent),
        }
    }
    merged
}

fn read_ca(path: &Path) -> Result<CaCertificate, CoreError> {
    CaCertificate::from_file(path).map_err(|problem| {
        CoreError::InvalidInput(vec![FieldProblem {
            field: "caCertificate".into(),
            problem: Problem::BadCertificate {
                reason: problem.to_string(),
            },
        }])
    })
}

fn connect(
    record: &ProfileRecord,
    key: Option<(ApiKey, KeyStorage)>,
    agents: Vec<AgentSummary>,
) -> Result<Workspace, athena_api::ApiError> {
    let ca = match &record.ca_certificate {
        Some(path) => match CaCertificate::from_file(path) {
            Ok(ca) => Some(ca),
            Err(problem) => {
                tracing::warn!(%problem, "a profile's CA certificate could not be read");
                None
            }
        },
        None => None,
    };
    connect_with(record, key, agents, ca)
}

fn connect_with(
    record: &ProfileRecord,
    key: Option<(ApiKey, KeyStorage)>,
    agents: Vec<AgentSummary>,
    ca: Option<CaCertificate>,
) -> Result<Workspace, athena_api::ApiError> {
    let (key, key_storage) =
        key.unwrap_or_else(|| (ApiKey::new(String::new()), KeyStorage::Missing));
    let key_hint = if key.expose().is_empty() {
        String::new()
    } else {
        key_hint(key.expose())
    };
    let mut config = ClientConfig::new(
        record.base_url.clone(),
        key,
        record.server_workspace_id.clone(),
    );
    config.extra_root_certificates.extend(ca);
    Ok(Workspace {
        id: record.id.clone(),
        name: record.name.clone(),
        kind: WorkspaceKind::Profile,
        client: AthenaClient::new(config)?,
        agents,
        external_user_id: record.external_user_id.clone(),
        key_storage,
        key_hint,
    })
}

fn secret(err: SecretStoreError) -> CoreError {
    tracing::error!(error = %err, "secret store");
    CoreError::SecretStore(err.to_string())
}

impl crate::AccountObserver for Profiles {
    fn response_seen(&self, workspace_id: &str, meta: &ResponseMeta) {
        self.observe(workspace_id, meta);
    }

    fn execution_ended(&self, workspace_id: &str, agent_id: &str) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let this = self.clone();
        let (workspace_id, agent_id) = (workspace_id.to_owned(), agent_id.to_owned());
        runtime.spawn(async move { this.refresh_credits(&workspace_id, &agent_id).await });
    }
}
