//! Conversations against a real emulator and a real history file: the scope created
//! and carried, archive-then-create for a second chat with an agent, local-only chats,
//! Resend with the same key (and a 409 on it), Regenerate with a new key, feedback,
//! and executions interrupted by a restart.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use athena_api::{
    ApiError, ApiKey, AthenaClient, ClientConfig, ExecuteRequest, PreviewCreditsRequest,
    RetryPolicy,
};
use athena_core::history::{ConversationRecord, History, HistoryOpened};
use athena_core::{
    AgentSummary, ConversationNotice, ConversationSink, Conversations, CoreError, ExecutionChange,
    ExecutionError, ExecutionHandle, ExecutionStatus, Executions, FeedbackDelivery, Part,
    Workspace,
};
use athena_emulator::{Emulator, EmulatorConfig, EmulatorHandle, MEMORY_ID};

use crate::support::{Recorder, deltas};

const CHAT: &str = "agent:demo-chat";

/// Conversation changes as the shell would receive them.
#[derive(Default)]
struct Notices(Mutex<Vec<(ConversationRecord, Option<ConversationNotice>)>>);

impl ConversationSink for Notices {
    fn conversation_changed(
        &self,
        conversation: &ConversationRecord,
        notice: Option<ConversationNotice>,
    ) {
        self.0.lock().unwrap().push((conversation.clone(), notice));
    }
}

impl Notices {
    fn notices(&self) -> Vec<(String, ConversationNotice)> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter_map(|(c, n)| n.clone().map(|n| (c.id.clone(), n)))
            .collect()
    }
}

/// An emulator, a history in a temp folder, and conversations over them.
pub(crate) struct Bench {
    pub(crate) server: Option<EmulatorHandle>,
    pub(crate) dir: tempfile::TempDir,
    pub(crate) history: History,
    pub(crate) conversations: Conversations,
    pub(crate) recorder: Arc<Recorder>,
    notices: Arc<Notices>,
}

impl Bench {
    pub(crate) async fn start(config: EmulatorConfig) -> Self {
        Self::start_with(config, |c| c).await
    }

    /// `tune` adjusts the client's configuration (timeouts, retries, fault headers).
    pub(crate) async fn start_with(
        config: EmulatorConfig,
        tune: impl FnOnce(ClientConfig) -> ClientConfig,
    ) -> Self {
        let server = Emulator::start(config).await.expect("emulator starts");
        let dir = tempfile::tempdir().expect("temp dir");
        let (history, opened) = History::open(&dir.path().join("history.sqlite3"));
        assert_eq!(opened, HistoryOpened::Fresh);
        let client_config = tune(ClientConfig::new(
            server.base_url(),
            ApiKey::new(server.api_key()),
            server.workspace_id(),
        ));
        let workspace = Workspace {
            id: "ws".into(),
            name: "Test".into(),
            kind: athena_core::WorkspaceKind::Run,
            external_user_id: None,
            key_storage: athena_core::KeyStorage::RunOnly,
            key_hint: String::new(),
            client: AthenaClient::new(client_config).expect("client"),
            agents: server
                .agents()
                .into_iter()
                .map(|a| AgentSummary {
                    id: a.id,
                    name: a.name,
                    description: a.description,
                    requires_user_message: a.requires_user_message,
                    variables: Vec::new(),
                })
                .collect(),
        };
        let (conversations, recorder, notices) = conversations_over(&history, workspace);
        Self {
            server: Some(server),
            dir,
            history,
            conversations,
            recorder,
            notices,
        }
    }

    /// The app started again over `history` (the same file, opened anew), against
    /// the same server: new conversations, executions and recorder.
    pub(crate) fn reopen(&self, history: History) -> Bench {
        let workspace = self
            .conversations
            .workspace("ws")
            .expect("the bench's workspace");
        let (conversations, recorder, notices) =
            conversations_over(&history, Workspace::clone(&workspace));
        Bench {
            server: None,
            dir: tempfile::tempdir().expect("temp dir"),
            history,
            conversations,
            recorder,
            notices,
        }
    }

