//! `registerPlugin`: the upload plugin, and the one tcchat ships.
//!
//! The official SDK takes `{'tim-upload-plugin': TIMUploadPlugin}` and uses
//! it to upload image, audio, video and file messages. tcchat's
//! [`UploadPlugin`] does the same two jobs: `PUT` a file's bytes to the
//! signed URL the server handed out (reporting progress), and download a
//! file. Without a registered plugin, [`HttpUploader`] is used: hyper's
//! HTTP/1.1 client over the runtime's TCP connect, with TLS through the
//! same rustls stack as the WebSocket.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_io::{AsyncRead, AsyncWrite};
use futures_rustls::rustls::pki_types::ServerName;
use futures_util::future::{select, Either};
use futures_util::stream;
use http_body_util::{BodyExt, Empty, Limited, StreamBody};
use hyper::body::Frame;
use hyper::{Method, Request, StatusCode};

use crate::runtime::{BoxFuture, Io, Runtime};

/// The only plugin name the official SDK documents.
pub const UPLOAD_PLUGIN_NAME: &str = "tim-upload-plugin";

/// Called with `(bytes sent, total bytes)` while an upload runs.
pub type ProgressFn = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// An uploader, like `tim-upload-plugin`.
pub trait UploadPlugin: Send + Sync {
    /// `PUT` `body` to `url` (a signed upload URL); `Ok` only when the
    /// server answered HTTP 200, as the official plugin requires. Call
    /// `progress` as bytes go out.
    fn upload(
        &self,
        url: String,
        body: Bytes,
        progress: ProgressFn,
    ) -> BoxFuture<Result<(), String>>;

    /// `GET` `url` (a message's download URL): the file's bytes.
    fn download(&self, url: String) -> BoxFuture<Result<Bytes, String>>;
}

/// Bytes handed to the connection at a time (and between progress calls).
const CHUNK: usize = 64 * 1024;
/// Longest upload or download.
const TRANSFER_TIMEOUT: Duration = Duration::from_secs(300);
/// Largest download accepted (the official limit of files and videos).
pub const MAX_DOWNLOAD_BYTES: usize = 100 * 1024 * 1024;

/// The built-in [`UploadPlugin`]: hyper 1's HTTP/1.1 client, one
/// connection per transfer, over the runtime's TCP connect (`https://`
/// through rustls with the webpki roots).
pub struct HttpUploader<R: Runtime> {
    runtime: R,
}

impl<R: Runtime> HttpUploader<R> {
    /// An uploader on `runtime`.
    pub fn new(runtime: R) -> HttpUploader<R> {
        HttpUploader { runtime }
    }
}

impl<R: Runtime> UploadPlugin for HttpUploader<R> {
    fn upload(
        &self,
        url: String,
        body: Bytes,
        progress: ProgressFn,
    ) -> BoxFuture<Result<(), String>> {
        let runtime = self.runtime.clone();
        Box::pin(async move {
            let total = body.len() as u64;
            let chunks: Vec<Bytes> = (0..body.len())
                .step_by(CHUNK)
                .map(|at| body.slice(at..(at + CHUNK).min(body.len())))
                .collect();
            let mut sent = 0u64;
            let frames = stream::iter(chunks.into_iter().map(move |chunk| {
                sent += chunk.len() as u64;
                progress(sent, total);
                Ok::<_, io::Error>(Frame::data(chunk))
            }));
            let request = |uri: &str, host: &str| {
                Request::builder()
                    .method(Method::PUT)
                    .uri(uri)
                    .header(hyper::header::HOST, host)
                    .header(hyper::header::CONTENT_LENGTH, total)
                    .body(StreamBody::new(frames))
                    .map_err(|e| format!("bad request: {e}"))
            };
            let transfer = async {
                let (mut sender, target) = open(&runtime, &url).await?;
                let response = sender
                    .send_request(request(&target.path, &target.host_header)?)
                    .await
                    .map_err(|e| format!("PUT {}: {e}", target.host_header))?;
                match response.status() {
                    StatusCode::OK => Ok(()),
                    status => Err(format!("the server answered HTTP {}", status.as_u16())),
                }
            };
            within(&runtime, transfer).await
        })
    }

