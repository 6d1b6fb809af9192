//! Message operations end to end through the engine, with raw frames:
//! revoke, modify, delete, history, read reports, read receipts and
//! extensions; who gets which push; notifications queued for offline
//! instances and delivered by getmsg exactly once. Every scenario runs on
//! both stores.

mod common;

use std::time::Duration;

use common::ops::{key, texts_of, Outcome};
use common::*;
use serde_json::{json, Value};
use tcchat_server::codes;
use tcchat_server::store::Store;

/// alice on two instances (connections 1 and 2), bob on connection 3.
struct World<S: Store> {
    sim: Sim<S>,
    a1: Client,
    a2: Client,
    b: Client,
}

fn world<S: Store>(mut sim: Sim<S>) -> World<S> {
    let mut a1 = Client::new(1, APP, "alice");
    a1.login(&mut sim);
    // Another platform class, so that the default policy kicks nobody.
    let mut a2 = Client::new(2, APP, "alice").on_platform(2);
    a2.login(&mut sim);
    let mut b = Client::new(3, APP, "bob");
    b.login(&mut sim);
    sim.advance(Duration::from_secs(1));
    World { sim, a1, a2, b }
}

/// The single event of the single push to `conn` (with its push body).
fn only_event(out: &Outcome, conn: u64) -> (Value, Value) {
    let pushes = out.pushes_to(conn);
    assert_eq!(pushes.len(), 1, "one push to {conn}: {:?}", out.others);
    let body = pushes[0].body.clone();
    assert_eq!(body["NeedAck"], 1);
    assert!(body["SessionData"].as_str().is_some_and(|s| !s.is_empty()));
    let events = body["EventArray"].as_array().unwrap();
    assert_eq!(events.len(), 1);
    (events[0].clone(), body)
}

fn sent_flags_reach_the_push_the_sync_and_the_history<S: Store>(sim: Sim<S>) {
    let World {
        mut sim,
        mut a1,
        mut b,
        ..
    } = world(sim);
    let out = a1.send_flagged(&mut sim, "bob", 11, 22, "flagged", true, true);
    assert!(
        out.body().get("StoredMsg").is_none(),
        "only a duplicate has it"
    );
    let (event, _) = only_event(&out, 3);
    let item = &event["C2cMsgArray"][0];
    assert_eq!(item["IsNeedReadReceipt"], 1);
    assert_eq!(item["SupportMessageExtension"], 1);
    let plain = a1.send_flagged(&mut sim, "bob", 12, 23, "plain", false, false);
    let (event, _) = only_event(&plain, 3);
    let item = &event["C2cMsgArray"][0];
    assert!(
        item.get("IsNeedReadReceipt").is_none() && item.get("SupportMessageExtension").is_none()
    );
    let sync = b.getmsg(&mut sim, "");
    assert_eq!(sync.body["MsgList"][0]["IsNeedReadReceipt"], 1);
    assert_eq!(sync.body["MsgList"][0]["SupportMessageExtension"], 1);
    let history = b.whole_history(&mut sim, "alice");
    assert_eq!(texts_of(&history), ["flagged", "plain"]);
    assert_eq!(history[0]["IsNeedReadReceipt"], 1);
    assert_eq!(history[0]["SupportMessageExtension"], 1);
}

fn revoke_pushes_to_the_peer_and_the_other_instance_only<S: Store>(sim: Sim<S>) {
    let World {
        mut sim,
        mut a1,
        mut b,
        ..
    } = world(sim);
    let sent = a1.send_flagged(&mut sim, "bob", 1805450002, 26098065, "oops", false, false);
    let time = sent.body()["MsgTime"].as_u64().unwrap();
    let info = json!({"MsgInfo": {"From_Account": "alice", "To_Account": "bob", "MsgSeq": 1805450002u64,
                                  "MsgRandom": 26098065, "MsgTimeStamp": time}});
    // Only the sender may revoke.
    assert_eq!(
        b.op(&mut sim, "openim.msgwithdraw", info.clone()).code(),
        10007
    );
    let out = a1.op(&mut sim, "openim.msgwithdraw", info.clone()).ok();
    assert_eq!(
        out.pushed_to(),
        [2, 3].into(),
        "the peer and alice's other instance"
    );
    let (event, _) = only_event(&out, 3);
    assert_eq!(
        event,
        json!({"Event": 9, "C2cNotifyMsgArray": [{"WithdrawC2cMsgNotify": {"C2cWithdrawInfoArray": [{
            "From_Account": "alice", "To_Account": "bob", "MsgSeq": 1805450002u64, "MsgRandom": 26098065,
            "MsgTimeStamp": time, "MsgClientTime": time, "TinyId": a1.tiny_id,
            "RevokerInfo": {"Revoker_Account": "alice", "Reason": ""}}]}}]})
    );
    assert_eq!(only_event(&out, 2).0, event);
    // Again: OK (a resent revoke must succeed), and nobody hears of it.
    let again = a1.op(&mut sim, "openim.msgwithdraw", info).ok();
    assert!(again.others.is_empty());
    // History: flagged, for both parties.
    for c in [&mut a1, &mut b] {
        let h = c.whole_history(&mut sim, if c.user == "bob" { "alice" } else { "bob" });
        assert_eq!(h[0]["MsgFlagBits"], 8);
        assert_eq!(
            h[0]["RevokerInfo"],
            json!({"Revoker_Account": "alice", "Reason": ""})
        );
    }
    // Unknown message: wrong seq, or wrong time.
    for bad in [
        json!({"MsgInfo": {"From_Account": "alice", "To_Account": "bob", "MsgSeq": 1, "MsgRandom": 26098065, "MsgTimeStamp": time}}),
        json!({"MsgInfo": {"From_Account": "alice", "To_Account": "bob", "MsgSeq": 1805450002u64, "MsgRandom": 26098065, "MsgTimeStamp": time + 1}}),
        json!({"MsgInfo": {"From_Account": "alice", "To_Account": "carol", "MsgSeq": 1805450002u64, "MsgRandom": 26098065, "MsgTimeStamp": time}}),
    ] {
        assert_eq!(a1.op(&mut sim, "openim.msgwithdraw", bad).code(), 20022);
    }
}

