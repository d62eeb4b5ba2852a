//! Everything that can go wrong talking to Athena, as one enum a caller can match.

use serde::Deserialize;

use crate::{ResponseMeta, ValidationError};

/// A failure of one API call or stream.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request broke a documented limit and was not sent.
    #[error("invalid request: {0}")]
    Validation(#[from] ValidationError),
    /// No HTTP answer: connection refused, DNS, TLS, reset before the response.
    #[error("could not reach the server: {0}")]
    Transport(String),
    /// The connection opened but went silent for longer than the idle timeout.
    #[error("the server sent nothing for {seconds} s")]
    Timeout {
        /// The idle time that was exceeded.
        seconds: u64,
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
        /// The text that failed (truncated to 4 KiB).
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
    /// The stream stopped before `final` or `error`. The execution may still be running
    /// on the server; no endpoint can fetch its result, so it is never re-sent.
    #[error("the stream ended before the execution finished")]
    StreamEndedEarly {
        /// The execution id, if `start` arrived.
        execution_id: Option<String>,
        /// What ended it (end of file, a reset, an idle timeout).
        cause: String,
    },
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
    /// text as the message.
    pub fn parse(raw: &str) -> Self {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum ErrorField {
            Object {
                code: Option<String>,
                message: Option<String>,
            },
            Text(String),
        }
        #[derive(Deserialize)]
        struct Shapes {
            error: Option<ErrorField>,
            message: Option<String>,
            detail: Option<serde_json::Value>,
            code: Option<String>,
        }
        let trimmed = raw.trim();
        match serde_json::from_str::<Shapes>(trimmed) {
            Ok(shapes) => match shapes.error {
                Some(ErrorField::Object { code, message }) => Self { code, message },
                Some(ErrorField::Text(text)) => Self {
                    code: shapes.code,
                    message: Some(text),
                },
                None => Self {
                    code: shapes.code,
                    message: shapes.message.or_else(|| {
                        shapes.detail.map(|d| match d {
                            serde_json::Value::String(s) => s,
                            other => other.to_string(),
                        })
                    }),
                },
            },
            Err(_) if trimmed.is_empty() => Self::default(),
            Err(_) => Self {
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
