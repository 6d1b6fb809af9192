//! The client state machine.
//!
//! [`Client`] takes inputs (`handle_*` and user commands) and produces
//! outputs (`poll_*`), never touching a socket, a clock or the OS RNG. After
//! every input the driver drains [`Client::poll_transmit`],
//! [`Client::poll_event`] and [`Client::poll_completion`], then sleeps until
//! [`Client::poll_timeout`] or the next input.
//!
//! A command returns a [`RequestId<T>`]; its [`Completion`] carries the `T`,
//! which [`Completion::take`] gives back typed. Each request is one type in
//! its feature's module (what it sends, how its reply completes it, how it
//! fails); `README.md` in this directory is the recipe for adding one.

mod application_api;
mod backoff;
mod cache;
mod clock;
mod compose;
mod context;
mod conv_api;
mod conv_group_api;
mod conv_group_sync;
mod conv_groups;
mod conv_list;
mod conversations;
mod created;
mod ext_state;
mod extensions;
mod features;
mod follow;
mod friend_api;
mod friend_groups;
mod groups;
mod history;
mod inbound;
mod lifecycle;
mod link;
mod logout;
mod merger;
mod msgops;
mod outbound;
mod outputs;
mod pending;
mod presence;
mod profile_api;
mod reads;
mod receipts;
mod relations;
mod request;
mod send;
mod session;
mod sync;
mod timer;
mod uploads;
pub use uploads::{
    CreateMediaMessageOptions, MediaData, MediaSource, UploadAction, UploadBody, UploadId,
    UploadRequest, MAX_AUDIO_BYTES, MAX_FILE_BYTES, MAX_IMAGE_BYTES, MAX_VIDEO_BYTES,
    MEDIA_HEAD_BYTES,
};

use std::time::Instant;

use bytes::Bytes;
use rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::error::{ChatError, ErrorCode};
use crate::event::Event;
use crate::model::Message;
use crate::options::Options;
use crate::types::NetState;

use backoff::Backoff;
use cache::MessageCache;
use clock::WallClock;
use context::Context;
pub use friend_api::AddFriendOptions;
pub use groups::{
    CreateGroupOptions, CreateTopicOptions, GroupMessageReadMembers, JoinGroupResult,
    UpdateGroupProfileOptions, UpdateTopicOptions,
};
use lifecycle::Lifecycle;
use outputs::Outputs;
pub use pending::PendingSend;
pub use profile_api::UpdateProfileOptions;
use request::Requests;
pub use request::{AnyRequestId, Completion, Output, RequestId};
use session::{LoggedOutReason, Session};
use timer::TimerTable;

/// Identifies one WebSocket connection the client asked the driver to open.
///
/// Inputs about a connection the client has since abandoned are ignored, so
/// a late frame or close from an old socket can never confuse the new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId(pub u64);

/// Something the driver must do on the network, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transmit {
    /// Open a WebSocket to `url`; report the outcome with
    /// [`Client::handle_connected`] or [`Client::handle_disconnected`].
    Connect {
        /// The new connection's ID.
        conn: ConnId,
        /// The full URL (`…/binfo?sdkappid=…`).
        url: String,
    },
    /// Send one binary WebSocket message.
    Send {
        /// The connection to send on.
        conn: ConnId,
        /// The message bytes.
        frame: Bytes,
    },
    /// Close the connection with a WebSocket close code (4000 on destroy or
    /// a REST kick, 4001 when the client abandons a dead link).
    Close {
        /// The connection to close.
        conn: ConnId,
        /// The close code.
        code: u16,
    },
}

/// What `login` resolves with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginInfo {
    /// True when the same user was already logged in (nothing was sent).
    pub repeat_login: bool,
    /// The user's tiny ID.
    pub tiny_id: String,
    /// The login's instance ID.
    pub instance_id: u64,
}

/// Why the driver reports a connection as gone.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DisconnectReason {
    /// Connecting failed (refused, DNS, TLS, handshake).
    ConnectFailed(String),
    /// The peer closed the WebSocket, with its close code if any.
    Closed(Option<u16>),
    /// A read or write error.
    Error(String),
}

/// Counters for diagnostics and tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Frames that failed to decode and were dropped.
    pub malformed_frames: u64,
    /// Messages dropped as duplicates (push repeated, or push and sync
    /// overlapping).
    pub duplicate_messages: u64,
    /// Connect attempts made.
    pub connect_attempts: u64,
}

