//! The execute request body and every documented limit on it.
//!
//! [assumed] A body that is not a JSON object, or a field of the wrong JSON type, is 400
//! `invalid_request`; a well-typed value that breaks a limit is 422 `invalid_request`.
//! Every message names the field (with its path, e.g. `items[2].message`) and the limit.

use serde_json::{Map, Value};

use crate::agents::Agent;
use crate::error::ApiError;
use crate::script::ClientTool;

/// [doc] Most characters in `message` ([assumed] Unicode scalar values, not bytes).
pub const MESSAGE_MAX_CHARS: usize = 65_536;
/// [doc] Most attachments per request.
pub const MAX_ATTACHMENTS: usize = 10;
/// [doc] 16 KiB cap on `variables` ([assumed] bytes of its compact UTF-8 JSON).
pub const MAX_VARIABLES_BYTES: usize = 16_384;
/// [doc] Most client tools per request.
pub const MAX_CLIENT_TOOLS: usize = 32;
/// [assumed] Largest request body the emulator reads (uploads excepted), in bytes.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
/// [doc] Content types an attachment may have.
pub const ALLOWED_CONTENT_TYPES: [&str; 8] = [
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "application/pdf",
    "text/plain",
    "text/csv",
    "text/markdown",
];

/// A validated execute request.
#[derive(Debug, Clone, Default)]
pub struct ExecuteInput {
    /// The message; empty when the agent needs none and none was sent.
    pub message: String,
    /// Storage keys of the attachments.
    pub attachments: Vec<String>,
    /// `variables` (empty object when absent).
    pub variables: Map<String, Value>,
    /// `conversation_scope`.
    pub conversation_scope: Option<String>,
    /// `external_user_id`.
    pub external_user_id: Option<String>,
    /// `client_tools`.
    pub client_tools: Vec<ClientTool>,
}

/// Parses a body as a JSON object (400 otherwise).
pub fn parse_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::bad_request("body: must be a JSON object")),
        Err(e) => Err(ApiError::bad_request(format!(
            "body: must be a JSON object ({e})"
        ))),
    }
}

/// Whether `name` matches `^[a-z][a-z0-9_]{0,63}$`.
pub fn valid_tool_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b.len() <= 64
        && b[0].is_ascii_lowercase()
        && b[1..]
            .iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_')
}

