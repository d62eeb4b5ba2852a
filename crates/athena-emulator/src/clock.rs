//! Time as the emulator sees it, injected so the 24-hour idempotency window is testable.

use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A source of wall-clock time. The emulator reads it for idempotency windows and the
/// `created_at` of conversations.
pub trait Clock: Send + Sync + fmt::Debug {
    /// Now, as time since the Unix epoch.
    fn now(&self) -> Duration;
}

/// The real system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO)
    }
}

/// A clock that only moves when told to: for tests of time windows.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<Duration>,
}

impl ManualClock {
    /// A clock stopped at `start` (time since the Unix epoch).
    pub fn new(start: Duration) -> Self {
        Self {
            now: Mutex::new(start),
        }
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(|p| p.into_inner());
        *now += by;
    }
}

impl Default for ManualClock {
    /// Stopped at 2025-01-01T00:00:00Z.
    fn default() -> Self {
        Self::new(Duration::from_secs(1_735_689_600))
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        *self.now.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// `t` (since the epoch) as an RFC 3339 UTC timestamp with seconds, e.g.
/// `2025-01-01T00:00:00Z`.
pub fn rfc3339(t: Duration) -> String {
    let secs = t.as_secs();
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    // Civil-from-days (H. Hinnant), valid for the proleptic Gregorian calendar.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_advances() {
        let c = ManualClock::new(Duration::from_secs(10));
        c.advance(Duration::from_secs(5));
        assert_eq!(c.now(), Duration::from_secs(15));
        assert!(SystemClock.now() > Duration::from_secs(1_700_000_000));
    }

    #[test]
    fn formats_rfc3339() {
        assert_eq!(rfc3339(Duration::ZERO), "1970-01-01T00:00:00Z");
        assert_eq!(
            rfc3339(Duration::from_secs(1_735_689_600)),
            "2025-01-01T00:00:00Z"
        );
        assert_eq!(
            rfc3339(Duration::from_secs(951_827_696)),
            "2000-02-29T12:34:56Z"
        );
    }
}
