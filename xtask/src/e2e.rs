//! `cargo xtask e2e`: the real-window suite. The built app runs under Xvfb, driven by
//! `node --test` (webdriverio) through tauri-driver and WebKitWebDriver.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use std::path::{Path, PathBuf};

use crate::keyring::SecretServiceBus;
use crate::xvfb::VirtualDisplay;
use crate::{Result, process, root, seams, setup};

/// `only`: test files to run (paths below the root) instead of the whole suite.
pub fn e2e(only: &[String]) -> Result {
    let app = setup::build_app_as_tested()?;
    // The suite drives the seams; make sure this build has them.
    seams::check(&app, true)?;
    // The installed-app test installs the real installer (release build, no seams).
    let wanted = only.is_empty() || only.iter().any(|f| f.contains("installed"));
    let installer = if cfg!(target_os = "linux") && wanted {
        let installers = crate::bundle::build()?;
        Some(
            installers
                .find("deb")
                .map(Path::to_owned)
                .ok_or("no .deb was built")?,
        )
    } else {
        None
    };
    let emulator = setup::target_dir().join("debug").join("athena-emulator");
    let bench = Bench::start(&app, &emulator)?;
    let mut env = bench.env();
    if let Some(deb) = installer {
        env.push(("ATHENA_DEB", deb.to_string_lossy().into_owned()));
    }
    let outcome = run_suite(&env, only);
    bench.stop();
    outcome
}

/// What a real-window run needs around the app: a virtual display, a session bus with
/// a throwaway Secret Service (the app keeps its keys there) and tauri-driver, plus the
/// paths the tests read from the environment.
pub struct Bench {
    display: VirtualDisplay,
    bus: SecretServiceBus,
    driver: std::process::Child,
    port: u16,
    app: PathBuf,
    emulator: PathBuf,
    out_dir: PathBuf,
}

impl Bench {
    /// Starts Xvfb, a session bus with an unlocked keyring on it, and tauri-driver
    /// (which inherits both, and passes them to every app it launches).
    pub fn start(app: &Path, emulator: &Path) -> Result<Self> {
        let out_dir = setup::target_dir().join("e2e");
        std::fs::create_dir_all(&out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
        let display = VirtualDisplay::start(1280, 800)?;
        let bus = SecretServiceBus::start()?;
        let port = process::free_port()?;
        let native_port = process::free_port()?;
        let driver = Command::new("tauri-driver")
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("DISPLAY", &display.display)
            .env("DBUS_SESSION_BUS_ADDRESS", bus.address())
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| format!("could not start tauri-driver: {e}"))?;
        let mut bench = Self {
            display,
            bus,
            driver,
            port,
            app: app.to_owned(),
            emulator: emulator.to_owned(),
            out_dir,
        };
        if let Err(e) = wait_for_port(port, Duration::from_secs(30)) {
            process::terminate(&mut bench.driver);
            return Err(e);
        }
        Ok(bench)
    }

    /// The variables the tests and benchmarks read.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("ATHENA_APP", self.app.to_string_lossy().into_owned()),
            (
                "ATHENA_EMULATOR",
                self.emulator.to_string_lossy().into_owned(),
            ),
            ("TAURI_DRIVER_PORT", self.port.to_string()),
            (
                "ATHENA_E2E_OUT",
                self.out_dir.to_string_lossy().into_owned(),
            ),
            ("DISPLAY", self.display.display.clone()),
            ("DBUS_SESSION_BUS_ADDRESS", self.bus.address().to_owned()),
        ]
    }

    /// Stops tauri-driver (SIGTERM, so it ends WebKitWebDriver), then Xvfb, the keyring
    /// and the bus.
    pub fn stop(mut self) {
        process::terminate(&mut self.driver);
    }
}

fn wait_for_port(port: u16, limit: Duration) -> Result {
    let deadline = Instant::now() + limit;
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            return Err(format!(
                "tauri-driver did not listen on {port} within {limit:?}"
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}

/// Runs the suite, echoing its output, and fails unless it ran tests and all passed.
fn run_suite(env: &[(&'static str, String)], only: &[String]) -> Result {
    let mut command = Command::new("node");
    command.args(["--test", "--test-reporter=spec", "--test-concurrency=1"]);
    if only.is_empty() {
        command.arg("tests/e2e/");
    } else {
        command.args(only);
    }
    command.current_dir(root()).stdout(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command
        .spawn()
        .map_err(|e| format!("could not start node: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout from node")?;
    let mut counts = SuiteCounts::default();
    for line in BufReader::new(stdout)
        .lines()
        .map_while(std::result::Result::ok)
    {
        println!("{line}");
        counts.read(&line);
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    counts.verdict(status.success())
}

/// The totals node's spec reporter prints at the end (`ℹ tests 3`, `ℹ pass 3`, ...).
#[derive(Debug, Default, PartialEq, Eq)]
struct SuiteCounts {
    tests: Option<u32>,
    passed: Option<u32>,
    failed: Option<u32>,
}

impl SuiteCounts {
    fn read(&mut self, line: &str) {
        let line = line.trim_start_matches(|c: char| !c.is_ascii_alphanumeric());
        let mut words = line.split_whitespace();
        let (Some(name), Some(value), None) = (words.next(), words.next(), words.next()) else {
            return;
        };
        let Ok(value) = value.parse() else { return };
        match name {
            "tests" => self.tests = Some(value),
            "pass" => self.passed = Some(value),
            "fail" => self.failed = Some(value),
            _ => {}
        }
    }

    fn verdict(&self, exited_ok: bool) -> Result {
        let tests = self.tests.unwrap_or(0);
        let passed = self.passed.unwrap_or(0);
        let failed = self.failed.unwrap_or(0);
        println!("e2e: {passed} passed, {failed} failed");
        if tests == 0 {
            return Err("the real-window suite ran no test".into());
        }
        if !exited_ok || failed > 0 || passed != tests {
            return Err(format!("{failed} of {tests} real-window tests failed"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_with_no_test_fails_and_a_clean_run_passes() {
        let mut counts = SuiteCounts::default();
        for line in ["ℹ tests 0", "ℹ pass 0", "ℹ fail 0"] {
            counts.read(line);
        }
        assert!(counts.verdict(true).is_err());

        let mut counts = SuiteCounts::default();
        for line in [
            "✔ sends a message (812ms)",
            "ℹ tests 3",
            "ℹ pass 3",
            "ℹ fail 0",
        ] {
            counts.read(line);
        }
        assert_eq!(counts.tests, Some(3));
        assert!(counts.verdict(true).is_ok());
        assert!(counts.verdict(false).is_err());
    }

    #[test]
    fn a_failure_fails_the_run() {
        let mut counts = SuiteCounts::default();
        for line in ["ℹ tests 3", "ℹ pass 2", "ℹ fail 1"] {
            counts.read(line);
        }
        assert!(counts.verdict(true).is_err());
    }
}
