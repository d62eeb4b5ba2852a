//! Execute: `POST /agents/{agent_id}/execute` (sync) and `/execute/stream` (SSE), and
//! the request body they share with batch items.

use bytes::Bytes;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::client::{CallOptions, PathPart};
use crate::events::{ExecutionOutput, ExecutionStatus};
use crate::lenient;
use crate::stream::expect_event_stream;
use crate::validation::{self, ValidationError};
use crate::{ApiError, ApiResponse, AthenaClient, ExecutionStream, ServerErrorBody};

/// A file already uploaded (see [`AthenaClient::upload_attachment`]), attached to a
/// request by its storage key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentRef {
    /// The file's name as shown to the agent.
    pub filename: String,
    /// Its MIME type, one of the accepted types.
    pub content_type: String,
    /// The key the upload answered with.
    pub storage_key: String,
}

/// A tool this client runs itself when the agent calls it (`client_tools`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientTool {
    /// Matches `^[a-z][a-z0-9_]{0,63}$`; unique in the request; must not collide with
    /// the agent's server tools (only the server can check that).
    pub name: String,
    /// What the tool does, for the model.
    pub description: String,
    /// A JSON Schema of its arguments.
    pub parameters: Value,
}

/// The body of `POST /agents/{id}/execute[/stream]`, and of one batch item. Fields
/// left `None` or empty are omitted. It also reads back (`Deserialize`), so that the
/// reference's example body can be checked against it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExecuteRequest {
    /// The user's message; required when the agent has `requires_user_message`.
    /// 1–65,536 Unicode scalar values, not whitespace only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// At most 10 uploaded files.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<AttachmentRef>,
    /// Agent variables: at most 16,384 bytes of compact JSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variables: Option<Map<String, Value>>,
    /// `conversation:…`: injects history and persists the exchange.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversation_scope: Option<String>,
    /// The app's user id, for per-user memory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_user_id: Option<String>,
    /// At most 32 tools this client fulfils.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub client_tools: Vec<ClientTool>,
}

impl ExecuteRequest {
    /// A request carrying only a message.
    pub fn message(message: impl Into<String>) -> Self {
        Self {
            message: Some(message.into()),
            ..Self::default()
        }
    }

    /// Checks every documented limit this request is subject to.
    ///
    /// # Errors
    /// The first broken limit, as data (field, rule, limit, actual).
    pub fn validate(&self) -> Result<(), ValidationError> {
        if let Some(message) = &self.message {
            validation::validate_message(message)?;
        }
        validation::validate_attachment_count(self.attachments.len())?;
        if let Some(variables) = &self.variables {
            validation::validate_variables(variables)?;
        }
        validation::validate_tool_names(self.client_tools.iter().map(|t| t.name.as_str()))
    }
}

/// The `data` of a sync execute's answer (and of the last tool result posted without
/// asking for a stream).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ExecutionResult {
    /// The server's execution id.
    #[serde(deserialize_with = "lenient::text")]
    pub execution_id: String,
    /// How it ended (or that it waits).
    pub status: ExecutionStatus,
    /// The answer, usage and cost; absent while waiting.
    #[serde(default)]
    pub output: Option<ExecutionOutput>,
    /// Server-measured latency.
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pub latency_ms: Option<u64>,
    /// The assistant message, for feedback; only in conversations.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub message_id: Option<String>,
    /// [assumed] Why it failed (with status `failed`): the `error` field, in any shape
    /// (text, `{code, message}`, a numeric code). `None` when the server gave none.
    #[serde(default, deserialize_with = "lenient::opt_error")]
    pub error: Option<ServerErrorBody>,
}

/// An agent's structured answer, read as the contract says.
#[derive(Debug, Clone, PartialEq)]
pub enum StructuredOutput {
    /// `parsed_output`, or the text parsed as JSON.
    Json(Value),
    /// The text, which is not JSON.
    Text(String),
}

impl ExecutionOutput {
    /// `parsed_output` when present and not null; otherwise `text` parsed as JSON;
    /// otherwise the text. `None` when there is neither.
    pub fn structured(&self) -> Option<StructuredOutput> {
        match (&self.parsed_output, &self.text) {
            (Some(value), _) if !value.is_null() => Some(StructuredOutput::Json(value.clone())),
            (_, Some(text)) => Some(match serde_json::from_str(text) {
                Ok(value) => StructuredOutput::Json(value),
                Err(_) => StructuredOutput::Text(text.clone()),
            }),
            _ => None,
        }
    }
}

/// A fresh idempotency key: one per user action, reused by every retry of it.
pub fn new_idempotency_key() -> String {
    uuid::Uuid::new_v4().to_string()
}

pub(crate) fn json_body(value: &impl Serialize) -> Result<Bytes, ApiError> {
    serde_json::to_vec(value)
        .map(Bytes::from)
        .map_err(|e| ApiError::Decode {
            path: String::new(),
            message: format!("could not encode the request: {e}"),
            raw: String::new(),
        })
}

