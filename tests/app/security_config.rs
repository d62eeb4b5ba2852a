//! The walls set in configuration: CSP, global object, asset protocol, capabilities.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn capabilities() -> Vec<(String, Value)> {
    let dir = Path::new(ROOT).join("src-tauri/capabilities");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("capabilities folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no capability file in {}", dir.display());
    files
        .into_iter()
        .map(|p| (p.display().to_string(), json(&p)))
        .collect()
}

/// The CSP's directives, name -> sources.
fn csp() -> BTreeMap<String, Vec<String>> {
    let conf = json(&Path::new(ROOT).join("tauri.conf.json"));
    let csp = conf["app"]["security"]["csp"]
        .as_str()
        .expect("app.security.csp must be set (never null)");
    csp.split(';')
        .filter_map(|d| {
            let mut words = d.split_whitespace();
            let name = words.next()?.to_owned();
            Some((name, words.map(str::to_owned).collect()))
        })
        .collect()
}

#[test]
fn csp_allows_scripts_only_from_the_app_and_no_network() {
    let csp = csp();
    let sources = |name: &str| {
        csp.get(name)
            .or_else(|| csp.get("default-src"))
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(sources("default-src"), ["'self'"]);
    let scripts = sources("script-src");
    for bad in [
        "'unsafe-eval'",
        "'unsafe-inline'",
        "*",
        "data:",
        "blob:",
        "http:",
        "https:",
    ] {
        assert!(!scripts.iter().any(|s| s == bad), "script-src allows {bad}");
    }
    assert!(
        scripts.iter().all(|s| s == "'self'"),
        "script-src: {scripts:?}"
    );
    for (name, expected) in [
        ("object-src", "'none'"),
        ("frame-src", "'none'"),
        ("base-uri", "'none'"),
        ("form-action", "'none'"),
    ] {
        assert_eq!(sources(name), [expected], "{name}");
    }
    // Only the IPC channel: all HTTP goes through Rust.
    for source in sources("connect-src") {
        assert!(
            matches!(source.as_str(), "ipc:" | "http://ipc.localhost"),
            "connect-src allows {source}"
        );
    }
    for name in ["img-src", "media-src"] {
        for source in sources(name) {
            assert!(
                matches!(source.as_str(), "'self'" | "blob:" | "data:"),
                "{name} allows {source}"
            );
        }
    }
}

#[test]
fn no_global_tauri_object_frozen_prototype_no_asset_protocol() {
    let conf = json(&Path::new(ROOT).join("tauri.conf.json"));
    let app = &conf["app"];
    assert_eq!(app["withGlobalTauri"], Value::Bool(false));
    assert_eq!(app["security"]["freezePrototype"], Value::Bool(true));
    assert_ne!(
        app["security"]["assetProtocol"]["enable"],
        Value::Bool(true)
    );
    assert!(app["security"]["dangerousDisableAssetCspModification"].is_null());
}

#[test]
fn capabilities_grant_no_remote_urls_no_shell_or_fs_and_each_command_once() {
    let mut grants: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (file, capability) in capabilities() {
        assert!(capability["remote"].is_null(), "{file} grants remote URLs");
        let permissions = capability["permissions"].as_array().expect("permissions");
        for permission in permissions {
            let id = permission
                .as_str()
                .or_else(|| permission["identifier"].as_str())
                .expect("permission id");
            for banned in [
                "shell:", "fs:", "opener:", "dialog:", "http:", "process:", "webview:", "window:",
            ] {
                assert!(
                    !id.starts_with(banned) && !id.starts_with(&format!("core:{banned}")),
                    "{file} grants {id}"
                );
            }
            assert!(
                !id.ends_with(":default") || id == "core:event:default",
                "{file} grants a whole default set: {id}"
            );
            if let Some(command) = id.strip_prefix("allow-") {
                grants
                    .entry(command.replace('-', "_"))
                    .or_default()
                    .push(file.clone());
            }
        }
    }
    for command in athena_desktop::COMMAND_NAMES {
        let files = grants.remove(*command).unwrap_or_default();
        assert_eq!(
            files.len(),
            1,
            "the command {command} must be granted by exactly one capability, found {files:?}"
        );
    }
    assert!(
        grants.is_empty(),
        "capabilities grant commands the app does not have: {grants:?}"
    );
}
