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

/// `get_message_read_receipt_list` on group messages asks
/// `get_group_msg_receipt` for my messages that asked for receipts
/// (groups-facts §7) and takes only items with the asked `MsgSeq` and
/// `Code: 0`; other messages come back as held, with no request when none
/// qualifies.
#[test]
fn group_receipt_list_asks_the_server_for_my_messages_totals() {
    let mut h = Harness::logged_in();
    let mut push = group_msg_push();
    let item = &mut push["EventArray"][0]["GroupMsgArray"][0];
    item["From_Account"] = json!("u1");
    item["TinyId"] = json!("144115000000000001");
    item["MsgSeq"] = json!(60);
    item["IsNeedReadReceipt"] = json!(1);
    let mut theirs = push["EventArray"][0]["GroupMsgArray"][0].clone();
    theirs["From_Account"] = json!("u2");
    theirs["TinyId"] = json!("144115000000000002");
    theirs["MsgSeq"] = json!(61);
    theirs["MsgRandom"] = json!(7);
    push["EventArray"][0]["GroupMsgArray"]
        .as_array_mut()
        .unwrap()
        .push(theirs);
    h.push(push);
    let got = received(&h.take_events());
    assert_eq!(got.len(), 2);

    // Only someone else's message: answered at once, nothing sent.
    h.drain();
    h.clear_sent();
    let id = h
        .client
        .get_message_read_receipt_list(h.now, &got[1..])
        .unwrap();
    h.drain();
    assert_eq!(h.take_sent().len(), 0);
    assert_eq!(h.result(id).unwrap()[0].read_receipt_info.read_count, 0);

    // Mine asks the server, by sequence.
    let id = h.client.get_message_read_receipt_list(h.now, &got).unwrap();
    h.drain();
    assert_eq!(
        h.last_sent("group_open_http_svc.get_group_msg_receipt")
            .body,
        json!({"GroupId": "grpA", "MsgSeqList": [{"MsgSeq": 60}]})
    );
    h.reply(
        "group_open_http_svc.get_group_msg_receipt",
        json!({"GroupMsgReceiptList": [
            {"MsgSeq": 61, "ReadNum": 9, "UnreadNum": 9, "Code": 0},
            {"MsgSeq": 60, "ReadNum": 2, "UnreadNum": 1, "Code": 0}]}),
    );
    let list = h.result(id).unwrap();
    assert_eq!(
        (
            list[0].read_receipt_info.read_count,
            list[0].read_receipt_info.unread_count
        ),
        (2, 1)
    );
    assert_eq!(list[1].read_receipt_info.read_count, 0, "not asked");

    // An item with an error code is not taken.
    let id = h
        .client
        .get_message_read_receipt_list(h.now, &got[..1])
        .unwrap();
    h.drain();
    h.reply(
        "group_open_http_svc.get_group_msg_receipt",
        json!({"GroupMsgReceiptList": [{"MsgSeq": 60, "ReadNum": 5, "UnreadNum": 0, "Code": 10007}]}),
    );
    let list = h.result(id).unwrap();
    assert_eq!(list[0].read_receipt_info.read_count, 2, "the held totals");

    // A message this instance does not hold.
    let mut other = got[1].clone();
    other.id = "x".into();
    let err = h
        .client
        .get_message_read_receipt_list(h.now, &[got[0].clone(), other])
        .unwrap_err();
    assert_eq!(err.code.0, 2105, "a message not held");
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

/// `frames/group_list_login.json` #13: the two groups u1 belongs to.
fn two_groups() -> Value {
    json!({"TotalCount": 2, "GroupIdList": [{"GroupId": "@TGS#1abc", "Type": "Public", "Name": "Public One", "FaceUrl": "http://x/@TGS#1abc.png", "Owner_Account": "u2", "CreateTime": 1795600000, "InfoSeq": 3, "LastInfoTime": 1795600010, "LastMsgTime": 1795600020, "MemberNum": 3, "MaxMemberNum": 200, "ApplyJoinOption": "FreeAccess", "InviteJoinOption": "FreeAccess", "NextMsgSeq": 5, "ShutUpAllMember": "Off", "Introduction": "intro @TGS#1abc", "Notification": "notice @TGS#1abc", "AppDefinedData": [{"Key": "k1", "Value": "v1"}], "SelfInfo": {"Role": "Member", "JoinTime": 1795600005, "MsgFlag": "AcceptAndNotify", "MsgSeq": 4}}, {"GroupId": "work1", "Type": "Private", "Name": "Work One", "FaceUrl": "http://x/group1.png", "Owner_Account": "u2", "CreateTime": 1795600000, "InfoSeq": 3, "LastInfoTime": 1795600010, "LastMsgTime": 1795600020, "MemberNum": 3, "MaxMemberNum": 200, "ApplyJoinOption": "FreeAccess", "InviteJoinOption": "FreeAccess", "NextMsgSeq": 5, "ShutUpAllMember": "Off", "Introduction": "intro work1", "Notification": "notice work1", "AppDefinedData": [{"Key": "k1", "Value": "v1"}], "SelfInfo": {"Role": "Member", "JoinTime": 1795600005, "MsgFlag": "AcceptAndNotify", "MsgSeq": 4}}]})
}

/// A list item for `id` (type Public, next sequence 5), as [`two_groups`].
fn group_item(id: &str) -> Value {
    let mut item = two_groups()["GroupIdList"][0].clone();
    item["GroupId"] = json!(id);
    item["Name"] = json!(format!("name {id}"));
    item
}

/// The GROUP_LIST_UPDATED events among `events`.
fn group_lists(events: &[Event]) -> Vec<Vec<tcchat_core::model::Group>> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::GroupListUpdated(l) => Some(l.clone()),
            _ => None,
        })
        .collect()
}

/// Logged in as u1 with the login sync answered and the group list `list`
/// (a `get_joined_group_list` reply body).
fn logged_in_with_groups(list: Value) -> (Harness, Vec<Event>) {
    let mut h = Harness::logging_in();
    h.reply(
        servcmd::GET_MSG,
        json!({"Cookie": "ck1", "SyncFlag": 2, "MsgList": []}),
    );
    let sent = h.last_sent(common::GROUP_LIST);
    // frames/group_list_login.json #12.
    assert_eq!(sent.body["Member_Account"], "u1");
    assert_eq!(sent.body["Limit"], 200);
    assert_eq!(sent.body["Offset"], 0);
    assert_eq!(sent.body["NeedAppDefineData"], 1);
    assert_eq!(
        sent.body["ResponseFilter"]["SelfInfoFilter"],
        json!(["Role", "JoinTime", "MsgFlag", "MsgSeq"])
    );
    h.reply(common::GROUP_LIST, list);
    h.answer_login_sync(common::ALL_BITS);
    let events = h.take_events();
    h.take_sent();
    (h, events)
}

#[test]
fn the_login_fetches_the_group_list_and_announces_it_once() {
    let (mut h, events) = logged_in_with_groups(two_groups());
    let lists = group_lists(&events);
    assert_eq!(lists.len(), 1, "one GROUP_LIST_UPDATED: {events:?}");
    let list = &lists[0];
    assert_eq!(list.len(), 2);
    // frames/group_list_login.json #33, field by field.
    let g = serde_json::to_value(&list[0]).unwrap();
    for (k, v) in [
        ("groupID", json!("@TGS#1abc")),
        ("name", json!("Public One")),
        ("avatar", json!("http://x/@TGS#1abc.png")),
        ("type", json!("Public")),
        ("introduction", json!("intro @TGS#1abc")),
        ("notification", json!("notice @TGS#1abc")),
        ("ownerID", json!("u2")),
        ("createTime", json!(1795600000)),
        ("lastInfoTime", json!(1795600010)),
        ("nextMessageSeq", json!(5)),
        ("memberCount", json!(3)),
        ("maxMemberCount", json!(200)),
        ("joinOption", json!("FreeAccess")),
        ("inviteOption", json!("FreeAccess")),
        ("groupCustomField", json!([{"key": "k1", "value": "v1"}])),
        ("muteAllMembers", json!(false)),
        ("isSupportTopic", json!(false)),
        (
            "selfInfo",
            json!({"messageRemindType": "AcceptAndNotify", "joinTime": 1795600005, "nameCard": "", "role": "Member", "userID": "u1", "readedSequence": 4}),
        ),
    ] {
        assert_eq!(g[k], v, "{k}");
    }
    assert_eq!(list[1].group_type.as_str(), "Private");
    // The list creates no conversation (frames/group_msg.json #27).
    assert!(h
        .client
        .get_conversation_list(None)
        .unwrap()
        .iter()
        .all(|c| !c.conversation_id.starts_with("GROUP")));
}

