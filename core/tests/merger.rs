//! Merger and forward messages in the client core (issue 19) in virtual
//! time: `create_merger_message` inline and stored on the server
//! (`save_relay_json_msg` before the send), `download_merger_message`
//! (at once, or `get_relay_json_msg`), `create_forward_message` into C2C
//! and group conversations, and the 2450–2454 refusals.

use serde_json::{json, Value};

use tcchat_core::model::{CreateMergerMessageOptions, MergedMessage, Message, Payload};
use tcchat_core::types::{ConversationType, MessageStatus};
use tcchat_core::wire::servcmd;
use tcchat_core::{ErrorCode, RequestId};

mod common;

use common::{received, Harness};

const SEND_GROUP: &str = "group_open_http_svc.send_group_msg";

impl Harness {
    fn new() -> Harness {
        let mut h = Harness::build(19, |_| {});
        h.auto_open = true;
        h.open();
        h
    }
}

/// Messages from u2 received by u1 (sent, so they can be merged).
fn receive(h: &mut Harness, texts: &[&str]) -> Vec<Message> {
    let list: Vec<Value> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            common::wire_msg(
                "u2",
                "u1",
                10 + i as u64,
                20 + i as u64,
                1_795_629_900 + i as u64,
                t,
            )
        })
        .collect();
    h.push(common::push_body(Value::Array(list)));
    received(&h.take_events())
}

fn merger_options(
    to: &str,
    conversation_type: ConversationType,
    list: Vec<Message>,
) -> CreateMergerMessageOptions {
    CreateMergerMessageOptions {
        to: to.into(),
        conversation_type,
        message_list: list,
        title: "u1 and u2".into(),
        abstract_list: vec!["u2: one".into(), "u2: two".into()],
        compatible_text: "[chat history]".into(),
    }
}

fn texts_of(list: &[MergedMessage]) -> Vec<String> {
    list.iter()
        .map(|m| m.message_body[0].text().unwrap_or("").to_owned())
        .collect()
}

fn send(h: &mut Harness, msg: &Message) -> RequestId<Message> {
    let id = h.client.send_message(h.now, msg).unwrap();
    h.drain();
    id
}

#[test]
fn a_small_merger_travels_inline_and_downloads_at_once() {
    let mut h = Harness::logged_in();
    let got = receive(&mut h, &["one", "two"]);
    let merger = h
        .client
        .create_merger_message(h.now, &merger_options("u3", ConversationType::C2c, got))
        .unwrap();
    let id = send(&mut h, &merger);
    assert!(h.sent_of(servcmd::RELAY_SAVE).is_empty());
    assert_eq!(h.last_sent(servcmd::SEND_C2C).body["IsRelayMsg"], 1);
    let body = h.last_sent(servcmd::SEND_C2C).body["MsgBody"].clone();
    assert_eq!(body[0]["MsgType"], "TIMRelayElem");
    let content = &body[0]["MsgContent"];
    assert_eq!(content["Title"], "u1 and u2");
    assert_eq!(content["CompatibleText"], "[chat history]");
    assert_eq!(content["AbstractList"], json!(["u2: one", "u2: two"]));
    assert_eq!(content["JsonMsgKey"], "");
    assert_eq!(content["LayersOverLimit"], false);
    assert_eq!(content["MsgList"][1]["From_Account"], "u2");
    assert_eq!(
        content["MsgList"][1]["MsgBody"][0]["MsgContent"]["Text"],
        "two"
    );
    h.reply(
        servcmd::SEND_C2C,
        json!({"MsgTime": 1_795_629_950, "MsgKey": "k"}),
    );
    assert_eq!(h.result(id).unwrap().status, MessageStatus::Success);

    // The receiver parses the element; the download needs no request.
    let mut wire = common::wire_msg("u3", "u1", 40, 41, 1_795_629_960, "");
    wire["MsgBody"] = body;
    h.push(common::push_body(json!([wire])));
    let got = received(&h.take_events()).remove(0);
    let Payload::Merger(m) = &got.payload else {
        panic!("not a merger: {:?}", got.payload)
    };
    assert_eq!(m.title, "u1 and u2");
    assert!(m.download_key.is_empty());
    h.clear_sent();
    let id = h.client.download_merger_message(h.now, &got).unwrap();
    h.drain();
    assert!(h.sent_of(servcmd::RELAY_GET).is_empty());
    assert_eq!(texts_of(&h.result(id).unwrap()), ["one", "two"]);
}

