//! Fault injection, per request (`X-Emulator-Fault` header) or per agent (config or
//! scenario). Never in strict (in-app) mode.
//!
//! Syntax: faults separated by `,`; each is `name[=value]` followed by `;param=value`s:
//! - `close-after=N`: the stream closes after N events (no `final`);
//! - `stall=DUR[;after=N]`: after N events (default 1, the `start`), send nothing for DUR;
//! - `status=CODE[;retry-after=SECS][;times=N]`: answer CODE (400-599) with a JSON error
//!   before any execution exists; with `times`, only the first N attempts per
//!   `Idempotency-Key` (or per agent and spec without a key) fail;
//! - `drip=DUR[;bytes=N]`: send the body N bytes (default 1) at a time, DUR apart;
//! - `hold-head=DUR`: the execution is created (its `Idempotency-Key` used up), then
//!   the answer's head is held back for DUR: a client that gives up waiting saw nothing,
//!   yet the server has the message (a `409` awaits a retry with the same key);
//! - `drop-before-head`: the execution is created (its key used up and its run
//!   charged), then the connection is dropped without a response: the client cannot
//!   know, and its retry with the same key gets `409`;
//! - `malformed`: one event with broken JSON right after `start`;
//! - `unknown-event`: one event of an unknown type right after `start`;
//! - `batch-fail=R[;seed=K]`: on `/execute/batch` only, each item fails with
//!   `item_failed` when [`batch_item_fails`](crate::batch_item_fails)`(K, key, R)`
//!   (R from 0 to 1; K defaults to the config's seed, else
//!   [`DEFAULT_BATCH_SEED`](crate::DEFAULT_BATCH_SEED)); ignored by other routes.
//!
//! DUR is a whole number followed by `ms` or `s`.

use std::time::Duration;

use axum::http::HeaderName;

/// The request header that asks for faults.
pub const FAULT_HEADER: HeaderName = HeaderName::from_static("x-emulator-fault");

/// An error status to answer instead of executing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusFault {
    /// HTTP status, 400-599.
    pub code: u16,
    /// `Retry-After` seconds.
    pub retry_after: Option<u64>,
    /// Fail only the first N attempts (None: every attempt).
    pub times: Option<u32>,
}

/// Seeded failures of batch items (`batch-fail=R[;seed=K]`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BatchFailFault {
    /// Failure rate, 0.0 to 1.0.
    pub rate: f64,
    /// Seed (None: the config's seed, else the default batch seed).
    pub seed: Option<u64>,
}

/// Faults applied to one request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaultSpec {
    /// Answer an error status.
    pub status: Option<StatusFault>,
    /// Close the stream after this many events.
    pub close_after: Option<u32>,
    /// Stall for a duration after N events.
    pub stall: Option<(Duration, u32)>,
    /// Slow-drip the body: pause between pieces, piece size.
    pub drip: Option<(Duration, usize)>,
    /// Hold the answer's head back this long after the execution was created.
    pub hold_head: Option<Duration>,
    /// Drop the connection, without a response, once the execution was created.
    pub drop_before_head: bool,
    /// Send one event with broken JSON after `start`.
    pub malformed: bool,
    /// Send one event of an unknown type after `start`.
    pub unknown_event: bool,
    /// Fail batch items by a seeded rate (batch route only).
    pub batch_fail: Option<BatchFailFault>,
}

/// Parses `2s`, `150ms`.
fn duration(v: &str) -> Result<Duration, String> {
    let bad = || format!("\"{v}\" is not a duration like 150ms or 2s");
    if let Some(ms) = v.strip_suffix("ms") {
        ms.parse().map(Duration::from_millis).map_err(|_| bad())
    } else if let Some(s) = v.strip_suffix('s') {
        s.parse().map(Duration::from_secs).map_err(|_| bad())
    } else {
        Err(bad())
    }
}

fn number<T: std::str::FromStr>(name: &str, v: &str) -> Result<T, String> {
    v.parse()
        .map_err(|_| format!("{name}: \"{v}\" is not a whole number"))
}

