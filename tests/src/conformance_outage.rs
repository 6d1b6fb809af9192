//! Outages over a real link (issue 15): a login to a closed port fails
//! fast and names the cause; the server killed for 5 s and for 30 s while a
//! client sends one message a second loses and duplicates nothing. Written
//! once for any [`Runtime`].

use std::collections::BTreeMap;
use std::future::Future;
use std::net::TcpListener;
use std::time::{Duration, Instant};

use futures_util::future::{select, Either};
use futures_util::StreamExt;
use tcchat_core::model::{CreateTextMessageOptions, Payload};
use tcchat_core::types::NetState;
use tcchat_core::{ConnectCause, ErrorCode, Event, Options};
use tcchat_runtime_common::{Chat, EventStream, LoginOptions, Runtime};

use crate::world::{events_until, World, APP_A};

/// Longest any step of these scenarios may take before the test fails
/// (instead of hanging): an outage plus a generous recovery.
const STEP_LIMIT: Duration = Duration::from_secs(120);

/// `fut`'s output, or a panic naming `what` after [`STEP_LIMIT`].
async fn within<R: Runtime + Default, T>(what: &str, fut: impl Future<Output = T>) -> T {
    let deadline = R::default().sleep_until(Instant::now() + STEP_LIMIT);
    match select(Box::pin(fut), deadline).await {
        Either::Left((out, _)) => out,
        Either::Right(_) => panic!("{what}: nothing within {STEP_LIMIT:?}"),
    }
}

/// A loopback port with nothing listening on it.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    let port = listener.local_addr().expect("its address").port();
    drop(listener);
    port
}

/// A login to `127.0.0.1:<closed port>` fails with 2800 (NETWORK_ERROR)
/// whose message names the refusal, after the bounded number of attempts
/// rather than the 90 s login timeout; NET_STATE_CHANGE to disconnected
/// carries the same cause, and the ERROR event the same message.
pub async fn login_to_a_closed_port_fails_with_the_refused_cause<R: Runtime + Default>() {
    let options =
        Options::new(APP_A).with_proxy_server(format!("ws://127.0.0.1:{}", closed_port()));
    let chat = Chat::<R>::create_independent(options);
    let mut events = chat.events(256);
    let err = within::<R, _>(
        "the login",
        chat.login(LoginOptions::new("alice", "any-sig")),
    )
    .await
    .expect_err("nothing listens: the login fails");
    assert_eq!(err.code, ErrorCode::NETWORK_ERROR, "{err}");
    assert!(err.message.contains("refused"), "{err}");
    // The login's future may resolve before the stream is fed the events
    // of the same round: wait for the ERROR event (bounded) instead of
    // draining only what is already there.
    let seen = events_until::<R>(&mut events, "the ERROR event", |e| {
        matches!(e, Event::Error { .. })
    })
    .await;
    let refused_state = seen.iter().any(|e| {
        matches!(
            e,
            Event::NetStateChange {
                state: NetState::Disconnected,
                cause: Some(cause),
            } if cause.cause() == ConnectCause::Refused
        )
    });
    assert!(
        refused_state,
        "NET_STATE_CHANGE names the refusal: {seen:?}"
    );
    assert!(
        matches!(seen.last(), Some(Event::Error { code, message })
            if *code == ErrorCode::NETWORK_ERROR && *message == err.message),
        "the ERROR event carries the login's error: {seen:?}"
    );
    chat.destroy().await.expect("destroy");
}

/// The server is killed for 5 s while alice sends bob one message a
/// second: every send resolves Ok and bob gets each message exactly once.
pub async fn sends_through_a_5_s_outage_arrive_once<R: Runtime + Default>() {
    sends_through_an_outage::<R>(Duration::from_secs(5)).await;
}

/// As [`sends_through_a_5_s_outage_arrive_once`], for 30 s: twice the
/// request timeout and longer than the old backoff cap.
pub async fn sends_through_a_30_s_outage_arrive_once<R: Runtime + Default>() {
    sends_through_an_outage::<R>(Duration::from_secs(30)).await;
}

