//! Tools on this computer against a real emulator's Tool user agent and a real
//! history file: a call allowed once, always, denied or closed; arguments that do not
//! fit; a tool not enabled; two calls in one turn; a call waiting for the user that
//! survives a restart. The dialog is answered from a script; a counting tool shows
//! what ran.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use athena_core::approvals::ClientTools;
use athena_core::approvals::broker::{ALLOW_ONCE, ALWAYS_ALLOW, DENY};
use athena_core::dialogs::{Dialogs, FileDialog, MessageDialog};
use athena_core::history::{CallProgress, History};
use athena_core::tools::{Tool, ToolContext, ToolDefinition, ToolFailure, ToolRegistry};
use athena_core::{
    ApprovedBy, ClientToolState, ExecutionChange, ExecutionHandle, ExecutionStatus, Part,
};
use athena_emulator::{CLIENT_TOOLS_ID, EmulatorConfig};
use serde_json::{Value, json};

use crate::conversations::Bench;

/// Answers each approval dialog from a queue; with an empty queue it waits (so a
/// test can leave a dialog open), giving up after a minute. Shared by the tests of
/// the user's own tools and of MCP servers.
#[derive(Default)]
pub(crate) struct Answers {
    queue: Mutex<VecDeque<Option<&'static str>>>,
    asked: Mutex<Vec<MessageDialog>>,
    ready: Condvar,
}

impl Answers {
    pub(crate) fn new(answers: &[Option<&'static str>]) -> Arc<Self> {
        let this = Arc::new(Self::default());
        this.queue.lock().unwrap().extend(answers.iter().copied());
        this
    }

    /// Queues the answer to the next dialog (`None`: closed without a choice).
    pub(crate) fn push(&self, answer: Option<&'static str>) {
        self.queue.lock().unwrap().push_back(answer);
        self.ready.notify_all();
    }

    /// Every dialog asked so far.
    pub(crate) fn asked(&self) -> Vec<MessageDialog> {
        self.asked.lock().unwrap().clone()
    }
}

impl Dialogs for Answers {
    fn ask(&self, dialog: &MessageDialog) -> Option<String> {
        self.asked.lock().unwrap().push(dialog.clone());
        let queue = self.queue.lock().unwrap();
        let (mut queue, _) = self
            .ready
            .wait_timeout_while(queue, Duration::from_secs(60), |q| q.is_empty())
            .unwrap();
        queue.pop_front().flatten().map(str::to_owned)
    }
    fn pick_files(&self, _: &FileDialog) -> Vec<PathBuf> {
        Vec::new()
    }
    fn save_file(&self, _: &FileDialog) -> Option<PathBuf> {
        None
    }
}

/// A tool that writes nothing and counts its runs.
#[derive(Debug)]
struct NoteTaker {
    definition: ToolDefinition,
    runs: AtomicUsize,
}

impl NoteTaker {
    fn new() -> Arc<Self> {
        Arc::new(Self {
            definition: ToolDefinition::new(
                "note_taker",
                "Takes a note",
                json!({
                    "type": "object",
                    "properties": {"text": {"type": "string"}},
                    "required": ["text"],
                    "additionalProperties": false
                }),
            ),
            runs: AtomicUsize::new(0),
        })
    }

