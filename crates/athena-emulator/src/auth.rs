//! Who may talk to the emulator: the `Host` check, the key and workspace check, and
//! the headers every authenticated response carries.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::HOST;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::state::{APP_VERSION, AppState};

/// [doc] Header carrying the API key.
pub const API_KEY_HEADER: HeaderName = HeaderName::from_static("x-api-key");
/// [doc] Header carrying the workspace id (request and response).
pub const WORKSPACE_HEADER: HeaderName = HeaderName::from_static("x-workspace-id");
/// [doc] Response header: credits left in the workspace.
pub const CREDITS_HEADER: HeaderName = HeaderName::from_static("x-credits-remaining");
/// [doc] Response header: the workspace's published AppVersion id.
pub const APP_VERSION_HEADER: HeaderName = HeaderName::from_static("x-app-version");

/// Middleware for every route: when the host is strict, refuses (403 `invalid_host`) a
/// request whose `Host` is not exactly `127.0.0.1:{port}`, so a web page reaching the
/// port through a rebound DNS name cannot use it.
pub async fn check_host(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(required) = &state.required_host {
        let host = request.headers().get(HOST).and_then(|h| h.to_str().ok());
        if host != Some(required.as_str()) {
            return ApiError::invalid_host(format!("Host: must be {required}")).into_response();
        }
    }
    next.run(request).await
}

/// Middleware for execution routes: 401 when `X-API-Key` is missing or wrong, 403 when
/// `X-Workspace-Id` is missing or not this workspace. Past that, every response
/// (errors included) carries `X-Credits-Remaining`, `X-App-Version` and `X-Workspace-Id`.
pub async fn require_key_and_workspace(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    guarded(&state, request, next, true).await
}

/// Middleware for the other API routes (tool results, uploads, `/my/...`): 401 as
/// above; `X-Workspace-Id` is [assumed] optional there, but 403 when sent and wrong.
/// Adds the same response headers.
pub async fn require_key(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    guarded(&state, request, next, false).await
}

async fn guarded(
    state: &AppState,
    request: Request,
    next: Next,
    workspace_required: bool,
) -> Response {
    if let Err(error) = authorize(state, request.headers(), workspace_required) {
        return error.into_response();
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(CREDITS_HEADER, HeaderValue::from(state.ledger.remaining()));
    headers.insert(APP_VERSION_HEADER, HeaderValue::from_static(APP_VERSION));
    headers.insert(WORKSPACE_HEADER, state.workspace_header.clone());
    response
}

/// Checks the key, then the workspace (when required or sent).
fn authorize(
    state: &AppState,
    headers: &HeaderMap,
    workspace_required: bool,
) -> Result<(), ApiError> {
    let key = headers
        .get(API_KEY_HEADER)
        .ok_or_else(|| ApiError::unauthorized("X-API-Key: header is required"))?;
    if !constant_time_eq(key.as_bytes(), state.api_key.as_bytes()) {
        return Err(ApiError::unauthorized(
            "X-API-Key: this key is not accepted by this server",
        ));
    }
    let Some(workspace) = headers.get(WORKSPACE_HEADER) else {
        if !workspace_required {
            return Ok(());
        }
        return Err(ApiError::forbidden("X-Workspace-Id: header is required"));
    };
    if workspace.as_bytes() != state.workspace_id.as_bytes() {
        return Err(ApiError::forbidden(format!(
            "X-Workspace-Id: this key is for workspace \"{}\"",
            state.workspace_id
        )));
    }
    Ok(())
}

/// Equality whose time does not depend on where the inputs first differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::EmulatorConfig;
    use crate::shutdown;

    fn state() -> AppState {
        let (_t, signal) = shutdown::channel();
        AppState::new(&EmulatorConfig::default(), 1, signal).expect("valid config")
    }

    fn headers(pairs: &[(HeaderName, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(n, v)| (n.clone(), HeaderValue::from_static(v)))
            .collect()
    }

    #[test]
    fn key_then_workspace() {
        let s = state();
        let e = authorize(&s, &headers(&[]), true).expect_err("no key");
        assert_eq!((e.status.as_u16(), e.code), (401, "unauthorized"));
        let e =
            authorize(&s, &headers(&[(API_KEY_HEADER, "eak_other")]), true).expect_err("bad key");
        assert_eq!(e.status.as_u16(), 401);
        let e = authorize(&s, &headers(&[(API_KEY_HEADER, "eak_demo_local")]), true)
            .expect_err("no workspace");
        assert!(authorize(&s, &headers(&[(API_KEY_HEADER, "eak_demo_local")]), false).is_ok());
        assert_eq!((e.status.as_u16(), e.code), (403, "forbidden"));
        let ok = headers(&[
            (API_KEY_HEADER, "eak_demo_local"),
            (WORKSPACE_HEADER, "workspace:demo"),
        ]);
        assert!(authorize(&s, &ok, true).is_ok());
    }

    #[test]
    fn constant_time_eq_compares() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
