//! Edges of the SDK over a real link: the server clock, and (with a raw
//! listener instead of the reference server) a peer that stops reading.
//! Written once for any [`Runtime`].

use std::io::{ErrorKind, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use async_tungstenite::tungstenite::{self, Message as WsMessage};
use serde_json::json;
use tcchat_core::model::CreateTextMessageOptions;
use tcchat_core::wire::{decode, encode, servcmd, Head, HeadIdentity};
use tcchat_core::{ErrorCode, Options};
use tcchat_runtime_common::{Chat, LoginOptions, Runtime};

use crate::world::{now_secs, World, APP_A};

/// `getServerTime()` on a real link: the reference server's `TimeStamp`
/// (the same machine's clock here), and 3005 after destroy.
pub async fn get_server_time_is_the_servers<R: Runtime + Default>() {
    let world = World::start();
    let (alice, _events) = world.client::<R>(APP_A);
    alice
        .login(LoginOptions::new("alice", world.sig(APP_A, "alice")))
        .await
        .expect("login");
    let before = now_secs();
    let server = alice.get_server_time().await.expect("getServerTime");
    let after = now_secs();
    // The estimate carries the login's round trip and the second the
    // server's TimeStamp truncates: within a second either way.
    assert!(
        (before.saturating_sub(1)..=after + 1).contains(&server),
        "server time {server} not within [{before}, {after}] ± 1"
    );
    alice.destroy().await.expect("destroy");
    let err = alice.get_server_time().await.unwrap_err();
    assert_eq!(err.code, ErrorCode::LOGGED_OUT);
}

/// A peer that accepts, answers the login and then never reads again: the
/// client's writes fill the socket buffers and stall. The stalled
/// connection must still be let go — by the write timeout, or by the
/// client abandoning the link, honoured while the write is stuck — and the
/// client must connect again; `destroy` then completes.
///
/// Without the bounded write the connection task stays in its write for
/// ever, holding the socket: the raw listener sees the socket still open
/// (its writes to it stall too) and the check fails.
pub async fn a_stalled_peer_cannot_pin_the_connection<R: Runtime + Default>() {
    let (port, conns) = stalling_listener();
    let mut options = Options::new(APP_A).with_proxy_server(format!("ws://127.0.0.1:{port}"));
    options.tuning.max_pending_requests = 5_000;
    options.tuning.write_timeout = Duration::from_secs(2);
    let chat = Chat::<R>::create_independent(options);
    chat.login(LoginOptions::new("alice", "any-sig"))
        .await
        .expect("the listener answers the login");
    let first = recv::<R, _>(&conns, "the first connection").await;

    // About 22 MB of messages, far more than loopback socket buffers hold
    // (a few MB each way): the writes stall.
    let text = "x".repeat(11_000);
    for _ in 0..2_000 {
        let message = chat
            .create_text_message(&CreateTextMessageOptions::c2c("bob", text.clone()))
            .expect("create");
        // Never answered; the outcome does not matter here.
        drop(chat.send_message(&message));
    }

    let released = check_released(first, Duration::from_secs(30));
    let verdict = recv::<R, _>(&released, "the release check").await;
    assert_eq!(
        verdict,
        Ok(()),
        "the client still holds the stalled connection"
    );
    // The client connects again (and logs in again) on a new link.
    let _second = recv::<R, _>(&conns, "a second connection").await;
    chat.destroy().await.expect("destroy completes");
}

/// A listener on 127.0.0.1 that, for each connection, completes the
/// WebSocket handshake, answers the first `wslogin`, hands over a clone of
/// the socket and never reads from it again (the socket stays open).
fn stalling_listener() -> (u16, mpsc::Receiver<TcpStream>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("local address").port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let Ok(raw) = stream.try_clone() else { return };
            let Ok(mut ws) = tungstenite::accept(stream) else {
                continue;
            };
            while let Ok(message) = ws.read() {
                let WsMessage::Binary(bytes) = message else {
                    continue;
                };
                let Ok(frame) = decode(&bytes) else { continue };
                if frame.head.servcmd == servcmd::LOGIN {
                    let reply = json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "",
                        "A2Key": "a2", "TinyId": "144115000000000001", "InstId": 1,
                        "HelloInterval": 120, "TimeStamp": now_secs()});
                    let _ = ws.send(WsMessage::Binary(encode(&frame.head, &reply)));
                    break;
                }
            }
            // Keep the socket open, unread.
            held.push(ws);
            if tx.send(raw).is_err() {
                return;
            }
        }
    });
    (port, rx)
}

/// On a thread: keep writing harmless server frames (a `heartbeat.alive`
/// answer, valid WebSocket and valid tcchat) to `stream` until the client
/// resets it (`Ok`) or `within` passes with the socket still taking them or
/// stalled (`Err`).
fn check_released(mut stream: TcpStream, within: Duration) -> mpsc::Receiver<Result<(), String>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let head = Head::request(APP_A, &HeadIdentity::Anonymous, servcmd::ALIVE, 0, 0);
        let payload = encode(&head, &json!({"ActionStatus": "OK", "ErrorCode": 0}));
        let len = u16::try_from(payload.len()).expect("a small frame");
        let mut frame = vec![0x82, 126];
        frame.extend_from_slice(&len.to_be_bytes());
        frame.extend_from_slice(&payload);
        let burst = frame.repeat(64);
        let _ = stream.set_write_timeout(Some(Duration::from_millis(500)));
        let deadline = Instant::now() + within;
        let verdict = loop {
            match stream.write_all(&burst) {
                Ok(()) => {}
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                // Reset, broken pipe, aborted: the client let it go.
                Err(_) => break Ok(()),
            }
            if Instant::now() > deadline {
                break Err(format!("the socket was still open after {within:?}"));
            }
        };
        let _ = tx.send(verdict);
    });
    rx
}

/// The next value of `rx`, waiting on the runtime's timer; panics after 60 s.
async fn recv<R: Runtime + Default, T>(rx: &mpsc::Receiver<T>, what: &str) -> T {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match rx.try_recv() {
            Ok(value) => return value,
            Err(mpsc::TryRecvError::Disconnected) => panic!("{what}: its thread ended"),
            Err(mpsc::TryRecvError::Empty) if Instant::now() > deadline => {
                panic!("no {what} within 60 s")
            }
            Err(mpsc::TryRecvError::Empty) => {
                R::default()
                    .sleep_until(Instant::now() + Duration::from_millis(20))
                    .await
            }
        }
    }
}
