//! Answers to resent requests.
//!
//! Both SDKs resend a request whose reply did not arrive (the socket died
//! first) after their re-login, with the same `seq`. For a request that
//! changed something (a revoke, a group created, …) answering the resend
//! anew would report a conflict with itself ("that group exists"), so the
//! successful replies of such requests are kept a while, per session (A2)
//! and `seq`, and a resend gets the first answer again with nothing redone.
//!
//! Bounded per user: at most [`PER_USER_ENTRIES`] replies and
//! [`PER_USER_BYTES`] of them, the user's oldest forgotten first, so one
//! user's requests can only ever evict that user's own replies. All users
//! together hold at most [`MAX_BYTES`]; past that the user holding the most
//! loses its oldest. Not kept across a restart (the commands also
//! recognise a repeat of themselves where they can: a second revoke, the
//! same modification, a key already holding the value).

use std::collections::{HashMap, VecDeque};

/// Most replies kept per user.
pub(crate) const PER_USER_ENTRIES: usize = 256;
/// Most bytes kept per user (bodies plus keys plus [`ENTRY_OVERHEAD`]).
pub(crate) const PER_USER_BYTES: usize = 256 * 1024;
/// Most bytes kept for all users together.
pub(crate) const MAX_BYTES: usize = 32 * 1024 * 1024;
/// What one kept reply costs beyond its body and key strings.
const ENTRY_OVERHEAD: usize = 64;

/// The key of a kept reply within its user: session (A2 hash), servcmd,
/// seq.
type Key = (String, String, u64);
/// A user: application and user ID.
type User = (u64, String);

#[derive(Debug, Default)]
struct Replies {
    replies: HashMap<Key, String>,
    order: VecDeque<Key>,
    bytes: usize,
}

fn cost(key: &Key, body: &str) -> usize {
    key.0.len() + key.1.len() + body.len() + ENTRY_OVERHEAD
}

impl Replies {
    /// Drop the oldest reply; returns the bytes freed.
    fn pop_oldest(&mut self) -> Option<usize> {
        let oldest = self.order.pop_front()?;
        let freed = self
            .replies
            .remove(&oldest)
            .map_or(0, |body| cost(&oldest, &body));
        self.bytes -= freed;
        Some(freed)
    }
}

/// Recent successful replies of state-changing requests, per user.
#[derive(Debug, Default)]
pub(crate) struct ReplayCache {
    users: HashMap<User, Replies>,
    bytes: usize,
}

impl ReplayCache {
    /// The reply given to `servcmd` with `seq` of session `origin` of
    /// `user` of `app`, if kept.
    pub(crate) fn get(
        &self,
        app: u64,
        user: &str,
        origin: &str,
        servcmd: &str,
        seq: u64,
    ) -> Option<&str> {
        self.users
            .get(&(app, user.to_owned()))?
            .replies
            .get(&(origin.to_owned(), servcmd.to_owned(), seq))
            .map(String::as_str)
    }

    /// Keep `body` as the reply to `servcmd` with `seq` of `origin`.
    pub(crate) fn put(
        &mut self,
        app: u64,
        user: &str,
        origin: &str,
        servcmd: &str,
        seq: u64,
        body: String,
    ) {
        let key = (origin.to_owned(), servcmd.to_owned(), seq);
        let size = cost(&key, &body);
        if size > PER_USER_BYTES {
            return;
        }
        let mine = self.users.entry((app, user.to_owned())).or_default();
        if let Some(old) = mine.replies.insert(key.clone(), body) {
            let old = cost(&key, &old);
            mine.bytes -= old;
            self.bytes -= old;
        } else {
            mine.order.push_back(key);
        }
        mine.bytes += size;
        self.bytes += size;
        while mine.order.len() > PER_USER_ENTRIES || mine.bytes > PER_USER_BYTES {
            match mine.pop_oldest() {
                Some(freed) => self.bytes -= freed,
                None => break,
            }
        }
        while self.bytes > MAX_BYTES {
            let Some(largest) = self
                .users
                .iter()
                .max_by_key(|(_, r)| r.bytes)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            let Some(r) = self.users.get_mut(&largest) else {
                break;
            };
            match r.pop_oldest() {
                Some(freed) => self.bytes -= freed,
                None => break,
            }
            if r.order.is_empty() {
                self.users.remove(&largest);
            }
        }
    }

