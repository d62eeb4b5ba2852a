//! A command tool as the user defines it in settings, and the rules it must meet.
//!
//! Every rule names the field (as the settings file and the form name it) and its
//! limit, so the form can say exactly what to change. The spec is kept in the
//! settings file, which never holds a secret: an argument or program that looks like
//! a key is refused (pass keys to a tool through its own configuration instead).

use std::borrow::Cow;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::redact::redact_secrets;
use crate::tools::definition::ToolDefinition;
use crate::tools::schema;

/// The time a command tool may run when the user sets none: 60 s.
pub const DEFAULT_TIMEOUT_SECS: u32 = 60;
/// The longest time limit allowed: 10 minutes (the agent waits meanwhile).
pub const MAX_TIMEOUT_SECS: u32 = 600;
/// The output a command tool may print when the user sets none: 1 MiB.
pub const DEFAULT_OUTPUT_LIMIT_BYTES: u32 = 1024 * 1024;
/// The largest output limit allowed: 16 MiB (the result is sent to the agent).
pub const MAX_OUTPUT_LIMIT_BYTES: u32 = 16 * 1024 * 1024;
/// The most command tools the settings keep (an agent is offered at most 32 tools).
pub const MAX_COMMAND_TOOLS: usize = 32;
/// The longest description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 4_000;
/// The most fixed arguments.
pub const MAX_ARGS: usize = 64;
/// The longest program path or argument, in characters.
pub const MAX_ARG_CHARS: usize = 4_096;
/// The largest parameters schema, in bytes of compact JSON.
pub const MAX_PARAMETERS_BYTES: usize = 64 * 1024;

/// A tool the user defined: a program run directly (never through a shell) with
/// fixed arguments; the call's arguments go to its standard input as JSON and its
/// standard output is the result, as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommandToolSpec {
    /// The name the agent calls it by (`^[a-z][a-z0-9_]{0,63}$`).
    pub name: String,
    /// What it does and when to use it, written for the model.
    pub description: String,
    /// The JSON Schema of the call's arguments (an object schema).
    pub parameters: Value,
    /// The program: an absolute path, or a bare name looked up in `PATH` when the
    /// call runs. A relative path such as `bin/tool` is refused (relative to what?).
    pub executable: String,
    /// Arguments always passed, each as one argument, exactly as written.
    #[serde(default)]
    pub args: Vec<String>,
    /// The longest a call may run, in seconds; the process is then killed.
    #[serde(default = "default_timeout")]
    pub timeout_secs: u32,
    /// The most bytes the program may print on standard output; it is then killed.
    #[serde(default = "default_output_limit")]
    pub output_limit_bytes: u32,
}

fn default_timeout() -> u32 {
    DEFAULT_TIMEOUT_SECS
}

fn default_output_limit() -> u32 {
    DEFAULT_OUTPUT_LIMIT_BYTES
}

/// What is wrong with a command tool, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct SpecProblem {
    /// The field, as the settings file names it (`name`, `timeoutSecs`...).
    pub field: String,
    /// What it must be, with its limit.
    pub reason: String,
}

impl SpecProblem {
    fn new(field: &str, reason: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            reason: reason.into(),
        }
    }
}

impl CommandToolSpec {
    /// What the agent is told about the tool.
    pub fn definition(&self) -> ToolDefinition {
        ToolDefinition::new(&self.name, &self.description, self.parameters.clone())
    }

