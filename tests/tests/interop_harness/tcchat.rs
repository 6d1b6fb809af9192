//! tcchat beside the official SDK: log in, send, and record events.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tcchat_tests::world::expect_event;
use tcchat_tokio::{
    Chat, CreateTextMessageOptions, Event, EventStream, LoginOptions, Message, Options, Payload,
    TokioRuntime,
};
use tokio::sync::watch;

use super::agent::abridge;
use super::{now_ms, sig, APP, PATIENCE};

pub async fn tcchat(url: &str) -> (Chat, EventStream) {
    let chat = Chat::create_independent(Options::new(APP).with_proxy_server(url));
    let events = chat.events(4096);
    (chat, events)
}

pub async fn tcchat_login(url: &str, user: &str) -> (Chat, EventStream) {
    tcchat_login_with(Options::new(APP).with_proxy_server(url), user).await
}

/// [`tcchat_login`] with `options` (file proxies, say).
pub async fn tcchat_login_with(options: Options, user: &str) -> (Chat, EventStream) {
    let chat = Chat::create_independent(options);
    let mut events = chat.events(4096);
    tokio::time::timeout(PATIENCE, chat.login(LoginOptions::new(user, sig(user))))
        .await
        .unwrap_or_else(|_| panic!("tcchat {user}: login did not finish within {PATIENCE:?}"))
        .unwrap_or_else(|e| panic!("tcchat {user}: login failed: {e}"));
    expect_event::<TokioRuntime>(&mut events, "tcchat SDK_READY", |e| *e == Event::SdkReady).await;
    (chat, events)
}

pub async fn tcchat_send(chat: &Chat, to: &str, text: &str) -> Message {
    let message = chat
        .create_text_message(&CreateTextMessageOptions::c2c(to, text))
        .expect("create_text_message");
    tokio::time::timeout(PATIENCE, chat.send_message(&message))
        .await
        .unwrap_or_else(|_| panic!("tcchat send to {to} did not finish within {PATIENCE:?}"))
        .unwrap_or_else(|e| panic!("tcchat send to {to} failed: {e}"))
}

pub fn text_of(message: &Message) -> &str {
    match &message.payload {
        Payload::Text { text } => text,
        _ => "",
    }
}

/// Every event of a tcchat instance with its arrival time (Unix ms).
pub struct Recorder {
    pub events: Arc<Mutex<Vec<(u64, Event)>>>,
    count: watch::Receiver<usize>,
    _task: tokio::task::JoinHandle<()>,
}

impl Recorder {
    pub fn new(mut stream: EventStream) -> Recorder {
        use futures_util::StreamExt;
        let events: Arc<Mutex<Vec<(u64, Event)>>> = Arc::default();
        let (tx, count) = watch::channel(0);
        let sink = Arc::clone(&events);
        let task = tokio::spawn(async move {
            while let Some(event) = stream.next().await {
                let n = {
                    let mut events = sink.lock().unwrap();
                    events.push((now_ms(), event));
                    events.len()
                };
                let _ = tx.send(n);
            }
        });
        Recorder {
            events,
            count,
            _task: task,
        }
    }

    /// Wait until `pred` holds for the events so far; false on timeout.
    pub async fn until(&self, within: Duration, pred: impl Fn(&[(u64, Event)]) -> bool) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        let mut count = self.count.clone();
        loop {
            if pred(&self.events.lock().unwrap()) {
                return true;
            }
            if tokio::time::timeout_at(deadline, count.changed())
                .await
                .is_err()
            {
                return false;
            }
        }
    }

    /// The number of events so far: pass it to [`Recorder::wait`] or
    /// [`Recorder::since`] to look only at what comes next.
    pub fn mark(&self) -> usize {
        self.events.lock().unwrap().len()
    }

    /// The events at or after index `from`.
    pub fn since(&self, from: usize) -> Vec<Event> {
        let events = self.events.lock().unwrap();
        events
            .get(from..)
            .unwrap_or_default()
            .iter()
            .map(|(_, e)| e.clone())
            .collect()
    }

    /// Wait (bounded by [`PATIENCE`]) for the first event at or after index
    /// `from` matching `pred`; panics naming `what` and the events seen.
    pub async fn wait(&self, what: &str, from: usize, pred: impl Fn(&Event) -> bool) -> Event {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        let mut count = self.count.clone();
        loop {
            if let Some(found) = self.since(from).into_iter().find(|e| pred(e)) {
                return found;
            }
            match tokio::time::timeout_at(deadline, count.changed()).await {
                Ok(Ok(())) => {}
                // The stream ended: one last look, then give up.
                Ok(Err(_)) | Err(_) => {
                    if let Some(found) = self.since(from).into_iter().find(|e| pred(e)) {
                        return found;
                    }
                    let seen: Vec<String> = self
                        .since(from)
                        .iter()
                        .map(|e| abridge(&format!("{e:?}"), 300))
                        .collect();
                    panic!(
                        "tcchat: no {what} within {PATIENCE:?}; events since: {}",
                        seen.join("\n  ")
                    );
                }
            }
        }
    }

    /// (arrival ms, message ID, text) of every received message.
    pub fn received(&self) -> Vec<(u64, String, String)> {
        let mut out = Vec::new();
        for (t, e) in self.events.lock().unwrap().iter() {
            if let Event::MessageReceived(list) = e {
                for m in list {
                    out.push((*t, m.id.clone(), text_of(m).to_owned()));
                }
            }
        }
        out
    }
}
