//! The task that owns the [`Engine`] and its store and processes inputs in
//! arrival order. It runs on a thread of its own ([`spawn`]), so the
//! store's blocking calls (SQLite) never hold up the runtime's workers,
//! which keep reading and writing sockets meanwhile.

use std::collections::HashMap;
use std::mem::ManuallyDrop;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use tokio::sync::{mpsc, oneshot, watch};

use super::budget::{FramePermits, Gate};
use crate::codes;
use crate::engine::logs::{LogLimiter, LogSite};
use crate::engine::{
    ConnId, Engine, FileRequest, FileResponse, KeySource, Output, RestRequest, RestResponse,
};
use crate::store::Store;

/// An event for the engine task.
pub(crate) enum Input {
    /// A WebSocket handshake completed.
    Connect {
        conn: ConnId,
        query: String,
        peer: IpAddr,
        handle: ConnHandle,
    },
    /// A REST call arrived on the HTTP listener.
    Rest(RestCall),
    /// A request on the file endpoint arrived on the HTTP listener.
    File(FileCall),
    /// A binary message arrived; `permits` hold its bytes against the
    /// connection's and the server's budgets until it is handled.
    Frame {
        conn: ConnId,
        data: Bytes,
        permits: FramePermits,
    },
    /// The connection ended.
    Disconnect { conn: ConnId },
}

/// A REST call and where its answer goes.
pub(crate) struct RestCall {
    pub method: String,
    pub path: String,
    pub query: String,
    pub body: Bytes,
    pub peer: Option<IpAddr>,
    pub reply: oneshot::Sender<RestResponse>,
}

/// A request on the file endpoint and where its answer goes.
pub(crate) struct FileCall {
    pub method: String,
    pub path: String,
    pub query: String,
    pub content_type: Option<String>,
    pub range: Option<String>,
    pub body: Bytes,
    pub reply: oneshot::Sender<FileResponse>,
}

/// How the engine task reaches one connection's writer.
pub(crate) struct ConnHandle {
    /// Bounded queue of outbound messages.
    pub frames: mpsc::Sender<Bytes>,
    /// Close the connection with this code and reason.
    pub close: oneshot::Sender<(u16, String)>,
    /// The connection's budgets, lifted once the engine trusts it.
    pub gate: Arc<Gate>,
}

/// A CSPRNG for A2 session keys: the operating system's.
#[derive(Debug)]
pub(crate) struct OsKeys;

impl KeySource for OsKeys {
    fn fill(&mut self, out: &mut [u8; 16]) {
        getrandom::fill(out).expect(
            "the operating system's random number generator failed; A2 keys cannot be made",
        );
    }
}

/// A seed from the operating system's random number generator.
pub(crate) fn os_seed() -> u64 {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes)
        .expect("the operating system's random number generator failed; cannot seed the server");
    u64::from_le_bytes(bytes)
}

/// The engine's thread: stop it at once (without a flush) with
/// [`crash`](Self::crash), or wait for it to end by itself (its inputs all
/// gone) with [`finished`](Self::finished).
#[derive(Debug)]
pub(crate) struct EngineThread {
    crash: watch::Sender<bool>,
    done: Option<oneshot::Receiver<()>>,
}

impl EngineThread {
    /// Wait until the engine has stopped (flushed, unless crashed).
    pub(crate) async fn finished(&mut self) {
        if let Some(done) = self.done.take() {
            let _ = done.await;
        }
    }

    /// Stop the engine at once, leaking it and its store as a killed
    /// process would; returns when it has stopped.
    pub(crate) async fn crash(&mut self) {
        let _ = self.crash.send(true);
        self.finished().await;
    }
}

/// Run `engine` on a new thread with its own single-threaded runtime (for
/// its timers) until every input sender is gone or it is crashed.
pub(crate) fn spawn<S: Store + Send + 'static>(
    engine: Engine<S>,
    inputs: mpsc::UnboundedReceiver<Input>,
) -> std::io::Result<EngineThread> {
    // Dropping the sender (a server dropped without shutdown) is not a
    // crash: the engine then ends normally once its inputs are gone.
    let (crash_tx, crash_rx) = watch::channel(false);
    let (done_tx, done_rx) = oneshot::channel();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    std::thread::Builder::new()
        .name("tcchat-engine".to_owned())
        .spawn(move || {
            runtime.block_on(run(engine, inputs, crash_rx));
            let _ = done_tx.send(());
        })?;
    Ok(EngineThread {
        crash: crash_tx,
        done: Some(done_rx),
    })
}

pub(crate) fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

fn now() -> Instant {
    tokio::time::Instant::now().into_std()
}

