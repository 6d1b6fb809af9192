//! The HTTP listener of the REST admin API (hyper, HTTP/1.1). Each request
//! is read (bounded in size and time), handed to the engine task, and
//! answered with the engine's JSON.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::{self, AbortHandle, JoinSet};

use super::engine_task::{Input, RestCall};
use super::Shared;
use crate::engine::logs::{LogLimiter, LogSite};
use crate::engine::{AdminError, RestResponse, MAX_REST_BODY};

/// Concurrent HTTP connections, server-wide.
const MAX_HTTP_CONNS: usize = 256;
/// Time to send the request headers: short, so that connections that
/// never send them (slowloris) free their place quickly.
const HEADER_TIMEOUT: Duration = Duration::from_secs(1);
/// Time to send the body once the headers are in.
const BODY_TIMEOUT: Duration = Duration::from_secs(5);

/// The REST port's per-address limit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HttpLimits {
    /// Open connections per client address (0: only the server-wide cap).
    pub max_per_ip: usize,
}

/// One open HTTP connection, as the accept loop sees it.
struct Open {
    ip: IpAddr,
    since: Instant,
    /// True while a request is being served: such a connection is never
    /// evicted.
    busy: Arc<AtomicBool>,
    abort: AbortHandle,
}

/// Make room for a connection from `ip`: when its address (or the server)
/// is at the cap, abort the oldest connection of that address (or of
/// anyone) that is not serving a request. False when none can go.
fn make_room(open: &mut HashMap<task::Id, Open>, ip: IpAddr, limits: HttpLimits) -> bool {
    let of_ip = open.values().filter(|o| o.ip == ip).count();
    let per_ip_full = limits.max_per_ip > 0 && of_ip >= limits.max_per_ip;
    if !per_ip_full && open.len() < MAX_HTTP_CONNS {
        return true;
    }
    let victim = open
        .iter()
        .filter(|(_, o)| !o.busy.load(Ordering::Acquire) && (!per_ip_full || o.ip == ip))
        .min_by_key(|(_, o)| o.since)
        .map(|(id, _)| *id);
    match victim.and_then(|id| open.remove(&id)) {
        Some(o) => {
            o.abort.abort();
            true
        }
        None => false,
    }
}

pub(crate) async fn accept_loop(
    listener: TcpListener,
    inputs: mpsc::UnboundedSender<Input>,
    mut shutdown: watch::Receiver<bool>,
    limits: HttpLimits,
    shared: Arc<Shared>,
) {
    let mut conns = JoinSet::new();
    let mut open: HashMap<task::Id, Open> = HashMap::new();
    let mut logs = LogLimiter::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let ip = canonical(peer.ip());
                    let before = open.len();
                    if !make_room(&mut open, ip, limits) {
                        shared.http_refused.fetch_add(1, Ordering::Relaxed);
                        logs.line(Instant::now(), LogSite::HttpRefused, |suppressed| {
                            tracing::warn!(%ip, suppressed, "too many busy HTTP connections: dropping a new one");
                        });
                        continue;
                    }
                    if open.len() < before {
                        shared.http_evicted.fetch_add(1, Ordering::Relaxed);
                        logs.line(Instant::now(), LogSite::HttpRefused, |suppressed| {
                            tracing::info!(%ip, suppressed, "HTTP connection without a request dropped to make room");
                        });
                    }
                    let busy = Arc::new(AtomicBool::new(false));
                    let task = serve_connection(stream, peer, inputs.clone(), shutdown.clone(), busy.clone());
                    let abort = conns.spawn(task);
                    open.insert(abort.id(), Open { ip, since: Instant::now(), busy, abort });
                    shared.http_open.store(open.len(), Ordering::Relaxed);
                }
                Err(err) => {
                    logs.line(Instant::now(), LogSite::HttpRefused, |suppressed| {
                        tracing::warn!(%err, suppressed, "HTTP accept failed");
                    });
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(ended) = conns.join_next_with_id(), if !conns.is_empty() => {
                let id = match ended {
                    Ok((id, ())) => id,
                    Err(err) => err.id(),
                };
                open.remove(&id);
                shared.http_open.store(open.len(), Ordering::Relaxed);
            }
            _ = shutdown.changed() => break,
        }
    }
    shared.http_open.store(0, Ordering::Relaxed);
    // Dropping the set aborts connections still open.
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    inputs: mpsc::UnboundedSender<Input>,
    mut shutdown: watch::Receiver<bool>,
    busy: Arc<AtomicBool>,
) {
    let _ = stream.set_nodelay(true);
    let service = service_fn(move |req| {
        let busy = busy.clone();
        let inputs = inputs.clone();
        async move {
            let resp = serve(req, peer, inputs, &busy).await;
            busy.store(false, Ordering::Release);
            resp
        }
    });
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
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

/// Answer one request. `busy` is set once its body is in: until then the
/// connection is as idle as one still sending headers, and may be evicted
/// to make room (a slow body must not pin a slot).
async fn serve(
    req: Request<Incoming>,
    peer: SocketAddr,
    inputs: mpsc::UnboundedSender<Input>,
    busy: &AtomicBool,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or("").to_owned();
    let read = tokio::time::timeout(
        BODY_TIMEOUT,
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
    busy.store(true, Ordering::Release);
    let (reply, answer) = oneshot::channel();
    let call = RestCall {
        method,
        path,
        query,
        body,
        peer: Some(canonical(peer.ip())),
        reply,
    };
    if inputs.send(Input::Rest(call)).is_err() {
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
