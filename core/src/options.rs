//! `create(options)`: what an instance is made with.

use std::time::Duration;

/// The options of `TencentCloudChat.create(options)`, plus tcchat's tuning
/// knobs (all with the official SDK's values as defaults unless noted).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// `SDKAppID`: the application. Messages never cross SDKAppIDs.
    pub sdk_app_id: u64,
    /// `proxyServer`: a WebSocket base URL (`ws://host:port` or
    /// `wss://host`) that overrides every endpoint.
    pub proxy_server: Option<String>,
    /// `fileUploadProxy`: replaces scheme and host of `https://` upload
    /// URLs (for example `http://127.0.0.1:8080`); path and query are kept
    /// (docs/FILES.md). Setting it (or the download proxy) together with
    /// `proxy_server` makes uploads sign with `simple_sig`.
    pub file_upload_proxy: Option<String>,
    /// `fileDownloadProxy`: replaces scheme and host of `https://`
    /// download URLs in the local messages (`fileUrl`, `imageInfoArray[].url`);
    /// the wire keeps the original. Defaults to `file_upload_proxy`.
    pub file_download_proxy: Option<String>,
    /// Endpoints to rotate over when `proxy_server` is not set. Defaults to
    /// the official production endpoints of the SDKAppID's site (see
    /// [`default_endpoints`]); tcchat has never been run against them.
    pub endpoints: Vec<String>,
    /// Timers and limits.
    pub tuning: Tuning,
    /// The log level the instance starts with (what `setLogLevel` sets
    /// later), so that `create` and the first connection can be logged.
    /// Default [`LogLevel::Release`].
    pub log_level: LogLevel,
}

/// `setLogLevel`'s levels: what an instance emits through `tracing` (a
/// subscriber's own filter applies on top).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum LogLevel {
    /// 0: everything, down to request/reply summaries (DEBUG) and
    /// truncated frame bodies (TRACE).
    Debug,
    /// 1: lifecycle lines (INFO: connecting, connected, logged in, link
    /// down, reconnected, destroyed) and above. The default.
    #[default]
    Release,
    /// 2: warnings and errors.
    Warning,
    /// 3: errors only.
    Error,
    /// 4: nothing.
    None,
}

impl LogLevel {
    /// The official number (0 to 4).
    pub fn number(self) -> u8 {
        match self {
            LogLevel::Debug => 0,
            LogLevel::Release => 1,
            LogLevel::Warning => 2,
            LogLevel::Error => 3,
            LogLevel::None => 4,
        }
    }

    /// The level with this official number; `None` past 4.
    pub fn from_number(number: u8) -> Option<LogLevel> {
        Some(match number {
            0 => LogLevel::Debug,
            1 => LogLevel::Release,
            2 => LogLevel::Warning,
            3 => LogLevel::Error,
            4 => LogLevel::None,
            _ => return None,
        })
    }
}

impl Options {
    /// Options for `sdk_app_id` with every other field at its default.
    pub fn new(sdk_app_id: u64) -> Options {
        Options {
            sdk_app_id,
            proxy_server: None,
            file_upload_proxy: None,
            file_download_proxy: None,
            endpoints: default_endpoints(sdk_app_id),
            tuning: Tuning::default(),
            log_level: LogLevel::default(),
        }
    }

    /// Set `log_level`: `Options::new(id).with_log_level(LogLevel::Debug)`.
    pub fn with_log_level(mut self, level: LogLevel) -> Options {
        self.log_level = level;
        self
    }

    /// Set `file_upload_proxy`.
    pub fn with_file_upload_proxy(mut self, url: impl Into<String>) -> Options {
        self.file_upload_proxy = Some(url.into());
        self
    }

    /// Set `file_download_proxy`.
    pub fn with_file_download_proxy(mut self, url: impl Into<String>) -> Options {
        self.file_download_proxy = Some(url.into());
        self
    }

    /// Set `proxy_server`.
    pub fn with_proxy_server(mut self, url: impl Into<String>) -> Options {
        self.proxy_server = Some(url.into());
        self
    }

    /// The base URLs to connect to, in rotation order.
    pub fn connect_bases(&self) -> Vec<String> {
        match &self.proxy_server {
            Some(proxy) => vec![proxy.trim_end_matches('/').to_owned()],
            None => self
                .endpoints
                .iter()
                .map(|e| e.trim_end_matches('/').to_owned())
                .collect(),
        }
    }
}

