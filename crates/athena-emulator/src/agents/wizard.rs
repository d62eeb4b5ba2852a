//! The wizard agent (`requires_user_message: false`): builds an outline from
//! `variables`, priced by credit rules that `preview-credits` explains.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::script::{End, Script, Turn};

/// Id of the wizard agent.
pub const WIZARD_ID: &str = "agent:wizard";

/// Credits every wizard run costs.
const BASE_CREDITS: u64 = 2;
/// Credits per outline section.
const CREDITS_PER_SECTION: u64 = 1;
/// Extra credits for `rush: true`.
const RUSH_CREDITS: u64 = 5;
/// Sections when `sections` is missing or not a number.
const DEFAULT_SECTIONS: u64 = 3;
/// Most sections the wizard writes.
const MAX_SECTIONS: u64 = 10;
/// [`MAX_SECTIONS`] as the bound of the `sections` variable.
const MAX_SECTIONS_F64: f64 = 10.0;

/// One line of a credit preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreviewRule {
    /// Rule name.
    pub name: String,
    /// What it charges for, in words.
    pub description: String,
    /// Credits it adds for these inputs.
    pub credits: u64,
}

/// [assumed] `data` of a `preview-credits` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Preview {
    /// Total credits: base cost plus every rule.
    pub credits: u64,
    /// Credits every run costs.
    pub base_cost: u64,
    /// The rules that apply, with their credits.
    pub rules: Vec<PreviewRule>,
}

impl Preview {
    /// The preview of a token-priced agent: a base of 1 credit and one explanatory rule
    /// worth 0 (the real cost depends on the tokens used).
    pub fn token_priced() -> Self {
        Self {
            credits: 1,
            base_cost: 1,
            rules: vec![PreviewRule {
                name: "tokens".into(),
                description: "Charged by tokens used: 3 µ$ per input and 15 µ$ per output \
                              token, rounded up to whole credits (not known in advance)."
                    .into(),
                credits: 0,
            }],
        }
    }
}

/// The tones the wizard writes in; any other `tone` is written as given.
pub const TONES: [&str; 3] = ["neutral", "playful", "formal"];

/// The variables the wizard reads, typed as its script reads them.
pub fn variables() -> Vec<super::VariableInfo> {
    use super::{VariableInfo, VariableKind};
    let var = |name: &str, description: &str, required: bool, kind, default| VariableInfo {
        name: name.into(),
        description: description.into(),
        required,
        kind,
        default,
    };
    vec![
        var(
            "topic",
            "What the outline is about",
            true,
            VariableKind::Text,
            None,
        ),
        var(
            "sections",
            "How many sections",
            false,
            VariableKind::Number {
                minimum: Some(1.0),
                maximum: Some(MAX_SECTIONS_F64),
                integer: true,
            },
            Some(Value::from(DEFAULT_SECTIONS)),
        ),
        var(
            "tone",
            "The tone of the outline",
            false,
            VariableKind::Choice {
                choices: TONES.iter().map(|t| (*t).to_owned()).collect(),
            },
            Some(Value::from(TONES[0])),
        ),
        var(
            "rush",
            "A rush job (5 more credits)",
            false,
            VariableKind::Boolean,
            Some(Value::from(false)),
        ),
    ]
}

/// Sections asked for (1..=10), from `sections`.
fn sections(inputs: &Map<String, Value>) -> u64 {
    inputs
        .get("sections")
        .and_then(Value::as_u64)
        .unwrap_or(DEFAULT_SECTIONS)
        .clamp(1, MAX_SECTIONS)
}

/// Whether `rush` is true.
fn rush(inputs: &Map<String, Value>) -> bool {
    inputs.get("rush").and_then(Value::as_bool).unwrap_or(false)
}

