//! The client-tool agent: calls the tools the client offers when the message names
//! them, suspends, and answers from their results once the last one is posted.

use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::script::{ClientTool, End, PendingCall, Script, ToolOutcome, Turn};

/// Id of the client-tool agent.
pub const CLIENT_TOOLS_ID: &str = "agent:client-tools";

/// Longest tool result quoted in the answer, in chars.
const QUOTE_MAX: usize = 300;

/// The tools the message asks for: those whose name it contains, or all of them when
/// it says "all tools" / "every tool".
fn requested<'a>(message: &str, tools: &'a [ClientTool]) -> Vec<&'a ClientTool> {
    let m = message.to_lowercase();
    if m.contains("all tools") || m.contains("every tool") {
        return tools.iter().collect();
    }
    tools.iter().filter(|t| m.contains(&t.name)).collect()
}

/// A plausible value for a JSON Schema property.
fn sample(name: &str, schema: &Value, message: &str) -> Value {
    match schema.get("type").and_then(Value::as_str) {
        Some("integer") | Some("number") => json!(1),
        Some("boolean") => json!(true),
        Some("array") => json!([]),
        Some("object") => json!({}),
        _ if name.contains("path") || name.contains("file") => json!("notes.txt"),
        _ => json!(super::first_words(message, 8)),
    }
}

/// Arguments the message spells out for `tool`: a JSON object right after its name
/// (`read_text_file {"path": "docs/a.txt"}`), taken as written, even when it does not
/// fit the tool's schema (so tests can send what a confused model would).
fn spelled_out(tool: &ClientTool, message: &str) -> Option<Value> {
    let at = message.find(&tool.name)? + tool.name.len();
    let rest = message[at..].trim_start();
    if !rest.starts_with('{') {
        return None;
    }
    serde_json::Deserializer::from_str(rest)
        .into_iter::<Value>()
        .next()?
        .ok()
        .filter(Value::is_object)
}

/// Arguments for a call of `tool`: those the message spells out, else one sample
/// value per property of its schema.
fn arguments(tool: &ClientTool, message: &str) -> Value {
    if let Some(args) = spelled_out(tool, message) {
        return args;
    }
    let mut args = Map::new();
    if let Some(props) = tool.parameters.get("properties").and_then(Value::as_object) {
        for (name, schema) in props {
            args.insert(name.clone(), sample(name, schema, message));
        }
    }
    Value::Object(args)
}

/// Calls the requested tools (suspending), or explains how to ask for them.
pub fn first_leg(turn: &Turn<'_>) -> Script {
    let mut s = Script::new();
    let wanted = requested(turn.message, turn.client_tools);
    if turn.client_tools.is_empty() {
        s.text(
            "No client tools were offered with this message. Send client_tools and name \
             one of them in your message, and I will call it.",
        );
        return s;
    }
    if wanted.is_empty() {
        let names: Vec<&str> = turn.client_tools.iter().map(|t| t.name.as_str()).collect();
        s.text(&format!(
            "I can call these tools on your computer: {}. Name one (or say \"all tools\") \
             and I will call it.",
            names.join(", ")
        ));
        return s;
    }
    let names: Vec<&str> = wanted.iter().map(|t| t.name.as_str()).collect();
    s.reasoning(&format!(
        "The user asked for {}. I need the client to run them.",
        names.join(" and ")
    ));
    s.end = End::Suspend(
        wanted
            .into_iter()
            .map(|tool| PendingCall {
                tool_call_id: format!("tc_{}", &Uuid::new_v4().simple().to_string()[..12]),
                name: tool.name.clone(),
                arguments: arguments(tool, turn.message),
            })
            .collect(),
    );
    s
}

/// Answers from the posted results, quoting each one.
pub fn resumed_leg(_turn: &Turn<'_>, outcomes: &[ToolOutcome]) -> Script {
    let mut answer = format!("I called {} tool(s) on your computer.", outcomes.len());
    for o in outcomes {
        let mut quoted = serde_json::to_string(&o.result).unwrap_or_default();
        if quoted.chars().count() > QUOTE_MAX {
            quoted = quoted.chars().take(QUOTE_MAX).collect::<String>() + "…";
        }
        if o.success {
            answer.push_str(&format!(" `{}` returned {quoted}.", o.call.name));
        } else {
            let why = o
                .result
                .get("error")
                .and_then(Value::as_str)
                .map_or(quoted, str::to_owned);
            answer.push_str(&format!(" `{}` failed: {why}.", o.call.name));
        }
    }
    let ok = outcomes.iter().filter(|o| o.success).count();
    answer.push_str(&format!(
        " Based on these results ({ok} succeeded, {} failed), that is my answer.",
        outcomes.len() - ok
    ));
    let mut s = Script::new();
    s.text(&answer);
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn tool(name: &str) -> ClientTool {
        ClientTool {
            name: name.into(),
            description: "d".into(),
            parameters: json!({"type":"object","properties":{"path":{"type":"string"},"n":{"type":"integer"}}}),
        }
    }

    /// How the first leg of a turn with `message` and `tools` ends.
    fn suspended(message: &str, tools: &[ClientTool]) -> End {
        let vars = Map::new();
        let turn = Turn {
            message,
            history: &[],
            variables: &vars,
            client_tools: tools,
            external_user_id: None,
            attachments: 0,
            base_url: "",
            media_generation_time: Duration::ZERO,
        };
        first_leg(&turn).end
    }

    #[test]
    fn calls_the_named_tools() {
        let tools = [tool("read_file"), tool("list_dir"), tool("now")];
        let End::Suspend(calls) = suspended("please read_file and list_dir", &tools) else {
            panic!("suspends");
        };
        let names: Vec<&str> = calls.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["read_file", "list_dir"]);
        assert_eq!(calls[0].arguments, json!({"path":"notes.txt","n":1}));
        assert_ne!(calls[0].tool_call_id, calls[1].tool_call_id);
    }

    #[test]
    fn arguments_spelled_out_in_the_message_are_taken_as_written() {
        let tools = [tool("read_file"), tool("list_dir")];
        let message = r#"read_file {"path": "../etc/passwd", "extra": [1]} and list_dir"#;
        let End::Suspend(calls) = suspended(message, &tools) else {
            panic!("suspends");
        };
        assert_eq!(
            calls[0].arguments,
            json!({"path": "../etc/passwd", "extra": [1]})
        );
        assert_eq!(calls[1].arguments, json!({"path": "notes.txt", "n": 1}));
    }
}
