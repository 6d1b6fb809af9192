//! One WebSocket connection: connect (TCP, TLS for `wss://`, handshake),
//! then shuttle binary frames between the socket and the driver.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use async_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use async_tungstenite::tungstenite::Message as WsMessage;
use async_tungstenite::{WebSocketSender, WebSocketStream};
use futures_channel::mpsc;
use futures_rustls::rustls::pki_types::ServerName;
use futures_rustls::rustls::{ClientConfig, RootCertStore};
use futures_rustls::TlsConnector;
use futures_util::future::{select, Either};
use futures_util::StreamExt;
use tcchat_core::wire::Limits;
use tcchat_core::{ConnId, ConnectCause, ConnectFailure, DisconnectReason};

use crate::runtime::{Io, Runtime};

/// Read buffer of a WebSocket connection (tungstenite's default is 128 KiB).
const READ_BUFFER_BYTES: usize = 4096;

/// What the driver asks a connection task to do.
pub(crate) enum Outgoing {
    Frame(bytes::Bytes),
    Close(u16),
}

/// What a connection task reports to the driver.
pub(crate) enum Incoming {
    /// A command was given to the core: drain its outputs.
    Wake,
    Connected(ConnId),
    Frame(ConnId, Vec<u8>),
    /// The connection never opened, for this reason.
    ConnectFailed(ConnId, ConnectFailure),
    Closed(ConnId, DisconnectReason),
    /// An upload made progress: bytes sent of the total.
    UploadProgress(tcchat_core::client::UploadId, u64, u64),
    /// An upload ended.
    UploadDone(tcchat_core::client::UploadId, Result<(), String>),
}

/// How long closing a connection may take (the close frame and its flush):
/// past it the socket is dropped, so a peer that stopped reading cannot keep
/// a closing connection task alive.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(1);

type Sink = WebSocketSender<Box<dyn Io>>;

/// Connect to `url` and serve the connection until either side closes it.
///
/// Every write is bounded by `write_timeout`: a peer that stops reading
/// fills the socket buffers and would otherwise hold the task in the write
/// for ever. While a write is pending the driver's close (or the driver
/// going away) is still honoured, at once; frames the driver queues
/// meanwhile are sent after it, in order.
pub(crate) async fn run_connection<R: Runtime>(
    runtime: R,
    conn: ConnId,
    url: String,
    write_timeout: Duration,
    to_driver: mpsc::UnboundedSender<Incoming>,
    mut from_driver: mpsc::UnboundedReceiver<Outgoing>,
) {
    // The driver may give up on a connect that hangs (a peer that accepts
    // and never answers the handshake): its close ends the attempt. Frames
    // (the core sends none before the link opens) would wait for it.
    let mut queued: VecDeque<bytes::Bytes> = VecDeque::new();
    let mut connecting = Box::pin(connect(&runtime, &url));
    let ws = loop {
        match select(&mut connecting, from_driver.next()).await {
            Either::Left((Ok(ws), _)) => break ws,
            Either::Left((Err(why), _)) => {
                let _ = to_driver.unbounded_send(Incoming::ConnectFailed(conn, why));
                return;
            }
            Either::Right((Some(Outgoing::Frame(frame)), _)) => queued.push_back(frame),
            Either::Right((Some(Outgoing::Close(_)) | None, _)) => return,
        }
    };
    drop(connecting);
    let _ = to_driver.unbounded_send(Incoming::Connected(conn));
    let (mut sink, mut stream) = ws.split();
    let reason = loop {
        if let Some(frame) = queued.pop_front() {
            let write = send_bounded(
                &runtime,
                &mut sink,
                frame,
                write_timeout,
                &mut from_driver,
                &mut queued,
            );
            match write.await {
                Write::Sent => continue,
                Write::Failed(why) => break DisconnectReason::Error(why),
                Write::Close(code) => return close(&runtime, &mut sink, code).await,
            }
        }
        match select(stream.next(), from_driver.next()).await {
            Either::Left((incoming, _)) => match incoming {
                Some(Ok(WsMessage::Binary(bytes))) => {
                    let _ = to_driver.unbounded_send(Incoming::Frame(conn, bytes.to_vec()));
                }
                // The official SDK ignores text frames on /binfo; so do we.
                Some(Ok(
                    WsMessage::Text(_)
                    | WsMessage::Ping(_)
                    | WsMessage::Pong(_)
                    | WsMessage::Frame(_),
                )) => {}
                Some(Ok(WsMessage::Close(frame))) => {
                    break DisconnectReason::Closed(frame.map(|f| u16::from(f.code)));
                }
                Some(Err(err)) => break DisconnectReason::Error(err.to_string()),
                None => break DisconnectReason::Closed(None),
            },
            Either::Right((outgoing, _)) => match outgoing {
                Some(Outgoing::Frame(frame)) => queued.push_back(frame),
                Some(Outgoing::Close(code)) => return close(&runtime, &mut sink, Some(code)).await,
                // The driver is gone (destroyed): close quietly.
                None => return close(&runtime, &mut sink, None).await,
            },
        }
    };
    let _ = to_driver.unbounded_send(Incoming::Closed(conn, reason));
}

/// How a bounded write ended.
enum Write {
    Sent,
    /// The write failed or did not finish in time: the link is lost.
    Failed(String),
    /// The driver closed the link (with this code; `None`: the driver is
    /// gone) while the write was pending.
    Close(Option<u16>),
}

