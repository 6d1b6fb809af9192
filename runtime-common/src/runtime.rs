//! What a runtime adapter supplies: a TCP connect, a timer and a spawner.
//! Plumbing for the runtime crates (`tcchat-tokio`, `tcchat-async-std`,
//! `tcchat-smol`), hidden from the docs: applications never name it.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::time::Instant;

use futures_io::{AsyncRead, AsyncWrite};

/// A boxed, `Send` future.
#[doc(hidden)]
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// A byte stream the WebSocket runs over.
#[doc(hidden)]
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send + 'static {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Io for T {}

#[doc(hidden)]
/// The three things tcchat needs from an async runtime. Everything else (the
/// WebSocket, TLS, the driver loop, the API) is written once on top.
pub trait Runtime: Clone + Send + Sync + 'static {
    /// Open a TCP connection to `host:port`.
    fn connect_tcp(&self, host: String, port: u16) -> BoxFuture<io::Result<Box<dyn Io>>>;

    /// Complete at `deadline`.
    fn sleep_until(&self, deadline: Instant) -> BoxFuture<()>;

    /// Run `task` in the background.
    fn spawn(&self, task: BoxFuture<()>);
}