fn revoke_time_limit_when_configured<S: Store>(sim: Sim<S>) {
    let store = sim.engine.into_store();
    let config = tcchat_server::engine::EngineConfig {
        revoke_time_limit: Some(Duration::from_secs(120)),
        idle_timeout: Duration::from_secs(600),
        ..config()
    };
    let World {
        mut sim, mut a1, ..
    } = world(Sim::with(config, store));
    let time = a1.text(&mut sim, "bob", 5, "late");
    let info = json!({"MsgInfo": {"From_Account": "alice", "To_Account": "bob", "MsgSeq": 5, "MsgRandom": 1005, "MsgTimeStamp": time}});
    sim.advance(Duration::from_secs(120));
    let in_time = a1.op(&mut sim, "openim.msgwithdraw", info).ok();
    assert!(!in_time.others.is_empty());
    let time = a1.text(&mut sim, "bob", 6, "too late");
    let info = json!({"MsgInfo": {"From_Account": "alice", "To_Account": "bob", "MsgSeq": 6, "MsgRandom": 1006, "MsgTimeStamp": time}});
    sim.advance(Duration::from_secs(121));
    let out = a1.op(&mut sim, "openim.msgwithdraw", info);
    assert_eq!(out.code(), u64::from(codes::REVOKE_TIME_LIMIT));
    assert!(out.others.is_empty());
}

