use std::net::IpAddr;

use super::policy::PlatformClass;
use super::query::ConnectQuery;
use super::ConnId;

/// A logged-in session on one socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Session {
    pub app: u64,
    pub user: String,
    pub tiny_id: String,
    /// SHA-256 of the A2 key (the key of the session in the A2 table).
    pub a2_hash: String,
    pub inst_id: u64,
    /// When the A2 key (and with it this session) expires, Unix ms.
    pub expires_ms: u64,
}

/// Per-socket state.
#[derive(Debug)]
pub(crate) struct Conn {
    pub query: ConnectQuery,
    /// The peer's IP address, when the caller said.
    pub peer: Option<IpAddr>,
    pub session: Option<Session>,
    /// True once any login succeeded on this socket: from then on only the
    /// idle window applies (the official SDK keeps its socket open after
    /// logout).
    pub ever_logged_in: bool,
    /// True once a login succeeded on this socket or a request on it
    /// carried a valid session: from then on the limits after login apply
    /// (frame size, no frame rate before login).
    pub trusted: bool,
}

impl Conn {
    pub(crate) fn class(&self) -> PlatformClass {
        PlatformClass::of(self.query.platform)
    }
}

/// Who a request speaks for: the socket's session, or the `a2` of its head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ident {
    pub app: u64,
    pub user: String,
    pub tiny_id: String,
    /// The session's A2 hash: the instance that caused a notification.
    pub origin: String,
    /// The socket the request came on: a notification it causes is not
    /// pushed there (the reply on it tells the result), but it is pushed to
    /// the same instance on another socket, where a request delayed on an
    /// abandoned socket leaves the instance with no reply (found by the
    /// simulation, seed 5849 of profile `messages`).
    pub conn: ConnId,
}
