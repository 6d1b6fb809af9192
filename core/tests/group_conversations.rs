//! `GROUP<id>` conversations in the client core, in virtual time: the
//! unread counts `page_get` gives for groups (tcchat's server sends them,
//! PROTOCOL.md 8.6) and the catch-up that must not count them again, a read
//! on another instance (`ReadGroupMsgNotify`), a read report that a
//! newer message overtakes, and one that a re-login's count overtakes.

use serde_json::{json, Value};

use tcchat_core::model::Conversation;
use tcchat_core::wire::servcmd;

mod common;

use common::{received, Harness};

impl Harness {
    fn new() -> Harness {
        Harness::build(16, |_| {})
    }
}

const READ_REPORT: &str = "group_open_http_svc.msg_read_report";

/// u2's text in grpA at `seq` (`frames/group_msg.json` #49, renumbered).
fn grp_msg(seq: u64) -> Value {
    json!({"From_Account": "u2", "ToGroupId": "grpA", "MsgSeq": seq, "MsgRandom": 9000 + seq, "MsgTimeStamp": 1795629561 + seq, "MsgClientTime": 1795629561, "ClientSeq": 7000 + seq, "TinyId": "144115000000000002", "MsgPriority": 1, "GroupInfo": {"GroupId": "grpA", "GroupType": "Public", "GroupName": "Group A"}, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": format!("m{seq}")}}]})
}

fn push_msgs(h: &mut Harness, seqs: &[u64]) {
    let list: Vec<Value> = seqs.iter().map(|s| grp_msg(*s)).collect();
    h.push(json!({"EventArray": [{"Event": 3, "GroupMsgArray": list}], "NeedAck": 1, "SessionData": "sess"}));
}

/// grpA in the group list with `next` as `NextMsgSeq` and read sequence
/// `read` (`frames/group_list_login.json` #13, one group).
fn grp_a(next: u64, read: u64) -> Value {
    json!({"TotalCount": 1, "GroupIdList": [{"GroupId": "grpA", "Type": "Public", "Name": "Group A", "FaceUrl": "", "Owner_Account": "u2", "CreateTime": 1795600000, "InfoSeq": 3, "LastInfoTime": 1795600010, "LastMsgTime": 1795600020, "MemberNum": 3, "MaxMemberNum": 200, "ApplyJoinOption": "FreeAccess", "InviteJoinOption": "FreeAccess", "NextMsgSeq": next, "ShutUpAllMember": "Off", "Introduction": "", "Notification": "", "SelfInfo": {"Role": "Member", "JoinTime": 1795600005, "MsgFlag": "AcceptAndNotify", "MsgSeq": read}}]})
}

/// grpA's `page_get` item: read up to `read`, next sequence `next`,
/// `unread` messages from others unread, the last message at `next - 1`.
fn grp_item(read: u64, next: u64, unread: u64) -> Value {
    json!({"Type": 2, "GroupId": "grpA", "MsgTime": 1795629561 + next - 1, "MsgSeq": next - 1, "MsgRandom": 9000 + next - 1, "LastC2cMsgFromAccount": "u2", "LastMsg": {"MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "last"}}]}, "UnreadMsgCount": unread, "MsgGroupReadedSeq": read, "GroupNextMsgSeq": next})
}

fn conv(h: &mut Harness) -> Option<Conversation> {
    h.client
        .get_conversation_list(None)
        .unwrap()
        .into_iter()
        .find(|c| c.conversation_id == "GROUPgrpA")
}

fn unread(h: &mut Harness) -> u64 {
    conv(h).map_or(0, |c| c.unread_count)
}

/// Logged in as u1: page_get lists `sessions`, the group list is `list`,
/// getmsg's unread counts are `pair_unread` (getmsg answered last). The
/// catch-up requests are left unanswered.
fn login(sessions: Value, list: Value, pair_unread: Value) -> Harness {
    let mut h = Harness::logging_in();
    h.reply_pending(common::GROUP_LIST, list);
    h.answer_list_sync(&sessions, common::ALL_BITS, &json!({}));
    h.reply(
        servcmd::GET_MSG,
        json!({"Cookie": "ck1", "SyncFlag": 2, "MsgList": [], "C2CPairUnreadCount": pair_unread}),
    );
    h.take_events();
    h
}

#[test]
fn page_get_gives_group_unread_and_the_catch_up_does_not_count_it_again() {
    let mut h = login(json!([grp_item(4, 8, 3)]), grp_a(8, 4), json!([]));
    let c = conv(&mut h).expect("page_get lists the group conversation");
    assert_eq!(c.unread_count, 3);
    assert_eq!(c.conversation_type.as_str(), "GROUP");
    assert_eq!(c.last_message.as_ref().unwrap().message_for_show, "last");
    assert_eq!(h.client.get_total_unread_message_count().unwrap(), 3);
    // The catch-up brings 5 to 7: delivered, not counted a second time.
    assert_eq!(
        h.last_sent(common::GROUP_MSG_GET).body,
        json!({"GroupId": "grpA", "ReqMsgSeq": 7, "ReqMsgNumber": 3})
    );
    h.reply(
        common::GROUP_MSG_GET,
        json!({"GroupId": "grpA", "IsFinished": 1, "RspMsgList": [grp_msg(7), grp_msg(6), grp_msg(5)]}),
    );
    let got: Vec<u64> = received(&h.take_events())
        .iter()
        .map(|m| m.sequence)
        .collect();
    assert_eq!(got, [5, 6, 7]);
    assert_eq!(unread(&mut h), 3);
    // A message after what page_get counted counts.
    push_msgs(&mut h, &[8]);
    assert_eq!(unread(&mut h), 4);
    assert_eq!(h.client.get_total_unread_message_count().unwrap(), 4);
}

#[test]
fn getmsg_unread_counts_leave_group_conversations_alone() {
    // getmsg's C2CPairUnreadCount lists peers only: a group ID that
    // happens to be a peer's name, or no entry at all, is no count of the
    // group conversation.
    let mut h = login(
        json!([grp_item(4, 8, 3)]),
        grp_a(8, 4),
        json!([{"From_Account": "grpA", "UnreadCount": 9}]),
    );
    assert_eq!(unread(&mut h), 3);
    let mut h = login(json!([grp_item(4, 8, 3)]), grp_a(8, 4), json!([]));
    assert_eq!(unread(&mut h), 3);
}

#[test]
fn a_read_on_another_instance_takes_the_servers_count() {
    let mut h = login(json!([grp_item(4, 8, 3)]), grp_a(8, 4), json!([]));
    h.reply(
        common::GROUP_MSG_GET,
        json!({"GroupId": "grpA", "IsFinished": 1, "RspMsgList": [grp_msg(7), grp_msg(6), grp_msg(5)]}),
    );
    push_msgs(&mut h, &[8, 9]);
    assert_eq!(unread(&mut h), 5);
    h.take_events();
    // The other instance read up to 8 when the group's next was 10: one
    // (9) is left, which this instance holds.
    let notify = |read: u64, next: u64, count: u64| json!({"EventArray": [{"Event": 9, "C2cNotifyMsgArray": [{"ReadGroupMsgNotify": {"GroupReadArray": [{"GroupId": "grpA", "MsgReadedSeq": read, "GroupNextMsgSeq": next, "UnreadMsgCount": count}]}}]}], "NeedAck": 1, "SessionData": "sess-r"});
    h.push(notify(8, 10, 1));
    assert_eq!(unread(&mut h), 1);
    let events = h.take_events();
    assert!(events
        .iter()
        .any(|e| matches!(e, tcchat_core::Event::TotalUnreadMessageCountUpdated(1))));
    // An older report (delivered late) changes nothing.
    h.push(notify(6, 8, 2));
    assert_eq!(unread(&mut h), 1);
    // A message the server had counted when it told of the read arrives
    // afterwards: not counted again; a newer one is.
    h.push(notify(9, 12, 2));
    assert_eq!(unread(&mut h), 2);
    push_msgs(&mut h, &[10, 11]);
    assert_eq!(unread(&mut h), 2);
    push_msgs(&mut h, &[12]);
    assert_eq!(unread(&mut h), 3);
}

#[test]
fn a_message_newer_than_a_read_report_stays_unread() {
    let mut h = login(json!([grp_item(4, 6, 1)]), grp_a(6, 4), json!([]));
    h.reply(
        common::GROUP_MSG_GET,
        json!({"GroupId": "grpA", "IsFinished": 1, "RspMsgList": [grp_msg(5)]}),
    );
    assert_eq!(unread(&mut h), 1);
    let id = h.client.set_message_read(h.now, "GROUPgrpA").unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(READ_REPORT).body,
        json!({"GroupId": "grpA", "MsgReadedSeq": 5})
    );
    // 6 arrives before the reply: the report did not cover it.
    push_msgs(&mut h, &[6]);
    h.reply(READ_REPORT, json!({}));
    assert_eq!(h.result(id), Ok(()));
    assert_eq!(unread(&mut h), 1);
}

/// Found by the `groups-unread` sweep (seed 1028): a read made while a
/// re-login's sync is under way goes out with the sequence known when it
/// was made. When `page_get` answers first with a count that covers more,
/// the read is reported again up to that count, so the server and this
/// instance agree on zero unread.
#[test]
fn a_read_overtaken_by_the_relogin_count_is_reported_up_to_that_count() {
    use std::time::Duration;
    use tcchat_core::DisconnectReason;
    let mut h = login(json!([]), json!({"TotalCount": 0}), json!([]));
    let conn = h.conn.take().unwrap();
    h.client
        .handle_disconnected(h.now, conn, DisconnectReason::Closed(Some(1000)));
    h.drain();
    for _ in 0..100 {
        if h.connects.len() > 1 {
            break;
        }
        h.advance(Duration::from_millis(100));
    }
    h.clear_sent();
    h.open();
    h.reply_login();
    // Made before the re-login's page_get answers: nothing of grpA known.
    let id = h.client.set_message_read(h.now, "GROUPgrpA").unwrap();
    h.drain();
    // page_get: grpA has 2 unread, counted up to 3.
    h.answer_list_sync(&json!([grp_item(1, 4, 2)]), common::ALL_BITS, &json!({}));
    h.reply_pending(
        servcmd::GET_MSG,
        json!({"Cookie": "ck2", "SyncFlag": 2, "MsgList": []}),
    );
    assert_eq!(
        h.last_sent(READ_REPORT).body,
        json!({"GroupId": "grpA", "MsgReadedSeq": 0})
    );
    h.reply(READ_REPORT, json!({}));
    h.no_result(id);
    assert_eq!(
        h.last_sent(READ_REPORT).body,
        json!({"GroupId": "grpA", "MsgReadedSeq": 3})
    );
    h.reply(READ_REPORT, json!({}));
    assert_eq!(h.result(id), Ok(()));
    assert_eq!(unread(&mut h), 0);
}

#[test]
fn group_conversations_take_profile_draft_pin_and_delete() {
    let mut h = login(json!([grp_item(4, 8, 3)]), grp_a(8, 4), json!([]));
    // Profile: the held conversation, with its group.
    let c = h.client.get_conversation_profile("GROUPgrpA").unwrap();
    assert_eq!(c.unread_count, 3);
    assert_eq!(c.group_profile.as_ref().unwrap().group_id, "grpA");
    // One not held: empty, not added.
    let other = h.client.get_conversation_profile("GROUPgrpZ").unwrap();
    assert_eq!(other.conversation_type.as_str(), "GROUP");
    assert_eq!(other.unread_count, 0);
    assert!(conv(&mut h).is_some());
    assert_eq!(h.client.get_conversation_list(None).unwrap().len(), 1);
    // Still refused: topics, the system conversation, a bare prefix.
    for (id, code) in [("TOPICx", 2106), ("@TIM#SYSTEM", 2106), ("GROUP", 2503)] {
        let e = h.client.get_conversation_profile(id).unwrap_err();
        assert_eq!(e.code.0, code, "{id}");
    }
    // Draft: local.
    let c = h
        .client
        .set_conversation_draft("GROUPgrpA", "half")
        .unwrap();
    assert_eq!(c.draft_text, "half");
    // Pin: recentcontact.top with the group item.
    let id = h.client.pin_conversation(h.now, "GROUPgrpA", true).unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(servcmd::CONV_TOP).body,
        json!({"From_Account": "u1", "OperationType": 1, "RecentContactItem": [{"Type": 2, "ToGroupId": "grpA"}]})
    );
    h.reply(servcmd::CONV_TOP, json!({}));
    assert_eq!(h.result(id).unwrap(), "GROUPgrpA");
    assert!(conv(&mut h).unwrap().is_pinned);
    // Delete: batch_delete with the group item; the result names it.
    let id = h.client.delete_conversation(h.now, "GROUPgrpA").unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(servcmd::CONV_DELETE).body,
        json!({"From_Account": "u1", "ContactItem": [{"Type": 2, "ToGroupId": "grpA"}], "ClearRamble": 1})
    );
    h.take_events();
    h.reply(
        servcmd::CONV_DELETE,
        json!({"ResultItem": [{"ResultCode": 0, "ResultInfo": "", "Type": 2, "ToGroupid": "grpA"}]}),
    );
    assert_eq!(h.result(id).unwrap(), "GROUPgrpA");
    assert!(conv(&mut h).is_none());
    assert_eq!(h.client.get_total_unread_message_count().unwrap(), 0);
    let events = h.take_events();
    assert!(events
        .iter()
        .any(|e| matches!(e, tcchat_core::Event::TotalUnreadMessageCountUpdated(0))));
    // The group is read up to its newest sequence, as the server does.
    let read = events.iter().find_map(|e| match e {
        tcchat_core::Event::GroupListUpdated(l) => Some(l[0].self_info.readed_sequence),
        _ => None,
    });
    assert_eq!(read, Some(7));
}

/// A new session learns the unread @-mentions from `page_get` (ours); a
/// message the count covered does not add its mention again, and a read
/// clears them.
#[test]
fn page_get_brings_the_unread_mentions() {
    let mut item = grp_item(4, 8, 3);
    item["GroupAtInfoList"] = json!([
        {"MsgSeq": 3, "AtType": 1, "From_Account": "u2"},
        {"MsgSeq": 5, "AtType": 2, "From_Account": "u2"},
        {"MsgSeq": 6, "AtType": 9, "From_Account": "u2"},
        {"MsgSeq": 7, "AtType": 3, "From_Account": "u3"}]);
    let mut h = login(json!([item]), grp_a(8, 4), json!([]));
    let at = |h: &mut Harness| -> Vec<(u64, u8)> {
        conv(h)
            .unwrap()
            .group_at_info_list
            .iter()
            .map(|a| (a.message_sequence, a.at_type))
            .collect()
    };
    // 3 is read already; type 9 is no mention type.
    assert_eq!(at(&mut h), [(5, 2), (7, 3)]);
    assert_eq!(conv(&mut h).unwrap().group_at_info_list[1].from, "u3");
    // The catch-up delivers 5 to 7 with their mentions: still once each.
    let mut m7 = grp_msg(7);
    m7["GroupAtInfo"] =
        json!([{"GroupAtAllFlag": 1}, {"GroupAtAllFlag": 0, "GroupAt_Account": "u1"}]);
    h.reply(
        common::GROUP_MSG_GET,
        json!({"GroupId": "grpA", "IsFinished": 1, "RspMsgList": [m7, grp_msg(6), grp_msg(5)]}),
    );
    assert_eq!(at(&mut h), [(5, 2), (7, 3)]);
    let id = h.client.set_message_read(h.now, "GROUPgrpA").unwrap();
    h.drain();
    h.reply(READ_REPORT, json!({}));
    assert_eq!(h.result(id), Ok(()));
    assert!(at(&mut h).is_empty());
}

#[test]
fn group_conversations_go_in_conversation_groups() {
    let mut h = login(json!([grp_item(4, 8, 3)]), grp_a(8, 4), json!([]));
    let ids = [
        "GROUPgrpA".to_owned(),
        "C2Cu2".to_owned(),
        "GROUPgrpA".to_owned(),
    ];
    let id = h
        .client
        .create_conversation_group(h.now, "Work", &ids)
        .unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(servcmd::CONV_GROUP_CREATE).body,
        json!({"From_Account": "u1", "GroupContactItem": [{"GroupName": "Work", "ContactItem": [
            {"Type": 2, "ToGroupId": "grpA"}, {"Type": 1, "To_Account": "u2"}]}]})
    );
    h.reply(
        servcmd::CONV_GROUP_CREATE,
        json!({"GroupResultItem": [{"GroupItem": {"GroupId": 1, "GroupName": "Work"}, "ResultItem": [
            {"ContactItem": {"Type": 2, "ToGroupId": "grpA"}, "ResultCode": 0, "ResultInfo": ""},
            {"ContactItem": {"Type": 1, "To_Account": "u2"}, "ResultCode": 0, "ResultInfo": ""}]}]}),
    );
    let r = h.result(id).unwrap();
    assert_eq!(r.success_conversation_id_list, ["GROUPgrpA", "C2Cu2"]);
    assert_eq!(conv(&mut h).unwrap().conversation_group_list, ["Work"]);
    // Removed on another instance: the push names the group conversation.
    h.push(
        json!({"EventArray": [{"Event": 11, "RecentContactMod": [{"PushType": 7,
        "RecentContactUpdateContactGroup": {"UpdateType": 1, "MsgUpdateGroup": {
            "UpdateGroupType": 2, "OldGroupName": "Work", "RecentContactUpdateGroupItem": [
                {"ContactOptType": 2, "RecentContactItem": {"Type": 2, "ToGroupId": "grpA"}}]}}}]}],
        "NeedAck": 1, "SessionData": "s7"}),
    );
    assert!(conv(&mut h).unwrap().conversation_group_list.is_empty());
    // A malformed group ID is refused before anything is sent.
    let e = h
        .client
        .add_conversations_to_group(h.now, "Work", &["GROUP".to_owned()])
        .unwrap_err();
    assert_eq!(e.code.0, 2503);
}

#[test]
fn pushes_from_another_instance_pin_and_delete_group_conversations() {
    let mut h = login(json!([grp_item(4, 8, 3)]), grp_a(8, 4), json!([]));
    let contact = |push_type: u8| {
        let key = if push_type == 1 {
            "RecentContactDeleteItem"
        } else {
            "RecentContactTopItem"
        };
        json!({"EventArray": [{"Event": 11, "RecentContactMod": [{"PushType": push_type, key: {"RecentContactList": [{"Type": 2, "GroupId": "grpA"}]}}]}], "NeedAck": 1, "SessionData": "s11"})
    };
    h.push(contact(2));
    assert!(conv(&mut h).unwrap().is_pinned);
    h.push(contact(3));
    assert!(!conv(&mut h).unwrap().is_pinned);
    h.push(contact(1));
    assert!(conv(&mut h).is_none());
}

#[test]
fn mark_group_member_list_sends_the_marks_and_splits_the_result() {
    let mut h = login(json!([]), grp_a(8, 7), json!([]));
    const MARK: &str = "group_open_avchatroom_http_svc.modify_user_info";
    let users = ["u2".to_owned(), "u9".to_owned()];
    let id = h
        .client
        .mark_group_member_list(h.now, "grpA", &users, 1001, true)
        .unwrap();
    h.drain();
    assert_eq!(
        h.last_sent(MARK).body,
        json!({"GroupId": "grpA", "CommandType": 1, "MemberList": [
            {"Member_Account": "u2", "Marks": [1001]}, {"Member_Account": "u9", "Marks": [1001]}]})
    );
    h.reply(
        MARK,
        json!({"MemberList": [{"Member_Account": "u2", "Marks": [1000, 1001]}]}),
    );
    let r = h.result(id).unwrap();
    assert_eq!(r.group_id, "grpA");
    assert_eq!(r.success_user_id_list, ["u2"]);
    assert_eq!(r.failure_user_id_list, ["u9"]);
    // Removing sends CommandType 2; a refusal comes back with its code.
    let id = h
        .client
        .mark_group_member_list(h.now, "grpA", &users[..1], 1001, false)
        .unwrap();
    h.drain();
    assert_eq!(h.last_sent(MARK).body["CommandType"], 2);
    h.reply(
        MARK,
        json!({"ActionStatus": "FAIL", "ErrorCode": 10007, "ErrorInfo": "only the owner"}),
    );
    assert_eq!(h.result(id).unwrap_err().code.0, 10007);
    // Refused locally: no user, an empty group ID.
    let e = h
        .client
        .mark_group_member_list(h.now, "grpA", &[], 1, true)
        .unwrap_err();
    assert_eq!(e.code.0, 2905);
    let e = h
        .client
        .mark_group_member_list(h.now, "", &users, 1, true)
        .unwrap_err();
    assert_eq!(e.code.0, 2602);
}
