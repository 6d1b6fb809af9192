//! The extensions of one message as this instance knows them: each key's
//! value and seq, and the seq of the last clear, so a stale push or reply
//! cannot bring back an older value. The message store holds one per
//! message.

use std::collections::BTreeMap;

/// The extensions of one message as this instance knows them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ExtState {
    /// Key → (value, seq); an empty value is a deleted key kept for its seq.
    pub(crate) keys: BTreeMap<String, (String, u64)>,
    /// The message's global extension seq as last seen.
    pub(crate) last_seq: u64,
    /// Keys with a seq at or below this were cleared.
    pub(crate) clear_seq: u64,
    /// A `get_message_extensions` completed for it (later ones send
    /// `startSeq`).
    pub(crate) fetched: bool,
}

impl ExtState {
    /// Most keys remembered per message (the server's documented limit is
    /// 300 per message); further keys are not remembered.
    pub(crate) const MAX_KEYS: usize = 300;

    /// Record `key` at `seq`; `false` if a newer or equal seq is known (or
    /// the key is beyond the bound).
    pub(crate) fn apply(&mut self, key: &str, value: &str, seq: u64) -> bool {
        if self.clear_seq > 0 && seq <= self.clear_seq {
            return false;
        }
        let full = self.keys.len() >= Self::MAX_KEYS;
        match self.keys.get_mut(key) {
            Some(slot) if slot.1 >= seq => false,
            Some(slot) => {
                *slot = (value.to_owned(), seq);
                true
            }
            None if full => false,
            None => {
                self.keys.insert(key.to_owned(), (value.to_owned(), seq));
                true
            }
        }
    }

    /// Forget every key with a seq at or below `clear_seq`; returns the
    /// ones that had a value.
    pub(crate) fn clear(&mut self, clear_seq: u64) -> Vec<String> {
        let mut gone = Vec::new();
        self.keys.retain(|k, (v, seq)| {
            if *seq <= clear_seq {
                if !v.is_empty() {
                    gone.push(k.clone());
                }
                false
            } else {
                true
            }
        });
        self.clear_seq = self.clear_seq.max(clear_seq);
        gone
    }

    /// The keys with a value, by seq.
    pub(crate) fn live(&self) -> Vec<(String, String, u64)> {
        let mut out: Vec<_> = self
            .keys
            .iter()
            .filter(|(_, (v, _))| !v.is_empty())
            .map(|(k, (v, s))| (k.clone(), v.clone(), *s))
            .collect();
        out.sort_by_key(|(_, _, s)| *s);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_keys_apply_by_seq_and_clear() {
        let mut e = ExtState::default();
        assert!(e.apply("a", "1", 1));
        assert!(e.apply("b", "2", 2));
        assert!(!e.apply("a", "old", 1), "same seq again");
        assert!(e.apply("a", "", 3));
        assert_eq!(e.live(), vec![("b".into(), "2".into(), 2)]);
        assert_eq!(e.clear(5), vec!["b".to_string()]);
        assert!(e.live().is_empty());
        assert!(!e.apply("c", "x", 4), "at or below the clear seq");
    }
}
