//! Conversations: what the user chats in, kept in the history store (the API cannot
//! list them), each tied to one agent and, when the server allows, to one server
//! conversation whose `conversation_scope` every message carries.
//!
//! The API keeps one active server conversation per agent, so the first message of a
//! new chat with an agent archives the agent's previous server conversation (once its
//! running execution ended) before creating a fresh one. A key the server refuses
//! `/my/...` to gets local-only chats: kept here, without a scope.
//!
//! One user action, one idempotency key: a message is stored with its key before it
//! is sent; **Resend** reuses the key (a `409` then means the first attempt reached the
//! server), **Regenerate** is a new action with a new key.

mod manage;
mod markdown;
mod transfer;

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use athena_api::validation::validate_message;
use athena_api::{ApiError, AthenaClient, AttachmentRef, ExecuteRequest};

use crate::account_watch::{AccountObserver, watched_events};
use crate::approvals::{Caller, ClientTools, Suspension};
use crate::attachments::SentAttachment;
use crate::error::storage;
use crate::executions::{EventStream, Run, events_of, new_idempotency_key};
use crate::history::{
    ConversationEdit, ConversationPage, ConversationRecord, History, WorkspaceRecord,
};
use crate::profiles::{FieldProblem, Problem, variables_from_form};
use crate::{
    CoreError, ExecutionChange, ExecutionError, ExecutionHandle, ExecutionRequest,
    ExecutionSnapshot, Executions, Feedback, FeedbackDelivery, Workspace, WorkspaceRegistry,
};

pub use manage::{ConversationActionError, MAX_TITLE_CHARS};
pub use transfer::{EXPORT_FORMAT, EXPORT_VERSION};

/// Something the user should know about a conversation, beyond its new state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConversationNotice {
    /// The agent's previous chat was archived on the server so this one starts fresh;
    /// it stays readable here.
    PreviousArchived {
        /// The app's id of the archived conversation.
        previous_id: String,
    },
    /// The server does not keep conversations for this key: this chat is kept on
    /// this computer only, and the agent does not see its earlier messages.
    LocalOnly {
        /// The server's answer to `POST /my/conversations`.
        status: u16,
    },
}

/// Receives conversations as they change outside a command (a scope created, an
/// archive, a notice). Implemented by the shell (Tauri events) and by tests.
pub trait ConversationSink: Send + Sync + 'static {
    /// `conversation` as it now is, and what to tell the user, if anything.
    fn conversation_changed(
        &self,
        conversation: &ConversationRecord,
        notice: Option<ConversationNotice>,
    );
}

/// A conversation for the sidebar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationSummary {
    /// The conversation.
    pub conversation: ConversationRecord,
    /// Whether one of its executions is streaming now.
    pub running: bool,
}

/// A page of a conversation's messages.
#[derive(Debug, Clone, PartialEq)]
pub struct ConversationMessages {
    /// The conversation.
    pub conversation: ConversationRecord,
    /// Whether one of its executions is streaming now.
    pub running: bool,
    /// Its unsent draft ("" when none).
    pub draft: String,
    /// The messages, oldest first: live ones as this run knows them, the others as
    /// stored.
    pub messages: Vec<ExecutionSnapshot>,
    /// Whether older messages exist.
    pub more_before: bool,
    /// The cursor for the page before this one.
    pub before: Option<i64>,
}

/// The user's conversations and the actions on them. Cheap to clone.
#[derive(Clone)]
pub struct Conversations {
    inner: Arc<Inner>,
}

struct Inner {
    executions: Executions,
    history: History,
    workspaces: Arc<WorkspaceRegistry>,
    sink: Arc<dyn ConversationSink>,
    /// Told of the credits and app version in execution responses, when set.
    account: OnceLock<Arc<dyn AccountObserver>>,
    /// The tools on this computer offered to agents, when set.
    client_tools: OnceLock<ClientTools>,
    /// One lock per conversation around creating its server conversation, so two
    /// quick messages never create two.
    scope_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl std::fmt::Debug for Conversations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Conversations")
            .field("workspaces", &self.inner.workspaces.all().len())
            .finish_non_exhaustive()
    }
}

