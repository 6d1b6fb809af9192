//! Group attributes and counters through the engine (PROTOCOL.md 8.13 and
//! 8.14), on both stores: the main sequence and the race-conflict refusal,
//! the limits with their codes, counters with their modes, and the Event 6
//! tips the other members' sockets get (the writer's socket has its reply).

mod common;

use common::ops::Outcome;
use common::*;
use serde_json::{json, Value};
use tcchat_server::store::Store;

const CREATE: &str = "group_open_http_svc.create_group";
const GET_ATTR: &str = "group_open_attr_http_svc.get_group_attr";
const INIT_ATTR: &str = "group_open_http_svc.set_group_attr";
const MODIFY_ATTR: &str = "group_open_http_svc.modify_group_attr";
const DELETE_ATTR: &str = "group_open_http_svc.delete_group_attr";
const CLEAR_ATTR: &str = "group_open_http_svc.clear_group_attr";
const UPDATE_COUNTER: &str = "group_open_http_svc.update_group_counter";
const GET_COUNTER: &str = "group_open_http_svc.get_group_counter";

/// alice (owner), bob and carol in the `AVChatRoom` `g` (attributes are an
/// `AVChatRoom` feature first of all); dave is logged in, not a member.
fn room<S: Store>(sim: &mut Sim<S>, kind: &str) -> (Client, Client, Client, Client) {
    let mut alice = Client::new(1, APP, "alice");
    let mut bob = Client::new(2, APP, "bob");
    let mut carol = Client::new(3, APP, "carol");
    let mut dave = Client::new(4, APP, "dave");
    for c in [&mut alice, &mut bob, &mut carol, &mut dave] {
        c.login(sim);
    }
    alice
        .op(
            sim,
            CREATE,
            json!({"Type": kind, "Name": "G", "GroupId": "g", "ApplyJoinOption": "FreeAccess"}),
        )
        .ok();
    for c in [&mut bob, &mut carol] {
        c.op(
            sim,
            "group_open_http_svc.apply_join_group",
            json!({"GroupId": "g", "ApplyMsg": ""}),
        )
        .ok();
    }
    (alice, bob, carol, dave)
}

fn write<S: Store>(
    c: &mut Client,
    sim: &mut Sim<S>,
    servcmd: &str,
    main_seq: u64,
    attrs: Value,
) -> Outcome {
    c.op(
        sim,
        servcmd,
        json!({"GroupId": "g", "GroupAttr": attrs, "AttrMainSeq": main_seq,
               "AttrControl": ["RaceConflict"]}),
    )
}

/// The Event 6 `MsgBody`s pushed to `conn`.
fn tips_to(out: &Outcome, conn: u64) -> Vec<Value> {
    out.events_to(conn)
        .iter()
        .filter(|e| e["Event"] == 6)
        .flat_map(|e| e["GroupTips"].as_array().cloned().unwrap_or_default())
        .map(|t| t["MsgBody"].clone())
        .collect()
}

fn get<S: Store>(c: &mut Client, sim: &mut Sim<S>) -> Value {
    c.op(sim, GET_ATTR, json!({"GroupId": "g", "GroupType": 1}))
        .ok()
        .body()
        .clone()
}

