//! The HTTP listener of the REST admin API and of the file endpoint
//! (`/cos/…`, docs/FILES.md) (hyper, HTTP/1.1). Each request is read
//! (bounded in size and time), handed to the engine task, and answered with
//! the engine's answer. At most [`MAX_UPLOADS`] uploads are read at once,
//! so the bytes held for uploads in flight stay under that many times the
//! largest file.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::header::{
    HeaderValue, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, CONTENT_TYPE,
};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot, watch, Semaphore};
use tokio::task::{self, AbortHandle, JoinSet};

use super::engine_task::{FileCall, Input, RestCall};
use super::Shared;
use crate::codes;
use crate::engine::logs::{LogLimiter, LogSite};
use crate::engine::{AdminError, FileResponse, RestResponse, FILE_PATH_PREFIX, MAX_REST_BODY};

/// Concurrent HTTP connections, server-wide.
const MAX_HTTP_CONNS: usize = 256;
/// Time to send the request headers: short, so that connections that
/// never send them (slowloris) free their place quickly.
const HEADER_TIMEOUT: Duration = Duration::from_secs(1);
/// Time to send the body once the headers are in.
const BODY_TIMEOUT: Duration = Duration::from_secs(5);

/// Uploads read at once; more wait for a place (their body stays in the
/// socket meanwhile).
const MAX_UPLOADS: usize = 4;
/// Time to send an upload's body once the headers are in.
const UPLOAD_TIMEOUT: Duration = Duration::from_secs(120);

/// The REST port's limits.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HttpLimits {
    /// Open connections per client address (0: only the server-wide cap).
    pub max_per_ip: usize,
    /// Largest upload on the file endpoint, bytes.
    pub max_file_bytes: usize,
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
    let uploads = Arc::new(Semaphore::new(MAX_UPLOADS));
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
                    let files = FileLimits { max_file_bytes: limits.max_file_bytes, uploads: uploads.clone() };
                    let task = serve_connection(stream, peer, inputs.clone(), shutdown.clone(), busy.clone(), files);
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

/// What the file endpoint may hold.
#[derive(Clone)]
struct FileLimits {
    max_file_bytes: usize,
    uploads: Arc<Semaphore>,
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    inputs: mpsc::UnboundedSender<Input>,
    mut shutdown: watch::Receiver<bool>,
    busy: Arc<AtomicBool>,
    files: FileLimits,
) {
    let _ = stream.set_nodelay(true);
    let service = service_fn(move |req: Request<Incoming>| {
        let busy = busy.clone();
        let inputs = inputs.clone();
        let files = files.clone();
        async move {
            let resp = if req.uri().path().starts_with(FILE_PATH_PREFIX) {
                serve_file(req, inputs, &busy, &files).await
            } else {
                serve(req, peer, inputs, &busy).await
            };
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

fn file_response(resp: FileResponse) -> Response<Full<Bytes>> {
    let mut out = Response::new(Full::new(resp.body));
    *out.status_mut() = StatusCode::from_u16(resp.status).unwrap_or(StatusCode::OK);
    let headers = out.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&resp.content_type) {
        headers.insert(CONTENT_TYPE, value);
    }
    if let Some(value) = resp
        .content_range
        .as_deref()
        .and_then(|r| HeaderValue::from_str(r).ok())
    {
        headers.insert(hyper::header::CONTENT_RANGE, value);
    }
    headers.insert(
        hyper::header::ACCEPT_RANGES,
        HeaderValue::from_static("bytes"),
    );
    cors(headers);
    out
}

/// Browsers upload from pages of other origins (the official plugin's
/// `PUT` from a web app): allow them.
fn cors(headers: &mut hyper::HeaderMap) {
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    headers.insert(
        ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, HEAD, PUT, OPTIONS"),
    );
    headers.insert(ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static("*"));
}

fn file_error(status: StatusCode, code: u32, info: &str) -> Response<Full<Bytes>> {
    let body = serde_json::json!({"ActionStatus": "FAIL", "ErrorCode": code, "ErrorInfo": info});
    let mut out = Response::new(Full::new(Bytes::from(body.to_string())));
    *out.status_mut() = status;
    cors(out.headers_mut());
    out
}

/// A request on the file endpoint: the body (an upload) is read within
/// [`UPLOAD_TIMEOUT`] and the file limit, holding one of the
/// [`MAX_UPLOADS`] places, then the engine answers.
async fn serve_file(
    req: Request<Incoming>,
    inputs: mpsc::UnboundedSender<Input>,
    busy: &AtomicBool,
    files: &FileLimits,
) -> Result<Response<Full<Bytes>>, Infallible> {
    if req.method() == hyper::Method::OPTIONS {
        let mut out = Response::new(Full::new(Bytes::new()));
        cors(out.headers_mut());
        return Ok(out);
    }
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or("").to_owned();
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    // A header that is not text is kept as such, so the engine refuses it.
    let range = req.headers().get(hyper::header::RANGE).map(|v| {
        v.to_str()
            .map_or_else(|_| "(not text)".to_owned(), str::to_owned)
    });
    let is_upload = req.method() == hyper::Method::PUT;
    let declared = req
        .headers()
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let too_large = |limit: usize| {
        file_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            codes::FILE_TOO_LARGE,
            &format!("file over {limit} bytes"),
        )
    };
    let limit = if is_upload { files.max_file_bytes } else { 0 };
    if declared.is_some_and(|n| n > limit as u64) {
        return Ok(too_large(limit));
    }
    let _place = if is_upload {
        match files.uploads.clone().acquire_owned().await {
            Ok(permit) => Some(permit),
            Err(_) => return Ok(unavailable()),
        }
    } else {
        None
    };
    let read = tokio::time::timeout(
        UPLOAD_TIMEOUT,
        Limited::new(req.into_body(), limit).collect(),
    )
    .await;
    let body = match read {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(err)) if err.downcast_ref::<LengthLimitError>().is_some() => {
            return Ok(too_large(limit));
        }
        Ok(Err(_)) | Err(_) => {
            let mut out = Response::new(Full::new(Bytes::new()));
            *out.status_mut() = StatusCode::REQUEST_TIMEOUT;
            return Ok(out);
        }
    };
    busy.store(true, Ordering::Release);
    let (reply, answer) = oneshot::channel();
    let call = FileCall {
        method,
        path,
        query,
        content_type,
        range,
        body,
        reply,
    };
    if inputs.send(Input::File(call)).is_err() {
        return Ok(unavailable());
    }
    Ok(match answer.await {
        Ok(resp) => file_response(resp),
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
