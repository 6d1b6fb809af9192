//! Interop for issue 16, group message operations: the official Web SDK
//! (`@tencentcloud/chat` 3.6.6, in Node) owns a group that tcchat joins on
//! one in-process `tcchat-server`. Each side modifies, revokes and deletes
//! group messages, and the other side sees MESSAGE_MODIFIED and
//! MESSAGE_REVOKED with the official shapes; the owner revokes the
//! member's message. The official SDK's requests (`group_msg_recall`,
//! `openim.modify_group_msg`, `delete_group_ramble_msg_by_seq`) are the
//! ones PROTOCOL.md 8.8 marks verified.
//!
//! The scenario ends by checking that every request the official SDK made
//! was answered with ErrorCode 0 and that it logged (at level 0) no error,
//! no warning and none of the groups-facts.md §8 symptoms.
//!
//! `cargo test -p tcchat-tests --test interop_group_msgops`

mod interop_harness;

use interop_harness::*;
use serde_json::{json, Value};
use tcchat_server::ServerConfig;
use tcchat_tokio::{Chat, CreateTextMessageOptions, Event, Message, Payload};

async fn official(name: &str, url: &str, user: &str) -> Agent {
    let mut agent = Agent::create(name, url, 0).await;
    agent.login(user).await;
    agent.settle().await;
    agent
}

/// The message `id` in a tcchat event that lists messages.
fn listed<'a>(event: &'a Event, id: &str) -> Option<&'a Message> {
    match event {
        Event::MessageReceived(l) | Event::MessageModified(l) | Event::MessageRevoked(l) => {
            l.iter().find(|m| m.id == id)
        }
        _ => None,
    }
}

async fn send_group(chat: &Chat, group: &str, text: &str) -> Message {
    let m = chat
        .create_text_message(&CreateTextMessageOptions::group(group, text))
        .expect("create_text_message");
    tcchat_call("send_message", chat.send_message(&m)).await
}

fn id_of(view: &Value) -> String {
    view["ID"]
        .as_str()
        .unwrap_or_else(|| panic!("no ID in {view}"))
        .to_owned()
}

#[test]
fn group_messages_are_modified_revoked_and_deleted_across_both_sdks() {
    run(async {
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let url = server.ws_url();
        let mut owner = official("gm-owner", &url, "gowner").await;
        let created = owner
            .ok(
                "createGroup",
                json!({"type": "Public", "name": "Ops", "groupID": "grpM", "joinOption": "FreeAccess"}),
            )
            .await;
        assert_eq!(created["group"]["groupID"], "grpM", "{created}");
        let (alice, alice_events) = tcchat_login(&url, "alice").await;
        let rec = Recorder::new(alice_events);
        tcchat_call("join_group", alice.join_group("grpM", "")).await;

        // tcchat modifies its message → the official SDK's MESSAGE_MODIFIED.
        let t1 = send_group(&alice, "grpM", "t1").await;
        owner
            .wait_event("MESSAGE_RECEIVED", 0, PATIENCE, names_message(&t1.id))
            .await;
        let mut edit = t1.clone();
        edit.payload = Payload::Text {
            text: "t1 edited".into(),
        };
        let edited = tcchat_call("modify_message", alice.modify_message(&edit)).await;
        assert_eq!(edited.version, 1);
        let (_, event) = owner
            .wait_event("MESSAGE_MODIFIED", 0, PATIENCE, names_message(&t1.id))
            .await;
        let got = message_in(&event["data"], &t1.id).unwrap();
        assert_eq!(got["text"], "t1 edited", "{got}");
        assert_eq!(got["conversationID"], "GROUPgrpM", "{got}");

        // tcchat revokes it → the official SDK's MESSAGE_REVOKED.
        let revoked = tcchat_call("revoke_message", alice.revoke_message(&edited)).await;
        assert!(revoked.is_revoked);
        let (_, event) = owner
            .wait_event("MESSAGE_REVOKED", 0, PATIENCE, names_message(&t1.id))
            .await;
        let got = message_in(&event["data"], &t1.id).unwrap();
        assert_eq!(got["isRevoked"], true, "{got}");
        assert_eq!(got["revoker"], "alice", "{got}");

        // The official SDK modifies and revokes its message → tcchat's events.
        let o1 = owner
            .ok("sendGroupText", json!({"groupID": "grpM", "text": "o1"}))
            .await;
        let o1_id = id_of(&o1);
        rec.wait("tcchat MESSAGE_RECEIVED o1", 0, |e| {
            matches!(e, Event::MessageReceived(_)) && listed(e, &o1_id).is_some()
        })
        .await;
        let modified = owner
            .ok(
                "modifyMessage",
                json!({"messageID": o1_id, "text": "o1 edited"}),
            )
            .await;
        assert_eq!(modified["text"], "o1 edited", "{modified}");
        let event = rec
            .wait("tcchat MESSAGE_MODIFIED o1", 0, |e| {
                matches!(e, Event::MessageModified(_)) && listed(e, &o1_id).is_some()
            })
            .await;
        let got = listed(&event, &o1_id).unwrap();
        assert_eq!((text_of(got), got.version), ("o1 edited", 1));
        let r = owner.ok("revokeMessage", json!({"messageID": o1_id})).await;
        assert_eq!(r["isRevoked"], true, "{r}");
        let event = rec
            .wait("tcchat MESSAGE_REVOKED o1", 0, |e| {
                matches!(e, Event::MessageRevoked(_)) && listed(e, &o1_id).is_some()
            })
            .await;
        let got = listed(&event, &o1_id).unwrap();
        assert!(got.is_revoked);
        assert_eq!(got.revoker, "gowner");

        // The owner revokes the member's message.
        let t2 = send_group(&alice, "grpM", "t2").await;
        owner
            .wait_event("MESSAGE_RECEIVED", 0, PATIENCE, names_message(&t2.id))
            .await;
        owner.ok("revokeMessage", json!({"messageID": t2.id})).await;
        let event = rec
            .wait("tcchat MESSAGE_REVOKED t2", 0, |e| {
                matches!(e, Event::MessageRevoked(_)) && listed(e, &t2.id).is_some()
            })
            .await;
        assert_eq!(listed(&event, &t2.id).unwrap().revoker, "gowner");

        // Deletes, each side for itself.
        let o2 = owner
            .ok("sendGroupText", json!({"groupID": "grpM", "text": "o2"}))
            .await;
        let o2_id = id_of(&o2);
        let t3 = send_group(&alice, "grpM", "t3").await;
        owner
            .wait_event("MESSAGE_RECEIVED", 0, PATIENCE, names_message(&t3.id))
            .await;
        let deleted = owner
            .ok("deleteMessage", json!({"messageIDs": [o2_id, t3.id]}))
            .await;
        assert_eq!(
            deleted["messageList"].as_array().map(Vec::len),
            Some(2),
            "{deleted}"
        );
        let gone = tcchat_call(
            "delete_message",
            alice.delete_message(std::slice::from_ref(&t3)),
        )
        .await;
        assert!(gone[0].is_deleted);

        owner.assert_replies_ok(0).await;
        owner.assert_no_problems(0);
        let counts = owner.request_counts(0);
        for cmd in [
            "group_open_http_svc.group_msg_recall",
            "openim.modify_group_msg",
            "group_open_http_svc.delete_group_ramble_msg_by_seq",
        ] {
            assert!(counts.get(cmd).is_some_and(|n| *n > 0), "{cmd}: {counts:?}");
        }
        drop(owner);
        alice.destroy().await.unwrap();
        stop_server(server).await;
    });
}
