//! The HTTP surface: one module per route group, wired here with the host and auth layers.

mod batch;
mod conversations;
mod execute;
mod prepare;
mod tools;
mod uploads;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::Uri;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};

use crate::auth;
use crate::error::ApiError;
use crate::request::MAX_BODY_BYTES;
use crate::state::AppState;

/// The emulator's router. Every route passes the host check; execution routes need
/// the key and the workspace; the other API routes need the key (and a matching
/// workspace when one is sent); `/media/...` needs neither.
pub fn router(state: Arc<AppState>) -> Router {
    let execution = Router::new()
        .route("/agents/{agent_id}/execute", post(execute::sync))
        .route("/agents/{agent_id}/execute/stream", post(execute::stream))
        .route("/agents/{agent_id}/execute/batch", post(batch::batch))
        .route_layer(from_fn_with_state(
            state.clone(),
            auth::require_key_and_workspace,
        ));
    // preview-credits creates no execution, and the reference's example sends the key
    // alone: it is accepted as printed (a workspace id, when sent, must match).
    let keyed = Router::new()
        .route(
            "/agents/{agent_id}/preview-credits",
            post(execute::preview_credits),
        )
        .route(
            "/executions/{execution_id}/tool-result",
            post(tools::tool_result),
        )
        .route(
            "/attachments/upload",
            post(uploads::upload).layer(DefaultBodyLimit::disable()),
        )
        .route("/my/conversations", post(conversations::create))
        .route(
            "/my/conversations/{conversation_id}/archive",
            post(conversations::archive),
        )
        .route(
            "/my/conversations/{conversation_id}/messages/{message_id}/feedback",
            post(conversations::feedback),
        )
        .route_layer(from_fn_with_state(state.clone(), auth::require_key));
    Router::new()
        .merge(execution)
        .merge(keyed)
        .route("/media/{name}", get(uploads::media))
        .fallback(|uri: Uri| async move { ApiError::route_not_found(uri.path()) })
        .method_not_allowed_fallback(|| async { ApiError::method_not_allowed() })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(from_fn_with_state(state.clone(), auth::check_host))
        .with_state(state)
}
