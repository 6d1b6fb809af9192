//! Group attributes and counters in the client core, against a scripted
//! server in virtual time. The replies and pushes are those recorded with
//! the official SDK 3.6.6 (`frames/group_attr_counter.json`): the
//! requests tcchat sends, the main sequence and race control of a write,
//! GROUP_ATTRIBUTES_UPDATED applied in place when a push carries the next
//! main sequence and re-read otherwise, GROUP_COUNTER_UPDATED per counter,
//! and the purchase-bit gate.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use tcchat_core::{ChatError, ErrorCode, Event};

mod common;

use common::Harness;

const GET_ATTR: &str = "group_open_attr_http_svc.get_group_attr";
const MODIFY_ATTR: &str = "group_open_http_svc.modify_group_attr";
const INIT_ATTR: &str = "group_open_http_svc.set_group_attr";
const DELETE_ATTR: &str = "group_open_http_svc.delete_group_attr";
const CLEAR_ATTR: &str = "group_open_http_svc.clear_group_attr";
const UPDATE_COUNTER: &str = "group_open_http_svc.update_group_counter";
const GET_COUNTER: &str = "group_open_http_svc.get_group_counter";

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// An Event 6 attribute push (the frame's #3 shape) with `seq`, `flag`,
/// inner `op` and `info`.
fn attr_push(seq: u64, flag: u8, op: u32, info: Value) -> Value {
    json!({"EventArray": [{"Event": 6, "GroupTips": [{"From_Account": "u2", "ToGroupId": "grpA", "MsgSeq": 50, "MsgRandom": 150, "MsgTimeStamp": 1795629627, "MsgClientTime": 1795629627, "TinyId": "144115000000000002", "GroupInfo": {"GroupId": "grpA", "GroupType": "Public"}, "MsgBody": {"OpType": 6, "Operator_Account": "u2", "MsgGroupNewInfo": {"GroupAttrOption": {"GroupAttrSeq": seq, "PushChangedAttrValFlag": flag, "OpType": op, "GroupAttrInfo": info}}}}]}]})
}

/// One GROUP_ATTRIBUTES_UPDATED: `(attributes, updated, deleted)`.
type AttrEvent = (BTreeMap<String, String>, Vec<String>, Vec<String>);

/// The GROUP_ATTRIBUTES_UPDATED events among `events`.
fn attr_events(events: &[Event]) -> Vec<AttrEvent> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::GroupAttributesUpdated {
                group_id,
                group_attributes,
                updated_key_list,
                deleted_key_list,
            } => {
                assert_eq!(group_id, "grpA");
                Some((
                    group_attributes.clone(),
                    updated_key_list.clone(),
                    deleted_key_list.clone(),
                ))
            }
            _ => None,
        })
        .collect()
}

impl Harness {
    fn new() -> Harness {
        Harness::build(17, |_| {})
    }

    /// Read grpA's attributes: `{k1: v1}` at main sequence 1 (frame #1).
    fn read_attributes(&mut self) {
        let id = self
            .client
            .get_group_attributes(self.now, "grpA", &[])
            .unwrap();
        self.drain();
        assert_eq!(
            self.last_sent(GET_ATTR).body,
            json!({"GroupId": "grpA", "GroupType": 0})
        );
        self.reply(
            GET_ATTR,
            json!({"GroupAttrAry": [{"key": "k1", "value": "v1"}], "AttrMainSeq": 1}),
        );
        assert_eq!(self.result(id).unwrap(), map(&[("k1", "v1")]));
        self.take_events();
        self.take_sent();
    }

    /// Answer the newest `cmd` request with `code`.
    fn refuse(&mut self, cmd: &str, code: u32) {
        let seq = self.last_sent(cmd).seq;
        self.deliver(
            cmd,
            seq,
            json!({"ActionStatus": "FAIL", "ErrorCode": code, "ErrorInfo": "refused"}),
        );
    }
}

