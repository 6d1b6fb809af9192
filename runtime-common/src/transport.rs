//! One WebSocket connection: connect (TCP, TLS for `wss://`, handshake),
//! then shuttle binary frames between the socket and the driver.

use std::sync::Arc;

use async_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use async_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use async_tungstenite::tungstenite::Message as WsMessage;
use async_tungstenite::WebSocketStream;
use futures_channel::mpsc;
use futures_rustls::rustls::pki_types::ServerName;
use futures_rustls::rustls::{ClientConfig, RootCertStore};
use futures_rustls::TlsConnector;
use futures_util::future::{select, Either};
use futures_util::StreamExt;
use tcchat_core::wire::Limits;
use tcchat_core::{ConnId, DisconnectReason};

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
    Closed(ConnId, DisconnectReason),
}

/// Connect to `url` and serve the connection until either side closes it.
pub(crate) async fn run_connection<R: Runtime>(
    runtime: R,
    conn: ConnId,
    url: String,
    to_driver: mpsc::UnboundedSender<Incoming>,
    mut from_driver: mpsc::UnboundedReceiver<Outgoing>,
) {
    let ws = match connect(&runtime, &url).await {
        Ok(ws) => ws,
        Err(why) => {
            let _ = to_driver
                .unbounded_send(Incoming::Closed(conn, DisconnectReason::ConnectFailed(why)));
            return;
        }
    };
    let _ = to_driver.unbounded_send(Incoming::Connected(conn));
    let (mut sink, mut stream) = ws.split();
    let reason = loop {
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
                Some(Outgoing::Frame(frame)) => {
                    if let Err(err) = sink.send(WsMessage::Binary(frame)).await {
                        break DisconnectReason::Error(err.to_string());
                    }
                }
                Some(Outgoing::Close(code)) => {
                    let frame = CloseFrame {
                        code: CloseCode::from(code),
                        reason: "".into(),
                    };
                    let _ = sink.close(Some(frame)).await;
                    return;
                }
                // The driver is gone (destroyed): close quietly.
                None => {
                    let _ = sink.close(None).await;
                    return;
                }
            },
        }
    };
    let _ = to_driver.unbounded_send(Incoming::Closed(conn, reason));
}

async fn connect<R: Runtime>(
    runtime: &R,
    url: &str,
) -> Result<WebSocketStream<Box<dyn Io>>, String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("bad URL {url}: {e}"))?;
    let tls = match parsed.scheme() {
        "ws" => false,
        "wss" => true,
        other => return Err(format!("unsupported scheme {other}")),
    };
    let host = parsed
        .host_str()
        .ok_or_else(|| format!("no host in {url}"))?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let port = parsed
        .port_or_known_default()
        .unwrap_or(if tls { 443 } else { 80 });
    let tcp = runtime
        .connect_tcp(host.clone(), port)
        .await
        .map_err(|e| format!("connect {host}:{port}: {e}"))?;
    let io: Box<dyn Io> = if tls {
        let name =
            ServerName::try_from(host.clone()).map_err(|e| format!("bad TLS name {host}: {e}"))?;
        let stream = tls_connector()
            .connect(name, tcp)
            .await
            .map_err(|e| format!("TLS with {host}: {e}"))?;
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
        .map_err(|e| format!("WebSocket handshake with {url}: {e}"))?;
    Ok(ws)
}

fn tls_connector() -> TlsConnector {
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
