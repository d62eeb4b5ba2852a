//! `POST /agents/{agent_id}/execute/batch`: one execution per item, reported as SSE
//! `batch_started`, one `batch_progress` per item, `batch_completed`.
//!
//! [assumed] Items run one after the other; every item is validated before any runs
//! (one bad item refuses the whole batch with 422 naming `items[i].field`); keys are
//! non-empty and unique; 1 to 100 items; an item whose agent suspends for client
//! tools fails with `client_tools_unsupported`.
//!
//! Emulator controls: each item waits the configured batch item delay before it runs
//! (text pacing applies inside it as in a stream), and an item whose key
//! [`batch_item_fails`] under the request's rate and seed (a `batch-fail` fault, else
//! the config) plays its script but ends with `item_failed` instead of `final`: no
//! output, no charge, nothing persisted.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use uuid::Uuid;

use super::prepare;
use crate::batch_fail::batch_item_fails;
use crate::error::ApiError;
use crate::execution::bench_script;
use crate::request::{ExecuteInput, validate};
use crate::runner::{self, Exec, Sink};
use crate::script::{End, HistoryEntry};
use crate::sse::{SseSink, stream_response};
use crate::state::{AppState, lock};

/// [assumed] Most items per batch.
pub const MAX_BATCH_ITEMS: usize = 100;

/// A validated item.
struct Item {
    key: String,
    input: ExecuteInput,
    history: Vec<HistoryEntry>,
    bench_count: Option<u64>,
}

fn items(
    state: &Arc<AppState>,
    agent: &crate::agents::Agent,
    body: &serde_json::Map<String, Value>,
) -> Result<Vec<Item>, ApiError> {
    let list = body
        .get("items")
        .and_then(Value::as_array)
        .ok_or_else(|| ApiError::bad_request("items: must be an array"))?;
    if list.is_empty() || list.len() > MAX_BATCH_ITEMS {
        return Err(ApiError::unprocessable(format!(
            "items: must hold 1 to {MAX_BATCH_ITEMS} items (got {})",
            list.len()
        )));
    }
    let mut keys = HashSet::new();
    let mut out = Vec::with_capacity(list.len());
    for (i, item) in list.iter().enumerate() {
        let obj = item
            .as_object()
            .ok_or_else(|| ApiError::bad_request(format!("items[{i}]: must be a JSON object")))?;
        let key = match obj.get("key") {
            Some(Value::String(k)) if !k.trim().is_empty() => k.clone(),
            _ => {
                return Err(ApiError::unprocessable(format!(
                    "items[{i}].key: required non-empty string"
                )));
            }
        };
        if !keys.insert(key.clone()) {
            return Err(ApiError::unprocessable(format!(
                "items[{i}].key: \"{key}\" is used twice; keys must be unique"
            )));
        }
        let prefix = format!("items[{i}].");
        let input = validate(obj, agent, &prefix, &prepare::upload_checker(state))?;
        let bench_count = prepare::agent_checks(agent, &input.message)
            .map_err(|e| ApiError::unprocessable(format!("{prefix}{}", e.message)))?;
        let history = prepare::history(state, input.conversation_scope.as_deref())?;
        out.push(Item {
            key,
            input,
            history,
            bench_count,
        });
    }
    Ok(out)
}

/// Validates every item, then streams the batch.
pub async fn batch(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let started = Instant::now();
    let prepared = (|| {
        let agent = prepare::agent(&state, path)?;
        let faults = prepare::faults(&state, &agent, &headers)?;
        let key = prepare::idempotency_key(&headers)?;
        Ok::<_, ApiError>((agent, faults, key))
    })();
    let (agent, faults, key) = match prepared {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    if let Some(response) = prepare::status_fault(&state, &agent, &faults, key.as_deref()) {
        return response;
    }
    let checked = (|| {
        let body = prepare::body_object(body)?;
        let items = items(&state, &agent, &body)?;
        prepare::claim(&state, key.as_deref())?;
        Ok::<_, ApiError>(items)
    })();
    let items = match checked {
        Ok(i) => i,
        Err(e) => return e.into_response(),
    };
    let (failure_rate, failure_seed) = match faults.batch_fail {
        Some(f) => (f.rate, f.seed.unwrap_or(state.batch_seed)),
        None => (state.batch_failure_rate, state.batch_seed),
    };
    let (mut sink, rx) = SseSink::new(faults);
    let task_state = state.clone();
    tokio::spawn(async move {
        let state = task_state;
        let batch_id = format!("batch:{}", Uuid::new_v4());
        let total = items.len();
        let run = async {
            sink.event(&json!({"type": "batch_started", "batch_id": batch_id, "total": total}))
                .await?;
            let (mut completed, mut failed) = (0usize, 0usize);
            let (mut input_tokens, mut output_tokens, mut cost) = (0u64, 0u64, 0u64);
            for item in items {
                if !state.batch_item_delay.is_zero() {
                    tokio::time::sleep(state.batch_item_delay).await;
                }
                let exec = Exec::new(agent.clone(), item.input, item.history, started);
                let execution_id = exec.execution_id.clone();
                let mut script = match item.bench_count {
                    Some(n) => bench_script(n.min(10_000)),
                    None => exec.first_script(&state),
                };
                if batch_item_fails(failure_seed, &item.key, failure_rate) {
                    script.end = End::Error {
                        code: "item_failed".into(),
                        message: format!(
                            "item \"{}\" failed: injected by the emulator (batch failure rate {failure_rate}, seed {failure_seed})",
                            item.key
                        ),
                    };
                }
                let terminal = runner::play(&state, exec, script, &mut Sink::Null).await?;
                let mut progress = json!({"type": "batch_progress", "key": item.key,
                    "execution_id": execution_id});
                if terminal["type"] == "final" && terminal["status"] == "completed" {
                    completed += 1;
                    let output = &terminal["output"];
                    input_tokens += output["usage"]["input_tokens"].as_u64().unwrap_or(0);
                    output_tokens += output["usage"]["output_tokens"].as_u64().unwrap_or(0);
                    cost += output["cost_microdollars"].as_u64().unwrap_or(0);
                    progress["status"] = json!("completed");
                    progress["output"] = output.clone();
                } else {
                    failed += 1;
                    lock(&state.suspended).remove(&execution_id);
                    progress["status"] = json!("failed");
                    progress["error"] = if terminal["type"] == "error" {
                        terminal["error"].clone()
                    } else {
                        json!({"code": "client_tools_unsupported",
                               "message": "this item suspended for client tools, which a batch cannot fulfil"})
                    };
                }
                progress["completed"] = json!(completed);
                progress["failed"] = json!(failed);
                progress["total"] = json!(total);
                sink.event(&progress).await?;
            }
            sink.event(
                &json!({"type": "batch_completed", "batch_id": batch_id, "total": total,
                "succeeded": completed, "failed": failed,
                "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens,
                          "total_tokens": input_tokens + output_tokens},
                "cost_microdollars": cost}),
            )
            .await
        };
        if run.await.is_err() {
            tracing::debug!("batch stream closed before its end");
        }
    });
    stream_response(rx, state.shutdown.clone())
}