    pub(crate) async fn chat_with(&self, agent: &str) -> ConversationRecord {
        self.conversations
            .start("ws", agent)
            .await
            .expect("started")
    }

    pub(crate) async fn send(
        &self,
        conversation: &ConversationRecord,
        message: &str,
    ) -> ExecutionHandle {
        self.conversations
            .send(&conversation.id, message.into(), None)
            .await
            .expect("sent")
    }

    /// Sends and waits for the end; returns the answer text and the last change.
    pub(crate) async fn ask(
        &self,
        conversation: &ConversationRecord,
        message: &str,
    ) -> (String, ExecutionChange) {
        let handle = self.send(conversation, message).await;
        self.answer(&handle).await
    }

    pub(crate) async fn answer(&self, handle: &ExecutionHandle) -> (String, ExecutionChange) {
        let updates = self.recorder.wait_for_end(handle).await;
        let last = updates.last().expect("updates").change.clone();
        (deltas(&updates), last)
    }

    fn record(&self, id: &str) -> ConversationRecord {
        self.conversations.conversation(id).expect("conversation")
    }

    fn key_of(&self, handle: &ExecutionHandle) -> String {
        self.history
            .message(handle)
            .expect("read")
            .expect("stored")
            .idempotency_key
    }
}

/// Conversations of `workspace` over `history`, recording their updates.
fn conversations_over(
    history: &History,
    workspace: Workspace,
) -> (Conversations, Arc<Recorder>, Arc<Notices>) {
    let recorder = Recorder::new();
    let notices = Arc::new(Notices::default());
    let executions = Executions::with_history(
        recorder.clone(),
        history.clone(),
        Duration::from_millis(16),
        tokio::runtime::Handle::current(),
    );
    let conversations = Conversations::new(
        executions,
        history.clone(),
        Arc::new(athena_core::WorkspaceRegistry::new(vec![workspace])),
        notices.clone(),
    );
    (conversations, recorder, notices)
}

fn without_retries(mut config: ClientConfig) -> ClientConfig {
    config.retry = RetryPolicy::none();
    config
}

