//! Sends through outages, in virtual time (issue 15): a change request made
//! at any point of an outage stays pending, is resent with its seq and
//! MsgSeq/MsgRandom once a session is live again, and resolves once; its
//! request timeout runs only while a live link carries it; the offline
//! window fails it with 2805 and it is never sent afterwards. The scripted
//! server refuses every connect while it is down and, like the reference
//! server, keeps a message once per sender+recipient+MsgSeq+MsgRandom.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{json, Value};

use tcchat_core::model::{CreateTextMessageOptions, Message};
use tcchat_core::types::MessageStatus;
use tcchat_core::wire::servcmd;
use tcchat_core::{ConnId, DisconnectReason, ErrorCode, RequestId, Tuning};

mod common;

use common::Harness;

impl Harness {
    fn new() -> Harness {
        let mut h = Harness::build(15, |_| {});
        h.open();
        h
    }
}

/// Where in an outage a send is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Point {
    /// On the live link; the link drops before the reply.
    BeforeDrop,
    /// While the client waits between refused connect attempts.
    Backoff,
    /// On the new link, while the re-login is in flight.
    Relogin,
    /// After the re-login, while the message sync is in flight.
    Resync,
}

/// A harness plus the server's side: which connects it has dealt with and
/// the messages it keeps.
struct World {
    h: Harness,
    /// Connect requests already refused or accepted.
    handled: usize,
    /// (MsgSeq, MsgRandom) → how many frames carried it; the server keeps
    /// the message once whatever the count.
    frames: BTreeMap<(u64, u64), usize>,
    /// The messages the server keeps, in arrival order.
    stored: Vec<(u64, u64)>,
}

impl World {
    fn logged_in() -> World {
        let h = Harness::logged_in();
        let handled = h.connects.len();
        World {
            h,
            handled,
            frames: BTreeMap::new(),
            stored: Vec::new(),
        }
    }

    fn with_tuning(tune: impl FnOnce(&mut Tuning)) -> World {
        let mut h = Harness::build(15, tune);
        h.open();
        h.client.login(h.now, "u1", "sig-u1").unwrap();
        h.drain();
        h.reply_login();
        h.reply(
            servcmd::GET_MSG,
            json!({"Cookie": "ck1", "SyncFlag": 2, "MsgList": []}),
        );
        h.answer_login_sync(common::ALL_BITS);
        h.take_sent();
        h.take_events();
        h.take_completions();
        let handled = h.connects.len();
        World {
            h,
            handled,
            frames: BTreeMap::new(),
            stored: Vec::new(),
        }
    }

    /// The server receives the `sendmsg` frames sent so far (it keeps
    /// each message once) and forgets them; answers none.
    fn receive_sends(&mut self) -> Vec<(u64, Value)> {
        let mut got = Vec::new();
        for s in self.h.sent.iter().filter(|s| s.cmd == servcmd::SEND_C2C) {
            let key = (
                s.body["MsgSeq"].as_u64().unwrap(),
                s.body["MsgRandom"].as_u64().unwrap(),
            );
            let n = self.frames.entry(key).or_default();
            *n += 1;
            if *n == 1 {
                self.stored.push(key);
            }
            got.push((s.seq, s.body.clone()));
        }
        got
    }

    /// The server dies: the open link drops.
    fn drop_link(&mut self) {
        self.receive_sends();
        let conn = self.h.conn.take().expect("an open link");
        self.h
            .client
            .handle_disconnected(self.h.now, conn, DisconnectReason::Closed(Some(1001)));
        self.h.drain();
        self.h.clear_sent();
    }

    /// Refuse the connects asked for and not dealt with yet.
    fn refuse_new_connects(&mut self) {
        while self.handled < self.h.connects.len() {
            let (conn, _) = self.h.connects[self.handled].clone();
            self.handled += 1;
            self.h.client.handle_disconnected(
                self.h.now,
                conn,
                DisconnectReason::ConnectFailed("connection refused".into()),
            );
            self.h.drain();
        }
    }

    /// The server stays down for `d`: every connect attempt is refused.
    fn down_for(&mut self, d: Duration) {
        let end = self.h.now + d;
        loop {
            self.refuse_new_connects();
            match self.h.client.poll_timeout() {
                Some(t) if t <= end => {
                    self.h.now = self.h.now.max(t);
                    self.h.client.handle_timeout(self.h.now);
                    self.h.drain();
                }
                _ => break,
            }
        }
        self.refuse_new_connects();
        self.h.now = end;
    }

