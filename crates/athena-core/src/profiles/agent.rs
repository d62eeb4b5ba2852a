//! The rules an agent definition meets: the user adds agents by id (the API cannot
//! list them), with the variables a wizard agent reads.

use std::collections::HashSet;

use serde_json::Value;

use super::FieldProblem;
use super::problem::{Problem, Problems, limit_u32};
use super::profile::check_prefixed;
use crate::{AgentSummary, AgentVariable, VariableKind};

/// What every agent id starts with. [doc]
pub const AGENT_ID_PREFIX: &str = "agent:";

/// The most characters of an agent's name (after trimming).
pub const MAX_AGENT_NAME_CHARS: usize = 100;

/// The most characters of a variable's name.
pub const MAX_VARIABLE_NAME_CHARS: usize = 64;

/// Checks one agent definition; returns every problem found.
///
/// Fields and rules:
/// - `id`: required; `agent:` and at least one more character ([`Problem::BadPrefix`]);
///   no whitespace.
/// - `name`: required, at most [`MAX_AGENT_NAME_CHARS`] characters (trimmed).
///   (The agents file gives a missing name the id before this check.)
/// - `variables[i].name`: required (not blank), at most [`MAX_VARIABLE_NAME_CHARS`]
///   characters, unique within the agent ([`Problem::Duplicate`] on the later one).
/// - `variables[i].choices`: a choice variable offers at least one
///   ([`Problem::NoChoices`]); `variables[i].choices[j]`: not blank, unique.
/// - `variables[i].minimum` / `.maximum`: finite numbers ([`Problem::NotANumber`]);
///   minimum at most maximum ([`Problem::MinimumAboveMaximum`] on `minimum`).
/// - `variables[i].default`: fits the kind ([`Problem::BadDefault`]): a string for
///   text, a number within the bounds (whole when `integer`) for number, one of the
///   choices for choice, a boolean for boolean.
pub fn validate_agent(agent: &AgentSummary) -> Result<(), Vec<FieldProblem>> {
    let mut problems = Problems::default();
    check_agent("", agent, &mut problems);
    problems.into_result(())
}

/// Checks a workspace's list of agents: each as [`validate_agent`] (fields prefixed
/// `agents[i].`), and ids unique ([`Problem::Duplicate`] on `agents[i].id` of the
/// later one).
pub fn validate_agents(agents: &[AgentSummary]) -> Result<(), Vec<FieldProblem>> {
    let mut problems = Problems::default();
    let mut seen = HashSet::new();
    for (i, agent) in agents.iter().enumerate() {
        let prefix = format!("agents[{i}].");
        check_agent(&prefix, agent, &mut problems);
        if !seen.insert(agent.id.as_str()) {
            problems.add(format!("{prefix}id"), Problem::Duplicate);
        }
    }
    problems.into_result(())
}

fn check_agent(prefix: &str, agent: &AgentSummary, problems: &mut Problems) {
    let id_field = format!("{prefix}id");
    if agent.id.trim().is_empty() {
        problems.add(id_field, Problem::Required);
    } else {
        check_prefixed(&id_field, &agent.id, AGENT_ID_PREFIX, problems);
        if agent.id.chars().any(char::is_whitespace) {
            problems.add(id_field, Problem::HasWhitespace);
        }
    }

    let name = agent.name.trim();
    if name.is_empty() {
        problems.add(format!("{prefix}name"), Problem::Required);
    } else if name.chars().count() > MAX_AGENT_NAME_CHARS {
        problems.add(
            format!("{prefix}name"),
            Problem::TooLong {
                limit: limit_u32(MAX_AGENT_NAME_CHARS),
            },
        );
    }

    let mut names = HashSet::new();
    for (i, variable) in agent.variables.iter().enumerate() {
        let field = format!("{prefix}variables[{i}]");
        check_variable(&field, variable, problems);
        if !variable.name.trim().is_empty() && !names.insert(variable.name.as_str()) {
            problems.add(format!("{field}.name"), Problem::Duplicate);
        }
    }
}

fn check_variable(field: &str, variable: &AgentVariable, problems: &mut Problems) {
    if variable.name.trim().is_empty() {
        problems.add(format!("{field}.name"), Problem::Required);
    } else if variable.name.chars().count() > MAX_VARIABLE_NAME_CHARS {
        problems.add(
            format!("{field}.name"),
            Problem::TooLong {
                limit: limit_u32(MAX_VARIABLE_NAME_CHARS),
            },
        );
    }
    match &variable.kind {
        VariableKind::Text | VariableKind::Boolean => {}
        VariableKind::Number {
            minimum, maximum, ..
        } => {
            let finite = |bound: &Option<f64>, name: &str, problems: &mut Problems| {
                if bound.is_some_and(|b| !b.is_finite()) {
                    problems.add(format!("{field}.{name}"), Problem::NotANumber);
                }
            };
            finite(minimum, "minimum", problems);
            finite(maximum, "maximum", problems);
            if let (Some(min), Some(max)) = (minimum, maximum)
                && min > max
            {
                problems.add(format!("{field}.minimum"), Problem::MinimumAboveMaximum);
            }
        }
        VariableKind::Choice { choices } => {
            if choices.is_empty() {
                problems.add(format!("{field}.choices"), Problem::NoChoices);
            }
            let mut seen = HashSet::new();
            for (j, choice) in choices.iter().enumerate() {
                if choice.trim().is_empty() {
                    problems.add(format!("{field}.choices[{j}]"), Problem::Required);
                } else if !seen.insert(choice.trim()) {
                    problems.add(format!("{field}.choices[{j}]"), Problem::Duplicate);
                }
            }
        }
    }
    if let Some(default) = &variable.default
        && !default_fits(&variable.kind, default)
    {
        problems.add(format!("{field}.default"), Problem::BadDefault);
    }
}

/// Whether `default` is a value of `kind`.
fn default_fits(kind: &VariableKind, default: &Value) -> bool {
    match kind {
        VariableKind::Text => default.is_string(),
        VariableKind::Boolean => default.is_boolean(),
        VariableKind::Choice { choices } => default
            .as_str()
            .is_some_and(|d| choices.iter().any(|c| c == d)),
        VariableKind::Number {
            minimum,
            maximum,
            integer,
        } => default
            .as_f64()
            .is_some_and(|n| number_problem(n, *minimum, *maximum, *integer).is_none()),
    }
}

/// What is wrong with `n` as a value of a number variable, if anything.
pub(super) fn number_problem(
    n: f64,
    minimum: Option<f64>,
    maximum: Option<f64>,
    integer: bool,
) -> Option<Problem> {
    if !n.is_finite() {
        return Some(Problem::NotANumber);
    }
    if integer && n.fract() != 0.0 {
        return Some(Problem::NotAnInteger);
    }
    if let Some(minimum) = minimum.filter(|&m| n < m) {
        return Some(Problem::BelowMinimum { minimum });
    }
    maximum
        .filter(|&m| n > m)
        .map(|maximum| Problem::AboveMaximum { maximum })
}
