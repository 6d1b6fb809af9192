//! The sans-IO server engine.
//!
//! [`Engine`] holds every piece of server state (connections, sessions, A2
//! keys) and a [`Store`]. It does no I/O of its own: the caller feeds it
//! events — a connection opened, a frame arrived, a connection closed, time
//! passed — and after each one drains what it wants done with
//! [`poll_output`](Engine::poll_output) and when it next wants to be woken
//! with [`poll_timeout`](Engine::poll_timeout). It never reads a clock
//! (wall time comes in as `unix_ms`, monotonic time as `Instant`), never
//! touches OS randomness (its RNG is seeded by the caller) and never
//! spawns. The same engine runs under the tokio driver of this crate and
//! under a deterministic simulation.
//!
//! ```
//! use std::time::Instant;
//! use tcchat_server::engine::{ConnId, Engine, EngineConfig, Output};
//! use tcchat_server::store::MemoryStore;
//! use tcchat_server::AppConfig;
//!
//! let config = EngineConfig {
//!     apps: vec![AppConfig { sdk_app_id: 1400000000, secret_key: "k".into() }],
//!     ..EngineConfig::default()
//! };
//! let mut engine = Engine::new(config, MemoryStore::new(), 7);
//! let t0 = Instant::now();
//! engine.handle_connect(t0, 1_795_628_000_000, ConnId(1), "sdkappid=1400000000");
//! let ping = br#"{"head":{"servcmd":"heartbeat.alive","seq":1},"body":{}}"#;
//! engine.handle_frame(t0, 1_795_628_000_000, ConnId(1), ping);
//! let Some(Output::Send { conn, frame }) = engine.poll_output() else { panic!() };
//! assert_eq!(conn, ConnId(1));
//! assert!(std::str::from_utf8(&frame).unwrap().contains(r#""ErrorCode":0"#));
//! // Not logged in: the connection is closed 30 s after it opened.
//! assert_eq!(engine.poll_timeout(), Some(t0 + EngineConfig::DEFAULT_LOGIN_TIMEOUT));
//! ```

mod a2;
mod config;
mod conn;
mod contact_groups;
mod conversations;
mod cookie;
mod deadlines;
mod extensions;
mod files;
mod follow;
mod friend_groups;
mod groups;
mod history;
mod kick;
mod limits;
mod login;
pub(crate) mod logs;
mod messaging;
mod msgops;
mod notify;
mod outbox;
mod policy;
mod presence;
mod query;
mod reads;
mod refusal;
mod relations;
mod relay;
mod replay;
mod request;
mod rest;
mod stubs;
mod sync;
pub use sync::PAGE_BYTES as GETMSG_PAGE_BYTES;
mod token;

use std::collections::{BTreeSet, HashMap};
use std::net::IpAddr;
use std::time::Instant;

use bytes::Bytes;
use serde::Deserialize;
use tcchat_core::proto::BaseReply;
use tcchat_core::wire::{decode_with, servcmd, Frame, FrameError, Head};

use crate::codes;
use crate::shrink;
use crate::store::{Store, StoreError};

pub use config::EngineConfig;
pub use files::{
    FileConfig, FileRequest, FileResponse, FILE_PATH_PREFIX, MAX_FILES_PER_SIG, MAX_FILE_NAME_BYTES,
};
pub use groups::GroupConfig;
pub use limits::RateLimit;
pub use policy::{InstancePolicy, KickType, PlatformClass};
pub use query::ConnectQuery;
pub use refusal::{AdminError, Refusal};
pub use rest::{
    AdminAuth, RestRequest, RestResponse, ACCOUNT_IMPORT_PATH, KICK_PATH, MAX_IMPORT_ACCOUNTS,
    MAX_REST_BODY, MULTIACCOUNT_IMPORT_PATH,
};
pub use token::KeySource;

use a2::{hash_a2, A2Table};
use conn::{Conn, Ident, Session};
use deadlines::Deadlines;
use limits::{Buckets, LoginGate};
use logs::{short, LogLimiter, LogSite};
use outbox::Outbox;
use replay::ReplayCache;
use sync::AckTracker;
use token::Tokens;

/// Identifies one client connection. The caller picks the numbers; they
/// only need to be unique among open connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId(pub u64);

