//! Merger-message bodies through the engine (PROTOCOL.md 7.13):
//! `im_long_msg.save_relay_json_msg` and `im_long_msg.get_relay_json_msg`, who may read a body (its uploader and the
//! participants of the conversations it was sent to, including one it was
//! forwarded to), and the refusals: oversized and malformed bodies, another
//! conversation's key, unknown keys.

mod common;

use common::*;
use serde_json::{json, Value};
use tcchat_server::store::Store;

const SAVE: &str = "im_long_msg.save_relay_json_msg";
const GET: &str = "im_long_msg.get_relay_json_msg";
const CREATE: &str = "group_open_http_svc.create_group";
const SEND_GROUP: &str = "group_open_http_svc.send_group_msg";

fn body_of(texts: &[&str]) -> Value {
    let list: Vec<Value> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            json!({"From_Account": "alice", "MsgTime": 1_795_628_000u64 + i as u64, "MsgSeq": i + 1,
                "MsgRandom": 7, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": t}}]})
        })
        .collect();
    Value::Array(list)
}

fn save<S: Store>(c: &mut Client, sim: &mut Sim<S>, msg_list: &Value) -> (u64, String) {
    let out = c.op(sim, SAVE, json!({"MsgList": msg_list}));
    let key = out.body()["JsonMsgKey"].as_str().unwrap_or("").to_owned();
    (out.code(), key)
}

fn get<S: Store>(c: &mut Client, sim: &mut Sim<S>, key: &str) -> (u64, Value) {
    let out = c.op(sim, GET, json!({"JsonMsgKey": key}));
    (out.code(), out.body().clone())
}

fn merger_elem(key: &str) -> Value {
    json!([{"MsgType": "TIMRelayElem", "MsgContent": {"Title": "history", "AbstractList": ["alice: hi"],
        "CompatibleText": "[chat history]", "Version": 0, "JsonMsgKey": key}}])
}

fn send_c2c<S: Store>(c: &mut Client, sim: &mut Sim<S>, to: &str, seq: u64, body: Value) -> u64 {
    let mut req = sendmsg_body(&c.user.clone(), to, seq, seq + 100, sim.unix_s(), "");
    req["MsgBody"] = body;
    c.op(sim, "openim.sendmsg", req).code()
}

fn send_group<S: Store>(
    c: &mut Client,
    sim: &mut Sim<S>,
    group: &str,
    seq: u64,
    body: Value,
) -> u64 {
    let req = json!({"From_Account": c.user, "GroupId": group, "Random": seq + 500,
        "ClientSeq": seq, "MsgPriority": "Normal", "MsgBody": body,
        "CloudCustomData": "", "OnlineOnlyFlag": 0, "GroupAtInfo": [], "MsgClientTime": sim.unix_s(),
        "NeedReadReceipt": 0});
    c.op(sim, SEND_GROUP, req).code()
}

fn users<S: Store>(sim: &mut Sim<S>) -> (Client, Client, Client) {
    let mut alice = Client::new(1, APP, "alice");
    let mut bob = Client::new(2, APP, "bob");
    let mut carol = Client::new(3, APP, "carol");
    alice.login(sim);
    bob.login(sim);
    carol.login(sim);
    (alice, bob, carol)
}