/// Validates one execute body (or batch item, with `prefix` like `"items[2]."`) for
/// `agent`. `known_upload` tells whether a storage key was uploaded here.
pub fn validate(
    body: &Map<String, Value>,
    agent: &Agent,
    prefix: &str,
    known_upload: &dyn Fn(&str) -> bool,
) -> Result<ExecuteInput, ApiError> {
    let field = |name: &str| format!("{prefix}{name}");
    let wrong_type =
        |name: &str, what: &str| ApiError::bad_request(format!("{}: must be {what}", field(name)));
    let get = |name: &str| body.get(name).filter(|v| !v.is_null());

    let message = match get("message") {
        None => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(wrong_type("message", "a string")),
    };
    let blank = message.trim().is_empty();
    let too_long = message.len() > MESSAGE_MAX_CHARS && message.chars().count() > MESSAGE_MAX_CHARS;
    if too_long || (blank && agent.requires_user_message) {
        let limit = if agent.requires_user_message {
            "must contain 1 to 65,536 characters"
        } else {
            "must contain at most 65,536 characters"
        };
        return Err(ApiError::unprocessable(format!(
            "{}: {limit}",
            field("message")
        )));
    }

    let mut attachments = Vec::new();
    if let Some(v) = get("attachments") {
        let list = v
            .as_array()
            .ok_or_else(|| wrong_type("attachments", "an array"))?;
        if list.len() > MAX_ATTACHMENTS {
            return Err(ApiError::unprocessable(format!(
                "{}: at most {MAX_ATTACHMENTS} per request (got {})",
                field("attachments"),
                list.len()
            )));
        }
        for (i, item) in list.iter().enumerate() {
            let at = |k: &str| format!("attachments[{i}].{k}");
            let text = |k: &str| {
                item.get(k).and_then(Value::as_str).ok_or_else(|| {
                    ApiError::unprocessable(format!("{}: required string", field(&at(k))))
                })
            };
            text("filename")?;
            let ct = text("content_type")?;
            if !ALLOWED_CONTENT_TYPES.contains(&ct) {
                return Err(ApiError::unprocessable(format!(
                    "{}: must be one of {}",
                    field(&at("content_type")),
                    ALLOWED_CONTENT_TYPES.join(", ")
                )));
            }
            let key = text("storage_key")?;
            if !known_upload(key) {
                return Err(ApiError::unprocessable(format!(
                    "{}: no file was uploaded with this key",
                    field(&at("storage_key"))
                )));
            }
            attachments.push(key.to_owned());
        }
    }

    let variables = match get("variables") {
        None => Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(_) => return Err(wrong_type("variables", "a JSON object")),
    };
    let size = serde_json::to_vec(&variables).map_or(0, |v| v.len());
    if size > MAX_VARIABLES_BYTES {
        return Err(ApiError::unprocessable(format!(
            "{}: must be at most 16,384 bytes of compact JSON (got {size})",
            field("variables")
        )));
    }

    let conversation_scope = match get("conversation_scope") {
        None => None,
        Some(Value::String(s)) if s.starts_with("conversation:") && s.len() > 13 => Some(s.clone()),
        Some(Value::String(_)) => {
            return Err(ApiError::unprocessable(format!(
                "{}: must look like conversation:ID",
                field("conversation_scope")
            )));
        }
        Some(_) => return Err(wrong_type("conversation_scope", "a string")),
    };
    let external_user_id = match get("external_user_id") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(wrong_type("external_user_id", "a string")),
    };

    let client_tools = match get("client_tools") {
        None => Vec::new(),
        Some(Value::Array(list)) => client_tools(list, agent, &field)?,
        Some(_) => return Err(wrong_type("client_tools", "an array")),
    };

    Ok(ExecuteInput {
        message,
        attachments,
        variables,
        conversation_scope,
        external_user_id,
        client_tools,
    })
}

