//! State-machine tests of the client core in virtual time: a scripted server answers frames,
//! the clock only moves when a test moves it. No sockets, no sleeps.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use tcchat_core::model::{CreateTextMessageOptions, Message};
use tcchat_core::types::{Flow, KickedOutType, MessageStatus, NetState};
use tcchat_core::wire::{encode, servcmd, Head};
use tcchat_core::{
    ChatError, Client, ConnId, ConnectCause, ConnectFailure, DisconnectReason, ErrorCode, Event,
    EventName, Options, Transmit, Tuning,
};

mod common;

use common::{count, push_body, received, wire_msg, Harness, Sent, APP, UNIX_MS};

/// The server time of the messages the scripted server sends; their client
/// time, which their IDs carry, is a second earlier: 1795628806.
const T0: u64 = 1_795_628_807;

impl Harness {
    fn new() -> Harness {
        Harness::with_tuning(|_| {})
    }

    /// A client with `f`'s tuning. Its connect attempts open or fail only
    /// when a test says so (the connect timeout is an hour, unless `f`
    /// sets it).
    fn with_tuning(f: impl FnOnce(&mut Tuning)) -> Harness {
        Harness::build(7, |t| {
            t.connect_timeout = Duration::from_secs(3600);
            f(t)
        })
    }

    fn refuse(&mut self) {
        let (conn, _) = self
            .connects
            .last()
            .cloned()
            .expect("a connect was requested");
        self.client.handle_disconnected(
            self.now,
            conn,
            DisconnectReason::ConnectFailed("refused".into()),
        );
        self.drain();
    }

    /// The server closes the open link.
    fn server_close(&mut self) {
        let conn = self.conn.take().expect("open link");
        self.client
            .handle_disconnected(self.now, conn, DisconnectReason::Closed(Some(1000)));
        self.drain();
    }

    fn reply_sync(&mut self, cookie: &str, messages: Value) {
        self.reply(
            servcmd::GET_MSG,
            json!({"Cookie": cookie, "SyncFlag": 2, "MsgList": messages}),
        );
    }

    /// Log out (answered), then log in as `user` (answered), dropping the
    /// events so far.
    fn switch_user(&mut self, user: &str) {
        self.client.logout(self.now).unwrap();
        self.drain();
        self.reply(servcmd::LOGOUT, json!({}));
        self.client
            .login(self.now, user, &format!("sig-{user}"))
            .unwrap();
        self.drain();
        self.reply_login();
        self.take_events();
    }
}

fn received_texts(events: &[Event]) -> Vec<String> {
    received(events)
        .into_iter()
        .map(|m| match m.payload {
            tcchat_core::model::Payload::Text { text } => text,
            other => format!("{other:?}"),
        })
        .collect()
}

#[test]
fn connects_at_create_and_logs_in_like_the_official_sdk() {
    let mut h = Harness::new();
    let (_, url) = h.connects[0].clone();
    assert!(url.starts_with("ws://127.0.0.1:1/binfo?sdkappid=1400000000&instanceid="));
    assert!(url.ends_with("&compress=gzip"));
    h.open();
    // A ping on every open, before anything else.
    assert_eq!(h.sent[0].cmd, servcmd::ALIVE);
    assert_eq!(h.sent[0].body, json!({}));
    let id = h.client.login(h.now, "u1", "sig-u1").unwrap();
    h.drain();
    let Sent { head, body, .. } = h.last_sent(servcmd::LOGIN);
    assert_eq!(head["identifier"], "u1");
    assert_eq!(head["usersig"], "sig-u1");
    assert_eq!(head["cs"], 0);
    assert!(head.get("a2").is_none());
    assert_eq!(
        body,
        json!({"State": "Online", "is_web_uniapp": 0, "InstType": 0, "CustomInfo": ""})
    );
    assert!(!h.client.is_ready());
    h.reply_login();
    assert!(h.client.is_ready());
    assert_eq!(h.take_events(), vec![Event::SdkReady]);
    assert_eq!(h.completions.len(), 1, "{:?}", h.completions);
    let info = h.result(id).expect("the login succeeded");
    assert_eq!(info.tiny_id, "144115000000000001");
    // The sync starts with the session's a2/tinyid head and an empty cookie.
    let Sent { head, body, .. } = h.last_sent(servcmd::GET_MSG);
    assert_eq!(head["a2"], "a2-1");
    assert_eq!(head["tinyid"], "144115000000000001");
    assert_eq!(head["status_instid"], 5);
    assert!(head.get("usersig").is_none());
    assert_eq!(body["Cookie"], "");
}

#[test]
fn wrong_state_calls_get_the_official_codes() {
    let mut h = Harness::new();
    let opts = CreateTextMessageOptions::c2c("u2", "hi");
    let code = |r: Result<Message, ChatError>| r.unwrap_err().code;
    assert_eq!(
        code(h.client.create_text_message(h.now, &opts)),
        ErrorCode::USER_NOT_LOGGED_IN
    );
    assert_eq!(
        h.client.logout(h.now).unwrap_err().code,
        ErrorCode::USER_NOT_LOGGED_IN
    );
    h.open();
    h.client.login(h.now, "u1", "s").unwrap();
    assert_eq!(
        code(h.client.create_text_message(h.now, &opts)),
        ErrorCode::LOGGING_IN
    );
    assert_eq!(
        h.client.login(h.now, "u1", "s").unwrap_err().code,
        ErrorCode::LOGGING_IN
    );
    h.drain();
    h.reply_login();
    assert_eq!(
        h.client.login(h.now, "u2", "s").unwrap_err().code,
        ErrorCode::REPEAT_LOGIN
    );
    h.client.logout(h.now).unwrap();
    h.drain();
    h.reply(servcmd::LOGOUT, json!({}));
    assert_eq!(
        code(h.client.create_text_message(h.now, &opts)),
        ErrorCode::LOGGED_OUT
    );
    h.client.destroy(h.now);
    h.drain();
    assert_eq!(
        h.client.login(h.now, "u1", "s").unwrap_err().code,
        ErrorCode::LOGGED_OUT
    );
    assert_eq!(
        h.client.login(h.now, "", "s").unwrap_err().code,
        ErrorCode::LOGGED_OUT
    );
    // Refused calls before destroy were also reported as ERROR events.
    assert!(count(&h.events, EventName::Error) >= 5);
}

