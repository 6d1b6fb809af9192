//! The sessions (A2 keys) handed out by `wslogin`, mirrored from the store.

use std::collections::{BTreeMap, HashMap};

use sha2::{Digest, Sha256};

use crate::store::SessionRecord;

/// SHA-256 of an A2 key, lowercase hex: the only form in which A2 keys are
/// kept (in memory and in the store).
pub(crate) fn hash_a2(a2: &str) -> String {
    let digest = Sha256::digest(a2.as_bytes());
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        out.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
    }
    out
}

/// Every session the server knows, by A2 hash, with a per-user index in
/// login order.
///
/// A session outlives the socket it was issued on (a reconnecting client
/// logs in again with its A2) and ends at its expiry, on `wslogout`, or by
/// a kick; a kicked session is kept, marked, until it expires, so that a
/// late re-login is told why it was refused.
#[derive(Debug, Default)]
pub(crate) struct A2Table {
    by_hash: HashMap<String, SessionRecord>,
    per_user: HashMap<(u64, String), BTreeMap<u64, String>>,
    next_seq: u64,
}

impl A2Table {
    /// A table holding `records` (as loaded from the store).
    pub(crate) fn load(records: Vec<SessionRecord>) -> A2Table {
        let mut table = A2Table::default();
        for r in records {
            table.insert(r);
        }
        table
    }

    /// A login order number above every one in the table.
    pub(crate) fn next_login_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    pub(crate) fn insert(&mut self, record: SessionRecord) {
        if let Some(old) = self.by_hash.get(&record.a2_hash) {
            let (key, seq) = ((old.app, old.user.clone()), old.login_seq);
            self.unindex(&key, seq);
        }
        self.next_seq = self.next_seq.max(record.login_seq);
        self.per_user
            .entry((record.app, record.user.clone()))
            .or_default()
            .insert(record.login_seq, record.a2_hash.clone());
        self.by_hash.insert(record.a2_hash.clone(), record);
    }

    pub(crate) fn get(&self, a2_hash: &str) -> Option<&SessionRecord> {
        self.by_hash.get(a2_hash)
    }

    /// The session, if it is valid at `now_ms` (not kicked, not expired).
    pub(crate) fn live(&self, a2_hash: &str, now_ms: u64) -> Option<&SessionRecord> {
        self.get(a2_hash)
            .filter(|r| r.kicked == 0 && r.expires_ms > now_ms)
    }

    /// Mark a session kicked; returns the updated record.
    pub(crate) fn set_kicked(&mut self, a2_hash: &str, kick: u32) -> Option<&SessionRecord> {
        let r = self.by_hash.get_mut(a2_hash)?;
        r.kicked = kick;
        Some(r)
    }

    pub(crate) fn remove(&mut self, a2_hash: &str) -> Option<SessionRecord> {
        let r = self.by_hash.remove(a2_hash)?;
        self.unindex(&(r.app, r.user.clone()), r.login_seq);
        Some(r)
    }

    fn unindex(&mut self, key: &(u64, String), seq: u64) {
        if let Some(list) = self.per_user.get_mut(key) {
            list.remove(&seq);
            if list.is_empty() {
                self.per_user.remove(key);
            }
        }
    }

    /// The sessions of `user` (kicked ones included), oldest login first.
    pub(crate) fn of_user(&self, app: u64, user: &str) -> Vec<&SessionRecord> {
        self.per_user
            .get(&(app, user.to_owned()))
            .map(|list| list.values().filter_map(|h| self.by_hash.get(h)).collect())
            .unwrap_or_default()
    }

    /// Hashes of every session expired at `now_ms`.
    pub(crate) fn expired(&self, now_ms: u64) -> Vec<String> {
        self.by_hash
            .values()
            .filter(|r| r.expires_ms <= now_ms)
            .map(|r| r.a2_hash.clone())
            .collect()
    }

    pub(crate) fn len(&self) -> usize {
        self.by_hash.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(hash: &str, user: &str, seq: u64, expires_ms: u64) -> SessionRecord {
        SessionRecord {
            a2_hash: hash.into(),
            app: 1,
            user: user.into(),
            tiny_id: 1,
            instance: String::new(),
            platform: 7,
            login_seq: seq,
            expires_ms,
            kicked: 0,
        }
    }

    #[test]
    fn order_expiry_kicks_and_removal() {
        let mut t = A2Table::load(vec![rec("b", "u", 5, 1000), rec("a", "u", 2, 100)]);
        assert_eq!(t.next_login_seq(), 6, "continues after the loaded sessions");
        let order: Vec<&str> = t
            .of_user(1, "u")
            .iter()
            .map(|r| r.a2_hash.as_str())
            .collect();
        assert_eq!(order, ["a", "b"]);
        assert!(t.live("a", 99).is_some());
        assert!(t.live("a", 100).is_none());
        assert_eq!(t.expired(100), ["a"]);
        t.set_kicked("b", 3);
        assert!(t.live("b", 0).is_none());
        assert_eq!(t.get("b").unwrap().kicked, 3);
        t.remove("a");
        t.remove("b");
        assert_eq!(t.len(), 0);
        assert!(t.of_user(1, "u").is_empty());
    }

    #[test]
    fn hashes_are_sha256_hex() {
        assert_eq!(
            hash_a2("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