/// Something the engine wants the caller to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Send `frame` as one binary WebSocket message on `conn`.
    Send {
        /// The connection.
        conn: ConnId,
        /// The whole message: JSON `{head, body}`, or `COMP` + gzip.
        frame: Bytes,
    },
    /// Close `conn` with this WebSocket close code and reason (see
    /// [`crate::codes`]). The engine has already forgotten the
    /// connection; a later `handle_disconnect` for it is a no-op.
    Close {
        /// The connection.
        conn: ConnId,
        /// WebSocket close code.
        code: u16,
        /// Human-readable reason (short, ASCII).
        reason: String,
    },
}

/// Metadata key of the database epoch carried in cookies.
const EPOCH_KEY: &str = "epoch";

/// The server state machine. See the [module documentation](self).
#[derive(Debug)]
pub struct Engine<S> {
    config: EngineConfig,
    store: S,
    tokens: Tokens,
    epoch: u64,
    conns: HashMap<ConnId, Conn>,
    online: HashMap<(u64, String), BTreeSet<ConnId>>,
    /// Users whose last logged-in socket went during the current
    /// `handle_*` call: their `AVChatRoom` memberships end at its end
    /// unless they are back (see `groups::avchat`).
    went_offline: Vec<(u64, String)>,
    /// Recent sends in `AVChatRoom`s, to answer a resend (see
    /// `groups::avchat`).
    room_sends: groups::RoomSends,
    /// Users whose status may have changed during the current `handle_*`
    /// call (see `presence`).
    status_touched: Vec<(u64, String)>,
    /// The last status pushed for each user not logged out (see
    /// `presence`).
    last_status: HashMap<(u64, String), u8>,
    /// Which connection each bound session (by A2 hash) is on.
    bound: HashMap<String, ConnId>,
    a2s: A2Table,
    per_ip: HashMap<IpAddr, usize>,
    login_gate: LoginGate,
    ip_buckets: Buckets<IpAddr>,
    user_buckets: Buckets<(u64, String)>,
    msg_buckets: Buckets<(u64, String)>,
    frame_buckets: Buckets<ConnId>,
    logs: LogLimiter,
    deadlines: Deadlines,
    acks: AckTracker,
    replays: ReplayCache,
    out: Outbox,
    next_sweep: Option<Instant>,
    /// Uploaded files (see `files`).
    vault: files::Vault,
    /// Merger-message bodies (see `relay`).
    relays: relay::RelayBodies,
}

impl<S: Store> Engine<S> {
    /// A new engine over `store`, with its RNG seeded by `seed`.
    ///
    /// The store's epoch (a random number that cookies carry) is created on
    /// first use of a database; if the store cannot be read, a fresh epoch is
    /// used for this run and the failure is logged. The store's sessions
    /// are loaded, so A2 keys handed out before a restart stay valid.
    pub fn new(config: EngineConfig, mut store: S, seed: u64) -> Engine<S> {
        let mut tokens = Tokens::new(seed);
        let epoch = match load_epoch(&mut store) {
            Ok(Some(epoch)) => epoch,
            Ok(None) | Err(_) => {
                let epoch = tokens.next_u64();
                if let Err(err) = store.set_meta(EPOCH_KEY, &format!("{epoch:016x}")) {
                    tracing::error!(%err, "cannot store the database epoch");
                }
                epoch
            }
        };
        match groups::end_transient_members(&mut store) {
            Ok(0) => {}
            Ok(n) => tracing::info!(count = n, "AVChatRoom memberships of the last run ended"),
            Err(err) => {
                tracing::error!(%err, "cannot end the AVChatRoom memberships of the last run")
            }
        }
        let sessions = store.sessions().unwrap_or_else(|err| {
            tracing::error!(%err, "cannot load the stored sessions; earlier A2 keys are void");
            Vec::new()
        });
        if !sessions.is_empty() {
            tracing::info!(count = sessions.len(), "sessions restored from the store");
        }
        Engine {
            a2s: A2Table::load(sessions),
            out: Outbox::new(config.compress_threshold),
            login_gate: LoginGate::new(config.login_rate_total),
            ip_buckets: Buckets::new(config.login_rate_per_ip),
            user_buckets: Buckets::new(config.login_rate_per_user),
            msg_buckets: Buckets::new(config.message_rate_per_user),
            frame_buckets: Buckets::new(config.frame_rate_before_login),
            logs: LogLimiter::new(),
            config,
            store,
            tokens,
            epoch,
            conns: HashMap::new(),
            online: HashMap::new(),
            went_offline: Vec::new(),
            room_sends: groups::RoomSends::default(),
            status_touched: Vec::new(),
            last_status: HashMap::new(),
            bound: HashMap::new(),
            per_ip: HashMap::new(),
            deadlines: Deadlines::default(),
            acks: AckTracker::default(),
            replays: ReplayCache::default(),
            next_sweep: None,
            vault: files::Vault::default(),
            relays: relay::RelayBodies::default(),
        }
    }

