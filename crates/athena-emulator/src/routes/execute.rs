//! `POST /agents/{agent_id}/execute`, `/execute/stream` and `/preview-credits`.

use std::sync::Arc;
use std::time::Instant;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::prepare;
use crate::error::ApiError;
use crate::execution::{bench_script, spawn_bench, spawn_script};
use crate::faults::FaultSpec;
use crate::request::validate;
use crate::runner::{self, Exec, Sink};
use crate::sse::{SseSink, stream_response};
use crate::state::AppState;

/// A validated request whose execution may start.
struct Ready {
    exec: Exec,
    faults: FaultSpec,
    bench_count: Option<u64>,
}

/// Every check before an execution exists, in the documented order.
async fn ready(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    path: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Ready, Box<Response>> {
    let started = Instant::now();
    let boxed = |e: ApiError| Box::new(e.into_response());
    let agent = prepare::agent(state, path).map_err(boxed)?;
    let faults = prepare::faults(state, &agent, headers).map_err(boxed)?;
    let key = prepare::idempotency_key(headers).map_err(boxed)?;
    if let Some(response) = prepare::status_fault(state, &agent, &faults, key.as_deref()) {
        return Err(Box::new(response));
    }
    let checked = (|| {
        let body = prepare::body_object(body)?;
        let input = validate(&body, &agent, "", &prepare::upload_checker(state))?;
        let bench_count = prepare::agent_checks(&agent, &input.message)?;
        let history = prepare::history(state, input.conversation_scope.as_deref())?;
        prepare::claim(state, key.as_deref())?;
        Ok::<_, ApiError>((input, bench_count, history))
    })();
    let (input, bench_count, history) = checked.map_err(boxed)?;
    Ok(Ready {
        exec: Exec::new(agent, input, history, started),
        faults,
        bench_count,
    })
}

/// Streams the execution as SSE.
pub async fn stream(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let Ready {
        exec,
        faults,
        bench_count,
    } = match ready(&state, &headers, path, body).await {
        Ok(r) => r,
        Err(response) => return *response,
    };
    if let Some(hold) = faults.hold_head {
        tokio::time::sleep(hold).await;
    }
    if faults.drop_before_head {
        drop_before_head(&state, exec, bench_count);
    }
    let touches_stream = faults.touches_stream();
    let (sink, rx) = SseSink::new(faults);
    match bench_count {
        Some(count) if !touches_stream => spawn_bench(state.clone(), exec, count, sink),
        Some(count) => spawn_script(state.clone(), exec, bench_script(count), sink),
        None => {
            let script = exec.first_script(&state);
            spawn_script(state.clone(), exec, script, sink);
        }
    }
    stream_response(rx, state.shutdown.clone())
}

/// Runs the execution to its end and answers one JSON object.
pub async fn sync(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let Ready {
        exec,
        faults,
        bench_count,
    } = match ready(&state, &headers, path, body).await {
        Ok(r) => r,
        Err(response) => return *response,
    };
    if faults.drop_before_head {
        drop_before_head(&state, exec, bench_count);
    }
    if let Some((pause, _)) = faults.stall {
        tokio::time::sleep(pause).await;
    }
    let script = match bench_count {
        Some(count) => bench_script(count.min(100_000)),
        None => exec.first_script(&state),
    };
    let execution_id = exec.execution_id.clone();
    match runner::play(&state, exec, script, &mut Sink::Null).await {
        Ok(terminal) => Json(runner::sync_body(&execution_id, &terminal)).into_response(),
        Err(_) => ApiError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the execution stopped before its end",
        )
        .into_response(),
    }
}

/// [doc] Base cost and rule breakdown for `{"inputs":{...}}`; creates no execution and
/// charges nothing.
pub async fn preview_credits(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let agent = prepare::agent(&state, path)?;
    let body = prepare::body_object(body)?;
    let inputs = match body.get("inputs") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(_) => return Err(ApiError::bad_request("inputs: must be a JSON object")),
    };
    if serde_json::to_vec(&inputs).map_or(0, |v| v.len()) > crate::request::MAX_VARIABLES_BYTES {
        return Err(ApiError::unprocessable(
            "inputs: must be at most 16,384 bytes of compact JSON",
        ));
    }
    Ok(Json(json!({"data": agent.preview(&inputs)})))
}

/// The `drop-before-head` fault: the execution runs to its end (and is charged once)
/// as the server would, but its connection is dropped without a response, as when a
/// proxy or the network fails after the request arrived.
fn drop_before_head(state: &Arc<AppState>, exec: Exec, bench_count: Option<u64>) -> ! {
    let script = match bench_count {
        Some(count) => bench_script(count.min(100_000)),
        None => exec.first_script(state),
    };
    let state = state.clone();
    tokio::spawn(async move {
        let _ = runner::play(&state, exec, script, &mut Sink::Null).await;
    });
    // Unwinding the connection's task drops its socket before any byte of a response
    // is written; `resume_unwind` skips the panic hook, so nothing is printed.
    std::panic::resume_unwind(Box::new("drop-before-head fault"))
}
