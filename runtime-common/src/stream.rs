//! Events as an async `Stream`, with a bound and an overflow policy.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use async_channel::{Receiver, Sender, TrySendError};
use futures_util::Stream;
use tcchat_core::Event;

/// What an [`EventStream`] does when its reader falls `capacity` events
/// behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Overflow {
    /// Wait for the reader (the default): the instance stops handling
    /// network input until the stream has room, so nothing is lost and
    /// memory stays bounded. The instance is paused meanwhile — its
    /// replies, pings and other listeners wait too — so read the stream
    /// from a task that does not itself await this instance's replies while
    /// `capacity` events may pile up (or give it room for your bursts). A
    /// stall is logged at WARN.
    #[default]
    Block,
    /// Drop the oldest unread event to make room; the stream goes on.
    /// [`EventStream::dropped`] counts the losses, and they are logged at
    /// WARN.
    DropOldest,
    /// End the stream: the reader gets what was queued, then `None`;
    /// [`EventStream::overflowed`] tells it why. Logged at WARN.
    Close,
}

#[derive(Debug, Default)]
struct Status {
    dropped: AtomicU64,
    overflowed: AtomicBool,
}

/// Every event of an instance, in order, from [`Chat::events`](crate::Chat::events)
/// or [`Chat::events_with`](crate::Chat::events_with). Ends after
/// SDK_DESTROY (or on overflow with [`Overflow::Close`]). Dropping it
/// unsubscribes.
#[derive(Debug)]
pub struct EventStream {
    // Boxed: the receiver is not `Unpin`, and `next()` wants the stream to be.
    rx: Pin<Box<Receiver<Event>>>,
    status: Arc<Status>,
}

impl EventStream {
    /// Events lost to [`Overflow::DropOldest`] so far (always 0 with the
    /// other policies).
    pub fn dropped(&self) -> u64 {
        self.status.dropped.load(Ordering::Relaxed)
    }

    /// Whether the stream was ended by [`Overflow::Close`].
    pub fn overflowed(&self) -> bool {
        self.status.overflowed.load(Ordering::Relaxed)
    }
}

impl Stream for EventStream {
    type Item = Event;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Event>> {
        self.rx.as_mut().poll_next(cx)
    }
}

/// The driver's end of one [`EventStream`].
#[derive(Debug, Clone)]
pub(crate) struct StreamSink {
    tx: Sender<Event>,
    overflow: Overflow,
    status: Arc<Status>,
}

/// A new stream and the sink the driver feeds.
pub(crate) fn event_stream(capacity: usize, overflow: Overflow) -> (StreamSink, EventStream) {
    let (tx, rx) = async_channel::bounded(capacity.max(1));
    let status = Arc::new(Status::default());
    (
        StreamSink {
            tx,
            overflow,
            status: Arc::clone(&status),
        },
        EventStream {
            rx: Box::pin(rx),
            status,
        },
    )
}

impl StreamSink {
    /// Whether the stream is gone (dropped by its reader, or closed).
    pub(crate) fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }

    /// Hand `event` to the stream under its overflow policy.
    pub(crate) async fn deliver(&self, event: Event) {
        let event = match self.tx.try_send(event) {
            Ok(()) | Err(TrySendError::Closed(_)) => return,
            Err(TrySendError::Full(event)) => event,
        };
        match self.overflow {
            Overflow::Block => {
                tracing::warn!(
                    event = event.name().as_str(),
                    "an event stream is full: the instance waits until it is read (Overflow::Block)"
                );
                // Err only when the reader is gone: nobody to deliver to.
                let _ = self.tx.send(event).await;
            }
            Overflow::DropOldest => {
                if let Ok(Some(old)) = self.tx.force_send(event) {
                    let n = self.status.dropped.fetch_add(1, Ordering::Relaxed) + 1;
                    if n.is_power_of_two() {
                        tracing::warn!(
                            dropped = n,
                            oldest = old.name().as_str(),
                            "an event stream is not being read: dropping its oldest events (Overflow::DropOldest)"
                        );
                    }
                }
            }
            Overflow::Close => {
                self.status.overflowed.store(true, Ordering::Relaxed);
                self.tx.close();
                tracing::warn!(
                    event = event.name().as_str(),
                    "an event stream is full: ending it (Overflow::Close)"
                );
            }
        }
    }

    /// End the stream (the instance was destroyed).
    pub(crate) fn close(&self) {
        self.tx.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_executor::block_on;
    use futures_util::StreamExt;

    fn total(n: u64) -> Event {
        Event::TotalUnreadMessageCountUpdated(n)
    }

    fn drain(stream: &mut EventStream) -> Vec<Event> {
        let mut out = Vec::new();
        while let Some(Some(e)) = stream.next().now_or_never() {
            out.push(e);
        }
        out
    }

    use futures_util::FutureExt;

    #[test]
    fn drop_oldest_keeps_the_newest_and_counts() {
        let (sink, mut stream) = event_stream(2, Overflow::DropOldest);
        for n in 0..5 {
            block_on(sink.deliver(total(n)));
        }
        assert_eq!(drain(&mut stream), [total(3), total(4)]);
        assert_eq!(stream.dropped(), 3);
        assert!(!stream.overflowed());
    }

    #[test]
    fn close_ends_the_stream_after_what_was_queued() {
        let (sink, mut stream) = event_stream(2, Overflow::Close);
        for n in 0..3 {
            block_on(sink.deliver(total(n)));
        }
        assert!(sink.is_closed());
        assert_eq!(block_on(stream.next()), Some(total(0)));
        assert_eq!(block_on(stream.next()), Some(total(1)));
        assert_eq!(block_on(stream.next()), None);
        assert!(stream.overflowed());
    }

    #[test]
    fn block_waits_for_room_and_loses_nothing() {
        let (sink, mut stream) = event_stream(1, Overflow::Block);
        block_on(sink.deliver(total(0)));
        let mut second = Box::pin(sink.deliver(total(1)));
        // Full: the delivery waits instead of dropping.
        assert!((&mut second).now_or_never().is_none());
        assert_eq!(block_on(stream.next()), Some(total(0)));
        block_on(second);
        assert_eq!(block_on(stream.next()), Some(total(1)));
        assert_eq!(stream.dropped(), 0);
    }
}
