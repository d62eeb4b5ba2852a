//! The developer's commands. `cargo xtask run` and `cargo xtask test` install what a
//! fresh Debian machine lacks, so that the README's two commands are the whole set-up.

mod bench;
mod bench_report;
mod bundle;
mod bus;
mod e2e;
mod fuzz;
mod keyring;
mod process;
mod run;
mod seams;
mod setup;
mod xvfb;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

  run [--screenshot FILE] [--release] [-- APP-ARGS]
                 install what is missing, build the UI and the app, start it on the demo
                 workspace (under a virtual display when there is none); with --screenshot,
                 save a PNG of the first screen and exit; APP-ARGS go to the app
                 (--base-url, --workspace-id, --api-key-file, --agents, --data-dir)
  test           everything CI checks: fmt, clippy, cargo test, UI type check + unit tests,
                 the bindings check, and the real-window suite
  e2e [FILE...]  the real-window suite only (built app, Xvfb, tauri-driver, WebDriver);
                 with FILEs (tests/e2e/x.test.mjs), only those
  bench [page [NAME]|cargo] [--compare OLD.json]
                 every benchmark, printed as one table (page: only the real-window ones,
                 against the release build, or only those whose script's name contains
                 NAME; cargo: only the others) and written to target/bench/report.json;
                 with --compare, each figure's ratio to OLD.json
  fuzz [--seconds N] [--target NAME]
                 run athena-api's cargo-fuzz target (default decode_event, 60 s) on nightly
  bundle         the release installers for this platform (Linux: .deb and .rpm in
                 target/release/bundle/), with the Tauri CLI from tools/
  icons          remake every icon in src-tauri/icons/ from src-tauri/icons/icon.svg
  bindings       regenerate ui/src/bindings.ts from the Rust commands and events
  fixtures       regenerate the fold's golden fixtures (tests/fixtures/fold/) from core
  setup          only install what is missing (Debian packages, npm packages, tauri-driver)
";

/// An xtask failure: a sentence for the person at the terminal.
pub type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some("run") => run::run(&args[1..]),
        Some("test") => test(),
        Some("e2e") => setup::all().and_then(|()| e2e::e2e(&args[1..])),
        Some("bench") => setup::all().and_then(|()| bench::bench(&args[1..])),
        Some("bundle") => setup::all().and_then(|()| bundle::bundle()),
        Some("icons") => setup::all().and_then(|()| bundle::icons()),
        Some("bindings") => bindings(),
        Some("fixtures") => fixtures(),
        Some("fuzz") => fuzz::fuzz(&args[1..]),
        Some("setup") => setup::all(),
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("unknown or missing command\n\n{USAGE}")),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

fn test() -> Result {
    let started = std::time::Instant::now();
    setup::all()?;
    step("cargo fmt --check", || {
        process::cargo(&["fmt", "--all", "--check"])
    })?;
    step("UI type check, unit tests and build", setup::build_ui)?;
    step("cargo clippy", || {
        process::cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])
    })?;
    // The bindings check is the `app` test binary's bindings test, run here with the rest.
    // The app's tests get the test seams through its dev-dependency on itself.
    // The keychain test runs against a throwaway Secret Service, and must find it.
    step("cargo test (includes the bindings check)", || {
        let secrets = keyring::SecretServiceBus::start()?;
        process::run(
            process::command(&process::cargo_program(), &["test", "--workspace"])
                .envs(secrets.env())
                .env("ATHENA_REQUIRE_KEYCHAIN", "1"),
        )
    })?;
    step("real-window suite", || e2e::e2e(&[]))?;
    // The real-window suite built the release binary and the installers from it (for the
    // installed-app test): check that same binary rather than building it again.
    step("the release build carries no test seam", || {
        seams::check(
            &setup::target_dir().join("release").join("athena-desktop"),
            false,
        )
    })?;
    println!(
        "xtask: all checks passed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn bindings() -> Result {
    setup::build_ui_dist_if_missing()?;
    process::run(
        process::command("cargo", &["test", "--test", "app", "bindings"])
            .env("ATHENA_UPDATE_BINDINGS", "1"),
    )?;
    println!("xtask: wrote ui/src/bindings.ts");
    Ok(())
}

fn fixtures() -> Result {
    setup::build_ui_dist_if_missing()?;
    process::run(
        process::command("cargo", &["test", "--test", "app", "fold_fixtures"])
            .env("ATHENA_UPDATE_FIXTURES", "1"),
    )?;
    println!("xtask: wrote tests/fixtures/fold/every-part.json");
    Ok(())
}

/// Runs one named step, saying how long it took.
pub fn step(name: &str, action: impl FnOnce() -> Result) -> Result {
    println!("\n==> {name}");
    let started = std::time::Instant::now();
    action().map_err(|e| format!("{name} failed: {e}"))?;
    println!("==> {name}: ok ({:.1} s)", started.elapsed().as_secs_f64());
    Ok(())
}