#[test]
fn empty_credentials_are_refused() {
    let mut h = Harness::new();
    assert_eq!(
        h.client.login(h.now, "", "s").unwrap_err().code,
        ErrorCode::NO_IDENTIFIER
    );
    assert_eq!(
        h.client.login(h.now, "u", "").unwrap_err().code,
        ErrorCode::NO_USERSIG
    );
}

#[test]
fn login_failure_reports_the_server_code_and_no_not_ready() {
    let mut h = Harness::new();
    h.open();
    let id = h.client.login(h.now, "u1", "bad").unwrap();
    h.drain();
    h.reply(
        servcmd::LOGIN,
        json!({"ActionStatus": "FAIL", "ErrorCode": 70009, "ErrorInfo": "bad sig"}),
    );
    assert_eq!(h.completions[0].id(), id);
    assert_eq!(h.completions[0].error().unwrap().code, ErrorCode(70009));
    assert_eq!(count(&h.events, EventName::SdkNotReady), 0);
    assert!(!h.client.is_ready());
    // Logging in again works.
    h.client.login(h.now, "u1", "good").unwrap();
}

#[test]
fn a_failed_login_after_logout_keeps_the_logged_out_code() {
    let mut h = Harness::logged_in();
    h.client.logout(h.now).unwrap();
    h.drain();
    h.reply(servcmd::LOGOUT, json!({}));
    h.client.login(h.now, "u1", "bad").unwrap();
    h.drain();
    h.reply(
        servcmd::LOGIN,
        json!({"ActionStatus": "FAIL", "ErrorCode": 70009}),
    );
    let opts = CreateTextMessageOptions::c2c("u2", "x");
    assert_eq!(
        h.client.create_text_message(h.now, &opts).unwrap_err().code,
        ErrorCode::LOGGED_OUT
    );
}

#[test]
fn send_message_resolves_with_server_time_and_is_findable() {
    let mut h = Harness::logged_in();
    let msg = h
        .client
        .create_text_message(h.now, &CreateTextMessageOptions::c2c("u2", "Hello world!"))
        .unwrap();
    assert_eq!(msg.status, MessageStatus::Unsent);
    assert_eq!(msg.conversation_id, "C2Cu2");
    assert!(msg.id.starts_with("144115000000000001-"));
    let id = h.client.send_message(h.now, &msg).unwrap();
    h.drain();
    let Sent { head, body, .. } = h.last_sent(servcmd::SEND_C2C);
    assert_eq!(body["From_Account"], "u1");
    assert_eq!(body["To_Account"], "u2");
    assert_eq!(body["MsgSeq"], msg.sequence);
    assert_eq!(body["MsgRandom"], msg.random);
    assert_eq!(body["MsgClientTime"], msg.client_time);
    assert_eq!(
        body["MsgBody"],
        json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": "Hello world!"}}])
    );
    // cs is the CRC-32 of the body as sent.
    assert_ne!(head["cs"], 0);
    // Sending the same message twice while in flight is refused.
    assert_eq!(
        h.client.send_message(h.now, &msg).unwrap_err().code,
        ErrorCode::MSG_ONPROGRESS_ERR
    );
    h.reply(
        servcmd::SEND_C2C,
        json!({"MsgTime": 1_795_628_100u64, "MsgKey": "k"}),
    );
    assert_eq!(h.completions.len(), 1, "{:?}", h.completions);
    let sent = h.result(id).expect("the send succeeded");
    assert_eq!(sent.status, MessageStatus::Success);
    assert_eq!(sent.time, 1_795_628_100);
    assert_eq!(h.client.find_message(&msg.id), Some(&sent));
}

#[test]
fn a_failed_send_keeps_the_message_and_can_be_retried() {
    let mut h = Harness::logged_in();
    let msg = h
        .client
        .create_text_message(h.now, &CreateTextMessageOptions::c2c("u2", "x"))
        .unwrap();
    h.client.send_message(h.now, &msg).unwrap();
    h.drain();
    h.reply(
        servcmd::SEND_C2C,
        json!({"ActionStatus": "FAIL", "ErrorCode": 20003, "ErrorInfo": "no such user"}),
    );
    assert_eq!(h.completions[0].error().unwrap().code, ErrorCode(20003));
    assert_eq!(
        h.client.find_message(&msg.id).unwrap().status,
        MessageStatus::Fail
    );
    h.client.send_message(h.now, &msg).unwrap();
}

#[test]
fn foreign_messages_are_refused() {
    let mut h = Harness::logged_in();
    let mut msg = h
        .client
        .create_text_message(h.now, &CreateTextMessageOptions::c2c("u2", "x"))
        .unwrap();
    msg.id = "made-up".into();
    assert_eq!(
        h.client.send_message(h.now, &msg).unwrap_err().code,
        ErrorCode::MSG_INSTANCE_REQUIRED
    );
}