    /// Take A2 session keys from `keys` instead of the seeded generator
    /// (see [`KeySource`]): what a server facing real clients does. The
    /// rest of the engine stays deterministic under its seed.
    pub fn with_key_source(mut self, keys: Box<dyn KeySource>) -> Engine<S> {
        self.tokens.set_key_source(keys);
        self
    }

    /// A client connected; `query` is the query string of its URL (for
    /// example `sdkappid=1400000000&instanceid=…&compress=gzip`, with or
    /// without the leading `/binfo?`). Its address is unknown, so no
    /// per-address limit applies to it; see
    /// [`handle_connect_from`](Self::handle_connect_from).
    pub fn handle_connect(&mut self, now: Instant, unix_ms: u64, conn: ConnId, query: &str) {
        self.handle_connect_from(now, unix_ms, conn, query, None);
    }

    /// A client connected from `peer`. Past
    /// [`max_conns_per_ip`](EngineConfig::max_conns_per_ip) open
    /// connections from that address, the new one is closed at once with
    /// 1013 ([`Output::Close`]) and never registered.
    pub fn handle_connect_from(
        &mut self,
        now: Instant,
        _unix_ms: u64,
        conn: ConnId,
        query: &str,
        peer: Option<IpAddr>,
    ) {
        if self.conns.contains_key(&conn) {
            self.forget(conn);
        }
        self.schedule_sweep(now);
        if let Some(ip) = peer {
            let open = self.per_ip.get(&ip).copied().unwrap_or(0);
            let max = self.config.max_conns_per_ip;
            if max > 0 && open >= max {
                self.logs.line(now, LogSite::TooManyConnections, |suppressed| {
                    tracing::warn!(conn = conn.0, %ip, open, suppressed, "too many connections from one address");
                });
                self.out.close(
                    conn,
                    codes::CLOSE_TRY_AGAIN_LATER,
                    format!("too many connections from this address (limit {max})"),
                );
                return;
            }
            *self.per_ip.entry(ip).or_insert(0) += 1;
        }
        let query = ConnectQuery::parse(query);
        tracing::debug!(conn = conn.0, ?query, ?peer, "connected");
        self.conns.insert(
            conn,
            Conn {
                query,
                peer,
                session: None,
                ever_logged_in: false,
                trusted: false,
            },
        );
        self.deadlines.set(conn, now + self.config.login_timeout);
    }

    /// One WebSocket message arrived on `conn`.
    pub fn handle_frame(&mut self, now: Instant, unix_ms: u64, conn: ConnId, bytes: &[u8]) {
        self.on_frame(now, unix_ms, conn, bytes);
        self.settle_av_leaves(unix_ms);
        self.settle_statuses(unix_ms);
    }

