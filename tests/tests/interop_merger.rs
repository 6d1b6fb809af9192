//! Interop for issue 19, merger and forward messages: the official Web SDK
//! (`@tencentcloud/chat` 3.6.6, in Node) and tcchat, one in-process
//! `tcchat-server` between them.
//!
//! * The official SDK merges two messages it received from tcchat and sends
//!   the merger inline (`openim.sendmsg` with `IsRelayMsg: 1` and a
//!   `TIMRelayElem` `{Title, AbstractList, CompatibleText, Version,
//!   JsonMsgKey: "", PbMsgKey: "", LayersOverLimit, MsgList}`, no
//!   `save_relay_json_msg`); tcchat parses it and reads the messages.
//! * tcchat sends an inline merger; the official SDK shows its title, text
//!   and `messageList` (and refuses `downloadMergerMessage` of an inline
//!   merger with 2451); it forwards the merger back to tcchat, which reads
//!   the messages.
//!
//! Not covered: a merger stored with `save_relay_json_msg` (over 8 KiB),
//! whose bodies are ours on both commands.
//!
//! `cargo test -p tcchat-tests --test interop_merger`

mod interop_harness;

use interop_harness::*;
use serde_json::{json, Value};
use tcchat_server::ServerConfig;
use tcchat_tokio::{CreateTextMessageOptions, Event, Payload};

const LOG_LEVEL: u8 = 0;

/// The bodies of the official SDK's `servcmd` requests since `from`.
fn sent_bodies(agent: &Agent, from: usize, servcmd: &str) -> Vec<Value> {
    agent
        .records_since(from)
        .into_iter()
        .filter(|r| r["k"] == "up" && r["servcmd"] == servcmd)
        .map(|r| r["body"].clone())
        .collect()
}

