//! The WebSocket link: connecting, keep-alive, loss and reconnect.

use std::time::Instant;

use rand_core::RngCore;

use super::backoff::Backoff;
use super::timer::Timer;
use super::{Client, ConnId, DisconnectReason, Stats, Transmit};
use crate::connect::{ConnectCause, ConnectFailure};
use crate::event::Event;
use crate::types::NetState;
use crate::wire::Limits;

/// WebSocket close code for "this client abandons a dead link".
pub(crate) const CLOSE_ABANDON: u16 = 4001;
/// WebSocket close code on `destroy` and after a REST kick.
pub(crate) const CLOSE_DESTROY: u16 = 4000;

/// The state of the link to the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Link {
    /// No socket and none wanted (not logged in, or destroyed).
    Idle,
    /// Waiting for the backoff to elapse ([`Timer::Reconnect`]).
    Waiting,
    /// A connect was requested.
    Connecting { conn: ConnId },
    /// The socket is open.
    Open {
        conn: ConnId,
        opened_at: Instant,
        /// Seq of the unanswered `heartbeat.alive`, if one is out.
        ping: Option<u64>,
    },
}

/// The link and what it takes to (re)connect: owned by the client, read
/// and changed only by this module's methods.
#[derive(Debug)]
pub(crate) struct Net {
    /// The server URLs tried in turn (`…/binfo` is appended).
    bases: Vec<String>,
    /// The `instanceid` of the connect URL.
    instance_id: String,
    /// Bounds on what a frame from the server may be.
    limits: Limits,
    link: Link,
    /// The ID of the next connection.
    next_conn: u64,
    backoff: Backoff,
    /// The state last reported with NET_STATE_CHANGE.
    state: NetState,
    /// What the connections delivered and cost, for diagnostics.
    stats: Stats,
    /// Why the last connection attempt failed, until one opens.
    last_failure: Option<ConnectFailure>,
    /// Connection attempts failed in a row (reset when one opens, and
    /// when a first `login` starts).
    failed_connects: u32,
}

impl Net {
    /// The diagnostic counters.
    pub(crate) fn stats(&self) -> &Stats {
        &self.stats
    }

    /// A frame failed to decode and was dropped.
    pub(crate) fn note_malformed_frame(&mut self) {
        self.stats.malformed_frames += 1;
    }

    /// A message was dropped as a duplicate.
    pub(crate) fn note_duplicate_message(&mut self) {
        self.stats.duplicate_messages += 1;
    }

    pub(crate) fn new(bases: Vec<String>, instance_id: String, backoff: Backoff) -> Net {
        Net {
            bases,
            instance_id,
            limits: Limits::default(),
            link: Link::Idle,
            next_conn: 0,
            backoff,
            state: NetState::Connected,
            stats: Stats::default(),
            last_failure: None,
            failed_connects: 0,
        }
    }

    /// Why the last connection attempt failed, while none has opened since.
    pub(crate) fn last_failure(&self) -> Option<&ConnectFailure> {
        self.last_failure.as_ref()
    }

    /// Connection attempts failed in a row.
    pub(crate) fn failed_connects(&self) -> u32 {
        self.failed_connects
    }

    /// The server asked the client to wait `wait` before connecting again:
    /// the next reconnect delay is that (see `Backoff::hint`).
    pub(crate) fn hint_retry(&mut self, wait: std::time::Duration) {
        self.backoff.hint(wait);
    }

    /// Count failed attempts from here (a first `login` starts).
    pub(crate) fn restart_failure_count(&mut self) {
        self.failed_connects = 0;
    }

    /// The state last reported with NET_STATE_CHANGE.
    pub(crate) fn state(&self) -> NetState {
        self.state
    }

    /// The `instanceid` sent in the connect URL.
    pub(crate) fn instance_id(&self) -> &str {
        &self.instance_id
    }

    /// Bounds on what a frame from the server may be.
    pub(crate) fn limits(&self) -> &Limits {
        &self.limits
    }
}

impl Client {
    /// The open connection, if any.
    pub(crate) fn open_conn(&self) -> Option<ConnId> {
        match self.net.link {
            Link::Open { conn, .. } => Some(conn),
            _ => None,
        }
    }

    fn current_conn(&self) -> Option<ConnId> {
        match self.net.link {
            Link::Open { conn, .. } | Link::Connecting { conn, .. } => Some(conn),
            _ => None,
        }
    }