/// Run until every input sender is gone, then flush the store.
///
/// The engine (and its store) is only dropped when the task ends normally.
/// If it is crashed instead ([`RunningServer::crash`](super::RunningServer::crash)),
/// they are leaked, as a killed process leaves its database: not closed,
/// not checkpointed.
async fn run<S: Store>(
    engine: Engine<S>,
    mut inputs: mpsc::UnboundedReceiver<Input>,
    mut crash: watch::Receiver<bool>,
) {
    let mut engine = ManuallyDrop::new(engine);
    let mut crash_open = true;
    let mut conns: HashMap<ConnId, ConnHandle> = HashMap::new();
    let mut logs = LogLimiter::new();
    loop {
        let deadline = engine.poll_timeout();
        let timer = async {
            match deadline {
                Some(at) => tokio::time::sleep_until(tokio::time::Instant::from_std(at)).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            biased;
            crashed = crash.wait_for(|c| *c), if crash_open => match crashed {
                Ok(_) => {
                    tracing::debug!("engine crashed on purpose: leaking it");
                    return;
                }
                Err(_) => crash_open = false,
            },
            input = inputs.recv() => match input {
                None => break,
                Some(Input::Connect { conn, query, peer, handle }) => {
                    conns.insert(conn, handle);
                    engine.handle_connect_from(now(), unix_ms(), conn, &query, Some(peer));
                }
                Some(Input::Rest(call)) => {
                    let request = RestRequest {
                        method: &call.method,
                        path: &call.path,
                        query: &call.query,
                        body: &call.body,
                        peer: call.peer,
                    };
                    let response = engine.handle_rest(now(), unix_ms(), &request);
                    let _ = call.reply.send(response);
                }
                Some(Input::File(call)) => {
                    let request = FileRequest {
                        method: &call.method,
                        path: &call.path,
                        query: &call.query,
                        content_type: call.content_type.as_deref(),
                        range: call.range.as_deref(),
                        body: &call.body,
                    };
                    let response = engine.handle_file(unix_ms(), &request);
                    let _ = call.reply.send(response);
                }
                Some(Input::Frame { conn, data, permits }) => {
                    engine.handle_frame(now(), unix_ms(), conn, &data);
                    drop(permits);
                    if let Some(handle) = conns.get(&conn) {
                        if !handle.gate.is_trusted() && engine.is_trusted(conn) {
                            handle.gate.trust();
                        }
                    }
                }
                Some(Input::Disconnect { conn }) => {
                    conns.remove(&conn);
                    engine.handle_disconnect(now(), unix_ms(), conn);
                }
            },
            () = timer => engine.handle_timeout(now(), unix_ms()),
        }
        drain(&mut engine, &mut conns, &mut logs);
        crate::shrink::after_removal(&mut conns);
    }
    if let Err(err) = engine.flush() {
        tracing::error!(%err, "flushing the store on shutdown failed");
    }
    drop(ManuallyDrop::into_inner(engine));
    tracing::debug!("engine stopped");
}

fn drain<S: Store>(
    engine: &mut Engine<S>,
    conns: &mut HashMap<ConnId, ConnHandle>,
    logs: &mut LogLimiter,
) {
    while let Some(output) = engine.poll_output() {
        match output {
            Output::Send { conn, frame } => {
                let Some(handle) = conns.get(&conn) else {
                    continue;
                };
                match handle.frames.try_send(frame) {
                    Ok(()) => {}
                    Err(mpsc::error::TrySendError::Full(_)) => {
                        logs.line(now(), LogSite::SlowConsumer, |suppressed| {
                            tracing::warn!(
                                conn = conn.0,
                                suppressed,
                                "client does not read: closing it"
                            );
                        });
                        if let Some(handle) = conns.remove(&conn) {
                            let reason = "outbound queue full".to_owned();
                            let _ = handle.close.send((codes::CLOSE_SLOW_CONSUMER, reason));
                        }
                        engine.handle_disconnect(now(), unix_ms(), conn);
                    }
                    Err(mpsc::error::TrySendError::Closed(_)) => {
                        conns.remove(&conn);
                        engine.handle_disconnect(now(), unix_ms(), conn);
                    }
                }
            }
            Output::Close { conn, code, reason } => {
                if let Some(handle) = conns.remove(&conn) {
                    let _ = handle.close.send((code, reason));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::EngineConfig;
    use crate::store::MemoryStore;

    #[test]
    fn a_client_whose_queue_is_full_is_closed_with_1008() {
        let mut engine = Engine::new(EngineConfig::default(), MemoryStore::new(), 1);
        let (frames, mut frames_rx) = mpsc::channel(1);
        let (close, mut close_rx) = oneshot::channel();
        let gate = Gate::new(1024, 1024);
        let mut conns = HashMap::from([(
            ConnId(1),
            ConnHandle {
                frames,
                close,
                gate,
            },
        )]);
        engine.handle_connect(now(), unix_ms(), ConnId(1), "");
        let ping = br#"{"head":{"servcmd":"heartbeat.alive","seq":1},"body":{}}"#;
        engine.handle_frame(now(), unix_ms(), ConnId(1), ping);
        engine.handle_frame(now(), unix_ms(), ConnId(1), ping);
        drain(&mut engine, &mut conns, &mut LogLimiter::new());
        assert!(frames_rx.try_recv().is_ok(), "the first frame fits");
        let (code, reason) = close_rx.try_recv().expect("closed");
        assert_eq!(code, codes::CLOSE_SLOW_CONSUMER);
        assert_eq!(reason, "outbound queue full");
        assert!(conns.is_empty());
        assert_eq!(engine.connection_count(), 0);
    }
}