#[test]
fn an_empty_group_list_is_announced_empty() {
    let (_h, events) = logged_in_with_groups(json!({"TotalCount": 0, "GroupIdList": []}));
    assert_eq!(group_lists(&events), vec![vec![]]);
}

#[test]
fn the_group_list_is_paged_until_the_total_and_never_loops() {
    let mut h = Harness::logging_in();
    let page: Vec<Value> = (0..200).map(|i| group_item(&format!("g{i}"))).collect();
    h.reply(
        common::GROUP_LIST,
        json!({"TotalCount": 201, "GroupIdList": page}),
    );
    assert_eq!(h.last_sent(common::GROUP_LIST).body["Offset"], 200);
    h.reply(
        common::GROUP_LIST,
        json!({"TotalCount": 201, "GroupIdList": [group_item("g200")]}),
    );
    h.answer_login_sync(common::ALL_BITS);
    let lists = group_lists(&h.take_events());
    assert_eq!(lists.len(), 1);
    assert_eq!(lists[0].len(), 201);
    // A server whose total never comes: an empty page ends the paging.
    let id = h.client.get_group_list(h.now).unwrap();
    h.drain();
    h.reply(
        common::GROUP_LIST,
        json!({"TotalCount": 5000, "GroupIdList": []}),
    );
    let list = h.result(id).unwrap();
    assert!(list.is_empty());
    assert_eq!(h.sent_of(common::GROUP_LIST).len(), 3);
}

#[test]
fn get_group_profile_takes_my_member_entry_and_updates_the_list() {
    let (mut h, _) = logged_in_with_groups(two_groups());
    let id = h.client.get_group_profile(h.now, "@TGS#1abc").unwrap();
    h.drain();
    let sent = h.last_sent(common::GROUP_PROFILE);
    // frames/group_list_login.json #39.
    assert_eq!(sent.body["GroupIdList"], json!(["@TGS#1abc"]));
    assert_eq!(
        sent.body["ResponseFilter"]["MemberInfoFilter"],
        json!(["Role", "JoinTime", "MsgSeq", "MsgFlag", "NameCard"])
    );
    // #40.
    let mut item = two_groups()["GroupIdList"][0].clone();
    item["Name"] = json!("Profile @TGS#1abc");
    item["ErrorCode"] = json!(0);
    item["ErrorInfo"] = json!("");
    item["MemberList"] = json!([{"Member_Account": "u1", "Role": "Admin", "JoinTime": 1795600005, "MsgFlag": "AcceptAndNotify", "MsgSeq": 4, "NameCard": "card1"}]);
    h.reply(common::GROUP_PROFILE, json!({"GroupInfo": [item]}));
    let g = h.result(id).unwrap();
    // #41.
    assert_eq!(g.name, "Profile @TGS#1abc");
    assert_eq!(g.info_sequence, 3);
    assert_eq!(g.self_info.role.as_str(), "Admin");
    assert_eq!(g.self_info.name_card, "card1");
    let lists = group_lists(&h.take_events());
    assert_eq!(lists.len(), 1);
    assert_eq!(lists[0][0].name, "Profile @TGS#1abc");
}

#[test]
fn a_profile_item_saying_the_group_is_gone_drops_it() {
    let (mut h, _) = logged_in_with_groups(two_groups());
    let id = h.client.get_group_profile(h.now, "work1").unwrap();
    h.drain();
    h.reply(
        common::GROUP_PROFILE,
        json!({"GroupInfo": [{"GroupId": "work1", "ErrorCode": 10010, "ErrorInfo": "dismissed"}]}),
    );
    assert_eq!(h.result(id).unwrap_err().code.0, 10010);
    let lists = group_lists(&h.take_events());
    assert_eq!(lists.len(), 1);
    assert_eq!(lists[0].len(), 1);
    // A bad ID is refused before anything is sent.
    h.clear_sent();
    let err = h.client.get_group_profile(h.now, "").unwrap_err();
    assert_eq!(err.code.0, 2602);
    assert!(h.sent_of(common::GROUP_PROFILE).is_empty());
}

#[test]
fn a_message_and_tips_in_one_push_make_one_group_list_update() {
    let (mut h, _) =
        logged_in_with_groups(json!({"TotalCount": 1, "GroupIdList": [group_item("grpA")]}));
    let mut push = group_msg_push();
    let tips = join_tip_push()["EventArray"][0].clone();
    push["EventArray"].as_array_mut().unwrap().push(tips);
    h.push(push);
    let events = h.take_events();
    assert_eq!(received(&events).len(), 2);
    let lists = group_lists(&events);
    assert_eq!(lists.len(), 1, "coalesced: {events:?}");
    let g = &lists[0][0];
    // frames/group_msg.json #53/#62: next sequence and last message follow,
    // the tip's member count too.
    assert_eq!(g.next_message_seq, 45);
    assert_eq!(g.member_count, 4);
    let last = g.last_message.as_ref().unwrap();
    assert_eq!(
        (last.last_sequence, last.message_for_show.as_str()),
        (44, "[群提示消息]")
    );
    // The group's conversation shows its profile.
    let conv = h
        .client
        .get_conversation_list(None)
        .unwrap()
        .into_iter()
        .find(|c| c.conversation_id == "GROUPgrpA")
        .unwrap();
    assert_eq!(conv.group_profile.unwrap().group_id, "grpA");
    assert_eq!(conv.unread_count, 2);
}

#[test]
fn the_dismissed_notice_takes_the_group_out_of_the_list() {
    let (mut h, _) = logged_in_with_groups(
        json!({"TotalCount": 2, "GroupIdList": [group_item("grpA"), group_item("grpB")]}),
    );
    h.push(dismissed_push());
    let lists = group_lists(&h.take_events());
    assert_eq!(lists.len(), 1);
    let ids: Vec<&str> = lists[0].iter().map(|g| g.group_id.as_str()).collect();
    assert_eq!(ids, ["grpA"]);
}

/// A removal notice older than my membership (a sync can bring an old
/// kick after a list that has me back in the group) does not drop the
/// group: the server is asked, and the group goes only if it says I am
/// not a member (simulation seed 4620 of `groups`).
#[test]
fn a_removal_notice_older_than_my_membership_asks_the_server() {
    let mut back = group_item("grpB");
    // Re-joined after the notice's 1795629564.
    back["SelfInfo"]["JoinTime"] = json!(1795629600);
    let (mut h, _) =
        logged_in_with_groups(json!({"TotalCount": 2, "GroupIdList": [group_item("grpA"), back]}));
    h.drain();
    h.clear_sent();
    h.push(dismissed_push());
    h.drain();
    assert!(
        group_lists(&h.take_events()).is_empty(),
        "grpB stays until the server answers"
    );
    assert_eq!(
        h.last_sent(common::GROUP_PROFILE).body["GroupIdList"],
        json!(["grpB"])
    );
    h.reply(
        common::GROUP_PROFILE,
        json!({"GroupInfo": [{"GroupId": "grpB", "ErrorCode": 10010, "ErrorInfo": "dismissed"}]}),
    );
    let lists = group_lists(&h.take_events());
    let ids: Vec<&str> = lists
        .last()
        .expect("the list without grpB")
        .iter()
        .map(|g| g.group_id.as_str())
        .collect();
    assert_eq!(ids, ["grpA"]);
}

/// The profile reply of `group_id` with me (u1) as `role`.
fn profile_reply(group_id: &str, role: &str) -> Value {
    let mut item = group_item(group_id);
    item["ErrorCode"] = json!(0);
    item["ErrorInfo"] = json!("");
    item["SelfInfo"]["Role"] = json!(role);
    item["MemberList"] = json!([{"Member_Account": "u1", "Role": role, "JoinTime": 1795600005, "MsgFlag": "AcceptAndNotify", "MsgSeq": 0, "NameCard": ""}]);
    json!({"GroupInfo": [item]})
}