#[test]
fn a_large_merger_is_stored_first_and_downloaded_by_key() {
    let mut h = Harness::logged_in();
    let long = "x".repeat(4000);
    let got = receive(&mut h, &[&long, &long, &long]);
    let merger = h
        .client
        .create_merger_message(h.now, &merger_options("grp1", ConversationType::Group, got))
        .unwrap();
    let id = send(&mut h, &merger);
    // The body goes first; nothing is sent until it is stored.
    let saved = h.last_sent(servcmd::RELAY_SAVE).body;
    assert_eq!(saved["MsgList"].as_array().unwrap().len(), 3);
    assert_eq!(saved["MsgList"][0]["From_Account"], "u2");
    assert!(h.sent_of(SEND_GROUP).is_empty());
    h.reply(servcmd::RELAY_SAVE, json!({"JsonMsgKey": "relay-1"}));
    let content = h.last_sent(SEND_GROUP).body["MsgBody"][0]["MsgContent"].clone();
    assert_eq!(content["JsonMsgKey"], "relay-1");
    assert!(content.get("MsgList").is_none(), "{content}");
    h.reply(SEND_GROUP, json!({"MsgSeq": 5, "MsgTime": 1_795_629_950}));
    let sent = h.result(id).unwrap();
    let Payload::Merger(m) = &sent.payload else {
        panic!()
    };
    assert_eq!(m.download_key, "relay-1");
    assert_eq!(m.message_list.len(), 3, "the sender keeps its copy");

    // The receiver fetches the body by key.
    let mut wire = common::wire_msg("u3", "u1", 40, 41, 1_795_629_960, "");
    wire["MsgBody"] = json!([{"MsgType": "TIMRelayElem", "MsgContent": content}]);
    h.push(common::push_body(json!([wire])));
    let got = received(&h.take_events()).remove(0);
    let id = h.client.download_merger_message(h.now, &got).unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(servcmd::RELAY_GET).body,
        json!({"JsonMsgKey": "relay-1"})
    );
    h.reply(servcmd::RELAY_GET, json!({"MsgList": saved["MsgList"]}));
    assert_eq!(
        texts_of(&h.result(id).unwrap()),
        [long.clone(), long.clone(), long.clone()]
    );

    // Refused by the server, or a malformed body: 2452.
    for reply in [
        json!({"ErrorCode": 10007, "ErrorInfo": "not a participant"}),
        json!({"MsgList": "not a list"}),
        json!({"MsgList": []}),
        json!({"MsgList": [{"From_Account": "u2", "MsgBody": []}]}),
    ] {
        let id = h.client.download_merger_message(h.now, &got).unwrap();
        h.drain();
        h.reply(servcmd::RELAY_GET, reply.clone());
        let err = h.result(id).unwrap_err();
        assert_eq!(err.code, ErrorCode::MSG_MERGER_DOWNLOAD_FAIL, "{reply}");
    }
}

#[test]
fn a_failed_store_fails_the_send_and_sends_nothing() {
    let mut h = Harness::logged_in();
    let long = "y".repeat(5000);
    let got = receive(&mut h, &[&long, &long]);
    let merger = h
        .client
        .create_merger_message(h.now, &merger_options("u3", ConversationType::C2c, got))
        .unwrap();
    let id = send(&mut h, &merger);
    h.reply(
        servcmd::RELAY_SAVE,
        json!({"ErrorCode": 80002, "ErrorInfo": "too long"}),
    );
    let err = h.result(id).unwrap_err();
    assert_eq!(err.code, ErrorCode::MSG_MERGER_DOWNLOAD_FAIL);
    assert!(err.message.contains("80002"), "{}", err.message);
    assert!(h.sent_of(servcmd::SEND_C2C).is_empty());
}