/// The credit rules for these inputs (`variables` on execute, `inputs` on preview).
pub fn preview(inputs: &Map<String, Value>) -> Preview {
    let n = sections(inputs);
    let mut rules = vec![PreviewRule {
        name: "per_section".into(),
        description: format!(
            "{CREDITS_PER_SECTION} credit per outline section (`sections`, 1-{MAX_SECTIONS}, default {DEFAULT_SECTIONS})"
        ),
        credits: n * CREDITS_PER_SECTION,
    }];
    if rush(inputs) {
        rules.push(PreviewRule {
            name: "rush".into(),
            description: format!("{RUSH_CREDITS} credits for `rush: true`"),
            credits: RUSH_CREDITS,
        });
    }
    Preview {
        credits: BASE_CREDITS + rules.iter().map(|r| r.credits).sum::<u64>(),
        base_cost: BASE_CREDITS,
        rules,
    }
}

/// An outline of `topic` with `sections` sections, charged by the credit rules.
pub fn script(turn: &Turn<'_>) -> Script {
    let vars = turn.variables;
    let topic = vars
        .get("topic")
        .and_then(Value::as_str)
        .filter(|t| !t.trim().is_empty())
        .unwrap_or("your project");
    let tone = vars
        .get("tone")
        .and_then(Value::as_str)
        .unwrap_or("neutral");
    let mut text = format!("# Outline: {topic}\n\nTone: {tone}.\n\n");
    for i in 1..=sections(vars) {
        text.push_str(&format!("{i}. Section {i} of {topic}\n"));
    }
    if !turn.message.trim().is_empty() {
        text.push_str(&format!("\nNote: {}\n", turn.message.trim()));
    }
    let mut s = Script::new();
    s.text(&text);
    s.end = End::Complete {
        parsed_output: None,
        credits: Some(preview(vars).credits),
        status: "completed".into(),
    };
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rules_add_up() {
        let inputs = json!({"sections": 4, "rush": true});
        let p = preview(inputs.as_object().expect("object"));
        assert_eq!(p.credits, 2 + 4 + 5);
        assert_eq!(p.rules.len(), 2);
        let p = preview(&Map::new());
        assert_eq!(p.credits, 2 + 3);
        let big = json!({"sections": 99});
        assert_eq!(preview(big.as_object().expect("object")).credits, 12);
    }

    #[test]
    fn the_described_variables_are_what_the_script_reads() {
        let vars = variables();
        let sections_var = vars
            .iter()
            .find(|v| v.name == "sections")
            .expect("sections");
        assert_eq!(sections_var.default, Some(json!(DEFAULT_SECTIONS)));
        let super::super::VariableKind::Number {
            minimum: Some(minimum),
            maximum: Some(maximum),
            integer: true,
        } = sections_var.kind
        else {
            panic!("sections is a bounded integer");
        };
        // The script clamps to exactly these bounds.
        let at = |n: u64| {
            let inputs = json!({ "sections": n });
            sections(inputs.as_object().expect("object"))
        };
        assert_eq!((at(0), at(99)), (1, 10));
        assert_eq!((minimum, maximum), (1.0, 10.0));
        // Every offered tone is written as given.
        for tone in TONES {
            let inputs = json!({ "topic": "t", "tone": tone });
            let text: String = script(&turn(inputs.as_object().expect("object")))
                .steps
                .iter()
                .filter_map(|s| match s {
                    crate::script::Step::Text(t) => Some(t.as_str()),
                    _ => None,
                })
                .collect();
            assert!(text.contains(&format!("Tone: {tone}.")), "{text}");
        }
        let json = serde_json::to_value(&vars).expect("json");
        assert_eq!(
            json[0],
            json!({"name": "topic", "description": "What the outline is about",
                "required": true, "type": "text"})
        );
        assert_eq!(json[1]["type"], "number");
        assert_eq!(json[1]["integer"], true);
        assert_eq!(json[2]["choices"], json!(TONES));
        assert_eq!(json[2]["default"], "neutral");
        assert_eq!(json[3]["type"], "boolean");
        assert_eq!(json[3]["default"], false);
    }

    fn turn(variables: &Map<String, Value>) -> Turn<'_> {
        Turn {
            message: "",
            history: &[],
            variables,
            client_tools: &[],
            external_user_id: None,
            attachments: 0,
            base_url: "http://127.0.0.1:1",
            media_generation_time: std::time::Duration::ZERO,
        }
    }
}
