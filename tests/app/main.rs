//! The app crate's integration tests: bindings freshness and the command registry.

mod bindings;
mod commands;
