//! Structured logs: a daily-rotating file in the app's log folder (and stderr), with
//! every secret removed before a line is written.

use std::io::{self, Write};
use std::path::Path;

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

/// Replaces the default panic output with a redacted report in the log (a panic
/// message can quote data: a URL, a header). The stack trace stays out of anything
/// the user is shown.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(no message)".into());
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let thread = std::thread::current();
        tracing::error!(
            thread = thread.name().unwrap_or("unnamed"),
            location,
            message = %redact_secrets(&message),
            "panic"
        );
    }));
}