#[test]
fn a_body_is_read_by_its_uploader_and_the_peer_it_was_sent_to_only() {
    let mut sim = Sim::new();
    let (mut alice, mut bob, mut carol) = users(&mut sim);
    let body = body_of(&["one", "two"]);
    let (code, key) = save(&mut alice, &mut sim, &body);
    assert_eq!(code, 0);
    assert!(key.starts_with("relay-"), "{key}");
    // The uploader reads it back as saved.
    let (code, reply) = get(&mut alice, &mut sim, &key);
    assert_eq!(code, 0);
    assert_eq!(reply["MsgList"], body);
    // Not sent anywhere yet: bob may not read it.
    assert_eq!(get(&mut bob, &mut sim, &key).0, 10007);
    assert_eq!(
        send_c2c(&mut alice, &mut sim, "bob", 1, merger_elem(&key)),
        0
    );
    let (code, reply) = get(&mut bob, &mut sim, &key);
    assert_eq!(code, 0);
    assert_eq!(reply["MsgList"], body);
    // carol is in neither conversation: refused, and she cannot send the
    // key herself to gain access.
    assert_eq!(get(&mut carol, &mut sim, &key).0, 10007);
    assert_eq!(
        send_c2c(&mut carol, &mut sim, "alice", 1, merger_elem(&key)),
        10007
    );
    assert_eq!(get(&mut carol, &mut sim, &key).0, 10007);
    // An unknown key.
    assert_eq!(get(&mut bob, &mut sim, "relay-0000").0, 20022);
    assert_eq!(
        send_c2c(&mut bob, &mut sim, "alice", 2, merger_elem("relay-0000")),
        20022
    );
}

#[test]
fn forwarding_into_a_group_lets_its_members_read_and_only_them() {
    let mut sim = Sim::new();
    let (mut alice, mut bob, mut carol) = users(&mut sim);
    let (_, key) = save(&mut alice, &mut sim, &body_of(&["x"]));
    assert_eq!(
        send_c2c(&mut alice, &mut sim, "bob", 1, merger_elem(&key)),
        0
    );
    bob.op(
        &mut sim,
        CREATE,
        json!({"Type": "Public", "Name": "G", "GroupId": "grpA",
            "MemberList": [{"Member_Account": "carol"}], "ApplyJoinOption": "FreeAccess"}),
    )
    .ok();
    assert_eq!(get(&mut carol, &mut sim, &key).0, 10007);
    // bob forwards what he received into the group.
    assert_eq!(
        send_group(&mut bob, &mut sim, "grpA", 1, merger_elem(&key)),
        0
    );
    assert_eq!(get(&mut carol, &mut sim, &key).0, 0);
    // carol quits: no longer a participant.
    carol
        .op(
            &mut sim,
            "group_open_http_svc.quit_group",
            json!({"GroupId": "grpA"}),
        )
        .ok();
    assert_eq!(get(&mut carol, &mut sim, &key).0, 10007);
}

#[test]
fn oversized_malformed_and_unbounded_bodies_are_refused_and_not_stored() {
    let mut sim = Sim::new();
    let (mut alice, mut bob, _) = users(&mut sim);
    let big = "a".repeat(11 * 1024);
    let many: Vec<String> = (0..60).map(|_| big.clone()).collect();
    let oversized = body_of(&many.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(oversized.to_string().len() > 512 * 1024);
    let (code, key) = save(&mut alice, &mut sim, &oversized);
    assert_eq!(code, 80002);
    assert!(key.is_empty());
    for malformed in [
        json!("not a list"),
        json!({}),
        json!([]),
        Value::Null,
        json!([{"From_Account": "alice", "MsgBody": []}]),
        body_of(&vec!["m"; 101]),
    ] {
        let (code, key) = save(&mut alice, &mut sim, &malformed);
        assert_eq!(code, 10004, "{malformed:.60}");
        assert!(key.is_empty());
    }
    let missing = alice.op(&mut sim, SAVE, json!({}));
    assert_eq!(missing.code(), 10004);
    // A malformed inline list in a sent merger element.
    let inline = json!([{"MsgType": "TIMRelayElem", "MsgContent": {"Title": "t",
        "CompatibleText": "c", "MsgList": [{"From_Account": "alice", "MsgBody": []}]}}]);
    assert_eq!(send_c2c(&mut alice, &mut sim, "bob", 1, inline), 10004);
    let not_an_object = json!([{"MsgType": "TIMRelayElem", "MsgContent": "text"}]);
    assert_eq!(
        send_c2c(&mut alice, &mut sim, "bob", 2, not_an_object),
        10004
    );
    // A key over the bound.
    assert_eq!(get(&mut bob, &mut sim, &"k".repeat(200)).0, 10004);
}
