//! Search, rename, archive, delete, export and import of conversations through the
//! real IPC path, with the native save and open dialogs answered by the test.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use athena_core::dialogs::{Dialogs, FileDialog, MessageDialog};
use athena_core::tools::{Tool, ToolContext, ToolDefinition, ToolFailure};
use serde_json::{Value, json};
use tauri::WebviewWindow;
use tauri::test::MockRuntime;

use crate::ipc::{build_app, invoke, options_with_tool, window};

/// A file dialog's answer: this path, or cancelled.
type FileAnswer = Option<PathBuf>;

/// Answers file dialogs from a queue and records what they showed; holds every
/// question (a tool's approval) open until released, then denies it.
#[derive(Default)]
struct User {
    files: Mutex<VecDeque<FileAnswer>>,
    shown: Mutex<Vec<FileDialog>>,
    questions: AtomicUsize,
    released: Mutex<bool>,
    release: Condvar,
}

impl User {
    fn answer(&self, answer: FileAnswer) {
        self.files.lock().expect("lock").push_back(answer);
    }
    fn next(&self, dialog: &FileDialog) -> FileAnswer {
        self.shown.lock().expect("lock").push(dialog.clone());
        self.files.lock().expect("lock").pop_front().flatten()
    }
    fn last_shown(&self) -> FileDialog {
        self.shown
            .lock()
            .expect("lock")
            .last()
            .cloned()
            .expect("a dialog")
    }
}

impl Dialogs for User {
    fn ask(&self, _: &MessageDialog) -> Option<String> {
        self.questions.fetch_add(1, Ordering::SeqCst);
        let released = self.released.lock().expect("lock");
        let _unused = self
            .release
            .wait_timeout_while(released, Duration::from_secs(60), |r| !*r)
            .expect("lock");
        Some("Deny".to_owned())
    }
    fn pick_files(&self, dialog: &FileDialog) -> Vec<PathBuf> {
        self.next(dialog).into_iter().collect()
    }
    fn save_file(&self, dialog: &FileDialog) -> Option<PathBuf> {
        self.next(dialog)
    }
}

/// A tool that only ever waits for its approval in these tests.
#[derive(Debug)]
struct Waiter(ToolDefinition);

impl Tool for Waiter {
    fn definition(&self) -> &ToolDefinition {
        &self.0
    }
    fn run(&self, _: &Value, _: &ToolContext) -> Result<Value, ToolFailure> {
        Ok(json!("ran"))
    }
}

