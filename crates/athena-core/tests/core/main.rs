//! Integration tests: core's executions against a real emulator over loopback HTTP.
#![allow(clippy::unwrap_used)]

mod agent_check;
mod agents_file;
mod attachments;
mod attention;
mod batch_input;
mod batch_model;
mod batch_runs;
mod client_tools;
mod coalescing;
mod command_tools;
mod conversations;
mod conversations_at_scale;
mod costs;
mod failures;
mod history;
mod history_batch;
mod history_crash;
mod history_profiles;
mod keychain;
mod mcp;
mod media;
mod own_tools;
mod panics;
mod profiles;
mod runner;
mod settings;
mod streaming;
mod support;
mod workspace_profiles;