    fn runs(&self) -> usize {
        self.runs.load(Ordering::SeqCst)
    }
}

impl Tool for NoteTaker {
    fn definition(&self) -> &ToolDefinition {
        &self.definition
    }
    fn run(&self, arguments: &Value, _: &ToolContext) -> Result<Value, ToolFailure> {
        self.runs.fetch_add(1, Ordering::SeqCst);
        Ok(json!({ "noted": arguments["text"] }))
    }
}

struct ToolBench {
    bench: Bench,
    answers: Arc<Answers>,
    note_taker: Arc<NoteTaker>,
    tools: ClientTools,
}

impl ToolBench {
    /// A bench whose Tool user agent has `enabled` tools, a granted folder `shared`
    /// holding `notes.txt`, and a dialog answered with `answers`.
    async fn start(enabled: &[&str], answers: &[Option<&'static str>]) -> Self {
        let bench = Bench::start(EmulatorConfig::default()).await;
        let answers = Answers::new(answers);
        let note_taker = NoteTaker::new();
        let tools = offer_tools(&bench.history, answers.clone(), note_taker.clone());
        bench.conversations.offer_tools(tools.clone());
        let shared = bench.dir.path().join("shared");
        std::fs::create_dir(&shared).unwrap();
        std::fs::write(shared.join("notes.txt"), "hello from notes").unwrap();
        tools.grant_folder(&shared).await.unwrap();
        for tool in enabled {
            tools
                .set_enabled("ws", CLIENT_TOOLS_ID, tool, true)
                .await
                .unwrap();
        }
        Self {
            bench,
            answers,
            note_taker,
            tools,
        }
    }

    /// Sends `message` to a new chat with the Tool user; returns the handle, the
    /// answer text and how it ended.
    async fn ask(&self, message: &str) -> (ExecutionHandle, String, ExecutionChange) {
        let chat = self.bench.chat_with(CLIENT_TOOLS_ID).await;
        let handle = self.bench.send(&chat, message).await;
        let (text, last) = self.bench.answer(&handle).await;
        (handle, text, last)
    }

    fn calls(&self, handle: &ExecutionHandle) -> Vec<Part> {
        let snapshot = self
            .bench
            .conversations
            .executions()
            .snapshot(handle)
            .unwrap();
        snapshot
            .parts
            .into_iter()
            .filter(|p| matches!(p, Part::ClientToolCall { .. }))
            .collect()
    }
}

fn offer_tools(
    history: &History,
    answers: Arc<Answers>,
    note_taker: Arc<NoteTaker>,
) -> ClientTools {
    let registry = ToolRegistry::builtin().with_tool(note_taker).unwrap();
    ClientTools::new(registry, history.clone(), answers)
}

fn completed(last: &ExecutionChange) -> bool {
    matches!(
        last,
        ExecutionChange::Finished {
            status: ExecutionStatus::Completed,
            ..
        }
    )
}

fn card(part: &Part) -> (ClientToolState, Option<ApprovedBy>, String) {
    match part {
        Part::ClientToolCall {
            state,
            approved_by,
            result,
            ..
        } => (*state, *approved_by, result.clone().unwrap_or_default()),
        other => panic!("not a client tool call: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_allowed_call_runs_and_the_resumed_answer_continues_the_same_message() {
    let t = ToolBench::start(&["read_text_file"], &[Some(ALLOW_ONCE)]).await;
    let (handle, text, last) = t
        .ask(r#"read_text_file {"path": "shared/notes.txt"}"#)
        .await;

    assert!(completed(&last), "{last:?}");
    assert!(
        text.contains("hello from notes"),
        "the answer quotes the result: {text}"
    );
    let calls = t.calls(&handle);
    assert_eq!(calls.len(), 1);
    let (state, by, result) = card(&calls[0]);
    assert_eq!((state, by), (ClientToolState::Done, Some(ApprovedBy::You)));
    assert!(result.contains("hello from notes"), "{result}");

    let asked = t.answers.asked();
    assert_eq!(asked.len(), 1, "asked once");
    assert_eq!(asked[0].buttons, [ALLOW_ONCE, ALWAYS_ALLOW, DENY]);
    assert!(
        asked[0].message.contains("Tool user"),
        "{}",
        asked[0].message
    );
    assert!(asked[0].message.contains("read_text_file"));
    assert!(asked[0].message.contains("shared/notes.txt"));

    let stored = t.bench.history.tool_calls(&handle).unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].progress, CallProgress::Posted);
    assert_eq!(t.tools.approvals_waiting(), 0, "the approval was used up");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denied_or_closed_dialog_runs_nothing_and_the_agent_hears_why() {
    for answer in [Some(DENY), None] {
        let t = ToolBench::start(&["note_taker"], &[answer]).await;
        let (handle, text, last) = t.ask(r#"note_taker {"text": "buy milk"}"#).await;

        assert!(completed(&last), "{last:?}");
        assert_eq!(t.note_taker.runs(), 0, "{answer:?}: nothing ran");
        assert!(
            text.contains("failed: The user denied this call."),
            "{answer:?}: {text}"
        );
        let (state, by, _) = card(&t.calls(&handle)[0]);
        assert_eq!((state, by), (ClientToolState::Denied, None));
        assert_eq!(t.tools.approvals_waiting(), 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn always_allow_keeps_a_rule_and_the_next_call_runs_without_asking() {
    let t = ToolBench::start(&["note_taker"], &[Some(ALWAYS_ALLOW)]).await;
    let (first, _, last) = t.ask(r#"note_taker {"text": "one"}"#).await;
    assert!(completed(&last));
    assert_eq!(card(&t.calls(&first)[0]).1, Some(ApprovedBy::You));

    let (second, text, last) = t.ask(r#"note_taker {"text": "two"}"#).await;
    assert!(completed(&last));
    assert_eq!(t.answers.asked().len(), 1, "the second call was not asked");
    assert_eq!(
        card(&t.calls(&second)[0]),
        (
            ClientToolState::Done,
            Some(ApprovedBy::Rule),
            "{\n  \"noted\": \"two\"\n}".to_owned()
        )
    );
    assert!(text.contains(r#"{"noted":"two"}"#), "{text}");
    assert_eq!(t.note_taker.runs(), 2);
    let settings = t.tools.agent_tools("ws", CLIENT_TOOLS_ID).unwrap();
    let note = settings
        .iter()
        .find(|s| s.definition.name == "note_taker")
        .unwrap();
    assert!(note.always_allowed && !note.rule_outdated);

    // Revoked: the next call asks again.
    t.tools
        .revoke_rule("ws", CLIENT_TOOLS_ID, "note_taker")
        .await
        .unwrap();
    t.answers.queue.lock().unwrap().push_back(Some(DENY));
    t.ask(r#"note_taker {"text": "three"}"#).await;
    assert_eq!(t.answers.asked().len(), 2);
    assert_eq!(t.note_taker.runs(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arguments_that_do_not_fit_and_tools_not_enabled_never_reach_the_user() {
    let t = ToolBench::start(&["note_taker"], &[]).await;
    let (handle, text, last) = t.ask(r#"note_taker {"text": 5, "extra": true}"#).await;
    assert!(completed(&last), "{last:?}");
    assert!(t.answers.asked().is_empty(), "no dialog");
    assert_eq!(t.note_taker.runs(), 0);
    let (state, _, why) = card(&t.calls(&handle)[0]);
    assert_eq!(state, ClientToolState::Failed);
    assert!(why.contains("do not fit"), "{why}");
    assert!(text.contains("failed: The arguments do not fit"), "{text}");

    // current_datetime is not enabled for this agent: the server cannot call it,
    // but a server that does is answered with an error, unasked.
    let t = ToolBench::start(&["note_taker"], &[]).await;
    t.tools
        .set_enabled("ws", CLIENT_TOOLS_ID, "note_taker", false)
        .await
        .unwrap();
    let (_, text, _) = t.ask("note_taker").await;
    assert!(text.contains("No client tools were offered"), "{text}");
    assert!(t.answers.asked().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_calls_in_one_turn_are_each_asked_and_run() {
    let t = ToolBench::start(
        &["read_text_file", "current_datetime"],
        &[Some(ALLOW_ONCE), Some(ALLOW_ONCE)],
    )
    .await;
    let (handle, text, last) = t
        .ask(r#"read_text_file {"path": "shared/notes.txt"} and current_datetime"#)
        .await;
    assert!(completed(&last), "{last:?}");
    assert_eq!(t.answers.asked().len(), 2);
    assert!(text.contains("I called 2 tool(s)"), "{text}");
    assert!(
        text.contains("hello from notes") && text.contains("iso8601"),
        "{text}"
    );
    let states: Vec<_> = t.calls(&handle).iter().map(|p| card(p).0).collect();
    assert_eq!(states, [ClientToolState::Done, ClientToolState::Done]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_waiting_for_the_user_survives_a_restart() {
    // The first run of the app asks and never gets an answer (it "crashes" here).
    let t = ToolBench::start(&["note_taker"], &[]).await;
    let chat = t.bench.chat_with(CLIENT_TOOLS_ID).await;
    let handle = t.bench.send(&chat, r#"note_taker {"text": "later"}"#).await;
    t.bench
        .recorder
        .wait_until(&handle, "the call's card waiting for the user", |u| {
            u.iter().any(|u| {
                matches!(
                    &u.change,
                    ExecutionChange::PartUpdated {
                        part: Part::ClientToolCall {
                            state: ClientToolState::WaitingForYou,
                            ..
                        },
                        ..
                    }
                )
            })
        })
        .await;
    t.bench.history.flush().await;

    // The next start opens the same file: the execution is not marked interrupted,
    // and answering the call finishes the same message.
    let path = t.bench.dir.path().join("history.sqlite3");
    let (history, _) = History::open(&path);
    let pending = history.executions_with_open_tool_calls().unwrap();
    assert_eq!(pending, std::slice::from_ref(&handle));
    let stored = history.message(&handle).unwrap().unwrap();
    assert_eq!(stored.snapshot.status, ExecutionStatus::Running);

    let restarted = t.bench.reopen(history.clone());
    let answers = Answers::new(&[Some(ALLOW_ONCE)]);
    let note_taker = NoteTaker::new();
    restarted
        .conversations
        .offer_tools(offer_tools(&history, answers.clone(), note_taker.clone()));
    assert_eq!(restarted.conversations.resume_tool_calls().unwrap(), 1);
    let (_, last) = restarted.answer(&handle).await;
    assert!(completed(&last), "{last:?}");
    let text = restarted
        .conversations
        .executions()
        .snapshot(&handle)
        .unwrap()
        .answer_text();
    assert!(text.contains(r#"{"noted":"later"}"#), "{text}");
    assert_eq!(note_taker.runs(), 1);
    assert_eq!(answers.asked().len(), 1, "asked again after the restart");
    assert_eq!(
        history.tool_calls(&handle).unwrap()[0].progress,
        CallProgress::Posted
    );
    assert!(
        history
            .executions_with_open_tool_calls()
            .unwrap()
            .is_empty()
    );
    // The first run's dialog was never answered: nothing ran there. Its late answer
    // (closing the dialog) reaches a server that no longer expects the call: reported
    // once on the card, the execution failed with the server's answer, and the call is
    // never posted again.
    assert_eq!(t.note_taker.runs(), 0);
    t.answers.queue.lock().unwrap().push_back(None);
    t.answers.ready.notify_all();
    let updates = t.bench.recorder.wait_for_end(&handle).await;
    assert!(
        matches!(
            &updates.last().unwrap().change,
            ExecutionChange::Failed {
                error: athena_core::ExecutionError::Http {
                    status: 404 | 409,
                    ..
                }
            }
        ),
        "{:?}",
        updates.last()
    );
    let late = t.calls(&handle);
    let (state, _, why) = card(&late[0]);
    assert_eq!(state, ClientToolState::NotTaken);
    assert!(why.contains("no longer expected"), "{why}");
    assert_eq!(
        t.bench.history.tool_calls(&handle).unwrap()[0].progress,
        CallProgress::NotTaken
    );
    assert!(
        t.bench
            .history
            .executions_with_open_tool_calls()
            .unwrap()
            .is_empty()
    );
}
