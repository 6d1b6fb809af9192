//! Events as an async `Stream`.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_channel::mpsc;
use futures_util::Stream;
use tcchat_core::Event;

/// Every event of an instance, in order, from [`Chat::events`](crate::Chat::events).
/// Ends after SDK_DESTROY.
pub struct EventStream {
    rx: mpsc::Receiver<Event>,
}

impl EventStream {
    pub(crate) fn new(rx: mpsc::Receiver<Event>) -> EventStream {
        EventStream { rx }
    }
}

impl Stream for EventStream {
    type Item = Event;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Event>> {
        Pin::new(&mut self.rx).poll_next(cx)
    }
}
