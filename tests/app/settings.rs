//! The settings file on Tauri's mock runtime with the real store plugin: a broken file
//! is copied aside byte for byte before the defaults replace it, a newer app's file is
//! never written, a change is on disk when `update` returns, and the page cannot reach
//! the store plugin itself.

use std::path::{Path, PathBuf};

use athena_core::settings::{Settings, SettingsProblem, Theme, WorkspacePreferences, load};
use athena_desktop::LaunchOptions;
use athena_desktop::settings::{AppSettings, SETTINGS_FILE, SettingsError};
use serde_json::{Value, json};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder, mock_context};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewUrl, WebviewWindowBuilder};

/// A temporary data folder, removed at the end.
struct Folder(PathBuf);

impl Folder {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("athena-settings-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self(dir)
    }

    fn file(&self) -> PathBuf {
        self.0.join(SETTINGS_FILE)
    }

    /// Every file in the folder but the settings file.
    fn others(&self) -> Vec<PathBuf> {
        let mut others: Vec<PathBuf> = std::fs::read_dir(&self.0)
            .expect("read dir")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.file_name() != Some(std::ffi::OsStr::new(SETTINGS_FILE)))
            .collect();
        others.sort();
        others
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

/// A bare app on the mock runtime with the store plugin, as the real app registers it.
fn mock_app() -> App<MockRuntime> {
    mock_builder()
        .plugin(tauri_plugin_store::Builder::default().build())
        .build(mock_context(tauri::test::noop_assets()))
        .expect("the mock app builds")
}

/// The settings file on disk as `load` reads it: it must be valid.
fn on_disk(path: &Path) -> Settings {
    let raw = std::fs::read(path).expect("the settings file exists");
    let loaded = load(Some(&raw));
    assert_eq!(loaded.problem, None, "{}", String::from_utf8_lossy(&raw));
    loaded.settings
}

fn assert_backed_up(folder: &Folder, backup: Option<&PathBuf>, original: &[u8]) {
    let backup = backup.expect("a backup was made");
    assert_eq!(
        folder.others(),
        vec![backup.clone()],
        "one copy, beside the file"
    );
    let name = backup.file_name().expect("name").to_string_lossy();
    assert!(name.starts_with("settings.json.bad-"), "{name}");
    assert!(name.ends_with('Z'), "a UTC stamp: {name}");
    assert_eq!(
        std::fs::read(backup).expect("backup readable"),
        original,
        "byte for byte"
    );
}

#[test]
fn a_corrupt_settings_file_is_copied_aside_then_replaced_by_the_defaults() {
    let app = mock_app();
    let folder = Folder::new();
    let original = b"{\"theme\": \"dark\", \"alwaysPr\xff\xfe";
    std::fs::write(folder.file(), original).expect("write");

    let settings = AppSettings::open(&app, &folder.0);

    let notice = settings.notice().expect("the problem is reported");
    assert!(
        matches!(notice.problem, SettingsProblem::Corrupt { .. }),
        "{notice:?}"
    );
    assert_backed_up(&folder, notice.backup.as_ref(), original);
    assert_eq!(settings.get(), Settings::default());
    assert!(!settings.read_only());
    assert_eq!(settings.path(), folder.file());
    assert_eq!(on_disk(&folder.file()), Settings::default());
}

#[test]
fn a_field_of_the_wrong_value_is_reported_and_the_file_copied_before_the_defaults() {
    let app = mock_app();
    let folder = Folder::new();
    let original = br#"{ "version": 1, "theme": "purple", "alwaysPreviewCost": true }"#;
    std::fs::write(folder.file(), original).expect("write");

    let settings = AppSettings::open(&app, &folder.0);

    let notice = settings.notice().expect("the problem is reported");
    assert_eq!(
        serde_json::to_value(&notice.problem).expect("json")["field"],
        "theme"
    );
    assert_backed_up(&folder, notice.backup.as_ref(), original);
    assert_eq!(settings.get(), Settings::default());
    assert_eq!(on_disk(&folder.file()), Settings::default());
}

#[test]
fn a_newer_apps_settings_file_is_left_untouched() {
    let app = mock_app();
    let folder = Folder::new();
    let original = br#"{ "version": 99, "theme": { "accent": "teal" } }"#;
    std::fs::write(folder.file(), original).expect("write");

    let settings = AppSettings::open(&app, &folder.0);

    let notice = settings.notice().expect("the problem is reported");
    assert_eq!(notice.problem, SettingsProblem::Newer { version: 99 });
    assert_backed_up(&folder, notice.backup.as_ref(), original);
    assert!(settings.read_only());
    assert_eq!(settings.get(), Settings::default());
    // A change lasts for this run only; the newer app's file stays as it was.
    let changed = settings
        .update(|s| s.theme = Theme::Dark)
        .expect("kept in memory");
    assert_eq!(changed.theme, Theme::Dark);
    assert_eq!(settings.get().theme, Theme::Dark);
    assert_eq!(std::fs::read(folder.file()).expect("read"), original);
}

#[test]
fn an_unreadable_settings_file_is_left_as_it_is() {
    let app = mock_app();
    let folder = Folder::new();
    // A folder in the file's place: it opens but cannot be read.
    std::fs::create_dir(folder.file()).expect("dir");

    let settings = AppSettings::open(&app, &folder.0);

    let notice = settings.notice().expect("the problem is reported");
    assert!(
        matches!(notice.problem, SettingsProblem::Unreadable { .. }),
        "{notice:?}"
    );
    assert_eq!(notice.backup, None);
    assert!(settings.read_only());
    assert!(folder.file().is_dir());
    assert_eq!(settings.get(), Settings::default());
}

#[test]
fn an_update_is_on_disk_when_it_returns() {
    let app = mock_app();
    let folder = Folder::new();

    let settings = AppSettings::open(&app, &folder.0);
    assert_eq!(settings.notice(), None, "no file is no problem");
    assert!(!settings.read_only());

    let changed = settings
        .update(|s| {
            s.theme = Theme::Dark;
            s.always_preview_cost = true;
            s.active_workspace = Some("demo".into());
            s.workspaces.insert(
                "demo".into(),
                WorkspacePreferences {
                    last_agent_id: Some("agent:demo-chat".into()),
                },
            );
        })
        .expect("saved");
    assert_eq!(on_disk(&folder.file()), changed);
    assert_eq!(settings.get(), changed);

    // Unset again: the key is written as null, not left behind.
    let cleared = settings
        .update(|s| s.active_workspace = None)
        .expect("saved");
    assert_eq!(on_disk(&folder.file()).active_workspace, None);
    assert_eq!(cleared.workspaces.len(), 1);

    // Opened again (another run), the file gives back what was saved.
    drop(settings);
    let again = AppSettings::open(&app, &folder.0);
    assert_eq!(again.notice(), None);
    assert_eq!(again.get(), cleared);
    assert!(folder.others().is_empty(), "no backup of a good file");
}

#[test]
fn an_update_that_breaks_a_rule_changes_nothing() {
    let app = mock_app();
    let folder = Folder::new();
    let settings = AppSettings::open(&app, &folder.0);
    settings.update(|s| s.theme = Theme::Light).expect("saved");
    let before = std::fs::read(folder.file()).expect("read");

    let refused = settings.update(|s| {
        s.theme = Theme::Dark;
        s.active_workspace = Some("eak_S3cr3tK3y0123456789".into());
    });

    assert!(
        matches!(refused, Err(SettingsError::Invalid(SettingsProblem::Invalid { ref field, .. })) if field == "activeWorkspace"),
        "{refused:?}"
    );
    assert_eq!(settings.get().theme, Theme::Light);
    assert_eq!(std::fs::read(folder.file()).expect("read"), before);
    let refused = settings.update(|s| s.version = 2);
    assert!(matches!(refused, Err(SettingsError::Invalid(_))));
}

#[test]
fn a_good_file_is_taken_as_it_is_and_an_unversioned_one_stamped() {
    let app = mock_app();
    let folder = Folder::new();
    std::fs::write(
        folder.file(),
        br#"{ "theme": "light", "laterField": [1, 2] }"#,
    )
    .expect("write");

    let settings = AppSettings::open(&app, &folder.0);

    assert_eq!(settings.notice(), None);
    assert_eq!(settings.get().theme, Theme::Light);
    let written: Value =
        serde_json::from_slice(&std::fs::read(folder.file()).expect("read")).expect("json");
    assert_eq!(written["version"], 1, "the version is written in");
    assert_eq!(written["theme"], "light");
    assert!(folder.others().is_empty());
}

#[test]
fn the_page_cannot_reach_the_settings_store() {
    let dir = Folder::new();
    let options = LaunchOptions {
        data_dir: Some(dir.0.clone()),
        headless: true,
        ..LaunchOptions::default()
    };
    let app = crate::ipc::build_app(options);
    let main = WebviewWindowBuilder::new(&app, "main", WebviewUrl::default())
        .build()
        .expect("window");
    let path = dir.0.join("data").join(SETTINGS_FILE);
    for (cmd, args) in [
        ("plugin:store|load", json!({ "path": path })),
        ("plugin:store|get_store", json!({ "path": path })),
        (
            "plugin:store|set",
            json!({ "rid": 0, "key": "theme", "value": "dark" }),
        ),
        ("plugin:store|save", json!({ "rid": 0 })),
    ] {
        let result = get_ipc_response(
            &main,
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
        .map(|body| body.deserialize::<Value>().expect("json"));
        assert!(
            matches!(&result, Err(Value::String(message)) if message.contains("not allowed")),
            "{cmd}: {result:?}"
        );
    }
}