fn attributes_with_their_main_sequence<S: Store>(mut sim: Sim<S>) {
    let (mut alice, mut bob, mut carol, _dave) = room(&mut sim, "AVChatRoom");
    let empty = get(&mut bob, &mut sim);
    assert_eq!(empty["GroupAttrAry"], json!([]));
    assert_eq!(empty["AttrMainSeq"], 0);

    // bob initialises two keys: the reply names them, main seq 1.
    let out = write(
        &mut bob,
        &mut sim,
        INIT_ATTR,
        0,
        json!([{"key": "seat1", "value": "alice", "seq": 0}, {"key": "seat2", "value": "", "seq": 0}]),
    )
    .ok();
    assert_eq!(out.body()["AttrMainSeq"], 1);
    assert_eq!(
        out.body()["GroupAttr"],
        json!([{"key": "seat1"}, {"key": "seat2"}])
    );
    assert!(tips_to(&out, 2).is_empty(), "the writer has its reply");
    for conn in [1, 3] {
        let tips = tips_to(&out, conn);
        assert_eq!(tips.len(), 1, "conn {conn}");
        assert_eq!(tips[0]["OpType"], 6);
        assert_eq!(tips[0]["Operator_Account"], "bob");
        assert_eq!(
            tips[0]["MsgGroupNewInfo"]["GroupAttrOption"],
            json!({"GroupAttrSeq": 1, "PushChangedAttrValFlag": 1, "OpType": 1,
                   "GroupAttrInfo": [{"key": "seat1", "value": "alice"}, {"key": "seat2", "value": ""}]})
        );
    }

    // carol modifies one: seq 2, the others keep theirs.
    let out = write(
        &mut carol,
        &mut sim,
        MODIFY_ATTR,
        1,
        json!([{"key": "seat2", "value": "carol", "seq": 0}]),
    )
    .ok();
    assert_eq!(out.body()["AttrMainSeq"], 2);
    let opt = &tips_to(&out, 1)[0]["MsgGroupNewInfo"]["GroupAttrOption"];
    assert_eq!(opt["OpType"], 2);
    assert_eq!(opt["GroupAttrSeq"], 2);
    let now = get(&mut alice, &mut sim);
    assert_eq!(
        now["GroupAttrAry"],
        json!([{"key": "seat1", "value": "alice"}, {"key": "seat2", "value": "carol"}])
    );
    assert_eq!(now["AttrMainSeq"], 2);

    // Delete one key, then clear: seq 3 and 4, OpType 4 and 3.
    let out = write(
        &mut alice,
        &mut sim,
        DELETE_ATTR,
        2,
        json!([{"key": "seat1"}]),
    )
    .ok();
    let opt = &tips_to(&out, 2)[0]["MsgGroupNewInfo"]["GroupAttrOption"];
    assert_eq!(opt["OpType"], 4);
    assert_eq!(opt["GroupAttrInfo"], json!([{"key": "seat1"}]));
    assert_eq!(
        get(&mut bob, &mut sim)["GroupAttrAry"],
        json!([{"key": "seat2", "value": "carol"}])
    );
    let out = write(&mut alice, &mut sim, CLEAR_ATTR, 3, json!([])).ok();
    assert_eq!(out.body()["AttrMainSeq"], 4);
    assert_eq!(
        tips_to(&out, 3)[0]["MsgGroupNewInfo"]["GroupAttrOption"]["OpType"],
        3
    );
    let now = get(&mut bob, &mut sim);
    assert_eq!(now["GroupAttrAry"], json!([]));
    assert_eq!(now["AttrMainSeq"], 4);

    // Without RaceConflict a stale sequence is no refusal.
    let out = bob
        .op(
            &mut sim,
            MODIFY_ATTR,
            json!({"GroupId": "g", "GroupAttr": [{"key": "k", "value": "v"}], "AttrMainSeq": 0}),
        )
        .ok();
    assert_eq!(out.body()["AttrMainSeq"], 5);
}

fn two_writers_of_one_sequence_exactly_one_wins<S: Store>(mut sim: Sim<S>) {
    let (_alice, mut bob, mut carol, _dave) = room(&mut sim, "AVChatRoom");
    // Both read main sequence 0, both write against it.
    let seq_b = get(&mut bob, &mut sim)["AttrMainSeq"].as_u64().unwrap();
    let seq_c = get(&mut carol, &mut sim)["AttrMainSeq"].as_u64().unwrap();
    let won = write(
        &mut bob,
        &mut sim,
        MODIFY_ATTR,
        seq_b,
        json!([{"key": "mic", "value": "bob"}]),
    )
    .ok();
    assert_eq!(won.body()["AttrMainSeq"], 1);
    let lost = write(
        &mut carol,
        &mut sim,
        MODIFY_ATTR,
        seq_c,
        json!([{"key": "mic", "value": "carol"}]),
    );
    assert_eq!(lost.code(), 10056, "{}", lost.body());
    assert!(lost.others.is_empty(), "a refused write tells nobody");
    let now = get(&mut carol, &mut sim);
    assert_eq!(now["GroupAttrAry"], json!([{"key": "mic", "value": "bob"}]));
    // After reading again, carol's write goes through.
    write(
        &mut carol,
        &mut sim,
        MODIFY_ATTR,
        now["AttrMainSeq"].as_u64().unwrap(),
        json!([{"key": "mic", "value": "carol"}]),
    )
    .ok();
}

