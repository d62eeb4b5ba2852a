//! Everything that can go wrong talking to Athena, as one enum a caller can match.

use crate::{ResponseMeta, TlsFailure, ValidationError};

/// A failure of one API call or stream.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request broke a documented limit and was not sent.
    #[error("invalid request: {0}")]
    Validation(#[from] ValidationError),
    /// No HTTP answer: connection refused, DNS, reset before the response. (A failed
    /// TLS handshake or certificate check is [`ApiError::Tls`].)
    #[error("could not reach the server: {0}")]
    Transport(String),
    /// The server was reached but the secure connection failed: its certificate was
    /// not trusted (a TLS inspection proxy whose CA is not trusted: add it with
    /// [`crate::ClientConfig::extra_root_certificates`]), expired, for another host, or
    /// the handshake failed. Never retried: it would fail the same way.
    #[error("the secure connection to the server failed: {reason}")]
    Tls {
        /// What kind of failure.
        kind: TlsFailure,
        /// rustls' description, for the details of an error message (at most 300
        /// bytes).
        reason: String,
    },
    /// The response head did not arrive within [`crate::ClientConfig::head_timeout`].
    /// Not retried: the request may have reached the server.
    #[error("the server sent nothing for {seconds} s")]
    Timeout {
        /// The head timeout that was exceeded, in seconds.
        seconds: u64,
    },
    /// The server answered with a redirect (3xx). Redirects are never followed: a
    /// re-sent POST could start a second execution, and the key would go to another
    /// host. It almost always means a wrong base URL (`http` for `https`, a missing
    /// path prefix).
    #[error("the server redirected {}: check the base URL", location.as_deref().map(|l| format!("to {l}")).unwrap_or_else(|| format!("elsewhere (HTTP {status})")))]
    Redirect {
        /// The HTTP status (301, 302, 307, 308, ...).
        status: u16,
        /// Where it points (`Location`, made absolute), if the server said.
        location: Option<String>,
    },
    /// The server answered with a non-success status.
    #[error("the server answered HTTP {status}{}", body.message.as_deref().map(|m| format!(": {m}")).unwrap_or_default())]
    Http {
        /// The HTTP status code.
        status: u16,
        /// The error body, parsed from whichever documented shape it came in.
        body: ServerErrorBody,
        /// The body as received (truncated to 4 KiB), for diagnostics.
        raw: String,
        /// The headers every authenticated response carries.
        meta: Box<ResponseMeta>,
    },
    /// The server's JSON did not have the documented shape.
    #[error("could not read the server's answer at {path}: {message}")]
    Decode {
        /// Where in the document decoding failed (`.output.usage`, or `line 1 column 7`).
        path: String,
        /// What was wrong.
        message: String,
        /// The text that failed: a response body truncated to 4 KiB, or a stream
        /// event's whole `data` (bounded by [`crate::ClientConfig::max_event_bytes`]).
        raw: String,
    },
    /// `409 Conflict` on an execute call: this `Idempotency-Key` was already used, so the
    /// action already reached the server (by an earlier attempt). Final: never retried,
    /// and the caller must not retry with a new key on its own.
    #[error("the server has already received this action (idempotency key reused)")]
    IdempotencyConflict {
        /// The key that was refused.
        idempotency_key: String,
        /// The error body, parsed.
        body: ServerErrorBody,
        /// The headers every authenticated response carries.
        meta: Box<ResponseMeta>,
    },
    /// The server asked (`429` + `Retry-After`) to wait longer than
    /// [`crate::RetryPolicy::max_retry_after`]; the call was given up.
    #[error("the server asked to wait {requested_secs} s, more than the {max_secs} s allowed")]
    RetryAfterTooLong {
        /// The wait the server asked for, in seconds.
        requested_secs: u64,
        /// The configured maximum, in seconds.
        max_secs: u64,
        /// The HTTP status that carried it (429, or 503).
        status: u16,
        /// The error body, parsed.
        body: ServerErrorBody,
    },
    /// A success status whose body is not of the expected type, e.g. a `200` HTML page
    /// from a proxy in answer to a stream request: an error, not an empty stream.
    #[error("the server answered HTTP {status} with {content_type:?} instead of {expected}")]
    UnexpectedContentType {
        /// The HTTP status.
        status: u16,
        /// The `Content-Type` received (empty when absent).
        content_type: String,
        /// What was expected (`text/event-stream`, `application/json`).
        expected: &'static str,
        /// The start of the body (at most 4 KiB).
        raw: String,
    },
    /// A local file to upload could not be read.
    #[error("could not read {path}: {message}")]
    File {
        /// The file's path.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// One SSE event was larger than [`crate::ClientConfig::max_event_bytes`].
    #[error("an event larger than {limit} bytes was refused")]
    EventTooLarge {
        /// The configured limit.
        limit: usize,
    },
    /// The stream stopped before `final` or `error`: end of file, a reset, or silence
    /// longer than [`crate::ClientConfig::silence_limit`]. The execution may still be
    /// running on the server; no endpoint can fetch its result, so it is never re-sent.
    #[error("the stream ended before the execution finished")]
    StreamEndedEarly {
        /// The execution id, if `start` arrived.
        execution_id: Option<String>,
        /// What ended it (end of file, a reset, the silence limit).
        cause: String,
    },
}

impl ApiError {
    /// The response headers (`X-Credits-Remaining`, `X-App-Version`,
    /// `X-Workspace-Id`) of the answer that carried this error, when there was one with
    /// them: [`ApiError::Http`] and [`ApiError::IdempotencyConflict`].
    pub fn meta(&self) -> Option<&ResponseMeta> {
        match self {
            Self::Http { meta, .. } | Self::IdempotencyConflict { meta, .. } => Some(meta),
            _ => None,
        }
    }
}

/// An error body in any of the shapes the contract tolerates:
/// `{"error":{"code","message"}}`, `{"message"}`, `{"detail"}`, `{"error":"text"}`, or
/// plain text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerErrorBody {
    /// A machine-readable code, when the server gave one.
    pub code: Option<String>,
    /// A human sentence from the server, when it gave one.
    pub message: Option<String>,
}

