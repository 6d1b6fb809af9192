//! Blacklists and user statuses through the engine, on both stores
//! (PROTOCOL.md "Blacklist" and "User status"): the blacklist's pages and
//! pushes (to every instance, the caller's included), a blocked sender's
//! message refused with 20007 and not stored, statuses following sessions
//! and pushed to subscribers, custom statuses in base64.

mod common;

use common::*;
use serde_json::{json, Value};
use tcchat_server::store::Store;

const BL_GET: &str = "sns.black_list_get";
const BL_ADD: &str = "sns.black_list_add";
const BL_DEL: &str = "sns.black_list_delete";
const ST_SET: &str = "im_open_status.ws_set_custom_status";
const ST_GET: &str = "im_open_status.ws_get_user_status";
const ST_SUB: &str = "im_open_status.ws_status_subscribe";
const ST_UNSUB: &str = "im_open_status.ws_status_unsubscribe";

/// The `FriendListMod` items of the pushes `msgs` holds.
fn friend_mods(msgs: &[&Msg]) -> Vec<Value> {
    msgs.iter()
        .filter(|m| m.head.servcmd == "im_open_push.msg_push")
        .flat_map(|m| m.body["EventArray"].as_array().cloned().unwrap_or_default())
        .filter_map(|e| e["FriendListMod"].as_array().cloned())
        .flatten()
        .collect()
}

