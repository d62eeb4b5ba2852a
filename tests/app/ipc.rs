//! Commands through the real IPC path: Tauri's mock runtime with the app's real
//! configuration and capabilities (`generate_context!`), not an empty context.

use std::sync::{Arc, Mutex};

use athena_core::links::{CheckedLink, LinkConfirmer, LinkOpener};
use athena_desktop::{LaunchOptions, LinkHandlers, app_builder};
use serde_json::{Value, json};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewUrl, WebviewWindow, WebviewWindowBuilder};

/// Answers the link dialog and records what it was asked and what was opened.
struct FakeUser {
    answer: bool,
    asked: Mutex<Vec<String>>,
    opened: Mutex<Vec<String>>,
}

impl LinkConfirmer for FakeUser {
    fn confirm(&self, link: &CheckedLink) -> bool {
        self.asked.lock().expect("lock").push(link.url.clone());
        self.answer
    }
}

impl LinkOpener for FakeUser {
    fn open(&self, url: &str) -> Result<(), String> {
        self.opened.lock().expect("lock").push(url.to_owned());
        Ok(())
    }
}

struct TestApp {
    app: App<MockRuntime>,
    user: Arc<FakeUser>,
    dir: std::path::PathBuf,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

fn start(answer: bool) -> TestApp {
    let user = Arc::new(FakeUser {
        answer,
        asked: Mutex::default(),
        opened: Mutex::default(),
    });
    start_with(
        user.clone(),
        LinkHandlers {
            confirmer: user.clone(),
            opener: user,
        },
    )
}

fn start_with(user: Arc<FakeUser>, links: LinkHandlers) -> TestApp {
    let dir = std::env::temp_dir().join(format!("athena-ipc-{}", uuid::Uuid::new_v4()));
    let options = LaunchOptions {
        data_dir: Some(dir.clone()),
        install_logging: false,
        links: Some(links),
        headless: true,
        run_workspace: None,
        secrets: Some(Arc::new(athena_core::secrets::MemorySecretStore::new())),
        ..LaunchOptions::default()
    };
    TestApp {
        app: build_app(options),
        user,
        dir,
    }
}

/// The app on the mock runtime with the real configuration, its setup run.
/// An app's options for the mock runtime: a fresh data folder named after `purpose`
/// (returned, for the caller to remove), keys in memory, `dialogs` answering every
/// native dialog, and the built-in tools plus `tool`.
pub(crate) fn options_with_tool(
    purpose: &str,
    dialogs: std::sync::Arc<dyn athena_core::dialogs::Dialogs>,
    tool: std::sync::Arc<dyn athena_core::tools::Tool>,
) -> (LaunchOptions, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("athena-{purpose}-{}", uuid::Uuid::new_v4()));
    let options = LaunchOptions {
        data_dir: Some(dir.clone()),
        headless: true,
        secrets: Some(std::sync::Arc::new(
            athena_core::secrets::MemorySecretStore::new(),
        )),
        dialogs: Some(dialogs),
        tools: Some(
            athena_core::tools::ToolRegistry::builtin()
                .with_tool(tool)
                .expect("registered"),
        ),
        ..LaunchOptions::default()
    };
    (options, dir)
}

pub(crate) fn build_app(options: LaunchOptions) -> App<MockRuntime> {
    let mut app = app_builder(mock_builder(), options)
        .build(tauri::generate_context!(test = true))
        .expect("the app builds on the mock runtime");
    // Tauri runs the setup hook (state, the demo workspace) on the first iteration of
    // the event loop. Called once, not in a loop, so the busy-loop warning behind the
    // deprecation does not apply; nothing else runs setup without taking the thread.
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    app
}

pub(crate) fn window(app: &App<MockRuntime>, label: &str) -> WebviewWindow<MockRuntime> {
    WebviewWindowBuilder::new(app, label, WebviewUrl::default())
        .build()
        .expect("window")
}

pub(crate) fn invoke(
    window: &WebviewWindow<MockRuntime>,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().expect("url"),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.into(),
        },
    )
    .map(|body| body.deserialize::<Value>().expect("json response"))
}

/// A refusal by the permission system (a plain string naming the missing permission);
/// a command's own error is the app's structured `AppError`.
fn is_denied(result: &Result<Value, Value>) -> bool {
    matches!(result, Err(Value::String(message)) if message.contains("not allowed"))
}

