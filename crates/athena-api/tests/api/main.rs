//! athena-api against mock servers: every endpoint, faults, SSE parsing, logs, uploads,
//! idempotency, redirects, tolerant reading, the reference's own examples.
#![allow(clippy::unwrap_used)]

mod against_emulator;
mod answers;
mod endpoints;
mod faults;
mod fuzz_corpus;
mod idempotency;
mod logs;
mod media_download;
mod proxy;
mod redirects;
mod seed;
mod sse_parsing;
mod support;
mod tls;
mod tolerance;
mod uploads;
