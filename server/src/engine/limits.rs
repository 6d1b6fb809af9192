//! Token buckets in virtual time, for login and admin-call rate limits.

use std::collections::HashMap;
use std::hash::Hash;
use std::time::{Duration, Instant};

/// A token-bucket rate: up to `burst` attempts at once, refilled at
/// `per_minute` attempts per minute. `burst == 0` means no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Bucket size: attempts allowed back to back. 0 disables the limit.
    pub burst: u32,
    /// Tokens added per minute (spread evenly).
    pub per_minute: u32,
}

impl RateLimit {
    /// No limit.
    pub const UNLIMITED: RateLimit = RateLimit {
        burst: 0,
        per_minute: 0,
    };

    /// Time to earn one token, if tokens are ever earned.
    pub(crate) fn interval(self) -> Option<Duration> {
        (self.per_minute > 0).then(|| Duration::from_secs(60) / self.per_minute)
    }
}

/// Whole seconds until `d` has passed (rounded up), for `ErrorInfo`.
pub(crate) fn retry_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: u32,
    /// The time up to which refills have been counted.
    at: Instant,
}

/// One bucket per key.
#[derive(Debug)]
pub(crate) struct Buckets<K> {
    limit: RateLimit,
    map: HashMap<K, Bucket>,
}

/// Keys kept before full buckets are purged eagerly.
const PURGE_AT: usize = 65_536;

impl<K: Hash + Eq + Clone> Buckets<K> {
    pub(crate) fn new(limit: RateLimit) -> Buckets<K> {
        Buckets {
            limit,
            map: HashMap::new(),
        }
    }

    /// Take a token for `key`, or say how long until one is available.
    pub(crate) fn take(&mut self, key: &K, now: Instant) -> Result<(), Duration> {
        if self.limit.burst == 0 {
            return Ok(());
        }
        if self.map.len() >= PURGE_AT && !self.map.contains_key(key) {
            self.purge(now);
        }
        let limit = self.limit;
        let bucket = self.map.entry(key.clone()).or_insert(Bucket {
            tokens: limit.burst,
            at: now,
        });
        refill(bucket, limit, now);
        if bucket.tokens > 0 {
            bucket.tokens -= 1;
            return Ok(());
        }
        Err(match limit.interval() {
            Some(interval) => (bucket.at + interval).saturating_duration_since(now),
            None => Duration::MAX,
        })
    }

    /// Forget buckets that are full again (they behave like absent ones).
    pub(crate) fn purge(&mut self, now: Instant) {
        let limit = self.limit;
        self.map.retain(|_, b| {
            refill(b, limit, now);
            b.tokens < limit.burst
        });
        crate::shrink::after_removal(&mut self.map);
    }

    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    /// Forget `key`'s bucket (its owner went away).
    pub(crate) fn remove(&mut self, key: &K) {
        self.map.remove(key);
        crate::shrink::after_removal(&mut self.map);
    }
}

fn refill(bucket: &mut Bucket, limit: RateLimit, now: Instant) {
    let Some(interval) = limit.interval() else {
        return;
    };
    let elapsed = now.saturating_duration_since(bucket.at);
    let earned = elapsed.as_nanos() / interval.as_nanos().max(1);
    let earned = u32::try_from(earned).unwrap_or(u32::MAX);
    let tokens = bucket.tokens.saturating_add(earned);
    if tokens >= limit.burst {
        bucket.tokens = limit.burst;
        bucket.at = now;
    } else {
        bucket.tokens = tokens;
        bucket.at += interval * earned;
    }
}

#[cfg(test)]
mod gate_tests {
    use super::*;

    #[test]
    fn a_herd_over_the_rate_is_given_distinct_slots_at_the_rate() {
        let mut gate = LoginGate::new(RateLimit {
            burst: 2,
            per_minute: 600,
        });
        let t0 = Instant::now();
        assert!(gate.admit(t0).is_ok());
        assert!(gate.admit(t0).is_ok());
        let waits: Vec<Duration> = (0..5).map(|_| gate.admit(t0).unwrap_err()).collect();
        for (i, w) in waits.iter().enumerate() {
            assert_eq!(*w, Duration::from_millis(100) * (i as u32 + 1), "{waits:?}");
        }
        // Each comes back at its slot and gets in.
        for w in waits {
            assert!(gate.admit(t0 + w).is_ok(), "at {w:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_refill() {
        let t0 = Instant::now();
        let mut b = Buckets::new(RateLimit {
            burst: 3,
            per_minute: 60,
        });
        for _ in 0..3 {
            assert!(b.take(&"k", t0).is_ok());
        }
        assert_eq!(b.take(&"k", t0), Err(Duration::from_secs(1)));
        assert!(b.take(&"other", t0).is_ok(), "keys are independent");
        let t = t0 + Duration::from_millis(999);
        assert_eq!(b.take(&"k", t), Err(Duration::from_millis(1)));
        assert!(b.take(&"k", t0 + Duration::from_secs(1)).is_ok());
        assert!(b.take(&"k", t0 + Duration::from_secs(1)).is_err());
        // Long idle: back to a full burst, never more.
        let later = t0 + Duration::from_secs(3600);
        for _ in 0..3 {
            assert!(b.take(&"k", later).is_ok());
        }
        assert!(b.take(&"k", later).is_err());
        b.purge(later + Duration::from_secs(10));
        assert_eq!(b.len(), 0);
    }

    #[test]
    fn unlimited_never_refuses() {
        let t0 = Instant::now();
        let mut b = Buckets::new(RateLimit::UNLIMITED);
        for _ in 0..1000 {
            assert!(b.take(&1, t0).is_ok());
        }
        assert_eq!(b.len(), 0);
    }
}

/// The server-wide login rate, and the slots it hands out to spread a herd:
/// a login over the rate is told to come back at the next slot not yet
/// promised, one slot per token interval, so refused clients return evenly
/// at the rate instead of together.
#[derive(Debug)]
pub(crate) struct LoginGate {
    bucket: Buckets<()>,
    interval: Option<Duration>,
    /// The last slot promised.
    promised: Option<Instant>,
}

impl LoginGate {
    pub(crate) fn new(limit: RateLimit) -> LoginGate {
        LoginGate {
            bucket: Buckets::new(limit),
            interval: limit.interval(),
            promised: None,
        }
    }

    /// Admit a login at `now`, or say how long its client should wait.
    pub(crate) fn admit(&mut self, now: Instant) -> Result<(), Duration> {
        let wait = match self.bucket.take(&(), now) {
            Ok(()) => return Ok(()),
            Err(wait) => wait,
        };
        let Some(interval) = self.interval else {
            return Err(wait);
        };
        let from = self.promised.map_or(now, |p| p.max(now));
        let slot = (from + interval).max(now + wait);
        self.promised = Some(slot);
        Err(slot - now)
    }
}
