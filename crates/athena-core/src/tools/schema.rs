//! Argument schemas: compiled once per tool, and checked with every problem listed.
//!
//! Compiled with format validation on (so `"format": "date"` is asserted, not just an
//! annotation) and with no way to fetch a remote `$ref`: this crate builds
//! `jsonschema` without its HTTP and file resolvers, so such a schema does not compile.

use serde_json::Value;

/// At most this many schema problems are listed in one [`ArgumentsRejected`].
const MAX_PROBLEMS: usize = 20;
/// Each listed problem is cut to this many characters (it quotes the bad value).
const MAX_PROBLEM_CHARS: usize = 300;

/// Why a call's arguments were refused before the tool could run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArgumentsRejected {
    /// No tool of this name is registered.
    #[error("there is no tool named {name:?}")]
    UnknownTool {
        /// The name the agent called.
        name: String,
    },
    /// The arguments do not match the tool's schema.
    #[error("the arguments for {tool} do not match its schema: {}", problems.join("; "))]
    Invalid {
        /// The tool's name.
        tool: String,
        /// Each problem as "<JSON pointer>: <what is wrong>" ("(root)" for the whole
        /// arguments object), each cut to 300 characters; at most 20, then a last one
        /// saying how many more there were.
        problems: Vec<String>,
    },
}

/// Compiles a tool's parameters schema.
///
/// # Errors
/// Why the schema is unusable: not a JSON object, or it does not compile.
pub(super) fn compile(schema: &Value) -> Result<jsonschema::Validator, String> {
    if !schema.is_object() {
        return Err("the schema must be a JSON object".to_owned());
    }
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .map_err(|error| error.to_string())
}

/// Checks `arguments` for tool `tool` against its compiled schema.
///
/// # Errors
/// [`ArgumentsRejected::Invalid`] listing every problem with its JSON pointer.
pub(super) fn check(
    validator: &jsonschema::Validator,
    tool: &str,
    arguments: &Value,
) -> Result<(), ArgumentsRejected> {
    let mut problems = Vec::new();
    let mut more = 0_usize;
    for error in validator.iter_errors(arguments) {
        if problems.len() == MAX_PROBLEMS {
            more += 1;
            continue;
        }
        let pointer = error.instance_path().as_str();
        let pointer = if pointer.is_empty() {
            "(root)"
        } else {
            pointer
        };
        problems.push(cut(&format!("{pointer}: {error}"), MAX_PROBLEM_CHARS));
    }
    if more > 0 {
        problems.push(format!("and {more} more problems"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ArgumentsRejected::Invalid {
            tool: tool.to_owned(),
            problems,
        })
    }
}

/// `text` cut to `max` characters, ending with "…" when cut.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;

    use super::*;

    fn dates() -> jsonschema::Validator {
        compile(&json!({
            "type": "object",
            "properties": {
                "start_date": { "type": "string", "format": "date" },
                "end_date": { "type": "string", "format": "date" },
                "limit": { "type": "integer" }
            },
            "required": ["start_date", "end_date"],
            "additionalProperties": false
        }))
        .unwrap()
    }

    fn problems(arguments: &Value) -> Vec<String> {
        match check(&dates(), "dates", arguments) {
            Err(ArgumentsRejected::Invalid { problems, .. }) => problems,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn valid_arguments_pass() {
        let arguments = json!({"start_date": "2024-01-01", "end_date": "2024-01-31", "limit": 3});
        assert_eq!(check(&dates(), "dates", &arguments), Ok(()));
    }

    #[test]
    fn a_bad_date_is_refused_with_its_pointer() {
        let problems = problems(&json!({"start_date": "x", "end_date": "2024-02-30"}));
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems.contains(&"/start_date: \"x\" is not a \"date\"".to_owned()),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.starts_with("/end_date: ")),
            "{problems:?}"
        );
    }

    #[test]
    fn missing_wrong_typed_and_extra_fields_are_all_listed() {
        let arguments = json!({"start_date": "2024-01-01", "limit": "ten", "mode": "all"});
        let rejected = check(&dates(), "dates", &arguments).unwrap_err();
        let message = rejected.to_string();
        assert!(message.starts_with("the arguments for dates do not match its schema: "));
        assert!(message.contains("; "), "{message}");
        let problems = problems(&arguments);
        assert_eq!(problems.len(), 3, "{problems:?}");
        let has = |prefix: &str, word: &str| {
            problems
                .iter()
                .any(|p| p.starts_with(prefix) && p.contains(word))
        };
        assert!(has("(root): ", "end_date"), "{problems:?}");
        assert!(has("/limit: ", "integer"), "{problems:?}");
        assert!(has("(root): ", "mode"), "{problems:?}");
    }

    #[test]
    fn many_problems_are_capped_and_counted() {
        let properties: serde_json::Map<String, Value> = (0..30)
            .map(|i| (format!("f{i}"), json!({"type": "integer"})))
            .collect();
        let validator = compile(&json!({"type": "object", "properties": properties})).unwrap();
        let arguments: serde_json::Map<String, Value> =
            (0..30).map(|i| (format!("f{i}"), json!("no"))).collect();
        let Err(ArgumentsRejected::Invalid { problems, .. }) =
            check(&validator, "many", &Value::Object(arguments))
        else {
            panic!("expected Invalid");
        };
        assert_eq!(problems.len(), MAX_PROBLEMS + 1);
        assert_eq!(problems.last().unwrap(), "and 10 more problems");
    }

    #[test]
    fn a_long_problem_is_cut() {
        let long = "z".repeat(1_000);
        let problems = problems(&json!({"start_date": long, "end_date": "2024-01-01"}));
        assert_eq!(problems[0].chars().count(), MAX_PROBLEM_CHARS + 1);
        assert!(problems[0].starts_with("/start_date: ") && problems[0].ends_with('…'));
    }

    #[test]
    fn unusable_schemas_do_not_compile() {
        assert!(compile(&json!(true)).is_err());
        assert!(compile(&json!({"type": 12})).is_err());
        assert!(compile(&json!({"$ref": "https://example.com/schema.json"})).is_err());
    }
}
