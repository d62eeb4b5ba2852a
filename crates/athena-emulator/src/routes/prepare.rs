//! What every execute-like route does before an execution exists: find the agent,
//! apply status faults, read and validate the body, load the conversation history,
//! and finally claim the `Idempotency-Key`.
//!
//! [assumed] Order: host, key, workspace (middleware), agent id (404), status fault,
//! body shape (400), limits (422), idempotency (409). A request refused at any of
//! these steps creates no execution and does not use up its key.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::Path;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use crate::agents::{Agent, AgentKind, parse_bench_count};
use crate::error::ApiError;
use crate::faults::{FAULT_HEADER, FaultSpec};
use crate::request::MAX_BODY_BYTES;
use crate::state::{AppState, lock};

/// [doc] The idempotency header.
pub const IDEMPOTENCY_HEADER: HeaderName = HeaderName::from_static("idempotency-key");

/// [assumed] Longest accepted `Idempotency-Key`.
const MAX_IDEMPOTENCY_KEY: usize = 255;

/// The agent of the path; 404 when unknown.
pub fn agent(
    state: &AppState,
    path: Result<Path<String>, PathRejection>,
) -> Result<Agent, ApiError> {
    let Path(agent_id) = path.map_err(|e| ApiError::bad_request(format!("agent_id: {e}")))?;
    state
        .catalog
        .find(&agent_id)
        .cloned()
        .ok_or_else(|| ApiError::agent_not_found(&agent_id))
}

/// The faults of this request: the agent's, then the header's (open mode only).
pub fn faults(state: &AppState, agent: &Agent, headers: &HeaderMap) -> Result<FaultSpec, ApiError> {
    if !state.faults_enabled {
        return Ok(FaultSpec::default());
    }
    let mut spec = match &agent.fault {
        Some(f) => FaultSpec::parse(f).unwrap_or_default(),
        None => FaultSpec::default(),
    };
    if let Some(h) = headers.get(FAULT_HEADER) {
        let text = h
            .to_str()
            .map_err(|_| ApiError::bad_request("X-Emulator-Fault: must be ASCII"))?;
        let extra = FaultSpec::parse(text)
            .map_err(|e| ApiError::bad_request(format!("X-Emulator-Fault: {e}")))?;
        spec = spec.merged(&extra);
    }
    Ok(spec)
}

/// The `Idempotency-Key` header, checked for shape (400).
pub fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(h) = headers.get(IDEMPOTENCY_HEADER) else {
        return Ok(None);
    };
    match h.to_str() {
        Ok(k) if !k.trim().is_empty() && k.len() <= MAX_IDEMPOTENCY_KEY => Ok(Some(k.to_owned())),
        _ => Err(ApiError::bad_request(
            "Idempotency-Key: must be 1 to 255 visible ASCII characters",
        )),
    }
}

/// The answer of the status fault when this attempt must fail. Attempts are counted
/// per `Idempotency-Key` (or per agent and spec without one).
pub fn status_fault(
    state: &AppState,
    agent: &Agent,
    spec: &FaultSpec,
    key: Option<&str>,
) -> Option<Response> {
    let f = spec.status?;
    if let Some(times) = f.times {
        let counter = match key {
            Some(k) => format!("key|{k}"),
            None => format!("agent|{}|{f:?}", agent.info.id),
        };
        if state.attempt(&counter) > times {
            return None;
        }
    }
    let status = StatusCode::from_u16(f.code).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let mut response = ApiError::new(
        status,
        "emulator_fault",
        format!("X-Emulator-Fault: injected status {}", f.code),
    )
    .into_response();
    if let Some(secs) = f.retry_after {
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(secs));
    }
    Some(response)
}

/// The body as a JSON object (413 over the body limit, 400 otherwise).
pub fn body_object(body: Result<Bytes, BytesRejection>) -> Result<Map<String, Value>, ApiError> {
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::payload_too_large(MAX_BODY_BYTES)
        } else {
            ApiError::bad_request(format!("body: could not be read ({rejection})"))
        }
    })?;
    crate::request::parse_object(&body)
}

/// Agent-specific input checks (the benchmark's event count).
pub fn agent_checks(agent: &Agent, message: &str) -> Result<Option<u64>, ApiError> {
    match agent.kind {
        AgentKind::Bench => parse_bench_count(message).map(Some),
        _ => Ok(None),
    }
}

/// The history of `scope` (422 when archived).
pub fn history(
    state: &AppState,
    scope: Option<&str>,
) -> Result<Vec<crate::script::HistoryEntry>, ApiError> {
    match scope {
        Some(s) => lock(&state.conversations).history(s),
        None => Ok(Vec::new()),
    }
}

/// Whether `key` names an upload of this instance.
pub fn upload_checker(state: &Arc<AppState>) -> impl Fn(&str) -> bool + '_ {
    move |key| lock(&state.uploads).contains(key)
}

/// Claims the key (409 on reuse within 24 h). The last step before an execution.
pub fn claim(state: &AppState, key: Option<&str>) -> Result<(), ApiError> {
    match key {
        Some(k) => state.claim_idempotency_key(k),
        None => Ok(()),
    }
}