#[test]
fn a_write_carries_the_main_sequence_and_fires_the_event_at_once() {
    let mut h = Harness::logged_in();
    h.read_attributes();
    let id = h
        .client
        .set_group_attributes(h.now, "grpA", &map(&[("k2", "v2")]))
        .unwrap();
    h.drain();
    // The official request (frame #2).
    assert_eq!(
        h.last_sent(MODIFY_ATTR).body,
        json!({"GroupId": "grpA", "GroupAttr": [{"key": "k2", "value": "v2", "seq": 0}], "AttrMainSeq": 1, "AttrControl": ["RaceConflict"]})
    );
    h.reply(
        MODIFY_ATTR,
        json!({"AttrMainSeq": 2, "GroupAttr": [{"key": "k2"}]}),
    );
    assert_eq!(h.result(id).unwrap(), map(&[("k2", "v2")]));
    assert_eq!(
        attr_events(&h.take_events()),
        [(
            map(&[("k1", "v1"), ("k2", "v2")]),
            vec!["k2".to_owned()],
            vec![]
        )]
    );
    // The next write goes out against main sequence 2.
    h.client
        .delete_group_attributes(h.now, "grpA", &["k1".to_owned()])
        .unwrap();
    h.drain();
    let sent = h.last_sent(DELETE_ATTR).body;
    assert_eq!(sent["AttrMainSeq"], 2);
    assert_eq!(sent["GroupAttr"], json!([{"key": "k1"}]));
    h.reply(
        DELETE_ATTR,
        json!({"AttrMainSeq": 3, "GroupAttr": [{"key": "k1"}]}),
    );
    assert_eq!(
        attr_events(&h.take_events()),
        [(map(&[("k2", "v2")]), vec![], vec!["k1".to_owned()])]
    );
    // No keys: a clear.
    h.client
        .delete_group_attributes(h.now, "grpA", &[])
        .unwrap();
    h.drain();
    assert_eq!(h.last_sent(CLEAR_ATTR).body["AttrMainSeq"], 3);
    h.reply(CLEAR_ATTR, json!({"AttrMainSeq": 4, "GroupAttr": []}));
    assert_eq!(
        attr_events(&h.take_events()),
        [(BTreeMap::new(), vec![], vec!["k2".to_owned()])]
    );
}

#[test]
fn a_first_write_reads_the_main_sequence_first() {
    let mut h = Harness::logged_in();
    let id = h
        .client
        .init_group_attributes(h.now, "grpA", &map(&[("a", "1")]))
        .unwrap();
    h.drain();
    assert!(h.sent_of(INIT_ATTR).is_empty(), "nothing held: read first");
    h.reply(
        GET_ATTR,
        json!({"GroupAttrAry": [{"key": "old", "value": "x"}], "AttrMainSeq": 7}),
    );
    let sent = h.last_sent(INIT_ATTR).body;
    assert_eq!(sent["AttrMainSeq"], 7);
    assert_eq!(sent["AttrControl"], json!(["RaceConflict"]));
    h.no_result(id);
    h.reply(
        INIT_ATTR,
        json!({"AttrMainSeq": 8, "GroupAttr": [{"key": "a"}]}),
    );
    assert_eq!(h.result(id).unwrap(), map(&[("a", "1")]));
    assert_eq!(
        attr_events(&h.take_events()),
        [(
            map(&[("a", "1")]),
            vec!["a".to_owned()],
            vec!["old".to_owned()]
        )]
    );
}

#[test]
fn a_conflict_fails_the_write_and_reads_the_winners_values() {
    let mut h = Harness::logged_in();
    h.read_attributes();
    let id = h
        .client
        .set_group_attributes(h.now, "grpA", &map(&[("mic", "me")]))
        .unwrap();
    h.drain();
    h.refuse(MODIFY_ATTR, 10056);
    let err: ChatError = h.result(id).unwrap_err();
    assert_eq!(err.code, ErrorCode::GROUP_ATTR_CONFLICT);
    // Read again at once; the difference is reported.
    h.reply(
        GET_ATTR,
        json!({"GroupAttrAry": [{"key": "k1", "value": "v1"}, {"key": "mic", "value": "u2"}], "AttrMainSeq": 2}),
    );
    assert_eq!(
        attr_events(&h.take_events()),
        [(
            map(&[("k1", "v1"), ("mic", "u2")]),
            vec!["mic".to_owned()],
            vec![]
        )]
    );
    // The retry goes out against the winner's sequence.
    h.client
        .set_group_attributes(h.now, "grpA", &map(&[("mic", "me")]))
        .unwrap();
    h.drain();
    assert_eq!(h.last_sent(MODIFY_ATTR).body["AttrMainSeq"], 2);
}

