//! Messages this instance created and has not sent (or whose send
//! failed): what `send_message` accepts, and what `find_message` shows
//! before the server has them. Part of the [`MessageCache`](super::cache::MessageCache).

use std::collections::{HashMap, VecDeque};

use crate::model::Message;

/// The newest `cap` created messages, by ID.
#[derive(Debug)]
pub(crate) struct Created {
    cap: usize,
    by_id: HashMap<String, Message>,
    /// IDs in creation order, for the bound.
    order: VecDeque<String>,
}

impl Created {
    pub(crate) fn new(cap: usize) -> Created {
        Created {
            cap,
            by_id: HashMap::new(),
            order: VecDeque::new(),
        }
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