#[test]
fn create_group_sends_only_what_was_given_then_fetches_the_profile() {
    use tcchat_core::types::GroupType;
    use tcchat_core::CreateGroupOptions;
    let (mut h, _) = logged_in_with_groups(json!({"TotalCount": 0}));
    let id = h
        .client
        .create_group(
            h.now,
            CreateGroupOptions::new(GroupType::Public, "New").with_members(["u2"]),
        )
        .unwrap();
    h.drain();
    // frames/group_lifecycle.json #38: no optional key when not given.
    let body = h.last_sent(common::GROUP_CREATE).body;
    assert_eq!(
        body,
        json!({"Type": "Public", "Name": "New", "Owner_Account": "u1", "MemberList": [{"Member_Account": "u2"}], "FaceUrl": "", "WebPushFlag": 1})
    );
    h.no_result(id);
    h.reply(common::GROUP_CREATE, json!({"GroupId": "@TGS#2NEWGRP"}));
    h.no_result(id);
    assert_eq!(
        h.last_sent(common::GROUP_PROFILE).body["GroupIdList"],
        json!(["@TGS#2NEWGRP"])
    );
    h.reply(
        common::GROUP_PROFILE,
        profile_reply("@TGS#2NEWGRP", "Owner"),
    );
    let g = h.result(id).unwrap();
    assert_eq!(g.group_id, "@TGS#2NEWGRP");
    assert_eq!(g.owner_id, "u1", "my role Owner makes me the owner");
    let lists = group_lists(&h.take_events());
    assert_eq!(lists.last().unwrap().len(), 1);
}

#[test]
fn a_create_reply_without_group_id_fails_the_command() {
    use tcchat_core::types::GroupType;
    use tcchat_core::CreateGroupOptions;
    let (mut h, _) = logged_in_with_groups(json!({"TotalCount": 0}));
    let id = h
        .client
        .create_group(h.now, CreateGroupOptions::new(GroupType::Private, "W"))
        .unwrap();
    h.drain();
    h.reply(common::GROUP_CREATE, json!({}));
    assert_eq!(h.result(id).unwrap_err().code.0, 2903);
    assert!(h.sent_of(common::GROUP_PROFILE).is_empty());
    let err = h
        .client
        .create_group(h.now, CreateGroupOptions::new(GroupType::Private, ""))
        .unwrap_err();
    assert_eq!(err.code.0, 2905);
}

#[test]
fn join_group_resolves_each_status() {
    use tcchat_core::types::JoinGroupStatus;
    let (mut h, _) =
        logged_in_with_groups(json!({"TotalCount": 1, "GroupIdList": [group_item("grpA")]}));
    // Already in the list: answered locally.
    let id = h.client.join_group(h.now, "grpA", "").unwrap();
    h.drain();
    let r = h.result(id).unwrap();
    assert_eq!(r.status, JoinGroupStatus::AlreadyInGroup);
    assert!(h.sent_of(common::GROUP_JOIN).is_empty());
    // Joined at once: the profile follows, the group joins the list.
    let id = h.client.join_group(h.now, "grpB", "hi").unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(common::GROUP_JOIN).body,
        json!({"GroupId": "grpB", "ApplyMsg": "hi", "WebPushFlag": 1})
    );
    h.reply(common::GROUP_JOIN, json!({"JoinedStatus": "JoinedSuccess"}));
    h.reply(common::GROUP_PROFILE, profile_reply("grpB", "Member"));
    let r = h.result(id).unwrap();
    assert_eq!(r.status, JoinGroupStatus::JoinedSuccess);
    assert_eq!(r.group.unwrap().group_id, "grpB");
    assert_eq!(group_lists(&h.take_events()).last().unwrap().len(), 2);
    // Waiting for approval: nothing more is asked.
    h.clear_sent();
    let id = h.client.join_group(h.now, "grpC", "").unwrap();
    h.drain();
    h.reply(
        common::GROUP_JOIN,
        json!({"JoinedStatus": "WaitAdminApproval"}),
    );
    let r = h.result(id).unwrap();
    assert_eq!(r.status, JoinGroupStatus::WaitAdminApproval);
    assert!(r.group.is_none());
    assert!(h.sent_of(common::GROUP_PROFILE).is_empty());
    // No JoinedStatus: 2660, as the official SDK.
    let id = h.client.join_group(h.now, "grpD", "").unwrap();
    h.drain();
    h.reply(common::GROUP_JOIN, json!({}));
    assert_eq!(h.result(id).unwrap_err().code.0, 2660);
}

#[test]
fn quit_and_dismiss_take_the_group_and_its_conversation_away() {
    let (mut h, _) = logged_in_with_groups(
        json!({"TotalCount": 2, "GroupIdList": [group_item("grpA"), group_item("grpB")]}),
    );
    h.push(group_msg_push());
    h.take_events();
    let id = h.client.quit_group(h.now, "grpA").unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(common::GROUP_QUIT).body,
        json!({"GroupId": "grpA"})
    );
    h.reply(common::GROUP_QUIT, json!({}));
    assert_eq!(h.result(id).unwrap(), "grpA");
    let events = h.take_events();
    let lists = group_lists(&events);
    assert_eq!(lists.len(), 1);
    assert_eq!(lists[0].len(), 1);
    assert!(h
        .client
        .get_conversation_list(None)
        .unwrap()
        .iter()
        .all(|c| c.conversation_id != "GROUPgrpA"));
    // I am a Member of grpB: dismissing it is refused locally.
    let err = h.client.dismiss_group(h.now, "grpB").unwrap_err();
    assert_eq!(err.code.0, 2681);
    assert!(h.sent_of(common::GROUP_DISMISS).is_empty());
    // A server refusal keeps the group.
    let id = h.client.quit_group(h.now, "grpB").unwrap();
    h.drain();
    h.deliver(
        common::GROUP_QUIT,
        h.last_sent(common::GROUP_QUIT).seq,
        json!({"ActionStatus": "FAIL", "ErrorCode": 10009, "ErrorInfo": "owner"}),
    );
    assert_eq!(h.result(id).unwrap_err().code.0, 10009);
    assert!(group_lists(&h.take_events()).is_empty(), "grpB stays");
}

/// A group send made while the link is down waits out the outage like a
/// C2C send (issue 15): it is listed by `pending_sends`, the request
/// timeout does not fail it while no link is up, and it goes out with its
/// `ClientSeq` and `Random` once a session is live again (simulation seed
/// 3587 of `groups`: it used to fail with 2801 and the server took it
/// anyway).
#[test]
fn a_group_send_waits_out_an_outage_and_is_listed_as_pending() {
    use tcchat_core::model::CreateTextMessageOptions;
    let (mut h, _) = logged_in_with_groups(grp_a(5, 4));
    let conn = h.conn.take().expect("a live link");
    h.client.handle_disconnected(
        h.now,
        conn,
        tcchat_core::DisconnectReason::Closed(Some(1001)),
    );
    h.drain();
    let m = h
        .client
        .create_text_message(h.now, &CreateTextMessageOptions::group("grpA", "held"))
        .unwrap();
    let id = h.client.send_message(h.now, &m).unwrap();
    h.drain();
    let pending = h.client.pending_sends();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].conversation_id, "GROUPgrpA");
    assert_eq!(pending[0].message_id, m.id);
    // Longer than the 15 s request timeout, shorter than the offline window.
    for _ in 0..60 {
        h.advance(std::time::Duration::from_secs(1));
    }
    h.no_result(id);
    assert!(
        h.sent_of(common::GROUP_SEND).is_empty(),
        "no link to send on"
    );
}

#[test]
fn a_group_message_takes_its_sequence_and_time_from_the_reply() {
    use tcchat_core::model::{CreateTextMessageOptions, Message};
    let (mut h, _) =
        logged_in_with_groups(json!({"TotalCount": 1, "GroupIdList": [group_item("grpA")]}));
    let options = CreateTextMessageOptions::group("grpA", "hello group");
    let m = h
        .client
        .create_text_at_message(
            h.now,
            &options,
            &["u2".to_owned(), Message::AT_ALL.to_owned()],
        )
        .unwrap();
    assert_eq!(m.conversation_id, "GROUPgrpA");
    assert_eq!(m.sequence, 0, "the server gives the sequence");
    let id = h.client.send_message(h.now, &m).unwrap();
    h.drain();
    // frames/group_msg.json #38.
    let body = h.last_sent(common::GROUP_SEND).body;
    assert_eq!(body["From_Account"], "u1");
    assert_eq!(body["GroupId"], "grpA");
    assert_eq!(body["Random"], json!(m.random));
    assert_eq!(body["ClientSeq"], json!(m.client_sequence));
    assert_eq!(body["MsgClientTime"], json!(m.client_time));
    assert_eq!(body["MsgPriority"], "Normal");
    assert_eq!(
        body["MsgBody"],
        json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hello group"}}])
    );
    assert_eq!(
        body["GroupAtInfo"],
        json!([{"GroupAtAllFlag": 0, "GroupAt_Account": "u2"}, {"GroupAtAllFlag": 1}])
    );
    assert_eq!(body["NeedReadReceipt"], 0);
    h.no_result(id);
    // #39 -> #41.
    h.reply(
        common::GROUP_SEND,
        json!({"MsgSeq": 42, "MsgTime": 1795629659}),
    );
    let sent = h.result(id).unwrap();
    assert_eq!((sent.sequence, sent.time), (42, 1795629659));
    assert_eq!(sent.status.as_str(), "success");
    // #40: the group's last message and next sequence follow.
    let lists = group_lists(&h.take_events());
    let g = &lists.last().unwrap()[0];
    assert_eq!(g.next_message_seq, 43);
    assert_eq!(
        g.last_message.as_ref().unwrap().message_for_show,
        "hello group"
    );
    // The server pushing my own message back is no second delivery.
    let mut echo = group_msg_push();
    let item = &mut echo["EventArray"][0]["GroupMsgArray"][0];
    item["From_Account"] = json!("u1");
    item["MsgSeq"] = json!(42);
    h.push(echo);
    assert_eq!(received(&h.take_events()).len(), 0);
    // My own message is not unread.
    let conv = h
        .client
        .get_conversation_list(None)
        .unwrap()
        .into_iter()
        .find(|c| c.conversation_id == "GROUPgrpA")
        .unwrap();
    assert_eq!(conv.unread_count, 0);
}