    /// Checks every rule, field by field, in the form's order.
    ///
    /// # Errors
    /// The first [`SpecProblem`].
    pub fn check(&self) -> Result<(), SpecProblem> {
        if !athena_api::validation::is_tool_name(&self.name) {
            return Err(SpecProblem::new(
                "name",
                "use 1 to 64 lower-case letters, digits or _, starting with a letter",
            ));
        }
        let description = self.description.trim();
        if description.is_empty() {
            return Err(SpecProblem::new(
                "description",
                "say what the tool does and when to use it",
            ));
        }
        if self.description.chars().count() > MAX_DESCRIPTION_CHARS {
            return Err(SpecProblem::new(
                "description",
                "must be at most 4,000 characters",
            ));
        }
        no_secret("description", &self.description)?;
        check_parameters(&self.parameters)?;
        check_executable(&self.executable)?;
        if self.args.len() > MAX_ARGS {
            return Err(SpecProblem::new("args", "at most 64 arguments"));
        }
        for arg in &self.args {
            if arg.chars().count() > MAX_ARG_CHARS {
                return Err(SpecProblem::new(
                    "args",
                    "each argument must be at most 4,096 characters",
                ));
            }
            if arg.contains('\0') {
                return Err(SpecProblem::new(
                    "args",
                    "an argument must not hold a NUL character",
                ));
            }
            no_secret("args", arg)?;
        }
        if !(1..=MAX_TIMEOUT_SECS).contains(&self.timeout_secs) {
            return Err(SpecProblem::new(
                "timeoutSecs",
                "must be from 1 to 600 seconds",
            ));
        }
        if !(1..=MAX_OUTPUT_LIMIT_BYTES).contains(&self.output_limit_bytes) {
            return Err(SpecProblem::new(
                "outputLimitBytes",
                "must be from 1 byte to 16 MiB (16,777,216 bytes)",
            ));
        }
        Ok(())
    }
}

/// Parses the parameters schema as the user typed it.
///
/// # Errors
/// A [`SpecProblem`] on `parameters` when the text is not JSON.
pub fn parse_parameters(text: &str) -> Result<Value, SpecProblem> {
    if text.len() > MAX_PARAMETERS_BYTES {
        return Err(SpecProblem::new(
            "parameters",
            "must be at most 64 KiB of JSON",
        ));
    }
    serde_json::from_str(text)
        .map_err(|err| SpecProblem::new("parameters", format!("is not JSON: {err}")))
}

/// Checks a list of command tools: at most [`MAX_COMMAND_TOOLS`], each valid, names
/// unique.
///
/// # Errors
/// The first [`SpecProblem`], its field prefixed with the tool's name
/// (`tools[lookup].timeoutSecs`) when one tool is wrong.
pub fn check_all(specs: &[CommandToolSpec]) -> Result<(), SpecProblem> {
    if specs.len() > MAX_COMMAND_TOOLS {
        return Err(SpecProblem::new(
            "commandTools",
            "at most 32 command tools (an agent is offered at most 32 tools)",
        ));
    }
    for (index, spec) in specs.iter().enumerate() {
        spec.check().map_err(|problem| SpecProblem {
            field: format!("commandTools[{index}].{}", problem.field),
            reason: problem.reason,
        })?;
        if specs[..index].iter().any(|other| other.name == spec.name) {
            return Err(SpecProblem::new(
                &format!("commandTools[{index}].name"),
                "another command tool has the same name",
            ));
        }
    }
    Ok(())
}

fn check_parameters(parameters: &Value) -> Result<(), SpecProblem> {
    if serde_json::to_vec(parameters).map_or(0, |v| v.len()) > MAX_PARAMETERS_BYTES {
        return Err(SpecProblem::new(
            "parameters",
            "must be at most 64 KiB of JSON",
        ));
    }
    if parameters.get("type").and_then(Value::as_str) != Some("object") {
        return Err(SpecProblem::new(
            "parameters",
            "must be a JSON Schema of an object: {\"type\": \"object\", \"properties\": {...}}",
        ));
    }
    schema::compile(parameters).map_err(|reason| {
        SpecProblem::new(
            "parameters",
            format!("is not a usable JSON Schema: {reason}"),
        )
    })?;
    no_secret("parameters", &parameters.to_string())
}

fn check_executable(executable: &str) -> Result<(), SpecProblem> {
    const FIELD: &str = "executable";
    if executable.trim().is_empty() {
        return Err(SpecProblem::new(
            FIELD,
            "name the program: an absolute path, or a name found in PATH",
        ));
    }
    if executable.chars().count() > MAX_ARG_CHARS {
        return Err(SpecProblem::new(FIELD, "must be at most 4,096 characters"));
    }
    if executable.contains('\0') || executable != executable.trim() {
        return Err(SpecProblem::new(
            FIELD,
            "must not hold a NUL character or start or end with spaces",
        ));
    }
    let bare = !executable.contains('/') && !executable.contains('\\');
    if !bare && !Path::new(executable).is_absolute() {
        return Err(SpecProblem::new(
            FIELD,
            "must be an absolute path (such as /usr/local/bin/tool) or a bare name found in PATH",
        ));
    }
    no_secret(FIELD, executable)
}

