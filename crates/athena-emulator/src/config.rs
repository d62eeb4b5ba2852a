//! How an emulator instance is set up: port, credentials, host policy, pacing.

use std::fmt;
use std::time::Duration;

/// The key accepted by [`EmulatorConfig::default`] (and printed by the binary).
pub const DEFAULT_API_KEY: &str = "eak_demo_local";

/// The workspace id of the demo workspace.
pub const DEFAULT_WORKSPACE_ID: &str = "workspace:demo";

/// Pause between text deltas of the demo agents in [`EmulatorConfig::demo`].
pub const DEMO_TOKEN_DELAY: Duration = Duration::from_millis(25);

/// Settings of one emulator instance.
///
/// `Debug` prints every field except the API key, which is shown as `"<redacted>"`.
#[derive(Clone, PartialEq, Eq)]
pub struct EmulatorConfig {
    /// TCP port on 127.0.0.1; `0` lets the OS pick a free one.
    pub port: u16,
    /// The only accepted `X-API-Key`.
    pub api_key: String,
    /// The only accepted `X-Workspace-Id`, e.g. `"workspace:demo"`.
    pub workspace_id: String,
    /// When true, a request whose `Host` header is not exactly `127.0.0.1:{port}` is
    /// refused with 403 `invalid_host` (a browser page cannot drive the server through
    /// DNS rebinding), and the benchmark agent is not offered. True inside the app.
    pub strict_host: bool,
    /// Pause between text deltas of the demo agents (zero: no pause). The benchmark
    /// agent never pauses.
    pub token_delay: Duration,
}

impl EmulatorConfig {
    /// Config for the app's demo workspace: free port, strict host, the given key,
    /// `"workspace:demo"`, 25 ms between text deltas.
    pub fn demo(api_key: impl Into<String>) -> Self {
        Self {
            port: 0,
            api_key: api_key.into(),
            workspace_id: DEFAULT_WORKSPACE_ID.to_owned(),
            strict_host: true,
            token_delay: DEMO_TOKEN_DELAY,
        }
    }
}

impl Default for EmulatorConfig {
    /// Port 0, key `"eak_demo_local"`, `"workspace:demo"`, host not checked, no pacing.
    fn default() -> Self {
        Self {
            port: 0,
            api_key: DEFAULT_API_KEY.to_owned(),
            workspace_id: DEFAULT_WORKSPACE_ID.to_owned(),
            strict_host: false,
            token_delay: Duration::ZERO,
        }
    }
}

impl fmt::Debug for EmulatorConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorConfig")
            .field("port", &self.port)
            .field("api_key", &"<redacted>")
            .field("workspace_id", &self.workspace_id)
            .field("strict_host", &self.strict_host)
            .field("token_delay", &self.token_delay)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_the_open_local_setup() {
        let c = EmulatorConfig::default();
        assert_eq!(c.port, 0);
        assert_eq!(c.api_key, "eak_demo_local");
        assert_eq!(c.workspace_id, "workspace:demo");
        assert!(!c.strict_host);
        assert_eq!(c.token_delay, Duration::ZERO);
    }

    #[test]
    fn demo_is_strict_and_paced() {
        let c = EmulatorConfig::demo("eak_secret");
        assert_eq!(c.port, 0);
        assert_eq!(c.api_key, "eak_secret");
        assert_eq!(c.workspace_id, "workspace:demo");
        assert!(c.strict_host);
        assert_eq!(c.token_delay, Duration::from_millis(25));
    }

    #[test]
    fn debug_hides_the_key() {
        let text = format!("{:?}", EmulatorConfig::demo("eak_secret"));
        assert!(!text.contains("eak_secret"), "{text}");
        assert!(text.contains("<redacted>"), "{text}");
    }
}
