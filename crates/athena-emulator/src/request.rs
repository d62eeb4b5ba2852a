//! The execute request body and its documented limits.

use serde::Deserialize;

use crate::error::ApiError;

/// [doc] Most characters in `message` ([assumed] Unicode scalar values, not bytes).
pub const MESSAGE_MAX_CHARS: usize = 65_536;

/// [assumed] Largest request body the emulator reads, in bytes.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// The sentence of every `message` length refusal.
const MESSAGE_LIMIT: &str = "message: must contain 1 to 65,536 characters";

/// Body of `POST /agents/{agent_id}/execute[/stream]`.
///
/// Only `message` is read so far. The other documented fields (`attachments`,
/// `variables`, `conversation_scope`, `external_user_id`, `client_tools`) and any
/// unknown field are accepted and ignored.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ExecuteRequest {
    /// The user's message; `null` counts as missing.
    #[serde(default)]
    pub message: Option<String>,
}

impl ExecuteRequest {
    /// Parses a JSON body; 400 `invalid_request` when it is not a JSON object of the
    /// expected shape.
    pub fn parse(body: &[u8]) -> Result<Self, ApiError> {
        let shape_error = |detail: &dyn std::fmt::Display| {
            ApiError::bad_request(format!(
                "body: must be a JSON object with a string \"message\" ({detail})"
            ))
        };
        // serde would also accept a JSON array for a struct; the body must be an object.
        if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(shape_error(&"not a JSON object"));
        }
        serde_json::from_slice(body).map_err(|e| shape_error(&e))
    }

    /// The message, checked against the limit: 422 `invalid_request` when it is
    /// missing, empty, whitespace-only or longer than [`MESSAGE_MAX_CHARS`] chars.
    pub fn into_message(self) -> Result<String, ApiError> {
        match self.message {
            Some(m) if !m.trim().is_empty() && char_count_at_most(&m, MESSAGE_MAX_CHARS) => Ok(m),
            _ => Err(ApiError::unprocessable(MESSAGE_LIMIT)),
        }
    }
}

/// Whether `text` has at most `max` chars (counts only when the bytes could exceed it).
fn char_count_at_most(text: &str, max: usize) -> bool {
    text.len() <= max || text.chars().count() <= max
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message_status(body: &str) -> Result<String, u16> {
        ExecuteRequest::parse(body.as_bytes())
            .and_then(ExecuteRequest::into_message)
            .map_err(|e| e.status.as_u16())
    }

    #[test]
    fn accepts_a_message_and_ignores_other_fields() {
        let body = r#"{"message":"hi","variables":{"a":1},"client_tools":[],"whatever":true}"#;
        assert_eq!(message_status(body), Ok("hi".to_owned()));
    }

    #[test]
    fn shape_errors_are_400() {
        for body in ["", "not json", "[1]", r#"{"message":5}"#, r#""hi""#] {
            assert_eq!(message_status(body), Err(400), "{body}");
        }
    }

    #[test]
    fn limit_errors_are_422() {
        for body in [
            "{}",
            r#"{"message":null}"#,
            r#"{"message":""}"#,
            r#"{"message":" \n\t"}"#,
        ] {
            assert_eq!(message_status(body), Err(422), "{body}");
        }
        let e = ExecuteRequest {
            message: Some(String::new()),
        }
        .into_message()
        .expect_err("empty");
        assert_eq!(e.message, "message: must contain 1 to 65,536 characters");
    }

    #[test]
    fn counts_chars_not_bytes() {
        let at_limit = "é".repeat(MESSAGE_MAX_CHARS);
        assert!(at_limit.len() > MESSAGE_MAX_CHARS);
        let ok = ExecuteRequest {
            message: Some(at_limit),
        };
        assert!(ok.into_message().is_ok());
        let over = ExecuteRequest {
            message: Some("a".repeat(MESSAGE_MAX_CHARS + 1)),
        };
        assert_eq!(over.into_message().map_err(|e| e.status.as_u16()), Err(422));
    }
}