#[test]
fn the_next_sequence_is_applied_in_place_and_a_gap_is_read_again() {
    let mut h = Harness::logged_in();
    // Not held: dropped, nothing asked (as the official SDK).
    h.push(attr_push(2, 1, 2, json!([{"key": "k3", "value": "v3"}])));
    assert!(attr_events(&h.take_events()).is_empty());
    assert!(h.sent_of(GET_ATTR).is_empty());

    h.read_attributes();
    // Main sequence 2 after 1: applied in place (frame #3 shape).
    h.push(attr_push(2, 1, 2, json!([{"key": "k3", "value": "v3"}])));
    assert_eq!(
        attr_events(&h.take_events()),
        [(
            map(&[("k1", "v1"), ("k3", "v3")]),
            vec!["k3".to_owned()],
            vec![]
        )]
    );
    assert!(h.sent_of(GET_ATTR).is_empty(), "no read for the next one");
    // The same again: nothing.
    h.push(attr_push(2, 1, 2, json!([{"key": "k3", "value": "v3"}])));
    assert!(attr_events(&h.take_events()).is_empty());
    // A delete at 3, in place.
    h.push(attr_push(3, 1, 4, json!([{"key": "k1"}])));
    assert_eq!(
        attr_events(&h.take_events()),
        [(map(&[("k3", "v3")]), vec![], vec!["k1".to_owned()])]
    );
    // 5 after 3: one was missed, so they are read again.
    h.push(attr_push(5, 1, 2, json!([{"key": "k5", "value": "v5"}])));
    assert!(attr_events(&h.take_events()).is_empty());
    h.reply(
        GET_ATTR,
        json!({"GroupAttrAry": [{"key": "k4", "value": "v4"}, {"key": "k5", "value": "v5"}], "AttrMainSeq": 5}),
    );
    assert_eq!(
        attr_events(&h.take_events()),
        [(
            map(&[("k4", "v4"), ("k5", "v5")]),
            vec!["k4".to_owned(), "k5".to_owned()],
            vec!["k3".to_owned()]
        )]
    );
    // The next one without its values: read again too.
    h.take_sent();
    h.push(attr_push(6, 0, 2, json!([])));
    assert_eq!(h.sent_of(GET_ATTR).len(), 1);
}

