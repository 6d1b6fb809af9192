//! Conversations end to end through the engine, with raw frames: the list
//! (`page_get`), unread counts (page_get and getmsg), pin, delete and
//! conversation groups, the Event 11 pushes to the user's other instances
//! (and not to the one that asked), and their delivery to an instance that
//! was offline. Every scenario runs on both stores.

mod common;

use std::time::Duration;

use common::ops::{key, texts_of, Outcome};
use common::*;
use serde_json::{json, Value};
use tcchat_server::store::Store;

/// alice on two instances (connections 1 and 2), bob on 3, carol on 4.
struct World<S: Store> {
    sim: Sim<S>,
    a1: Client,
    a2: Client,
    b: Client,
    c: Client,
}

fn world<S: Store>(mut sim: Sim<S>) -> World<S> {
    let mut a1 = Client::new(1, APP, "alice");
    a1.login(&mut sim);
    let mut a2 = Client::new(2, APP, "alice").on_platform(2);
    a2.login(&mut sim);
    let mut b = Client::new(3, APP, "bob");
    b.login(&mut sim);
    let mut c = Client::new(4, APP, "carol");
    c.login(&mut sim);
    sim.advance(Duration::from_secs(1));
    World { sim, a1, a2, b, c }
}

/// The peers of a page_get reply, in order.
fn peers(page: &Value) -> Vec<String> {
    page["SessionItem"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["To_Account"].as_str().unwrap().to_owned())
        .collect()
}

/// The session item with `peer`.
fn session<'a>(page: &'a Value, peer: &str) -> &'a Value {
    page["SessionItem"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["To_Account"] == peer)
        .unwrap_or_else(|| panic!("no session with {peer}: {page}"))
}