impl ServerErrorBody {
    /// Reads an error body, whatever its shape. Never fails: unknown shapes keep the
    /// text as the message; a numeric `code` reads as text.
    pub fn parse(raw: &str) -> Self {
        let trimmed = raw.trim();
        match serde_json::from_str::<serde_json::Value>(trimmed) {
            Ok(value @ serde_json::Value::Object(_)) => crate::lenient::error_payload(&value),
            Ok(serde_json::Value::String(text)) => Self {
                code: None,
                message: Some(text),
            },
            _ if trimmed.is_empty() => Self::default(),
            _ => Self {
                code: None,
                message: Some(truncate(trimmed, 500)),
            },
        }
    }
}

/// Cuts text to at most `max` bytes on a character boundary.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_documented_error_shape() {
        let cases = [
            (
                r#"{"error":{"code":"rate_limited","message":"slow down"}}"#,
                (Some("rate_limited"), Some("slow down")),
            ),
            (r#"{"message":"bad input"}"#, (None, Some("bad input"))),
            (r#"{"detail":"not found"}"#, (None, Some("not found"))),
            (r#"{"error":"forbidden"}"#, (None, Some("forbidden"))),
            (
                r#"{"error":{"code":500,"message":"boom"}}"#,
                (Some("500"), Some("boom")),
            ),
            ("Bad Gateway", (None, Some("Bad Gateway"))),
            ("", (None, None)),
        ];
        for (raw, (code, message)) in cases {
            let body = ServerErrorBody::parse(raw);
            assert_eq!(body.code.as_deref(), code, "{raw}");
            assert_eq!(body.message.as_deref(), message, "{raw}");
        }
    }

    #[test]
    fn truncate_respects_char_boundaries() {
        assert_eq!(truncate("héllo", 2), "h…");
        assert_eq!(truncate("abc", 3), "abc");
    }
}