impl Conversations {
    /// Conversations of the workspaces in `workspaces` (which may change while the
    /// app runs), stored in `history`, run by `executions` (which must record to the
    /// same history).
    pub fn new(
        executions: Executions,
        history: History,
        workspaces: Arc<WorkspaceRegistry>,
        sink: Arc<dyn ConversationSink>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                executions,
                history,
                workspaces,
                sink,
                account: OnceLock::new(),
                client_tools: OnceLock::new(),
                scope_locks: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// Tells `observer` what execution responses say about their workspace's
    /// account from now on (set once; later calls are ignored).
    pub fn observe_accounts(&self, observer: Arc<dyn AccountObserver>) {
        let _ = self.inner.account.set(observer);
    }

    /// Offers `tools` (those each agent has enabled) with every message from now on,
    /// and answers their calls (set once; later calls are ignored).
    pub fn offer_tools(&self, tools: ClientTools) {
        let _ = self.inner.client_tools.set(tools);
    }

    /// The tools on this computer, when offered.
    pub fn client_tools(&self) -> Option<&ClientTools> {
        self.inner.client_tools.get()
    }

    /// Answers the client tool calls that the last run of the app left open: each
    /// execution is brought back, the user asked again (or an answer that was not
    /// posted is posted), and the resumed answer continues its message. Returns how
    /// many executions were resumed.
    ///
    /// # Errors
    /// [`CoreError::Storage`].
    pub fn resume_tool_calls(&self) -> Result<usize, CoreError> {
        let Some(tools) = self.inner.client_tools.get() else {
            return Ok(0);
        };
        let handles = self
            .inner
            .history
            .executions_with_open_tool_calls()
            .map_err(storage)?;
        let mut resumed = 0;
        for handle in handles {
            let snapshot = self.snapshot(&handle)?;
            let conversation = self.conversation(&snapshot.request.conversation_id)?;
            let calls = tools.stored_calls(&handle).map_err(storage)?;
            let client = match self.client_of(&conversation) {
                Ok(client) => client,
                Err(err) => {
                    tracing::warn!(error = %err, "a suspended execution cannot be answered now");
                    continue;
                }
            };
            let answerer = (
                tools.clone(),
                self.suspension(&conversation, client, &handle),
            );
            self.inner
                .executions
                .resume_suspended(&handle, answerer, calls)?;
            resumed += 1;
        }
        Ok(resumed)
    }

    fn suspension(
        &self,
        conversation: &ConversationRecord,
        client: AthenaClient,
        handle: &ExecutionHandle,
    ) -> Suspension {
        let agent_name = self
            .workspace(&conversation.workspace_id)
            .and_then(|w| {
                w.agents
                    .iter()
                    .find(|a| a.id == conversation.agent_id)
                    .map(|a| a.name.clone())
            })
            .unwrap_or_else(|| conversation.agent_name.clone());
        Suspension {
            caller: Caller {
                workspace_id: conversation.workspace_id.clone(),
                agent_id: conversation.agent_id.clone(),
                agent_name,
            },
            client,
            handle: handle.clone(),
        }
    }

    /// The executions behind the conversations.
    pub fn executions(&self) -> &Executions {
        &self.inner.executions
    }

    /// The history store.
    pub fn history(&self) -> &History {
        &self.inner.history
    }

    /// Every workspace, in order.
    pub fn workspaces(&self) -> Vec<Arc<Workspace>> {
        self.inner.workspaces.all()
    }

    /// The registry of workspaces, for the code that adds and edits them.
    pub fn registry(&self) -> &Arc<WorkspaceRegistry> {
        &self.inner.workspaces
    }

    /// The workspace with this id.
    pub fn workspace(&self, id: &str) -> Option<Arc<Workspace>> {
        self.inner.workspaces.get(id)
    }

    /// Stores the workspace (or refreshes its name) before a conversation of it is
    /// stored: what the history keeps of a workspace is what its conversations need.
    pub(crate) async fn remember_workspace(&self, workspace: &Workspace) -> Result<(), CoreError> {
        self.inner
            .history
            .save_workspace(WorkspaceRecord {
                id: workspace.id.clone(),
                name: workspace.name.clone(),
                base_url: workspace.client.config().base_url.clone(),
                kind: workspace.kind,
            })
            .await
            .map_err(storage)
    }

    /// Starts a new, empty conversation with an agent of a workspace. Nothing is
    /// sent: the server conversation is created with the first message.
    ///
    /// # Errors
    /// [`CoreError::UnknownWorkspace`], [`CoreError::Storage`].
    pub async fn start(
        &self,
        workspace_id: &str,
        agent_id: &str,
    ) -> Result<ConversationRecord, CoreError> {
        let workspace = self
            .workspace(workspace_id)
            .ok_or_else(|| CoreError::UnknownWorkspace(workspace_id.to_owned()))?;
        let agent_name = workspace
            .agents
            .iter()
            .find(|a| a.id == agent_id)
            .map_or_else(|| agent_id.to_owned(), |a| a.name.clone());
        self.remember_workspace(&workspace).await?;
        let now = now_ms();
        let record = ConversationRecord {
            id: uuid::Uuid::new_v4().to_string(),
            workspace_id: workspace_id.to_owned(),
            agent_id: agent_id.to_owned(),
            agent_name,
            title: String::new(),
            server_conversation_id: None,
            local_only: false,
            archived: false,
            created_at_ms: now,
            last_activity_ms: now,
        };
        self.inner
            .history
            .create_conversation(record.clone())
            .await
            .map_err(storage)?;
        Ok(record)
    }

    /// A page of a workspace's conversations, most recent activity first.
    ///
    /// # Errors
    /// [`CoreError::Storage`].
    pub fn list(
        &self,
        workspace_id: &str,
        page: ConversationPage,
    ) -> Result<Vec<ConversationSummary>, CoreError> {
        let running = self.inner.executions.running_conversations();
        let records = self
            .inner
            .history
            .conversations(workspace_id, page)
            .map_err(storage)?;
        Ok(records
            .into_iter()
            .map(|conversation| ConversationSummary {
                running: running.contains(&conversation.id),
                conversation,
            })
            .collect())
    }

    /// The conversation with this id.
    ///
    /// # Errors
    /// [`CoreError::UnknownConversation`], [`CoreError::Storage`].
    pub fn conversation(&self, id: &str) -> Result<ConversationRecord, CoreError> {
        self.inner
            .history
            .conversation(id)
            .map_err(storage)?
            .ok_or_else(|| CoreError::UnknownConversation(id.to_owned()))
    }

    /// The conversation, whether it is streaming, its draft, and the `limit` newest
    /// messages older than `before` (None: the newest), oldest first. An execution this run knows is given as it is now (the
    /// store may lag a frame behind).
    ///
    /// # Errors
    /// [`CoreError::UnknownConversation`], [`CoreError::Storage`].
    pub fn messages(
        &self,
        conversation_id: &str,
        before: Option<i64>,
        limit: usize,
    ) -> Result<ConversationMessages, CoreError> {
        let conversation = self.conversation(conversation_id)?;
        let page = self
            .inner
            .history
            .messages(conversation_id, before, limit)
            .map_err(storage)?;
        let first = page.messages.first().map(|m| m.position);
        let messages = page
            .messages
            .into_iter()
            .map(|stored| {
                self.inner
                    .executions
                    .live_snapshot(&stored.snapshot.handle)
                    .unwrap_or(stored.snapshot)
            })
            .collect();
        Ok(ConversationMessages {
            running: self
                .inner
                .executions
                .running_conversations()
                .contains(conversation_id),
            draft: self.draft(conversation_id)?,
            conversation,
            messages,
            more_before: page.more_before,
            before: first,
        })
    }

    /// The conversation's unsent draft ("" when none).
    ///
    /// # Errors
    /// [`CoreError::Storage`].
    pub fn draft(&self, conversation_id: &str) -> Result<String, CoreError> {
        self.inner.history.draft(conversation_id).map_err(storage)
    }

    /// Keeps the draft as typed (queued: the UI calls it debounced, as the user types).
    pub fn save_draft(&self, conversation_id: &str, text: String) {
        self.inner.history.save_draft(conversation_id, text);
    }

    /// Sends a message in a conversation and returns its execution's handle once the
    /// message is stored (before anything is sent). Everything after that, failures
    /// included, arrives as updates. `form` holds a wizard agent's variables as typed
    /// (checked against the agent's definition); the message may be empty when the
    /// agent needs none.
    ///
    /// # Errors
    /// [`CoreError::Validation`] and [`CoreError::InvalidInput`] (nothing stored or
    /// sent), [`CoreError::UnknownConversation`], [`CoreError::ConversationArchived`],
    /// [`CoreError::KeyMissing`], [`CoreError::Storage`].
    pub async fn send(
        &self,
        conversation_id: &str,
        message: String,
        form: Option<&BTreeMap<String, String>>,
    ) -> Result<ExecutionHandle, CoreError> {
        self.send_with_attachments(conversation_id, message, form, Vec::new())
            .await
    }

    /// [`Self::send`] with files already uploaded (see
    /// [`Attachments::send`](crate::attachments::Attachments::send), which checks
    /// them): the request carries each by its `storage_key`, the stored message keeps
    /// them.
    ///
    /// # Errors
    /// As [`Self::send`].
    pub async fn send_with_attachments(
        &self,
        conversation_id: &str,
        message: String,
        form: Option<&BTreeMap<String, String>>,
        attachments: Vec<SentAttachment>,
    ) -> Result<ExecutionHandle, CoreError> {
        let conversation = self.conversation(conversation_id)?;
        let workspace = self
            .workspace(&conversation.workspace_id)
            .ok_or_else(|| CoreError::UnknownWorkspace(conversation.workspace_id.clone()))?;
        let variables = self.variables_for(&workspace, &conversation.agent_id, form)?;
        let agent = workspace
            .agents
            .iter()
            .find(|a| a.id == conversation.agent_id);
        let needs_message = agent.is_none_or(|a| a.requires_user_message);
        if needs_message || !message.trim().is_empty() {
            validate_message(&message)?;
        }
        self.send_request(conversation, message, variables, attachments)
            .await
    }

    /// What sending to this conversation's agent with `form` would cost, as the
    /// server prices it (a preview costs nothing).
    ///
    /// # Errors
    /// [`CoreError::InvalidInput`], [`CoreError::Validation`],
    /// [`CoreError::Request`] when the server refused or could not be reached, and
    /// those of [`Self::send`] about the conversation.
    pub async fn preview_cost(
        &self,
        conversation_id: &str,
        form: Option<&BTreeMap<String, String>>,
    ) -> Result<crate::CostPreview, CoreError> {
        let conversation = self.conversation(conversation_id)?;
        let workspace = self
            .workspace(&conversation.workspace_id)
            .ok_or_else(|| CoreError::UnknownWorkspace(conversation.workspace_id.clone()))?;
        if !workspace.has_key() {
            return Err(CoreError::KeyMissing);
        }
        let variables = self
            .variables_for(&workspace, &conversation.agent_id, form)?
            .unwrap_or_default();
        let (preview, meta) =
            crate::preview_cost(&workspace.client, &conversation.agent_id, &variables).await?;
        if let Some(observer) = self.inner.account.get() {
            observer.response_seen(&workspace.id, &meta);
        }
        Ok(preview)
    }

    /// The agent's variables from its form, checked against its definition; `None`
    /// when there are none.
    fn variables_for(
        &self,
        workspace: &Workspace,
        agent_id: &str,
        form: Option<&BTreeMap<String, String>>,
    ) -> Result<Option<serde_json::Map<String, serde_json::Value>>, CoreError> {
        let agent = workspace.agents.iter().find(|a| a.id == agent_id);
        let empty = BTreeMap::new();
        let form = form.unwrap_or(&empty);
        match agent {
            Some(agent) if !agent.variables.is_empty() || !form.is_empty() => {
                let variables =
                    variables_from_form(&agent.variables, form).map_err(CoreError::InvalidInput)?;
                Ok((!variables.is_empty()).then_some(variables))
            }
            None if !form.is_empty() => Err(CoreError::InvalidInput(
                form.keys()
                    .map(|name| FieldProblem::new(name.clone(), Problem::UnknownVariable))
                    .collect(),
            )),
            _ => Ok(None),
        }
    }

    async fn send_request(
        &self,
        conversation: ConversationRecord,
        message: String,
        variables: Option<serde_json::Map<String, serde_json::Value>>,
        attachments: Vec<SentAttachment>,
    ) -> Result<ExecutionHandle, CoreError> {
        if conversation.archived {
            return Err(CoreError::ConversationArchived);
        }
        let client = self.client_of(&conversation)?;
        let request = ExecutionRequest {
            workspace_id: conversation.workspace_id.clone(),
            conversation_id: conversation.id.clone(),
            agent_id: conversation.agent_id.clone(),
            message,
            variables,
            attachments,
        };
        let run = self
            .inner
            .executions
            .begin(request.clone(), new_idempotency_key(), now_ms())
            .await?;
        let handle = run.handle.clone();
        self.launch(run, client, request);
        Ok(handle)
    }

    /// Sends again, with the same idempotency key, a message that failed before any
    /// answer. If the server already had it, the execution fails with
    /// [`ExecutionError::AlreadyReceived`] and is never sent with a new key on its own.
    ///
    /// # Errors
    /// [`CoreError::NotResendable`], [`CoreError::ConversationArchived`],
    /// [`CoreError::UnknownExecution`], [`CoreError::Storage`].
    pub fn resend(&self, handle: &ExecutionHandle) -> Result<(), CoreError> {
        let snapshot = self.snapshot(handle)?;
        let conversation = self.conversation(&snapshot.request.conversation_id)?;
        if conversation.archived {
            return Err(CoreError::ConversationArchived);
        }
        let client = self.client_of(&conversation)?;
        let (run, request) = self.inner.executions.resend(handle)?;
        self.launch(run, client, request);
        Ok(())
    }

    /// Sends the message of an earlier execution again as a new message of its
    /// conversation, with a new idempotency key (a new user action).
    ///
    /// # Errors
    /// As [`Self::send`], and [`CoreError::UnknownExecution`].
    pub async fn regenerate(&self, handle: &ExecutionHandle) -> Result<ExecutionHandle, CoreError> {
        let snapshot = self.snapshot(handle)?;
        let conversation = self.conversation(&snapshot.request.conversation_id)?;
        self.send_request(
            conversation,
            snapshot.request.message,
            snapshot.request.variables,
            snapshot.request.attachments,
        )
        .await
    }

    /// Gives the answer of an execution a thumbs up or down, on the server and here.
    /// The sending is shown as `FeedbackChanged` updates: sending, then sent or
    /// failed (and the user may try again).
    ///
    /// # Errors
    /// [`CoreError::NoMessageId`] when the server gave no message id (or the chat is
    /// local-only), [`CoreError::UnknownExecution`], [`CoreError::Storage`].
    pub fn feedback(&self, handle: &ExecutionHandle, up: bool) -> Result<(), CoreError> {
        let snapshot = self.snapshot(handle)?;
        let conversation = self.conversation(&snapshot.request.conversation_id)?;
        let (Some(message_id), Some(server_conversation)) = (
            snapshot.message_id.clone(),
            conversation.server_conversation_id.clone(),
        ) else {
            return Err(CoreError::NoMessageId);
        };
        let client = self.client_of(&conversation)?;
        let executions = self.inner.executions.clone();
        let change = move |delivery| ExecutionChange::FeedbackChanged {
            feedback: Feedback { up, delivery },
        };
        executions.publish(handle, change(FeedbackDelivery::Sending))?;
        let handle = handle.clone();
        let value = if up {
            athena_api::Feedback::Up
        } else {
            athena_api::Feedback::Down
        };
        tokio::spawn(async move {
            let delivery = match client
                .message_feedback(&server_conversation, &message_id, value)
                .await
            {
                Ok(_) => FeedbackDelivery::Sent,
                Err(err) => {
                    tracing::warn!(error = %err, "feedback was not accepted");
                    FeedbackDelivery::Failed
                }
            };
            if let Err(err) = executions.publish(&handle, change(delivery)) {
                tracing::warn!(error = %err, "feedback outcome not recorded");
            }
        });
        Ok(())
    }

    /// The execution as this run knows it, or as stored (then brought back into this
    /// run, so it can change).
    fn snapshot(&self, handle: &ExecutionHandle) -> Result<ExecutionSnapshot, CoreError> {
        if let Some(live) = self.inner.executions.live_snapshot(handle) {
            return Ok(live);
        }
        let stored = self
            .inner
            .history
            .message(handle)
            .map_err(storage)?
            .ok_or_else(|| CoreError::UnknownExecution(handle.to_string()))?;
        self.inner
            .executions
            .adopt(stored.snapshot.clone(), stored.idempotency_key);
        Ok(stored.snapshot)
    }

    /// The client of the conversation's workspace.
    ///
    /// # Errors
    /// [`CoreError::UnknownConversation`], [`CoreError::UnknownWorkspace`],
    /// [`CoreError::KeyMissing`], [`CoreError::Storage`].
    pub fn client_for(&self, conversation_id: &str) -> Result<AthenaClient, CoreError> {
        let conversation = self.conversation(conversation_id)?;
        self.client_of(&conversation)
    }

    fn client_of(&self, conversation: &ConversationRecord) -> Result<AthenaClient, CoreError> {
        let workspace = self
            .workspace(&conversation.workspace_id)
            .ok_or_else(|| CoreError::UnknownWorkspace(conversation.workspace_id.clone()))?;
        if !workspace.has_key() {
            return Err(CoreError::KeyMissing);
        }
        Ok(workspace.client.clone())
    }

    /// Runs a recorded execution: the conversation's scope first (created with the
    /// first message), then the stream, with the run's own key.
    fn launch(&self, run: Run, client: AthenaClient, request: ExecutionRequest) {
        let this = self.clone();
        let external_user_id = self
            .workspace(&request.workspace_id)
            .and_then(|w| w.external_user_id.clone());
        let key = run.idempotency_key.clone();
        // Agents with tools always stream (a sync answer would not list the calls);
        // the tools offered are those enabled for the agent when it is sent.
        let tools = self.inner.client_tools.get();
        let offered = tools
            .map(|t| t.offered(&request.workspace_id, &request.agent_id))
            .transpose()
            .unwrap_or_else(|err| {
                tracing::error!(error = %err, "the agent's tools could not be read; none offered");
                None
            })
            .unwrap_or_default();
        let answerer = tools
            .zip(self.conversation(&request.conversation_id).ok())
            .map(|(tools, conversation)| {
                (
                    tools.clone(),
                    self.suspension(&conversation, client.clone(), &run.handle),
                )
            });
        self.inner.executions.launch(
            run,
            async move {
                let scope = this.scope_for(&client, &request.conversation_id).await?;
                let mut wire = ExecuteRequest::message(request.message);
                if wire.message.as_deref().is_some_and(|m| m.trim().is_empty()) {
                    // A wizard agent that needs no message runs on its variables alone.
                    wire.message = None;
                }
                wire.variables = request.variables;
                wire.attachments = request
                    .attachments
                    .into_iter()
                    .map(|a| AttachmentRef {
                        filename: a.filename,
                        content_type: a.content_type,
                        storage_key: a.storage_key,
                    })
                    .collect();
                wire.external_user_id = external_user_id;
                wire.conversation_scope = scope;
                wire.client_tools = offered;
                let stream = client.execute_stream(&request.agent_id, &wire, Some(key))?;
                Ok::<EventStream, ExecutionError>(match this.inner.account.get() {
                    Some(observer) => watched_events(
                        stream,
                        observer.clone(),
                        request.workspace_id.clone(),
                        request.agent_id.clone(),
                    ),
                    None => events_of(stream),
                })
            },
            answerer,
        );
    }

    /// The conversation's `conversation_scope`: the one it has, or a fresh server
    /// conversation (after archiving the agent's other active one), or none for a
    /// local-only chat.
    async fn scope_for(
        &self,
        client: &AthenaClient,
        conversation_id: &str,
    ) -> Result<Option<String>, ExecutionError> {
        let lock = self.scope_lock(conversation_id);
        let _one_at_a_time = lock.lock().await;
        let conversation = self
            .conversation(conversation_id)
            .map_err(|_| ExecutionError::Internal)?;
        if conversation.local_only {
            return Ok(None);
        }
        if let Some(scope) = &conversation.server_conversation_id {
            return Ok(Some(scope.clone()));
        }
        let others = self
            .inner
            .history
            .active_conversations_with(&conversation.workspace_id, &conversation.agent_id)
            .map_err(|_| ExecutionError::Internal)?;
        for other in others.iter().filter(|o| o.id != conversation.id) {
            // Archiving mid-stream could cut the other chat's answer short.
            self.inner.executions.until_idle(&other.id).await;
            if let Some(server_id) = &other.server_conversation_id {
                archive_on_server(client, server_id).await?;
            }
            self.mark_archived(other).await;
            self.notify(
                &conversation,
                Some(ConversationNotice::PreviousArchived {
                    previous_id: other.id.clone(),
                }),
            );
        }
        let created = match client.create_conversation(&conversation.agent_id).await {
            Ok(created) => created,
            Err(ApiError::Http { status, .. }) if refuses_conversations(status) => {
                tracing::info!(status, "the server keeps no conversations for this key");
                self.edit(&conversation.id, ConversationEdit::LocalOnly)
                    .await?;
                let updated = self.conversation(&conversation.id).unwrap_or(conversation);
                self.notify(&updated, Some(ConversationNotice::LocalOnly { status }));
                return Ok(None);
            }
            Err(err) => return Err(err.into()),
        };
        let mut server_id = created.data.conversation_id.clone();
        if !created.created() {
            // 200: an active conversation this app did not start for this chat (from
            // another device, or a lost record). A new chat starts fresh: archive it
            // and ask again; if the server still returns one, use it.
            archive_on_server(client, &server_id).await?;
            server_id = client
                .create_conversation(&conversation.agent_id)
                .await?
                .data
                .conversation_id;
        }
        self.edit(
            &conversation.id,
            ConversationEdit::ServerConversation(server_id.clone()),
        )
        .await?;
        if let Ok(updated) = self.conversation(&conversation.id) {
            self.notify(&updated, None);
        }
        Ok(Some(server_id))
    }

    async fn mark_archived(&self, conversation: &ConversationRecord) {
        if self
            .edit(&conversation.id, ConversationEdit::Archived)
            .await
            .is_ok()
            && let Ok(updated) = self.conversation(&conversation.id)
        {
            self.notify(&updated, None);
        }
    }

    async fn edit(&self, id: &str, edit: ConversationEdit) -> Result<(), ExecutionError> {
        self.inner
            .history
            .edit_conversation(id, edit)
            .await
            .map_err(|err| {
                tracing::error!(error = %err, "could not store a conversation change");
                ExecutionError::Internal
            })
    }

    fn notify(&self, conversation: &ConversationRecord, notice: Option<ConversationNotice>) {
        self.inner.sink.conversation_changed(conversation, notice);
    }

    fn scope_lock(&self, conversation_id: &str) -> Arc<tokio::sync::Mutex<()>> {
        self.inner
            .scope_locks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(conversation_id.to_owned())
            .or_default()
            .clone()
    }
}

/// Archives a server conversation; one the server no longer knows counts as archived.
async fn archive_on_server(client: &AthenaClient, server_id: &str) -> Result<(), ExecutionError> {
    match client.archive_conversation(server_id).await {
        Ok(_) | Err(ApiError::Http { status: 404, .. }) => Ok(()),
        Err(err) => Err(err.into()),
    }
}

/// Whether a status to `POST /my/conversations` means this key gets no server
/// conversations at all (rather than a failure worth showing and retrying).
fn refuses_conversations(status: u16) -> bool {
    matches!(status, 403 | 404 | 405 | 501)
}

/// Unix time in milliseconds.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
