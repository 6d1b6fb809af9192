//! Messages this instance created and has not sent (or whose send
//! failed): what `send_message` accepts, and what `find_message` shows
//! before the server has them. Part of the [`MessageCache`](super::cache::MessageCache).

use std::collections::{HashMap, VecDeque};

use crate::model::Message;

/// The newest `cap` created messages, by ID.
#[derive(Debug)]
pub(crate) struct Created {
    cap: usize,
    /// The `MsgSeq` of the next message created (32 bits, wrapping).
    next_seq: u64,
    by_id: HashMap<String, Message>,
    /// IDs in creation order, for the bound.
    order: VecDeque<String>,
}

impl Created {
    pub(crate) fn new(cap: usize, first_seq: u64) -> Created {
        Created {
            cap,
            next_seq: first_seq,
            by_id: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    /// The `MsgSeq` for a message being created.
    pub(crate) fn next_sequence(&mut self) -> u64 {
        let seq = self.next_seq;
        self.next_seq = (self.next_seq + 1) % (1 << 32);
        seq
    }

    /// Keep a newly created message, dropping the oldest past the bound.
    pub(crate) fn remember(&mut self, message: Message) {
        self.order.push_back(message.id.clone());
        self.by_id.insert(message.id.clone(), message);
        while self.order.len() > self.cap {
            if let Some(old) = self.order.pop_front() {
                self.by_id.remove(&old);
            }
        }
    }

    pub(crate) fn get(&self, id: &str) -> Option<&Message> {
        self.by_id.get(id)
    }

    pub(crate) fn contains(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    /// Store a new state of a created message (sending, or failed).
    pub(crate) fn update(&mut self, message: Message) {
        self.by_id.insert(message.id.clone(), message);
    }

    /// The message was sent: it now lives in the cache proper.
    pub(crate) fn forget(&mut self, id: &str) {
        self.by_id.remove(id);
    }

    pub(crate) fn clear(&mut self) {
        self.by_id.clear();
        self.order.clear();
    }
}
