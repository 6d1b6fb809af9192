//! The listener registry behind `on`, `once` and `off`.
//!
//! It holds handlers of any type `H` and decides which run for an event; the
//! runtime layer stores closures in it and calls them. Semantics follow the
//! seed's `on(eventName, handler, context)` and
//! `off(eventName, handler, context, once)`:
//! - a listener is identified by the [`ListenerId`] that `on` returns (a
//!   Rust closure has no identity to compare, so the ID stands for it);
//! - a [`Context`] groups listeners so that `off` can remove them together;
//! - `once` listeners are removed when they first run, and `off` with
//!   `once: true` removes only listeners registered with `once`.

use crate::error::{ChatError, ErrorCode};
use crate::event::EventName;

/// Identifies one registered listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ListenerId(u64);

/// A group of listeners, named by the caller (the seed's `context`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Context(String);

impl Context {
    /// A context with this name. Equal names are the same context.
    pub fn named(name: impl Into<String>) -> Context {
        Context(name.into())
    }
}

/// Which listeners of an event `off` removes. Every field that is set must
/// match; an empty filter removes every listener of the event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffFilter {
    /// Only this listener.
    pub handler: Option<ListenerId>,
    /// Only listeners registered with this context.
    pub context: Option<Context>,
    /// Only listeners registered with `once`.
    pub once: bool,
}

struct Entry<H> {
    id: ListenerId,
    event: EventName,
    context: Option<Context>,
    once: bool,
    handler: H,
}

/// The registry.
pub struct Listeners<H> {
    next_id: u64,
    entries: Vec<Entry<H>>,
}

impl<H> Default for Listeners<H> {
    fn default() -> Self {
        Listeners {
            next_id: 1,
            entries: Vec::new(),
        }
    }
}

impl<H: Clone> Listeners<H> {
    /// Most listeners one event may have; more are refused with 2905.
    pub const MAX_PER_EVENT: usize = 1_000;

    /// Register a listener.
    pub fn add(
        &mut self,
        event: EventName,
        handler: H,
        context: Option<Context>,
        once: bool,
    ) -> Result<ListenerId, ChatError> {
        if self.count(event) >= Self::MAX_PER_EVENT {
            return Err(ChatError::new(
                ErrorCode::INVALID_OPERATION,
                format!(
                    "{} already has {} listeners",
                    event.key(),
                    Self::MAX_PER_EVENT
                ),
            ));
        }
        let id = ListenerId(self.next_id);
        self.next_id += 1;
        self.entries.push(Entry {
            id,
            event,
            context,
            once,
            handler,
        });
        Ok(id)
    }

    /// Register a listener whose lifetime a handle owns (the runtime's
    /// typed listeners, removed when their guard drops). Not counted against
    /// [`MAX_PER_EVENT`](Self::MAX_PER_EVENT): that limit catches listeners
    /// leaked by `on` calls whose handles were thrown away, while each of
    /// these lives only as long as the caller keeps its guard, so their
    /// number is the caller's own, like the length of any collection it
    /// keeps.
    pub fn add_owned(&mut self, event: EventName, handler: H, once: bool) -> ListenerId {
        let id = ListenerId(self.next_id);
        self.next_id += 1;
        self.entries.push(Entry {
            id,
            event,
            context: None,
            once,
            handler,
        });
        id
    }

    /// Remove one listener; `false` if it was already gone.
    pub fn remove(&mut self, id: ListenerId) -> bool {
        let before = self.entries.len();
        self.entries.retain(|e| e.id != id);
        before != self.entries.len()
    }

    /// Remove the listeners of `event` that match `filter`; returns how many.
    pub fn off(&mut self, event: EventName, filter: &OffFilter) -> usize {
        let before = self.entries.len();
        self.entries.retain(|e| {
            let matches = e.event == event
                && filter.handler.is_none_or(|h| h == e.id)
                && filter
                    .context
                    .as_ref()
                    .is_none_or(|c| e.context.as_ref() == Some(c))
                && (!filter.once || e.once);
            !matches
        });
        before - self.entries.len()
    }

    /// Remove every listener registered with `context`, for all events.
    pub fn off_context(&mut self, context: &Context) -> usize {
        let before = self.entries.len();
        self.entries.retain(|e| e.context.as_ref() != Some(context));
        before - self.entries.len()
    }

    /// The handlers to run for `event`, in registration order. `once`
    /// listeners are removed as they are returned.
    pub fn take_for(&mut self, event: EventName) -> Vec<H> {
        let out: Vec<H> = self
            .entries
            .iter()
            .filter(|e| e.event == event)
            .map(|e| e.handler.clone())
            .collect();
        self.entries.retain(|e| !(e.event == event && e.once));
        out
    }

    /// Number of listeners of `event`.
    pub fn count(&self, event: EventName) -> usize {
        self.entries.iter().filter(|e| e.event == event).count()
    }

    /// Remove every listener.
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reg() -> Listeners<&'static str> {
        Listeners::default()
    }

    #[test]
    fn once_listeners_run_once() {
        let mut l = reg();
        l.add(EventName::SdkReady, "a", None, false).unwrap();
        l.add(EventName::SdkReady, "b", None, true).unwrap();
        assert_eq!(l.take_for(EventName::SdkReady), ["a", "b"]);
        assert_eq!(l.take_for(EventName::SdkReady), ["a"]);
    }

    #[test]
    fn off_by_handler_context_and_once() {
        let mut l = reg();
        let ctx = Context::named("view");
        let a = l.add(EventName::SdkReady, "a", None, false).unwrap();
        l.add(EventName::SdkReady, "b", Some(ctx.clone()), false)
            .unwrap();
        l.add(EventName::SdkReady, "c", Some(ctx.clone()), true)
            .unwrap();
        l.add(EventName::KickedOut, "d", Some(ctx.clone()), false)
            .unwrap();

        let once_in_ctx = OffFilter {
            context: Some(ctx.clone()),
            once: true,
            ..OffFilter::default()
        };
        assert_eq!(l.off(EventName::SdkReady, &once_in_ctx), 1);
        let by_handler = OffFilter {
            handler: Some(a),
            ..OffFilter::default()
        };
        assert_eq!(l.off(EventName::SdkReady, &by_handler), 1);
        assert_eq!(l.take_for(EventName::SdkReady), ["b"]);
        assert_eq!(l.off_context(&ctx), 2);
        assert_eq!(l.count(EventName::KickedOut), 0);
        assert!(!l.remove(a));
    }

    #[test]
    fn listener_count_is_bounded() {
        let mut l = reg();
        for _ in 0..Listeners::<&str>::MAX_PER_EVENT {
            l.add(EventName::Error, "x", None, false).unwrap();
        }
        let err = l.add(EventName::Error, "x", None, false).unwrap_err();
        assert_eq!(err.code, ErrorCode::INVALID_OPERATION);
        // Owned listeners are bounded by their guards, not by the limit.
        let owned = l.add_owned(EventName::Error, "z", false);
        assert_eq!(
            l.count(EventName::Error),
            Listeners::<&str>::MAX_PER_EVENT + 1
        );
        assert!(l.remove(owned));
        assert!(l.add(EventName::SdkReady, "y", None, false).is_ok());
    }
}
