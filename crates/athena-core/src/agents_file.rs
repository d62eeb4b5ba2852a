//! The agents file: the agents a workspace offers, written by hand, by the emulator
//! (`athena-emulator --agents-out FILE`) or, later, exported by the app. The history
//! stores each agent of a profile in the same shape.
//!
//! The API cannot list a workspace's agents, so a person (or a test) names them. The
//! format is JSON, one object with an `agents` array:
//!
//! ```json
//! {"agents": [
//!   {"id": "agent:demo-chat", "name": "Demo chat", "description": "Answers in text.",
//!    "requires_user_message": true, "variables": []},
//!   {"id": "agent:wizard", "name": "Outline wizard", "requires_user_message": false,
//!    "variables": [
//!      {"name": "topic", "description": "What the outline is about", "required": true},
//!      {"name": "sections", "type": "number", "integer": true, "minimum": 1,
//!       "maximum": 10, "default": 3},
//!      {"name": "tone", "type": "choice", "choices": ["neutral", "playful"]},
//!      {"name": "rush", "type": "boolean", "default": false}
//!    ]}
//! ]}
//! ```
//! Only `id` is required; `name` defaults to the id. A variable's `type` is `text`
//! (the default), `number` (with optional `minimum`, `maximum`, `integer`), `choice`
//! (with `choices`) or `boolean`; `default` is optional and must fit the type. A
//! field that does not belong to the variable's type is ignored. Unknown fields are
//! ignored, so a newer app's file still opens in an older one; an unknown `type` is
//! refused (guessing it would send the agent values of the wrong type).

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::AgentSummary;
use crate::profiles::validate_agent;

/// One variable a wizard agent reads from `variables` on execute. In the agents file
/// (and wherever it is serialized) it is one flat object:
/// `{"name", "description", "required", "type", "minimum", "maximum", "integer",
/// "choices", "default"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "FileVariable", into = "FileVariable")]
pub struct AgentVariable {
    /// The key in `variables`.
    pub name: String,
    /// What to fill in, in words.
    pub description: String,
    /// Whether the agent needs it.
    pub required: bool,
    /// What kind of value it takes.
    pub kind: VariableKind,
    /// The value the form starts with, if any; it fits `kind` (checked by
    /// [`validate_agent`](crate::profiles::validate_agent)).
    pub default: Option<Value>,
}

/// What kind of value a variable takes, and its bounds.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum VariableKind {
    /// Any text, sent as a JSON string.
    #[default]
    Text,
    /// A number, sent as a JSON number.
    Number {
        /// The smallest allowed value, if any.
        minimum: Option<f64>,
        /// The largest allowed value, if any.
        maximum: Option<f64>,
        /// Whether only whole numbers are allowed.
        integer: bool,
    },
    /// One of a fixed list of strings.
    Choice {
        /// The allowed values, in the order offered.
        choices: Vec<String>,
    },
    /// `true` or `false`, sent as a JSON boolean.
    Boolean,
}

impl AgentVariable {
    /// An optional text variable without a default.
    pub fn text(name: impl Into<String>, description: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            description: description.into(),
            required: false,
            kind: VariableKind::Text,
            default: None,
        }
    }
}

/// The `type` of a variable in the file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum VariableType {
    #[default]
    Text,
    Number,
    Choice,
    Boolean,
}

/// A variable as the file has it: flat, every type's fields optional.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct FileVariable {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    required: bool,
    #[serde(rename = "type", default)]
    kind: VariableType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    minimum: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    maximum: Option<f64>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    integer: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    choices: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    default: Option<Value>,
}

impl From<FileVariable> for AgentVariable {
    fn from(v: FileVariable) -> Self {
        let kind = match v.kind {
            VariableType::Text => VariableKind::Text,
            VariableType::Number => VariableKind::Number {
                minimum: v.minimum,
                maximum: v.maximum,
                integer: v.integer,
            },
            VariableType::Choice => VariableKind::Choice {
                choices: v.choices.unwrap_or_default(),
            },
            VariableType::Boolean => VariableKind::Boolean,
        };
        Self {
            name: v.name,
            description: v.description,
            required: v.required,
            kind,
            default: v.default,
        }
    }
}