#[test]
fn the_main_window_may_call_the_apps_commands() {
    let test = start(false);
    let main = window(&test.app, "main");
    let overview = invoke(&main, "workspace_overview", json!({})).expect("allowed");
    assert_eq!(overview["workspaceName"], "Demo workspace");
    assert_eq!(overview["isDemo"], true);

    // A command's own error is structured, so the call got through the ACL.
    let unknown = invoke(&main, "execution_snapshot", json!({ "handle": "nope" }));
    assert_eq!(
        unknown.expect_err("unknown handle")["code"],
        "unknownExecution"
    );
}

#[test]
fn the_main_window_may_not_call_core_or_plugin_commands_it_was_not_granted() {
    let test = start(true);
    let main = window(&test.app, "main");
    for (cmd, args) in [
        (
            "plugin:webview|create_webview_window",
            json!({ "options": { "label": "evil", "url": "https://example.com" } }),
        ),
        ("plugin:window|close", json!({ "label": "main" })),
        ("plugin:dialog|message", json!({ "message": "click me" })),
        (
            "plugin:opener|open_url",
            json!({ "url": "file:///etc/passwd" }),
        ),
        ("plugin:app|version", json!({})),
    ] {
        let result = invoke(&main, cmd, args);
        assert!(is_denied(&result), "{cmd} was not denied: {result:?}");
    }
    assert!(test.user.opened.lock().expect("lock").is_empty());
}

#[test]
fn a_window_without_the_capability_may_not_call_app_commands() {
    let test = start(true);
    let other = window(&test.app, "other");
    for (cmd, args) in [
        ("workspace_overview", json!({})),
        (
            "send_message",
            json!({ "request": { "conversationId": "c", "message": "hi" } }),
        ),
        ("open_link", json!({ "url": "https://example.com" })),
    ] {
        let result = invoke(&other, cmd, args);
        assert!(is_denied(&result), "{cmd} was not denied: {result:?}");
    }
    assert!(test.user.asked.lock().expect("lock").is_empty());
}

#[test]
fn open_link_asks_first_and_opens_only_on_yes() {
    let refusing = start(false);
    let main = window(&refusing.app, "main");
    let declined = invoke(
        &main,
        "open_link",
        json!({ "url": "https://example.com/a" }),
    );
    assert_eq!(declined, Ok(json!(false)));
    assert_eq!(
        *refusing.user.asked.lock().expect("lock"),
        ["https://example.com/a"]
    );
    assert!(refusing.user.opened.lock().expect("lock").is_empty());

    let refused = invoke(&main, "open_link", json!({ "url": "file:///etc/passwd" }));
    let error = refused.expect_err("file: is refused");
    assert_eq!(error["code"], "linkRefused");
    assert_eq!(error["reason"], "schemeNotAllowed");
    assert_eq!(
        refusing.user.asked.lock().expect("lock").len(),
        1,
        "a refused link never reaches the dialog"
    );

    let agreeing = start(true);
    let main = window(&agreeing.app, "main");
    let opened = invoke(
        &main,
        "open_link",
        json!({ "url": " HTTPS://Example.com/b " }),
    );
    assert_eq!(opened, Ok(json!(true)));
    assert_eq!(
        *agreeing.user.opened.lock().expect("lock"),
        ["https://example.com/b"]
    );
}

#[test]
fn open_link_refuses_a_too_long_address_without_asking() {
    let test = start(true);
    let main = window(&test.app, "main");
    let head = "https://example.com/";
    let longest = format!("{head}{}", "a".repeat(2_048 - head.len()));
    let too_long = format!("{longest}a");

    let error = invoke(&main, "open_link", json!({ "url": too_long })).expect_err("too long");
    assert_eq!(error["code"], "linkRefused");
    assert_eq!(error["reason"], "tooLong");
    assert!(
        test.user.asked.lock().expect("lock").is_empty(),
        "never asked"
    );
    assert!(test.user.opened.lock().expect("lock").is_empty());

    assert_eq!(
        invoke(&main, "open_link", json!({ "url": longest })),
        Ok(json!(true)),
        "2,048 characters is within the limit"
    );
}

