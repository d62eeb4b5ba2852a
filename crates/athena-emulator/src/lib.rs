//! A local server implementing the server side of the Athena agent-execution API, written
//! from `athena-api.md` and independent of the client crates.
//!
//! It backs the app's demo workspace (strict host check, random key), the end-to-end
//! tests and the benchmarks. It serves every endpoint of the contract (execute, stream,
//! batch, preview-credits, tool-result, attachments upload, conversations, feedback)
//! with every documented limit, idempotency keys, credits, client-tool suspension, and
//! scripted agents covering every event type; outside strict mode it also offers
//! fault injection, scenario agents and seeded batch item failures
//! ([`batch_item_fails`]). See the crate README for the behaviour table.
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
mod attachments;
mod auth;
mod batch_fail;
mod billing;
mod clock;
mod config;
mod conversations;
mod error;
mod execution;
mod faults;
mod media;
mod request;
mod routes;
mod runner;
mod scenario;
mod script;
mod server;
mod shutdown;
mod sse;
mod state;

pub use agents::{
    AgentInfo, BENCH_ID, CLIENT_TOOLS_ID, DEMO_CHAT_ID, DEMO_ECHO_ID, MARKDOWN_ID, MEDIA_ID,
    MEMORY_ID, STRUCTURED_ID, VariableInfo, VariableKind, WIZARD_ID, WORKFLOW_ID, agents_file,
};
pub use batch_fail::{DEFAULT_BATCH_SEED, batch_item_fails, parse_batch_failure_rate};
pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{DEFAULT_API_KEY, DEFAULT_WORKSPACE_ID, EmulatorConfig};
pub use faults::{BatchFailFault, FaultSpec};
pub use scenario::{ScenarioAgent, ScenarioEnd, ScenarioError, ScenarioFile, ScenarioStep};
pub use server::{Emulator, EmulatorHandle};
