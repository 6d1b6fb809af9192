//! Message operations of the client core (issue 8) in virtual time: a
//! scripted server answers frames shaped as in the facts files
//! (messages-facts.md §1–3), the clock only moves when a test moves it.

use serde_json::{json, Value};

use tcchat_core::model::{
    CreateCustomMessageOptions, CreateTextMessageOptions, Message, MessageExtension,
    MessageListResult, Payload, ReadReceiptInfo,
};
use tcchat_core::types::{Flow, MessageStatus};
use tcchat_core::wire::servcmd;
use tcchat_core::{ChatError, Client, ErrorCode, Event, EventName, RequestId};

mod common;

use common::{msgs, received, wire_msg, Harness, ALL_BITS, MY_TINY, UNIX_MS};

const T0: u64 = 1_795_629_945;
const PEER_TINY: &str = "144115000000000002";

impl Harness {
    /// A client whose links open as soon as it asks for them.
    /// A fresh client whose links open by themselves. A change unanswered
    /// on the live link fails at its first timeout (`unanswered_links` 1),
    /// as the tests of late changes need; `outage.rs` tests the retries.
    fn new() -> Harness {
        let mut h = Harness::build(11, |t| t.unanswered_links = 1);
        h.auto_open = true;
        h.open();
        h
    }

    /// Send a text to `to` and answer it with server time `time`.
    fn send(&mut self, opts: CreateTextMessageOptions, time: u64) -> Message {
        let msg = self.client.create_text_message(self.now, &opts).unwrap();
        let id = self.client.send_message(self.now, &msg).unwrap();
        self.drain();
        self.reply(servcmd::SEND_C2C, json!({"MsgTime": time, "MsgKey": "k"}));
        match self.result(id) {
            Ok(m) => m,
            other => panic!("send: {other:?}"),
        }
    }

    fn send_text(&mut self, to: &str, text: &str, time: u64) -> Message {
        self.send(CreateTextMessageOptions::c2c(to, text), time)
    }

    /// u2 sends u1 a message by push; returns it as received.
    fn receive(&mut self, wire: Value) -> Message {
        self.push_events(msgs(vec![wire]));
        let got = received(&self.take_events());
        assert_eq!(got.len(), 1, "one message received");
        got.into_iter().next().unwrap()
    }
}

fn named(events: &[Event], name: EventName) -> Vec<Event> {
    events
        .iter()
        .filter(|e| e.name() == name)
        .cloned()
        .collect()
}

fn text(m: &Message) -> &str {
    match &m.payload {
        Payload::Text { text } => text,
        _ => "",
    }
}

fn revoke_push(m: &Message, revoker: &str, reason: &str) -> Value {
    json!({"EventArray": [{"Event": 9, "C2cNotifyMsgArray": [{"WithdrawC2cMsgNotify": {"C2cWithdrawInfoArray": [{
        "From_Account": m.from, "To_Account": m.to, "MsgSeq": m.sequence, "MsgRandom": m.random,
        "MsgTimeStamp": m.time, "MsgClientTime": m.client_time, "TinyId": m.sender_tiny_id,
        "RevokerInfo": {"Revoker_Account": revoker, "Reason": reason}}]}}]}]})
}

fn modify_push(m: &Message, text: &str, version: u64) -> Value {
    json!({"EventArray": [{"Event": 23, "C2cMsgModNotifys": [{
        "From_Account": m.from, "To_Account": m.to, "MsgSeq": m.sequence, "MsgRandom": m.random,
        "MsgTimeStamp": m.time, "MsgClientTime": m.client_time, "TinyId": m.sender_tiny_id,
        "MsgKey": m.msg_key(), "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}],
        "CloudCustomData": "", "MsgVersion": version}]}]})
}

fn code_of<T: std::fmt::Debug>(r: Result<T, ChatError>) -> ErrorCode {
    r.unwrap_err().code
}

// ----- creating and sending ---------------------------------------------------

#[test]
fn read_receipt_and_extension_flags_travel_with_the_send() {
    let mut h = Harness::logged_in();
    let opts = CreateTextMessageOptions::c2c("u2", "please ack")
        .with_read_receipt()
        .with_extension_support();
    let created = h.client.create_text_message(h.now, &opts).unwrap();
    assert!(created.need_read_receipt && created.is_support_extension);
    let id = h.client.send_message(h.now, &created).unwrap();
    h.drain();
    let body = h.last_sent(servcmd::SEND_C2C).body;
    assert_eq!(body["IsNeedReadReceipt"], 1);
    assert_eq!(body["SupportMessageExtension"], 1);
    h.reply(servcmd::SEND_C2C, json!({"MsgTime": T0}));
    let sent = match h.completions.pop().unwrap().take(id).unwrap() {
        Ok(m) => m,
        other => panic!("{other:?}"),
    };
    assert!(sent.need_read_receipt);
    assert!(!sent.read_receipt_info.is_peer_read);
    assert_eq!(sent.read_receipt_info.timestamp, 0);
    // Without the options both are 0.
    h.send_text("u2", "plain", T0);
    let body = h.last_sent(servcmd::SEND_C2C).body;
    assert_eq!(body["IsNeedReadReceipt"], 0);
    assert_eq!(body["SupportMessageExtension"], 0);
}

#[test]
fn custom_messages_carry_data_description_and_extension() {
    let mut h = Harness::logged_in();
    let opts = CreateCustomMessageOptions::c2c("u2", "{\"k\":1}")
        .with_description("desc")
        .with_extension("ext");
    let m = h.client.create_custom_message(h.now, &opts).unwrap();
    assert_eq!(m.msg_type, "TIMCustomElem");
    assert_eq!(
        m.payload,
        Payload::Custom {
            data: "{\"k\":1}".into(),
            description: "desc".into(),
            extension: "ext".into()
        }
    );
    h.client.send_message(h.now, &m).unwrap();
    h.drain();
    let body = h.last_sent(servcmd::SEND_C2C).body;
    assert_eq!(
        body["MsgBody"],
        json!([{"MsgType": "TIMCustomElem", "MsgContent": {"Data": "{\"k\":1}", "Desc": "desc", "Ext": "ext"}}])
    );
    // Received custom messages parse back.
    let mut w = wire_msg("u2", "u1", 7, 7, T0, "");
    w["MsgBody"] =
        json!([{"MsgType": "TIMCustomElem", "MsgContent": {"Data": "d", "Desc": "", "Ext": ""}}]);
    let got = h.receive(w);
    assert!(matches!(got.payload, Payload::Custom { ref data, .. } if data == "d"));
    // Too long is refused before anything is sent.
    let big = CreateCustomMessageOptions::c2c("u2", "x".repeat(Client::MAX_MESSAGE_BYTES));
    assert_eq!(
        code_of(h.client.create_custom_message(h.now, &big)),
        ErrorCode::MSG_TOO_LONG
    );
}

// ----- revoke -------------------------------------------------------------------

