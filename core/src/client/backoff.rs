//! Reconnect backoff: the first retry is immediate, then decorrelated
//! jitter (each delay drawn uniformly between the base and three times the
//! previous one) from the client's seeded RNG, capped low so a client is
//! back within about a second of the server's return. A server that is
//! overloaded spreads a herd with a retry hint instead ([`Backoff::hint`]).

use std::time::Duration;

use rand_core::RngCore;

/// Consecutive failed attempts and the delay policy.
#[derive(Debug, Clone)]
pub(crate) struct Backoff {
    base: Duration,
    cap: Duration,
    failures: u32,
    /// The previous delay (decorrelated jitter grows from it).
    prev: Duration,
    /// A wait the server asked for, used once by the next delay.
    hint: Option<Duration>,
}

impl Backoff {
    /// Longest retry hint honoured: a server cannot park a client for
    /// longer than this with one refusal.
    pub(crate) const MAX_HINT: Duration = Duration::from_secs(300);

    pub(crate) fn new(base: Duration, cap: Duration) -> Backoff {
        Backoff {
            base,
            cap,
            failures: 0,
            prev: Duration::ZERO,
            hint: None,
        }
    }

    /// Forget past failures (after a stable connection).
    pub(crate) fn reset(&mut self) {
        self.failures = 0;
        self.prev = Duration::ZERO;
    }

    /// The server asked to retry after `wait` (at most [`Self::MAX_HINT`]):
    /// the next delay is that, plus up to a tenth more of jitter, instead
    /// of the backoff's own.
    pub(crate) fn hint(&mut self, wait: Duration) {
        self.hint = Some(wait.min(Self::MAX_HINT));
    }

    /// Record a failure and return the delay before the next attempt.
    pub(crate) fn next_delay(&mut self, rng: &mut impl RngCore) -> Duration {
        let n = self.failures;
        self.failures = self.failures.saturating_add(1);
        if let Some(wait) = self.hint.take() {
            let spread = u64::try_from(wait.as_millis() / 10).unwrap_or(u64::MAX);
            let extra = Duration::from_millis(rng.next_u64() % spread.saturating_add(1));
            self.prev = self.base;
            return wait + extra;
        }
        if n == 0 {
            return Duration::ZERO;
        }
        let base_ms = u64::try_from(self.base.as_millis()).unwrap_or(u64::MAX);
        let cap_ms = u64::try_from(self.cap.as_millis()).unwrap_or(u64::MAX);
        let prev_ms = u64::try_from(self.prev.as_millis())
            .unwrap_or(u64::MAX)
            .max(base_ms);
        let upper = prev_ms.saturating_mul(3).min(cap_ms).max(base_ms);
        let span = upper - base_ms;
        let delay = Duration::from_millis(base_ms + rng.next_u64() % span.saturating_add(1));
        self.prev = delay;
        delay
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    #[test]
    fn first_retry_is_immediate_then_decorrelated_and_capped() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let base = Duration::from_millis(250);
        let cap = Duration::from_secs(2);
        let mut b = Backoff::new(base, cap);
        assert_eq!(b.next_delay(&mut rng), Duration::ZERO);
        let mut prev = base;
        for n in 1..40u32 {
            let d = b.next_delay(&mut rng);
            assert!(d >= base, "attempt {n}: {d:?} under the base");
            assert!(
                d <= (prev * 3).min(cap),
                "attempt {n}: {d:?} after {prev:?}"
            );
            prev = d;
        }
        b.reset();
        assert_eq!(b.next_delay(&mut rng), Duration::ZERO);
    }

    #[test]
    fn a_hint_replaces_one_delay_with_up_to_a_tenth_of_jitter() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let mut b = Backoff::new(Duration::from_millis(250), Duration::from_secs(2));
        b.next_delay(&mut rng);
        b.hint(Duration::from_secs(7));
        let d = b.next_delay(&mut rng);
        assert!(
            d >= Duration::from_secs(7) && d <= Duration::from_millis(7_700),
            "{d:?}"
        );
        assert!(
            b.next_delay(&mut rng) <= Duration::from_secs(2),
            "used once"
        );
        b.hint(Duration::from_secs(100_000));
        assert!(b.next_delay(&mut rng) <= Backoff::MAX_HINT + Backoff::MAX_HINT / 10);
    }

    #[test]
    fn jitter_spreads_delays() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..20 {
            let mut b = Backoff::new(Duration::from_millis(250), Duration::from_secs(2));
            b.next_delay(&mut rng);
            for _ in 0..5 {
                b.next_delay(&mut rng);
            }
            seen.insert(b.next_delay(&mut rng));
        }
        assert!(seen.len() > 10, "delays should differ: {seen:?}");
    }
}