impl FaultSpec {
    /// Parses the header syntax; the error says which part is wrong.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut spec = FaultSpec::default();
        for fault in text.split(',').map(str::trim).filter(|f| !f.is_empty()) {
            let mut parts = fault.split(';').map(str::trim);
            let head = parts.next().unwrap_or_default();
            let (name, value) = match head.split_once('=') {
                Some((n, v)) => (n.trim(), Some(v.trim())),
                None => (head, None),
            };
            let mut params = Vec::new();
            for p in parts {
                let (k, v) = p
                    .split_once('=')
                    .ok_or_else(|| format!("{name}: parameter \"{p}\" needs a value"))?;
                params.push((k.trim(), v.trim()));
            }
            let need = |what: &str| value.ok_or_else(|| format!("{name}: needs ={what}"));
            let unknown_param = |k: &str| format!("{name}: unknown parameter \"{k}\"");
            match name {
                "close-after" => spec.close_after = Some(number(name, need("N")?)?),
                "stall" => {
                    let mut after = 1;
                    for (k, v) in params.drain(..) {
                        match k {
                            "after" => after = number(k, v)?,
                            _ => return Err(unknown_param(k)),
                        }
                    }
                    spec.stall = Some((duration(need("DUR")?)?, after));
                }
                "drip" => {
                    let mut bytes = 1usize;
                    for (k, v) in params.drain(..) {
                        match k {
                            "bytes" => bytes = number::<usize>(k, v)?.max(1),
                            _ => return Err(unknown_param(k)),
                        }
                    }
                    spec.drip = Some((duration(need("DUR")?)?, bytes));
                }
                "status" => {
                    let code: u16 = number(name, need("CODE")?)?;
                    if !(400..=599).contains(&code) {
                        return Err(format!("status: {code} is not a 4xx or 5xx status"));
                    }
                    let mut f = StatusFault {
                        code,
                        retry_after: None,
                        times: None,
                    };
                    for (k, v) in params.drain(..) {
                        match k {
                            "retry-after" => f.retry_after = Some(number(k, v)?),
                            "times" => f.times = Some(number(k, v)?),
                            _ => return Err(unknown_param(k)),
                        }
                    }
                    spec.status = Some(f);
                }
                "hold-head" => spec.hold_head = Some(duration(need("DUR")?)?),
                "drop-before-head" => spec.drop_before_head = true,
                "malformed" => spec.malformed = true,
                "unknown-event" => spec.unknown_event = true,
                "batch-fail" => {
                    let rate = crate::batch_fail::parse_batch_failure_rate(need("R")?)
                        .map_err(|e| format!("{name}: {e}"))?;
                    let mut seed = None;
                    for (k, v) in params.drain(..) {
                        match k {
                            "seed" => seed = Some(number(k, v)?),
                            _ => return Err(unknown_param(k)),
                        }
                    }
                    spec.batch_fail = Some(BatchFailFault { rate, seed });
                }
                _ => return Err(format!("unknown fault \"{name}\"")),
            }
            if let Some((k, _)) = params.first() {
                return Err(unknown_param(k));
            }
        }
        Ok(spec)
    }

    /// Whether any fault changes the stream itself (so the fast paths are off).
    pub fn touches_stream(&self) -> bool {
        self.close_after.is_some()
            || self.stall.is_some()
            || self.drip.is_some()
            || self.malformed
            || self.unknown_event
    }

    /// `self` with the faults of `other` added (other wins where both set one).
    pub fn merged(mut self, other: &FaultSpec) -> Self {
        self.status = other.status.or(self.status);
        self.close_after = other.close_after.or(self.close_after);
        self.stall = other.stall.or(self.stall);
        self.drip = other.drip.or(self.drip);
        self.hold_head = other.hold_head.or(self.hold_head);
        self.drop_before_head |= other.drop_before_head;
        self.malformed |= other.malformed;
        self.unknown_event |= other.unknown_event;
        self.batch_fail = other.batch_fail.or(self.batch_fail);
        self
    }
}

/// The broken event of `malformed`: a `data:` line whose JSON never closes.
pub const MALFORMED_EVENT: &[u8] = b"data: {\"type\":\"text\",\"delta\":\"broken\n\n";

/// The event of `unknown-event`.
pub fn unknown_event() -> serde_json::Value {
    serde_json::json!({"type": "emulator_unknown", "detail": "an event type no client knows"})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_fault() {
        let s = FaultSpec::parse(
            "close-after=3, stall=2s;after=2, status=429;retry-after=2, drip=5ms;bytes=4, malformed, unknown-event",
        )
        .expect("valid");
        assert_eq!(s.close_after, Some(3));
        assert_eq!(s.stall, Some((Duration::from_secs(2), 2)));
        assert_eq!(
            s.status,
            Some(StatusFault {
                code: 429,
                retry_after: Some(2),
                times: None
            })
        );
        assert_eq!(s.drip, Some((Duration::from_millis(5), 4)));
        assert!(s.malformed && s.unknown_event && s.touches_stream());
        let s = FaultSpec::parse("status=503;times=2").expect("valid");
        assert_eq!(s.status.and_then(|f| f.times), Some(2));
        assert!(!s.touches_stream());
        let s = FaultSpec::parse("hold-head=750ms, drop-before-head").expect("valid");
        assert_eq!(s.hold_head, Some(Duration::from_millis(750)));
        assert!(s.drop_before_head);
        assert_eq!(FaultSpec::parse("").expect("empty"), FaultSpec::default());
        let s = FaultSpec::parse("batch-fail=0.1;seed=7").expect("valid");
        assert_eq!(
            s.batch_fail,
            Some(BatchFailFault {
                rate: 0.1,
                seed: Some(7)
            })
        );
        assert!(!s.touches_stream());
        let s = FaultSpec::parse("batch-fail=1").expect("valid");
        assert_eq!(
            s.batch_fail,
            Some(BatchFailFault {
                rate: 1.0,
                seed: None
            })
        );
    }

    #[test]
    fn the_later_batch_fail_wins() {
        let agent = FaultSpec::parse("batch-fail=0.5;seed=3, close-after=9").expect("valid");
        let header = FaultSpec::parse("batch-fail=0").expect("valid");
        let merged = agent.clone().merged(&header);
        assert_eq!(
            merged.batch_fail.map(|f| (f.rate, f.seed)),
            Some((0.0, None))
        );
        assert_eq!(merged.close_after, Some(9));
        let merged = agent.merged(&FaultSpec::default());
        assert_eq!(merged.batch_fail.map(|f| f.rate), Some(0.5));
    }

    #[test]
    fn explains_bad_specs() {
        for (text, needle) in [
            ("explode", "unknown fault"),
            ("close-after", "needs =N"),
            ("close-after=x", "whole number"),
            ("stall=5", "duration"),
            ("status=200", "4xx or 5xx"),
            ("status=503;tries=2", "unknown parameter"),
            ("malformed;x=1", "unknown parameter"),
            ("drip=1ms;bytes", "needs a value"),
            ("batch-fail", "needs =R"),
            ("batch-fail=1.5", "rate from 0 to 1"),
            ("batch-fail=-1", "rate from 0 to 1"),
            ("batch-fail=0.1;seed=x", "whole number"),
            ("batch-fail=0.1;sed=1", "unknown parameter"),
        ] {
            let e = FaultSpec::parse(text).expect_err(text);
            assert!(e.contains(needle), "{text}: {e}");
        }
    }
}