    /// Forget the replies of a session of `user` that ended.
    pub(crate) fn forget_session(&mut self, app: u64, user: &str, origin: &str) {
        let key = (app, user.to_owned());
        let Some(r) = self.users.get_mut(&key) else {
            return;
        };
        let mut freed = 0;
        r.replies.retain(|k, body| {
            let keep = k.0 != origin;
            if !keep {
                freed += cost(k, body);
            }
            keep
        });
        r.order.retain(|k| k.0 != origin);
        r.bytes -= freed;
        self.bytes -= freed;
        if r.order.is_empty() {
            self.users.remove(&key);
        }
    }

    /// How many replies are kept, for all users.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.users.values().map(|r| r.replies.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_totals(cache: &ReplayCache) {
        let sum: usize = cache.users.values().map(|r| r.bytes).sum();
        assert_eq!(cache.bytes, sum);
        for r in cache.users.values() {
            let mine: usize = r.replies.iter().map(|(k, b)| cost(k, b)).sum();
            assert_eq!(r.bytes, mine);
            assert_eq!(r.order.len(), r.replies.len());
        }
    }

    #[test]
    fn keeps_replies_within_bounds_oldest_out_first() {
        let mut cache = ReplayCache::default();
        cache.put(1, "a", "s1", "cmd", 1, "a".into());
        cache.put(1, "b", "s2", "cmd", 1, "b".into());
        assert_eq!(cache.get(1, "a", "s1", "cmd", 1), Some("a"));
        assert_eq!(cache.get(1, "b", "s1", "cmd", 1), None, "per user");
        assert_eq!(cache.get(1, "a", "s1", "other", 1), None);
        assert_eq!(cache.get(1, "a", "s1", "cmd", 2), None);
        // A flood by "c" evicts only its own replies.
        for seq in 0..10 * PER_USER_ENTRIES as u64 {
            cache.put(1, "c", "s3", "cmd", seq, "x".into());
        }
        assert_eq!(cache.get(1, "a", "s1", "cmd", 1), Some("a"));
        assert_eq!(cache.get(1, "b", "s2", "cmd", 1), Some("b"));
        assert_eq!(cache.len(), PER_USER_ENTRIES + 2);
        assert_eq!(cache.get(1, "c", "s3", "cmd", 0), None, "its oldest went");
        let big = "y".repeat(PER_USER_BYTES / 2);
        cache.put(1, "d", "s4", "cmd", 1, big.clone());
        cache.put(1, "d", "s4", "cmd", 2, big.clone());
        assert_eq!(
            cache.get(1, "d", "s4", "cmd", 1),
            None,
            "over the byte bound"
        );
        assert!(cache.get(1, "d", "s4", "cmd", 2).is_some());
        cache.put(1, "d", "s4", "cmd", 3, "z".repeat(PER_USER_BYTES + 1));
        assert_eq!(cache.get(1, "d", "s4", "cmd", 3), None, "too big to keep");
        check_totals(&cache);
        cache.forget_session(1, "d", "s4");
        assert_eq!(cache.get(1, "d", "s4", "cmd", 2), None);
        check_totals(&cache);
    }

    #[test]
    fn the_global_bound_takes_from_the_largest_user() {
        let mut cache = ReplayCache::default();
        cache.put(1, "small", "s", "cmd", 1, "keep me".into());
        let body = "w".repeat(PER_USER_BYTES / 4);
        let users = MAX_BYTES / (PER_USER_BYTES / 4 * 3) + 2;
        for u in 0..users {
            for seq in 0..3 {
                cache.put(1, &format!("u{u}"), "s", "cmd", seq, body.clone());
            }
        }
        assert!(cache.bytes <= MAX_BYTES);
        assert_eq!(cache.get(1, "small", "s", "cmd", 1), Some("keep me"));
        check_totals(&cache);
    }
}