/// The sans-IO chat client.
///
/// ```
/// use std::time::Instant;
/// use tcchat_core::{Client, Options, Transmit};
///
/// let now = Instant::now();
/// let mut client = Client::new(
///     Options::new(1_400_000_000).with_proxy_server("ws://127.0.0.1:9000"),
///     42,
///     now,
///     1_795_628_000_000,
/// );
/// // Like the official SDK, a new instance connects at once.
/// match client.poll_transmit() {
///     Some(Transmit::Connect { url, .. }) => {
///         assert!(url.starts_with("ws://127.0.0.1:9000/binfo?sdkappid=1400000000&"))
///     }
///     other => panic!("expected a connect, got {other:?}"),
/// }
/// ```
pub struct Client {
    /// The options, the log level and the seeded randomness.
    ctx: Context,
    clock: WallClock,

    net: link::Net,
    timers: TimerTable,

    session: Session,
    lifecycle: Lifecycle,

    requests: Requests,

    messages: MessageCache,
    /// The conversation list, unread counts and conversation groups.
    convs: conversations::Conversations,
    /// The application's purchase bits for this session.
    features: features::Features,
    sync: sync::SyncState,
    /// The groups this user belongs to.
    groups: groups::Groups,
    relations: relations::Relations,
    /// The blacklist and this user's custom status.
    presence: presence::Presence,
    /// Media uploads of sends in progress.
    uploads: uploads::Uploads,

    out: Outputs,
}

impl Client {
    /// Longest user ID, in bytes (as the reference server).
    pub const MAX_USER_ID_BYTES: usize = 256;
    /// Largest message, in bytes of its encoded elements (Tencent's 12 KB
    /// limit, measured as the reference server measures it); larger ones are
    /// refused with 80002 before anything is sent.
    pub const MAX_MESSAGE_BYTES: usize = 12 * 1024;