#[test]
fn pushes_are_acked_and_delivered_once() {
    let mut h = Harness::logged_in();
    let a = wire_msg("u2", "u1", 101, 1111, T0, "A via push");
    h.deliver(servcmd::MSG_PUSH, 9, push_body(json!([a.clone()])));
    let events = h.take_events();
    let Event::MessageReceived(list) = &events[0] else {
        panic!("{events:?}")
    };
    let m = &list[0];
    assert_eq!(m.id, "144115000000000002-1795628806-1111");
    assert_eq!(m.conversation_id, "C2Cu2");
    assert_eq!(m.flow, Flow::In);
    assert_eq!(m.sequence, 101);
    let ack = h.last_sent(servcmd::PUSH_ACK).body;
    assert_eq!(ack, json!({"SessionData": "sess"}));
    h.take_sent();
    // The same push again: acked, not delivered.
    h.deliver(servcmd::MSG_PUSH, 10, push_body(json!([a])));
    assert!(h.take_events().is_empty());
    assert_eq!(h.take_sent().len(), 1);
    assert_eq!(h.client.stats().duplicate_messages, 1);
}

#[test]
fn reconnect_is_transparent_and_resync_has_no_gap_or_duplicate() {
    let mut h = Harness::logged_in();
    h.advance(Duration::from_secs(20));
    let a = wire_msg("u2", "u1", 101, 1, T0, "A");
    h.deliver(servcmd::MSG_PUSH, 9, push_body(json!([a.clone()])));
    assert_eq!(received_texts(&h.take_events()), ["A"]);
    h.server_close();
    // Stable link lost: immediate reconnect, announced as connecting.
    assert_eq!(
        h.take_events(),
        vec![Event::NetStateChange {
            state: NetState::Connecting,
            cause: None
        }]
    );
    assert_eq!(h.connects.len(), 2);
    h.take_sent();
    h.open();
    assert_eq!(
        h.take_events(),
        vec![Event::NetStateChange {
            state: NetState::Connected,
            cause: None
        }]
    );
    let head = h.last_sent(servcmd::LOGIN).head;
    assert_eq!(head["a2"], "a2-1");
    assert!(head.get("usersig").is_none());
    h.reply_login();
    let body = h.last_sent(servcmd::GET_MSG).body;
    assert_eq!(body["Cookie"], "ck1");
    let c = wire_msg("u2", "u1", 102, 2, T0, "C");
    h.reply_sync("ck2", json!([c, a]));
    let events = h.take_events();
    assert_eq!(received_texts(&events), ["C"]);
    assert_eq!(count(&events, EventName::SdkNotReady), 0);
    assert_eq!(count(&events, EventName::SdkReady), 0);
}

#[test]
fn sync_pages_until_done() {
    let mut h = Harness::new();
    h.open();
    h.client.login(h.now, "u1", "s").unwrap();
    h.drain();
    h.reply_login();
    h.reply(
        servcmd::GET_MSG,
        json!({"Cookie": "p1", "SyncFlag": 0, "MsgList": [wire_msg("u2", "u1", 1, 1, T0, "one")]}),
    );
    let body = h.last_sent(servcmd::GET_MSG).body;
    assert_eq!(body["Cookie"], "p1");
    h.reply(
        servcmd::GET_MSG,
        json!({"Cookie": "p2", "SyncFlag": 2, "MsgList": [wire_msg("u2", "u1", 2, 2, T0, "two")]}),
    );
    assert_eq!(received_texts(&h.events), ["one", "two"]);
    // The last page carried messages: one more request with its cookie
    // confirms it arrived.
    let body = h.last_sent(servcmd::GET_MSG).body;
    assert_eq!(body["Cookie"], "p2");
    h.reply(
        servcmd::GET_MSG,
        json!({"Cookie": "p2", "SyncFlag": 2, "MsgList": []}),
    );
    let n = h.sent.iter().filter(|s| s.cmd == servcmd::GET_MSG).count();
    assert_eq!(n, 3, "an empty answer ends the sync");
    assert_eq!(received_texts(&h.events), ["one", "two"]);
}

#[test]
fn a_server_that_repeats_its_last_page_cannot_make_the_sync_loop() {
    let mut h = Harness::new();
    h.open();
    h.client.login(h.now, "u1", "s").unwrap();
    h.drain();
    h.reply_login();
    let page = json!({"Cookie": "same", "SyncFlag": 2, "MsgList": [wire_msg("u2", "u1", 1, 1, T0, "one")]});
    h.reply(servcmd::GET_MSG, page.clone());
    h.reply(servcmd::GET_MSG, page);
    let n = h.sent.iter().filter(|s| s.cmd == servcmd::GET_MSG).count();
    assert_eq!(n, 2, "the cookie did not move: no further request");
    assert_eq!(received_texts(&h.events), ["one"]);
}

