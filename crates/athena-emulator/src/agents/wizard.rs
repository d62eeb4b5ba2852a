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

/// The variables the wizard reads.
pub fn variables() -> Vec<super::VariableInfo> {
    let var = |name: &str, description: &str, required: bool| super::VariableInfo {
        name: name.into(),
        description: description.into(),
        required,
    };
    vec![
        var("topic", "What the outline is about", true),
        var("sections", "How many sections, 1 to 10 (default 3)", false),
        var("tone", "The tone, e.g. neutral or playful", false),
        var("rush", "true for a rush job (5 more credits)", false),
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
}
