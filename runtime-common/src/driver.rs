//! The driver task: feeds network input and timer expiries into the core,
//! performs its transmits, runs listeners and resolves waiting calls.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use futures_channel::mpsc;
use futures_util::future::{abortable, AbortHandle};
use futures_util::future::{select, Either};
use futures_util::StreamExt;
use tcchat_core::client::{UploadAction, UploadBody, UploadId};
use tcchat_core::{ConnId, Transmit};

use crate::dispatch::{deliver_to_streams, run_listeners};
use crate::logs::Lifecycle;
use crate::plugin::{ProgressFn, UploadPlugin};
use crate::registry;
use crate::runtime::Runtime;
use crate::shared::{lock, ProgressHandler, Shared, State};
use crate::transport::{run_connection, Incoming, Outgoing};

pub(crate) async fn drive<R: Runtime>(
    runtime: R,
    shared: Arc<Shared>,
    mut inbox: mpsc::UnboundedReceiver<Incoming>,
) {
    let mut links: HashMap<ConnId, mpsc::UnboundedSender<Outgoing>> = HashMap::new();
    let write_timeout = lock(&shared.state).client.options().tuning.write_timeout;
    let mut lifecycle = Lifecycle::default();
    let mut uploads: HashMap<UploadId, AbortHandle> = HashMap::new();
    let mut progress_calls: Vec<(ProgressHandler, f64)> = Vec::new();
    loop {
        for (handler, fraction) in progress_calls.drain(..) {
            handler(fraction);
        }
        let (upload_actions, plugin) = {
            let mut state = lock(&shared.state);
            let actions: Vec<UploadAction> =
                std::iter::from_fn(|| state.client.poll_upload()).collect();
            let plugin = state.uploader();
            (actions, plugin)
        };
        for action in upload_actions {
            start_or_cancel(&runtime, &shared, &plugin, &mut uploads, action);
        }
        let (transmits, events, completions, timeout, destroyed, log_level) = {
            let mut state = lock(&shared.state);
            let mut transmits = Vec::new();
            while let Some(t) = state.client.poll_transmit() {
                transmits.push(t);
            }
            let mut events = Vec::new();
            while let Some(e) = state.client.poll_event() {
                events.push(e);
            }
            let mut completions = Vec::new();
            while let Some(c) = state.client.poll_completion() {
                if let Some(waiter) = state.waiters.remove(&c.id()) {
                    completions.push((waiter, c));
                }
            }
            (
                transmits,
                events,
                completions,
                state.client.poll_timeout(),
                state.client.is_destroyed(),
                state.client.log_level(),
            )
        };
        for t in transmits {
            lifecycle.transmit(log_level, &t);
            perform(&runtime, &shared, &mut links, write_timeout, t);
        }
        for event in &events {
            lifecycle.event(log_level, event);
            run_listeners(&shared, event);
        }
        for (waiter, completion) in completions {
            let _ = waiter.send(completion);
        }
        // After the replies: a stream that makes the driver wait must not
        // hold back the replies of this round (a login's own events would
        // otherwise fill a small stream that its caller reads only after
        // the login).
        deliver_to_streams(&shared, events).await;
        if destroyed {
            // Every waiter left gets the destroyed error when dropped.
            lock(&shared.state).waiters.clear();
            for sink in lock(&shared.streams).drain(..) {
                sink.close();
            }
            lock(&shared.listeners).clear();
            registry::forget(&shared);
            return;
        }
        let next = match timeout {
            Some(deadline) => match select(inbox.next(), runtime.sleep_until(deadline)).await {
                Either::Left((next, _)) => next,
                Either::Right(((), _)) => Some(Incoming::Wake),
            },
            None => inbox.next().await,
        };
        let Some(first) = next else {
            return;
        };
        // Feed everything that is ready, then drain once.
        let mut state = lock(&shared.state);
        let now = Instant::now();
        let log_level = state.client.log_level();
        lifecycle.incoming(log_level, now, &first);
        feed(
            &mut state,
            &mut links,
            &mut uploads,
            &mut progress_calls,
            now,
            first,
        );
        while let Ok(more) = inbox.try_recv() {
            lifecycle.incoming(log_level, now, &more);
            feed(
                &mut state,
                &mut links,
                &mut uploads,
                &mut progress_calls,
                now,
                more,
            );
        }
        state.client.handle_timeout(now);
    }
}

