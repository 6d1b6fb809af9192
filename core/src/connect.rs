//! Why a connection attempt failed: what a driver reports with
//! [`Client::handle_connect_failed`](crate::Client::handle_connect_failed),
//! and what NET_STATE_CHANGE, the ERROR event and a failed `login` then
//! carry.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The kind of a connect failure, for code that reacts to it (show "check
/// the address" for [`Dns`](ConnectCause::Dns), "offline" for
/// [`Refused`](ConnectCause::Refused) or [`Timeout`](ConnectCause::Timeout)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum ConnectCause {
    /// The host answered but nothing listens on the port (TCP refused).
    Refused,
    /// The host name did not resolve.
    Dns,
    /// The TLS handshake failed (certificate, protocol).
    Tls,
    /// The WebSocket upgrade was answered with this HTTP status instead of
    /// 101 (a proxy, a load balancer, a wrong path).
    HttpStatus(u16),
    /// No answer in time (the TCP connect, TLS or the upgrade hung past
    /// `Tuning::connect_timeout`).
    Timeout,
    /// Anything else (a bad URL, a reset during the handshake).
    Other,
}

impl fmt::Display for ConnectCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConnectCause::Refused => f.write_str("connection refused"),
            ConnectCause::Dns => f.write_str("DNS lookup failed"),
            ConnectCause::Tls => f.write_str("TLS handshake failed"),
            ConnectCause::HttpStatus(status) => {
                write!(f, "WebSocket upgrade answered with HTTP {status}")
            }
            ConnectCause::Timeout => f.write_str("connect timed out"),
            ConnectCause::Other => f.write_str("connect failed"),
        }
    }
}

/// A failed connection attempt: its [`ConnectCause`] and the driver's
/// detail (the OS or library error), at most [`ConnectFailure::MAX_DETAIL`]
/// bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ConnectFailure {
    cause: ConnectCause,
    detail: String,
}

impl ConnectFailure {
    /// Longest detail kept, in bytes; longer ones are cut at a character
    /// boundary (the detail may quote what a peer sent).
    pub const MAX_DETAIL: usize = 256;

    /// A failure of kind `cause`, with the driver's `detail`.
    pub fn new(cause: ConnectCause, detail: impl Into<String>) -> ConnectFailure {
        let mut detail = detail.into();
        if detail.len() > Self::MAX_DETAIL {
            let mut end = Self::MAX_DETAIL;
            while !detail.is_char_boundary(end) {
                end -= 1;
            }
            detail.truncate(end);
        }
        ConnectFailure { cause, detail }
    }

    /// Its kind.
    pub fn cause(&self) -> ConnectCause {
        self.cause
    }

    /// The driver's detail.
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl fmt::Display for ConnectFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.detail.is_empty() {
            write!(f, "{}", self.cause)
        } else {
            write!(f, "{} ({})", self.cause, self.detail)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_detail_is_bounded_at_a_char_boundary() {
        let f = ConnectFailure::new(ConnectCause::Other, "é".repeat(300));
        assert!(f.detail().len() <= ConnectFailure::MAX_DETAIL);
        assert!(f.detail().len() >= ConnectFailure::MAX_DETAIL - 1);
        assert_eq!(
            ConnectFailure::new(ConnectCause::HttpStatus(502), "").to_string(),
            "WebSocket upgrade answered with HTTP 502"
        );
    }
}
