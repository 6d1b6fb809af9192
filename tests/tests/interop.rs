//! Interop: the official Web SDK (`@tencentcloud/chat` 3.6.6, in Node 20)
//! and tcchat on one in-process `tcchat-server`.
//!
//! Each official-SDK instance is a Node process running
//! `tests/interop/agent.js`: it takes JSON commands on stdin and reports
//! JSON lines on stdout (events, promise results, suspicious SDK log lines
//! and every frame its WebSocket sent and received). The first test to need
//! it runs `npm ci` in `tests/interop` when `node_modules` is missing or
//! stale. Every record an agent produced is written to
//! `target/tmp/interop/<test>-<role>.jsonl` when the agent ends, pass or
//! fail. The harness (agent, Node, proxy, tcchat helpers) is in
//! `interop_harness/`, shared with `interop_messages.rs`.
//!
//! `cargo test -p tcchat-tests --test interop` runs the CI scenarios;
//! `cargo test -p tcchat-tests --test interop -- --ignored side_by_side`
//! measures the official SDK and tcchat through the same faults (the
//! figures in docs/INTEROP.md). See docs/INTEROP.md.

mod interop_harness;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use interop_harness::*;
use serde_json::{json, Value};
use tcchat_server::engine::InstancePolicy;
use tcchat_server::{gen_usersig, BackgroundServer, DbLocation, ServerConfig};
use tcchat_tests::world::expect_event;
use tcchat_tokio::types::NetState;
use tcchat_tokio::{Chat, Event, Message, TokioRuntime};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

// ---------------------------------------------------------------------------
// Constants

/// The official SDK's documented recovery after a server restart is ~58 s
/// (official-web-sdk.md §11); this is the bound we hold it to.
const RESTART_RECOVERY_BOUND: Duration = Duration::from_secs(75);

/// Requests the official SDK sends after `wslogin` (protocol-facts.md §1).
const INITIAL_SYNC: &[&str] = &[
    "profile.portrait_get_all",
    "sns.black_list_get",
    "recentcontact.page_get",
    "group_open_http_svc.get_joined_group_list",
    "openim.getmsg",
    "sns.friend_get",
    "sns.group_get",
    "sns.pendency_get",
    "im_sdk_config_mgr.fetch_config",
    "recentcontact.get_contact_group",
    "million_group_open_http_svc.get_joined_group_list",
    "im_sdk_config_mgr.fetch_imsdk_purchase_bitsv2",
];

// ---------------------------------------------------------------------------
// Scenario 1: login with our UserSig, a clean initial sync

#[test]
fn official_sdk_logs_in_and_syncs_cleanly() {
    run(async {
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let url = server.ws_url();
        let mut alice = Agent::create("s1-login-alice", &url, 0).await;

        let login = alice.login("alice").await;
        assert_eq!(login["errorCode"], 0, "login resolved with {login}");
        assert!(
            login["a2Key"].as_str().is_some_and(|k| !k.is_empty()),
            "login: {login}"
        );
        assert!(login["tinyID"].as_str().is_some(), "login: {login}");

        // The sync's last request goes out about 1 s after SDK_READY; then
        // watch a further 3 s for repeats (a looping reply repeats at about
        // 50 requests per second).
        alice
            .wait("the fetch_imsdk_purchase_bitsv2 reply", 0, PATIENCE, |r| {
                r["k"] == "down" && r["servcmd"] == "im_sdk_config_mgr.fetch_imsdk_purchase_bitsv2"
            })
            .await;
        tokio::time::sleep(Duration::from_secs(3)).await;

        let counts = alice.request_counts(0);
        for cmd in INITIAL_SYNC {
            let n = counts.get(*cmd).copied().unwrap_or(0);
            assert!(
                (1..=2).contains(&n),
                "{cmd} was sent {n} times during the initial sync (want 1, at most 2); all: {counts:?}"
            );
        }
        for (cmd, n) in &counts {
            assert!(
                *n <= 2,
                "{cmd} was sent {n} times within ~5 s of login: a request loop; all: {counts:?}"
            );
        }
        assert_eq!(counts.get("im_open_status.wslogin"), Some(&1), "{counts:?}");
        alice.assert_replies_ok(0).await;
        alice.assert_no_problems(0);

        assert_eq!(alice.events("SDK_READY", 0).len(), 1);
        for event in [
            "BLACKLIST_UPDATED",
            "CONVERSATION_LIST_UPDATED",
            "FRIEND_LIST_UPDATED",
            "FRIEND_APPLICATION_LIST_UPDATED",
            "GROUP_LIST_UPDATED",
            "CONVERSATION_GROUP_LIST_UPDATED",
        ] {
            assert!(
                !alice.events(event, 0).is_empty(),
                "no {event} after the initial sync"
            );
        }
        assert_eq!(alice.call("isReady", json!({})).await, Ok(json!(true)));
        drop(alice);
        stop_server(server).await;
    });
}

/// The requests an idle, logged-in official SDK makes besides the initial
/// sync: the `im_open_status.wshello` keep-alive every `HelloInterval`
/// (1 s here instead of 120 s) and `openim.getroammsg` for
/// `getMessageList`. Both get replies it accepts.
#[test]
fn official_sdk_keep_alive_and_history_requests() {
    run(async {
        let mut config = ServerConfig::ephemeral(vec![app()]);
        config.hello_interval_secs = 1;
        let server = start_server(config).await;
        let url = server.ws_url();
        let mut mia = Agent::create("s1-hello-mia", &url, 1).await;
        let login = mia.login("mia").await;
        assert_eq!(login["helloInterval"], 1, "{login}");
        let hello = |r: &Value| r["k"] == "up" && r["servcmd"] == "im_open_status.wshello";
        let (first, _) = mia.wait("a wshello", 0, PATIENCE, hello).await;
        mia.wait("a second wshello", first + 1, PATIENCE, hello)
            .await;
        let history = mia
            .call("getMessageList", json!({"conversationID": "C2Calice"}))
            .await
            .unwrap_or_else(|e| panic!("getMessageList rejected: {e}\n{}", mia.tail()));
        assert_eq!(history["messageList"], json!([]), "{history}");
        assert_eq!(history["isCompleted"], true, "{history}");
        assert!(mia
            .records()
            .iter()
            .any(|r| r["k"] == "up" && r["servcmd"] == "openim.getroammsg"));
        mia.assert_replies_ok(0).await;
        mia.assert_no_problems(0);
        drop(mia);
        stop_server(server).await;
    });
}