#[test]
fn at_messages_are_group_only_and_received_mentions_are_kept() {
    use tcchat_core::model::{CreateTextMessageOptions, Message};
    let mut h = Harness::logged_in();
    let err = h
        .client
        .create_text_at_message(h.now, &CreateTextMessageOptions::c2c("u2", "x"), &[])
        .unwrap_err();
    assert_eq!(err.code.0, 2106);
    let mut push = group_msg_push();
    push["EventArray"][0]["GroupMsgArray"][0]["GroupAtInfo"] =
        json!([{"GroupAtAllFlag": 0, "GroupAt_Account": "u1"}, {"GroupAtAllFlag": 1}]);
    h.push(push);
    let got = received(&h.take_events());
    assert_eq!(
        got[0].at_user_list,
        vec!["u1".to_owned(), Message::AT_ALL.to_owned()]
    );
}

/// u2's text `seq` in grpA, as a `GroupMsgArray` item (and a history item).
fn grp_msg(seq: u64) -> Value {
    let mut item = group_msg_push()["EventArray"][0]["GroupMsgArray"][0].clone();
    item["MsgSeq"] = json!(seq);
    item["MsgRandom"] = json!(9000 + seq);
    item["MsgBody"][0]["MsgContent"]["Text"] = json!(format!("m{seq}"));
    item
}

/// grpA in the list with `next` as `NextMsgSeq` and read sequence `read`.
fn grp_a(next: u64, read: u64) -> Value {
    let mut item = group_item("grpA");
    item["NextMsgSeq"] = json!(next);
    item["SelfInfo"]["MsgSeq"] = json!(read);
    json!({"TotalCount": 1, "GroupIdList": [item]})
}

fn seqs(events: &[Event]) -> Vec<u64> {
    received(events).iter().map(|m| m.sequence).collect()
}

#[test]
fn the_login_catches_up_each_group_from_its_read_sequence() {
    let mut h = Harness::logging_in();
    h.reply(common::GROUP_LIST, grp_a(8, 4));
    // Sequences 5 to 7 are unread: read from history, forward.
    assert_eq!(
        h.last_sent(common::GROUP_MSG_GET).body,
        json!({"GroupId": "grpA", "ReqMsgSeq": 7, "ReqMsgNumber": 3})
    );
    h.answer_login_sync(common::ALL_BITS);
    h.take_events();
    let mut tip = join_tip_push()["EventArray"][0]["GroupTips"][0].clone();
    tip["MsgSeq"] = json!(7);
    h.reply(
        common::GROUP_MSG_GET,
        json!({"GroupId": "grpA", "IsFinished": 0, "RspMsgList": [grp_msg(6), grp_msg(5)], "RspTipList": [tip]}),
    );
    let events = h.take_events();
    assert_eq!(seqs(&events), [5, 6, 7]);
    assert_eq!(count(&events, EventName::MessageReceived), 1);
    // The push of 7 that overlapped the history is no second delivery.
    let mut push = group_msg_push();
    push["EventArray"][0]["GroupMsgArray"] = json!([grp_msg(7)]);
    h.push(push);
    assert!(seqs(&h.take_events()).is_empty());
    assert_eq!(
        h.sent_of(common::GROUP_MSG_GET).len(),
        1,
        "nothing more to fetch"
    );
}

#[test]
fn a_push_past_a_gap_fetches_the_gap_and_each_sequence_arrives_once() {
    let (mut h, _) = logged_in_with_groups(grp_a(5, 4));
    assert!(
        h.sent_of(common::GROUP_MSG_GET).is_empty(),
        "nothing unread"
    );
    let mut push = group_msg_push();
    push["EventArray"][0]["GroupMsgArray"] = json!([grp_msg(8)]);
    h.push(push);
    assert_eq!(seqs(&h.take_events()), [8]);
    assert_eq!(
        h.last_sent(common::GROUP_MSG_GET).body,
        json!({"GroupId": "grpA", "ReqMsgSeq": 7, "ReqMsgNumber": 3})
    );
    // 6 arrives by push while the history is on its way.
    let mut push = group_msg_push();
    push["EventArray"][0]["GroupMsgArray"] = json!([grp_msg(6)]);
    h.push(push);
    assert_eq!(seqs(&h.take_events()), [6]);
    // Sequence 5 is outside my membership: a placeholder.
    h.reply(
        common::GROUP_MSG_GET,
        json!({"GroupId": "grpA", "IsFinished": 0, "RspMsgList": [grp_msg(7), grp_msg(6), {"MsgSeq": 5, "IsPlaceMsg": 1}]}),
    );
    assert_eq!(seqs(&h.take_events()), [7]);
    for seq in 5..=8 {
        let mut push = group_msg_push();
        push["EventArray"][0]["GroupMsgArray"] = json!([grp_msg(seq)]);
        h.push(push);
    }
    assert!(seqs(&h.take_events()).is_empty());
}

#[test]
fn a_relogin_fetches_what_was_sent_while_disconnected() {
    use std::time::Duration;
    use tcchat_core::DisconnectReason;
    let (mut h, _) = logged_in_with_groups(grp_a(5, 4));
    let mut push = group_msg_push();
    push["EventArray"][0]["GroupMsgArray"] = json!([grp_msg(5)]);
    h.push(push);
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
    h.reply(common::GROUP_LIST, grp_a(8, 4));
    // Delivered up to 5: only 6 and 7 are asked for.
    assert_eq!(
        h.last_sent(common::GROUP_MSG_GET).body,
        json!({"GroupId": "grpA", "ReqMsgSeq": 7, "ReqMsgNumber": 2})
    );
    h.take_events();
    h.reply(
        common::GROUP_MSG_GET,
        json!({"GroupId": "grpA", "RspMsgList": [grp_msg(7), grp_msg(6), grp_msg(5)]}),
    );
    assert_eq!(seqs(&h.take_events()), [6, 7]);
}

#[test]
fn a_history_server_that_answers_nothing_cannot_make_the_catch_up_loop() {
    let mut h = Harness::logging_in();
    h.reply(common::GROUP_LIST, grp_a(300, 0));
    for _ in 0..5 {
        h.reply_pending(
            common::GROUP_MSG_GET,
            json!({"GroupId": "grpA", "RspMsgList": []}),
        );
    }
    assert_eq!(h.sent_of(common::GROUP_MSG_GET).len(), 1);
}

#[test]
fn being_added_to_a_group_brings_it_into_the_list() {
    let (mut h, _) = logged_in_with_groups(json!({"TotalCount": 0}));
    // Notice 7 (invited), PROTOCOL.md 8.7.
    let mut push = dismissed_push();
    let item = &mut push["EventArray"][0]["GroupTips"][0];
    item["ToGroupId"] = json!("grpN");
    item["GroupInfo"]["GroupId"] = json!("grpN");
    item["MsgBody"]["OpType"] = json!(7);
    item["MsgSeq"] = json!(4);
    h.push(push);
    let events = h.take_events();
    assert_eq!(received(&events).len(), 1, "the notice itself");
    assert_eq!(
        h.last_sent(common::GROUP_PROFILE).body["GroupIdList"],
        json!(["grpN"])
    );
    h.reply(common::GROUP_PROFILE, profile_reply("grpN", "Member"));
    let lists = group_lists(&h.take_events());
    assert_eq!(lists.len(), 1);
    assert_eq!(lists[0][0].group_id, "grpN");
}

