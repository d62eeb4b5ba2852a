//! What every request handler shares: credentials, host policy, agents, credits.

use std::io;
use std::time::Duration;

use axum::http::HeaderValue;

use crate::agents::Catalog;
use crate::billing::Ledger;
use crate::config::EmulatorConfig;
use crate::shutdown::ShutdownSignal;

/// [assumed] The `X-App-Version` the emulator's workspace publishes.
pub const APP_VERSION: &str = "appversion:demo-1";

/// Shared state of one running emulator.
#[derive(Debug)]
pub struct AppState {
    /// The only accepted `X-API-Key`.
    pub api_key: String,
    /// The only accepted `X-Workspace-Id`.
    pub workspace_id: String,
    /// `workspace_id` as a ready header value for responses.
    pub workspace_header: HeaderValue,
    /// `Some("127.0.0.1:{port}")` when the `Host` header must match exactly.
    pub required_host: Option<String>,
    /// Pause between text deltas of the demo agents.
    pub token_delay: Duration,
    /// The agents on offer.
    pub catalog: Catalog,
    /// The credit balance.
    pub ledger: Ledger,
    /// Fires when the emulator stops; ends open streams.
    pub shutdown: ShutdownSignal,
}

impl AppState {
    /// State for `config` served on `port`.
    ///
    /// Errors with `InvalidInput` when the key or workspace id cannot be an HTTP header value.
    pub fn new(config: &EmulatorConfig, port: u16, shutdown: ShutdownSignal) -> io::Result<Self> {
        let invalid = |what: &str| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{what}: must be visible ASCII to be sent as an HTTP header"),
            )
        };
        if config.api_key.is_empty() || HeaderValue::from_str(&config.api_key).is_err() {
            return Err(invalid("api_key"));
        }
        let workspace_header =
            HeaderValue::from_str(&config.workspace_id).map_err(|_| invalid("workspace_id"))?;
        Ok(Self {
            api_key: config.api_key.clone(),
            workspace_id: config.workspace_id.clone(),
            workspace_header,
            required_host: config.strict_host.then(|| format!("127.0.0.1:{port}")),
            token_delay: config.token_delay,
            catalog: Catalog::new(!config.strict_host),
            ledger: Ledger::new(),
            shutdown,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shutdown;

    #[test]
    fn strict_config_requires_its_own_host_and_hides_bench() {
        let (_t, signal) = shutdown::channel();
        let s = AppState::new(&EmulatorConfig::demo("eak_x"), 4321, signal).expect("valid");
        assert_eq!(s.required_host.as_deref(), Some("127.0.0.1:4321"));
        assert_eq!(s.catalog.infos().len(), 2);
    }

    #[test]
    fn rejects_keys_that_cannot_be_headers() {
        let (_t, signal) = shutdown::channel();
        let config = EmulatorConfig {
            api_key: "bad\nkey".into(),
            ..EmulatorConfig::default()
        };
        let e = AppState::new(&config, 1, signal).expect_err("newline in key");
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
    }
}
