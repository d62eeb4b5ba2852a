//! Typed client for the Athena agent-execution API.
//!
//! This crate is the one place that speaks HTTP to Athena. It knows nothing of Tauri
//! or of the UI: it turns requests into HTTP calls and SSE byte streams into typed
//! [`ExecutionEvent`]s, and every failure into an [`ApiError`] a caller can match.
//!
//! The contract it implements is `shared/athena-api.md`; every `[assumed]` line of
//! that contract that shapes the wire format lives in [`events`] or [`error`].

mod api_key;
mod client;
mod config;
pub mod error;
pub mod events;
pub mod execute;
mod response_meta;
mod stream;
mod transport;
pub mod validation;

pub use api_key::ApiKey;
pub use client::AthenaClient;
pub use config::ClientConfig;
pub use error::{ApiError, ServerErrorBody};
pub use events::{ExecutionEvent, ExecutionOutput, ExecutionStatus, FinalEvent, Usage};
pub use execute::ExecuteRequest;
pub use response_meta::ResponseMeta;
pub use stream::ExecutionStream;
pub use validation::{ValidationError, ValidationRule};
