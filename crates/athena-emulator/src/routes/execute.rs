//! `POST /agents/{agent_id}/execute/stream`.
//!
//! Order of checks [assumed]: host, key, workspace (middleware), then agent id (404),
//! body shape (400), `message` limits and agent-specific input (422).

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use crate::agents::{AgentKind, parse_bench_count};
use crate::error::ApiError;
use crate::execution::{self, Plan};
use crate::request::{ExecuteRequest, MAX_BODY_BYTES};
use crate::sse::stream_response;
use crate::state::AppState;

/// Validates the request, starts the execution and answers with its event stream.
pub async fn stream(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let started = Instant::now();
    let Path(agent_id) = path.map_err(|e| ApiError::bad_request(format!("agent_id: {e}")))?;
    let kind = state
        .catalog
        .find(&agent_id)
        .ok_or_else(|| ApiError::agent_not_found(&agent_id))?;
    let body = body.map_err(body_error)?;
    let message = ExecuteRequest::parse(&body)?.into_message()?;
    let plan = match kind {
        AgentKind::Bench => Plan::Bench {
            count: parse_bench_count(&message)?,
            message,
        },
        AgentKind::DemoChat | AgentKind::Echo => Plan::Scripted { kind, message },
    };
    let chunks = execution::spawn(state.clone(), plan, started);
    Ok(stream_response(chunks, state.shutdown.clone()))
}

/// Maps a failure to read the body to the JSON error shape.
fn body_error(rejection: BytesRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::payload_too_large(MAX_BODY_BYTES)
    } else {
        ApiError::bad_request(format!("body: could not be read ({rejection})"))
    }
}