#[test]
fn requests_made_offline_are_queued_and_resent_with_their_seq() {
    let mut h = Harness::logged_in();
    let msg = h
        .client
        .create_text_message(h.now, &CreateTextMessageOptions::c2c("u2", "queued"))
        .unwrap();
    let id = h.client.send_message(h.now, &msg).unwrap();
    h.drain();
    let Sent {
        seq: first_seq,
        head: first_head,
        ..
    } = h.last_sent(servcmd::SEND_C2C);
    // The link dies before the reply.
    h.server_close();
    h.take_sent();
    h.open();
    // Nothing but the ping and the re-login goes out before the re-login reply.
    let cmds: Vec<String> = h.sent.iter().map(|s| s.cmd.clone()).collect();
    assert_eq!(cmds, [servcmd::ALIVE, servcmd::LOGIN]);
    h.reply_login();
    let Sent { seq, head, .. } = h.last_sent(servcmd::SEND_C2C);
    assert_eq!(seq, first_seq);
    assert_eq!(head["reqtime"], first_head["reqtime"]);
    h.reply(servcmd::SEND_C2C, json!({"MsgTime": 5}));
    assert_eq!(h.completions.len(), 1, "{:?}", h.completions);
    assert!(h.result(id).is_ok());
}

#[test]
fn idle_link_is_pinged_and_abandoned_when_silent() {
    let mut h = Harness::logged_in();
    h.auto_pong = false;
    h.advance(Duration::from_millis(9_900));
    assert!(h.take_sent().is_empty());
    h.advance(Duration::from_millis(200));
    let sent = h.take_sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].cmd, servcmd::ALIVE);
    // Unanswered for 3 s: close with 4001 and reconnect at once.
    h.advance(Duration::from_millis(2_800));
    assert!(h.closes.is_empty());
    h.advance(Duration::from_millis(300));
    assert_eq!(h.closes.len(), 1);
    assert_eq!(h.closes[0].1, 4001);
    assert_eq!(h.connects.len(), 2);
}

#[test]
fn answered_pings_keep_the_link() {
    let mut h = Harness::logged_in();
    h.auto_pong = false;
    for _ in 0..10 {
        h.advance(Duration::from_secs(10));
        let seq = h.last_sent(servcmd::ALIVE).seq;
        h.deliver(
            servcmd::ALIVE,
            seq,
            json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""}),
        );
    }
    assert!(h.closes.is_empty());
    assert_eq!(h.connects.len(), 1);
}

#[test]
fn hello_follows_the_login_interval() {
    let mut h = Harness::new();
    h.open();
    h.client.login(h.now, "u1", "s").unwrap();
    h.drain();
    h.reply(
        servcmd::LOGIN,
        json!({"A2Key": "a", "TinyId": "1", "HelloInterval": 5, "InstId": 1, "TimeStamp": 0}),
    );
    h.take_sent();
    h.advance(Duration::from_millis(5_001));
    assert!(h
        .sent
        .iter()
        .any(|s| s.cmd == servcmd::HELLO && s.body == json!({"is_web_uniapp": 0})));
}

#[test]
fn kicked_by_another_account_logs_out_with_type_1() {
    let mut h = Harness::logged_in();
    let kick = json!({"EventArray": [{"Event": 9, "C2cNotifyMsgArray": [{"KickoutMsgNotify": {"KickType": 1, "NewInstInfo": {}}}]}]});
    h.deliver(servcmd::FORCE_OFFLINE, 77, kick.clone());
    let events = h.take_events();
    assert_eq!(
        events,
        vec![
            Event::KickedOut {
                kind: KickedOutType::MultipleAccount
            },
            Event::SdkNotReady
        ]
    );
    let body = h.last_sent(servcmd::LOGOUT).body;
    assert_eq!(body["wslogout_type"], 1);
    assert!(
        h.closes.is_empty(),
        "the socket stays open after a multi-account kick"
    );
    // A repeated kick changes nothing: exactly one SDK_NOT_READY.
    h.deliver(servcmd::FORCE_OFFLINE, 78, kick);
    assert!(h.take_events().is_empty());
    // No automatic re-login; login works again.
    assert!(!h.client.is_ready());
    h.client.login(h.now, "u1", "s").unwrap();
}

#[test]
fn rest_kick_closes_with_4000_and_does_not_reconnect_by_itself() {
    let mut h = Harness::logged_in();
    let kick = json!({"EventArray": [{"Event": 9, "C2cNotifyMsgArray": [{"KickoutMsgNotify": {"KickType": 3}}]}]});
    h.deliver(servcmd::MSG_PUSH, 77, kick);
    assert_eq!(
        h.take_events(),
        vec![
            Event::KickedOut {
                kind: KickedOutType::RestApi
            },
            Event::SdkNotReady,
            Event::NetStateChange {
                state: NetState::Disconnected,
                cause: None
            }
        ]
    );
    assert_eq!(h.closes[0].1, 4000);
    h.advance(Duration::from_secs(600));
    assert_eq!(h.connects.len(), 1);
}

#[test]
fn sig_expiry_in_any_reply_is_a_kick() {
    let mut h = Harness::logged_in();
    let msg = h
        .client
        .create_text_message(h.now, &CreateTextMessageOptions::c2c("u2", "x"))
        .unwrap();
    let id = h.client.send_message(h.now, &msg).unwrap();
    h.drain();
    h.reply(
        servcmd::SEND_C2C,
        json!({"ActionStatus": "FAIL", "ErrorCode": 70001, "ErrorInfo": "expired"}),
    );
    let events = h.take_events();
    assert_eq!(
        events[0],
        Event::KickedOut {
            kind: KickedOutType::UserSigExpired
        }
    );
    assert_eq!(count(&events, EventName::SdkNotReady), 1);
    assert_eq!(h.completions[0].id(), id);
    assert!(h.completions[0].error().is_some());
    assert_eq!(h.closes[0].1, 4001);
}

#[test]
fn hello_reply_1002_kicks_with_its_type() {
    let mut h = Harness::logged_in();
    h.advance(Duration::from_secs(120));
    h.reply(
        servcmd::HELLO,
        json!({"ActionStatus": "FAIL", "ErrorCode": 1002, "KickType": 2}),
    );
    assert_eq!(
        h.take_events()[0],
        Event::KickedOut {
            kind: KickedOutType::MultipleDevice
        }
    );
}

