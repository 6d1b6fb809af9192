//! The tokio driver: a WebSocket listener (and an HTTP listener for the
//! REST admin API) feeding one engine task.
//!
//! Every connection gets a reader (frames go, in order, to the engine task
//! through one bounded channel) and a writer (draining a bounded queue of
//! outbound frames). The engine task owns the [`Engine`] and its store, so
//! every state change happens on one task in arrival order; its timers are
//! `tokio::time::sleep_until(engine.poll_timeout())`.
//!
//! Listeners are bound with tokio's `TcpListener::bind`, which sets
//! `SO_REUSEADDR` on Unix: a restarted server can bind the port of one that
//! just stopped (or crashed) while its old connections linger in
//! `TIME_WAIT`.

mod conn;
mod engine_task;
mod http;

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::{JoinHandle, JoinSet};

use crate::config::{DbLocation, ServerConfig};
use crate::engine::{ConnId, Engine};
use crate::store::SqliteStore;
use crate::ServerError;

use conn::ConnSettings;
use engine_task::Input;

/// Inputs waiting for the engine task before readers are slowed down.
const INPUT_QUEUE_LEN: usize = 4096;
/// How long a graceful shutdown waits for connections to close.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

/// A server running on the caller's tokio runtime; see [`start`].
///
/// Dropping it without calling [`shutdown`](RunningServer::shutdown) also
/// stops the server, in the background.
#[derive(Debug)]
pub struct RunningServer {
    ws_addr: SocketAddr,
    http_addr: Option<SocketAddr>,
    shutdown: watch::Sender<bool>,
    accept: JoinHandle<()>,
    http: Option<JoinHandle<()>>,
    engine: JoinHandle<()>,
}

async fn bind(addr: SocketAddr) -> Result<(TcpListener, SocketAddr), ServerError> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| ServerError::Bind { addr, source })?;
    let local = listener
        .local_addr()
        .map_err(|source| ServerError::Bind { addr, source })?;
    Ok((listener, local))
}

/// Start a server on the current tokio runtime.
///
/// Opens the database, binds the WebSocket listener and returns once the
/// server accepts connections. Must be called from within a tokio runtime
/// (current-thread or multi-thread, with time and I/O enabled).
pub async fn start(config: ServerConfig) -> Result<RunningServer, ServerError> {
    config.validate()?;
    let store = match &config.db {
        DbLocation::File(path) => SqliteStore::open(path)?,
        DbLocation::Memory => SqliteStore::in_memory()?,
    };
    let (listener, ws_addr) = bind(config.ws_addr).await?;
    let http_listener = match config.http_addr {
        Some(addr) => Some(bind(addr).await?),
        None => None,
    };
    let seed = config.seed.unwrap_or_else(random_seed);
    let engine = Engine::new(config.engine_config(), store, seed);
    let (inputs, input_rx) = mpsc::channel(INPUT_QUEUE_LEN);
    let (shutdown, shutdown_rx) = watch::channel(false);
    let settings = ConnSettings {
        queue_len: config.outbound_queue_len,
        // Let messages up to twice the engine's limit through, so that the
        // engine itself refuses them with a typed close (1009) and a reason.
        max_message_bytes: config.limits.max_frame_bytes.saturating_mul(2),
    };
    let engine = tokio::spawn(engine_task::run(engine, input_rx));
    let (http, http_addr) = match http_listener {
        Some((listener, addr)) => {
            let task = http::accept_loop(listener, inputs.clone(), shutdown_rx.clone());
            tracing::info!(url = %format!("http://{addr}"), "REST admin API listening");
            (Some(tokio::spawn(task)), Some(addr))
        }
        None => (None, None),
    };
    let accept = tokio::spawn(accept_loop(listener, inputs, shutdown_rx, settings));
    tracing::info!(url = %format!("ws://{ws_addr}{}", conn::PATH), db = ?config.db, "tcchat-server listening");
    Ok(RunningServer {
        ws_addr,
        http_addr,
        shutdown,
        accept,
        http,
        engine,
    })
}

impl RunningServer {
    /// The address the WebSocket listener is bound to.
    pub fn ws_addr(&self) -> SocketAddr {
        self.ws_addr
    }

    /// `ws://HOST:PORT`: what clients use as their server URL (they append
    /// `/binfo?...` themselves, as the official SDK does with
    /// `proxyServer`).
    pub fn ws_url(&self) -> String {
        format!("ws://{}", self.ws_addr)
    }

    /// The address the HTTP listener (REST admin API) is bound to, if any.
    pub fn http_addr(&self) -> Option<SocketAddr> {
        self.http_addr
    }

    /// `http://HOST:PORT`: the base URL of the REST admin API, if served
    /// (for example `{http_url}/v4/im_open_login_svc/kick?...`).
    pub fn http_url(&self) -> Option<String> {
        self.http_addr.map(|a| format!("http://{a}"))
    }

    /// Stop at once, as if the process had been killed: every task is
    /// aborted, connections are dropped without close frames (their sockets
    /// simply close), the listeners are released, and the store is neither
    /// flushed nor checkpointed nor even closed (it is leaked, as a killed
    /// process leaves its database file). Only what the store had already
    /// committed survives, which for the SQLite store is everything that
    /// was acknowledged to a client. Meant for restart tests.
    pub async fn crash(self) {
        // Connections first (dropping the accept loop aborts their tasks),
        // so that none of them sees the engine go and closes politely.
        self.accept.abort();
        let _ = self.accept.await;
        if let Some(http) = self.http {
            http.abort();
            let _ = http.await;
        }
        self.engine.abort();
        let _ = self.engine.await;
        tracing::warn!("tcchat-server crashed on purpose");
    }

