//! Messages the SDK holds: for `find_message`, and to deliver each message
//! exactly once however often the push and the sync repeat it.

use std::collections::{HashMap, HashSet, VecDeque};

use crate::model::Message;

/// A bounded store of messages, oldest evicted first.
#[derive(Debug)]
pub(crate) struct MessageCache {
    cap: usize,
    by_id: HashMap<String, Message>,
    seen: HashSet<String>,
    order: VecDeque<(String, String)>,
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

    /// Store a message; `false` if one with the same dedup key was already
    /// there (a duplicate, which is not stored again).
    pub(crate) fn insert_new(&mut self, message: Message) -> bool {
        let key = message.dedup_key();
        if self.seen.contains(&key) {
            return false;
        }
        self.put(key, message);
        true
    }

    /// Store or replace a message (for example after its send completed).
    pub(crate) fn upsert(&mut self, message: Message) {
        let key = message.dedup_key();
        if self.seen.contains(&key) {
            self.by_id.insert(message.id.clone(), message);
        } else {
            self.put(key, message);
        }
    }

    fn put(&mut self, key: String, message: Message) {
        self.seen.insert(key.clone());
        self.order.push_back((key, message.id.clone()));
        self.by_id.insert(message.id.clone(), message);
        while self.order.len() > self.cap {
            if let Some((old_key, old_id)) = self.order.pop_front() {
                self.seen.remove(&old_key);
                self.by_id.remove(&old_id);
            }
        }
    }

    pub(crate) fn get(&self, id: &str) -> Option<&Message> {
        self.by_id.get(id)
    }

    /// Forget every message.
    pub(crate) fn clear(&mut self) {
        self.by_id.clear();
        self.seen.clear();
        self.order.clear();
    }

    pub(crate) fn len(&self) -> usize {
        self.order.len()
    }
}
