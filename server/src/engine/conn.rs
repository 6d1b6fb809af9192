use super::query::ConnectQuery;

/// A logged-in session on one socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Session {
    pub app: u64,
    pub user: String,
    pub tiny_id: String,
    pub a2: String,
    pub inst_id: u64,
    /// When the A2 key (and with it this session) expires, Unix ms.
    pub expires_ms: u64,
}

/// Per-socket state.
#[derive(Debug)]
pub(crate) struct Conn {
    pub query: ConnectQuery,
    pub session: Option<Session>,
    /// True once any login succeeded on this socket: from then on only the
    /// idle window applies (the official SDK keeps its socket open after
    /// logout).
    pub ever_logged_in: bool,
}

/// Who a request speaks for: the socket's session, or the `a2` of its head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ident {
    pub app: u64,
    pub user: String,
    pub tiny_id: String,
}
