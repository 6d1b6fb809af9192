//! The conformance suite: the seed's lifecycle (create, on, login,
//! SDK_READY, send, receive, logout, SDK_NOT_READY, destroy, SDK_DESTROY)
//! and its error cases, written once for any [`Runtime`].

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use tcchat_core::model::CreateTextMessageOptions;
use tcchat_core::types::{ConversationType, Flow, KickedOutType, MessageStatus, NetState};
use tcchat_core::{ErrorCode, Event, EventName};
use tcchat_runtime_common::{Chat, Context, LoginOptions, OffFilter, Payload, Runtime};

use crate::world::{events_until, expect_event, now_secs, World, APP_A, APP_B};

fn text_of(event: &Event) -> Vec<String> {
    match event {
        Event::MessageReceived(list) => list
            .iter()
            .map(|m| match &m.payload {
                Payload::Text { text } => text.clone(),
                other => format!("{other:?}"),
            })
            .collect(),
        _ => Vec::new(),
    }
}

async fn login<R: Runtime + Default>(world: &World, chat: &Chat<R>, app: u64, user: &str) {
    chat.login(LoginOptions::new(user, world.sig(app, user)))
        .await
        .unwrap_or_else(|e| panic!("login {user}: {e}"));
}

/// create → on (before login) → login → SDK_READY → send → receive →
/// logout → SDK_NOT_READY → destroy → SDK_DESTROY, and nothing after.
pub async fn full_lifecycle<R: Runtime + Default>() {
    let world = World::start();
    let (alice, mut alice_events) = world.client::<R>(APP_A);
    let (bob, mut bob_events) = world.client::<R>(APP_A);

    // Listeners registered before login see SDK_READY; the seed's sample
    // sends from the SDK_READY handler.
    let sent_from_handler = Arc::new(Mutex::new(None));
    let slot = Arc::clone(&sent_from_handler);
    let alice2 = alice.clone();
    let _ready = alice
        .on(EventName::SdkReady, move |_| {
            let msg = alice2
                .create_text_message(&CreateTextMessageOptions::c2c("bob", "Hello world!"))
                .expect("create in SDK_READY");
            // Submitted now; the reply is awaited by no one here.
            let _reply = alice2.send_message(&msg);
            *slot.lock().unwrap() = Some(msg);
        })
        .unwrap();

    login(&world, &bob, APP_A, "bob").await;
    expect_event::<R>(&mut bob_events, "bob SDK_READY", |e| *e == Event::SdkReady).await;
    assert!(bob.is_ready());
    assert_eq!(bob.get_login_user().as_deref(), Some("bob"));

    let info = alice
        .login(LoginOptions::new("alice", world.sig(APP_A, "alice")))
        .await
        .unwrap();
    assert!(!info.repeat_login);
    expect_event::<R>(&mut alice_events, "alice SDK_READY", |e| {
        *e == Event::SdkReady
    })
    .await;

    let received = expect_event::<R>(&mut bob_events, "Hello world!", |e| {
        matches!(e, Event::MessageReceived(_))
    })
    .await;
    assert_eq!(text_of(&received), ["Hello world!"]);
    let Event::MessageReceived(list) = received else {
        unreachable!()
    };
    let got = &list[0];
    let sent = sent_from_handler
        .lock()
        .unwrap()
        .clone()
        .expect("handler ran");
    assert_eq!(got.id, sent.id, "one ID on both sides");
    assert_eq!(got.sequence, sent.sequence);
    assert_eq!(got.from, "alice");
    assert_eq!(got.to, "bob");
    assert_eq!(got.flow, Flow::In);
    assert_eq!(got.conversation_type, ConversationType::C2c);
    assert_eq!(got.conversation_id, "C2Calice");
    assert!(got.time > 0);
    assert_eq!(bob.find_message(&got.id).as_ref(), Some(got));

    // A reply the other way, awaited.
    let reply = bob
        .create_text_message(&CreateTextMessageOptions::c2c("alice", "hi alice"))
        .unwrap();
    let delivered = bob.send_message(&reply).await.unwrap();
    assert_eq!(delivered.status, MessageStatus::Success);
    assert!(delivered.time > 0);
    let back = expect_event::<R>(&mut alice_events, "reply", |e| {
        matches!(e, Event::MessageReceived(_))
    })
    .await;
    assert_eq!(text_of(&back), ["hi alice"]);
    assert_eq!(
        alice.find_message(&sent.id).map(|m| m.status),
        Some(MessageStatus::Success)
    );

    // Logout: SDK_NOT_READY, then is_ready() is false.
    bob.logout().await.unwrap();
    expect_event::<R>(&mut bob_events, "SDK_NOT_READY", |e| {
        *e == Event::SdkNotReady
    })
    .await;
    assert!(!bob.is_ready());

    // Destroy: SDK_DESTROY is the last event; the stream then ends.
    alice.destroy().await.unwrap();
    let tail = events_until::<R>(&mut alice_events, "SDK_DESTROY", |e| {
        e.name() == EventName::SdkDestroy
    })
    .await;
    assert_eq!(tail.last(), Some(&Event::SdkDestroy { sdk_app_id: APP_A }));
    assert!(
        alice_events.next().await.is_none(),
        "no event after SDK_DESTROY"
    );
    assert_eq!(
        alice
            .create_text_message(&CreateTextMessageOptions::c2c("bob", "late"))
            .unwrap_err()
            .code,
        ErrorCode::LOGGED_OUT
    );
    bob.destroy().await.unwrap();
}

