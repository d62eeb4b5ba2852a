//! Tools on this computer that an agent may call, and the approvals that let them
//! run: which tools each agent is offered, what the user granted them, and the
//! answering of a suspended execution (check, decide, run, post, resume).
//!
//! The invariant: a tool runs only through the [`gate::Gate`], which holds
//! approvals recorded by the broker alone, from the native dialog's answer or a
//! stored rule. Nothing in [`ClientTools`]' public API records an approval or runs a
//! tool; the webview reaches only that public API.

mod answer;
mod audit;
pub mod broker;
mod gate;
mod user_tools;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use crate::dialogs::Dialogs;
use crate::history::{CallOutcome, CallProgress, GrantKind, History, HistoryError, StoredToolCall};
use crate::runner::PendingCall;
use crate::tools::{
    GrantedFolder, ToolContext, ToolDefinition, ToolRegistry, ToolSource, arguments_hash,
    name_folders,
};
use crate::{CoreError, ExecutionHandle};

/// The most tools one request may offer (the API's limit).
pub use athena_api::validation::MAX_CLIENT_TOOLS;

pub(crate) use answer::Suspension;
pub use audit::AuditFormat;
pub(crate) use broker::Caller;

/// The tools of this computer, their settings and the answering of their calls.
#[derive(Clone)]
pub struct ClientTools {
    inner: Arc<Inner>,
}

struct Inner {
    /// The tools now: swapped whole when the user's tools change (see user_tools.rs).
    registry: RwLock<ToolRegistry>,
    /// What the registry is built from.
    layers: Mutex<user_tools::Layers>,
    history: History,
    dialogs: Arc<dyn Dialogs>,
    gate: gate::Gate,
    run_limit: Duration,
}

impl std::fmt::Debug for ClientTools {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientTools")
            .field("tools", &self.registry().len())
            .finish_non_exhaustive()
    }
}

/// A tool as the settings show it for one agent.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentTool {
    /// What the agent is told about it.
    pub definition: ToolDefinition,
    /// Whether it is offered to this agent.
    pub enabled: bool,
    /// Whether an "always allow" rule lets it run without asking.
    pub always_allowed: bool,
    /// Whether a rule exists but was given for an earlier definition of the tool
    /// (it no longer applies: the next call asks).
    pub rule_outdated: bool,
    /// Where the tool comes from.
    pub source: ToolSource,
}

impl ClientTools {
    /// The tools of `registry`, their settings and calls in `history`; the user is
    /// asked through `dialogs`. A tool that runs longer than 60 s fails.
    pub fn new(registry: ToolRegistry, history: History, dialogs: Arc<dyn Dialogs>) -> Self {
        Self::with_run_limit(registry, history, dialogs, answer::RUN_LIMIT)
    }

