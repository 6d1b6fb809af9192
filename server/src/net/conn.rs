//! One WebSocket connection: handshake, a reader feeding the engine task,
//! and a writer draining the connection's outbound queue.

use std::net::SocketAddr;
use std::time::Duration;

use async_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use async_tungstenite::tungstenite::http::StatusCode;
use async_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use async_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use async_tungstenite::tungstenite::{Error as WsError, Message};
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::timeout;

use super::budget::{Gate, InputBudget, IpSlot, Metered};
use super::engine_task::{ConnHandle, Input};
use crate::codes;
use crate::engine::ConnId;

/// The one path the server accepts: binary frames.
pub(crate) const PATH: &str = "/binfo";

/// Time from accept to a completed WebSocket handshake; the socket holds
/// its address's slot ([`IpSlot`]) meanwhile.
pub(crate) const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);

/// Per-connection settings from the server config.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ConnSettings {
    pub queue_len: usize,
    pub max_message_bytes: usize,
    /// The engine's frame limit before login.
    pub max_frame_before_login: usize,
    /// The engine's frame limit after login.
    pub max_frame_after_login: usize,
}

/// Control messages (pings, pongs) a socket may send before it is trusted;
/// the engine never sees them, so its frame rate does not count them.
const MAX_CONTROL_BEFORE_LOGIN: u32 = 100;

enum ReadEnd {
    Closed,
    Text,
    TooBig,
    TooManyControl,
    EngineGone,
}

/// Everything one connection task needs besides its socket.
pub(crate) struct ConnContext {
    pub peer: SocketAddr,
    pub conn: ConnId,
    pub inputs: mpsc::UnboundedSender<Input>,
    pub shutdown: watch::Receiver<bool>,
    pub settings: ConnSettings,
    pub budget: std::sync::Arc<InputBudget>,
    /// This connection's place in its address's count, held to the end.
    pub slot: IpSlot,
}