/// Timers and limits of the client state machine.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Tuning {
    /// Send `heartbeat.alive` after this long with nothing received (10 s).
    pub ping_idle: Duration,
    /// A ping unanswered this long means the connection is dead (3 s).
    pub ping_timeout: Duration,
    /// `wshello` interval when the login reply gives none (120 s).
    pub default_hello_interval: Duration,
    /// Timeout of an ordinary request (15 s).
    pub request_timeout: Duration,
    /// Timeout of `login` (90 s).
    pub login_timeout: Duration,
    /// How long, in total, a change request (a send, revoke, modify, read
    /// report, conversation operation) may wait for a link while the
    /// session is offline (5 min). Its `request_timeout` runs only while a
    /// live link carries it; the time it spends waiting for one (before the
    /// first send, or after a link carrying it dropped) counts against this
    /// window instead. When the window is spent, the request fails with
    /// 2805 (`NO_NETWORK`) and is never sent afterwards. Five minutes covers
    /// a mobile user going through a tunnel or a lift, or a server restart
    /// with a slow start, while a user still expects the message to be
    /// relevant; longer, and the app should show the message as failed and
    /// let the user resend it.
    pub offline_window: Duration,
    /// On how many live links in a row a change may go unanswered for its
    /// whole `request_timeout` before it fails with 2801 (3; tcchat's).
    /// Each time the link is abandoned (close 4001: it answers pings but
    /// not the change, as a half-open socket or a stalled server does) and
    /// the change is resent on the next one, where the server's
    /// deduplication answers it if it had arrived. 1 fails it on the first
    /// timeout, as the official SDK does. A link that drops while carrying
    /// a change does not shorten the next link's timeout: each link gets a
    /// whole `request_timeout`, and live links carry the change unanswered
    /// for at most this many timeouts in all (45 s by default).
    pub unanswered_links: u32,
    /// How long `destroy` waits for the logout reply before closing (3 s).
    pub destroy_logout_timeout: Duration,
    /// Shortest reconnect backoff step (250 ms). Retry 1 is immediate;
    /// each later one waits a uniformly random time between this and three
    /// times the previous wait (decorrelated jitter), at most
    /// `reconnect_cap`. A retry hint from the server (PROTOCOL.md, "Retry
    /// hint") replaces one wait.
    pub reconnect_base: Duration,
    /// Longest reconnect backoff (2 s): while the server is down a client
    /// tries about once a second, so it is back within about a second of
    /// the server's return (BENCHMARKS.md §5). A server that cannot take
    /// the herd spreads it with retry hints, not the client's cap.
    pub reconnect_cap: Duration,
    /// Longest a connection attempt (TCP, TLS, WebSocket upgrade) may take
    /// before the client gives up on it and counts it as failed with
    /// `ConnectCause::Timeout` (10 s; tcchat's, the official SDK has none).
    pub connect_timeout: Duration,
    /// While nobody is logged in, `login` fails with 2800 (NETWORK_ERROR,
    /// naming the last cause) after this many connection attempts in a
    /// row failed (3; tcchat's): with the backoff that is about a second
    /// when the port is refused or the name does not resolve, and at most
    /// `3 × connect_timeout` plus the backoff when attempts hang. A server
    /// that accepts the connection but never answers keeps the official
    /// 90 s `login_timeout`.
    pub login_connect_attempts: u32,
    /// A connection that stayed up this long resets the backoff (10 s).
    pub stable_after: Duration,
    /// Most user requests (login, send, …) queued or in flight at once
    /// (1,000); more are refused with 2996. The SDK's own requests come on
    /// top, at most one of each kind (re-login, sync page, hello, logout).
    pub max_pending_requests: usize,
    /// Messages kept for `find_message`, `get_message_list` and
    /// deduplication (10,000), at most 1,000 of them per conversation
    /// (docs/MESSAGES.md, "The store").
    pub max_cached_messages: usize,
    /// Longest a runtime driver lets one frame's write to the socket take
    /// (10 s): a peer that stops reading fills the socket buffers, and past
    /// this the driver reports the link lost (the client reconnects) instead
    /// of waiting for ever. The core itself does no I/O and ignores it.
    pub write_timeout: Duration,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            ping_idle: Duration::from_secs(10),
            ping_timeout: Duration::from_secs(3),
            default_hello_interval: Duration::from_secs(120),
            request_timeout: Duration::from_secs(15),
            login_timeout: Duration::from_secs(90),
            offline_window: Duration::from_secs(300),
            unanswered_links: 3,
            destroy_logout_timeout: Duration::from_secs(3),
            reconnect_base: Duration::from_millis(250),
            reconnect_cap: Duration::from_secs(2),
            connect_timeout: Duration::from_secs(10),
            login_connect_attempts: 3,
            stable_after: Duration::from_secs(10),
            max_pending_requests: 1_000,
            max_cached_messages: 10_000,
            write_timeout: Duration::from_secs(10),
        }
    }
}

