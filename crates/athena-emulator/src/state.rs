//! What every request handler shares: credentials, host policy, agents, credits, and
//! the in-memory stores (idempotency keys, suspended executions, conversations,
//! uploads, fault attempts).

use std::collections::HashMap;
use std::io;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::http::HeaderValue;
use uuid::Uuid;

use crate::agents::{Agent, Catalog};
use crate::attachments::Uploads;
use crate::batch_fail::DEFAULT_BATCH_SEED;
use crate::billing::Ledger;
use crate::clock::{Clock, rfc3339};
use crate::config::EmulatorConfig;
use crate::conversations::Conversations;
use crate::error::ApiError;
use crate::faults::FaultSpec;
use crate::media::MediaStore;
use crate::runner::Suspended;
use crate::shutdown::ShutdownSignal;

/// [assumed] The `X-App-Version` the emulator's workspace publishes.
pub const APP_VERSION: &str = "appversion:demo-1";

/// [doc] How long an `Idempotency-Key` is remembered.
pub const IDEMPOTENCY_WINDOW: Duration = Duration::from_secs(24 * 60 * 60);

/// Locks a mutex, ignoring poisoning (a panicked handler leaves plain data behind).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

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
    /// Whether fault injection is on (never in strict mode).
    pub faults_enabled: bool,
    /// `http://127.0.0.1:{port}`.
    pub base_url: String,
    /// Pause between text deltas of the scripted agents.
    pub token_delay: Duration,
    /// Steady deltas per second, when set (see [`EmulatorConfig::token_rate`]).
    pub token_rate: Option<u32>,
    /// Interval of `heartbeat` events.
    pub heartbeat_interval: Duration,
    /// How long media generation takes.
    pub media_generation_time: Duration,
    /// Time source.
    pub clock: Arc<dyn Clock>,
    /// The agents on offer.
    pub catalog: Catalog,
    /// The credit balance.
    pub ledger: Ledger,
    /// Served media.
    pub media: MediaStore,
    /// Fires when the emulator stops; ends open streams.
    pub shutdown: ShutdownSignal,
    /// Idempotency keys and when they were first used.
    idempotency: Mutex<HashMap<String, Duration>>,
    /// Attempts seen per fault counter (for `status=...;times=N`).
    attempts: Mutex<HashMap<String, u32>>,
    /// Executions waiting for client tool results, by execution id.
    pub suspended: Mutex<HashMap<String, Suspended>>,
    /// Conversations.
    pub conversations: Mutex<Conversations>,
    /// Uploaded attachments.
    pub uploads: Mutex<Uploads>,
    /// State of the pacing jitter generator.
    rng: Mutex<u64>,
    /// Seed of batch item failures (the config's, else the default batch seed).
    pub batch_seed: u64,
    /// Share of batch items that fail when no `batch-fail` fault says otherwise.
    pub batch_failure_rate: f64,
    /// Pause before each batch item.
    pub batch_item_delay: Duration,
}

impl AppState {
    /// State for `config` served on `port`.
    ///
    /// Errors with `InvalidInput` when the key or workspace id cannot be an HTTP header
    /// value, when a strict config carries scenario agents or agent faults, when a
    /// scenario agent reuses an id, or when a fault spec does not parse.
    pub fn new(config: &EmulatorConfig, port: u16, shutdown: ShutdownSignal) -> io::Result<Self> {
        let invalid = |what: String| io::Error::new(io::ErrorKind::InvalidInput, what);
        let header_error = |what: &str| {
            invalid(format!(
                "{what}: must be visible ASCII to be sent as an HTTP header"
            ))
        };
        if config.api_key.is_empty() || HeaderValue::from_str(&config.api_key).is_err() {
            return Err(header_error("api_key"));
        }
        let workspace_header = HeaderValue::from_str(&config.workspace_id)
            .map_err(|_| header_error("workspace_id"))?;
        let strict = config.strict_host;
        if !(0.0..=1.0).contains(&config.batch_failure_rate) {
            return Err(invalid(format!(
                "batch_failure_rate: {} is not a rate from 0 to 1",
                config.batch_failure_rate
            )));
        }
        if strict
            && (!config.scenario_agents.is_empty()
                || !config.agent_faults.is_empty()
                || config.batch_failure_rate > 0.0)
        {
            return Err(invalid(
                "strict (in-app) mode offers neither scenario agents nor fault injection".into(),
            ));
        }
        let mut catalog = Catalog::new(!strict, Vec::new());
        let mut extra = Vec::new();
        for def in &config.scenario_agents {
            if catalog.find(&def.id).is_some() || extra.iter().any(|a: &Agent| a.info.id == def.id)
            {
                return Err(invalid(format!(
                    "scenario agent {}: id already taken",
                    def.id
                )));
            }
            extra.push(Agent::from_scenario(def.clone()));
        }
        if !extra.is_empty() {
            catalog = Catalog::new(!strict, extra);
        }
        for (agent_id, spec) in &config.agent_faults {
            FaultSpec::parse(spec)
                .map_err(|e| invalid(format!("agent_faults[{agent_id}]: {e}")))?;
            let agent = catalog
                .find_mut(agent_id)
                .ok_or_else(|| invalid(format!("agent_faults: no agent {agent_id}")))?;
            agent.fault = Some(spec.clone());
        }
        let seed = config.seed.unwrap_or_else(|| {
            u64::from_le_bytes(Uuid::new_v4().as_bytes()[..8].try_into().unwrap_or([7; 8]))
        });
        Ok(Self {
            api_key: config.api_key.clone(),
            workspace_id: config.workspace_id.clone(),
            workspace_header,
            required_host: strict.then(|| format!("127.0.0.1:{port}")),
            faults_enabled: !strict,
            base_url: format!("http://127.0.0.1:{port}"),
            token_delay: config.token_delay,
            token_rate: config.token_rate.filter(|r| *r > 0),
            heartbeat_interval: config.heartbeat_interval,
            media_generation_time: config.media_generation_time,
            clock: config.clock.clone(),
            catalog,
            ledger: Ledger::new(),
            media: MediaStore::new(),
            shutdown,
            idempotency: Mutex::new(HashMap::new()),
            attempts: Mutex::new(HashMap::new()),
            suspended: Mutex::new(HashMap::new()),
            conversations: Mutex::new(Conversations::default()),
            uploads: Mutex::new(Uploads::default()),
            rng: Mutex::new(seed | 1),
            batch_seed: config.seed.unwrap_or(DEFAULT_BATCH_SEED),
            batch_failure_rate: config.batch_failure_rate,
            batch_item_delay: config.batch_item_delay,
        })
    }

