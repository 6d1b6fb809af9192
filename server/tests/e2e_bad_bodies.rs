//! Any body, sent to any of the message and conversation commands, gets
//! exactly one reply (a value or a typed error) and never a panic, and the
//! engine keeps working afterwards.

mod common;

use common::ops::Outcome;
use common::*;
use proptest::prelude::*;
use serde_json::{json, Value};

const COMMANDS: &[&str] = &[
    "openim.msgwithdraw",
    "openim.modify_c2c_msg",
    "openim.delete_c2c_msg_ramble",
    "openim.msgreaded",
    "openim.c2c_msg_read_receipt",
    "openim.getroammsg",
    "openim.get_peer_read_time",
    "openim_msg_ext_http_svc.set_key_values",
    "openim_msg_ext_http_svc.get_key_values",
    "recentcontact.page_get",
    "recentcontact.top",
    "recentcontact.batch_delete",
    "recentcontact.create_contact_group",
    "recentcontact.update_contact_group",
    "recentcontact.del_contact_group",
    "recentcontact.get_contact_group",
];

/// JSON made of the keys and values these commands use, nested a little.
fn value() -> impl Strategy<Value = Value> {
    let keys = prop::sample::select(vec![
        "From_Account",
        "To_Account",
        "Peer_Account",
        "MsgSeq",
        "MsgRandom",
        "MsgTime",
        "MsgTimeStamp",
        "MsgVersion",
        "MsgBody",
        "MsgKey",
        "MsgKeyList",
        "MsgInfo",
        "C2CMsgReaded",
        "C2CMsgReadedItem",
        "LastedMsgTime",
        "Receipt",
        "C2CMsgInfo",
        "MaxCnt",
        "LastMsgTime",
        "GetDirection",
        "WithRecalledMsg",
        "OperateType",
        "ExtensionList",
        "Key",
        "Value",
        "Seq",
        "startSeq",
        "StartIndex",
        "OperationType",
        "RecentContactItem",
        "ContactItem",
        "Type",
        "ClearRamble",
        "GroupContactItem",
        "GroupName",
        "UpdateType",
        "UpdateGroup",
        "UpdateGroupType",
        "OldGroupName",
        "NewGroupName",
        "ContactUpdateItem",
        "ContactOptType",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        prop::sample::select(vec!["alice", "bob", "", "1_2_3", "G", "x_y_z"]).prop_map(Value::from),
        ".{0,40}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map(keys.clone(), inner, 0..6).prop_map(|m| Value::Object(
                m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
            )),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_body_gets_one_reply(bodies in prop::collection::vec((0..COMMANDS.len(), value()), 1..12)) {
        let mut sim = Sim::new();
        let mut alice = Client::new(1, APP, "alice");
        alice.login(&mut sim);
        let mut bob = Client::new(2, APP, "bob");
        bob.login(&mut sim);
        let out = alice.send_flagged(&mut sim, "bob", 1, 2, "m", true, true);
        prop_assert_eq!(out.code(), 0);
        for (i, body) in bodies {
            let _: Outcome = alice.op(&mut sim, COMMANDS[i], body);
        }
        // Still working.
        let page = alice.conversations(&mut sim);
        prop_assert_eq!(&page["CompleteFlag"], &json!(1));
        prop_assert_eq!(bob.getmsg(&mut sim, "").body["ErrorCode"].clone(), json!(0));
    }
}