/// Write one frame, for at most `timeout`, still listening to the driver:
/// a close ends the write at once, further frames wait in `queued`.
async fn send_bounded<R: Runtime>(
    runtime: &R,
    sink: &mut Sink,
    frame: bytes::Bytes,
    timeout: Duration,
    from_driver: &mut mpsc::UnboundedReceiver<Outgoing>,
    queued: &mut VecDeque<bytes::Bytes>,
) -> Write {
    let mut send = Box::pin(sink.send(WsMessage::Binary(frame)));
    let mut deadline = runtime.sleep_until(Instant::now() + timeout);
    loop {
        let bounded = select(&mut send, &mut deadline);
        match select(bounded, from_driver.next()).await {
            Either::Left((Either::Left((Ok(()), _)), _)) => return Write::Sent,
            Either::Left((Either::Left((Err(err), _)), _)) => {
                return Write::Failed(err.to_string())
            }
            Either::Left((Either::Right(((), _)), _)) => {
                return Write::Failed(format!(
                    "a write did not complete in {} ms: the peer stopped reading",
                    timeout.as_millis()
                ))
            }
            Either::Right((Some(Outgoing::Frame(next)), _)) => queued.push_back(next),
            Either::Right((Some(Outgoing::Close(code)), _)) => return Write::Close(Some(code)),
            Either::Right((None, _)) => return Write::Close(None),
        }
    }
}

/// Close the WebSocket (with `code`, or without a close frame's code when
/// the driver is gone), giving up after [`CLOSE_TIMEOUT`]: the socket is
/// dropped either way when the task ends.
async fn close<R: Runtime>(runtime: &R, sink: &mut Sink, code: Option<u16>) {
    let frame = code.map(|code| CloseFrame {
        code: CloseCode::from(code),
        reason: "".into(),
    });
    let closing = Box::pin(sink.close(frame));
    let deadline = runtime.sleep_until(Instant::now() + CLOSE_TIMEOUT);
    let _ = select(closing, deadline).await;
}

/// Why a TCP connect failed: refused, a name that did not resolve (the
/// runtimes report lookup failures as plain I/O errors, recognised by
/// their text), a timeout, or something else.
fn tcp_cause(err: &std::io::Error) -> ConnectCause {
    use std::io::ErrorKind;
    match err.kind() {
        ErrorKind::ConnectionRefused => ConnectCause::Refused,
        ErrorKind::TimedOut => ConnectCause::Timeout,
        _ => {
            let text = err.to_string().to_ascii_lowercase();
            let dns = ["lookup", "resolve", "not known", "no address", "nodename"];
            if dns.iter().any(|w| text.contains(w)) {
                ConnectCause::Dns
            } else {
                ConnectCause::Other
            }
        }
    }
}

async fn connect<R: Runtime>(
    runtime: &R,
    url: &str,
) -> Result<WebSocketStream<Box<dyn Io>>, ConnectFailure> {
    use async_tungstenite::tungstenite::Error as WsError;
    let other = |why: String| ConnectFailure::new(ConnectCause::Other, why);
    let parsed = url::Url::parse(url).map_err(|e| other(format!("bad URL {url}: {e}")))?;
    let tls = match parsed.scheme() {
        "ws" => false,
        "wss" => true,
        scheme => return Err(other(format!("unsupported scheme {scheme}"))),
    };
    let host = parsed
        .host_str()
        .ok_or_else(|| other(format!("no host in {url}")))?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let port = parsed
        .port_or_known_default()
        .unwrap_or(if tls { 443 } else { 80 });
    let tcp = runtime
        .connect_tcp(host.clone(), port)
        .await
        .map_err(|e| ConnectFailure::new(tcp_cause(&e), format!("connect {host}:{port}: {e}")))?;
    let io: Box<dyn Io> = if tls {
        let name = ServerName::try_from(host.clone())
            .map_err(|e| other(format!("bad TLS name {host}: {e}")))?;
        let stream = tls_connector()
            .connect(name, tcp)
            .await
            .map_err(|e| ConnectFailure::new(ConnectCause::Tls, format!("TLS with {host}: {e}")))?;
        Box::new(stream)
    } else {
        tcp
    };
    let limit = Limits::default().max_frame_bytes;
    // tungstenite's default read buffer is 128 KiB per connection, zero
    // filled before each read: most of an idle instance's memory and a
    // third of its receive CPU (BENCHMARKS.md §6). Frames are small.
    let config = WebSocketConfig::default()
        .read_buffer_size(READ_BUFFER_BYTES)
        .max_message_size(Some(limit))
        .max_frame_size(Some(limit));
    let (ws, _) = async_tungstenite::client_async_with_config(url, io, Some(config))
        .await
        .map_err(|e| {
            let cause = match &e {
                WsError::Http(response) => ConnectCause::HttpStatus(response.status().as_u16()),
                WsError::Tls(_) => ConnectCause::Tls,
                _ => ConnectCause::Other,
            };
            ConnectFailure::new(cause, format!("WebSocket handshake with {url}: {e}"))
        })?;
    Ok(ws)
}

pub(crate) fn tls_connector() -> TlsConnector {
    let roots = RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let provider = Arc::new(futures_rustls::rustls::crypto::ring::default_provider());
    // ring supports every default protocol version, so this only fails if
    // the provider is changed to one that does not: a build mistake the
    // first `wss://` test shows, never a connection made with no roots.
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("the ring provider supports rustls' default protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    TlsConnector::from(Arc::new(config))
}
