//! Running a command tool: the program is started directly (never through a shell),
//! in a process group of its own (a job object on Windows), so that a run that
//! overruns its time or output limit is killed whole, children included.
//!
//! The call's arguments are written to standard input as JSON, then it is closed;
//! standard output is read up to the limit and must be one JSON value; standard
//! error is kept up to [`STDERR_KEPT_BYTES`] for the failure message.

use std::io::{self, Read, Write};
use std::process::{ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use process_wrap::std::{ChildWrapper, CommandWrap};
use serde_json::Value;

use super::spec::CommandToolSpec;
use crate::tools::ToolFailure;

/// The most standard error kept for a failure message, in bytes.
pub const STDERR_KEPT_BYTES: usize = 4 * 1024;
/// The most output quoted in a failure message, in characters.
const QUOTED_CHARS: usize = 300;
/// How often the process is checked on while nothing else happens.
const POLL: Duration = Duration::from_millis(20);

/// What the reader of standard output tells the waiting thread.
enum Stdout {
    /// It ended (or failed) with this much output, within the limit.
    Closed(Vec<u8>),
    /// More than the limit was printed: the run must be killed.
    Overflowed,
}

/// Runs `spec`'s program with `input` on its standard input and parses its output.
///
/// # Errors
/// A [`ToolFailure`] saying why: the program was not found or could not start, it
/// overran its time or output limit (it was killed), it exited with a failure code,
/// or its output was not JSON.
pub fn run_command(spec: &CommandToolSpec, input: &[u8]) -> Result<Value, ToolFailure> {
    let mut child = spawn(spec)?;
    let stdin = child.stdin().take();
    let stdout = child.stdout().take();
    let stderr = child.stderr().take();
    let writer = stdin.map(|mut pipe| {
        let input = input.to_vec();
        // A program that does not read its input makes this fail (broken pipe) or
        // block until it ends: neither is the call's failure.
        thread::spawn(move || {
            let _ = pipe.write_all(&input);
        })
    });
    let limit = spec.output_limit_bytes as usize;
    let (sender, events) = mpsc::channel();
    if let Some(pipe) = stdout {
        thread::spawn(move || {
            let _ = sender.send(read_stdout(pipe, limit));
        });
    }
    let errors = stderr.map(|pipe| thread::spawn(move || read_capped(pipe, STDERR_KEPT_BYTES)));

    let timeout = Duration::from_secs(u64::from(spec.timeout_secs));
    let deadline = Instant::now() + timeout;
    let mut output = None;
    let status = loop {
        if output.is_none() {
            match events.recv_timeout(POLL) {
                Ok(Stdout::Closed(bytes)) => output = Some(bytes),
                Ok(Stdout::Overflowed) => {
                    kill(child.as_mut());
                    return Err(ToolFailure::new(format!(
                        "The command tool printed more than its output limit of {} and was stopped.",
                        bytes_text(limit)
                    )));
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => output = Some(Vec::new()),
            }
        } else {
            thread::sleep(POLL);
        }
        if output.is_some() {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) => {}
                Err(err) => {
                    kill(child.as_mut());
                    return Err(ToolFailure::new(format!(
                        "The command tool's process could not be watched: {err}."
                    )));
                }
            }
        }
        if Instant::now() >= deadline {
            kill(child.as_mut());
            return Err(ToolFailure::new(format!(
                "The command tool did not finish within its time limit of {} s and was stopped.",
                spec.timeout_secs
            )));
        }
    };
    // Whatever the program left running in its group ends with the call (and lets go
    // of the pipes the readers wait on).
    kill(child.as_mut());
    if let Some(writer) = writer {
        let _ = writer.join();
    }
    let stderr = errors
        .and_then(|reader| reader.join().ok())
        .unwrap_or_default();
    finish(status, &output.unwrap_or_default(), &stderr)
}

fn spawn(spec: &CommandToolSpec) -> Result<Box<dyn ChildWrapper>, ToolFailure> {
    let mut command = CommandWrap::with_new(&spec.executable, |command| {
        command
            .args(&spec.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
    });
    #[cfg(unix)]
    command.wrap(process_wrap::std::ProcessGroup::leader());
    #[cfg(windows)]
    command.wrap(process_wrap::std::JobObject);
    command.spawn().map_err(|err| {
        let program = &spec.executable;
        ToolFailure::new(match err.kind() {
            io::ErrorKind::NotFound if program.contains(['/', '\\']) => {
                format!("The program {program} does not exist.")
            }
            io::ErrorKind::NotFound => {
                format!("The program {program:?} was not found in PATH.")
            }
            io::ErrorKind::PermissionDenied => {
                format!("The program {program} may not be run (it is not executable).")
            }
            _ => format!("The program {program} could not start: {err}."),
        })
    })
}

/// Kills the whole group; an error means it had already ended.
fn kill(child: &mut dyn ChildWrapper) {
    if child.start_kill().is_ok() {
        let _ = child.wait();
    }
}

fn read_stdout(pipe: impl Read, limit: usize) -> Stdout {
    // One byte past the limit is enough to know it was overrun.
    let mut kept = Vec::new();
    let mut pipe = pipe.take(limit as u64 + 1);
    let _ = pipe.read_to_end(&mut kept);
    if kept.len() > limit {
        Stdout::Overflowed
    } else {
        Stdout::Closed(kept)
    }
}

/// Reads up to `cap` bytes, then drains the rest so the writer never blocks.
fn read_capped(mut pipe: impl Read, cap: usize) -> Vec<u8> {
    let mut kept = Vec::new();
    let _ = (&mut pipe).take(cap as u64).read_to_end(&mut kept);
    let _ = io::copy(&mut pipe, &mut io::sink());
    kept
}

fn finish(status: ExitStatus, stdout: &[u8], stderr: &[u8]) -> Result<Value, ToolFailure> {
    let said = quoted(stderr);
    if !status.success() {
        let how = status.code().map_or_else(
            || "was ended by a signal".to_owned(),
            |code| format!("exited with code {code}"),
        );
        return Err(ToolFailure::new(if said.is_empty() {
            format!("The command tool {how}.")
        } else {
            format!("The command tool {how}: {said}")
        }));
    }
    if stdout.iter().all(u8::is_ascii_whitespace) {
        return Err(ToolFailure::new(
            "The command tool printed nothing; it must print its result as JSON.",
        ));
    }
    serde_json::from_slice(stdout).map_err(|err| {
        ToolFailure::new(format!(
            "The command tool's output is not JSON ({err}); it began: {}",
            quoted(stdout)
        ))
    })
}

/// Text for a message: lossy UTF-8, trimmed, cut to [`QUOTED_CHARS`].
fn quoted(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim();
    let mut cut: String = text.chars().take(QUOTED_CHARS).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    cut
}

fn bytes_text(bytes: usize) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MiB", bytes / (1024 * 1024))
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}
