//! What a client tool is, as the agent and the approval rules see it, and the hashes
//! that tie an approval to exactly one tool version and one call's arguments.
//!
//! Both hashes are the hex SHA-256 of the RFC 8785 (JSON Canonicalization Scheme) form
//! of a JSON value: object keys sorted by UTF-16 code units, no insignificant
//! whitespace, numbers in their shortest ECMAScript form (`1.0` and `1` are the same
//! number), strings escaped minimally. So two JSON texts that are the same value hash
//! the same, whatever their key order or spacing, and any change of value changes the
//! hash.
//!
//! Invariant to know: RFC 8785 represents every number as an IEEE 754 double, so two
//! integers beyond ±2^53 that round to the same double hash the same. An approval is
//! also bound to its execution and call id, which fix the arguments the server sent.

use athena_api::ClientTool;
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// A client tool as offered to the agent (`client_tools` in the execute request).
///
/// Invariant (checked by `ToolRegistry::with_tool`, not here): `name` matches
/// `^[a-z][a-z0-9_]{0,63}$` and `parameters` is a JSON Schema that compiles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ToolDefinition {
    /// The name the agent calls the tool by.
    pub name: String,
    /// What the tool does and when to use it, written for the model.
    pub description: String,
    /// The JSON Schema of the tool's arguments (an object schema).
    pub parameters: Value,
}

impl ToolDefinition {
    /// A definition from its three parts.
    pub fn new(name: impl Into<String>, description: impl Into<String>, parameters: Value) -> Self {
        Self {
            name: name.into(),
            description: description.into(),
            parameters,
        }
    }

    /// The hex SHA-256 of the RFC 8785 canonical JSON of `{name, description,
    /// parameters}`. An "always allow" rule is stored with it, so a tool whose name,
    /// description or schema changed asks again. 64 lower-case hex digits.
    pub fn fingerprint(&self) -> String {
        canonical_sha256(&json!({
            "name": self.name,
            "description": self.description,
            "parameters": self.parameters,
        }))
    }

    /// The definition as the execute request carries it.
    pub fn to_wire(&self) -> ClientTool {
        ClientTool {
            name: self.name.clone(),
            description: self.description.clone(),
            parameters: self.parameters.clone(),
        }
    }
}

/// The hex SHA-256 of the RFC 8785 canonical form of a call's arguments: an approval
/// is for exactly these arguments. 64 lower-case hex digits.
pub fn arguments_hash(arguments: &Value) -> String {
    canonical_sha256(arguments)
}

/// Hashes the canonical form of `value`.
///
/// Canonicalising a `serde_json::Value` cannot fail in this build (a `Value` holds no
/// NaN or infinity, and its keys are strings). Should it ever fail (a number that
/// overflows a double when `serde_json/arbitrary_precision` is on), the plain
/// serialisation is hashed behind a prefix that no canonical text starts with, so the
/// hash stays deterministic and never equals a canonical one.
fn canonical_sha256(value: &Value) -> String {
    let mut hasher = Sha256::new();
    match serde_jcs::to_vec(value) {
        Ok(canonical) => hasher.update(&canonical),
        Err(_) => {
            hasher.update(b"not-canonical:");
            hasher.update(value.to_string().as_bytes());
        }
    }
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn parse(text: &str) -> Value {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn equal_json_hashes_equal_whatever_the_order_and_spacing() {
        let a = parse(r#"{"b": [1, 2, {"y": true, "x": null}], "a": "é"}"#);
        let b = parse(r#"{"a":"\u00e9","b":[1,2,{"x":null,"y":true}]}"#);
        assert_eq!(arguments_hash(&a), arguments_hash(&b));
        assert_eq!(arguments_hash(&a).len(), 64);
        assert!(arguments_hash(&a).chars().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn different_values_hash_differently() {
        let base = arguments_hash(&parse(r#"{"path": "docs/a.txt"}"#));
        assert_ne!(base, arguments_hash(&parse(r#"{"path": "docs/b.txt"}"#)));
        assert_ne!(base, arguments_hash(&parse(r#"{"path": ["docs/a.txt"]}"#)));
        assert_ne!(
            arguments_hash(&parse("[1, 2]")),
            arguments_hash(&parse("[2, 1]"))
        );
        assert_ne!(
            arguments_hash(&parse(r#"{"n": 1}"#)),
            arguments_hash(&parse(r#"{"n": "1"}"#))
        );
    }

    #[test]
    fn numbers_canonicalise_as_rfc_8785_says() {
        // RFC 8785 §3.2.2.3: numbers are written as ECMAScript does, so 1.0 is 1.
        assert_eq!(
            arguments_hash(&parse(r#"{"n": 1.0}"#)),
            arguments_hash(&parse(r#"{"n": 1}"#))
        );
        assert_eq!(
            arguments_hash(&parse(r#"{"n": 1e2}"#)),
            arguments_hash(&parse(r#"{"n": 100}"#))
        );
        // The RFC's own example (§3.2.3 sorting, §3.2.2 numbers, literals).
        let value = parse(
            r#"{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
                "string": "\u20ac\u0024\u000F\u000aA'\u0042\u0022\u005c\\\u0022\/",
                "literals": [null, true, false]}"#,
        );
        let canonical = serde_jcs::to_string(&value).unwrap();
        assert_eq!(
            canonical,
            r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        );
        let digest = hex::encode(Sha256::digest(canonical.as_bytes()));
        assert_eq!(arguments_hash(&value), digest);
    }

    #[test]
    fn the_hash_is_the_sha256_of_the_canonical_text() {
        // sha256("{\"a\":1}"), computed independently.
        assert_eq!(
            arguments_hash(&parse(r#"{ "a" : 1.0 }"#)),
            "015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862"
        );
    }

    #[test]
    fn the_fingerprint_changes_with_the_description_or_the_schema() {
        let tool = ToolDefinition::new(
            "lookup",
            "Looks a word up.",
            parse(r#"{"type": "object", "properties": {"word": {"type": "string"}}}"#),
        );
        let same = ToolDefinition::new(
            "lookup",
            "Looks a word up.",
            parse(r#"{"properties": {"word": {"type": "string"}}, "type": "object"}"#),
        );
        assert_eq!(tool.fingerprint(), same.fingerprint());

        let mut described = tool.clone();
        described.description = "Looks a word up, then sends it away.".into();
        assert_ne!(tool.fingerprint(), described.fingerprint());

        let mut widened = tool.clone();
        widened.parameters = parse(r#"{"type": "object"}"#);
        assert_ne!(tool.fingerprint(), widened.fingerprint());

        let mut renamed = tool.clone();
        renamed.name = "lookup2".into();
        assert_ne!(tool.fingerprint(), renamed.fingerprint());
    }

    #[test]
    fn to_wire_carries_the_three_parts() {
        let tool = ToolDefinition::new("t", "d", parse(r#"{"type": "object"}"#));
        let wire = tool.to_wire();
        assert_eq!(wire.name, "t");
        assert_eq!(wire.description, "d");
        assert_eq!(wire.parameters, parse(r#"{"type": "object"}"#));
    }
}
