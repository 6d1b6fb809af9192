//! Interop for issue 17, communities and topics: the official Web SDK
//! (`@tencentcloud/chat` 3.6.6, in Node) owns a community that tcchat
//! joins (and is made an admin of) on one in-process `tcchat-server`.
//! Each side creates a topic, and the other sees TOPIC_CREATED and the
//! topic in its `getTopicList`; each side renames the other's topic and
//! the other sees TOPIC_UPDATED; a topic text goes each way in
//! `GROUP<topicID>`; each side deletes a topic and the other sees
//! TOPIC_DELETED. The official SDK's requests (`get_joined_group_list` of
//! `million_group_open_http_svc`, `get_topic`, `create_topic`,
//! `modify_topic`, `destroy_topic`, and `create_group` and `send_group_msg`
//! (with `TopicId`) on that service) and
//! its reading of the topic pushes are what PROTOCOL.md 8.15 marks
//! verified.
//!
//! The scenario ends by checking that every request the official SDK made
//! was answered with ErrorCode 0 and that it logged no error or warning
//! (none of groups-facts §8's failures).
//!
//! `cargo test -p tcchat-tests --test interop_topics`

mod interop_harness;

use interop_harness::*;
use serde_json::{json, Value};
use tcchat_server::ServerConfig;
use tcchat_tokio::{CreateTextMessageOptions, CreateTopicOptions, Event, UpdateTopicOptions};

const COM: &str = "@TGS#_interop";

