//! The words of the native dialog that asks whether an agent may run a client tool.
//!
//! Everything shown comes from outside the app's control (the agent's name, the
//! tool's description, and above all the arguments the model wrote), so the text is
//! made unable to mislead: control characters and Unicode formatting characters that
//! could reorder or hide text are shown as escapes (`\n`, `<U+202E>`), every value is
//! cut to a stated length, and the number of fields and the full size are stated, so
//! nothing can be pushed out of sight. The dialog is a summary; the chat's card for
//! the call shows the arguments in full.

use serde_json::Value;

use super::definition::ToolDefinition;

/// At most this many characters of one argument's value are shown.
const MAX_VALUE_CHARS: usize = 200;
/// At most this many top-level fields are shown.
const MAX_FIELDS: usize = 12;
/// At most this many characters of a field's name are shown.
const MAX_KEY_CHARS: usize = 64;
/// At most this many characters of the agent's name are shown.
const MAX_AGENT_CHARS: usize = 80;
/// At most this many characters of the tool's description are shown.
const MAX_DESCRIPTION_CHARS: usize = 400;

/// The title and message of the approval dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalQuestion {
    /// A short title: who wants to run what.
    pub title: String,
    /// The body: the agent, the tool and its description, a summary of the arguments,
    /// and the choices.
    pub message: String,
}

/// The dialog text for `agent_name` calling `tool` with `arguments`.
///
/// The message names the agent, the tool and its description, then summarises the
/// arguments: their count and full size, then one line per top-level field
/// (`path: shared/notes.txt`), each value at most 200 characters with the cut stated
/// ("… (1,234 more characters)"), at most 12 fields with "and N more fields" stated.
/// Control characters and bidirectional or invisible formatting characters are shown
/// as escapes. A closing line says the full arguments are in the chat's card for the
/// call, and that the choices are Allow once, Always allow for this agent, or Deny
/// (closing the dialog denies).
pub fn approval_question(
    agent_name: &str,
    tool: &ToolDefinition,
    arguments: &Value,
) -> ApprovalQuestion {
    let agent = shown(agent_name, MAX_AGENT_CHARS);
    let name = shown(&tool.name, MAX_KEY_CHARS);
    let title = format!("“{agent}” wants to run “{name}”");

    let mut lines = vec![
        format!("The agent “{agent}” wants to run the tool “{name}” on this computer."),
        format!(
            "{name}: {}",
            shown(&tool.description, MAX_DESCRIPTION_CHARS)
        ),
        String::new(),
    ];
    let size = size_text(arguments.to_string().len());
    match arguments {
        Value::Object(fields) => {
            let count = match fields.len() {
                0 => "no fields".to_owned(),
                1 => "1 field".to_owned(),
                n => format!("{} fields", grouped(n)),
            };
            lines.push(format!("Arguments: {count}, {size}"));
            for (key, value) in fields.iter().take(MAX_FIELDS) {
                lines.push(format!(
                    "{}: {}",
                    shown(key, MAX_KEY_CHARS),
                    value_text(value)
                ));
            }
            if fields.len() > MAX_FIELDS {
                let more = fields.len() - MAX_FIELDS;
                let noun = if more == 1 { "field" } else { "fields" };
                lines.push(format!("and {} more {noun}", grouped(more)));
            }
        }
        other => {
            lines.push(format!("Arguments (not an object): {size}"));
            lines.push(value_text(other));
        }
    }
    lines.push(String::new());
    lines.push(
        "The full arguments are shown in the chat, in the card for this call. \
         Choose Allow once, Always allow for this agent, or Deny. Closing this dialog denies."
            .to_owned(),
    );
    ApprovalQuestion {
        title,
        message: lines.join("\n"),
    }
}

/// A value as one line: a string's own text, anything else as compact JSON.
fn value_text(value: &Value) -> String {
    match value {
        Value::String(text) => shown(text, MAX_VALUE_CHARS),
        other => shown(&other.to_string(), MAX_VALUE_CHARS),
    }
}

