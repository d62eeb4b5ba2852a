//! What is wrong with one field of a form: a code and its parameters, never words.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One problem with one field of a form (a profile, an agent definition, a wizard's
/// variables). The UI words it from `problem`'s code and parameters and shows it
/// beside the input named by `field`.
///
/// Serialized `{"field": "baseUrl", "problem": {"code": "httpsRequired"}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldProblem {
    /// The field, as the form names it: `name`, `baseUrl`, `variables[2].choices`,
    /// a variable's own name, or `variables` for the whole object.
    pub field: String,
    /// What is wrong with it.
    pub problem: Problem,
}

impl FieldProblem {
    /// `problem` with the field `field`.
    pub fn new(field: impl Into<String>, problem: Problem) -> Self {
        Self {
            field: field.into(),
            problem,
        }
    }
}

/// What is wrong with a field. Serialized tagged by `code` (camelCase), its
/// parameters beside it: `{"code": "tooLong", "limit": 100}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "camelCase")]
pub enum Problem {
    /// Empty, or only whitespace, where a value is needed.
    Required,
    /// Longer than `limit` characters (Unicode scalar values, after trimming).
    TooLong {
        /// The most characters allowed.
        limit: u32,
    },
    /// Not an absolute `http(s)://host...` URL.
    NotAUrl,
    /// Not `https`: plain `http` is allowed only for a loopback host (`localhost`,
    /// `127.0.0.0/8`, `::1`), and no other scheme is.
    HttpsRequired,
    /// The URL carries a user name or password (`https://user:pw@host`).
    HasCredentials,
    /// The URL has a `?query` or a `#fragment`; a base URL has neither.
    HasQueryOrFragment,
    /// Does not start with `expected` followed by at least one character.
    BadPrefix {
        /// The prefix it must start with, e.g. `workspace:` or `agent:`.
        expected: String,
    },
    /// An API key must start with `eak_` or `wak_`, followed by at least one character.
    BadKeyPrefix,
    /// Contains whitespace (a space, tab, line break) where none is allowed.
    HasWhitespace,
    /// Contains characters an HTTP header cannot carry: only visible ASCII is
    /// allowed (the API key and the workspace id are sent as headers).
    BadCharacters,
    /// The same value appears twice where each must be unique (a variable name, an
    /// agent id, a choice).
    Duplicate,
    /// Not a number (decimal, `.` as the separator, optionally with an exponent), or
    /// a bound that is not a finite number.
    NotANumber,
    /// A number with a fractional part where a whole number is needed.
    NotAnInteger,
    /// Below the smallest allowed value.
    BelowMinimum {
        /// The smallest allowed value.
        minimum: f64,
    },
    /// Above the largest allowed value.
    AboveMaximum {
        /// The largest allowed value.
        maximum: f64,
    },
    /// Not one of the offered choices.
    NotAChoice {
        /// The allowed values.
        choices: Vec<String>,
    },
    /// Neither `true` nor `false`.
    NotABoolean,
    /// Larger than `limit` bytes (the wizard's variables: compact UTF-8 JSON).
    TooLarge {
        /// The most bytes allowed.
        limit: u32,
        /// The bytes it has.
        actual: u32,
    },
    /// A choice variable offers no choices.
    NoChoices,
    /// A number variable's minimum is above its maximum.
    MinimumAboveMaximum,
    /// A variable's default does not fit its kind (wrong type, out of bounds, not a
    /// choice, fractional for an integer).
    BadDefault,
    /// A value for a variable the agent does not have.
    UnknownVariable,
    /// A certificate authority file that cannot be used.
    BadCertificate {
        /// Why, in technical terms (from the certificate reader).
        reason: String,
    },
}

/// An English sentence for logs and for the agents file's error (a file is fixed by
/// a person reading the message). The UI words problems itself, from the codes.
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Required => f.write_str("is required"),
            Self::TooLong { limit } => write!(f, "must be at most {limit} characters"),
            Self::NotAUrl => f.write_str("is not a http(s) URL"),
            Self::HttpsRequired => f.write_str("must use https (http only for this computer)"),
            Self::HasCredentials => f.write_str("must not contain a user name or password"),
            Self::HasQueryOrFragment => f.write_str("must not have a ?query or #fragment"),
            Self::BadPrefix { expected } => write!(f, "must look like {expected}NAME"),
            Self::BadKeyPrefix => f.write_str("must start with eak_ or wak_"),
            Self::HasWhitespace => f.write_str("must not contain spaces"),
            Self::BadCharacters => f.write_str("must contain only visible ASCII characters"),
            Self::Duplicate => f.write_str("appears twice"),
            Self::NotANumber => f.write_str("is not a number"),
            Self::NotAnInteger => f.write_str("must be a whole number"),
            Self::BelowMinimum { minimum } => write!(f, "must be at least {minimum}"),
            Self::AboveMaximum { maximum } => write!(f, "must be at most {maximum}"),
            Self::NotAChoice { choices } => write!(f, "must be one of {}", choices.join(", ")),
            Self::NotABoolean => f.write_str("must be true or false"),
            Self::TooLarge { limit, actual } => {
                write!(f, "must be at most {limit} bytes (it is {actual})")
            }
            Self::NoChoices => f.write_str("must offer at least one choice"),
            Self::MinimumAboveMaximum => f.write_str("has a minimum above its maximum"),
            Self::BadDefault => f.write_str("has a default that does not fit its type"),
            Self::UnknownVariable => f.write_str("is not a variable of this agent"),
            Self::BadCertificate { reason } => write!(f, "is not a usable certificate: {reason}"),
        }
    }
}

impl fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.field, self.problem)
    }
}

/// Collects the problems of one form, in the order found.
#[derive(Debug, Default)]
pub(crate) struct Problems(Vec<FieldProblem>);

impl Problems {
    pub(crate) fn add(&mut self, field: impl Into<String>, problem: Problem) {
        self.0.push(FieldProblem::new(field, problem));
    }

    /// How many problems so far: a field's checks compare it before and after.
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// `Ok(value)` when no problem was found, else every problem.
    pub(crate) fn into_result<T>(self, value: T) -> Result<T, Vec<FieldProblem>> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self.0)
        }
    }
}

/// `limit` as the `u32` a problem carries (the limits are small constants).
pub(crate) fn limit_u32(limit: usize) -> u32 {
    u32::try_from(limit).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_code_and_parameters_in_camel_case() {
        let p = FieldProblem::new("baseUrl", Problem::HttpsRequired);
        assert_eq!(
            serde_json::to_value(&p).unwrap_or_default(),
            serde_json::json!({"field": "baseUrl", "problem": {"code": "httpsRequired"}})
        );
        let p = FieldProblem::new(
            "variables",
            Problem::TooLarge {
                limit: 16_384,
                actual: 20_000,
            },
        );
        assert_eq!(
            serde_json::to_value(&p).unwrap_or_default(),
            serde_json::json!({"field": "variables",
                "problem": {"code": "tooLarge", "limit": 16_384, "actual": 20_000}})
        );
        let back: FieldProblem =
            serde_json::from_value(serde_json::to_value(&p).unwrap_or_default())
                .expect("round trip");
        assert_eq!(back, p);
    }
}
