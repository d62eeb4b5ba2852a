//! Client-fulfilled tools: `POST /executions/{execution_id}/tool-result`.
//!
//! [doc] The last fulfilled call resumes the execution; with `Accept:
//! text/event-stream` the answer to that POST is the resumed execution as SSE.
//! [assumed] earlier POSTs answer `202 {"data":{"pending":N}}` even when they ask for
//! SSE; the last one without that `Accept` answers the finished execution as the sync
//! execute JSON, which is returned, never read as "0 pending"; a failed or refused call
//! sends `"outcome":"error"`, `"result":{"error":"why"}`.
//! A tool result is sent once, never retried: a second copy could reach an execution
//! that has already resumed.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::client::{CallOptions, PathPart};
use crate::error::truncate;
use crate::execute::json_body;
use crate::lenient;
use crate::stream::expect_event_stream;
use crate::{ApiError, ApiResponse, AthenaClient, ExecutionResult, ExecutionStream, ResponseMeta};

/// Whether the tool ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToolOutcome {
    /// The tool ran; `result` is its output.
    Success,
    /// The tool failed or was refused; `result` is `{"error": why}`.
    Error,
}

/// The body of a tool-result POST.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolResultRequest {
    /// The call answered (from `tool_call_awaiting_client`).
    pub tool_call_id: String,
    /// Whether it ran.
    pub outcome: ToolOutcome,
    /// Its output, or `{"error": why}`.
    pub result: Value,
}

impl ToolResultRequest {
    /// A successful call with its output.
    pub fn success(tool_call_id: impl Into<String>, result: Value) -> Self {
        Self {
            tool_call_id: tool_call_id.into(),
            outcome: ToolOutcome::Success,
            result,
        }
    }

    /// A failed or refused call, with the reason shown to the model.
    pub fn error(tool_call_id: impl Into<String>, why: impl Into<String>) -> Self {
        Self {
            tool_call_id: tool_call_id.into(),
            outcome: ToolOutcome::Error,
            result: serde_json::json!({ "error": why.into() }),
        }
    }
}

/// The answer to a tool result that did not resume the execution yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ToolResultAccepted {
    /// Calls still waiting for a result (0 only for an empty `202` body).
    #[serde(deserialize_with = "lenient::count")]
    pub pending: u64,
}

/// The answer to a tool-result POST.
#[derive(Debug)]
pub enum ToolResultResponse {
    /// Other calls are still pending (`202 {"data":{"pending":N}}`, or an empty body).
    Pending(ApiResponse<ToolResultAccepted>),
    /// That was the last one, and the server answered with the execution's result as
    /// JSON (the sync execute shape): the answer to a POST without `Accept:
    /// text/event-stream`, or from a server that ignored it. A missing
    /// `execution_id` is filled in from the path.
    Finished(Box<ApiResponse<ExecutionResult>>),
    /// That was the last one: the resumed execution, which starts with `start`
    /// carrying the same execution id and ends with the real `final`. Only
    /// [`AthenaClient::post_tool_result_stream`] answers this.
    Resumed(Box<ExecutionStream>),
}

impl AthenaClient {
    /// Posts one tool result and reads the JSON answer:
    /// [`ToolResultResponse::Pending`] while other calls wait, else
    /// [`ToolResultResponse::Finished`] with the execution's result. Never `Resumed`.
    ///
    /// # Errors
    /// Any [`ApiError`] but validation; an empty success body reads as 0 pending; a
    /// JSON answer that is neither shape is [`ApiError::Decode`].
    pub async fn post_tool_result(
        &self,
        execution_id: &str,
        result: &ToolResultRequest,
    ) -> Result<ToolResultResponse, ApiError> {
        let response = self.send_tool_result(execution_id, result, false).await?;
        json_answer(response, execution_id).await
    }

    /// Posts one tool result asking for the resumed stream (`Accept:
    /// text/event-stream`): a `202` JSON answer means other calls are pending; an
    /// event stream is the resumed execution; a JSON execution result (a server that
    /// ignored the `Accept`) is [`ToolResultResponse::Finished`].
    ///
    /// # Errors
    /// Any [`ApiError`] but validation; a success that is neither JSON nor an event
    /// stream is [`ApiError::UnexpectedContentType`].
    pub async fn post_tool_result_stream(
        &self,
        execution_id: &str,
        result: &ToolResultRequest,
    ) -> Result<ToolResultResponse, ApiError> {
        let response = self.send_tool_result(execution_id, result, true).await?;
        let is_json = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().contains("json"));
        if is_json || response.status() == reqwest::StatusCode::ACCEPTED {
            return json_answer(response, execution_id).await;
        }
        let response = expect_event_stream(response, self.secret()).await?;
        Ok(ToolResultResponse::Resumed(Box::new(ExecutionStream::new(
            Box::pin(async move { Ok(response) }),
            self.config.silence_limit,
            self.config.max_event_bytes,
            String::new(),
        ))))
    }

    async fn send_tool_result(
        &self,
        execution_id: &str,
        result: &ToolResultRequest,
        want_stream: bool,
    ) -> Result<reqwest::Response, ApiError> {
        let url = self.url(&[
            PathPart::Lit("/executions/"),
            PathPart::Id("execution_id", execution_id),
            PathPart::Lit("/tool-result"),
        ])?;
        let body = json_body(result)?;
        let accept = if want_stream {
            "text/event-stream"
        } else {
            "application/json"
        };
        self.send(CallOptions::ONCE, || {
            self.request(Method::POST, &url)
                .header("content-type", "application/json")
                .header("accept", accept)
                .body(body.clone())
        })
        .await
    }
}

/// Reads a JSON answer to a tool result: `pending` or an execution result.
async fn json_answer(
    response: reqwest::Response,
    execution_id: &str,
) -> Result<ToolResultResponse, ApiError> {
    let status = response.status().as_u16();
    let meta = ResponseMeta::from_headers(response.headers());
    let text = response
        .text()
        .await
        .map_err(|e| ApiError::Transport(crate::client::describe(&e)))?;
    if text.trim().is_empty() {
        return Ok(ToolResultResponse::Pending(ApiResponse {
            data: ToolResultAccepted::default(),
            status,
            meta,
        }));
    }
    #[derive(Deserialize)]
    struct Envelope {
        data: Map<String, Value>,
    }
    let mut data = crate::events::parse::<Envelope>(&text)?.data;
    let decode_error = |err: serde_path_to_error::Error<serde_json::Error>| ApiError::Decode {
        path: format!("data.{}", err.path()),
        message: err.inner().to_string(),
        raw: truncate(&text, 4096),
    };
    if data.contains_key("status") {
        // The path names the execution; a server may not repeat it.
        data.entry("execution_id")
            .or_insert_with(|| Value::String(execution_id.to_owned()));
        let result: ExecutionResult =
            serde_path_to_error::deserialize(Value::Object(data)).map_err(decode_error)?;
        return Ok(ToolResultResponse::Finished(Box::new(ApiResponse {
            data: result,
            status,
            meta,
        })));
    }
    if data.contains_key("pending") {
        let accepted: ToolResultAccepted =
            serde_path_to_error::deserialize(Value::Object(data)).map_err(decode_error)?;
        return Ok(ToolResultResponse::Pending(ApiResponse {
            data: accepted,
            status,
            meta,
        }));
    }
    Err(ApiError::Decode {
        path: "data".into(),
        message: "neither `pending` nor an execution `status`".into(),
        raw: truncate(&text, 4096),
    })
}