    /// Stop accepting, close every connection with 1001 (going away), wait
    /// for them (at most a few seconds) and flush the store.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let _ = self.accept.await;
        if let Some(http) = self.http {
            let _ = http.await;
        }
        // The engine task ends (flushing the store) once every connection
        // has let go of its input channel, which the accept loop bounds by
        // the grace period.
        let mut engine = self.engine;
        if tokio::time::timeout(SHUTDOWN_GRACE, &mut engine)
            .await
            .is_err()
        {
            tracing::error!("the engine did not stop in time; aborting it without a flush");
            engine.abort();
        }
        tracing::info!("tcchat-server stopped");
    }
}

async fn accept_loop(
    listener: TcpListener,
    inputs: mpsc::Sender<Input>,
    mut shutdown: watch::Receiver<bool>,
    settings: ConnSettings,
) {
    let mut conns = JoinSet::new();
    let mut next_id: u64 = 0;
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    next_id += 1;
                    conns.spawn(conn::run(
                        stream,
                        peer,
                        ConnId(next_id),
                        inputs.clone(),
                        shutdown.clone(),
                        settings,
                    ));
                }
                Err(err) => {
                    // Typically out of file descriptors: back off a little.
                    tracing::warn!(%err, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            },
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            _ = shutdown.changed() => break,
        }
    }
    drop(listener);
    drop(inputs);
    let drained = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while conns.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!("connections still open after the grace period: aborting them");
        conns.shutdown().await;
    }
}

/// A per-start seed without OS randomness APIs: std's per-process random
/// hasher keys mixed with the time.
fn random_seed() -> u64 {
    let mut h = RandomState::new().build_hasher();
    h.write_u64(engine_task::unix_ms());
    h.write_u32(std::process::id());
    h.finish()
}

/// A server on its own thread with its own tokio runtime; see
/// [`start_in_thread`].
///
/// Dropping it shuts the server down (and waits for that), like
/// [`shutdown`](BackgroundServer::shutdown).
#[derive(Debug)]
pub struct BackgroundServer {
    ws_addr: SocketAddr,
    http_addr: Option<SocketAddr>,
    stop: Option<oneshot::Sender<Stop>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// How a [`BackgroundServer`] is asked to stop.
#[derive(Debug, Clone, Copy)]
enum Stop {
    Graceful,
    Crash,
}

type Ready = Result<(SocketAddr, Option<SocketAddr>), ServerError>;

/// Start a server on a new thread running its own single-threaded tokio
/// runtime, for callers that are not on tokio (async-std, smol, blocking
/// code). Returns once the server accepts connections.
pub fn start_in_thread(config: ServerConfig) -> Result<BackgroundServer, ServerError> {
    let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Ready>();
    let (stop_tx, stop_rx) = oneshot::channel::<Stop>();
    let thread = std::thread::Builder::new()
        .name("tcchat-server".to_owned())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(err) => {
                    let _ = ready_tx.send(Err(ServerError::Thread(err)));
                    return;
                }
            };
            runtime.block_on(async move {
                match start(config).await {
                    Ok(server) => {
                        let _ = ready_tx.send(Ok((server.ws_addr(), server.http_addr())));
                        // Either a stop request or the handle being dropped.
                        match stop_rx.await {
                            Ok(Stop::Crash) => server.crash().await,
                            Ok(Stop::Graceful) | Err(_) => server.shutdown().await,
                        }
                    }
                    Err(err) => {
                        let _ = ready_tx.send(Err(err));
                    }
                }
            });
        })
        .map_err(ServerError::Thread)?;
    let (ws_addr, http_addr) = match ready_rx.recv() {
        Ok(Ok(addrs)) => addrs,
        Ok(Err(err)) => {
            let _ = thread.join();
            return Err(err);
        }
        Err(_) => {
            let _ = thread.join();
            return Err(ServerError::Thread(std::io::Error::other(
                "the server thread exited during start-up",
            )));
        }
    };
    Ok(BackgroundServer {
        ws_addr,
        http_addr,
        stop: Some(stop_tx),
        thread: Some(thread),
    })
}

impl BackgroundServer {
    /// The address the WebSocket listener is bound to.
    pub fn ws_addr(&self) -> SocketAddr {
        self.ws_addr
    }

    /// `ws://HOST:PORT`, as [`RunningServer::ws_url`].
    pub fn ws_url(&self) -> String {
        format!("ws://{}", self.ws_addr)
    }

    /// The HTTP listener's address, as [`RunningServer::http_addr`].
    pub fn http_addr(&self) -> Option<SocketAddr> {
        self.http_addr
    }

    /// `http://HOST:PORT`, as [`RunningServer::http_url`].
    pub fn http_url(&self) -> Option<String> {
        self.http_addr.map(|a| format!("http://{a}"))
    }

    /// Shut the server down gracefully and wait for its thread to end.
    pub fn shutdown(mut self) {
        self.stop_and_join(Stop::Graceful);
    }

    /// Stop at once, as [`RunningServer::crash`] (no close frames, no
    /// flush; only what the store committed survives), and wait for the
    /// thread to end. The ports are free again when this returns.
    pub fn crash(mut self) {
        self.stop_and_join(Stop::Crash);
    }

    fn stop_and_join(&mut self, how: Stop) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(how);
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for BackgroundServer {
    fn drop(&mut self) {
        self.stop_and_join(Stop::Graceful);
    }
}