/// The single Event 11 item pushed to `conn` (and the push has NeedAck).
fn contact_mod(out: &Outcome, conn: u64) -> Value {
    let pushes = out.pushes_to(conn);
    assert_eq!(pushes.len(), 1, "one push to {conn}: {:?}", out.others);
    assert_eq!(pushes[0].body["NeedAck"], 1);
    let event = &pushes[0].body["EventArray"][0];
    assert_eq!(event["Event"], 11);
    let items = event["RecentContactMod"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    items[0].clone()
}

fn pin(op: u8, peers: &[&str]) -> Value {
    let items: Vec<Value> = peers
        .iter()
        .map(|p| json!({"Type": 1, "To_Account": p}))
        .collect();
    json!({"From_Account": "alice", "OperationType": op, "RecentContactItem": items})
}

fn the_list_has_last_messages_unread_counts_and_read_times<S: Store>(sim: Sim<S>) {
    let World {
        mut sim,
        mut a1,
        mut b,
        mut c,
        ..
    } = world(sim);
    assert_eq!(a1.conversations(&mut sim)["SessionItem"], json!([]));
    b.text(&mut sim, "alice", 1, "from bob 1");
    b.text(&mut sim, "alice", 2, "from bob 2");
    sim.advance(Duration::from_secs(1));
    let t = c.text(&mut sim, "alice", 3, "from carol");
    sim.advance(Duration::from_secs(1));
    let page = a1.conversations(&mut sim);
    assert_eq!(page["CompleteFlag"], 1);
    assert_eq!(peers(&page), ["carol", "bob"], "newest first");
    let s = session(&page, "carol");
    assert_eq!(
        (
            s["Type"].clone(),
            s["MsgTime"].clone(),
            s["MsgSeq"].clone(),
            s["LastC2cMsgFromAccount"].clone()
        ),
        (json!(1), json!(t), json!(3), json!("carol"))
    );
    assert_eq!(
        s["LastMsg"]["MsgBody"][0]["MsgContent"]["Text"],
        "from carol"
    );
    assert_eq!(session(&page, "bob")["UnreadMsgCount"], 2);
    assert_eq!(
        a1.unread_counts(&mut sim),
        [("bob".to_owned(), 2), ("carol".to_owned(), 1)]
    );
    // alice reads carol; carol's list shows when.
    let read = json!({"C2CMsgReaded": {"Cookie": "", "C2CMsgReadedItem": [{"To_Account": "carol", "LastedMsgTime": t, "Receipt": 1}]}});
    a1.op(&mut sim, "openim.msgreaded", read).ok();
    assert_eq!(a1.unread_counts(&mut sim), [("bob".to_owned(), 2)]);
    assert_eq!(
        session(&c.conversations(&mut sim), "alice")["C2cPeerReadTime"],
        t
    );
    assert_eq!(
        session(&a1.conversations(&mut sim), "carol")["UnreadMsgCount"],
        0
    );
    // My own messages never count; a revoked one neither; the last
    // message shows LastMsgFlags 8 once revoked.
    a1.text(&mut sim, "bob", 4, "mine");
    let t5 = b.text(&mut sim, "alice", 5, "to revoke");
    assert_eq!(a1.unread_counts(&mut sim), [("bob".to_owned(), 3)]);
    let revoke = json!({"MsgInfo": {"From_Account": "bob", "To_Account": "alice", "MsgSeq": 5, "MsgRandom": 1005, "MsgTimeStamp": t5}});
    b.op(&mut sim, "openim.msgwithdraw", revoke).ok();
    assert_eq!(a1.unread_counts(&mut sim), [("bob".to_owned(), 2)]);
    let page = a1.conversations(&mut sim);
    assert_eq!(session(&page, "bob")["LastMsgFlags"], 8);
    assert_eq!(session(&page, "bob")["UnreadMsgCount"], 2);
    // A message alice deleted does not count either.
    let t1 = b.text(&mut sim, "alice", 6, "to delete");
    assert_eq!(a1.unread_counts(&mut sim), [("bob".to_owned(), 3)]);
    let del =
        json!({"From_Account": "alice", "To_Account": "bob", "MsgKeyList": [key(6, 1006, t1)]});
    a1.op(&mut sim, "openim.delete_c2c_msg_ramble", del).ok();
    assert_eq!(a1.unread_counts(&mut sim), [("bob".to_owned(), 2)]);
    // The last message falls back to the one before.
    let page = a1.conversations(&mut sim);
    assert_eq!(
        session(&page, "bob")["LastMsg"]["MsgBody"][0]["MsgContent"]["Text"],
        "to revoke"
    );
}

fn the_list_pages_by_100<S: Store>(sim: Sim<S>) {
    let World {
        mut sim, mut a1, ..
    } = world(sim);
    for i in 0..101 {
        let mut u = Client::new(100 + i, APP, &format!("u{i:03}"));
        u.login(&mut sim);
        u.text(&mut sim, "alice", 1, "hi");
        sim.disconnect(100 + i);
    }
    let p1 = a1.conversations(&mut sim);
    assert_eq!(p1["CompleteFlag"], 0);
    assert_eq!(p1["SessionItem"].as_array().unwrap().len(), 100);
    let p2 = a1
        .op(
            &mut sim,
            "recentcontact.page_get",
            json!({"From_Account": "alice", "StartIndex": p1["StartIndex"]}),
        )
        .ok();
    assert_eq!(p2.body()["CompleteFlag"], 1);
    assert_eq!(p2.body()["SessionItem"].as_array().unwrap().len(), 1);
    let mut all = peers(&p1);
    all.extend(peers(p2.body()));
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 101);
    assert_eq!(a1.unread_counts(&mut sim).len(), 101);
}

