//! Interop for issue 8, messages and conversations: the official Web SDK
//! (`@tencentcloud/chat` 3.6.6, in Node) on one side, tcchat on the other,
//! one in-process `tcchat-server` between them, each event both ways.
//!
//! * Two users (the official SDK as `bob`, tcchat as `alice`): revoke,
//!   read report, modify (with a version conflict each side), read
//!   receipts, extensions, custom messages, history paging and delete.
//! * One user with two instances (the official SDK and tcchat, both
//!   `cathy`, the server allowing both on the Web): conversation groups,
//!   pin, delete, read sync, each made on one instance and seen on the other.
//!
//! Every scenario ends by checking that every request the official SDK made
//! was answered with ErrorCode 0 (but for refusals it caused on purpose),
//! and that it logged no error or warning (the malformed-reply symptoms of
//! messages-facts.md §7 and protocol-facts.md §7 among them), no uncaught
//! exception and no unhandled rejection. Every wait is bounded and ends as
//! soon as its condition holds. See docs/INTEROP.md.
//!
//! `cargo test -p tcchat-tests --test interop_messages`

mod interop_harness;

use std::collections::BTreeSet;

use interop_harness::*;
use serde_json::{json, Value};
use tcchat_server::engine::InstancePolicy;
use tcchat_server::ServerConfig;
use tcchat_tokio::{
    Chat, CreateCustomMessageOptions, CreateTextMessageOptions, ErrorCode, Event, Message,
    MessageExtension, Payload,
};

/// `setLogLevel(0)`: every SDK log line passes through the agent's
/// error/warning classifier.
const LOG_LEVEL: u8 = 0;

// ---------------------------------------------------------------------------
// Set-up

/// A server that lets one user be online on any number of instances of
/// one platform class (the official SDK and tcchat both log in as the Web).
fn multi_instance_config() -> ServerConfig {
    let mut config = ServerConfig::ephemeral(vec![app()]);
    config.instances = InstancePolicy {
        per_class: 0,
        ..InstancePolicy::DEFAULT
    };
    config
}

/// An official-SDK instance logged in as `user`, past its initial sync (so
/// its purchase bits, which enable extensions and conversation groups, have
/// arrived).
async fn official(name: &str, url: &str, user: &str) -> Agent {
    let mut agent = Agent::create(name, url, LOG_LEVEL).await;
    agent.login(user).await;
    agent.settle().await;
    agent
}

/// A tcchat instance logged in as `user`, its events recorded. Two round
/// trips after the login: the server answers a connection in order, so the
/// purchase bits (asked at login) and the conversation groups (asked when
/// the bits arrive) are known afterwards.
async fn ours(url: &str, user: &str) -> (Chat, Recorder) {
    let (chat, events) = tcchat_login(url, user).await;
    let recorder = Recorder::new(events);
    for _ in 0..2 {
        tcchat_call(
            &format!("{user}: get_message_list"),
            chat.get_message_list(&format!("C2C{user}"), None),
        )
        .await;
    }
    (chat, recorder)
}

fn text(m: &Message) -> &str {
    text_of(m)
}

fn id_of(view: &Value) -> String {
    view["ID"]
        .as_str()
        .unwrap_or_else(|| panic!("no ID in {view}"))
        .to_owned()
}

fn conv_ids(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|s| (*s).to_owned()).collect()
}

fn ext(key: &str, value: &str) -> MessageExtension {
    MessageExtension {
        key: key.into(),
        value: value.into(),
    }
}

/// The message `id` in a tcchat event that lists messages.
fn listed<'a>(event: &'a Event, id: &str) -> Option<&'a Message> {
    match event {
        Event::MessageReceived(l)
        | Event::MessageModified(l)
        | Event::MessageRevoked(l)
        | Event::MessageReadByPeer(l) => l.iter().find(|m| m.id == id),
        _ => None,
    }
}

/// A tcchat send of `options`, bounded.
async fn send(chat: &Chat, options: &CreateTextMessageOptions) -> Message {
    let message = chat
        .create_text_message(options)
        .expect("create_text_message");
    tcchat_call("send_message", chat.send_message(&message)).await
}

/// The official SDK sends `text` to `to`; returns its message view.
async fn official_send(agent: &mut Agent, to: &str, text: &str, extra: Value) -> Value {
    let mut args = json!({"to": to, "text": text});
    if let (Some(args), Some(extra)) = (args.as_object_mut(), extra.as_object()) {
        args.extend(extra.clone());
    }
    let sent = agent.ok("sendText", args).await;
    assert_eq!(sent["status"], "success", "{sent}");
    sent
}

/// tcchat waits for MESSAGE_RECEIVED of the message `id`.
async fn ours_receives(rec: &Recorder, id: &str) -> Message {
    let event = rec
        .wait(&format!("MESSAGE_RECEIVED of {id}"), 0, |e| {
            matches!(e, Event::MessageReceived(_)) && listed(e, id).is_some()
        })
        .await;
    listed(&event, id).cloned().expect("matched above")
}

/// The official SDK waits for MESSAGE_RECEIVED of the message `id`.
async fn official_receives(agent: &Agent, id: &str) -> Value {
    let (_, record) = agent
        .wait_event("MESSAGE_RECEIVED", 0, PATIENCE, names_message(id))
        .await;
    message_in(&record["data"], id).expect("matched above")
}

/// Everything the official SDK did in the scenario was clean.
async fn assert_clean(agent: &Agent, refusals: &[(&str, i64)], expected_logs: &[&str]) {
    agent.assert_replies_ok_except(0, refusals).await;
    agent.assert_no_problems_except(0, expected_logs);
}

// ---------------------------------------------------------------------------
// Two users: message operations