#[test]
fn refused_relogin_falls_back_to_the_usersig_transparently() {
    let mut h = Harness::logged_in();
    h.server_close();
    h.open();
    h.take_events();
    h.reply(
        servcmd::LOGIN,
        json!({"ActionStatus": "FAIL", "ErrorCode": 70101, "ErrorInfo": "unknown a2"}),
    );
    let head = h.last_sent(servcmd::LOGIN).head;
    assert_eq!(head["usersig"], "sig-u1");
    assert!(head.get("a2").is_none());
    h.reply(
        servcmd::LOGIN,
        json!({"A2Key": "a2-2", "TinyId": "144115000000000001", "InstId": 6}),
    );
    assert!(h.client.is_ready());
    assert_eq!(count(&h.take_events(), EventName::SdkNotReady), 0);
    let head = h.last_sent(servcmd::GET_MSG).head;
    assert_eq!(head["a2"], "a2-2");
}

#[test]
fn expired_sig_at_relogin_is_a_kick() {
    let mut h = Harness::logged_in();
    h.server_close();
    h.open();
    h.reply(
        servcmd::LOGIN,
        json!({"ActionStatus": "FAIL", "ErrorCode": 70101}),
    );
    h.take_events();
    h.reply(
        servcmd::LOGIN,
        json!({"ActionStatus": "FAIL", "ErrorCode": 70001}),
    );
    let events = h.take_events();
    assert_eq!(
        events[0],
        Event::KickedOut {
            kind: KickedOutType::UserSigExpired
        }
    );
    assert_eq!(count(&events, EventName::SdkNotReady), 1);
}

#[test]
fn destroy_logs_out_closes_4000_and_goes_silent() {
    let mut h = Harness::logged_in();
    let id = h.client.destroy(h.now);
    h.drain();
    let body = h.last_sent(servcmd::LOGOUT).body;
    assert_eq!(body["wslogout_type"], 0);
    assert!(h.completions.is_empty());
    h.reply(servcmd::LOGOUT, json!({}));
    assert_eq!(
        h.take_events(),
        vec![Event::SdkNotReady, Event::SdkDestroy { sdk_app_id: APP }]
    );
    assert_eq!(h.closes.last().unwrap().1, 4000);
    assert_eq!(h.completions.len(), 1, "{:?}", h.completions);
    assert_eq!(h.result(id), Ok(()));
    // Nothing after SDK_DESTROY.
    h.client.handle_timeout(h.now + Duration::from_secs(3600));
    h.client
        .handle_disconnected(h.now, ConnId(0), DisconnectReason::Closed(None));
    h.drain();
    assert!(h.take_events().is_empty());
    assert_eq!(h.client.poll_timeout(), None);
}

#[test]
fn destroy_does_not_wait_forever_for_the_logout_reply() {
    let mut h = Harness::logged_in();
    h.client.destroy(h.now);
    h.drain();
    h.advance(Duration::from_secs(3));
    assert!(h.client.is_destroyed());
    assert_eq!(count(&h.events, EventName::SdkDestroy), 1);
}

#[test]
fn destroy_while_reconnecting_needs_no_server() {
    let mut h = Harness::logged_in();
    h.server_close();
    h.refuse();
    h.take_events();
    h.client.destroy(h.now);
    h.drain();
    assert!(h.client.is_destroyed());
    assert_eq!(
        h.take_events(),
        vec![Event::SdkNotReady, Event::SdkDestroy { sdk_app_id: APP }]
    );
}

#[test]
fn refused_connects_back_off_with_jitter_and_never_give_up_while_logged_in() {
    let mut h = Harness::logged_in();
    h.server_close();
    let mut gaps = Vec::new();
    let mut last = h.now;
    for _ in 0..30 {
        h.refuse();
        let before = h.connects.len();
        h.advance(Duration::from_secs(31));
        assert_eq!(h.connects.len(), before + 1, "a retry within the 30 s cap");
        gaps.push(h.client.stats().connect_attempts);
        last = last.max(h.now);
    }
    // NET_STATE alternates and never repeats.
    let states: Vec<NetState> = h
        .events
        .iter()
        .filter_map(|e| match e {
            Event::NetStateChange { state, .. } => Some(*state),
            _ => None,
        })
        .collect();
    assert!(states.windows(2).all(|w| w[0] != w[1]), "{states:?}");
    assert_eq!(count(&h.events, EventName::SdkNotReady), 0);
    // And it recovers.
    h.open();
    h.reply_login();
    assert!(h.client.is_ready());
}

#[test]
fn queries_time_out_with_2801() {
    let mut h = Harness::logged_in();
    h.client
        .get_message_list(h.now, "C2Cu2", None)
        .expect("a query");
    h.drain();
    // The (auto-answering) server keeps the link alive; only the request
    // goes unanswered.
    h.advance(Duration::from_millis(14_900));
    assert!(h.completions.is_empty());
    h.advance(Duration::from_millis(200));
    assert_eq!(
        h.completions[0].error().unwrap().code,
        ErrorCode::NETWORK_TIMEOUT
    );
}