/// tcchat writes to the official SDK, which merges what it received into
/// one message back; tcchat reads the merged messages.
#[test]
fn official_merger_reaches_tcchat() {
    run(async {
        node_ready();
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let url = server.ws_url();
        let mut bob = Agent::create("bob", &url, LOG_LEVEL).await;
        bob.login("bob").await;
        bob.settle().await;
        let (alice, mut alice_events) = tcchat_login(&url, "alice").await;
        let from = bob.mark();
        let mut ids = Vec::new();
        for text in ["first", "second"] {
            let m = alice
                .create_text_message(&CreateTextMessageOptions::c2c("bob", text))
                .expect("create");
            tcchat_call("send", alice.send_message(&m)).await;
            let (_, record) = bob
                .wait_event("MESSAGE_RECEIVED", from, PATIENCE, |d| {
                    d.as_array()
                        .is_some_and(|l| l.iter().any(|m| m["payload"]["text"] == text))
                })
                .await;
            let view = received(&record)
                .into_iter()
                .find(|m| m["payload"]["text"] == text)
                .expect("matched above");
            ids.push(view["ID"].clone());
        }
        let sent = bob
            .call(
                "sendMerger",
                json!({"to": "alice", "messageIDs": ids, "title": "alice and bob",
                    "abstractList": ["alice: first"], "compatibleText": "[chat history]"}),
            )
            .await;
        let bodies = sent_bodies(&bob, from, "openim.sendmsg");
        let body = bodies.last().expect("the merger's sendmsg");
        assert_eq!(body["IsRelayMsg"], 1, "{body}");
        let content = &body["MsgBody"][0]["MsgContent"];
        assert_eq!(body["MsgBody"][0]["MsgType"], "TIMRelayElem");
        assert_eq!(content["Title"], "alice and bob", "{content}");
        assert_eq!(content["CompatibleText"], "[chat history]");
        assert_eq!(content["AbstractList"], json!(["alice: first"]));
        assert_eq!(content["JsonMsgKey"], "");
        assert_eq!(content["PbMsgKey"], "");
        assert_eq!(content["LayersOverLimit"], false);
        assert_eq!(
            content["MsgList"][1]["MsgBody"][0]["MsgContent"]["Text"],
            "second"
        );
        assert_eq!(content["MsgList"][1]["From_Account"], "alice");
        assert!(content["MsgList"][1]["MsgTimeStamp"].is_u64(), "{content}");
        assert!(sent_bodies(&bob, from, "openim.save_relay_json_msg").is_empty());
        let sent = sent.expect("the official SDK sends the merger");
        assert_eq!(sent["type"], "TIMRelayElem", "{sent}");

        let event = tcchat_tests::world::expect_event::<tcchat_tokio::TokioRuntime>(
            &mut alice_events,
            "the official SDK's merger",
            |e| matches!(e, Event::MessageReceived(l) if l.iter().any(|m| m.msg_type == "TIMRelayElem")),
        )
        .await;
        let Event::MessageReceived(list) = event else {
            unreachable!()
        };
        let got = list
            .into_iter()
            .find(|m| m.msg_type == "TIMRelayElem")
            .expect("matched above");
        let Payload::Merger(merger) = &got.payload else {
            panic!(
                "tcchat did not parse the official merger: {:?}",
                got.payload
            )
        };
        assert_eq!(merger.title, "alice and bob");
        let nested = tcchat_call("download", alice.download_merger_message(&got)).await;
        let texts: Vec<_> = nested
            .iter()
            .map(|m| m.message_body[0].text().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(texts, ["first", "second"]);

        bob.assert_replies_ok(from).await;
        bob.assert_no_problems(from);
        let _ = alice.destroy().await;
        bob.call("destroy", json!({})).await.ok();
        stop_server(server).await;
    });
}

/// The official SDK writes to tcchat; tcchat merges the two messages into
/// one back (inline), which the official SDK displays and downloads; the
/// official SDK forwards one of tcchat's texts back to tcchat.
#[test]
fn tcchat_merger_and_official_forward() {
    run(async {
        node_ready();
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let url = server.ws_url();
        let mut bob = Agent::create("bob", &url, LOG_LEVEL).await;
        bob.login("bob").await;
        bob.settle().await;
        let (alice, mut alice_events) = tcchat_login(&url, "alice").await;
        let from = bob.mark();
        let mut got = Vec::new();
        for text in ["one", "two"] {
            bob.ok("sendText", json!({"to": "alice", "text": text}))
                .await;
            let event = tcchat_tests::world::expect_event::<tcchat_tokio::TokioRuntime>(
                &mut alice_events,
                text,
                |e| matches!(e, Event::MessageReceived(l) if l.iter().any(|m| m.payload.text() == Some(text))),
            )
            .await;
            let Event::MessageReceived(list) = event else {
                unreachable!()
            };
            got.extend(list.into_iter().filter(|m| m.payload.text() == Some(text)));
        }
        let merger = alice
            .create_merger_message(&tcchat_tokio::CreateMergerMessageOptions {
                to: "bob".into(),
                conversation_type: tcchat_tokio::types::ConversationType::C2c,
                message_list: got.clone(),
                title: "bob and alice".into(),
                abstract_list: vec!["bob: one".into()],
                compatible_text: "[chat history]".into(),
            })
            .expect("create merger");
        tcchat_call("send merger", alice.send_message(&merger)).await;
        let (_, record) = bob
            .wait_event("MESSAGE_RECEIVED", from, PATIENCE, |d| {
                d.as_array()
                    .is_some_and(|l| l.iter().any(|m| m["type"] == "TIMRelayElem"))
            })
            .await;
        let view = received(&record)
            .into_iter()
            .find(|m| m["type"] == "TIMRelayElem")
            .expect("matched above");
        assert_eq!(view["payload"]["title"], "bob and alice", "{view}");
        assert_eq!(
            view["payload"]["compatibleText"], "[chat history]",
            "{view}"
        );
        // An inline merger carries its messages; the official SDK refuses to
        // download one (2451: it has no key) and shows `messageList`.
        assert_eq!(view["payload"]["downloadKey"], "", "{view}");
        let list = view["payload"]["messageList"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let texts: Vec<Value> = list
            .iter()
            .map(|m| m["messageBody"][0]["payload"]["text"].clone())
            .collect();
        assert_eq!(texts, [json!("one"), json!("two")], "{view}");
        let refused = bob
            .call("downloadMerger", json!({"messageID": view["ID"]}))
            .await
            .expect_err("the official SDK downloads only stored mergers");
        assert_eq!(refused["code"], 2451, "{refused}");

        // The official SDK forwards tcchat's merger back.
        let fwd = bob
            .ok(
                "sendForward",
                json!({"to": "alice", "messageID": view["ID"]}),
            )
            .await;
        assert_eq!(fwd["type"], "TIMRelayElem", "{fwd}");
        let event = tcchat_tests::world::expect_event::<tcchat_tokio::TokioRuntime>(
            &mut alice_events,
            "the forwarded merger",
            |e| matches!(e, Event::MessageReceived(l) if l.iter().any(|m| m.msg_type == "TIMRelayElem")),
        )
        .await;
        let Event::MessageReceived(list) = event else {
            unreachable!()
        };
        let back = list
            .into_iter()
            .find(|m| m.msg_type == "TIMRelayElem")
            .expect("matched above");
        let nested = tcchat_call("download", alice.download_merger_message(&back)).await;
        assert_eq!(nested.len(), 2);
        assert_eq!(nested[1].message_body[0].text(), Some("two"));
        assert_eq!(nested[1].from, "bob");

        bob.assert_replies_ok(from).await;
        bob.assert_no_problems(from);
        let _ = alice.destroy().await;
        bob.call("destroy", json!({})).await.ok();
        stop_server(server).await;
    });
}

/// A merger too large to travel inline, both ways: the official SDK stores
/// it with `im_long_msg.save_relay_json_msg` and tcchat downloads it with
/// `get_relay_json_msg`; tcchat stores one and the official SDK downloads
/// it.
#[test]
fn stored_mergers_both_ways() {
    run(async {
        node_ready();
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let url = server.ws_url();
        let mut bob = Agent::create("bob", &url, LOG_LEVEL).await;
        bob.login("bob").await;
        bob.settle().await;
        let (alice, mut alice_events) = tcchat_login(&url, "alice").await;
        let from = bob.mark();
        let long = "z".repeat(5000);
        let texts: Vec<String> = (0..4).map(|i| format!("{i}{long}")).collect();
        let mut ids = Vec::new();
        let mut mine = Vec::new();
        for text in &texts {
            let m = alice
                .create_text_message(&CreateTextMessageOptions::c2c("bob", text.clone()))
                .expect("create");
            mine.push(tcchat_call("send", alice.send_message(&m)).await);
            let (_, record) = bob
                .wait_event("MESSAGE_RECEIVED", from, PATIENCE, |d| {
                    d.as_array()
                        .is_some_and(|l| l.iter().any(|m| m["payload"]["text"] == text.as_str()))
                })
                .await;
            let view = received(&record)
                .into_iter()
                .find(|m| m["payload"]["text"] == text.as_str())
                .expect("matched above");
            ids.push(view["ID"].clone());
        }

        // Official → tcchat.
        let sent = bob
            .call(
                "sendMerger",
                json!({"to": "alice", "messageIDs": ids, "title": "long",
                    "abstractList": ["a"], "compatibleText": "[long history]"}),
            )
            .await;
        let saves = sent_bodies(&bob, from, "im_long_msg.save_relay_json_msg");
        let sends = sent_bodies(&bob, from, "openim.sendmsg");
        let last_send = sends
            .last()
            .map(|b| b["MsgBody"].to_string())
            .unwrap_or_default();
        let sent = sent.unwrap_or_else(|e| {
            panic!(
                "official large merger: {e}\nsave: {}\nsend: {last_send:.600}",
                saves.len()
            )
        });
        assert_eq!(saves.len(), 1);
        assert_eq!(saves[0]["MsgList"].as_array().map(Vec::len), Some(4));
        assert_eq!(sent["type"], "TIMRelayElem");
        // The key travels in the element; the official SDK's own copy keeps
        // `downloadKey` empty and its messages.
        let content = &sends.last().expect("the merger's sendmsg")["MsgBody"][0]["MsgContent"];
        let key = content["JsonMsgKey"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(!key.is_empty(), "{content:.600}");
        assert!(
            content
                .get("MsgList")
                .is_none_or(|l| l.as_array().is_some_and(Vec::is_empty)),
            "{content:.300}"
        );
        let event = tcchat_tests::world::expect_event::<tcchat_tokio::TokioRuntime>(
            &mut alice_events,
            "the official SDK's stored merger",
            |e| matches!(e, Event::MessageReceived(l) if l.iter().any(|m| m.msg_type == "TIMRelayElem")),
        )
        .await;
        let Event::MessageReceived(list) = event else {
            unreachable!()
        };
        let got = list
            .into_iter()
            .find(|m| m.msg_type == "TIMRelayElem")
            .expect("matched above");
        let Payload::Merger(merger) = &got.payload else {
            panic!("{:?}", got.payload)
        };
        assert_eq!(merger.download_key, key);
        let nested = tcchat_call("download", alice.download_merger_message(&got)).await;
        let got_texts: Vec<_> = nested
            .iter()
            .map(|m| m.message_body[0].text().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(got_texts, texts);

        // tcchat → official.
        let merger = alice
            .create_merger_message(&tcchat_tokio::CreateMergerMessageOptions {
                to: "bob".into(),
                conversation_type: tcchat_tokio::types::ConversationType::C2c,
                message_list: mine,
                title: "mine".into(),
                abstract_list: vec![],
                compatible_text: "[mine]".into(),
            })
            .expect("create merger");
        let sent = tcchat_call("send merger", alice.send_message(&merger)).await;
        let Payload::Merger(sent) = &sent.payload else {
            unreachable!()
        };
        assert!(!sent.download_key.is_empty());
        let mark = bob.mark();
        let (_, record) = bob
            .wait_event("MESSAGE_RECEIVED", from, PATIENCE, |d| {
                d.as_array().is_some_and(|l| {
                    l.iter()
                        .any(|m| m["type"] == "TIMRelayElem" && m["payload"]["title"] == "mine")
                })
            })
            .await;
        let view = received(&record)
            .into_iter()
            .find(|m| m["type"] == "TIMRelayElem" && m["payload"]["title"] == "mine")
            .expect("matched above");
        assert_eq!(view["payload"]["downloadKey"], sent.download_key.as_str());
        let downloaded = bob
            .call("downloadMerger", json!({"messageID": view["ID"]}))
            .await;
        let gets = sent_bodies(&bob, mark, "im_long_msg.get_relay_json_msg");
        let downloaded =
            downloaded.unwrap_or_else(|e| panic!("official download: {e}\nrequests: {gets:?}"));
        let got_texts = downloaded["nestedTexts"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let want: Vec<Value> = texts.iter().map(|t| json!(t)).collect();
        assert!(
            got_texts == want,
            "official download: {downloaded:.800}\nrequests: {gets:?}"
        );

        bob.assert_replies_ok(from).await;
        bob.assert_no_problems(from);
        let _ = alice.destroy().await;
        bob.call("destroy", json!({})).await.ok();
        stop_server(server).await;
    });
}
