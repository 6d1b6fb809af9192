//! A reference server with two apps, and helpers to wait for events.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures_util::future::{select, Either};
use futures_util::StreamExt;
use tcchat_core::{Event, Options};
use tcchat_runtime_common::{Chat, EventStream, Runtime};
use tcchat_server::{
    gen_usersig, start_in_thread, AppConfig, BackgroundServer, DbLocation, ServerConfig,
};

/// The first app's SDKAppID.
pub const APP_A: u64 = 1_400_000_001;
/// The second app's SDKAppID.
pub const APP_B: u64 = 1_400_000_002;
const KEY_A: &str = "secret-key-of-app-a";
const KEY_B: &str = "secret-key-of-app-b";

/// How long a test waits for something that should happen at once on
/// loopback before it fails (a bound, not a sleep: waiting ends as soon as
/// the event arrives).
pub const PATIENCE: Duration = Duration::from_secs(10);

/// A running server with apps [`APP_A`] and [`APP_B`].
pub struct World {
    server: Option<BackgroundServer>,
    url: String,
    config: ServerConfig,
    db_file: Option<PathBuf>,
}

impl Drop for World {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown();
        }
        if let Some(db) = &self.db_file {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
            }
        }
    }
}

impl World {
    /// Start a server on an ephemeral loopback port with an in-memory store.
    pub fn start() -> World {
        World::launch(ServerConfig::ephemeral(Self::apps()), None)
    }

    /// Start a server (in-memory store) on which a user may have any number
    /// of instances online at once (no per-platform limit), for the
    /// scenarios of one user with two instances.
    pub fn start_multi_instance() -> World {
        let mut config = ServerConfig::ephemeral(Self::apps());
        config.instances.per_class = 0;
        World::launch(config, None)
    }

    /// Start a server (in-memory store) with `change` applied to its
    /// configuration.
    pub fn start_configured(change: impl FnOnce(&mut ServerConfig)) -> World {
        let mut config = ServerConfig::ephemeral(Self::apps());
        change(&mut config);
        World::launch(config, None)
    }

    /// Start a server that can be crashed and restarted on the same port
    /// with the same SQLite file.
    pub fn start_persistent() -> World {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let db = std::env::temp_dir().join(format!("tcchat-test-{}-{n}.db", std::process::id()));
        let mut config = ServerConfig::ephemeral(Self::apps());
        config.db = DbLocation::File(db.clone());
        // Bind once on port 0 to learn a free port, then keep it across
        // restarts.
        let first = start_in_thread(config.clone()).expect("server starts");
        config.ws_addr = first.ws_addr();
        config.http_addr = first.http_addr();
        World {
            url: first.ws_url(),
            server: Some(first),
            config,
            db_file: Some(db),
        }
    }

    fn launch(config: ServerConfig, db_file: Option<PathBuf>) -> World {
        let server = start_in_thread(config.clone()).expect("server starts");
        World {
            url: server.ws_url(),
            server: Some(server),
            config,
            db_file,
        }
    }

    fn apps() -> Vec<AppConfig> {
        vec![
            AppConfig {
                sdk_app_id: APP_A,
                secret_key: KEY_A.into(),
            },
            AppConfig {
                sdk_app_id: APP_B,
                secret_key: KEY_B.into(),
            },
        ]
    }

    /// `ws://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Stop the server (gracefully: sockets are closed with 1001).
    pub fn stop_server(&mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown();
        }
    }

    /// Kill the server as if its process died: no close frames, nothing
    /// flushed beyond what it had committed.
    pub fn crash_server(&mut self) {
        if let Some(server) = self.server.take() {
            server.crash();
        }
    }

    /// Start the server again with the same configuration (same ports, same
    /// database file for a persistent world).
    pub fn restart_server(&mut self) {
        assert!(self.server.is_none(), "stop or crash the server first");
        let server = start_in_thread(self.config.clone()).expect("server restarts");
        assert_eq!(server.ws_url(), self.url, "restarted on the same port");
        self.server = Some(server);
    }

    /// Kick `user` of `app` through the REST admin API, as
    /// `administrator`; returns the reply's `ErrorCode`.
    pub fn rest_kick(&self, app: u64, user: &str) -> u64 {
        let key = if app == APP_B { KEY_B } else { KEY_A };
        tcchat_server::admin_client::rest_kick(
            &self.http_url(),
            app,
            key,
            "administrator",
            user,
            now_secs(),
        )
        .expect("the REST call completes")
        .error_code
    }

    /// `http://127.0.0.1:PORT` of the REST admin API.
    pub fn http_url(&self) -> String {
        self.server
            .as_ref()
            .and_then(|s| s.http_url())
            .expect("the server runs its HTTP listener")
    }

    /// Options for `app` pointed at this server.
    pub fn options(&self, app: u64) -> Options {
        Options::new(app).with_proxy_server(self.url())
    }

    /// A valid UserSig for `user` in `app`, valid for an hour.
    pub fn sig(&self, app: u64, user: &str) -> String {
        self.sig_with(app, user, 3600, now_secs())
    }

    /// A UserSig with a chosen lifetime and issue time.
    pub fn sig_with(&self, app: u64, user: &str, expire: u64, time: u64) -> String {
        let key = if app == APP_B { KEY_B } else { KEY_A };
        gen_usersig(app, key, user, expire, time)
    }

    /// A separate instance for `app` with its event stream.
    pub fn client<R: Runtime + Default>(&self, app: u64) -> (Chat<R>, EventStream) {
        self.client_with::<R>(self.options(app))
    }

    /// A separate instance made with `options`, with its event stream.
    pub fn client_with<R: Runtime + Default>(&self, options: Options) -> (Chat<R>, EventStream) {
        let chat = Chat::<R>::create_independent(options);
        let events = chat.events(1024);
        (chat, events)
    }
}

/// Unix seconds now.
pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Wait for the first event matching `pred`, skipping others; panics with
/// what was seen if none comes within [`PATIENCE`].
pub async fn expect_event<R: Runtime + Default>(
    events: &mut EventStream,
    what: &str,
    pred: impl Fn(&Event) -> bool,
) -> Event {
    let deadline = Instant::now() + PATIENCE;
    let mut seen = Vec::new();
    loop {
        match select(events.next(), R::default().sleep_until(deadline)).await {
            Either::Left((Some(event), _)) => {
                if pred(&event) {
                    return event;
                }
                seen.push(event.name());
            }
            Either::Left((None, _)) => {
                panic!("event stream ended waiting for {what}; saw {seen:?}")
            }
            Either::Right(_) => panic!("no {what} within {PATIENCE:?}; saw {seen:?}"),
        }
    }
}

/// Collect every event that arrives until `pred` matches one (inclusive).
pub async fn events_until<R: Runtime + Default>(
    events: &mut EventStream,
    what: &str,
    pred: impl Fn(&Event) -> bool,
) -> Vec<Event> {
    let deadline = Instant::now() + PATIENCE;
    let mut seen = Vec::new();
    loop {
        match select(events.next(), R::default().sleep_until(deadline)).await {
            Either::Left((Some(event), _)) => {
                let done = pred(&event);
                seen.push(event);
                if done {
                    return seen;
                }
            }
            Either::Left((None, _)) => {
                panic!("event stream ended waiting for {what}; saw {seen:?}")
            }
            Either::Right(_) => panic!("no {what} within {PATIENCE:?}; saw {seen:?}"),
        }
    }
}
