//! Conformance scenarios of the ways to receive events (issue 20): typed
//! listeners, async listeners that await the instance's own replies, and
//! event streams that lose nothing when their reader falls behind. Written
//! once for any [`Runtime`] and run against the real reference server.

use std::sync::{Arc, Mutex};

use futures_util::StreamExt;
use tcchat_core::model::{CreateTextMessageOptions, Message};
use tcchat_core::Event;
use tcchat_runtime_common::events::{MessageReceived, SdkReady};
use tcchat_runtime_common::{Chat, LoginOptions, Overflow, Runtime};

use crate::world::{expect_event, World, APP_A};

async fn login<R: Runtime + Default>(world: &World, chat: &Chat<R>, user: &str) {
    chat.login(LoginOptions::new(user, world.sig(APP_A, user)))
        .await
        .unwrap_or_else(|e| panic!("login {user}: {e}"));
}

async fn send<R: Runtime + Default>(chat: &Chat<R>, to: &str, text: &str) -> Message {
    let m = chat
        .create_text_message(&CreateTextMessageOptions::c2c(to, text))
        .expect("create");
    chat.send_message(&m).await.expect("send")
}

fn texts(event: &Event) -> Vec<String> {
    match event {
        Event::MessageReceived(messages) => messages
            .iter()
            .map(|m| m.text().unwrap_or_default().to_owned())
            .collect(),
        _ => Vec::new(),
    }
}

/// `listen` hands each handler its event's own payload, in order, until its
/// guard is dropped; other events never reach it.
pub async fn typed_listeners_get_their_payload<R: Runtime + Default>() {
    let world = World::start();
    let (alice, _a) = world.client::<R>(APP_A);
    let (bob, mut bob_events) = world.client::<R>(APP_A);
    let got: Arc<Mutex<Vec<String>>> = Arc::default();
    let ready = Arc::new(Mutex::new(0));
    let sink = Arc::clone(&got);
    let guard = bob.listen(MessageReceived, move |messages| {
        let mut got = sink.lock().expect("not poisoned");
        got.extend(messages.iter().map(|m| m.text().unwrap_or("?").to_owned()));
    });
    let count = Arc::clone(&ready);
    let _ready = bob.listen(SdkReady, move |()| {
        *count.lock().expect("not poisoned") += 1
    });

    login(&world, &alice, "alice").await;
    login(&world, &bob, "bob").await;
    for text in ["1", "2", "3"] {
        send(&alice, "bob", text).await;
    }
    expect_event::<R>(&mut bob_events, "3", |e| texts(e) == ["3"]).await;
    drop(guard);
    send(&alice, "bob", "4").await;
    expect_event::<R>(&mut bob_events, "4", |e| texts(e) == ["4"]).await;

    // Listeners run before the stream sees an event, so this is final.
    assert_eq!(*got.lock().expect("not poisoned"), ["1", "2", "3"]);
    assert_eq!(*ready.lock().expect("not poisoned"), 1);
    bob.destroy().await.expect("destroy");
    alice.destroy().await.expect("destroy");
}

/// An async listener runs on the runtime and may await the instance's own
/// replies: an echo bot answers every message, in order.
pub async fn async_listeners_await_replies<R: Runtime + Default>() {
    let world = World::start();
    let (alice, mut alice_events) = world.client::<R>(APP_A);
    let (bot, _b) = world.client::<R>(APP_A);
    let handle = bot.clone();
    let _echo = bot.listen_async(MessageReceived, move |messages| {
        let bot = handle.clone();
        async move {
            for m in messages {
                let reply = format!("echo {}", m.text().unwrap_or("?"));
                let echo = bot
                    .create_text_message(&CreateTextMessageOptions::c2c(&m.from, reply))
                    .expect("create");
                // Awaiting the bot's own reply inside its listener.
                bot.send_message(&echo).await.expect("the echo is sent");
            }
        }
    });
    login(&world, &alice, "alice").await;
    login(&world, &bot, "bot").await;
    for text in ["a", "b", "c"] {
        send(&alice, "bot", text).await;
    }
    let mut echoes = Vec::new();
    while echoes.len() < 3 {
        let e = expect_event::<R>(&mut alice_events, "an echo", |e| !texts(e).is_empty()).await;
        echoes.extend(texts(&e));
    }
    assert_eq!(echoes, ["echo a", "echo b", "echo c"]);
    bot.destroy().await.expect("destroy");
    alice.destroy().await.expect("destroy");
}

/// A stream whose reader falls far behind loses nothing by default: the
/// instance waits for it, and every message arrives exactly once, in order.
pub async fn a_slow_stream_loses_no_message<R: Runtime + Default>() {
    let world = World::start();
    let (alice, _a) = world.client::<R>(APP_A);
    let bob = Chat::<R>::create_independent(world.options(APP_A));
    // Two events of room for forty messages (and the login's events).
    let mut slow = bob.events(2);
    login(&world, &alice, "alice").await;
    login(&world, &bob, "bob").await;
    let sent: Vec<String> = (0..40).map(|i| format!("m{i}")).collect();
    for text in &sent {
        send(&alice, "bob", text).await;
    }
    let mut received = Vec::new();
    while received.len() < sent.len() {
        let e = expect_event::<R>(&mut slow, "the next message", |e| !texts(e).is_empty()).await;
        received.extend(texts(&e));
    }
    assert_eq!(received, sent);
    assert_eq!(slow.dropped(), 0);

    // The opt-in lossy policy says what it lost.
    let mut lossy = bob.events_with(1, Overflow::DropOldest);
    for text in ["v", "w", "x", "y", "z"] {
        send(&alice, "bob", text).await;
    }
    // Read the blocking stream up to the last one: by then the lossy
    // stream (fed after it) has been offered the MESSAGE_RECEIVED of "v"
    // to "y" with room for one, so it dropped at least one event however
    // the conversation events of those messages were coalesced.
    expect_event::<R>(&mut slow, "z", |e| texts(e) == ["z"]).await;
    assert!(lossy.dropped() >= 1, "dropped {}", lossy.dropped());
    assert!(lossy.next().await.is_some(), "the newest event is kept");
    // A blocking stream nobody reads any more would hold the instance (and
    // its destroy) once it is full: let it go first.
    drop(slow);
    drop(lossy);
    bob.destroy().await.expect("destroy");
    alice.destroy().await.expect("destroy");
}