fn modify_with_versions_and_conflicts<S: Store>(sim: Sim<S>) {
    let World {
        mut sim,
        mut a1,
        mut b,
        ..
    } = world(sim);
    let time = a1.text(&mut sim, "bob", 1805450001, "m1");
    let modify = |version: u64, text: &str, ccd: &str| {
        json!({"From_Account": "alice", "To_Account": "bob", "MsgSeq": 1805450001u64, "MsgRandom": 1805451001u64,
               "MsgTime": time, "MsgVersion": version,
               "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}], "CloudCustomData": ccd})
    };
    let out = a1
        .op(
            &mut sim,
            "openim.modify_c2c_msg",
            modify(0, "m1 edited", ""),
        )
        .ok();
    assert_eq!(out.body()["MsgVersion"], 1);
    assert_eq!(out.body()["MsgBody"][0]["MsgContent"]["Text"], "m1 edited");
    assert_eq!(out.pushed_to(), [2, 3].into());
    let (event, _) = only_event(&out, 3);
    assert_eq!(event["Event"], 23);
    let item = &event["C2cMsgModNotifys"][0];
    assert_eq!(item["MsgVersion"], 1);
    assert_eq!(item["TinyId"], a1.tiny_id);
    assert_eq!(item["MsgClientTime"], time);
    assert_eq!(item["MsgTimeStamp"], time);
    assert!(!item["MsgKey"].as_str().unwrap().is_empty());
    assert_eq!(item["MsgBody"][0]["MsgContent"]["Text"], "m1 edited");
    // The same request again (its reply lost): OK as before, no news.
    let resent = a1
        .op(
            &mut sim,
            "openim.modify_c2c_msg",
            modify(0, "m1 edited", ""),
        )
        .ok();
    assert_eq!(resent.body()["MsgVersion"], 1);
    assert!(resent.others.is_empty());
    // The peer may modify too, naming the current version.
    let out = b
        .op(
            &mut sim,
            "openim.modify_c2c_msg",
            modify(1, "v2 by bob", "srv"),
        )
        .ok();
    assert_eq!(out.body()["MsgVersion"], 2);
    assert_eq!(out.pushed_to(), [1, 2].into(), "both of alice's instances");
    // A stale version: 20027 with the server's version, and no push.
    let conflict = a1.op(&mut sim, "openim.modify_c2c_msg", modify(1, "stale", ""));
    assert_eq!(conflict.code(), 20027);
    assert_eq!(conflict.body()["MsgVersion"], 2);
    assert_eq!(conflict.body()["CloudCustomData"], "srv");
    assert_eq!(
        conflict.body()["MsgBody"][0]["MsgContent"]["Text"],
        "v2 by bob"
    );
    assert!(conflict.others.is_empty());
    // History shows the last version.
    let h = a1.whole_history(&mut sim, "bob");
    assert_eq!(h[0]["MsgVersion"], 2);
    assert_eq!(h[0]["MsgBody"][0]["MsgContent"]["Text"], "v2 by bob");
    // The first sendmsg again (its reply lost; a new request, not a
    // replay): a duplicate, answered with its first time and, ours, the
    // message as stored now.
    let resend = a1.send_flagged(&mut sim, "bob", 1805450001, 1805451001, "m1", false, false);
    assert_eq!(resend.body()["MsgTime"], time);
    let stored = &resend.body()["StoredMsg"];
    assert_eq!(stored["MsgVersion"], 2);
    assert_eq!(stored["MsgBody"][0]["MsgContent"]["Text"], "v2 by bob");
    assert_eq!(stored["CloudCustomData"], "srv");
    assert!(resend.others.is_empty(), "no push for a duplicate");
    // Bad bodies, unknown messages, revoked messages.
    let mut empty = modify(2, "x", "");
    empty["MsgBody"] = json!([]);
    assert_eq!(
        a1.op(&mut sim, "openim.modify_c2c_msg", empty).code(),
        10004
    );
    let huge = modify(2, &"x".repeat(13 * 1024), "");
    assert_eq!(a1.op(&mut sim, "openim.modify_c2c_msg", huge).code(), 80002);
    let mut unknown = modify(2, "x", "");
    unknown["MsgSeq"] = json!(7);
    assert_eq!(
        a1.op(&mut sim, "openim.modify_c2c_msg", unknown).code(),
        20022
    );
    let mut carol = Client::new(4, APP, "carol");
    carol.login(&mut sim);
    assert_eq!(
        carol
            .op(&mut sim, "openim.modify_c2c_msg", modify(2, "x", ""))
            .code(),
        10007
    );
    let revoke = json!({"MsgInfo": {"From_Account": "alice", "To_Account": "bob", "MsgSeq": 1805450001u64,
                                    "MsgRandom": 1805451001u64, "MsgTimeStamp": time}});
    a1.op(&mut sim, "openim.msgwithdraw", revoke).ok();
    assert_eq!(
        a1.op(&mut sim, "openim.modify_c2c_msg", modify(2, "x", ""))
            .code(),
        20023
    );
}

fn delete_hides_messages_from_the_deleter_only<S: Store>(sim: Sim<S>) {
    let World {
        mut sim,
        mut a1,
        mut b,
        ..
    } = world(sim);
    let t1 = a1.text(&mut sim, "bob", 1, "m1");
    let t2 = b.text(&mut sim, "alice", 2, "m2");
    let _t3 = a1.text(&mut sim, "bob", 3, "m3");
    let del = |keys: Vec<String>| json!({"From_Account": "alice", "To_Account": "bob", "MsgKeyList": keys});
    // One of alice's and one of bob's messages, plus a key naming nothing.
    let out = a1
        .op(
            &mut sim,
            "openim.delete_c2c_msg_ramble",
            del(vec![key(1, 1001, t1), key(2, 1002, t2), key(9, 9, t1)]),
        )
        .ok();
    assert!(out.others.is_empty(), "no multi-device delete sync");
    assert_eq!(texts_of(&a1.whole_history(&mut sim, "bob")), ["m3"]);
    assert_eq!(
        texts_of(&b.whole_history(&mut sim, "alice")),
        ["m1", "m2", "m3"]
    );
    // Again: still OK.
    a1.op(
        &mut sim,
        "openim.delete_c2c_msg_ramble",
        del(vec![key(1, 1001, t1)]),
    )
    .ok();
    let bad = a1.op(
        &mut sim,
        "openim.delete_c2c_msg_ramble",
        del(vec!["1_2".into()]),
    );
    assert_eq!(bad.code(), 10004);
    let many = a1.op(
        &mut sim,
        "openim.delete_c2c_msg_ramble",
        del((0..101).map(|i| key(i, i, t1)).collect()),
    );
    assert_eq!(many.code(), 10005);
    let other = a1.op(
        &mut sim,
        "openim.delete_c2c_msg_ramble",
        json!({"From_Account": "bob", "To_Account": "alice", "MsgKeyList": []}),
    );
    assert_eq!(other.code(), 20003);
}

fn history_pages_newest_first_each_page_oldest_first<S: Store>(sim: Sim<S>) {
    let World {
        mut sim,
        mut a1,
        mut b,
        ..
    } = world(sim);
    for i in 0..25u64 {
        if i % 2 == 0 {
            a1.text(&mut sim, "bob", i + 1, &format!("m{i}"));
        } else {
            b.text(&mut sim, "alice", i + 1, &format!("m{i}"));
        }
        sim.advance(Duration::from_secs(1));
    }
    let p1 = a1.roam(&mut sim, "bob", 15, ("", 0)).ok();
    let list = p1.body()["MsgList"].as_array().unwrap().clone();
    assert_eq!(p1.body()["Complete"], 0);
    let want: Vec<String> = (10..25).map(|i| format!("m{i}")).collect();
    assert_eq!(texts_of(&list), want);
    assert_eq!(p1.body()["MsgKey"], list[0]["MsgKey"]);
    assert_eq!(p1.body()["LastMsgTime"], list[0]["MsgTimeStamp"]);
    let cursor = (
        p1.body()["MsgKey"].as_str().unwrap().to_owned(),
        p1.body()["LastMsgTime"].as_u64().unwrap(),
    );
    let p2 = a1.roam(&mut sim, "bob", 15, (&cursor.0, cursor.1)).ok();
    assert_eq!(p2.body()["Complete"], 1);
    let want: Vec<String> = (0..10).map(|i| format!("m{i}")).collect();
    assert_eq!(texts_of(p2.body()["MsgList"].as_array().unwrap()), want);
    // Both directions, with the official item keys.
    let first = &p2.body()["MsgList"][0];
    for k in [
        "From_Account",
        "To_Account",
        "MsgSeq",
        "MsgRandom",
        "MsgTimeStamp",
        "MsgClientTime",
        "TinyId",
        "MsgKey",
        "MsgBody",
    ] {
        assert!(first.get(k).is_some(), "{k}");
    }
    // MaxCnt is capped at 100, 0 means 15.
    let big = a1.roam(&mut sim, "bob", 5000, ("", 0)).ok();
    assert_eq!(big.body()["MsgList"].as_array().unwrap().len(), 25);
    assert_eq!(big.body()["Complete"], 1);
    let dflt = a1.roam(&mut sim, "bob", 0, ("", 0)).ok();
    assert_eq!(dflt.body()["MsgList"].as_array().unwrap().len(), 15);
    // An empty conversation, and cursors that are not this conversation's.
    let none = a1.roam(&mut sim, "nobody", 15, ("", 0)).ok();
    assert_eq!(
        (
            none.body()["Complete"].clone(),
            none.body()["MsgList"].clone(),
            none.body()["MsgKey"].clone()
        ),
        (json!(1), json!([]), json!(""))
    );
    assert_eq!(a1.roam(&mut sim, "bob", 15, ("junk", 1)).code(), 10004);
    assert_eq!(
        a1.roam(&mut sim, "nobody", 15, (&cursor.0, cursor.1))
            .code(),
        10004
    );
    // GetDirection 1 (the official SDK's recovery after a re-login): the
    // oldest messages newer than the cursor, oldest first, the cursor at
    // the newest returned.
    let newer = |c: &mut Client, sim: &mut Sim<S>, max: u32, key: &str, time: u64, dir: u8| {
        c.op(
            sim,
            "openim.getroammsg",
            json!({"Peer_Account": "bob", "MaxCnt": max, "LastMsgTime": time, "MsgKey": key,
                   "WithRecalledMsg": 1, "GetDirection": dir}),
        )
    };
    let m12 = &list[2];
    assert_eq!(texts_of(std::slice::from_ref(m12)), ["m12"]);
    let key12 = m12["MsgKey"].as_str().unwrap();
    let up = newer(&mut a1, &mut sim, 5, key12, 0, 1).ok();
    let want: Vec<String> = (13..18).map(|i| format!("m{i}")).collect();
    assert_eq!(texts_of(up.body()["MsgList"].as_array().unwrap()), want);
    assert_eq!(up.body()["Complete"], 0);
    assert_eq!(up.body()["MsgKey"], up.body()["MsgList"][4]["MsgKey"]);
    let up = newer(&mut a1, &mut sim, 16, key12, 0, 1).ok();
    assert_eq!(up.body()["MsgList"].as_array().unwrap().len(), 12);
    assert_eq!(up.body()["Complete"], 1);
    // By time when the key names nothing: that second included.
    let t20 = list[10]["MsgTimeStamp"].as_u64().unwrap();
    for key in ["", "not-a-key"] {
        let up = newer(&mut a1, &mut sim, 16, key, t20, 1).ok();
        let want: Vec<String> = (20..25).map(|i| format!("m{i}")).collect();
        assert_eq!(texts_of(up.body()["MsgList"].as_array().unwrap()), want);
    }
    assert_eq!(newer(&mut a1, &mut sim, 16, "", 0, 2).code(), 10004);
}

fn history_pages_stay_small_with_large_messages<S: Store>(sim: Sim<S>) {
    let World {
        mut sim, mut a1, ..
    } = world(sim);
    let text = "y".repeat(11 * 1024);
    for i in 0..40 {
        a1.text(&mut sim, "bob", i + 1, &text);
    }
    let page = a1.roam(&mut sim, "bob", 100, ("", 0)).ok();
    let n = page.body()["MsgList"].as_array().unwrap().len();
    assert!(n > 1 && n < 40, "{n} messages of 11 KiB in one page");
    assert_eq!(page.body()["Complete"], 0);
    assert!(page.reply.raw_body.len() < 300 * 1024);
    assert_eq!(a1.whole_history(&mut sim, "bob").len(), 40);
}

fn read_reports_reach_the_peer_and_the_other_instance<S: Store>(sim: Sim<S>) {
    let World {
        mut sim,
        mut a1,
        mut b,
        ..
    } = world(sim);
    let t = b.text(&mut sim, "alice", 1, "read me");
    b.text(&mut sim, "alice", 2, "and me");
    let read = |time: u64, receipt: u8| json!({"C2CMsgReaded": {"Cookie": "", "C2CMsgReadedItem": [{"To_Account": "bob", "LastedMsgTime": time, "Receipt": receipt}]}});
    let out = a1.op(&mut sim, "openim.msgreaded", read(t, 1)).ok();
    assert_eq!(out.pushed_to(), [2, 3].into());
    assert_eq!(
        only_event(&out, 3).0,
        json!({"Event": 9, "C2cNotifyMsgArray": [{"C2cReadedReceipt": {"To_Account": "alice", "UinPairReadArray": [{"LastReadTime": t}]}}]})
    );
    assert_eq!(
        only_event(&out, 2).0,
        json!({"Event": 9, "C2cNotifyMsgArray": [{"ReadC2cMsgNotify": {"UinPairReadArray": [{"From_Account": "bob", "LastReadTime": t}]}}]})
    );
    let times = b
        .op(
            &mut sim,
            "openim.get_peer_read_time",
            json!({"To_Account": ["alice", "carol"]}),
        )
        .ok();
    assert_eq!(times.body()["ReadTime"], json!([t, 0]));
    // Never backwards, and no news then.
    let back = a1.op(&mut sim, "openim.msgreaded", read(t - 10, 1)).ok();
    assert!(back.others.is_empty());
    // Without Receipt the peer hears nothing; a time in the future is cut
    // to the server's clock.
    sim.advance(Duration::from_secs(5));
    let now = sim.unix_s();
    let quiet = a1
        .op(&mut sim, "openim.msgreaded", read(now + 1000, 0))
        .ok();
    assert_eq!(quiet.pushed_to(), [2].into());
    let times = b
        .op(
            &mut sim,
            "openim.get_peer_read_time",
            json!({"To_Account": ["alice"]}),
        )
        .ok();
    assert_eq!(times.body()["ReadTime"], json!([now]));
    // A peer alice has no message with: nothing to read, nothing stored,
    // nobody told (not even with a receipt), also when a pin made a
    // conversation record for it.
    let stranger = json!({"C2CMsgReaded": {"Cookie": "", "C2CMsgReadedItem": [{"To_Account": "stranger", "LastedMsgTime": now, "Receipt": 1}]}});
    let out = a1.op(&mut sim, "openim.msgreaded", stranger).ok();
    assert!(out.others.is_empty(), "{:?}", out.pushed_to());
    let pinned = json!({"From_Account": "alice", "OperationType": 1, "RecentContactItem": [{"Type": 1, "To_Account": "pinned"}]});
    a1.op(&mut sim, "recentcontact.top", pinned).ok();
    let read_pinned = json!({"C2CMsgReaded": {"Cookie": "", "C2CMsgReadedItem": [{"To_Account": "pinned", "LastedMsgTime": now, "Receipt": 1}]}});
    let out = a1.op(&mut sim, "openim.msgreaded", read_pinned).ok();
    assert!(out.others.is_empty(), "{:?}", out.pushed_to());
    let list = a1
        .op(
            &mut sim,
            "recentcontact.page_get",
            json!({"From_Account": "alice", "TimeStamp": 0, "StartIndex": 0, "TopTimeStamp": 0, "TopStartIndex": 0}),
        )
        .ok();
    assert!(!list.reply.raw_body.contains("stranger"), "{list:?}");
    let many: Vec<String> = (0..1001).map(|i| format!("u{i}")).collect();
    assert_eq!(
        b.op(
            &mut sim,
            "openim.get_peer_read_time",
            json!({ "To_Account": many })
        )
        .code(),
        10005
    );
}

fn read_receipts_reach_the_sender_once<S: Store>(sim: Sim<S>) {
    let World {
        mut sim,
        mut a1,
        mut b,
        ..
    } = world(sim);
    let sent = a1.send_flagged(
        &mut sim,
        "bob",
        1808050001,
        68176904,
        "receipt please",
        true,
        false,
    );
    let t = sent.body()["MsgTime"].as_u64().unwrap();
    let plain_t = a1.text(&mut sim, "bob", 7, "no receipt wanted");
    sim.advance(Duration::from_secs(2));
    let receipt = |seq: u64, random: u64, time: u64| {
        json!({"Peer_Account": "alice", "C2CMsgInfo": [{"From_Account": "alice", "To_Account": "bob",
               "MsgSeq": seq, "MsgRandom": random, "MsgTime": time, "MsgClientTime": time}]})
    };
    let out = b
        .op(
            &mut sim,
            "openim.c2c_msg_read_receipt",
            receipt(1808050001, 68176904, t),
        )
        .ok();
    assert_eq!(
        out.pushed_to(),
        [1, 2].into(),
        "both instances of the sender"
    );
    assert_eq!(
        only_event(&out, 1).0,
        json!({"Event": 16, "UserId": "bob", "PeerReadTime": sim.unix_s(), "C2cMsgInfo": [{
            "From_Account": "alice", "To_Account": "bob", "MsgSeq": 1808050001u64, "MsgRandom": 68176904,
            "MsgTime": t, "MsgClientTime": t, "TinyId": a1.tiny_id}]})
    );
    // Not twice; not for a message sent without IsNeedReadReceipt.
    let again = b
        .op(
            &mut sim,
            "openim.c2c_msg_read_receipt",
            receipt(1808050001, 68176904, t),
        )
        .ok();
    assert!(again.others.is_empty());
    let plain = b
        .op(
            &mut sim,
            "openim.c2c_msg_read_receipt",
            receipt(7, 1007, plain_t),
        )
        .ok();
    assert!(plain.others.is_empty());
    let h = a1.whole_history(&mut sim, "bob");
    assert_eq!(
        (h[0]["IsPeerRead"].clone(), h[1].get("IsPeerRead")),
        (json!(1), None)
    );
    // Unknown messages; a message bob did not receive.
    let unknown = b.op(&mut sim, "openim.c2c_msg_read_receipt", receipt(1, 2, t));
    assert_eq!(unknown.code(), 20022);
    let mut carol = Client::new(4, APP, "carol");
    carol.login(&mut sim);
    let stranger = carol.op(
        &mut sim,
        "openim.c2c_msg_read_receipt",
        receipt(1808050001, 68176904, t),
    );
    assert_eq!(stranger.code(), 20022);
}

fn extensions_set_delete_clear_with_sequences<S: Store>(sim: Sim<S>) {
    let World {
        mut sim,
        mut a1,
        mut b,
        ..
    } = world(sim);
    let sent = a1.send_flagged(
        &mut sim,
        "bob",
        1801080001,
        49481011,
        "extend me",
        false,
        true,
    );
    let t = sent.body()["MsgTime"].as_u64().unwrap();
    let k = key(1801080001, 49481011, t);
    let set = |op: u8, list: Value| {
        let mut body =
            json!({"From_Account": "alice", "To_Account": "bob", "MsgKey": k, "OperateType": op});
        if !list.is_null() {
            body["ExtensionList"] = list;
        }
        body
    };
    let out = a1
        .op(
            &mut sim,
            "openim_msg_ext_http_svc.set_key_values",
            set(
                1,
                json!([{"Key": "a", "Value": "1", "Seq": 0}, {"Key": "b", "Value": "2", "Seq": 0}]),
            ),
        )
        .ok();
    assert_eq!(
        (
            out.body()["ExtensionList"].clone(),
            out.body()["Seq"].clone()
        ),
        (
            json!([{"ErrorCode": 0, "Extension": {"Key": "a", "Value": "1", "Seq": 1}},
                   {"ErrorCode": 0, "Extension": {"Key": "b", "Value": "2", "Seq": 2}}]),
            json!(2)
        )
    );
    assert_eq!(out.pushed_to(), [2, 3].into());
    assert_eq!(
        only_event(&out, 3).0,
        json!({"Event": 22, "MsgExtensionNotify": {"TinyId": a1.tiny_id, "MsgLastSeq": 2, "MsgOptType": 1,
            "ExtensionC2cMsgInfo": {"From_Account": "alice", "To_Account": "bob", "MsgSeq": 1801080001u64,
                                    "MsgRandom": 49481011, "MsgTime": t, "MsgClientTime": t},
            "SetKVInfo": [{"MsgKeyValue": [{"Key": "a", "Value": "1", "Seq": 1}, {"Key": "b", "Value": "2", "Seq": 2}], "ClearMsgSeq": 0}]}})
    );
    // The same request again (its reply lost): the keys already hold
    // those values, so it succeeds with nothing new.
    let resent = a1
        .op(
            &mut sim,
            "openim_msg_ext_http_svc.set_key_values",
            set(
                1,
                json!([{"Key": "a", "Value": "1", "Seq": 0}, {"Key": "b", "Value": "2", "Seq": 0}]),
            ),
        )
        .ok();
    assert_eq!(
        resent.body()["ExtensionList"],
        json!([{"ErrorCode": 0, "Extension": {"Key": "a", "Value": "1", "Seq": 1}},
               {"ErrorCode": 0, "Extension": {"Key": "b", "Value": "2", "Seq": 2}}])
    );
    assert_eq!(resent.body()["Seq"], 2);
    assert!(resent.others.is_empty());
    // bob, not knowing b's seq: conflict for b only, with the stored key.
    let out = b
        .op(
            &mut sim,
            "openim_msg_ext_http_svc.set_key_values",
            set(1, json!([{"Key": "b", "Value": "22", "Seq": 0}, {"Key": "c", "Value": "3", "Seq": 0}])),
        )
        .ok();
    assert_eq!(
        out.body()["ExtensionList"],
        json!([{"ErrorCode": 23001, "Extension": {"Key": "b", "Value": "2", "Seq": 2}},
               {"ErrorCode": 0, "Extension": {"Key": "c", "Value": "3", "Seq": 3}}])
    );
    let (event, _) = only_event(&out, 1);
    assert_eq!(
        event["MsgExtensionNotify"]["SetKVInfo"][0]["MsgKeyValue"],
        json!([{"Key": "c", "Value": "3", "Seq": 3}])
    );
    // With the right seq it works.
    b.op(
        &mut sim,
        "openim_msg_ext_http_svc.set_key_values",
        set(1, json!([{"Key": "b", "Value": "22", "Seq": 2}])),
    )
    .ok();
    // Delete a: a tombstone with the next seq.
    let out = a1
        .op(
            &mut sim,
            "openim_msg_ext_http_svc.set_key_values",
            set(2, json!([{"Key": "a", "Value": "", "Seq": 1}])),
        )
        .ok();
    assert_eq!(
        out.body()["ExtensionList"],
        json!([{"ErrorCode": 0, "Extension": {"Key": "a", "Value": "", "Seq": 5}}])
    );
    let (event, _) = only_event(&out, 3);
    assert_eq!(event["MsgExtensionNotify"]["MsgOptType"], 2);
    assert_eq!(
        event["MsgExtensionNotify"]["DeleteKVInfo"][0]["MsgKeyValue"],
        json!([{"Key": "a", "Value": "", "Seq": 5}])
    );
    let get = |start: u64| {
        let mut body = json!({"From_Account": "alice", "To_Account": "bob", "MsgKey": k});
        if start > 0 {
            body["startSeq"] = json!(start);
        }
        body
    };
    let got = b
        .op(&mut sim, "openim_msg_ext_http_svc.get_key_values", get(0))
        .ok();
    assert_eq!(
        (
            got.body()["ExtensionList"].clone(),
            got.body()["CompleteFlag"].clone(),
            got.body()["LatestSeq"].clone(),
            got.body()["ClearSeq"].clone()
        ),
        (
            json!([{"Key": "c", "Value": "3", "Seq": 3}, {"Key": "b", "Value": "22", "Seq": 4},
                {"Key": "a", "Value": "", "Seq": 5}]),
            json!(1),
            json!(5),
            json!(0)
        )
    );
    let later = b
        .op(&mut sim, "openim_msg_ext_http_svc.get_key_values", get(5))
        .ok();
    assert_eq!(
        later.body()["ExtensionList"],
        json!([{"Key": "a", "Value": "", "Seq": 5}])
    );
    // Clear all.
    let out = b
        .op(
            &mut sim,
            "openim_msg_ext_http_svc.set_key_values",
            set(3, Value::Null),
        )
        .ok();
    assert_eq!(
        (
            out.body()["ExtensionList"].clone(),
            out.body()["Seq"].clone()
        ),
        (json!([]), json!(6))
    );
    let (event, _) = only_event(&out, 1);
    assert_eq!(
        event["MsgExtensionNotify"],
        json!({"TinyId": a1.tiny_id, "MsgLastSeq": 6, "MsgOptType": 3,
               "ExtensionC2cMsgInfo": {"From_Account": "alice", "To_Account": "bob", "MsgSeq": 1801080001u64,
                                       "MsgRandom": 49481011, "MsgTime": t, "MsgClientTime": t},
               "ClearKVInfo": [{"MsgKeyValue": [], "ClearMsgSeq": 6}]})
    );
    let got = a1
        .op(&mut sim, "openim_msg_ext_http_svc.get_key_values", get(0))
        .ok();
    assert_eq!(
        (
            got.body()["ExtensionList"].clone(),
            got.body()["LatestSeq"].clone(),
            got.body()["ClearSeq"].clone()
        ),
        (json!([]), json!(6), json!(6))
    );
    // Refusals.
    let too_many: Vec<Value> = (0..21)
        .map(|i| json!({"Key": format!("k{i}"), "Value": "v", "Seq": 0}))
        .collect();
    let ext = "openim_msg_ext_http_svc.set_key_values";
    assert_eq!(a1.op(&mut sim, ext, set(1, json!(too_many))).code(), 10005);
    assert_eq!(a1.op(&mut sim, ext, set(1, json!([]))).code(), 10004);
    assert_eq!(
        a1.op(
            &mut sim,
            ext,
            set(4, json!([{"Key": "a", "Value": "1", "Seq": 0}]))
        )
        .code(),
        10004
    );
    let long_key = "k".repeat(101);
    assert_eq!(
        a1.op(
            &mut sim,
            ext,
            set(1, json!([{"Key": long_key, "Value": "1", "Seq": 0}]))
        )
        .code(),
        10004
    );
    assert_eq!(
        a1.op(
            &mut sim,
            ext,
            set(
                1,
                json!([{"Key": "a", "Value": "v".repeat(1025), "Seq": 0}])
            )
        )
        .code(),
        10004
    );
    let plain_t = a1.text(&mut sim, "bob", 9, "no extensions");
    let mut plain = set(1, json!([{"Key": "a", "Value": "1", "Seq": 0}]));
    plain["MsgKey"] = json!(key(9, 1009, plain_t));
    assert_eq!(a1.op(&mut sim, ext, plain).code(), 10032);
    let mut unknown = set(1, json!([{"Key": "a", "Value": "1", "Seq": 0}]));
    unknown["MsgKey"] = json!(key(1, 2, 3));
    assert_eq!(a1.op(&mut sim, ext, unknown).code(), 20022);
    let mut carol = Client::new(4, APP, "carol");
    carol.login(&mut sim);
    assert_eq!(
        carol
            .op(
                &mut sim,
                ext,
                set(1, json!([{"Key": "z", "Value": "1", "Seq": 0}]))
            )
            .code(),
        10007
    );
}

fn extension_gets_page_and_keys_are_bounded<S: Store>(sim: Sim<S>) {
    let World {
        mut sim, mut a1, ..
    } = world(sim);
    let sent = a1.send_flagged(&mut sim, "bob", 1, 2, "many keys", false, true);
    let k = key(1, 2, sent.body()["MsgTime"].as_u64().unwrap());
    let ext = "openim_msg_ext_http_svc.set_key_values";
    for round in 0..15 {
        let list: Vec<Value> = (0..20)
            .map(|i| json!({"Key": format!("k{round}_{i}"), "Value": "v", "Seq": 0}))
            .collect();
        let body = json!({"From_Account": "alice", "To_Account": "bob", "MsgKey": k, "OperateType": 1, "ExtensionList": list});
        a1.op(&mut sim, ext, body).ok();
    }
    // 300 keys: the next new key is refused for that key only.
    let body = json!({"From_Account": "alice", "To_Account": "bob", "MsgKey": k, "OperateType": 1,
                      "ExtensionList": [{"Key": "k0_0", "Value": "w", "Seq": 1}, {"Key": "new", "Value": "v", "Seq": 0}]});
    let out = a1.op(&mut sim, ext, body).ok();
    assert_eq!(out.body()["ExtensionList"][0]["ErrorCode"], 0);
    assert_eq!(out.body()["ExtensionList"][1]["ErrorCode"], 23002);
    // Fetching: 100 a page, on from the last Seq + 1.
    let mut seen = 0;
    let mut start = 0;
    loop {
        let mut body = json!({"From_Account": "alice", "To_Account": "bob", "MsgKey": k});
        if start > 0 {
            body["startSeq"] = json!(start);
        }
        let page = a1
            .op(&mut sim, "openim_msg_ext_http_svc.get_key_values", body)
            .ok();
        let list = page.body()["ExtensionList"].as_array().unwrap();
        seen += list.len();
        if page.body()["CompleteFlag"] == 1 {
            break;
        }
        assert_eq!(list.len(), 100);
        start = list.last().unwrap()["Seq"].as_u64().unwrap() + 1;
    }
    assert_eq!(seen, 300);
}

fn offline_notifications_arrive_by_getmsg_exactly_once<S: Store>(sim: Sim<S>) {
    let World {
        mut sim,
        mut a1,
        mut a2,
        mut b,
    } = world(sim);
    // bob syncs once, then goes away; so does alice's second instance.
    let bob_cookie = b.getmsg(&mut sim, "").body["Cookie"]
        .as_str()
        .unwrap()
        .to_owned();
    let a2_cookie = a2.getmsg(&mut sim, "").body["Cookie"]
        .as_str()
        .unwrap()
        .to_owned();
    sim.disconnect(3);
    sim.disconnect(2);
    let t = a1.text(&mut sim, "bob", 1, "m1");
    let modify = json!({"From_Account": "alice", "To_Account": "bob", "MsgSeq": 1, "MsgRandom": 1001, "MsgTime": t,
        "MsgVersion": 0, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "m1 v1"}}], "CloudCustomData": ""});
    let out = a1.op(&mut sim, "openim.modify_c2c_msg", modify).ok();
    assert!(out.others.is_empty(), "nobody online to push to");
    let revoke = json!({"MsgInfo": {"From_Account": "alice", "To_Account": "bob", "MsgSeq": 1, "MsgRandom": 1001, "MsgTimeStamp": t}});
    a1.op(&mut sim, "openim.msgwithdraw", revoke).ok();
    a1.text(&mut sim, "bob", 2, "m2");

    // bob comes back: the message as it is now, then the notifications in
    // order, then (next page, since a message follows a notification) m2.
    let mut b = Client::new(5, APP, "bob");
    b.login(&mut sim);
    let p1 = b.getmsg(&mut sim, &bob_cookie);
    assert_eq!(p1.body["SyncFlag"], 0);
    assert_eq!(texts(&p1.body["MsgList"]), ["m1 v1"]);
    assert_eq!(p1.body["MsgList"][0]["MsgFlagBits"], 8);
    let events = p1.body["EventArray"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["Event"], 23);
    assert_eq!(events[1]["Event"], 9);
    assert!(events[1]["C2cNotifyMsgArray"][0]["WithdrawC2cMsgNotify"].is_object());
    let c1 = p1.body["Cookie"].as_str().unwrap().to_owned();
    let p2 = b.getmsg(&mut sim, &c1);
    assert_eq!(p2.body["SyncFlag"], 2);
    assert_eq!(texts(&p2.body["MsgList"]), ["m2"]);
    assert!(p2.body.get("EventArray").is_none());
    let c2 = p2.body["Cookie"].as_str().unwrap().to_owned();
    // Resumed with the last cookie: nothing again; a fresh instance of bob
    // (empty cookie) neither, once the cookie proved the reply arrived.
    assert_eq!(b.getmsg(&mut sim, &c2).body["MsgList"], json!([]));
    sim.disconnect(5);
    let mut b2 = Client::new(6, APP, "bob");
    b2.login(&mut sim);
    let fresh = b2.getmsg(&mut sim, "");
    assert_eq!(fresh.body["MsgList"], json!([]));
    assert!(fresh.body.get("EventArray").is_none());

    // alice's other instance gets the two notifications meant for it.
    let mut a2 = Client::new(7, APP, "alice").on_platform(2);
    a2.login(&mut sim);
    let sync = a2.getmsg(&mut sim, &a2_cookie);
    assert_eq!(sync.body["SyncFlag"], 2);
    let events = sync.body["EventArray"].as_array().unwrap();
    assert_eq!(
        events
            .iter()
            .map(|e| e["Event"].clone())
            .collect::<Vec<_>>(),
        [json!(23), json!(9)]
    );
    // The instance that made the changes was not pushed them, but a sync
    // from before them carries them too: its replies could have been lost,
    // or come after it gave up on the requests (found by the simulation).
    let own = a1.getmsg(&mut sim, &a2_cookie);
    let own_events: Vec<_> = own.body["EventArray"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["Event"].clone())
        .collect();
    assert_eq!(own_events, [json!(23), json!(9)], "{}", own.body);
}

