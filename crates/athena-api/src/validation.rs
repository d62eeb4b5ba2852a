//! Limits of the API, checked before anything is sent.
//!
//! Each failure is data (field, rule, limit, actual) so that the UI can word it in
//! the user's language; `Display` gives an English sentence for logs and scripts.

use std::fmt;

/// The most Unicode scalar values a `message` may hold. [doc] 65,536 characters;
/// [assumed] counted as Unicode scalar values.
pub const MESSAGE_MAX_CHARS: usize = 65_536;

/// Which rule a value broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidationRule {
    /// The value is missing or empty (whitespace-only counts as empty).
    Required,
    /// The value is longer than `limit` (characters or bytes, per field).
    TooLong,
}

/// A request refused before sending because it breaks a documented limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// The request field, as the API names it (`message`, `attachments`, ...).
    pub field: &'static str,
    /// The broken rule.
    pub rule: ValidationRule,
    /// The limit, in the field's unit.
    pub limit: u64,
    /// What the request had, in the same unit.
    pub actual: u64,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.rule {
            ValidationRule::Required => write!(f, "{}: must not be empty", self.field),
            ValidationRule::TooLong => write!(
                f,
                "{}: at most {} allowed, got {}",
                self.field, self.limit, self.actual
            ),
        }
    }
}

impl std::error::Error for ValidationError {}

/// Checks a user message: 1 to 65,536 Unicode scalar values, not whitespace only.
pub fn validate_message(message: &str) -> Result<(), ValidationError> {
    if message.trim().is_empty() {
        return Err(ValidationError {
            field: "message",
            rule: ValidationRule::Required,
            limit: 1,
            actual: 0,
        });
    }
    // Counting stops one past the limit, so a huge paste costs no more than the limit.
    let chars = message.chars().take(MESSAGE_MAX_CHARS + 1).count();
    if chars > MESSAGE_MAX_CHARS {
        return Err(ValidationError {
            field: "message",
            rule: ValidationRule::TooLong,
            limit: MESSAGE_MAX_CHARS as u64,
            actual: message.chars().count() as u64,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_whitespace_only_are_required_errors() {
        for message in ["", " ", "\n\t  \r\n"] {
            let err = validate_message(message).expect_err(message);
            assert_eq!(err.rule, ValidationRule::Required);
            assert_eq!(err.field, "message");
        }
    }

    #[test]
    fn length_counts_scalar_values_not_bytes() {
        let at_limit = "é".repeat(MESSAGE_MAX_CHARS);
        assert!(at_limit.len() > MESSAGE_MAX_CHARS);
        assert_eq!(validate_message(&at_limit), Ok(()));

        let over = "é".repeat(MESSAGE_MAX_CHARS + 1);
        let err = validate_message(&over).expect_err("too long");
        assert_eq!(err.rule, ValidationRule::TooLong);
        assert_eq!((err.limit, err.actual), (65_536, 65_537));
        assert_eq!(err.to_string(), "message: at most 65536 allowed, got 65537");
    }
}