    fn on_frame(&mut self, now: Instant, unix_ms: u64, conn: ConnId, bytes: &[u8]) {
        let Some(c) = self.conns.get(&conn) else {
            tracing::trace!(conn = conn.0, "frame for an unknown connection ignored");
            return;
        };
        let gzip = c.query.gzip;
        if !c.trusted && bytes.len() > self.config.max_frame_bytes_before_login {
            tracing::debug!(
                conn = conn.0,
                len = bytes.len(),
                "frame over the limit before login"
            );
            let max = self.config.max_frame_bytes_before_login;
            self.out.close(
                conn,
                codes::CLOSE_TOO_BIG,
                format!("message over {max} bytes before login"),
            );
            return self.forget(conn);
        }
        let trusted = c.trusted;
        let frame = match decode_with(bytes, &self.config.limits) {
            Ok(frame) => frame,
            Err(err) => return self.bad_frame(conn, gzip, bytes, &err),
        };
        if !trusted
            && !self.trust_if_identified(conn, &frame.head, unix_ms)
            && self.frame_buckets.take(&conn, now).is_err()
        {
            self.logs
                .line(now, LogSite::FrameRateBeforeLogin, |suppressed| {
                    tracing::info!(
                        conn = conn.0,
                        suppressed,
                        "too many frames before login: closing"
                    );
                });
            self.out.close(
                conn,
                codes::CLOSE_TOO_MANY_FRAMES,
                "too many frames before login",
            );
            return self.forget(conn);
        }
        self.touch(now, conn);
        if let Err(err) = frame.verify_checksum() {
            self.out
                .fail(conn, gzip, &frame.head, err.code(), err.to_string());
            return;
        }
        tracing::trace!(conn = conn.0, servcmd = %short(&frame.head.servcmd), seq = frame.head.seq, "frame");
        self.dispatch(now, unix_ms, conn, gzip, &frame);
    }

    /// `conn` closed (by the peer, or after an [`Output::Close`]).
    pub fn handle_disconnect(&mut self, _now: Instant, unix_ms: u64, conn: ConnId) {
        if self.conns.contains_key(&conn) {
            tracing::debug!(conn = conn.0, "disconnected");
            self.forget(conn);
        }
        self.settle_av_leaves(unix_ms);
        self.settle_statuses(unix_ms);
    }

    /// Time passed; call at (or after) [`poll_timeout`](Self::poll_timeout).
    pub fn handle_timeout(&mut self, now: Instant, unix_ms: u64) {
        while let Some(conn) = self.deadlines.pop_expired(now) {
            let Some(c) = self.conns.get(&conn) else {
                continue;
            };
            let (code, reason) = if c.ever_logged_in {
                (codes::CLOSE_IDLE_TIMEOUT, "idle timeout")
            } else {
                (codes::CLOSE_LOGIN_TIMEOUT, "no login before the deadline")
            };
            tracing::debug!(conn = conn.0, code, reason, "closing");
            self.out.close(conn, code, reason);
            self.forget(conn);
        }
        if self.next_sweep.is_some_and(|at| at <= now) {
            self.sweep(now, unix_ms);
        }
        self.settle_av_leaves(unix_ms);
        self.settle_statuses(unix_ms);
    }

    /// Drop expired sessions (memory and store) and idle rate buckets.
    fn sweep(&mut self, now: Instant, unix_ms: u64) {
        let expired = self.a2s.expired(unix_ms);
        for hash in &expired {
            if let Some(rec) = self.a2s.remove(hash) {
                self.note_status_touched(rec.app, &rec.user);
            }
        }
        if !expired.is_empty() {
            tracing::debug!(count = expired.len(), "expired sessions swept");
        }
        if let Err(err) = self.store.delete_expired_sessions(unix_ms) {
            tracing::warn!(%err, "cannot delete expired sessions from the store");
        }
        self.ip_buckets.purge(now);
        self.user_buckets.purge(now);
        self.msg_buckets.purge(now);
        self.next_sweep = None;
        self.schedule_sweep(now);
    }

    fn schedule_sweep(&mut self, now: Instant) {
        let busy = self.a2s.len() > 0
            || self.ip_buckets.len() > 0
            || self.user_buckets.len() > 0
            || self.msg_buckets.len() > 0;
        if self.next_sweep.is_none() && busy {
            self.next_sweep = Some(now + self.config.sweep_interval);
        }
    }

