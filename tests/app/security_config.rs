//! The walls set in configuration: CSP, global object, asset protocol, the window, the
//! capabilities. Every check runs on `tauri.conf.json` and on each platform's merge of
//! it (Tauri merges `tauri.<platform>.conf.json` over it), so that a platform file
//! cannot quietly loosen what these tests read in the base file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The platforms Tauri reads a `tauri.<platform>.conf.json` for.
const PLATFORMS: &[&str] = &["linux", "macos", "windows", "android", "ios"];

fn json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// JSON Merge Patch (RFC 7396), which Tauri uses to merge a platform file over
/// `tauri.conf.json`.
fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(serde_json::Map::new());
    }
    let Value::Object(target) = target else {
        unreachable!("made an object above")
    };
    for (key, value) in patch {
        if value.is_null() {
            target.remove(key);
        } else {
            merge_patch(target.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}

/// The configuration each platform's build sees: the base file, then the base merged
/// with each platform file that exists. Only JSON is accepted: Tauri would also read
/// JSON5 and TOML variants, which these tests cannot check, so they must not exist.
fn configs() -> Vec<(String, Value)> {
    let root = Path::new(ROOT);
    for name in ["tauri.conf.json5", "Tauri.toml"] {
        assert!(
            !root.join(name).exists(),
            "{name}: keep the configuration in tauri.conf.json"
        );
    }
    let base = json(&root.join("tauri.conf.json"));
    let mut configs = vec![("tauri.conf.json".to_owned(), base.clone())];
    for platform in PLATFORMS {
        for name in [
            format!("tauri.{platform}.conf.json5"),
            format!("Tauri.{platform}.toml"),
        ] {
            assert!(
                !root.join(&name).exists(),
                "{name}: use JSON so that it is checked"
            );
        }
        let name = format!("tauri.{platform}.conf.json");
        let path = root.join(&name);
        if path.exists() {
            let mut merged = base.clone();
            merge_patch(&mut merged, &json(&path));
            configs.push((format!("tauri.conf.json + {name}"), merged));
        }
    }
    configs
}

/// A CSP's directives as written, name -> sources, in order (a repeated directive is an
/// error: the browser ignores every copy but the first).
fn parse_csp(csp: &str) -> Vec<(String, Vec<String>)> {
    csp.split(';')
        .filter_map(|d| {
            let mut words = d.split_whitespace();
            let name = words.next()?.to_ascii_lowercase();
            Some((name, words.map(str::to_owned).collect()))
        })
        .collect()
}

/// The directive a missing one falls back to (CSP Level 3), or `None` for directives
/// that do not fall back to anything (they allow everything when missing).
fn fallback(directive: &str) -> Option<&'static str> {
    match directive {
        "script-src-elem" | "script-src-attr" => Some("script-src"),
        "style-src-elem" | "style-src-attr" => Some("style-src"),
        "worker-src" => Some("child-src"),
        "frame-src" => Some("child-src"),
        "child-src" | "script-src" | "style-src" | "img-src" | "media-src" | "font-src"
        | "connect-src" | "object-src" | "manifest-src" => Some("default-src"),
        _ => None,
    }
}

/// What every directive must come to once fallbacks are applied: the whole policy.
/// `None`: the directive must not be set (it would only loosen, or is not used).
const EFFECTIVE: &[(&str, Option<&[&str]>)] = &[
    ("default-src", Some(&["'self'"])),
    // Scripts: the app's own files only; no inline code, no eval, no event handler
    // attributes (`onerror=` in model output must never run, even if it reached the DOM).
    ("script-src", Some(&["'self'"])),
    ("script-src-elem", Some(&["'self'"])),
    ("script-src-attr", Some(&["'none'"])),
    // Styles: the app's stylesheet only. No `<style>` element and no `style=` attribute
    // parsed from markup applies; React sets the `style` props it renders (KaTeX's
    // sizes) through the CSSOM, which CSP does not govern.
    ("style-src", Some(&["'self'"])),
    ("style-src-elem", Some(&["'self'"])),
    ("style-src-attr", Some(&["'none'"])),
    // Images and media from the app, blob: and data:, and the app's loopback media
    // server (generated media the backend downloaded; media_server.rs). Its port is
    // chosen at start-up, so the port is the one wildcard: see MEDIA_SOURCE.
    ("img-src", Some(&["'self'", "blob:", "data:", MEDIA_SOURCE])),
    ("media-src", Some(&["'self'", "blob:", MEDIA_SOURCE])),
    ("font-src", Some(&["'self'"])),
    // Only the IPC channel: all HTTP goes through Rust.
    ("connect-src", Some(&["ipc:", "http://ipc.localhost"])),
    ("worker-src", Some(&["'none'"])),
    ("child-src", Some(&["'self'"])),
    ("frame-src", Some(&["'none'"])),
    ("manifest-src", Some(&["'self'"])),
    ("object-src", Some(&["'none'"])),
    ("base-uri", Some(&["'none'"])),
    ("form-action", Some(&["'none'"])),
    // The window is never framed (top-level only); `sandbox` would only add surprises
    // to the app's own pages.
    ("frame-ancestors", None),
    ("sandbox", None),
    ("upgrade-insecure-requests", None),
    ("block-all-mixed-content", None),
    ("report-uri", None),
    ("report-to", None),
    ("require-trusted-types-for", None),
    ("trusted-types", None),
    ("prefetch-src", None),
    ("navigate-to", None),
    ("plugin-types", None),
];

/// The app's loopback media server: 127.0.0.1 over http on the port the OS gave it at
/// start-up (a CSP is fixed at build time). The only wildcard allowed anywhere, and only
/// in `img-src` and `media-src`: every file there needs the run's secret, and the page
/// renders no image from model output (SECURITY.md).
const MEDIA_SOURCE: &str = "http://127.0.0.1:*";

/// Sources no directive may have, whatever the table above says.
const NEVER: &[&str] = &[
    "'unsafe-inline'",
    "'unsafe-eval'",
    "'unsafe-hashes'",
    "'wasm-unsafe-eval'",
    "'unsafe-allow-redirects'",
    "'strict-dynamic'",
    "*",
    "http:",
    "https:",
    "ws:",
    "wss:",
    "file:",
    "filesystem:",
];

fn check_csp(file: &str, csp: &str) {
    let written = parse_csp(csp);
    let mut directives: BTreeMap<&str, &[String]> = BTreeMap::new();
    for (name, sources) in &written {
        assert!(
            EFFECTIVE.iter().any(|(known, _)| known == name),
            "{file}: the CSP sets {name}, which this test does not know: add it to EFFECTIVE with a reason"
        );
        assert!(
            directives.insert(name, sources).is_none(),
            "{file}: the CSP sets {name} twice (the browser uses only the first)"
        );
        for source in sources {
            assert!(
                !NEVER.contains(&source.to_ascii_lowercase().as_str()),
                "{file}: {name} allows {source}"
            );
            let media_port =
                source == MEDIA_SOURCE && matches!(name.as_str(), "img-src" | "media-src");
            assert!(
                !source.contains('*') || media_port,
                "{file}: {name} allows a wildcard: {source}"
            );
        }
    }
    for (name, expected) in EFFECTIVE {
        let mut current = Some(*name);
        let mut effective = None;
        while let Some(directive) = current {
            if let Some(sources) = directives.get(directive) {
                effective = Some(*sources);
                break;
            }
            current = fallback(directive);
        }
        match expected {
            Some(expected) => assert_eq!(
                effective.map(<[String]>::to_vec),
                Some(expected.iter().map(|s| (*s).to_owned()).collect()),
                "{file}: {name}"
            ),
            None => assert!(
                !directives.contains_key(name),
                "{file}: the CSP must not set {name}"
            ),
        }
    }
}

#[test]
fn csp_allows_scripts_only_from_the_app_no_inline_code_or_styles_and_no_network() {
    for (file, conf) in configs() {
        let csp = conf["app"]["security"]["csp"]
            .as_str()
            .unwrap_or_else(|| panic!("{file}: app.security.csp must be one string (never null)"));
        check_csp(&file, csp);
        // Tauri adds nonces and hashes of the page's own inline code to the CSP unless
        // told not to; it must keep doing so (an app page then needs no 'unsafe-inline').
        assert!(
            conf["app"]["security"]["dangerousDisableAssetCspModification"].is_null(),
            "{file}"
        );
        // The CSP is the built app's; a separate development CSP is never used to ship,
        // but it must not become the one that is tested by accident.
        assert!(conf["app"]["security"]["devCsp"].is_null(), "{file}");
        assert!(conf["app"]["security"]["headers"].is_null(), "{file}");
    }
}

/// These tests would pass on a CSP that is not checked: prove the checker refuses.
#[test]
fn the_csp_checker_refuses_weaker_policies() {
    let good = "default-src 'self'; script-src 'self'; script-src-attr 'none'; style-src 'self'; style-src-attr 'none'; img-src 'self' blob: data: http://127.0.0.1:*; media-src 'self' blob: http://127.0.0.1:*; connect-src ipc: http://ipc.localhost; worker-src 'none'; object-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'none'";
    check_csp("good", good);
    for weaker in [
        good.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
        good.replace("; style-src-attr 'none'", ""),
        good.replace("; script-src-attr 'none'", ""),
        good.replace("; worker-src 'none'", ""),
        format!("{good}; script-src-elem 'self' https://cdn.example"),
        format!("{good}; style-src-elem 'self' 'unsafe-inline'"),
        format!("{good}; script-src 'self' 'unsafe-eval'"),
        good.replace("connect-src ipc:", "connect-src ipc: http://127.0.0.1:*"),
        // The media server's port wildcard, but any host or a remote one: refused.
        good.replace(
            "media-src 'self' blob: http://127.0.0.1:*",
            "media-src 'self' blob: http://*:*",
        ),
        good.replace(
            "img-src 'self' blob: data: http://127.0.0.1:*",
            "img-src 'self' blob: data: http://127.0.0.1:* https://cdn.example",
        ),
        format!("{good}; font-src 'self' http://127.0.0.1:*"),
        good.replace("; base-uri 'none'", ""),
        format!("{good}; frame-ancestors *"),
        format!("{good}; scirpt-src 'none'"),
    ] {
        let refused = std::panic::catch_unwind(|| check_csp("weaker", &weaker)).is_err();
        assert!(refused, "the checker accepted: {weaker}");
    }
}

#[test]
fn no_global_tauri_object_frozen_prototype_no_asset_protocol() {
    for (file, conf) in configs() {
        let app = &conf["app"];
        assert_eq!(app["withGlobalTauri"], Value::Bool(false), "{file}");
        assert_eq!(
            app["security"]["freezePrototype"],
            Value::Bool(true),
            "{file}"
        );
        assert_ne!(
            app["security"]["assetProtocol"]["enable"],
            Value::Bool(true),
            "{file}"
        );
        // Capabilities written inline in the configuration would be granted on top of
        // the files in src-tauri/capabilities, which the tests below check.
        assert!(
            app["security"]["capabilities"]
                .as_array()
                .is_none_or(Vec::is_empty),
            "{file}: capabilities belong in src-tauri/capabilities"
        );
        assert!(
            app["security"]["pattern"].is_null()
                || app["security"]["pattern"]["use"] == "brownfield",
            "{file}"
        );
    }
}

#[test]
fn the_only_window_is_main_created_in_rust_from_the_app_s_own_pages() {
    for (file, conf) in configs() {
        let windows = conf["app"]["windows"].as_array().expect("app.windows");
        assert_eq!(windows.len(), 1, "{file}: one window");
        let main = &windows[0];
        assert_eq!(main["label"], "main", "{file}");
        // Created by window.rs so that its navigation, new-window and download handlers
        // are attached before it loads anything.
        assert_eq!(main["create"], Value::Bool(false), "{file}");
        // The app's own pages (the default), never a remote URL.
        assert!(
            main["url"].is_null() || main["url"] == "index.html",
            "{file}: {}",
            main["url"]
        );
        // navigation.rs allows http://tauri.localhost on Windows, not https.
        assert!(
            main["useHttpsScheme"].is_null() || main["useHttpsScheme"] == Value::Bool(false),
            "{file}: useHttpsScheme changes the Windows origin navigation.rs allows"
        );
        assert!(
            conf["build"]["frontendDist"]
                .as_str()
                .is_some_and(|dist| !dist.contains("://")),
            "{file}: the pages are the app's files, not a server"
        );
        assert!(conf["app"]["security"]["dangerousRemoteDomainIpcAccess"].is_null());
    }
}

/// Every file under the capabilities folder: tauri-build reads them all
/// (`src-tauri/capabilities/**/*`, JSON or TOML).
fn capability_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(capability_files(&path));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}

