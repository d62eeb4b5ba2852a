use std::sync::Arc;
use std::time::Duration;

use crate::retry::{RetryPolicy, Sleeper, TokioSleeper};
use crate::{ApiKey, CaCertificate};

/// Where and how to reach one Athena workspace.
///
/// Network settings not listed here come from the system: reqwest's `system-proxy`
/// feature honours `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY`/`NO_PROXY` (and the macOS and
/// Windows proxy settings) for remote hosts, never for a loopback base URL
/// ([`crate::bypasses_proxy`]), and its `rustls` feature verifies certificates with the
/// platform verifier, i.e. the OS trust store, so that corporate TLS inspection
/// certificates installed on the machine are trusted; a profile can add its own CA
/// ([`ClientConfig::extra_root_certificates`]) beside them.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Base URL without a trailing slash, e.g. `https://athena-dev-api.leanscale.com`.
    pub base_url: String,
    /// Sent as `X-API-Key` on every call.
    pub api_key: ApiKey,
    /// Sent as `X-Workspace-Id` on every call, e.g. `workspace:abc`.
    pub workspace_id: String,
    /// Time allowed to open a TCP/TLS connection. [assumed] 10 s.
    pub connect_timeout: Duration,
    /// How long a stream request (execute, batch) may wait for the response head.
    /// [assumed] 60 s. Past it the call fails with [`crate::ApiError::Timeout`] and is
    /// not retried (the request may have reached the server). Sync calls have no such
    /// limit: a sync execute answers only when the execution is done.
    pub head_timeout: Duration,
    /// How long a started stream may deliver no byte before it is given up with
    /// [`crate::ApiError::StreamEndedEarly`]. [assumed] 10 minutes: heartbeats are
    /// documented only while media generates, so a long tool node or a server-side wait
    /// may be silent for minutes while the execution runs and is charged, and nothing
    /// can re-attach to it afterwards. A dead peer is found by TCP keepalive instead.
    pub silence_limit: Duration,
    /// The interval of TCP keepalive probes on every connection, which detect a dead
    /// peer or a dropped route on a silent stream. [assumed] 30 s.
    pub tcp_keepalive: Duration,
    /// The largest single SSE event accepted; a larger one ends the stream with
    /// [`crate::ApiError::EventTooLarge`] instead of growing memory without bound.
    pub max_event_bytes: usize,
    /// Which failures are retried, how often and how patiently.
    pub retry: RetryPolicy,
    /// The clock retries wait on; tests inject one that does not sleep.
    pub sleeper: Arc<dyn Sleeper>,
    /// Extra `(name, value)` headers sent on every request; for proxies and test
    /// harnesses (e.g. the emulator's `X-Emulator-Fault`). Empty by default. A pair
    /// that is not a valid header name or value is skipped, and so is `X-API-Key` or
    /// `X-Workspace-Id` (the auth headers come from the fields above only).
    pub extra_headers: Vec<(String, String)>,
    /// CA certificates trusted in addition to the OS trust store (never instead of
    /// it), e.g. a company TLS inspection proxy's CA. Empty by default. Supported where
    /// the platform verifier can merge roots: Linux and other Unixes, macOS, Windows.
    pub extra_root_certificates: Vec<CaCertificate>,
}

impl ClientConfig {
    /// A config with the contract's default timeouts.
    pub fn new(
        base_url: impl Into<String>,
        api_key: ApiKey,
        workspace_id: impl Into<String>,
    ) -> Self {
        let mut base_url = base_url.into();
        while base_url.ends_with('/') {
            base_url.pop();
        }
        Self {
            base_url,
            api_key,
            workspace_id: workspace_id.into(),
            connect_timeout: Duration::from_secs(10),
            head_timeout: Duration::from_secs(60),
            silence_limit: Duration::from_secs(10 * 60),
            tcp_keepalive: Duration::from_secs(30),
            max_event_bytes: 4 * 1024 * 1024,
            retry: RetryPolicy::default(),
            sleeper: Arc::new(TokioSleeper),
            extra_headers: Vec::new(),
            extra_root_certificates: Vec::new(),
        }
    }
}
