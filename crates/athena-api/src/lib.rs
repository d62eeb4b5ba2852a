//! Typed client for the Athena agent-execution API.
//!
//! This crate is the one place that speaks HTTP to Athena. It knows nothing of Tauri
//! or of the UI: it turns requests into HTTP calls and SSE byte streams into typed
//! [`ExecutionEvent`]s, and every failure into an [`ApiError`] a caller can match.
//!
//! The contract it implements is `shared/athena-api.md`. One module per API group:
//! [`execute`] (sync and stream), [`batch`], [`credits`], [`tool_results`],
//! [`attachments`], [`conversations`]; the wire assumptions (`[assumed]` lines of the
//! contract) live in [`events`], [`batch`], [`error`] and [`retry`], and the tolerant
//! readers for the payload fields it leaves open in one private module, `lenient`.
//!
//! Behaviour under faults: calls are retried with exponential backoff and jitter on
//! connection failures without a response (even after the request went out), 408, 429
//! (honouring `Retry-After`), 500, 502, 503 and 504 only ([`RetryPolicy`]); execute
//! calls carry one `Idempotency-Key` reused by every retry, and a `409` is
//! [`ApiError::IdempotencyConflict`]. A stream is retried only before it started, never
//! after; a started stream may be silent up to [`ClientConfig::silence_limit`]. Redirects
//! are never followed ([`ApiError::Redirect`]); loopback hosts never go through a proxy
//! ([`bypasses_proxy`]). Certificates are checked against the OS trust store plus a
//! profile's own CAs ([`CaCertificate`]); a failed check is [`ApiError::Tls`], not an
//! unreachable server.

pub mod api_key;
pub mod attachments;
pub mod batch;
mod ca;
mod client;
mod config;
pub mod conversations;
pub mod credits;
pub mod error;
pub mod events;
pub mod execute;
mod lenient;
pub mod media_download;
mod proxy;
mod response_meta;
pub mod retry;
pub mod sse;
mod stream;
mod tls;
pub mod tool_results;
pub mod validation;

pub use api_key::ApiKey;
pub use attachments::{UploadProgress, UploadedFile};
pub use batch::{BatchEvent, BatchItem, BatchRequest, BatchStream};
pub use ca::{CaCertificate, CaCertificateProblem, CaSummary, MAX_CA_FILE_BYTES};
pub use client::{ApiResponse, AthenaClient};
pub use config::ClientConfig;
pub use conversations::{Conversation, Feedback};
pub use credits::{CreditsPreview, PreviewCreditsRequest};
pub use error::{ApiError, ServerErrorBody};
pub use events::{
    DecodeProblem, ExecutionEvent, ExecutionOutput, ExecutionStatus, FinalEvent, Media, NodeEvent,
    Usage, decode_sse_bytes,
};
pub use execute::{AttachmentRef, ClientTool, ExecuteRequest, ExecutionResult};
pub use media_download::{
    DEFAULT_MAX_MEDIA_BYTES, DownloadError, DownloadedMedia, MediaDownloader,
};
pub use proxy::bypasses_proxy;
pub use response_meta::ResponseMeta;
pub use retry::{RetryPolicy, Sleeper};
pub use stream::ExecutionStream;
pub use tls::TlsFailure;
pub use tool_results::{ToolResultRequest, ToolResultResponse};
pub use validation::{ValidationError, ValidationRule};
