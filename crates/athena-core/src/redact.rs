//! Removes secrets from text bound for a log file or the user's screen.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

/// Athena keys (`eak_…`, `wak_…`), other bearer-style secrets (`sk-…`), and the values
/// of `X-API-Key`, `Authorization` and `api_key` fields, in any case and with `:`,
/// `=` or JSON quoting between name and value. A value must look like a token (8 or
/// more token characters), so a sentence such as "X-API-Key: the key is missing" is
/// left readable.
static SECRET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r#"(?i)(?P<field>(?:x-api-key|authorization|api[_-]?key|apikey)"?\s*[:=]\s*"?(?:bearer\s+|basic\s+)?)[A-Za-z0-9_\-.~+/=]{8,}"#,
        r"|\b(?P<prefix>eak_|wak_|sk-)[A-Za-z0-9_\-]{4,}",
    ))
    .expect("the redaction pattern is valid")
});

/// What a secret is replaced with.
pub const REDACTED: &str = "[redacted]";

/// Replaces every secret in `text`. Text without secrets is returned as is.
pub fn redact_secrets(text: &str) -> Cow<'_, str> {
    SECRET.replace_all(text, |caps: &regex::Captures<'_>| {
        if let Some(field) = caps.name("field") {
            format!("{}{REDACTED}", field.as_str())
        } else {
            format!(
                "{}{REDACTED}",
                caps.name("prefix").map_or("", |m| m.as_str())
            )
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_keys_and_header_values_in_every_shape() {
        let key = "eak_live_9f8e7d6c5b4a39281706";
        let cases = [
            format!("calling with {key} now"),
            format!("x-api-key: {key}"),
            format!("X-API-Key={key}"),
            format!(r#"{{"x-api-key":"{key}"}}"#),
            format!("headers: {{\"X-Api-Key\": \"{key}\"}}"),
            "Authorization: Bearer abc.def.ghi".to_owned(),
            "api_key=hunter2secret".to_owned(),
            "wak_0123456789abcdef is a workspace key".to_owned(),
            "openai sk-proj-ABCDEF123456".to_owned(),
        ];
        for text in cases {
            let clean = redact_secrets(&text);
            assert!(clean.contains(REDACTED), "{text} -> {clean}");
            for secret in [
                key,
                "9f8e7d6c",
                "abc.def.ghi",
                "hunter2",
                "0123456789abcdef",
                "ABCDEF123456",
            ] {
                assert!(!clean.contains(secret), "{text} -> {clean}");
            }
        }
    }

    #[test]
    fn leaves_ordinary_text_alone() {
        for text in [
            "The weak_point of a sneak_peek is the API; key facts: none.",
            "X-API-Key: the key is missing or not accepted.",
        ] {
            assert!(matches!(redact_secrets(text), Cow::Borrowed(_)), "{text}");
        }
    }
}
