//! `registerPlugin`: the upload plugin, and the one tcchat ships.
//!
//! The official SDK takes `{'tim-upload-plugin': TIMUploadPlugin}` and uses
//! it to upload image, audio, video and file messages. tcchat's
//! [`UploadPlugin`] does the same two jobs: `PUT` a file's bytes to the
//! signed URL the server handed out (reporting progress), and download a
//! file. Without a registered plugin, [`HttpUploader`] is used: hyper's
//! HTTP/1.1 client over the runtime's TCP connect, with TLS through the
//! same rustls stack as the WebSocket.
//!
//! A media message made from a path ([`MediaSource::path`]) is uploaded with
//! [`UploadPlugin::upload_file`]: the built-in uploader streams the file in
//! 64 KiB chunks (read on the `blocking` crate's thread pool), so the
//! memory an upload takes does not grow with the file.
//!
//! [`MediaSource::path`]: tcchat_core::client::MediaSource::path

use std::io;
use std::path::PathBuf;
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

    /// `PUT` the first `size` bytes of the file at `path` to `url`, as
    /// [`UploadPlugin::upload`] does with bytes; a file that cannot be
    /// opened or is shorter than `size` is an `Err`.
    ///
    /// The default reads the whole file into memory (on the calling task)
    /// and calls [`UploadPlugin::upload`]; a plugin for large files should
    /// stream it instead, as [`HttpUploader`] does.
    fn upload_file(
        &self,
        url: String,
        path: PathBuf,
        size: u64,
        progress: ProgressFn,
    ) -> BoxFuture<Result<(), String>> {
        match std::fs::read(&path) {
            Ok(mut bytes) if bytes.len() as u64 >= size => {
                bytes.truncate(usize::try_from(size).unwrap_or(usize::MAX));
                self.upload(url, Bytes::from(bytes), progress)
            }
            Ok(_) => Box::pin(std::future::ready(Err(format!(
                "{} is shorter than {size} bytes",
                path.display()
            )))),
            Err(e) => Box::pin(std::future::ready(Err(format!(
                "reading {}: {e}",
                path.display()
            )))),
        }
    }

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

/// A request body of `Content-Length` bytes, handed to hyper chunk by
/// chunk (so only the chunks in flight are in memory).
type Chunks = Pin<Box<dyn futures_util::Stream<Item = Result<Frame<Bytes>, io::Error>> + Send>>;

/// `PUT` `frames` (`total` bytes) to `url`: `Ok` on HTTP 200.
async fn put<R: Runtime>(
    runtime: R,
    url: String,
    total: u64,
    frames: Chunks,
) -> Result<(), String> {
    let transfer = async {
        let (mut sender, target) = open(&runtime, &url).await?;
        let request = Request::builder()
            .method(Method::PUT)
            .uri(target.path.as_str())
            .header(hyper::header::HOST, target.host_header.as_str())
            .header(hyper::header::CONTENT_LENGTH, total)
            .body(StreamBody::new(frames))
            .map_err(|e| format!("bad request: {e}"))?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| format!("PUT {}: {e}", target.host_header))?;
        match response.status() {
            StatusCode::OK => Ok(()),
            status => Err(format!("the server answered HTTP {}", status.as_u16())),
        }
    };
    within(&runtime, transfer).await
}

