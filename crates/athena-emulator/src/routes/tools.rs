//! `POST /executions/{execution_id}/tool-result`: a client tool's outcome.
//!
//! [doc] The last fulfilled call resumes the execution; with `Accept:
//! text/event-stream` its response is the resumed execution as SSE (`start` with the
//! same `execution_id` ... the real `final`). [assumed] Earlier posts answer `202
//! {"data":{"pending":N}}` whatever their `Accept`; the last one without that `Accept`
//! answers the sync JSON of the finished execution.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::header::ACCEPT;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::prepare;
use crate::error::ApiError;
use crate::execution::spawn_script;
use crate::runner::{self, Sink};
use crate::script::ToolOutcome;
use crate::sse::{SseSink, stream_response};
use crate::state::{AppState, lock};

/// Records the outcome; resumes the execution when it was the last one pending.
pub async fn tool_result(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    match record(&state, &headers, path, body) {
        Ok(Recorded::Pending(n)) => {
            (StatusCode::ACCEPTED, Json(json!({"data": {"pending": n}}))).into_response()
        }
        Ok(Recorded::Resume(suspended, faults)) => {
            let wants_sse = headers
                .get(ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/event-stream"));
            let (exec, script) = runner::resume(&state, *suspended);
            if wants_sse {
                let (sink, rx) = SseSink::new(faults);
                spawn_script(state.clone(), exec, script, sink);
                return stream_response(rx, state.shutdown.clone());
            }
            let execution_id = exec.execution_id.clone();
            match runner::play(&state, exec, script, &mut Sink::Null).await {
                Ok(terminal) => Json(runner::sync_body(&execution_id, &terminal)).into_response(),
                Err(_) => ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the execution stopped before its end",
                )
                .into_response(),
            }
        }
        Err(e) => e.into_response(),
    }
}

enum Recorded {
    Pending(usize),
    Resume(Box<runner::Suspended>, crate::faults::FaultSpec),
}

fn record(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    path: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Recorded, ApiError> {
    let Path(execution_id) =
        path.map_err(|e| ApiError::bad_request(format!("execution_id: {e}")))?;
    let body = prepare::body_object(body)?;
    let tool_call_id = body
        .get("tool_call_id")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::unprocessable("tool_call_id: required non-empty string"))?;
    let success = match body.get("outcome").and_then(Value::as_str) {
        Some("success") => true,
        Some("error") => false,
        _ => {
            return Err(ApiError::unprocessable(
                "outcome: must be \"success\" or \"error\"",
            ));
        }
    };
    let result = body.get("result").cloned().unwrap_or(Value::Null);
    let mut suspended = lock(&state.suspended);
    let entry = suspended.get_mut(&execution_id).ok_or_else(|| {
        ApiError::unknown_id("execution_id", &execution_id).with_code("execution_not_found")
    })?;
    let faults = prepare::faults(state, &entry.exec.agent, headers)?;
    let index = entry
        .calls
        .iter()
        .position(|c| c.tool_call_id == tool_call_id)
        .ok_or_else(|| ApiError::unknown_id("tool_call_id", tool_call_id))?;
    if entry.outcomes[index].is_some() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "tool_call_already_answered",
            format!("tool_call_id: {tool_call_id} already has a result"),
        ));
    }
    entry.outcomes[index] = Some(ToolOutcome {
        call: entry.calls[index].clone(),
        success,
        result,
    });
    let pending = entry.outcomes.iter().filter(|o| o.is_none()).count();
    if pending > 0 {
        return Ok(Recorded::Pending(pending));
    }
    let done = suspended
        .remove(&execution_id)
        .ok_or_else(|| ApiError::unknown_id("execution_id", &execution_id))?;
    Ok(Recorded::Resume(Box::new(done), faults))
}
