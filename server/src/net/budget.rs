//! What the transport lets a connection make the server hold.
//!
//! * [`InputBudget`]: bytes of received messages waiting for the engine,
//!   from all connections together. A reader takes its message's bytes
//!   from it before handing the message over, and they return when the
//!   engine has handled it; a reader that finds it empty waits, so its
//!   socket's TCP window fills instead of the server's memory.
//! * [`Gate`]: one connection's share. Its own credit of bytes in flight to
//!   the engine (small until the engine trusts the connection, twice the
//!   frame limit after), so a flooding socket waits for its own messages
//!   to be handled and every other socket keeps its turn; and, while not
//!   trusted, a cap on the bytes of one message the WebSocket layer may
//!   buffer ([`Metered`]).
//! * [`IpSlots`]: open TCP connections per client address, counted from
//!   accept (before the WebSocket handshake) until the socket is gone.

use std::collections::HashMap;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// What each message costs beyond its bytes (queue entry, bookkeeping), so
/// that a flood of tiny messages also runs out of credit.
pub(crate) const MESSAGE_OVERHEAD: usize = 256;
/// Bytes a reader may take from the socket past the limit of one message
/// before login (the WebSocket layer reads in 4 KiB blocks).
const READ_SLACK: usize = 8 * 1024;

/// Semaphore permits are `u32`; budgets are capped to fit.
fn permits(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The bytes of received messages the engine may hold from everyone.
#[derive(Debug)]
pub(crate) struct InputBudget {
    sem: Arc<Semaphore>,
    total: usize,
    peak: AtomicUsize,
}

impl InputBudget {
    pub(crate) fn new(total: usize) -> Arc<InputBudget> {
        let total = total.min(u32::MAX as usize);
        Arc::new(InputBudget {
            sem: Arc::new(Semaphore::new(total)),
            total,
            peak: AtomicUsize::new(0),
        })
    }

    /// Bytes held now.
    pub(crate) fn held(&self) -> usize {
        self.total.saturating_sub(self.sem.available_permits())
    }

    /// The most bytes ever held at once.
    pub(crate) fn peak(&self) -> usize {
        self.peak.load(Ordering::Relaxed)
    }

    /// The budget.
    pub(crate) fn total(&self) -> usize {
        self.total
    }
}

/// One connection's share of what the engine holds, and whether the engine
/// trusts it yet (logged in, or sent a request with a valid session).
#[derive(Debug)]
pub(crate) struct Gate {
    trusted: AtomicBool,
    overflowed: AtomicBool,
    /// Bytes read from the socket since the last complete message.
    unframed: AtomicUsize,
    read_limit: usize,
    credit: Arc<Semaphore>,
    credit_before: usize,
    credit_after: usize,
}

impl Gate {
    /// A gate for a new connection: messages up to `before_login` bytes
    /// until it is trusted, then twice `after_login`.
    pub(crate) fn new(before_login: usize, after_login: usize) -> Arc<Gate> {
        let credit_before = before_login.saturating_add(MESSAGE_OVERHEAD);
        let credit_after = after_login
            .saturating_mul(2)
            .saturating_add(MESSAGE_OVERHEAD)
            .max(credit_before);
        Arc::new(Gate {
            trusted: AtomicBool::new(false),
            overflowed: AtomicBool::new(false),
            unframed: AtomicUsize::new(0),
            read_limit: before_login.saturating_add(READ_SLACK),
            credit: Arc::new(Semaphore::new(credit_before)),
            credit_before,
            credit_after,
        })
    }

    /// The engine trusts the connection: lift the limits before login.
    pub(crate) fn trust(&self) {
        if !self.trusted.swap(true, Ordering::AcqRel) {
            self.credit
                .add_permits(self.credit_after.saturating_sub(self.credit_before));
        }
    }

    pub(crate) fn is_trusted(&self) -> bool {
        self.trusted.load(Ordering::Acquire)
    }

    /// Whether the read cap before login stopped this connection.
    pub(crate) fn overflowed(&self) -> bool {
        self.overflowed.load(Ordering::Acquire)
    }

    /// A whole message was received: the read cap starts again.
    pub(crate) fn message_boundary(&self) {
        self.unframed.store(0, Ordering::Release);
    }

    /// Take the credit for a message of `len` bytes from this connection's
    /// share and then from `budget`; returned when the permits drop.
    pub(crate) async fn admit(&self, budget: &InputBudget, len: usize) -> Option<FramePermits> {
        let share = if self.is_trusted() {
            self.credit_after
        } else {
            self.credit_before
        };
        let cost = len
            .saturating_add(MESSAGE_OVERHEAD)
            .min(share)
            .min(budget.total);
        let own = self
            .credit
            .clone()
            .acquire_many_owned(permits(cost))
            .await
            .ok()?;
        let global = budget
            .sem
            .clone()
            .acquire_many_owned(permits(cost))
            .await
            .ok()?;
        budget.peak.fetch_max(budget.held(), Ordering::Relaxed);
        Some(FramePermits {
            _own: own,
            _global: global,
        })
    }

    /// Count `n` bytes read from the socket; false once a message before
    /// login is over the cap.
    fn count_read(&self, n: usize) -> bool {
        if self.is_trusted() {
            return true;
        }
        let unframed = self
            .unframed
            .fetch_add(n, Ordering::AcqRel)
            .saturating_add(n);
        if unframed > self.read_limit {
            self.overflowed.store(true, Ordering::Release);
            return false;
        }
        true
    }
}

/// The credit one message holds until the engine has handled it.
#[derive(Debug)]
pub(crate) struct FramePermits {
    _own: OwnedSemaphorePermit,
    _global: OwnedSemaphorePermit,
}

/// A socket whose reads count against its [`Gate`]: before the connection
/// is trusted, more than the limit of one message (plus a read block) since
/// the last complete message fails the read, so the WebSocket layer never
/// buffers a large message for a client that has not logged in.
#[derive(Debug)]
pub(crate) struct Metered<S> {
    inner: S,
    gate: Arc<Gate>,
}

impl<S> Metered<S> {
    pub(crate) fn new(inner: S, gate: Arc<Gate>) -> Metered<S> {
        Metered { inner, gate }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Metered<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                let n = buf.filled().len() - before;
                if this.gate.count_read(n) {
                    Poll::Ready(Ok(()))
                } else {
                    Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "message over the limit before login",
                    )))
                }
            }
            other => other,
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Metered<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Open connections per client address.
#[derive(Debug, Default)]
pub(crate) struct IpSlots {
    open: Mutex<HashMap<IpAddr, usize>>,
}