    /// The next thing to do, if any. Drain after every `handle_*` call.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop()
    }

    /// When [`handle_timeout`](Self::handle_timeout) should next be called.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match (self.deadlines.next(), self.next_sweep) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Flush the store (for a graceful shutdown).
    pub fn flush(&mut self) -> Result<(), StoreError> {
        self.store.flush()
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The store, mutably (for example to inspect it in a test).
    pub fn store_mut(&mut self) -> &mut S {
        &mut self.store
    }

    /// Take the store back, dropping all in-memory state.
    pub fn into_store(self) -> S {
        self.store
    }

    /// Number of open connections.
    pub fn connection_count(&self) -> usize {
        self.conns.len()
    }

    /// Number of logged-in connections of `user` in `app`.
    pub fn online_count(&self, app: u64, user: &str) -> usize {
        self.online
            .get(&(app, user.to_owned()))
            .map_or(0, BTreeSet::len)
    }

    /// Whether `conn` is open and trusted: a login succeeded on it, or a
    /// request on it carried a valid session. Until then the limits before
    /// login apply to it
    /// ([`max_frame_bytes_before_login`](EngineConfig::max_frame_bytes_before_login),
    /// [`frame_rate_before_login`](EngineConfig::frame_rate_before_login));
    /// a driver uses this to lift its own budgets for the connection.
    pub fn is_trusted(&self, conn: ConnId) -> bool {
        self.conns.get(&conn).is_some_and(|c| c.trusted)
    }

    /// How many connections the engine's connection table has room for
    /// now. It grows with a burst of connections and, once most of them
    /// have closed, shrinks back toward the number open, so a flood's
    /// sockets do not keep their memory after they are gone.
    pub fn connection_room(&self) -> usize {
        self.conns.capacity()
    }

    /// Whether `conn` is open and logged in (as anyone).
    pub fn is_logged_in(&self, conn: ConnId) -> bool {
        self.conns.get(&conn).is_some_and(|c| c.session.is_some())
    }

    /// Number of sessions the engine knows (valid, expired but not swept
    /// yet, and kicked ones kept to answer late re-logins).
    pub fn session_count(&self) -> usize {
        self.a2s.len()
    }

    fn dispatch(&mut self, now: Instant, unix_ms: u64, conn: ConnId, gzip: bool, frame: &Frame) {
        let head = &frame.head;
        let cmd = head.servcmd.as_str();
        if cmd != servcmd::LOGIN && cmd != servcmd::LOGOUT && cmd != servcmd::PUSH_ACK {
            // The UserSig of this socket's session ran out: the first
            // request after that is answered 70001 (the only way the
            // official SDK accepts userSigExpired) and the session ends.
            let expired = self
                .conns
                .get(&conn)
                .and_then(|c| c.session.as_ref())
                .is_some_and(|s| unix_ms >= s.expires_ms);
            if expired {
                if let Some(session) = self.unbind(conn) {
                    tracing::info!(conn = conn.0, app = session.app, user = %short(&session.user), "session expired");
                    self.end_session(&session.a2_hash);
                }
                return self.refuse(conn, gzip, head, &Refusal::SessionExpired);
            }
        }
        match cmd {
            servcmd::LOGIN => self.on_login(now, unix_ms, conn, gzip, frame),
            servcmd::LOGOUT => self.on_logout(unix_ms, conn, gzip, frame),
            servcmd::HELLO => self.on_hello(unix_ms, conn, gzip, frame),
            servcmd::ALIVE => self.out.reply(conn, gzip, head, &BaseReply::ok()),
            servcmd::SEND_C2C => self.on_sendmsg(now, unix_ms, conn, gzip, frame),
            servcmd::GET_MSG => self.on_getmsg(unix_ms, conn, gzip, frame),
            servcmd::PUSH_ACK => self.on_push_ack(unix_ms, conn, frame),
            servcmd::MSG_WITHDRAW => self.on_revoke(unix_ms, conn, gzip, frame),
            servcmd::MODIFY_C2C => self.on_modify(unix_ms, conn, gzip, frame),
            servcmd::DELETE_C2C => self.on_delete_messages(unix_ms, conn, gzip, frame),
            servcmd::MSG_READED => self.on_msg_readed(unix_ms, conn, gzip, frame),
            servcmd::C2C_READ_RECEIPT => self.on_read_receipt(unix_ms, conn, gzip, frame),
            servcmd::GET_ROAM => self.on_roam(unix_ms, conn, gzip, frame),
            servcmd::GET_PEER_READ_TIME => self.on_peer_read_time(unix_ms, conn, gzip, frame),
            servcmd::EXT_SET => self.on_ext_set(unix_ms, conn, gzip, frame),
            servcmd::EXT_GET => self.on_ext_get(unix_ms, conn, gzip, frame),
            servcmd::CONV_PAGE_GET => self.on_page_get(unix_ms, conn, gzip, frame),
            servcmd::CONV_TOP => self.on_top(unix_ms, conn, gzip, frame),
            servcmd::CONV_DELETE => self.on_batch_delete(unix_ms, conn, gzip, frame),
            servcmd::CONV_GROUP_CREATE => self.on_group_create(unix_ms, conn, gzip, frame),
            servcmd::CONV_GROUP_UPDATE => self.on_group_update(unix_ms, conn, gzip, frame),
            servcmd::CONV_GROUP_DELETE => self.on_group_delete(unix_ms, conn, gzip, frame),
            servcmd::CONV_GROUP_GET => self.on_group_get(unix_ms, conn, gzip, frame),
            servcmd::BLACKLIST_GET => self.on_blacklist_get(unix_ms, conn, gzip, frame),
            servcmd::BLACKLIST_ADD => self.on_blacklist_change(unix_ms, conn, gzip, frame, true),
            servcmd::BLACKLIST_DELETE => {
                self.on_blacklist_change(unix_ms, conn, gzip, frame, false)
            }
            servcmd::FOLLOW_ADD => self.on_follow_change(unix_ms, conn, gzip, frame, true),
            servcmd::FOLLOW_DELETE => self.on_follow_change(unix_ms, conn, gzip, frame, false),
            servcmd::FOLLOW_GET => self.on_follow_get(unix_ms, conn, gzip, frame),
            servcmd::FOLLOW_GET_INFO => self.on_follow_info(unix_ms, conn, gzip, frame),
            servcmd::FOLLOW_CHECK => self.on_follow_check(unix_ms, conn, gzip, frame),
            servcmd::STATUS_SET => self.on_status_set(unix_ms, conn, gzip, frame),
            servcmd::STATUS_GET => self.on_status_get(unix_ms, conn, gzip, frame),
            servcmd::STATUS_SUBSCRIBE => {
                self.on_status_subscription(unix_ms, conn, gzip, frame, true)
            }
            servcmd::STATUS_UNSUBSCRIBE => {
                self.on_status_subscription(unix_ms, conn, gzip, frame, false)
            }
            servcmd::COS_SIMPLE_SIG => self.on_simple_sig(unix_ms, conn, gzip, frame),
            servcmd::COS_PRE_SIG => self.on_pre_sig(unix_ms, conn, gzip, frame),
            servcmd::COS_IMAGE_INFO => self.on_image_info(unix_ms, conn, gzip, frame),
            servcmd::RELAY_SAVE => self.on_relay_save(now, unix_ms, conn, gzip, frame),
            servcmd::RELAY_GET => self.on_relay_get(unix_ms, conn, gzip, frame),
            other if groups::handles(other) => self.on_group(now, unix_ms, conn, gzip, frame),
            other if relations::handles(other) => self.on_relation(now, unix_ms, conn, gzip, frame),
            other if friend_groups::handles(other) => {
                self.on_friend_group(unix_ms, conn, gzip, frame)
            }
            other => match stubs::clean_reply(other, frame, self.config.files.simple_cos) {
                Some(body) => self.out.reply(conn, gzip, head, &body),
                None => {
                    self.logs.line(now, LogSite::UnsupportedServcmd, |suppressed| {
                        tracing::warn!(conn = conn.0, servcmd = %short(other), suppressed, "servcmd not supported");
                    });
                    self.out.fail(
                        conn,
                        gzip,
                        head,
                        codes::UNSUPPORTED_SERVCMD,
                        format!("servcmd {other} is not supported by tcchat-server"),
                    );
                }
            },
        }
    }

    /// A message that did not decode: answer it if its servcmd and seq can
    /// still be read, otherwise close the connection.
    fn bad_frame(&mut self, conn: ConnId, gzip: bool, bytes: &[u8], err: &FrameError) {
        let close_code = match err {
            FrameError::TooLarge { .. } | FrameError::DecompressedTooLarge { .. } => {
                codes::CLOSE_TOO_BIG
            }
            _ => match salvage_head(bytes) {
                Some(head) => {
                    self.out
                        .fail(conn, gzip, &head, err.code(), err.to_string());
                    return;
                }
                None => codes::CLOSE_INVALID_FRAME,
            },
        };
        tracing::debug!(conn = conn.0, %err, close_code, "undecodable frame");
        let mut reason = format!("{} ({})", err, err.code());
        truncate_reason(&mut reason);
        self.out.close(conn, close_code, reason);
        self.forget(conn);
    }

    /// Activity on `conn`: push back its idle deadline (the login deadline
    /// stays until the first login).
    fn touch(&mut self, now: Instant, conn: ConnId) {
        if self.conns.get(&conn).is_some_and(|c| c.ever_logged_in) {
            self.deadlines.set(conn, now + self.config.idle_timeout);
        }
    }

    /// Run `line` (one log line) unless lines of `site` are over their rate;
    /// see [`logs`].
    pub(crate) fn log_limited(&mut self, now: Instant, site: LogSite, line: impl FnOnce(u64)) {
        self.logs.line(now, site, line);
    }

    /// Trust `conn` if `head` carries a valid session (a reconnecting
    /// client's requests ahead of its re-login); returns whether it did.
    fn trust_if_identified(&mut self, conn: ConnId, head: &Head, unix_ms: u64) -> bool {
        if head.a2.is_none() || self.ident(conn, head, unix_ms).is_none() {
            return false;
        }
        if let Some(c) = self.conns.get_mut(&conn) {
            c.trusted = true;
        }
        true
    }

    /// Who `head` on `conn` speaks for, if anyone.
    fn ident(&self, conn: ConnId, head: &Head, unix_ms: u64) -> Option<Ident> {
        let c = self.conns.get(&conn)?;
        if let Some(s) = &c.session {
            if unix_ms >= s.expires_ms {
                return None;
            }
            return Some(Ident {
                app: s.app,
                user: s.user.clone(),
                tiny_id: s.tiny_id.clone(),
                origin: s.a2_hash.clone(),
                conn,
            });
        }
        let (Some(a2), Some(tiny_id)) = (&head.a2, &head.tinyid) else {
            return None;
        };
        let a2_hash = hash_a2(a2);
        let rec = self.a2s.live(&a2_hash, unix_ms)?;
        (rec.tiny_id.to_string() == *tiny_id && rec.app == head.sdkappid).then(|| Ident {
            app: rec.app,
            user: rec.user.clone(),
            tiny_id: rec.tiny_id.to_string(),
            origin: a2_hash,
            conn,
        })
    }

    /// Refuse a request that needs a session and has none: 1002 with the
    /// `KickType` when its head's A2 belongs to a kicked session, else 20002.
    fn refuse_unidentified(&mut self, conn: ConnId, gzip: bool, head: &Head) {
        let kicked = head
            .a2
            .as_deref()
            .and_then(|a2| self.a2s.get(&hash_a2(a2)))
            .and_then(|r| KickType::from_number(r.kicked));
        let refusal = match kicked {
            Some(k) => Refusal::Kicked(k),
            None => Refusal::NotLoggedIn,
        };
        self.refuse(conn, gzip, head, &refusal);
    }

    /// Answer the request with `head` with a refusal; a rate-limited login
    /// also gets the retry hint.
    fn refuse(&mut self, conn: ConnId, gzip: bool, head: &Head, refusal: &Refusal) {
        match refusal.kick_type() {
            Some(kick) => {
                tracing::debug!(conn = conn.0, servcmd = %short(&head.servcmd), kick = kick.number(), "kicked session refused");
                let body = kick::KickedReply::new(kick, refusal.to_string());
                self.out.reply(conn, gzip, head, &body);
            }
            None => match refusal.retry_after_ms() {
                Some(retry_after_ms) => {
                    let body = RetryReply {
                        base: BaseReply::fail(refusal.code(), refusal.to_string()),
                        retry_after_ms,
                    };
                    self.out.reply(conn, gzip, head, &body);
                }
                None => self
                    .out
                    .fail(conn, gzip, head, refusal.code(), refusal.to_string()),
            },
        }
    }

    fn bind(&mut self, conn: ConnId, session: Session) {
        self.unbind(conn);
        // A session lives on one socket at a time: a re-login on a new
        // socket takes it from the old one (which the client abandoned).
        if let Some(old) = self.bound.get(&session.a2_hash).copied() {
            tracing::debug!(conn = old.0, "session moved to a newer socket");
            self.unbind(old);
        }
        let Some(c) = self.conns.get_mut(&conn) else {
            return;
        };
        self.online
            .entry((session.app, session.user.clone()))
            .or_default()
            .insert(conn);
        self.status_touched
            .push((session.app, session.user.clone()));
        self.bound.insert(session.a2_hash.clone(), conn);
        c.session = Some(session);
        c.ever_logged_in = true;
        c.trusted = true;
    }

    fn unbind(&mut self, conn: ConnId) -> Option<Session> {
        let session = self.conns.get_mut(&conn)?.session.take()?;
        let key = (session.app, session.user.clone());
        self.note_status_touched(session.app, &session.user);
        if let Some(set) = self.online.get_mut(&key) {
            set.remove(&conn);
            if set.is_empty() {
                self.online.remove(&key);
                shrink::after_removal(&mut self.online);
                self.note_went_offline(key.0, &key.1);
            }
        }
        if self.bound.get(&session.a2_hash) == Some(&conn) {
            self.bound.remove(&session.a2_hash);
            shrink::after_removal(&mut self.bound);
        }
        Some(session)
    }

    /// Forget a session for good (logout, expiry, replaced by its own
    /// instance): memory and store. Does not touch its socket.
    fn end_session(&mut self, a2_hash: &str) {
        if let Some(rec) = self.a2s.remove(a2_hash) {
            self.note_status_touched(rec.app, &rec.user);
            self.replays.forget_session(rec.app, &rec.user, a2_hash);
        }
        if let Err(err) = self.store.delete_session(a2_hash) {
            tracing::warn!(%err, "cannot delete a session from the store");
        }
    }

    fn forget(&mut self, conn: ConnId) {
        self.unbind(conn);
        self.frame_buckets.remove(&conn);
        self.forget_sync(conn);
        if let Some(c) = self.conns.remove(&conn) {
            if let Some(ip) = c.peer {
                if let Some(n) = self.per_ip.get_mut(&ip) {
                    *n = n.saturating_sub(1);
                    if *n == 0 {
                        self.per_ip.remove(&ip);
                        shrink::after_removal(&mut self.per_ip);
                    }
                }
            }
        }
        shrink::after_removal(&mut self.conns);
        self.deadlines.clear(conn);
    }

    fn internal_error(&mut self, conn: ConnId, gzip: bool, head: &Head, err: &StoreError) {
        tracing::error!(%err, servcmd = %short(&head.servcmd), "store failure");
        self.out.fail(
            conn,
            gzip,
            head,
            codes::INTERNAL_ERROR,
            "internal error: the server could not access its database",
        );
    }
}

