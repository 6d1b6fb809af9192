//! Extensions of group messages through the engine (PROTOCOL.md 8.10), on
//! both stores: set, delete, clear and get by group and sequence, the
//! `MsgExtensionNotify` every other member gets (live, and through the sync
//! when offline), and the refusals with their codes.

mod common;

use common::ops::Outcome;
use common::*;
use serde_json::{json, Value};
use tcchat_server::store::Store;

const CREATE: &str = "group_open_http_svc.create_group";
const SEND: &str = "group_open_http_svc.send_group_msg";
const EXT_SET: &str = "openim_msg_ext_http_svc.group_set_key_values";
const EXT_GET: &str = "openim_msg_ext_http_svc.group_get_key_values";

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

/// Send a text (with `SupportMessageExtension` as `ext`); its sequence.
fn send<S: Store>(c: &mut Client, sim: &mut Sim<S>, client_seq: u64, ext: bool) -> u64 {
    let body = json!({"From_Account": c.user, "GroupId": "g", "Random": client_seq + 500,
        "ClientSeq": client_seq, "MsgPriority": "Normal",
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "x"}}],
        "CloudCustomData": "", "OnlineOnlyFlag": 0, "MsgClientTime": sim.unix_s(),
        "SupportMessageExtension": u8::from(ext)});
    c.op(sim, SEND, body).ok().body()["MsgSeq"]
        .as_u64()
        .unwrap()
}

fn set<S: Store>(c: &mut Client, sim: &mut Sim<S>, seq: u64, op: u8, list: Value) -> Outcome {
    let mut body = json!({"GroupId": "g", "MsgSeq": seq, "OperateType": op});
    if !list.is_null() {
        body["ExtensionList"] = list;
    }
    c.op(sim, EXT_SET, body)
}

/// The `MsgExtensionNotify` items pushed to `conn`.
fn notifies_to(out: &Outcome, conn: u64) -> Vec<Value> {
    out.events_to(conn)
        .iter()
        .filter(|e| e["Event"] == 22)
        .map(|e| e["MsgExtensionNotify"].clone())
        .collect()
}

