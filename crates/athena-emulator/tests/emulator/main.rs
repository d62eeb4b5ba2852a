//! Integration tests: a real emulator on a loopback port, driven with reqwest.
#![allow(clippy::unwrap_used)]

mod auth;
mod bench;
mod lifecycle;
mod limits;
mod stream;
mod support;