fn load_epoch<S: Store>(store: &mut S) -> Result<Option<u64>, StoreError> {
    let value = store.meta(EPOCH_KEY)?;
    Ok(value.and_then(|v| u64::from_str_radix(&v, 16).ok()))
}

/// The servcmd and seq of a message that is JSON but not a valid frame.
fn salvage_head(bytes: &[u8]) -> Option<Head> {
    #[derive(Deserialize)]
    struct Outer {
        head: Inner,
    }
    #[derive(Deserialize)]
    struct Inner {
        servcmd: String,
        #[serde(default)]
        seq: u64,
    }
    if bytes.starts_with(b"COMP") {
        return None;
    }
    let outer: Outer = serde_json::from_slice(bytes).ok()?;
    if outer.head.servcmd.is_empty() || outer.head.servcmd.len() > 256 {
        return None;
    }
    Some(Head::push(&outer.head.servcmd, outer.head.seq))
}

/// WebSocket close reasons are limited to 123 bytes.
fn truncate_reason(reason: &mut String) {
    const MAX: usize = 123;
    if reason.len() > MAX {
        let mut end = MAX;
        while !reason.is_char_boundary(end) {
            end -= 1;
        }
        reason.truncate(end);
    }
}

/// A refused login with a retry hint: the usual error reply plus
/// `RetryAfterMs`, the milliseconds the client should wait before trying
/// again (ours, PROTOCOL.md "Retry hint").
#[derive(serde::Serialize)]
struct RetryReply {
    #[serde(flatten)]
    base: BaseReply,
    #[serde(rename = "RetryAfterMs")]
    retry_after_ms: u64,
}
