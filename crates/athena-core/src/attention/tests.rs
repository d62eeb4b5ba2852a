//! The policy over canned executions (no network): which endings notify, with a
//! fake notifier and a fake focus source.

use std::sync::Mutex;
use std::time::Duration;

use athena_api::{ApiError, ExecutionEvent, ExecutionOutput, ExecutionStatus as ApiStatus};

use super::*;
use crate::{
    AgentSummary, ExecutionHandle, ExecutionRequest, ExecutionUpdate, Executions, UpdateSink,
    Workspace,
};

type Item = Result<ExecutionEvent, ApiError>;

/// Records what it is asked to show.
#[derive(Default)]
struct Shown(Mutex<Vec<Notification>>);

impl Notifier for Shown {
    fn show(&self, notification: Notification) {
        self.0.lock().expect("lock").push(notification);
    }
}

impl Shown {
    fn all(&self) -> Vec<Notification> {
        self.0.lock().expect("lock").clone()
    }

    /// Every notification, once there are at least `count`. The notifier is called
    /// just after an execution's end is visible, so tests wait for it.
    async fn wait_for(&self, count: usize) -> Vec<Notification> {
        tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                let all = self.all();
                if all.len() >= count {
                    return all;
                }
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        })
        .await
        .unwrap_or_else(|_| panic!("{count} notification(s) expected: {:?}", self.all()))
    }
}

/// The window's focus, as a test sets it.
struct Focus(AtomicBool);

