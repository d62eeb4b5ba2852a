//! Limits of the API, checked before anything is sent.
//!
//! Each failure is data (field, rule, limit, actual) so that the UI can word it in
//! the user's language; `Display` gives an English sentence for logs and scripts.

use std::fmt;

/// The most Unicode scalar values a `message` may hold. [doc] 65,536 characters;
/// [assumed] counted as Unicode scalar values.
pub const MESSAGE_MAX_CHARS: usize = 65_536;

/// At most this many attachments per request. [doc]
pub const MAX_ATTACHMENTS: usize = 10;
/// `variables` may take at most this many bytes of compact UTF-8 JSON. [doc] 16 KiB;
/// [assumed] measured as compact JSON.
pub const MAX_VARIABLES_BYTES: usize = 16_384;
/// At most this many client tools per request. [doc]
pub const MAX_CLIENT_TOOLS: usize = 32;
/// The longest client tool name: `^[a-z][a-z0-9_]{0,63}$`. [doc]
pub const MAX_TOOL_NAME_CHARS: usize = 64;
/// The largest file an upload may carry: 50 MiB. [doc]
pub const MAX_UPLOAD_BYTES: u64 = 50 * 1024 * 1024;

/// Which rule a value broke. The meaning of [`ValidationError::limit`] and
/// [`ValidationError::actual`] depends on the rule, as each variant says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidationRule {
    /// The value is missing or empty (whitespace-only counts as empty).
    /// `limit` 1, `actual` 0.
    Required,
    /// The value is longer than `limit` characters; `actual` is its length.
    TooLong,
    /// The list holds more than `limit` items; `actual` is its length.
    TooMany,
    /// The value takes more than `limit` bytes; `actual` is its size.
    TooLarge,
    /// The value does not have the required form (a tool name not matching
    /// `^[a-z][a-z0-9_]{0,63}$`). `limit` is the longest allowed length, `actual` the
    /// index of the offending item.
    InvalidFormat,
    /// Two items share a value that must be unique (tool names, batch keys).
    /// `limit` is the index of the first, `actual` the index of the second.
    Duplicate,
    /// A file of a type the API does not accept. `limit` and `actual` are 0.
    UnsupportedType,
    /// A file whose content contradicts its name (a `.png` that is a PDF, a `.txt`
    /// that is not UTF-8 or holds NUL bytes). `limit` is 0; `actual` the byte offset
    /// where the content stopped matching.
    TypeMismatch,
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
        let (field, limit, actual) = (self.field, self.limit, self.actual);
        match self.rule {
            ValidationRule::Required => write!(f, "{field}: must not be empty"),
            ValidationRule::TooLong | ValidationRule::TooMany => {
                write!(f, "{field}: at most {limit} allowed, got {actual}")
            }
            ValidationRule::TooLarge => {
                write!(f, "{field}: at most {limit} bytes allowed, got {actual}")
            }
            ValidationRule::InvalidFormat => write!(
                f,
                "{field} (item {actual}): must match ^[a-z][a-z0-9_]{{0,{}}}$",
                limit.saturating_sub(1)
            ),
            ValidationRule::Duplicate => {
                write!(f, "{field}: items {limit} and {actual} are the same")
            }
            ValidationRule::UnsupportedType => write!(f, "{field}: this file type is not accepted"),
            ValidationRule::TypeMismatch => write!(
                f,
                "{field}: the content does not match the file type (at byte {actual})"
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

/// Checks the number of attachments of one request.
pub fn validate_attachment_count(count: usize) -> Result<(), ValidationError> {
    at_most(
        "attachments",
        ValidationRule::TooMany,
        MAX_ATTACHMENTS,
        count,
    )
}

/// Checks `variables`: at most 16,384 bytes of compact JSON.
pub fn validate_variables(
    variables: &serde_json::Map<String, serde_json::Value>,
) -> Result<(), ValidationError> {
    let mut counter = ByteCounter(0);
    // Writing to a counter cannot fail; a failure would only under-count.
    let _ = serde_json::to_writer(&mut counter, variables);
    at_most(
        "variables",
        ValidationRule::TooLarge,
        MAX_VARIABLES_BYTES,
        counter.0,
    )
}

/// Checks client tools: at most 32; each name matches `^[a-z][a-z0-9_]{0,63}$`; names
/// are unique.
pub fn validate_tool_names<'a>(
    names: impl ExactSizeIterator<Item = &'a str>,
) -> Result<(), ValidationError> {
    at_most(
        "client_tools",
        ValidationRule::TooMany,
        MAX_CLIENT_TOOLS,
        names.len(),
    )?;
    let mut seen: Vec<&str> = Vec::new();
    for (index, name) in names.enumerate() {
        if !is_tool_name(name) {
            return Err(ValidationError {
                field: "client_tools.name",
                rule: ValidationRule::InvalidFormat,
                limit: MAX_TOOL_NAME_CHARS as u64,
                actual: index as u64,
            });
        }
        unique("client_tools.name", &mut seen, name, index)?;
    }
    Ok(())
}

/// Checks batch keys: each non-empty (whitespace-only counts as empty) and unique.
pub fn validate_batch_keys<'a>(keys: impl Iterator<Item = &'a str>) -> Result<(), ValidationError> {
    let mut seen: Vec<&str> = Vec::new();
    for (index, key) in keys.enumerate() {
        if key.trim().is_empty() {
            return Err(ValidationError {
                field: "items.key",
                rule: ValidationRule::Required,
                limit: 1,
                actual: 0,
            });
        }
        unique("items.key", &mut seen, key, index)?;
    }
    Ok(())
}