/// The first `size` bytes of the file at `path`, read in [`CHUNK`]s on the
/// `blocking` thread pool, `progress` called as each goes out; an error
/// when the file is shorter.
fn file_chunks(path: PathBuf, size: u64, progress: ProgressFn) -> Chunks {
    enum State {
        Closed(PathBuf),
        Open(blocking::Unblock<std::fs::File>, u64),
        Done,
    }
    Box::pin(stream::unfold(State::Closed(path), move |state| {
        let progress = progress.clone();
        async move {
            let (mut file, sent) = match state {
                State::Done => return None,
                State::Open(file, sent) if sent >= size => {
                    drop(file);
                    return None;
                }
                State::Open(file, sent) => (file, sent),
                State::Closed(path) => {
                    match blocking::unblock(move || std::fs::File::open(path)).await {
                        Ok(file) => (blocking::Unblock::with_capacity(CHUNK, file), 0),
                        Err(e) => return Some((Err(e), State::Done)),
                    }
                }
            };
            if size == 0 {
                return None;
            }
            let want = usize::try_from((size - sent).min(CHUNK as u64)).unwrap_or(CHUNK);
            let mut chunk = vec![0u8; want];
            let mut filled = 0;
            while filled < want {
                let buf = &mut chunk[filled..];
                let read =
                    futures_util::future::poll_fn(|cx| Pin::new(&mut file).poll_read(cx, buf));
                match read.await {
                    Ok(0) => {
                        let short = io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            format!("the file is shorter than {size} bytes"),
                        );
                        return Some((Err(short), State::Done));
                    }
                    Ok(n) => filled += n,
                    Err(e) => return Some((Err(e), State::Done)),
                }
            }
            let sent = sent + want as u64;
            progress(sent, size);
            Some((Ok(Frame::data(Bytes::from(chunk))), State::Open(file, sent)))
        }
    }))
}

impl<R: Runtime> UploadPlugin for HttpUploader<R> {
    fn upload(
        &self,
        url: String,
        body: Bytes,
        progress: ProgressFn,
    ) -> BoxFuture<Result<(), String>> {
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
        Box::pin(put(self.runtime.clone(), url, total, Box::pin(frames)))
    }

    fn upload_file(
        &self,
        url: String,
        path: PathBuf,
        size: u64,
        progress: ProgressFn,
    ) -> BoxFuture<Result<(), String>> {
        let frames = file_chunks(path, size, progress);
        Box::pin(put(self.runtime.clone(), url, size, frames))
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

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;
    use std::sync::atomic::{AtomicU64, Ordering};

    fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
        let path =
            std::env::temp_dir().join(format!("tcchat-plugin-{}-{name}", std::process::id()));
        std::fs::write(&path, bytes).expect("write temp file");
        path
    }

    /// The file is read as the body is pulled, one chunk at a time: the
    /// first pull hands out 64 KiB of a 1 MiB file (the reader's pipe holds
    /// at most one chunk more), and the chunks together are the file.
    #[test]
    fn a_file_body_is_read_chunk_by_chunk_as_it_is_sent() {
        let bytes: Vec<u8> = (0..1024 * 1024u32).map(|i| (i % 251) as u8).collect();
        let path = temp_file("stream", &bytes);
        let read = Arc::new(AtomicU64::new(0));
        let seen = read.clone();
        let progress: ProgressFn = Arc::new(move |sent, total| {
            assert_eq!(total, 1024 * 1024);
            seen.store(sent, Ordering::SeqCst);
        });
        let mut chunks = file_chunks(path.clone(), bytes.len() as u64, progress);
        futures_executor::block_on(async {
            let first = chunks.next().await.expect("a chunk").expect("read");
            assert_eq!(first.data_ref().map(Bytes::len), Some(CHUNK));
            assert_eq!(read.load(Ordering::SeqCst), CHUNK as u64);
            let mut all = first.into_data().expect("data").to_vec();
            while let Some(frame) = chunks.next().await {
                let data = frame.expect("read").into_data().expect("data");
                assert!(data.len() <= CHUNK);
                all.extend_from_slice(&data);
            }
            assert!(all == bytes, "the chunks are not the file");
        });
        let _ = std::fs::remove_file(path);
    }

    /// A file shorter than its size, or missing, ends the body with an
    /// error (the upload fails, and the send with 2400).
    #[test]
    fn a_short_or_missing_file_ends_the_body_with_an_error() {
        let path = temp_file("short", b"only ten b");
        let progress: ProgressFn = Arc::new(|_, _| {});
        let mut chunks = file_chunks(path.clone(), 11, progress.clone());
        futures_executor::block_on(async {
            assert!(chunks.next().await.expect("an item").is_err());
            assert!(chunks.next().await.is_none());
        });
        let _ = std::fs::remove_file(&path);
        let mut chunks = file_chunks(path, 3, progress);
        futures_executor::block_on(async {
            assert!(chunks.next().await.expect("an item").is_err());
        });
    }
}