fn attribute_limits_and_refusals<S: Store>(mut sim: Sim<S>) {
    let (_alice, mut bob, _carol, mut dave) = room(&mut sim, "Public");
    let code =
        |c: &mut Client, sim: &mut Sim<S>, attrs: Value| write(c, sim, INIT_ATTR, 0, attrs).code();
    let long_key = "k".repeat(33);
    assert_eq!(
        code(&mut bob, &mut sim, json!([{"key": long_key, "value": "v"}])),
        10045
    );
    let long_value = "v".repeat(4001);
    assert_eq!(
        code(
            &mut bob,
            &mut sim,
            json!([{"key": "k", "value": long_value}])
        ),
        10046
    );
    let many: Vec<Value> = (0..17)
        .map(|i| json!({"key": format!("k{i}"), "value": "v"}))
        .collect();
    assert_eq!(code(&mut bob, &mut sim, json!(many)), 10047);
    let big: Vec<Value> = (0..5)
        .map(|i| json!({"key": format!("k{i}"), "value": "v".repeat(4000)}))
        .collect();
    assert_eq!(code(&mut bob, &mut sim, json!(big)), 10048);
    assert_eq!(
        code(&mut bob, &mut sim, json!([{"key": "", "value": "v"}])),
        10004
    );
    // Sixteen keys of the limits' size fit; nothing refused was written.
    assert_eq!(get(&mut bob, &mut sim)["AttrMainSeq"], 0);
    let sixteen: Vec<Value> = (0..16)
        .map(|i| json!({"key": format!("{i:032}"), "value": "v".repeat(900)}))
        .collect();
    assert_eq!(code(&mut bob, &mut sim, json!(sixteen)), 0);
    // A seventeenth key by a modify is refused too.
    let out = write(
        &mut bob,
        &mut sim,
        MODIFY_ATTR,
        1,
        json!([{"key": "one_more", "value": ""}]),
    );
    assert_eq!(out.code(), 10047);
    // Not a member; no such group; empty modify.
    assert_eq!(code(&mut dave, &mut sim, json!([])), 10007);
    let out = dave.op(&mut sim, GET_ATTR, json!({"GroupId": "g", "GroupType": 0}));
    assert_eq!(out.code(), 10007);
    let out = bob.op(
        &mut sim,
        GET_ATTR,
        json!({"GroupId": "nope", "GroupType": 0}),
    );
    assert_eq!(out.code(), 10010);
    assert_eq!(
        write(&mut bob, &mut sim, MODIFY_ATTR, 1, json!([])).code(),
        10004
    );
}

fn counters_with_their_modes<S: Store>(mut sim: Sim<S>) {
    let (mut alice, mut bob, _carol, mut dave) = room(&mut sim, "Public");
    let update = |c: &mut Client, sim: &mut Sim<S>, mode: &str, items: Value| {
        c.op(
            sim,
            UPDATE_COUNTER,
            json!({"GroupId": "g", "GroupCounter": items, "Mode": mode}),
        )
    };
    let out = update(
        &mut bob,
        &mut sim,
        "Set",
        json!([{"Key": "likes", "Value": 1}]),
    )
    .ok();
    assert_eq!(
        out.body()["GroupCounter"],
        json!([{"Key": "likes", "Value": 1}])
    );
    assert_eq!(out.body()["GroupCounterSeq"], 1);
    assert!(tips_to(&out, 2).is_empty(), "the writer has its reply");
    let tip = &tips_to(&out, 1)[0];
    assert_eq!(tip["OpType"], 6);
    assert_eq!(
        tip["GroupCounterInfo"],
        json!([{"Type": 0, "GroupCounterSeq": 1, "GroupCounter": [{"key": "likes", "value": 1}]}])
    );
    let out = update(
        &mut alice,
        &mut sim,
        "Increase",
        json!([{"Key": "likes", "Value": 2}]),
    )
    .ok();
    assert_eq!(
        out.body()["GroupCounter"],
        json!([{"Key": "likes", "Value": 3}])
    );
    assert_eq!(tips_to(&out, 2)[0]["GroupCounterInfo"][0]["Type"], 2);
    let out = update(
        &mut alice,
        &mut sim,
        "Decrease",
        json!([{"Key": "gifts", "Value": 5}]),
    )
    .ok();
    assert_eq!(
        out.body()["GroupCounter"],
        json!([{"Key": "gifts", "Value": -5}])
    );
    let all = bob
        .op(
            &mut sim,
            GET_COUNTER,
            json!({"GroupId": "g", "GroupCounterKeys": []}),
        )
        .ok();
    assert_eq!(
        all.body()["GroupCounter"],
        json!([{"Key": "gifts", "Value": -5}, {"Key": "likes", "Value": 3}])
    );
    assert_eq!(all.body()["GroupCounterSeq"], 3);
    let one = bob
        .op(
            &mut sim,
            GET_COUNTER,
            json!({"GroupId": "g", "GroupCounterKeys": ["likes"]}),
        )
        .ok();
    assert_eq!(
        one.body()["GroupCounter"],
        json!([{"Key": "likes", "Value": 3}])
    );
    // Refusals: a bad mode, an overflow, not a member, too many counters.
    assert_eq!(
        update(
            &mut bob,
            &mut sim,
            "Multiply",
            json!([{"Key": "a", "Value": 1}])
        )
        .code(),
        10004
    );
    update(
        &mut bob,
        &mut sim,
        "Set",
        json!([{"Key": "big", "Value": i64::MAX}]),
    )
    .ok();
    assert_eq!(
        update(
            &mut bob,
            &mut sim,
            "Increase",
            json!([{"Key": "big", "Value": 1}])
        )
        .code(),
        10004
    );
    assert_eq!(
        update(
            &mut dave,
            &mut sim,
            "Set",
            json!([{"Key": "a", "Value": 1}])
        )
        .code(),
        10007
    );
    let many: Vec<Value> = (0..18)
        .map(|i| json!({"Key": format!("c{i}"), "Value": 1}))
        .collect();
    assert_eq!(update(&mut bob, &mut sim, "Set", json!(many)).code(), 10005);
}