    /// The server is back: wait for the client's next connect attempt and
    /// accept it (the ping is answered). Returns the new link.
    fn back(&mut self) -> ConnId {
        while self.handled == self.h.connects.len() {
            let t = self.h.client.poll_timeout().expect("a reconnect is due");
            self.h.now = self.h.now.max(t);
            self.h.client.handle_timeout(self.h.now);
            self.h.drain();
        }
        let (conn, _) = self.h.connects[self.handled].clone();
        self.handled += 1;
        self.h.conn = Some(conn);
        self.h.client.handle_connected(self.h.now, conn);
        self.h.drain();
        self.h.pong();
        conn
    }

    fn create(&mut self, text: &str) -> Message {
        self.h
            .client
            .create_text_message(self.h.now, &CreateTextMessageOptions::c2c("u2", text))
            .unwrap()
    }

    fn send(&mut self, text: &str) -> (Message, RequestId<Message>) {
        let msg = self.create(text);
        let id = self.h.client.send_message(self.h.now, &msg).unwrap();
        self.h.drain();
        (msg, id)
    }

    /// Answer every `sendmsg` on the live link (a resend of a kept message
    /// is answered from the server's replay cache, the same way).
    fn answer_sends(&mut self) {
        for (seq, _) in self.receive_sends() {
            self.h.answered.insert((servcmd::SEND_C2C.to_owned(), seq));
            self.h.deliver(
                servcmd::SEND_C2C,
                seq,
                json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "MsgTime": 1_795_628_100u64, "MsgKey": "k"}),
            );
        }
        self.h.clear_sent();
    }

    fn completions_of(&self, id: RequestId<Message>) -> usize {
        self.h.completions.iter().filter(|c| c.id() == id).count()
    }
}

/// One outage of `outage` with a send made at `point`: the send resolves
/// once, successfully, and the server keeps the message once.
fn send_at(point: Point, outage: Duration) {
    let mut w = World::logged_in();
    let mut made = None;
    if point == Point::BeforeDrop {
        made = Some(w.send("before the drop"));
        assert_eq!(
            w.h.sent_of(servcmd::SEND_C2C).len(),
            1,
            "sent on the live link"
        );
    }
    w.drop_link();
    w.down_for(outage / 2);
    if point == Point::Backoff {
        made = Some(w.send("during the backoff"));
    }
    w.down_for(outage - outage / 2);
    w.back();
    // The re-login is the only request on the new link before it is live.
    w.h.last_sent(servcmd::LOGIN);
    if point == Point::Relogin {
        made = Some(w.send("during the re-login"));
    }
    assert!(
        w.h.sent_of(servcmd::SEND_C2C).is_empty(),
        "nothing but the re-login goes out before the session is live"
    );
    w.h.reply_login();
    if point == Point::Resync {
        made = Some(w.send("during the resync"));
    }
    w.h.reply_pending(
        servcmd::GET_MSG,
        json!({"Cookie": "ck2", "SyncFlag": 2, "MsgList": []}),
    );
    w.h.answer_login_sync(common::ALL_BITS);
    let (msg, id) = made.expect("the send was made");
    assert_eq!(
        w.completions_of(id),
        0,
        "{point:?}: resolved before the server had it"
    );
    assert_eq!(
        w.h.client.pending_sends().len(),
        1,
        "{point:?}: the send is listed as pending"
    );
    w.answer_sends();
    assert_eq!(w.completions_of(id), 1, "{point:?}: resolves exactly once");
    let sent = w.h.result(id).unwrap_or_else(|e| panic!("{point:?}: {e}"));
    assert_eq!(sent.status, MessageStatus::Success);
    assert_eq!(
        w.stored,
        vec![(msg.sequence, msg.random)],
        "{point:?}: the server keeps the message once, under its original MsgSeq/MsgRandom"
    );
    assert!(w.h.client.pending_sends().is_empty());
    // Nothing is sent again later.
    w.h.advance(Duration::from_secs(600));
    assert!(
        w.h.sent_of(servcmd::SEND_C2C).is_empty(),
        "{point:?}: sent again"
    );
    assert_eq!(w.completions_of(id), 0, "{point:?}: resolved twice");
}

#[test]
fn a_send_made_at_any_point_of_an_outage_arrives_once_and_resolves_once() {
    for outage in [1, 5, 20, 60, 240] {
        for point in [
            Point::BeforeDrop,
            Point::Backoff,
            Point::Relogin,
            Point::Resync,
        ] {
            send_at(point, Duration::from_secs(outage));
        }
    }
}

#[test]
fn a_resent_request_keeps_its_seq() {
    let mut w = World::logged_in();
    let (_, _id) = w.send("x");
    let first = w.h.last_sent(servcmd::SEND_C2C);
    w.drop_link();
    w.down_for(Duration::from_secs(30));
    w.back();
    w.h.reply_login();
    let again = w.h.last_sent(servcmd::SEND_C2C);
    assert_eq!(again.seq, first.seq);
    assert_eq!(again.body, first.body);
}