#[test]
fn revoke_resolves_with_the_revoked_message_and_no_event_for_the_caller() {
    let mut h = Harness::logged_in();
    let m = h.send_text("u2", "m2", T0);
    let id = h.client.revoke_message(h.now, &m).unwrap();
    h.drain();
    let body = h.last_sent(servcmd::MSG_WITHDRAW).body;
    assert_eq!(
        body,
        json!({"MsgInfo": {"From_Account": "u1", "To_Account": "u2", "MsgSeq": m.sequence, "MsgRandom": m.random, "MsgTimeStamp": T0}})
    );
    h.no_result(id);
    h.reply(servcmd::MSG_WITHDRAW, json!({}));
    let revoked = match h.result(id) {
        Ok(r) => r,
        other => panic!("{other:?}"),
    };
    assert!(revoked.is_revoked);
    assert_eq!(revoked.revoker, "u1");
    assert!(h.client.find_message(&m.id).unwrap().is_revoked);
    assert!(named(&h.take_events(), EventName::MessageRevoked).is_empty());
}

#[test]
fn a_refused_revoke_fails_with_the_server_code_and_changes_nothing() {
    let mut h = Harness::logged_in();
    let m = h.send_text("u2", "m", T0);
    let id = h.client.revoke_message(h.now, &m).unwrap();
    h.drain();
    h.reply(
        servcmd::MSG_WITHDRAW,
        json!({"ActionStatus": "FAIL", "ErrorCode": 20016, "ErrorInfo": "too late"}),
    );
    assert_eq!(code_of(h.result(id)), ErrorCode(20016));
    assert!(!h.client.find_message(&m.id).unwrap().is_revoked);
}

#[test]
fn a_revoke_push_emits_message_revoked_once_and_only_for_held_messages() {
    let mut h = Harness::logged_in();
    let m = h.receive(wire_msg("u2", "u1", 101, 1111, T0, "oops"));
    h.push(revoke_push(&m, "u2", "typo"));
    let events = named(&h.take_events(), EventName::MessageRevoked);
    let [Event::MessageRevoked(list)] = &events[..] else {
        panic!("one MESSAGE_REVOKED: {events:?}")
    };
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, m.id);
    assert!(list[0].is_revoked);
    assert_eq!(list[0].revoker, "u2");
    assert_eq!(list[0].revoke_reason, "typo");
    // The same push again: nothing.
    h.push(revoke_push(&m, "u2", "typo"));
    assert!(named(&h.take_events(), EventName::MessageRevoked).is_empty());
    // A message this instance never had: nothing.
    let mut other = m.clone();
    other.sequence = 999;
    other.random = 999;
    h.push(revoke_push(&other, "u2", ""));
    assert!(named(&h.take_events(), EventName::MessageRevoked).is_empty());
}

#[test]
fn a_revoke_from_another_instance_of_mine_reaches_this_one() {
    let mut h = Harness::logged_in();
    let m = h.send_text("u2", "mine", T0);
    h.push(revoke_push(&m, "u1", ""));
    let events = named(&h.take_events(), EventName::MessageRevoked);
    assert_eq!(events.len(), 1);
    assert!(h.client.find_message(&m.id).unwrap().is_revoked);
}

#[test]
fn a_revoke_that_timed_out_is_learnt_from_its_own_notification() {
    // Simulation bug 15: the request timed out (2801) but the server applied
    // it; the notification of one's own revoke (which getmsg now carries to
    // the revoking instance too) must then revoke the held message.
    let mut h = Harness::logged_in();
    let m = h.send_text("u2", "m", T0);
    let id = h.client.revoke_message(h.now, &m).unwrap();
    h.time_out(id);
    assert!(!h.client.find_message(&m.id).unwrap().is_revoked);
    h.take_events();
    h.push(revoke_push(&m, "u1", ""));
    assert_eq!(named(&h.take_events(), EventName::MessageRevoked).len(), 1);
    assert!(h.client.find_message(&m.id).unwrap().is_revoked);
    // A revoke whose reply came: its own notification changes nothing.
    let m2 = h.send_text("u2", "m2", T0);
    let id = h.client.revoke_message(h.now, &m2).unwrap();
    h.drain();
    h.reply(servcmd::MSG_WITHDRAW, json!({}));
    assert!(h.result(id).is_ok());
    h.push(revoke_push(&m2, "u1", ""));
    assert!(named(&h.take_events(), EventName::MessageRevoked).is_empty());
}

#[test]
fn a_modify_that_timed_out_is_learnt_from_its_own_notification() {
    let mut h = Harness::logged_in();
    let m = h.send_text("u2", "v0", T0);
    let mut edit = m.clone();
    edit.payload = Payload::Text { text: "v1".into() };
    let id = h.client.modify_message(h.now, &edit).unwrap();
    h.time_out(id);
    h.take_events();
    h.push(modify_push(&m, "v1", 1));
    assert_eq!(named(&h.take_events(), EventName::MessageModified).len(), 1);
    let held = h.client.find_message(&m.id).unwrap();
    assert_eq!((text(held), held.version), ("v1", 1));
}

#[test]
fn a_sent_change_that_times_out_asks_for_the_next_sync_page() {
    // A stalled server may still apply it: the sync page after it on the
    // same link carries this instance's own notification of the outcome.
    let mut h = Harness::logged_in();
    let m = h.send_text("u2", "v0", T0);
    let syncs_before = h.sent_of(servcmd::GET_MSG).len();
    let id = h.client.revoke_message(h.now, &m).unwrap();
    h.time_out(id);
    let syncs_after = h.sent_of(servcmd::GET_MSG).len();
    assert_eq!(
        syncs_after,
        syncs_before + 1,
        "one getmsg after the timeout"
    );
}