/// Calls in the wrong state fail with the official codes, and nothing
/// panics.
pub async fn wrong_state_calls_get_official_codes<R: Runtime + Default>() {
    // Persistent: the server is stopped and restarted on the same port.
    let mut world = World::start_persistent();
    let (chat, mut events) = world.client::<R>(APP_A);
    let opts = CreateTextMessageOptions::c2c("bob", "x");
    assert_eq!(
        chat.create_text_message(&opts).unwrap_err().code,
        ErrorCode::USER_NOT_LOGGED_IN
    );
    assert_eq!(
        chat.logout().await.unwrap_err().code,
        ErrorCode::USER_NOT_LOGGED_IN
    );
    let error =
        expect_event::<R>(&mut events, "ERROR event", |e| e.name() == EventName::Error).await;
    assert_eq!(
        error,
        Event::Error {
            code: ErrorCode::USER_NOT_LOGGED_IN,
            message: "createTextMessage: not logged in".into()
        }
    );

    // With the server down the login cannot complete, so the calls below
    // meet a login in progress whatever the scheduling (over loopback a
    // login can otherwise finish between two calls: CI saw it once).
    world.stop_server();
    let first = chat.login(LoginOptions::new("alice", world.sig(APP_A, "alice")));
    let second = chat.login(LoginOptions::new("alice", world.sig(APP_A, "alice")));
    assert_eq!(
        chat.create_text_message(&opts).unwrap_err().code,
        ErrorCode::LOGGING_IN
    );
    assert_eq!(second.await.unwrap_err().code, ErrorCode::LOGGING_IN);
    world.restart_server();
    first.await.unwrap();
    // The same user again resolves as a repeat login; another user is refused.
    assert!(
        chat.login(LoginOptions::new("alice", world.sig(APP_A, "alice")))
            .await
            .unwrap()
            .repeat_login
    );
    assert_eq!(
        chat.login(LoginOptions::new("carol", world.sig(APP_A, "carol")))
            .await
            .unwrap_err()
            .code,
        ErrorCode::REPEAT_LOGIN
    );
    chat.logout().await.unwrap();
    assert_eq!(
        chat.create_text_message(&opts).unwrap_err().code,
        ErrorCode::LOGGED_OUT
    );
    chat.destroy().await.unwrap();
    assert_eq!(
        chat.login(LoginOptions::new("alice", world.sig(APP_A, "alice")))
            .await
            .unwrap_err()
            .code,
        ErrorCode::LOGGED_OUT
    );
    assert_eq!(chat.logout().await.unwrap_err().code, ErrorCode::LOGGED_OUT);
    // destroy twice is harmless.
    chat.destroy().await.unwrap();
}

