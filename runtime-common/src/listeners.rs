//! Handles of registered listeners.

use std::sync::Weak;

use tcchat_core::listener::ListenerId;
use tcchat_core::EventName;

use crate::shared::{lock, Shared};

/// A registered listener. Keep it to remove the listener later with
/// [`remove`](ListenerHandle::remove) (the seed's `off(event, handler)`), or
/// turn it into a [`ListenerGuard`] that removes the listener when dropped.
/// Dropping the handle itself leaves the listener registered.
#[derive(Debug, Clone)]
pub struct ListenerHandle {
    shared: Weak<Shared>,
    event: EventName,
    id: ListenerId,
}

impl ListenerHandle {
    pub(crate) fn new(shared: Weak<Shared>, event: EventName, id: ListenerId) -> ListenerHandle {
        ListenerHandle { shared, event, id }
    }

    /// The event it listens to.
    pub fn event(&self) -> EventName {
        self.event
    }

    /// Its ID (what `off` with a handler matches).
    pub fn id(&self) -> ListenerId {
        self.id
    }

    /// Remove the listener; `false` if it was already gone.
    pub fn remove(&self) -> bool {
        match self.shared.upgrade() {
            Some(shared) => lock(&shared.listeners).remove(self.id),
            None => false,
        }
    }

    /// A guard that removes the listener when dropped.
    pub fn guard(self) -> ListenerGuard {
        ListenerGuard(self)
    }
}

/// Removes its listener when dropped.
#[derive(Debug)]
#[must_use = "dropping the guard removes the listener at once"]
pub struct ListenerGuard(ListenerHandle);

impl ListenerGuard {
    /// The event it listens to.
    pub fn event(&self) -> EventName {
        self.0.event()
    }

    /// Its ID (what `off` with a handler matches).
    pub fn id(&self) -> ListenerId {
        self.0.id()
    }
}

impl Drop for ListenerGuard {
    fn drop(&mut self) {
        self.0.remove();
    }
}
