//! `AVChatRoom` in the client core against a scripted server in virtual
//! time (docs/GROUPS.md, "AVChatRoom"): a live room has no history, so the
//! client never asks for one (no catch-up after the list, no gap fill after
//! a push that skips sequences), `get_message_list` pages through what it
//! holds, and a room the server no longer lists after a re-login leaves
//! the list and its conversation goes.

use std::time::Duration;

use serde_json::{json, Value};

use tcchat_core::{DisconnectReason, Event};

mod common;

use common::{received, Harness};

impl Harness {
    fn new() -> Harness {
        Harness::build(16, |_| {})
    }
}

/// A list item for the live room `live1` (next sequence `next`, read 4).
fn room_item(next: u64) -> Value {
    json!({"GroupId": "live1", "Type": "AVChatRoom", "Name": "Live", "FaceUrl": "", "Owner_Account": "u2",
        "CreateTime": 1795600000, "InfoSeq": 1, "LastInfoTime": 1795600000, "LastMsgTime": 1795600020,
        "MemberNum": 3, "MaxMemberNum": 100000, "ApplyJoinOption": "FreeAccess", "InviteJoinOption": "DisableInvite",
        "NextMsgSeq": next, "ShutUpAllMember": "Off", "Introduction": "", "Notification": "",
        "SelfInfo": {"Role": "Member", "JoinTime": 1795600005, "MsgFlag": "AcceptAndNotify", "MsgSeq": 4}})
}

/// u2's text at `seq` in `group` (of type `group_type`), as a push.
fn room_msg(group: &str, group_type: &str, seq: u64) -> Value {
    json!({"EventArray": [{"Event": 3, "GroupMsgArray": [{"From_Account": "u2", "ToGroupId": group, "MsgSeq": seq,
        "MsgRandom": 9000 + seq, "MsgTimeStamp": 1795629561 + seq, "MsgClientTime": 1795629561 + seq, "ClientSeq": seq,
        "TinyId": "144115000000000002", "MsgPriority": "Normal",
        "GroupInfo": {"GroupId": group, "GroupType": group_type, "GroupName": "Live"},
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": format!("m{seq}")}}]}]}]})
}

/// u3 joined `live1` (tip at `seq`).
fn room_join_tip(seq: u64) -> Value {
    json!({"EventArray": [{"Event": 4, "GroupTips": [{"From_Account": "u3", "ToGroupId": "live1", "MsgSeq": seq,
        "MsgRandom": 7000 + seq, "MsgTimeStamp": 1795629562, "MsgClientTime": 1795629562, "TinyId": "144115000000000003",
        "GroupInfo": {"GroupId": "live1", "GroupType": "AVChatRoom", "GroupName": "Live"},
        "MsgBody": {"OpType": 1, "Operator_Account": "u3", "List_Account": ["u3"], "MemberNum": 4}}]}]})
}

fn seqs(events: &[Event]) -> Vec<u64> {
    received(events).iter().map(|m| m.sequence).collect()
}

/// Logged in with the login sync answered and the group list `list`.
fn logged_in_with(list: Value) -> Harness {
    let mut h = Harness::logging_in();
    h.reply(common::GROUP_LIST, list);
    h.answer_login_sync(common::ALL_BITS);
    h.take_events();
    h
}

#[test]
fn a_room_in_the_list_is_not_caught_up_and_gaps_are_not_filled() {
    // Sequences 5 to 7 are past the read one: a Public group would be
    // caught up (groups.rs); a live room is not.
    let mut h = logged_in_with(json!({"TotalCount": 1, "GroupIdList": [room_item(8)]}));
    assert!(h.sent_of(common::GROUP_MSG_GET).is_empty());
    h.push(room_msg("live1", "AVChatRoom", 20));
    h.push(room_join_tip(21));
    h.push(room_msg("live1", "AVChatRoom", 30));
    // Once each, even when pushed again.
    h.push(room_msg("live1", "AVChatRoom", 30));
    assert_eq!(seqs(&h.take_events()), [20, 21, 30]);
    assert!(
        h.sent_of(common::GROUP_MSG_GET).is_empty(),
        "no gap fill in a live room"
    );
}

#[test]
fn a_push_naming_a_room_not_yet_listed_fills_no_gap() {
    let mut h = logged_in_with(json!({"TotalCount": 0, "GroupIdList": []}));
    h.push(room_msg("live2", "AVChatRoom", 3));
    h.push(room_msg("live2", "AVChatRoom", 9));
    h.take_events();
    assert!(h.sent_of(common::GROUP_MSG_GET).is_empty());
}

#[test]
fn get_message_list_pages_through_the_held_messages_without_a_request() {
    let mut h = logged_in_with(json!({"TotalCount": 1, "GroupIdList": [room_item(8)]}));
    for seq in 10..30 {
        h.push(room_msg("live1", "AVChatRoom", seq));
    }
    h.take_events();
    h.clear_sent();
    let id = h
        .client
        .get_message_list(h.now, "GROUPlive1", None)
        .unwrap();
    h.drain();
    let page = h.result(id).unwrap();
    let got: Vec<u64> = page.message_list.iter().map(|m| m.sequence).collect();
    assert_eq!(
        got,
        (15..30).collect::<Vec<_>>(),
        "the newest 15, oldest first"
    );
    assert!(!page.is_completed);
    let id = h
        .client
        .get_message_list(h.now, "GROUPlive1", Some(&page.next_req_message_id))
        .unwrap();
    h.drain();
    let page = h.result(id).unwrap();
    let got: Vec<u64> = page.message_list.iter().map(|m| m.sequence).collect();
    assert_eq!(got, (10..15).collect::<Vec<_>>());
    assert!(page.is_completed && page.next_req_message_id.is_empty());
    assert!(h.sent_of(common::GROUP_MSG_GET).is_empty(), "no request");
}

#[test]
fn after_a_reconnect_a_room_the_server_no_longer_lists_is_gone() {
    let mut h = logged_in_with(json!({"TotalCount": 1, "GroupIdList": [room_item(8)]}));
    h.push(room_msg("live1", "AVChatRoom", 20));
    h.take_events();
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
    // The server ended the membership when the socket went.
    h.reply(
        common::GROUP_LIST,
        json!({"TotalCount": 0, "GroupIdList": []}),
    );
    h.advance(Duration::from_secs(2));
    let events = h.take_events();
    let lists: Vec<usize> = events
        .iter()
        .filter_map(|e| match e {
            Event::GroupListUpdated(l) => Some(l.len()),
            _ => None,
        })
        .collect();
    assert_eq!(lists.last(), Some(&0), "{lists:?}");
    assert!(h
        .client
        .get_conversation_list(None)
        .unwrap()
        .iter()
        .all(|c| c.conversation_id != "GROUPlive1"));
    assert!(h.sent_of(common::GROUP_MSG_GET).is_empty());
}
