use std::time::Duration;

use tcchat_core::wire::Limits;

use super::limits::RateLimit;
use super::policy::InstancePolicy;
use crate::config::AppConfig;

/// Configuration of the [`Engine`](super::Engine).
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Applications and their secret keys.
    pub apps: Vec<AppConfig>,
    /// Administrator identities of every application (for the REST API),
    /// unless [`app_admins`](Self::app_admins) lists the application.
    pub admins: Vec<String>,
    /// Administrator identities of particular applications, replacing
    /// [`admins`](Self::admins) for them.
    pub app_admins: Vec<(u64, Vec<String>)>,
    /// `HelloInterval` of the login reply, seconds.
    pub hello_interval_secs: u64,
    /// Close a connection not logged in this long after it opened.
    pub login_timeout: Duration,
    /// Close a connection that was logged in once and then sends nothing
    /// for this long.
    pub idle_timeout: Duration,
    /// Cap on an A2 key's life, seconds (it also ends with its UserSig).
    pub a2_max_ttl_secs: u64,
    /// How many sessions a user may have, per platform class and in all.
    pub instances: InstancePolicy,
    /// Open connections allowed per IP address (0: no limit). More are
    /// closed at once with 1013.
    pub max_conns_per_ip: usize,
    /// `wslogin` attempts per IP address (every attempt counts), and REST
    /// calls per IP address.
    pub login_rate_per_ip: RateLimit,
    /// Every `wslogin` the server takes, all clients together (first logins
    /// and re-logins). Over it a login is refused with 70050 and a
    /// `RetryAfterMs` hint (ours, PROTOCOL.md "Retry hint") naming the
    /// next free slot at this rate, so a herd of reconnecting clients is
    /// spread evenly instead of coming back at once.
    pub login_rate_total: RateLimit,
    /// `wslogin` with a valid UserSig per user (A2 re-logins do not count,
    /// nor do refused attempts, so nobody can lock a user out by failing
    /// in their name).
    pub login_rate_per_user: RateLimit,
    /// `openim.sendmsg` per user (every instance together). Over it:
    /// [`codes::SEND_RATE_LIMITED`](crate::codes::SEND_RATE_LIMITED).
    /// No limit by default (tests and benchmarks send thousands a second);
    /// `tcchat-server serve` applies
    /// [`DEFAULT_MESSAGE_RATE_PER_USER`](Self::DEFAULT_MESSAGE_RATE_PER_USER)
    /// unless its config file says otherwise.
    pub message_rate_per_user: RateLimit,
    /// Frames a connection may send before it is trusted (logged in, or
    /// carrying a valid session in a request head). Over it the connection
    /// is closed with
    /// [`CLOSE_TOO_MANY_FRAMES`](crate::codes::CLOSE_TOO_MANY_FRAMES).
    pub frame_rate_before_login: RateLimit,
    /// Largest WebSocket message accepted before the connection is
    /// trusted (see [`frame_rate_before_login`](Self::frame_rate_before_login));
    /// larger ones close it with 1009. After that,
    /// [`limits`](Self::limits) applies.
    pub max_frame_bytes_before_login: usize,
    /// Whether a message to a user who has no account creates the account
    /// (the development default). When false, accounts come from a login
    /// or the REST account import, and a message to anyone else is refused
    /// with 20003, as Tencent refuses a message to an account that was
    /// never imported.
    pub auto_create_accounts: bool,
    /// Messages per `openim.getmsg` reply.
    pub getmsg_page_size: usize,
    /// Uplink frame limits.
    pub limits: Limits,
    /// Downlink frames larger than this many bytes are sent as `COMP`+gzip
    /// to connections that asked for `compress=gzip`.
    pub compress_threshold: usize,
    /// How often expired sessions are swept from memory and the store.
    pub sweep_interval: Duration,
    /// Group chat limits: members per group type, groups per user.
    pub groups: super::groups::GroupConfig,
    /// How long after sending a message its sender may still revoke it
    /// (older: 20016). `None` (the default): no limit. Tencent's default is
    /// two minutes.
    pub revoke_time_limit: Option<Duration>,
    /// Files: the URL signatures hand out and the bytes kept (see
    /// [`FileConfig`](super::FileConfig)).
    pub files: super::FileConfig,
}