/// The `UserStatusList` items pushed in `msgs`.
fn statuses(msgs: &[Msg]) -> Vec<(u64, Value)> {
    msgs.iter()
        .filter(|m| m.head.servcmd == "im_open_push.msg_push")
        .flat_map(|m| {
            let conn = m.conn.0;
            m.body["EventArray"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter_map(|e| e["UserStatusList"].as_array().cloned())
                .flatten()
                .map(move |s| (conn, s))
        })
        .collect()
}

fn blacklist<S: Store>(c: &mut Client, sim: &mut Sim<S>, start: u64, max: u64) -> Value {
    c.op(
        sim,
        BL_GET,
        json!({"From_Account": c.user, "StartIndex": start, "MaxLimited": max}),
    )
    .ok()
    .body()
    .clone()
}

/// alice (two instances) blocks bob and carol: both of her instances get
/// the push, the list pages, bob's messages to her are refused with 20007
/// and never stored, and unblocking lets them through again.
fn blacklist_blocks_and_reaches_every_instance<S: Store>(mut sim: Sim<S>) {
    let mut alice = Client::new(1, APP, "alice");
    let mut alice2 = Client::new(2, APP, "alice").on_platform(2);
    let mut bob = Client::new(3, APP, "bob");
    alice.login(&mut sim);
    alice2.login(&mut sim);
    bob.login(&mut sim);
    let out = alice
        .op(
            &mut sim,
            BL_ADD,
            json!({"From_Account": "alice", "To_Account": ["bob", "carol", "alice", "bob"]}),
        )
        .ok();
    let results = out.body()["ResultItem"].as_array().unwrap().clone();
    assert_eq!(results.len(), 4, "{results:?}");
    assert_eq!(results[0]["ResultCode"], 0);
    assert_eq!(results[2]["To_Account"], "alice");
    assert_ne!(results[2]["ResultCode"], 0, "no blocking oneself");
    // Every instance, the caller's included (the official SDK needs it).
    for conn in [1, 2] {
        let mods = friend_mods(&out.pushes_to(conn));
        assert_eq!(mods.len(), 1, "conn {conn}: {:?}", out.others);
        assert_eq!(mods[0]["BlackListAdd_Account"], json!(["bob", "carol"]));
    }
    // Pages: one of 1, then the rest; StartIndex 0 ends.
    let page = blacklist(&mut alice, &mut sim, 0, 1);
    assert_eq!(page["StartIndex"], 1);
    assert_eq!(page["BlackListItem"][0]["To_Account"], "bob");
    assert!(
        page["BlackListItem"][0]["AddBlackTimeStamp"]
            .as_u64()
            .unwrap()
            > 0
    );
    let page = blacklist(&mut alice, &mut sim, 1, 1000);
    assert_eq!(page["StartIndex"], 0);
    assert_eq!(page["BlackListItem"][0]["To_Account"], "carol");
    // bob is refused and nothing is stored for alice.
    let out = bob.send_text(&mut sim, "alice", 1, 1, "let me in");
    assert_eq!(out.len(), 1, "no push to alice: {out:?}");
    assert_eq!(out[0].body["ErrorCode"], 20007);
    assert_eq!(sim.engine.store_mut().inbox_head(APP, "alice").unwrap(), 1);
    // alice can still write to bob.
    let out = alice.send_text(&mut sim, "bob", 1, 1, "hi");
    assert_eq!(out[0].body["ErrorCode"], 0);
    // Unblock bob: pushed to both instances; then his message goes through.
    let out = alice
        .op(
            &mut sim,
            BL_DEL,
            json!({"From_Account": "alice", "To_Account": ["bob", "nobody"]}),
        )
        .ok();
    assert_eq!(out.body()["ResultItem"].as_array().unwrap().len(), 2);
    for conn in [1, 2] {
        let mods = friend_mods(&out.pushes_to(conn));
        assert_eq!(
            mods[0]["BlackListDel_Account"],
            json!(["bob"]),
            "conn {conn}"
        );
    }
    let page = blacklist(&mut alice, &mut sim, 0, 0);
    assert_eq!(page["BlackListItem"].as_array().unwrap().len(), 1);
    let out = bob.send_text(&mut sim, "alice", 2, 2, "thanks");
    assert_eq!(out[0].body["ErrorCode"], 0);
}

/// Bad requests: another user's list, an empty list.
fn blacklist_refuses_bad_requests<S: Store>(mut sim: Sim<S>) {
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    let out = alice.op(
        &mut sim,
        BL_ADD,
        json!({"From_Account": "eve", "To_Account": ["bob"]}),
    );
    assert_eq!(out.code(), 20003);
    let out = alice.op(&mut sim, BL_ADD, json!({"To_Account": []}));
    assert_eq!(out.code(), 10004);
    let out = alice.op(&mut sim, BL_GET, json!({"From_Account": "eve"}));
    assert_eq!(out.code(), 20003);
}

/// bob subscribes to alice: her login, disconnect (offline while her
/// session lives), custom status and logout are pushed to him, in base64.
fn statuses_follow_sessions_and_reach_subscribers<S: Store>(mut sim: Sim<S>) {
    let mut alice = Client::new(1, APP, "alice");
    let mut bob = Client::new(2, APP, "bob");
    bob.login(&mut sim);
    let out = bob
        .op(&mut sim, ST_SUB, json!({"To_Account": ["alice", "bob"]}))
        .ok();
    // bob cannot subscribe to himself.
    assert_eq!(out.body()["ErrorList"][0]["To_Account"], "bob");
    let out = bob
        .op(&mut sim, ST_GET, json!({"To_Account": ["alice"]}))
        .ok();
    assert_eq!(out.body()["UserStatusList"][0]["Status"], 3);
    // alice logs in: bob hears "online".
    alice.login(&mut sim);
    let side = sim.take_side();
    let pushed = statuses(&side);
    assert_eq!(pushed.len(), 1, "{side:?}");
    assert_eq!(pushed[0].0, 2);
    assert_eq!(pushed[0].1["To_Account"], "alice");
    assert_eq!(pushed[0].1["Status"], 1);
    // Her custom status, base64 on the wire, stored in plain text.
    let out = alice
        .op(&mut sim, ST_SET, json!({"CustomStatus": "在忙 busy"}))
        .ok();
    let pushed = statuses(&out.others);
    assert_eq!(pushed.len(), 1, "{:?}", out.others);
    assert_eq!(pushed[0].1["CustomStatus"], "5Zyo5b+ZIGJ1c3k=");
    let too_long = "x".repeat(101);
    let out = alice.op(&mut sim, ST_SET, json!({"CustomStatus": too_long}));
    assert_eq!(out.code(), 10004);
    // Her socket drops: offline (2), still logged in.
    let out = frames(&sim.disconnect(1));
    let pushed = statuses(&out);
    assert_eq!(pushed.len(), 1, "{out:?}");
    assert_eq!(pushed[0].1["Status"], 2);
    let out = bob
        .op(&mut sim, ST_GET, json!({"To_Account": ["alice"]}))
        .ok();
    assert_eq!(out.body()["UserStatusList"][0]["Status"], 2);
    assert_eq!(
        out.body()["UserStatusList"][0]["CustomStatus"],
        "5Zyo5b+ZIGJ1c3k="
    );
    // Back, then logged out: online, then not logged in.
    alice.connect(&mut sim);
    alice.relogin(&mut sim);
    let side = sim.take_side();
    assert_eq!(statuses(&side)[0].1["Status"], 1);
    let out = alice.op(
        &mut sim,
        "im_open_status.wslogout",
        json!({"wslogout_type": 0}),
    );
    let pushed = statuses(&out.others);
    assert_eq!(pushed.len(), 1, "{:?}", out.others);
    assert_eq!(pushed[0].1["Status"], 3);
    // Unsubscribed (all): no more pushes.
    bob.op(&mut sim, ST_UNSUB, json!({"UnsubscribeAll": 1}))
        .ok();
    alice.connect(&mut sim);
    alice.login(&mut sim);
    assert!(statuses(&sim.take_side()).is_empty());
}

/// A custom status set on one instance reaches the user's other instances.
fn custom_status_reaches_own_instances<S: Store>(mut sim: Sim<S>) {
    let mut a1 = Client::new(1, APP, "alice");
    let mut a2 = Client::new(2, APP, "alice").on_platform(2);
    a1.login(&mut sim);
    a2.login(&mut sim);
    let out = a1
        .op(&mut sim, ST_SET, json!({"CustomStatus": "away"}))
        .ok();
    let pushed = statuses(&out.others);
    assert_eq!(pushed.len(), 1, "{:?}", out.others);
    assert_eq!(pushed[0].0, 2);
    assert_eq!(pushed[0].1["CustomStatus"], "YXdheQ==");
}

/// Two-way friends hear each other's status without subscribing; a user
/// who is only in the other's list (one way) and a stranger do not.
fn statuses_reach_two_way_friends<S: Store>(mut sim: Sim<S>) {
    let mut alice = Client::new(1, APP, "alice");
    let mut bob = Client::new(2, APP, "bob");
    let mut carol = Client::new(3, APP, "carol");
    let mut dave = Client::new(4, APP, "dave");
    for c in [&mut bob, &mut carol, &mut dave] {
        c.login(&mut sim);
    }
    let add = |to: &str, add_type: &str| {
        json!({"From_Account": "bob", "AddFriendItem": [{"To_Account": to,
            "AddSource": "AddSource_Type_Web"}], "AddType": add_type})
    };
    bob.op(&mut sim, "sns.friend_add", add("alice", "Add_Type_Both"))
        .ok();
    // carol has alice one way only (alice does not have carol).
    carol
        .op(
            &mut sim,
            "sns.friend_add",
            json!({"From_Account": "carol", "AddFriendItem": [{"To_Account": "alice",
                "AddSource": "AddSource_Type_Web"}], "AddType": "Add_Type_Single"}),
        )
        .ok();
    sim.take_side();
    alice.login(&mut sim);
    let pushed = statuses(&sim.take_side());
    assert_eq!(pushed.len(), 1, "{pushed:?}");
    assert_eq!(pushed[0].0, 2, "only bob, the two-way friend");
    assert_eq!(pushed[0].1["Status"], 1);
    let out = alice
        .op(&mut sim, ST_SET, json!({"CustomStatus": "away"}))
        .ok();
    let pushed = statuses(&out.others);
    assert_eq!(pushed.len(), 1, "{:?}", out.others);
    assert_eq!(
        (pushed[0].0, &pushed[0].1["CustomStatus"]),
        (2, &json!("YXdheQ=="))
    );
    let out = frames(&sim.disconnect(1));
    let pushed = statuses(&out);
    assert_eq!(pushed.len(), 1, "{out:?}");
    assert_eq!((pushed[0].0, &pushed[0].1["Status"]), (2, &json!(2)));
}

/// The `FollowListMod` items pushed to `conn` in `msgs`.
fn follow_mods(msgs: &[&Msg]) -> Vec<Value> {
    msgs.iter()
        .filter(|m| m.head.servcmd == "im_open_push.msg_push")
        .flat_map(|m| m.body["EventArray"].as_array().cloned().unwrap_or_default())
        .filter_map(|e| e["FollowListMod"].as_array().cloned())
        .flatten()
        .collect()
}

/// alice follows bob, then bob follows alice: the lists, counts and
/// relations follow, and each change is pushed to both users (the
/// caller's instance too), with the mutual lists when the follow is
/// mutual; unfollowing undoes it.
fn follows_keep_both_lists_and_push_both_users<S: Store>(mut sim: Sim<S>) {
    let mut alice = Client::new(1, APP, "alice");
    let mut bob = Client::new(2, APP, "bob");
    alice.login(&mut sim);
    bob.login(&mut sim);
    let out = alice
        .op(
            &mut sim,
            "follow.follow_add",
            json!({"From_Account": "alice", "To_Account": ["bob", "alice"]}),
        )
        .ok();
    assert_eq!(out.body()["ResultItem"][0]["ResultCode"], 0);
    assert_eq!(out.body()["ResultItem"][1]["ResultCode"], 10004);
    assert_eq!(
        follow_mods(&out.pushes_to(1)),
        vec![json!({"Type": 1, "IsAdd": 1, "UserList": ["bob"]})]
    );
    assert_eq!(
        follow_mods(&out.pushes_to(2)),
        vec![json!({"Type": 2, "IsAdd": 1, "UserList": ["alice"]})]
    );
    let out = bob
        .op(
            &mut sim,
            "follow.follow_add",
            json!({"To_Account": ["alice"]}),
        )
        .ok();
    let to_alice = follow_mods(&out.pushes_to(1));
    assert!(to_alice.contains(&json!({"Type": 2, "IsAdd": 1, "UserList": ["bob"]})));
    assert!(to_alice.contains(&json!({"Type": 3, "IsAdd": 1, "UserList": ["bob"]})));
    let to_bob = follow_mods(&out.pushes_to(2));
    assert!(to_bob.contains(&json!({"Type": 3, "IsAdd": 1, "UserList": ["alice"]})));
    for (kind, want) in [(1, "bob"), (2, "bob"), (3, "bob")] {
        let out = alice
            .op(
                &mut sim,
                "follow.follow_get",
                json!({"FollowType": kind, "StartIndex": 0}),
            )
            .ok();
        assert_eq!(
            out.body()["FollowItem"][0]["To_Account"],
            want,
            "type {kind}"
        );
        assert_eq!(out.body()["NextStartIndex"], 0);
    }
    let out = alice
        .op(
            &mut sim,
            "follow.follow_get_info",
            json!({"To_Account": ["alice", "carol"]}),
        )
        .ok();
    let info = &out.body()["FollowInfoItem"];
    assert_eq!(info[0]["FollowersCount"], 1);
    assert_eq!(info[0]["FollowingCount"], 1);
    assert_eq!(info[0]["MutualFollowersCount"], 1);
    assert_eq!(info[1]["FollowersCount"], 0);
    let out = alice
        .op(
            &mut sim,
            "follow.follow_check",
            json!({"To_Account": ["bob", "carol"]}),
        )
        .ok();
    assert_eq!(out.body()["FollowCheckItem"][0]["FollowType"], 3);
    assert_eq!(out.body()["FollowCheckItem"][1]["FollowType"], 0);
    // alice unfollows: bob keeps following her, the mutual lists lose it.
    let out = alice
        .op(
            &mut sim,
            "follow.follow_delete",
            json!({"To_Account": ["bob"]}),
        )
        .ok();
    assert!(follow_mods(&out.pushes_to(2))
        .contains(&json!({"Type": 3, "IsAdd": 0, "UserList": ["alice"]})));
    let out = bob
        .op(
            &mut sim,
            "follow.follow_check",
            json!({"To_Account": ["alice"]}),
        )
        .ok();
    assert_eq!(out.body()["FollowCheckItem"][0]["FollowType"], 2);
    let out = bob.op(&mut sim, "follow.follow_get", json!({"FollowType": 4}));
    assert_eq!(out.code(), 10004);
}

on_both_stores!(
    follows_keep_both_lists_and_push_both_users,
    blacklist_blocks_and_reaches_every_instance,
    blacklist_refuses_bad_requests,
    statuses_follow_sessions_and_reach_subscribers,
    custom_status_reaches_own_instances,
    statuses_reach_two_way_friends,
);
