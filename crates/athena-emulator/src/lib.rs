//! A local server implementing the server side of the Athena agent-execution API, written
//! from `athena-api.md` and independent of the client crates.
//!
//! It backs the app's demo workspace (strict host check, random key), the end-to-end
//! tests and the streaming benchmark. Implemented so far: `POST
//! /agents/{agent_id}/execute/stream` with `start`, `text` and `final` events, key,
//! workspace and host checks, the `message` limits, and the scripted agents of
//! [`AgentInfo`] ids `agent:demo-chat`, `agent:demo-echo` and `agent:bench`.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use athena_emulator::{Emulator, EmulatorConfig};
//! let server = Emulator::start(EmulatorConfig::default()).await?;
//! println!("{} key {}", server.base_url(), server.api_key());
//! server.stop().await;
//! # Ok(()) }
//! ```

mod agents;
mod auth;
mod billing;
mod config;
mod error;
mod events;
mod execution;
mod request;
mod routes;
mod server;
mod shutdown;
mod sse;
mod state;

pub use agents::{AgentInfo, BENCH_ID, DEMO_CHAT_ID, DEMO_ECHO_ID};
pub use config::{DEFAULT_API_KEY, DEFAULT_WORKSPACE_ID, EmulatorConfig};
pub use server::{Emulator, EmulatorHandle};