/// Start an upload on its own task (through `plugin`), or abort one.
fn start_or_cancel<R: Runtime>(
    runtime: &R,
    shared: &Arc<Shared>,
    plugin: &Arc<dyn UploadPlugin>,
    uploads: &mut HashMap<UploadId, AbortHandle>,
    action: UploadAction,
) {
    match action {
        UploadAction::Put(put) => {
            let id = put.id;
            let inbox = shared.inbox.clone();
            let progress_inbox = shared.inbox.clone();
            let progress: ProgressFn = Arc::new(move |sent, total| {
                let _ = progress_inbox.unbounded_send(Incoming::UploadProgress(id, sent, total));
            });
            let transfer = match put.body {
                UploadBody::File { path, size } => {
                    plugin.upload_file(put.url, path, size, progress)
                }
                UploadBody::Bytes(bytes) => plugin.upload(put.url, bytes, progress),
                _ => Box::pin(std::future::ready(Err("unknown upload body".to_owned()))),
            };
            let (task, abort) = abortable(async move {
                let outcome = transfer.await;
                let _ = inbox.unbounded_send(Incoming::UploadDone(id, outcome));
            });
            uploads.insert(id, abort);
            runtime.spawn(Box::pin(async move {
                let _ = task.await;
            }));
        }
        UploadAction::Cancel(id) => {
            if let Some(abort) = uploads.remove(&id) {
                abort.abort();
            }
        }
        _ => {}
    }
}

fn feed(
    state: &mut State,
    links: &mut HashMap<ConnId, mpsc::UnboundedSender<Outgoing>>,
    uploads: &mut HashMap<UploadId, AbortHandle>,
    progress_calls: &mut Vec<(ProgressHandler, f64)>,
    now: Instant,
    input: Incoming,
) {
    let client = &mut state.client;
    match input {
        Incoming::UploadProgress(id, sent, total) => {
            if let Some((message_id, fraction)) =
                client.handle_upload_progress(now, id, sent, total)
            {
                if let Some(handler) = state.on_progress.get(&message_id) {
                    progress_calls.push((handler.clone(), fraction));
                }
            }
        }
        Incoming::UploadDone(id, outcome) => {
            uploads.remove(&id);
            let message_id = client.upload_message(id);
            client.handle_upload_done(now, id, outcome);
            // A video's snapshot may still be uploading: keep its
            // onProgress until the message's last upload ended.
            if let Some(message_id) = message_id {
                if client.upload_progress(&message_id).is_none() {
                    state.on_progress.remove(&message_id);
                }
            }
        }
        Incoming::Wake => {}
        Incoming::Connected(conn) => client.handle_connected(now, conn),
        Incoming::Frame(conn, bytes) => client.handle_frame(now, conn, &bytes),
        Incoming::ConnectFailed(conn, failure) => {
            links.remove(&conn);
            client.handle_connect_failed(now, conn, failure);
        }
        Incoming::Closed(conn, reason) => {
            // The connection task has ended; forget its writer.
            links.remove(&conn);
            client.handle_disconnected(now, conn, reason);
        }
    }
}

fn perform<R: Runtime>(
    runtime: &R,
    shared: &Arc<Shared>,
    links: &mut HashMap<ConnId, mpsc::UnboundedSender<Outgoing>>,
    write_timeout: std::time::Duration,
    transmit: Transmit,
) {
    match transmit {
        Transmit::Connect { conn, url } => {
            let (tx, rx) = mpsc::unbounded();
            links.insert(conn, tx);
            let task = run_connection(
                runtime.clone(),
                conn,
                url,
                write_timeout,
                shared.inbox.clone(),
                rx,
            );
            runtime.spawn(Box::pin(task));
        }
        Transmit::Send { conn, frame } => {
            if let Some(link) = links.get(&conn) {
                let _ = link.unbounded_send(Outgoing::Frame(frame));
            }
        }
        Transmit::Close { conn, code } => {
            if let Some(link) = links.remove(&conn) {
                let _ = link.unbounded_send(Outgoing::Close(code));
            }
        }
    }
}