impl AthenaClient {
    /// Runs an agent and waits for its answer: `POST /agents/{agent_id}/execute`.
    ///
    /// The request is validated first (nothing is sent on [`ApiError::Validation`]).
    /// `idempotency_key` identifies the user action (`None` generates one; pass your
    /// own to be able to try the same action again); every retry reuses it.
    ///
    /// # Errors
    /// Any [`ApiError`]; a `409` is [`ApiError::IdempotencyConflict`].
    pub async fn execute(
        &self,
        agent_id: &str,
        request: &ExecuteRequest,
        idempotency_key: Option<String>,
    ) -> Result<ApiResponse<ExecutionResult>, ApiError> {
        request.validate()?;
        let body = json_body(request)?;
        let key = idempotency_key.unwrap_or_else(new_idempotency_key);
        let url = self.url(&[
            PathPart::Lit("/agents/"),
            PathPart::Id("agent_id", agent_id),
            PathPart::Lit("/execute"),
        ])?;
        let options = CallOptions {
            idempotency_key: Some(&key),
            ..CallOptions::RETRY
        };
        self.send_json(options, || {
            self.request(Method::POST, &url)
                .header("content-type", "application/json")
                .header("idempotency-key", &key)
                .body(body.clone())
        })
        .await
    }

    /// Starts a streaming execution: `POST /agents/{agent_id}/execute/stream`.
    ///
    /// The request is validated first ([`ApiError::Validation`], nothing sent). The
    /// `idempotency_key` identifies the user action: pass the same key when the same
    /// action is tried again; `None` generates one (see
    /// [`ExecutionStream::idempotency_key`]). Nothing is sent until the first
    /// [`ExecutionStream::next`]; the connection is retried (same key) only until the
    /// stream has started, never after.
    ///
    /// # Errors
    /// [`ApiError::Validation`] here; the rest come out of the stream.
    pub fn execute_stream(
        &self,
        agent_id: &str,
        request: &ExecuteRequest,
        idempotency_key: Option<String>,
    ) -> Result<ExecutionStream, ApiError> {
        request.validate()?;
        let url = self.url(&[
            PathPart::Lit("/agents/"),
            PathPart::Id("agent_id", agent_id),
            PathPart::Lit("/execute/stream"),
        ])?;
        let key = idempotency_key.unwrap_or_else(new_idempotency_key);
        let connect = self.connect_stream(url, json_body(request)?, Some(key.clone()));
        Ok(ExecutionStream::new(
            connect,
            self.config.silence_limit,
            self.config.max_event_bytes,
            key,
        ))
    }

    /// The future that opens an SSE POST: retried before it starts (with the key, if
    /// any), then checked to be `text/event-stream`.
    pub(crate) fn connect_stream(
        &self,
        url: String,
        body: Bytes,
        idempotency_key: Option<String>,
    ) -> crate::stream::Connect {
        let client = self.clone();
        Box::pin(async move {
            let options = CallOptions {
                retry: true,
                idempotency_key: idempotency_key.as_deref(),
                head_timeout: Some(client.config.head_timeout),
            };
            let response = client
                .send(options, || {
                    let mut request = client
                        .request(Method::POST, &url)
                        .header("content-type", "application/json")
                        .header("accept", "text/event-stream")
                        .body(body.clone());
                    if let Some(key) = &idempotency_key {
                        request = request.header("idempotency-key", key);
                    }
                    request
                })
                .await?;
            expect_event_stream(response, client.secret()).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_fields_are_omitted_and_limits_checked() {
        let request = ExecuteRequest::message("hi");
        assert_eq!(
            serde_json::to_string(&request).expect("json"),
            r#"{"message":"hi"}"#
        );
        let mut request = ExecuteRequest::message("hi");
        request.attachments = vec![
            AttachmentRef {
                filename: "a.png".into(),
                content_type: "image/png".into(),
                storage_key: "k".into(),
            };
            11
        ];
        assert_eq!(
            request.validate().expect_err("11").rule,
            crate::ValidationRule::TooMany
        );
    }

    #[test]
    fn structured_output_prefers_parsed_then_text_json_then_text() {
        let out = |parsed: Option<Value>, text: Option<&str>| ExecutionOutput {
            parsed_output: parsed,
            text: text.map(str::to_owned),
            ..ExecutionOutput::default()
        };
        let json = serde_json::json!({"a": 1});
        assert_eq!(
            out(Some(json.clone()), Some("x")).structured(),
            Some(StructuredOutput::Json(json.clone()))
        );
        assert_eq!(
            out(Some(Value::Null), Some(r#"{"a":1}"#)).structured(),
            Some(StructuredOutput::Json(json))
        );
        assert_eq!(
            out(None, Some("plain")).structured(),
            Some(StructuredOutput::Text("plain".into()))
        );
        assert_eq!(out(None, None).structured(), None);
    }
}
