//! What an instance logs beyond the core's own lines: its span, the
//! lifecycle of its links at INFO (the core adds `kicked out` at WARN), request/reply summaries at DEBUG and
//! frame bodies at TRACE. Every line honours the instance's log level
//! (`Options::log_level`, `set_log_level`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use tcchat_core::{ConnId, DisconnectReason, Event, Transmit};

use crate::transport::Incoming;
use tracing::Span;

/// Lines an application's subscriber should filter out besides its own
/// choice: the WebSocket library's per-frame logs (tungstenite logs every
/// frame at DEBUG and TRACE, as hex at TRACE). Appended by [`log_filter`].
pub const WEBSOCKET_LOG_DIRECTIVES: &str = "tungstenite=warn,async_tungstenite=warn";

/// A filter for `tracing_subscriber::EnvFilter`: `RUST_LOG` if set (else
/// `info`), plus [`WEBSOCKET_LOG_DIRECTIVES`] unless `RUST_LOG` already
/// says something about tungstenite. The one-line setup:
///
/// ```ignore
/// tracing_subscriber::fmt().with_env_filter(tcchat_tokio::log_filter()).init();
/// ```
pub fn log_filter() -> String {
    let base = std::env::var("RUST_LOG").unwrap_or_default();
    filter_for(&base)
}

fn filter_for(rust_log: &str) -> String {
    let base = rust_log.trim();
    let base = if base.is_empty() { "info" } else { base };
    if base.contains("tungstenite") {
        base.to_owned()
    } else {
        format!("{base},{WEBSOCKET_LOG_DIRECTIVES}")
    }
}

/// The span every line of one instance is logged in: its SDKAppID, a
/// number that tells instances of one process apart, and the user once
/// `login` names one.
pub(crate) fn instance_span(sdk_app_id: u64) -> Span {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let instance = NEXT.fetch_add(1, Ordering::Relaxed);
    tracing::info_span!("tcchat", sdk_app_id, instance, user = tracing::field::Empty)
}

/// Longest frame body logged at TRACE, in characters.
const MAX_LOGGED_BODY: usize = 512;

/// The lifecycle lines of one instance's links, written by the driver.
#[derive(Debug, Default)]
pub(crate) struct Lifecycle {
    /// When the last established link went down, until another opens.
    lost_at: Option<Instant>,
    /// The link that is open, if any.
    open: Option<ConnId>,
}

/// Whether the instance's log level (0 debug … 4 none) lets through a
/// line of official level `level` (0 debug, 1 info, 2 warn, 3 error).
fn enabled(log_level: u8, level: u8) -> bool {
    log_level <= level
}

impl Lifecycle {
    pub(crate) fn connecting(&self, log_level: u8, conn: ConnId, url: &str) {
        if enabled(log_level, 1) {
            // The query names the instance and a random number; the base is
            // what a reader needs.
            let base = url.split('?').next().unwrap_or(url);
            tracing::info!(conn = conn.0, url = base, "connecting");
        }
    }

    pub(crate) fn connected(&mut self, log_level: u8, conn: ConnId, now: Instant) {
        self.open = Some(conn);
        if !enabled(log_level, 1) {
            self.lost_at = None;
            return;
        }
        match self.lost_at.take() {
            Some(lost) => {
                let secs = now.saturating_duration_since(lost).as_secs_f64();
                tracing::info!(
                    conn = conn.0,
                    after_secs = secs,
                    "reconnected after {secs:.1} s"
                );
            }
            None => tracing::info!(conn = conn.0, "connected"),
        }
    }

    pub(crate) fn closed(
        &mut self,
        log_level: u8,
        conn: ConnId,
        reason: &DisconnectReason,
        now: Instant,
    ) {
        if self.open == Some(conn) {
            self.open = None;
            self.lost_at.get_or_insert(now);
            if enabled(log_level, 1) {
                tracing::info!(conn = conn.0, ?reason, "connection lost");
            }
        }
    }

