//! Updates that can be trusted: against a loopback update server and a throwaway key
//! pair made here with the Tauri CLI (`tauri signer`, from `tools/`), the updater
//! plugin, configured as the app configures it (public key in the plugin's
//! configuration), offers a correctly signed update and refuses the same update when
//! its bytes were changed or it was signed with another key. Tested through the plugin's
//! public API on Tauri's mock runtime (no window, no install): `check` then `download`,
//! which verifies the signature before handing over any byte.
//!
//! Also: the repository's configuration carries a minisign public key, and no file in
//! the repository is a private one.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::json;
use tauri_plugin_updater::UpdaterExt;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The Tauri CLI that `cargo xtask setup` installs.
fn tauri_cli() -> PathBuf {
    let cli = Path::new(ROOT).join("tools/node_modules/.bin/tauri");
    assert!(
        cli.exists(),
        "{} is missing: run `cargo xtask setup`",
        cli.display()
    );
    cli
}

/// A fresh key pair with an empty password: (private key file, public key text).
fn key_pair(dir: &Path, name: &str) -> (PathBuf, String) {
    let key = dir.join(name);
    let made = Command::new(tauri_cli())
        .args([
            "signer",
            "generate",
            "--ci",
            "--password",
            "",
            "--write-keys",
        ])
        .arg(&key)
        .output()
        .expect("tauri signer generate");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let public = std::fs::read_to_string(dir.join(format!("{name}.pub"))).expect("public key");
    (key, public.trim().to_owned())
}

/// Signs `file` with `key`; returns the signature the manifest carries.
fn sign(key: &Path, file: &Path) -> String {
    let signed = Command::new(tauri_cli())
        .args(["signer", "sign", "--password", ""])
        .arg("--private-key-path")
        .arg(key)
        .arg(file)
        .output()
        .expect("tauri signer sign");
    assert!(
        signed.status.success(),
        "{}",
        String::from_utf8_lossy(&signed.stderr)
    );
    let mut sig = file.as_os_str().to_owned();
    sig.push(".sig");
    std::fs::read_to_string(sig)
        .expect("signature")
        .trim()
        .to_owned()
}

/// Serves `routes` (path -> body) on 127.0.0.1 from a thread; returns the base URL.
fn serve(routes: Vec<(String, Vec<u8>)>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            // Skip the headers.
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
            let (status, body) = routes
                .iter()
                .find(|(p, _)| *p == path)
                .map_or(("404 Not Found", Vec::new()), |(_, b)| {
                    ("200 OK", b.clone())
                });
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    base
}

fn manifest(version: &str, url: &str, signature: &str) -> Vec<u8> {
    let platform = json!({ "url": url, "signature": signature });
    serde_json::to_vec(&json!({
        "version": version,
        "notes": "test release",
        "pub_date": "2026-12-01T00:00:00Z",
        "platforms": {
            "linux-x86_64": platform,
            "linux-x86_64-deb": platform,
            "darwin-aarch64": platform,
            "darwin-x86_64": platform,
            "windows-x86_64": platform,
        }
    }))
    .expect("manifest")
}

/// An app on the mock runtime with the updater plugin trusting `public_key`; plain
/// http is allowed here for the loopback server only (the app's own setting must be
/// https, see athena-core's settings).
fn app_trusting(public_key: &str) -> tauri::App<tauri::test::MockRuntime> {
    let mut context = tauri::test::mock_context(tauri::test::noop_assets());
    context.config_mut().plugins.0.insert(
        "updater".into(),
        json!({ "pubkey": public_key, "dangerousInsecureTransportProtocol": true }),
    );
    tauri::test::mock_builder()
        .plugin(tauri_plugin_updater::Builder::new().build())
        .build(context)
        .expect("app")
}

