//! The HTTP listener of the REST admin API (hyper, HTTP/1.1). Each request
//! is read (bounded in size and time), handed to the engine task, and
//! answered with the engine's JSON.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinSet;

use super::engine_task::{Input, RestCall};
use crate::engine::{AdminError, RestResponse, MAX_REST_BODY};

/// Concurrent HTTP connections; more are closed as soon as accepted.
const MAX_HTTP_CONNS: usize = 256;
/// Time to send the request headers, and then the body.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) async fn accept_loop(
    listener: TcpListener,
    inputs: mpsc::Sender<Input>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    if conns.len() >= MAX_HTTP_CONNS {
                        tracing::warn!(%peer, "too many HTTP connections: dropping one");
                        continue;
                    }
                    let inputs = inputs.clone();
                    let mut shutdown = shutdown.clone();
                    conns.spawn(async move {
                        let _ = stream.set_nodelay(true);
                        let service = service_fn(move |req| serve(req, peer, inputs.clone()));
                        let conn = http1::Builder::new()
                            .timer(TokioTimer::new())
                            .header_read_timeout(READ_TIMEOUT)
                            .max_buf_size(64 * 1024)
                            .serve_connection(TokioIo::new(stream), service);
                        tokio::select! {
                            result = conn => {
                                if let Err(err) = result {
                                    tracing::debug!(%peer, %err, "HTTP connection ended with an error");
                                }
                            }
                            _ = shutdown.changed() => {}
                        }
                    });
                }
                Err(err) => {
                    tracing::warn!(%err, "HTTP accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            _ = shutdown.changed() => break,
        }
    }
    // Dropping the set aborts connections still open.
}

fn respond(resp: RestResponse) -> Response<Full<Bytes>> {
    let mut out = Response::new(Full::new(Bytes::from(resp.body)));
    *out.status_mut() = StatusCode::from_u16(resp.status).unwrap_or(StatusCode::OK);
    out.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    out
}

fn unavailable() -> Response<Full<Bytes>> {
    let mut out = Response::new(Full::new(Bytes::from_static(
        br#"{"ActionStatus":"FAIL","ErrorCode":70500,"ErrorInfo":"server shutting down"}"#,
    )));
    *out.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    out
}

async fn serve(
    req: Request<Incoming>,
    peer: SocketAddr,
    inputs: mpsc::Sender<Input>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or("").to_owned();
    let read = tokio::time::timeout(
        READ_TIMEOUT,
        Limited::new(req.into_body(), MAX_REST_BODY).collect(),
    )
    .await;
    let body = match read {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(err)) if err.downcast_ref::<LengthLimitError>().is_some() => {
            let err = AdminError::BodyTooLarge {
                limit: MAX_REST_BODY,
            };
            return Ok(respond(RestResponse::error(&err)));
        }
        Ok(Err(_)) | Err(_) => {
            let mut out = Response::new(Full::new(Bytes::new()));
            *out.status_mut() = StatusCode::REQUEST_TIMEOUT;
            return Ok(out);
        }
    };
    let (reply, answer) = oneshot::channel();
    let call = RestCall {
        method,
        path,
        query,
        body,
        peer: Some(canonical(peer.ip())),
        reply,
    };
    if inputs.send(Input::Rest(call)).await.is_err() {
        return Ok(unavailable());
    }
    Ok(match answer.await {
        Ok(resp) => respond(resp),
        Err(_) => unavailable(),
    })
}

/// IPv4-mapped IPv6 addresses count as their IPv4 address.
pub(crate) fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}
