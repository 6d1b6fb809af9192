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
    /// `wslogin` with a valid UserSig per user (A2 re-logins do not count,
    /// nor do refused attempts, so nobody can lock a user out by failing
    /// in their name).
    pub login_rate_per_user: RateLimit,
    /// Messages per `openim.getmsg` reply.
    pub getmsg_page_size: usize,
    /// Uplink frame limits.
    pub limits: Limits,
    /// Downlink frames larger than this many bytes are sent as `COMP`+gzip
    /// to connections that asked for `compress=gzip`.
    pub compress_threshold: usize,
    /// How often expired sessions are swept from memory and the store.
    pub sweep_interval: Duration,
    /// How long after sending a message its sender may still revoke it
    /// (older: 20016). `None` (the default): no limit. Tencent's default is
    /// two minutes.
    pub revoke_time_limit: Option<Duration>,
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
    /// Default login attempts per IP address: bursts of 100, then 600 a
    /// minute (10 a second).
    pub const DEFAULT_LOGIN_RATE_PER_IP: RateLimit = RateLimit {
        burst: 100,
        per_minute: 600,
    };
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
            login_rate_per_user: Self::DEFAULT_LOGIN_RATE_PER_USER,
            getmsg_page_size: Self::DEFAULT_GETMSG_PAGE_SIZE,
            limits: Limits::default(),
            compress_threshold: 1024,
            sweep_interval: Duration::from_secs(300),
            revoke_time_limit: None,
        }
    }
}
