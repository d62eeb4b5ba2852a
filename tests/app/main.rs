//! The app crate's integration tests: bindings freshness, the command registry, the
//! security walls (configuration, the IPC path, logs).

mod bindings;
mod commands;
mod ipc;
mod logs;
mod security_config;
