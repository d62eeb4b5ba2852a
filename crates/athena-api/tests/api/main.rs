//! athena-api against mock servers: every endpoint, faults, SSE parsing, logs, uploads.
#![allow(clippy::unwrap_used)]

mod against_emulator;
mod endpoints;
mod faults;
mod fuzz_corpus;
mod logs;
mod proxy;
mod sse_parsing;
mod support;
mod uploads;
