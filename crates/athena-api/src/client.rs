use std::sync::Arc;

use eventsource_client::{ClientBuilder, ReconnectOptions};

use crate::transport::ReqwestTransport;
use crate::{ApiError, ClientConfig, ExecuteRequest, ExecutionStream};

/// A client for one Athena workspace. Cheap to clone; clones share connections.
#[derive(Debug, Clone)]
pub struct AthenaClient {
    config: Arc<ClientConfig>,
    http: reqwest::Client,
}

impl AthenaClient {
    /// Builds the HTTP stack: connect timeout from the config, system proxy settings
    /// and the OS trust store (reqwest's rustls with the platform verifier), and no
    /// redirects (a redirected POST could re-send an execution).
    pub fn new(config: ClientConfig) -> Result<Self, ApiError> {
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("athena-desktop/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ApiError::Transport(e.to_string()))?;
        Ok(Self {
            config: Arc::new(config),
            http,
        })
    }

    /// The settings this client was built with.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Starts a streaming execution: `POST /agents/{agent_id}/execute/stream`.
    ///
    /// The request is validated first ([`ApiError::Validation`], nothing sent). The
    /// `idempotency_key` identifies the user action: pass the same key when the same
    /// action is tried again; `None` generates one (see
    /// [`ExecutionStream::idempotency_key`]). The SSE layer never reconnects: a POST
    /// that starts an execution must not be re-sent behind the caller's back.
    pub fn execute_stream(
        &self,
        agent_id: &str,
        request: &ExecuteRequest,
        idempotency_key: Option<String>,
    ) -> Result<ExecutionStream, ApiError> {
        request.validate()?;
        let body = serde_json::to_string(request).map_err(|e| ApiError::Decode {
            path: String::new(),
            message: e.to_string(),
            raw: String::new(),
        })?;
        let idempotency_key = idempotency_key.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let url = format!(
            "{}/agents/{}/execute/stream",
            self.config.base_url,
            encode_path_segment(agent_id)
        );
        let invalid =
            |e: eventsource_client::Error| ApiError::Transport(format!("invalid request: {e}"));
        let sse = ClientBuilder::for_url(&url)
            .map_err(invalid)?
            .method("POST".into())
            .body(body)
            .header("content-type", "application/json")
            .map_err(invalid)?
            .header("accept", "text/event-stream")
            .map_err(invalid)?
            .header("x-api-key", self.config.api_key.expose())
            .map_err(invalid)?
            .header("x-workspace-id", &self.config.workspace_id)
            .map_err(invalid)?
            .header("idempotency-key", &idempotency_key)
            .map_err(invalid)?
            .reconnect(
                ReconnectOptions::reconnect(false)
                    .retry_initial(false)
                    .build(),
            )
            .redirect_limit(0)
            .build_with_transport(ReqwestTransport {
                http: self.http.clone(),
                max_event_bytes: self.config.max_event_bytes,
            });
        Ok(ExecutionStream::new(
            eventsource_client::Client::stream(&sse),
            self.config.idle_stream_timeout,
            idempotency_key,
        ))
    }
}

/// Percent-encodes everything but unreserved characters and `:` (agent ids look like
/// `agent:abc`), so an id can never add path segments or a query.
fn encode_path_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b':' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_ids_cannot_escape_their_path_segment() {
        assert_eq!(encode_path_segment("agent:demo-chat"), "agent:demo-chat");
        assert_eq!(encode_path_segment("../x?y=1"), "..%2Fx%3Fy%3D1");
        assert_eq!(encode_path_segment("é"), "%C3%A9");
    }
}