fn set_get_delete_clear_and_the_push<S: Store>(mut sim: Sim<S>) {
    let (mut alice, mut bob, mut carol) = group(&mut sim);
    let seq = send(&mut bob, &mut sim, 1, true);

    // carol sets two keys: the reply as C2C, the push to the others.
    let out = set(
        &mut carol,
        &mut sim,
        seq,
        1,
        json!([{"Key": "a", "Value": "1", "Seq": 0}, {"Key": "b", "Value": "2", "Seq": 0}]),
    )
    .ok();
    assert_eq!(
        out.body()["ExtensionList"],
        json!([{"ErrorCode": 0, "Extension": {"Key": "a", "Value": "1", "Seq": 1}},
               {"ErrorCode": 0, "Extension": {"Key": "b", "Value": "2", "Seq": 2}}])
    );
    assert_eq!(out.body()["Seq"], 2);
    assert!(
        notifies_to(&out, 3).is_empty(),
        "the setting socket has its reply"
    );
    for conn in [1, 2] {
        let n = notifies_to(&out, conn);
        assert_eq!(n.len(), 1, "conn {conn}");
        let n = &n[0];
        assert_eq!(n["MsgOptType"], 1);
        assert_eq!(n["MsgLastSeq"], 2);
        assert!(n.get("ExtensionC2cMsgInfo").is_none(), "{n}");
        let info = &n["ExtensionGroupMsgInfo"];
        assert_eq!(info["GroupId"], "g");
        assert_eq!(info["MsgSeq"], seq);
        assert_eq!(info["MsgRandom"], 501);
        assert_eq!(info["From_Account"], "bob");
        assert!(info["MsgClientTime"].as_u64().unwrap() > 0);
        assert!(!n["TinyId"].as_str().unwrap().is_empty());
        assert_eq!(
            n["SetKVInfo"],
            json!([{"MsgKeyValue": [{"Key": "a", "Value": "1", "Seq": 1}, {"Key": "b", "Value": "2", "Seq": 2}], "ClearMsgSeq": 0}])
        );
    }
    // The same request again (a lost reply): OK, no change, no push.
    let out = set(
        &mut carol,
        &mut sim,
        seq,
        1,
        json!([{"Key": "a", "Value": "1", "Seq": 0}]),
    )
    .ok();
    assert_eq!(out.body()["Seq"], 2);
    assert!(out.others.is_empty());
    // A stale seq conflicts for that key only.
    let out = set(
        &mut alice,
        &mut sim,
        seq,
        1,
        json!([{"Key": "a", "Value": "9", "Seq": 0}, {"Key": "c", "Value": "3", "Seq": 0}]),
    )
    .ok();
    assert_eq!(out.body()["ExtensionList"][0]["ErrorCode"], 23001);
    assert_eq!(
        out.body()["ExtensionList"][0]["Extension"],
        json!({"Key": "a", "Value": "1", "Seq": 1})
    );
    assert_eq!(out.body()["ExtensionList"][1]["ErrorCode"], 0);
    assert_eq!(out.body()["Seq"], 3);
    // Delete a (bob offline meanwhile: his sync brings the push).
    sim.disconnect(bob.conn);
    let out = set(
        &mut alice,
        &mut sim,
        seq,
        2,
        json!([{"Key": "a", "Value": "", "Seq": 1}]),
    )
    .ok();
    assert_eq!(
        notifies_to(&out, 3)[0]["DeleteKVInfo"][0]["MsgKeyValue"],
        json!([{"Key": "a", "Value": "", "Seq": 4}])
    );
    // Get, for anyone of the group: deleted keys with an empty value.
    let out = carol
        .op(&mut sim, EXT_GET, json!({"GroupId": "g", "MsgSeq": seq}))
        .ok();
    assert_eq!(
        out.body()["ExtensionList"],
        json!([{"Key": "b", "Value": "2", "Seq": 2}, {"Key": "c", "Value": "3", "Seq": 3},
               {"Key": "a", "Value": "", "Seq": 4}])
    );
    assert_eq!(out.body()["CompleteFlag"], 1);
    assert_eq!(out.body()["LatestSeq"], 4);
    let out = carol
        .op(
            &mut sim,
            EXT_GET,
            json!({"GroupId": "g", "MsgSeq": seq, "startSeq": 4}),
        )
        .ok();
    assert_eq!(
        out.body()["ExtensionList"],
        json!([{"Key": "a", "Value": "", "Seq": 4}])
    );
    // Clear: every key goes, ClearSeq is the next seq.
    let out = set(&mut carol, &mut sim, seq, 3, Value::Null).ok();
    assert_eq!(out.body()["Seq"], 5);
    assert_eq!(
        notifies_to(&out, 1)[0]["ClearKVInfo"],
        json!([{"MsgKeyValue": [], "ClearMsgSeq": 5}])
    );
    let out = alice
        .op(&mut sim, EXT_GET, json!({"GroupId": "g", "MsgSeq": seq}))
        .ok();
    assert_eq!(out.body()["ExtensionList"], json!([]));
    assert_eq!(out.body()["LatestSeq"], 5);
    assert_eq!(out.body()["ClearSeq"], 5);
    // bob comes back: his sync holds the changes he missed.
    bob.connect(&mut sim);
    bob.relogin(&mut sim);
    let sync = bob.getmsg(&mut sim, "");
    let ops: Vec<u64> = sync.body["EventArray"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["Event"] == 22)
        .map(|e| e["MsgExtensionNotify"]["MsgOptType"].as_u64().unwrap())
        .collect();
    assert!(ops.ends_with(&[2, 3]), "{ops:?}");
}

fn refusals<S: Store>(mut sim: Sim<S>) {
    let (_alice, mut bob, _carol) = group(&mut sim);
    let plain = send(&mut bob, &mut sim, 1, false);
    let ext = send(&mut bob, &mut sim, 2, true);
    let one = json!([{"Key": "a", "Value": "1", "Seq": 0}]);
    // Not sent with SupportMessageExtension.
    assert_eq!(set(&mut bob, &mut sim, plain, 1, one.clone()).code(), 10032);
    let out = bob.op(&mut sim, EXT_GET, json!({"GroupId": "g", "MsgSeq": plain}));
    assert_eq!(out.code(), 10032);
    // No such message, not a member, no such group.
    assert_eq!(set(&mut bob, &mut sim, 999, 1, one.clone()).code(), 10030);
    let mut dave = Client::new(4, APP, "dave");
    dave.login(&mut sim);
    assert_eq!(set(&mut dave, &mut sim, ext, 1, one.clone()).code(), 10007);
    let out = dave.op(&mut sim, EXT_GET, json!({"GroupId": "g", "MsgSeq": ext}));
    assert_eq!(out.code(), 10007);
    let out = bob.op(
        &mut sim,
        EXT_SET,
        json!({"GroupId": "nope", "MsgSeq": 1, "OperateType": 1, "ExtensionList": one}),
    );
    assert_eq!(out.code(), 10010);
    // Malformed: bad OperateType, empty list, more than 20 keys.
    assert_eq!(set(&mut bob, &mut sim, ext, 9, one).code(), 10004);
    assert_eq!(set(&mut bob, &mut sim, ext, 1, json!([])).code(), 10004);
    let many: Vec<Value> = (0..21)
        .map(|i| json!({"Key": format!("k{i}"), "Value": "v", "Seq": 0}))
        .collect();
    assert_eq!(set(&mut bob, &mut sim, ext, 1, json!(many)).code(), 10005);
}

on_both_stores!(set_get_delete_clear_and_the_push, refusals,);
