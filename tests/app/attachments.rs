//! Attachments through the real IPC path on the mock runtime, against the demo
//! workspace's emulator: picked with the native dialog (answered by the test), pasted
//! as a raw body with its headers, refused with a typed reason, sent with the message,
//! and a file the page names by anything but an id the backend gave is refused.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use athena_core::dialogs::{Dialogs, FileDialog, MessageDialog};
use serde_json::{Value, json};
use tauri::WebviewWindow;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response};
use tauri::webview::InvokeRequest;

use crate::ipc::{build_app, invoke, window};

/// Answers the open dialog with these paths; records what it showed.
#[derive(Default)]
struct Picker {
    answer: Mutex<Vec<PathBuf>>,
    shown: Mutex<Vec<FileDialog>>,
}

impl Dialogs for Picker {
    fn ask(&self, _: &MessageDialog) -> Option<String> {
        None
    }
    fn pick_files(&self, dialog: &FileDialog) -> Vec<PathBuf> {
        self.shown.lock().expect("lock").push(dialog.clone());
        std::mem::take(&mut *self.answer.lock().expect("lock"))
    }
    fn save_file(&self, _: &FileDialog) -> Option<PathBuf> {
        None
    }
}

struct TestApp {
    _app: tauri::App<MockRuntime>,
    main: WebviewWindow<MockRuntime>,
    picker: Arc<Picker>,
    dir: PathBuf,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

fn start() -> TestApp {
    let picker = Arc::new(Picker::default());
    let dir = std::env::temp_dir().join(format!("athena-attach-{}", uuid::Uuid::new_v4()));
    let options = athena_desktop::LaunchOptions {
        data_dir: Some(dir.clone()),
        headless: true,
        secrets: Some(Arc::new(athena_core::secrets::MemorySecretStore::new())),
        dialogs: Some(picker.clone()),
        ..athena_desktop::LaunchOptions::default()
    };
    let app = build_app(options);
    let main = window(&app, "main");
    TestApp {
        _app: app,
        main,
        picker,
        dir,
    }
}

fn conversation(main: &WebviewWindow<MockRuntime>) -> String {
    let started = invoke(
        main,
        "start_conversation",
        json!({ "workspaceId": "demo", "agentId": "agent:markdown" }),
    )
    .expect("started");
    started["id"].as_str().expect("id").to_owned()
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn draft(main: &WebviewWindow<MockRuntime>, conversation_id: &str) -> Vec<Value> {
    invoke(
        main,
        "draft_attachments",
        json!({ "conversationId": conversation_id }),
    )
    .expect("listed")
    .as_array()
    .cloned()
    .expect("a list")
}

fn paste(
    main: &WebviewWindow<MockRuntime>,
    conversation_id: &str,
    name: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> Result<Value, Value> {
    let mut headers = tauri::http::HeaderMap::new();
    for (key, value) in [
        ("x-conversation-id", conversation_id.to_owned()),
        ("x-file-name", name.to_owned()),
        ("x-content-type", content_type.to_owned()),
    ] {
        headers.insert(key, value.parse().expect("header"));
    }
    get_ipc_response(
        main,
        InvokeRequest {
            cmd: "attach_pasted".into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().expect("url"),
            body: InvokeBody::Raw(bytes),
            headers,
            invoke_key: INVOKE_KEY.into(),
        },
    )
    .map(|body| body.deserialize::<Value>().expect("json response"))
}

/// A real PNG: the app's own icon.
fn png_bytes() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src-tauri/icons/128x128.png"
    ))
    .expect("the icon")
}

