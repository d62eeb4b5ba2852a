//! Integration tests: a real emulator on a loopback port, driven with raw HTTP (reqwest).
#![allow(clippy::unwrap_used)]

mod agents;
mod auth;
mod batch;
mod bench;
mod contract;
mod endpoints;
mod faults;
mod fixtures;
mod fuzz;
mod idempotency;
mod lifecycle;
mod limits;
mod scenario;
mod stream;
mod support;
mod tools;
mod uploads;
