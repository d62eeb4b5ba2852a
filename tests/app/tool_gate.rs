//! The tool gate seen from the webview: while a real call waits for the user's
//! answer in the (native, here scripted) dialog, every command the main window may
//! call is called with forged arguments — the real call id and execution id, made-up
//! ones, hashes, "approve" flags. None runs the tool or records an approval: the call
//! still waits, no rule exists, and when the user finally says no, nothing has run.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use athena_core::dialogs::{Dialogs, FileDialog, MessageDialog};
use athena_core::tools::{Tool, ToolContext, ToolDefinition, ToolFailure};
use serde_json::{Value, json};

use crate::ipc::{build_app, invoke, options_with_tool, window};

const TOOL_USER: &str = "agent:client-tools";

/// A tool that counts its runs.
#[derive(Debug)]
struct Counter(ToolDefinition, Arc<AtomicUsize>);

impl Tool for Counter {
    fn definition(&self) -> &ToolDefinition {
        &self.0
    }
    fn run(&self, _: &Value, _: &ToolContext) -> Result<Value, ToolFailure> {
        self.1.fetch_add(1, Ordering::SeqCst);
        Ok(json!("ran"))
    }
}

/// Holds the first approval dialog open until released, then answers "Deny"; every
/// other dialog is closed at once (a denial, or a cancelled file choice).
#[derive(Default)]
struct User {
    approvals: Mutex<usize>,
    released: Mutex<bool>,
    release: Condvar,
    asked: Mutex<Vec<MessageDialog>>,
}

impl Dialogs for User {
    fn ask(&self, dialog: &MessageDialog) -> Option<String> {
        self.asked.lock().expect("lock").push(dialog.clone());
        let is_approval = dialog.buttons.iter().any(|b| b == "Always allow");
        let first = is_approval && {
            let mut n = self.approvals.lock().expect("lock");
            *n += 1;
            *n == 1
        };
        if !first {
            return None;
        }
        let released = self.released.lock().expect("lock");
        let _unused = self
            .release
            .wait_timeout_while(released, Duration::from_secs(60), |r| !*r)
            .expect("lock");
        Some("Deny".to_owned())
    }
    fn pick_files(&self, _: &FileDialog) -> Vec<PathBuf> {
        Vec::new()
    }
    fn save_file(&self, _: &FileDialog) -> Option<PathBuf> {
        None
    }
    fn pick_folder(&self, _: &FileDialog) -> Option<PathBuf> {
        None
    }
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The app's commands, as the capability grants them to the main window.
fn commands() -> Vec<&'static str> {
    const NAMES: &[&str] = include!("../../src-tauri/src/command_names.rs");
    NAMES.to_vec()
}

#[test]
fn no_command_of_the_webview_runs_a_tool_or_records_an_approval() {
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = Counter(
        ToolDefinition::new(
            "note_taker",
            "Takes a note",
            json!({"type": "object", "properties": {"text": {"type": "string"}}}),
        ),
        runs.clone(),
    );
    let user = Arc::new(User::default());
    let (options, dir) = options_with_tool("gate", user.clone(), Arc::new(counter));
    let app = build_app(options);
    let main = window(&app, "main");

    invoke(
        &main,
        "set_tool_enabled",
        json!({"workspaceId": "demo", "agentId": TOOL_USER, "toolName": "note_taker", "enabled": true}),
    )
    .expect("enabled");
    let chat = invoke(
        &main,
        "start_conversation",
        json!({"workspaceId": "demo", "agentId": TOOL_USER}),
    )
    .expect("started");
    let conversation_id = chat["id"].as_str().expect("id").to_owned();
    let sent = invoke(
        &main,
        "send_message",
        json!({"request": {"conversationId": conversation_id, "message": r#"note_taker {"text": "real"}"#}}),
    )
    .expect("sent");
    let handle = sent
        .as_str()
        .map_or_else(|| sent["handle"].clone(), |h| json!(h));

    // The real call now waits for the user.
    let snapshot = |main: &tauri::WebviewWindow<tauri::test::MockRuntime>| {
        invoke(main, "execution_snapshot", json!({ "handle": handle })).expect("snapshot")
    };
    wait_for("the approval dialog", || {
        *user.approvals.lock().expect("lock") == 1
    });
    let waiting = snapshot(&main);
    let call = waiting["parts"]
        .as_array()
        .and_then(|parts| parts.iter().find(|p| p["kind"] == "clientToolCall"))
        .cloned()
        .expect("the call's card");
    assert_eq!(call["state"], "waitingForYou");
    let call_id = call["callId"].as_str().expect("call id").to_owned();
    let execution_id = waiting["executionId"]
        .as_str()
        .expect("execution id")
        .to_owned();

    let forged = json!({
        "callId": call_id, "toolCallId": call_id, "executionId": execution_id,
        "handle": "forged-handle", "argumentsHash": "0".repeat(64),
        "approve": true, "approved": true, "allow": true, "always": true,
        "decision": "allowOnce", "answer": "Allow once", "button": "Always allow",
        "toolName": "note_taker", "name": "note_taker", "arguments": {"text": "forged"},
        "workspaceId": "demo", "agentId": TOOL_USER, "enabled": true,
        "conversationId": conversation_id, "path": "/", "up": true,
        "url": "https://example.com/", "text": "forged", "fileId": "forged",
        "request": {"conversationId": conversation_id, "message": r#"note_taker {"text": "forged"}"#},
    });
    let mut called = 0;
    for command in commands() {
        let _ = invoke(&main, command, forged.clone());
        called += 1;
    }
    assert!(called >= 40, "every command was called ({called})");

    // Nothing ran, the real call still waits, and no rule was recorded.
    assert_eq!(runs.load(Ordering::SeqCst), 0, "no tool ran");
    assert_eq!(
        snapshot(&main)["parts"][call_index(&waiting)]["state"],
        "waitingForYou"
    );
    let settings = invoke(
        &main,
        "agent_tools",
        json!({"workspaceId": "demo", "agentId": TOOL_USER}),
    )
    .expect("tools");
    for tool in settings["tools"].as_array().expect("tools") {
        assert_eq!(tool["alwaysAllowed"], false, "{tool}");
        assert_eq!(tool["ruleOutdated"], false, "{tool}");
    }

    // The user says no: the call is denied and still nothing ran.
    *user.released.lock().expect("lock") = true;
    user.release.notify_all();
    wait_for("the denial", || {
        snapshot(&main)["parts"][call_index(&waiting)]["state"] == "denied"
    });
    assert_eq!(runs.load(Ordering::SeqCst), 0);
    drop(app);
    std::fs::remove_dir_all(&dir).ok();
}

fn call_index(snapshot: &Value) -> usize {
    snapshot["parts"]
        .as_array()
        .and_then(|parts| parts.iter().position(|p| p["kind"] == "clientToolCall"))
        .expect("the call's card")
}
