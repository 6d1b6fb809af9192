//! What the client has for the driver: network actions, events and
//! finished commands, in order.

use std::collections::VecDeque;

use super::{Completion, Transmit};
use crate::event::Event;

/// The three output queues. After [`close`](Outputs::close) (at the end of
/// `destroy`) no transmit or event is queued any more: SDK_DESTROY is the
/// last event. Completions still are (a later `destroy` completes at once).
#[derive(Debug, Default)]
pub(crate) struct Outputs {
    transmits: VecDeque<Transmit>,
    events: VecDeque<Event>,
    completions: VecDeque<Completion>,
    closed: bool,
}

impl Outputs {
    pub(crate) fn transmit(&mut self, transmit: Transmit) {
        if !self.closed {
            self.transmits.push_back(transmit);
        }
    }

    pub(crate) fn emit(&mut self, event: Event) {
        if !self.closed {
            self.events.push_back(event);
        }
    }

    pub(crate) fn complete(&mut self, completion: Completion) {
        self.completions.push_back(completion);
    }

    /// No further transmits or events.
    pub(crate) fn close(&mut self) {
        self.closed = true;
    }

    pub(crate) fn next_transmit(&mut self) -> Option<Transmit> {
        self.transmits.pop_front()
    }

    pub(crate) fn next_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    pub(crate) fn next_completion(&mut self) -> Option<Completion> {
        self.completions.pop_front()
    }
}