fn fault(config: ClientConfig, spec: &str) -> ClientConfig {
    let mut config = without_retries(config);
    config
        .extra_headers
        .push(("x-emulator-fault".into(), spec.into()));
    config
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_message_creates_the_scope_and_the_agent_remembers() {
    let bench = Bench::start(EmulatorConfig::default()).await;
    let chat = bench.chat_with(MEMORY_ID).await;
    assert_eq!(
        chat.server_conversation_id, None,
        "nothing is created before a message"
    );

    let (first, _) = bench.ask(&chat, "My favourite colour is teal").await;
    assert!(first.contains("first thing you told me"), "{first}");
    let stored = bench.record(&chat.id);
    let scope = stored
        .server_conversation_id
        .clone()
        .expect("scope created");
    assert!(scope.starts_with("conversation:"), "{scope}");
    assert_eq!(stored.title, "My favourite colour is teal");

    let (second, _) = bench.ask(&chat, "What did I say first?").await;
    assert!(second.contains("My favourite colour is teal"), "{second}");
    assert_eq!(
        bench.record(&chat.id).server_conversation_id,
        Some(scope),
        "one scope per conversation"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_chat_with_the_same_agent_archives_the_previous_one_once_it_ended() {
    let config = EmulatorConfig {
        token_delay: Duration::from_millis(20),
        ..EmulatorConfig::default()
    };
    let bench = Bench::start(config).await;
    let first = bench.chat_with(MEMORY_ID).await;
    bench.ask(&first, "Remember the number 7").await;
    // A second message still streaming when the new chat starts.
    let streaming = bench.send(&first, "Tell me about it").await;
    bench
        .recorder
        .wait_until(&streaming, "text", |u| !deltas(u).is_empty())
        .await;
    bench
        .conversations
        .save_draft(&first.id, "half a thought".into());
    bench.history.flush().await;
    let open = bench.conversations.messages(&first.id, None, 10).unwrap();
    assert!(open.running, "opened while its answer streams");
    assert_eq!(open.draft, "half a thought");

    let second = bench.chat_with(MEMORY_ID).await;
    let (fresh, _) = bench.ask(&second, "Hello again").await;
    assert!(
        fresh.contains("first thing you told me"),
        "a fresh server conversation: {fresh}"
    );

    let (_, streamed_end) = bench.answer(&streaming).await;
    assert!(
        matches!(streamed_end, ExecutionChange::Finished { .. }),
        "the previous chat's answer was not cut short: {streamed_end:?}"
    );
    let old = bench.record(&first.id);
    let new = bench.record(&second.id);
    assert!(old.archived && !new.archived);
    assert_ne!(old.server_conversation_id, new.server_conversation_id);
    assert_eq!(
        bench.notices.notices(),
        vec![(
            second.id.clone(),
            ConversationNotice::PreviousArchived {
                previous_id: first.id.clone()
            }
        )]
    );
    let refused = bench
        .conversations
        .send(&first.id, "more".into(), None)
        .await;
    assert_eq!(refused, Err(CoreError::ConversationArchived));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_without_conversations_gets_a_local_only_chat() {
    let config = EmulatorConfig {
        api_key: "wak_workspace_key".into(),
        ..EmulatorConfig::default()
    };
    let bench = Bench::start(config).await;
    let chat = bench.chat_with(MEMORY_ID).await;
    let (answer, end) = bench.ask(&chat, "Hello").await;
    assert!(matches!(end, ExecutionChange::Finished { .. }), "{end:?}");
    assert!(!answer.is_empty());
    let stored = bench.record(&chat.id);
    assert!(stored.local_only && stored.server_conversation_id.is_none());
    assert_eq!(
        bench.notices.notices(),
        vec![(
            chat.id.clone(),
            ConversationNotice::LocalOnly { status: 403 }
        )]
    );
    // Said once: the next message does not ask the server again.
    bench.ask(&chat, "Again").await;
    assert_eq!(bench.notices.notices().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resend_reuses_the_key_and_the_server_then_has_it() {
    let bench = Bench::start_with(EmulatorConfig::default(), |c| {
        fault(c, "status=503;times=1")
    })
    .await;
    let chat = bench.chat_with(CHAT).await;
    let handle = bench.send(&chat, "Hello").await;
    let (_, end) = bench.answer(&handle).await;
    let ExecutionChange::Failed { error } = end else {
        panic!("the first attempt fails: {end:?}")
    };
    assert!(error.allows_resend(), "{error:?}");
    let key = bench.key_of(&handle);

    bench.conversations.resend(&handle).expect("resend");
    let updates = bench
        .recorder
        .wait_until(&handle, "the resent end", |u| {
            matches!(
                u.last().map(|u| &u.change),
                Some(ExecutionChange::Finished { .. })
            )
        })
        .await;
    assert!(updates.iter().any(|u| u.change == ExecutionChange::Resent));
    assert_eq!(bench.key_of(&handle), key, "the same key");
    // The server recorded that key with the resend: using it again is a conflict.
    let client = &bench.conversations.workspace("ws").unwrap().client;
    let again = client
        .execute(CHAT, &ExecuteRequest::message("Hello"), Some(key))
        .await;
    assert!(
        matches!(again, Err(ApiError::IdempotencyConflict { .. })),
        "{again:?}"
    );
    assert_eq!(
        bench.conversations.resend(&handle),
        Err(CoreError::NotResendable),
        "a finished message is not resent"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_409_on_resend_says_already_received_and_never_sends_a_new_key() {
    let bench = Bench::start_with(EmulatorConfig::default(), |c| {
        let mut c = fault(c, "hold-head=5s");
        c.head_timeout = Duration::from_millis(400);
        c
    })
    .await;
    let chat = bench.chat_with(CHAT).await;
    let handle = bench.send(&chat, "Hello").await;
    let (_, end) = bench.answer(&handle).await;
    assert_eq!(
        end,
        ExecutionChange::Failed {
            error: ExecutionError::Timeout
        },
        "the answer's head never came"
    );
    bench.conversations.resend(&handle).expect("resend");
    let updates = bench
        .recorder
        .wait_until(&handle, "the resend's end", |u| {
            matches!(
                u.last().map(|u| &u.change),
                Some(ExecutionChange::Failed { .. })
            ) && u.iter().any(|u| u.change == ExecutionChange::Resent)
        })
        .await;
    assert_eq!(
        updates.last().unwrap().change,
        ExecutionChange::Failed {
            error: ExecutionError::AlreadyReceived
        }
    );
    assert_eq!(
        bench.conversations.resend(&handle),
        Err(CoreError::NotResendable),
        "already received is never sent again as it is"
    );
    bench.history.flush().await;
    let stored = bench.history.message(&handle).unwrap().unwrap();
    assert_eq!(stored.snapshot.error, Some(ExecutionError::AlreadyReceived));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regenerate_is_a_new_message_with_a_new_key() {
    let bench = Bench::start(EmulatorConfig::default()).await;
    let chat = bench.chat_with(CHAT).await;
    let first = bench.send(&chat, "Hello").await;
    bench.answer(&first).await;
    let second = bench
        .conversations
        .regenerate(&first)
        .await
        .expect("regenerate");
    let (_, end) = bench.answer(&second).await;
    assert!(matches!(end, ExecutionChange::Finished { .. }));
    assert_ne!(first, second);
    assert_ne!(bench.key_of(&first), bench.key_of(&second));
    let page = bench.conversations.messages(&chat.id, None, 10).unwrap();
    let messages: Vec<&str> = page
        .messages
        .iter()
        .map(|m| m.request.message.as_str())
        .collect();
    assert_eq!(messages, ["Hello", "Hello"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feedback_is_sent_and_stored() {
    let bench = Bench::start(EmulatorConfig::default()).await;
    let chat = bench.chat_with(CHAT).await;
    let handle = bench.send(&chat, "Hello").await;
    let (_, end) = bench.answer(&handle).await;
    let ExecutionChange::Finished { message_id, .. } = end else {
        panic!("{end:?}")
    };
    assert!(message_id.is_some(), "a scoped answer has a message id");
    bench
        .conversations
        .feedback(&handle, false)
        .expect("feedback");
    let updates = bench
        .recorder
        .wait_until(&handle, "feedback sent", |u| {
            u.iter().any(|u| {
                matches!(&u.change, ExecutionChange::FeedbackChanged { feedback }
                    if feedback.delivery == FeedbackDelivery::Sent)
            })
        })
        .await;
    let deliveries: Vec<FeedbackDelivery> = updates
        .iter()
        .filter_map(|u| match &u.change {
            ExecutionChange::FeedbackChanged { feedback } => {
                assert!(!feedback.up);
                Some(feedback.delivery)
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        deliveries,
        [FeedbackDelivery::Sending, FeedbackDelivery::Sent]
    );
    bench.history.flush().await;
    let stored = bench.history.message(&handle).unwrap().unwrap();
    assert_eq!(
        stored.snapshot.feedback.map(|f| (f.up, f.delivery)),
        Some((false, FeedbackDelivery::Sent))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_feedback_is_shown_and_can_be_tried_again() {
    let mut bench = Bench::start_with(EmulatorConfig::default(), without_retries).await;
    let chat = bench.chat_with(CHAT).await;
    let handle = bench.send(&chat, "Hello").await;
    bench.answer(&handle).await;
    // The server goes away: the feedback cannot be delivered.
    bench.server.take().unwrap().stop().await;
    bench
        .conversations
        .feedback(&handle, true)
        .expect("feedback asked");
    bench
        .recorder
        .wait_until(&handle, "feedback failed", |u| {
            u.iter().any(|u| {
                matches!(&u.change, ExecutionChange::FeedbackChanged { feedback }
                    if feedback.delivery == FeedbackDelivery::Failed)
            })
        })
        .await;
    // Trying again is allowed (and fails the same way here).
    bench
        .conversations
        .feedback(&handle, true)
        .expect("tried again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_mid_stream_marks_the_answer_interrupted_and_sends_nothing() {
    let config = EmulatorConfig {
        token_delay: Duration::from_millis(30),
        ..EmulatorConfig::default()
    };
    let bench = Bench::start(config).await;
    let chat = bench.chat_with(CHAT).await;
    let handle = bench.send(&chat, "Tell me a long story").await;
    let seen = bench
        .recorder
        .wait_until(&handle, "some text", |u| deltas(u).len() > 10)
        .await;
    let partial = deltas(&seen);
    bench.history.flush().await;

    // The next run opens the same file while this one's execution was still running:
    // as after a crash.
    let path = bench.dir.path().join("history.sqlite3");
    let (reopened, opened) = History::open(&path);
    assert_eq!(opened, HistoryOpened::Existing { interrupted: 1 });
    let stored = reopened.message(&handle).unwrap().unwrap();
    assert_eq!(stored.snapshot.status, ExecutionStatus::Failed);
    assert_eq!(stored.snapshot.error, Some(ExecutionError::Interrupted));
    let Some(Part::Text { text }) = stored.snapshot.parts.first() else {
        panic!("the partial answer is kept: {:?}", stored.snapshot.parts)
    };
    assert!(text.starts_with(&partial[..10]), "{text:?} vs {partial:?}");
    let page = reopened.messages(&chat.id, None, 10).unwrap();
    assert_eq!(page.messages.len(), 1, "nothing was sent again");
    assert!(
        stored.snapshot.execution_id.is_some(),
        "it had started, so Resend is not offered for it"
    );
}

/// Credits left, read from a call that costs nothing.
async fn credits_left(client: &AthenaClient) -> i64 {
    client
        .preview_credits(CHAT, &PreviewCreditsRequest::default())
        .await
        .expect("preview")
        .meta
        .credits_remaining
        .expect("credits header")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_dropped_before_the_head_is_retried_with_its_key_and_charged_once() {
    // The server creates the execution and runs it, but the connection drops before
    // any response head: the client retries with the same key (as it must, not
    // knowing), the server answers 409, and the user is told it was received.
    let bench = Bench::start_with(EmulatorConfig::default(), |mut c| {
        c.extra_headers
            .push(("x-emulator-fault".into(), "drop-before-head".into()));
        c.retry.initial_backoff = Duration::from_millis(20);
        c
    })
    .await;
    let server = bench.server.as_ref().unwrap();
    let plain = AthenaClient::new(ClientConfig::new(
        server.base_url(),
        ApiKey::new(server.api_key()),
        server.workspace_id(),
    ))
    .unwrap();
    // What one run of this message costs, measured on a clean call.
    let before = credits_left(&plain).await;
    plain
        .execute(CHAT, &ExecuteRequest::message("Hello"), None)
        .await
        .expect("a clean run");
    let one_run = before - credits_left(&plain).await;
    assert!(one_run > 0, "a run costs something");

    let chat = bench.chat_with(CHAT).await;
    let before = credits_left(&plain).await;
    let handle = bench.send(&chat, "Hello").await;
    let (_, end) = bench.answer(&handle).await;
    assert_eq!(
        end,
        ExecutionChange::Failed {
            error: ExecutionError::AlreadyReceived
        },
        "the retry's 409 is reported as received, not as a failure to retry"
    );
    // The server's run ends on its own; then exactly one run was charged.
    let mut charged = 0;
    for _ in 0..100 {
        charged = before - credits_left(&plain).await;
        if charged >= one_run {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        before - credits_left(&plain).await,
        one_run,
        "one charge ({charged})"
    );
    assert_eq!(
        bench.conversations.resend(&handle),
        Err(CoreError::NotResendable),
        "never sent again"
    );
}
