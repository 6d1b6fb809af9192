//! Messages the SDK holds: for `find_message`, and to deliver each message
//! exactly once however often the push and the sync repeat it.
//!
//! Entries belong to the user who saw them: one instance may be used by
//! several users in turn, and the same message (say from u0 to u1) is a
//! different delivery for each of them. Keying by owner keeps a user's
//! deliveries deduplicated when they log in again, and never hides one
//! user's message behind another's (both found by the simulation).

use std::collections::{HashMap, HashSet, VecDeque};

use crate::model::Message;

/// A bounded store of messages, oldest evicted first.
#[derive(Debug)]
pub(crate) struct MessageCache {
    cap: usize,
    /// By message ID: the owner and the message.
    by_id: HashMap<String, (String, Message)>,
    /// Owner-qualified dedup keys.
    seen: HashSet<String>,
    order: VecDeque<(String, String)>,
}

fn owned_key(owner: &str, message: &Message) -> String {
    format!("{owner}\u{1f}{}", message.dedup_key())
}

impl MessageCache {
    pub(crate) fn new(cap: usize) -> MessageCache {
        MessageCache {
            cap: cap.max(1),
            by_id: HashMap::new(),
            seen: HashSet::new(),
            order: VecDeque::new(),
        }
    }

    /// Store a message `owner` received; `false` if `owner` already had it
    /// (a duplicate, which is not stored again).
    pub(crate) fn insert_new(&mut self, owner: &str, message: Message) -> bool {
        let key = owned_key(owner, &message);
        if self.seen.contains(&key) {
            return false;
        }
        self.put(key, owner, message);
        true
    }

    /// Store or replace a message of `owner` (for example after its send
    /// completed).
    pub(crate) fn upsert(&mut self, owner: &str, message: Message) {
        let key = owned_key(owner, &message);
        if self.seen.contains(&key) {
            self.by_id
                .insert(message.id.clone(), (owner.to_owned(), message));
        } else {
            self.put(key, owner, message);
        }
    }

    fn put(&mut self, key: String, owner: &str, message: Message) {
        self.seen.insert(key.clone());
        self.order.push_back((key, message.id.clone()));
        self.by_id
            .insert(message.id.clone(), (owner.to_owned(), message));
        while self.order.len() > self.cap {
            if let Some((old_key, old_id)) = self.order.pop_front() {
                self.seen.remove(&old_key);
                if self
                    .by_id
                    .get(&old_id)
                    .is_some_and(|(o, m)| owned_key(o, m) == old_key)
                {
                    self.by_id.remove(&old_id);
                }
            }
        }
    }

    /// The message `id` as `owner` saw it.
    pub(crate) fn get(&self, owner: &str, id: &str) -> Option<&Message> {
        self.by_id
            .get(id)
            .filter(|(o, _)| o == owner)
            .map(|(_, m)| m)
    }

    pub(crate) fn len(&self) -> usize {
        self.order.len()
    }
}