impl From<AgentVariable> for FileVariable {
    fn from(v: AgentVariable) -> Self {
        let mut file = FileVariable {
            name: v.name,
            description: v.description,
            required: v.required,
            kind: VariableType::Text,
            minimum: None,
            maximum: None,
            integer: false,
            choices: None,
            default: v.default,
        };
        match v.kind {
            VariableKind::Text => {}
            VariableKind::Number {
                minimum,
                maximum,
                integer,
            } => {
                file.kind = VariableType::Number;
                file.minimum = minimum;
                file.maximum = maximum;
                file.integer = integer;
            }
            VariableKind::Choice { choices } => {
                file.kind = VariableType::Choice;
                file.choices = Some(choices);
            }
            VariableKind::Boolean => file.kind = VariableType::Boolean,
        }
        file
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct FileAgent {
    id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: String,
    #[serde(default = "yes")]
    requires_user_message: bool,
    #[serde(default)]
    variables: Vec<AgentVariable>,
}

fn yes() -> bool {
    true
}

impl FileAgent {
    fn of(a: &AgentSummary) -> Self {
        Self {
            id: a.id.clone(),
            name: Some(a.name.clone()),
            description: a.description.clone(),
            requires_user_message: a.requires_user_message,
            variables: a.variables.clone(),
        }
    }

    /// The agent, its name defaulting to its id.
    fn into_summary(self) -> AgentSummary {
        AgentSummary {
            name: self
                .name
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| self.id.clone()),
            id: self.id,
            description: self.description,
            requires_user_message: self.requires_user_message,
            variables: self.variables,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct AgentsFile {
    agents: Vec<FileAgent>,
}

/// One agent as compact JSON in the agents-file shape (how the history stores it).
pub(crate) fn agent_to_json(agent: &AgentSummary) -> Result<String, serde_json::Error> {
    serde_json::to_string(&FileAgent::of(agent))
}

/// One agent from [`agent_to_json`]'s text, its name defaulting to its id. Not
/// validated: what was stored is given back as it was.
pub(crate) fn agent_from_json(text: &str) -> Result<AgentSummary, serde_json::Error> {
    serde_json::from_str::<FileAgent>(text).map(FileAgent::into_summary)
}

/// Why an agents file could not be used. Each names the file and what to fix.
#[derive(Debug, thiserror::Error)]
pub enum AgentsFileError {
    /// The file could not be read.
    #[error("cannot read the agents file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not the expected JSON.
    #[error("the agents file {path} is not valid: {reason}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong, with line and column when JSON is malformed.
        reason: String,
    },
}

/// Reads an agents file: see [`parse_agents`] for what it must hold.
///
/// Errors: [`AgentsFileError::Read`] when the file cannot be read,
/// [`AgentsFileError::Invalid`] when it is not the format above.
pub fn read_agents_file(path: &Path) -> Result<Vec<AgentSummary>, AgentsFileError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| AgentsFileError::Read {
        path: shown.clone(),
        source,
    })?;
    parse_agents(&text).map_err(|reason| AgentsFileError::Invalid {
        path: shown,
        reason,
    })
}

/// Parses the text of an agents file; the error says what is wrong, in English
/// (the file is fixed by a person reading it): malformed JSON with its line and
/// column, an unknown variable `type`, an agent id used twice, or the first problem
/// [`validate_agent`] finds, named by agent id and field.
pub fn parse_agents(text: &str) -> Result<Vec<AgentSummary>, String> {
    let file: AgentsFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut seen = std::collections::HashSet::new();
    file.agents
        .into_iter()
        .map(|a| {
            let agent = a.into_summary();
            if let Err(problems) = validate_agent(&agent) {
                let described: Vec<String> = problems.iter().map(ToString::to_string).collect();
                return Err(format!("agent \"{}\": {}", agent.id, described.join("; ")));
            }
            if !seen.insert(agent.id.clone()) {
                return Err(format!("agent id \"{}\" appears twice", agent.id));
            }
            Ok(agent)
        })
        .collect()
}

/// The text of an agents file listing `agents` (the inverse of [`parse_agents`]).
pub fn write_agents(agents: &[AgentSummary]) -> String {
    let file = AgentsFile {
        agents: agents.iter().map(FileAgent::of).collect(),
    };
    serde_json::to_string_pretty(&file).unwrap_or_else(|_| "{\"agents\":[]}".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_example_with_defaults() {
        let agents = parse_agents(
            r#"{"agents": [
              {"id": "agent:a"},
              {"id": "agent:w", "name": "Wizard", "requires_user_message": false,
               "variables": [{"name": "topic", "required": true}], "future": 1}
            ]}"#,
        )
        .expect("valid");
        assert_eq!(agents[0].name, "agent:a");
        assert!(agents[0].requires_user_message);
        assert!(!agents[1].requires_user_message);
        assert_eq!(agents[1].variables[0].name, "topic");
        assert!(agents[1].variables[0].required);
    }