/// A bad UserSig is refused with its code; the instance stays usable.
pub async fn bad_usersigs_are_refused_with_codes<R: Runtime + Default>() {
    let world = World::start();
    let (chat, _events) = world.client::<R>(APP_A);
    let cases = [
        ("tampered", format!("{}x", world.sig(APP_A, "alice"))),
        ("other app's key", world.sig(APP_B, "alice")),
        ("other user", world.sig(APP_A, "mallory")),
        (
            "expired",
            world.sig_with(APP_A, "alice", 60, now_secs() - 3600),
        ),
        ("garbage", "not-a-sig".to_owned()),
    ];
    for (what, sig) in cases {
        let err = chat
            .login(LoginOptions::new("alice", sig))
            .await
            .expect_err(what);
        assert!(
            (70001..=70999).contains(&err.code.0),
            "{what}: expected a 700xx UserSig code, got {err}"
        );
        if what == "expired" {
            assert_eq!(err.code, ErrorCode::ACCOUNT_A2KEY_EXPIRED, "{what}");
        }
        assert!(!chat.is_ready(), "{what}");
    }
    login(&world, &chat, APP_A, "alice").await;
    assert!(chat.is_ready());
    chat.destroy().await.unwrap();
}

/// Messages never cross SDKAppIDs, even between equal user IDs.
pub async fn sdk_app_ids_are_isolated<R: Runtime + Default>() {
    let world = World::start();
    let (sender, _s) = world.client::<R>(APP_A);
    let (bob_a, mut bob_a_events) = world.client::<R>(APP_A);
    let (bob_b, mut bob_b_events) = world.client::<R>(APP_B);
    login(&world, &sender, APP_A, "alice").await;
    login(&world, &bob_a, APP_A, "bob").await;
    login(&world, &bob_b, APP_B, "bob").await;
    let msg = sender
        .create_text_message(&CreateTextMessageOptions::c2c("bob", "for app A only"))
        .unwrap();
    sender.send_message(&msg).await.unwrap();
    expect_event::<R>(&mut bob_a_events, "delivery in app A", |e| {
        matches!(e, Event::MessageReceived(_))
    })
    .await;
    // In app B, carol sends bob a marker through the same server; when it
    // arrives, anything from app A would have arrived before it.
    let (carol_b, _c) = world.client::<R>(APP_B);
    login(&world, &carol_b, APP_B, "carol").await;
    let marker = carol_b
        .create_text_message(&CreateTextMessageOptions::c2c("bob", "marker"))
        .unwrap();
    carol_b.send_message(&marker).await.unwrap();
    let seen = events_until::<R>(&mut bob_b_events, "marker", |e| text_of(e) == ["marker"]).await;
    let texts: Vec<String> = seen.iter().flat_map(text_of).collect();
    assert_eq!(texts, ["marker"], "app B saw app A's message");
    for chat in [sender, bob_a, bob_b, carol_b] {
        chat.destroy().await.unwrap();
    }
}

/// A message to an offline user arrives, once, through the sync at the next
/// login.
pub async fn offline_messages_arrive_through_sync<R: Runtime + Default>() {
    let world = World::start();
    let (alice, _a) = world.client::<R>(APP_A);
    login(&world, &alice, APP_A, "alice").await;
    for text in ["while you were away 1", "while you were away 2"] {
        let m = alice
            .create_text_message(&CreateTextMessageOptions::c2c("dave", text))
            .unwrap();
        alice.send_message(&m).await.unwrap();
    }
    let (dave, mut dave_events) = world.client::<R>(APP_A);
    login(&world, &dave, APP_A, "dave").await;
    let got = expect_event::<R>(&mut dave_events, "synced messages", |e| {
        matches!(e, Event::MessageReceived(_))
    })
    .await;
    let mut texts = text_of(&got);
    if texts.len() < 2 {
        let more = expect_event::<R>(&mut dave_events, "second synced message", |e| {
            matches!(e, Event::MessageReceived(_))
        })
        .await;
        texts.extend(text_of(&more));
    }
    assert_eq!(texts, ["while you were away 1", "while you were away 2"]);
    dave.destroy().await.unwrap();

    // Logging in again later does not deliver them a second time: send a
    // marker and check it is the only message.
    let (dave2, mut dave2_events) = world.client::<R>(APP_A);
    login(&world, &dave2, APP_A, "dave").await;
    let m = alice
        .create_text_message(&CreateTextMessageOptions::c2c("dave", "marker"))
        .unwrap();
    alice.send_message(&m).await.unwrap();
    let seen = events_until::<R>(&mut dave2_events, "marker", |e| {
        text_of(e).contains(&"marker".to_owned())
    })
    .await;
    let texts: Vec<String> = seen.iter().flat_map(text_of).collect();
    assert_eq!(texts, ["marker"]);
    dave2.destroy().await.unwrap();
    alice.destroy().await.unwrap();
}