/// Asks like a dialog left open: answers only when the test releases it. A dialog
/// stacked on an open one says no at once, so that a broken gate fails the test instead
/// of holding it up.
struct OpenDialog {
    asked: std::sync::mpsc::SyncSender<String>,
    answer: Mutex<std::sync::mpsc::Receiver<bool>>,
}

impl LinkConfirmer for OpenDialog {
    fn confirm(&self, link: &CheckedLink) -> bool {
        self.asked.send(link.url.clone()).ok();
        let Ok(answer) = self.answer.try_lock() else {
            return false;
        };
        answer
            .recv_timeout(std::time::Duration::from_secs(20))
            .unwrap_or(false)
    }
}

#[test]
fn open_link_refuses_a_second_link_while_the_first_dialog_is_open() {
    let (asked_tx, asked) = std::sync::mpsc::sync_channel(4);
    let (release, answer) = std::sync::mpsc::channel();
    let recorder = Arc::new(FakeUser {
        answer: false,
        asked: Mutex::default(),
        opened: Mutex::default(),
    });
    let test = start_with(
        recorder.clone(),
        LinkHandlers {
            confirmer: Arc::new(OpenDialog {
                asked: asked_tx,
                answer: Mutex::new(answer),
            }),
            opener: recorder,
        },
    );
    let main = window(&test.app, "main");
    std::thread::scope(|s| {
        let first = s.spawn(|| {
            invoke(
                &main,
                "open_link",
                json!({ "url": "https://example.com/1" }),
            )
        });
        let timeout = std::time::Duration::from_secs(20);
        assert_eq!(
            asked.recv_timeout(timeout).expect("the first link asks"),
            "https://example.com/1"
        );

        let second = invoke(
            &main,
            "open_link",
            json!({ "url": "https://example.org/2" }),
        );
        let error = second.expect_err("refused while the first dialog is open");
        assert_eq!(error["code"], "linkRefused");
        assert_eq!(error["reason"], "busy");
        assert!(asked.try_recv().is_err(), "no second dialog");

        release.send(true).expect("answer the first");
        assert_eq!(first.join().expect("no panic"), Ok(json!(true)));
    });
    assert_eq!(
        *test.user.opened.lock().expect("lock"),
        ["https://example.com/1"]
    );

    // Answered: the next link asks again.
    release.send(false).expect("queue the next answer");
    assert_eq!(
        invoke(
            &main,
            "open_link",
            json!({ "url": "https://example.org/2" })
        ),
        Ok(json!(false))
    );
}

#[test]
fn conversations_start_list_open_and_refuse_bad_messages_through_ipc() {
    let test = start(false);
    let main = window(&test.app, "main");
    assert_eq!(
        invoke(&main, "history_status", json!({})),
        Ok(json!({ "kind": "ready", "interrupted": 0 }))
    );
    let started = invoke(
        &main,
        "start_conversation",
        json!({ "workspaceId": "demo", "agentId": "agent:demo-chat" }),
    )
    .expect("started");
    let id = started["id"].as_str().expect("an id").to_owned();
    assert_eq!(started["title"], "");
    assert_eq!(started["agentName"], "Demo chat");

    let listed = invoke(
        &main,
        "list_conversations",
        json!({ "workspaceId": "demo", "archived": false, "after": null, "limit": 50 }),
    )
    .expect("listed");
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    assert_eq!(listed[0]["id"], id.as_str());

    let opened = invoke(
        &main,
        "open_conversation",
        json!({ "conversationId": id, "before": null, "limit": 50 }),
    )
    .expect("opened");
    assert_eq!(opened["messages"], json!([]));
    assert_eq!(opened["draft"], "");

    let empty = invoke(
        &main,
        "send_message",
        json!({ "request": { "conversationId": id, "message": "  " } }),
    )
    .expect_err("an empty message is refused");
    assert_eq!(empty["code"], "validation");
    assert_eq!(empty["field"], "message");

    let unknown = invoke(
        &main,
        "send_message",
        json!({ "request": { "conversationId": "nope", "message": "hi" } }),
    )
    .expect_err("no such conversation");
    assert_eq!(unknown["code"], "unknownConversation");
    assert!(
        test.dir.join("data").join("history.sqlite3").is_file(),
        "the history lives in the data folder"
    );
}