    pub(crate) fn event(&mut self, log_level: u8, event: &Event) {
        if !enabled(log_level, 1) {
            return;
        }
        match event {
            Event::SdkReady => tracing::info!("logged in (SDK_READY)"),
            Event::SdkNotReady => tracing::info!("not logged in any more (SDK_NOT_READY)"),
            // KICKED_OUT: the core logs it at WARN with its type.
            Event::SdkDestroy { .. } => {
                self.lost_at = None;
                tracing::info!("destroyed (SDK_DESTROY)")
            }
            _ => {}
        }
    }
}

impl Lifecycle {
    /// Log what the driver is about to do for the core.
    pub(crate) fn transmit(&self, log_level: u8, transmit: &Transmit) {
        match transmit {
            Transmit::Connect { conn, url } => self.connecting(log_level, *conn, url),
            Transmit::Send { conn, frame: bytes } => {
                frame(log_level, *conn, Direction::Sent, bytes)
            }
            Transmit::Close { .. } => {}
        }
    }

    /// Log what the network did, before the core hears of it.
    pub(crate) fn incoming(&mut self, log_level: u8, now: Instant, input: &Incoming) {
        match input {
            Incoming::Wake => {}
            Incoming::Connected(conn) => self.connected(log_level, *conn, now),
            Incoming::Frame(conn, bytes) => frame(log_level, *conn, Direction::Received, bytes),
            Incoming::Closed(conn, reason) => self.closed(log_level, *conn, reason, now),
            // The core logs a failed attempt at INFO, with its cause.
            Incoming::ConnectFailed(..) => {}
            Incoming::UploadProgress(..) => {}
            Incoming::UploadDone(id, Err(reason)) if enabled(log_level, 1) => {
                let reason: String = reason.chars().take(200).collect();
                tracing::info!(upload = id.0, %reason, "upload failed");
            }
            Incoming::UploadDone(..) => {}
        }
    }
}

/// Which way a frame went.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Direction {
    Sent,
    Received,
}

/// DEBUG: one line per frame (`servcmd`, `seq`, size); TRACE: its body,
/// cut to [`MAX_LOGGED_BODY`] characters, except for login frames, whose
/// bodies carry the session key.
pub(crate) fn frame(log_level: u8, conn: ConnId, direction: Direction, bytes: &[u8]) {
    if !enabled(log_level, 0) || !tracing::enabled!(tracing::Level::DEBUG) {
        return;
    }
    let frame = match tcchat_core::wire::decode(bytes) {
        Ok(frame) => frame,
        Err(err) => {
            tracing::debug!(conn = conn.0, ?direction, len = bytes.len(), %err, "undecodable frame");
            return;
        }
    };
    // The server's strings are bounded before they are logged.
    let servcmd = truncate(&frame.head.servcmd, 64);
    tracing::debug!(
        conn = conn.0,
        ?direction,
        servcmd,
        seq = frame.head.seq,
        len = bytes.len(),
        "frame"
    );
    if tracing::enabled!(tracing::Level::TRACE) {
        let body = if servcmd.contains("login") {
            "<not logged: carries the session key>".to_owned()
        } else {
            truncate(frame.body.get(), MAX_LOGGED_BODY).to_owned()
        };
        tracing::trace!(conn = conn.0, ?direction, servcmd, body, "frame body");
    }
}

/// At most `max` characters of `s`.
fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((at, _)) => &s[..at],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_silences_tungstenite_unless_asked_for() {
        assert_eq!(
            filter_for(""),
            "info,tungstenite=warn,async_tungstenite=warn"
        );
        assert_eq!(
            filter_for("tcchat=debug"),
            "tcchat=debug,tungstenite=warn,async_tungstenite=warn"
        );
        assert_eq!(
            filter_for("trace,tungstenite=trace"),
            "trace,tungstenite=trace"
        );
    }

    #[test]
    fn truncation_counts_characters() {
        assert_eq!(truncate("héllo", 2), "hé");
        assert_eq!(truncate("hi", 5), "hi");
    }
}