/// `on`, `once`, `off` by handler, by context and by once, and drop guards.
pub async fn listener_semantics<R: Runtime + Default>() {
    let world = World::start();
    let (alice, _a) = world.client::<R>(APP_A);
    let (bob, mut bob_events) = world.client::<R>(APP_A);
    let counter = |n: &Arc<AtomicUsize>| {
        let n = Arc::clone(n);
        move |_: &Event| {
            n.fetch_add(1, Ordering::SeqCst);
        }
    };
    let (every, once, by_handle, in_ctx, once_in_ctx, guarded) = (
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicUsize::new(0)),
    );
    let ctx = Context::named("conversation-view");
    let ev = EventName::MessageReceived;
    bob.on(ev, counter(&every)).unwrap();
    bob.once(ev, counter(&once)).unwrap();
    let handle = bob.on(ev, counter(&by_handle)).unwrap();
    bob.on_with_context(ev, ctx.clone(), counter(&in_ctx))
        .unwrap();
    bob.on_with_context(ev, ctx.clone(), counter(&once_in_ctx))
        .unwrap();
    let guard = bob.on(ev, counter(&guarded)).unwrap().guard();

    login(&world, &alice, APP_A, "alice").await;
    login(&world, &bob, APP_A, "bob").await;
    let send = |text: &str| {
        let m = alice
            .create_text_message(&CreateTextMessageOptions::c2c("bob", text))
            .unwrap();
        alice.send_message(&m)
    };
    send("1").await.unwrap();
    expect_event::<R>(&mut bob_events, "1", |e| text_of(e) == ["1"]).await;

    assert!(bob.off_listener(&handle));
    assert!(!handle.remove(), "already removed");
    // off(event, _, context, once=true) removes only once-listeners of the
    // context: there are none, so nothing changes.
    let once_only = OffFilter {
        context: Some(ctx.clone()),
        once: true,
        ..OffFilter::default()
    };
    assert_eq!(bob.off(ev, &once_only), 0);
    drop(guard);
    send("2").await.unwrap();
    expect_event::<R>(&mut bob_events, "2", |e| text_of(e) == ["2"]).await;
    assert_eq!(bob.off_context(&ctx), 2);
    send("3").await.unwrap();
    expect_event::<R>(&mut bob_events, "3", |e| text_of(e) == ["3"]).await;

    // Listeners run before the stream sees the event, so counts are final.
    assert_eq!(every.load(Ordering::SeqCst), 3);
    assert_eq!(once.load(Ordering::SeqCst), 1);
    assert_eq!(by_handle.load(Ordering::SeqCst), 1);
    assert_eq!(in_ctx.load(Ordering::SeqCst), 2);
    assert_eq!(once_in_ctx.load(Ordering::SeqCst), 2);
    assert_eq!(guarded.load(Ordering::SeqCst), 1);
    alice.destroy().await.unwrap();
    bob.destroy().await.unwrap();
}

/// `create` returns the same instance for the same SDKAppID until it is
/// destroyed; afterwards a fresh one.
pub async fn create_returns_one_instance_per_sdk_app_id<R: Runtime + Default>() {
    let world = World::start();
    let a = Chat::<R>::create(world.options(APP_B));
    let b = Chat::<R>::create(world.options(APP_B));
    assert!(a.same_instance(&b));
    let other = Chat::<R>::create(world.options(APP_A));
    assert!(!a.same_instance(&other));
    a.destroy().await.unwrap();
    let c = Chat::<R>::create(world.options(APP_B));
    assert!(
        !c.same_instance(&a),
        "a destroyed instance is not handed out again"
    );
    login(&world, &c, APP_B, "erin").await;
    assert!(c.is_ready());
    c.destroy().await.unwrap();
    other.destroy().await.unwrap();
}