fn no_secret(field: &str, text: &str) -> Result<(), SpecProblem> {
    if matches!(redact_secrets(text), Cow::Owned(_)) {
        return Err(SpecProblem::new(
            field,
            "looks like a secret; settings never hold secrets",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn spec() -> CommandToolSpec {
        CommandToolSpec {
            name: "lookup".into(),
            description: "Looks a word up.".into(),
            parameters: json!({"type": "object", "properties": {"word": {"type": "string"}}}),
            executable: "/usr/bin/python3".into(),
            args: vec!["-c".into(), "print(1)".into()],
            timeout_secs: DEFAULT_TIMEOUT_SECS,
            output_limit_bytes: DEFAULT_OUTPUT_LIMIT_BYTES,
        }
    }

    fn field_of(change: impl FnOnce(&mut CommandToolSpec)) -> String {
        let mut spec = spec();
        change(&mut spec);
        spec.check().expect_err("refused").field
    }

    #[test]
    fn a_good_spec_passes_and_defaults_fill_the_limits() {
        assert_eq!(spec().check(), Ok(()));
        let bare = CommandToolSpec {
            executable: "python3".into(),
            ..spec()
        };
        assert_eq!(bare.check(), Ok(()));
        let parsed: CommandToolSpec = serde_json::from_value(json!({
            "name": "t", "description": "d", "parameters": {"type": "object"}, "executable": "x"
        }))
        .expect("parses");
        assert_eq!(parsed.timeout_secs, 60);
        assert_eq!(parsed.output_limit_bytes, 1_048_576);
        assert!(parsed.args.is_empty());
    }

    #[test]
    fn each_rule_names_its_field() {
        assert_eq!(field_of(|s| s.name = "Bad-Name".into()), "name");
        assert_eq!(field_of(|s| s.description = "  ".into()), "description");
        assert_eq!(
            field_of(|s| s.description = "x".repeat(4_001)),
            "description"
        );
        assert_eq!(
            field_of(|s| s.parameters = json!({"type": "array"})),
            "parameters"
        );
        assert_eq!(
            field_of(|s| s.parameters = json!({"type": "object", "properties": 3})),
            "parameters"
        );
        assert_eq!(field_of(|s| s.executable = String::new()), "executable");
        assert_eq!(field_of(|s| s.executable = "bin/tool".into()), "executable");
        assert_eq!(field_of(|s| s.args = vec!["a".into(); 65]), "args");
        assert_eq!(
            field_of(|s| s.args = vec!["--key=eak_live_0123456789abcdef0123".into()]),
            "args"
        );
        assert_eq!(field_of(|s| s.timeout_secs = 0), "timeoutSecs");
        assert_eq!(field_of(|s| s.timeout_secs = 601), "timeoutSecs");
        assert_eq!(field_of(|s| s.output_limit_bytes = 0), "outputLimitBytes");
        assert_eq!(
            field_of(|s| s.output_limit_bytes = MAX_OUTPUT_LIMIT_BYTES + 1),
            "outputLimitBytes"
        );
    }

    #[test]
    fn the_list_is_capped_and_names_are_unique() {
        let many = vec![spec(); 33];
        assert_eq!(
            check_all(&many).expect_err("too many").field,
            "commandTools"
        );
        let twice = vec![spec(), spec()];
        assert_eq!(
            check_all(&twice).expect_err("dup").field,
            "commandTools[1].name"
        );
        assert_eq!(check_all(&[spec()]), Ok(()));
    }

    #[test]
    fn parameters_text_must_be_json() {
        let problem = parse_parameters("{nope").expect_err("not json");
        assert_eq!(problem.field, "parameters");
        assert!(problem.reason.starts_with("is not JSON"), "{problem}");
        assert_eq!(
            parse_parameters("{\"type\":\"object\"}"),
            Ok(json!({"type": "object"}))
        );
    }
}
