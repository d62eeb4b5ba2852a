//! The one error shape every refusal uses: `{"error":{"code":"...","message":"..."}}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// An HTTP error answer: a status, a machine-readable code and a human sentence that
/// names the field and the limit where there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status of the answer.
    pub status: StatusCode,
    /// Stable machine-readable code, e.g. `"invalid_request"`.
    pub code: &'static str,
    /// Human sentence for the user or developer.
    pub message: String,
}

impl ApiError {
    /// An error with an explicit status and code.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    /// 401 `unauthorized`: the API key is missing or not accepted.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    /// 403 `forbidden`: the key is valid but the workspace is not this one.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// 403 `invalid_host`: the `Host` header is not the server's own address.
    pub fn invalid_host(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "invalid_host", message)
    }

    /// 400 `invalid_request`: the body is not JSON or has the wrong shape.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", message)
    }

    /// 422 `invalid_request`: the body is well-formed but a value breaks a limit.
    pub fn unprocessable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request", message)
    }

    /// 404 `agent_not_found`: no agent with this id in the workspace.
    pub fn agent_not_found(agent_id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "agent_not_found",
            format!("agent_id: no agent \"{agent_id}\" in this workspace"),
        )
    }

    /// 404 `not_found`: no such route.
    pub fn route_not_found(path: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no endpoint at {path}"),
        )
    }

    /// 405 `method_not_allowed`: the route exists with another method.
    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "this endpoint does not accept this HTTP method",
        )
    }

    /// The same error with another code.
    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = code;
        self
    }

    /// 409 `idempotency_conflict`: the `Idempotency-Key` was used within 24 hours.
    pub fn idempotency_conflict() -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "idempotency_conflict",
            "Idempotency-Key: already used within the last 24 hours; the first request was processed",
        )
    }

    /// 404 `not_found` for an id that does not exist, naming the field.
    pub fn unknown_id(field: &str, id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{field}: no \"{id}\" here"),
        )
    }

    /// 413 `payload_too_large`: the request body exceeds what the server reads.
    pub fn payload_too_large(limit_bytes: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("body: must be at most {limit_bytes} bytes"),
        )
    }
}

/// Wire form of [`ApiError`].
#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

/// The inner object of [`ErrorBody`].
#[derive(Serialize)]
struct ErrorDetail<'a> {
    code: &'a str,
    message: &'a str,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: &self.message,
            },
        };
        (self.status, Json(body)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_nested_error_object() {
        let e = ApiError::unprocessable("message: must contain 1 to 65,536 characters");
        let body = ErrorBody {
            error: ErrorDetail {
                code: e.code,
                message: &e.message,
            },
        };
        let json = serde_json::to_value(&body).expect("serializable");
        assert_eq!(
            json,
            serde_json::json!({"error":{"code":"invalid_request",
                "message":"message: must contain 1 to 65,536 characters"}})
        );
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
    }

    #[test]
    fn agent_not_found_names_the_id() {
        let e = ApiError::agent_not_found("agent:nope");
        assert_eq!(e.status, StatusCode::NOT_FOUND);
        assert_eq!(e.code, "agent_not_found");
        assert!(e.message.contains("agent:nope"));
    }
}
