//! Revoke, modify and delete of group messages through the engine
//! (PROTOCOL.md 8.8), on both stores: who may do what, the notices every
//! member gets (live, and through the sync when offline), history after
//! each operation, and the refusals with their codes.

mod common;

use std::time::Duration;

use common::ops::Outcome;
use common::*;
use serde_json::{json, Value};
use tcchat_server::store::Store;

const CREATE: &str = "group_open_http_svc.create_group";
const SEND: &str = "group_open_http_svc.send_group_msg";
const HISTORY: &str = "group_open_http_svc.group_msg_get";
const RECALL: &str = "group_open_http_svc.group_msg_recall";
const MODIFY: &str = "openim.modify_group_msg";
const DELETE: &str = "group_open_http_svc.delete_group_ramble_msg_by_seq";
const MODIFY_MEMBER: &str = "group_open_http_svc.modify_group_member_info";

/// alice (owner), bob and carol in the Public group `g`.
fn group<S: Store>(sim: &mut Sim<S>) -> (Client, Client, Client) {
    let mut alice = Client::new(1, APP, "alice");
    let mut bob = Client::new(2, APP, "bob");
    let mut carol = Client::new(3, APP, "carol");
    alice.login(sim);
    bob.login(sim);
    carol.login(sim);
    alice
        .op(
            sim,
            CREATE,
            json!({"Type": "Public", "Name": "G", "GroupId": "g",
            "MemberList": [{"Member_Account": "bob"}, {"Member_Account": "carol"}]}),
        )
        .ok();
    (alice, bob, carol)
}

/// Send a text; its group sequence.
fn send<S: Store>(c: &mut Client, sim: &mut Sim<S>, client_seq: u64, text: &str) -> u64 {
    let body = json!({"From_Account": c.user, "GroupId": "g", "Random": client_seq + 500,
        "ClientSeq": client_seq, "MsgPriority": "Normal",
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}],
        "CloudCustomData": "", "OnlineOnlyFlag": 0, "MsgClientTime": sim.unix_s()});
    c.op(sim, SEND, body).ok().body()["MsgSeq"]
        .as_u64()
        .unwrap()
}

fn recall<S: Store>(c: &mut Client, sim: &mut Sim<S>, seq: u64) -> Outcome {
    c.op(
        sim,
        RECALL,
        json!({"GroupId": "g", "MsgSeqList": [{"MsgSeq": seq}]}),
    )
}

/// The history items of `g` as `c` sees them, by sequence.
fn history<S: Store>(c: &mut Client, sim: &mut Sim<S>) -> Vec<Value> {
    let out = c
        .op(
            sim,
            HISTORY,
            json!({"GroupId": "g", "ReqMsgSeq": 0, "ReqMsgNumber": 20}),
        )
        .ok();
    let mut list = out.body()["RspMsgList"].as_array().unwrap().clone();
    list.sort_by_key(|m| m["MsgSeq"].as_u64());
    list
}

fn item_at(list: &[Value], seq: u64) -> &Value {
    list.iter().find(|m| m["MsgSeq"] == seq).unwrap()
}

/// The Event 5 revoke items pushed to `conn`.
fn revoked_to(out: &Outcome, conn: u64) -> Vec<Value> {
    out.events_to(conn)
        .iter()
        .filter(|e| e["Event"] == 5)
        .flat_map(|e| {
            e["GroupTips"][0]["MsgBody"]["GroupWithdrawInfoArray"]
                .as_array()
                .cloned()
        })
        .flatten()
        .collect()
}

