//! The interop harness, shared by the interop test binaries
//! (`interop.rs`: login, sync, kicks, restarts; `interop_messages.rs`:
//! messages and conversations, issue 8): the official Web SDK in Node
//! ([`Agent`], driving `tests/interop/agent.js`), tcchat beside it
//! ([`tcchat_login`], [`Recorder`]), the in-process server, and a loopback
//! [`Proxy`] that can silence or hold connections. See docs/INTEROP.md.

// Each test binary uses part of the harness.
#![allow(dead_code, unused_imports)]

mod agent;
mod node;
mod proxy;
mod tcchat;

pub use agent::{
    abridge, conversation_in, deliveries, lines, message_in, names_message, received, Agent,
};
pub use node::node_ready;
pub use proxy::Proxy;
pub use tcchat::{tcchat, tcchat_login, tcchat_login_with, tcchat_send, text_of, Recorder};

use std::future::Future;
use std::net::{SocketAddr, TcpListener as StdTcpListener};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tcchat_server::{gen_usersig, start_in_thread, AppConfig, BackgroundServer, ServerConfig};

// ---------------------------------------------------------------------------
// Constants

pub const APP: u64 = 1_400_000_777;
pub const KEY: &str = "interop-secret-key";

/// How long to wait for something that happens at once on loopback (a
/// bound, not a delay: every wait ends as soon as its condition holds).
/// Generous because CI shares two cores between Node, the server and us.
pub const PATIENCE: Duration = Duration::from_secs(15);

// ---------------------------------------------------------------------------
// Small helpers

pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

pub fn sig(user: &str) -> String {
    gen_usersig(APP, KEY, user, 3600, now_secs())
}

pub fn app() -> AppConfig {
    AppConfig {
        sdk_app_id: APP,
        secret_key: KEY.into(),
    }
}

/// Run an async test body on a two-worker tokio runtime.
pub fn run<F: Future<Output = ()>>(body: F) {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(body)
}

/// A loopback port that was free a moment ago (for servers that must come
/// back on the same port).
pub fn free_port() -> SocketAddr {
    let listener = StdTcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    listener.local_addr().expect("local addr")
}

pub fn scratch_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("interop");
    std::fs::create_dir_all(&dir).expect("create target/tmp/interop");
    dir
}

/// A server on its own thread. Starting and stopping block briefly, so they
/// run off the async workers.
pub async fn start_server(config: ServerConfig) -> BackgroundServer {
    tokio::task::spawn_blocking(move || start_in_thread(config))
        .await
        .expect("server start task")
        .expect("server starts")
}

/// Stop the server as if its process had been killed (no close frames, no
/// flush; what it had committed survives in its database file).
pub async fn crash_server(server: BackgroundServer) {
    tokio::task::spawn_blocking(move || server.crash())
        .await
        .expect("server crash task");
}

pub async fn stop_server(server: BackgroundServer) {
    tokio::task::spawn_blocking(move || server.shutdown())
        .await
        .expect("server shutdown task");
}

/// Await `fut` for at most [`PATIENCE`]; panics naming `what` if it takes
/// longer.
pub async fn bounded<T>(what: &str, fut: impl Future<Output = T>) -> T {
    tokio::time::timeout(PATIENCE, fut)
        .await
        .unwrap_or_else(|_| panic!("{what} did not finish within {PATIENCE:?}"))
}

/// Await a tcchat call for at most [`PATIENCE`]; panics naming `what` if it
/// takes longer or fails.
pub async fn tcchat_call<T, E: std::fmt::Display>(
    what: &str,
    fut: impl Future<Output = Result<T, E>>,
) -> T {
    bounded(what, fut)
        .await
        .unwrap_or_else(|e| panic!("tcchat {what} failed: {e}"))
}
