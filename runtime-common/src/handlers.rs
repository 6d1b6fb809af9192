//! Typed and async listeners, and event streams: the ways to receive
//! events besides the seed's `on`/`once`.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures_channel::mpsc;
use futures_util::{FutureExt, StreamExt};
use tcchat_core::Event;
use tracing::Instrument;

use crate::chat::Chat;
use crate::events::EventKind;
use crate::listeners::{ListenerGuard, ListenerHandle};
use crate::runtime::Runtime;
use crate::shared::{lock, Handler};
use crate::stream::{event_stream, EventStream, Overflow};

impl<R: Runtime> Chat<R> {
    fn add_owned(
        &self,
        kind: tcchat_core::EventName,
        handler: Handler,
        once: bool,
    ) -> ListenerGuard {
        let id = lock(&self.shared.listeners).add_owned(kind, handler, once);
        ListenerHandle::new(Arc::downgrade(&self.shared), kind, id).guard()
    }

    /// Listen to one event with a handler of that event's own payload (see
    /// [`events`](crate::events) for the markers and payloads):
    ///
    /// ```ignore
    /// let _guard = chat.listen(events::MessageReceived, |messages| {
    ///     for m in messages { println!("{}: {:?}", m.from, m.text()); }
    /// });
    /// ```
    ///
    /// The handler runs on the SDK's driver task, in registration order with
    /// the other listeners of the event; keep it short (use
    /// [`listen_async`](Self::listen_async) to await). It stays registered
    /// until the returned guard is dropped — keep the guard for as long as
    /// you listen (`let _ = chat.listen(…)` removes it at once) — or until
    /// the instance is destroyed; `off` with its [`ListenerGuard::id`] and
    /// `off(event, &OffFilter::default())` remove it too.
    ///
    /// Unlike [`on`](Self::on), this cannot fail: the 1,000-listener limit
    /// of `on` catches listeners leaked by throwing their handles away, and
    /// a listener that lives only as long as its guard cannot leak that way.
    pub fn listen<E: EventKind>(
        &self,
        event: E,
        handler: impl Fn(&E::Payload) + Send + Sync + 'static,
    ) -> ListenerGuard {
        let _ = event;
        let run = move |event: &Event| {
            let _ = E::with_payload(event, &handler);
        };
        self.add_owned(E::NAME, Arc::new(run), false)
    }

    /// As [`listen`](Self::listen), removed after its first call.
    pub fn listen_once<E: EventKind>(
        &self,
        event: E,
        handler: impl Fn(&E::Payload) + Send + Sync + 'static,
    ) -> ListenerGuard {
        let _ = event;
        let run = move |event: &Event| {
            let _ = E::with_payload(event, &handler);
        };
        self.add_owned(E::NAME, Arc::new(run), true)
    }

    /// Listen to one event with an async handler, which may await (for
    /// example reply with `send_message(..).await`):
    ///
    /// ```ignore
    /// let bot = chat.clone();
    /// let _guard = chat.listen_async(events::MessageReceived, move |messages| {
    ///     let bot = bot.clone();
    ///     async move { /* bot.send_message(&reply).await */ }
    /// });
    /// ```
    ///
    /// Each call gets its own copy of the payload and runs on the instance's
    /// runtime, in a task of this listener: one call at a time, in event
    /// order (spawn inside the handler for concurrency). Events wait for it
    /// in an unbounded queue, so none is lost and the SDK never waits for the
    /// handler — which is why awaiting this instance's replies inside it
    /// cannot deadlock; a handler slower than the event rate grows the queue.
    /// A panicking call is logged and the next one runs.
    ///
    /// Removal is as for [`listen`](Self::listen): calls already queued
    /// still run, none is queued after.
    pub fn listen_async<E, F, Fut>(&self, event: E, handler: F) -> ListenerGuard
    where
        E: EventKind,
        F: Fn(E::Payload) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let _ = event;
        let (tx, mut rx) = mpsc::unbounded::<E::Payload>();
        let task = async move {
            while let Some(payload) = rx.next().await {
                let call = std::panic::catch_unwind(AssertUnwindSafe(|| handler(payload)));
                let outcome = match call {
                    Ok(future) => AssertUnwindSafe(future).catch_unwind().await,
                    Err(panic) => Err(panic),
                };
                if outcome.is_err() {
                    tracing::error!(event = E::NAME.as_str(), "an async listener panicked");
                }
            }
        };
        (self.shared.spawn)(Box::pin(task.instrument(self.shared.span.clone())));
        let queue = move |event: &Event| {
            // Err only once the task is gone, which happens after this
            // listener (and so this sender) was dropped.
            let _ = E::with_payload(event, |payload| tx.unbounded_send(payload.clone()));
        };
        self.add_owned(E::NAME, Arc::new(queue), false)
    }

    /// Every event as an async stream that never loses one: it holds up to
    /// `capacity` unread events, and past that the instance waits for the
    /// reader ([`Overflow::Block`]; read the caveat there). Use
    /// [`events_with`](Self::events_with) for another policy.
    pub fn events(&self, capacity: usize) -> EventStream {
        self.events_with(capacity, Overflow::Block)
    }

    /// Every event as an async stream holding up to `capacity` (at least 1)
    /// unread events, with `overflow` deciding what happens past that.
    pub fn events_with(&self, capacity: usize, overflow: Overflow) -> EventStream {
        let (sink, stream) = event_stream(capacity, overflow);
        lock(&self.shared.streams).push(sink);
        stream
    }
}
