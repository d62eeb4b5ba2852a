//! Integration tests: core's executions against a real emulator over loopback HTTP.
#![allow(clippy::unwrap_used)]

mod agents_file;
mod coalescing;
mod conversations;
mod failures;
mod history;
mod history_crash;
mod panics;
mod runner;
mod streaming;
mod support;