    fn download(&self, url: String) -> BoxFuture<Result<Bytes, String>> {
        let runtime = self.runtime.clone();
        Box::pin(async move {
            let transfer = async {
                let (mut sender, target) = open(&runtime, &url).await?;
                let request = Request::builder()
                    .method(Method::GET)
                    .uri(target.path.as_str())
                    .header(hyper::header::HOST, target.host_header.as_str())
                    .body(Empty::<Bytes>::new())
                    .map_err(|e| format!("bad request: {e}"))?;
                let response = sender
                    .send_request(request)
                    .await
                    .map_err(|e| format!("GET {}: {e}", target.host_header))?;
                if response.status() != StatusCode::OK {
                    return Err(format!(
                        "the server answered HTTP {}",
                        response.status().as_u16()
                    ));
                }
                let body = Limited::new(response.into_body(), MAX_DOWNLOAD_BYTES)
                    .collect()
                    .await
                    .map_err(|e| format!("reading the download: {e}"))?;
                Ok(body.to_bytes())
            };
            within(&runtime, transfer).await
        })
    }
}

/// Run `transfer`, giving up after [`TRANSFER_TIMEOUT`].
async fn within<R: Runtime, T>(
    runtime: &R,
    transfer: impl std::future::Future<Output = Result<T, String>>,
) -> Result<T, String> {
    let deadline = runtime.sleep_until(Instant::now() + TRANSFER_TIMEOUT);
    match select(Box::pin(transfer), deadline).await {
        Either::Left((result, _)) => result,
        Either::Right(((), _)) => Err(format!("no answer within {TRANSFER_TIMEOUT:?}")),
    }
}

struct Target {
    /// Path and query.
    path: String,
    /// `host[:port]`.
    host_header: String,
}

/// Connect to the host of `url` (TLS for `https`) and run an HTTP/1.1
/// connection on it.
async fn open<R: Runtime, B>(
    runtime: &R,
    url: &str,
) -> Result<(hyper::client::conn::http1::SendRequest<B>, Target), String>
where
    B: hyper::body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let parsed = url::Url::parse(url).map_err(|e| format!("bad URL: {e}"))?;
    let tls = match parsed.scheme() {
        "http" => false,
        "https" => true,
        other => return Err(format!("unsupported scheme {other}")),
    };
    let host = parsed
        .host_str()
        .ok_or("no host in the URL")?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let port = parsed
        .port_or_known_default()
        .unwrap_or(if tls { 443 } else { 80 });
    let host_header = match parsed.port() {
        Some(p) => format!("{}:{p}", parsed.host_str().unwrap_or(&host)),
        None => parsed.host_str().unwrap_or(&host).to_owned(),
    };
    let path = parsed[url::Position::BeforePath..].to_owned();
    let tcp = runtime
        .connect_tcp(host.clone(), port)
        .await
        .map_err(|e| format!("connect {host}:{port}: {e}"))?;
    let io: Box<dyn Io> = if tls {
        let name =
            ServerName::try_from(host.clone()).map_err(|e| format!("bad TLS name {host}: {e}"))?;
        let stream = crate::transport::tls_connector()
            .connect(name, tcp)
            .await
            .map_err(|e| format!("TLS with {host}: {e}"))?;
        Box::new(stream)
    } else {
        tcp
    };
    let (sender, conn) = hyper::client::conn::http1::handshake(Compat(io))
        .await
        .map_err(|e| format!("HTTP with {host}: {e}"))?;
    runtime.spawn(Box::pin(async move {
        let _ = conn.await;
    }));
    Ok((sender, Target { path, host_header }))
}

/// A futures-io stream as hyper's I/O.
struct Compat(Box<dyn Io>);

impl hyper::rt::Read for Compat {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        mut buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        let mut local = [0u8; 8192];
        let want = buf.remaining().min(local.len());
        match Pin::new(&mut self.0).poll_read(cx, &mut local[..want]) {
            Poll::Ready(Ok(n)) => {
                buf.put_slice(&local[..n]);
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl hyper::rt::Write for Compat {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_close(cx)
    }
}
