//! State shared by the `Chat` handle and its driver task.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use futures_channel::{mpsc, oneshot};
use tcchat_core::listener::Listeners;
use tcchat_core::{AnyRequestId, Client, Completion, Event};
use tracing::Span;

use crate::plugin::UploadPlugin;
use crate::runtime::BoxFuture;
use crate::stream::StreamSink;
use crate::transport::Incoming;

/// A listener: called on the driver task for each matching event.
pub(crate) type Handler = Arc<dyn Fn(&Event) + Send + Sync>;

/// Who waits on a command: its `Reply`, which takes the typed result out
/// of the completion.
pub(crate) type Waiter = oneshot::Sender<Completion>;

/// The core and who waits on it.
pub(crate) struct State {
    pub(crate) client: Client,
    pub(crate) waiters: HashMap<AnyRequestId, Waiter>,
    pub(crate) upload_plugin: Option<Arc<dyn UploadPlugin>>,
    /// The built-in uploader, used while no plugin is registered.
    pub(crate) default_uploader: Arc<dyn UploadPlugin>,
    /// `onProgress` of media messages being sent, by message ID.
    pub(crate) on_progress: HashMap<String, ProgressHandler>,
}

/// An `onProgress` callback: the fraction of the upload done, 0 to 1.
pub(crate) type ProgressHandler = Arc<dyn Fn(f64) + Send + Sync>;

pub(crate) struct Shared {
    pub(crate) state: Mutex<State>,
    pub(crate) listeners: Mutex<Listeners<Handler>>,
    pub(crate) streams: Mutex<Vec<StreamSink>>,
    /// Runs a task on the instance's runtime (async listeners).
    pub(crate) spawn: Box<dyn Fn(BoxFuture<()>) + Send + Sync>,
    /// The instance's span (SDKAppID, instance number, user): the driver
    /// runs in it and calls into the core enter it.
    pub(crate) span: Span,
    /// Wakes the driver: a command was given, or a connection reported.
    pub(crate) inbox: mpsc::UnboundedSender<Incoming>,
}

/// Lock ignoring poisoning: a panicking listener must not take the SDK
/// down with it, and the core's state stays consistent between calls.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Unix milliseconds of the system clock (the core never reads a clock).
pub(crate) fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// A seed for the core's RNG from the OS.
pub(crate) fn os_seed() -> u64 {
    let mut buf = [0u8; 8];
    if getrandom::fill(&mut buf).is_err() {
        // No OS randomness: fall back to the clock, which still differs
        // between instances.
        return unix_ms() ^ (Instant::now().elapsed().as_nanos() as u64);
    }
    u64::from_le_bytes(buf)
}

impl State {
    /// The registered upload plugin, else the built-in one.
    pub(crate) fn uploader(&self) -> Arc<dyn UploadPlugin> {
        self.upload_plugin
            .clone()
            .unwrap_or_else(|| self.default_uploader.clone())
    }
}

impl Shared {
    /// Run `f` on the core at the current time, then wake the driver so it
    /// drains what `f` produced.
    pub(crate) fn with_client<T>(&self, f: impl FnOnce(&mut State, Instant) -> T) -> T {
        let out = {
            let _in_span = self.span.enter();
            let mut state = lock(&self.state);
            f(&mut state, Instant::now())
        };
        self.wake();
        out
    }

    pub(crate) fn wake(&self) {
        let _ = self.inbox.unbounded_send(Incoming::Wake);
    }
}