fn sender_owner_and_admin_revoke_members_do_not<S: Store>(mut sim: Sim<S>) {
    let (mut alice, mut bob, mut carol) = group(&mut sim);
    let s1 = send(&mut bob, &mut sim, 1, "one");
    let s2 = send(&mut bob, &mut sim, 2, "two");
    let s3 = send(&mut alice, &mut sim, 3, "three");

    // carol, a plain member, may not revoke bob's message.
    let out = recall(&mut carol, &mut sim, s1);
    assert_eq!(out.code(), 10007, "{}", out.body());
    assert!(out.others.is_empty());

    // The sender revokes: every other member is told, with what the
    // official SDK builds the message ID from.
    let out = recall(&mut bob, &mut sim, s1).ok();
    assert_eq!(
        out.body()["RecallRetList"],
        json!([{"MsgSeq": s1, "RetCode": 0}])
    );
    assert!(
        revoked_to(&out, 2).is_empty(),
        "the revoking socket has its reply"
    );
    for conn in [1, 3] {
        let infos = revoked_to(&out, conn);
        assert_eq!(infos.len(), 1, "conn {conn}");
        let i = &infos[0];
        assert_eq!(i["GroupId"], "g");
        assert_eq!(i["MsgSeq"], s1);
        assert_eq!(i["MsgRandom"], 501);
        assert_eq!(i["From_Account"], "bob");
        assert!(!i["TinyId"].as_str().unwrap().is_empty());
        assert!(i["MsgClientTime"].as_u64().unwrap() > 0);
        assert_eq!(i["RevokerInfo"]["Revoker_Account"], "bob");
    }
    // Again: OK, nothing new.
    let out = recall(&mut bob, &mut sim, s1).ok();
    assert!(out.others.is_empty());

    // The owner revokes a member's message; after carol becomes admin she
    // revokes the owner's.
    let out = recall(&mut alice, &mut sim, s2).ok();
    assert_eq!(
        revoked_to(&out, 2)[0]["RevokerInfo"]["Revoker_Account"],
        "alice"
    );
    alice
        .op(
            &mut sim,
            MODIFY_MEMBER,
            json!({"GroupId": "g", "Member_Account": "carol", "Role": "Admin"}),
        )
        .ok();
    recall(&mut carol, &mut sim, s3).ok();

    // History shows the three revoked, with the revoker.
    let list = history(&mut bob, &mut sim);
    for (seq, by) in [(s1, "bob"), (s2, "alice"), (s3, "carol")] {
        let m = item_at(&list, seq);
        assert_eq!(m["MsgFlagBits"], 8, "{m}");
        assert_eq!(m["RevokerInfo"]["Revoker_Account"], by);
    }

    // Refusals: no such sequence, a tip's sequence, an empty list, a
    // non-member, an unknown group.
    assert_eq!(recall(&mut bob, &mut sim, 999).code(), 10030);
    assert_eq!(recall(&mut bob, &mut sim, 0).code(), 10030);
    let out = bob.op(&mut sim, RECALL, json!({"GroupId": "g", "MsgSeqList": []}));
    assert_eq!(out.code(), 10004);
    let mut dave = Client::new(4, APP, "dave");
    dave.login(&mut sim);
    assert_eq!(recall(&mut dave, &mut sim, s1).code(), 10007);
    let out = bob.op(
        &mut sim,
        RECALL,
        json!({"GroupId": "nope", "MsgSeqList": [{"MsgSeq": 1}]}),
    );
    assert_eq!(out.code(), 10010);
}

fn revoke_window_and_the_sync_of_an_offline_member<S: Store>(sim: Sim<S>) {
    let store = sim.engine.into_store();
    let config = tcchat_server::engine::EngineConfig {
        revoke_time_limit: Some(Duration::from_secs(120)),
        idle_timeout: Duration::from_secs(600),
        ..config()
    };
    let mut sim = Sim::with(config, store);
    let (mut alice, mut bob, _carol) = group(&mut sim);
    let late = send(&mut bob, &mut sim, 1, "late");
    let in_time = send(&mut bob, &mut sim, 2, "in time");
    sim.advance(Duration::from_secs(121));
    // Also for the owner: the window holds for everyone.
    assert_eq!(recall(&mut alice, &mut sim, late).code(), 10031);
    let s3 = send(&mut bob, &mut sim, 3, "fresh");
    assert_ne!(in_time, s3);
    // alice is offline while bob revokes; her sync brings the notice.
    sim.disconnect(alice.conn);
    let out = recall(&mut bob, &mut sim, s3).ok();
    assert!(revoked_to(&out, 1).is_empty());
    alice.connect(&mut sim);
    alice.relogin(&mut sim);
    let sync = alice.getmsg(&mut sim, "");
    let seqs: Vec<u64> = sync.body["EventArray"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| {
            e["GroupTips"][0]["MsgBody"]["GroupWithdrawInfoArray"][0]["MsgSeq"].as_u64()
        })
        .collect();
    assert_eq!(seqs, [s3], "{}", sync.body);
}