impl FocusSource for Focus {
    fn is_focused(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Updates go nowhere: the tests read snapshots and notifications.
struct Nowhere;

impl UpdateSink for Nowhere {
    fn deliver(&self, _: ExecutionUpdate) {}
}

struct Bench {
    executions: Executions,
    shown: Arc<Shown>,
    focus: Arc<Focus>,
    attention: Arc<Attention>,
}

impl Bench {
    fn new() -> Self {
        let executions = Executions::new(
            Arc::new(Nowhere),
            Duration::ZERO,
            tokio::runtime::Handle::current(),
        );
        let shown = Arc::new(Shown::default());
        let focus = Arc::new(Focus(AtomicBool::new(false)));
        let config = athena_api::ClientConfig::new(
            "http://127.0.0.1:9",
            athena_api::ApiKey::new("eak_test"),
            "workspace:test",
        );
        let workspace = Workspace {
            id: "ws".into(),
            name: "Test".into(),
            kind: crate::WorkspaceKind::Run,
            external_user_id: None,
            key_storage: crate::KeyStorage::RunOnly,
            key_hint: String::new(),
            client: athena_api::AthenaClient::new(config).expect("client builds"),
            agents: vec![AgentSummary {
                id: "agent:echo".into(),
                name: "Echo".into(),
                description: String::new(),
                requires_user_message: true,
                variables: Vec::new(),
            }],
        };
        let attention = Arc::new(Attention::new(
            shown.clone(),
            focus.clone(),
            Arc::new(WorkspaceRegistry::new(vec![workspace])),
        ));
        executions.notify_with(attention.clone());
        Self {
            executions,
            shown,
            focus,
            attention,
        }
    }

    fn request(conversation_id: &str) -> ExecutionRequest {
        ExecutionRequest {
            workspace_id: "ws".into(),
            conversation_id: conversation_id.into(),
            agent_id: "agent:echo".into(),
            message: "hi".into(),
            variables: None,
            attachments: Vec::new(),
        }
    }

    /// Runs `events` in conversation `c1` and waits until it ends.
    async fn run(&self, events: Vec<Item>) -> ExecutionHandle {
        self.run_in("c1", events).await
    }

    async fn run_in(&self, conversation_id: &str, events: Vec<Item>) -> ExecutionHandle {
        let handle = self.executions.replay(
            Self::request(conversation_id),
            Box::pin(futures_util::stream::iter(events)),
        );
        self.until_ended(&handle).await;
        handle
    }

    /// What was shown before a control execution (window not focused, notifications
    /// on) got its notification: proof that the notifier works and that nothing else
    /// was on its way.
    async fn shown_before_a_control(&self) -> Vec<Notification> {
        self.focus.0.store(false, Ordering::SeqCst);
        self.attention.set_enabled(true);
        let before = self.shown.all().len();
        self.run_in("control", vec![completed()]).await;
        let all = self.shown.wait_for(before + 1).await;
        assert_eq!(all.len(), before + 1, "{all:?}");
        let control = all.last().expect("the control notified");
        assert_eq!(control.conversation_id(), "control", "{all:?}");
        all[..before]
            .iter()
            .filter(|n| n.conversation_id() != "control")
            .cloned()
            .collect()
    }

    /// Waits until the execution ended.
    async fn until_ended(&self, handle: &ExecutionHandle) {
        let conversation = self
            .executions
            .snapshot(handle)
            .expect("known")
            .request
            .conversation_id;
        tokio::time::timeout(
            Duration::from_secs(10),
            self.executions.until_idle(&conversation),
        )
        .await
        .expect("the execution ended");
    }
}

fn text(delta: &str) -> Item {
    Ok(ExecutionEvent::Text {
        delta: delta.into(),
    })
}

fn completed() -> Item {
    Ok(ExecutionEvent::Final(athena_api::FinalEvent {
        status: ApiStatus::Completed,
        output: Some(ExecutionOutput::default()),
        latency_ms: None,
        message_id: None,
        error: None,
        undecoded: None,
    }))
}

fn final_with(status: ApiStatus) -> Item {
    Ok(ExecutionEvent::Final(athena_api::FinalEvent {
        status,
        output: None,
        latency_ms: None,
        message_id: None,
        error: None,
        undecoded: None,
    }))
}

#[tokio::test]
async fn an_answer_while_the_window_is_not_focused_notifies_once_with_its_first_line() {
    let bench = Bench::new();
    bench
        .run(vec![
            text("Here is the plan.\nStep one: "),
            text("do it."),
            completed(),
        ])
        .await;
    let shown = bench.shown.wait_for(1).await;
    assert_eq!(
        shown,
        [Notification::new(
            "Echo answered",
            "Here is the plan.",
            "ws",
            "c1"
        )]
    );
    assert_eq!(shown[0].title(), "Echo answered");
    assert_eq!(shown[0].conversation_id(), "c1");
}

#[tokio::test]
async fn nothing_is_shown_while_the_window_is_focused_or_notifications_are_off() {
    let bench = Bench::new();
    bench.focus.0.store(true, Ordering::SeqCst);
    bench.run(vec![text("Hello"), completed()]).await;
    bench
        .run(vec![Err(ApiError::StreamEndedEarly {
            execution_id: None,
            cause: "end of file".into(),
        })])
        .await;
    assert_eq!(bench.shown_before_a_control().await, []);

    bench.attention.set_enabled(false);
    bench.run(vec![text("Hello"), completed()]).await;
    assert_eq!(bench.shown_before_a_control().await, [], "off");
}

#[tokio::test]
async fn a_failure_says_what_failed() {
    let bench = Bench::new();
    bench
        .run(vec![
            text("Starting"),
            Ok(ExecutionEvent::Error {
                code: Some("model_error".into()),
                message: Some("The model <crashed> & burned".into()),
            }),
        ])
        .await;
    bench.run(vec![final_with(ApiStatus::Failed)]).await;
    let shown = bench.shown.wait_for(2).await;
    assert_eq!(shown.len(), 2, "{shown:?}");
    assert_eq!(shown[0].title(), "Echo could not answer");
    assert_eq!(
        shown[0].body(),
        "The execution failed: The model &lt;crashed&gt; &amp; burned"
    );
    assert_eq!(shown[1].body(), "The execution failed on the server.");
}

#[tokio::test]
async fn an_execution_the_user_stopped_or_one_waiting_on_the_server_says_nothing() {
    let bench = Bench::new();
    // A stream that stays open after its first event, until the stop.
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<Item>();
    let events = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let handle = bench
        .executions
        .replay(Bench::request("c1"), Box::pin(events));
    tx.send(text("Partial")).expect("send");
    bench.executions.stop(&handle).expect("stop");
    bench.until_ended(&handle).await;
    assert_eq!(
        bench.executions.snapshot(&handle).expect("known").status,
        ExecutionStatus::Stopped
    );

    bench
        .run(vec![final_with(ApiStatus::AwaitingApproval)])
        .await;
    bench
        .run(vec![final_with(ApiStatus::WaitingForExternalEvent)])
        .await;
    assert_eq!(bench.shown_before_a_control().await, []);
}

#[tokio::test]
async fn executions_outside_a_conversation_say_nothing() {
    let bench = Bench::new();
    bench.run_in("", vec![text("Hello"), completed()]).await;
    assert_eq!(bench.shown_before_a_control().await, []);
}

#[tokio::test]
async fn one_notification_per_execution_and_the_unknown_agent_is_named_by_its_id() {
    let bench = Bench::new();
    for (done, conversation) in ["c1", "c2", "c3"].into_iter().enumerate() {
        bench.run_in(conversation, vec![completed()]).await;
        // One at a time, so that they arrive in this order.
        bench.shown.wait_for(done + 1).await;
    }
    let shown = bench.shown.wait_for(3).await;
    let conversations: Vec<&str> = shown.iter().map(Notification::conversation_id).collect();
    assert_eq!(conversations, ["c1", "c2", "c3"]);
    assert!(shown.iter().all(|n| n.body() == "The answer is ready."));

    let mut request = Bench::request("c4");
    request.agent_id = "agent:gone".into();
    let handle = bench.executions.replay(
        request,
        Box::pin(futures_util::stream::iter(vec![completed()])),
    );
    bench.until_ended(&handle).await;
    assert_eq!(
        bench
            .shown
            .wait_for(4)
            .await
            .last()
            .map(Notification::title),
        Some("agent:gone answered")
    );
    assert_eq!(bench.shown_before_a_control().await.len(), 4, "one each");
}

/// The security test: an answer's first line is untrusted model output, and servers
/// that read the body as markup must get no tag or entity of it.
#[tokio::test]
async fn model_output_reaches_the_notification_escaped_one_line_and_capped() {
    let bench = Bench::new();
    let hostile = format!(
        "<img src=\"file:///etc/passwd\"> <a href='https://evil.example'>click</a> &amp; \u{202E}txt.exe\u{1b}[2J {}",
        "x".repeat(1_000)
    );
    bench.run(vec![text(&hostile), completed()]).await;
    let shown = bench.shown.wait_for(1).await;
    assert_eq!(shown.len(), 1);
    let body = shown[0].body();
    assert!(
        body.starts_with(
            "&lt;img src=\"file:///etc/passwd\"&gt; &lt;a href='https://evil.example'&gt;click&lt;/a&gt; \
             &amp;amp; txt.exe[2J xxx"
        ),
        "{body}"
    );
    assert!(!body.contains(['<', '>', '\u{202E}', '\u{1b}']), "{body}");
    let unescaped = body
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    assert_eq!(unescaped.chars().count(), text::MAX_BODY_CHARS);
    assert!(body.ends_with('…'));
}