#[test]
fn a_login_whose_connects_are_refused_fails_fast_with_2800_and_the_cause() {
    let mut h = Harness::new();
    h.refuse();
    let start = h.now;
    h.client.login(h.now, "u1", "s").unwrap();
    h.drain();
    while h.completions.is_empty() && h.now < start + Duration::from_secs(200) {
        // Every attempt is refused (refusing an old attempt again is ignored).
        h.refuse();
        h.advance(Duration::from_millis(100));
    }
    let elapsed = h.now - start;
    // Three attempts: at once, at once again, then after at most the first
    // backoff step.
    assert!(
        elapsed <= Duration::from_secs(2),
        "login failed after {elapsed:?}"
    );
    assert_eq!(h.client.stats().connect_attempts, 4, "the create's + 3");
    let err = h.completions[0].error().unwrap().clone();
    assert_eq!(err.code, ErrorCode::NETWORK_ERROR);
    assert!(err.message.contains("refused"), "{err}");
    assert!(err.message.contains("3 attempts"), "{err}");
    // The ERROR event says the same; NET_STATE_CHANGE named the cause.
    assert!(h.events.iter().any(|e| matches!(e,
        Event::Error { code, message } if *code == ErrorCode::NETWORK_ERROR && message == &err.message)));
    assert!(h.events.iter().any(|e| matches!(e,
        Event::NetStateChange { state: NetState::Disconnected, cause: Some(c) } if c.detail() == "refused")));
    // A failed login emits no SDK_NOT_READY, stops reconnecting and leaves
    // the SDK usable.
    assert_eq!(count(&h.events, EventName::SdkNotReady), 0);
    let attempts = h.client.stats().connect_attempts;
    h.advance(Duration::from_secs(600));
    assert_eq!(h.client.stats().connect_attempts, attempts);
    assert_eq!(h.client.login(h.now, "u1", "s").map(|_| ()), Ok(()));
}

#[test]
fn a_login_whose_connects_hang_fails_after_the_connect_timeouts() {
    let mut h = Harness::build(7, |_| {});
    let start = h.now;
    let id = h.client.login(h.now, "u1", "s").unwrap();
    h.drain();
    // Nothing ever answers a connect: each gives up after 10 s.
    h.advance(Duration::from_secs(60));
    let err = h.result(id).unwrap_err();
    assert_eq!(err.code, ErrorCode::NETWORK_ERROR);
    assert!(err.message.contains("timed out"), "{err}");
    // Abandoned attempts are closed.
    assert!(h.closes.len() >= 3, "{:?}", h.closes);
    let ended = h
        .events
        .iter()
        .filter(|e| matches!(e, Event::Error { .. }))
        .count();
    assert_eq!(ended, 1);
    // Bounded by 3 connect timeouts (the create's attempt counts as the
    // first) plus the backoff steps.
    assert!(h.now - start <= Duration::from_secs(60));
}

#[test]
fn a_login_to_a_server_that_never_answers_times_out_after_90_s() {
    let mut h = Harness::new();
    h.open();
    let start = h.now;
    let id = h.client.login(h.now, "u1", "s").unwrap();
    h.drain();
    h.advance(Duration::from_millis(89_900));
    h.no_result(id);
    h.advance(Duration::from_millis(200));
    let err = h.result(id).unwrap_err();
    assert_eq!(err.code, ErrorCode::NETWORK_TIMEOUT, "{err}");
    assert!(h.now - start >= Duration::from_secs(90));
}

#[test]
fn the_pending_queue_is_bounded() {
    let mut h = Harness::with_tuning(|t| t.max_pending_requests = 3);
    h.open();
    h.client.login(h.now, "u1", "s").unwrap();
    h.drain();
    h.reply_login();
    h.reply_sync("c", json!([]));
    h.server_close();
    let mut codes = Vec::new();
    for i in 0..5 {
        let m = h
            .client
            .create_text_message(h.now, &CreateTextMessageOptions::c2c("u2", format!("{i}")))
            .unwrap();
        codes.push(
            h.client
                .send_message(h.now, &m)
                .map(|_| ())
                .map_err(|e| e.code),
        );
    }
    assert_eq!(codes.iter().filter(|c| c.is_ok()).count(), 3);
    assert_eq!(codes[4], Err(ErrorCode::OVER_FREQUENCY_LIMIT));
}

#[test]
fn malformed_frames_are_dropped_without_harm() {
    let mut h = Harness::logged_in();
    let conn = h.conn.unwrap();
    for junk in [
        &b""[..],
        b"{",
        b"COMP\x00\x01",
        b"{\"head\":{},\"body\":{}}",
        &[0xff; 64][..],
    ] {
        h.client.handle_frame(h.now, conn, junk);
    }
    h.drain();
    assert_eq!(h.client.stats().malformed_frames, 5);
    assert!(h.client.is_ready());
    assert!(h.take_events().is_empty());
}

#[test]
fn frames_from_an_abandoned_link_are_ignored() {
    let mut h = Harness::logged_in();
    let old = h.conn.unwrap();
    h.server_close();
    h.open();
    h.take_events();
    let frame = encode(
        &Head::push(servcmd::MSG_PUSH, 1),
        &push_body(json!([wire_msg("u2", "u1", 1, 1, T0, "ghost")])),
    );
    h.client.handle_frame(h.now, old, &frame);
    h.drain();
    assert!(h.take_events().is_empty());
}

#[test]
fn same_seed_same_trace() {
    let run = || {
        let mut h = Harness::logged_in();
        h.server_close();
        for _ in 0..5 {
            h.refuse();
            h.advance(Duration::from_secs(31));
        }
        (h.connects.clone(), format!("{:?}", h.events))
    };
    let (a, b) = (run(), run());
    assert_eq!(a, b);
    // The URLs carry seeded randomness, so equality is not trivial.
    assert_ne!(a.0[0].1, a.0[1].1);
}

