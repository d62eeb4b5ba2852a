//! The agents file: the agents a workspace offers, written by hand, by the emulator
//! (`athena-emulator --agents-out FILE`) or, later, exported by the app.
//!
//! The API cannot list a workspace's agents, so a person (or a test) names them. The
//! format is JSON, one object with an `agents` array:
//!
//! ```json
//! {"agents": [
//!   {"id": "agent:demo-chat", "name": "Demo chat", "description": "Answers in text.",
//!    "requires_user_message": true, "variables": []},
//!   {"id": "agent:wizard", "name": "Outline wizard", "requires_user_message": false,
//!    "variables": [{"name": "topic", "description": "What the outline is about", "required": true}]}
//! ]}
//! ```
//! Only `id` is required; `name` defaults to the id. Unknown fields are ignored, so a
//! newer app's file still opens in an older one.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::AgentSummary;

/// One variable a wizard agent reads from `variables` on execute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentVariable {
    /// The key in `variables`.
    pub name: String,
    /// What to fill in, in words.
    #[serde(default)]
    pub description: String,
    /// Whether the agent needs it.
    #[serde(default)]
    pub required: bool,
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

#[derive(Debug, Serialize, Deserialize)]
struct AgentsFile {
    agents: Vec<FileAgent>,
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

/// Reads an agents file. Ids must start with `agent:` and be unique.
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

/// Parses the text of an agents file; the error says what is wrong.
pub fn parse_agents(text: &str) -> Result<Vec<AgentSummary>, String> {
    let file: AgentsFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut seen = std::collections::HashSet::new();
    file.agents
        .into_iter()
        .map(|a| {
            if !a.id.starts_with("agent:") || a.id.len() == "agent:".len() {
                return Err(format!("agent id \"{}\" must look like agent:NAME", a.id));
            }
            if !seen.insert(a.id.clone()) {
                return Err(format!("agent id \"{}\" appears twice", a.id));
            }
            Ok(AgentSummary {
                name: a
                    .name
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or_else(|| a.id.clone()),
                id: a.id,
                description: a.description,
                requires_user_message: a.requires_user_message,
                variables: a.variables,
            })
        })
        .collect()
}

/// The text of an agents file listing `agents` (the inverse of [`parse_agents`]).
pub fn write_agents(agents: &[AgentSummary]) -> String {
    let file = AgentsFile {
        agents: agents
            .iter()
            .map(|a| FileAgent {
                id: a.id.clone(),
                name: Some(a.name.clone()),
                description: a.description.clone(),
                requires_user_message: a.requires_user_message,
                variables: a.variables.clone(),
            })
            .collect(),
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

    #[test]
    fn a_missing_file_names_the_path() {
        let err = read_agents_file(Path::new("/no/such/agents.json")).expect_err("missing");
        assert!(err.to_string().contains("/no/such/agents.json"), "{err}");
    }
}
