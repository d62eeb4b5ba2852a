//! Checking an agent id the moment the user adds it: a credit preview with no inputs,
//! which creates no execution and costs nothing, answers whether the agent exists and
//! whether the key, the workspace, the base URL and the TLS setup are right, each
//! failure as its own outcome so the UI can say what to fix.

use std::time::Duration;

use athena_api::{ApiError, AthenaClient, PreviewCreditsRequest, ResponseMeta, TlsFailure};
use serde::Serialize;

use crate::CostPreview;
use crate::error::redacted;

/// How long [`check_agent`] waits in all, retries included, before it answers
/// [`AgentCheck::Timeout`].
pub const CHECK_TIME_LIMIT: Duration = Duration::from_secs(30);

/// What checking an agent id found. Server strings are redacted (a key echoed by a
/// server never comes back).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(
    tag = "outcome",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum AgentCheck {
    /// The agent exists and answers; this is its price with no inputs.
    Ok {
        /// The preview.
        preview: CostPreview,
    },
    /// `404`: no agent with this id in the workspace (or an id that cannot be one,
    /// such as `..`).
    UnknownAgent,
    /// `401`: the key is missing, wrong or revoked.
    BadKey,
    /// `403`: the key is not for this workspace (or may not use this agent).
    WrongWorkspace,
    /// No connection: DNS, refused, no route (a wrong base URL or no network).
    Unreachable,
    /// The secure connection failed: an untrusted certificate (a company proxy whose
    /// CA the profile should add), an expired one, one for another host, or not TLS.
    Tls {
        /// What kind of failure.
        kind: TlsFailure,
        /// rustls' description, for the details.
        reason: String,
    },
    /// The server answered with a redirect, which is never followed: the base URL is
    /// likely wrong (`http` for `https`, a missing path prefix).
    Redirect {
        /// The 3xx status.
        status: u16,
        /// Where it pointed, when it said.
        location: Option<String>,
    },
    /// No answer within [`CHECK_TIME_LIMIT`] (or the client's head timeout).
    Timeout,
    /// Any other refusal.
    Refused {
        /// The HTTP status.
        status: u16,
        /// The server's error code, if any.
        server_code: Option<String>,
        /// The server's sentence, if any.
        server_message: Option<String>,
    },
    /// A success answer that is not a credit preview (e.g. an HTML page from a proxy,
    /// or a server that is not Athena).
    Unexpected {
        /// What could not be read, technically.
        reason: String,
    },
}

/// Checks `agent_id` with a free credit preview (no inputs), within
/// [`CHECK_TIME_LIMIT`].
pub async fn check_agent(client: &AthenaClient, agent_id: &str) -> AgentCheck {
    check_agent_within(client, agent_id, CHECK_TIME_LIMIT)
        .await
        .0
}

/// [`check_agent`] with its own time limit, also returning the headers of the
/// server's answer, when there was one carrying them (credits left, app version: give
/// them to [`crate::AccountStatus::observe`]).
pub async fn check_agent_within(
    client: &AthenaClient,
    agent_id: &str,
    limit: Duration,
) -> (AgentCheck, Option<ResponseMeta>) {
    let request = PreviewCreditsRequest::default();
    match tokio::time::timeout(limit, client.preview_credits(agent_id, &request)).await {
        Err(_) => (AgentCheck::Timeout, None),
        Ok(Ok(answer)) => (
            AgentCheck::Ok {
                preview: answer.data.into(),
            },
            Some(answer.meta),
        ),
        Ok(Err(err)) => {
            let meta = err.meta().cloned();
            tracing::debug!(error = %redacted(err.to_string()), "agent check failed");
            (AgentCheck::from(err), meta)
        }
    }
}

impl From<ApiError> for AgentCheck {
    fn from(err: ApiError) -> Self {
        match err {
            // The only validation of a preview with no inputs is the agent id's.
            ApiError::Validation(_) => Self::UnknownAgent,
            ApiError::Transport(_) => Self::Unreachable,
            ApiError::Tls { kind, reason } => Self::Tls {
                kind,
                reason: redacted(reason),
            },
            ApiError::Timeout { .. } => Self::Timeout,
            ApiError::Redirect { status, location } => Self::Redirect {
                status,
                location: location.map(redacted),
            },
            ApiError::Http { status: 401, .. } => Self::BadKey,
            ApiError::Http { status: 403, .. } => Self::WrongWorkspace,
            ApiError::Http { status: 404, .. } => Self::UnknownAgent,
            ApiError::Http { status, body, .. }
            | ApiError::RetryAfterTooLong { status, body, .. } => Self::Refused {
                status,
                server_code: body.code.map(redacted),
                server_message: body.message.map(redacted),
            },
            ApiError::IdempotencyConflict { body, .. } => Self::Refused {
                status: 409,
                server_code: body.code.map(redacted),
                server_message: body.message.map(redacted),
            },
            ApiError::Decode { path, message, .. } => Self::Unexpected {
                reason: redacted(format!("{path}: {message}")),
            },
            ApiError::UnexpectedContentType {
                status,
                content_type,
                ..
            } => Self::Unexpected {
                reason: redacted(format!("HTTP {status} with {content_type:?}")),
            },
            err @ (ApiError::File { .. }
            | ApiError::EventTooLarge { .. }
            | ApiError::StreamEndedEarly { .. }) => Self::Unexpected {
                reason: redacted(err.to_string()),
            },
        }
    }
}
