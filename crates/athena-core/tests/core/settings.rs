//! The settings file as read by `load`: every kind of file the user or another app
//! version may leave, and the shape that keeps secrets out.

use std::collections::BTreeSet;

use athena_core::settings::{
    SETTINGS_VERSION, Settings, SettingsProblem, Theme, WorkspacePreferences, load,
};
use serde_json::json;

fn bytes(value: &serde_json::Value) -> Vec<u8> {
    serde_json::to_vec_pretty(value).unwrap()
}

fn some_settings() -> Settings {
    let mut settings = Settings {
        always_preview_cost: true,
        theme: Theme::Dark,
        active_workspace: Some("https://api.example.com#workspace:w1".into()),
        ..Settings::default()
    };
    settings.workspaces.insert(
        "demo".into(),
        WorkspacePreferences {
            last_agent_id: Some("agent:demo-chat".into()),
        },
    );
    settings
}

#[test]
fn no_file_gives_the_defaults_without_a_problem() {
    let loaded = load(None);
    assert_eq!(loaded.settings, Settings::default());
    assert_eq!(loaded.problem, None);
    assert!(!loaded.read_only && !loaded.rewrite);
    let defaults = Settings::default();
    assert_eq!(defaults.version, SETTINGS_VERSION);
    assert_eq!(SETTINGS_VERSION, 1);
    assert!(!defaults.always_preview_cost);
    assert_eq!(defaults.theme, Theme::System);
    assert_eq!(defaults.active_workspace, None);
    assert!(defaults.workspaces.is_empty());
}

#[test]
fn settings_round_trip_through_the_file() {
    let settings = some_settings();
    let written = bytes(&serde_json::Value::Object(settings.to_json()));
    let loaded = load(Some(&written));
    assert_eq!(loaded.settings, settings);
    assert_eq!(loaded.problem, None);
    assert!(!loaded.read_only && !loaded.rewrite);
    // The file's words are the UI's: camelCase, the theme by name.
    let text = String::from_utf8(written).unwrap();
    assert!(text.contains("\"alwaysPreviewCost\": true"), "{text}");
    assert!(text.contains("\"theme\": \"dark\""), "{text}");
    assert!(
        text.contains("\"lastAgentId\": \"agent:demo-chat\""),
        "{text}"
    );
}

#[test]
fn corrupt_bytes_give_the_defaults_and_say_so() {
    for raw in [
        &b"{\"theme\": \"dark\", "[..],
        b"\xff\xfe\x00garbage",
        b"",
        b"  \n",
        b"[1, 2, 3]",
        b"\"dark\"",
        b"null",
    ] {
        let loaded = load(Some(raw));
        assert_eq!(loaded.settings, Settings::default(), "{raw:?}");
        assert!(
            matches!(loaded.problem, Some(SettingsProblem::Corrupt { .. })),
            "{raw:?}: {:?}",
            loaded.problem
        );
        assert!(loaded.rewrite && !loaded.read_only, "{raw:?}");
    }
    let huge = vec![b' '; athena_core::settings::MAX_SETTINGS_BYTES + 1];
    assert!(matches!(
        load(Some(&huge)).problem,
        Some(SettingsProblem::Corrupt { .. })
    ));
}

#[test]
fn a_field_of_the_wrong_type_or_value_replaces_the_whole_file() {
    let cases = [
        (
            json!({ "version": 1, "theme": "dark", "alwaysPreviewCost": "yes" }),
            "alwaysPreviewCost",
        ),
        (json!({ "version": 1, "theme": "purple" }), "theme"),
        (json!({ "version": 1, "theme": 3 }), "theme"),
        (json!({ "version": "1" }), "version"),
        (json!({ "version": 0 }), "version"),
        (json!({ "version": -1 }), "version"),
        (json!({ "version": 1.5 }), "version"),
        (json!({ "activeWorkspace": 7 }), "activeWorkspace"),
        (json!({ "activeWorkspace": "" }), "activeWorkspace"),
        (json!({ "workspaces": [] }), "workspaces"),
        (json!({ "workspaces": { "demo": "agent:x" } }), "workspaces"),
        (
            json!({ "workspaces": { "demo": { "lastAgentId": false } } }),
            "workspaces.lastAgentId",
        ),
        (json!({ "workspaces": { "": {} } }), "workspaces"),
    ];
    for (file, field) in cases {
        let loaded = load(Some(&bytes(&file)));
        assert_eq!(loaded.settings, Settings::default(), "{file}");
        match &loaded.problem {
            Some(SettingsProblem::Invalid { field: named, .. }) => {
                assert_eq!(named, field, "{file}");
            }
            other => panic!("{file}: {other:?}"),
        }
        assert!(loaded.rewrite && !loaded.read_only, "{file}");
    }
}