/// Messages that arrived while the user was offline, more than one
/// `openim.getmsg` page of them: the official SDK follows the cookie until
/// SyncFlag 2, once per page, with no error. (At the first login the
/// official SDK files these as unread without MESSAGE_RECEIVED,
/// protocol-facts.md §3; tcchat differs there, PROTOCOL.md §3.9.)
#[test]
fn official_sdk_pages_through_offline_messages() {
    run(async {
        let mut config = ServerConfig::ephemeral(vec![app()]);
        config.getmsg_page_size = 100;
        let server = start_server(config).await;
        let url = server.ws_url();
        let (alice, _alice_events) = tcchat_login(&url, "alice").await;
        // Two full pages (of 100, set above) and a bit.
        let total = 230;
        for i in 0..total {
            tcchat_send(&alice, "ivy", &format!("offline #{i}")).await;
        }
        let mut ivy = Agent::create("s1-paging-ivy", &url, 0).await;
        ivy.login("ivy").await;
        ivy.settle().await;
        // The pages may still be on their way after settling (SDK_READY
        // comes before the first getmsg reply): wait for the last one.
        ivy.wait("the last getmsg page", 0, PATIENCE, |r| {
            r["k"] == "down" && r["servcmd"] == "openim.getmsg" && r["body"]["SyncFlag"] == 2
        })
        .await;

        let pages: Vec<Value> = ivy
            .records()
            .into_iter()
            .filter(|r| r["k"] == "down" && r["servcmd"] == "openim.getmsg")
            .collect();
        let sizes: Vec<usize> = pages
            .iter()
            .map(|r| r["body"]["MsgList"].as_array().map_or(0, Vec::len))
            .collect();
        let flags: Vec<&Value> = pages.iter().map(|r| &r["body"]["SyncFlag"]).collect();
        assert_eq!(sizes.iter().sum::<usize>(), total, "pages {sizes:?}");
        assert_eq!(flags.last(), Some(&&json!(2)), "flags {flags:?}");
        assert!(pages.len() >= 3, "pages {sizes:?}, flags {flags:?}");
        // Each request after the first carries the previous reply's cookie.
        let requests: Vec<Value> = ivy
            .records()
            .into_iter()
            .filter(|r| r["k"] == "up" && r["servcmd"] == "openim.getmsg")
            .collect();
        assert_eq!(requests.len(), pages.len());
        for (request, previous) in requests.iter().skip(1).zip(&pages) {
            assert_eq!(request["body"]["Cookie"], previous["body"]["Cookie"]);
        }
        ivy.assert_replies_ok(0).await;
        ivy.assert_no_problems(0);
        drop(ivy);
        alice.destroy().await.unwrap();
        stop_server(server).await;
    });
}