#[test]
fn counters_follow_the_official_requests_and_push_one_event_per_counter() {
    let mut h = Harness::logged_in();
    let id = h
        .client
        .set_group_counters(h.now, "grpA", &[("c1".to_owned(), 1)].into_iter().collect())
        .unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(UPDATE_COUNTER).body,
        json!({"GroupId": "grpA", "GroupCounter": [{"Key": "c1", "Value": 1}], "Mode": "Set"})
    );
    h.reply(
        UPDATE_COUNTER,
        json!({"GroupCounter": [{"Key": "c1", "Value": 1}]}),
    );
    assert_eq!(h.result(id).unwrap()["c1"], 1);
    let id = h
        .client
        .increase_group_counter(h.now, "grpA", "c1", 2)
        .unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(UPDATE_COUNTER).body,
        json!({"GroupId": "grpA", "GroupCounter": [{"Key": "c1", "Value": 2}], "Mode": "Increase"})
    );
    h.reply(
        UPDATE_COUNTER,
        json!({"GroupCounter": [{"Key": "c1", "Value": 3}]}),
    );
    assert_eq!(h.result(id).unwrap()["c1"], 3);
    h.client
        .decrease_group_counter(h.now, "grpA", "c1", 1)
        .unwrap();
    h.drain();
    assert_eq!(h.last_sent(UPDATE_COUNTER).body["Mode"], "Decrease");
    let id = h.client.get_group_counters(h.now, "grpA", &[]).unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(GET_COUNTER).body,
        json!({"GroupId": "grpA", "GroupCounterKeys": []})
    );
    h.reply(
        GET_COUNTER,
        json!({"GroupCounter": [{"Key": "c1", "Value": 3}, {"Value": 9}], "GroupCounterSeq": 1}),
    );
    assert_eq!(
        h.result(id).unwrap(),
        [("c1".to_owned(), 3)].into_iter().collect(),
        "an item without a key is left out"
    );
    assert!(h
        .take_events()
        .iter()
        .all(|e| !matches!(e, Event::GroupCounterUpdated { .. })));
    // Frame #4: one event per counter; a delete (Type 1) fires none.
    h.push(json!({"EventArray": [{"Event": 6, "GroupTips": [{"From_Account": "u2", "ToGroupId": "grpA", "MsgSeq": 51, "MsgRandom": 151, "MsgTimeStamp": 1795629627, "MsgClientTime": 1795629627, "TinyId": "144115000000000002", "GroupInfo": {"GroupId": "grpA", "GroupType": "Public"}, "MsgBody": {"OpType": 6, "Operator_Account": "u2", "GroupCounterInfo": [
        {"Type": 0, "GroupCounterSeq": 2, "GroupCounter": [{"key": "c1", "value": 99}, {"key": "c2", "value": -1}]},
        {"Type": 1, "GroupCounterSeq": 3, "GroupCounter": [{"key": "c3", "value": 0}]}]}}]}]}));
    let got: Vec<(String, String, i64)> = h
        .take_events()
        .into_iter()
        .filter_map(|e| match e {
            Event::GroupCounterUpdated {
                group_id,
                key,
                value,
            } => Some((group_id, key, value)),
            _ => None,
        })
        .collect();
    assert_eq!(
        got,
        [
            ("grpA".to_owned(), "c1".to_owned(), 99),
            ("grpA".to_owned(), "c2".to_owned(), -1)
        ]
    );
}

#[test]
fn counters_need_purchase_bit_15() {
    // Bits 13, 10 and 9 only.
    let mut h = Harness::logged_in_with(json!([]), "10011000000000", json!({}));
    let one: BTreeMap<String, i64> = [("c1".to_owned(), 1)].into_iter().collect();
    let errs = [
        h.client
            .set_group_counters(h.now, "grpA", &one)
            .unwrap_err(),
        h.client
            .increase_group_counter(h.now, "grpA", "c1", 1)
            .unwrap_err(),
        h.client
            .decrease_group_counter(h.now, "grpA", "c1", 1)
            .unwrap_err(),
        h.client.get_group_counters(h.now, "grpA", &[]).unwrap_err(),
    ];
    for err in errs {
        assert_eq!(err.code, ErrorCode::NO_USE, "{err:?}");
    }
    h.drain();
    assert!(h.sent_of(UPDATE_COUNTER).is_empty() && h.sent_of(GET_COUNTER).is_empty());
    // Attributes need no bit.
    h.client.get_group_attributes(h.now, "grpA", &[]).unwrap();
    h.drain();
    assert_eq!(h.sent_of(GET_ATTR).len(), 1);
}

const PIN: &str = "group_open_http_svc.pin_message";
const UNPIN: &str = "group_open_http_svc.unpin_message";
const GET_PINNED: &str = "group_open_http_svc.get_pinned_messages";

