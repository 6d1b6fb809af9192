//! Groups in the client core, against a scripted server in virtual time:
//! the group pushes (messages, tips, system notices, receipts) decoded as
//! the official SDK shows them, the group list at login and
//! GROUP_LIST_UPDATED, and the group commands. The pushed bodies are the
//! frames recorded with the official SDK 3.6.6 (docs/design/GROUPS_WIRE.md
//! cites them: `group_msg.json`, `group_read_receipts.json`,
//! `group_list_login.json`, `group_lifecycle.json`).

use serde_json::{json, Value};

use tcchat_core::model::{Message, Payload};
use tcchat_core::wire::servcmd;
use tcchat_core::{Event, EventName};

mod common;

use common::{count, received, Harness};

impl Harness {
    fn new() -> Harness {
        Harness::build(16, |_| {})
    }
}

/// `frames/group_msg.json` #49: u2's text in grpA, group sequence 43.
fn group_msg_push() -> Value {
    json!({"EventArray": [{"Event": 3, "GroupMsgArray": [{"From_Account": "u2", "ToGroupId": "grpA", "MsgSeq": 43, "MsgRandom": 5555, "MsgTimeStamp": 1795629561, "MsgClientTime": 1795629561, "ClientSeq": 7001, "TinyId": "144115000000000002", "MsgPriority": 1, "MsgKey": "43_5555_1795629561", "GroupInfo": {"GroupId": "grpA", "GroupType": "Public", "GroupName": "Group A", "From_AccountNick": "nick_u2", "From_AccountHeadurl": "http://x/u2.png", "MsgFrom_AccountExtraInfo": {"NameCard": "card_u2"}}, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi from u2"}}]}]}], "NeedAck": 1, "SessionData": "sess-g1"})
}

/// `frames/group_msg.json` #56: u3 joined grpA (tip, sequence 44).
fn join_tip_push() -> Value {
    json!({"EventArray": [{"Event": 4, "GroupTips": [{"From_Account": "u3", "ToGroupId": "grpA", "MsgSeq": 44, "MsgRandom": 6666, "MsgTimeStamp": 1795629562, "MsgClientTime": 1795629562, "TinyId": "144115000000000003", "GroupInfo": {"GroupId": "grpA", "GroupType": "Public", "GroupName": "Group A"}, "MsgBody": {"OpType": 1, "Operator_Account": "u3", "List_Account": ["u3"], "MemberNum": 4, "MsgOperatorMemberExtraInfo": {"NickName": "nick_u3"}, "MsgMemberExtraInfo": [{"User_Account": "u3", "NickName": "nick_u3", "ImageUrl": ""}]}}]}]})
}

/// `frames/group_msg.json` #60: u3 quit grpA (tip, sequence 45).
fn quit_tip_push() -> Value {
    json!({"EventArray": [{"Event": 4, "GroupTips": [{"From_Account": "u3", "ToGroupId": "grpA", "MsgSeq": 45, "MsgRandom": 6667, "MsgTimeStamp": 1795629563, "MsgClientTime": 1795629563, "TinyId": "144115000000000003", "GroupInfo": {"GroupId": "grpA", "GroupType": "Public", "GroupName": "Group A"}, "MsgBody": {"OpType": 2, "Operator_Account": "u3", "List_Account": ["u3"], "MemberNum": 3}}]}]})
}

/// `frames/group_msg.json` #66: grpB was dismissed (system notice).
fn dismissed_push() -> Value {
    json!({"EventArray": [{"Event": 5, "GroupTips": [{"From_Account": "@TIM#SYSTEM", "ToGroupId": "grpB", "MsgSeq": 3, "MsgRandom": 7777, "MsgTimeStamp": 1795629564, "MsgClientTime": 1795629564, "GroupInfo": {"GroupId": "grpB", "GroupType": "Private", "GroupName": "Group B"}, "MsgBody": {"OpType": 5, "Operator_Account": "u2", "RemarkInfo": ""}}]}]})
}

/// The official element content of a received message: its payload as JSON.
fn payload_json(m: &Message) -> Value {
    serde_json::to_value(&m.payload).unwrap()
}

#[test]
fn a_group_message_push_is_received_in_its_group_conversation_and_acked() {
    let mut h = Harness::logged_in();
    h.push(group_msg_push());
    let got = received(&h.take_events());
    assert_eq!(got.len(), 1);
    let m = &got[0];
    // frames/group_msg.json #51.
    assert_eq!(m.id, "144115000000000002-1795629561-5555");
    assert_eq!(m.conversation_id, "GROUPgrpA");
    assert_eq!(m.conversation_type.as_str(), "GROUP");
    assert_eq!((m.from.as_str(), m.to.as_str()), ("u2", "grpA"));
    assert_eq!(m.flow.as_str(), "in");
    assert_eq!(
        (m.time, m.sequence, m.client_sequence),
        (1795629561, 43, 7001)
    );
    assert_eq!(m.random, 5555);
    assert_eq!(m.nick, "nick_u2");
    assert_eq!(m.avatar, "http://x/u2.png");
    assert_eq!(m.name_card, "card_u2");
    assert_eq!(m.text(), Some("hi from u2"));
    assert!(!m.is_read && !m.is_system_message);
    let ack = h.last_sent(servcmd::PUSH_ACK);
    assert_eq!(ack.body, json!({"SessionData": "sess-g1"}));
}

#[test]
fn a_group_message_is_delivered_once_per_group_and_sequence() {
    let mut h = Harness::logged_in();
    h.push(group_msg_push());
    h.push(group_msg_push());
    // The same group sequence under another random (a server that resent
    // it with a new body) is still the same message.
    let mut again = group_msg_push();
    again["EventArray"][0]["GroupMsgArray"][0]["MsgRandom"] = json!(5556);
    h.push(again);
    let events = h.take_events();
    assert_eq!(received(&events).len(), 1);
    assert_eq!(h.client.stats().duplicate_messages, 2);
    // A tip takes the next sequence of the same group: new.
    h.push(join_tip_push());
    assert_eq!(received(&h.take_events()).len(), 1);
}

#[test]
fn group_tips_are_group_tip_messages_with_the_official_payload() {
    let mut h = Harness::logged_in();
    h.push(join_tip_push());
    let got = received(&h.take_events());
    assert_eq!(got.len(), 1);
    let m = &got[0];
    // frames/group_msg.json #57.
    assert_eq!(m.id, "144115000000000003-1795629562-6666");
    assert_eq!(m.msg_type, "TIMGroupTipElem");
    assert_eq!(m.conversation_id, "GROUPgrpA");
    assert_eq!((m.sequence, m.client_sequence), (44, 44));
    assert_eq!(m.nick, "nick_u3");
    assert_eq!(
        payload_json(m),
        json!({"operationType": 1, "operatorID": "u3", "userIDList": ["u3"], "memberNum": 4, "memberCount": 4, "operatorInfo": {"nick": "nick_u3"}, "memberList": [{"userID": "u3", "nick": "nick_u3", "avatar": ""}], "groupProfile": {"groupID": "grpA", "groupName": "Group A"}})
    );
    // #61: the quit tip has no operator info and no member list.
    h.push(quit_tip_push());
    let got = received(&h.take_events());
    assert_eq!(got[0].nick, "");
    assert_eq!(
        payload_json(&got[0]),
        json!({"operationType": 2, "operatorID": "u3", "userIDList": ["u3"], "memberNum": 3, "memberCount": 3, "groupProfile": {"groupID": "grpA", "groupName": "Group A"}})
    );
    // Tips count as unread in the group's conversation (#63: 3 after one
    // message and two tips; here two tips).
    let conv = h
        .client
        .get_conversation_list(None)
        .unwrap()
        .into_iter()
        .find(|c| c.conversation_id == "GROUPgrpA")
        .expect("the group's conversation");
    assert_eq!(conv.unread_count, 2);
    assert_eq!(conv.conversation_type.as_str(), "GROUP");
    let last = conv.last_message.expect("a last message");
    assert_eq!(last.message_for_show, "[群提示消息]");
    assert_eq!(last.last_sequence, 45);
}

#[test]
fn a_group_system_notice_is_a_system_message_with_the_official_id() {
    let mut h = Harness::logged_in();
    h.push(dismissed_push());
    let got = received(&h.take_events());
    assert_eq!(got.len(), 1);
    let m = &got[0];
    // frames/group_msg.json #67.
    assert_eq!(m.id, "144115198244471703-1795629564-7777");
    assert_eq!(m.conversation_id, "@TIM#SYSTEM");
    assert_eq!(m.conversation_type.as_str(), "@TIM#SYSTEM");
    assert_eq!((m.from.as_str(), m.to.as_str()), ("@TIM#SYSTEM", "grpB"));
    assert!(m.is_system_message);
    assert_eq!(m.msg_type, "TIMGroupSystemNoticeElem");
    assert_eq!(
        payload_json(m),
        json!({"operationType": 5, "operatorID": "u2", "handleMessage": "", "groupProfile": {"groupID": "grpB", "groupType": "Private", "name": "Group B"}})
    );
    assert!(matches!(
        &m.payload,
        Payload::GroupSystemNotice(n) if n.removes_group()
    ));
    // #68: the system conversation counts it.
    let conv = h
        .client
        .get_conversation_list(None)
        .unwrap()
        .into_iter()
        .find(|c| c.conversation_id == "@TIM#SYSTEM")
        .expect("the system conversation");
    assert_eq!(conv.unread_count, 1);
    assert_eq!(conv.last_message.unwrap().message_for_show, "[群系统通知]");
}

#[test]
fn group_receipts_report_the_totals_of_my_held_messages() {
    let mut h = Harness::logged_in();
    // A message of mine in grpA, as another instance of mine would get it
    // pushed (sequence 60).
    let mut mine = group_msg_push();
    let item = &mut mine["EventArray"][0]["GroupMsgArray"][0];
    item["From_Account"] = json!("u1");
    item["TinyId"] = json!("144115000000000001");
    item["MsgSeq"] = json!(60);
    item["MsgClientTime"] = json!(1795629671);
    item["MsgRandom"] = json!(86484673);
    h.push(mine);
    h.take_events();
    // frames/group_read_receipts.json #49 -> #50.
    h.push(json!({"EventArray": [{"Event": 5, "GroupTips": [{"From_Account": "@TIM#SYSTEM", "ToGroupId": "grpA", "MsgSeq": 0, "MsgRandom": 0, "MsgTimeStamp": 1795629672, "GroupInfo": {"GroupId": "grpA", "GroupType": "Public"}, "MsgBody": {"OpType": 22, "GroupMsgReceiptList": [{"TinyId": "144115000000000001", "MsgClientTime": 1795629671, "MsgRandom": 86484673, "MsgSeq": 60, "ReadNum": 1, "UnreadNum": 2}, {"TinyId": "144115000000000009", "MsgClientTime": 1, "MsgRandom": 2, "MsgSeq": 61, "ReadNum": 1, "UnreadNum": 2}]}}]}]}));
    let events = h.take_events();
    assert_eq!(received(&events).len(), 0, "a receipt list is no message");
    let receipts: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::MessageReadReceiptReceived(r) => Some(r.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(receipts.len(), 1, "only the held message: {receipts:?}");
    let r = &receipts[0];
    assert_eq!(r.group_id, "grpA");
    assert_eq!(r.message_id, "144115000000000001-1795629671-86484673");
    assert_eq!((r.read_count, r.unread_count), (1, 2));
}

#[test]
fn group_tips_under_an_unknown_event_are_dropped() {
    let mut h = Harness::logged_in();
    // frames/group_malformed.json #66: Event 7 is not a tip event.
    let mut push = join_tip_push();
    push["EventArray"][0]["Event"] = json!(7);
    h.push(push);
    let events = h.take_events();
    assert_eq!(count(&events, EventName::MessageReceived), 0);
}

#[test]
fn a_group_item_without_its_group_is_dropped_not_misfiled() {
    let mut h = Harness::logged_in();
    let mut push = group_msg_push();
    push["EventArray"][0]["GroupMsgArray"][0]
        .as_object_mut()
        .unwrap()
        .remove("ToGroupId");
    h.push(push);
    assert_eq!(count(&h.take_events(), EventName::MessageReceived), 0);
    assert_eq!(h.client.stats().malformed_frames, 1);
}
