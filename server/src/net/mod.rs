//! The tokio driver: a WebSocket listener (and an HTTP listener for the
//! REST admin API) feeding one engine task.
//!
//! Every connection gets a reader (frames go, in order, to the engine task
//! through one channel) and a writer (draining a bounded queue of
//! outbound frames). The engine task owns the [`Engine`] and its store, so
//! every state change happens on one task in arrival order; its timers are
//! `tokio::time::sleep_until(engine.poll_timeout())`. It runs on a thread
//! of its own, so blocking storage calls never stall the socket workers.
//!
//! What a connection can make the server hold is bounded before anything
//! is read (see [`budget`]): connections per address are counted from
//! accept, through a handshake deadline; a reader hands a message to the
//! engine only with credit from its own share (small before login) and
//! from the server's byte budget, so a flooder waits on its own socket and
//! the others keep their turn; before login the WebSocket layer may buffer
//! only a small message. A2 session keys come from the operating system's
//! CSPRNG.
//!
//! Listeners are bound with tokio's `TcpListener::bind`, which sets
//! `SO_REUSEADDR` on Unix: a restarted server can bind the port of one that
//! just stopped (or crashed) while its old connections linger in
//! `TIME_WAIT`.

mod budget;
mod conn;
mod engine_task;
mod http;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::{JoinHandle, JoinSet};

use crate::config::{DbLocation, ServerConfig};
use crate::engine::logs::{LogLimiter, LogSite};
use crate::engine::{ConnId, Engine};
use crate::store::SqliteStore;
use crate::ServerError;

use budget::{InputBudget, IpSlots};
use conn::{ConnContext, ConnSettings};
use engine_task::{EngineThread, Input};

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
    engine: EngineThread,
    shared: Arc<Shared>,
}

/// Counters the driver keeps, read by [`RunningServer::stats`].
#[derive(Debug)]
struct Shared {
    budget: Arc<InputBudget>,
    ws_slots: Arc<IpSlots>,
    refused_at_accept: AtomicU64,
    http_open: AtomicUsize,
    http_evicted: AtomicU64,
    http_refused: AtomicU64,
}

impl Shared {
    fn stats(&self) -> ServerStats {
        ServerStats {
            input_bytes_held: self.budget.held(),
            input_bytes_peak: self.budget.peak(),
            input_bytes_budget: self.budget.total(),
            ws_sockets_open: self.ws_slots.total(),
            ws_refused_at_accept: self.refused_at_accept.load(Ordering::Relaxed),
            http_conns_open: self.http_open.load(Ordering::Relaxed),
            http_evicted: self.http_evicted.load(Ordering::Relaxed),
            http_refused: self.http_refused.load(Ordering::Relaxed),
        }
    }
}