/// `frames/group_msg.json` #49 as a `GroupMsgArray` item: u2's text in
/// grpA at sequence 43.
fn wire_group_msg() -> Value {
    json!({"From_Account": "u2", "ToGroupId": "grpA", "MsgSeq": 43, "MsgRandom": 5555, "MsgTimeStamp": 1795629561, "MsgClientTime": 1795629561, "ClientSeq": 7001, "TinyId": "144115000000000002", "MsgPriority": 1, "GroupInfo": {"GroupId": "grpA", "GroupType": "Public", "GroupName": "Group A"}, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi from u2"}}]})
}

fn pin_events(events: &[Event]) -> Vec<(Vec<String>, u32)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::PinnedGroupMessageUpdated {
                group_id,
                message_list,
                operation_type,
            } => {
                assert_eq!(group_id, "grpA");
                Some((
                    message_list.iter().map(|m| m.id.clone()).collect(),
                    *operation_type,
                ))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn pins_read_the_list_and_fire_the_event() {
    let mut h = Harness::logged_in();
    h.push(json!({"EventArray": [{"Event": 3, "GroupMsgArray": [wire_group_msg()]}]}));
    let got = common::received(&h.take_events());
    let m = got[0].clone();
    let id = h.client.pin_group_message(h.now, &m, true).unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(PIN).body,
        json!({"GroupId": "grpA", "MsgSeq": 43})
    );
    h.reply(PIN, json!({}));
    h.result(id).unwrap();
    // The list is read, then the event fires with it.
    assert!(pin_events(&h.take_events()).is_empty());
    assert_eq!(h.last_sent(GET_PINNED).body, json!({"GroupId": "grpA"}));
    h.reply(GET_PINNED, json!({"PinnedMsgList": [wire_group_msg()]}));
    assert_eq!(pin_events(&h.take_events()), [(vec![m.id.clone()], 1)]);
    // Another admin's unpin, pushed: read again, event with op 2.
    h.take_sent();
    h.push(json!({"EventArray": [{"Event": 6, "GroupTips": [{"From_Account": "u2", "ToGroupId": "grpA", "MsgSeq": 0, "MsgRandom": 9, "MsgTimeStamp": 1795629627, "GroupInfo": {"GroupId": "grpA", "GroupType": "Public"}, "MsgBody": {"OpType": 17, "Operator_Account": "u2", "PinnedMsgSeq": 43}}]}]}));
    assert!(
        common::received(&h.take_events()).is_empty(),
        "not a message"
    );
    h.reply(GET_PINNED, json!({"PinnedMsgList": []}));
    assert_eq!(pin_events(&h.take_events()), [(vec![], 2)]);
    let id = h
        .client
        .get_pinned_group_message_list(h.now, "grpA")
        .unwrap();
    h.drain();
    h.reply(GET_PINNED, json!({"PinnedMsgList": [wire_group_msg()]}));
    let list = h.result(id).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, m.id);
    assert_eq!(list[0].text(), Some("hi from u2"));
    // Unpin sends unpin_message; a C2C message is refused locally.
    h.client.pin_group_message(h.now, &m, false).unwrap();
    h.drain();
    assert_eq!(h.last_sent(UNPIN).body["MsgSeq"], 43);
    let mut c2c = m.clone();
    c2c.conversation_type = tcchat_core::types::ConversationType::C2c;
    let err = h.client.pin_group_message(h.now, &c2c, true).unwrap_err();
    assert_eq!(err.code, ErrorCode::MSG_INVALID_CONV_TYPE);
}

#[test]
fn a_relogin_reads_the_held_attributes_again() {
    use std::time::Duration;
    use tcchat_core::DisconnectReason;
    let mut h = Harness::logged_in();
    h.read_attributes();
    let conn = h.conn.take().unwrap();
    h.client
        .handle_disconnected(h.now, conn, DisconnectReason::Closed(Some(1000)));
    h.drain();
    for _ in 0..100 {
        if h.conn.is_some() || h.connects.len() > 1 {
            break;
        }
        h.advance(Duration::from_millis(100));
    }
    h.clear_sent();
    h.open();
    h.reply_login();
    // A change made while this instance was away is reported.
    h.reply(
        GET_ATTR,
        json!({"GroupAttrAry": [{"key": "k1", "value": "changed"}], "AttrMainSeq": 2}),
    );
    assert_eq!(
        attr_events(&h.take_events()),
        [(map(&[("k1", "changed")]), vec!["k1".to_owned()], vec![])]
    );
    // Held at 2 now: the push of 3 is applied in place.
    h.push(attr_push(3, 1, 2, json!([{"key": "k2", "value": "v2"}])));
    assert_eq!(attr_events(&h.take_events()).len(), 1);
}