#[test]
fn the_request_timeout_runs_only_while_a_live_link_carries_the_request() {
    let mut w = World::logged_in();
    let (_, id) = w.send("x");
    // 10 s of the 15 s timeout pass on the live link, unanswered.
    w.h.advance(Duration::from_secs(10));
    assert_eq!(w.completions_of(id), 0);
    w.drop_link();
    w.down_for(Duration::from_secs(120));
    assert_eq!(
        w.completions_of(id),
        0,
        "the outage does not spend the timeout"
    );
    w.back();
    w.h.reply_login();
    assert_eq!(w.h.sent_of(servcmd::SEND_C2C).len(), 1, "resent");
    // The new link gets a whole timeout (the dead link's 10 s do not count
    // against it); then the link is suspect (it answers pings, not the
    // send): abandoned with 4001, and the send goes out again, with its
    // seq, on the next one.
    let seq = w.h.last_sent(servcmd::SEND_C2C).seq;
    w.h.advance(Duration::from_millis(14_900));
    assert!(w.h.conn.is_some(), "abandoned before a whole timeout");
    w.h.advance(Duration::from_millis(200));
    assert!(w.h.conn.is_none(), "the silent link is abandoned");
    assert_eq!(w.h.closes.last().map(|c| c.1), Some(4001));
    assert_eq!(w.completions_of(id), 0, "the send is kept");
    // Live links may carry it unanswered for 3 timeouts (45 s) in all:
    // 10 + 15 so far, 15 on the next link, and the 5 s left on the third.
    for (link, carries) in [(2, 15_000), (3, 5_000)] {
        w.h.clear_sent();
        w.back();
        w.h.reply_login();
        assert_eq!(
            w.h.last_sent(servcmd::SEND_C2C).seq,
            seq,
            "resent on link {link}"
        );
        w.h.advance(Duration::from_millis(carries - 100));
        assert_eq!(w.completions_of(id), 0, "failed early on link {link}");
        w.h.advance(Duration::from_millis(200));
    }
    // Three links in a row left it unanswered: 2801, saying so.
    let err = w.h.result(id).unwrap_err();
    assert_eq!(err.code, ErrorCode::NETWORK_TIMEOUT, "{err}");
    assert!(err.message.contains("3 links"), "{err}");
}

#[test]
fn a_link_that_died_carrying_a_send_costs_the_next_link_nothing() {
    // Found by the simulation (seed 1466 on the presence branch): 14 s of
    // the send's timeout passed on a link that then died; the next link
    // had 1 s left, was abandoned as silent while the server was still
    // answering the re-login's sync, and the send failed on a later link.
    let mut w = World::logged_in();
    let (_, id) = w.send("x");
    w.h.advance(Duration::from_secs(14));
    w.drop_link();
    w.down_for(Duration::from_secs(5));
    w.back();
    w.h.reply_login();
    assert_eq!(w.h.sent_of(servcmd::SEND_C2C).len(), 1, "resent");
    // A slow server: 10 s pass before it answers anything more.
    w.h.advance(Duration::from_secs(10));
    assert!(w.h.conn.is_some(), "the new link was abandoned");
    assert!(w.h.closes.iter().all(|c| c.1 != 4001), "{:?}", w.h.closes);
    w.answer_sends();
    assert!(w.h.result(id).is_ok());
}

#[test]
fn the_offline_window_fails_a_send_with_2805_and_it_is_never_sent_after() {
    let mut w = World::with_tuning(|t| t.offline_window = Duration::from_secs(60));
    w.drop_link();
    w.down_for(Duration::from_secs(5));
    let (msg, id) = w.send("in the tunnel");
    w.down_for(Duration::from_secs(59));
    assert_eq!(w.completions_of(id), 0, "the window is not spent yet");
    w.down_for(Duration::from_secs(2));
    let err = w.h.result(id).unwrap_err();
    assert_eq!(err.code, ErrorCode::NO_NETWORK, "{err}");
    assert!(err.message.contains("offline window"), "{err}");
    assert_eq!(
        w.h.client.find_message(&msg.id).unwrap().status,
        MessageStatus::Fail
    );
    assert!(w.h.client.pending_sends().is_empty());
    // The server returns: the session resumes, the send never goes out.
    w.back();
    w.h.reply_login();
    w.h.reply_pending(
        servcmd::GET_MSG,
        json!({"Cookie": "ck2", "SyncFlag": 2, "MsgList": []}),
    );
    w.h.answer_login_sync(common::ALL_BITS);
    w.h.advance(Duration::from_secs(600));
    assert!(w.h.sent_of(servcmd::SEND_C2C).is_empty());
    assert!(w.stored.is_empty());
    assert!(w.h.client.is_ready());
}