/// Revoke, both ways: the peer gets MESSAGE_REVOKED with `isRevoked` and
/// the revoker; the revoker itself gets no MESSAGE_REVOKED (it learns from
/// its reply), in either SDK.
#[test]
fn revokes_reach_the_other_sdk() {
    run(async {
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let url = server.ws_url();
        let mut bob = official("m-revoke-bob", &url, "bob").await;
        let (alice, alice_rec) = ours(&url, "alice").await;

        // tcchat revokes → the official SDK gets MESSAGE_REVOKED.
        let m1 = tcchat_send(&alice, "bob", "revoke me, tcchat").await;
        official_receives(&bob, &m1.id).await;
        let revoked = tcchat_call("revoke_message", alice.revoke_message(&m1)).await;
        assert!(revoked.is_revoked, "{revoked:?}");
        let (_, event) = bob
            .wait_event("MESSAGE_REVOKED", 0, PATIENCE, names_message(&m1.id))
            .await;
        let got = message_in(&event["data"], &m1.id).unwrap();
        assert_eq!(got["isRevoked"], true, "{got}");
        assert_eq!(got["revoker"], "alice", "{got}");
        assert_eq!(got["conversationID"], "C2Calice", "{got}");
        assert_eq!(got["text"], "revoke me, tcchat", "{got}");
        // Its conversation shows the revoked last message.
        bob.wait_event("CONVERSATION_LIST_UPDATED", 0, PATIENCE, |d| {
            conversation_in(d, "C2Calice").is_some_and(|c| c["lastMessage"]["isRevoked"] == true)
        })
        .await;

        // The official SDK revokes → tcchat gets MESSAGE_REVOKED.
        let m2 = official_send(&mut bob, "alice", "revoke me, official", json!({})).await;
        let id2 = id_of(&m2);
        ours_receives(&alice_rec, &id2).await;
        let r = bob.ok("revokeMessage", json!({"messageID": id2})).await;
        assert_eq!(r["isRevoked"], true, "{r}");
        let event = alice_rec
            .wait("MESSAGE_REVOKED", 0, |e| {
                matches!(e, Event::MessageRevoked(_)) && listed(e, &id2).is_some()
            })
            .await;
        let got = listed(&event, &id2).unwrap();
        assert!(got.is_revoked, "{got:?}");
        assert_eq!(got.revoker, "bob", "{got:?}");
        assert_eq!(got.conversation_id, "C2Cbob");
        assert!(alice.find_message(&id2).is_some_and(|m| m.is_revoked));

        // Neither revoker heard of its own revoke: markers both ways, which
        // arrive after any such push would have.
        let marker = tcchat_send(&alice, "bob", "marker to bob").await;
        official_receives(&bob, &marker.id).await;
        let back = official_send(&mut bob, "alice", "marker to alice", json!({})).await;
        ours_receives(&alice_rec, &id_of(&back)).await;
        for r in bob.events("MESSAGE_REVOKED", 0) {
            assert!(
                message_in(&r["data"], &id2).is_none(),
                "the official SDK got MESSAGE_REVOKED for its own revoke: {r}"
            );
        }
        assert!(
            !alice_rec
                .since(0)
                .iter()
                .any(|e| matches!(e, Event::MessageRevoked(_)) && listed(e, &m1.id).is_some()),
            "tcchat got MESSAGE_REVOKED for its own revoke"
        );

        // The server's refusals reach the official SDK's promises with their
        // codes: revoking someone else's message (10007), modifying a
        // revoked one (20023).
        let refused = bob
            .refused("revokeMessage", json!({"messageID": marker.id}))
            .await;
        assert_eq!(refused["code"], 10007, "{refused}");
        let refused = bob
            .refused(
                "modifyMessage",
                json!({"messageID": m1.id, "text": "too late"}),
            )
            .await;
        assert_eq!(refused["code"], 20023, "{refused}");

        assert_clean(
            &bob,
            &[
                ("openim.msgwithdraw", 10007),
                ("openim.modify_c2c_msg", 20023),
            ],
            // The official SDK logs each refusal at warn level, with its code.
            &[r#""code":10007}"#, r#""code":20023}"#],
        )
        .await;
        drop(bob);
        alice.destroy().await.unwrap();
        stop_server(server).await;
    });
}

/// Read reports, both ways: `set_message_read` on one side → the other
/// side's MESSAGE_READ_BY_PEER for each of its messages (`isPeerRead`),
/// and the reader's unread count drops to 0.
#[test]
fn reads_reach_the_other_sdk() {
    run(async {
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let url = server.ws_url();
        let mut bob = official("m-read-bob", &url, "bob").await;
        let (alice, alice_rec) = ours(&url, "alice").await;

        // tcchat reads → the official SDK gets MESSAGE_READ_BY_PEER.
        let mut sent = Vec::new();
        for i in 0..2 {
            let m = official_send(&mut bob, "alice", &format!("read me #{i}"), json!({})).await;
            ours_receives(&alice_rec, &id_of(&m)).await;
            sent.push(id_of(&m));
        }
        tcchat_call("set_message_read", alice.set_message_read("C2Cbob")).await;
        for id in &sent {
            let (_, event) = bob
                .wait_event("MESSAGE_READ_BY_PEER", 0, PATIENCE, names_message(id))
                .await;
            let got = message_in(&event["data"], id).unwrap();
            assert_eq!(got["isPeerRead"], true, "{got}");
            assert_eq!(got["flow"], "out", "{got}");
        }
        bob.wait_event("CONVERSATION_LIST_UPDATED", 0, PATIENCE, |d| {
            conversation_in(d, "C2Calice").is_some_and(|c| c["lastMessage"]["isPeerRead"] == true)
        })
        .await;

        // The official SDK reads → tcchat gets MESSAGE_READ_BY_PEER.
        let mut mine = Vec::new();
        for i in 0..2 {
            let m = tcchat_send(&alice, "bob", &format!("read me too #{i}")).await;
            official_receives(&bob, &m.id).await;
            mine.push(m.id);
        }
        bob.wait_event("TOTAL_UNREAD_MESSAGE_COUNT_UPDATED", 0, PATIENCE, |d| {
            *d == 2
        })
        .await;
        let profile = bob
            .ok(
                "getConversationProfile",
                json!({"conversationID": "C2Calice"}),
            )
            .await;
        assert_eq!(profile["unreadCount"], 2, "{profile}");
        let from = bob.mark();
        bob.ok("setMessageRead", json!({"conversationID": "C2Calice"}))
            .await;
        bob.wait_event("TOTAL_UNREAD_MESSAGE_COUNT_UPDATED", from, PATIENCE, |d| {
            *d == 0
        })
        .await;
        for id in &mine {
            let event = alice_rec
                .wait(&format!("MESSAGE_READ_BY_PEER of {id}"), 0, |e| {
                    matches!(e, Event::MessageReadByPeer(_)) && listed(e, id).is_some()
                })
                .await;
            assert!(listed(&event, id).unwrap().is_peer_read);
        }
        assert_eq!(
            bob.ok("getTotalUnreadMessageCount", json!({})).await,
            json!(0)
        );
        let read = bob
            .records_since(from)
            .into_iter()
            .find(|r| r["k"] == "up" && r["servcmd"] == "openim.msgreaded")
            .expect("the official SDK's msgreaded");
        assert_eq!(
            read["body"]["C2CMsgReaded"]["C2CMsgReadedItem"][0]["To_Account"], "alice",
            "{read}"
        );

        assert_clean(&bob, &[], &[]).await;
        drop(bob);
        alice.destroy().await.unwrap();
        stop_server(server).await;
    });
}

/// Modify, both ways (MESSAGE_MODIFIED with the new payload and version),
/// and a version conflict on each side: the side whose version is stale
/// gets 2480 with the server's version of the message. A stale version is
/// made deterministic with a proxy that holds back what the server sends
/// that side (the modification's push) until its own request has gone out.
#[test]
fn modifications_reach_the_other_sdk_and_stale_versions_get_2480() {
    run(async {
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let bob_link = Proxy::start(server.ws_addr()).await;
        let alice_link = Proxy::start(server.ws_addr()).await;
        let mut bob = official("m-modify-bob", &bob_link.url(), "bob").await;
        let (alice, alice_rec) = ours(&alice_link.url(), "alice").await;

        let m = tcchat_send(&alice, "bob", "v0").await;
        official_receives(&bob, &m.id).await;

        // tcchat modifies → the official SDK gets MESSAGE_MODIFIED.
        let mut edit = m.clone();
        edit.payload = Payload::Text {
            text: "v1 by tcchat".into(),
        };
        let v1 = tcchat_call("modify_message", alice.modify_message(&edit)).await;
        assert_eq!(
            (v1.version, v1.is_modified, text(&v1)),
            (1, true, "v1 by tcchat")
        );
        let (_, event) = bob
            .wait_event("MESSAGE_MODIFIED", 0, PATIENCE, |d| {
                message_in(d, &m.id).is_some_and(|x| x["version"] == 1)
            })
            .await;
        let got = message_in(&event["data"], &m.id).unwrap();
        assert_eq!(got["text"], "v1 by tcchat", "{got}");
        assert_eq!(got["isModified"], true, "{got}");

        // The official SDK modifies → tcchat gets MESSAGE_MODIFIED.
        let v2 = bob
            .ok(
                "modifyMessage",
                json!({"messageID": m.id, "text": "v2 by official"}),
            )
            .await;
        assert_eq!(v2["version"], 2, "{v2}");
        assert_eq!(v2["text"], "v2 by official", "{v2}");
        let event = alice_rec
            .wait("MESSAGE_MODIFIED to version 2", 0, |e| {
                matches!(e, Event::MessageModified(_))
                    && listed(e, &m.id).is_some_and(|x| x.version == 2)
            })
            .await;
        let got = listed(&event, &m.id).unwrap();
        assert_eq!(text(got), "v2 by official");
        assert!(got.is_modified);

        // The official SDK's version is stale: tcchat makes version 3
        // while the official SDK's downlink is held, so the official SDK
        // still holds version 2 when it sends its own modification.
        bob_link.hold_downlink();
        let held = alice.find_message(&m.id).expect("tcchat holds the message");
        assert_eq!(held.version, 2);
        let mut edit = held.clone();
        edit.payload = Payload::Text {
            text: "v3 by tcchat".into(),
        };
        let v3 = tcchat_call("modify_message", alice.modify_message(&edit)).await;
        assert_eq!(v3.version, 3);
        let from = bob.mark();
        let call = bob
            .submit(
                "modifyMessage",
                json!({"messageID": m.id, "text": "stale by official"}),
            )
            .await;
        let (_, request) = bob
            .wait("its modify_c2c_msg request", from, PATIENCE, |r| {
                r["k"] == "up" && r["servcmd"] == "openim.modify_c2c_msg"
            })
            .await;
        assert_eq!(request["body"]["MsgVersion"], 2, "{request}");
        bob_link.release_downlink();
        let refusal = bob
            .outcome("modifyMessage", call, from, PATIENCE)
            .await
            .expect_err("a stale modifyMessage must be refused");
        assert_eq!(refusal["code"], 2480, "{refusal}");
        let server_version = &refusal["data"]["message"];
        assert_eq!(server_version["version"], 3, "{refusal}");
        assert_eq!(
            server_version["payload"]["text"], "v3 by tcchat",
            "{refusal}"
        );
        // It ends at the server's version.
        bob.wait_event("MESSAGE_MODIFIED", from, PATIENCE, |d| {
            message_in(d, &m.id).is_some_and(|x| x["version"] == 3 && x["text"] == "v3 by tcchat")
        })
        .await;
        let now = bob.ok("findMessage", json!({"messageID": m.id})).await;
        assert_eq!(
            (now["version"].clone(), now["text"].clone()),
            (json!(3), json!("v3 by tcchat")),
            "{now}"
        );

        // tcchat's version is stale: the same, the other way round.
        alice_link.hold_downlink();
        let before = alice_rec.mark();
        let stale = alice.find_message(&m.id).expect("tcchat holds the message");
        assert_eq!(stale.version, 3);
        let v4 = bob
            .ok(
                "modifyMessage",
                json!({"messageID": m.id, "text": "v4 by official"}),
            )
            .await;
        assert_eq!(v4["version"], 4, "{v4}");
        let mut edit = stale.clone();
        edit.payload = Payload::Text {
            text: "stale by tcchat".into(),
        };
        // The request carries the version held at the call (3).
        let reply = alice.modify_message(&edit);
        alice_link.release_downlink();
        let err = bounded("modify_message", reply)
            .await
            .expect_err("a stale modify_message must be refused");
        assert_eq!(err.code, ErrorCode::MSG_MODIFY_CONFLICT, "{err}");
        let theirs = err
            .data_message()
            .expect("2480 carries the server's version");
        assert_eq!((theirs.version, text(theirs)), (4, "v4 by official"));
        alice_rec
            .wait("MESSAGE_MODIFIED to version 4", before, |e| {
                matches!(e, Event::MessageModified(_))
                    && listed(e, &m.id).is_some_and(|x| x.version == 4)
            })
            .await;
        let now = alice.find_message(&m.id).unwrap();
        assert_eq!((now.version, text(&now)), (4, "v4 by official"));

        assert_clean(
            &bob,
            &[("openim.modify_c2c_msg", 20027)],
            &[r#""code":20027}"#],
        )
        .await;
        drop(bob);
        alice.destroy().await.unwrap();
        drop((bob_link, alice_link));
        stop_server(server).await;
    });
}

/// C2C read receipts, both ways: a message sent with `needReadReceipt`
/// arrives with it; the receiver's `sendMessageReadReceipt` gives the
/// sender MESSAGE_READ_RECEIPT_RECEIVED, and its
/// `getMessageReadReceiptList` shows the message read.
#[test]
fn read_receipts_reach_the_other_sdk() {
    run(async {
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let url = server.ws_url();
        let mut bob = official("m-receipt-bob", &url, "bob").await;
        let (alice, alice_rec) = ours(&url, "alice").await;

        // tcchat asks for a receipt; the official SDK sends it.
        let m = send(
            &alice,
            &CreateTextMessageOptions::c2c("bob", "receipt please, official").with_read_receipt(),
        )
        .await;
        assert!(m.need_read_receipt);
        let got = official_receives(&bob, &m.id).await;
        assert_eq!(got["needReadReceipt"], true, "{got}");
        bob.ok("sendMessageReadReceipt", json!({"messageIDs": [m.id]}))
            .await;
        let event = alice_rec
            .wait("MESSAGE_READ_RECEIPT_RECEIVED", 0, |e| {
                matches!(e, Event::MessageReadReceiptReceived(l) if l.iter().any(|r| r.message_id == m.id))
            })
            .await;
        let Event::MessageReadReceiptReceived(list) = event else {
            unreachable!()
        };
        let receipt = list.iter().find(|r| r.message_id == m.id).unwrap();
        assert_eq!(receipt.user_id, "bob");
        assert!(receipt.is_peer_read);
        assert!(receipt.timestamp > 0, "{receipt:?}");
        let mine = alice
            .get_message_read_receipt_list(std::slice::from_ref(&m))
            .await
            .expect("get_message_read_receipt_list");
        assert!(mine[0].read_receipt_info.is_peer_read, "{mine:?}");

        // The official SDK asks for a receipt; tcchat sends it.
        let sent = official_send(
            &mut bob,
            "alice",
            "receipt please, tcchat",
            json!({"needReadReceipt": true}),
        )
        .await;
        assert_eq!(sent["needReadReceipt"], true, "{sent}");
        let id = id_of(&sent);
        let theirs = ours_receives(&alice_rec, &id).await;
        assert!(theirs.need_read_receipt, "{theirs:?}");
        tcchat_call(
            "send_message_read_receipt",
            alice.send_message_read_receipt(std::slice::from_ref(&theirs)),
        )
        .await;
        let (_, event) = bob
            .wait_event("MESSAGE_READ_RECEIPT_RECEIVED", 0, PATIENCE, |d| {
                d.as_array()
                    .is_some_and(|l| l.iter().any(|r| r["messageID"] == id.as_str()))
            })
            .await;
        let receipt = event["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["messageID"] == id.as_str())
            .unwrap()
            .clone();
        assert_eq!(receipt["userID"], "alice", "{receipt}");
        assert_eq!(receipt["isPeerRead"], true, "{receipt}");
        assert!(
            receipt["timestamp"].as_u64().is_some_and(|t| t > 0),
            "{receipt}"
        );
        let list = bob
            .ok("getMessageReadReceiptList", json!({"messageIDs": [id]}))
            .await;
        let held = message_in(&list, &id).unwrap_or_else(|| panic!("{list}"));
        assert_eq!(held["readReceiptInfo"]["isPeerRead"], true, "{held}");

        assert_clean(&bob, &[], &[]).await;
        drop(bob);
        alice.destroy().await.unwrap();
        stop_server(server).await;
    });
}

/// Message extensions, both ways, on a message sent with
/// `isSupportExtension`: set (MESSAGE_EXTENSIONS_UPDATED), get, delete
/// some keys and clear all (MESSAGE_EXTENSIONS_DELETED). The operator gets
/// no event for its own change.
#[test]
fn extensions_reach_the_other_sdk() {
    run(async {
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let url = server.ws_url();
        let mut bob = official("m-ext-bob", &url, "bob").await;
        let (alice, alice_rec) = ours(&url, "alice").await;

        let m = send(
            &alice,
            &CreateTextMessageOptions::c2c("bob", "extend me").with_extension_support(),
        )
        .await;
        assert!(m.is_support_extension);
        let got = official_receives(&bob, &m.id).await;
        assert_eq!(got["isSupportExtension"], true, "{got}");

        // tcchat sets a and b → the official SDK: UPDATED.
        let set = tcchat_call(
            "set_message_extensions",
            alice.set_message_extensions(&m, &[ext("a", "1"), ext("b", "2")]),
        )
        .await;
        assert!(set.iter().all(|r| r.code == 0), "{set:?}");
        let (_, event) = bob
            .wait_event("MESSAGE_EXTENSIONS_UPDATED", 0, PATIENCE, |d| {
                d["messageID"] == m.id.as_str()
            })
            .await;
        assert_eq!(
            event["data"]["extensions"],
            json!([{"key": "a", "value": "1"}, {"key": "b", "value": "2"}]),
            "{event}"
        );
        let theirs = bob
            .ok("getMessageExtensions", json!({"messageID": m.id}))
            .await;
        assert_eq!(
            theirs["extensions"],
            json!([{"key": "a", "value": "1"}, {"key": "b", "value": "2"}]),
            "{theirs}"
        );

        // The official SDK sets b → tcchat: UPDATED.
        let from = alice_rec.mark();
        let set = bob
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
        let event = alice_rec
            .wait("MESSAGE_EXTENSIONS_UPDATED", from, |e| {
                matches!(e, Event::MessageExtensionsUpdated { message_id, .. } if *message_id == m.id)
            })
            .await;
        let Event::MessageExtensionsUpdated { extensions, .. } = event else {
            unreachable!()
        };
        assert_eq!(extensions, vec![ext("b", "22")]);

        // The official SDK deletes a → tcchat: DELETED [a].
        let from = alice_rec.mark();
        bob.ok(
            "deleteMessageExtensions",
            json!({"messageID": m.id, "keyList": ["a"]}),
        )
        .await;
        let event = alice_rec
            .wait("MESSAGE_EXTENSIONS_DELETED", from, |e| {
                matches!(e, Event::MessageExtensionsDeleted { message_id, .. } if *message_id == m.id)
            })
            .await;
        let Event::MessageExtensionsDeleted { key_list, .. } = event else {
            unreachable!()
        };
        assert_eq!(key_list, vec!["a".to_owned()]);
        let now = tcchat_call("get_message_extensions", alice.get_message_extensions(&m)).await;
        assert_eq!(now, vec![ext("b", "22")]);

        // tcchat clears all → the official SDK: DELETED [b].
        let from = bob.mark();
        tcchat_call(
            "delete_message_extensions",
            alice.delete_message_extensions(&m, None),
        )
        .await;
        let (_, event) = bob
            .wait_event("MESSAGE_EXTENSIONS_DELETED", from, PATIENCE, |d| {
                d["messageID"] == m.id.as_str()
            })
            .await;
        assert_eq!(event["data"]["keyList"], json!(["b"]), "{event}");
        let theirs = bob
            .ok("getMessageExtensions", json!({"messageID": m.id}))
            .await;
        assert_eq!(theirs["extensions"], json!([]), "{theirs}");

        // A message the official SDK sent with isSupportExtension arrives
        // with it at tcchat, and tcchat can extend it.
        let sent = official_send(
            &mut bob,
            "alice",
            "extend me too",
            json!({"isSupportExtension": true}),
        )
        .await;
        let theirs = ours_receives(&alice_rec, &id_of(&sent)).await;
        assert!(theirs.is_support_extension, "{theirs:?}");
        tcchat_call(
            "set_message_extensions",
            alice.set_message_extensions(&theirs, &[ext("seen", "yes")]),
        )
        .await;
        let (_, event) = bob
            .wait_event("MESSAGE_EXTENSIONS_UPDATED", 0, PATIENCE, |d| {
                d["messageID"] == sent["ID"]
            })
            .await;
        assert_eq!(
            event["data"]["extensions"],
            json!([{"key": "seen", "value": "yes"}])
        );
        // tcchat deletes that key → the official SDK: DELETED [seen].
        let from = bob.mark();
        tcchat_call(
            "delete_message_extensions",
            alice.delete_message_extensions(&theirs, Some(&["seen".to_owned()])),
        )
        .await;
        let (_, event) = bob
            .wait_event("MESSAGE_EXTENSIONS_DELETED", from, PATIENCE, |d| {
                d["messageID"] == sent["ID"]
            })
            .await;
        assert_eq!(event["data"]["keyList"], json!(["seen"]), "{event}");

        // No operator heard of its own changes.
        let own_events = alice_rec
            .since(0)
            .into_iter()
            .filter(|e| {
                matches!(e, Event::MessageExtensionsUpdated { extensions, .. }
                    if extensions.iter().any(|x| x.key == "a" || x.key == "seen"))
            })
            .count();
        assert_eq!(own_events, 0, "tcchat heard of its own set");
        assert!(
            !bob.events("MESSAGE_EXTENSIONS_UPDATED", 0)
                .iter()
                .any(|r| r["data"]["extensions"].to_string().contains("22")),
            "the official SDK heard of its own set"
        );

        assert_clean(&bob, &[], &[]).await;
        drop(bob);
        alice.destroy().await.unwrap();
        stop_server(server).await;
    });
}

/// Custom messages, both ways: `createCustomMessage` /
/// `create_custom_message` payloads `{data, description, extension}`
/// arrive whole.
#[test]
fn custom_messages_reach_the_other_sdk() {
    run(async {
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let url = server.ws_url();
        let mut bob = official("m-custom-bob", &url, "bob").await;
        let (alice, alice_rec) = ours(&url, "alice").await;

        let custom = alice
            .create_custom_message(
                &CreateCustomMessageOptions::c2c("bob", "{\"kind\":\"order\",\"n\":1}")
                    .with_description("an order")
                    .with_extension("ext-1"),
            )
            .expect("create_custom_message");
        let sent = tcchat_call("send_message", alice.send_message(&custom)).await;
        let got = official_receives(&bob, &sent.id).await;
        assert_eq!(got["type"], "TIMCustomElem", "{got}");
        assert_eq!(
            got["payload"],
            json!({"data": "{\"kind\":\"order\",\"n\":1}", "description": "an order", "extension": "ext-1"}),
            "{got}"
        );

        let theirs = bob
            .ok(
                "sendCustom",
                json!({"to": "alice", "data": "payload-2", "description": "desc-2", "extension": "ext-2"}),
            )
            .await;
        assert_eq!(theirs["status"], "success", "{theirs}");
        let got = ours_receives(&alice_rec, &id_of(&theirs)).await;
        assert_eq!(got.msg_type, "TIMCustomElem");
        assert_eq!(
            got.payload,
            Payload::Custom {
                data: "payload-2".into(),
                description: "desc-2".into(),
                extension: "ext-2".into(),
            }
        );

        assert_clean(&bob, &[], &[]).await;
        drop(bob);
        alice.destroy().await.unwrap();
        stop_server(server).await;
    });
}

/// History, both ways: 20 messages from tcchat while the official SDK was
/// offline, 3 of its own and one more from tcchat afterwards.
/// `getMessageList` with `nextReqMessageID` pages through all 24 (oldest
/// first, no duplicate, `isCompleted` at the end), and so does tcchat's
/// `get_message_list`. A
/// message the official SDK deletes (`deleteMessage`) is gone from that
/// user's history on the server (another instance's `get_message_list`)
/// and stays in the peer's.
#[test]
fn history_pages_and_deletes_across_the_sdks() {
    run(async {
        let server = start_server(multi_instance_config()).await;
        let url = server.ws_url();
        let (alice, alice_rec) = ours(&url, "alice").await;
        let mut from_alice = Vec::new();
        for i in 0..20 {
            from_alice.push(tcchat_send(&alice, "bob", &format!("history #{i:02}")).await);
        }
        let mut bob = official("m-history-bob", &url, "bob").await;
        let mut from_bob = Vec::new();
        for i in 0..3 {
            let m = official_send(&mut bob, "alice", &format!("reply #{i}"), json!({})).await;
            ours_receives(&alice_rec, &id_of(&m)).await;
            from_bob.push(id_of(&m));
        }
        // A push acknowledged by the official SDK proves to the server that
        // its login sync arrived (the delivered cursor moves on proof of
        // receipt), so a later instance of bob is not synced the backlog
        // again and its history comes from the server alone.
        let welcome = tcchat_send(&alice, "bob", "welcome back").await;
        official_receives(&bob, &welcome.id).await;
        bob.wait("the push ack", 0, PATIENCE, |r| {
            r["k"] == "up" && r["servcmd"] == "openim.ws_msg_push_ack"
        })
        .await;
        from_alice.push(welcome);
        let all: BTreeSet<String> = from_alice
            .iter()
            .map(|m| m.id.clone())
            .chain(from_bob.iter().cloned())
            .collect();

        // The official SDK pages back.
        let mut pages: Vec<Vec<Value>> = Vec::new();
        let mut next: Option<String> = None;
        for _ in 0..6 {
            let mut args = json!({"conversationID": "C2Calice"});
            if let Some(n) = &next {
                args["nextReqMessageID"] = json!(n);
            }
            let page = bob.ok("getMessageList", args).await;
            pages.insert(
                0,
                page["messageList"].as_array().cloned().unwrap_or_default(),
            );
            if page["isCompleted"] == true {
                next = None;
                break;
            }
            next = page["nextReqMessageID"].as_str().map(str::to_owned);
            assert!(next.as_deref().is_some_and(|n| !n.is_empty()), "{page}");
        }
        assert!(
            next.is_none(),
            "getMessageList never completed: {} pages",
            pages.len()
        );
        assert!(pages.len() >= 2, "24 messages in {} page(s)", pages.len());
        let history: Vec<Value> = pages.concat();
        let got: Vec<String> = history.iter().map(id_of).collect();
        let unique: BTreeSet<String> = got.iter().cloned().collect();
        assert_eq!(unique.len(), got.len(), "a message came twice: {got:?}");
        assert_eq!(unique, all, "official history");
        let times: Vec<u64> = history
            .iter()
            .map(|m| m["time"].as_u64().unwrap_or(0))
            .collect();
        assert!(
            times.windows(2).all(|w| w[0] <= w[1]),
            "not oldest first: {times:?}"
        );
        let texts: Vec<&str> = history
            .iter()
            .filter(|m| m["from"] == "alice")
            .map(|m| m["text"].as_str().unwrap_or(""))
            .collect();
        let expected: Vec<String> = (0..20)
            .map(|i| format!("history #{i:02}"))
            .chain(["welcome back".to_owned()])
            .collect();
        assert_eq!(texts, expected, "alice's messages out of order");
        assert!(
            bob.records().iter().any(|r| r["k"] == "up"
                && r["servcmd"] == "openim.getroammsg"
                && r["body"]["MsgKey"].as_str().is_some_and(|k| !k.is_empty())),
            "no getroammsg with a cursor: the pages came from memory"
        );

        // tcchat pages back over the same conversation.
        let mut ours_all: Vec<Message> = Vec::new();
        let mut next: Option<String> = None;
        let mut completed = false;
        for _ in 0..6 {
            let page = tcchat_call(
                "get_message_list",
                alice.get_message_list("C2Cbob", next.as_deref()),
            )
            .await;
            let mut list = page.message_list;
            list.append(&mut ours_all);
            ours_all = list;
            if page.is_completed {
                completed = true;
                break;
            }
            next = Some(page.next_req_message_id);
        }
        assert!(completed, "tcchat's get_message_list never completed");
        let got: Vec<String> = ours_all.iter().map(|m| m.id.clone()).collect();
        let unique: BTreeSet<String> = got.iter().cloned().collect();
        assert_eq!(unique.len(), got.len(), "a message came twice: {got:?}");
        assert_eq!(unique, all, "tcchat history");
        let replies: Vec<&str> = ours_all
            .iter()
            .filter(|m| m.from == "bob")
            .map(text)
            .collect();
        assert_eq!(replies, vec!["reply #0", "reply #1", "reply #2"]);

        // The official SDK deletes one of alice's messages from its history.
        let gone = from_alice[5].id.clone();
        let deleted = bob.ok("deleteMessage", json!({"messageIDs": [gone]})).await;
        let d = message_in(&deleted, &gone).unwrap_or_else(|| panic!("{deleted}"));
        assert_eq!(d["isDeleted"], true, "{d}");
        let delete = bob
            .records()
            .into_iter()
            .rev()
            .find(|r| r["k"] == "up" && r["servcmd"] == "openim.delete_c2c_msg_ramble")
            .expect("the official SDK's delete_c2c_msg_ramble");
        let m = &from_alice[5];
        assert_eq!(
            delete["body"]["MsgKeyList"],
            json!([format!("{}_{}_{}", m.sequence, m.random, m.time)]),
            "{delete}"
        );
        // bob's history on the server lost it (a fresh tcchat instance of
        // bob pages it); alice's kept it.
        let (bob2, bob2_rec) = ours(&url, "bob").await;
        assert!(
            bob2_rec.received().is_empty(),
            "bob's second instance was synced messages the first had: {:?}",
            bob2_rec.received()
        );
        let mut seen = Vec::new();
        let mut next: Option<String> = None;
        for _ in 0..6 {
            let page = tcchat_call(
                "bob get_message_list",
                bob2.get_message_list("C2Calice", next.as_deref()),
            )
            .await;
            seen.extend(page.message_list.into_iter().map(|m| m.id));
            if page.is_completed {
                break;
            }
            next = Some(page.next_req_message_id);
        }
        assert_eq!(seen.len(), all.len() - 1, "{seen:?}");
        assert!(
            !seen.contains(&gone),
            "the deleted message is still in bob's history"
        );
        let (alice2, _alice2_rec) = ours(&url, "alice").await;
        let page = tcchat_call(
            "alice get_message_list",
            alice2.get_message_list("C2Cbob", None),
        )
        .await;
        let mut kept = page.message_list.iter().any(|m| m.id == gone);
        let mut next = page.next_req_message_id.clone();
        let mut done = page.is_completed;
        while !kept && !done {
            let page = tcchat_call(
                "alice get_message_list",
                alice2.get_message_list("C2Cbob", Some(&next)),
            )
            .await;
            kept = page.message_list.iter().any(|m| m.id == gone);
            next = page.next_req_message_id.clone();
            done = page.is_completed;
        }
        assert!(kept, "the peer lost the message bob deleted");

        assert_clean(&bob, &[], &[]).await;
        drop(bob);
        for chat in [alice, bob2, alice2] {
            let _ = chat.destroy().await;
        }
        stop_server(server).await;
    });
}

// ---------------------------------------------------------------------------
// One user, two instances (official SDK and tcchat): conversations

/// Wait for the wall clock's next second (message times are in seconds).
async fn next_second() {
    let now = now_secs();
    while now_secs() == now {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// `cathy` on the official SDK and on tcchat, with conversations with
/// `dan` and `eve` (each sent `n` messages, both instances received them;
/// eve's are a second newer, so eve's conversation comes first).
async fn cathy_twice(name: &str, url: &str, n: usize) -> (Agent, Chat, Recorder, Vec<Chat>) {
    let cathy = official(name, url, "cathy").await;
    let (ours_cathy, rec) = ours(url, "cathy").await;
    let mut peers = Vec::new();
    for peer in ["dan", "eve"] {
        if peer == "eve" {
            // Conversations are ordered by their last message's time, in
            // seconds: eve's must be the newer one.
            next_second().await;
        }
        let (chat, _events) = tcchat_login(url, peer).await;
        for i in 0..n {
            let m = tcchat_send(&chat, "cathy", &format!("{peer} to cathy #{i}")).await;
            official_receives(&cathy, &m.id).await;
            ours_receives(&rec, &m.id).await;
        }
        peers.push(chat);
    }
    cathy
        .wait_event("CONVERSATION_LIST_UPDATED", 0, PATIENCE, |d| {
            conversation_in(d, "C2Cdan").is_some() && conversation_in(d, "C2Ceve").is_some()
        })
        .await;
    (cathy, ours_cathy, rec, peers)
}

/// Conversation groups made on tcchat reach the official SDK instance of
/// the same user (CONVERSATION_GROUP_LIST_UPDATED, CONVERSATION_IN_GROUP_UPDATED,
/// the conversations' `conversationGroupList`), and the other way round.
#[test]
fn conversation_groups_reach_the_users_other_sdk() {
    run(async {
        let server = start_server(multi_instance_config()).await;
        let url = server.ws_url();
        let (mut cathy, ours_cathy, rec, peers) = cathy_twice("c-groups-cathy", &url, 1).await;

        // tcchat creates G1 with dan.
        let from = cathy.mark();
        let created = tcchat_call(
            "create_conversation_group",
            ours_cathy.create_conversation_group("G1", &conv_ids(&["C2Cdan"])),
        )
        .await;
        assert_eq!(created.success_conversation_id_list, conv_ids(&["C2Cdan"]));
        cathy
            .wait_event("CONVERSATION_GROUP_LIST_UPDATED", from, PATIENCE, |d| {
                *d == json!(["G1"])
            })
            .await;
        cathy
            .wait_event("CONVERSATION_LIST_UPDATED", from, PATIENCE, |d| {
                conversation_in(d, "C2Cdan")
                    .is_some_and(|c| c["conversationGroupList"] == json!(["G1"]))
            })
            .await;

        // tcchat adds eve to G1.
        let from = cathy.mark();
        tcchat_call(
            "add_conversations_to_group",
            ours_cathy.add_conversations_to_group("G1", &conv_ids(&["C2Ceve"])),
        )
        .await;
        let (_, event) = cathy
            .wait_event("CONVERSATION_IN_GROUP_UPDATED", from, PATIENCE, |d| {
                d["groupName"] == "G1"
            })
            .await;
        assert!(
            conversation_in(&event["data"], "C2Ceve").is_some(),
            "{event}"
        );

        // tcchat removes eve from G1.
        let from = cathy.mark();
        tcchat_call(
            "delete_conversations_from_group",
            ours_cathy.delete_conversations_from_group("G1", &conv_ids(&["C2Ceve"])),
        )
        .await;
        let (_, event) = cathy
            .wait_event("CONVERSATION_IN_GROUP_UPDATED", from, PATIENCE, |d| {
                d["groupName"] == "G1"
            })
            .await;
        assert!(
            conversation_in(&event["data"], "C2Ceve").is_none(),
            "{event}"
        );

        // tcchat renames G1 to G2.
        let from = cathy.mark();
        tcchat_call(
            "rename_conversation_group",
            ours_cathy.rename_conversation_group("G1", "G2"),
        )
        .await;
        cathy
            .wait_event("CONVERSATION_GROUP_LIST_UPDATED", from, PATIENCE, |d| {
                *d == json!(["G2"])
            })
            .await;
        cathy
            .wait_event("CONVERSATION_LIST_UPDATED", from, PATIENCE, |d| {
                conversation_in(d, "C2Cdan")
                    .is_some_and(|c| c["conversationGroupList"] == json!(["G2"]))
            })
            .await;
        assert_eq!(
            cathy.ok("getConversationGroupList", json!({})).await,
            json!(["G2"])
        );

        // tcchat deletes G2.
        let from = cathy.mark();
        tcchat_call(
            "delete_conversation_group",
            ours_cathy.delete_conversation_group("G2"),
        )
        .await;
        cathy
            .wait_event("CONVERSATION_GROUP_LIST_UPDATED", from, PATIENCE, |d| {
                *d == json!([])
            })
            .await;

        // And the other way round: the official SDK's groups reach tcchat.
        let from = rec.mark();
        let created = cathy
            .ok(
                "createConversationGroup",
                json!({"groupName": "G3", "conversationIDList": ["C2Ceve"]}),
            )
            .await;
        assert_eq!(
            created["successConversationIDList"],
            json!(["C2Ceve"]),
            "{created}"
        );
        rec.wait("CONVERSATION_GROUP_LIST_UPDATED [G3]", from, |e| {
            *e == Event::ConversationGroupListUpdated(vec!["G3".into()])
        })
        .await;
        let from = rec.mark();
        cathy
            .ok(
                "addConversationsToGroup",
                json!({"groupName": "G3", "conversationIDList": ["C2Cdan"]}),
            )
            .await;
        let event = rec
            .wait("CONVERSATION_IN_GROUP_UPDATED G3", from, |e| {
                matches!(e, Event::ConversationInGroupUpdated { group_name, .. } if group_name == "G3")
            })
            .await;
        let Event::ConversationInGroupUpdated {
            conversation_list, ..
        } = event
        else {
            unreachable!()
        };
        assert!(
            conversation_list
                .iter()
                .any(|c| c.conversation_id == "C2Cdan"),
            "{conversation_list:?}"
        );
        let from = rec.mark();
        cathy
            .ok(
                "renameConversationGroup",
                json!({"oldName": "G3", "newName": "G4"}),
            )
            .await;
        rec.wait("CONVERSATION_GROUP_LIST_UPDATED [G4]", from, |e| {
            *e == Event::ConversationGroupListUpdated(vec!["G4".into()])
        })
        .await;
        let from = rec.mark();
        cathy
            .ok("deleteConversationGroup", json!({"groupName": "G4"}))
            .await;
        rec.wait("CONVERSATION_GROUP_LIST_UPDATED []", from, |e| {
            *e == Event::ConversationGroupListUpdated(vec![])
        })
        .await;
        assert_eq!(
            ours_cathy.get_conversation_group_list().unwrap(),
            Vec::<String>::new()
        );

        assert_clean(&cathy, &[], &[]).await;
        drop(cathy);
        for chat in peers.into_iter().chain([ours_cathy]) {
            let _ = chat.destroy().await;
        }
        stop_server(server).await;
    });
}

/// Pin, read and delete made on tcchat reach the official SDK instance of
/// the same user (CONVERSATION_LIST_UPDATED, TOTAL_UNREAD_MESSAGE_COUNT_UPDATED),
/// and the other way round; a draft stays on the instance that set it.
#[test]
fn pins_reads_and_deletes_reach_the_users_other_sdk() {
    run(async {
        let server = start_server(multi_instance_config()).await;
        let url = server.ws_url();
        let (mut cathy, ours_cathy, rec, peers) = cathy_twice("c-pins-cathy", &url, 2).await;
        cathy
            .wait_event("TOTAL_UNREAD_MESSAGE_COUNT_UPDATED", 0, PATIENCE, |d| {
                *d == 4
            })
            .await;
        assert_eq!(ours_cathy.get_total_unread_message_count().unwrap(), 4);
        // Unpinned, the newer conversation (eve's) comes first.
        cathy
            .wait_event("CONVERSATION_LIST_UPDATED", 0, PATIENCE, |d| {
                d[0]["conversationID"] == "C2Ceve"
                    && conversation_in(d, "C2Cdan").is_some_and(|c| c["unreadCount"] == 2)
                    && conversation_in(d, "C2Ceve").is_some_and(|c| c["unreadCount"] == 2)
            })
            .await;

        // tcchat pins dan (the older conversation): first in the official
        // SDK's list.
        let from = cathy.mark();
        tcchat_call(
            "pin_conversation",
            ours_cathy.pin_conversation("C2Cdan", true),
        )
        .await;
        cathy
            .wait_event("CONVERSATION_LIST_UPDATED", from, PATIENCE, |d| {
                d[0]["conversationID"] == "C2Cdan" && d[0]["isPinned"] == true
            })
            .await;
        // And unpins it: back below eve.
        let from = cathy.mark();
        tcchat_call(
            "pin_conversation",
            ours_cathy.pin_conversation("C2Cdan", false),
        )
        .await;
        cathy
            .wait_event("CONVERSATION_LIST_UPDATED", from, PATIENCE, |d| {
                d[0]["conversationID"] == "C2Ceve"
                    && conversation_in(d, "C2Cdan").is_some_and(|c| c["isPinned"] == false)
            })
            .await;

        // tcchat reads eve: the official SDK's unread drops by 2.
        let from = cathy.mark();
        tcchat_call("set_message_read", ours_cathy.set_message_read("C2Ceve")).await;
        cathy
            .wait_event("TOTAL_UNREAD_MESSAGE_COUNT_UPDATED", from, PATIENCE, |d| {
                *d == 2
            })
            .await;
        cathy
            .wait_event("CONVERSATION_LIST_UPDATED", from, PATIENCE, |d| {
                conversation_in(d, "C2Ceve").is_some_and(|c| c["unreadCount"] == 0)
            })
            .await;

        // tcchat deletes eve's conversation: gone from the official SDK's list.
        let from = cathy.mark();
        tcchat_call(
            "delete_conversation",
            ours_cathy.delete_conversation("C2Ceve"),
        )
        .await;
        cathy
            .wait_event("CONVERSATION_LIST_UPDATED", from, PATIENCE, |d| {
                conversation_in(d, "C2Ceve").is_none() && conversation_in(d, "C2Cdan").is_some()
            })
            .await;

        // The other way round: the official SDK pins and unpins dan, reads
        // it and deletes it; tcchat follows.
        let from = rec.mark();
        cathy
            .ok(
                "pinConversation",
                json!({"conversationID": "C2Cdan", "isPinned": true}),
            )
            .await;
        rec.wait("dan pinned", from, |e| {
            matches!(e, Event::ConversationListUpdated(l)
                if l.first().is_some_and(|c| c.conversation_id == "C2Cdan" && c.is_pinned))
        })
        .await;
        let from = rec.mark();
        cathy
            .ok(
                "pinConversation",
                json!({"conversationID": "C2Cdan", "isPinned": false}),
            )
            .await;
        rec.wait("dan unpinned", from, |e| {
            matches!(e, Event::ConversationListUpdated(l)
                if l.iter().any(|c| c.conversation_id == "C2Cdan" && !c.is_pinned))
        })
        .await;
        let from = rec.mark();
        cathy
            .ok("setMessageRead", json!({"conversationID": "C2Cdan"}))
            .await;
        rec.wait("TOTAL_UNREAD_MESSAGE_COUNT_UPDATED 0", from, |e| {
            *e == Event::TotalUnreadMessageCountUpdated(0)
        })
        .await;
        let from = rec.mark();
        let deleted = cathy
            .ok("deleteConversation", json!({"conversationID": "C2Cdan"}))
            .await;
        assert_eq!(deleted["conversationID"], "C2Cdan", "{deleted}");
        rec.wait("dan's conversation deleted", from, |e| {
            matches!(e, Event::ConversationListUpdated(l)
                if !l.iter().any(|c| c.conversation_id == "C2Cdan"))
        })
        .await;
        assert!(ours_cathy
            .get_conversation_list(None)
            .unwrap()
            .iter()
            .all(|c| c.conversation_id != "C2Cdan" && c.conversation_id != "C2Ceve"));

        // A deleted conversation comes back with a new message. A draft is
        // local to the instance that sets it (as in the official SDK): no
        // request, nothing on tcchat.
        let eve = &peers[1];
        let m = tcchat_send(eve, "cathy", "eve again").await;
        official_receives(&cathy, &m.id).await;
        ours_receives(&rec, &m.id).await;
        let from = cathy.mark();
        let drafted = cathy
            .ok(
                "setConversationDraft",
                json!({"conversationID": "C2Ceve", "draftText": "unsent"}),
            )
            .await;
        assert_eq!(drafted["conversation"]["draftText"], "unsent", "{drafted}");
        cathy
            .wait_event("CONVERSATION_LIST_UPDATED", from, PATIENCE, |d| {
                conversation_in(d, "C2Ceve").is_some_and(|c| c["draftText"] == "unsent")
            })
            .await;
        assert!(
            !cathy.records_since(from).iter().any(|r| r["k"] == "up"
                && r["servcmd"]
                    .as_str()
                    .is_some_and(|c| c.starts_with("recentcontact."))),
            "setConversationDraft made a request"
        );
        let profile = ours_cathy.get_conversation_profile("C2Ceve").unwrap();
        assert_eq!(profile.draft_text, "");
        assert_eq!(profile.unread_count, 1, "{profile:?}");
        let list = cathy.ok("getConversationList", json!({})).await;
        let eve_conv = conversation_in(&list, "C2Ceve").unwrap_or_else(|| panic!("{list}"));
        assert_eq!(eve_conv["unreadCount"], 1, "{eve_conv}");
        assert_eq!(
            eve_conv["lastMessage"]["messageForShow"], "eve again",
            "{eve_conv}"
        );
        assert!(conversation_in(&list, "C2Cdan").is_none(), "{list}");
        assert_eq!(
            cathy.ok("getTotalUnreadMessageCount", json!({})).await,
            json!(1)
        );

        assert_clean(&cathy, &[], &[]).await;
        drop(cathy);
        for chat in peers.into_iter().chain([ours_cathy]) {
            let _ = chat.destroy().await;
        }
        stop_server(server).await;
    });
}

/// Messages that arrived while the official SDK was offline, more than one
/// `openim.getmsg` page of them: after login its conversation list shows
/// the conversation with the right unread count and last message, and
/// TOTAL_UNREAD_MESSAGE_COUNT_UPDATED the total, from page_get's
/// `SessionItem` and getmsg's `C2CPairUnreadCount` (the official SDK raises
/// no MESSAGE_RECEIVED at login).
#[test]
fn official_sdk_shows_an_offline_backlog_as_unread_conversations() {
    run(async {
        let mut config = ServerConfig::ephemeral(vec![app()]);
        config.getmsg_page_size = 2;
        let server = start_server(config).await;
        let url = server.ws_url();
        let (alice, _alice_rec) = ours(&url, "alice").await;
        let (dan, _dan_rec) = ours(&url, "dan").await;
        for i in 0..5 {
            tcchat_send(&alice, "frank", &format!("from alice #{i}")).await;
        }
        // dan's message a second newer: its conversation comes first.
        next_second().await;
        tcchat_send(&dan, "frank", "from dan").await;

        let mut frank = Agent::create("c-backlog-frank", &url, LOG_LEVEL).await;
        frank.login("frank").await;
        let (_, total) = frank
            .wait_event("TOTAL_UNREAD_MESSAGE_COUNT_UPDATED", 0, PATIENCE, |d| {
                *d == 6
            })
            .await;
        let (_, list) = frank
            .wait_event("CONVERSATION_LIST_UPDATED", 0, PATIENCE, |d| {
                conversation_in(d, "C2Calice").is_some_and(|c| c["unreadCount"] == 5)
                    && conversation_in(d, "C2Cdan").is_some_and(|c| c["unreadCount"] == 1)
            })
            .await;
        let a = conversation_in(&list["data"], "C2Calice").unwrap();
        assert_eq!(
            a["lastMessage"]["messageForShow"], "from alice #4",
            "{a} {total}"
        );
        assert_eq!(a["lastMessage"]["fromAccount"], "alice", "{a}");
        let d = conversation_in(&list["data"], "C2Cdan").unwrap();
        assert_eq!(d["lastMessage"]["messageForShow"], "from dan", "{d}");
        // Newest first: dan's message is the newest.
        assert_eq!(list["data"][0]["conversationID"], "C2Cdan", "{list}");
        assert_eq!(
            frank.ok("getTotalUnreadMessageCount", json!({})).await,
            json!(6)
        );
        // The backlog is there to read.
        let page = frank
            .ok("getMessageList", json!({"conversationID": "C2Calice"}))
            .await;
        let texts: Vec<&str> = page["messageList"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["text"].as_str().unwrap_or(""))
            .collect();
        let expected: Vec<String> = (0..5).map(|i| format!("from alice #{i}")).collect();
        assert_eq!(texts, expected, "{page}");
        frank.settle().await;

        assert_clean(&frank, &[], &[]).await;
        drop(frank);
        alice.destroy().await.unwrap();
        dan.destroy().await.unwrap();
        stop_server(server).await;
    });
}