const PIN: &str = "group_open_http_svc.pin_message";
const UNPIN: &str = "group_open_http_svc.unpin_message";
const GET_PINNED: &str = "group_open_http_svc.get_pinned_messages";

/// A text by `c` in `g`; its sequence.
fn send<S: Store>(c: &mut Client, sim: &mut Sim<S>, client_seq: u64, text: &str) -> u64 {
    let body = json!({"From_Account": c.user, "GroupId": "g", "Random": client_seq + 500,
        "ClientSeq": client_seq, "MsgPriority": "Normal",
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}],
        "CloudCustomData": "", "OnlineOnlyFlag": 0, "MsgClientTime": sim.unix_s()});
    c.op(sim, "group_open_http_svc.send_group_msg", body)
        .ok()
        .body()["MsgSeq"]
        .as_u64()
        .unwrap()
}

fn pinned<S: Store>(c: &mut Client, sim: &mut Sim<S>) -> Vec<String> {
    c.op(sim, GET_PINNED, json!({"GroupId": "g"})).ok().body()["PinnedMsgList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            m["MsgBody"][0]["MsgContent"]["Text"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

fn pins_by_the_owner_reach_every_member<S: Store>(mut sim: Sim<S>) {
    let (mut alice, mut bob, _carol, mut dave) = room(&mut sim, "Public");
    let first = send(&mut bob, &mut sim, 1, "first");
    let second = send(&mut bob, &mut sim, 2, "second");
    assert!(pinned(&mut bob, &mut sim).is_empty());
    let out = alice
        .op(&mut sim, PIN, json!({"GroupId": "g", "MsgSeq": second}))
        .ok();
    assert!(tips_to(&out, 1).is_empty(), "the writer has its reply");
    for conn in [2, 3] {
        let tips = tips_to(&out, conn);
        assert_eq!(tips.len(), 1, "conn {conn}");
        assert_eq!(tips[0]["OpType"], 16);
        assert_eq!(tips[0]["PinnedMsgSeq"], second);
    }
    alice
        .op(&mut sim, PIN, json!({"GroupId": "g", "MsgSeq": first}))
        .ok();
    assert_eq!(pinned(&mut bob, &mut sim), ["second", "first"]);
    // Again: OK, no change, nobody told.
    let out = alice
        .op(&mut sim, PIN, json!({"GroupId": "g", "MsgSeq": first}))
        .ok();
    assert!(out.others.is_empty());
    let out = alice
        .op(&mut sim, UNPIN, json!({"GroupId": "g", "MsgSeq": second}))
        .ok();
    assert_eq!(tips_to(&out, 2)[0]["OpType"], 17);
    assert_eq!(pinned(&mut bob, &mut sim), ["first"]);
    // Refusals: a plain member, a non-member, no such message, the limit.
    let code = |c: &mut Client, sim: &mut Sim<S>, seq: u64| {
        c.op(sim, PIN, json!({"GroupId": "g", "MsgSeq": seq}))
            .code()
    };
    assert_eq!(code(&mut bob, &mut sim, second), 10007);
    assert_eq!(code(&mut dave, &mut sim, second), 10007);
    assert_eq!(
        dave.op(&mut sim, GET_PINNED, json!({"GroupId": "g"}))
            .code(),
        10007
    );
    assert_eq!(code(&mut alice, &mut sim, 999), 10030);
    for i in 0..9 {
        let seq = send(&mut bob, &mut sim, 10 + i, "more");
        assert_eq!(code(&mut alice, &mut sim, seq), 0);
    }
    let seq = send(&mut bob, &mut sim, 30, "one too many");
    assert_eq!(code(&mut alice, &mut sim, seq), 10005);
}

on_both_stores!(
    pins_by_the_owner_reach_every_member,
    attributes_with_their_main_sequence,
    two_writers_of_one_sequence_exactly_one_wins,
    attribute_limits_and_refusals,
    counters_with_their_modes,
);
