//! Reconnect backoff: the first retry is immediate, then exponential with
//! full jitter drawn from the client's seeded RNG, capped.

use std::time::Duration;

use rand_core::RngCore;

/// Consecutive failed attempts and the delay policy.
#[derive(Debug, Clone)]
pub(crate) struct Backoff {
    base: Duration,
    cap: Duration,
    failures: u32,
}

impl Backoff {
    pub(crate) fn new(base: Duration, cap: Duration) -> Backoff {
        Backoff {
            base,
            cap,
            failures: 0,
        }
    }

    /// Forget past failures (after a stable connection).
    pub(crate) fn reset(&mut self) {
        self.failures = 0;
    }

    /// Record a failure and return the delay before the next attempt.
    pub(crate) fn next_delay(&mut self, rng: &mut impl RngCore) -> Duration {
        let n = self.failures;
        self.failures = self.failures.saturating_add(1);
        if n == 0 {
            return Duration::ZERO;
        }
        let ceiling = self
            .base
            .checked_mul(1u32 << (n - 1).min(20))
            .map_or(self.cap, |d| d.min(self.cap));
        let ceiling_ms = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(rng.next_u64() % ceiling_ms.saturating_add(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    #[test]
    fn first_retry_is_immediate_then_capped_exponential() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let mut b = Backoff::new(Duration::from_millis(500), Duration::from_secs(30));
        assert_eq!(b.next_delay(&mut rng), Duration::ZERO);
        for n in 1..40u32 {
            let d = b.next_delay(&mut rng);
            let ceiling = Duration::from_millis(500)
                .saturating_mul(1 << (n - 1).min(20))
                .min(Duration::from_secs(30));
            assert!(d <= ceiling, "attempt {n}: {d:?} > {ceiling:?}");
        }
        b.reset();
        assert_eq!(b.next_delay(&mut rng), Duration::ZERO);
    }

    #[test]
    fn jitter_spreads_delays() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..20 {
            let mut b = Backoff::new(Duration::from_millis(500), Duration::from_secs(30));
            b.next_delay(&mut rng);
            for _ in 0..5 {
                b.next_delay(&mut rng);
            }
            seen.insert(b.next_delay(&mut rng));
        }
        assert!(seen.len() > 10, "delays should differ: {seen:?}");
    }
}
