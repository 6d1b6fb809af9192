//! Group conversations through the engine, on both stores (PROTOCOL.md
//! 8.6): `page_get` lists `GROUP<id>` conversations (`Type` 2) with the
//! member's unread count, read sequence and the group's next sequence, and
//! a read report tells the member's other instances (`ReadGroupMsgNotify`);
//! pinned and deleted group conversations; AVChatRoom member marks.

mod common;

use common::*;
use serde_json::{json, Value};
use tcchat_server::store::Store;

const CREATE: &str = "group_open_http_svc.create_group";
const SEND: &str = "group_open_http_svc.send_group_msg";
const READ: &str = "group_open_http_svc.msg_read_report";
const PAGE_GET: &str = "recentcontact.page_get";
const TOP: &str = "recentcontact.top";
const DELETE: &str = "recentcontact.batch_delete";
const MARK: &str = "group_open_avchatroom_http_svc.modify_user_info";

fn send<S: Store>(c: &mut Client, sim: &mut Sim<S>, group: &str, client_seq: u64) {
    let body = json!({"From_Account": c.user, "GroupId": group, "Random": client_seq + 500,
        "ClientSeq": client_seq, "MsgPriority": "Normal",
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": format!("t{client_seq}")}}],
        "CloudCustomData": "", "OnlineOnlyFlag": 0, "GroupAtInfo": [], "MsgClientTime": sim.unix_s(),
        "NeedReadReceipt": 0});
    c.op(sim, SEND, body).ok();
}

/// The group items of `c`'s conversation list.
fn group_items<S: Store>(c: &mut Client, sim: &mut Sim<S>) -> Vec<Value> {
    let out = c
        .op(
            sim,
            PAGE_GET,
            json!({"From_Account": c.user, "TimeStamp": 0, "StartIndex": 0,
                "TopTimeStamp": 0, "TopStartIndex": 0}),
        )
        .ok();
    assert_eq!(out.body()["CompleteFlag"], 1);
    out.body()["SessionItem"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["Type"] == 2)
        .cloned()
        .collect()
}

/// bob (two instances) is in alice's group; alice's messages are unread
/// for bob until he reads, and his other instance hears of the read.
fn group_unread_is_listed_and_reads_reach_other_instances<S: Store>(mut sim: Sim<S>) {
    let mut alice = Client::new(1, APP, "alice");
    let mut bob = Client::new(2, APP, "bob");
    let mut bob2 = Client::new(3, APP, "bob").on_platform(2);
    alice.login(&mut sim);
    bob.login(&mut sim);
    bob2.login(&mut sim);
    alice
        .op(
            &mut sim,
            CREATE,
            json!({"Type": "Private", "Name": "W", "GroupId": "w1",
            "MemberList": [{"Member_Account": "bob"}]}),
        )
        .ok();
    // Nothing logged in the group yet: no conversation.
    assert!(group_items(&mut bob, &mut sim).is_empty());
    for i in 1..=3 {
        send(&mut alice, &mut sim, "w1", i);
    }
    let items = group_items(&mut bob, &mut sim);
    assert_eq!(items.len(), 1, "{items:?}");
    let it = &items[0];
    assert_eq!(it["GroupId"], "w1");
    assert_eq!(it["ToAccount"], "w1", "where the official SDK reads it");
    assert_eq!(it["UnreadMsgCount"], 3);
    assert_eq!(
        it["MsgGroupReadedSeq"].as_u64().unwrap_or(0),
        0,
        "absent or 0"
    );
    assert_eq!(it["GroupNextMsgSeq"], 4);
    assert_eq!(it["MsgSeq"], 3);
    assert_eq!(it["LastC2cMsgFromAccount"], "alice");
    assert_eq!(it["LastMsg"]["MsgBody"][0]["MsgContent"]["Text"], "t3");
    // The sender's own messages are not unread for her.
    assert_eq!(group_items(&mut alice, &mut sim)[0]["UnreadMsgCount"], 0);

    let out = bob
        .op(&mut sim, READ, json!({"GroupId": "w1", "MsgReadedSeq": 2}))
        .ok();
    let to_bob2 = out.events_to(3);
    assert_eq!(to_bob2.len(), 1, "{to_bob2:?}");
    assert_eq!(
        to_bob2[0]["C2cNotifyMsgArray"][0]["ReadGroupMsgNotify"]["GroupReadArray"],
        json!([{"GroupId": "w1", "MsgReadedSeq": 2, "GroupNextMsgSeq": 4, "UnreadMsgCount": 1}])
    );
    assert!(out.events_to(2).is_empty(), "the reader has its reply");
    assert!(out.events_to(1).is_empty(), "nothing for alice");
    assert_eq!(group_items(&mut bob2, &mut sim)[0]["UnreadMsgCount"], 1);
    // A report that moves nothing tells nobody.
    let out = bob
        .op(&mut sim, READ, json!({"GroupId": "w1", "MsgReadedSeq": 1}))
        .ok();
    assert!(out.events_to(3).is_empty());
    // A new message counts again.
    send(&mut alice, &mut sim, "w1", 4);
    assert_eq!(group_items(&mut bob, &mut sim)[0]["UnreadMsgCount"], 2);
}

