//! `cargo xtask bundle`: the installers a person installs, built with the Tauri CLI
//! from npm (`tools/package.json`, pinned to the minor of the tauri crate: the CLI
//! refuses a plugin or crate of another minor).
//!
//! The release binary is built once, by cargo with the app's default features (no test
//! seams: checked before anything is packaged), then `tauri bundle` packages that same
//! binary, so `cargo xtask test`, which already builds it for the seam check, does not
//! build it twice. On Linux: `.deb` and `.rpm`. The AppImage stays configured but is
//! not built: its bundler downloads linuxdeploy and AppRun at build time, which our
//! machines cannot. macOS (`.app`, `.dmg`) and Windows (`.msi`, NSIS) build on those
//! systems with the same command.
//!
//! `cargo xtask icons` makes the whole icon set from `src-tauri/icons/icon.svg`.

use std::path::{Path, PathBuf};

use crate::{Result, process, root, seams, setup};

/// The Tauri CLI installed by `cargo xtask setup`.
pub fn tauri_cli() -> Result<PathBuf> {
    let name = if cfg!(windows) { "tauri.cmd" } else { "tauri" };
    let cli = root().join("tools/node_modules/.bin").join(name);
    if cli.exists() {
        Ok(cli)
    } else {
        Err(format!(
            "{} is missing: run `cargo xtask setup`",
            cli.display()
        ))
    }
}

/// The installer formats built on this platform.
fn bundles() -> &'static str {
    if cfg!(target_os = "macos") {
        "app,dmg"
    } else if cfg!(windows) {
        "msi,nsis"
    } else {
        "deb,rpm"
    }
}

/// The installers built from the release binary.
#[derive(Debug)]
pub struct Installers {
    /// Every installer file made (`.deb`, `.rpm`, ...).
    pub files: Vec<PathBuf>,
}

impl Installers {
    /// The first installer with this extension (`deb`, `rpm`).
    pub fn find(&self, extension: &str) -> Option<&Path> {
        self.files
            .iter()
            .find(|f| f.extension().is_some_and(|e| e == extension))
            .map(PathBuf::as_path)
    }
}

/// `cargo xtask bundle`.
pub fn bundle() -> Result {
    let installers = build()?;
    for file in &installers.files {
        let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
        println!(
            "xtask: {} ({:.1} MB)",
            file.display(),
            size as f64 / 1_000_000.0
        );
    }
    Ok(())
}

/// Builds the release binary, checks it carries no test seam, and packages it.
pub fn build() -> Result<Installers> {
    let binary = setup::build_app(true)?;
    package(&binary)
}

/// Packages an already built release binary (`target/release/athena-desktop`).
pub fn package(binary: &Path) -> Result<Installers> {
    seams::check(binary, false)?;
    let out = setup::target_dir().join("release/bundle");
    // Old installers of another version would be picked up as this build's.
    for kind in ["deb", "rpm", "appimage", "dmg", "macos", "msi", "nsis"] {
        let _ = std::fs::remove_dir_all(out.join(kind));
    }
    let cli = tauri_cli()?;
    process::run(
        std::process::Command::new(&cli)
            .args(["bundle", "--ci", "--bundles", bundles()])
            .current_dir(root()),
    )?;
    let mut files = Vec::new();
    for kind in bundles().split(',') {
        let dir = out.join(match kind {
            "app" => "macos",
            other => other,
        });
        for entry in std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))? {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_file() || path.extension().is_some_and(|e| e == "app") {
                files.push(path);
            }
        }
    }
    if files.is_empty() {
        return Err(format!(
            "tauri bundle made no installer in {}",
            out.display()
        ));
    }
    Ok(Installers { files })
}

/// `cargo xtask icons`: every icon the bundlers need, from the one source image.
/// Only the desktop formats are kept (the CLI also makes Android and iOS sets).
pub fn icons() -> Result {
    let cli = tauri_cli()?;
    let icons = root().join("src-tauri/icons");
    let scratch = setup::target_dir().join("icons");
    let _ = std::fs::remove_dir_all(&scratch);
    process::run(
        std::process::Command::new(&cli)
            .arg("icon")
            .arg(icons.join("icon.svg"))
            .arg("--output")
            .arg(&scratch)
            .current_dir(root()),
    )?;
    for name in DESKTOP_ICONS {
        std::fs::copy(scratch.join(name), icons.join(name)).map_err(|e| format!("{name}: {e}"))?;
    }
    println!(
        "xtask: wrote {} icons in {}",
        DESKTOP_ICONS.len(),
        icons.display()
    );
    Ok(())
}

/// The icon files `tauri.conf.json` names (`bundle.icon`).
pub const DESKTOP_ICONS: &[&str] = &[
    "32x32.png",
    "64x64.png",
    "128x128.png",
    "128x128@2x.png",
    "icon.png",
    "icon.icns",
    "icon.ico",
];
