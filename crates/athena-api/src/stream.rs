use std::time::Duration;

use eventsource_client::{BoxStream, SSE};
use futures_util::StreamExt;

use crate::error::truncate;
use crate::events::decode_event;
use crate::transport::EventTooLarge;
use crate::{ApiError, ExecutionEvent, ResponseMeta, ServerErrorBody};

/// The largest error body read from a failed response.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// The events of one streaming execution, in order.
///
/// It ends as the contract's "End of stream" says: after `final` or `error` (end of
/// file there is normal), or with [`ApiError::StreamEndedEarly`] when the connection
/// ends, breaks or goes idle before them. A suspended execution ends with `final` of
/// status `awaiting_client_tool`. Dropping it closes the HTTP request at once.
pub struct ExecutionStream {
    sse: BoxStream<eventsource_client::Result<SSE>>,
    idle_timeout: Duration,
    idempotency_key: String,
    meta: Option<ResponseMeta>,
    execution_id: Option<String>,
    done: bool,
}

impl std::fmt::Debug for ExecutionStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExecutionStream")
            .field("execution_id", &self.execution_id)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl ExecutionStream {
    pub(crate) fn new(
        sse: BoxStream<eventsource_client::Result<SSE>>,
        idle_timeout: Duration,
        idempotency_key: String,
    ) -> Self {
        Self {
            sse,
            idle_timeout,
            idempotency_key,
            meta: None,
            execution_id: None,
            done: false,
        }
    }

    /// The `Idempotency-Key` this execution was sent with.
    pub fn idempotency_key(&self) -> &str {
        &self.idempotency_key
    }

    /// The response headers, once the server has answered.
    pub fn meta(&self) -> Option<&ResponseMeta> {
        self.meta.as_ref()
    }

    /// The server's execution id, once `start` has arrived.
    pub fn execution_id(&self) -> Option<&str> {
        self.execution_id.as_deref()
    }

    /// The next event; `None` once the stream has ended. After an error item that
    /// ends the stream (anything but [`ApiError::Decode`]), the next call is `None`.
    pub async fn next(&mut self) -> Option<Result<ExecutionEvent, ApiError>> {
        while !self.done {
            let item = match tokio::time::timeout(self.idle_timeout, self.sse.next()).await {
                Ok(Some(item)) => item,
                Ok(None) => return self.end_early("the connection closed"),
                Err(_) if self.meta.is_none() => {
                    self.done = true;
                    return Some(Err(ApiError::Timeout {
                        seconds: self.idle_timeout.as_secs(),
                    }));
                }
                Err(_) => {
                    let cause = format!("nothing arrived for {} s", self.idle_timeout.as_secs());
                    return self.end_early(&cause);
                }
            };
            match item {
                Ok(SSE::Connected(details)) => {
                    let response = details.response();
                    self.meta = Some(meta_of(response));
                }
                Ok(SSE::Comment(_)) => {}
                Ok(SSE::Event(event)) => {
                    let decoded = decode_event(&event.event_type, &event.data);
                    match &decoded {
                        Ok(ExecutionEvent::Start { execution_id }) => {
                            self.execution_id = Some(execution_id.clone());
                        }
                        Ok(e) if e.is_terminal() => self.done = true,
                        _ => {}
                    }
                    return Some(decoded);
                }
                Err(eventsource_client::Error::UnexpectedResponse(response, body)) => {
                    self.done = true;
                    return Some(Err(http_error(&response, body.into_stream()).await));
                }
                Err(eventsource_client::Error::Transport(err)) if self.meta.is_none() => {
                    self.done = true;
                    return Some(Err(ApiError::Transport(describe(&err))));
                }
                Err(eventsource_client::Error::Transport(err))
                    if err.inner().downcast_ref::<EventTooLarge>().is_some() =>
                {
                    self.done = true;
                    let limit = err
                        .inner()
                        .downcast_ref::<EventTooLarge>()
                        .map_or(0, |e| e.limit);
                    return Some(Err(ApiError::EventTooLarge { limit }));
                }
                Err(eventsource_client::Error::Eof | eventsource_client::Error::UnexpectedEof) => {
                    return self.end_early("the connection closed");
                }
                Err(other) => {
                    let cause = match &other {
                        eventsource_client::Error::Transport(err) => describe(err),
                        other => other.to_string(),
                    };
                    return self.end_early(&cause);
                }
            }
        }
        None
    }

    fn end_early(&mut self, cause: &str) -> Option<Result<ExecutionEvent, ApiError>> {
        self.done = true;
        Some(Err(ApiError::StreamEndedEarly {
            execution_id: self.execution_id.clone(),
            cause: cause.to_owned(),
        }))
    }
}

fn meta_of(response: &eventsource_client::Response) -> ResponseMeta {
    let mut headers = http::HeaderMap::new();
    for name in ["x-credits-remaining", "x-app-version", "x-workspace-id"] {
        if let Ok(Some(value)) = response.get_header_value(name)
            && let Ok(value) = http::HeaderValue::from_str(value)
        {
            headers.insert(name, value);
        }
    }
    ResponseMeta::from_headers(&headers)
}

async fn http_error(
    response: &eventsource_client::Response,
    mut stream: launchdarkly_sdk_transport::ByteStream,
) -> ApiError {
    let mut bytes = Vec::new();
    while let Some(Ok(chunk)) = stream.next().await {
        bytes.extend_from_slice(&chunk);
        if bytes.len() >= MAX_ERROR_BODY {
            break;
        }
    }
    let raw = String::from_utf8_lossy(&bytes);
    ApiError::Http {
        status: response.status(),
        body: ServerErrorBody::parse(&raw),
        raw: truncate(&raw, 4096),
        meta: meta_of(response),
    }
}

/// The transport error with its causes, as one line.
fn describe(err: &launchdarkly_sdk_transport::TransportError) -> String {
    let mut text = err.inner().to_string();
    let mut source = std::error::Error::source(err.inner());
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