#[test]
fn first_connect_emits_nothing_on_success_and_disconnected_on_failure() {
    let mut ok = Harness::new();
    ok.open();
    assert!(ok.take_events().is_empty());

    let mut refused = Harness::new();
    refused.refuse();
    assert_eq!(
        refused.take_events(),
        vec![Event::NetStateChange {
            state: NetState::Disconnected,
            cause: Some(ConnectFailure::new(ConnectCause::Other, "refused"))
        }]
    );
    // Nobody is logged in: no retry until something needs the link.
    refused.advance(Duration::from_secs(300));
    assert_eq!(refused.connects.len(), 1);
    refused.client.login(refused.now, "u1", "s").unwrap();
    refused.drain();
    assert_eq!(refused.connects.len(), 2);
    assert_eq!(
        refused.take_events(),
        vec![Event::NetStateChange {
            state: NetState::Connecting,
            cause: None
        }]
    );
}

#[test]
fn endpoints_rotate_per_attempt_unless_a_proxy_is_set() {
    let now = Instant::now();
    let mut opts = Options::new(APP);
    opts.tuning.login_connect_attempts = 10;
    opts.endpoints = vec!["wss://a.example".into(), "wss://b.example".into()];
    let mut client = Client::new(opts, 3, now, UNIX_MS);
    let mut urls = Vec::new();
    let mut now = now;
    client.login(now, "u1", "s").unwrap();
    for _ in 0..4 {
        while let Some(t) = client.poll_transmit() {
            if let Transmit::Connect { conn, url } = t {
                urls.push(url);
                client.handle_disconnected(now, conn, DisconnectReason::ConnectFailed("no".into()));
            }
        }
        now += Duration::from_secs(31);
        client.handle_timeout(now);
    }
    let hosts: Vec<&str> = urls.iter().map(|u| &u[..15]).collect();
    assert_eq!(
        hosts[..4],
        [
            "wss://a.example",
            "wss://b.example",
            "wss://a.example",
            "wss://b.example"
        ]
    );
}

#[test]
fn a_stable_link_resets_the_backoff() {
    let mut h = Harness::logged_in();
    // Build up backoff with refused attempts.
    h.server_close();
    for _ in 0..6 {
        h.refuse();
        h.advance(Duration::from_secs(31));
    }
    h.open();
    h.reply_login();
    // Stay up past `stable_after` (10 s), then lose the link: the retry is
    // immediate again.
    h.advance(Duration::from_secs(11));
    let before = h.connects.len();
    h.server_close();
    assert_eq!(
        h.connects.len(),
        before + 1,
        "immediate retry after a stable link"
    );

    // An unstable link (up < 10 s) does not reset it: the next retry waits.
    let mut u = Harness::logged_in();
    u.server_close();
    u.refuse();
    u.advance(Duration::from_secs(31));
    u.open();
    u.advance(Duration::from_secs(1));
    let before = u.connects.len();
    u.server_close();
    assert_eq!(
        u.connects.len(),
        before,
        "backoff applies after an unstable link"
    );
}

#[test]
fn unanswered_hellos_do_not_pile_up() {
    // Found by the client_core fuzzer: with a short HelloInterval and a
    // server that never answers wshello, one hello per interval stayed
    // pending until its 15 s timeout.
    let mut h = Harness::new();
    h.open();
    h.client.login(h.now, "u1", "s").unwrap();
    h.drain();
    h.reply(
        servcmd::LOGIN,
        json!({"A2Key": "a", "TinyId": "1", "HelloInterval": 1, "InstId": 1}),
    );
    h.reply_sync("c", json!([]));
    // The login's conversation list, group list, purchase bits, profile,
    // friend list, friend groups, friend applications and blacklist,
    // answered.
    h.reply(servcmd::CONV_PAGE_GET, json!({"CompleteFlag": 1}));
    h.reply(servcmd::BLACKLIST_GET, json!({"StartIndex": 0}));
    h.reply(common::GROUP_LIST, json!({"TotalCount": 0}));
    h.reply(servcmd::PURCHASE_BITS, json!({"str_purchase_bits": "0"}));
    h.reply(common::PORTRAIT_GET, json!({"UserProfileItem": []}));
    h.reply(common::FRIEND_GET, json!({"CompleteFlag": 1}));
    h.reply(common::FRIEND_GROUP_GET, json!({}));
    h.reply(common::PENDENCY_GET, json!({}));
    h.advance(Duration::from_secs(12));
    let hellos = h.sent.iter().filter(|s| s.cmd == servcmd::HELLO).count();
    assert_eq!(hellos, 1, "one hello in flight at a time");
    assert_eq!(h.client.pending_requests(), 1);
}

#[test]
fn a_relogin_refused_as_kicked_is_a_kick_not_a_fallback() {
    // The session was taken over by another login while this link was down:
    // logging in again with the UserSig would kick the other instance back.
    let mut h = Harness::logged_in();
    h.server_close();
    h.open();
    h.take_events();
    h.reply(
        servcmd::LOGIN,
        json!({"ActionStatus": "FAIL", "ErrorCode": 1002, "KickType": 1}),
    );
    assert_eq!(
        h.take_events(),
        vec![
            Event::KickedOut {
                kind: KickedOutType::MultipleAccount
            },
            Event::SdkNotReady
        ]
    );
    let logins = h.sent.iter().filter(|s| s.cmd == servcmd::LOGIN).count();
    assert_eq!(
        logins, 1,
        "only the refused re-login; no UserSig login after the kick"
    );
    assert!(!h.client.is_ready());
}

