//! Notifications over a real emulator and history: a conversation's answer, a call of a
//! tool on this computer that waits for the user's approval, and the same with the
//! window focused (nothing). The notifier and the window's focus are fakes.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use athena_core::WorkspaceRegistry;
use athena_core::approvals::ClientTools;
use athena_core::approvals::broker::ALLOW_ONCE;
use athena_core::attention::{Attention, FocusSource, Notification, Notifier};
use athena_core::dialogs::{Dialogs, FileDialog, MessageDialog};
use athena_core::history::ConversationRecord;
use athena_core::tools::ToolRegistry;
use athena_emulator::{CLIENT_TOOLS_ID, DEMO_ECHO_ID, EmulatorConfig};

use crate::conversations::Bench;

#[derive(Default)]
struct Shown(Mutex<Vec<Notification>>);

impl Notifier for Shown {
    fn show(&self, notification: Notification) {
        self.0.lock().unwrap().push(notification);
    }
}

impl Shown {
    /// The titles and bodies, once there are at least `count` (the notifier is called
    /// just after an execution's end is visible).
    async fn wait_for(&self, count: usize) -> Vec<(String, String)> {
        for _ in 0..5_000 {
            if self.0.lock().unwrap().len() >= count {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
        self.titles_and_bodies()
    }

    fn titles_and_bodies(&self) -> Vec<(String, String)> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .map(|n| (n.title().to_owned(), n.body().to_owned()))
            .collect()
    }
}

/// The window's focus as the test sets it, counting how often the policy asked (once
/// per event it decides on, before it shows anything).
struct Focus(AtomicBool, AtomicUsize);

impl FocusSource for Focus {
    fn is_focused(&self) -> bool {
        self.1.fetch_add(1, Ordering::SeqCst);
        self.0.load(Ordering::SeqCst)
    }
}

impl Focus {
    /// Waits until the policy has decided on `count` events.
    async fn until_asked(&self, count: usize) {
        for _ in 0..5_000 {
            if self.1.load(Ordering::SeqCst) >= count {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
        panic!("the policy decided on fewer than {count} events");
    }
}

/// Allows every call, and counts the dialogs.
#[derive(Default)]
struct AllowOnce(Mutex<usize>);

impl Dialogs for AllowOnce {
    fn ask(&self, _: &MessageDialog) -> Option<String> {
        *self.0.lock().unwrap() += 1;
        Some(ALLOW_ONCE.to_owned())
    }
    fn pick_files(&self, _: &FileDialog) -> Vec<PathBuf> {
        Vec::new()
    }
    fn save_file(&self, _: &FileDialog) -> Option<PathBuf> {
        None
    }
}

/// Sends `message` in `chat` and waits until it ended and its notification, if any,
/// was shown; returns the answer's text.
async fn ask(bench: &Bench, chat: &ConversationRecord, message: &str) -> String {
    let (text, _) = bench.ask(chat, message).await;
    bench.conversations.executions().until_idle(&chat.id).await;
    text
}

/// A bench whose conversations notify through a recorder, with the window's focus
/// as given, and whose Tool user may call `current_datetime` (allowed in the dialog).
async fn bench(focused: bool) -> (Bench, Arc<Shown>, Arc<AllowOnce>, Arc<Focus>) {
    let bench = Bench::start(EmulatorConfig::default()).await;
    let shown = Arc::new(Shown::default());
    let focus = Arc::new(Focus(AtomicBool::new(focused), AtomicUsize::new(0)));
    let workspace = bench.conversations.workspace("ws").unwrap();
    bench
        .conversations
        .executions()
        .notify_with(Arc::new(Attention::new(
            shown.clone(),
            focus.clone(),
            Arc::new(WorkspaceRegistry::new(vec![(*workspace).clone()])),
        )));
    let dialogs = Arc::new(AllowOnce::default());
    let tools = ClientTools::new(
        ToolRegistry::builtin(),
        bench.history.clone(),
        dialogs.clone(),
    );
    tools
        .set_enabled("ws", CLIENT_TOOLS_ID, "current_datetime", true)
        .await
        .unwrap();
    bench.conversations.offer_tools(tools);
    (bench, shown, dialogs, focus)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_and_an_approval_notify_once_each_while_the_window_is_not_focused() {
    let (bench, shown, dialogs, _) = bench(false).await;

    let echo = bench.chat_with(DEMO_ECHO_ID).await;
    let text = ask(&bench, &echo, "Hello <there> & goodbye").await;
    let first_line = text.lines().next().unwrap().to_owned();
    assert!(first_line.contains("<there>"), "{text}");

    let tools = bench.chat_with(CLIENT_TOOLS_ID).await;
    let text = ask(&bench, &tools, "current_datetime").await;
    assert_eq!(*dialogs.0.lock().unwrap(), 1, "asked once: {text}");

    let escaped = first_line
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let shown_now = shown.wait_for(3).await;
    let titles: Vec<&str> = shown_now.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Echo answered",
            "Tool user needs your approval",
            "Tool user answered"
        ]
    );
    assert_eq!(shown_now[0].1, escaped);
    assert_eq!(
        shown_now[1].1,
        "It asks to run the tool current_datetime on this computer."
    );
    // The first line of the answer, cut to the limit.
    assert!(
        shown_now[2]
            .1
            .starts_with("I called 1 tool(s) on your computer.")
            && shown_now[2].1.ends_with('…'),
        "{}: {text}",
        shown_now[2].1
    );
    let conversations: Vec<String> = shown
        .0
        .lock()
        .unwrap()
        .iter()
        .map(|n| n.conversation_id().to_owned())
        .collect();
    assert_eq!(conversations, [echo.id.clone(), tools.id.clone(), tools.id]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_notifies_while_the_window_is_focused() {
    let (bench, shown, dialogs, focus) = bench(true).await;
    let echo = bench.chat_with(DEMO_ECHO_ID).await;
    ask(&bench, &echo, "Hello").await;
    let tools = bench.chat_with(CLIENT_TOOLS_ID).await;
    ask(&bench, &tools, "current_datetime").await;
    assert_eq!(*dialogs.0.lock().unwrap(), 1, "the dialog was still shown");
    // Echo's answer, the approval and the Tool user's answer were each decided on.
    focus.until_asked(3).await;

    // A control, the window no longer focused: it notifies, and nothing came before it.
    focus.0.store(false, Ordering::SeqCst);
    ask(&bench, &echo, "Hello again").await;
    let shown = shown.wait_for(1).await;
    let titles: Vec<&str> = shown.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(titles, ["Echo answered"]);
}