/// `text` with hidden characters escaped, cut to about `max` shown characters (an
/// escape is never split); the cut states how many characters of `text` were left out.
/// Shared with the program consent dialog, which shows programs the same way.
pub(crate) fn shown_text(text: &str, max: usize) -> String {
    shown(text, max)
}

fn shown(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut width = 0;
    for (index, c) in text.chars().enumerate() {
        let piece = escaped(c);
        let piece_width = piece.as_ref().map_or(1, |p| p.chars().count());
        if width + piece_width > max {
            let rest = text.chars().count() - index;
            let noun = if rest == 1 { "character" } else { "characters" };
            out.push_str(&format!("… ({} more {noun})", grouped(rest)));
            return out;
        }
        width += piece_width;
        match piece {
            Some(piece) => out.push_str(&piece),
            None => out.push(c),
        }
    }
    out
}

/// The escape shown for a character that could hide or reorder text, if it is one.
fn escaped(c: char) -> Option<String> {
    match c {
        '\n' => Some("\\n".to_owned()),
        '\t' => Some("\\t".to_owned()),
        '\r' => Some("\\r".to_owned()),
        // C0 and C1 controls, DEL.
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        // Soft hyphen, Arabic letter mark, Mongolian vowel separator.
        | '\u{ad}' | '\u{61c}' | '\u{180e}'
        // Zero-width space, joiners, LRM/RLM.
        | '\u{200b}'..='\u{200f}'
        // Line and paragraph separators, bidirectional embeddings and overrides.
        | '\u{2028}'..='\u{202e}'
        // Word joiner, invisible operators, bidirectional isolates, deprecated format
        // characters.
        | '\u{2060}'..='\u{206f}'
        // Byte order mark / zero-width no-break space.
        | '\u{feff}'
        // Interlinear annotation characters.
        | '\u{fff9}'..='\u{fffb}' => Some(format!("<U+{:04X}>", u32::from(c))),
        _ => None,
    }
}

/// A byte count as people read it: "812 bytes", "1.2 KB", "3.4 MB".
fn size_text(bytes: usize) -> String {
    match bytes {
        1 => "1 byte".to_owned(),
        0..1_000 => format!("{bytes} bytes"),
        1_000..999_950 => format!("{:.1} KB", bytes as f64 / 1e3),
        _ => format!("{:.1} MB", bytes as f64 / 1e6),
    }
}