fn topic_ids(list: &Value) -> Vec<String> {
    list["successTopicList"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|t| t["topicID"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn communities_and_topics_across_both_sdks() {
    run(async {
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let url = server.ws_url();
        let mut owner = Agent::create("tp-owner", &url, 0).await;
        owner.login("towner").await;
        owner.settle().await;
        let created = owner
            .ok(
                "createGroup",
                json!({"type": "Community", "name": "Club", "groupID": COM, "joinOption": "FreeAccess"}),
            )
            .await;
        assert_eq!(created["group"]["groupID"], COM, "{created}");
        let (alice, alice_events) = tcchat_login(&url, "alice").await;
        let rec = Recorder::new(alice_events);
        tcchat_call("join_group", alice.join_group(COM, "")).await;
        owner
            .ok(
                "setGroupMemberRole",
                json!({"groupID": COM, "userID": "alice", "role": "Admin"}),
            )
            .await;
        let theirs = owner.ok("getJoinedCommunityList", json!({})).await;
        assert_eq!(theirs["groupList"][0]["groupID"], COM, "{theirs}");
        let ours = tcchat_call(
            "get_joined_community_list",
            alice.get_joined_community_list(),
        )
        .await;
        assert_eq!(ours.len(), 1);
        assert!(ours[0].is_support_topic);

        // The official SDK creates a topic → tcchat's TOPIC_CREATED and list.
        let from = rec.mark();
        let made = owner
            .ok(
                "createTopicInCommunity",
                json!({"groupID": COM, "topicName": "Theirs", "introduction": "by the SDK"}),
            )
            .await;
        let t1 = made["topicID"].as_str().expect("topicID").to_owned();
        assert!(t1.starts_with(&format!("{COM}@TOPIC#_")), "{made}");
        rec.wait("tcchat TOPIC_CREATED", from, |e| {
            matches!(e, Event::TopicCreated { group_id, topic_id } if group_id == COM && *topic_id == t1)
        })
        .await;
        let listed = tcchat_call("get_topic_list", alice.get_topic_list(COM, &[])).await;
        assert_eq!(listed.success_topic_list.len(), 1);
        assert_eq!(listed.success_topic_list[0].topic_name, "Theirs");
        assert_eq!(listed.success_topic_list[0].introduction, "by the SDK");

        // tcchat creates one → the official SDK's TOPIC_CREATED and list.
        let from = owner.mark();
        let t2 = tcchat_call(
            "create_topic_in_community",
            alice.create_topic_in_community(
                COM,
                &CreateTopicOptions {
                    topic_name: "Ours".into(),
                    custom_data: Some("cd".into()),
                    ..CreateTopicOptions::default()
                },
            ),
        )
        .await;
        let (_, event) = owner
            .wait_event("TOPIC_CREATED", from, PATIENCE, |d| {
                d["topicID"] == t2.as_str()
            })
            .await;
        assert_eq!(
            event["data"],
            json!({"groupID": COM, "topicID": t2}),
            "{event}"
        );
        let list = owner.ok("getTopicList", json!({"groupID": COM})).await;
        let mut ids = topic_ids(&list);
        ids.sort();
        let mut want = vec![t1.clone(), t2.clone()];
        want.sort();
        assert_eq!(ids, want, "{list}");
        tcchat_call("get_topic_list", alice.get_topic_list(COM, &[])).await;

        // tcchat renames the SDK's topic → the official TOPIC_UPDATED.
        let from = owner.mark();
        tcchat_call(
            "update_topic_profile",
            alice.update_topic_profile(
                COM,
                &UpdateTopicOptions {
                    topic_id: t1.clone(),
                    topic_name: Some("Theirs renamed".into()),
                    ..UpdateTopicOptions::default()
                },
            ),
        )
        .await;
        let (_, event) = owner
            .wait_event("TOPIC_UPDATED", from, PATIENCE, |d| {
                d["topic"]["topicName"] == "Theirs renamed"
            })
            .await;
        assert_eq!(event["data"]["groupID"], COM, "{event}");
        assert_eq!(event["data"]["topic"]["topicID"], t1.as_str(), "{event}");
        assert_eq!(
            event["data"]["topic"]["introduction"], "by the SDK",
            "{event}"
        );

        // The official SDK renames tcchat's topic → tcchat's TOPIC_UPDATED.
        let from = rec.mark();
        owner
            .ok(
                "updateTopicProfile",
                json!({"groupID": COM, "topicID": t2, "topicName": "Ours renamed", "introduction": "now"}),
            )
            .await;
        let event = rec
            .wait("tcchat TOPIC_UPDATED", from, |e| {
                matches!(e, Event::TopicUpdated { topic, .. } if topic.topic_id == t2 && topic.topic_name == "Ours renamed")
            })
            .await;
        let Event::TopicUpdated { group_id, topic } = event else {
            unreachable!()
        };
        assert_eq!(group_id, COM);
        assert_eq!(topic.introduction, "now");
        assert_eq!(topic.custom_data, "cd");

        // A topic text each way, in GROUP<topicID>.
        let conv = format!("GROUP{t1}");
        let from = owner.mark();
        let m = alice
            .create_text_message(&CreateTextMessageOptions::group(&t1, "from tcchat"))
            .expect("create");
        let sent = tcchat_call("send_message", alice.send_message(&m)).await;
        let (_, got) = owner
            .wait_event("MESSAGE_RECEIVED", from, PATIENCE, names_message(&sent.id))
            .await;
        let got = message_in(&got["data"], &sent.id).unwrap();
        assert_eq!(got["conversationID"], conv.as_str(), "{got}");
        assert_eq!(got["text"], "from tcchat", "{got}");
        let from = rec.mark();
        let theirs = owner
            .ok(
                "sendGroupText",
                json!({"groupID": t1, "text": "from the SDK"}),
            )
            .await;
        assert_eq!(theirs["status"], "success", "{theirs}");
        let id = theirs["ID"].as_str().unwrap().to_owned();
        rec.wait("tcchat topic text", from, |e| {
            matches!(e, Event::MessageReceived(list)
                if list.iter().any(|m| m.id == id && m.conversation_id == conv))
        })
        .await;

        // Deletes each way.
        let from = owner.mark();
        let gone = tcchat_call(
            "delete_topic_from_community",
            alice.delete_topic_from_community(COM, std::slice::from_ref(&t2)),
        )
        .await;
        assert_eq!(gone.success_topic_list, vec![t2.clone()]);
        let (_, event) = owner
            .wait_event("TOPIC_DELETED", from, PATIENCE, |d| d["groupID"] == COM)
            .await;
        assert_eq!(event["data"]["topicIDList"], json!([t2]), "{event}");
        let from = rec.mark();
        let gone = owner
            .ok(
                "deleteTopicFromCommunity",
                json!({"groupID": COM, "topicIDList": [t1]}),
            )
            .await;
        assert_eq!(
            gone["successTopicList"][0]["topicID"],
            t1.as_str(),
            "{gone}"
        );
        rec.wait("tcchat TOPIC_DELETED", from, |e| {
            matches!(e, Event::TopicDeleted { topic_id_list, .. } if *topic_id_list == vec![t1.clone()])
        })
        .await;
        let list = owner.ok("getTopicList", json!({"groupID": COM})).await;
        assert!(topic_ids(&list).is_empty(), "{list}");

        owner.assert_replies_ok(0).await;
        owner.assert_no_problems(0);
        let counts = owner.request_counts(0);
        for cmd in [
            "million_group_open_http_svc.get_joined_group_list",
            "million_group_open_http_svc.get_topic",
            "million_group_open_http_svc.create_topic",
            "million_group_open_http_svc.modify_topic",
            "million_group_open_http_svc.destroy_topic",
            "million_group_open_http_svc.create_group",
            "million_group_open_http_svc.send_group_msg",
        ] {
            assert!(counts.get(cmd).is_some_and(|n| *n > 0), "{cmd}: {counts:?}");
        }
        drop(owner);
        alice.destroy().await.unwrap();
        stop_server(server).await;
    });
}
