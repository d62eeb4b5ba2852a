//! Installs what a fresh Debian 12 machine lacks; does nothing when it is all there.

use std::path::Path;
use std::process::Command;

use crate::process::{self, on_path};
use crate::{Result, root};

/// Debian packages to build the app (WebKitGTK and friends), run it under a virtual
/// display, drive it with WebDriver, take screenshots, play WebM video, and test the
/// keychain against a real Secret Service.
pub const DEBIAN_PACKAGES: &[&str] = &[
    // build
    "build-essential",
    "pkg-config",
    "file",
    "libssl-dev",
    "libwebkit2gtk-4.1-dev",
    "libsoup-3.0-dev",
    "libjavascriptcoregtk-4.1-dev",
    "librsvg2-dev",
    "libayatana-appindicator3-dev",
    "libxdo-dev",
    // the Secret Service store of athena-core (the keyring crates) links libdbus
    "libdbus-1-dev",
    // run and test
    "xvfb",
    "xauth",
    "webkit2gtk-driver",
    "imagemagick",
    "x11-utils",
    "fonts-dejavu-core",
    // a private session bus for the real-window suite (dbus-daemon, dbus-run-session)
    "dbus-daemon",
    // dbus-send: xtask asks the private bus whether the Secret Service is on it
    "dbus-bin",
    // a throwaway, unlocked Secret Service on that bus for the keychain tests
    // (`cargo test` and the real-window suite; see xtask/src/keyring.rs)
    "gnome-keyring",
    // read the X clipboard back in the real-window suite (copy buttons)
    "xclip",
    // move and resize the window on the virtual display (tests/e2e/window_state.test.mjs;
    // there is no window manager to do it)
    "xdotool",
    // a recording org.freedesktop.Notifications service on the private bus
    // (tests/e2e/notification_server.py, run with the system's python3)
    "python3-dbus",
    "python3-gi",
    // WebM (VP8/VP9 in Matroska) playback in WebKitGTK; a dependency of WebKitGTK
    // already, named so the need is written down (tests/e2e/media.test.mjs proves it)
    "gstreamer1.0-plugins-good",
    // the UI's toolchain, when the machine has none
    "nodejs",
    "npm",
];

/// Everything `run`, `test`, `e2e` and `bench` need.
pub fn all() -> Result {
    debian_packages()?;
    npm_packages("ui")?;
    npm_packages("tests/e2e")?;
    // The Tauri CLI: installers, the icon set, update signing keys (tools/package.json).
    npm_packages("tools")?;
    tauri_driver()
}

fn debian_packages() -> Result {
    if !Path::new("/usr/bin/dpkg-query").exists() {
        println!(
            "xtask: not a Debian-like system; install the equivalents of: {}",
            DEBIAN_PACKAGES.join(" ")
        );
        return Ok(());
    }
    let missing: Vec<&str> = DEBIAN_PACKAGES
        .iter()
        .copied()
        // A Node.js installed another way (nvm, NodeSource) is fine.
        .filter(|p| !(matches!(*p, "nodejs" | "npm") && on_path(p)))
        .filter(|p| !installed(p))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    println!("xtask: installing Debian packages: {}", missing.join(" "));
    let sudo = if process::is_root() {
        vec![]
    } else {
        vec!["sudo"]
    };
    let apt = |args: &[&str]| {
        let mut all: Vec<&str> = sudo.clone();
        all.push("apt-get");
        all.extend_from_slice(args);
        let mut command = Command::new(all[0]);
        command
            .args(&all[1..])
            .env("DEBIAN_FRONTEND", "noninteractive");
        process::run(&mut command)
    };
    apt(&["update", "-q"])?;
    let mut install = vec!["install", "-y", "-q", "--no-install-recommends"];
    install.extend(missing.iter().copied());
    apt(&install)
}

fn installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
}

/// `npm ci` when node_modules is missing or older than the lock file.
fn npm_packages(dir: &str) -> Result {
    let lock = root().join(dir).join("package-lock.json");
    let stamp = root().join(dir).join("node_modules/.package-lock.json");
    let fresh = match (modified(&lock), modified(&stamp)) {
        (Some(lock), Some(stamp)) => stamp >= lock,
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    println!("xtask: installing npm packages in {dir}");
    process::npm(dir, &["ci", "--no-audit", "--no-fund"])
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// tauri-driver bridges WebDriver to WebKitWebDriver for the real-window suite.
fn tauri_driver() -> Result {
    if on_path("tauri-driver") {
        return Ok(());
    }
    println!("xtask: installing tauri-driver");
    process::cargo(&["install", "tauri-driver", "--version", "^2", "--locked"])
}

/// Type-checks, unit-tests and builds the UI into ui/dist (which the app embeds).
pub fn build_ui() -> Result {
    process::npm("ui", &["run", "typecheck"])?;
    process::npm("ui", &["test"])?;
    process::npm("ui", &["run", "build"])
}

/// Builds ui/dist only (for commands that need the app to compile).
pub fn build_ui_dist_if_missing() -> Result {
    if root().join("ui/dist/index.html").exists() {
        return Ok(());
    }
    npm_packages("ui")?;
    process::npm("ui", &["run", "build"])
}

/// Builds ui/dist and the app binary; returns the binary's path.
pub fn build_app(release: bool) -> Result<std::path::PathBuf> {
    process::npm("ui", &["run", "build"])?;
    let mut args = vec!["build", "--bin", "athena-desktop"];
    if release {
        args.push("--release");
    }
    process::cargo(&args)?;
    let profile = if release { "release" } else { "debug" };
    Ok(target_dir().join(profile).join("athena-desktop"))
}

/// Builds ui/dist and the debug app binary with the feature set of `cargo test
/// --workspace` (cargo builds a package's binaries for its integration tests), so that
/// after the test step of `cargo xtask test` nothing is compiled twice.
pub fn build_app_as_tested() -> Result<std::path::PathBuf> {
    process::npm("ui", &["run", "build"])?;
    process::cargo(&["test", "--workspace", "--no-run"])?;
    Ok(target_dir().join("debug").join("athena-desktop"))
}

/// Cargo's target folder.
pub fn target_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}