/// Checks `client_tools`: count, shape, name pattern, duplicates, server-tool collisions.
fn client_tools(
    list: &[Value],
    agent: &Agent,
    field: &dyn Fn(&str) -> String,
) -> Result<Vec<ClientTool>, ApiError> {
    if list.len() > MAX_CLIENT_TOOLS {
        return Err(ApiError::unprocessable(format!(
            "{}: at most {MAX_CLIENT_TOOLS} tools (got {})",
            field("client_tools"),
            list.len()
        )));
    }
    let mut tools: Vec<ClientTool> = Vec::with_capacity(list.len());
    for (i, item) in list.iter().enumerate() {
        let at = |k: &str| field(&format!("client_tools[{i}].{k}"));
        let name = item
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| ApiError::unprocessable(format!("{}: required string", at("name"))))?;
        if !valid_tool_name(name) {
            return Err(ApiError::unprocessable(format!(
                "{}: \"{name}\" must match ^[a-z][a-z0-9_]{{0,63}}$",
                at("name")
            )));
        }
        if agent.server_tools.iter().any(|s| s == name) {
            return Err(ApiError::unprocessable(format!(
                "{}: \"{name}\" collides with a server tool of {}",
                at("name"),
                agent.info.id
            )));
        }
        if tools.iter().any(|t| t.name == name) {
            return Err(ApiError::unprocessable(format!(
                "{}: \"{name}\" is offered twice",
                at("name")
            )));
        }
        let description = match item.get("description") {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(_) => {
                return Err(ApiError::unprocessable(format!(
                    "{}: must be a string",
                    at("description")
                )));
            }
        };
        let parameters = match item.get("parameters") {
            None | Some(Value::Null) => Value::Object(Map::new()),
            Some(v @ Value::Object(_)) => v.clone(),
            Some(_) => {
                return Err(ApiError::unprocessable(format!(
                    "{}: must be a JSON Schema object",
                    at("parameters")
                )));
            }
        };
        tools.push(ClientTool {
            name: name.to_owned(),
            description,
            parameters,
        });
    }
    Ok(tools)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agents::Catalog;
    use serde_json::json;

    fn check(agent_id: &str, body: Value) -> Result<ExecuteInput, (u16, String)> {
        let catalog = Catalog::new(true, Vec::new());
        let agent = catalog.find(agent_id).expect("agent");
        let map = body.as_object().expect("object").clone();
        validate(&map, agent, "", &|k| k == "att_ok").map_err(|e| (e.status.as_u16(), e.message))
    }

    #[test]
    fn tool_name_pattern() {
        for ok in ["a", "read_file", "x9", &format!("a{}", "b".repeat(63))] {
            assert!(valid_tool_name(ok), "{ok}");
        }
        for bad in ["", "9a", "_a", "Read", "a-b", "a b", &"a".repeat(65), "é"] {
            assert!(!valid_tool_name(bad), "{bad}");
        }
    }

    #[test]
    fn limits_name_field_and_limit() {
        let cases = [
            (
                json!({"message": ""}),
                "message: must contain 1 to 65,536 characters",
            ),
            (
                json!({"message": "x", "attachments": vec![json!({}); 11]}),
                "attachments: at most 10",
            ),
            (
                json!({"message": "x", "variables": {"k": "v".repeat(16_400)}}),
                "variables: must be at most 16,384 bytes",
            ),
            (
                json!({"message": "x", "attachments": [{"filename": "a", "content_type": "image/bmp", "storage_key": "att_ok"}]}),
                "attachments[0].content_type",
            ),
            (
                json!({"message": "x", "attachments": [{"filename": "a", "content_type": "image/png", "storage_key": "nope"}]}),
                "attachments[0].storage_key",
            ),
            (
                json!({"message": "x", "conversation_scope": "abc"}),
                "conversation_scope",
            ),
        ];
        for (body, needle) in cases {
            let (status, message) = check("agent:demo-echo", body).expect_err(needle);
            assert_eq!(status, 422);
            assert!(message.contains(needle), "{message}");
        }
        let (status, _) = check("agent:demo-echo", json!({"message": 1})).expect_err("type");
        assert_eq!(status, 400);
    }

    #[test]
    fn variables_limit_is_compact_bytes() {
        // {"k":"..."} is 8 bytes of overhead.
        let at = json!({"message": "x", "variables": {"k": "v".repeat(MAX_VARIABLES_BYTES - 8)}});
        assert!(check("agent:demo-echo", at).is_ok());
        let over = json!({"message": "x", "variables": {"k": "v".repeat(MAX_VARIABLES_BYTES - 7)}});
        assert!(check("agent:demo-echo", over).is_err());
    }

    #[test]
    fn client_tool_rules() {
        let tool = |name: &str| json!({"name": name, "description": "d", "parameters": {"type": "object"}});
        let many: Vec<Value> = (0..33).map(|i| tool(&format!("t{i}"))).collect();
        let (_, m) = check(
            "agent:client-tools",
            json!({"message": "x", "client_tools": many}),
        )
        .expect_err("33");
        assert!(m.contains("client_tools: at most 32 tools (got 33)"), "{m}");
        let (_, m) = check(
            "agent:client-tools",
            json!({"message": "x", "client_tools": [tool("Bad")]}),
        )
        .expect_err("pattern");
        assert!(
            m.contains("client_tools[0].name") && m.contains("^[a-z]"),
            "{m}"
        );
        let (_, m) = check(
            "agent:workflow",
            json!({"message": "x", "client_tools": [tool("web_search")]}),
        )
        .expect_err("collision");
        assert!(
            m.contains("collides with a server tool of agent:workflow"),
            "{m}"
        );
        let ok = check(
            "agent:client-tools",
            json!({"message": "x", "client_tools": [tool("read_file")]}),
        )
        .expect("ok");
        assert_eq!(ok.client_tools[0].name, "read_file");
    }

    #[test]
    fn wizard_needs_no_message() {
        assert!(check("agent:wizard", json!({"variables": {"topic": "t"}})).is_ok());
        assert!(check("agent:demo-echo", json!({})).is_err());
    }
}