    /// As [`Self::new`], with another time limit per run (for tests).
    pub fn with_run_limit(
        registry: ToolRegistry,
        history: History,
        dialogs: Arc<dyn Dialogs>,
        run_limit: Duration,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                registry: RwLock::new(registry.clone()),
                layers: Mutex::new(user_tools::Layers::new(registry)),
                history,
                dialogs,
                gate: gate::Gate::default(),
                run_limit,
            }),
        }
    }

    /// Every tool this app has.
    pub fn definitions(&self) -> Vec<ToolDefinition> {
        self.registry().definitions()
    }

    /// The tools offered to an agent, as the request's `client_tools`: the enabled
    /// tools this app has now, at most [`MAX_CLIENT_TOOLS`] (the API's limit per
    /// request; [`Self::set_enabled`] keeps an agent within it).
    ///
    /// # Errors
    /// [`CoreError::Storage`].
    pub fn offered(
        &self,
        workspace_id: &str,
        agent_id: &str,
    ) -> Result<Vec<athena_api::ClientTool>, CoreError> {
        let enabled = self.enabled_for(workspace_id, agent_id)?;
        let registry = self.registry();
        let mut offered: Vec<athena_api::ClientTool> = enabled
            .iter()
            .filter_map(|name| registry.definition(name))
            .map(ToolDefinition::to_wire)
            .collect();
        if offered.len() > MAX_CLIENT_TOOLS {
            tracing::warn!(
                enabled = offered.len(),
                "more tools are enabled for an agent than a request may carry; the first 32 are offered"
            );
            offered.truncate(MAX_CLIENT_TOOLS);
        }
        Ok(offered)
    }

    fn enabled_for(&self, workspace_id: &str, agent_id: &str) -> Result<Vec<String>, CoreError> {
        self.inner
            .history
            .enabled_tools(workspace_id, agent_id)
            .map_err(storage)
    }

    /// Every tool, as the settings show it for one agent.
    ///
    /// # Errors
    /// [`CoreError::Storage`].
    pub fn agent_tools(
        &self,
        workspace_id: &str,
        agent_id: &str,
    ) -> Result<Vec<AgentTool>, CoreError> {
        let enabled = self.enabled_for(workspace_id, agent_id)?;
        let rules = self
            .inner
            .history
            .tool_rules(workspace_id)
            .map_err(storage)?;
        let registry = self.registry();
        Ok(registry
            .definitions()
            .into_iter()
            .map(|definition| {
                let rule = rules
                    .iter()
                    .find(|r| r.agent_id == agent_id && r.tool_name == definition.name);
                let current = rule.is_some_and(|r| r.fingerprint == definition.fingerprint());
                AgentTool {
                    enabled: enabled.contains(&definition.name),
                    always_allowed: current,
                    rule_outdated: rule.is_some() && !current,
                    source: registry.source(&definition.name).unwrap_or_default(),
                    definition,
                }
            })
            .collect())
    }

    /// Offers a tool to an agent, or stops offering it. Enabling runs nothing: each
    /// call is still decided by a rule or the user.
    ///
    /// # Errors
    /// [`CoreError::UnknownTool`] for a tool this app does not have;
    /// [`CoreError::TooManyTools`] when the agent already has [`MAX_CLIENT_TOOLS`]
    /// tools enabled (a request carries at most that many); [`CoreError::Storage`].
    pub async fn set_enabled(
        &self,
        workspace_id: &str,
        agent_id: &str,
        tool_name: &str,
        enabled: bool,
    ) -> Result<(), CoreError> {
        let registry = self.registry();
        if registry.definition(tool_name).is_none() {
            return Err(CoreError::UnknownTool(tool_name.to_owned()));
        }
        if enabled {
            // Tools enabled earlier that the app no longer has do not count.
            let others = self
                .enabled_for(workspace_id, agent_id)?
                .into_iter()
                .filter(|name| name != tool_name && registry.definition(name).is_some())
                .count();
            if others >= MAX_CLIENT_TOOLS {
                return Err(CoreError::TooManyTools {
                    limit: MAX_CLIENT_TOOLS,
                });
            }
        }
        self.inner
            .history
            .set_tool_enabled(workspace_id, agent_id, tool_name, enabled)
            .await
            .map_err(storage)
    }

    /// Removes an "always allow" rule: the next call of the tool asks again.
    ///
    /// # Errors
    /// [`CoreError::Storage`].
    pub async fn revoke_rule(
        &self,
        workspace_id: &str,
        agent_id: &str,
        tool_name: &str,
    ) -> Result<(), CoreError> {
        self.inner
            .history
            .revoke_tool_rule(workspace_id, agent_id, tool_name)
            .await
            .map_err(storage)
    }

    /// The folders the file tools may read, with the names the agent uses for them.
    ///
    /// # Errors
    /// [`CoreError::Storage`].
    pub fn granted_folders(&self) -> Result<Vec<GrantedFolder>, CoreError> {
        let paths: Vec<PathBuf> = self
            .inner
            .history
            .grants(GrantKind::Folder)
            .map_err(storage)?
            .into_iter()
            .map(PathBuf::from)
            .collect();
        Ok(name_folders(&paths))
    }

    /// Grants the file tools a folder the user chose in a native dialog.
    ///
    /// # Errors
    /// [`CoreError::NotAFolder`] when it is not a folder; [`CoreError::Storage`].
    pub async fn grant_folder(&self, folder: &Path) -> Result<(), CoreError> {
        if !folder.is_dir() {
            return Err(CoreError::NotAFolder(folder.display().to_string()));
        }
        self.inner
            .history
            .grant(GrantKind::Folder, &folder.to_string_lossy(), now_ms())
            .await
            .map_err(storage)
    }

    /// Takes a folder back from the file tools.
    ///
    /// # Errors
    /// [`CoreError::Storage`].
    pub async fn remove_folder(&self, folder: &str) -> Result<(), CoreError> {
        self.inner
            .history
            .ungrant(GrantKind::Folder, folder)
            .await
            .map_err(storage)
    }

    /// The ledger `query_transactions` reads, if one was chosen.
    ///
    /// # Errors
    /// [`CoreError::Storage`].
    pub fn ledger_file(&self) -> Result<Option<PathBuf>, CoreError> {
        Ok(self
            .inner
            .history
            .grants(GrantKind::Ledger)
            .map_err(storage)?
            .into_iter()
            .next()
            .map(PathBuf::from))
    }

    /// Makes a file the user chose in a native dialog the ledger (or forgets the
    /// ledger with `None`).
    ///
    /// # Errors
    /// [`CoreError::Storage`].
    pub async fn set_ledger_file(&self, file: Option<&Path>) -> Result<(), CoreError> {
        let history = &self.inner.history;
        match file {
            Some(file) => history
                .grant(GrantKind::Ledger, &file.to_string_lossy(), now_ms())
                .await
                .map_err(storage),
            None => {
                for path in history.grants(GrantKind::Ledger).map_err(storage)? {
                    history
                        .ungrant(GrantKind::Ledger, &path)
                        .await
                        .map_err(storage)?;
                }
                Ok(())
            }
        }
    }

    /// How many approvals wait in the gate, not yet used (for tests of the gate's
    /// reach: forged commands must leave it at zero).
    pub fn approvals_waiting(&self) -> usize {
        self.inner.gate.waiting()
    }

    /// What a run may touch now.
    fn context(&self) -> ToolContext {
        ToolContext {
            granted_folders: self.granted_folders().unwrap_or_default(),
            ledger_file: self.ledger_file().ok().flatten(),
            now: local_now(),
        }
    }

    /// Stores the calls a stream just suspended for, as pending (before anyone is
    /// asked), and returns them as stored.
    pub(crate) async fn record_calls(
        &self,
        handle: &ExecutionHandle,
        execution_id: &str,
        calls: Vec<PendingCall>,
    ) -> Vec<StoredToolCall> {
        let mut stored = Vec::with_capacity(calls.len());
        for call in calls {
            let record = StoredToolCall {
                handle: handle.clone(),
                call_id: call.call_id,
                execution_id: execution_id.to_owned(),
                part_index: call.index,
                tool_name: call.name,
                arguments_hash: arguments_hash(&call.arguments),
                arguments: call.arguments,
                progress: CallProgress::Pending,
                outcome: None::<CallOutcome>,
                updated_at_ms: now_ms(),
            };
            if let Err(err) = self.inner.history.save_tool_call(record.clone()).await {
                tracing::error!(error = %err, "a tool call was not stored; it will not survive a restart");
            }
            stored.push(record);
        }
        stored
    }

    /// The calls of an execution the last run left open.
    pub(crate) fn stored_calls(
        &self,
        handle: &ExecutionHandle,
    ) -> Result<Vec<StoredToolCall>, HistoryError> {
        self.inner.history.tool_calls(handle)
    }
}

fn storage(err: HistoryError) -> CoreError {
    CoreError::Storage(err.to_string())
}

/// Now, at the system time zone's offset (UTC when it cannot be read).
fn local_now() -> time::OffsetDateTime {
    let utc = time::OffsetDateTime::now_utc();
    let seconds = jiff::Zoned::now().offset().seconds();
    time::UtcOffset::from_whole_seconds(seconds).map_or(utc, |offset| utc.to_offset(offset))
}

fn now_ms() -> i64 {
    crate::conversations::now_ms()
}
