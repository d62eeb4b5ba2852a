//! `/my/conversations`: create (201 new, 200 the existing active one), archive, and
//! feedback on a message.
//!
//! [assumed] `/my/...` acts for the key's end user: with a workspace key (`wak_...`)
//! there is no end user, so every `/my` route answers 403 `end_user_key_required`.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::prepare;
use crate::error::ApiError;
use crate::state::{AppState, lock};

/// `POST /my/conversations {"agent_id":"agent:..."}`.
pub async fn create(
    State(state): State<Arc<AppState>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    end_user(&state)?;
    let body = prepare::body_object(body)?;
    let agent_id = body
        .get("agent_id")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::unprocessable("agent_id: required string"))?;
    if state.catalog.find(agent_id).is_none() {
        return Err(ApiError::agent_not_found(agent_id));
    }
    let now = state.now_rfc3339();
    let (info, created) = lock(&state.conversations).create(agent_id, now);
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(json!({"data": info}))).into_response())
}

/// `POST /my/conversations/{id}/archive`.
pub async fn archive(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<Value>, ApiError> {
    end_user(&state)?;
    let Path(id) = path.map_err(|e| ApiError::bad_request(format!("conversation_id: {e}")))?;
    let info = lock(&state.conversations).archive(&id)?;
    Ok(Json(json!({"data": info})))
}

/// `POST /my/conversations/{cid}/messages/{mid}/feedback {"value":1|-1}`.
pub async fn feedback(
    State(state): State<Arc<AppState>>,
    path: Result<Path<(String, String)>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    end_user(&state)?;
    let Path((cid, mid)) = path.map_err(|e| ApiError::bad_request(format!("path: {e}")))?;
    let body = prepare::body_object(body)?;
    let value = match body.get("value").and_then(Value::as_i64) {
        Some(1) => 1,
        Some(-1) => -1,
        _ => return Err(ApiError::unprocessable("value: must be 1 or -1")),
    };
    lock(&state.conversations).feedback(&cid, &mid, value)?;
    Ok(Json(
        json!({"data": {"conversation_id": cid, "message_id": mid, "value": value}}),
    ))
}

/// 403 for a workspace key: `/my` needs an end user.
fn end_user(state: &AppState) -> Result<(), ApiError> {
    if state.api_key.starts_with("wak_") {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "end_user_key_required",
            "/my routes act for an end user: use an end-user key (eak_...), not a workspace key",
        ));
    }
    Ok(())
}
