//! The client's timers: one deadline per kind, quinn-style.

use std::time::Instant;

/// A kind of timer the client arms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Timer {
    /// Start the next connect attempt (backoff elapsed).
    Reconnect,
    /// Nothing received for `ping_idle`: send `heartbeat.alive`.
    PingIdle,
    /// The ping went unanswered: the link is dead.
    PingTimeout,
    /// Send `wshello`.
    Hello,
    /// `destroy` stops waiting for the logout reply.
    Destroy,
    /// A connect attempt that has not opened gives up.
    Connect,
}

impl Timer {
    const ALL: [Timer; 6] = [
        Timer::Reconnect,
        Timer::PingIdle,
        Timer::PingTimeout,
        Timer::Hello,
        Timer::Destroy,
        Timer::Connect,
    ];

    fn index(self) -> usize {
        self as usize
    }
}

/// Deadlines, at most one per [`Timer`].
#[derive(Debug, Default)]
pub(crate) struct TimerTable {
    deadlines: [Option<Instant>; 6],
}

impl TimerTable {
    pub(crate) fn set(&mut self, timer: Timer, at: Instant) {
        self.deadlines[timer.index()] = Some(at);
    }

    pub(crate) fn stop(&mut self, timer: Timer) {
        self.deadlines[timer.index()] = None;
    }

    pub(crate) fn get(&self, timer: Timer) -> Option<Instant> {
        self.deadlines[timer.index()]
    }

    pub(crate) fn stop_all(&mut self) {
        self.deadlines = [None; 6];
    }

    /// The earliest deadline.
    pub(crate) fn next(&self) -> Option<Instant> {
        self.deadlines.iter().flatten().min().copied()
    }

    /// Disarm and return one timer due at `now`, earliest kind first.
    pub(crate) fn pop_expired(&mut self, now: Instant) -> Option<Timer> {
        let timer = Timer::ALL
            .into_iter()
            .find(|t| self.get(*t).is_some_and(|at| at <= now))?;
        self.stop(timer);
        Some(timer)
    }
}
