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

/// A run of token characters that carries an escape (`%5F`, `\u005f`, `\/`): a
/// secret a server quoted back URL-encoded or JSON-escaped would not match
/// [`SECRET`] as written, so such runs are decoded and checked whole.
static ESCAPED_TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:[A-Za-z0-9_\-.~+/=]|%[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}|\\/){8,}")
        .expect("the escaped-token pattern is valid")
});

/// What a secret is replaced with.
pub const REDACTED: &str = "[redacted]";

/// Replaces every secret in `text`, also when it is URL-encoded or JSON-escaped.
/// Text without secrets is returned as is.
pub fn redact_secrets(text: &str) -> Cow<'_, str> {
    let plain = redact_plain(text);
    if !plain.contains('%') && !plain.contains('\\') {
        return plain;
    }
    let escaped = ESCAPED_TOKEN.replace_all(&plain, |caps: &regex::Captures<'_>| {
        let token = caps.get(0).map_or("", |m| m.as_str());
        let decoded = unescape(token);
        if decoded != token && SECRET.is_match(&decoded) {
            REDACTED.to_owned()
        } else {
            token.to_owned()
        }
    });
    match escaped {
        Cow::Borrowed(_) => plain,
        Cow::Owned(changed) => Cow::Owned(changed),
    }
}

/// Decodes `%XX`, `\uXXXX` and `\/` (what URL encoding and JSON escaping do to a
/// token); anything else is kept as written.
fn unescape(token: &str) -> String {
    let bytes = token.as_bytes();
    let mut out = String::with_capacity(token.len());
    let mut i = 0;
    while i < bytes.len() {
        let rest = &token[i..];
        let hex = |from: usize, len: usize| {
            rest.get(from..from + len)
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .and_then(char::from_u32)
        };
        let (decoded, used) = if rest.starts_with('%') {
            (hex(1, 2), 3)
        } else if rest.starts_with("\\u") {
            (hex(2, 4), 6)
        } else if rest.starts_with("\\/") {
            (Some('/'), 2)
        } else {
            (None, 0)
        };
        match decoded {
            Some(c) => {
                out.push(c);
                i += used;
            }
            None => {
                let c = rest.chars().next().unwrap_or_default();
                out.push(c);
                i += c.len_utf8().max(1);
            }
        }
    }
    out
}

fn redact_plain(text: &str) -> Cow<'_, str> {
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
    fn removes_url_encoded_and_json_escaped_keys() {
        let cases = [
            "key=eak%5Flive%5F9f8e7d6c5b4a39281706&x=1",
            "quoted back: eak\\u005flive\\u005f9f8e7d6c5b4a39281706.",
            "\\u0065\\u0061\\u006b\\u005f9f8e7d6c5b4a39281706",
            "GET /x?api%5Fkey=eak_live_9f8e7d6c5b4a39281706",
        ];
        for text in cases {
            let clean = redact_secrets(text);
            assert!(!clean.contains("9f8e7d6c"), "{text} -> {clean}");
            assert!(clean.contains(REDACTED), "{text} -> {clean}");
        }
        // Escapes that hide no secret stay as they are.
        for text in ["caf%C3%A9 and na\\u00efve, path a\\/b", "100% sure"] {
            assert_eq!(redact_secrets(text), text);
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
