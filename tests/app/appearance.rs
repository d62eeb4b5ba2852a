//! The theme through the real IPC path: read, chosen, kept in the settings file, and
//! read again by the next run; an older settings file without it means System.

use std::path::PathBuf;
use std::sync::Arc;

use athena_desktop::LaunchOptions;
use serde_json::{Value, json};

use crate::ipc::{build_app, invoke, window};

struct Dir(PathBuf);

impl Drop for Dir {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

fn options(dir: &Dir) -> LaunchOptions {
    LaunchOptions {
        data_dir: Some(dir.0.clone()),
        headless: true,
        secrets: Some(Arc::new(athena_core::secrets::MemorySecretStore::new())),
        ..LaunchOptions::default()
    }
}

fn settings_file(dir: &Dir) -> PathBuf {
    dir.0.join("data").join("settings.json")
}

fn new_dir() -> Dir {
    Dir(std::env::temp_dir().join(format!("athena-appearance-{}", uuid::Uuid::new_v4())))
}

#[test]
fn the_theme_is_chosen_saved_and_read_by_the_next_run() {
    let dir = new_dir();
    // A settings file of the first version, written before the theme existed.
    std::fs::create_dir_all(dir.0.join("data")).expect("data dir");
    std::fs::write(
        settings_file(&dir),
        br#"{ "version": 1, "alwaysPreviewCost": true }"#,
    )
    .expect("old settings");
    {
        let app = build_app(options(&dir));
        let main = window(&app, "main");
        assert_eq!(
            invoke(&main, "get_appearance", json!({})),
            Ok(json!({ "theme": "system" }))
        );
        assert_eq!(
            invoke(&main, "set_theme", json!({ "theme": "dark" })),
            Ok(json!({ "theme": "dark" }))
        );
        let written: Value =
            serde_json::from_slice(&std::fs::read(settings_file(&dir)).expect("file"))
                .expect("json");
        assert_eq!(written["theme"], "dark");
        // The other settings were kept.
        assert_eq!(written["alwaysPreviewCost"], true);

        // A value that is no theme never reaches the settings.
        let refused = invoke(&main, "set_theme", json!({ "theme": "purple" }));
        assert!(refused.is_err(), "{refused:?}");
        assert_eq!(
            invoke(&main, "get_appearance", json!({})),
            Ok(json!({ "theme": "dark" }))
        );
    }
    let app = build_app(options(&dir));
    let main = window(&app, "main");
    assert_eq!(
        invoke(&main, "get_appearance", json!({})),
        Ok(json!({ "theme": "dark" }))
    );
    assert_eq!(
        invoke(&main, "set_theme", json!({ "theme": "light" })),
        Ok(json!({ "theme": "light" }))
    );
}

#[test]
fn a_hand_broken_theme_starts_on_system_and_the_file_is_kept_aside() {
    let dir = new_dir();
    std::fs::create_dir_all(dir.0.join("data")).expect("data dir");
    std::fs::write(
        settings_file(&dir),
        br#"{ "version": 1, "theme": "solarized" }"#,
    )
    .expect("bad settings");
    let app = build_app(options(&dir));
    let main = window(&app, "main");
    assert_eq!(
        invoke(&main, "get_appearance", json!({})),
        Ok(json!({ "theme": "system" }))
    );
    let settings = invoke(&main, "get_settings", json!({})).expect("settings");
    assert_eq!(settings["notice"]["problem"]["code"], "invalid");
    assert_eq!(settings["notice"]["problem"]["field"], "theme");
    let backup = settings["notice"]["backup"].as_str().expect("a backup");
    assert_eq!(
        std::fs::read(backup).expect("backup"),
        br#"{ "version": 1, "theme": "solarized" }"#
    );
}

#[test]
fn only_the_main_window_may_read_or_set_the_theme() {
    let dir = new_dir();
    let app = build_app(options(&dir));
    let other = window(&app, "other");
    for (cmd, args) in [
        ("get_appearance", json!({})),
        ("set_theme", json!({ "theme": "dark" })),
    ] {
        let result = invoke(&other, cmd, args);
        assert!(
            matches!(&result, Err(Value::String(message)) if message.contains("not allowed")),
            "{cmd} was not denied: {result:?}"
        );
    }
    assert!(
        !settings_file(&dir).exists() || {
            let written: Value =
                serde_json::from_slice(&std::fs::read(settings_file(&dir)).expect("file"))
                    .expect("json");
            written["theme"] != "dark"
        }
    );
}
