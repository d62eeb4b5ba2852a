//! How an emulator instance is set up: port, credentials, host policy, pacing, clock,
//! batch item pacing, and (outside strict mode only) scenario agents, per-agent faults
//! and batch item failures.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::clock::{Clock, SystemClock};
use crate::scenario::ScenarioAgent;

/// The key accepted by [`EmulatorConfig::default`] (and printed by the binary).
pub const DEFAULT_API_KEY: &str = "eak_demo_local";

/// The workspace id of the demo workspace.
pub const DEFAULT_WORKSPACE_ID: &str = "workspace:demo";

/// Pause between text deltas of the demo agents in [`EmulatorConfig::demo`].
pub const DEMO_TOKEN_DELAY: Duration = Duration::from_millis(25);

/// [doc] Interval of `heartbeat` events while media generates.
pub const DEFAULT_HEARTBEAT_INTERVAL: Duration = Duration::from_secs(15);

/// How long the media agent's generation takes by default (one heartbeat at 15 s).
pub const DEFAULT_MEDIA_GENERATION_TIME: Duration = Duration::from_secs(20);

/// Settings of one emulator instance.
///
/// `Debug` prints every field except the API key, which is shown as `"<redacted>"`.
#[derive(Clone)]
pub struct EmulatorConfig {
    /// TCP port on 127.0.0.1; `0` lets the OS pick a free one.
    pub port: u16,
    /// The only accepted `X-API-Key`.
    pub api_key: String,
    /// The only accepted `X-Workspace-Id`, e.g. `"workspace:demo"`.
    pub workspace_id: String,
    /// Strict (in-app) mode. When true, a request whose `Host` header is not exactly
    /// `127.0.0.1:{port}` is refused with 403 `invalid_host` (a browser page cannot drive
    /// the server through DNS rebinding), the benchmark agent is not offered, the
    /// `X-Emulator-Fault` header is ignored, and [`Emulator::start`](crate::Emulator::start)
    /// refuses a config with scenario agents, agent faults or a batch failure rate.
    pub strict_host: bool,
    /// Pause between text deltas of the scripted agents (zero: no pause). The benchmark
    /// agent never pauses.
    pub token_delay: Duration,
    /// A steady pace for text deltas, in deltas per second, in place of `token_delay`
    /// and its jitter: each delta of a leg is due at `start + n / rate`, so timer
    /// granularity does not slow the stream down (benchmarks stream at 1,000/s).
    pub token_rate: Option<u32>,
    /// Interval of `heartbeat` events while the media agent generates.
    pub heartbeat_interval: Duration,
    /// How long the media agent's generation takes.
    pub media_generation_time: Duration,
    /// Time source for idempotency windows and timestamps ([`SystemClock`] by default;
    /// tests use [`ManualClock`](crate::ManualClock)).
    pub clock: Arc<dyn Clock>,
    /// Extra agents defined by a scenario file (refused in strict mode).
    pub scenario_agents: Vec<ScenarioAgent>,
    /// Faults applied to every request to an agent, by agent id, in the
    /// `X-Emulator-Fault` syntax (refused in strict mode).
    pub agent_faults: BTreeMap<String, String>,
    /// Seed of the pacing jitter and of batch item failures; `None`: a random jitter
    /// seed, and [`DEFAULT_BATCH_SEED`](crate::DEFAULT_BATCH_SEED) for batch failures.
    pub seed: Option<u64>,
    /// Share of batch items that fail with `item_failed`, 0.0 to 1.0 (default 0):
    /// the items whose key gives [`batch_item_fails`](crate::batch_item_fails)`(seed,
    /// key, rate)`. A `batch-fail` fault overrides it per request or agent. Refused in
    /// strict mode unless 0; out of range or NaN is refused by
    /// [`Emulator::start`](crate::Emulator::start).
    pub batch_failure_rate: f64,
    /// Pause before each batch item runs (default zero), so consecutive
    /// `batch_progress` events are at least this far apart. Text pacing
    /// (`token_delay`, `token_rate`) still applies inside each item.
    pub batch_item_delay: Duration,
}

impl EmulatorConfig {
    /// Config for the app's demo workspace: free port, strict host, the given key,
    /// `"workspace:demo"`, 25 ms between text deltas, heartbeats every 15 s.
    pub fn demo(api_key: impl Into<String>) -> Self {
        Self {
            api_key: api_key.into(),
            strict_host: true,
            token_delay: DEMO_TOKEN_DELAY,
            ..Self::default()
        }
    }
}

impl Default for EmulatorConfig {
    /// Port 0, key `"eak_demo_local"`, `"workspace:demo"`, host not checked, no pacing,
    /// 15 s heartbeats, 20 s media generation, the system clock, no scenario, no faults,
    /// no batch failures, no pause between batch items.
    fn default() -> Self {
        Self {
            port: 0,
            api_key: DEFAULT_API_KEY.to_owned(),
            workspace_id: DEFAULT_WORKSPACE_ID.to_owned(),
            strict_host: false,
            token_delay: Duration::ZERO,
            token_rate: None,
            heartbeat_interval: DEFAULT_HEARTBEAT_INTERVAL,
            media_generation_time: DEFAULT_MEDIA_GENERATION_TIME,
            clock: Arc::new(SystemClock),
            scenario_agents: Vec::new(),
            agent_faults: BTreeMap::new(),
            seed: None,
            batch_failure_rate: 0.0,
            batch_item_delay: Duration::ZERO,
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
            .field("token_rate", &self.token_rate)
            .field("heartbeat_interval", &self.heartbeat_interval)
            .field("media_generation_time", &self.media_generation_time)
            .field("clock", &self.clock)
            .field("scenario_agents", &self.scenario_agents.len())
            .field("agent_faults", &self.agent_faults)
            .field("seed", &self.seed)
            .field("batch_failure_rate", &self.batch_failure_rate)
            .field("batch_item_delay", &self.batch_item_delay)
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
        assert_eq!(c.heartbeat_interval, Duration::from_secs(15));
        assert_eq!(c.batch_failure_rate, 0.0);
        assert_eq!(c.batch_item_delay, Duration::ZERO);
    }

    #[test]
    fn demo_is_strict_and_paced() {
        let c = EmulatorConfig::demo("eak_secret");
        assert_eq!(c.port, 0);
        assert_eq!(c.api_key, "eak_secret");
        assert_eq!(c.workspace_id, "workspace:demo");
        assert!(c.strict_host);
        assert_eq!(c.token_delay, Duration::from_millis(25));
        assert!(c.scenario_agents.is_empty() && c.agent_faults.is_empty());
    }

    #[test]
    fn debug_hides_the_key() {
        let text = format!("{:?}", EmulatorConfig::demo("eak_secret"));
        assert!(!text.contains("eak_secret"), "{text}");
        assert!(text.contains("<redacted>"), "{text}");
    }
}