    /// Whether the client needs a link: a user is logged in or logging in,
    /// or requests wait to go out.
    pub(crate) fn wants_link(&self) -> bool {
        self.session.wants_link() || self.requests.len() > 0
    }

    /// Start connecting now if nothing is in progress.
    pub(crate) fn ensure_link(&mut self, now: Instant) {
        if matches!(self.net.link, Link::Idle) {
            self.set_net_state(NetState::Connecting);
            self.start_connect(now);
        }
    }

    pub(crate) fn start_connect(&mut self, now: Instant) {
        self.timers.stop(Timer::Reconnect);
        let conn = ConnId(self.net.next_conn);
        self.net.next_conn += 1;
        let base = match self.net.bases.len() {
            0 => String::new(),
            n => self.net.bases[(self.net.stats.connect_attempts % n as u64) as usize].clone(),
        };
        self.net.stats.connect_attempts += 1;
        let random = (self.ctx.rng().next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let url = format!(
            "{base}/binfo?sdkappid={}&instanceid={}&random={random}&platform=7&host=unknown&version=-1&sdkversion=tcchat-{}&compress=gzip",
            self.ctx.sdk_app_id(),
            self.net.instance_id,
            env!("CARGO_PKG_VERSION"),
        );
        if self.log_enabled(0) {
            tracing::debug!(%url, conn = conn.0, "connecting");
        }
        self.net.link = Link::Connecting { conn };
        self.timers
            .set(Timer::Connect, now + self.ctx.tuning().connect_timeout);
        self.out.transmit(Transmit::Connect { conn, url });
    }

    /// Let go of the link for good (destroy): close the socket, if any,
    /// with `code`.
    pub(crate) fn release_link(&mut self, code: u16) {
        if let Some(conn) = self.current_conn() {
            self.out.transmit(Transmit::Close { conn, code });
        }
        self.net.link = Link::Idle;
    }

    /// The driver opened connection `conn`.
    pub fn handle_connected(&mut self, now: Instant, conn: ConnId) {
        match self.net.link {
            Link::Connecting { conn: c } if c == conn => {}
            _ => {
                // A socket we no longer want.
                self.out.transmit(Transmit::Close {
                    conn,
                    code: CLOSE_ABANDON,
                });
                return;
            }
        }
        self.net.link = Link::Open {
            conn,
            opened_at: now,
            ping: None,
        };
        self.timers.stop(Timer::Connect);
        self.net.last_failure = None;
        self.net.failed_connects = 0;
        self.set_net_state(NetState::Connected);
        // Like the official SDK, ping on every open: it proves the path and
        // starts the keep-alive clock.
        self.send_ping(now);
        self.on_link_open(now);
    }

    /// The driver lost (or failed to open) connection `conn`. A
    /// `ConnectFailed` reason is a failed attempt of unknown cause
    /// ([`ConnectCause::Other`]); a driver that knows the cause reports it
    /// with [`handle_connect_failed`](Client::handle_connect_failed).
    pub fn handle_disconnected(&mut self, now: Instant, conn: ConnId, reason: DisconnectReason) {
        if self.current_conn() != Some(conn) {
            return;
        }
        if let DisconnectReason::ConnectFailed(why) = reason {
            let failure = ConnectFailure::new(ConnectCause::Other, why);
            return self.handle_connect_failed(now, conn, failure);
        }
        if self.log_enabled(0) {
            // The runtime logs the loss of an open link at INFO.
            tracing::debug!(conn = conn.0, ?reason, "link down");
        }
        self.link_lost(now);
    }

    /// The driver could not open connection `conn`, for `failure` (TCP
    /// refused, DNS, TLS, the upgrade's HTTP status). NET_STATE_CHANGE to
    /// `disconnected` carries it, and while a first `login` waits, the
    /// `Tuning::login_connect_attempts`-th failure in a row ends the login
    /// with 2800 naming it.
    pub fn handle_connect_failed(&mut self, now: Instant, conn: ConnId, failure: ConnectFailure) {
        if !matches!(self.net.link, Link::Connecting { conn: c } if c == conn) {
            return;
        }
        if self.log_enabled(1) {
            tracing::info!(conn = conn.0, %failure, "connect failed");
        }
        self.net.failed_connects = self.net.failed_connects.saturating_add(1);
        self.net.last_failure = Some(failure.clone());
        if self.net.state != NetState::Disconnected {
            self.net.state = NetState::Disconnected;
            self.emit(Event::NetStateChange {
                state: NetState::Disconnected,
                cause: Some(failure.clone()),
            });
        }
        if self.net.failed_connects >= self.ctx.tuning().login_connect_attempts {
            self.fail_first_login_unreachable(&failure);
        }
        self.link_lost(now);
    }

    /// The current link is gone (closed, failed, or declared dead).
    pub(crate) fn link_lost(&mut self, now: Instant) {
        self.timers.stop(Timer::Connect);
        let was = std::mem::replace(&mut self.net.link, Link::Idle);
        self.timers.stop(Timer::PingIdle);
        self.timers.stop(Timer::PingTimeout);
        self.timers.stop(Timer::Hello);
        self.requests.mark_unsent(now, self.live_limits());
        self.session.link_lost();
        match was {
            Link::Open { opened_at, .. } => {
                if now.saturating_duration_since(opened_at) >= self.ctx.tuning().stable_after {
                    self.net.backoff.reset();
                }
                if self.wants_link() {
                    self.set_net_state(NetState::Connecting);
                    self.schedule_reconnect(now);
                } else {
                    self.set_net_state(NetState::Disconnected);
                }
            }
            Link::Connecting { .. } => {
                self.set_net_state(NetState::Disconnected);
                if self.wants_link() {
                    self.schedule_reconnect(now);
                }
            }
            Link::Idle | Link::Waiting => {}
        }
        self.finish_destroy();
    }

    fn schedule_reconnect(&mut self, now: Instant) {
        let delay = self.net.backoff.next_delay(self.ctx.rng());
        if delay.is_zero() {
            if self.net.state != NetState::Connecting {
                self.set_net_state(NetState::Connecting);
            }
            self.start_connect(now);
        } else {
            self.net.link = Link::Waiting;
            self.timers.set(Timer::Reconnect, now + delay);
        }
    }

    /// Abandon the open link (dead, or kicked) and close it with `code`.
    pub(crate) fn drop_link(&mut self, now: Instant, code: u16) {
        if let Some(conn) = self.current_conn() {
            self.out.transmit(Transmit::Close { conn, code });
        }
        self.link_lost(now);
    }

    pub(crate) fn send_ping(&mut self, now: Instant) {
        let seq = self.alloc_seq();
        let Link::Open { conn, ping, .. } = &mut self.net.link else {
            return;
        };
        *ping = Some(seq);
        let conn = *conn;
        let reqtime = self.clock.server_secs(now);
        let identity = self.session.identity();
        let empty = serde_json::Map::new();
        let frame =
            self.encode_request(crate::wire::servcmd::ALIVE, seq, reqtime, &identity, &empty);
        self.out.transmit(Transmit::Send { conn, frame });
        self.timers.stop(Timer::PingIdle);
        self.timers
            .set(Timer::PingTimeout, now + self.ctx.tuning().ping_timeout);
    }

    /// A frame arrived on the open link: it is alive.
    pub(crate) fn saw_traffic(&mut self, now: Instant) {
        self.timers.stop(Timer::PingTimeout);
        self.timers
            .set(Timer::PingIdle, now + self.ctx.tuning().ping_idle);
        if let Link::Open { ping, .. } = &mut self.net.link {
            *ping = None;
        }
    }

    pub(crate) fn on_link_timer(&mut self, now: Instant, timer: Timer) {
        match timer {
            Timer::Reconnect => {
                if self.wants_link() {
                    self.set_net_state(NetState::Connecting);
                    self.start_connect(now);
                } else {
                    self.net.link = Link::Idle;
                }
            }
            Timer::PingIdle => self.send_ping(now),
            Timer::Connect => {
                if let Link::Connecting { conn } = self.net.link {
                    self.out.transmit(Transmit::Close {
                        conn,
                        code: CLOSE_ABANDON,
                    });
                    let limit = self.ctx.tuning().connect_timeout;
                    let failure = ConnectFailure::new(
                        ConnectCause::Timeout,
                        format!("not open after {} ms", limit.as_millis()),
                    );
                    self.handle_connect_failed(now, conn, failure);
                }
            }
            Timer::PingTimeout => {
                if self.log_enabled(2) {
                    tracing::warn!("ping unanswered: abandoning the link");
                }
                self.drop_link(now, CLOSE_ABANDON);
            }
            Timer::Hello | Timer::Destroy => {}
        }
    }

    /// Emit NET_STATE_CHANGE if the state changes.
    pub(crate) fn set_net_state(&mut self, state: NetState) {
        if self.net.state != state {
            self.net.state = state;
            self.emit(Event::NetStateChange { state, cause: None });
        }
    }
}