#[test]
fn member_commands_send_the_protocol_bodies_and_map_the_replies() {
    use tcchat_core::types::GroupRole;
    let (mut h, _) =
        logged_in_with_groups(json!({"TotalCount": 1, "GroupIdList": [group_item("grpA")]}));
    // A page of members, admins only.
    let id = h
        .client
        .get_group_member_list(h.now, "grpA", 500, 0, Some(GroupRole::Admin))
        .unwrap();
    h.drain();
    assert_eq!(
        h.last_sent("group_open_http_svc.get_group_member_info")
            .body,
        json!({"GroupId": "grpA", "Limit": 100, "Offset": 0, "MemberRoleFilter": ["Admin"]})
    );
    h.reply(
        "group_open_http_svc.get_group_member_info",
        json!({"MemberNum": 2, "NextOffset": 1, "MemberList": [{"Member_Account": "u2", "Role": "Admin", "JoinTime": 7, "NameCard": "c2", "ShutUpUntil": 99, "AppMemberDefinedData": [{"Key": "k", "Value": "v"}]}]}),
    );
    let page = h.result(id).unwrap();
    assert_eq!(page.offset, 1);
    let m = &page.member_list[0];
    assert_eq!((m.user_id.as_str(), m.role), ("u2", GroupRole::Admin));
    assert_eq!(
        (m.join_time, m.mute_until, m.name_card.as_str()),
        (7, 99, "c2")
    );
    assert_eq!(m.member_custom_field[0].key, "k");
    // Adding: each user lands in its list.
    let users: Vec<String> = ["u3", "u4", "u5"].iter().map(|s| s.to_string()).collect();
    let id = h.client.add_group_member(h.now, "grpA", &users).unwrap();
    h.drain();
    assert_eq!(
        h.last_sent("group_open_http_svc.add_group_member").body,
        json!({"GroupId": "grpA", "MemberList": [{"Member_Account": "u3"}, {"Member_Account": "u4"}, {"Member_Account": "u5"}]})
    );
    h.reply(
        "group_open_http_svc.add_group_member",
        json!({"MemberList": [{"Member_Account": "u3", "Result": 1}, {"Member_Account": "u4", "Result": 2}, {"Member_Account": "u5", "Result": 0}]}),
    );
    let r = h.result(id).unwrap();
    assert_eq!(r.success_user_id_list, ["u3"]);
    assert_eq!(r.existed_user_id_list, ["u4"]);
    assert_eq!(r.failure_user_id_list, ["u5"]);
    // Removing with a reason.
    let id = h
        .client
        .delete_group_member(h.now, "grpA", &["u3".to_owned()], "spam")
        .unwrap();
    h.drain();
    assert_eq!(
        h.last_sent("group_open_http_svc.delete_group_member").body,
        json!({"GroupId": "grpA", "MemberToDel_Account": ["u3"], "Reason": "spam"})
    );
    h.reply("group_open_http_svc.delete_group_member", json!({}));
    assert_eq!(h.result(id).unwrap(), ["u3"]);
    // Mute: the server's refusal comes back with its code.
    let id = h
        .client
        .set_group_member_mute_time(h.now, "grpA", "u2", 60)
        .unwrap();
    h.drain();
    let sent = h.last_sent("group_open_http_svc.modify_group_member_info");
    assert_eq!(
        sent.body,
        json!({"GroupId": "grpA", "Member_Account": "u2", "ShutUpTime": 60})
    );
    h.deliver(
        "group_open_http_svc.modify_group_member_info",
        sent.seq,
        json!({"ActionStatus": "FAIL", "ErrorCode": 10007, "ErrorInfo": "not admin"}),
    );
    assert_eq!(h.result(id).unwrap_err().code.0, 10007);
}

#[test]
fn member_and_owner_commands_refuse_locally_what_the_official_sdk_refuses() {
    use tcchat_core::types::GroupRole;
    let (mut h, _) =
        logged_in_with_groups(json!({"TotalCount": 1, "GroupIdList": [group_item("grpA")]}));
    h.clear_sent();
    let code =
        |r: Result<tcchat_core::RequestId<String>, tcchat_core::ChatError>| r.unwrap_err().code.0;
    assert_eq!(
        code(
            h.client
                .set_group_member_role(h.now, "grpA", "u1", GroupRole::Admin)
        ),
        2684
    );
    assert_eq!(
        code(
            h.client
                .set_group_member_role(h.now, "grpA", "u2", GroupRole::Owner)
        ),
        2683
    );
    assert_eq!(
        code(h.client.set_group_member_mute_time(h.now, "grpA", "u1", 5)),
        2685
    );
    assert_eq!(
        h.client
            .change_group_owner(h.now, "grpA", "u1")
            .unwrap_err()
            .code
            .0,
        2621
    );
    assert_eq!(
        h.client
            .add_group_member(h.now, "grpA", &[])
            .unwrap_err()
            .code
            .0,
        2905
    );
    assert!(h.sent.is_empty(), "nothing sent: {:?}", h.sent);
}

#[test]
fn update_group_profile_sends_only_the_changes_then_fetches_the_group() {
    use tcchat_core::UpdateGroupProfileOptions;
    let (mut h, _) =
        logged_in_with_groups(json!({"TotalCount": 1, "GroupIdList": [group_item("grpA")]}));
    let id = h
        .client
        .update_group_profile(
            h.now,
            "grpA",
            UpdateGroupProfileOptions::new()
                .with_notification("read me")
                .with_mute_all_members(true),
        )
        .unwrap();
    h.drain();
    assert_eq!(
        h.last_sent("group_open_http_svc.modify_group_base_info")
            .body,
        json!({"GroupId": "grpA", "Notification": "read me", "ShutUpAllMember": "On"})
    );
    h.reply("group_open_http_svc.modify_group_base_info", json!({}));
    let mut reply = profile_reply("grpA", "Owner");
    reply["GroupInfo"][0]["Notification"] = json!("read me");
    reply["GroupInfo"][0]["ShutUpAllMember"] = json!("On");
    h.reply(common::GROUP_PROFILE, reply);
    let g = h.result(id).unwrap();
    assert_eq!(g.notification, "read me");
    assert!(g.mute_all_members);
    assert_eq!(
        h.client
            .update_group_profile(h.now, "grpA", UpdateGroupProfileOptions::new())
            .unwrap_err()
            .code
            .0,
        2905
    );
}

#[test]
fn applications_are_listed_and_handled() {
    let (mut h, _) =
        logged_in_with_groups(json!({"TotalCount": 1, "GroupIdList": [group_item("grpA")]}));
    let id = h.client.get_group_application_list(h.now).unwrap();
    h.drain();
    assert_eq!(
        h.last_sent("group_open_http_svc.get_pendency").body,
        json!({"StartTime": 0, "Limit": 100, "Handle_Account": "u1"})
    );
    h.reply(
        "group_open_http_svc.get_pendency",
        json!({"TotalPendencyNum": 2, "NextStartTime": 6, "PendencyList": [{"GroupId": "grpA", "From_Account": "u7", "To_Account": "u1", "AddTime": 5, "ApplyInviteMsg": "let me in", "PendencyType": 0, "Handled": 0, "Authentication": "auth1"}]}),
    );
    // The next page from NextStartTime; a handled item is left out.
    h.no_result(id);
    assert_eq!(
        h.last_sent("group_open_http_svc.get_pendency").body["StartTime"],
        6
    );
    h.reply(
        "group_open_http_svc.get_pendency",
        json!({"TotalPendencyNum": 2, "NextStartTime": 0, "PendencyList": [{"GroupId": "grpA", "From_Account": "u8", "To_Account": "u1", "AddTime": 6, "Handled": 1}]}),
    );
    let apps = h.result(id).unwrap();
    assert_eq!(apps.len(), 1);
    assert_eq!(
        (apps[0].applicant.as_str(), apps[0].note.as_str()),
        ("u7", "let me in")
    );
    let id = h
        .client
        .handle_group_application(h.now, &apps[0], true, "welcome")
        .unwrap();
    h.drain();
    assert_eq!(
        h.last_sent("group_open_http_svc.handle_apply_join_group")
            .body,
        json!({"GroupId": "grpA", "Applicant_Account": "u7", "HandleMsg": "Agree", "ApprovalMsg": "welcome", "Authentication": "auth1"})
    );
    h.reply("group_open_http_svc.handle_apply_join_group", json!({}));
    assert_eq!(h.result(id).unwrap(), "grpA");
}

