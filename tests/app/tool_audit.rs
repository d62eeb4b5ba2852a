//! The user's command tools and the audit log through the app's commands, on the mock
//! runtime with a scripted user: a command tool refused with its field named, saved,
//! offered with its source, tested once the user allowed its program; an approved call found in the
//! audit log; the log exported as CSV and JSON Lines to the file the user chose in the
//! (scripted) save dialog, with exactly the expected contents; a cancelled export
//! writes nothing.

// A failed step is a failed test: unwrap says where, as in the core tests.
#![allow(clippy::unwrap_used)]

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use athena_core::dialogs::{Dialogs, FileDialog, MessageDialog};
use athena_core::tools::{Tool, ToolContext, ToolDefinition, ToolFailure};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::ipc::{build_app, invoke, options_with_tool, window};

const TOOL_USER: &str = "agent:client-tools";

#[derive(Debug)]
struct Counter(ToolDefinition, Arc<AtomicUsize>);

impl Tool for Counter {
    fn definition(&self) -> &ToolDefinition {
        &self.0
    }
    fn run(&self, _: &Value, _: &ToolContext) -> Result<Value, ToolFailure> {
        self.1.fetch_add(1, Ordering::SeqCst);
        Ok(json!({"noted": true}))
    }
}

/// Allows every call once and, unless told to refuse them, every program; answers
/// save dialogs from a queue (empty: cancelled). Keeps every question asked.
#[derive(Default)]
struct User {
    saves: Mutex<VecDeque<Option<PathBuf>>>,
    shown: Mutex<Vec<FileDialog>>,
    asked: Mutex<Vec<MessageDialog>>,
    refuse_programs: std::sync::atomic::AtomicBool,
}