#[test]
fn pushes_to_a_session_that_is_not_live_are_not_acked() {
    // Found by the simulation: acking a push and then dropping it moved the
    // server's delivered cursor past a message nobody received.
    let mut h = Harness::logged_in();
    h.server_close();
    h.open();
    let acks = |h: &Harness| h.sent.iter().filter(|s| s.cmd == servcmd::PUSH_ACK).count();
    let before = acks(&h);
    // Re-login not answered yet: the session is not live on this link.
    h.deliver(
        servcmd::MSG_PUSH,
        9,
        push_body(json!([wire_msg("u2", "u1", 1, 1, T0, "early")])),
    );
    assert_eq!(acks(&h), before, "no ack");
    assert!(received_texts(&h.take_events()).is_empty());
    // The sync after the re-login delivers it.
    h.reply_login();
    h.reply_sync("ck2", json!([wire_msg("u2", "u1", 1, 1, T0, "early")]));
    assert_eq!(received_texts(&h.take_events()), ["early"]);
}

#[test]
fn another_user_on_the_same_instance_gets_their_own_messages() {
    // Found by the simulation: u0's cache made u1's synced copy of a message
    // look like a duplicate.
    let mut h = Harness::logged_in();
    let to_u2 = wire_msg("u1", "u2", 5, 5, T0, "from u1 to u2");
    h.deliver(servcmd::MSG_PUSH, 9, push_body(json!([to_u2.clone()])));
    h.switch_user("u2");
    h.reply_sync("c", json!([to_u2]));
    assert_eq!(received_texts(&h.take_events()), ["from u1 to u2"]);
}

#[test]
fn the_same_user_logging_in_again_is_not_shown_old_messages_twice() {
    let mut h = Harness::logged_in();
    let m = wire_msg("u2", "u1", 5, 5, T0, "once");
    h.deliver(servcmd::MSG_PUSH, 9, push_body(json!([m.clone()])));
    h.switch_user("u1");
    h.reply_sync("c", json!([m]));
    assert!(received_texts(&h.take_events()).is_empty());
}

#[test]
fn a_user_coming_back_after_another_is_not_shown_old_messages_twice() {
    // Found by the simulation: clearing the cache on a user switch let the
    // first user's unconfirmed messages through a second time.
    let mut h = Harness::logged_in();
    let m = wire_msg("u2", "u1", 5, 5, T0, "once");
    h.deliver(servcmd::MSG_PUSH, 9, push_body(json!([m.clone()])));
    h.switch_user("u3");
    h.switch_user("u1");
    h.reply_sync("c", json!([m]));
    assert!(received_texts(&h.take_events()).is_empty());
}

#[test]
fn oversized_texts_and_user_ids_are_refused_before_sending() {
    let mut h = Harness::logged_in();
    let long = "x".repeat(Client::MAX_MESSAGE_BYTES + 1);
    let err = h
        .client
        .create_text_message(h.now, &CreateTextMessageOptions::c2c("u2", long))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::MSG_TOO_LONG);
    let far = "u".repeat(Client::MAX_USER_ID_BYTES + 1);
    let err = h
        .client
        .create_text_message(h.now, &CreateTextMessageOptions::c2c(far, "x"))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::INVALID_OPERATION);
    // `TIMTextElem` and `{"Text":""}` count too.
    let fits = "x".repeat(Client::MAX_MESSAGE_BYTES - 22);
    assert!(h
        .client
        .create_text_message(h.now, &CreateTextMessageOptions::c2c("u2", fits))
        .is_ok());
}

#[test]
fn get_server_time_follows_the_login_time_stamp() {
    let mut h = Harness::new();
    // Before any login: the local clock.
    let id = h.client.get_server_time(h.now).unwrap();
    assert_eq!(h.result(id), Ok(UNIX_MS / 1000));
    h.open();
    h.client.login(h.now, "u1", "sig-u1").unwrap();
    h.drain();
    // The server's clock is an hour ahead of this machine's.
    let server = UNIX_MS / 1000 + 3600;
    h.reply(
        servcmd::LOGIN,
        json!({"A2Key": "a2-1", "TinyId": "144115000000000001", "HelloInterval": 120, "InstId": 5, "TimeStamp": server}),
    );
    h.now += Duration::from_secs(90);
    let id = h.client.get_server_time(h.now).unwrap();
    assert_eq!(h.result(id), Ok(server + 90));
    // After destroy, 3005 like every call.
    h.client.destroy(h.now);
    h.advance(Duration::from_secs(5));
    assert!(h.client.is_destroyed());
    let err = h.client.get_server_time(h.now).unwrap_err();
    assert_eq!(err.code, ErrorCode::LOGGED_OUT);
}

#[test]
fn a_logout_cut_off_by_a_reconnect_stays_under_way_after_the_relogin() {
    let mut h = Harness::logged_in();
    let id = h.client.logout(h.now).unwrap();
    h.drain();
    h.last_sent(servcmd::LOGOUT);
    h.server_close();
    h.take_sent();
    h.open();
    // The re-login succeeds: the session is live again, the logout goes
    // out on the new link, and a second logout is refused meanwhile.
    h.reply_login();
    assert_eq!(
        h.client.logout(h.now).unwrap_err().code,
        ErrorCode::LOGGED_OUT,
        "already logging out"
    );
    h.reply(servcmd::LOGOUT, json!({}));
    assert_eq!(h.result(id), Ok(()));
    assert!(!h.client.is_ready());
}
