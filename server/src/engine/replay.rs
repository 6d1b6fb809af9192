//! Answers to resent requests.
//!
//! Both SDKs resend a request whose reply did not arrive (the socket died
//! first) after their re-login, with the same `seq`. For a request that
//! changed something (a revoke, a group created, …) answering the resend
//! anew would report a conflict with itself ("that group exists"), so the
//! successful replies of such requests are kept a while, per session (A2)
//! and `seq`, and a resend gets the first answer again with nothing redone.
//!
//! Bounded: at most [`MAX_ENTRIES`] replies and [`MAX_BYTES`] of them in
//! all, the oldest forgotten first. Not kept across a restart (the
//! commands also recognise a repeat of themselves where they can: a
//! second revoke, the same modification, a key already holding the value).

use std::collections::{HashMap, VecDeque};

/// Most replies kept.
pub(crate) const MAX_ENTRIES: usize = 4096;
/// Most bytes of reply bodies kept.
pub(crate) const MAX_BYTES: usize = 4 * 1024 * 1024;

/// The key of a kept reply: session (A2 hash), servcmd, seq.
type Key = (String, String, u64);

/// Recent successful replies of state-changing requests.
#[derive(Debug, Default)]
pub(crate) struct ReplayCache {
    replies: HashMap<Key, String>,
    order: VecDeque<Key>,
    bytes: usize,
}

impl ReplayCache {
    /// The reply given to `servcmd` with `seq` of session `origin`, if kept.
    pub(crate) fn get(&self, origin: &str, servcmd: &str, seq: u64) -> Option<&str> {
        self.replies
            .get(&(origin.to_owned(), servcmd.to_owned(), seq))
            .map(String::as_str)
    }

    /// Keep `body` as the reply to `servcmd` with `seq` of `origin`.
    pub(crate) fn put(&mut self, origin: &str, servcmd: &str, seq: u64, body: String) {
        if body.len() > MAX_BYTES {
            return;
        }
        let key = (origin.to_owned(), servcmd.to_owned(), seq);
        self.bytes += body.len();
        if let Some(old) = self.replies.insert(key.clone(), body) {
            self.bytes -= old.len();
        } else {
            self.order.push_back(key);
        }
        while self.order.len() > MAX_ENTRIES || self.bytes > MAX_BYTES {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if let Some(body) = self.replies.remove(&oldest) {
                self.bytes -= body.len();
            }
        }
    }

    /// Forget the replies of a session that ended.
    pub(crate) fn forget_session(&mut self, origin: &str) {
        let bytes = &mut self.bytes;
        self.replies.retain(|(o, _, _), body| {
            let keep = o != origin;
            if !keep {
                *bytes -= body.len();
            }
            keep
        });
        self.order.retain(|(o, _, _)| o != origin);
    }

    /// How many replies are kept.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.replies.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_replies_within_bounds_oldest_out_first() {
        let mut cache = ReplayCache::default();
        cache.put("s1", "cmd", 1, "a".into());
        cache.put("s2", "cmd", 1, "b".into());
        assert_eq!(cache.get("s1", "cmd", 1), Some("a"));
        assert_eq!(cache.get("s1", "other", 1), None);
        assert_eq!(cache.get("s1", "cmd", 2), None);
        for seq in 0..MAX_ENTRIES as u64 {
            cache.put("s3", "cmd", seq, "x".into());
        }
        assert_eq!(cache.len(), MAX_ENTRIES);
        assert_eq!(cache.get("s1", "cmd", 1), None, "oldest evicted");
        let big = "y".repeat(MAX_BYTES / 2 + 1);
        cache.put("s4", "cmd", 1, big.clone());
        cache.put("s4", "cmd", 2, big);
        assert_eq!(cache.get("s4", "cmd", 1), None, "over the byte bound");
        assert!(cache.get("s4", "cmd", 2).is_some());
        cache.forget_session("s4");
        assert_eq!(cache.get("s4", "cmd", 2), None);
        assert_eq!(
            cache.bytes,
            cache.replies.values().map(String::len).sum::<usize>()
        );
    }
}
