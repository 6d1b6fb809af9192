//! Interop for issue 16, extensions of group messages: the official Web
//! SDK (`@tencentcloud/chat` 3.6.6, in Node) owns a group that tcchat
//! joins on one in-process `tcchat-server`. Each side sets, reads, deletes
//! and clears extensions of a group message sent with `isSupportExtension`
//! by the other, and the other side sees MESSAGE_EXTENSIONS_UPDATED /
//! _DELETED naming the message. The official SDK's requests
//! (`group_set_key_values`, `group_get_key_values`) and its reading of the
//! push with `ExtensionGroupMsgInfo` are what PROTOCOL.md 8.10 marks
//! verified.
//!
//! The scenario ends by checking that every request the official SDK made
//! was answered with ErrorCode 0 and that it logged no error or warning.
//!
//! `cargo test -p tcchat-tests --test interop_group_ext`

mod interop_harness;

use interop_harness::*;
use serde_json::json;
use tcchat_server::ServerConfig;
use tcchat_tokio::{CreateTextMessageOptions, Event, MessageExtension};

fn ext(key: &str, value: &str) -> MessageExtension {
    MessageExtension {
        key: key.into(),
        value: value.into(),
    }
}

#[test]
fn group_message_extensions_across_both_sdks() {
    run(async {
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let url = server.ws_url();
        let mut owner = Agent::create("gx-owner", &url, 0).await;
        owner.login("gowner").await;
        owner.settle().await;
        let created = owner
            .ok(
                "createGroup",
                json!({"type": "Public", "name": "Votes", "groupID": "grpX", "joinOption": "FreeAccess"}),
            )
            .await;
        assert_eq!(created["group"]["groupID"], "grpX", "{created}");
        let (alice, alice_events) = tcchat_login(&url, "alice").await;
        let rec = Recorder::new(alice_events);
        tcchat_call("join_group", alice.join_group("grpX", "")).await;

        // tcchat's extensible group message; the official SDK sees the flag.
        let m = alice
            .create_text_message(
                &CreateTextMessageOptions::group("grpX", "vote").with_extension_support(),
            )
            .expect("create_text_message");
        let m = tcchat_call("send_message", alice.send_message(&m)).await;
        let (_, event) = owner
            .wait_event("MESSAGE_RECEIVED", 0, PATIENCE, names_message(&m.id))
            .await;
        let got = message_in(&event["data"], &m.id).unwrap();
        assert_eq!(got["isSupportExtension"], true, "{got}");

        // tcchat sets → the official SDK: UPDATED, and its get agrees.
        let set = tcchat_call(
            "set_message_extensions",
            alice.set_message_extensions(&m, &[ext("a", "1"), ext("b", "2")]),
        )
        .await;
        assert!(set.iter().all(|r| r.code == 0), "{set:?}");
        let (_, event) = owner
            .wait_event("MESSAGE_EXTENSIONS_UPDATED", 0, PATIENCE, |d| {
                d["messageID"] == m.id.as_str()
            })
            .await;
        assert_eq!(
            event["data"]["extensions"],
            json!([{"key": "a", "value": "1"}, {"key": "b", "value": "2"}]),
            "{event}"
        );
        let theirs = owner
            .ok("getMessageExtensions", json!({"messageID": m.id}))
            .await;
        assert_eq!(
            theirs["extensions"],
            json!([{"key": "a", "value": "1"}, {"key": "b", "value": "2"}]),
            "{theirs}"
        );

        // The official SDK sets and deletes → tcchat: UPDATED, DELETED.
        let from = rec.mark();
        let set = owner
            .ok(
                "setMessageExtensions",
                json!({"messageID": m.id, "extensions": [{"key": "b", "value": "22"}]}),
            )
            .await;
        assert_eq!(
            set["extensions"],
            json!([{"code": 0, "key": "b", "value": "22"}]),
            "{set}"
        );
        let event = rec
            .wait("tcchat UPDATED b", from, |e| {
                matches!(e, Event::MessageExtensionsUpdated { message_id, .. } if *message_id == m.id)
            })
            .await;
        let Event::MessageExtensionsUpdated { extensions, .. } = event else {
            unreachable!()
        };
        assert_eq!(extensions, vec![ext("b", "22")]);
        let from = rec.mark();
        owner
            .ok(
                "deleteMessageExtensions",
                json!({"messageID": m.id, "keyList": ["a"]}),
            )
            .await;
        let event = rec
            .wait("tcchat DELETED a", from, |e| {
                matches!(e, Event::MessageExtensionsDeleted { message_id, .. } if *message_id == m.id)
            })
            .await;
        let Event::MessageExtensionsDeleted { key_list, .. } = event else {
            unreachable!()
        };
        assert_eq!(key_list, vec!["a".to_owned()]);
        let now = tcchat_call("get_message_extensions", alice.get_message_extensions(&m)).await;
        assert_eq!(now, vec![ext("b", "22")]);

        // tcchat clears → the official SDK: DELETED [b], and its get is empty.
        let from = owner.mark();
        tcchat_call(
            "delete_message_extensions",
            alice.delete_message_extensions(&m, None),
        )
        .await;
        let (_, event) = owner
            .wait_event("MESSAGE_EXTENSIONS_DELETED", from, PATIENCE, |d| {
                d["messageID"] == m.id.as_str()
            })
            .await;
        assert_eq!(event["data"]["keyList"], json!(["b"]), "{event}");
        let theirs = owner
            .ok("getMessageExtensions", json!({"messageID": m.id}))
            .await;
        assert_eq!(theirs["extensions"], json!([]), "{theirs}");

        // The official SDK's extensible group message: tcchat sees the flag
        // and extends it; the official SDK hears of it.
        let o = owner
            .ok(
                "sendGroupText",
                json!({"groupID": "grpX", "text": "poll", "isSupportExtension": true}),
            )
            .await;
        let o_id = o["ID"].as_str().expect("ID").to_owned();
        let event = rec
            .wait(
                "tcchat MESSAGE_RECEIVED poll",
                0,
                |e| matches!(e, Event::MessageReceived(l) if l.iter().any(|x| x.id == o_id)),
            )
            .await;
        let Event::MessageReceived(list) = event else {
            unreachable!()
        };
        let poll = list.into_iter().find(|x| x.id == o_id).unwrap();
        assert!(poll.is_support_extension, "{poll:?}");
        tcchat_call(
            "set_message_extensions",
            alice.set_message_extensions(&poll, &[ext("seen", "yes")]),
        )
        .await;
        let (_, event) = owner
            .wait_event("MESSAGE_EXTENSIONS_UPDATED", 0, PATIENCE, |d| {
                d["messageID"] == o_id.as_str()
            })
            .await;
        assert_eq!(
            event["data"]["extensions"],
            json!([{"key": "seen", "value": "yes"}]),
            "{event}"
        );
        let theirs = owner
            .ok("getMessageExtensions", json!({"messageID": o_id}))
            .await;
        assert_eq!(
            theirs["extensions"],
            json!([{"key": "seen", "value": "yes"}]),
            "{theirs}"
        );

        owner.assert_replies_ok(0).await;
        owner.assert_no_problems(0);
        let counts = owner.request_counts(0);
        for cmd in [
            "openim_msg_ext_http_svc.group_set_key_values",
            "openim_msg_ext_http_svc.group_get_key_values",
        ] {
            assert!(counts.get(cmd).is_some_and(|n| *n > 0), "{cmd}: {counts:?}");
        }
        drop(owner);
        alice.destroy().await.unwrap();
        stop_server(server).await;
    });
}