#[test]
fn picked_and_pasted_files_upload_and_go_with_the_message() {
    let t = start();
    let id = conversation(&t.main);
    let files = tempfile::tempdir().expect("dir");
    let picked = files.path().join("picture.png");
    std::fs::write(&picked, png_bytes()).expect("write");
    let wrong = files.path().join("letter.pdf");
    std::fs::write(&wrong, b"plain words, not a PDF").expect("write");
    *t.picker.answer.lock().expect("lock") = vec![picked, wrong];

    let staged = invoke(&t.main, "attach_picked", json!({ "conversationId": id })).expect("picked");
    let shown = t.picker.shown.lock().expect("lock").clone();
    assert!(shown[0].multiple);
    assert!(shown[0].filters[0].extensions.contains(&"png".to_owned()));
    assert_eq!(staged[0]["filename"], "picture.png");
    assert!(
        staged[0]["thumbnail"]
            .as_str()
            .is_some_and(|t| t.starts_with("data:image/png;base64,"))
    );
    assert_eq!(
        staged[1]["state"],
        json!({ "kind": "refused", "reason": {
            "code": "typeMismatch", "claimed": "application/pdf", "found": null } })
    );

    let pasted = paste(&t.main, &id, "clip%20board", "image/png", png_bytes()).expect("pasted");
    assert_eq!(pasted["filename"], "clip board.png");
    let ids = [
        staged[0]["id"].as_str().expect("id").to_owned(),
        pasted["id"].as_str().expect("id").to_owned(),
    ];
    wait_for("both uploads", || {
        draft(&t.main, &id)
            .iter()
            .filter(|a| ids.contains(&a["id"].as_str().unwrap_or_default().to_owned()))
            .all(|a| a["state"]["kind"] == "uploaded")
    });

    // The refused one cannot go; the uploaded ones can.
    let refused = invoke(
        &t.main,
        "send_message",
        json!({ "request": { "conversationId": id, "message": "Look",
                "attachmentIds": [ids[0], staged[1]["id"]] } }),
    )
    .expect_err("refused");
    assert_eq!(
        refused,
        json!({ "code": "attachment", "reason": "notUploaded", "waiting": 1 })
    );
    let handle = invoke(
        &t.main,
        "send_message",
        json!({ "request": { "conversationId": id, "message": "Look", "attachmentIds": ids } }),
    )
    .expect("sent");
    let handle = handle.as_str().expect("handle").to_owned();
    let mut snapshot = Value::Null;
    wait_for("the answer", || {
        snapshot = invoke(&t.main, "execution_snapshot", json!({ "handle": handle }))
            .unwrap_or(Value::Null);
        snapshot["status"] == "completed"
    });
    let sent = snapshot["request"]["attachments"]
        .as_array()
        .expect("list")
        .clone();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[1]["filename"], "clip board.png");
    assert_eq!(sent[1]["isImage"], true);
    // No path and no storage key reach the page.
    assert!(
        sent.iter()
            .all(|a| a.get("path").is_none() && a.get("storageKey").is_none())
    );
    let full = invoke(&t.main, "attachment_full_view", json!({ "id": ids[1] })).expect("view");
    assert!(
        full.as_str()
            .is_some_and(|u| u.starts_with("data:image/png;base64,"))
    );
    // Only the refused chip is left in the draft.
    assert_eq!(draft(&t.main, &id).len(), 1);
}

/// The page names files only by ids the backend gave: a path or an invented id is
/// refused, and nothing is read.
#[test]
fn a_file_the_page_names_by_path_is_refused() {
    let t = start();
    let id = conversation(&t.main);
    let secret = t.dir.join("history.sqlite3");
    for invented in [
        secret.to_string_lossy().into_owned(),
        "drop:made-up".to_owned(),
    ] {
        let refused = invoke(
            &t.main,
            "attach_dragged",
            json!({ "conversationId": id, "dropIds": [invented] }),
        )
        .expect_err("refused");
        assert_eq!(
            refused,
            json!({ "code": "attachment", "reason": "unknownDrop", "waiting": 0 })
        );
    }
    let refused = invoke(
        &t.main,
        "attachment_full_view",
        json!({ "id": secret.to_string_lossy() }),
    )
    .expect_err("refused");
    assert_eq!(refused["reason"], "unknownAttachment");
    assert!(draft(&t.main, &id).is_empty());
}