pub(crate) async fn run(stream: TcpStream, ctx: ConnContext) {
    let ConnContext {
        peer,
        conn,
        inputs,
        mut shutdown,
        settings,
        budget,
        slot,
    } = ctx;
    let _slot = slot;
    let _ = stream.set_nodelay(true);
    let gate = Gate::new(
        settings.max_frame_before_login,
        settings.max_frame_after_login,
    );
    let stream = Metered::new(stream, gate.clone());
    let mut query = None;
    // The error type is tungstenite's; its size is not ours to choose.
    #[allow(clippy::result_large_err)]
    let callback = |req: &Request, resp: Response| -> Result<Response, ErrorResponse> {
        if req.uri().path() != PATH {
            let mut err = ErrorResponse::new(Some(format!(
                "tcchat-server serves WebSocket on {PATH} only\n"
            )));
            *err.status_mut() = StatusCode::NOT_FOUND;
            return Err(err);
        }
        query = Some(req.uri().query().unwrap_or("").to_owned());
        Ok(resp)
    };
    // 4 KiB instead of tungstenite's 128 KiB read buffer: per-connection
    // memory (BENCHMARKS.md §6).
    let config = WebSocketConfig::default()
        .read_buffer_size(4096)
        .max_message_size(Some(settings.max_message_bytes))
        .max_frame_size(Some(settings.max_message_bytes));
    let handshake =
        async_tungstenite::tokio::accept_hdr_async_with_config(stream, callback, Some(config));
    let ws = tokio::select! {
        r = timeout(HANDSHAKE_TIMEOUT, handshake) => match r {
            Ok(Ok(ws)) => ws,
            Ok(Err(err)) => {
                tracing::debug!(%peer, %err, "websocket handshake failed");
                return;
            }
            Err(_) => {
                tracing::debug!(%peer, "websocket handshake timed out");
                return;
            }
        },
        _ = shutdown.changed() => return,
    };
    let query = query.unwrap_or_default();
    gate.message_boundary();
    tracing::debug!(%peer, conn = conn.0, "websocket open");

    let (frames_tx, mut frames_rx) = mpsc::channel(settings.queue_len);
    let (close_tx, mut close_rx) = oneshot::channel::<(u16, String)>();
    let handle = ConnHandle {
        frames: frames_tx,
        close: close_tx,
        gate: gate.clone(),
    };
    if inputs
        .send(Input::Connect {
            conn,
            query,
            peer: super::http::canonical(peer.ip()),
            handle,
        })
        .is_err()
    {
        return;
    }

    let (mut sink, mut source) = ws.split();
    let reader_inputs = inputs.clone();
    let reader_gate = gate.clone();
    let mut reader = AbortOnDrop(tokio::spawn(async move {
        let gate = reader_gate;
        let mut control = 0u32;
        while let Some(msg) = source.next().await {
            match msg {
                Ok(Message::Binary(data)) => {
                    // Only a whole data message ends one: pings may come
                    // between the fragments of an unfinished message, which
                    // the WebSocket layer keeps buffering meanwhile.
                    gate.message_boundary();
                    // Wait for this connection's credit, then for room in
                    // the engine's budget: a flooder waits here, on its own.
                    let Some(permits) = gate.admit(&budget, data.len()).await else {
                        return ReadEnd::EngineGone;
                    };
                    let frame = Input::Frame {
                        conn,
                        data,
                        permits,
                    };
                    if reader_inputs.send(frame).is_err() {
                        return ReadEnd::EngineGone;
                    }
                }
                Ok(Message::Text(_)) => return ReadEnd::Text,
                Ok(Message::Close(_)) => return ReadEnd::Closed,
                Ok(_) if gate.is_trusted() => {}
                Ok(_) => {
                    control += 1;
                    if control > MAX_CONTROL_BEFORE_LOGIN {
                        return ReadEnd::TooManyControl;
                    }
                }
                Err(WsError::Capacity(_)) => return ReadEnd::TooBig,
                Err(_) if gate.overflowed() => return ReadEnd::TooBig,
                Err(_) => return ReadEnd::Closed,
            }
        }
        ReadEnd::Closed
    }));

    let going_away = || (codes::CLOSE_GOING_AWAY, "server shutting down".to_owned());
    let end: Option<(u16, String)> = loop {
        tokio::select! {
            biased;
            close = &mut close_rx => break Some(close.unwrap_or_else(|_| going_away())),
            read = &mut reader.0 => break match read {
                Ok(ReadEnd::Text) => Some((
                    codes::CLOSE_UNSUPPORTED_DATA,
                    format!("{PATH} carries binary messages only"),
                )),
                Ok(ReadEnd::TooBig) => Some((codes::CLOSE_TOO_BIG, "message too big".to_owned())),
                Ok(ReadEnd::TooManyControl) => Some((
                    codes::CLOSE_TOO_MANY_FRAMES,
                    "too many control frames before login".to_owned(),
                )),
                Ok(ReadEnd::EngineGone) => Some(going_away()),
                Ok(ReadEnd::Closed) | Err(_) => None,
            },
            _ = shutdown.changed() => break Some(going_away()),
            frame = frames_rx.recv() => match frame {
                Some(frame) => {
                    // A client that does not read blocks this send; the
                    // engine then closes it (queue full, 1008) and the
                    // connection is dropped at once instead of after the
                    // write timeout.
                    tokio::select! {
                        biased;
                        close = &mut close_rx => break Some(close.unwrap_or_else(|_| going_away())),
                        sent = timeout(WRITE_TIMEOUT, sink.send(Message::Binary(frame))) => {
                            if !matches!(sent, Ok(Ok(()))) {
                                break None;
                            }
                        }
                        _ = shutdown.changed() => break Some(going_away()),
                    }
                }
                None => break Some(going_away()),
            },
        }
    };
    let frame = end.map(|(code, reason)| {
        tracing::debug!(conn = conn.0, code, %reason, "closing websocket");
        CloseFrame {
            code: CloseCode::from(code),
            reason: truncate(reason).into(),
        }
    });
    match frame {
        Some(frame) => {
            let _ = timeout(CLOSE_TIMEOUT, sink.close(Some(frame))).await;
        }
        // The peer closed: tungstenite has queued the echo of its Close
        // (RFC 6455 §5.5.1); flushing writes it.
        None => {
            let _ = timeout(CLOSE_TIMEOUT, sink.flush()).await;
        }
    }
    drop(reader);
    let _ = inputs.send(Input::Disconnect { conn });
    tracing::debug!(conn = conn.0, "connection ended");
}

/// Aborts the reader when the connection task ends in any way, including
/// being aborted itself at the end of a shutdown grace period: a reader left
/// behind would keep the engine's input channel open.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Close reasons are limited to 123 bytes.
fn truncate(mut reason: String) -> String {
    let mut end = reason.len().min(123);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    reason.truncate(end);
    reason
}