/// The official SDK's production endpoints for an SDKAppID, in its rotation
/// order (DEFAULT0, DEFAULT, IPV6, BACKUP, BACKUP_CN where the site has one),
/// from the observed facts. tcchat cannot reach them from its test machines
/// and makes no claim that they work.
pub fn default_endpoints(sdk_app_id: u64) -> Vec<String> {
    let in_range = |lo: u64, hi: u64, lo2: u64, hi2: u64| {
        (lo..hi).contains(&sdk_app_id) || (lo2..hi2).contains(&sdk_app_id)
    };
    // (DEFAULT0 suffix, DEFAULT, IPV6, BACKUP, BACKUP_CN)
    let site: (&str, &str, &str, &str, Option<&str>) =
        if in_range(20_000_000, 30_000_000, 1_720_000_000, 1_730_000_000) {
            (
                "w4s",
                "wsssgp.im.qcloud.com",
                "wsssgpv6.im.qcloud.com",
                "wsssgp.my-imcloud.com",
                None,
            )
        } else if in_range(30_000_000, 40_000_000, 1_730_000_000, 1_740_000_000) {
            (
                "w4k",
                "wsskr.im.qcloud.com",
                "wsskrv6.im.qcloud.com",
                "wsskr.my-imcloud.com",
                None,
            )
        } else if in_range(40_000_000, 50_000_000, 1_740_000_000, 1_750_000_000) {
            (
                "w4g",
                "wssger.im.qcloud.com",
                "wssgerv6.im.qcloud.com",
                "wssger.my-imcloud.com",
                None,
            )
        } else if in_range(50_000_000, 60_000_000, 1_750_000_000, 1_760_000_000) {
            (
                "w4i",
                "wssind.my-imcloud.com",
                "wssindv6.im.qcloud.com",
                "wssind.im.qcloud.com",
                None,
            )
        } else if in_range(60_000_000, 70_000_000, 1_760_000_000, 1_770_000_000) {
            (
                "w4j",
                "wssjpn.im.qcloud.com",
                "wssjpnv6.im.qcloud.com",
                "wssjpn.my-imcloud.com",
                None,
            )
        } else if in_range(70_000_000, 80_000_000, 1_770_000_000, 1_780_000_000) {
            (
                "w4u",
                "wssusa.im.qcloud.com",
                "wssusav6.im.qcloud.com",
                "wssusa.my-imcloud.com",
                None,
            )
        } else if in_range(80_000_000, 90_000_000, 1_780_000_000, 1_790_000_000) {
            (
                "w4y",
                "wssidn.im.qcloud.com",
                "wssidnv6.im.qcloud.com",
                "wssidn.my-imcloud.com",
                None,
            )
        } else {
            (
                "w4c",
                "wss.im.qcloud.com",
                "wssv6.im.qcloud.com",
                "wss.tim.qq.com",
                Some("wss.im.tencent.cn"),
            )
        };
    let (suffix, default, ipv6, backup, backup_cn) = site;
    let mut out = vec![
        format!("wss://{sdk_app_id}{suffix}.my-imcloud.com"),
        format!("wss://{default}"),
        format!("wss://{ipv6}"),
        format!("wss://{backup}"),
    ];
    if let Some(cn) = backup_cn {
        out.push(format!("wss://{cn}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_matches_the_observed_order() {
        assert_eq!(
            default_endpoints(1_400_000_000),
            [
                "wss://1400000000w4c.my-imcloud.com",
                "wss://wss.im.qcloud.com",
                "wss://wssv6.im.qcloud.com",
                "wss://wss.tim.qq.com",
                "wss://wss.im.tencent.cn"
            ]
        );
        assert_eq!(
            default_endpoints(20_000_001)[..3],
            [
                "wss://20000001w4s.my-imcloud.com",
                "wss://wsssgp.im.qcloud.com",
                "wss://wsssgpv6.im.qcloud.com"
            ]
        );
    }

    #[test]
    fn log_levels_round_trip_their_numbers() {
        for n in 0..=4 {
            assert_eq!(LogLevel::from_number(n).map(LogLevel::number), Some(n));
        }
        assert_eq!(LogLevel::from_number(5), None);
        assert_eq!(Options::new(1).log_level.number(), 1);
    }

    #[test]
    fn proxy_server_overrides_every_endpoint() {
        let o = Options::new(1).with_proxy_server("ws://127.0.0.1:9/");
        assert_eq!(o.connect_bases(), ["ws://127.0.0.1:9"]);
    }
}