/// `destroy` while the SDK is reconnecting to a server that is gone: it
/// completes without the server, SDK_DESTROY is the last event, and the
/// SDK stops trying.
pub async fn destroy_during_reconnect<R: Runtime + Default>() {
    let mut world = World::start();
    let (chat, mut events) = world.client::<R>(APP_A);
    login(&world, &chat, APP_A, "alice").await;
    world.stop_server();
    // The link is lost: the SDK starts reconnecting, and the attempts fail.
    expect_event::<R>(&mut events, "NET_STATE connecting", |e| {
        *e == Event::NetStateChange {
            state: NetState::Connecting,
            cause: None,
        }
    })
    .await;
    expect_event::<R>(&mut events, "NET_STATE disconnected", |e| {
        matches!(
            e,
            Event::NetStateChange {
                state: NetState::Disconnected,
                ..
            }
        )
    })
    .await;
    assert!(chat.is_ready(), "a reconnect is transparent: still ready");
    chat.destroy().await.unwrap();
    let tail = events_until::<R>(&mut events, "SDK_DESTROY", |e| {
        e.name() == EventName::SdkDestroy
    })
    .await;
    assert_eq!(
        tail.iter().filter(|e| **e == Event::SdkNotReady).count(),
        1,
        "{tail:?}"
    );
    assert!(events.next().await.is_none(), "no event after SDK_DESTROY");
    assert!(!chat.is_ready());
}

fn texts_of(events: &[Event]) -> Vec<String> {
    events.iter().flat_map(text_of).collect()
}

fn send_text<R: Runtime + Default>(
    chat: &Chat<R>,
    to: &str,
    text: &str,
) -> tcchat_runtime_common::Reply<tcchat_core::model::Message> {
    let m = chat
        .create_text_message(&CreateTextMessageOptions::c2c(to, text))
        .unwrap();
    chat.send_message(&m)
}

/// The server crashes and comes back on the same port with the same
/// database: both clients reconnect on their own without SDK_NOT_READY,
/// messages sent before, during and after the outage each arrive exactly
/// once, and sends made while the server was down complete.
pub async fn server_restart_loses_nothing<R: Runtime + Default>() {
    let mut world = World::start_persistent();
    let (alice, mut alice_events) = world.client::<R>(APP_A);
    let (bob, mut bob_events) = world.client::<R>(APP_A);
    login(&world, &alice, APP_A, "alice").await;
    login(&world, &bob, APP_A, "bob").await;
    send_text(&alice, "bob", "before").await.unwrap();
    expect_event::<R>(&mut bob_events, "before", |e| text_of(e) == ["before"]).await;

    world.crash_server();
    expect_event::<R>(&mut alice_events, "alice reconnecting", |e| {
        *e == Event::NetStateChange {
            state: NetState::Connecting,
            cause: None,
        }
    })
    .await;
    // Sent while the server is down: queued, resent after the reconnect.
    let during1 = send_text(&alice, "bob", "during 1");
    let during2 = send_text(&alice, "bob", "during 2");
    world.restart_server();
    during1
        .await
        .expect("a send queued during the outage completes");
    during2
        .await
        .expect("a send queued during the outage completes");
    // Bob gets both from his re-login's sync (or from pushes, once his
    // session is live), exactly once and in order. "after" is sent only
    // then: sent earlier, its push can reach bob before his sync's reply,
    // and it would be delivered before the older two (seen under load).
    let seen = events_until::<R>(&mut bob_events, "during 2", |e| {
        text_of(e).contains(&"during 2".to_owned())
    })
    .await;
    assert_eq!(
        texts_of(&seen),
        ["during 1", "during 2"],
        "exactly once, in order"
    );
    send_text(&alice, "bob", "after").await.unwrap();
    let after = events_until::<R>(&mut bob_events, "after", |e| {
        text_of(e).contains(&"after".to_owned())
    })
    .await;
    assert_eq!(texts_of(&after), ["after"], "exactly once");
    assert!(
        !seen.contains(&Event::SdkNotReady) && !after.contains(&Event::SdkNotReady),
        "reconnect is transparent"
    );
    assert!(alice.is_ready() && bob.is_ready());
    alice.destroy().await.unwrap();
    bob.destroy().await.unwrap();
}