fn acked_notification_pushes_move_the_cursor<S: Store>(sim: Sim<S>) {
    let World {
        mut sim,
        mut a1,
        mut b,
        ..
    } = world(sim);
    b.getmsg(&mut sim, "");
    let sent = a1.send_flagged(&mut sim, "bob", 1, 1, "m", false, false);
    let push = sent.pushes_to(3)[0].clone();
    b.ack(&mut sim, &push);
    let t = sent.body()["MsgTime"].as_u64().unwrap();
    let revoke = json!({"MsgInfo": {"From_Account": "alice", "To_Account": "bob", "MsgSeq": 1, "MsgRandom": 1, "MsgTimeStamp": t}});
    let out = a1.op(&mut sim, "openim.msgwithdraw", revoke).ok();
    let push = out.pushes_to(3)[0].clone();
    b.ack(&mut sim, &push);
    // Everything was acknowledged: a new instance of bob syncs nothing.
    sim.disconnect(3);
    let mut b2 = Client::new(4, APP, "bob");
    b2.login(&mut sim);
    let sync = b2.getmsg(&mut sim, "");
    assert_eq!(sync.body["MsgList"], json!([]));
    assert!(sync.body.get("EventArray").is_none());
}

fn a_request_for_someone_else_or_unauthenticated_is_refused<S: Store>(mut sim: Sim<S>) {
    let mut anon = Client::new(9, APP, "nobody");
    anon.connect(&mut sim);
    for cmd in [
        "openim.msgwithdraw",
        "openim.modify_c2c_msg",
        "openim.getroammsg",
        "openim.msgreaded",
        "openim_msg_ext_http_svc.set_key_values",
        "recentcontact.top",
    ] {
        assert_eq!(anon.op(&mut sim, cmd, json!({})).code(), 20002, "{cmd}");
    }
    let mut a = Client::new(1, APP, "alice");
    a.login(&mut sim);
    // A body of the wrong shape is a frame error, not a crash.
    let bad = a.op(&mut sim, "openim.msgwithdraw", json!({"MsgInfo": 5}));
    assert_ne!(bad.code(), 0);
}