    /// A new client. `seed` drives every random choice (seq start, message
    /// randoms, backoff jitter, instance ID); `now` and `unix_ms` anchor the
    /// wall clock. Queues the first connect, as the official SDK connects at
    /// `create`.
    pub fn new(opts: Options, seed: u64, now: Instant, unix_ms: u64) -> Client {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let instance_id = format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64());
        let next_seq = rng.next_u64() % 100_000_000;
        let next_msg_seq = u64::from(rng.next_u32() >> 1);
        let tuning = opts.tuning.clone();
        let net = link::Net::new(
            opts.connect_bases(),
            instance_id,
            Backoff::new(tuning.reconnect_base, tuning.reconnect_cap),
        );
        let mut client = Client {
            ctx: Context::new(opts, rng),
            clock: WallClock::new(now, unix_ms),
            net,
            timers: TimerTable::default(),
            session: Session::LoggedOut(LoggedOutReason::Never),
            lifecycle: Lifecycle::Running,
            requests: Requests::new(next_seq),
            messages: MessageCache::new(tuning.max_cached_messages, next_msg_seq),
            convs: conversations::Conversations::default(),
            features: features::Features::default(),
            sync: sync::SyncState::default(),
            groups: groups::Groups::default(),
            relations: relations::Relations::default(),
            presence: presence::Presence::default(),
            uploads: uploads::Uploads::default(),
            out: Outputs::default(),
        };
        client.start_connect(now);
        client
    }

    // ----- outputs -------------------------------------------------------

    /// The next network action.
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.out.next_transmit()
    }

    /// The next event for listeners.
    ///
    /// Conversation events are coalesced: the changes made by the inputs
    /// since the previous poll yield at most one CONVERSATION_LIST_UPDATED
    /// and one TOTAL_UNREAD_MESSAGE_COUNT_UPDATED (and the group events),
    /// queued after the events those inputs produced.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.flush_group_events();
        self.flush_conv_events();
        self.out.next_event()
    }

    /// The next finished command.
    pub fn poll_completion(&mut self) -> Option<Completion> {
        self.out.next_completion()
    }

    /// When [`handle_timeout`](Client::handle_timeout) must next be called.
    pub fn poll_timeout(&self) -> Option<Instant> {
        [self.timers.next(), self.requests.next_deadline()]
            .into_iter()
            .flatten()
            .min()
    }

    // ----- queries -------------------------------------------------------

    /// The SDKAppID this client serves.
    pub fn sdk_app_id(&self) -> u64 {
        self.ctx.sdk_app_id()
    }

    /// The options it was created with.
    pub fn options(&self) -> &Options {
        self.ctx.opts()
    }

    /// `isReady()`: logged in and usable.
    pub fn is_ready(&self) -> bool {
        matches!(self.session, Session::Ready(_))
    }

    /// Whether `destroy` has completed.
    pub fn is_destroyed(&self) -> bool {
        self.lifecycle.is_destroyed()
    }

    /// The logged-in user's ID, if any.
    pub fn login_user(&self) -> Option<&str> {
        self.session.user()
    }

    /// The network state last reported with NET_STATE_CHANGE.
    pub fn net_state(&self) -> NetState {
        self.net.state()
    }

    /// `findMessage(id)`: a message this instance created, sent or received
    /// for the current (or last) user (the newest `max_cached_messages`).
    pub fn find_message(&self, id: &str) -> Option<&Message> {
        let owner = self
            .login_user()
            .or(self.messages.owner())
            .unwrap_or_default();
        self.messages
            .get(owner, id)
            .or_else(|| self.messages.created().get(id))
    }

    /// Requests queued or in flight.
    pub fn pending_requests(&self) -> usize {
        self.requests.len()
    }

    /// Messages held for `find_message` and deduplication.
    pub fn cached_messages(&self) -> usize {
        self.messages.len()
    }

    /// Diagnostic counters.
    pub fn stats(&self) -> &Stats {
        self.net.stats()
    }

    /// The `instanceid` sent in the connect URL.
    pub fn instance_id(&self) -> &str {
        self.net.instance_id()
    }

    // ----- inputs --------------------------------------------------------

    /// Re-anchor the wall clock (for example after the system clock jumped).
    pub fn handle_wall_clock(&mut self, now: Instant, unix_ms: u64) {
        self.clock.set(now, unix_ms);
    }

    /// Timers due at `now` fire.
    pub fn handle_timeout(&mut self, now: Instant) {
        // After destroy there are no timers and no requests left.
        while let Some(timer) = self.timers.pop_expired(now) {
            self.on_timer(now, timer);
        }
        self.requeue_unanswered_changes(now);
        while let Some(expired) = self.requests.take_expired(now) {
            self.on_request_timeout(now, expired);
        }
    }

    /// `setLogLevel(level)`: 0 (debug) … 4 (silent). Filters what this
    /// instance emits through `tracing`.
    pub fn set_log_level(&mut self, level: u8) -> Result<(), ChatError> {
        self.ctx.set_log_level(level)
    }

    /// The current log level.
    pub fn log_level(&self) -> u8 {
        self.ctx.log_level()
    }

    fn next_request_id<T>(&mut self) -> RequestId<T> {
        self.requests.next_id()
    }

    fn check_capacity(&mut self) -> Result<(), ChatError> {
        // The SDK's own requests (sync pages, hello, …) come on top.
        let pending = self.requests.count(|p| !p.purpose.is_internal());
        if pending >= self.ctx.tuning().max_pending_requests {
            return Err(self.api_error(
                ErrorCode::OVER_FREQUENCY_LIMIT,
                format!("{pending} requests are already pending"),
            ));
        }
        Ok(())
    }

    /// An error for a refused API call: also reported as an ERROR event, as
    /// the official SDK does.
    fn api_error(&mut self, code: ErrorCode, message: impl Into<String>) -> ChatError {
        let err = ChatError::new(code, message);
        self.emit(Event::Error {
            code: err.code,
            message: err.message.clone(),
        });
        err
    }

    /// Finish the command `id` with its typed result.
    fn complete<T: Output>(&mut self, id: RequestId<T>, result: Result<T, ChatError>) {
        self.out.complete(Completion::new(id, result));
    }

    fn emit(&mut self, event: Event) {
        // A profile or friend change may change a conversation's
        // `userProfile`: the next conversation flush looks again.
        if matches!(
            event,
            Event::ProfileUpdated(_) | Event::FriendListUpdated(_)
        ) {
            self.relations.profiles_dirty = true;
        }
        self.out.emit(event);
    }

    fn log_enabled(&self, level: u8) -> bool {
        self.ctx.log_enabled(level)
    }
}
