//! Malformed, oversized and hostile frames: typed errors or a typed close,
//! never a panic.

mod common;

use std::io::Write;

use common::*;
use proptest::prelude::*;
use serde_json::json;
use tcchat_core::wire::{self, Head, Limits};
use tcchat_server::codes;
use tcchat_server::engine::{ConnId, EngineConfig, Output};
use tcchat_server::store::{MemoryStore, Store};

fn close_code(out: &[Output]) -> Option<u16> {
    match out {
        [Output::Close { code, .. }] => Some(*code),
        _ => None,
    }
}

#[test]
fn bytes_that_are_not_a_frame_close_the_socket_with_1007() {
    for junk in [&b"hello"[..], b"", b"{", b"[1,2]", b"COMPxxxx", b"\xff\xfe"] {
        let mut sim = Sim::new();
        sim.connect_app(1, APP);
        let out = sim.raw(1, junk);
        assert_eq!(
            close_code(&out),
            Some(codes::CLOSE_INVALID_FRAME),
            "{junk:?}: {out:?}"
        );
        assert_eq!(sim.engine.connection_count(), 0);
    }
}

#[test]
fn a_frame_with_a_readable_servcmd_and_seq_gets_an_error_reply() {
    let mut sim = Sim::new();
    sim.connect_app(1, APP);
    // Valid JSON, but no body.
    let out = frames(&sim.raw(1, br#"{"head":{"servcmd":"openim.sendmsg","seq":77}}"#));
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].head.servcmd, "openim.sendmsg");
    assert_eq!(out[0].head.seq, 77);
    assert_eq!(out[0].body["ErrorCode"], 9004);
    assert!(out[0].body["ErrorInfo"]
        .as_str()
        .unwrap()
        .contains("malformed"));
    assert_eq!(sim.engine.connection_count(), 1, "the socket stays open");
}