impl Dialogs for User {
    fn ask(&self, dialog: &MessageDialog) -> Option<String> {
        self.asked.lock().unwrap().push(dialog.clone());
        let program = dialog
            .buttons
            .iter()
            .any(|b| b == "Allow" || b == "Run once");
        if program && self.refuse_programs.load(Ordering::SeqCst) {
            return Some("Cancel".to_owned());
        }
        dialog.buttons.first().cloned()
    }
    fn pick_files(&self, _: &FileDialog) -> Vec<PathBuf> {
        Vec::new()
    }
    fn save_file(&self, dialog: &FileDialog) -> Option<PathBuf> {
        self.shown.lock().unwrap().push(dialog.clone());
        self.saves.lock().unwrap().pop_front().flatten()
    }
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn no_filter() -> Value {
    json!({"agent": null, "tool": null, "decision": null, "outcome": null, "fromMs": null, "toMs": null})
}

#[test]
fn command_tools_are_checked_saved_offered_and_tested_through_the_commands() {
    let user = Arc::new(User::default());
    let counter = Counter(
        ToolDefinition::new("note_taker", "Takes a note", json!({"type": "object"})),
        Arc::new(AtomicUsize::new(0)),
    );
    let (options, dir) = options_with_tool("cmdtools", user.clone(), Arc::new(counter));
    let app = build_app(options);
    let main = window(&app, "main");
    let tool = json!({
        "name": "echo_args",
        "description": "Prints its fixed arguments.",
        "parameters": "{\"type\": \"object\"}",
        "executable": "printf",
        "args": ["{\"said\": \"%s\"}", "$(touch pwned)"],
        "timeoutSecs": 0,
        "outputLimitBytes": 1024
    });
    let refused = invoke(
        &main,
        "save_command_tool",
        json!({"original": null, "tool": tool}),
    )
    .expect_err("a zero time limit is refused");
    assert_eq!(refused["code"], "invalidCommandTool");
    assert_eq!(refused["field"], "timeoutSecs");
    assert!(
        user.asked.lock().unwrap().is_empty(),
        "a refused form asks nothing"
    );
    let mut tool = tool;
    tool["timeoutSecs"] = json!(5);
    // A program the user does not allow in the native dialog is not saved.
    user.refuse_programs.store(true, Ordering::SeqCst);
    let not_allowed = invoke(
        &main,
        "save_command_tool",
        json!({"original": null, "tool": tool}),
    )
    .expect_err("not allowed");
    assert_eq!(not_allowed["code"], "programNotAllowed");
    let listed = invoke(&main, "command_tools", json!({})).expect("listed");
    assert_eq!(listed["tools"], json!([]));
    {
        let asked = user.asked.lock().unwrap();
        assert_eq!(asked.len(), 1);
        assert_eq!(asked[0].title, "Allow this program?");
        assert!(
            asked[0].message.contains("Program: printf"),
            "{}",
            asked[0].message
        );
        assert!(
            asked[0].message.contains("\n  $(touch pwned)"),
            "{}",
            asked[0].message
        );
    }
    user.refuse_programs.store(false, Ordering::SeqCst);
    let saved = invoke(
        &main,
        "save_command_tool",
        json!({"original": null, "tool": tool}),
    )
    .expect("saved");
    assert_eq!(saved["tools"][0]["name"], "echo_args");
    assert_eq!(saved["problems"], json!([]));
    let mut clash = tool.clone();
    clash["name"] = json!("note_taker");
    let taken = invoke(
        &main,
        "save_command_tool",
        json!({"original": null, "tool": clash}),
    )
    .expect_err("a name another tool has is refused");
    assert_eq!(
        (taken["code"].as_str(), taken["field"].as_str()),
        (Some("invalidCommandTool"), Some("name"))
    );
    let agent = invoke(
        &main,
        "agent_tools",
        json!({"workspaceId": "demo", "agentId": TOOL_USER}),
    )
    .expect("tools");
    let listed = agent["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "echo_args")
        .expect("the command tool is offered for enabling");
    assert_eq!(listed["source"], "command");
    // Saving it again with the same program asks nothing more.
    let asked_before = user.asked.lock().unwrap().len();
    let mut described = tool.clone();
    described["description"] = json!("Prints its fixed arguments, again.");
    invoke(
        &main,
        "save_command_tool",
        json!({"original": "echo_args", "tool": described}),
    )
    .expect("saved again");
    assert_eq!(user.asked.lock().unwrap().len(), asked_before);
    // A test run the user declines runs nothing.
    user.refuse_programs.store(true, Ordering::SeqCst);
    let declined = invoke(
        &main,
        "try_command_tool",
        json!({"tool": tool, "sample": "{}"}),
    )
    .expect_err("declined");
    assert_eq!(declined["code"], "programNotAllowed");
    user.refuse_programs.store(false, Ordering::SeqCst);
    let tested = invoke(
        &main,
        "try_command_tool",
        json!({"tool": tool, "sample": "{}"}),
    )
    .expect("tested");
    assert_eq!(
        user.asked
            .lock()
            .unwrap()
            .last()
            .map(|d| d.title.clone())
            .as_deref(),
        Some("Run this program once?")
    );
    assert_eq!(tested["ok"], true, "{tested}");
    assert_eq!(tested["output"], "{\n  \"said\": \"$(touch pwned)\"\n}");
    assert!(!std::path::Path::new("pwned").exists());
    let removed =
        invoke(&main, "remove_command_tool", json!({"name": "echo_args"})).expect("removed");
    assert_eq!(removed["tools"], json!([]));
    drop(app);
    let _ = std::fs::remove_dir_all(dir);
}

/// The row a CSV export holds for `entry` (a view from `tool_audit`).
fn csv_row(entry: &Value) -> String {
    let at = entry["atMs"].as_f64().unwrap() as i128 * 1_000_000;
    let time = OffsetDateTime::from_unix_timestamp_nanos(at)
        .unwrap()
        .format(&Rfc3339)
        .unwrap();
    let quoted = |v: &Value| {
        let text = v.as_str().unwrap().to_owned();
        if text.contains([',', '"', '\n']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text
        }
    };
    format!(
        "{time},demo,{},{},{},note_taker,built-in,{},{},approved,you,success,{},{}\n",
        entry["conversationId"].as_str().unwrap(),
        entry["agentName"].as_str().unwrap(),
        TOOL_USER,
        entry["argumentsHash"].as_str().unwrap(),
        quoted(&entry["argumentsPreview"]),
        quoted(&entry["resultPreview"]),
        entry["durationMs"].as_u64().unwrap(),
    )
}

#[test]
fn an_approved_call_is_audited_and_exported_to_the_chosen_file() {
    let user = Arc::new(User::default());
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = Counter(
        ToolDefinition::new(
            "note_taker",
            "Takes a note",
            json!({"type": "object", "properties": {"text": {"type": "string"}}}),
        ),
        runs.clone(),
    );
    let (options, dir) = options_with_tool("audit", user.clone(), Arc::new(counter));
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
    invoke(
        &main,
        "send_message",
        json!({"request": {"conversationId": chat["id"], "message": r#"note_taker {"text": "a, \"quoted\" note"}"#}}),
    )
    .expect("sent");
    let page = |filter: Value| {
        invoke(
            &main,
            "tool_audit",
            json!({"filter": filter, "offset": 0, "limit": 50}),
        )
        .expect("page")
    };
    wait_for("the audit row", || page(no_filter())["total"] == 1);
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    let listed = page(no_filter());
    let entry = &listed["entries"][0];
    assert_eq!(entry["toolName"], "note_taker");
    assert_eq!(entry["toolSource"], "built-in");
    assert_eq!(
        (entry["decision"].as_str(), entry["decidedBy"].as_str()),
        (Some("approved"), Some("you"))
    );
    assert_eq!(entry["outcome"], "success");
    assert_eq!(entry["conversationId"], chat["id"]);
    assert_eq!(
        entry["argumentsPreview"],
        r#"{"text":"a, \"quoted\" note"}"#
    );
    assert_eq!(entry["resultPreview"], r#"{"noted":true}"#);
    assert!(entry["durationMs"].is_u64());
    let mut denied = no_filter();
    denied["decision"] = json!("denied");
    assert_eq!(page(denied)["total"], 0);
    let mut bad = no_filter();
    bad["outcome"] = json!("maybe");
    assert!(
        invoke(
            &main,
            "tool_audit",
            json!({"filter": bad, "offset": 0, "limit": 5})
        )
        .is_err()
    );

    let exports = dir.join("exports");
    std::fs::create_dir_all(&exports).unwrap();
    // Cancelled: nothing written.
    let cancelled = invoke(
        &main,
        "export_tool_audit",
        json!({"filter": no_filter(), "format": "csv"}),
    );
    assert_eq!(cancelled, Ok(Value::Null));
    assert_eq!(std::fs::read_dir(&exports).unwrap().count(), 0);

    let csv = exports.join("activity.csv");
    user.saves.lock().unwrap().push_back(Some(csv.clone()));
    let written = invoke(
        &main,
        "export_tool_audit",
        json!({"filter": no_filter(), "format": "csv"}),
    )
    .expect("exported");
    assert_eq!(written, json!(csv.display().to_string()));
    let shown = user.shown.lock().unwrap().last().cloned().unwrap();
    assert_eq!(shown.suggested_name.as_deref(), Some("tool-activity.csv"));
    assert_eq!(
        std::fs::read_to_string(&csv).unwrap(),
        format!(
            "time,workspace,conversation,agent,agent_id,tool,source,arguments_hash,arguments,decision,decided_by,outcome,result,duration_ms\n{}",
            csv_row(entry)
        )
    );

    let jsonl = exports.join("activity.jsonl");
    user.saves.lock().unwrap().push_back(Some(jsonl.clone()));
    invoke(
        &main,
        "export_tool_audit",
        json!({"filter": no_filter(), "format": "jsonl"}),
    )
    .expect("exported");
    let text = std::fs::read_to_string(&jsonl).unwrap();
    assert!(text.ends_with('\n') && text.lines().count() == 1, "{text}");
    let line: Value = serde_json::from_str(text.trim_end()).unwrap();
    let time = csv_row(entry).split(',').next().unwrap().to_owned();
    assert_eq!(
        line,
        json!({
            "time": time,
            "workspace": "demo",
            "conversation": entry["conversationId"],
            "agent": entry["agentName"],
            "agent_id": TOOL_USER,
            "tool": "note_taker",
            "source": "built-in",
            "arguments_hash": entry["argumentsHash"],
            "arguments": entry["argumentsPreview"],
            "decision": "approved",
            "decided_by": "you",
            "outcome": "success",
            "result": entry["resultPreview"],
            "duration_ms": entry["durationMs"],
        })
    );
    // The keys come in the columns' order.
    assert!(text.starts_with("{\"time\":"), "{text}");
    let names: Vec<String> = std::fs::read_dir(&exports)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".part"))
        .collect();
    assert!(names.is_empty(), "no temporary file is left: {names:?}");
    drop(app);
    let _ = std::fs::remove_dir_all(dir);
}
