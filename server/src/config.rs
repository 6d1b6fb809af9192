//! Configuration of a server: its applications, addresses, storage and
//! timing knobs.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use tcchat_core::wire::Limits;

use crate::engine::{EngineConfig, FileConfig, GroupConfig, InstancePolicy, RateLimit};
use crate::ServerError;

/// One application (SDKAppID) the server accepts, with the secret key its
/// UserSigs are signed with.
#[derive(Clone, PartialEq, Eq)]
pub struct AppConfig {
    /// The SDKAppID.
    pub sdk_app_id: u64,
    /// The secret key (the console's "key" for TLSSigAPIv2 UserSigs).
    pub secret_key: String,
}

impl std::fmt::Debug for AppConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Keep the secret out of logs.
        f.debug_struct("AppConfig")
            .field("sdk_app_id", &self.sdk_app_id)
            .field("secret_key", &"<redacted>")
            .finish()
    }
}

/// Where the server keeps its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbLocation {
    /// A SQLite database file, created if missing.
    File(PathBuf),
    /// A private in-memory SQLite database, lost on shutdown.
    Memory,
}

impl DbLocation {
    /// `":memory:"` means [`DbLocation::Memory`]; anything else is a path.
    pub fn parse(s: &str) -> DbLocation {
        if s == ":memory:" {
            DbLocation::Memory
        } else {
            DbLocation::File(PathBuf::from(s))
        }
    }
}

/// Everything [`start`](crate::start) needs.
///
/// Build one with [`ServerConfig::ephemeral`] and change the fields you
/// care about.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The applications the server accepts. At least one is required.
    pub apps: Vec<AppConfig>,
    /// Address of the WebSocket listener (clients connect to
    /// `ws://ADDR/binfo?...`). Port 0 picks a free port.
    pub ws_addr: SocketAddr,
    /// Address of the HTTP listener serving the REST admin API
    /// (`POST /v4/im_open_login_svc/kick`); `None` serves no HTTP. Port 0
    /// picks a free port.
    pub http_addr: Option<SocketAddr>,
    /// Administrator identities of every application (REST API callers),
    /// unless [`app_admins`](Self::app_admins) lists the application.
    /// Default: `["administrator"]`.
    pub admins: Vec<String>,
    /// Administrator identities per SDKAppID, replacing
    /// [`admins`](Self::admins) for those applications.
    pub app_admins: BTreeMap<u64, Vec<String>>,
    /// How many sessions a user may have per platform class and in all;
    /// the newest login kicks the oldest. Default: one per class.
    pub instances: InstancePolicy,
    /// Open WebSocket connections per client IP address (0: no limit).
    /// Default 1,024.
    pub max_conns_per_ip: usize,
    /// `wslogin` attempts (and REST calls) per client IP address. Default:
    /// bursts of 100, then 600 a minute.
    pub login_rate_per_ip: RateLimit,
    /// Logins with a valid UserSig per user. Default: bursts of 10, then 20
    /// a minute.
    pub login_rate_per_user: RateLimit,
    /// `wslogin` attempts from everyone together; a refusal carries
    /// `RetryAfterMs`, so a reconnecting herd is spread (PROTOCOL.md).
    /// Default: bursts of 1,000, then 1,000 a second. Raise it for a load
    /// test that logs in more clients at once.
    pub login_rate_total: RateLimit,
    /// `openim.sendmsg` per user, all instances together (over it: 10023).
    /// No limit here by default (tests and benchmarks send thousands a
    /// second); `tcchat-server serve` uses
    /// [`EngineConfig::DEFAULT_MESSAGE_RATE_PER_USER`] (bursts of 100, then
    /// 1,200 a minute) unless its config file says otherwise.
    pub message_rate_per_user: RateLimit,
    /// Frames a connection may send before it logs in (over it: closed with
    /// 4429). Default: bursts of 20, then 60 a minute.
    pub frame_rate_before_login: RateLimit,
    /// Largest WebSocket message before login (over it: closed with 1009;
    /// the transport never buffers more than about this much of one
    /// message for a socket that has not logged in). Default 64 KiB; after
    /// login [`limits`](Self::limits) applies.
    pub max_frame_bytes_before_login: usize,
    /// Whether a message to a user without an account creates the account
    /// (true, the development default). When false, accounts come from a
    /// login or the REST account import, and messages to other user IDs are
    /// refused with 20003.
    pub auto_create_accounts: bool,
    /// Bytes of received messages the engine may hold, waiting to be
    /// handled, from all connections together; a reader over it waits (and
    /// its TCP window fills). Default 64 MiB. Each connection also has its
    /// own share: [`max_frame_bytes_before_login`](Self::max_frame_bytes_before_login)
    /// before login, twice [`limits`](Self::limits)`.max_frame_bytes` after.
    pub max_input_bytes: usize,
    /// Open REST (HTTP) connections per client IP address; past it the
    /// oldest one still waiting for its request headers is dropped (or the
    /// new one, if none is). Default 32.
    pub max_http_conns_per_ip: usize,
    /// Where data is stored.
    pub db: DbLocation,
    /// `HelloInterval` sent in the login reply, in seconds (the official SDK
    /// sends `wshello` this often).
    pub hello_interval_secs: u64,
    /// A connection that has not logged in this many seconds after it
    /// opened is closed (code 4401).
    pub login_timeout_secs: u64,
    /// A logged-in connection that sends nothing for this many seconds is
    /// closed (code 4408). The official SDK pings every 10 s.
    pub idle_timeout_secs: u64,
    /// Longest life of an A2 session key, in seconds; it also ends when the
    /// UserSig it came from expires.
    pub a2_max_ttl_secs: u64,
    /// Largest number of messages in one `openim.getmsg` reply.
    pub getmsg_page_size: usize,
    /// How long after sending a message its sender may revoke it, in
    /// seconds (older: 20016); 0 (the default) for no limit. Tencent's
    /// default is 120.
    pub revoke_time_limit_secs: u64,
    /// Group limits: members per group type, groups per user (PROTOCOL.md
    /// 8.1, 8.9).
    pub groups: GroupConfig,
    /// Files: upload size limits, memory kept, URL lifetime, `authKey`
    /// (docs/FILES.md). Leave `base_url` unset to have [`start`](crate::start)
    /// use the HTTP listener's address; set it when clients reach the
    /// server through another address.
    pub files: FileConfig,
    /// Frames that may wait to be written to one client; a client that falls
    /// this far behind is disconnected (code 1008).
    pub outbound_queue_len: usize,
    /// Frame size limits for uplink frames.
    pub limits: Limits,
    /// Seed of the server's random number generator (A2 keys, instance
    /// IDs). `None` picks a fresh seed at every start; a fixed seed makes
    /// runs reproducible but A2 keys predictable.
    pub seed: Option<u64>,
}