/// What an official-SDK app shows after messages arrived while it was
/// offline: the conversation, its last message and its unread count
/// (protocol-facts.md §6: the list comes from `recentcontact.page_get`'s
/// `SessionItem`, the unread count from `openim.getmsg`'s
/// `C2CPairUnreadCount`). The official SDK first lists the conversation
/// from page_get with `unreadCount` 0 (it forces page_get's C2C unread
/// counts to 0) and sets the count when the final getmsg page arrives.
#[test]
fn official_sdk_shows_offline_messages_as_an_unread_conversation() {
    run(async {
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let url = server.ws_url();
        let (alice, _alice_events) = tcchat_login(&url, "alice").await;
        for i in 0..3 {
            tcchat_send(&alice, "judy", &format!("while judy was offline #{i}")).await;
        }
        let mut judy = Agent::create("s1-unread-judy", &url, 1).await;
        judy.login("judy").await;
        // CONVERSATION_LIST_UPDATED is throttled to ~1 s slots.
        let (_, list) = judy
            .wait_event("CONVERSATION_LIST_UPDATED", 0, PATIENCE, |d| {
                d.as_array().is_some_and(|l| {
                    l.iter()
                        .any(|c| c["conversationID"] == "C2Calice" && c["unreadCount"] != 0)
                })
            })
            .await;
        let conversation = list["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["conversationID"] == "C2Calice")
            .unwrap()
            .clone();
        assert_eq!(conversation["unreadCount"], 3, "{conversation}");
        assert_eq!(
            conversation["lastMessage"]["messageForShow"], "while judy was offline #2",
            "{conversation}"
        );
        judy.wait_event("TOTAL_UNREAD_MESSAGE_COUNT_UPDATED", 0, PATIENCE, |d| {
            *d == 3
        })
        .await;
        judy.assert_replies_ok(0).await;
        judy.assert_no_problems(0);
        drop(judy);
        alice.destroy().await.unwrap();
        stop_server(server).await;
    });
}

// ---------------------------------------------------------------------------
// Scenarios 2 and 3: messages both ways

#[test]
fn official_sdk_sends_to_tcchat() {
    run(async {
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let url = server.ws_url();
        let (bob, mut bob_events) = tcchat_login(&url, "bob").await;
        let mut alice = Agent::create("s2-send-alice", &url, 1).await;
        alice.login("alice").await;

        let text = "hello tcchat, from the official SDK";
        let sent = alice.send_text("bob", text).await;
        assert_eq!(sent["status"], "success", "{sent}");
        assert_eq!(sent["conversationID"], "C2Cbob");
        assert_eq!(sent["flow"], "out");
        assert!(
            sent["time"].as_u64().is_some_and(|t| t > 0),
            "sendmsg reply time: {sent}"
        );

        let event = expect_event::<TokioRuntime>(&mut bob_events, "MESSAGE_RECEIVED", |e| {
            matches!(e, Event::MessageReceived(list) if list.iter().any(|m| text_of(m) == text))
        })
        .await;
        let Event::MessageReceived(list) = event else {
            unreachable!()
        };
        let got = list.iter().find(|m| text_of(m) == text).unwrap();
        assert_eq!(got.id, sent["ID"].as_str().unwrap(), "one ID on both sides");
        assert_eq!(Some(got.sequence), sent["sequence"].as_u64(), "sequence");
        assert_eq!(Some(got.random), sent["random"].as_u64(), "random");
        assert_eq!(Some(got.time), sent["time"].as_u64(), "time");
        assert_eq!(
            Some(got.client_time),
            sent["clientTime"].as_u64(),
            "clientTime"
        );
        assert_eq!(got.from, "alice");
        assert_eq!(got.to, "bob");
        assert_eq!(got.conversation_id, "C2Calice");
        assert_eq!(
            Some(got.sender_tiny_id.as_str()),
            sent["senderTinyID"].as_str()
        );

        alice.assert_replies_ok(0).await;
        alice.assert_no_problems(0);
        drop(alice);
        bob.destroy().await.unwrap();
        stop_server(server).await;
    });
}

#[test]
fn tcchat_sends_to_official_sdk() {
    run(async {
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let url = server.ws_url();
        let mut bob = Agent::create("s3-receive-bob", &url, 1).await;
        bob.login("bob").await;
        let (alice, _alice_events) = tcchat_login(&url, "alice").await;

        let from = bob.mark();
        let text = "hello official SDK, from tcchat";
        let sent = tcchat_send(&alice, "bob", text).await;
        let (_, event) = bob
            .wait_event("MESSAGE_RECEIVED", from, PATIENCE, |data| {
                data.as_array()
                    .is_some_and(|l| l.iter().any(|m| m["text"] == text))
            })
            .await;
        let list = received(&event);
        assert_eq!(list.len(), 1, "{event}");
        let got = &list[0];
        assert_eq!(got["from"], "alice");
        assert_eq!(got["to"], "bob");
        assert_eq!(got["text"], text);
        assert_eq!(got["conversationID"], "C2Calice");
        assert_eq!(got["conversationType"], "C2C");
        assert_eq!(got["flow"], "in");
        assert_eq!(got["ID"], sent.id.as_str(), "one ID on both sides");
        assert_eq!(got["sequence"], sent.sequence);
        assert_eq!(got["random"], sent.random);
        assert_eq!(got["time"], sent.time);
        assert_eq!(got["senderTinyID"], sent.sender_tiny_id.as_str());

        // The push was acknowledged, and nothing else arrives for it.
        bob.wait("the push ack", from, PATIENCE, |r| {
            r["k"] == "up" && r["servcmd"] == "openim.ws_msg_push_ack"
        })
        .await;
        assert_eq!(bob.events("MESSAGE_RECEIVED", 0).len(), 1);
        bob.assert_replies_ok(0).await;
        bob.assert_no_problems(0);
        drop(bob);
        alice.destroy().await.unwrap();
        stop_server(server).await;
    });
}

// ---------------------------------------------------------------------------
// Scenario 6: logout and destroy

#[test]
fn official_sdk_logout_and_destroy() {
    run(async {
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let url = server.ws_url();

        // Logged in → logout → SDK_NOT_READY → destroy → SDK_DESTROY.
        let mut carol = Agent::create("s6-logout-carol", &url, 1).await;
        carol.login("carol").await;
        let from = carol.mark();
        carol
            .call("logout", json!({}))
            .await
            .unwrap_or_else(|e| panic!("logout rejected: {e}"));
        carol
            .wait_event("SDK_NOT_READY", from, PATIENCE, |_| true)
            .await;
        let logout = carol
            .records_since(from)
            .into_iter()
            .find(|r| r["k"] == "up" && r["servcmd"] == "im_open_status.wslogout")
            .expect("a wslogout request");
        assert_eq!(logout["body"]["wslogout_type"], 0);
        assert_eq!(carol.call("isReady", json!({})).await, Ok(json!(false)));
        let before_destroy = carol.mark();
        let from = before_destroy;
        // destroy() after logout: SDK_DESTROY fires; the official SDK's
        // promise rejects with 2024 here (it logs out first, and nobody is
        // logged in), which is its behaviour, not ours.
        let _ = carol.call("destroy", json!({})).await;
        let (_, destroyed) = carol
            .wait_event("SDK_DESTROY", from, PATIENCE, |_| true)
            .await;
        assert_eq!(destroyed["data"]["SDKAppID"], APP);
        carol
            .wait("the socket to close", from, PATIENCE, |r| {
                r["k"] == "ws" && r["ev"] == "close"
            })
            .await;
        carol.assert_replies_ok_until(0, before_destroy).await;
        carol.assert_no_problems(0);

        // Logged in → destroy → SDK_DESTROY.
        let mut dave = Agent::create("s6-destroy-dave", &url, 1).await;
        dave.login("dave").await;
        let from = dave.mark();
        let result = dave.call("destroy", json!({})).await;
        assert!(result.is_ok(), "destroy while logged in: {result:?}");
        let (_, destroyed) = dave
            .wait_event("SDK_DESTROY", from, PATIENCE, |_| true)
            .await;
        assert_eq!(destroyed["data"]["SDKAppID"], APP);
        dave.wait("the socket to close", from, PATIENCE, |r| {
            r["k"] == "ws" && r["ev"] == "close"
        })
        .await;
        // What it sent before destroy() was answered; destroy closes the
        // socket without waiting for the replies to its last requests.
        dave.assert_replies_ok_until(0, from).await;
        dave.assert_no_problems(0);
        drop((carol, dave));
        stop_server(server).await;
    });
}

/// RFC 6455 §5.5.1: an endpoint that receives a Close frame answers with a
/// Close frame. The official SDK closes its socket itself on destroy (4000);
/// without the server's answer its WebSocket reports 1006 (abnormal
/// closure).
#[test]
fn server_answers_the_official_sdks_close() {
    run(async {
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let mut henry = Agent::create("s6-close-henry", &server.ws_url(), 1).await;
        henry
            .wait("its socket to open", 0, PATIENCE, |r| {
                r["k"] == "ws" && r["ev"] == "open"
            })
            .await;
        let from = henry.mark();
        let _ = henry.call("destroy", json!({})).await;
        let (_, closed) = henry
            .wait("its socket to close", from, PATIENCE, |r| {
                r["k"] == "ws" && r["ev"] == "close"
            })
            .await;
        assert_ne!(
            closed["code"], 1006,
            "the server did not answer the SDK's Close frame (1006 = closed without one): {closed}"
        );
        drop(henry);
        stop_server(server).await;
    });
}

// ---------------------------------------------------------------------------
// Scenario 4: kick-outs seen by the official SDK

/// `POST http://{addr}{path_and_query}` with a JSON body over a fresh
/// connection; returns the status and the body parsed as JSON.
async fn http_post(addr: SocketAddr, path_and_query: &str, body: &Value) -> (u16, Value) {
    let exchange = async {
        let mut stream = TcpStream::connect(addr).await?;
        let body = body.to_string();
        let request = format!(
            "POST {path_and_query} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).await?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await?;
        Ok::<_, std::io::Error>(String::from_utf8_lossy(&response).into_owned())
    };
    let response = tokio::time::timeout(PATIENCE, exchange)
        .await
        .unwrap_or_else(|_| panic!("POST {path_and_query}: no response within {PATIENCE:?}"))
        .unwrap_or_else(|e| panic!("POST http://{addr}{path_and_query}: {e}"));
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    (
        status,
        serde_json::from_str(body.trim()).unwrap_or_else(|_| json!(body)),
    )
}

/// The REST admin API's kick, called as Tencent's REST API is: an
/// administrator's identifier and UserSig in the query, `{"UserID"}` in the
/// body.
async fn rest_kick(http: SocketAddr, user: &str) -> (u16, Value) {
    let admin = "administrator";
    let query = format!(
        "/v4/im_open_login_svc/kick?sdkappid={APP}&identifier={admin}&usersig={}&random={}&contenttype=json",
        sig(admin),
        now_ms() % 4_294_967_296
    );
    http_post(http, &query, &json!({"UserID": user})).await
}

/// A second login of the same user on the same platform (the Web: tcchat
/// also connects with platform=7) kicks the official SDK with
/// `multipleAccount`; it logs out (wslogout type 1) and is not ready.
#[test]
fn second_login_kicks_the_official_sdk() {
    run(async {
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let url = server.ws_url();
        let mut erin = Agent::create("s4-kick-multi-erin", &url, 1).await;
        erin.login("erin").await;
        // Past its initial sync: a kick in the middle of it refuses the
        // requests still in flight (1002), which is not what this tests.
        erin.settle().await;
        let from = erin.mark();

        let (tcchat_erin, mut tcchat_events) = tcchat_login(&url, "erin").await;
        let (_, kicked) = erin
            .wait_event("KICKED_OUT", from, PATIENCE, |_| true)
            .await;
        assert_eq!(kicked["data"]["type"], "multipleAccount", "{kicked}");
        erin.wait_event("SDK_NOT_READY", from, PATIENCE, |_| true)
            .await;
        let (_, logout) = erin
            .wait("its wslogout", from, PATIENCE, |r| {
                r["k"] == "up" && r["servcmd"] == "im_open_status.wslogout"
            })
            .await;
        assert_eq!(logout["body"]["wslogout_type"], 1, "{logout}");
        assert_eq!(erin.call("isReady", json!({})).await, Ok(json!(false)));
        // The socket stays open (no close record after the kick).
        assert!(
            !erin
                .records_since(from)
                .iter()
                .any(|r| r["k"] == "ws" && r["ev"] == "close"),
            "{}",
            erin.tail()
        );
        erin.assert_replies_ok(0).await;

        // The newer session is the one that works.
        assert!(tcchat_erin.is_ready());
        let (bob, _bob_events) = tcchat_login(&url, "bob").await;
        tcchat_send(&bob, "erin", "to the newest erin").await;
        expect_event::<TokioRuntime>(&mut tcchat_events, "MESSAGE_RECEIVED", |e| {
            matches!(e, Event::MessageReceived(l) if l.iter().any(|m| text_of(m) == "to the newest erin"))
        })
        .await;
        assert!(
            erin.events("MESSAGE_RECEIVED", from).is_empty(),
            "the kicked instance still gets pushes"
        );

        // And the other way round: the official SDK logging in kicks tcchat.
        let mut erin2 = Agent::create("s4-kick-multi-erin2", &url, 1).await;
        erin2.login("erin").await;
        let kicked = expect_event::<TokioRuntime>(&mut tcchat_events, "KICKED_OUT", |e| {
            matches!(e, Event::KickedOut { .. })
        })
        .await;
        assert_eq!(
            kicked,
            Event::KickedOut {
                kind: tcchat_tokio::types::KickedOutType::MultipleAccount
            }
        );
        erin.assert_no_problems_except(0, &["SignModule.onMultipleAccountKickedOut"]);
        erin2.assert_no_problems(0);
        drop((erin, erin2));
        let _ = tcchat_erin.destroy().await;
        let _ = bob.destroy().await;
        stop_server(server).await;
    });
}

/// With a policy of one platform class online at a time
/// (`kick_other_classes`), a login from a phone (platform=2) kicks the
/// official SDK (Web) with `multipleDevice`.
#[test]
fn login_on_another_platform_kicks_the_official_sdk() {
    run(async {
        let mut config = ServerConfig::ephemeral(vec![app()]);
        config.instances = InstancePolicy {
            kick_other_classes: true,
            ..InstancePolicy::DEFAULT
        };
        let server = start_server(config).await;
        let url = server.ws_url();
        let mut kate = Agent::create("s4-kick-device-kate", &url, 1).await;
        kate.login("kate").await;
        // Past its initial sync: a kick in the middle of it refuses the
        // requests still in flight (1002), which is not what this tests.
        kate.settle().await;
        let from = kate.mark();

        // Another "device": a bare wslogin with platform=2 (Android).
        let mut phone = Agent::start("s4-kick-device-phone").await;
        let reply = phone
            .call(
                "rawLogin",
                json!({"proxyServer": url, "sdkAppID": APP, "platform": 2,
                       "userID": "kate", "userSig": sig("kate")}),
            )
            .await
            .unwrap_or_else(|e| panic!("the phone's login failed: {e}"));
        assert_eq!(reply["ErrorCode"], 0, "{reply}");

        let (_, kicked) = kate
            .wait_event("KICKED_OUT", from, PATIENCE, |_| true)
            .await;
        assert_eq!(kicked["data"]["type"], "multipleDevice", "{kicked}");
        kate.wait_event("SDK_NOT_READY", from, PATIENCE, |_| true)
            .await;
        let (_, logout) = kate
            .wait("its wslogout", from, PATIENCE, |r| {
                r["k"] == "up" && r["servcmd"] == "im_open_status.wslogout"
            })
            .await;
        assert_eq!(logout["body"]["wslogout_type"], 1, "{logout}");
        assert_eq!(kate.call("isReady", json!({})).await, Ok(json!(false)));
        kate.assert_replies_ok(0).await;
        kate.assert_no_problems_except(0, &["SignModule.onMultipleDeviceKickedOut"]);
        drop((kate, phone));
        stop_server(server).await;
    });
}

/// An administrator's `POST /v4/im_open_login_svc/kick` kicks the official
/// SDK with `REST_API_Kick`: SDK_NOT_READY, and it closes its socket.
#[test]
fn rest_kick_reaches_the_official_sdk() {
    run(async {
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let url = server.ws_url();
        let http = server.http_addr().expect("the REST API listens");
        let mut frank = Agent::create("s4-kick-rest-frank", &url, 1).await;
        frank.login("frank").await;
        frank.settle().await;
        let from = frank.mark();

        let (status, body) = rest_kick(http, "frank").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["ActionStatus"], "OK", "{body}");
        assert_eq!(body["ErrorCode"], 0, "{body}");

        let (_, kicked) = frank
            .wait_event("KICKED_OUT", from, PATIENCE, |_| true)
            .await;
        assert_eq!(kicked["data"]["type"], "REST_API_Kick", "{kicked}");
        frank
            .wait_event("SDK_NOT_READY", from, PATIENCE, |_| true)
            .await;
        frank
            .wait("its socket to close", from, PATIENCE, |r| {
                r["k"] == "ws" && r["ev"] == "close"
            })
            .await;
        assert_eq!(frank.call("isReady", json!({})).await, Ok(json!(false)));
        assert!(
            !frank
                .records_since(from)
                .iter()
                .any(|r| r["k"] == "up" && r["servcmd"] == "im_open_status.wslogout"),
            "no wslogout after a REST kick"
        );
        // It can log in again with its UserSig. (Requests the SDK had in
        // flight on the kicked socket, such as a stats report, die with it;
        // replies are checked from the new login on.)
        let relogin = frank.mark();
        frank.login("frank").await;
        frank.assert_replies_ok(relogin).await;
        frank.assert_no_problems_except(0, &["SignModule.onRestApiKickedOut"]);
        drop(frank);
        stop_server(server).await;
    });
}

/// A UserSig that expires while the official SDK is online and idle: the
/// server answers its next request (its own 10 s ping) with 70001 and the
/// SDK reports `userSigExpired`.
#[test]
fn usersig_expiry_reaches_the_official_sdk() {
    run(async {
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let url = server.ws_url();
        let mut gina = Agent::create("s4-kick-expiry-gina", &url, 1).await;
        let issued = now_secs();
        let lifetime = 3;
        gina.login_with("gina", &gen_usersig(APP, KEY, "gina", lifetime, issued))
            .await;
        let from = gina.mark();

        // Nothing to do: the SDK pings 10 s after the last frame it
        // received (checked on a 1 s tick, answered at once), so the
        // kick comes within lifetime + ~12 s.
        let bound = Duration::from_secs(lifetime + 20);
        let (_, kicked) = gina.wait_event("KICKED_OUT", from, bound, |_| true).await;
        assert_eq!(kicked["data"]["type"], "userSigExpired", "{kicked}");
        assert!(
            kicked["t"].as_u64().unwrap() >= (issued + lifetime) * 1000,
            "kicked before the UserSig expired: {kicked}"
        );
        gina.wait_event("SDK_NOT_READY", from, PATIENCE, |_| true)
            .await;
        let refusal = gina
            .records_since(from)
            .into_iter()
            .find(|r| r["k"] == "down" && r["body"]["ErrorCode"] == 70001)
            .unwrap_or_else(|| panic!("no reply carried 70001\n{}", gina.tail()));
        eprintln!(
            "userSigExpired after {} ms, from the reply to {}",
            kicked["t"].as_u64().unwrap() - issued * 1000,
            refusal["servcmd"]
        );
        assert_eq!(gina.call("isReady", json!({})).await, Ok(json!(false)));

        // A fresh UserSig logs it in again.
        gina.login("gina").await;
        // The SDK logs the refused ping (70001) and the kick.
        gina.assert_no_problems_except(
            0,
            &["ChannelModule._ping failed", "SignModule.onUserSigExpired"],
        );
        drop(gina);
        stop_server(server).await;
    });
}

// ---------------------------------------------------------------------------
// Scenario 5: server restart

/// A server config on a fixed loopback port with a database file, so that a
/// restart comes back at the same address with the same data.
fn restartable_config(name: &str) -> ServerConfig {
    let db = scratch_dir().join(format!("{name}-{}.db", std::process::id()));
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let mut config = ServerConfig::ephemeral(vec![app()]);
    config.ws_addr = free_port();
    config.db = DbLocation::File(db);
    config
}

/// The server process dies (`crash`: no close frames) and comes back on the
/// same port with the same database. Takes about a minute: the official
/// SDK's documented recovery is one failed attempt, then nothing until its
/// 60 s timer (official-web-sdk.md §11).
#[test]
fn official_sdk_recovers_from_server_restart() {
    run(async {
        let config = restartable_config("s5-restart");
        let server = start_server(config.clone()).await;
        let url = server.ws_url();
        let mut bob = Agent::create("s5-restart-bob", &url, 1).await;
        bob.login("bob").await;
        let (alice, _alice_events) = tcchat_login(&url, "alice").await;
        let before = tcchat_send(&alice, "bob", "before the restart").await;
        bob.wait_event("MESSAGE_RECEIVED", 0, PATIENCE, |d| {
            d.as_array()
                .is_some_and(|l| l.iter().any(|m| m["ID"] == before.id.as_str()))
        })
        .await;
        bob.settle().await;

        // The server dies and comes back on the same port with the same
        // database.
        let from = bob.mark();
        let fault_ms = now_ms();
        crash_server(server).await;
        // The SDK notices (its immediate reconnect attempt is refused), and
        // the server stays down for the outage (the fault itself, as in the
        // reference's 3 s measurement): the SDK is away until its own timer.
        bob.wait_event("NET_STATE_CHANGE", from, PATIENCE, |d| {
            d["state"] == "disconnected"
        })
        .await;
        tokio::time::sleep(OUTAGE).await;
        let server = start_server(config.clone()).await;
        let back_ms = now_ms();

        // tcchat reconnects on its own; it sends while bob is still away.
        let mut away = Vec::new();
        for i in 0..3 {
            away.push(tcchat_send(&alice, "bob", &format!("sent while bob was away #{i}")).await);
        }
        let sent_ms = now_ms();

        // The official SDK comes back by itself, within the bound.
        let bound =
            RESTART_RECOVERY_BOUND.saturating_sub(Duration::from_millis(now_ms() - fault_ms));
        let (_, relogin) = bob
            .wait("a re-login on the restarted server", from, bound, |r| {
                r["k"] == "down" && r["servcmd"] == "im_open_status.wslogin"
            })
            .await;
        assert_eq!(
            relogin["body"]["ErrorCode"],
            0,
            "the official SDK's re-login after the restart was refused: {} \
             (the server must keep A2 sessions across restarts)\n{}",
            relogin["body"],
            bob.tail()
        );
        let relogin_ms = relogin["t"].as_u64().unwrap();
        for m in &away {
            bob.wait_event("MESSAGE_RECEIVED", from, PATIENCE, |d| {
                d.as_array()
                    .is_some_and(|l| l.iter().any(|x| x["ID"] == m.id.as_str()))
            })
            .await;
        }
        // Usable: a message sent now arrives too.
        let after = tcchat_send(&alice, "bob", "after the restart").await;
        let (_, last) = bob
            .wait_event("MESSAGE_RECEIVED", from, PATIENCE, |d| {
                d.as_array()
                    .is_some_and(|l| l.iter().any(|x| x["ID"] == after.id.as_str()))
            })
            .await;
        let usable_ms = last["t"].as_u64().unwrap();

        let counts = deliveries(&bob, from);
        for m in away.iter().chain([&after]) {
            assert_eq!(
                counts.get(&m.id),
                Some(&1),
                "{} delivered {:?} times: {counts:?}",
                m.id,
                counts.get(&m.id)
            );
        }
        assert_eq!(
            counts.get(&before.id),
            None,
            "the message from before the restart came again: {counts:?}"
        );
        assert!(bob.events("KICKED_OUT", from).is_empty(), "{}", bob.tail());
        assert!(
            bob.events("SDK_NOT_READY", from).is_empty(),
            "{}",
            bob.tail()
        );
        assert_eq!(bob.call("isReady", json!({})).await, Ok(json!(true)));
        eprintln!(
            "official SDK after a server restart: server back after {} ms; messages sent {} ms \
             after the fault {}; re-login {} ms after the fault; usable {} ms after the fault",
            back_ms - fault_ms,
            sent_ms - fault_ms,
            if sent_ms < relogin_ms {
                "(while it was away)"
            } else {
                "(it was already back)"
            },
            relogin_ms - fault_ms,
            usable_ms - fault_ms,
        );
        bob.assert_replies_ok(0).await;
        // Expected on the way: its reconnect attempt to the closed port fails.
        bob.assert_no_problems_except(0, &["SocketHandler._onError"]);
        assert!(
            sent_ms < relogin_ms,
            "the official SDK was back before the messages were sent: the scenario did not test \
             delivery to an absent client\n{}",
            bob.tail()
        );
        drop(bob);
        alice.destroy().await.unwrap();
        stop_server(server).await;
    });
}

/// A reconnect backlog of several `openim.getmsg` pages: liam (the
/// official SDK, through a proxy) is logged in and idle when its link goes
/// silent; alice (tcchat) sends it five messages, which the server pushes
/// into the dead link, and which come back through getmsg in pages of 2, 2
/// and 1 once liam's ping has timed out and it has logged in again.
struct ReconnectBacklog {
    server: BackgroundServer,
    proxy: Proxy,
    liam: Agent,
    alice: Chat,
    /// The five messages, oldest first.
    away: Vec<Message>,
    /// liam's records before the fault.
    from: usize,
    /// The index of liam's re-login reply.
    relogin: usize,
}

async fn reconnect_backlog(name: &str) -> ReconnectBacklog {
    let mut config = ServerConfig::ephemeral(vec![app()]);
    config.getmsg_page_size = 2;
    let server = start_server(config).await;
    let proxy = Proxy::start(server.ws_addr()).await;
    let mut liam = Agent::create(name, &proxy.url(), 1).await;
    liam.login("liam").await;
    liam.settle().await;
    let (alice, _alice_events) = tcchat_login(&server.ws_url(), "alice").await;

    let from = liam.mark();
    assert_eq!(proxy.go_silent(), 1);
    let mut away = Vec::new();
    for i in 0..5 {
        away.push(tcchat_send(&alice, "liam", &format!("backlog #{i}")).await);
    }
    // The SDK's ping times out ~13 s after the last frame it received.
    let (at, relogin) = liam
        .wait("a re-login", from, Duration::from_secs(30), |r| {
            r["k"] == "down" && r["servcmd"] == "im_open_status.wslogin"
        })
        .await;
    assert_eq!(relogin["body"]["ErrorCode"], 0, "{relogin}");
    ReconnectBacklog {
        relogin: at,
        server,
        proxy,
        liam,
        alice,
        away,
        from,
    }
}

impl ReconnectBacklog {
    async fn end(self) {
        drop(self.liam);
        self.alice.destroy().await.unwrap();
        drop(self.proxy);
        stop_server(self.server).await;
    }
}

/// After a reconnect the official SDK raises MESSAGE_RECEIVED only for the
/// messages of the *last* getmsg page (the reply with SyncFlag 2); the
/// pages with SyncFlag 0 are filed as unread history, which an app sees
/// through the conversation list, the unread counts and `getMessageList`
/// (`official_sdk_counts_a_reconnect_backlog_of_several_pages_as_unread`).
/// This is the official SDK's own behaviour, which no server reply
/// changes; the test stays to show it.
#[test]
#[ignore = "the official SDK's own behaviour: after a reconnect it raises MESSAGE_RECEIVED only for the last getmsg page (see official_sdk_counts_a_reconnect_backlog_of_several_pages_as_unread for how the rest reaches the app)"]
fn official_sdk_gets_a_backlog_of_several_pages_after_reconnect() {
    run(async {
        let backlog = reconnect_backlog("s5-backlog-liam").await;
        let (liam, away, from) = (&backlog.liam, &backlog.away, backlog.from);
        let last = away.last().unwrap();
        liam.wait_event("MESSAGE_RECEIVED", from, PATIENCE, |d| {
            d.as_array()
                .is_some_and(|l| l.iter().any(|m| m["ID"] == last.id.as_str()))
        })
        .await;
        let counts = deliveries(liam, from);
        let missing: Vec<&str> = away
            .iter()
            .filter(|m| counts.get(&m.id) != Some(&1))
            .map(text_of)
            .collect();
        assert!(
            missing.is_empty(),
            "sent while the link was dead but never MESSAGE_RECEIVED (or not exactly once): \
             {missing:?}; deliveries {counts:?}"
        );
        backlog.end().await;
    });
}

/// The same backlog as seen by an app: the conversation with alice shows
/// all five messages unread, its last message is the newest, the total
/// unread count is 5, and `getMessageList` returns the five, oldest first.
#[test]
fn official_sdk_counts_a_reconnect_backlog_of_several_pages_as_unread() {
    run(async {
        let mut backlog = reconnect_backlog("s5-backlog-unread-liam").await;
        let from = backlog.from;
        let liam = &mut backlog.liam;
        liam.wait_event("TOTAL_UNREAD_MESSAGE_COUNT_UPDATED", from, PATIENCE, |d| {
            *d == 5
        })
        .await;
        let (_, list) = liam
            .wait_event("CONVERSATION_LIST_UPDATED", from, PATIENCE, |d| {
                conversation_in(d, "C2Calice").is_some_and(|c| c["unreadCount"] == 5)
            })
            .await;
        let conversation = conversation_in(&list["data"], "C2Calice").unwrap();
        assert_eq!(
            conversation["lastMessage"]["messageForShow"], "backlog #4",
            "{conversation}"
        );
        let history = liam
            .call("getMessageList", json!({"conversationID": "C2Calice"}))
            .await
            .unwrap_or_else(|e| panic!("getMessageList rejected: {e}"));
        let got: Vec<&str> = history["messageList"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|m| m["ID"].as_str())
            .collect();
        let want: Vec<&str> = backlog.away.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(got, want, "{history}");
        assert_eq!(
            backlog
                .liam
                .call("getTotalUnreadMessageCount", json!({}))
                .await,
            Ok(json!(5))
        );
        // What it asked after its re-login was answered (its ping into the
        // dead link never was: that is how it noticed).
        backlog.liam.assert_replies_ok(backlog.relogin).await;
        // Expected on the way: its ping into the dead link times out (2801).
        backlog.liam.assert_no_problems_except(
            0,
            &[r#"ChannelModule._ping failed. bOnline:true error: {"message":"","code":2801}"#],
        );
        backlog.end().await;
    });
}

/// A conversation the official SDK already holds, whose newer messages it
/// missed while its link was dead: after its re-login, page_get shows the
/// conversation's last message newer than the one it holds, and its
/// `RecoverMsgModule` asks `openim.getroammsg` with `GetDirection: 1` (the
/// messages newer than `LastMsgTime`, its newest held message's time,
/// `MaxCnt` 16) besides getmsg. The reply must be accepted: no
/// `RecoverMsgModule._recoverC2CMsg failed`, each missed message raised
/// once, and the server's unread count exact.
///
/// The official SDK's own unread count is not always the server's: it
/// leaves out of the count any recovered message older (by whole seconds)
/// than the conversation's last message as page_get gave it, and it ignores
/// getmsg's `C2CPairUnreadCount` when every message of that page is one it
/// already holds. So it shows the held message plus the missed messages of
/// the newest second; when the three sends straddle a second boundary that
/// is less than the server's 4 (CI saw 2). The test checks that rule rather
/// than a count that depends on the clock.
#[test]
fn official_sdk_recovers_a_known_conversation_after_reconnect() {
    run(async {
        let server = start_server(ServerConfig::ephemeral(vec![app()])).await;
        let proxy = Proxy::start(server.ws_addr()).await;
        let mut mona = Agent::create("s5-recover-mona", &proxy.url(), 1).await;
        mona.login("mona").await;
        mona.settle().await;
        let (alice, _alice_events) = tcchat_login(&server.ws_url(), "alice").await;
        let before = tcchat_send(&alice, "mona", "before the link died").await;
        mona.wait_event("MESSAGE_RECEIVED", 0, PATIENCE, |d| {
            d.as_array()
                .is_some_and(|l| l.iter().any(|m| m["ID"] == before.id.as_str()))
        })
        .await;

        // The link dies silently. The messages go out once mona's ping has
        // gone into the dead link (about 10 s later), so that they are
        // newer than the one it holds by the server's clock.
        let from = mona.mark();
        assert_eq!(proxy.go_silent(), 1);
        mona.wait(
            "its ping into the dead link",
            from,
            Duration::from_secs(20),
            |r| r["k"] == "up" && r["servcmd"] == "heartbeat.alive",
        )
        .await;
        let mut missed = Vec::new();
        for i in 0..3 {
            missed.push(tcchat_send(&alice, "mona", &format!("missed #{i}")).await);
        }
        let (relogin, reply) = mona
            .wait("a re-login", from, Duration::from_secs(30), |r| {
                r["k"] == "down" && r["servcmd"] == "im_open_status.wslogin"
            })
            .await;
        assert_eq!(reply["body"]["ErrorCode"], 0, "{reply}");
        for m in &missed {
            mona.wait_event("MESSAGE_RECEIVED", from, PATIENCE, |d| {
                d.as_array()
                    .is_some_and(|l| l.iter().any(|x| x["ID"] == m.id.as_str()))
            })
            .await;
        }
        let (_, recover) = mona
            .wait("the recovery getroammsg", relogin, PATIENCE, |r| {
                r["k"] == "up"
                    && r["servcmd"] == "openim.getroammsg"
                    && r["body"]["GetDirection"] == 1
            })
            .await;
        assert_eq!(recover["body"]["Peer_Account"], "alice", "{recover}");
        mona.settle().await;
        let counts = deliveries(&mona, from);
        for m in &missed {
            assert_eq!(counts.get(&m.id), Some(&1), "{}: {counts:?}", m.id);
        }
        assert_eq!(counts.get(&before.id), None, "{counts:?}");
        // The server counts every message once, recovered or synced.
        let (_, synced) = mona
            .wait("getmsg's unread counts", relogin, PATIENCE, |r| {
                r["k"] == "down"
                    && r["servcmd"] == "openim.getmsg"
                    && r["body"]["C2CPairUnreadCount"].is_array()
            })
            .await;
        assert_eq!(
            synced["body"]["C2CPairUnreadCount"],
            json!([{"From_Account": "alice", "UnreadCount": 4}]),
            "{synced}"
        );
        // The rule rests on the SDK's order: its getmsg goes out only after
        // the recovery's reply, so every message of that page is held.
        let after: Vec<Value> = mona.records_since(relogin);
        let at = |k: &str, cmd: &str| {
            after
                .iter()
                .position(|r| r["k"] == k && r["servcmd"] == cmd)
                .unwrap_or_else(|| panic!("no {k} {cmd} after the re-login"))
        };
        assert!(
            at("down", "openim.getroammsg") < at("up", "openim.getmsg"),
            "the SDK synced before its recovery was answered: the count below no longer follows"
        );
        // The official SDK counts the held message and the missed ones of
        // the newest second (see above).
        let newest = missed.iter().map(|m| m.time).max().unwrap_or_default();
        let shown = 1 + missed.iter().filter(|m| m.time == newest).count();
        assert_eq!(
            mona.call("getTotalUnreadMessageCount", json!({})).await,
            Ok(json!(shown)),
            "missed at {:?}",
            missed.iter().map(|m| m.time).collect::<Vec<_>>()
        );
        mona.assert_replies_ok(relogin).await;
        mona.assert_no_problems_except(
            0,
            &[r#"ChannelModule._ping failed. bOnline:true error: {"message":"","code":2801}"#],
        );
        drop(mona);
        alice.destroy().await.unwrap();
        drop(proxy);
        stop_server(server).await;
    });
}

/// One receiver of the comparison.
enum Side {
    Official(Box<Agent>),
    Tcchat(Chat, Recorder),
}

impl Side {
    fn label(&self) -> &'static str {
        match self {
            Side::Official(_) => "official SDK 3.6.6",
            Side::Tcchat(..) => "tcchat",
        }
    }

    fn received(&self) -> Vec<(u64, String, String)> {
        match self {
            Side::Official(agent) => agent
                .events("MESSAGE_RECEIVED", 0)
                .iter()
                .flat_map(|r| {
                    let t = r["t"].as_u64().unwrap_or(0);
                    received(r).into_iter().map(move |m| {
                        (
                            t,
                            m["ID"].as_str().unwrap_or("").to_owned(),
                            m["text"].as_str().unwrap_or("").to_owned(),
                        )
                    })
                })
                .collect(),
            Side::Tcchat(_, rec) => rec.received(),
        }
    }

    /// When the link was back after `fault_ms`: the official SDK's first
    /// successful re-login reply; tcchat's first NET_STATE connected.
    fn link_back(&self, fault_ms: u64) -> Option<u64> {
        match self {
            Side::Official(agent) => agent.records().iter().find_map(|r| {
                let t = r["t"].as_u64()?;
                (t >= fault_ms
                    && r["k"] == "down"
                    && r["servcmd"] == "im_open_status.wslogin"
                    && r["body"]["ErrorCode"] == 0)
                    .then_some(t)
            }),
            Side::Tcchat(_, rec) => rec.events.lock().unwrap().iter().find_map(|(t, e)| {
                (*t >= fault_ms
                    && *e
                        == Event::NetStateChange {
                            state: NetState::Connected,
                            cause: None,
                        })
                .then_some(*t)
            }),
        }
    }

    /// How many of these texts arrived in a frame (a getmsg reply or a
    /// push) of the official SDK's socket; 0 for tcchat (not tapped).
    fn on_the_wire(&self, texts: &[String]) -> usize {
        let Side::Official(agent) = self else {
            return 0;
        };
        let frames: Vec<String> = agent
            .records()
            .iter()
            .filter(|r| r["k"] == "down")
            .map(|r| r["body"].to_string())
            .collect();
        texts
            .iter()
            .filter(|t| {
                let needle = format!("\"Text\":\"{t}\"");
                frames.iter().any(|f| f.contains(&needle))
            })
            .count()
    }

    /// KICKED_OUT types reported at or after `fault_ms`.
    fn kicked_after(&self, fault_ms: u64) -> Vec<String> {
        match self {
            Side::Official(agent) => agent
                .events("KICKED_OUT", 0)
                .iter()
                .filter(|r| r["t"].as_u64().is_some_and(|t| t >= fault_ms))
                .map(|r| r["data"]["type"].as_str().unwrap_or("?").to_owned())
                .collect(),
            Side::Tcchat(_, rec) => rec
                .events
                .lock()
                .unwrap()
                .iter()
                .filter(|(t, _)| *t >= fault_ms)
                .filter_map(|(_, e)| match e {
                    Event::KickedOut { kind } => Some(kind.as_str().to_owned()),
                    _ => None,
                })
                .collect(),
        }
    }

    async fn wait_for(&self, text: &str, within: Duration) -> bool {
        match self {
            Side::Official(agent) => agent
                .try_wait(0, within, |r| {
                    r["k"] == "event"
                        && r["name"] == "MESSAGE_RECEIVED"
                        && received(r).iter().any(|m| m["text"] == text)
                })
                .await
                .is_some(),
            Side::Tcchat(_, rec) => {
                rec.until(within, |events| {
                    events.iter().any(|(_, e)| {
                        matches!(e, Event::MessageReceived(l) if l.iter().any(|m| text_of(m) == text))
                    })
                })
                .await
            }
        }
    }
}

/// What one receiver went through in one fault.
struct Figures {
    label: &'static str,
    /// From the fault until the server accepted connections again (0 when
    /// it never went away).
    back_ms: u64,
    link_back_ms: Option<u64>,
    usable_ms: Option<u64>,
    sent: usize,
    lost: Vec<String>,
    duplicated: Vec<String>,
    /// KICKED_OUT types reported after the fault.
    kicked: Vec<String>,
    /// Of `lost`: how many did reach the official SDK in a getmsg reply
    /// or a push (and were not raised as MESSAGE_RECEIVED).
    lost_on_the_wire: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Fault {
    /// Graceful shutdown of the server (every socket gets 1001), started
    /// again on the same port.
    ServerRestart,
    /// The server process dies (no close frames) and is started again on
    /// the same port.
    ServerCrash,
    /// The receivers' links go silent (a proxy stops forwarding).
    SilentDrop,
}

/// How long the server stays down in the restart and crash faults (the
/// reference measured the official SDK with 3 s and 10 s outages).
const OUTAGE: Duration = Duration::from_secs(3);
/// Probe cadence of the sender.
const PROBE_EVERY: Duration = Duration::from_millis(500);
/// Give up on a receiver's recovery after this long.
const SIDE_BY_SIDE_BOUND: Duration = Duration::from_secs(90);

async fn side_by_side(fault: Fault) -> Vec<Figures> {
    let name = match fault {
        Fault::ServerRestart => "side-by-side-restart",
        Fault::ServerCrash => "side-by-side-crash",
        Fault::SilentDrop => "side-by-side-silent",
    };
    let config = restartable_config(name);
    let mut server = Some(start_server(config.clone()).await);
    let direct = format!("ws://{}", config.ws_addr);
    let proxy = match fault {
        Fault::SilentDrop => Some(Proxy::start(config.ws_addr).await),
        Fault::ServerRestart | Fault::ServerCrash => None,
    };
    let via = proxy.as_ref().map_or(direct.clone(), Proxy::url);

    // Receivers: the official SDK as "obob", tcchat as "tbob"; the sender
    // (tcchat, "alice") is connected straight to the server.
    let mut official = Agent::create(&format!("{name}-obob"), &via, 1).await;
    official.login("obob").await;
    let (tbob, tbob_events) = tcchat_login(&via, "tbob").await;
    let sides = [
        Side::Official(Box::new(official)),
        Side::Tcchat(tbob, Recorder::new(tbob_events)),
    ];
    let (alice, _alice_events) = tcchat_login(&direct, "alice").await;
    let to = |side: &Side| match side {
        Side::Official(_) => "obob",
        Side::Tcchat(..) => "tbob",
    };

    // Both receive before the fault, and are idle established clients.
    if let Side::Official(agent) = &sides[0] {
        agent.settle().await;
    }
    for side in &sides {
        let text = format!("{} warm-up", to(side));
        tcchat_send(&alice, to(side), &text).await;
        assert!(
            side.wait_for(&text, PATIENCE).await,
            "{}: no warm-up message",
            side.label()
        );
    }

    let fault_ms = now_ms();
    let back_ms = match fault {
        Fault::ServerRestart => {
            stop_server(server.take().unwrap()).await;
            tokio::time::sleep(OUTAGE).await;
            server = Some(start_server(config.clone()).await);
            now_ms() - fault_ms
        }
        Fault::ServerCrash => {
            crash_server(server.take().unwrap()).await;
            tokio::time::sleep(OUTAGE).await;
            server = Some(start_server(config.clone()).await);
            now_ms() - fault_ms
        }
        Fault::SilentDrop => {
            let n = proxy.as_ref().unwrap().go_silent();
            assert_eq!(n, 2, "both receivers' links were open");
            0
        }
    };
    eprintln!(
        "{name}: fault injected; server {}",
        if server.is_some() { "up" } else { "down" }
    );

    // Probe both receivers until each has had a message sent after the
    // fault delivered and a few more, or the bound passes.
    let mut sent: Vec<(usize, String, u64)> = Vec::new(); // (side index, text, sent ms)
    let mut usable: [Option<u64>; 2] = [None, None];
    let deadline = Instant::now() + SIDE_BY_SIDE_BOUND;
    let mut extra_rounds = 0;
    let mut n = 0;
    while Instant::now() < deadline && extra_rounds < 4 {
        for (i, side) in sides.iter().enumerate() {
            let text = format!("{} probe {n}", to(side));
            tcchat_send(&alice, to(side), &text).await;
            sent.push((i, text, now_ms()));
        }
        n += 1;
        // The probes' cadence (a measurement's sampling, not a wait for
        // anything).
        tokio::time::sleep(PROBE_EVERY).await;
        for (i, side) in sides.iter().enumerate() {
            if usable[i].is_none() {
                usable[i] = side
                    .received()
                    .iter()
                    .filter(|(_, _, text)| text.contains(" probe "))
                    .map(|(t, _, _)| *t)
                    .min();
            }
        }
        if usable.iter().all(Option::is_some) {
            extra_rounds += 1;
        }
    }
    // Let the last probes land (bounded), then count.
    for (i, side) in sides.iter().enumerate() {
        if let Some((_, text, _)) = sent.iter().rev().find(|(s, _, _)| *s == i) {
            let _ = side.wait_for(text, PATIENCE).await;
        }
    }
    let mut figures = Vec::new();
    for (i, side) in sides.iter().enumerate() {
        let got = side.received();
        let mine: Vec<&String> = sent
            .iter()
            .filter(|(s, _, _)| *s == i)
            .map(|(_, t, _)| t)
            .collect();
        let lost: Vec<String> = mine
            .iter()
            .filter(|t| !got.iter().any(|(_, _, g)| g == **t))
            .map(|t| (*t).clone())
            .collect();
        let lost_texts = lost.clone();
        let mut seen = BTreeMap::<&str, usize>::new();
        for (_, id, _) in &got {
            *seen.entry(id).or_insert(0) += 1;
        }
        let duplicated = seen
            .iter()
            .filter(|(_, n)| **n > 1)
            .map(|(id, n)| format!("{id} x{n}"))
            .collect();
        figures.push(Figures {
            label: side.label(),
            back_ms,
            link_back_ms: side.link_back(fault_ms).map(|t| t - fault_ms),
            usable_ms: usable[i].map(|t| t.saturating_sub(fault_ms)),
            sent: mine.len(),
            lost,
            duplicated,
            kicked: side.kicked_after(fault_ms),
            lost_on_the_wire: side.on_the_wire(&lost_texts),
        });
    }
    for side in sides {
        if let Side::Tcchat(chat, _) = side {
            let _ = tokio::time::timeout(PATIENCE, chat.destroy()).await;
        }
    }
    let _ = tokio::time::timeout(PATIENCE, alice.destroy()).await;
    drop(proxy);
    if let Some(server) = server {
        stop_server(server).await;
    }
    figures
}

/// The measurement's one assertion: tcchat was usable again and lost or
/// duplicated nothing. The official SDK's figures are only reported.
fn assert_tcchat_recovered(figures: &[Figures], text: &str) {
    for f in figures.iter().filter(|f| f.label == "tcchat") {
        assert!(
            f.usable_ms.is_some(),
            "tcchat was never usable again\n{text}"
        );
        assert!(f.lost.is_empty() && f.duplicated.is_empty(), "{text}");
    }
}

/// Appends each client's run to `docs/charts/data/interop_recovery.jsonl`
/// and redraws the recovery chart of docs/INTEROP.md and BENCHMARKS.md §5
/// (`docs/charts/recovery_side_by_side.svg`). A failure to store is
/// reported, not fatal: the measurement's figures are printed either way.
fn store_runs(fault: Fault, figures: &[Figures]) {
    let provenance = bench_charts::data::Provenance::now();
    for f in figures {
        let run = bench_charts::data::InteropRun {
            provenance: provenance.clone(),
            fault: format!("{fault:?}"),
            client: f.label.to_owned(),
            back_ms: f.back_ms,
            link_back_ms: f.link_back_ms,
            usable_ms: f.usable_ms,
        };
        let file = bench_charts::data::file::INTEROP_RECOVERY;
        if let Err(e) = bench_charts::data::append(&bench_charts::data::data_dir(), file, &run) {
            eprintln!("run not stored: {e}");
            return;
        }
    }
    if let Err(e) = bench_charts::redraw_repo_charts() {
        eprintln!("charts not redrawn: {e}");
    }
}

fn report(fault: Fault, figures: &[Figures]) -> String {
    let mut text = format!(
        "\n{fault:?}\n\n| client | link back after | first message delivered after | probes sent | lost | duplicated |\n|---|---|---|---|---|---|\n"
    );
    let ms = |v: Option<u64>| {
        v.map_or("never (bound hit)".to_owned(), |v| {
            format!("{:.1} s", v as f64 / 1000.0)
        })
    };
    for f in figures {
        text.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            f.label,
            ms(f.link_back_ms),
            ms(f.usable_ms),
            f.sent,
            f.lost.len(),
            f.duplicated.len()
        ));
    }
    let some = |list: &[String]| {
        let shown: Vec<&str> = list.iter().take(5).map(String::as_str).collect();
        if list.len() > shown.len() {
            format!("{shown:?} and {} more", list.len() - shown.len())
        } else {
            format!("{shown:?}")
        }
    };
    for f in figures {
        if !f.lost.is_empty() || !f.duplicated.is_empty() {
            text.push_str(&format!(
                "\n{}: lost {} ({} of them reached its socket in a getmsg reply or push \
                 but were not raised as MESSAGE_RECEIVED), duplicated {}\n",
                f.label,
                some(&f.lost),
                f.lost_on_the_wire,
                some(&f.duplicated)
            ));
        }
        if !f.kicked.is_empty() {
            text.push_str(&format!(
                "\n{}: KICKED_OUT {:?} after the fault\n",
                f.label, f.kicked
            ));
        }
    }
    text
}

/// Measures the official SDK and tcchat through a server restart (see
/// docs/INTEROP.md). Takes about a minute: the official SDK waits ~58 s.
#[test]
#[ignore = "a measurement (about 70 s): cargo test -p tcchat-tests --test interop -- --ignored side_by_side"]
fn side_by_side_server_restart() {
    run(async {
        let figures = side_by_side(Fault::ServerRestart).await;
        let text = report(Fault::ServerRestart, &figures);
        eprintln!("{text}");
        let _ = std::fs::write(scratch_dir().join("side-by-side-restart.md"), &text);
        store_runs(Fault::ServerRestart, &figures);
        assert_tcchat_recovered(&figures, &text);
    });
}

/// Measures the official SDK and tcchat through a server crash (see
/// docs/INTEROP.md). Takes about a minute: the official SDK waits ~58 s.
#[test]
#[ignore = "a measurement (about 70 s): cargo test -p tcchat-tests --test interop -- --ignored side_by_side"]
fn side_by_side_server_crash() {
    run(async {
        let figures = side_by_side(Fault::ServerCrash).await;
        let text = report(Fault::ServerCrash, &figures);
        eprintln!("{text}");
        let _ = std::fs::write(scratch_dir().join("side-by-side-crash.md"), &text);
        store_runs(Fault::ServerCrash, &figures);
        assert_tcchat_recovered(&figures, &text);
    });
}

/// Measures the official SDK and tcchat through a silently dropped
/// connection (see docs/INTEROP.md).
#[test]
#[ignore = "a measurement (about 20 s): cargo test -p tcchat-tests --test interop -- --ignored side_by_side"]
fn side_by_side_silent_drop() {
    run(async {
        let figures = side_by_side(Fault::SilentDrop).await;
        let text = report(Fault::SilentDrop, &figures);
        eprintln!("{text}");
        let _ = std::fs::write(scratch_dir().join("side-by-side-silent.md"), &text);
        store_runs(Fault::SilentDrop, &figures);
        assert_tcchat_recovered(&figures, &text);
    });
}