#[test]
fn set_message_read_on_a_group_reports_the_newest_sequence() {
    let (mut h, _) = logged_in_with_groups(grp_a(5, 4));
    let mut push = group_msg_push();
    push["EventArray"][0]["GroupMsgArray"] = json!([grp_msg(5), grp_msg(6)]);
    h.push(push);
    let unread = |h: &mut Harness| {
        h.client
            .get_conversation_list(None)
            .unwrap()
            .into_iter()
            .find(|c| c.conversation_id == "GROUPgrpA")
            .unwrap()
            .unread_count
    };
    assert_eq!(unread(&mut h), 2);
    h.take_events();
    let id = h.client.set_message_read(h.now, "GROUPgrpA").unwrap();
    h.drain();
    assert_eq!(
        h.last_sent("group_open_http_svc.msg_read_report").body,
        json!({"GroupId": "grpA", "MsgReadedSeq": 6})
    );
    assert_eq!(unread(&mut h), 2, "not before the reply");
    h.reply("group_open_http_svc.msg_read_report", json!({}));
    assert_eq!(h.result(id), Ok(()));
    assert_eq!(unread(&mut h), 0);
    let events = h.take_events();
    let lists = group_lists(&events);
    assert_eq!(lists.last().unwrap()[0].self_info.readed_sequence, 6);
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::TotalUnreadMessageCountUpdated(0))));
    // A later message counts again.
    let mut push = group_msg_push();
    push["EventArray"][0]["GroupMsgArray"] = json!([grp_msg(7)]);
    h.push(push);
    assert_eq!(unread(&mut h), 1);
}

#[test]
fn group_history_pages_back_by_sequence_oldest_first() {
    let (mut h, _) = logged_in_with_groups(grp_a(5, 4));
    let id = h.client.get_message_list(h.now, "GROUPgrpA", None).unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(common::GROUP_MSG_GET).body,
        json!({"GroupId": "grpA", "ReqMsgSeq": 0, "ReqMsgNumber": 15})
    );
    let mut tip = quit_tip_push()["EventArray"][0]["GroupTips"][0].clone();
    tip["MsgSeq"] = json!(3);
    h.reply(
        common::GROUP_MSG_GET,
        json!({"GroupId": "grpA", "IsFinished": 0, "RspMsgList": [grp_msg(4), grp_msg(2)], "RspTipList": [tip]}),
    );
    let page = h.result(id).unwrap();
    let seqs: Vec<u64> = page.message_list.iter().map(|m| m.sequence).collect();
    assert_eq!(seqs, [2, 3, 4]);
    assert!(!page.is_completed);
    assert_eq!(page.next_req_message_id, page.message_list[0].id);
    assert!(
        page.message_list.iter().all(|m| m.is_read),
        "at or below the read sequence"
    );
    assert_eq!(
        count(&h.take_events(), EventName::MessageReceived),
        0,
        "history is not news"
    );
    // The page before sequence 2: 1 is a placeholder, and the end.
    let id = h
        .client
        .get_message_list(h.now, "GROUPgrpA", Some(&page.next_req_message_id))
        .unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(common::GROUP_MSG_GET).body,
        json!({"GroupId": "grpA", "ReqMsgSeq": 1, "ReqMsgNumber": 15})
    );
    h.reply(
        common::GROUP_MSG_GET,
        json!({"GroupId": "grpA", "IsFinished": 1, "RspMsgList": [{"MsgSeq": 1, "IsPlaceMsg": 1}]}),
    );
    let page = h.result(id).unwrap();
    assert!(page.message_list.is_empty());
    assert!(page.is_completed);
    assert_eq!(page.next_req_message_id, "");
}

#[test]
fn group_read_receipts_go_by_sequence_and_readers_are_paged() {
    let (mut h, _) = logged_in_with_groups(grp_a(5, 4));
    let mut push = group_msg_push();
    let mut asks = grp_msg(5);
    asks["IsNeedReadReceipt"] = json!(1);
    push["EventArray"][0]["GroupMsgArray"] = json!([asks, grp_msg(6)]);
    h.push(push);
    let got = received(&h.take_events());
    assert!(got[0].need_read_receipt && !got[1].need_read_receipt);
    // Only the message that asked for one.
    let id = h.client.send_message_read_receipt(h.now, &got).unwrap();
    h.drain();
    assert_eq!(
        h.last_sent("group_open_http_svc.group_msg_receipt").body,
        json!({"GroupId": "grpA", "MsgSeqList": [{"MsgSeq": 5}]})
    );
    h.reply("group_open_http_svc.group_msg_receipt", json!({}));
    assert_eq!(h.result(id), Ok(()));
    let err = h
        .client
        .send_message_read_receipt(h.now, &got[1..])
        .unwrap_err();
    assert_eq!(err.code.0, 2114);
    // Who has not read message 5, one page.
    let id = h
        .client
        .get_group_message_read_member_list(h.now, &got[0], false, "", 30)
        .unwrap();
    h.drain();
    assert_eq!(
        h.last_sent("group_open_http_svc.get_group_msg_receipt_detail")
            .body,
        json!({"GroupId": "grpA", "MsgSeq": 5, "Flag": 1, "Cursor": "", "Num": 30})
    );
    h.reply(
        "group_open_http_svc.get_group_msg_receipt_detail",
        json!({"ReadList": [], "UnreadList": [{"Unread_Account": "u3"}], "Cursor": "1", "IsFinish": 0}),
    );
    let page = h.result(id).unwrap();
    assert_eq!(page.user_id_list, ["u3"]);
    assert_eq!((page.cursor.as_str(), page.is_completed), ("1", false));
}

#[test]
fn mentions_of_me_are_listed_on_the_conversation_until_it_is_read() {
    let (mut h, _) = logged_in_with_groups(grp_a(5, 4));
    let mut at_me = grp_msg(5);
    at_me["GroupAtInfo"] = json!([{"GroupAtAllFlag": 0, "GroupAt_Account": "u1"}]);
    let mut at_all = grp_msg(6);
    at_all["GroupAtInfo"] = json!([{"GroupAtAllFlag": 1}]);
    let mut at_other = grp_msg(7);
    at_other["GroupAtInfo"] = json!([{"GroupAtAllFlag": 0, "GroupAt_Account": "u9"}]);
    let mut push = group_msg_push();
    push["EventArray"][0]["GroupMsgArray"] = json!([at_me, at_all, at_other]);
    h.push(push);
    let conv = |h: &mut Harness| {
        h.client
            .get_conversation_list(None)
            .unwrap()
            .into_iter()
            .find(|c| c.conversation_id == "GROUPgrpA")
            .unwrap()
    };
    let c = conv(&mut h);
    let ats: Vec<(u64, u8)> = c
        .group_at_info_list
        .iter()
        .map(|a| (a.message_sequence, a.at_type))
        .collect();
    assert_eq!(ats, [(5, 1), (6, 2)]);
    assert_eq!(c.group_at_info_list[0].from, "u2");
    let id = h.client.set_message_read(h.now, "GROUPgrpA").unwrap();
    h.drain();
    h.reply("group_open_http_svc.msg_read_report", json!({}));
    h.result(id).unwrap();
    assert!(conv(&mut h).group_at_info_list.is_empty());
}

// ----- revoke, modify, delete of group messages ---------------------------

/// u2's text at sequence 5 of grpA (the group's next sequence at login),
/// as `frames/group_msg.json` #49 gives a group message push.
fn grp_a_msg_push(seq: u64, random: u64, text: &str) -> Value {
    let mut push = group_msg_push();
    let item = &mut push["EventArray"][0]["GroupMsgArray"][0];
    item["MsgSeq"] = json!(seq);
    item["MsgRandom"] = json!(random);
    item["MsgBody"][0]["MsgContent"]["Text"] = json!(text);
    push
}

/// Logged in with grpA listed, holding u2's message at sequence 5.
fn holding_a_group_message() -> (Harness, Message) {
    let (mut h, _) =
        logged_in_with_groups(json!({"TotalCount": 1, "GroupIdList": [group_item("grpA")]}));
    h.push(grp_a_msg_push(5, 5555, "original"));
    let got = received(&h.take_events());
    assert_eq!(got.len(), 1);
    h.take_sent();
    (h, got[0].clone())
}

fn revoked_events(events: &[Event]) -> Vec<Vec<Message>> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::MessageRevoked(l) => Some(l.clone()),
            _ => None,
        })
        .collect()
}

fn modified_events(events: &[Event]) -> Vec<Vec<Message>> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::MessageModified(l) => Some(l.clone()),
            _ => None,
        })
        .collect()
}

fn last_text_of(h: &mut Harness, conversation: &str) -> String {
    let conv = h
        .client
        .get_conversation_list(None)
        .unwrap()
        .into_iter()
        .find(|c| c.conversation_id == conversation)
        .unwrap();
    conv.last_message
        .map(|m| m.message_for_show)
        .unwrap_or_default()
}

