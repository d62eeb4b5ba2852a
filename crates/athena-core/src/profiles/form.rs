//! A wizard's form, as typed, turned into the `variables` object of an execute request.

use std::collections::BTreeMap;

use athena_api::validation::MAX_VARIABLES_BYTES;
use serde_json::{Map, Number, Value};

use super::FieldProblem;
use super::agent::number_problem;
use super::problem::{Problem, Problems, limit_u32};
use crate::{AgentVariable, VariableKind};

/// Builds the `variables` of an execute request from a wizard form, where each value
/// is the text the user typed (or picked) for the variable of that name.
///
/// Fields are the variables' names. Rules, for each variable of `variables`:
/// - blank (missing, empty or only whitespace): omitted when optional,
///   [`Problem::Required`] when required;
/// - text: sent as typed (not trimmed);
/// - number: a decimal number ([`Problem::NotANumber`]), whole when `integer`
///   ([`Problem::NotAnInteger`]), within `minimum`/`maximum`
///   ([`Problem::BelowMinimum`], [`Problem::AboveMaximum`]); sent as a JSON number,
///   an integer when it is whole and fits `i64`;
/// - choice: one of the choices, surrounding whitespace ignored
///   ([`Problem::NotAChoice`]); sent as the choice;
/// - boolean: `true` or `false`, any case ([`Problem::NotABoolean`]).
///
/// A value for a name the agent does not have is [`Problem::UnknownVariable`] on that
/// name. Last, the object's compact JSON must fit
/// [`MAX_VARIABLES_BYTES`]: else [`Problem::TooLarge`] on the field `variables`.
/// Every problem is returned at once.
pub fn variables_from_form(
    variables: &[AgentVariable],
    values: &BTreeMap<String, String>,
) -> Result<Map<String, Value>, Vec<FieldProblem>> {
    let mut problems = Problems::default();
    let mut object = Map::new();
    for variable in variables {
        let raw = values.get(&variable.name).map_or("", String::as_str);
        if raw.trim().is_empty() {
            if variable.required {
                problems.add(variable.name.as_str(), Problem::Required);
            }
            continue;
        }
        match value_of(&variable.kind, raw) {
            Ok(value) => {
                object.insert(variable.name.clone(), value);
            }
            Err(problem) => problems.add(variable.name.as_str(), problem),
        }
    }
    for name in values.keys() {
        if !variables.iter().any(|v| &v.name == name) {
            problems.add(name.as_str(), Problem::UnknownVariable);
        }
    }
    let size = compact_len(&object);
    if size > MAX_VARIABLES_BYTES {
        problems.add(
            "variables",
            Problem::TooLarge {
                limit: limit_u32(MAX_VARIABLES_BYTES),
                actual: limit_u32(size),
            },
        );
    }
    problems.into_result(object)
}

/// The value `raw` (not blank) gives a variable of `kind`.
fn value_of(kind: &VariableKind, raw: &str) -> Result<Value, Problem> {
    match kind {
        VariableKind::Text => Ok(Value::String(raw.to_owned())),
        VariableKind::Boolean => match raw.trim() {
            t if t.eq_ignore_ascii_case("true") => Ok(Value::Bool(true)),
            t if t.eq_ignore_ascii_case("false") => Ok(Value::Bool(false)),
            _ => Err(Problem::NotABoolean),
        },
        VariableKind::Choice { choices } => choices
            .iter()
            .find(|c| c.trim() == raw.trim())
            .map(|c| Value::String(c.clone()))
            .ok_or_else(|| Problem::NotAChoice {
                choices: choices.clone(),
            }),
        VariableKind::Number {
            minimum,
            maximum,
            integer,
        } => {
            let text = raw.trim();
            let n = parse_number(text).ok_or(Problem::NotANumber)?;
            if let Some(problem) = number_problem(n, *minimum, *maximum, *integer) {
                return Err(problem);
            }
            Ok(number_value(text, n))
        }
    }
}

/// A decimal number: digits, an optional sign, `.` and exponent. Rust's float
/// grammar also takes `inf`, `NaN` and `infinity`, which are not numbers here.
fn parse_number(text: &str) -> Option<f64> {
    if !text
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
    {
        return None;
    }
    text.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// `n` as JSON: an exact integer when the text is one (or `n` is whole and fits
/// `i64`), else a float.
fn number_value(text: &str, n: f64) -> Value {
    if let Ok(i) = text.parse::<i64>() {
        return Value::Number(i.into());
    }
    // Whole floats within ±2^53 are exact integers.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if n.fract() == 0.0 && n.abs() <= EXACT {
        // The cast is exact: `n` is whole and within ±2^53.
        #[allow(clippy::cast_possible_truncation)]
        return Value::Number((n as i64).into());
    }
    Number::from_f64(n).map_or(Value::Null, Value::Number)
}

/// The length of `object`'s compact JSON, as the API measures it.
fn compact_len(object: &Map<String, Value>) -> usize {
    serde_json::to_vec(object).map_or(usize::MAX, |bytes| bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_decimal_text_only() {
        assert_eq!(parse_number("1e3"), Some(1000.0));
        assert_eq!(parse_number("-2.5"), Some(-2.5));
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(parse_number("1e999"), None);
        assert_eq!(parse_number("0x10"), None);
    }

    #[test]
    fn whole_numbers_are_json_integers() {
        assert_eq!(number_value("3", 3.0), Value::from(3));
        assert_eq!(number_value("3.0", 3.0), Value::from(3));
        assert_eq!(number_value("1e3", 1000.0), Value::from(1000));
        assert_eq!(number_value("2.5", 2.5), Value::from(2.5));
        assert_eq!(
            number_value("9223372036854775807", 9.223_372_036_854_776e18),
            Value::from(i64::MAX)
        );
    }
}
