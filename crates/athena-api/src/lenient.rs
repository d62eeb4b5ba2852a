//! Tolerant readers for the payload fields the contract marks `[assumed]`.
//!
//! The reference documents event names and a few example bodies but not the types of
//! most fields, so a server may reasonably send a count as `12`, `12.0` or `"12"`, an
//! id as `"execution:1"` or `123`, a flag as `true` or `"true"`, and an error as a
//! string, a flat object or a nested one whose `code` is a number. Each reader here
//! accepts those variations and refuses only what cannot mean the field at all, so a
//! refusal still surfaces as [`crate::ApiError::Decode`] with the raw payload.
//!
//! Readers are used through `#[serde(deserialize_with = "...")]`; the `opt_` ones read
//! `null` as `None` and need `#[serde(default)]` so that a missing field is `None` too.

use std::fmt;

use serde::Deserializer;
use serde::de::{self, Visitor};
use serde_json::Value;

use crate::ServerErrorBody;

/// A non-negative integer: an integer, a float (rounded to the nearest integer: a
/// cost of `4200.4` microdollars is still a cost) or a string holding either.
pub(crate) fn count<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    d.deserialize_any(Count)?
        .ok_or_else(|| de::Error::invalid_type(de::Unexpected::Unit, &Count))
}

/// [`count`], with `null` read as `None`.
pub(crate) fn opt_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    d.deserialize_any(Count)
}

/// [`count`] with `null` read as 0: for token counts, whose absence already reads as 0.
pub(crate) fn count_or_zero<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    Ok(d.deserialize_any(Count)?.unwrap_or(0))
}

/// [`opt_count`] narrowed to `u32` (pixel sizes).
pub(crate) fn opt_pixels<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    match d.deserialize_any(Count)? {
        None => Ok(None),
        Some(n) => u32::try_from(n)
            .map(Some)
            .map_err(|_| de::Error::invalid_value(de::Unexpected::Unsigned(n), &"a u32")),
    }
}

/// A finite number of credits: a number or a numeric string. `null` is refused: a
/// price that is not there must never read as 0.
pub(crate) fn amount<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    d.deserialize_any(Amount)
}

/// An id or other short text: a string, or a number or boolean written as text.
pub(crate) fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(Text)?
        .ok_or_else(|| de::Error::invalid_type(de::Unexpected::Unit, &Text))
}

/// [`text`], with `null` read as `None`.
pub(crate) fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_any(Text)
}

/// A flag: `true`/`false`, `"true"`/`"false"`, `1`/`0`; `null` is `false`.
pub(crate) fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    d.deserialize_any(Flag)
}

/// An `error` field in any shape (see [`error_value`]); `null` is `None`.
pub(crate) fn opt_error<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<ServerErrorBody>, D::Error> {
    let value: Value = serde::Deserialize::deserialize(d)?;
    Ok((!value.is_null()).then(|| error_value(&value)))
}

/// Reads the value of an `error` field: a string is the message; an object gives its
/// `code` (text or number) and `message` (or `detail`), or a nested `error`; any other
/// value, or an object with none of those, is kept whole as the message, so nothing
/// the server said is lost.
pub(crate) fn error_value(value: &Value) -> ServerErrorBody {
    match value {
        Value::Null => ServerErrorBody::default(),
        Value::String(text) => ServerErrorBody {
            code: None,
            message: Some(text.clone()),
        },
        Value::Object(fields) => {
            let code = fields.get("code").and_then(text_of);
            let message = fields
                .get("message")
                .or_else(|| fields.get("detail"))
                .and_then(text_of);
            match (code, message, fields.get("error")) {
                (None, None, Some(inner)) if !inner.is_null() => error_value(inner),
                (None, None, _) if !fields.is_empty() => ServerErrorBody {
                    code: None,
                    message: Some(value.to_string()),
                },
                (code, message, _) => ServerErrorBody { code, message },
            }
        }
        Value::Number(n) => ServerErrorBody {
            code: Some(n.to_string()),
            message: None,
        },
        other => ServerErrorBody {
            code: None,
            message: Some(other.to_string()),
        },
    }
}

/// Reads an error payload (an `error` event, or an error response body): its `error`
/// field in any shape, else the flat `code`/`message`/`detail` of the payload itself.
/// A top-level `code` fills in when the `error` field gave none.
pub(crate) fn error_payload(payload: &Value) -> ServerErrorBody {
    let Value::Object(fields) = payload else {
        return error_value(payload);
    };
    let top_code = fields.get("code").and_then(text_of);
    match fields.get("error") {
        Some(inner) if !inner.is_null() => {
            let mut body = error_value(inner);
            if body.code.is_none() {
                body.code = top_code;
            }
            body
        }
        _ => ServerErrorBody {
            code: top_code,
            message: fields
                .get("message")
                .or_else(|| fields.get("detail"))
                .and_then(text_of),
        },
    }
}

/// A scalar as text (`"x"`, `500`, `true`); a structure as compact JSON; `null` as
/// nothing.
fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

struct Count;