#[test]
fn revoking_a_group_message_sends_the_recall_and_marks_it() {
    let (mut h, m) = holding_a_group_message();
    let id = h.client.revoke_message(h.now, &m).unwrap();
    h.drain();
    let sent = h.last_sent("group_open_http_svc.group_msg_recall");
    // The official SDK's key map: groupID -> GroupId, msgSeqList -> MsgSeqList.
    assert_eq!(
        sent.body,
        json!({"GroupId": "grpA", "MsgSeqList": [{"MsgSeq": 5}]})
    );
    h.reply(
        "group_open_http_svc.group_msg_recall",
        json!({"RecallRetList": [{"MsgSeq": 5, "RetCode": 0}]}),
    );
    let done = h.result(id).unwrap();
    assert!(done.is_revoked);
    assert_eq!(done.revoker, "u1");
    // As C2C: no MESSAGE_REVOKED for one's own revoke.
    assert!(revoked_events(&h.take_events()).is_empty());
    // The notice of it coming back changes nothing.
    h.push(revoke_notice_push(5, 5555, "u1"));
    assert!(revoked_events(&h.take_events()).is_empty());
}

#[test]
fn a_refused_group_revoke_fails_with_the_server_code() {
    let (mut h, m) = holding_a_group_message();
    let id = h.client.revoke_message(h.now, &m).unwrap();
    h.drain();
    h.reply(
        "group_open_http_svc.group_msg_recall",
        json!({"ActionStatus": "FAIL", "ErrorCode": 10031, "ErrorInfo": "too old"}),
    );
    assert_eq!(h.result(id).unwrap_err().code.0, 10031);
    let held = h.client.find_message(&m.id).unwrap();
    assert!(!held.is_revoked);
}

/// An Event 5 revoke notice for grpA's message at `seq`/`random`.
fn revoke_notice_push(seq: u64, random: u64, by: &str) -> Value {
    json!({"EventArray": [{"Event": 5, "GroupTips": [{"From_Account": "@TIM#SYSTEM", "ToGroupId": "grpA",
        "MsgSeq": seq, "MsgRandom": 91, "MsgTimeStamp": 1795629600, "MsgClientTime": 1795629600,
        "GroupInfo": {"GroupId": "grpA", "GroupType": "Public", "GroupName": "Group A"},
        "MsgBody": {"OpType": 23, "Operator_Account": by, "GroupWithdrawInfoArray": [{"GroupId": "grpA",
            "From_Account": "u2", "MsgSeq": seq, "MsgRandom": random, "MsgTimeStamp": 1795629561,
            "MsgClientTime": 1795629561, "TinyId": "144115000000000002",
            "RevokerInfo": {"Revoker_Account": by, "Reason": ""}}]}}]}]})
}

#[test]
fn a_revoke_notice_revokes_the_held_group_message_once() {
    let (mut h, m) = holding_a_group_message();
    let unread = |h: &mut Harness| {
        h.client
            .get_conversation_list(None)
            .unwrap()
            .into_iter()
            .find(|c| c.conversation_id == "GROUPgrpA")
            .unwrap()
            .unread_count
    };
    assert_eq!(unread(&mut h), 1);
    // Another message's notice (other random) touches nothing.
    h.push(revoke_notice_push(5, 1, "u2"));
    let events = h.take_events();
    assert!(revoked_events(&events).is_empty());
    assert!(received(&events).is_empty(), "not a system notice message");
    h.push(revoke_notice_push(5, 5555, "u9"));
    let events = h.take_events();
    let lists = revoked_events(&events);
    assert_eq!(lists.len(), 1);
    let r = &lists[0][0];
    assert_eq!(r.id, m.id);
    assert!(r.is_revoked);
    assert_eq!(r.revoker, "u9");
    assert!(received(&events).is_empty());
    assert!(h.client.find_message(&m.id).unwrap().is_revoked);
    // The unread message it was stops counting, as C2C.
    let conv = h
        .client
        .get_conversation_list(None)
        .unwrap()
        .into_iter()
        .find(|c| c.conversation_id == "GROUPgrpA")
        .unwrap();
    assert_eq!(conv.unread_count, 0);
    // Again: nothing.
    h.push(revoke_notice_push(5, 5555, "u9"));
    assert!(revoked_events(&h.take_events()).is_empty());
}

#[test]
fn modifying_a_group_message_sends_the_version_and_applies_the_reply() {
    let (mut h, m) = holding_a_group_message();
    let mut edited = m.clone();
    edited.payload = Payload::Text {
        text: "edited".into(),
    };
    edited.cloud_custom_data = "cd".into();
    let id = h.client.modify_message(h.now, &edited).unwrap();
    h.drain();
    let sent = h.last_sent("openim.modify_group_msg");
    assert_eq!(
        sent.body,
        json!({"GroupId": "grpA", "MsgSeq": 5, "MsgVersion": 0,
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "edited"}}],
            "CloudCustomData": "cd"})
    );
    h.reply(
        "openim.modify_group_msg",
        json!({"MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "edited"}}],
            "MsgVersion": 1, "CloudCustomData": "cd"}),
    );
    let done = h.result(id).unwrap();
    assert_eq!(
        (done.text(), done.version, done.is_modified),
        (Some("edited"), 1, true)
    );
    let events = h.take_events();
    assert_eq!(
        modified_events(&events).len(),
        1,
        "on the caller too, as C2C"
    );
    assert_eq!(last_text_of(&mut h, "GROUPgrpA"), "edited");
}

#[test]
fn a_group_modify_conflict_applies_the_server_version_and_fails_2480() {
    let (mut h, m) = holding_a_group_message();
    let id = h.client.modify_message(h.now, &m).unwrap();
    h.drain();
    h.reply(
        "openim.modify_group_msg",
        json!({"ActionStatus": "FAIL", "ErrorCode": 20027, "ErrorInfo": "v3",
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "server"}}],
            "MsgVersion": 3, "CloudCustomData": "srv"}),
    );
    let err = h.result(id).unwrap_err();
    assert_eq!(err.code.0, 2480);
    let held = h.client.find_message(&m.id).unwrap();
    assert_eq!((held.text(), held.version), (Some("server"), 3));
}

/// A `GroupMsgModNotifys` push for grpA's message at sequence 5.
fn modify_notice_push(version: u64, text: &str) -> Value {
    json!({"EventArray": [{"Event": 23, "GroupMsgModNotifys": [{"GroupId": "grpA", "From_Account": "u2",
        "MsgSeq": 5, "MsgRandom": 5555, "MsgTimeStamp": 1795629561, "MsgClientTime": 1795629561,
        "TinyId": "144115000000000002",
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}],
        "CloudCustomData": "", "MsgVersion": version}]}]})
}

#[test]
fn a_group_modify_push_applies_newer_versions_only() {
    let (mut h, m) = holding_a_group_message();
    h.push(modify_notice_push(2, "v2"));
    let lists = modified_events(&h.take_events());
    assert_eq!(lists.len(), 1);
    assert_eq!(lists[0][0].id, m.id);
    assert_eq!((lists[0][0].text(), lists[0][0].version), (Some("v2"), 2));
    assert_eq!(last_text_of(&mut h, "GROUPgrpA"), "v2");
    // Older or equal: nothing.
    h.push(modify_notice_push(1, "v1"));
    h.push(modify_notice_push(2, "v2 again"));
    assert!(modified_events(&h.take_events()).is_empty());
    assert_eq!(h.client.find_message(&m.id).unwrap().text(), Some("v2"));
}

#[test]
fn deleting_group_messages_sends_their_sequences_as_text() {
    let (mut h, m) = holding_a_group_message();
    h.push(grp_a_msg_push(6, 6666, "second"));
    let second = received(&h.take_events())[0].clone();
    h.take_sent();
    let id = h
        .client
        .delete_message(h.now, &[second.clone(), m.clone()])
        .unwrap();
    h.drain();
    let sent = h.last_sent("group_open_http_svc.delete_group_ramble_msg_by_seq");
    // The official SDK's key map: deleter -> Deleter_Account, keyList -> Seqs
    // (sequences as strings).
    assert_eq!(
        sent.body,
        json!({"GroupId": "grpA", "Deleter_Account": "u1", "Seqs": ["6", "5"]})
    );
    h.reply(
        "group_open_http_svc.delete_group_ramble_msg_by_seq",
        json!({}),
    );
    let gone = h.result(id).unwrap();
    assert!(gone.iter().all(|m| m.is_deleted));
    assert!(h.client.find_message(&m.id).is_none());
    assert!(h.client.find_message(&second.id).is_none());
}