impl IpSlots {
    pub(crate) fn new() -> Arc<IpSlots> {
        Arc::new(IpSlots::default())
    }

    /// A slot for one more connection from `ip`, unless it has `max`
    /// already (0: no limit).
    pub(crate) fn take(self: &Arc<Self>, ip: IpAddr, max: usize) -> Option<IpSlot> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let n = open.entry(ip).or_insert(0);
        if max > 0 && *n >= max {
            return None;
        }
        *n += 1;
        Some(IpSlot {
            slots: Arc::clone(self),
            ip,
        })
    }

    /// Connections open from `ip`.
    #[cfg(test)]
    pub(crate) fn open(&self, ip: IpAddr) -> usize {
        let open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        open.get(&ip).copied().unwrap_or(0)
    }

    /// Connections open from every address together.
    pub(crate) fn total(&self) -> usize {
        let open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        open.values().sum()
    }
}

/// One open connection of an address; released when dropped.
#[derive(Debug)]
pub(crate) struct IpSlot {
    slots: Arc<IpSlots>,
    ip: IpAddr,
}

impl Drop for IpSlot {
    fn drop(&mut self) {
        let mut open = self.slots.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = open.get_mut(&self.ip) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_capped_per_address_and_released_on_drop() {
        let slots = IpSlots::new();
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        let s1 = slots.take(a, 2).expect("first");
        let _s2 = slots.take(a, 2).expect("second");
        assert!(slots.take(a, 2).is_none(), "third refused");
        assert!(slots.take(b, 2).is_some(), "addresses are separate");
        drop(s1);
        assert_eq!(slots.open(a), 1);
        assert!(slots.take(a, 2).is_some());
        assert!(slots.take(a, 0).is_some(), "0 is no limit");
    }

    #[test]
    fn reads_before_trust_are_capped_per_message() {
        let gate = Gate::new(1000, 1 << 20);
        assert!(gate.count_read(1000 + READ_SLACK));
        gate.message_boundary();
        assert!(gate.count_read(1000 + READ_SLACK));
        assert!(!gate.count_read(1), "one byte over");
        assert!(gate.overflowed());
        let gate = Gate::new(1000, 1 << 20);
        gate.trust();
        assert!(gate.count_read(10 << 20), "no cap once trusted");
    }

    #[tokio::test]
    async fn credit_is_per_connection_and_global_and_returns_on_drop() {
        let budget = InputBudget::new(10_000);
        let gate = Gate::new(1000, 4000);
        let first = gate.admit(&budget, 900).await.expect("fits");
        assert_eq!(budget.held(), 900 + MESSAGE_OVERHEAD);
        // The connection's share is used up: a second message waits.
        let waiting = tokio::time::timeout(
            std::time::Duration::from_millis(20),
            gate.admit(&budget, 10),
        )
        .await;
        assert!(waiting.is_err(), "the connection waits for its own credit");
        drop(first);
        assert_eq!(budget.held(), 0);
        gate.trust();
        let a = gate.admit(&budget, 3000).await.expect("larger after trust");
        let b = gate.admit(&budget, 3000).await.expect("two of them");
        assert_eq!(budget.peak(), 2 * (3000 + MESSAGE_OVERHEAD));
        drop((a, b));
        // A message larger than the share costs the whole share, no more.
        let big = gate.admit(&budget, 1 << 20).await.expect("capped");
        assert_eq!(budget.held(), 2 * 4000 + MESSAGE_OVERHEAD);
        drop(big);
    }
}