/// `n` with thousands separated by commas: 1234 → "1,234".
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;

    use super::*;

    fn tool() -> ToolDefinition {
        ToolDefinition::new(
            "read_text_file",
            "Read a UTF-8 text file.",
            json!({"type": "object"}),
        )
    }

    #[test]
    fn the_message_names_the_agent_the_tool_and_each_field() {
        let arguments = json!({"path": "shared/notes.txt"});
        let question = approval_question("Finance helper", &tool(), &arguments);
        assert_eq!(
            question.title,
            "“Finance helper” wants to run “read_text_file”"
        );
        let lines: Vec<&str> = question.message.lines().collect();
        assert_eq!(
            lines[0],
            "The agent “Finance helper” wants to run the tool “read_text_file” on this computer."
        );
        assert_eq!(lines[1], "read_text_file: Read a UTF-8 text file.");
        assert_eq!(lines[3], "Arguments: 1 field, 27 bytes");
        assert_eq!(lines[4], "path: shared/notes.txt");
        let closing = lines.last().unwrap();
        assert!(closing.contains("card for this call"), "{closing}");
        assert!(closing.contains("Allow once"), "{closing}");
        assert!(closing.contains("Always allow for this agent"), "{closing}");
        assert!(closing.contains("Deny"), "{closing}");
        assert!(closing.contains("Closing this dialog denies"), "{closing}");
    }

    #[test]
    fn hidden_characters_are_made_visible() {
        let arguments =
            json!({"path": "a\nb\tc\r\u{202E}txt.exe\u{200B}\u{2066}\u{feff}\u{1b}[2J\u{85}"});
        let question = approval_question("Agent\u{202E}x", &tool(), &arguments);
        assert!(
            question.message.contains(
                "path: a\\nb\\tc\\r<U+202E>txt.exe<U+200B><U+2066><U+FEFF><U+001B>[2J<U+0085>"
            ),
            "{}",
            question.message
        );
        assert!(
            question.title.contains("Agent<U+202E>x"),
            "{}",
            question.title
        );
        for hidden in [
            '\u{202E}', '\u{200B}', '\u{2066}', '\u{feff}', '\u{1b}', '\t', '\r',
        ] {
            assert!(!question.message.contains(hidden), "{hidden:?} left as is");
        }
        // Only the message's own line breaks remain.
        assert_eq!(question.message.lines().count(), 7);
    }

    #[test]
    fn a_long_value_is_cut_and_the_cut_is_stated() {
        let long = "x".repeat(MAX_VALUE_CHARS + 1_234);
        let question = approval_question("A", &tool(), &json!({ "text": long }));
        let expected = format!(
            "text: {}… (1,234 more characters)",
            "x".repeat(MAX_VALUE_CHARS)
        );
        assert!(
            question.message.lines().any(|line| line == expected),
            "{}",
            question.message
        );
        assert!(
            question.message.contains("Arguments: 1 field, 1.4 KB"),
            "{}",
            question.message
        );
    }

    #[test]
    fn escapes_count_toward_the_cut_and_are_never_split() {
        let text = format!("{}\u{202E}abc", "y".repeat(MAX_VALUE_CHARS - 3));
        let shown_text = shown(&text, MAX_VALUE_CHARS);
        assert_eq!(
            shown_text,
            format!("{}… (4 more characters)", "y".repeat(MAX_VALUE_CHARS - 3))
        );
        assert_eq!(shown("ab", 1), "a… (1 more character)");
    }

    #[test]
    fn many_fields_are_capped_and_counted() {
        let fields: serde_json::Map<String, Value> =
            (0..15).map(|i| (format!("f{i:02}"), json!(i))).collect();
        let arguments = Value::Object(fields);
        let question = approval_question("A", &tool(), &arguments);
        let size = arguments.to_string().len();
        assert!(
            question
                .message
                .contains(&format!("Arguments: 15 fields, {size} bytes"))
        );
        assert!(question.message.contains("f11: 11"));
        assert!(!question.message.contains("f12: 12"));
        assert!(
            question.message.contains("\nand 3 more fields\n"),
            "{}",
            question.message
        );
    }

    #[test]
    fn non_string_values_are_shown_as_json_and_non_objects_are_said() {
        let question = approval_question(
            "A",
            &tool(),
            &json!({"n": 1.5, "list": [1, "a"], "none": null}),
        );
        assert!(question.message.contains("n: 1.5"));
        assert!(question.message.contains("list: [1,\"a\"]"));
        assert!(question.message.contains("none: null"));
        let question = approval_question("A", &tool(), &json!(["x"]));
        assert!(
            question
                .message
                .contains("Arguments (not an object): 5 bytes\n[\"x\"]"),
            "{}",
            question.message
        );
        let question = approval_question("A", &tool(), &json!({}));
        assert!(question.message.contains("Arguments: no fields, 2 bytes"));
    }

    #[test]
    fn sizes_and_counts_read_naturally() {
        assert_eq!(size_text(1), "1 byte");
        assert_eq!(size_text(999), "999 bytes");
        assert_eq!(size_text(1_234), "1.2 KB");
        assert_eq!(size_text(3_400_000), "3.4 MB");
        assert_eq!(grouped(7), "7");
        assert_eq!(grouped(1_234), "1,234");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }
}