fn a_change_from_an_abandoned_socket_reaches_its_instance_on_the_new_one<S: Store>(sim: Sim<S>) {
    let World {
        mut sim,
        mut a1,
        mut b,
        ..
    } = world(sim);
    let t = b.text(&mut sim, "alice", 1, "read me");
    // a1's client abandons socket 1 (the server has not noticed) and
    // re-logs in on socket 4; then its read report, delayed on socket 1,
    // arrives there.
    a1.conn = 4;
    sim.connect_app(4, APP);
    assert_eq!(a1.relogin(&mut sim).body["ErrorCode"], 0);
    a1.conn = 1;
    let read = json!({"C2CMsgReaded": {"Cookie": "", "C2CMsgReadedItem": [{"To_Account": "bob", "LastedMsgTime": t, "Receipt": 1}]}});
    let out = a1.op(&mut sim, "openim.msgreaded", read).ok();
    // Its reply goes to the dead socket 1, so the instance hears the
    // outcome on socket 4, like the other instance (2) and the peer (3).
    assert_eq!(out.pushed_to(), [2, 3, 4].into());
    assert_eq!(only_event(&out, 4).0, only_event(&out, 2).0);
}

on_both_stores!(
    a_change_from_an_abandoned_socket_reaches_its_instance_on_the_new_one,
    sent_flags_reach_the_push_the_sync_and_the_history,
    revoke_pushes_to_the_peer_and_the_other_instance_only,
    revoke_time_limit_when_configured,
    modify_with_versions_and_conflicts,
    delete_hides_messages_from_the_deleter_only,
    history_pages_newest_first_each_page_oldest_first,
    history_pages_stay_small_with_large_messages,
    read_reports_reach_the_peer_and_the_other_instance,
    read_receipts_reach_the_sender_once,
    extensions_set_delete_clear_with_sequences,
    extension_gets_page_and_keys_are_bounded,
    offline_notifications_arrive_by_getmsg_exactly_once,
    acked_notification_pushes_move_the_cursor,
    a_request_for_someone_else_or_unauthenticated_is_refused,
);
