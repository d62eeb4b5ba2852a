//! `cargo xtask run`: build and start the app on the demo workspace.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::xvfb::VirtualDisplay;
use crate::{Result, process, setup};

/// The line the app prints once its first screen has rendered (see
/// `src-tauri/src/readiness.rs`).
const READY_LINE: &str = "athena-desktop: first screen ready";

pub fn run(args: &[String]) -> Result {
    let mut screenshot: Option<PathBuf> = None;
    let mut release = false;
    let mut app_args: Vec<String> = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            // Everything after `--` goes to the app (a run workspace, a data folder).
            "--" => {
                app_args.extend(rest.by_ref().cloned());
                break;
            }
            "--screenshot" => {
                let file = rest.next().ok_or("--screenshot needs a file name")?;
                screenshot = Some(absolute(file));
            }
            "--release" => release = true,
            other => return Err(format!("unknown option for run: {other}")),
        }
    }
    setup::all()?;
    let binary = setup::build_app(release)?;
    let has_display = std::env::var_os("DISPLAY").is_some_and(|d| !d.is_empty());
    match screenshot {
        Some(file) => take_screenshot(&binary, &app_args, &file),
        None if has_display => process::run(Command::new(&binary).args(&app_args)),
        None => {
            let display = VirtualDisplay::start(1000, 700)?;
            println!(
                "xtask: no display; running on the virtual display {} (Ctrl-C to stop)",
                display.display
            );
            process::run(
                Command::new(&binary)
                    .args(&app_args)
                    .env("DISPLAY", &display.display),
            )
        }
    }
}

fn absolute(file: &str) -> PathBuf {
    let path = PathBuf::from(file);
    if path.is_absolute() {
        return path;
    }
    // `cargo xtask` runs from wherever the user typed it; cargo keeps that directory.
    std::env::current_dir()
        .map(|d| d.join(&path))
        .unwrap_or(path)
}

/// Starts the app on its own virtual display, waits for its readiness line, saves the
/// window as a PNG, and stops the app.
fn take_screenshot(binary: &Path, app_args: &[String], file: &Path) -> Result {
    let display = VirtualDisplay::start(1000, 700)?;
    let mut app = Command::new(binary)
        .args(app_args)
        .env("DISPLAY", &display.display)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start the app: {e}"))?;
    let stdout = app.stdout.take().ok_or("no stdout from the app")?;
    let (ready_tx, ready_rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout)
            .lines()
            .map_while(std::result::Result::ok)
        {
            if line.trim() == READY_LINE {
                let _ = ready_tx.send(());
            }
        }
    });
    let ready = ready_rx.recv_timeout(Duration::from_secs(60));
    let outcome = match ready {
        Ok(()) => process::run(Command::new("import").args([
            "-display",
            &display.display,
            "-window",
            "root",
            &file.to_string_lossy(),
        ])),
        Err(_) => Err("the app did not report its first screen within 60 s".into()),
    };
    process::terminate(&mut app);
    outcome?;
    println!(
        "xtask: saved a screenshot of the first screen to {}",
        file.display()
    );
    Ok(())
}
