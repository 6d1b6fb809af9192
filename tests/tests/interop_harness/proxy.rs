//! A loopback TCP proxy that can go silent, or hold back what the server
//! sends.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

/// Forwards TCP connections to `upstream`. `go_silent` makes every
/// connection open at that moment stop forwarding in both directions while
/// staying open (what a dead NAT entry or a pulled cable looks like to both
/// ends); connections opened afterwards are forwarded normally.
/// `hold_downlink` makes every connection keep what the server sends in a
/// buffer (the client's requests still go through) until
/// `release_downlink` delivers it, in order: a slow link, for ordering
/// server pushes and replies deterministically.
pub struct Proxy {
    addr: SocketAddr,
    live: Arc<Mutex<Vec<Arc<AtomicBool>>>>,
    hold: watch::Sender<bool>,
    accept: tokio::task::JoinHandle<()>,
}

impl Proxy {
    pub async fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("proxy bind");
        let addr = listener.local_addr().expect("proxy addr");
        let live: Arc<Mutex<Vec<Arc<AtomicBool>>>> = Arc::default();
        let conns = Arc::clone(&live);
        let (hold, held) = watch::channel(false);
        let accept = tokio::spawn(async move {
            // Dropping this set (when the proxy is dropped and this task
            // aborted) closes every proxied connection.
            let mut tasks = JoinSet::new();
            loop {
                tokio::select! {
                    accepted = listener.accept() => {
                        let Ok((client, _)) = accepted else { continue };
                        let silent = Arc::new(AtomicBool::new(false));
                        conns.lock().unwrap().push(Arc::clone(&silent));
                        let held = held.clone();
                        tasks.spawn(async move {
                            let Ok(server) = TcpStream::connect(upstream).await else { return };
                            let _ = client.set_nodelay(true);
                            let _ = server.set_nodelay(true);
                            let (cr, cw) = client.into_split();
                            let (sr, sw) = server.into_split();
                            let (_, never_held) = watch::channel(false);
                            // The uplink is never held (its sender is gone).
                            let up = pipe(cr, sw, Arc::clone(&silent), never_held);
                            let down = pipe(sr, cw, silent, held);
                            let _ = tokio::join!(up, down);
                        });
                    }
                    Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
                }
            }
        });
        Proxy {
            addr,
            live,
            hold,
            accept,
        }
    }

    pub fn url(&self) -> String {
        format!("ws://{}", self.addr)
    }

    /// Silence every connection open now; returns how many.
    pub fn go_silent(&self) -> usize {
        let conns = std::mem::take(&mut *self.live.lock().unwrap());
        for c in &conns {
            c.store(true, Ordering::SeqCst);
        }
        conns.len()
    }

    /// From now on, keep what the server sends on every connection
    /// (requests still go up).
    pub fn hold_downlink(&self) {
        self.hold.send_replace(true);
    }

    /// Deliver what was held, in order, and forward normally again.
    pub fn release_downlink(&self) {
        self.hold.send_replace(false);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// Copy `from` to `to` until EOF; once `silent`, read and discard (the
/// socket stays open, nothing is forwarded, nothing is closed). While
/// `held` is true, what is read is kept and written when it turns false.
pub async fn pipe(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    silent: Arc<AtomicBool>,
    mut held: watch::Receiver<bool>,
) {
    let mut buf = vec![0u8; 16 * 1024];
    let mut pending: Vec<u8> = Vec::new();
    let mut hold_alive = true;
    loop {
        tokio::select! {
            read = from.read(&mut buf) => {
                let n = match read {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                if silent.load(Ordering::SeqCst) {
                    continue;
                }
                if *held.borrow() {
                    pending.extend_from_slice(&buf[..n]);
                    continue;
                }
                if !pending.is_empty() && to.write_all(&std::mem::take(&mut pending)).await.is_err() {
                    break;
                }
                if to.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
            changed = held.changed(), if hold_alive => {
                if changed.is_err() {
                    // No sender (the proxy is gone, or this direction is
                    // never held): nothing more to wait for.
                    hold_alive = false;
                }
                let release = !*held.borrow();
                if release
                    && !pending.is_empty()
                    && !silent.load(Ordering::SeqCst)
                    && to.write_all(&std::mem::take(&mut pending)).await.is_err()
                {
                    break;
                }
            }
        }
    }
    if silent.load(Ordering::SeqCst) {
        // Keep the other side open too: a silent link never closes.
        std::future::pending::<()>().await;
    }
    let _ = to.shutdown().await;
}