fn text_of(event: &Event) -> Vec<String> {
    match event {
        Event::MessageReceived(list) => list
            .iter()
            .filter_map(|m| match &m.payload {
                Payload::Text { text } => Some(text.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

async fn sleep<R: Runtime + Default>(d: Duration) {
    R::default().sleep_until(Instant::now() + d).await;
}

/// Collect bob's received texts until all of `want` have arrived (or
/// [`STEP_LIMIT`] passes), then a little longer to catch duplicates.
async fn receive_all<R: Runtime + Default>(
    events: &mut EventStream,
    want: usize,
) -> BTreeMap<String, usize> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let deadline = Instant::now() + STEP_LIMIT;
    let mut linger: Option<Instant> = None;
    loop {
        let until = linger.unwrap_or(deadline);
        match select(events.next(), R::default().sleep_until(until)).await {
            Either::Left((Some(event), _)) => {
                for text in text_of(&event) {
                    *seen.entry(text).or_default() += 1;
                }
                if linger.is_none() && seen.len() >= want {
                    // A duplicate would come by push or by the sync right
                    // after; give it a second.
                    linger = Some(Instant::now() + Duration::from_secs(1));
                }
            }
            Either::Left((None, _)) => panic!("bob's event stream ended"),
            Either::Right(_) => return seen,
        }
    }
}

async fn sends_through_an_outage<R: Runtime + Default>(outage: Duration) {
    let mut world = World::start_persistent();
    let (alice, _alice_events) = world.client::<R>(APP_A);
    let (bob, mut bob_events) = world.client::<R>(APP_A);
    for (chat, user) in [(&alice, "alice"), (&bob, "bob")] {
        chat.login(LoginOptions::new(user, world.sig(APP_A, user)))
            .await
            .unwrap_or_else(|e| panic!("login {user}: {e}"));
    }
    let mut replies = Vec::new();
    let mut texts = Vec::new();
    let mut send = |n: usize| {
        let text = format!("m{n}");
        let m = alice
            .create_text_message(&CreateTextMessageOptions::c2c("bob", &text))
            .expect("create");
        replies.push(alice.send_message(&m));
        texts.push(text);
    };
    // One message a second: two before the crash, one a second through
    // the outage, two after the server is back.
    let mut n = 0;
    for _ in 0..2 {
        send(n);
        n += 1;
        sleep::<R>(Duration::from_secs(1)).await;
    }
    world.crash_server();
    for _ in 0..outage.as_secs() {
        send(n);
        n += 1;
        sleep::<R>(Duration::from_secs(1)).await;
    }
    world.restart_server();
    for _ in 0..2 {
        send(n);
        n += 1;
        sleep::<R>(Duration::from_secs(1)).await;
    }
    for (text, reply) in texts.iter().zip(replies) {
        let sent = within::<R, _>(text, reply)
            .await
            .unwrap_or_else(|e| panic!("{text} failed: {e}"));
        assert_eq!(
            text_of(&Event::MessageReceived(vec![sent])),
            std::slice::from_ref(text)
        );
    }
    assert!(alice.pending_sends().is_empty(), "nothing left pending");
    let seen = receive_all::<R>(&mut bob_events, texts.len()).await;
    let missing: Vec<&String> = texts.iter().filter(|t| !seen.contains_key(*t)).collect();
    let twice: Vec<(&String, &usize)> = seen.iter().filter(|(_, n)| **n != 1).collect();
    assert!(missing.is_empty(), "never arrived: {missing:?}");
    assert!(twice.is_empty(), "arrived more than once: {twice:?}");
    assert_eq!(seen.len(), texts.len(), "only what was sent: {seen:?}");
    alice.destroy().await.expect("destroy");
    bob.destroy().await.expect("destroy");
}