fn modify_follows_the_c2c_version_rule<S: Store>(mut sim: Sim<S>) {
    let (mut alice, mut bob, mut carol) = group(&mut sim);
    let seq = send(&mut bob, &mut sim, 1, "draft");
    let body = |text: &str, version: u64| {
        json!({"GroupId": "g", "MsgSeq": seq, "MsgVersion": version,
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}],
            "CloudCustomData": "c"})
    };
    let out = bob.op(&mut sim, MODIFY, body("v1", 0)).ok();
    assert_eq!(out.body()["MsgVersion"], 1);
    assert_eq!(out.body()["MsgBody"][0]["MsgContent"]["Text"], "v1");
    for conn in [1, 3] {
        let ev: Vec<Value> = out
            .events_to(conn)
            .into_iter()
            .filter(|e| e["GroupMsgModNotifys"].is_array())
            .collect();
        assert_eq!(ev.len(), 1, "conn {conn}");
        let n = &ev[0]["GroupMsgModNotifys"][0];
        assert_eq!(ev[0]["Event"], 23);
        assert_eq!(n["GroupId"], "g");
        assert_eq!(n["From_Account"], "bob");
        assert_eq!(n["MsgSeq"], seq);
        assert_eq!(n["MsgVersion"], 1);
        assert_eq!(n["MsgBody"][0]["MsgContent"]["Text"], "v1");
    }
    // The same request again (a lost reply): OK, nothing new.
    let out = bob.op(&mut sim, MODIFY, body("v1", 0)).ok();
    assert_eq!(out.body()["MsgVersion"], 1);
    assert!(out.others.is_empty());
    // carol edits from the stale version 0: a conflict carrying version 1.
    let out = carol.op(&mut sim, MODIFY, body("v2?", 0));
    assert_eq!(out.code(), 20027);
    assert_eq!(out.body()["MsgVersion"], 1);
    assert_eq!(out.body()["MsgBody"][0]["MsgContent"]["Text"], "v1");
    assert!(out.others.is_empty());
    // From version 1 she may.
    carol.op(&mut sim, MODIFY, body("v2", 1)).ok();
    let list = history(&mut alice, &mut sim);
    let m = item_at(&list, seq);
    assert_eq!(m["MsgVersion"], 2);
    assert_eq!(m["MsgBody"][0]["MsgContent"]["Text"], "v2");
    // A revoked message cannot be modified.
    recall(&mut bob, &mut sim, seq).ok();
    assert_eq!(bob.op(&mut sim, MODIFY, body("v3", 2)).code(), 20023);
    // Bad bodies and unknown sequences.
    let out = bob.op(
        &mut sim,
        MODIFY,
        json!({"GroupId": "g", "MsgSeq": 999, "MsgVersion": 0,
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "x"}}]}),
    );
    assert_eq!(out.code(), 10030);
}

fn delete_hides_for_the_caller_only<S: Store>(mut sim: Sim<S>) {
    let (mut alice, mut bob, _carol) = group(&mut sim);
    let s1 = send(&mut bob, &mut sim, 1, "one");
    let s2 = send(&mut alice, &mut sim, 2, "two");
    let out = bob
        .op(
            &mut sim,
            DELETE,
            json!({"GroupId": "g", "Deleter_Account": "bob", "Seqs": [s1.to_string(), s2.to_string(), "999"]}),
        )
        .ok();
    assert!(out.others.is_empty(), "nobody is told");
    let mine = history(&mut bob, &mut sim);
    for seq in [s1, s2] {
        let m = item_at(&mine, seq);
        assert_eq!(m["IsPlaceMsg"], 1, "{m}");
        assert!(m
            .get("MsgBody")
            .is_none_or(|b| b.as_array().is_some_and(|a| a.is_empty())));
    }
    let theirs = history(&mut alice, &mut sim);
    assert_eq!(
        item_at(&theirs, s1)["MsgBody"][0]["MsgContent"]["Text"],
        "one"
    );
    // Deleted messages are gone for bob's revoke and modify too.
    assert_eq!(recall(&mut bob, &mut sim, s1).code(), 10030);
    // A resend succeeds; a number is taken too; the deleter must be the caller.
    bob.op(
        &mut sim,
        DELETE,
        json!({"GroupId": "g", "Deleter_Account": "bob", "Seqs": [s1]}),
    )
    .ok();
    let out = bob.op(
        &mut sim,
        DELETE,
        json!({"GroupId": "g", "Deleter_Account": "alice", "Seqs": ["1"]}),
    );
    assert_eq!(out.code(), 20003);
    let out = bob.op(&mut sim, DELETE, json!({"GroupId": "g", "Seqs": ["x"]}));
    assert_eq!(out.code(), 10004);
    let many: Vec<String> = (1..=31).map(|n| n.to_string()).collect();
    let out = bob.op(&mut sim, DELETE, json!({"GroupId": "g", "Seqs": many}));
    assert_eq!(out.code(), 10005);
}

on_both_stores!(
    sender_owner_and_admin_revoke_members_do_not,
    revoke_window_and_the_sync_of_an_offline_member,
    modify_follows_the_c2c_version_rule,
    delete_hides_for_the_caller_only,
);