fn pin_pushes_to_the_other_instance_and_sorts_first<S: Store>(sim: Sim<S>) {
    let World {
        mut sim,
        mut a1,
        mut b,
        mut c,
        ..
    } = world(sim);
    b.text(&mut sim, "alice", 1, "older");
    sim.advance(Duration::from_secs(1));
    c.text(&mut sim, "alice", 2, "newer");
    let out = a1.op(&mut sim, "recentcontact.top", pin(1, &["bob"])).ok();
    assert_eq!(out.pushed_to(), [2].into(), "only alice's other instance");
    assert_eq!(
        contact_mod(&out, 2),
        json!({"PushType": 2, "RecentContactTopItem": {"RecentContactList": [{"Type": 1, "UserId": "bob"}]}})
    );
    let page = a1.conversations(&mut sim);
    assert_eq!(peers(&page), ["bob", "carol"]);
    assert_eq!(session(&page, "bob")["IsPinned"], 1);
    // Pinning again: nothing new.
    assert!(a1
        .op(&mut sim, "recentcontact.top", pin(1, &["bob"]))
        .ok()
        .others
        .is_empty());
    let out = a1.op(&mut sim, "recentcontact.top", pin(2, &["bob"])).ok();
    assert_eq!(
        contact_mod(&out, 2),
        json!({"PushType": 3, "RecentContactTopItem": {"RecentContactList": [{"Type": 1, "UserId": "bob"}]}})
    );
    assert_eq!(peers(&a1.conversations(&mut sim)), ["carol", "bob"]);
    // Pinning a conversation without messages lists it.
    a1.op(&mut sim, "recentcontact.top", pin(1, &["dave"])).ok();
    assert_eq!(peers(&a1.conversations(&mut sim)), ["dave", "carol", "bob"]);
    // Refusals.
    assert_eq!(
        a1.op(&mut sim, "recentcontact.top", pin(3, &["bob"]))
            .code(),
        10004
    );
    // A group item names its group in ToGroupId (tests/engine_group_convs.rs).
    let group = json!({"From_Account": "alice", "OperationType": 1, "RecentContactItem": [{"Type": 2, "To_Account": "g"}]});
    assert_eq!(a1.op(&mut sim, "recentcontact.top", group).code(), 10015);
    let other_type = json!({"From_Account": "alice", "OperationType": 1, "RecentContactItem": [{"Type": 3, "To_Account": "g"}]});
    assert_eq!(
        a1.op(&mut sim, "recentcontact.top", other_type).code(),
        10004
    );
    let mut other = pin(1, &["bob"]);
    other["From_Account"] = json!("bob");
    assert_eq!(a1.op(&mut sim, "recentcontact.top", other).code(), 20003);
    let many: Vec<String> = (0..101).map(|i| format!("p{i}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    assert_eq!(
        a1.op(&mut sim, "recentcontact.top", pin(1, &many)).code(),
        10005
    );
    // At most 100 pinned.
    let names: Vec<String> = (0..99).map(|i| format!("p{i}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    a1.op(&mut sim, "recentcontact.top", pin(1, &names)).ok();
    assert_eq!(
        a1.op(&mut sim, "recentcontact.top", pin(1, &["one-more"]))
            .code(),
        51012
    );
}

fn delete_hides_until_the_next_message<S: Store>(sim: Sim<S>) {
    let World {
        mut sim,
        mut a1,
        mut b,
        mut c,
        ..
    } = world(sim);
    b.text(&mut sim, "alice", 1, "b1");
    a1.text(&mut sim, "bob", 2, "a2");
    c.text(&mut sim, "alice", 3, "c1");
    let del = |clear: u8| json!({"From_Account": "alice", "ContactItem": [{"To_Account": "bob", "Type": 1}, {"To_Account": "g", "Type": 2}], "ClearRamble": clear});
    let out = a1.op(&mut sim, "recentcontact.batch_delete", del(0)).ok();
    assert_eq!(
        out.body()["ResultItem"],
        json!([{"ResultCode": 0, "ResultInfo": "", "Type": 1, "To_Account": "bob"},
               {"ResultCode": 10015, "ResultInfo": "ToGroupId must be 1 to 256 bytes", "Type": 2, "To_Account": "g"}])
    );
    assert_eq!(out.pushed_to(), [2].into());
    assert_eq!(
        contact_mod(&out, 2),
        json!({"PushType": 1, "RecentContactDeleteItem": {"RecentContactList": [{"Type": 1, "UserId": "bob"}]}})
    );
    assert_eq!(peers(&a1.conversations(&mut sim)), ["carol"]);
    assert_eq!(a1.unread_counts(&mut sim), [("carol".to_owned(), 1)]);
    // Without ClearRamble the history stays.
    assert_eq!(texts_of(&a1.whole_history(&mut sim, "bob")), ["b1", "a2"]);
    // The next message brings it back, with only the new message unread.
    b.text(&mut sim, "alice", 4, "b2");
    assert_eq!(peers(&a1.conversations(&mut sim)), ["bob", "carol"]);
    assert_eq!(
        a1.unread_counts(&mut sim),
        [("bob".to_owned(), 1), ("carol".to_owned(), 1)]
    );
    // With ClearRamble the history goes, for alice only.
    a1.op(&mut sim, "recentcontact.batch_delete", del(1)).ok();
    assert!(a1.whole_history(&mut sim, "bob").is_empty());
    assert_eq!(
        texts_of(&b.whole_history(&mut sim, "alice")),
        ["b1", "a2", "b2"]
    );
    b.text(&mut sim, "alice", 5, "b3");
    assert_eq!(texts_of(&a1.whole_history(&mut sim, "bob")), ["b3"]);
    // Deleting what does not exist succeeds, quietly.
    let none = a1
        .op(
            &mut sim,
            "recentcontact.batch_delete",
            json!({"From_Account": "alice", "ContactItem": [{"To_Account": "zed", "Type": 1}], "ClearRamble": 1}),
        )
        .ok();
    assert_eq!(none.body()["ResultItem"][0]["ResultCode"], 0);
    assert!(none.others.is_empty());
}

fn groups_create_rename_members_delete<S: Store>(sim: Sim<S>) {
    let World {
        mut sim, mut a1, ..
    } = world(sim);
    let create = |name: &str, peers: &[&str]| {
        let items: Vec<Value> = peers
            .iter()
            .map(|p| json!({"Type": 1, "To_Account": p}))
            .collect();
        json!({"From_Account": "alice", "GroupContactItem": [{"GroupName": name, "ContactItem": items}]})
    };
    let out = a1
        .op(
            &mut sim,
            "recentcontact.create_contact_group",
            create("G1", &["bob"]),
        )
        .ok();
    assert_eq!(
        out.body()["GroupResultItem"],
        json!([{"GroupItem": {"GroupId": 1, "GroupName": "G1"},
                "ResultItem": [{"ContactItem": {"Type": 1, "To_Account": "bob"}, "ResultCode": 0, "ResultInfo": ""}]}])
    );
    assert_eq!(out.pushed_to(), [2].into());
    assert_eq!(
        contact_mod(&out, 2),
        json!({"PushType": 5, "RecentContactCreateContactGroup": {"MsgContactGroupContactItem": [
            {"MsgGroupItem": {"GroupId": 1, "GroupName": "G1"}, "MsgRecentContactItem": [{"Type": 1, "To_Account": "bob"}]}]}})
    );
    let cg = "recentcontact.create_contact_group";
    assert_eq!(
        a1.op(&mut sim, cg, create("G1", &[])).code(),
        50002,
        "name taken"
    );
    assert_eq!(a1.op(&mut sim, cg, create("", &[])).code(), 50002);
    assert_eq!(
        a1.op(&mut sim, cg, create(&"n".repeat(33), &[])).code(),
        51011
    );
    let two = json!({"From_Account": "alice", "GroupContactItem": [{"GroupName": "x"}, {"GroupName": "y"}]});
    assert_eq!(a1.op(&mut sim, cg, two).code(), 50002);
    // Add carol, remove bob.
    let update = |group_type: u8, extra: Value| {
        let mut g = json!({"UpdateGroupType": group_type, "OldGroupName": "G1"});
        for (k, v) in extra.as_object().unwrap() {
            g[k] = v.clone();
        }
        json!({"From_Account": "alice", "UpdateType": 1, "UpdateGroup": g})
    };
    let ug = "recentcontact.update_contact_group";
    let out = a1
        .op(
            &mut sim,
            ug,
            update(
                2,
                json!({"ContactUpdateItem": [
                {"ContactOptType": 1, "ContactItem": {"Type": 1, "To_Account": "carol"}},
                {"ContactOptType": 2, "ContactItem": {"Type": 1, "To_Account": "bob"}},
                {"ContactOptType": 1, "ContactItem": {"Type": 1, "To_Account": "carol"}},
                {"ContactOptType": 7, "ContactItem": {"Type": 1, "To_Account": "dave"}}]}),
            ),
        )
        .ok();
    let results: Vec<Value> = out.body()["UpdateGroupResult"]["ContactResultItem"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ResultCode"].clone())
        .collect();
    assert_eq!(results, [json!(0), json!(0), json!(0), json!(10004)]);
    assert_eq!(out.body()["UpdateGroupResult"]["GroupId"], 1);
    assert_eq!(
        contact_mod(&out, 2),
        json!({"PushType": 7, "RecentContactUpdateContactGroup": {"UpdateType": 1, "MsgUpdateGroup": {
            "UpdateGroupType": 2, "OldGroupName": "G1", "RecentContactUpdateGroupItem": [
                {"ContactOptType": 1, "RecentContactItem": {"Type": 1, "To_Account": "carol"}},
                {"ContactOptType": 2, "RecentContactItem": {"Type": 1, "To_Account": "bob"}}]}}})
    );
    // Rename.
    let out = a1
        .op(&mut sim, ug, update(1, json!({"NewGroupName": "G2"})))
        .ok();
    assert_eq!(out.body()["UpdateGroupResult"]["GroupId"], 1);
    assert_eq!(
        contact_mod(&out, 2),
        json!({"PushType": 7, "RecentContactUpdateContactGroup": {"UpdateType": 1, "MsgUpdateGroup": {
            "UpdateGroupType": 1, "GroupId": 1, "GroupName": "G2", "OldGroupName": "G1"}}})
    );
    assert_eq!(
        a1.op(&mut sim, ug, update(1, json!({"NewGroupName": "G3"})))
            .code(),
        51009,
        "G1 is gone"
    );
    a1.op(&mut sim, cg, create("Other", &["bob"])).ok();
    let rename_to_taken = json!({"From_Account": "alice", "UpdateType": 1,
        "UpdateGroup": {"UpdateGroupType": 1, "OldGroupName": "G2", "NewGroupName": "Other"}});
    assert_eq!(a1.op(&mut sim, ug, rename_to_taken).code(), 50002);
    let bad_type = json!({"From_Account": "alice", "UpdateType": 2, "UpdateGroup": {}});
    assert_eq!(a1.op(&mut sim, ug, bad_type).code(), 50002);
    // The whole state in one page.
    let got = a1
        .op(
            &mut sim,
            "recentcontact.get_contact_group",
            json!({"From_Account": "alice", "StartIndex": 0}),
        )
        .ok();
    assert_eq!(
        (
            got.body()["CompleteFlag"].clone(),
            got.body()["GroupItem"].clone(),
            got.body()["ContactItem"].clone()
        ),
        (
            json!(1),
            json!([{"GroupId": 1, "GroupName": "G2"}, {"GroupId": 2, "GroupName": "Other"}]),
            json!([{"Type": 1, "To_Account": "bob", "StandardMark": "0", "CustomMark": "", "ContactGroupId": [2]},
                   {"Type": 1, "To_Account": "carol", "StandardMark": "0", "CustomMark": "", "ContactGroupId": [1]}])
        )
    );
    // Delete; an ID is never given again.
    let out = a1
        .op(
            &mut sim,
            "recentcontact.del_contact_group",
            json!({"From_Account": "alice", "GroupName": ["G2"]}),
        )
        .ok();
    assert_eq!(
        out.body()["GroupItem"],
        json!([{"GroupId": 1, "GroupName": "G2"}])
    );
    assert_eq!(
        contact_mod(&out, 2),
        json!({"PushType": 6, "RecentContactDelContactGroup": {"MsgGroupItem": [{"GroupId": 1, "GroupName": "G2"}]}})
    );
    let again = a1.op(
        &mut sim,
        "recentcontact.del_contact_group",
        json!({"From_Account": "alice", "GroupName": ["G2"]}),
    );
    assert_eq!(again.code(), 51009);
    let out = a1.op(&mut sim, cg, create("G2", &[])).ok();
    assert_eq!(out.body()["GroupResultItem"][0]["GroupItem"]["GroupId"], 3);
}

/// Group conversations (`Type` 2, `ToGroupId`) go in conversation groups
/// beside C2C ones, keep their type in the reply, the push and the list,
/// and an unknown type is refused per item.
fn groups_hold_group_conversations<S: Store>(sim: Sim<S>) {
    let World {
        mut sim, mut a1, ..
    } = world(sim);
    let create = json!({"From_Account": "alice", "GroupContactItem": [{"GroupName": "Mixed", "ContactItem": [
        {"Type": 1, "To_Account": "bob"}, {"Type": 2, "ToGroupId": "w1"},
        {"Type": 2, "ToGroupId": "w1"}, {"Type": 3, "To_Account": "x"}, {"Type": 2, "ToGroupId": ""}]}]});
    let out = a1
        .op(&mut sim, "recentcontact.create_contact_group", create)
        .ok();
    let codes: Vec<Value> = out.body()["GroupResultItem"][0]["ResultItem"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ResultCode"].clone())
        .collect();
    assert_eq!(
        codes,
        [json!(0), json!(0), json!(0), json!(10004), json!(10015)]
    );
    assert_eq!(
        contact_mod(&out, 2)["RecentContactCreateContactGroup"]["MsgContactGroupContactItem"][0]
            ["MsgRecentContactItem"],
        json!([{"Type": 1, "To_Account": "bob"}, {"Type": 2, "ToGroupId": "w1"}])
    );
    // A C2C peer named like the group stays a different conversation.
    let update = json!({"From_Account": "alice", "UpdateType": 1, "UpdateGroup": {"UpdateGroupType": 2, "OldGroupName": "Mixed",
        "ContactUpdateItem": [{"ContactOptType": 1, "ContactItem": {"Type": 1, "To_Account": "w1"}},
                              {"ContactOptType": 2, "ContactItem": {"Type": 2, "ToGroupId": "w1"}}]}});
    let out = a1
        .op(&mut sim, "recentcontact.update_contact_group", update)
        .ok();
    assert_eq!(
        contact_mod(&out, 2)["RecentContactUpdateContactGroup"]["MsgUpdateGroup"]
            ["RecentContactUpdateGroupItem"],
        json!([{"ContactOptType": 1, "RecentContactItem": {"Type": 1, "To_Account": "w1"}},
               {"ContactOptType": 2, "RecentContactItem": {"Type": 2, "ToGroupId": "w1"}}])
    );
    let add_back = json!({"From_Account": "alice", "UpdateType": 1, "UpdateGroup": {"UpdateGroupType": 2, "OldGroupName": "Mixed",
        "ContactUpdateItem": [{"ContactOptType": 1, "ContactItem": {"Type": 2, "ToGroupId": "w1"}}]}});
    a1.op(&mut sim, "recentcontact.update_contact_group", add_back)
        .ok();
    let got = a1
        .op(
            &mut sim,
            "recentcontact.get_contact_group",
            json!({"From_Account": "alice", "StartIndex": 0}),
        )
        .ok();
    assert_eq!(
        got.body()["ContactItem"],
        json!([{"Type": 1, "To_Account": "bob", "StandardMark": "0", "CustomMark": "", "ContactGroupId": [1]},
               {"Type": 1, "To_Account": "w1", "StandardMark": "0", "CustomMark": "", "ContactGroupId": [1]},
               {"Type": 2, "To_Account": "", "ToGroupId": "w1", "StandardMark": "0", "CustomMark": "", "ContactGroupId": [1]}])
    );
}

fn group_limits<S: Store>(sim: Sim<S>) {
    let World {
        mut sim, mut a1, ..
    } = world(sim);
    let cg = "recentcontact.create_contact_group";
    for g in 0..20 {
        let peers: Vec<Value> = (0..50)
            .map(|i| json!({"Type": 1, "To_Account": format!("p{i}")}))
            .collect();
        let body = json!({"From_Account": "alice", "GroupContactItem": [{"GroupName": format!("g{g}"), "ContactItem": peers}]});
        a1.op(&mut sim, cg, body).ok();
    }
    // 20 groups of 50: 1,000 memberships, the most there may be.
    let one_more = json!({"From_Account": "alice", "GroupContactItem": [{"GroupName": "g20", "ContactItem": []}]});
    assert_eq!(a1.op(&mut sim, cg, one_more).code(), 51010);
    let add = json!({"From_Account": "alice", "UpdateType": 1, "UpdateGroup": {"UpdateGroupType": 2, "OldGroupName": "g0",
        "ContactUpdateItem": [{"ContactOptType": 1, "ContactItem": {"Type": 1, "To_Account": "new"}}]}});
    let out = a1
        .op(&mut sim, "recentcontact.update_contact_group", add)
        .ok();
    assert_eq!(
        out.body()["UpdateGroupResult"]["ContactResultItem"][0]["ResultCode"],
        51008
    );
    assert!(out.others.is_empty(), "nothing changed, nothing pushed");
}

/// One request may fill a group (1,000 conversations, as many as tcchat's
/// client lets through); one more is refused whole.
fn one_request_fills_a_group<S: Store>(sim: Sim<S>) {
    let World {
        mut sim, mut a1, ..
    } = world(sim);
    let items = |n: usize| -> Vec<Value> {
        (0..n)
            .map(|i| json!({"Type": 1, "To_Account": format!("p{i}")}))
            .collect()
    };
    let cg = "recentcontact.create_contact_group";
    let create = |name: &str, n: usize| json!({"From_Account": "alice", "GroupContactItem": [{"GroupName": name, "ContactItem": items(n)}]});
    assert_eq!(a1.op(&mut sim, cg, create("big", 1001)).code(), 10005);
    let out = a1.op(&mut sim, cg, create("big", 1000)).ok();
    let results = out.body()["GroupResultItem"][0]["ResultItem"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(results.len(), 1000);
    assert!(results.iter().all(|r| r["ResultCode"] == 0), "{results:?}");
    let update = |n: usize| {
        let ops: Vec<Value> = items(n)
            .into_iter()
            .map(|c| json!({"ContactOptType": 2, "ContactItem": c}))
            .collect();
        json!({"From_Account": "alice", "UpdateType": 1, "UpdateGroup": {"UpdateGroupType": 2, "OldGroupName": "big", "ContactUpdateItem": ops}})
    };
    let uc = "recentcontact.update_contact_group";
    assert_eq!(a1.op(&mut sim, uc, update(1001)).code(), 10005);
    let out = a1.op(&mut sim, uc, update(1000)).ok();
    let results = &out.body()["UpdateGroupResult"]["ContactResultItem"];
    assert_eq!(results.as_array().map(Vec::len), Some(1000), "{results}");
}

fn an_offline_instance_gets_the_conversation_changes_in_order<S: Store>(sim: Sim<S>) {
    let World {
        mut sim,
        mut a1,
        mut a2,
        mut b,
        ..
    } = world(sim);
    b.text(&mut sim, "alice", 1, "hi");
    let cookie = a2.getmsg(&mut sim, "").body["Cookie"]
        .as_str()
        .unwrap()
        .to_owned();
    sim.disconnect(2);
    a1.op(&mut sim, "recentcontact.top", pin(1, &["bob"])).ok();
    let create = json!({"From_Account": "alice", "GroupContactItem": [{"GroupName": "G", "ContactItem": [{"Type": 1, "To_Account": "bob"}]}]});
    a1.op(&mut sim, "recentcontact.create_contact_group", create)
        .ok();
    let read = json!({"C2CMsgReaded": {"Cookie": "", "C2CMsgReadedItem": [{"To_Account": "bob", "LastedMsgTime": sim.unix_s(), "Receipt": 0}]}});
    a1.op(&mut sim, "openim.msgreaded", read).ok();
    let mut a2 = Client::new(5, APP, "alice").on_platform(2);
    a2.login(&mut sim);
    let sync = a2.getmsg(&mut sim, &cookie);
    assert_eq!(sync.body["SyncFlag"], 2);
    let events = sync.body["EventArray"].as_array().unwrap();
    let kinds: Vec<Value> = events
        .iter()
        .map(|e| {
            e["RecentContactMod"][0]["PushType"]
                .clone()
                .as_u64()
                .map_or_else(|| json!("read"), |t| json!(t))
        })
        .collect();
    assert_eq!(kinds, [json!(2), json!(5), json!("read")]);
    assert!(events[2]["C2cNotifyMsgArray"][0]["ReadC2cMsgNotify"].is_object());
    assert_eq!(
        sync.body.get("C2CPairUnreadCount"),
        None,
        "read: nothing unread"
    );
    // The one that made the changes was not pushed them (it had its
    // replies), but its sync from before them carries them too: a reply can
    // be lost with its socket, or arrive after the client gave up, while the
    // change was applied (found by the simulation).
    let own = a1.getmsg(&mut sim, &cookie);
    assert_eq!(own.body["EventArray"].as_array().map(Vec::len), Some(3));
}

fn a_resent_request_gets_its_first_answer_again<S: Store>(sim: Sim<S>) {
    let World {
        mut sim, mut a1, ..
    } = world(sim);
    let head = a1.head("recentcontact.create_contact_group", sim.unix_s());
    let body = json!({"From_Account": "alice", "GroupContactItem": [{"GroupName": "G", "ContactItem": []}]});
    let first = frames(&sim.request(1, &head, &body));
    assert_eq!(
        first.len(),
        2,
        "the reply and the push to alice's other instance"
    );
    assert_eq!(first[0].body["ErrorCode"], 0);
    // The socket dies before the reply is read; the client re-logs in on a
    // new one and resends the request as it was (same seq).
    sim.disconnect(1);
    let mut again = a1.clone();
    again.conn = 9;
    again.connect(&mut sim);
    assert_eq!(again.relogin(&mut sim).body["ErrorCode"], 0);
    let second = frames(&sim.request(9, &head, &body));
    assert_eq!(
        second.len(),
        1,
        "the answer only, nothing redone: {second:?}"
    );
    assert_eq!(second[0].head.seq, head.seq);
    assert_eq!(second[0].raw_body, first[0].raw_body);
    let groups = again
        .op(
            &mut sim,
            "recentcontact.get_contact_group",
            json!({"From_Account": "alice", "StartIndex": 0}),
        )
        .ok();
    assert_eq!(
        groups.body()["GroupItem"],
        json!([{"GroupId": 1, "GroupName": "G"}])
    );
    // A new request (new seq) for the same name is refused as usual.
    let dup = again.op(&mut sim, "recentcontact.create_contact_group", body);
    assert_eq!(dup.code(), 50002);
}

on_both_stores!(
    the_list_has_last_messages_unread_counts_and_read_times,
    the_list_pages_by_100,
    pin_pushes_to_the_other_instance_and_sorts_first,
    delete_hides_until_the_next_message,
    groups_create_rename_members_delete,
    groups_hold_group_conversations,
    group_limits,
    one_request_fills_a_group,
    an_offline_instance_gets_the_conversation_changes_in_order,
    a_resent_request_gets_its_first_answer_again,
);