#[test]
fn group_history_shows_revoked_and_modified_messages_so() {
    use tcchat_core::proto::group_msg::GroupWireMessage;
    let item: GroupWireMessage = serde_json::from_value(json!({"From_Account": "u2", "ToGroupId": "grpA",
        "MsgSeq": 7, "MsgRandom": 1, "MsgTimeStamp": 10, "MsgClientTime": 10, "TinyId": "1",
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "x"}}],
        "MsgFlagBits": 8, "RevokerInfo": {"Revoker_Account": "u3", "Reason": "r"}, "MsgVersion": 2}))
    .unwrap();
    assert_eq!(item.msg_flag_bits, 8);
    assert_eq!(item.msg_version, 2);
    let (mut h, _) =
        logged_in_with_groups(json!({"TotalCount": 1, "GroupIdList": [group_item("grpA")]}));
    let mut push = grp_a_msg_push(5, 5555, "x");
    let it = &mut push["EventArray"][0]["GroupMsgArray"][0];
    it["MsgFlagBits"] = json!(8);
    it["RevokerInfo"] = json!({"Revoker_Account": "u3", "Reason": "r"});
    it["MsgVersion"] = json!(2);
    h.push(push);
    let got = received(&h.take_events());
    let m = &got[0];
    assert!(m.is_revoked && m.is_modified);
    assert_eq!(
        (m.revoker.as_str(), m.revoke_reason.as_str(), m.version),
        ("u3", "r", 2)
    );
}

// ----- extensions of group messages ------------------------------------------------

/// Logged in with grpA listed, holding u2's message at sequence 5 sent
/// with `SupportMessageExtension: 1`.
fn holding_an_extensible_group_message() -> (Harness, Message) {
    let (mut h, _) =
        logged_in_with_groups(json!({"TotalCount": 1, "GroupIdList": [group_item("grpA")]}));
    let mut push = grp_a_msg_push(5, 5555, "react to me");
    push["EventArray"][0]["GroupMsgArray"][0]["SupportMessageExtension"] = json!(1);
    h.push(push);
    let got = received(&h.take_events());
    assert_eq!(got.len(), 1);
    assert!(got[0].is_support_extension);
    h.take_sent();
    (h, got[0].clone())
}

fn kv(key: &str, value: &str) -> tcchat_core::model::MessageExtension {
    tcchat_core::model::MessageExtension {
        key: key.into(),
        value: value.into(),
    }
}

#[test]
fn group_message_extensions_are_named_by_group_and_sequence() {
    let (mut h, m) = holding_an_extensible_group_message();
    let id = h
        .client
        .set_message_extensions(h.now, &m, &[kv("a", "1")])
        .unwrap();
    h.drain();
    assert!(h.sent_of(servcmd::EXT_SET).is_empty());
    // The official SDK's key map: groupID -> GroupId, messageSequence ->
    // MsgSeq, operateType -> OperateType, extensionList -> ExtensionList.
    assert_eq!(
        h.last_sent(servcmd::GROUP_EXT_SET).body,
        json!({"GroupId": "grpA", "MsgSeq": 5, "OperateType": 1,
               "ExtensionList": [{"Key": "a", "Value": "1", "Seq": 0}]})
    );
    h.reply(
        servcmd::GROUP_EXT_SET,
        json!({"ExtensionList": [{"ErrorCode": 0, "Extension": {"Key": "a", "Value": "1", "Seq": 1}}], "Seq": 1}),
    );
    let r = h.result(id).unwrap();
    assert_eq!((r[0].code, r[0].key.as_str()), (0, "a"));
    // Deleting a names the seq the reply gave.
    h.client
        .delete_message_extensions(h.now, &m, Some(&["a".to_string()]))
        .unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(servcmd::GROUP_EXT_SET).body,
        json!({"GroupId": "grpA", "MsgSeq": 5, "OperateType": 2,
               "ExtensionList": [{"Key": "a", "Value": "", "Seq": 1}]})
    );
    h.reply(
        servcmd::GROUP_EXT_SET,
        json!({"ExtensionList": [{"ErrorCode": 0, "Extension": {"Key": "a", "Value": "", "Seq": 2}}], "Seq": 2}),
    );
    // Get: startSeq (lower case) only after a first complete fetch.
    let id = h.client.get_message_extensions(h.now, &m).unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(servcmd::GROUP_EXT_GET).body,
        json!({"GroupId": "grpA", "MsgSeq": 5})
    );
    h.reply(
        servcmd::GROUP_EXT_GET,
        json!({"ExtensionList": [{"Key": "a", "Value": "", "Seq": 2}, {"Key": "b", "Value": "x", "Seq": 3}],
               "CompleteFlag": 1, "LatestSeq": 3, "ClearSeq": 0}),
    );
    assert_eq!(h.result(id), Ok(vec![kv("b", "x")]));
    h.client.get_message_extensions(h.now, &m).unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(servcmd::GROUP_EXT_GET).body,
        json!({"GroupId": "grpA", "MsgSeq": 5, "startSeq": 3})
    );
    // Clear: OperateType 3 without a list.
    h.client.delete_message_extensions(h.now, &m, None).unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(servcmd::GROUP_EXT_SET).body,
        json!({"GroupId": "grpA", "MsgSeq": 5, "OperateType": 3})
    );
}

#[test]
fn a_group_message_without_extension_support_is_refused_locally() {
    let (mut h, m) = holding_a_group_message();
    let err = h
        .client
        .set_message_extensions(h.now, &m, &[kv("a", "1")])
        .unwrap_err();
    // As C2C: 2905, not the 2106 a group message got before.
    assert_eq!(err.code.0, 2905);
    h.drain();
    assert!(h.sent_of(servcmd::GROUP_EXT_SET).is_empty());
}

/// An Event 22 push about grpA's message at `seq`/`random`.
fn group_ext_push(seq: u64, random: u64, op: u8, kvs: Value, clear: u64, last: u64) -> Value {
    let list = match op {
        1 => "SetKVInfo",
        2 => "DeleteKVInfo",
        _ => "ClearKVInfo",
    };
    let mut notify = json!({"TinyId": "144115000000000002", "MsgLastSeq": last, "MsgOptType": op,
        "ExtensionGroupMsgInfo": {"GroupId": "grpA", "From_Account": "u2", "MsgSeq": seq,
            "MsgRandom": random, "MsgTime": 1795629561, "MsgClientTime": 1795629561}});
    notify[list] = json!([{"MsgKeyValue": kvs, "ClearMsgSeq": clear}]);
    json!({"EventArray": [{"Event": 22, "MsgExtensionNotify": notify}]})
}

/// `(message ID, "key=value" or key)` of each extension event.
type ExtEvents = Vec<(String, Vec<String>)>;

fn ext_events(events: &[Event]) -> (ExtEvents, ExtEvents) {
    let mut updated = Vec::new();
    let mut deleted = Vec::new();
    for e in events {
        match e {
            Event::MessageExtensionsUpdated {
                message_id,
                extensions,
            } => updated.push((
                message_id.clone(),
                extensions
                    .iter()
                    .map(|x| format!("{}={}", x.key, x.value))
                    .collect(),
            )),
            Event::MessageExtensionsDeleted {
                message_id,
                key_list,
            } => deleted.push((message_id.clone(), key_list.clone())),
            _ => {}
        }
    }
    (updated, deleted)
}

#[test]
fn a_group_extension_push_updates_and_deletes_on_the_held_message() {
    let (mut h, m) = holding_an_extensible_group_message();
    // Another message of the group (other random): nothing.
    h.push(group_ext_push(
        5,
        1,
        1,
        json!([{"Key": "a", "Value": "1", "Seq": 1}]),
        0,
        1,
    ));
    assert_eq!(ext_events(&h.take_events()), (vec![], vec![]));
    let set = group_ext_push(
        5,
        5555,
        1,
        json!([{"Key": "a", "Value": "1", "Seq": 1}, {"Key": "b", "Value": "2", "Seq": 2}]),
        0,
        2,
    );
    h.push(set.clone());
    let (updated, deleted) = ext_events(&h.take_events());
    assert_eq!(
        updated,
        vec![(m.id.clone(), vec!["a=1".to_string(), "b=2".to_string()])]
    );
    assert!(deleted.is_empty());
    // The same push again: nothing new.
    h.push(set);
    assert_eq!(ext_events(&h.take_events()), (vec![], vec![]));
    h.push(group_ext_push(
        5,
        5555,
        2,
        json!([{"Key": "a", "Value": "", "Seq": 3}]),
        0,
        3,
    ));
    assert_eq!(
        ext_events(&h.take_events()),
        (vec![], vec![(m.id.clone(), vec!["a".to_string()])])
    );
    h.push(group_ext_push(5, 5555, 3, json!([]), 4, 4));
    assert_eq!(
        ext_events(&h.take_events()),
        (vec![], vec![(m.id.clone(), vec!["b".to_string()])])
    );
}