#[test]
fn a_signed_update_is_offered_and_a_tampered_or_foreign_one_refused() {
    let dir = tempfile_dir();
    let (key, public_key) = key_pair(&dir, "release.key");
    let (other_key, _) = key_pair(&dir, "other.key");
    let payload = b"the new version of Athena Desktop".repeat(100);
    let good = dir.join("athena-desktop.tar.gz");
    std::fs::write(&good, &payload).expect("payload");
    let signature = sign(&key, &good);
    let foreign = dir.join("foreign.tar.gz");
    std::fs::write(&foreign, &payload).expect("payload");
    let foreign_signature = sign(&other_key, &foreign);
    let mut tampered = payload.clone();
    tampered[10] ^= 0x01;

    // The manifests name the payloads' addresses: serve the payloads first.
    let files = serve(vec![
        ("/good".into(), payload.clone()),
        ("/tampered".into(), tampered),
    ]);
    let manifests = serve(vec![
        (
            "/good.json".into(),
            manifest("9.9.9", &format!("{files}/good"), &signature),
        ),
        (
            "/tampered.json".into(),
            manifest("9.9.9", &format!("{files}/tampered"), &signature),
        ),
        (
            "/foreign.json".into(),
            manifest("9.9.9", &format!("{files}/good"), &foreign_signature),
        ),
        (
            "/older.json".into(),
            manifest("0.0.1", &format!("{files}/good"), &signature),
        ),
    ]);

    let app = app_trusting(&public_key);
    let check = |name: &str| {
        let url = url::Url::parse(&format!("{manifests}/{name}")).expect("url");
        let updater = app
            .handle()
            .updater_builder()
            .endpoints(vec![url])
            .expect("endpoint")
            .build()
            .expect("updater");
        tauri::async_runtime::block_on(async move {
            let update = updater.check().await.expect("check")?;
            Some((
                update.version.clone(),
                update.download(|_, _| {}, || {}).await,
            ))
        })
    };

    let (version, downloaded) = check("good.json").expect("a newer signed release is offered");
    assert_eq!(version, "9.9.9");
    assert_eq!(downloaded.expect("its signature verifies"), payload);

    let (_, downloaded) = check("tampered.json").expect("offered: the manifest looks fine");
    let refused = downloaded.expect_err("changed bytes must be refused");
    assert!(
        refused.to_string().to_lowercase().contains("signature"),
        "{refused}"
    );

    let (_, downloaded) = check("foreign.json").expect("offered");
    downloaded.expect_err("a release signed with another key must be refused");

    assert!(
        check("older.json").is_none(),
        "an older release is not offered"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn the_configuration_has_a_public_key_and_the_repository_no_private_one() {
    let conf: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(ROOT).join("tauri.conf.json")).expect("config"),
    )
    .expect("json");
    let pubkey = conf["plugins"]["updater"]["pubkey"]
        .as_str()
        .expect("plugins.updater.pubkey");
    // A minisign public key file, base64-encoded, as `tauri signer generate` writes it.
    assert!(
        pubkey.starts_with("dW50cnVzdGVkIGNvbW1lbnQ6IG1pbmlzaWduIHB1YmxpYyBrZXk6"),
        "not a minisign public key: {pubkey}"
    );
    // No endpoint in the configuration: updates stay off until the settings name one.
    assert!(
        conf["plugins"]["updater"]["endpoints"]
            .as_array()
            .is_none_or(Vec::is_empty)
    );
    let listed = Command::new("git")
        .args(["ls-files", "-co", "--exclude-standard"])
        .current_dir(ROOT)
        .output()
        .expect("git ls-files");
    // "untrusted comment: rsign encrypted secret key", base64 as in a key file, and raw.
    let markers: [&[u8]; 2] = [
        b"dW50cnVzdGVkIGNvbW1lbnQ6IHJzaWduIGVuY3J5cHRlZCBzZWNyZXQga2V5",
        b"rsign encrypted secret key",
    ];
    for file in String::from_utf8_lossy(&listed.stdout).lines() {
        if file.ends_with("tests/app/updater.rs") {
            continue;
        }
        let Ok(bytes) = std::fs::read(Path::new(ROOT).join(file)) else {
            continue;
        };
        for marker in markers {
            assert!(
                !bytes.windows(marker.len()).any(|w| w == marker),
                "{file} holds an updater private key"
            );
        }
    }
}

fn tempfile_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("athena-updater-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}