    #[test]
    fn refuses_bad_ids_and_duplicates_with_the_reason() {
        let bad = parse_agents(r#"{"agents":[{"id":"demo"}]}"#).expect_err("bad id");
        assert!(bad.contains("agent:NAME"), "{bad}");
        let twice =
            parse_agents(r#"{"agents":[{"id":"agent:a"},{"id":"agent:a"}]}"#).expect_err("dup");
        assert!(twice.contains("twice"), "{twice}");
        let json = parse_agents("{\"agents\": [").expect_err("broken");
        assert!(json.contains("line"), "{json}");
    }

    #[test]
    fn writing_then_reading_gives_the_same_agents() {
        let agents = parse_agents(
            r#"{"agents":[{"id":"agent:w","name":"W","description":"d","requires_user_message":false,
               "variables":[{"name":"topic","description":"t","required":true}]}]}"#,
        )
        .expect("valid");
        assert_eq!(parse_agents(&write_agents(&agents)).expect("again"), agents);
    }

    const TYPED: &str = r#"{"agents":[{"id":"agent:w","name":"W","requires_user_message":false,
        "variables":[
          {"name":"topic","description":"t","required":true},
          {"name":"sections","type":"number","minimum":1,"maximum":10,"integer":true,"default":3},
          {"name":"ratio","type":"number","maximum":0.5},
          {"name":"tone","type":"choice","choices":["neutral","playful"],"default":"neutral"},
          {"name":"rush","type":"boolean","default":false,"choices":["ignored"],"future":1}
        ]}]}"#;

    #[test]
    fn reads_typed_variables() {
        let agents = parse_agents(TYPED).expect("valid");
        let kinds: Vec<(&str, &VariableKind, Option<&Value>)> = agents[0]
            .variables
            .iter()
            .map(|v| (v.name.as_str(), &v.kind, v.default.as_ref()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("topic", &VariableKind::Text, None),
                (
                    "sections",
                    &VariableKind::Number {
                        minimum: Some(1.0),
                        maximum: Some(10.0),
                        integer: true
                    },
                    Some(&Value::from(3))
                ),
                (
                    "ratio",
                    &VariableKind::Number {
                        minimum: None,
                        maximum: Some(0.5),
                        integer: false
                    },
                    None
                ),
                (
                    "tone",
                    &VariableKind::Choice {
                        choices: vec!["neutral".into(), "playful".into()]
                    },
                    Some(&Value::from("neutral"))
                ),
                ("rush", &VariableKind::Boolean, Some(&Value::from(false))),
            ]
        );
    }

    #[test]
    fn typed_variables_round_trip_and_are_written_flat() {
        let agents = parse_agents(TYPED).expect("valid");
        let written = write_agents(&agents);
        assert_eq!(parse_agents(&written).expect("again"), agents);
        let json: Value = serde_json::from_str(&written).expect("json");
        let vars = &json["agents"][0]["variables"];
        assert_eq!(vars[0]["type"], "text");
        assert_eq!(vars[1]["integer"], true);
        assert_eq!(vars[1]["minimum"], 1.0);
        // Only the fields of the variable's own type are written.
        assert!(vars[0].get("choices").is_none());
        assert!(vars[2].get("minimum").is_none());
        assert!(vars[2].get("integer").is_none());
        assert!(vars[4].get("choices").is_none());
        assert_eq!(
            vars[3]["choices"],
            serde_json::json!(["neutral", "playful"])
        );
        // The history's one-agent form reads back the same.
        let one = agent_to_json(&agents[0]).expect("json");
        assert_eq!(agent_from_json(&one).expect("agent"), agents[0]);
    }

    #[test]
    fn an_old_file_reads_as_text_variables() {
        let agents = parse_agents(
            r#"{"agents":[{"id":"agent:w","variables":[{"name":"topic","description":"d","required":true}]}]}"#,
        )
        .expect("valid");
        assert_eq!(
            agents[0].variables,
            vec![AgentVariable {
                name: "topic".into(),
                description: "d".into(),
                required: true,
                kind: VariableKind::Text,
                default: None,
            }]
        );
        assert_eq!(parse_agents(&write_agents(&agents)).expect("again"), agents);
    }

    #[test]
    fn refuses_unknown_types_and_bad_definitions_with_the_reason() {
        let unknown = parse_agents(
            r#"{"agents":[{"id":"agent:w","variables":[{"name":"d","type":"date"}]}]}"#,
        )
        .expect_err("unknown type");
        assert!(unknown.contains("date"), "{unknown}");
        let no_choices = parse_agents(
            r#"{"agents":[{"id":"agent:w","variables":[{"name":"c","type":"choice"}]}]}"#,
        )
        .expect_err("no choices");
        assert!(no_choices.contains("agent:w"), "{no_choices}");
        assert!(no_choices.contains("variables[0].choices"), "{no_choices}");
        let bad_default = parse_agents(
            r#"{"agents":[{"id":"agent:w","variables":[{"name":"n","type":"number","maximum":2,"default":5}]}]}"#,
        )
        .expect_err("bad default");
        assert!(
            bad_default.contains("variables[0].default"),
            "{bad_default}"
        );
        let spaced = parse_agents(r#"{"agents":[{"id":"agent:a b"}]}"#).expect_err("space");
        assert!(spaced.contains("spaces"), "{spaced}");
    }

    #[test]
    fn a_missing_file_names_the_path() {
        let err = read_agents_file(Path::new("/no/such/agents.json")).expect_err("missing");
        assert!(err.to_string().contains("/no/such/agents.json"), "{err}");
    }
}