impl EngineConfig {
    /// Default `HelloInterval`: 120 s, as the official service sends.
    pub const DEFAULT_HELLO_INTERVAL_SECS: u64 = 120;
    /// Default login deadline: 30 s.
    pub const DEFAULT_LOGIN_TIMEOUT: Duration = Duration::from_secs(30);
    /// Default idle window: 60 s (the official SDK pings every 10 s).
    pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
    /// Default cap on an A2 key's life: 7 days.
    pub const DEFAULT_A2_MAX_TTL_SECS: u64 = 7 * 24 * 3600;
    /// Default getmsg page: 1,000 messages (and at most
    /// [`GETMSG_PAGE_BYTES`](super::GETMSG_PAGE_BYTES) of them).
    pub const DEFAULT_GETMSG_PAGE_SIZE: usize = 1000;
    /// Default administrator identity: `administrator`, the name the
    /// Tencent console gives the admin account it creates.
    pub const DEFAULT_ADMIN: &'static str = "administrator";
    /// Default connections per IP address: 1,024.
    pub const DEFAULT_MAX_CONNS_PER_IP: usize = 1024;
    /// Default server-wide login rate: bursts of 1,000, then 60,000 a
    /// minute (1,000 a second), about what one engine thread verifies and
    /// stores with room to serve the sessions it admits.
    pub const DEFAULT_LOGIN_RATE_TOTAL: RateLimit = RateLimit {
        burst: 1_000,
        per_minute: 60_000,
    };
    /// Default login attempts per IP address: bursts of 100, then 600 a
    /// minute (10 a second).
    pub const DEFAULT_LOGIN_RATE_PER_IP: RateLimit = RateLimit {
        burst: 100,
        per_minute: 600,
    };
    /// The message rate per user of `tcchat-server serve`: bursts of 100,
    /// then 1,200 a minute (20 a second).
    pub const DEFAULT_MESSAGE_RATE_PER_USER: RateLimit = RateLimit {
        burst: 100,
        per_minute: 1200,
    };
    /// Default frames before login: bursts of 20, then 60 a minute (the
    /// official SDK sends two: `wslogin` and a ping).
    pub const DEFAULT_FRAME_RATE_BEFORE_LOGIN: RateLimit = RateLimit {
        burst: 20,
        per_minute: 60,
    };
    /// Default largest message before login: 64 KiB (a `wslogin` is under
    /// 1 KiB; a queued request a reconnecting client sends ahead of its
    /// re-login carries at most a 12 KiB message).
    pub const DEFAULT_MAX_FRAME_BYTES_BEFORE_LOGIN: usize = 64 * 1024;
    /// Default UserSig logins per user: bursts of 10, then 20 a minute.
    pub const DEFAULT_LOGIN_RATE_PER_USER: RateLimit = RateLimit {
        burst: 10,
        per_minute: 20,
    };

    pub(crate) fn secret_of(&self, sdk_app_id: u64) -> Option<&str> {
        self.apps
            .iter()
            .find(|a| a.sdk_app_id == sdk_app_id)
            .map(|a| a.secret_key.as_str())
    }

    /// Whether `identifier` is an administrator of `sdk_app_id`.
    pub fn is_admin(&self, sdk_app_id: u64, identifier: &str) -> bool {
        let list = self
            .app_admins
            .iter()
            .find(|(app, _)| *app == sdk_app_id)
            .map_or(&self.admins, |(_, list)| list);
        list.iter().any(|a| a == identifier)
    }
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            apps: Vec::new(),
            admins: vec![Self::DEFAULT_ADMIN.to_owned()],
            app_admins: Vec::new(),
            hello_interval_secs: Self::DEFAULT_HELLO_INTERVAL_SECS,
            login_timeout: Self::DEFAULT_LOGIN_TIMEOUT,
            idle_timeout: Self::DEFAULT_IDLE_TIMEOUT,
            a2_max_ttl_secs: Self::DEFAULT_A2_MAX_TTL_SECS,
            instances: InstancePolicy::DEFAULT,
            max_conns_per_ip: Self::DEFAULT_MAX_CONNS_PER_IP,
            login_rate_per_ip: Self::DEFAULT_LOGIN_RATE_PER_IP,
            login_rate_total: Self::DEFAULT_LOGIN_RATE_TOTAL,
            login_rate_per_user: Self::DEFAULT_LOGIN_RATE_PER_USER,
            message_rate_per_user: RateLimit::UNLIMITED,
            frame_rate_before_login: Self::DEFAULT_FRAME_RATE_BEFORE_LOGIN,
            max_frame_bytes_before_login: Self::DEFAULT_MAX_FRAME_BYTES_BEFORE_LOGIN,
            auto_create_accounts: true,
            getmsg_page_size: Self::DEFAULT_GETMSG_PAGE_SIZE,
            limits: Limits::default(),
            compress_threshold: 1024,
            sweep_interval: Duration::from_secs(300),
            revoke_time_limit: None,
            files: super::FileConfig::default(),
            groups: super::groups::GroupConfig::default(),
        }
    }
}