#[test]
fn a_checksum_mismatch_gets_9006() {
    let mut sim = Sim::new();
    sim.connect_app(1, APP);
    let head = Head::request(
        APP,
        &tcchat_core::wire::HeadIdentity::Anonymous,
        "openim.getmsg",
        5,
        1,
    );
    let good = String::from_utf8(wire::encode(&head, &json!({"Cookie":""})).to_vec()).unwrap();
    let bad = good.replace(r#""Cookie":"""#, r#""Cookie":"x""#);
    let out = frames(&sim.raw(1, bad.as_bytes()));
    assert_eq!(out[0].body["ErrorCode"], 9006);
    assert_eq!(out[0].head.seq, 5);
}

#[test]
fn oversized_frames_close_with_1009() {
    let config = EngineConfig {
        limits: Limits {
            max_frame_bytes: 4096,
            max_decompressed_bytes: 8192,
        },
        ..config()
    };
    let mut sim = Sim::with(config, MemoryStore::new());
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    let big = sendmsg_body("alice", "bob", 1, 1, 1, &"y".repeat(5000));
    let head = alice.head("openim.sendmsg", 1);
    let out = sim.request(1, &head, &big);
    assert_eq!(close_code(&out), Some(codes::CLOSE_TOO_BIG), "{out:?}");

    // A small COMP frame that inflates past the limit.
    let mut alice = Client::new(2, APP, "alice");
    alice.login(&mut sim);
    let head = alice.head("openim.sendmsg", 1);
    let plain = wire::encode(
        &head,
        &sendmsg_body("alice", "bob", 1, 1, 1, &"z".repeat(20_000)),
    );
    let mut comp = b"COMP".to_vec();
    let mut gz = flate2::write::GzEncoder::new(&mut comp, flate2::Compression::best());
    gz.write_all(&plain).unwrap();
    gz.finish().unwrap();
    assert!(comp.len() < 4096);
    let out = sim.raw(2, &comp);
    assert_eq!(close_code(&out), Some(codes::CLOSE_TOO_BIG), "{out:?}");
    assert_eq!(
        sim.engine
            .store_mut()
            .inbox_after(APP, "bob", 0, 10)
            .unwrap()
            .len(),
        0
    );
}

#[test]
fn compressed_uplink_frames_are_accepted() {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    let head = alice.head("heartbeat.alive", 1);
    let comp = wire::encode_compressed(&head, &json!({}), wire::Compression::Zlib);
    let out = frames(&sim.raw(1, &comp));
    assert_eq!(out[0].body["ErrorCode"], 0);
}

#[test]
fn bodies_of_the_wrong_shape_get_typed_errors() {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    for (cmd, body) in [
        ("openim.sendmsg", json!([1, 2, 3])),
        (
            "openim.sendmsg",
            json!({"MsgBody": "nope", "To_Account": "bob"}),
        ),
        ("openim.getmsg", json!({"Cookie": 5})),
    ] {
        let reply = alice.reply(&mut sim, cmd, body);
        assert_eq!(reply.body["ErrorCode"], 9004, "{cmd}: {}", reply.body);
    }
    // Profiles are real since issue 18: a junk body is a typed error.
    assert_eq!(
        alice
            .reply(&mut sim, "profile.portrait_get_all", json!("junk"))
            .body["ErrorCode"],
        9004
    );
    // Stubs and acks tolerate junk bodies.
    assert_eq!(
        alice
            .reply(&mut sim, "im_sdk_config_mgr.fetch_config", json!("junk"))
            .body["ErrorCode"],
        0
    );
    assert!(alice
        .call(&mut sim, "openim.ws_msg_push_ack", json!(null))
        .is_empty());
}

#[test]
fn frames_for_unknown_connections_are_ignored() {
    let mut sim = Sim::new();
    assert!(sim.raw(99, b"{}").is_empty());
    assert!(sim.disconnect(99).is_empty());
    let out = sim.raw(
        99,
        br#"{"head":{"servcmd":"heartbeat.alive","seq":1},"body":{}}"#,
    );
    assert!(out.is_empty());
    let _ = ConnId(99);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let mut sim = Sim::new();
        sim.connect_app(1, APP);
        let _ = sim.raw(1, &bytes);
        let mut comp = b"COMP".to_vec();
        comp.extend_from_slice(&bytes);
        sim.connect_app(2, APP);
        let _ = sim.raw(2, &comp);
    }

    #[test]
    fn arbitrary_bodies_for_every_servcmd_never_panic(
        cmd in prop::sample::select(vec![
            "im_open_status.wslogin", "im_open_status.wslogout", "im_open_status.wshello",
            "heartbeat.alive", "openim.sendmsg", "openim.getmsg", "openim.ws_msg_push_ack",
            "profile.portrait_get_all", "openim.get_peer_read_time",
            "openim.get_c2c_peer_mute_notifications", "x.y", "",
            "group_open_http_svc.group_msg_recall", "openim.modify_group_msg",
            "group_open_http_svc.delete_group_ramble_msg_by_seq",
        ]),
        body in arbitrary_json(),
        seq in any::<u64>(),
        logged_in in any::<bool>(),
    ) {
        let mut sim = Sim::new();
        let mut alice = Client::new(1, APP, "alice");
        if logged_in {
            alice.login(&mut sim);
        } else {
            sim.connect_app(1, APP);
        }
        alice.seq = seq.saturating_sub(1);
        let head = alice.head(cmd, 1);
        let _ = sim.request(1, &head, &body);
    }
}

fn arbitrary_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<u64>().prop_map(serde_json::Value::from),
        "[a-zA-Z_]{0,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "From_Account",
                    "To_Account",
                    "MsgSeq",
                    "MsgRandom",
                    "MsgBody",
                    "MsgType",
                    "MsgContent",
                    "Cookie",
                    "SessionData",
                    "UserItem",
                    "Peer_Account",
                    "x",
                ])
                .prop_map(str::to_owned),
                inner,
                0..6,
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}