#[test]
fn bad_merger_input_is_refused_with_2450_and_2451() {
    let mut h = Harness::logged_in();
    let got = receive(&mut h, &["one"]);
    let create = |h: &mut Harness, o: CreateMergerMessageOptions| {
        h.client.create_merger_message(h.now, &o).unwrap_err().code
    };
    let empty = merger_options("u3", ConversationType::C2c, vec![]);
    assert_eq!(create(&mut h, empty), ErrorCode::MSG_MERGER_TYPE_INVALID);
    let unsent = h
        .client
        .create_face_message(h.now, "u2", ConversationType::C2c, Default::default())
        .unwrap();
    let o = merger_options("u3", ConversationType::C2c, vec![unsent]);
    assert_eq!(create(&mut h, o), ErrorCode::MSG_MERGER_TYPE_INVALID);
    let mut o = merger_options("u3", ConversationType::C2c, got.clone());
    o.compatible_text.clear();
    assert_eq!(create(&mut h, o), ErrorCode::MSG_MERGER_TYPE_INVALID);
    let mut tip = got[0].clone();
    tip.payload = Payload::Other {
        msg_type: "TIMGroupTipElem".into(),
        content: "{}".into(),
    };
    let o = merger_options("u3", ConversationType::C2c, vec![tip]);
    assert_eq!(create(&mut h, o), ErrorCode::MSG_MERGER_TYPE_INVALID);
    let many = vec![got[0].clone(); 101];
    let o = merger_options("u3", ConversationType::C2c, many);
    assert_eq!(create(&mut h, o), ErrorCode::MSG_MERGER_TYPE_INVALID);

    // Download of a message that is not a merger.
    let err = h
        .client
        .download_merger_message(h.now, &got[0])
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::MSG_MERGER_TYPE_INVALID);

    // Nested deeper than parsed: 2451, and nothing requested.
    let mut content = json!({"Title": "t", "CompatibleText": "c", "MsgList": [
        {"From_Account": "u2", "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "deep"}}]}]});
    for _ in 0..10 {
        content = json!({"Title": "t", "CompatibleText": "c", "MsgList": [
            {"From_Account": "u2", "MsgBody": [{"MsgType": "TIMRelayElem", "MsgContent": content}]}]});
    }
    let mut wire = common::wire_msg("u2", "u1", 50, 51, 1_795_629_970, "");
    wire["MsgBody"] = json!([{"MsgType": "TIMRelayElem", "MsgContent": content}]);
    h.push(common::push_body(json!([wire])));
    let mut deep = received(&h.take_events()).remove(0);
    loop {
        let Payload::Merger(m) = &deep.payload else {
            panic!("{:?}", deep.payload)
        };
        if m.layers_over_limit {
            break;
        }
        deep.payload = m.message_list[0].message_body[0].clone();
    }
    h.clear_sent();
    let err = h.client.download_merger_message(h.now, &deep).unwrap_err();
    assert_eq!(err.code, ErrorCode::MSG_MERGER_KEY_INVALID);
    assert!(h.take_sent().is_empty());

    // A malformed inline list arrives as an unknown element, not a panic.
    let mut wire = common::wire_msg("u2", "u1", 52, 53, 1_795_629_971, "");
    wire["MsgBody"] = json!([{"MsgType": "TIMRelayElem", "MsgContent": {"Title": "t", "MsgList": [{"From_Account": "u2", "MsgBody": []}]}}]);
    h.push(common::push_body(json!([wire])));
    let bad = received(&h.take_events()).remove(0);
    assert!(
        matches!(bad.payload, Payload::Other { .. }),
        "{:?}",
        bad.payload
    );
}

#[test]
fn forward_copies_the_element_into_c2c_and_group_conversations() {
    let mut h = Harness::logged_in();
    let got = receive(&mut h, &["fwd me"]).remove(0);
    let fwd = h
        .client
        .create_forward_message(h.now, "grp1", ConversationType::Group, &got)
        .unwrap();
    assert_eq!(fwd.conversation_id, "GROUPgrp1");
    assert_eq!(fwd.payload, got.payload);
    send(&mut h, &fwd);
    assert_eq!(
        h.last_sent(SEND_GROUP).body["MsgBody"],
        json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": "fwd me"}}])
    );
    let fwd = h
        .client
        .create_forward_message(h.now, "u4", ConversationType::C2c, &got)
        .unwrap();
    send(&mut h, &fwd);
    assert_eq!(h.last_sent(servcmd::SEND_C2C).body["To_Account"], "u4");

    // Unsent or revoked: 2453; an element that cannot be forwarded: 2454.
    let unsent = h
        .client
        .create_face_message(h.now, "u2", ConversationType::C2c, Default::default())
        .unwrap();
    let err = h
        .client
        .create_forward_message(h.now, "u4", ConversationType::C2c, &unsent)
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::MSG_FORWARD_TYPE_INVALID);
    let mut revoked = got.clone();
    revoked.is_revoked = true;
    let err = h
        .client
        .create_forward_message(h.now, "u4", ConversationType::C2c, &revoked)
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::MSG_FORWARD_TYPE_INVALID);
    let mut other = got.clone();
    other.payload = Payload::Other {
        msg_type: "TIMSomethingElem".into(),
        content: "{}".into(),
    };
    let err = h
        .client
        .create_forward_message(h.now, "u4", ConversationType::C2c, &other)
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::MSG_FORWARD_INVALID_ELEMENTS);
}