#[test]
fn the_main_window_is_granted_exactly_the_app_s_commands_and_event_listening() {
    let files = capability_files(&Path::new(ROOT).join("src-tauri/capabilities"));
    let names: Vec<_> = files
        .iter()
        .map(|f| f.file_name().expect("name").to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        ["main-window.json"],
        "one capability, main-window.json (every file there is granted)"
    );
    let capability = json(&files[0]);

    let windows: Vec<&str> = capability["windows"]
        .as_array()
        .expect("windows")
        .iter()
        .map(|w| w.as_str().expect("window label"))
        .collect();
    assert_eq!(windows, ["main"]);
    for key in ["webviews", "remote", "platforms"] {
        assert!(
            capability[key].is_null(),
            "{key}: the capability applies to the main window's local pages on every platform"
        );
    }
    assert_ne!(capability["local"], Value::Bool(false));

    let mut granted: Vec<String> = capability["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .map(|p| {
            // A permission with a scope is an object; this app grants none.
            p.as_str()
                .unwrap_or_else(|| panic!("a scoped permission: {p}"))
                .to_owned()
        })
        .collect();
    let mut expected: Vec<String> = ["core:event:allow-listen", "core:event:allow-unlisten"]
        .into_iter()
        .map(str::to_owned)
        .chain(
            athena_desktop::COMMAND_NAMES
                .iter()
                .map(|c| format!("allow-{}", c.replace('_', "-"))),
        )
        .collect();
    let listed = granted.len();
    granted.sort();
    granted.dedup();
    assert_eq!(granted.len(), listed, "a permission is listed twice");
    expected.sort();
    assert_eq!(granted, expected);
}

/// The page's HTML has no inline script or style: violations at load time happen before
/// any test can listen for them (tests/e2e/security.test.mjs listens afterwards).
#[test]
fn the_page_s_html_has_no_inline_script_or_style() {
    let html =
        std::fs::read_to_string(Path::new(ROOT).join("ui/index.html")).expect("ui/index.html");
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<style"), "a <style> element");
    assert!(!lower.contains(" style="), "a style attribute");
    for (at, _) in lower.match_indices(" on") {
        let name: String = lower[at + 1..]
            .chars()
            .take_while(char::is_ascii_alphabetic)
            .collect();
        assert!(
            !lower[at + 1 + name.len()..].starts_with('='),
            "an event handler attribute: {name}"
        );
    }
    for script in lower.split("<script").skip(1) {
        let tag = script.split('>').next().unwrap_or_default();
        assert!(tag.contains("src="), "an inline script: <script{tag}>");
        assert!(
            script[tag.len() + 1..]
                .trim_start()
                .starts_with("</script>"),
            "a script with inline content"
        );
    }
}