/// What a running server holds and has refused, from its budgets: for
/// tests, load runs and monitoring. See [`RunningServer::stats`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerStats {
    /// Bytes of received WebSocket messages waiting for the engine now.
    pub input_bytes_held: usize,
    /// The most such bytes ever held at once.
    pub input_bytes_peak: usize,
    /// The budget those bytes never exceed
    /// ([`ServerConfig::max_input_bytes`]).
    pub input_bytes_budget: usize,
    /// TCP connections open on the WebSocket port, those still in their
    /// handshake included.
    pub ws_sockets_open: usize,
    /// Connections on the WebSocket port closed at accept because their
    /// address had [`ServerConfig::max_conns_per_ip`] open already.
    pub ws_refused_at_accept: u64,
    /// Connections open on the REST port.
    pub http_conns_open: usize,
    /// REST connections dropped, while waiting for a request, to make room
    /// for a new one of the same address (or over the server-wide cap).
    pub http_evicted: u64,
    /// REST connections closed at accept because no idle one could make
    /// room.
    pub http_refused: u64,
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
    // The seed drives what must be reproducible under a fixed seed; A2
    // keys always come from the operating system's CSPRNG.
    let seed = config.seed.unwrap_or_else(engine_task::os_seed);
    let mut engine_config = config.engine_config();
    if engine_config.files.base_url.is_none() {
        // Signed file URLs name the HTTP listener itself.
        engine_config.files.base_url = http_listener
            .as_ref()
            .map(|(_, addr)| format!("http://{addr}"));
    }
    let max_file_bytes = engine_config.files.max_file_bytes;
    let engine =
        Engine::new(engine_config, store, seed).with_key_source(Box::new(engine_task::OsKeys));
    let (inputs, input_rx) = mpsc::unbounded_channel();
    let (shutdown, shutdown_rx) = watch::channel(false);
    let settings = ConnSettings {
        queue_len: config.outbound_queue_len,
        // Let messages up to twice the engine's limit through, so that the
        // engine itself refuses them with a typed close (1009) and a reason.
        max_message_bytes: config.limits.max_frame_bytes.saturating_mul(2),
        max_frame_before_login: config.max_frame_bytes_before_login,
        max_frame_after_login: config.limits.max_frame_bytes,
    };
    let shared = Arc::new(Shared {
        budget: InputBudget::new(config.max_input_bytes),
        ws_slots: IpSlots::new(),
        refused_at_accept: AtomicU64::new(0),
        http_open: AtomicUsize::new(0),
        http_evicted: AtomicU64::new(0),
        http_refused: AtomicU64::new(0),
    });
    let engine = engine_task::spawn(engine, input_rx).map_err(ServerError::Thread)?;
    let (http, http_addr) = match http_listener {
        Some((listener, addr)) => {
            let limits = http::HttpLimits {
                max_per_ip: config.max_http_conns_per_ip,
                max_file_bytes,
            };
            let task = http::accept_loop(
                listener,
                inputs.clone(),
                shutdown_rx.clone(),
                limits,
                shared.clone(),
            );
            tracing::info!(url = %format!("http://{addr}"), "REST admin API listening");
            (Some(tokio::spawn(task)), Some(addr))
        }
        None => (None, None),
    };
    let accept = tokio::spawn(accept_loop(
        listener,
        inputs,
        shutdown_rx,
        settings,
        config.max_conns_per_ip,
        shared.clone(),
    ));
    tracing::info!(url = %format!("ws://{ws_addr}{}", conn::PATH), db = ?config.db, "tcchat-server listening");
    Ok(RunningServer {
        ws_addr,
        http_addr,
        shutdown,
        accept,
        http,
        engine,
        shared,
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

    /// What the server holds now and has refused so far (see
    /// [`ServerStats`]).
    pub fn stats(&self) -> ServerStats {
        self.shared.stats()
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
        let mut engine = self.engine;
        engine.crash().await;
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
        if tokio::time::timeout(SHUTDOWN_GRACE, engine.finished())
            .await
            .is_err()
        {
            tracing::error!("the engine did not stop in time; stopping it without a flush");
            engine.crash().await;
        }
        tracing::info!("tcchat-server stopped");
    }
}

async fn accept_loop(
    listener: TcpListener,
    inputs: mpsc::UnboundedSender<Input>,
    mut shutdown: watch::Receiver<bool>,
    settings: ConnSettings,
    max_conns_per_ip: usize,
    shared: Arc<Shared>,
) {
    let mut conns = JoinSet::new();
    let mut next_id: u64 = 0;
    let mut logs = LogLimiter::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    // The address's cap applies from accept, before the
                    // handshake: a socket in its handshake holds a slot.
                    let ip = http::canonical(peer.ip());
                    let Some(slot) = shared.ws_slots.take(ip, max_conns_per_ip) else {
                        shared.refused_at_accept.fetch_add(1, Ordering::Relaxed);
                        logs.line(std::time::Instant::now(), LogSite::AcceptRefused, |suppressed| {
                            tracing::warn!(%ip, limit = max_conns_per_ip, suppressed, "too many connections from one address: closed at accept");
                        });
                        drop(stream);
                        continue;
                    };
                    next_id += 1;
                    let ctx = ConnContext {
                        peer,
                        conn: ConnId(next_id),
                        inputs: inputs.clone(),
                        shutdown: shutdown.clone(),
                        settings,
                        budget: shared.budget.clone(),
                        slot,
                    };
                    conns.spawn(conn::run(stream, ctx));
                }
                Err(err) => {
                    // Typically out of file descriptors: back off a little.
                    logs.line(std::time::Instant::now(), LogSite::AcceptRefused, |suppressed| {
                        tracing::warn!(%err, suppressed, "accept failed");
                    });
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

/// A server on its own thread with its own tokio runtime; see
/// [`start_in_thread`].
///
/// Dropping it shuts the server down (and waits for that), like
/// [`shutdown`](BackgroundServer::shutdown).
#[derive(Debug)]
pub struct BackgroundServer {
    ws_addr: SocketAddr,
    http_addr: Option<SocketAddr>,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<Stop>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// How a [`BackgroundServer`] is asked to stop.
#[derive(Debug, Clone, Copy)]
enum Stop {
    Graceful,
    Crash,
}

type Ready = Result<(SocketAddr, Option<SocketAddr>, Arc<Shared>), ServerError>;

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
                        let addrs = (server.ws_addr(), server.http_addr(), server.shared.clone());
                        let _ = ready_tx.send(Ok(addrs));
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
    let (ws_addr, http_addr, shared) = match ready_rx.recv() {
        Ok(Ok(ready)) => ready,
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
        shared,
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

    /// What the server holds and has refused, as [`RunningServer::stats`].
    pub fn stats(&self) -> ServerStats {
        self.shared.stats()
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