impl Visitor<'_> for Count {
    type Value = Option<u64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a non-negative number, or a string holding one")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        u64::try_from(v)
            .map(Some)
            .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        let rounded = v.round();
        // 2^64 as f64: anything at or above it does not fit.
        if v.is_finite() && (0.0..18_446_744_073_709_551_616.0).contains(&rounded) {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Ok(Some(rounded as u64))
        } else {
            Err(E::invalid_value(de::Unexpected::Float(v), &self))
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let t = v.trim();
        if let Ok(n) = t.parse::<u64>() {
            return Ok(Some(n));
        }
        match t.parse::<f64>() {
            Ok(f) => self.visit_f64(f),
            Err(_) => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
        }
    }
}

struct Amount;

impl Visitor<'_> for Amount {
    type Value = f64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number, or a string holding one")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        #[allow(clippy::cast_precision_loss)]
        Ok(v as f64)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        #[allow(clippy::cast_precision_loss)]
        Ok(v as f64)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        if v.is_finite() {
            Ok(v)
        } else {
            Err(E::invalid_value(de::Unexpected::Float(v), &self))
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
        match v.trim().parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(f),
            _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
        }
    }
}

struct Text;

impl Visitor<'_> for Text {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, or a number written as one")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        // serde_json writes the float the server sent (`1.5`, `1e21`), never `NaN`.
        Ok(Some(
            serde_json::Number::from_f64(v).map_or_else(|| v.to_string(), |n| n.to_string()),
        ))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
}

struct Flag;

impl Visitor<'_> for Flag {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean, \"true\"/\"false\", or 1/0")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
        Ok(v)
    }
    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_none<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
        match v {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(E::invalid_value(de::Unexpected::Unsigned(v), &self)),
        }
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
        match u64::try_from(v) {
            Ok(n) => self.visit_u64(n),
            Err(_) => Err(E::invalid_value(de::Unexpected::Signed(v), &self)),
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        match v.trim() {
            t if t.eq_ignore_ascii_case("true") || t == "1" => Ok(true),
            t if t.eq_ignore_ascii_case("false") || t == "0" => Ok(false),
            _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize)]
    struct Probe {
        #[serde(default, deserialize_with = "opt_count")]
        n: Option<u64>,
        #[serde(default, deserialize_with = "opt_text")]
        id: Option<String>,
        #[serde(default, deserialize_with = "flag")]
        flag: bool,
    }

    fn probe(json: &str) -> Result<Probe, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn counts_accept_integers_floats_and_numeric_strings() {
        for raw in [
            r#"{"n":12}"#,
            r#"{"n":12.0}"#,
            r#"{"n":"12"}"#,
            r#"{"n":" 12.0 "}"#,
            r#"{"n":11.6}"#,
        ] {
            assert_eq!(probe(raw).expect(raw).n, Some(12), "{raw}");
        }
        assert_eq!(probe(r#"{"n":null}"#).expect("null").n, None);
        assert_eq!(probe("{}").expect("missing").n, None);
        for raw in [
            r#"{"n":-1}"#,
            r#"{"n":"lots"}"#,
            r#"{"n":[1]}"#,
            r#"{"n":1e30}"#,
        ] {
            assert!(probe(raw).is_err(), "{raw}");
        }
    }

    #[test]
    fn ids_accept_numbers_and_flags_accept_text() {
        assert_eq!(
            probe(r#"{"id":123}"#).expect("n").id.as_deref(),
            Some("123")
        );
        assert_eq!(
            probe(r#"{"id":"x:1"}"#).expect("s").id.as_deref(),
            Some("x:1")
        );
        assert!(probe(r#"{"id":{"a":1}}"#).is_err());
        for (raw, want) in [
            (r#"{"flag":true}"#, true),
            (r#"{"flag":"TRUE"}"#, true),
            (r#"{"flag":1}"#, true),
            (r#"{"flag":"false"}"#, false),
            (r#"{"flag":null}"#, false),
        ] {
            assert_eq!(probe(raw).expect(raw).flag, want, "{raw}");
        }
        assert!(probe(r#"{"flag":"maybe"}"#).is_err());
    }

    #[test]
    fn errors_in_every_shape() {
        let body = |code: Option<&str>, message: Option<&str>| ServerErrorBody {
            code: code.map(str::to_owned),
            message: message.map(str::to_owned),
        };
        let cases = [
            (json!({"error": "it broke"}), body(None, Some("it broke"))),
            (
                json!({"error": {"code": "boom", "message": "it broke"}}),
                body(Some("boom"), Some("it broke")),
            ),
            (json!({"error": {"code": 500}}), body(Some("500"), None)),
            (
                json!({"code": 503, "message": "busy"}),
                body(Some("503"), Some("busy")),
            ),
            (
                json!({"error": "quota", "code": "q1"}),
                body(Some("q1"), Some("quota")),
            ),
            (
                json!({"error": {"error": {"code": "deep", "message": "m"}}}),
                body(Some("deep"), Some("m")),
            ),
            (
                json!({"error": {"reason": "odd"}}),
                body(None, Some(r#"{"reason":"odd"}"#)),
            ),
            (json!({"detail": "gone"}), body(None, Some("gone"))),
            (json!({"error": 42}), body(Some("42"), None)),
        ];
        for (payload, want) in cases {
            assert_eq!(error_payload(&payload), want, "{payload}");
        }
    }
}