/// u1's own message `m` as the server holds it: `text` at `version`.
fn stored_wire(m: &Message, text: &str, version: u64) -> Value {
    json!({"From_Account": m.from, "To_Account": m.to, "MsgSeq": m.sequence, "MsgRandom": m.random,
           "MsgTimeStamp": T0, "MsgClientTime": m.client_time, "TinyId": MY_TINY,
           "MsgKey": "k", "MsgVersion": version,
           "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}]})
}

impl Harness {
    /// Create a text to `to` and send it; its send times out (2801).
    fn send_that_times_out(&mut self, to: &str, text: &str) -> Message {
        let opts = CreateTextMessageOptions::c2c(to, text);
        let m = self.client.create_text_message(self.now, &opts).unwrap();
        let id = self.client.send_message(self.now, &m).unwrap();
        self.time_out(id);
        m
    }

    /// Request `id` gets no reply: 16 s later it fails with 2801.
    fn time_out<T: tcchat_core::Output>(&mut self, id: RequestId<T>) {
        self.drain();
        self.now += std::time::Duration::from_secs(16);
        self.client.handle_timeout(self.now);
        self.drain();
        assert_eq!(code_of(self.result(id)), ErrorCode::NETWORK_TIMEOUT);
    }

    /// Resend `m` and answer with `reply`; the message it resolves with.
    fn resend(&mut self, m: &Message, reply: Value) -> Message {
        let id = self.client.send_message(self.now, m).unwrap();
        self.drain();
        self.reply(servcmd::SEND_C2C, reply);
        match self.result(id) {
            Ok(sent) => sent,
            other => panic!("resend: {other:?}"),
        }
    }
}

#[test]
fn a_resend_keeps_the_newer_state_of_a_held_copy() {
    // Simulation bug 18: the first attempt timed out but the server took
    // it; it came back as a note to self and was modified. The resend's
    // success must not bring back the text it was created with.
    let mut h = Harness::logged_in();
    let m = h.send_that_times_out("u1", "v0");
    let back = h.receive(stored_wire(&m, "v0", 0));
    assert_eq!(back.id, m.id);
    h.push(modify_push(&back, "v1", 1));
    assert_eq!(named(&h.take_events(), EventName::MessageModified).len(), 1);
    let sent = h.resend(&m, json!({"MsgTime": T0, "MsgKey": "k"}));
    assert_eq!(
        (text(&sent), sent.version, sent.is_modified),
        ("v1", 1, true)
    );
    let held = h.client.find_message(&m.id).unwrap();
    assert_eq!((text(held), held.version), ("v1", 1));
}

#[test]
fn a_resend_the_server_already_held_takes_its_stored_state() {
    // Simulation bug 18, seed 44693: nothing of the first attempt is held
    // here any more (a new login released it); the duplicate's reply
    // carries the message as stored, at version 2.
    let mut h = Harness::logged_in();
    let m = h.send_that_times_out("u2", "v0");
    let reply = json!({"MsgTime": T0, "MsgKey": "k", "StoredMsg": stored_wire(&m, "v2", 2)});
    let sent = h.resend(&m, reply);
    assert_eq!(
        (text(&sent), sent.version, sent.is_modified),
        ("v2", 2, true)
    );
    let held = h.client.find_message(&m.id).unwrap();
    assert_eq!((text(held), held.version), ("v2", 2));
    // A revoked stored copy resolves revoked.
    let r = h.send_that_times_out("u2", "r0");
    let mut stored = stored_wire(&r, "r0", 0);
    stored["MsgFlagBits"] = json!(8);
    stored["RevokerInfo"] = json!({"Revoker_Account": "u1", "Reason": "oops"});
    let sent = h.resend(
        &r,
        json!({"MsgTime": T0, "MsgKey": "k", "StoredMsg": stored}),
    );
    assert!(sent.is_revoked);
    assert_eq!(
        (sent.revoker.as_str(), sent.revoke_reason.as_str()),
        ("u1", "oops")
    );
    // A stored copy of another message changes nothing.
    let o = h.send_that_times_out("u2", "o0");
    let sent = h.resend(
        &o,
        json!({"MsgTime": T0, "MsgKey": "k", "StoredMsg": stored_wire(&m, "v3", 3)}),
    );
    assert_eq!((text(&sent), sent.version), ("o0", 0));
}

// ----- modify -------------------------------------------------------------------

#[test]
fn modify_applies_the_reply_and_emits_message_modified_on_the_caller() {
    let mut h = Harness::logged_in();
    let m = h.send_text("u2", "m1", T0);
    let mut edited = m.clone();
    edited.payload = Payload::Text {
        text: "m1 edited".into(),
    };
    let id = h.client.modify_message(h.now, &edited).unwrap();
    h.drain();
    let body = h.last_sent(servcmd::MODIFY_C2C).body;
    assert_eq!(
        body,
        json!({"From_Account": "u1", "To_Account": "u2", "MsgSeq": m.sequence, "MsgRandom": m.random,
               "MsgTime": T0, "MsgVersion": 0,
               "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "m1 edited"}}], "CloudCustomData": ""})
    );
    h.reply(
        servcmd::MODIFY_C2C,
        json!({"MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "m1 edited"}}], "MsgVersion": 1, "CloudCustomData": ""}),
    );
    let done = match h.result(id) {
        Ok(x) => x,
        other => panic!("{other:?}"),
    };
    assert_eq!(text(&done), "m1 edited");
    assert!(done.is_modified);
    assert_eq!(done.version, 1);
    let events = named(&h.take_events(), EventName::MessageModified);
    assert_eq!(events, vec![Event::MessageModified(vec![done.clone()])]);
    assert_eq!(h.client.find_message(&m.id), Some(&done));
    // The next modification sends the new version.
    h.client.modify_message(h.now, &done).unwrap();
    h.drain();
    assert_eq!(h.last_sent(servcmd::MODIFY_C2C).body["MsgVersion"], 1);
}

#[test]
fn a_version_conflict_fails_with_2480_carrying_the_server_version() {
    let mut h = Harness::logged_in();
    let m = h.send_text("u2", "orig", T0);
    let mut edited = m.clone();
    edited.payload = Payload::Text {
        text: "client edit".into(),
    };
    let id = h.client.modify_message(h.now, &edited).unwrap();
    h.drain();
    h.reply(
        servcmd::MODIFY_C2C,
        json!({"ActionStatus": "OK", "ErrorCode": 20027, "ErrorInfo": "msg version conflict",
               "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "server version v3"}}],
               "MsgVersion": 3, "CloudCustomData": "srv"}),
    );
    let err = h.result(id).unwrap_err();
    assert_eq!(err.code, ErrorCode::MSG_MODIFY_CONFLICT);
    let server = err.data_message().expect("the server's version");
    assert_eq!(text(server), "server version v3");
    assert_eq!(server.version, 3);
    assert!(server.is_modified);
    assert_eq!(server.cloud_custom_data, "srv");
    let events = named(&h.take_events(), EventName::MessageModified);
    assert_eq!(events, vec![Event::MessageModified(vec![server.clone()])]);
    assert_eq!(h.client.find_message(&m.id).unwrap().version, 3);
}

#[test]
fn a_modify_reply_without_the_message_fails_with_2903() {
    let mut h = Harness::logged_in();
    let m = h.send_text("u2", "x", T0);
    let id = h.client.modify_message(h.now, &m).unwrap();
    h.drain();
    h.reply(servcmd::MODIFY_C2C, json!({}));
    assert_eq!(code_of(h.result(id)), ErrorCode::UNCAUGHT_ERROR);
    assert!(named(&h.take_events(), EventName::MessageModified).is_empty());
    assert_eq!(h.client.find_message(&m.id).unwrap().version, 0);
}

#[test]
fn a_modify_push_applies_only_newer_versions() {
    let mut h = Harness::logged_in();
    let m = h.receive(wire_msg("u2", "u1", 5, 55, T0, "v0"));
    h.push(modify_push(&m, "v2", 2));
    let events = named(&h.take_events(), EventName::MessageModified);
    let [Event::MessageModified(list)] = &events[..] else {
        panic!("{events:?}")
    };
    assert_eq!(text(&list[0]), "v2");
    assert_eq!(list[0].version, 2);
    assert!(list[0].is_modified);
    // Same version again, then an older one: nothing.
    h.push(modify_push(&m, "v2", 2));
    h.push(modify_push(&m, "v1", 1));
    assert!(named(&h.take_events(), EventName::MessageModified).is_empty());
    assert_eq!(text(h.client.find_message(&m.id).unwrap()), "v2");
}

// ----- delete -------------------------------------------------------------------

#[test]
fn delete_sends_message_keys_and_the_messages_leave_the_store() {
    let mut h = Harness::logged_in();
    let m1 = h.send_text("u2", "m1", T0);
    let m3 = h.send_text("u2", "m3", T0 + 1);
    let id = h
        .client
        .delete_message(h.now, std::slice::from_ref(&m3))
        .unwrap();
    h.drain();
    let body = h.last_sent(servcmd::DELETE_C2C).body;
    assert_eq!(
        body,
        json!({"From_Account": "u1", "To_Account": "u2",
               "MsgKeyList": [format!("{}_{}_{}", m3.sequence, m3.random, T0 + 1)]})
    );
    h.reply(servcmd::DELETE_C2C, json!({}));
    let list = match h.result(id) {
        Ok(l) => l,
        other => panic!("{other:?}"),
    };
    assert_eq!(list.len(), 1);
    assert!(list[0].is_deleted);
    assert!(h.client.find_message(&m3.id).is_none());
    assert!(h.client.find_message(&m1.id).is_some());
    // A later sync copy of the deleted message does not bring it back.
    let mut copy = wire_msg("u1", "u2", m3.sequence, m3.random, T0 + 1, "m3");
    copy["IsSyncMsg"] = json!(1);
    copy["MsgClientTime"] = json!(m3.client_time);
    h.push(json!({"EventArray": [{"Event": 1, "C2cMsgArray": [copy]}]}));
    assert!(received(&h.take_events()).is_empty());
}

#[test]
fn delete_refuses_bad_lists_with_codes_and_sends_nothing() {
    let mut h = Harness::logged_in();
    let a = h.send_text("u2", "a", T0);
    let b = h.send_text("u3", "b", T0);
    let unsent = h
        .client
        .create_text_message(h.now, &CreateTextMessageOptions::c2c("u2", "draft"))
        .unwrap();
    let mut stranger = a.clone();
    stranger.id = "nobody-1-1".into();
    assert_eq!(
        code_of(h.client.delete_message(h.now, &[])),
        ErrorCode::INVALID_OPERATION
    );
    assert_eq!(
        code_of(h.client.delete_message(h.now, &[a.clone(), b.clone()])),
        ErrorCode::MSG_DELETE_FAIL
    );
    assert_eq!(
        code_of(h.client.delete_message(h.now, &[unsent])),
        ErrorCode::MSG_DELETE_FAIL
    );
    assert_eq!(
        code_of(h.client.delete_message(h.now, &[stranger])),
        ErrorCode::MSG_INSTANCE_REQUIRED
    );
    let many = vec![a.clone(); Client::MAX_DELETE_MESSAGES + 1];
    assert_eq!(
        code_of(h.client.delete_message(h.now, &many)),
        ErrorCode::INVALID_OPERATION
    );
    h.drain();
    assert!(h.sent_of(servcmd::DELETE_C2C).is_empty());
    // Each refusal is also an ERROR event.
    assert_eq!(named(&h.take_events(), EventName::Error).len(), 5);
}

// ----- reads --------------------------------------------------------------------

#[test]
fn set_message_read_reports_the_newest_time_and_marks_messages_read() {
    let mut h = Harness::logged_in();
    let a = h.receive(wire_msg("u2", "u1", 1, 11, T0, "a"));
    let b = h.receive(wire_msg("u2", "u1", 2, 22, T0 + 5, "b"));
    assert!(!a.is_read && !b.is_read);
    let id = h.client.set_message_read(h.now, "C2Cu2").unwrap();
    h.drain();
    let body = h.last_sent(servcmd::MSG_READED).body;
    assert_eq!(
        body,
        json!({"C2CMsgReaded": {"Cookie": "", "C2CMsgReadedItem": [{"To_Account": "u2", "LastedMsgTime": T0 + 5, "Receipt": 1}]}})
    );
    h.reply(servcmd::MSG_READED, json!({}));
    assert_eq!(h.result(id), Ok(()));
    assert!(h.client.find_message(&a.id).unwrap().is_read);
    assert!(h.client.find_message(&b.id).unwrap().is_read);
    // Bad conversation IDs.
    assert_eq!(
        code_of(h.client.set_message_read(h.now, "@TIM#SYSTEM")),
        ErrorCode::MSG_INVALID_CONV_TYPE
    );
    assert_eq!(
        code_of(h.client.set_message_read(h.now, "u2")),
        ErrorCode::INVALID_CONV_ID
    );
}

#[test]
fn a_read_receipt_push_emits_read_by_peer_for_each_outgoing_message_once() {
    let mut h = Harness::logged_in();
    let m1 = h.send_text("u2", "m1", T0);
    let m2 = h.send_text("u2", "m2", T0 + 1);
    let later = h.send_text("u2", "later", T0 + 10);
    let _theirs = h.receive(wire_msg("u2", "u1", 3, 33, T0, "theirs"));
    let readed = |t: u64| json!({"EventArray": [{"Event": 9, "C2cNotifyMsgArray": [{"C2cReadedReceipt": {"To_Account": "u2", "UinPairReadArray": [{"LastReadTime": t}]}}]}]});
    h.push(readed(T0 + 1));
    let events = named(&h.take_events(), EventName::MessageReadByPeer);
    let [Event::MessageReadByPeer(list)] = &events[..] else {
        panic!("{events:?}")
    };
    let ids: Vec<&str> = list.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, [m1.id.as_str(), m2.id.as_str()]);
    assert!(list.iter().all(|m| m.is_peer_read && m.flow == Flow::Out));
    assert!(!h.client.find_message(&later.id).unwrap().is_peer_read);
    h.push(readed(T0 + 1));
    assert!(named(&h.take_events(), EventName::MessageReadByPeer).is_empty());
    h.push(readed(T0 + 10));
    let events = named(&h.take_events(), EventName::MessageReadByPeer);
    assert!(
        matches!(&events[..], [Event::MessageReadByPeer(l)] if l.len() == 1 && l[0].id == later.id)
    );
}

#[test]
fn a_read_on_another_instance_marks_messages_read_here() {
    let mut h = Harness::logged_in();
    let a = h.receive(wire_msg("u2", "u1", 1, 11, T0, "a"));
    let b = h.receive(wire_msg("u2", "u1", 2, 22, T0 + 9, "b"));
    h.push(json!({"EventArray": [{"Event": 9, "C2cNotifyMsgArray": [{"ReadC2cMsgNotify": {"UinPairReadArray": [{"From_Account": "u2", "LastReadTime": T0}]}}]}]}));
    assert!(h.client.find_message(&a.id).unwrap().is_read);
    assert!(!h.client.find_message(&b.id).unwrap().is_read);
    let events = h.take_events();
    assert!(named(&events, EventName::MessageReadByPeer).is_empty());
}

// ----- read receipts ------------------------------------------------------------

#[test]
fn read_receipts_go_for_messages_that_asked_and_come_back_as_an_event() {
    let mut h = Harness::logged_in();
    // The receiver side.
    let mut w = wire_msg("u2", "u1", 1808050001, 68176904, T0, "please ack");
    w["IsNeedReadReceipt"] = json!(1);
    let asked = h.receive(w);
    assert!(asked.need_read_receipt);
    let plain = h.receive(wire_msg("u2", "u1", 2, 2, T0, "plain"));
    assert_eq!(
        code_of(
            h.client
                .send_message_read_receipt(h.now, std::slice::from_ref(&plain))
        ),
        ErrorCode::READ_RECEIPT_MSG_LIST_EMPTY
    );
    h.drain();
    assert!(
        h.sent_of(servcmd::C2C_READ_RECEIPT).is_empty(),
        "nothing sent"
    );
    let id = h
        .client
        .send_message_read_receipt(h.now, &[asked.clone(), plain])
        .unwrap();
    h.drain();
    let body = h.last_sent(servcmd::C2C_READ_RECEIPT).body;
    assert_eq!(
        body,
        json!({"Peer_Account": "u2", "C2CMsgInfo": [{"From_Account": "u2", "To_Account": "u1",
               "MsgSeq": 1808050001u64, "MsgRandom": 68176904, "MsgTime": T0, "MsgClientTime": T0 - 1}]})
    );
    h.reply(servcmd::C2C_READ_RECEIPT, json!({}));
    assert_eq!(h.result(id), Ok(()));

    // The sender side: Event 16 names my message by TinyId-MsgClientTime-MsgRandom.
    let mine = h.send(
        CreateTextMessageOptions::c2c("u2", "ack me").with_read_receipt(),
        T0 + 2,
    );
    let receipt = json!({"EventArray": [{"Event": 16, "UserId": "u2", "PeerReadTime": T0 + 3, "C2cMsgInfo": [{
        "From_Account": "u1", "To_Account": "u2", "MsgSeq": mine.sequence, "MsgRandom": mine.random,
        "MsgTime": T0 + 2, "MsgClientTime": mine.client_time, "TinyId": MY_TINY}]}]});
    h.drain();
    h.clear_sent();
    let asked = h
        .client
        .get_message_read_receipt_list(h.now, std::slice::from_ref(&mine))
        .unwrap();
    // Answered locally: nothing goes out.
    h.drain();
    assert_eq!(h.take_sent().len(), 0);
    let before = h.result(asked).unwrap();
    assert!(!before[0].read_receipt_info.is_peer_read);
    h.push(receipt.clone());
    let events = named(&h.take_events(), EventName::MessageReadReceiptReceived);
    assert_eq!(
        events,
        vec![Event::MessageReadReceiptReceived(vec![ReadReceiptInfo {
            group_id: String::new(),
            user_id: "u2".into(),
            message_id: mine.id.clone(),
            read_count: 0,
            unread_count: 0,
            is_peer_read: true,
            timestamp: T0 + 3,
        }])]
    );
    h.push(receipt);
    assert!(named(&h.take_events(), EventName::MessageReadReceiptReceived).is_empty());
    let asked = h
        .client
        .get_message_read_receipt_list(h.now, &[mine])
        .unwrap();
    let after = h.result(asked).unwrap();
    assert!(after[0].read_receipt_info.is_peer_read);
    assert_eq!(after[0].read_receipt_info.timestamp, T0 + 3);
}

#[test]
fn receipts_for_messages_never_held_emit_nothing() {
    let mut h = Harness::logged_in();
    h.push(
        json!({"EventArray": [{"Event": 16, "UserId": "u2", "PeerReadTime": T0, "C2cMsgInfo": [{
        "From_Account": "u1", "To_Account": "u2", "MsgSeq": 1, "MsgRandom": 2, "MsgTime": T0,
        "MsgClientTime": T0, "TinyId": MY_TINY}]}]}),
    );
    assert!(named(&h.take_events(), EventName::MessageReadReceiptReceived).is_empty());
}

// ----- extensions ---------------------------------------------------------------

fn ext(key: &str, value: &str) -> MessageExtension {
    MessageExtension {
        key: key.into(),
        value: value.into(),
    }
}

#[test]
fn extensions_need_purchase_bit_13_and_send_nothing_without_it() {
    let mut h = Harness::logged_in_with(json!([]), "0", json!({}));
    let m = h.send(
        CreateTextMessageOptions::c2c("u2", "ext me").with_extension_support(),
        T0,
    );
    let no_use = ErrorCode(3122);
    assert_eq!(
        code_of(h.client.set_message_extensions(h.now, &m, &[ext("a", "1")])),
        no_use
    );
    assert_eq!(code_of(h.client.get_message_extensions(h.now, &m)), no_use);
    assert_eq!(
        code_of(h.client.delete_message_extensions(h.now, &m, None)),
        no_use
    );
    h.drain();
    assert!(h.sent_of(servcmd::EXT_SET).is_empty());
    assert!(h.sent_of(servcmd::EXT_GET).is_empty());
}

#[test]
fn set_get_delete_and_clear_extensions_as_the_official_sdk() {
    let mut h = Harness::logged_in();
    let m = h.send(
        CreateTextMessageOptions::c2c("u2", "ext me").with_extension_support(),
        T0,
    );
    let key = format!("{}_{}_{}", m.sequence, m.random, T0);
    // Set a and b.
    let id = h
        .client
        .set_message_extensions(h.now, &m, &[ext("a", "1"), ext("b", "2")])
        .unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(servcmd::EXT_SET).body,
        json!({"From_Account": "u1", "To_Account": "u2", "MsgKey": key, "OperateType": 1,
               "ExtensionList": [{"Key": "a", "Value": "1", "Seq": 0}, {"Key": "b", "Value": "2", "Seq": 0}]})
    );
    h.reply(
        servcmd::EXT_SET,
        json!({"ExtensionList": [{"ErrorCode": 0, "Extension": {"Key": "a", "Value": "1", "Seq": 1}},
                                 {"ErrorCode": 0, "Extension": {"Key": "b", "Value": "2", "Seq": 2}}], "Seq": 2}),
    );
    match h.result(id) {
        Ok(r) => {
            assert_eq!(r.len(), 2);
            assert_eq!(
                (r[1].code, r[1].key.as_str(), r[1].value.as_str()),
                (0, "b", "2")
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(
        named(&h.take_events(), EventName::MessageExtensionsUpdated).is_empty(),
        "the operator learns from its reply"
    );
    // Setting b again sends its known seq.
    h.client
        .set_message_extensions(h.now, &m, &[ext("b", "22")])
        .unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(servcmd::EXT_SET).body["ExtensionList"],
        json!([{"Key": "b", "Value": "22", "Seq": 2}])
    );
    h.reply(
        servcmd::EXT_SET,
        json!({"ExtensionList": [{"ErrorCode": 0, "Extension": {"Key": "b", "Value": "22", "Seq": 3}}], "Seq": 3}),
    );
    // Delete a: OperateType 2 with its seq.
    let id = h
        .client
        .delete_message_extensions(h.now, &m, Some(&["a".to_string()]))
        .unwrap();
    h.drain();
    let body = h.last_sent(servcmd::EXT_SET).body;
    assert_eq!(body["OperateType"], 2);
    assert_eq!(
        body["ExtensionList"],
        json!([{"Key": "a", "Value": "", "Seq": 1}])
    );
    h.reply(
        servcmd::EXT_SET,
        json!({"ExtensionList": [{"ErrorCode": 0, "Extension": {"Key": "a", "Value": "", "Seq": 4}}], "Seq": 4}),
    );
    assert!(h.result(id).is_ok());
    // Get: the first get has no startSeq; deleted keys are left out.
    let id = h.client.get_message_extensions(h.now, &m).unwrap();
    h.drain();
    let body = h.last_sent(servcmd::EXT_GET).body;
    assert_eq!(
        body,
        json!({"From_Account": "u1", "To_Account": "u2", "MsgKey": key})
    );
    h.reply(
        servcmd::EXT_GET,
        json!({"ExtensionList": [{"Key": "b", "Value": "22", "Seq": 3}, {"Key": "a", "Value": "", "Seq": 4}],
               "CompleteFlag": 1, "LatestSeq": 4, "ClearSeq": 0}),
    );
    assert_eq!(h.result(id), Ok(vec![ext("b", "22")]));
    // Clear all: OperateType 3 without a list.
    let id = h.client.delete_message_extensions(h.now, &m, None).unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(servcmd::EXT_SET).body,
        json!({"From_Account": "u1", "To_Account": "u2", "MsgKey": key, "OperateType": 3})
    );
    h.reply(servcmd::EXT_SET, json!({"ExtensionList": [], "Seq": 5}));
    assert_eq!(h.result(id), Ok(vec![]));
    // A later get asks from the last known seq.
    let id = h.client.get_message_extensions(h.now, &m).unwrap();
    h.drain();
    assert_eq!(h.last_sent(servcmd::EXT_GET).body["startSeq"], 5);
    h.reply(
        servcmd::EXT_GET,
        json!({"ExtensionList": [], "CompleteFlag": 1, "LatestSeq": 5, "ClearSeq": 5}),
    );
    assert_eq!(h.result(id), Ok(vec![]));
}

#[test]
fn get_extensions_follows_complete_flag_and_fails_on_a_reply_that_does_not_advance() {
    let mut h = Harness::logged_in();
    let m = h.send(
        CreateTextMessageOptions::c2c("u2", "ext").with_extension_support(),
        T0,
    );
    let id = h.client.get_message_extensions(h.now, &m).unwrap();
    h.drain();
    h.reply(
        servcmd::EXT_GET,
        json!({"ExtensionList": [{"Key": "a", "Value": "1", "Seq": 1}, {"Key": "b", "Value": "2", "Seq": 2}],
               "CompleteFlag": 0, "LatestSeq": 3}),
    );
    h.no_result(id);
    assert_eq!(h.last_sent(servcmd::EXT_GET).body["startSeq"], 3);
    h.reply(
        servcmd::EXT_GET,
        json!({"ExtensionList": [{"Key": "c", "Value": "3", "Seq": 3}], "CompleteFlag": 1, "LatestSeq": 3}),
    );
    assert_eq!(
        h.result(id),
        Ok(vec![ext("a", "1"), ext("b", "2"), ext("c", "3")])
    );
    // A bare reply (no CompleteFlag, nothing new): 2903 as the official SDK.
    let id = h.client.get_message_extensions(h.now, &m).unwrap();
    h.drain();
    h.reply(servcmd::EXT_GET, json!({}));
    assert_eq!(code_of(h.result(id)), ErrorCode::UNCAUGHT_ERROR);
}

#[test]
fn extension_calls_refuse_bad_input_with_codes() {
    let mut h = Harness::logged_in();
    let plain = h.send_text("u2", "no ext", T0);
    let m = h.send(
        CreateTextMessageOptions::c2c("u2", "ext").with_extension_support(),
        T0,
    );
    assert_eq!(
        code_of(
            h.client
                .set_message_extensions(h.now, &plain, &[ext("a", "1")])
        ),
        ErrorCode::INVALID_OPERATION
    );
    let many: Vec<MessageExtension> = (0..=Client::MAX_EXTENSIONS_PER_CALL)
        .map(|i| ext(&format!("k{i}"), "v"))
        .collect();
    assert_eq!(
        code_of(h.client.set_message_extensions(h.now, &m, &many)),
        ErrorCode::INVALID_OPERATION
    );
    assert_eq!(
        code_of(h.client.set_message_extensions(h.now, &m, &[])),
        ErrorCode::INVALID_OPERATION
    );
    assert_eq!(
        code_of(h.client.set_message_extensions(h.now, &m, &[ext("", "1")])),
        ErrorCode::INVALID_OPERATION
    );
    assert_eq!(
        code_of(
            h.client
                .set_message_extensions(h.now, &m, &[ext("a", "1"), ext("a", "2")])
        ),
        ErrorCode::INVALID_OPERATION
    );
    h.drain();
    assert!(h.sent_of(servcmd::EXT_SET).is_empty());
}

#[test]
fn extension_pushes_emit_updated_and_deleted_once() {
    let mut h = Harness::logged_in();
    let mut w = wire_msg("u2", "u1", 1801080001, 49481011, T0, "ext me");
    w["SupportMessageExtension"] = json!(1);
    let m = h.receive(w);
    assert!(m.is_support_extension);
    let info = json!({"From_Account": "u2", "To_Account": "u1", "MsgSeq": m.sequence, "MsgRandom": m.random,
                      "MsgTime": T0, "MsgClientTime": m.client_time});
    let push = |op: u8, field: &str, kvs: Value, clear: u64, last: u64| {
        let mut n = json!({"TinyId": PEER_TINY, "MsgLastSeq": last, "MsgOptType": op, "ExtensionC2cMsgInfo": info.clone()});
        n[field] = json!([{"MsgKeyValue": kvs, "ClearMsgSeq": clear}]);
        json!({"EventArray": [{"Event": 22, "MsgExtensionNotify": n}]})
    };
    let set = push(
        1,
        "SetKVInfo",
        json!([{"Key": "a", "Value": "1", "Seq": 1}, {"Key": "b", "Value": "2", "Seq": 2}]),
        0,
        2,
    );
    h.push(set.clone());
    assert_eq!(
        named(&h.take_events(), EventName::MessageExtensionsUpdated),
        vec![Event::MessageExtensionsUpdated {
            message_id: m.id.clone(),
            extensions: vec![ext("a", "1"), ext("b", "2")]
        }]
    );
    h.push(set);
    assert!(named(&h.take_events(), EventName::MessageExtensionsUpdated).is_empty());
    let del = push(
        2,
        "DeleteKVInfo",
        json!([{"Key": "a", "Value": "", "Seq": 3}]),
        0,
        3,
    );
    h.push(del.clone());
    assert_eq!(
        named(&h.take_events(), EventName::MessageExtensionsDeleted),
        vec![Event::MessageExtensionsDeleted {
            message_id: m.id.clone(),
            key_list: vec!["a".into()]
        }]
    );
    h.push(del);
    assert!(named(&h.take_events(), EventName::MessageExtensionsDeleted).is_empty());
    // Clear: every key with a value up to ClearMsgSeq.
    let clear = push(3, "ClearKVInfo", json!([]), 5, 5);
    h.push(clear.clone());
    assert_eq!(
        named(&h.take_events(), EventName::MessageExtensionsDeleted),
        vec![Event::MessageExtensionsDeleted {
            message_id: m.id.clone(),
            key_list: vec!["b".into()]
        }]
    );
    h.push(clear);
    assert!(named(&h.take_events(), EventName::MessageExtensionsDeleted).is_empty());
    // About a message never held: nothing.
    let mut n = json!({"TinyId": PEER_TINY, "MsgLastSeq": 1, "MsgOptType": 1,
                       "ExtensionC2cMsgInfo": {"From_Account": "u2", "To_Account": "u1", "MsgSeq": 1, "MsgRandom": 1, "MsgTime": T0, "MsgClientTime": 1}});
    n["SetKVInfo"] =
        json!([{"MsgKeyValue": [{"Key": "z", "Value": "1", "Seq": 1}], "ClearMsgSeq": 0}]);
    h.push(json!({"EventArray": [{"Event": 22, "MsgExtensionNotify": n}]}));
    assert!(named(&h.take_events(), EventName::MessageExtensionsUpdated).is_empty());
}

// ----- history ------------------------------------------------------------------

fn history_page(range: std::ops::RangeInclusive<u64>) -> Vec<Value> {
    range
        .map(|i| {
            let (from, to) = if i % 2 == 1 {
                ("u1", "u3")
            } else {
                ("u3", "u1")
            };
            let mut w = wire_msg(
                from,
                to,
                500 + i,
                7000 + i,
                1_795_628_505 + 10 * i,
                &format!("r{i}"),
            );
            w["MsgClientTime"] = w["MsgTimeStamp"].clone();
            w
        })
        .collect()
}

fn list_of(r: Result<MessageListResult, ChatError>) -> MessageListResult {
    match r {
        Ok(l) => l,
        other => panic!("{other:?}"),
    }
}

#[test]
fn get_message_list_pages_with_the_previous_cursor_and_then_from_memory() {
    let mut h = Harness::logged_in();
    let id = h.client.get_message_list(h.now, "C2Cu3", None).unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(servcmd::GET_ROAM).body,
        json!({"Peer_Account": "u3", "MaxCnt": 15, "LastMsgTime": 0, "MsgKey": "", "WithRecalledMsg": 1, "GetDirection": 0})
    );
    let mut page1 = history_page(11..=25);
    page1[9]["MsgFlagBits"] = json!(8); // #20 revoked
    page1[9]["RevokerInfo"] = json!({"Revoker_Account": "u3", "Reason": "typo"});
    page1[10]["MsgVersion"] = json!(2); // #21 modified
    page1[12]["IsNeedReadReceipt"] = json!(1); // #23, mine, read with a receipt
    page1[12]["IsPeerRead"] = json!(1);
    h.reply(
        servcmd::GET_ROAM,
        json!({"Complete": 0, "MsgList": page1, "MsgKey": "511_7011_1795628615", "LastMsgTime": 1_795_628_615u64}),
    );
    h.no_result(id);
    assert_eq!(
        h.last_sent(servcmd::GET_PEER_READ_TIME).body,
        json!({"To_Account": ["u3"]})
    );
    h.reply(
        servcmd::GET_PEER_READ_TIME,
        json!({"ReadTime": [1_795_628_505u64 + 10 * 12]}),
    );
    let first = list_of(h.result(id));
    assert_eq!(first.message_list.len(), 15);
    assert!(!first.is_completed);
    assert_eq!(first.next_req_message_id, first.message_list[0].id);
    let texts: Vec<&str> = first.message_list.iter().map(text).collect();
    assert_eq!(texts[0], "r11");
    assert_eq!(texts[14], "r25");
    let m = |i: usize| &first.message_list[i - 11];
    assert!(m(20).is_revoked);
    assert_eq!(m(20).revoker, "u3");
    assert_eq!(m(20).revoke_reason, "typo");
    assert!(m(21).is_modified && m(21).version == 2);
    assert!(m(23).need_read_receipt && m(23).read_receipt_info.is_peer_read);
    assert_eq!(m(11).flow, Flow::Out);
    assert!(m(11).is_peer_read, "before the peer read time");
    assert!(!m(13).is_peer_read, "after it");
    assert!(!m(12).is_read, "incoming history is unread");
    assert!(
        received(&h.take_events()).is_empty(),
        "history is not MESSAGE_RECEIVED"
    );
    // They are held now.
    assert!(h.client.find_message(&m(15).id).is_some());

    // Page 2 sends the previous reply's cursor unchanged.
    let id = h
        .client
        .get_message_list(h.now, "C2Cu3", Some(&first.next_req_message_id))
        .unwrap();
    h.drain();
    let body = h.last_sent(servcmd::GET_ROAM).body;
    assert_eq!(body["MsgKey"], "511_7011_1795628615");
    assert_eq!(body["LastMsgTime"], 1_795_628_615u64);
    h.reply(
        servcmd::GET_ROAM,
        json!({"Complete": 1, "MsgList": history_page(1..=10), "MsgKey": "", "LastMsgTime": 0}),
    );
    h.reply(servcmd::GET_PEER_READ_TIME, json!({"ReadTime": [0]}));
    let second = list_of(h.result(id));
    assert_eq!(second.message_list.len(), 10);
    assert!(second.is_completed);
    assert_eq!(second.next_req_message_id, "");
    assert_eq!(text(&second.message_list[0]), "r1");

    // The first page again: from memory, no request.
    let before = h.sent_of(servcmd::GET_ROAM).len();
    let id = h.client.get_message_list(h.now, "C2Cu3", None).unwrap();
    let again = list_of(h.result(id));
    assert_eq!(h.sent_of(servcmd::GET_ROAM).len(), before);
    assert_eq!(again.message_list.len(), 15);
    assert_eq!(text(&again.message_list[14]), "r25");
    assert!(!again.is_completed);
    let id = h
        .client
        .get_message_list(h.now, "C2Cu3", Some(&again.next_req_message_id))
        .unwrap();
    let rest = list_of(h.result(id));
    assert_eq!(rest.message_list.len(), 10);
    assert!(rest.is_completed);
    assert_eq!(h.sent_of(servcmd::GET_ROAM).len(), before);
}

#[test]
fn history_merges_with_held_messages_without_duplicates() {
    let mut h = Harness::logged_in();
    // Received live, and revoked meanwhile on the server.
    let live = h.receive(wire_msg("u2", "u1", 3, 33, T0 + 30, "live"));
    let mut held_rev = wire_msg("u2", "u1", 3, 33, T0 + 30, "live");
    held_rev["MsgFlagBits"] = json!(8);
    let id = h.client.get_message_list(h.now, "C2Cu2", None).unwrap();
    h.drain();
    h.reply(
        servcmd::GET_ROAM,
        json!({"Complete": 1, "MsgList": [wire_msg("u2", "u1", 1, 11, T0, "old"), held_rev], "MsgKey": "", "LastMsgTime": 0}),
    );
    h.reply(servcmd::GET_PEER_READ_TIME, json!({"ReadTime": [0]}));
    let page = list_of(h.result(id));
    let texts: Vec<&str> = page.message_list.iter().map(text).collect();
    assert_eq!(texts, ["old", "live"]);
    assert!(page.is_completed);
    assert!(page.message_list[1].is_revoked, "the server's flag wins");
    assert!(h.client.find_message(&live.id).unwrap().is_revoked);
}

#[test]
fn get_message_list_refuses_bad_input_and_bare_replies() {
    let mut h = Harness::logged_in();
    assert_eq!(
        code_of(h.client.get_message_list(h.now, "@TIM#SYSTEM", None)),
        ErrorCode::MSG_INVALID_CONV_TYPE
    );
    assert_eq!(
        code_of(h.client.get_message_list(h.now, "", None)),
        ErrorCode::INVALID_CONV_ID
    );
    assert_eq!(
        code_of(
            h.client
                .get_message_list(h.now, "C2Cu2", Some("no-such-id"))
        ),
        ErrorCode::INVALID_OPERATION
    );
    let id = h.client.get_message_list(h.now, "C2Cu2", None).unwrap();
    h.drain();
    h.reply(servcmd::GET_ROAM, json!({}));
    assert_eq!(code_of(h.result(id)), ErrorCode::UNCAUGHT_ERROR);
}

// ----- notifications inside getmsg --------------------------------------------

#[test]
fn notifications_in_a_getmsg_event_array_are_handled_like_pushes() {
    let mut h = Harness::logged_in();
    let mine = h.send_text("u2", "mine", T0);
    // While this instance is away the peer reads my message, and sends one
    // it revokes right after: the next sync carries the message in MsgList
    // and both notifications in EventArray.
    h.client.handle_disconnected(
        h.now,
        h.conn.take().unwrap(),
        tcchat_core::DisconnectReason::Closed(Some(1000)),
    );
    h.drain();
    h.now += std::time::Duration::from_secs(1);
    while let Some(t) = h.client.poll_timeout() {
        if t > h.now {
            break;
        }
        h.client.handle_timeout(h.now);
        h.drain();
    }
    assert!(h.conn.is_some(), "reconnected");
    h.reply(
        servcmd::LOGIN,
        json!({"A2Key": "a2-1", "TinyId": MY_TINY, "HelloInterval": 120, "InstId": 5, "TimeStamp": UNIX_MS / 1000}),
    );
    h.answer_login_sync(ALL_BITS);
    h.take_events();
    let theirs = wire_msg("u2", "u1", 9, 99, T0 + 2, "gone soon");
    let theirs_msg = {
        let mut m = mine.clone();
        m.from = "u2".into();
        m.to = "u1".into();
        m.sequence = 9;
        m.random = 99;
        m.time = T0 + 2;
        m.client_time = T0 + 1;
        m.sender_tiny_id = PEER_TINY.into();
        m
    };
    let revoke = revoke_push(&theirs_msg, "u2", "")["EventArray"].clone();
    let readed = json!([{"Event": 9, "C2cNotifyMsgArray": [{"C2cReadedReceipt": {"To_Account": "u2", "UinPairReadArray": [{"LastReadTime": T0}]}}]}]);
    let mut events = revoke.as_array().unwrap().clone();
    events.extend(readed.as_array().unwrap().clone());
    h.reply(
        servcmd::GET_MSG,
        json!({"Cookie": "ck2", "SyncFlag": 2, "MsgList": [theirs], "EventArray": events}),
    );
    let got = h.take_events();
    let names: Vec<EventName> = got
        .iter()
        .map(Event::name)
        .filter(|n| {
            matches!(
                n,
                EventName::MessageReceived
                    | EventName::MessageRevoked
                    | EventName::MessageReadByPeer
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            EventName::MessageReceived,
            EventName::MessageRevoked,
            EventName::MessageReadByPeer
        ]
    );
    assert!(h.client.find_message(&mine.id).unwrap().is_peer_read);
    // The same notifications again (a repeated page): nothing new.
    h.reply(
        servcmd::GET_MSG,
        json!({"Cookie": "ck2", "SyncFlag": 2, "MsgList": [], "EventArray": events}),
    );
    let again = h.take_events();
    assert!(named(&again, EventName::MessageRevoked).is_empty());
    assert!(named(&again, EventName::MessageReadByPeer).is_empty());
}

// ----- wrong state --------------------------------------------------------------

#[test]
fn message_operations_in_the_wrong_state_get_the_official_codes() {
    let mut h = Harness::logged_in();
    let m = h.send_text("u2", "x", T0);
    let mut fresh = Harness::new();
    assert_eq!(
        code_of(fresh.client.revoke_message(fresh.now, &m)),
        ErrorCode::USER_NOT_LOGGED_IN
    );
    assert_eq!(
        code_of(fresh.client.get_message_list(fresh.now, "C2Cu2", None)),
        ErrorCode::USER_NOT_LOGGED_IN
    );
    // An unsent message cannot be revoked.
    let draft = h
        .client
        .create_text_message(h.now, &CreateTextMessageOptions::c2c("u2", "d"))
        .unwrap();
    assert_eq!(draft.status, MessageStatus::Unsent);
    assert_eq!(
        code_of(h.client.revoke_message(h.now, &draft)),
        ErrorCode::MSG_REVOKE_FAIL
    );
    // After logout: 3005.
    h.client.logout(h.now).unwrap();
    h.drain();
    h.reply(servcmd::LOGOUT, json!({}));
    assert_eq!(
        code_of(h.client.revoke_message(h.now, &m)),
        ErrorCode::LOGGED_OUT
    );
    assert_eq!(
        code_of(h.client.modify_message(h.now, &m)),
        ErrorCode::LOGGED_OUT
    );
    assert_eq!(
        code_of(h.client.set_message_read(h.now, "C2Cu2")),
        ErrorCode::LOGGED_OUT
    );
    // After destroy: 3005, and nothing panics.
    h.client.destroy(h.now);
    h.drain();
    assert_eq!(
        code_of(h.client.delete_message(h.now, std::slice::from_ref(&m))),
        ErrorCode::LOGGED_OUT
    );
    assert_eq!(
        code_of(h.client.get_message_extensions(h.now, &m)),
        ErrorCode::LOGGED_OUT
    );
}

#[test]
fn a_request_pending_at_logout_fails_and_its_caller_hears() {
    let mut h = Harness::logged_in();
    let m = h.send_text("u2", "x", T0);
    let id = h.client.revoke_message(h.now, &m).unwrap();
    h.drain();
    h.client.logout(h.now).unwrap();
    h.drain();
    h.reply(servcmd::LOGOUT, json!({}));
    assert_eq!(code_of(h.result(id)), ErrorCode::LOGGED_OUT);
    assert!(!h.client.find_message(&m.id).unwrap().is_revoked);
}
