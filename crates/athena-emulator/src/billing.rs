//! Token accounting, cost and the workspace's credit balance.
//!
//! [assumed] The reference gives no pricing; these formulas are the emulator's, chosen
//! so a client can check them exactly:
//! input tokens = whitespace-separated words of the message + 12 (a fixed prompt),
//! output tokens = text deltas sent, cost = 3 µ$ per input + 15 µ$ per output token,
//! 1 credit = 1,000 microdollars, each execution's cost rounded up to whole credits.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

/// Credits of a fresh emulator instance.
pub const STARTING_CREDITS: u64 = 1_000_000;

/// Microdollars in one credit.
pub const MICRODOLLARS_PER_CREDIT: u64 = 1_000;

/// Tokens counted for the agent's fixed prompt, added to every message.
pub const PROMPT_TOKENS: u64 = 12;

/// Microdollars per input token.
pub const INPUT_MICRODOLLARS_PER_TOKEN: u64 = 3;

/// Microdollars per output token.
pub const OUTPUT_MICRODOLLARS_PER_TOKEN: u64 = 15;

/// `output.usage` of a `final` event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Usage {
    /// Tokens read: message words plus [`PROMPT_TOKENS`].
    pub input_tokens: u64,
    /// Tokens written: one per text delta.
    pub output_tokens: u64,
    /// `input_tokens + output_tokens`.
    pub total_tokens: u64,
}

impl Usage {
    /// Usage of an execution that read `message` and sent `output_tokens` deltas.
    #[cfg(test)]
    pub fn for_message(message: &str, output_tokens: u64) -> Self {
        let input_tokens = message.split_whitespace().count() as u64 + PROMPT_TOKENS;
        Self {
            input_tokens,
            output_tokens,
            total_tokens: input_tokens + output_tokens,
        }
    }

    /// Cost of this usage in microdollars.
    pub fn cost_microdollars(&self) -> u64 {
        self.input_tokens * INPUT_MICRODOLLARS_PER_TOKEN
            + self.output_tokens * OUTPUT_MICRODOLLARS_PER_TOKEN
    }
}

/// Whole credits charged for a cost, rounded up.
pub fn credits_for(cost_microdollars: u64) -> u64 {
    cost_microdollars.div_ceil(MICRODOLLARS_PER_CREDIT)
}

/// The workspace's credit balance, shared by all requests of one instance.
#[derive(Debug)]
pub struct Ledger {
    remaining: AtomicU64,
}

impl Ledger {
    /// A balance of [`STARTING_CREDITS`].
    pub fn new() -> Self {
        Self {
            remaining: AtomicU64::new(STARTING_CREDITS),
        }
    }

    /// Credits left now.
    pub fn remaining(&self) -> u64 {
        self.remaining.load(Ordering::Relaxed)
    }

    /// Takes the credits for `cost_microdollars` (never below zero); returns what is left.
    pub fn charge(&self, cost_microdollars: u64) -> u64 {
        let credits = credits_for(cost_microdollars);
        let previous = self
            .remaining
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |r| {
                Some(r.saturating_sub(credits))
            })
            .unwrap_or_else(|r| r);
        previous.saturating_sub(credits)
    }
}

impl Default for Ledger {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_follows_the_formula() {
        let u = Usage::for_message("  hello   big\nworld ", 7);
        assert_eq!(u.input_tokens, 3 + 12);
        assert_eq!(u.output_tokens, 7);
        assert_eq!(u.total_tokens, 22);
        assert_eq!(u.cost_microdollars(), 15 * 3 + 7 * 15);
    }

    #[test]
    fn credits_round_up() {
        assert_eq!(credits_for(0), 0);
        assert_eq!(credits_for(1), 1);
        assert_eq!(credits_for(1_000), 1);
        assert_eq!(credits_for(1_001), 2);
    }

    #[test]
    fn ledger_charges_and_saturates() {
        let l = Ledger::new();
        assert_eq!(l.remaining(), STARTING_CREDITS);
        assert_eq!(l.charge(1_500), STARTING_CREDITS - 2);
        assert_eq!(l.remaining(), STARTING_CREDITS - 2);
        assert_eq!(l.charge(u64::MAX), 0);
        assert_eq!(l.remaining(), 0);
    }
}