impl ServerConfig {
    /// Default [`max_input_bytes`](Self::max_input_bytes): 64 MiB.
    pub const DEFAULT_MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;
    /// Default [`max_http_conns_per_ip`](Self::max_http_conns_per_ip): 32.
    pub const DEFAULT_MAX_HTTP_CONNS_PER_IP: usize = 32;

    /// WebSocket and HTTP (REST admin API) on 127.0.0.1 at free ports,
    /// in-memory database, default knobs. Meant for tests and embedding.
    pub fn ephemeral(apps: Vec<AppConfig>) -> ServerConfig {
        ServerConfig {
            apps,
            ws_addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            http_addr: Some(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))),
            admins: vec![EngineConfig::DEFAULT_ADMIN.to_owned()],
            app_admins: BTreeMap::new(),
            instances: InstancePolicy::DEFAULT,
            max_conns_per_ip: EngineConfig::DEFAULT_MAX_CONNS_PER_IP,
            login_rate_per_ip: EngineConfig::DEFAULT_LOGIN_RATE_PER_IP,
            login_rate_per_user: EngineConfig::DEFAULT_LOGIN_RATE_PER_USER,
            login_rate_total: EngineConfig::DEFAULT_LOGIN_RATE_TOTAL,
            message_rate_per_user: RateLimit::UNLIMITED,
            frame_rate_before_login: EngineConfig::DEFAULT_FRAME_RATE_BEFORE_LOGIN,
            max_frame_bytes_before_login: EngineConfig::DEFAULT_MAX_FRAME_BYTES_BEFORE_LOGIN,
            auto_create_accounts: true,
            max_input_bytes: Self::DEFAULT_MAX_INPUT_BYTES,
            max_http_conns_per_ip: Self::DEFAULT_MAX_HTTP_CONNS_PER_IP,
            db: DbLocation::Memory,
            hello_interval_secs: EngineConfig::DEFAULT_HELLO_INTERVAL_SECS,
            login_timeout_secs: EngineConfig::DEFAULT_LOGIN_TIMEOUT.as_secs(),
            idle_timeout_secs: EngineConfig::DEFAULT_IDLE_TIMEOUT.as_secs(),
            a2_max_ttl_secs: EngineConfig::DEFAULT_A2_MAX_TTL_SECS,
            getmsg_page_size: EngineConfig::DEFAULT_GETMSG_PAGE_SIZE,
            revoke_time_limit_secs: 0,
            groups: GroupConfig::default(),
            files: FileConfig::default(),
            outbound_queue_len: 1024,
            limits: Limits::default(),
            seed: None,
        }
    }

    /// Check the configuration; [`start`](crate::start) calls this.
    pub fn validate(&self) -> Result<(), ServerError> {
        if self.apps.is_empty() {
            return Err(ServerError::Config(
                "no application configured (add an AppConfig / --app SDKAPPID:SECRETKEY)".into(),
            ));
        }
        for (i, app) in self.apps.iter().enumerate() {
            if app.secret_key.is_empty() {
                return Err(ServerError::Config(format!(
                    "application {} has an empty secret key",
                    app.sdk_app_id
                )));
            }
            if self.apps[..i]
                .iter()
                .any(|a| a.sdk_app_id == app.sdk_app_id)
            {
                return Err(ServerError::Config(format!(
                    "application {} is configured twice",
                    app.sdk_app_id
                )));
            }
        }
        if self.instances.max_per_user == 0 {
            return Err(ServerError::Config(
                "instances.max_per_user must be at least 1".into(),
            ));
        }
        if self.max_frame_bytes_before_login == 0
            || self.max_input_bytes < self.limits.max_frame_bytes.saturating_mul(2)
        {
            return Err(ServerError::Config(
                "max_frame_bytes_before_login must be at least 1, and max_input_bytes at least \
                 twice max_frame_bytes"
                    .into(),
            ));
        }
        if self.getmsg_page_size == 0 || self.outbound_queue_len == 0 {
            return Err(ServerError::Config(
                "getmsg_page_size and outbound_queue_len must be at least 1".into(),
            ));
        }
        Ok(())
    }

    /// The engine's part of this configuration.
    pub fn engine_config(&self) -> EngineConfig {
        EngineConfig {
            apps: self.apps.clone(),
            admins: self.admins.clone(),
            app_admins: self
                .app_admins
                .iter()
                .map(|(app, list)| (*app, list.clone()))
                .collect(),
            instances: self.instances,
            max_conns_per_ip: self.max_conns_per_ip,
            login_rate_per_ip: self.login_rate_per_ip,
            login_rate_per_user: self.login_rate_per_user,
            login_rate_total: self.login_rate_total,
            message_rate_per_user: self.message_rate_per_user,
            frame_rate_before_login: self.frame_rate_before_login,
            max_frame_bytes_before_login: self.max_frame_bytes_before_login,
            auto_create_accounts: self.auto_create_accounts,
            hello_interval_secs: self.hello_interval_secs,
            login_timeout: Duration::from_secs(self.login_timeout_secs),
            idle_timeout: Duration::from_secs(self.idle_timeout_secs),
            a2_max_ttl_secs: self.a2_max_ttl_secs,
            getmsg_page_size: self.getmsg_page_size,
            limits: self.limits,
            revoke_time_limit: (self.revoke_time_limit_secs > 0)
                .then(|| Duration::from_secs(self.revoke_time_limit_secs)),
            groups: self.groups.clone(),
            files: self.files.clone(),
            ..EngineConfig::default()
        }
    }
}

impl Default for ServerConfig {
    /// Same as [`ServerConfig::ephemeral`] with no applications.
    fn default() -> Self {
        ServerConfig::ephemeral(Vec::new())
    }
}