#[test]
fn a_problem_never_quotes_the_file() {
    let secret = "my-private-value-1234";
    let file = json!({ "theme": secret, "alwaysPreviewCost": secret });
    let loaded = load(Some(&bytes(&file)));
    let problem = loaded.problem.unwrap();
    assert!(!problem.to_string().contains(secret));
    assert!(!serde_json::to_string(&problem).unwrap().contains(secret));
}

#[test]
fn a_problem_serializes_with_its_code_for_the_ui() {
    let invalid = load(Some(br#"{"theme": "purple"}"#)).problem.unwrap();
    let value = serde_json::to_value(&invalid).unwrap();
    assert_eq!(value["code"], "invalid");
    assert_eq!(value["field"], "theme");
    assert!(value["reason"].is_string());
    let corrupt = serde_json::to_value(load(Some(b"{")).problem.unwrap()).unwrap();
    assert_eq!(corrupt["code"], "corrupt");
    let newer = serde_json::to_value(load(Some(br#"{"version": 9}"#)).problem.unwrap()).unwrap();
    assert_eq!(newer, json!({ "code": "newer", "version": 9 }));
}

#[test]
fn a_newer_apps_file_is_kept_read_only_with_the_defaults_for_this_run() {
    let file = json!({ "version": SETTINGS_VERSION + 1, "theme": "dark", "brandNew": { "x": 1 } });
    let loaded = load(Some(&bytes(&file)));
    assert_eq!(loaded.settings, Settings::default());
    assert_eq!(
        loaded.problem,
        Some(SettingsProblem::Newer {
            version: SETTINGS_VERSION + 1
        })
    );
    assert!(loaded.read_only && !loaded.rewrite);
    // Whatever shape a newer app chose, its file is not judged by ours.
    let odd = json!({ "version": 7, "theme": 42, "workspaces": "elsewhere" });
    assert!(load(Some(&bytes(&odd))).read_only);
}

#[test]
fn unknown_fields_are_ignored() {
    let file = json!({
        "version": 1,
        "theme": "light",
        "fontSize": 14,
        "workspaces": { "demo": { "lastAgentId": "agent:a", "pinned": true } },
    });
    let loaded = load(Some(&bytes(&file)));
    assert_eq!(loaded.problem, None);
    assert_eq!(loaded.settings.theme, Theme::Light);
    assert_eq!(
        loaded.settings.workspaces["demo"].last_agent_id.as_deref(),
        Some("agent:a")
    );
    assert!(!loaded.rewrite);
    // Written back, only our fields remain.
    assert!(!loaded.settings.to_json().contains_key("fontSize"));
}

#[test]
fn a_file_without_a_version_is_version_1_and_is_stamped() {
    let loaded = load(Some(br#"{"theme": "dark", "activeWorkspace": null}"#));
    assert_eq!(loaded.problem, None);
    assert_eq!(loaded.settings.theme, Theme::Dark);
    assert_eq!(loaded.settings.version, SETTINGS_VERSION);
    assert!(loaded.rewrite, "the version is written in");
    // Missing and null fields take their defaults.
    assert_eq!(
        load(Some(br#"{"version": 1, "alwaysPreviewCost": null}"#)).settings,
        Settings::default()
    );
}

#[test]
fn a_byte_order_mark_is_skipped() {
    let loaded = load(Some(b"\xEF\xBB\xBF{\"theme\": \"light\"}"));
    assert_eq!(loaded.problem, None);
    assert_eq!(loaded.settings.theme, Theme::Light);
}

#[test]
fn the_settings_have_no_place_for_a_secret() {
    // The shape: exactly these top-level keys, whatever a caller sets.
    let keys: BTreeSet<String> = some_settings().to_json().keys().cloned().collect();
    let expected: BTreeSet<String> = [
        "version",
        "alwaysPreviewCost",
        "notifications",
        "theme",
        "activeWorkspace",
        "workspaces",
        "updateEndpoint",
        "commandTools",
        "mcpServers",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(keys, expected);
    assert_eq!(
        Settings::default()
            .to_json()
            .keys()
            .cloned()
            .collect::<BTreeSet<_>>(),
        expected
    );
    let workspace_keys: BTreeSet<String> = some_settings().to_json()["workspaces"]["demo"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(workspace_keys, BTreeSet::from(["lastAgentId".to_owned()]));

    // A hostile caller can only reach the ids: one that looks like a key is refused.
    let key = "eak_S3cr3tK3y0123456789";
    let mut hostile = Settings {
        active_workspace: Some(key.into()),
        ..Settings::default()
    };
    assert!(matches!(
        hostile.validate(),
        Err(SettingsProblem::Invalid { ref field, .. }) if field == "activeWorkspace"
    ));
    hostile.active_workspace = None;
    hostile.workspaces.insert(
        "demo".into(),
        WorkspacePreferences {
            last_agent_id: Some("wak_S3cr3tK3y0123456789".into()),
        },
    );
    assert!(hostile.validate().is_err());
    hostile.workspaces.clear();
    hostile.workspaces.insert(
        "https://api.example.com/?api_key=S3cr3tK3y0123#w".into(),
        WorkspacePreferences::default(),
    );
    assert!(hostile.validate().is_err());

    // And a file that carries one is not taken in.
    let file = json!({ "version": 1, "activeWorkspace": key, "apiKey": key });
    let loaded = load(Some(&bytes(&file)));
    assert!(matches!(
        loaded.problem,
        Some(SettingsProblem::Invalid { .. })
    ));
    let written = serde_json::to_string(&loaded.settings.to_json()).unwrap();
    assert!(!written.contains("eak_") && !written.contains("wak_"));
}

#[test]
fn validate_refuses_another_version_and_overlong_ids() {
    let other = Settings {
        version: 2,
        ..Settings::default()
    };
    assert!(other.validate().is_err());
    let long = Settings {
        active_workspace: Some("w".repeat(athena_core::settings::MAX_ID_CHARS + 1)),
        ..Settings::default()
    };
    assert!(long.validate().is_err());
    assert_eq!(some_settings().validate(), Ok(()));
}

#[test]
fn a_file_written_before_the_theme_existed_follows_the_system() {
    for raw in [
        &br#"{ "version": 1, "alwaysPreviewCost": true }"#[..],
        br#"{ "alwaysPreviewCost": true }"#,
        br#"{ "version": 1, "theme": null, "alwaysPreviewCost": true }"#,
    ] {
        let loaded = load(Some(raw));
        assert_eq!(loaded.problem, None, "{}", String::from_utf8_lossy(raw));
        assert_eq!(loaded.settings.theme, Theme::System);
        assert!(loaded.settings.always_preview_cost);
        // Written back, the file names the theme it now has.
        assert_eq!(loaded.settings.to_json()["theme"], "system");
    }
    for (name, theme) in [
        ("system", Theme::System),
        ("light", Theme::Light),
        ("dark", Theme::Dark),
    ] {
        let raw = bytes(&json!({ "version": 1, "theme": name }));
        assert_eq!(load(Some(&raw)).settings.theme, theme, "{name}");
    }
    // Names are exact: the file holds what the app wrote, not what a person might type.
    for name in ["Dark", " dark", "auto", ""] {
        let raw = bytes(&json!({ "version": 1, "theme": name }));
        assert!(
            matches!(load(Some(&raw)).problem, Some(SettingsProblem::Invalid { ref field, .. }) if field == "theme"),
            "{name:?}"
        );
    }
}

#[test]
fn command_tools_round_trip_and_a_bad_or_secret_one_is_named() {
    let file = br#"{"version": 1, "commandTools": [{"name": "lookup", "description": "Looks up.",
        "parameters": {"type": "object"}, "executable": "/usr/bin/lookup", "args": ["; rm -rf x"]}]}"#;
    let loaded = load(Some(file));
    assert_eq!(loaded.problem, None);
    let tool = &loaded.settings.command_tools[0];
    assert_eq!(
        (tool.timeout_secs, tool.output_limit_bytes),
        (60, 1_048_576)
    );
    assert_eq!(tool.args, ["; rm -rf x"]);
    let again = serde_json::to_vec(&serde_json::Value::Object(loaded.settings.to_json())).unwrap();
    assert_eq!(load(Some(&again)).settings, loaded.settings);

    for (text, field) in [
        (
            r#"{"version": 1, "commandTools": {"name": "x"}}"#,
            "commandTools",
        ),
        (
            r#"{"version": 1, "commandTools": [{"name": "x"}]}"#,
            "commandTools",
        ),
        (
            r#"{"version": 1, "commandTools": [{"name": "x", "description": "d", "parameters": {"type": "object"},
               "executable": "/bin/x", "args": ["--key=eak_live_0123456789abcdef"]}]}"#,
            "commandTools[0].args",
        ),
        (
            r#"{"version": 1, "commandTools": [{"name": "x", "description": "d", "parameters": {"type": "object"},
               "executable": "/bin/x", "timeoutSecs": 0}]}"#,
            "commandTools[0].timeoutSecs",
        ),
    ] {
        let loaded = load(Some(text.as_bytes()));
        assert!(
            matches!(&loaded.problem, Some(SettingsProblem::Invalid { field: f, .. }) if f == field),
            "{text}: {:?}",
            loaded.problem
        );
    }
}