#[test]
fn the_offline_window_adds_up_over_outages() {
    let mut w = World::with_tuning(|t| t.offline_window = Duration::from_secs(60));
    w.drop_link();
    let (_, id) = w.send("x");
    let made = w.h.now;
    w.down_for(Duration::from_secs(30));
    w.back();
    w.h.reply_login();
    // Live again: the window stops; the send goes out, unanswered, for 5 s
    // (its 15 s timeout is not spent), then the link drops again.
    let offline = w.h.now - made;
    assert_eq!(w.h.sent_of(servcmd::SEND_C2C).len(), 1);
    w.h.advance(Duration::from_secs(5));
    w.drop_link();
    let left = Duration::from_secs(60) - offline;
    w.down_for(left - Duration::from_secs(1));
    assert_eq!(w.completions_of(id), 0, "the live 5 s did not count");
    w.down_for(Duration::from_secs(2));
    let err = w.h.result(id).unwrap_err();
    assert_eq!(err.code, ErrorCode::NO_NETWORK);
    assert!(
        err.message.contains("may hold it"),
        "it went out once: {err}"
    );
}

#[test]
fn a_pending_send_is_listed_and_can_be_cancelled_before_it_goes_out() {
    let mut w = World::logged_in();
    w.drop_link();
    let (msg, id) = w.send("changed my mind");
    let pending = w.h.client.pending_sends();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].message_id, msg.id);
    assert_eq!(pending[0].conversation_id, "C2Cu2");
    assert_eq!(pending[0].request, id);
    assert_eq!(pending[0].queued_at, w.h.now);
    assert!(!pending[0].ever_sent && !pending[0].in_flight);
    w.h.client.cancel_pending_send(w.h.now, &msg.id).unwrap();
    w.h.drain();
    let err = w.h.result(id).unwrap_err();
    assert_eq!(err.code, ErrorCode::MSG_SEND_FAIL);
    assert!(err.message.contains("cancelled"), "{err}");
    assert_eq!(
        w.h.client
            .cancel_pending_send(w.h.now, &msg.id)
            .unwrap_err()
            .code,
        ErrorCode::INVALID_OPERATION,
        "nothing left to cancel"
    );
    w.down_for(Duration::from_secs(3));
    w.back();
    w.h.reply_login();
    w.h.advance(Duration::from_secs(60));
    assert!(
        w.h.sent_of(servcmd::SEND_C2C).is_empty(),
        "a cancelled send never goes out"
    );
    assert!(w.stored.is_empty());
}

#[test]
fn a_send_out_on_the_live_link_cannot_be_cancelled() {
    let mut w = World::logged_in();
    let (msg, id) = w.send("on its way");
    assert!(w.h.client.pending_sends()[0].in_flight);
    assert_eq!(
        w.h.client
            .cancel_pending_send(w.h.now, &msg.id)
            .unwrap_err()
            .code,
        ErrorCode::MSG_ONPROGRESS_ERR
    );
    w.answer_sends();
    assert!(w.h.result(id).is_ok());
}

#[test]
fn other_changes_wait_out_the_outage_too() {
    let mut w = World::logged_in();
    w.drop_link();
    let id =
        w.h.client
            .set_message_read(w.h.now, "C2Cu2")
            .expect("a read report is queued while offline");
    w.h.drain();
    w.down_for(Duration::from_secs(60));
    assert!(
        w.h.completions.iter().all(|c| c.id() != id),
        "still pending"
    );
    w.back();
    w.h.reply_login();
    w.h.reply(servcmd::MSG_READED, json!({}));
    assert!(w.h.result(id).is_ok());
}

#[test]
fn a_relogin_refused_with_a_retry_hint_waits_as_long_as_the_server_asked() {
    let mut w = World::logged_in();
    w.drop_link();
    w.back();
    let before = w.h.connects.len();
    let seq = w.h.last_sent(servcmd::LOGIN).seq;
    w.h.deliver(
        servcmd::LOGIN,
        seq,
        json!({"ActionStatus": "FAIL", "ErrorCode": 70050, "ErrorInfo": "busy", "RetryAfterMs": 7000}),
    );
    assert!(w.h.conn.is_none(), "the link is let go");
    assert!(w.h.client.is_ready(), "the session goes on");
    w.h.advance(Duration::from_millis(6_990));
    assert_eq!(w.h.connects.len(), before, "no attempt before the hint");
    w.h.advance(Duration::from_millis(710));
    assert_eq!(
        w.h.connects.len(),
        before + 1,
        "one attempt within a tenth more"
    );
}

#[test]
fn while_the_server_is_down_a_client_tries_at_least_every_2_s() {
    let mut w = World::logged_in();
    w.drop_link();
    w.down_for(Duration::from_secs(60));
    let start = w.h.now;
    w.back();
    assert!(
        w.h.now - start <= Duration::from_secs(2),
        "{:?}",
        w.h.now - start
    );
}
