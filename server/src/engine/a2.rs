use std::collections::{HashMap, VecDeque};

/// What an A2 session key stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct A2Grant {
    /// SDKAppID.
    pub app: u64,
    /// User ID.
    pub user: String,
    /// The user's tiny ID, as sent on the wire.
    pub tiny_id: String,
    /// Wall-clock expiry, Unix milliseconds.
    pub expires_ms: u64,
}

/// The A2 keys handed out by `wslogin`, kept in memory.
///
/// A key outlives the socket it was issued on (a reconnecting client logs in
/// again with it) and ends at its expiry, on `wslogout`, or when its user
/// has more than `max_per_user` keys (the oldest goes first).
#[derive(Debug)]
pub(crate) struct A2Table {
    grants: HashMap<String, A2Grant>,
    per_user: HashMap<(u64, String), VecDeque<String>>,
    max_per_user: usize,
}

impl A2Table {
    pub(crate) fn new(max_per_user: usize) -> A2Table {
        A2Table {
            grants: HashMap::new(),
            per_user: HashMap::new(),
            max_per_user: max_per_user.max(1),
        }
    }

    pub(crate) fn insert(&mut self, token: String, grant: A2Grant) {
        let keys = self
            .per_user
            .entry((grant.app, grant.user.clone()))
            .or_default();
        keys.push_back(token.clone());
        while keys.len() > self.max_per_user {
            if let Some(old) = keys.pop_front() {
                self.grants.remove(&old);
            }
        }
        self.grants.insert(token, grant);
    }

    /// The grant of `token`, if it exists and has not expired at `now_ms`.
    pub(crate) fn get(&self, token: &str, now_ms: u64) -> Option<&A2Grant> {
        self.grants.get(token).filter(|g| g.expires_ms > now_ms)
    }

    pub(crate) fn remove(&mut self, token: &str) {
        if let Some(grant) = self.grants.remove(token) {
            let key = (grant.app, grant.user);
            if let Some(keys) = self.per_user.get_mut(&key) {
                keys.retain(|t| t != token);
                if keys.is_empty() {
                    self.per_user.remove(&key);
                }
            }
        }
    }

    /// Drop every expired key.
    pub(crate) fn sweep(&mut self, now_ms: u64) {
        let expired: Vec<String> = self
            .grants
            .iter()
            .filter(|(_, g)| g.expires_ms <= now_ms)
            .map(|(t, _)| t.clone())
            .collect();
        for token in expired {
            self.remove(&token);
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.grants.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(user: &str, expires_ms: u64) -> A2Grant {
        A2Grant {
            app: 1,
            user: user.into(),
            tiny_id: "1".into(),
            expires_ms,
        }
    }

    #[test]
    fn expiry_removal_and_cap() {
        let mut t = A2Table::new(2);
        t.insert("a".into(), grant("u", 100));
        assert!(t.get("a", 99).is_some());
        assert!(t.get("a", 100).is_none());
        t.insert("b".into(), grant("u", 1000));
        t.insert("c".into(), grant("u", 1000));
        assert!(t.get("a", 0).is_none(), "oldest dropped past the cap");
        t.remove("b");
        assert!(t.get("b", 0).is_none());
        t.insert("d".into(), grant("v", 10));
        t.sweep(10);
        assert_eq!(t.len(), 1);
        assert!(t.get("c", 0).is_some());
    }
}
