use std::collections::{BTreeSet, HashMap};
use std::time::Instant;

use super::ConnId;

/// One pending deadline per connection, ordered by time.
#[derive(Debug, Default)]
pub(crate) struct Deadlines {
    order: BTreeSet<(Instant, ConnId)>,
    by_conn: HashMap<ConnId, Instant>,
}

impl Deadlines {
    /// Set (or move) `conn`'s deadline.
    pub(crate) fn set(&mut self, conn: ConnId, at: Instant) {
        if let Some(old) = self.by_conn.insert(conn, at) {
            self.order.remove(&(old, conn));
        }
        self.order.insert((at, conn));
    }

    /// Forget `conn`'s deadline.
    pub(crate) fn clear(&mut self, conn: ConnId) {
        if let Some(old) = self.by_conn.remove(&conn) {
            self.order.remove(&(old, conn));
            crate::shrink::after_removal(&mut self.by_conn);
        }
    }

    /// The earliest deadline.
    pub(crate) fn next(&self) -> Option<Instant> {
        self.order.first().map(|(at, _)| *at)
    }

    /// Remove and return the earliest connection whose deadline is at or
    /// before `now`.
    pub(crate) fn pop_expired(&mut self, now: Instant) -> Option<ConnId> {
        let &(at, conn) = self.order.first()?;
        if at > now {
            return None;
        }
        self.order.remove(&(at, conn));
        self.by_conn.remove(&conn);
        crate::shrink::after_removal(&mut self.by_conn);
        Some(conn)
    }
}