/// Whether `name` matches `^[a-z][a-z0-9_]{0,63}$`.
pub fn is_tool_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    matches!(bytes.first(), Some(b'a'..=b'z'))
        && bytes.len() <= MAX_TOOL_NAME_CHARS
        && bytes
            .iter()
            .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_'))
}

fn unique<'a>(
    field: &'static str,
    seen: &mut Vec<&'a str>,
    value: &'a str,
    index: usize,
) -> Result<(), ValidationError> {
    // Lists are short (at most 32 tools; batches of tens): a linear scan is enough.
    if let Some(first) = seen.iter().position(|s| *s == value) {
        return Err(ValidationError {
            field,
            rule: ValidationRule::Duplicate,
            limit: first as u64,
            actual: index as u64,
        });
    }
    seen.push(value);
    Ok(())
}

pub(crate) fn at_most(
    field: &'static str,
    rule: ValidationRule,
    limit: usize,
    actual: usize,
) -> Result<(), ValidationError> {
    if actual > limit {
        return Err(ValidationError {
            field,
            rule,
            limit: limit as u64,
            actual: actual as u64,
        });
    }
    Ok(())
}

struct ByteCounter(usize);

impl std::io::Write for ByteCounter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
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

    #[test]
    fn counts_and_sizes() {
        assert_eq!(validate_attachment_count(10), Ok(()));
        let err = validate_attachment_count(11).expect_err("11");
        assert_eq!(
            (err.field, err.rule, err.limit, err.actual),
            ("attachments", ValidationRule::TooMany, 10, 11)
        );

        let mut vars = serde_json::Map::new();
        // {"k":"<s>"} is 8 bytes plus the string.
        vars.insert("k".into(), "x".repeat(MAX_VARIABLES_BYTES - 8).into());
        assert_eq!(validate_variables(&vars), Ok(()));
        vars.insert("k".into(), "x".repeat(MAX_VARIABLES_BYTES - 7).into());
        let err = validate_variables(&vars).expect_err("too large");
        assert_eq!(
            (err.rule, err.limit, err.actual),
            (ValidationRule::TooLarge, 16_384, 16_385)
        );
    }

    #[test]
    fn tool_names_follow_the_pattern_and_are_unique() {
        let long = format!("a{}", "b".repeat(63));
        assert_eq!(
            validate_tool_names(["read_file", "x9", long.as_str()].into_iter()),
            Ok(())
        );
        let too_long = format!("{long}c");
        for (bad, index) in [
            ("9x", 1),
            ("Read", 1),
            ("", 1),
            ("a-b", 1),
            (too_long.as_str(), 1),
        ] {
            let err = validate_tool_names(["ok", bad].into_iter()).expect_err(bad);
            assert_eq!(
                (err.rule, err.actual),
                (ValidationRule::InvalidFormat, index),
                "{bad}"
            );
        }
        let err = validate_tool_names(["a", "b", "a"].into_iter()).expect_err("dup");
        assert_eq!(
            (err.rule, err.limit, err.actual),
            (ValidationRule::Duplicate, 0, 2)
        );
        let many: Vec<String> = (0..33).map(|i| format!("t{i}")).collect();
        let err = validate_tool_names(many.iter().map(String::as_str)).expect_err("33");
        assert_eq!(
            (err.rule, err.limit, err.actual),
            (ValidationRule::TooMany, 32, 33)
        );
    }

    #[test]
    fn batch_keys_are_non_empty_and_unique() {
        assert_eq!(validate_batch_keys(["a", "b"].into_iter()), Ok(()));
        assert_eq!(
            validate_batch_keys(["a", " "].into_iter())
                .expect_err("empty")
                .rule,
            ValidationRule::Required
        );
        assert_eq!(
            validate_batch_keys(["a", "a"].into_iter())
                .expect_err("dup")
                .rule,
            ValidationRule::Duplicate
        );
    }
}
