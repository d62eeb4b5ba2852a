//! Scenario files: extra agents defined as event sequences with delays, loaded with
//! `--scenario FILE` (JSON). Not available in strict (in-app) mode.
//!
//! ```json
//! {"agents": [{
//!   "id": "agent:flaky", "name": "Flaky", "description": "Drops after 3 events.",
//!   "requires_user_message": true,
//!   "fault": "close-after=3",
//!   "steps": [
//!     {"event": {"type": "reasoning", "delta": "Thinking..."}},
//!     {"delay_ms": 200, "text": "Hello from a scenario."},
//!     {"delay_ms": 50, "event": {"type": "tool_call", "tool_call_id": "tc_1", "name": "x", "arguments": {}}}
//!   ],
//!   "end": {"status": "completed"}
//! }]}
//! ```
//! `start` and `final` are added by the emulator; `end` may instead be
//! `{"error": {"code": "...", "message": "..."}}` (an `error` event, no `final`), and may
//! carry `parsed_output` and a fixed `credits` cost.

use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use crate::script::{End, Script, Step};

/// A scenario file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// The agents it defines.
    pub agents: Vec<ScenarioAgent>,
}

/// One agent of a scenario file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioAgent {
    /// `agent:...`, distinct from the built-in agents.
    pub id: String,
    /// Display name (defaults to the id).
    #[serde(default)]
    pub name: Option<String>,
    /// One-line description.
    #[serde(default)]
    pub description: Option<String>,
    /// [doc] `requires_user_message` (default true).
    #[serde(default = "default_true")]
    pub requires_user_message: bool,
    /// Faults on every request to this agent, `X-Emulator-Fault` syntax.
    #[serde(default)]
    pub fault: Option<String>,
    /// What happens between `start` and the end.
    #[serde(default)]
    pub steps: Vec<ScenarioStep>,
    /// How it ends (default: `final` with `completed`).
    #[serde(default)]
    pub end: ScenarioEnd,
}

/// One step: an optional pause, then an event or some paced text.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioStep {
    /// Pause before the step, in milliseconds.
    #[serde(default)]
    pub delay_ms: u64,
    /// A raw event: a JSON object with a string `type` (any type, known or not).
    #[serde(default)]
    pub event: Option<Value>,
    /// Text sent as word deltas paced by the token delay.
    #[serde(default)]
    pub text: Option<String>,
    /// Benchmarks: about every this many deltas, a plain word gets the time it was
    /// sent appended as `⟦unix µs⟧`, so a page can measure delta-to-paint latency.
    #[serde(default)]
    pub stamp_every: Option<u32>,
}

/// The end of a scenario agent's stream.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioEnd {
    /// `final` status (default `completed`).
    #[serde(default)]
    pub status: Option<String>,
    /// `output.parsed_output`.
    #[serde(default)]
    pub parsed_output: Option<Value>,
    /// A fixed cost in credits instead of token pricing.
    #[serde(default)]
    pub credits: Option<u64>,
    /// End with an `error` event instead of `final`.
    #[serde(default)]
    pub error: Option<ScenarioError>,
}

/// `error.error` of an `error` event.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioError {
    /// Machine-readable code.
    pub code: String,
    /// Human sentence.
    pub message: String,
}

fn default_true() -> bool {
    true
}

impl ScenarioFile {
    /// Parses and checks a scenario: ids start with `agent:` and are unique, every
    /// event is an object with a string `type`, fault specs parse. The error names the
    /// offending place.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let file: ScenarioFile =
            serde_json::from_str(text).map_err(|e| format!("scenario: {e}"))?;
        let mut seen = std::collections::HashSet::new();
        for (i, agent) in file.agents.iter().enumerate() {
            if !agent.id.starts_with("agent:") || agent.id.len() <= "agent:".len() {
                return Err(format!("agents[{i}].id: must start with \"agent:\""));
            }
            if !seen.insert(agent.id.as_str()) {
                return Err(format!("agents[{i}].id: \"{}\" is defined twice", agent.id));
            }
            if let Some(f) = &agent.fault {
                crate::faults::FaultSpec::parse(f)
                    .map_err(|e| format!("agents[{i}].fault: {e}"))?;
            }
            for (j, step) in agent.steps.iter().enumerate() {
                if let Some(e) = &step.event
                    && e.get("type").and_then(Value::as_str).is_none()
                {
                    return Err(format!(
                        "agents[{i}].steps[{j}].event: must be an object with a string \"type\""
                    ));
                }
            }
        }
        Ok(file)
    }

    /// Reads and parses a scenario file.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read ({e})", path.display()))?;
        Self::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))
    }
}

impl ScenarioAgent {
    /// The script this agent plays.
    pub fn script(&self) -> Script {
        let mut s = Script::new();
        for step in &self.steps {
            if step.delay_ms > 0 {
                s.steps
                    .push(Step::Sleep(Duration::from_millis(step.delay_ms)));
            }
            if let Some(e) = &step.event {
                s.steps.push(Step::Event(e.clone()));
            }
            match (&step.text, step.stamp_every) {
                (Some(t), Some(every)) if every > 0 => {
                    s.stamped_text(t, every);
                }
                (Some(t), _) => {
                    s.text(t);
                }
                (None, _) => {}
            }
        }
        s.end = match &self.end.error {
            Some(e) => End::Error {
                code: e.code.clone(),
                message: e.message.clone(),
            },
            None => End::Complete {
                parsed_output: self.end.parsed_output.clone(),
                credits: self.end.credits,
                status: self
                    .end
                    .status
                    .clone()
                    .unwrap_or_else(|| "completed".into()),
            },
        };
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_scripts() {
        let f = ScenarioFile::from_json(
            r#"{"agents":[{"id":"agent:s","steps":[{"delay_ms":5,"text":"a b"},
               {"event":{"type":"custom","x":1}}],"end":{"error":{"code":"boom","message":"no"}}}]}"#,
        )
        .expect("valid");
        let s = f.agents[0].script();
        assert_eq!(s.steps.len(), 4);
        assert!(matches!(s.end, End::Error { .. }));
    }

    #[test]
    fn stamps_only_plain_words_about_every_n_deltas() {
        let f = ScenarioFile::from_json(
            r#"{"agents":[{"id":"agent:s","steps":[{"text":"a b |---| c d e f","stamp_every":2}]}]}"#,
        )
        .expect("valid");
        let stamped: Vec<String> = f.agents[0]
            .script()
            .steps
            .iter()
            .filter_map(|s| match s {
                Step::StampedText(d) => Some(d.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(
            stamped,
            ["b ", "c ", "e "],
            "the table row is never stamped"
        );
    }

    #[test]
    fn refuses_bad_files() {
        for (text, needle) in [
            (r#"{"agents":[{"id":"s"}]}"#, "agents[0].id"),
            (r#"{"agents":[{"id":"agent:a"},{"id":"agent:a"}]}"#, "twice"),
            (
                r#"{"agents":[{"id":"agent:a","steps":[{"event":{"x":1}}]}]}"#,
                "steps[0].event",
            ),
            (
                r#"{"agents":[{"id":"agent:a","fault":"explode"}]}"#,
                "fault",
            ),
            (r#"{"agents":[{"id":"agent:a","bogus":1}]}"#, "bogus"),
        ] {
            let e = ScenarioFile::from_json(text).expect_err(text);
            assert!(e.contains(needle), "{e}");
        }
    }
}