    /// Records `key` as used now; 409 when it was used within the last 24 hours.
    /// Call only when an execution is about to be created.
    pub fn claim_idempotency_key(&self, key: &str) -> Result<(), ApiError> {
        let now = self.clock.now();
        let mut keys = lock(&self.idempotency);
        if let Some(first) = keys.get(key)
            && now.saturating_sub(*first) < IDEMPOTENCY_WINDOW
        {
            return Err(ApiError::idempotency_conflict());
        }
        keys.insert(key.to_owned(), now);
        Ok(())
    }

    /// Counts one more attempt under `counter`; returns the attempt number (1-based).
    pub fn attempt(&self, counter: &str) -> u32 {
        let mut attempts = lock(&self.attempts);
        let n = attempts.entry(counter.to_owned()).or_insert(0);
        *n += 1;
        *n
    }

    /// Now, as RFC 3339.
    pub fn now_rfc3339(&self) -> String {
        rfc3339(self.clock.now())
    }

    /// A jitter factor in [1.0, 1.5) for pacing (xorshift64*).
    pub fn jitter(&self) -> f64 {
        let mut s = lock(&self.rng);
        *s ^= *s >> 12;
        *s ^= *s << 25;
        *s ^= *s >> 27;
        let r = s.wrapping_mul(0x2545_f491_4f6c_dd1d);
        1.0 + (r >> 11) as f64 / (1u64 << 53) as f64 * 0.5
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use crate::shutdown;

    #[test]
    fn strict_config_requires_its_own_host_and_hides_bench() {
        let (_t, signal) = shutdown::channel();
        let s = AppState::new(&EmulatorConfig::demo("eak_x"), 4321, signal).expect("valid");
        assert_eq!(s.required_host.as_deref(), Some("127.0.0.1:4321"));
        assert!(s.catalog.find("agent:bench").is_none());
        assert!(!s.faults_enabled);
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

    #[test]
    fn strict_mode_refuses_faults() {
        let (_t, signal) = shutdown::channel();
        let mut config = EmulatorConfig::demo("eak_x");
        config
            .agent_faults
            .insert("agent:demo-echo".into(), "close-after=1".into());
        assert!(AppState::new(&config, 1, signal).is_err());
        let (_t, signal) = shutdown::channel();
        let config = EmulatorConfig {
            batch_failure_rate: 0.1,
            ..EmulatorConfig::demo("eak_x")
        };
        assert!(AppState::new(&config, 1, signal).is_err());
    }

    #[test]
    fn batch_failure_rate_must_be_a_rate() {
        for rate in [-0.1, 1.5, f64::NAN] {
            let (_t, signal) = shutdown::channel();
            let config = EmulatorConfig {
                batch_failure_rate: rate,
                ..EmulatorConfig::default()
            };
            let e = AppState::new(&config, 1, signal).expect_err("out of range");
            assert!(e.to_string().contains("batch_failure_rate"), "{e}");
        }
        let (_t, signal) = shutdown::channel();
        let config = EmulatorConfig {
            batch_failure_rate: 1.0,
            ..EmulatorConfig::default()
        };
        let s = AppState::new(&config, 1, signal).expect("valid");
        assert_eq!(s.batch_seed, crate::DEFAULT_BATCH_SEED);
    }

    #[test]
    fn idempotency_window_is_24_hours() {
        let (_t, signal) = shutdown::channel();
        let clock = Arc::new(ManualClock::default());
        let config = EmulatorConfig {
            clock: clock.clone(),
            ..EmulatorConfig::default()
        };
        let s = AppState::new(&config, 1, signal).expect("valid");
        assert!(s.claim_idempotency_key("k").is_ok());
        clock.advance(IDEMPOTENCY_WINDOW - Duration::from_secs(1));
        assert_eq!(
            s.claim_idempotency_key("k").map_err(|e| e.status.as_u16()),
            Err(409)
        );
        clock.advance(Duration::from_secs(1));
        assert!(s.claim_idempotency_key("k").is_ok());
        let j = s.jitter();
        assert!((1.0..1.5).contains(&j), "{j}");
    }
}
