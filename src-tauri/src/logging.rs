//! Structured logs: a daily-rotating file in the app's log folder (and stderr), with
//! every secret removed before a line is written.

use std::io::{self, Write};
use std::panic::PanicHookInfo;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use athena_core::redact::redact_secrets;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::Layer;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Log files kept: one a day, a week's worth.
const KEPT_FILES: usize = 7;

/// Installs the app's logging. Keep the guard alive until exit: it flushes the file.
/// `filter` overrides the level filter (`ATHENA_LOG`, else info and debug for our crates).
pub fn init(log_dir: &Path, filter: Option<&str>) -> Result<WorkerGuard, String> {
    // From now on panic reports go where the logs go, whatever was guessed before.
    report_panics_to(log_dir.to_owned());
    let (subscriber, guard) = subscriber(log_dir, filter)?;
    subscriber
        .try_init()
        .map_err(|e| format!("logging is already set up: {e}"))?;
    Ok(guard)
}

/// The subscriber `init` installs, for tests that install it themselves.
pub fn subscriber(
    log_dir: &Path,
    filter: Option<&str>,
) -> Result<(impl tracing::Subscriber + Send + Sync, WorkerGuard), String> {
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("athena-desktop")
        .filename_suffix("log")
        .max_log_files(KEPT_FILES)
        .build(log_dir)
        .map_err(|e| format!("cannot write logs in {}: {e}", log_dir.display()))?;
    let (file, guard) = tracing_appender::non_blocking(appender);
    let file_filter = match filter {
        Some(filter) => EnvFilter::new(filter),
        None => EnvFilter::try_from_env("ATHENA_LOG")
            .unwrap_or_else(|_| EnvFilter::new("info,athena_desktop=debug,athena_core=debug")),
    };
    // The terminal gets the headlines only; the file gets the detail.
    let terminal_filter = EnvFilter::new("warn,athena_desktop=info,athena_emulator=info");
    let subscriber = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(Redacting(file))
                .with_filter(file_filter),
        )
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(Redacting(io::stderr))
                .with_filter(terminal_filter),
        );
    Ok((subscriber, guard))
}

/// Wraps a writer so that each formatted line is redacted before it is written.
/// tracing-subscriber formats a whole event and writes it in one call, so a secret is
/// never split between two writes.
struct Redacting<W>(W);

impl<'a, W: MakeWriter<'a>> MakeWriter<'a> for Redacting<W> {
    type Writer = RedactingWriter<W::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter(self.0.make_writer())
    }
}