/// A second login of the same user on the same platform kicks the first
/// with multipleAccount; the kicked instance gets exactly one SDK_NOT_READY,
/// does not log in again by itself, and can log in again.
pub async fn second_login_kicks_the_first<R: Runtime + Default>() {
    let world = World::start();
    let (first, mut first_events) = world.client::<R>(APP_A);
    let (second, mut second_events) = world.client::<R>(APP_A);
    let (carol, _c) = world.client::<R>(APP_A);
    login(&world, &first, APP_A, "alice").await;
    login(&world, &carol, APP_A, "carol").await;
    login(&world, &second, APP_A, "alice").await;
    let seen = events_until::<R>(&mut first_events, "SDK_NOT_READY", |e| {
        *e == Event::SdkNotReady
    })
    .await;
    assert!(
        seen.contains(&Event::KickedOut {
            kind: KickedOutType::MultipleAccount
        }),
        "{seen:?}"
    );
    assert!(!first.is_ready());
    assert!(second.is_ready());
    // Messages go to the new instance only.
    send_text(&carol, "alice", "to the second").await.unwrap();
    expect_event::<R>(&mut second_events, "delivery", |e| {
        text_of(e) == ["to the second"]
    })
    .await;
    // The first can log in again; that kicks the second.
    login(&world, &first, APP_A, "alice").await;
    let seen = events_until::<R>(&mut second_events, "SDK_NOT_READY", |e| {
        *e == Event::SdkNotReady
    })
    .await;
    assert!(seen.contains(&Event::KickedOut {
        kind: KickedOutType::MultipleAccount
    }));
    assert_eq!(seen.iter().filter(|e| **e == Event::SdkNotReady).count(), 1);
    for chat in [first, second, carol] {
        chat.destroy().await.unwrap();
    }
}

/// A UserSig that expires while the user is online: KICKED_OUT
/// userSigExpired, then SDK_NOT_READY.
pub async fn usersig_expiry_while_online_kicks<R: Runtime + Default>() {
    let world = World::start();
    let mut options = world.options(APP_A);
    // Ping often so the expiry is noticed quickly (the server answers the
    // first request after expiry with 70001).
    options.tuning.ping_idle = Duration::from_millis(300);
    let (chat, mut events) = world.client_with::<R>(options);
    let sig = world.sig_with(APP_A, "alice", 2, now_secs());
    chat.login(LoginOptions::new("alice", sig)).await.unwrap();
    let seen = events_until::<R>(&mut events, "SDK_NOT_READY", |e| *e == Event::SdkNotReady).await;
    assert!(
        seen.contains(&Event::KickedOut {
            kind: KickedOutType::UserSigExpired
        }),
        "{seen:?}"
    );
    assert!(!chat.is_ready());
    // A fresh UserSig logs in again.
    login(&world, &chat, APP_A, "alice").await;
    chat.destroy().await.unwrap();
}

/// An administrator kicks the user through the REST API: every instance
/// gets KICKED_OUT REST_API_Kick and SDK_NOT_READY, and can log in again.
pub async fn rest_api_kick<R: Runtime + Default>() {
    let world = World::start();
    let (chat, mut events) = world.client::<R>(APP_A);
    login(&world, &chat, APP_A, "alice").await;
    assert_eq!(world.rest_kick(APP_A, "alice"), 0, "the REST call succeeds");
    let seen = events_until::<R>(&mut events, "SDK_NOT_READY", |e| *e == Event::SdkNotReady).await;
    assert!(
        seen.contains(&Event::KickedOut {
            kind: KickedOutType::RestApi
        }),
        "{seen:?}"
    );
    assert!(!chat.is_ready());
    // A non-administrator cannot kick.
    let key = "secret-key-of-app-a";
    let refused = tcchat_server::admin_client::rest_kick(
        &world.http_url(),
        APP_A,
        key,
        "alice",
        "bob",
        now_secs(),
    )
    .expect("the REST call completes");
    assert_ne!(refused.error_code, 0);
    login(&world, &chat, APP_A, "alice").await;
    assert!(chat.is_ready());
    chat.destroy().await.unwrap();
}