/// Pin and delete a group conversation: `top` and `batch_delete` with
/// `{Type: 2, ToGroupId}`, the other instance told by Event 11, the list
/// and the unread count following; a non-member is refused.
fn group_conversations_are_pinned_and_deleted<S: Store>(mut sim: Sim<S>) {
    let mut alice = Client::new(1, APP, "alice");
    let mut bob = Client::new(2, APP, "bob");
    let mut bob2 = Client::new(3, APP, "bob").on_platform(2);
    let mut carol = Client::new(4, APP, "carol");
    alice.login(&mut sim);
    bob.login(&mut sim);
    bob2.login(&mut sim);
    carol.login(&mut sim);
    for g in ["w1", "w2"] {
        alice
            .op(
                &mut sim,
                CREATE,
                json!({"Type": "Private", "Name": "W", "GroupId": g,
                "MemberList": [{"Member_Account": "bob"}]}),
            )
            .ok();
    }
    send(&mut alice, &mut sim, "w1", 1);
    send(&mut alice, &mut sim, "w1", 2);
    // w2 has no message: pinning lists it anyway.
    let out = bob
        .op(
            &mut sim,
            TOP,
            json!({"From_Account": "bob", "OperationType": 1,
                "RecentContactItem": [{"Type": 2, "ToGroupId": "w2"}]}),
        )
        .ok();
    assert_eq!(
        out.events_to(3)[0]["RecentContactMod"][0],
        json!({"PushType": 2, "RecentContactTopItem": {"RecentContactList": [{"Type": 2, "GroupId": "w2"}]}})
    );
    let items = group_items(&mut bob2, &mut sim);
    let ids: Vec<(&str, &Value)> = items
        .iter()
        .map(|i| (i["GroupId"].as_str().unwrap(), &i["IsPinned"]))
        .collect();
    assert_eq!(ids, [("w2", &json!(1)), ("w1", &json!(0))], "pinned first");
    // carol is not in w1.
    let out = carol.op(
        &mut sim,
        TOP,
        json!({"From_Account": "carol", "OperationType": 1,
            "RecentContactItem": [{"Type": 2, "ToGroupId": "w1"}]}),
    );
    assert_eq!(out.code(), 10007);

    // Delete w1: one result per item, named as the official SDK reads it.
    let out = bob
        .op(
            &mut sim,
            DELETE,
            json!({"From_Account": "bob", "ClearRamble": 1,
                "ContactItem": [{"Type": 2, "ToGroupId": "w1"}, {"Type": 2, "ToGroupId": "nope"}]}),
        )
        .ok();
    let results = out.body()["ResultItem"].as_array().unwrap();
    assert_eq!(results[0]["ResultCode"], 0);
    assert_eq!(results[0]["ToGroupid"], "w1");
    assert_eq!(results[1]["ResultCode"], 10010);
    assert_eq!(
        out.events_to(3)[0]["RecentContactMod"][0]["RecentContactDeleteItem"],
        json!({"RecentContactList": [{"Type": 2, "GroupId": "w1"}]})
    );
    let listed: Vec<String> = group_items(&mut bob, &mut sim)
        .iter()
        .map(|i| i["GroupId"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(listed, ["w2"]);
    // Read up to the deletion: the group list says so.
    let list = bob
        .op(
            &mut sim,
            "group_open_http_svc.get_joined_group_list",
            json!({"Member_Account": "bob"}),
        )
        .ok();
    let w1 = list.body()["GroupIdList"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["GroupId"] == "w1")
        .cloned()
        .unwrap();
    assert_eq!(w1["SelfInfo"]["MsgSeq"], 2);
    // The next message lists it again, with only itself unread.
    send(&mut alice, &mut sim, "w1", 3);
    let items = group_items(&mut bob, &mut sim);
    let w1 = items.iter().find(|i| i["GroupId"] == "w1").unwrap();
    assert_eq!(w1["UnreadMsgCount"], 1);
    // Unpinning w2 (no message) takes it out of the list.
    bob.op(
        &mut sim,
        TOP,
        json!({"From_Account": "bob", "OperationType": 2,
            "RecentContactItem": [{"Type": 2, "ToGroupId": "w2"}]}),
    )
    .ok();
    let listed: Vec<String> = group_items(&mut bob, &mut sim)
        .iter()
        .map(|i| i["GroupId"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(listed, ["w1"]);
}

/// `modify_user_info` (marks, ours): the AVChatRoom owner sets and
/// removes marks; they show in the member list; others are refused.
fn avchatroom_owner_marks_members<S: Store>(mut sim: Sim<S>) {
    let mut alice = Client::new(1, APP, "alice");
    let mut bob = Client::new(2, APP, "bob");
    alice.login(&mut sim);
    bob.login(&mut sim);
    alice
        .op(
            &mut sim,
            CREATE,
            json!({"Type": "AVChatRoom", "Name": "Live", "GroupId": "live1"}),
        )
        .ok();
    bob.op(
        &mut sim,
        "group_open_http_svc.apply_join_group",
        json!({"GroupId": "live1", "ApplyMsg": ""}),
    )
    .ok();
    let mark = |c: &mut Client, sim: &mut Sim<S>, command: u8, users: &[&str], mark: u64| {
        let list: Vec<Value> = users
            .iter()
            .map(|u| json!({"Member_Account": u, "Marks": [mark]}))
            .collect();
        c.op(
            sim,
            MARK,
            json!({"GroupId": "live1", "CommandType": command, "MemberList": list}),
        )
    };
    let out = mark(&mut alice, &mut sim, 1, &["bob", "nobody"], 1001).ok();
    assert_eq!(
        out.body()["MemberList"],
        json!([{"Member_Account": "bob", "Marks": [1001]}])
    );
    mark(&mut alice, &mut sim, 1, &["bob"], 1000).ok();
    let marks_of_bob = |c: &mut Client, sim: &mut Sim<S>| {
        let out = c
            .op(
                sim,
                "group_open_http_svc.get_group_member_info",
                json!({"GroupId": "live1", "Limit": 100, "Offset": 0}),
            )
            .ok();
        out.body()["MemberList"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["Member_Account"] == "bob")
            .unwrap()
            .get("MarkList")
            .cloned()
            .unwrap_or(json!([]))
    };
    assert_eq!(marks_of_bob(&mut alice, &mut sim), json!([1000, 1001]));
    mark(&mut alice, &mut sim, 2, &["bob"], 1001).ok();
    assert_eq!(marks_of_bob(&mut alice, &mut sim), json!([1000]));
    // Not the owner; not an AVChatRoom; a bad command.
    assert_eq!(mark(&mut bob, &mut sim, 1, &["alice"], 1).code(), 10007);
    alice
        .op(
            &mut sim,
            CREATE,
            json!({"Type": "Private", "Name": "W", "GroupId": "w9",
            "MemberList": [{"Member_Account": "bob"}]}),
        )
        .ok();
    let out = alice.op(
        &mut sim,
        MARK,
        json!({"GroupId": "w9", "CommandType": 1, "MemberList": [{"Member_Account": "bob", "Marks": [1]}]}),
    );
    assert_eq!(out.code(), 10007);
    assert_eq!(mark(&mut alice, &mut sim, 3, &["bob"], 1).code(), 10004);
}

/// `page_get` lists the unread messages that @-mention the member or
/// everyone (ours); reading past one drops it.
fn group_items_list_unread_mentions<S: Store>(mut sim: Sim<S>) {
    let mut alice = Client::new(1, APP, "alice");
    let mut bob = Client::new(2, APP, "bob");
    alice.login(&mut sim);
    bob.login(&mut sim);
    alice
        .op(
            &mut sim,
            CREATE,
            json!({"Type": "Private", "Name": "W", "GroupId": "w1",
            "MemberList": [{"Member_Account": "bob"}, {"Member_Account": "carol"}]}),
        )
        .ok();
    let at = |c: &mut Client, sim: &mut Sim<S>, seq: u64, at: Value| {
        let body = json!({"From_Account": "alice", "GroupId": "w1", "Random": seq + 500,
            "ClientSeq": seq, "MsgPriority": "Normal",
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "@"}}],
            "GroupAtInfo": at, "MsgClientTime": sim.unix_s()});
        c.op(sim, SEND, body).ok();
    };
    at(
        &mut alice,
        &mut sim,
        1,
        json!([{"GroupAtAllFlag": 0, "GroupAt_Account": "bob"}]),
    );
    send(&mut alice, &mut sim, "w1", 2);
    at(
        &mut alice,
        &mut sim,
        3,
        json!([{"GroupAtAllFlag": 0, "GroupAt_Account": "carol"}]),
    );
    at(&mut alice, &mut sim, 4, json!([{"GroupAtAllFlag": 1}]));
    at(
        &mut alice,
        &mut sim,
        5,
        json!([{"GroupAtAllFlag": 1}, {"GroupAtAllFlag": 0, "GroupAt_Account": "bob"}]),
    );
    let items = group_items(&mut bob, &mut sim);
    assert_eq!(
        items[0]["GroupAtInfoList"],
        json!([{"MsgSeq": 1, "AtType": 1, "From_Account": "alice"},
               {"MsgSeq": 4, "AtType": 2, "From_Account": "alice"},
               {"MsgSeq": 5, "AtType": 3, "From_Account": "alice"}])
    );
    bob.op(&mut sim, READ, json!({"GroupId": "w1", "MsgReadedSeq": 4}))
        .ok();
    let items = group_items(&mut bob, &mut sim);
    assert_eq!(
        items[0]["GroupAtInfoList"],
        json!([{"MsgSeq": 5, "AtType": 3, "From_Account": "alice"}])
    );
    // The sender's own mentions are not unread for her: no list at all.
    assert!(group_items(&mut alice, &mut sim)[0]
        .get("GroupAtInfoList")
        .is_none());
}

on_both_stores!(
    group_items_list_unread_mentions,
    avchatroom_owner_marks_members,
    group_unread_is_listed_and_reads_reach_other_instances,
    group_conversations_are_pinned_and_deleted,
);