/// The writer [`Redacting`] hands out.
struct RedactingWriter<W>(W);

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(redact_secrets(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// The bundle identifier, which names the OS's per-user log folder (`tauri.conf.json`
/// `identifier`; `tests/app/panic_reports.rs` checks they agree). Fixed once, never
/// changed: see DESIGN.md.
pub const APP_IDENTIFIER: &str = "app.athena.desktop";

/// The file in the log folder that collects panic reports, one block each.
pub const PANIC_REPORTS: &str = "panic-reports.log";

/// Past this size no more reports are appended: a panic in a loop must not fill the
/// disk. The first reports are the ones that explain the rest; the log keeps a line
/// for every panic anyway once it is set up.
const PANIC_REPORTS_CAP: u64 = 1024 * 1024;

/// Where the next panic report is written: the OS log folder from
/// [`install_panic_hook`], then the run's `--data-dir` log folder once the command
/// line is read ([`report_panics_to`]), then the folder [`init`] writes the logs in.
/// The tracing log is not enough: before [`init`] it goes nowhere, and its writer
/// flushes on a background thread the panic may never let run.
static REPORT_DIR: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Sends later panic reports to `dir` (created when the first report is written).
pub fn report_panics_to(dir: PathBuf) {
    *REPORT_DIR.lock().unwrap_or_else(PoisonError::into_inner) = Some(dir);
}

/// The folder panic reports go to now.
pub fn panic_report_dir() -> Option<PathBuf> {
    REPORT_DIR
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
}

/// Replaces the default panic output (stderr, lost when the app was started from a
/// desktop launcher) with a redacted report appended to [`PANIC_REPORTS`] in the log
/// folder, plus an error line in the log once it is set up. Installed first thing in
/// `run`, before the log folder is known: until then reports go to the OS's log folder
/// for the app (the one Tauri's `app_log_dir` names). A panic message can quote data
/// (a URL, a header): it is redacted like every log line. Stderr gets only where the
/// report is, never the message.
pub fn install_panic_hook() {
    {
        let mut dir = REPORT_DIR.lock().unwrap_or_else(PoisonError::into_inner);
        if dir.is_none() {
            *dir = os_log_dir();
        }
    }
    std::panic::set_hook(panic_hook(panic_report_dir));
}

/// The hook [`install_panic_hook`] installs, writing into the folder `report_dir`
/// names at the time of the panic (tests hand it a temporary one).
pub fn panic_hook(
    report_dir: impl Fn() -> Option<PathBuf> + Send + Sync + 'static,
) -> Box<dyn Fn(&PanicHookInfo<'_>) + Send + Sync + 'static> {
    Box::new(move |info| {
        let report = PanicReport::from_hook(info);
        tracing::error!(
            thread = report.thread,
            location = report.location,
            message = %report.message,
            "panic"
        );
        match report_dir().map(|dir| report.append_to(&dir)) {
            Some(Ok(Some(file))) => eprintln!(
                "athena-desktop: an internal error occurred; a report is in {}",
                file.display()
            ),
            Some(Ok(None)) => {}
            Some(Err(e)) => eprintln!(
                "athena-desktop: an internal error occurred and its report could not be \
                 written ({e})"
            ),
            None => eprintln!(
                "athena-desktop: an internal error occurred (no log folder to report it in)"
            ),
        }
    })
}

/// What a panic report says.
#[derive(Debug)]
struct PanicReport {
    thread: String,
    location: String,
    /// Already redacted.
    message: String,
}

impl PanicReport {
    fn from_hook(info: &PanicHookInfo<'_>) -> Self {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(no message)".into());
        Self {
            thread: std::thread::current()
                .name()
                .unwrap_or("unnamed")
                .to_owned(),
            location: info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default(),
            message: redact_secrets(&message).into_owned(),
        }
    }

    /// Appends the report to [`PANIC_REPORTS`] in `dir` (created private if missing),
    /// unless the file is already past its cap (`Ok(None)`). Written and closed before
    /// returning: the process may end right after the hook.
    fn append_to(&self, dir: &Path) -> io::Result<Option<PathBuf>> {
        athena_core::create_private_dir(dir)?;
        let path = dir.join(PANIC_REPORTS);
        if std::fs::metadata(&path).is_ok_and(|m| m.len() >= PANIC_REPORTS_CAP) {
            return Ok(None);
        }
        let mut options = std::fs::OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&path)?;
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        // One write: a report is never interleaved with another thread's.
        let text = format!(
            "panic at {} (Athena Desktop {}, process {})\n  thread: {}\n  location: {}\n  message: {}\n\n",
            utc_timestamp(seconds),
            env!("CARGO_PKG_VERSION"),
            std::process::id(),
            self.thread,
            self.location,
            self.message.replace('\n', "\n    "),
        );
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        Ok(Some(path))
    }
}

/// The OS's per-user log folder for the app, as Tauri's `app_log_dir` names it, found
/// without an app (which does not exist yet when the hook is installed): the
/// environment variables the `dirs` crate reads, first.
fn os_log_dir() -> Option<PathBuf> {
    let absolute = |name: &str| {
        std::env::var_os(name)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    if cfg!(target_os = "macos") {
        absolute("HOME").map(|home| home.join("Library/Logs").join(APP_IDENTIFIER))
    } else if cfg!(windows) {
        absolute("LOCALAPPDATA").map(|dir| dir.join(APP_IDENTIFIER).join("logs"))
    } else {
        absolute("XDG_DATA_HOME")
            .or_else(|| absolute("HOME").map(|home| home.join(".local/share")))
            .map(|dir| dir.join(APP_IDENTIFIER).join("logs"))
    }
}

/// `seconds` since 1970 as `YYYY-MM-DDTHH:MM:SSZ`.
fn utc_timestamp(seconds: u64) -> String {
    let seconds = i64::try_from(seconds).unwrap_or(i64::MAX);
    time::OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| format!("{seconds} s after 1970"))
}

/// Test-support builds only: panics right after the command line is read, before the
/// app or its logging exists, when `ATHENA_TEST_PANIC_BEFORE_LOGGING` is set, so that
/// `tests/app/panic_reports.rs` can prove such a panic still leaves a report. Release
/// builds have no such switch.
#[cfg(feature = "test-support")]
pub fn panic_if_asked_before_logging() {
    if std::env::var_os("ATHENA_TEST_PANIC_BEFORE_LOGGING").is_some() {
        panic!(
            "test-support: asked to panic before logging is set up (key sk-test-0123456789abcdef)"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_utc_calendar_dates() {
        assert_eq!(utc_timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc_timestamp(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(utc_timestamp(1_798_761_599), "2026-12-31T23:59:59Z");
    }

    #[test]
    fn the_hook_appends_a_redacted_report_to_the_folder_it_is_given() {
        let dir = std::env::temp_dir()
            .join(format!("athena-panic-{}", uuid::Uuid::new_v4()))
            .join("logs");
        let for_hook = dir.clone();
        // The hook is process-wide: install ours for one caught panic only, then put
        // back whatever was there.
        let previous = std::panic::take_hook();
        std::panic::set_hook(panic_hook(move || Some(for_hook.clone())));
        let caught = std::thread::Builder::new()
            .name("reporter".into())
            .spawn(|| {
                std::panic::catch_unwind(|| {
                    panic!("could not parse header Authorization: Bearer sk-live-abcdef123456")
                })
            })
            .expect("spawn")
            .join()
            .expect("join");
        std::panic::set_hook(previous);
        assert!(caught.is_err());

        let report = std::fs::read_to_string(dir.join(PANIC_REPORTS)).expect("report written");
        assert!(report.starts_with("panic at "), "{report}");
        assert!(report.contains("thread: reporter"), "{report}");
        assert!(report.contains("src-tauri/src/logging.rs:"), "{report}");
        assert!(report.contains("could not parse header"), "{report}");
        assert!(!report.contains("sk-live-abcdef123456"), "{report}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode(&dir), 0o700);
            assert_eq!(mode(&dir.join(PANIC_REPORTS)), 0o600);
        }
        std::fs::remove_dir_all(dir.parent().expect("parent")).ok();
    }
}
