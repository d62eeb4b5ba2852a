//! The HTTP surface: one module per route group, wired here with the host and auth layers.

mod execute;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::Uri;
use axum::middleware::from_fn_with_state;
use axum::routing::post;

use crate::auth;
use crate::error::ApiError;
use crate::request::MAX_BODY_BYTES;
use crate::state::AppState;

/// The emulator's router. Every route passes the host check; execution routes also
/// need the key and the workspace.
pub fn router(state: Arc<AppState>) -> Router {
    let execution = Router::new()
        .route("/agents/{agent_id}/execute/stream", post(execute::stream))
        .route_layer(from_fn_with_state(
            state.clone(),
            auth::require_key_and_workspace,
        ));
    Router::new()
        .merge(execution)
        .fallback(|uri: Uri| async move { ApiError::route_not_found(uri.path()) })
        .method_not_allowed_fallback(|| async { ApiError::method_not_allowed() })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(from_fn_with_state(state.clone(), auth::check_host))
        .with_state(state)
}
