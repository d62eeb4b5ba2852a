//! Seeded batch item failures: which items of a batch fail is a pure function of the
//! seed and the item's key, so a test can compute the expected failures itself.
//!
//! The rate comes from `--batch-failure-rate R` ([`EmulatorConfig::batch_failure_rate`](
//! crate::EmulatorConfig::batch_failure_rate)) or from a `batch-fail=R[;seed=K]` fault
//! (header, agent or scenario agent; the fault wins). The seed is the fault's `seed`,
//! else `--seed K` ([`EmulatorConfig::seed`](crate::EmulatorConfig::seed)), else
//! [`DEFAULT_BATCH_SEED`].

/// The seed of batch item failures when neither the fault nor the config names one.
pub const DEFAULT_BATCH_SEED: u64 = 0;

/// FNV-1a 64-bit offset basis.
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
/// FNV-1a 64-bit prime.
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// A number in `[0, 1)` for `(seed, key)`: FNV-1a 64 over the seed's 8 little-endian
/// bytes then the key's UTF-8 bytes, mixed by the MurmurHash3 64-bit finalizer, top 53
/// bits divided by 2^53.
fn score(seed: u64, key: &str) -> f64 {
    let mut h = FNV_OFFSET;
    for b in seed.to_le_bytes().iter().chain(key.as_bytes()) {
        h ^= u64::from(*b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^= h >> 33;
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// Whether the batch item with this `key` fails under failure `rate` and `seed`.
///
/// A pure function: the same `(seed, key, rate)` always gives the same answer, so a
/// retried key fails again until the rate or seed changes. An item fails when its
/// score (FNV-1a 64 over `seed.to_le_bytes()` then `key`'s UTF-8 bytes, then the
/// MurmurHash3 `fmix64` finalizer, top 53 bits / 2^53, a number in `[0, 1)`) is below
/// `rate`: a rate of 0 (or less, or NaN) fails nothing, 1 (or more) fails everything,
/// and raising the rate only adds failures.
pub fn batch_item_fails(seed: u64, key: &str, rate: f64) -> bool {
    score(seed, key) < rate
}

/// Parses a batch failure rate as `--batch-failure-rate` and `batch-fail=R` take it: a
/// decimal number from 0 to 1 (`0.1`, `1`, `0`); the error quotes the text.
pub fn parse_batch_failure_rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
        _ => Err(format!("\"{text}\" is not a rate from 0 to 1 (like 0.1)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_pure_and_bounded() {
        for key in ["item-0", "", "é", "a much longer key with spaces"] {
            for seed in [0, 1, 42, u64::MAX] {
                let s = score(seed, key);
                assert!((0.0..1.0).contains(&s), "{s}");
                assert_eq!(s, score(seed, key));
                assert!(!batch_item_fails(seed, key, 0.0));
                assert!(!batch_item_fails(seed, key, f64::NAN));
                assert!(batch_item_fails(seed, key, 1.0));
                assert_eq!(
                    batch_item_fails(seed, key, 0.5),
                    batch_item_fails(seed, key, 0.5)
                );
            }
        }
    }

    #[test]
    fn fails_about_the_rate_and_depends_on_the_seed() {
        let keys: Vec<String> = (0..10_000).map(|i| format!("item-{i}")).collect();
        let failed = |seed, rate| {
            keys.iter()
                .filter(|k| batch_item_fails(seed, k, rate))
                .count()
        };
        let n = failed(42, 0.1);
        assert!((900..=1_100).contains(&n), "{n} of 10,000 at 0.1");
        let n = failed(7, 0.5);
        assert!((4_800..=5_200).contains(&n), "{n} of 10,000 at 0.5");
        let set = |seed| -> Vec<&String> {
            keys.iter()
                .filter(|k| batch_item_fails(seed, k, 0.1))
                .collect()
        };
        assert_ne!(set(1), set(2), "another seed, other failures");
        // A higher rate only adds failures.
        assert!(
            keys.iter()
                .filter(|k| batch_item_fails(42, k, 0.1))
                .all(|k| batch_item_fails(42, k, 0.2))
        );
    }

    #[test]
    fn known_scores() {
        // Fixed values, so an implementation in another language can check itself.
        let two53 = (1u64 << 53) as f64;
        assert_eq!(score(0, ""), 4_356_688_289_544_217.0 / two53);
        assert_eq!(score(42, "item-0"), 7_681_193_603_935_167.0 / two53);
        assert_eq!(score(7, "é"), 7_177_629_399_175_650.0 / two53);
        let failed: Vec<u32> = (0..100)
            .filter(|i| batch_item_fails(42, &format!("item-{i}"), 0.1))
            .collect();
        assert_eq!(failed, [8, 16, 18, 23, 27, 28, 30, 37, 51, 52, 60, 65]);
    }

    #[test]
    fn parses_rates() {
        assert_eq!(parse_batch_failure_rate("0.1"), Ok(0.1));
        assert_eq!(parse_batch_failure_rate("1"), Ok(1.0));
        assert_eq!(parse_batch_failure_rate(" 0 "), Ok(0.0));
        for bad in ["-0.1", "1.5", "x", "", "NaN", "inf", "10%"] {
            assert!(parse_batch_failure_rate(bad).is_err(), "{bad}");
        }
    }
}
