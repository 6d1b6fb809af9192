//! Handing events to the listeners and to the event streams.

use tcchat_core::Event;

use crate::shared::{lock, Shared};

/// Run the listeners of `event`, in registration order. A listener that
/// panics is contained and logged; the others still run.
pub(crate) fn run_listeners(shared: &Shared, event: &Event) {
    let handlers = lock(&shared.listeners).take_for(event.name());
    for handler in handlers {
        let run = std::panic::AssertUnwindSafe(|| handler(event));
        if std::panic::catch_unwind(run).is_err() {
            tracing::error!(event = event.name().as_str(), "a listener panicked");
        }
    }
}

/// Deliver `events`, in order, to every event stream under that stream's
/// overflow policy, which may wait for a reader.
pub(crate) async fn deliver_to_streams(shared: &Shared, events: Vec<Event>) {
    if events.is_empty() {
        return;
    }
    // Deliver without holding the lock: a blocking stream may wait.
    let sinks = lock(&shared.streams).clone();
    if sinks.is_empty() {
        return;
    }
    for event in events {
        for sink in &sinks {
            sink.deliver(event.clone()).await;
        }
    }
    lock(&shared.streams).retain(|sink| !sink.is_closed());
}
