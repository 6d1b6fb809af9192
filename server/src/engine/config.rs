use std::time::Duration;

use tcchat_core::wire::Limits;

use crate::config::AppConfig;

/// Configuration of the [`Engine`](super::Engine).
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Applications and their secret keys.
    pub apps: Vec<AppConfig>,
    /// `HelloInterval` of the login reply, seconds.
    pub hello_interval_secs: u64,
    /// Close a connection not logged in this long after it opened.
    pub login_timeout: Duration,
    /// Close a connection that was logged in once and then sends nothing
    /// for this long.
    pub idle_timeout: Duration,
    /// Cap on an A2 key's life, seconds (it also ends with its UserSig).
    pub a2_max_ttl_secs: u64,
    /// A2 keys kept per user; the oldest is dropped past this.
    pub max_a2_per_user: usize,
    /// Messages per `openim.getmsg` reply.
    pub getmsg_page_size: usize,
    /// Uplink frame limits.
    pub limits: Limits,
    /// Downlink frames larger than this many bytes are sent as `COMP`+gzip
    /// to connections that asked for `compress=gzip`.
    pub compress_threshold: usize,
    /// How often expired A2 keys are swept from memory.
    pub sweep_interval: Duration,
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
    /// Default getmsg page: 100 messages.
    pub const DEFAULT_GETMSG_PAGE_SIZE: usize = 100;

    pub(crate) fn secret_of(&self, sdk_app_id: u64) -> Option<&str> {
        self.apps
            .iter()
            .find(|a| a.sdk_app_id == sdk_app_id)
            .map(|a| a.secret_key.as_str())
    }
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            apps: Vec::new(),
            hello_interval_secs: Self::DEFAULT_HELLO_INTERVAL_SECS,
            login_timeout: Self::DEFAULT_LOGIN_TIMEOUT,
            idle_timeout: Self::DEFAULT_IDLE_TIMEOUT,
            a2_max_ttl_secs: Self::DEFAULT_A2_MAX_TTL_SECS,
            max_a2_per_user: 32,
            getmsg_page_size: Self::DEFAULT_GETMSG_PAGE_SIZE,
            limits: Limits::default(),
            compress_threshold: 1024,
            sweep_interval: Duration::from_secs(300),
        }
    }
}