struct TestApp {
    app: tauri::App<MockRuntime>,
    user: Arc<User>,
    dir: PathBuf,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        *self.user.released.lock().expect("lock") = true;
        self.user.release.notify_all();
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

fn start() -> TestApp {
    let user = Arc::new(User::default());
    let waiter = Waiter(ToolDefinition::new(
        "note_taker",
        "Takes a note",
        json!({"type": "object", "properties": {"text": {"type": "string"}}}),
    ));
    let (options, dir) = options_with_tool("actions", user.clone(), Arc::new(waiter));
    TestApp {
        app: build_app(options),
        user,
        dir,
    }
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Starts a conversation with the echo agent and sends `message`; returns the
/// conversation id and the handle once the answer is complete.
fn chat(main: &WebviewWindow<MockRuntime>, message: &str) -> (String, String) {
    let started = invoke(
        main,
        "start_conversation",
        json!({ "workspaceId": "demo", "agentId": "agent:demo-echo" }),
    )
    .expect("started");
    let id = started["id"].as_str().expect("id").to_owned();
    let handle = invoke(
        main,
        "send_message",
        json!({ "request": { "conversationId": id, "message": message } }),
    )
    .expect("sent");
    let handle = handle.as_str().expect("handle").to_owned();
    wait_for("the answer", || {
        invoke(main, "execution_snapshot", json!({ "handle": handle }))
            .is_ok_and(|s| s["status"] == "completed")
    });
    (id, handle)
}

fn listed(main: &WebviewWindow<MockRuntime>, archived: bool) -> Vec<Value> {
    invoke(
        main,
        "list_conversations",
        json!({ "workspaceId": "demo", "archived": archived, "after": null, "limit": 50 }),
    )
    .expect("listed")
    .as_array()
    .cloned()
    .expect("a list")
}

fn search(main: &WebviewWindow<MockRuntime>, query: &str) -> Vec<Value> {
    invoke(
        main,
        "search_conversations",
        json!({ "workspaceId": "demo", "query": query, "limit": 20 }),
    )
    .expect("searched")
    .as_array()
    .cloned()
    .expect("results")
}

fn open(main: &WebviewWindow<MockRuntime>, id: &str) -> Result<Value, Value> {
    invoke(
        main,
        "open_conversation",
        json!({ "conversationId": id, "before": null, "limit": 50 }),
    )
}

fn export(
    test: &TestApp,
    main: &WebviewWindow<MockRuntime>,
    id: &str,
    format: &str,
    to: Option<&Path>,
) -> Result<Value, Value> {
    test.user.answer(to.map(Path::to_path_buf));
    invoke(
        main,
        "export_conversation",
        json!({ "conversationId": id, "format": format }),
    )
}

fn import(
    test: &TestApp,
    main: &WebviewWindow<MockRuntime>,
    from: Option<&Path>,
) -> Result<Value, Value> {
    test.user.answer(from.map(Path::to_path_buf));
    invoke(
        main,
        "import_conversation",
        json!({ "workspaceId": "demo" }),
    )
}

#[test]
fn search_finds_a_message_in_another_conversation_with_its_highlights_cut_out() {
    let test = start();
    let main = window(&test.app, "main");
    let (_first, _) = chat(&main, "Plans for the weekend");
    let (second, handle) = chat(&main, "Where did the zebracorn go?");

    let results = search(&main, "zebrac");
    assert_eq!(results.len(), 1, "{results:?}");
    let hit = &results[0];
    assert_eq!(hit["conversationId"], second.as_str());
    assert_eq!(hit["handle"], handle.as_str());
    assert_eq!(hit["archived"], false);
    assert!(hit["position"].is_number() && hit["sentAtMs"].is_number());
    let segments = hit["snippet"].as_array().expect("segments");
    let marked: Vec<&str> = segments
        .iter()
        .filter(|s| s["highlighted"] == true)
        .filter_map(|s| s["text"].as_str())
        .collect();
    assert_eq!(marked, ["zebracorn"], "{segments:?}");
    for segment in segments {
        let text = segment["text"].as_str().expect("text");
        assert!(
            !text.contains('\u{E000}') && !text.contains('\u{E001}'),
            "a marker reached the page: {text:?}"
        );
    }
    assert!(search(&main, "   ").is_empty(), "no words, no results");
    assert!(
        search(&main, "\"zebracorn OR").is_empty(),
        "operators are plain words"
    );
}

#[test]
fn rename_checks_the_title_first_and_keeps_it() {
    let test = start();
    let main = window(&test.app, "main");
    let (id, _) = chat(&main, "Hello");

    let too_long = invoke(
        &main,
        "rename_conversation",
        json!({ "conversationId": id, "title": "t".repeat(201) }),
    )
    .expect_err("too long");
    assert_eq!(
        too_long,
        json!({ "code": "validation", "field": "title", "rule": "tooLong", "limit": 200, "actual": 201 })
    );
    // The limit is checked before the conversation is even looked up.
    let unknown_too_long = invoke(
        &main,
        "rename_conversation",
        json!({ "conversationId": "nope", "title": "t".repeat(201) }),
    )
    .expect_err("too long");
    assert_eq!(unknown_too_long["code"], "validation");
    let empty = invoke(
        &main,
        "rename_conversation",
        json!({ "conversationId": id, "title": " \n " }),
    )
    .expect_err("empty");
    assert_eq!(empty["field"], "title");
    assert_eq!(empty["rule"], "required");
    assert_eq!(listed(&main, false)[0]["title"], "Hello", "unchanged");

    let renamed = invoke(
        &main,
        "rename_conversation",
        json!({ "conversationId": id, "title": "  Trip \n to   Lisbon " }),
    )
    .expect("renamed");
    assert_eq!(renamed["title"], "Trip to Lisbon");
    assert_eq!(renamed["id"], id.as_str());
    assert_eq!(listed(&main, false)[0]["title"], "Trip to Lisbon");
    let unknown = invoke(
        &main,
        "rename_conversation",
        json!({ "conversationId": "nope", "title": "x" }),
    )
    .expect_err("unknown");
    assert_eq!(unknown["code"], "unknownConversation");
}

#[test]
fn archive_moves_a_conversation_to_archived_where_it_is_read_only() {
    let test = start();
    let main = window(&test.app, "main");
    let (id, _) = chat(&main, "Archive me");
    let archived = invoke(
        &main,
        "archive_conversation",
        json!({ "conversationId": id }),
    )
    .expect("archived");
    assert_eq!(archived["archived"], true);
    assert!(listed(&main, false).iter().all(|c| c["id"] != id.as_str()));
    assert_eq!(listed(&main, true)[0]["id"], id.as_str());
    let refused = invoke(
        &main,
        "send_message",
        json!({ "request": { "conversationId": id, "message": "more" } }),
    )
    .expect_err("read only");
    assert_eq!(refused["code"], "conversationArchived");
    // Still found, marked archived.
    assert_eq!(search(&main, "archive")[0]["archived"], true);
}

#[test]
fn delete_removes_a_conversation_from_lists_search_and_the_store() {
    let test = start();
    let main = window(&test.app, "main");
    let (keep, _) = chat(&main, "Keep this quokka");
    let (gone, _) = chat(&main, "Forget this quokka");
    assert_eq!(search(&main, "quokka").len(), 2);
    assert_eq!(
        invoke(
            &main,
            "delete_conversation",
            json!({ "conversationId": gone })
        ),
        Ok(Value::Null)
    );
    // (A second chat with an agent archives the first, as on the server.)
    let ids: Vec<Value> = [listed(&main, false), listed(&main, true)]
        .concat()
        .iter()
        .map(|c| c["id"].clone())
        .collect();
    assert_eq!(ids, [json!(keep)]);
    let left = search(&main, "quokka");
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["conversationId"], keep.as_str());
    assert_eq!(
        open(&main, &gone).expect_err("gone")["code"],
        "unknownConversation"
    );
    let again = invoke(
        &main,
        "delete_conversation",
        json!({ "conversationId": gone }),
    )
    .expect_err("already gone");
    assert_eq!(again["code"], "unknownConversation");
}

#[test]
fn a_streaming_conversation_is_neither_archived_deleted_nor_exported() {
    let test = start();
    let main = window(&test.app, "main");
    invoke(
        &main,
        "set_tool_enabled",
        json!({"workspaceId": "demo", "agentId": "agent:client-tools", "toolName": "note_taker", "enabled": true}),
    )
    .expect("enabled");
    let started = invoke(
        &main,
        "start_conversation",
        json!({"workspaceId": "demo", "agentId": "agent:client-tools"}),
    )
    .expect("started");
    let id = started["id"].as_str().expect("id").to_owned();
    invoke(
        &main,
        "send_message",
        json!({"request": {"conversationId": id, "message": r#"note_taker {"text": "wait"}"#}}),
    )
    .expect("sent");
    // The answer now waits for the (held) approval: it is still running.
    wait_for("the approval question", || {
        test.user.questions.load(Ordering::SeqCst) == 1
    });
    for (command, args) in [
        ("archive_conversation", json!({ "conversationId": id })),
        ("delete_conversation", json!({ "conversationId": id })),
        (
            "export_conversation",
            json!({ "conversationId": id, "format": "json" }),
        ),
    ] {
        let refused = invoke(&main, command, args).expect_err("refused");
        assert_eq!(
            refused,
            json!({ "code": "conversationRunning" }),
            "{command}"
        );
    }
    assert!(
        test.user.shown.lock().expect("lock").is_empty(),
        "no save dialog was shown"
    );
    assert!(open(&main, &id).is_ok(), "nothing was deleted");
    assert_eq!(listed(&main, false)[0]["archived"], false);
}

#[test]
fn export_writes_the_chosen_file_whole_and_import_brings_it_back_read_only() {
    let test = start();
    let main = window(&test.app, "main");
    let (id, _) = chat(&main, "Pack an umbrella for Lisbon");
    invoke(
        &main,
        "rename_conversation",
        json!({ "conversationId": id, "title": "Trip: Lisbon/Porto?" }),
    )
    .expect("renamed");
    let files = test.dir.join("exports");
    std::fs::create_dir_all(&files).expect("folder");

    // Cancelled: nothing written.
    assert_eq!(
        export(&test, &main, &id, "json", None),
        Ok(json!({ "saved": false, "fileName": null }))
    );
    let shown = test.user.last_shown();
    assert_eq!(
        shown.suggested_name.as_deref(),
        Some("Trip LisbonPorto.json")
    );
    assert_eq!(shown.filters[0].extensions, ["json"]);

    let json_file = files.join("trip.json");
    assert_eq!(
        export(&test, &main, &id, "json", Some(&json_file)),
        Ok(json!({ "saved": true, "fileName": "trip.json" }))
    );
    let exported: Value =
        serde_json::from_str(&std::fs::read_to_string(&json_file).expect("written")).expect("json");
    assert_eq!(exported["format"], "athena-desktop.conversation");
    assert_eq!(exported["conversation"]["title"], "Trip: Lisbon/Porto?");
    assert_eq!(
        exported["messages"][0]["request"]["message"],
        "Pack an umbrella for Lisbon"
    );

    let md_file = files.join("trip.md");
    assert_eq!(
        export(&test, &main, &id, "markdown", Some(&md_file)),
        Ok(json!({ "saved": true, "fileName": "trip.md" }))
    );
    assert_eq!(test.user.last_shown().filters[0].extensions, ["md"]);
    let markdown = std::fs::read_to_string(&md_file).expect("written");
    assert!(
        markdown.contains("Pack an umbrella for Lisbon"),
        "{markdown}"
    );
    let names: Vec<_> = std::fs::read_dir(&files)
        .expect("list")
        .map(|e| e.expect("entry").file_name().into_string().expect("utf-8"))
        .collect();
    assert_eq!(names.len(), 2, "no temporary file left: {names:?}");

    let unwritable = files.join("no-such-folder").join("x.json");
    let failed = export(&test, &main, &id, "json", Some(&unwritable)).expect_err("no folder");
    assert_eq!(failed["code"], "fileNotWritten");
    assert!(failed["path"].as_str().expect("path").ends_with("x.json"));

    // Import: a new, archived conversation with the same messages.
    assert_eq!(import(&test, &main, None), Ok(Value::Null), "cancelled");
    assert_eq!(test.user.last_shown().filters[0].extensions, ["json"]);
    let imported = import(&test, &main, Some(&json_file)).expect("imported");
    assert_ne!(imported["id"], id.as_str());
    assert_eq!(imported["archived"], true);
    assert_eq!(imported["title"], "Trip: Lisbon/Porto?");
    assert_eq!(imported["workspaceId"], "demo");
    let original = open(&main, &id).expect("original");
    let copy = open(&main, imported["id"].as_str().expect("id")).expect("copy");
    let texts = |view: &Value| -> Vec<(Value, Value, Value)> {
        view["messages"]
            .as_array()
            .expect("messages")
            .iter()
            .map(|m| {
                (
                    m["request"]["message"].clone(),
                    m["status"].clone(),
                    m["parts"].clone(),
                )
            })
            .collect()
    };
    assert_eq!(texts(&original), texts(&copy));
    assert_eq!(listed(&main, true)[0]["id"], imported["id"]);
}

#[test]
fn import_refuses_bad_newer_too_large_and_unreadable_files_naming_why() {
    let test = start();
    let main = window(&test.app, "main");
    let files = test.dir.join("imports");
    std::fs::create_dir_all(&files).expect("folder");
    let before = listed(&main, true).len();

    let not_json = files.join("notes.json");
    std::fs::write(&not_json, "{not json").expect("file");
    let bad = import(&test, &main, Some(&not_json)).expect_err("bad");
    assert_eq!(bad["code"], "importBadFormat");
    assert_eq!(bad["field"], "$");

    let wrong_field = files.join("wrong.json");
    std::fs::write(
        &wrong_field,
        json!({"format": "athena-desktop.conversation", "version": 1, "exported_at_ms": 0,
               "conversation": {}, "messages": []})
        .to_string(),
    )
    .expect("file");
    let missing = import(&test, &main, Some(&wrong_field)).expect_err("bad");
    assert_eq!(missing["code"], "importBadFormat");
    assert_eq!(missing["field"], "conversation");

    let newer = files.join("newer.json");
    std::fs::write(
        &newer,
        json!({"format": "athena-desktop.conversation", "version": 7}).to_string(),
    )
    .expect("file");
    assert_eq!(
        import(&test, &main, Some(&newer)),
        Err(json!({ "code": "importNewerFormat", "found": 7, "known": 1 }))
    );

    // One byte past 32 MiB, sparse: refused by its size, before it is read.
    let huge = files.join("huge.json");
    let file = std::fs::File::create(&huge).expect("file");
    file.set_len(32 * 1024 * 1024 + 1).expect("size");
    assert_eq!(
        import(&test, &main, Some(&huge)),
        Err(json!({ "code": "importTooLarge", "limit": 33_554_432, "actual": 33_554_433 }))
    );

    let nowhere = import(&test, &main, Some(&files.join("missing.json"))).expect_err("missing");
    assert_eq!(nowhere["code"], "fileNotRead");
    assert!(
        nowhere["path"]
            .as_str()
            .expect("path")
            .ends_with("missing.json")
    );

    let unknown = invoke(
        &main,
        "import_conversation",
        json!({ "workspaceId": "nope" }),
    )
    .expect_err("unknown workspace");
    assert_eq!(unknown["code"], "unknownWorkspace");
    assert_eq!(listed(&main, true).len(), before, "nothing was imported");
}
