use std::fmt;

/// An Athena API key (`eak_…` or `wak_…`).
///
/// The secret can only be read with [`ApiKey::expose`], which the transport calls when
/// it sets the `X-API-Key` header. `Debug` and `Display` print a redaction, so a key
/// that ends up in a log line or an error message shows as `ApiKey(***)`.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key. The value is not validated: a key the server refuses is a 401.
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    /// The secret itself, for the one header that carries it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_key() {
        let key = ApiKey::new("eak_live_0123456789abcdef");
        let shown = format!("{key} {key:?} {:?}", Some(&key));
        assert!(!shown.contains("0123456789abcdef"), "{shown}");
        assert!(!shown.contains("eak_"), "{shown}");
        assert_eq!(key.expose(), "eak_live_0123456789abcdef");
    }
}
