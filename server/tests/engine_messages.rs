//! C2C messages: send, push, ack, offline sync with cookies, idempotency
//! and application isolation, driven through the sans-IO engine.

mod common;

use std::time::Duration;

use common::*;
use serde_json::json;
use tcchat_server::codes;
use tcchat_server::engine::{ConnId, EngineConfig};
use tcchat_server::store::{MemoryStore, Store};

fn online_pair() -> (Sim, Client, Client) {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    let mut bob = Client::new(2, APP, "bob");
    bob.login(&mut sim);
    (sim, alice, bob)
}

#[test]
fn send_replies_time_and_key_and_pushes_the_exact_shape() {
    let (mut sim, mut alice, _bob) = online_pair();
    sim.advance(Duration::from_secs(5));
    let out = alice.send_text(&mut sim, "bob", 1735430001, 90737025, "hello");
    assert_eq!(out.len(), 2, "{out:?}");
    let (reply, push) = (&out[0], &out[1]);
    assert_eq!(reply.conn, ConnId(1));
    assert_eq!(reply.head.servcmd, "openim.sendmsg");
    assert_eq!(reply.body["ErrorCode"], 0);
    assert_eq!(reply.body["MsgTime"], sim.unix_s());
    let key = reply.body["MsgKey"].as_str().unwrap().to_owned();
    assert!(!key.is_empty());

    assert_eq!(push.conn, ConnId(2));
    assert_eq!(push.head.servcmd, "im_open_push.msg_push");
    assert_eq!(push.head.sdkappid, APP);
    let session = push.body["SessionData"].as_str().unwrap().to_owned();
    assert!(!session.is_empty());
    let t = sim.unix_s();
    assert_eq!(
        push.body,
        json!({"EventArray":[{"Event":1,"C2cMsgArray":[{
            "From_Account":"alice","To_Account":"bob","MsgSeq":1735430001u64,"MsgRandom":90737025,
            "MsgTimeStamp":t,"MsgClientTime":t,"TinyId":"144115000000000001","MsgKey":key,
            "MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"hello"}}]}]}],
            "NeedAck":1,"SessionData":session})
    );
}

#[test]
fn every_instance_of_the_recipient_gets_the_push_and_the_senders_others_a_sync_copy() {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    // Other platform classes, so that the default policy kicks nobody.
    let mut alice_phone = Client::new(2, APP, "alice").on_platform(2);
    alice_phone.login(&mut sim);
    let mut bob1 = Client::new(3, APP, "bob");
    bob1.login(&mut sim);
    let mut bob2 = Client::new(4, APP, "bob").on_platform(4);
    bob2.login(&mut sim);
    let out = alice.send_text(&mut sim, "bob", 7, 8, "hi");
    let conns: Vec<u64> = out.iter().map(|m| m.conn.0).collect();
    assert_eq!(conns, vec![1, 3, 4, 2]);
    for m in &out[1..3] {
        assert_eq!(m.body["NeedAck"], 1);
        assert!(m.body["EventArray"][0]["C2cMsgArray"][0]
            .get("IsSyncMsg")
            .is_none());
    }
    let sync = &out[3];
    assert_eq!(sync.head.servcmd, "im_open_push.msg_push");
    let item = &sync.body["EventArray"][0]["C2cMsgArray"][0];
    assert_eq!(item["IsSyncMsg"], 1);
    assert_eq!(item["From_Account"], "alice");
    assert_eq!(item["To_Account"], "bob");
    assert!(sync.body.get("NeedAck").is_none());
}

#[test]
fn offline_message_is_synced_once_at_the_next_login() {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    // Bob has never logged in: the message waits in his inbox.
    let out = alice.send_text(&mut sim, "bob", 1, 11, "while you were away");
    assert_eq!(out.len(), 1, "no one to push to");

    let mut bob = Client::new(2, APP, "bob");
    bob.login(&mut sim);
    let sync = bob.getmsg(&mut sim, "");
    assert_eq!(sync.body["SyncFlag"], 2);
    assert_eq!(texts(&sync.body["MsgList"]), vec!["while you were away"]);
    let item = &sync.body["MsgList"][0];
    assert_eq!(item["TinyId"], "144115000000000001");
    assert_eq!(item["MsgSeq"], 1);
    assert_eq!(item["MsgRandom"], 11);
    let cookie = sync.body["Cookie"].as_str().unwrap().to_owned();
    assert!(!cookie.is_empty());

    // The reply's arrival is proven when the client comes back with its
    // cookie (as both SDKs do after a reconnect): nothing new.
    sim.disconnect(2);
    let mut bob = Client::new(3, APP, "bob");
    bob.login(&mut sim);
    let resumed = bob.getmsg(&mut sim, &cookie);
    assert_eq!(resumed.body["MsgList"], json!([]));
    // From then on even a fresh instance (empty cookie) gets nothing again.
    sim.disconnect(3);
    let mut bob = Client::new(4, APP, "bob");
    bob.login(&mut sim);
    let again = bob.getmsg(&mut sim, "");
    assert_eq!(again.body["SyncFlag"], 2);
    assert_eq!(again.body["MsgList"], json!([]));
}

#[test]
fn a_sync_reply_lost_with_its_socket_is_synced_again() {
    // Found by the simulation (seed 55): the cursor moved when the final
    // page was sent, so a page that died with its socket was never
    // delivered to any instance.
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    alice.send_text(&mut sim, "bob", 1, 1, "lost with the socket");
    let mut bob = Client::new(2, APP, "bob");
    bob.login(&mut sim);
    let sync = bob.getmsg(&mut sim, "");
    assert_eq!(texts(&sync.body["MsgList"]), vec!["lost with the socket"]);
    // The socket dies; the client never saw the reply.
    sim.disconnect(2);
    let mut bob = Client::new(3, APP, "bob");
    bob.login(&mut sim);
    assert_eq!(
        texts(&bob.getmsg(&mut sim, "").body["MsgList"]),
        vec!["lost with the socket"]
    );
}

#[test]
fn an_ack_of_a_later_push_proves_the_sync_reply_arrived() {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    alice.send_text(&mut sim, "bob", 1, 1, "offline");
    let mut bob = Client::new(2, APP, "bob");
    bob.login(&mut sim);
    assert_eq!(
        texts(&bob.getmsg(&mut sim, "").body["MsgList"]),
        vec!["offline"]
    );
    // A push written after the sync reply on the same socket is acked.
    let pushed = alice.send_text(&mut sim, "bob", 2, 2, "online");
    let session = pushed[1].body["SessionData"].clone();
    bob.call(
        &mut sim,
        "openim.ws_msg_push_ack",
        json!({"SessionData": session}),
    );
    sim.disconnect(2);
    let mut bob = Client::new(3, APP, "bob");
    bob.login(&mut sim);
    assert_eq!(bob.getmsg(&mut sim, "").body["MsgList"], json!([]));
}

#[test]
fn acked_pushes_are_not_synced_again_but_unacked_ones_are() {
    let (mut sim, mut alice, mut bob) = online_pair();
    let first = alice.send_text(&mut sim, "bob", 1, 1, "acked");
    let second = alice.send_text(&mut sim, "bob", 2, 2, "not acked");
    let s1 = first[1].body["SessionData"].as_str().unwrap().to_owned();
    assert_ne!(s1, second[1].body["SessionData"]);
    // The ack has no reply.
    assert!(bob
        .call(
            &mut sim,
            "openim.ws_msg_push_ack",
            json!({"SessionData": s1})
        )
        .is_empty());
    sim.disconnect(2);
    let mut bob = Client::new(3, APP, "bob");
    bob.login(&mut sim);
    assert_eq!(
        texts(&bob.getmsg(&mut sim, "").body["MsgList"]),
        vec!["not acked"]
    );
}

#[test]
fn acks_only_move_the_cursor_over_a_contiguous_run() {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    // Message 1 arrives while bob is offline.
    alice.send_text(&mut sim, "bob", 1, 1, "offline");
    let mut bob = Client::new(2, APP, "bob");
    bob.login(&mut sim);
    // Message 2 is pushed (and acked) before bob's login sync runs.
    let pushed = alice.send_text(&mut sim, "bob", 2, 2, "online");
    let s2 = pushed[1].body["SessionData"].clone();
    bob.call(
        &mut sim,
        "openim.ws_msg_push_ack",
        json!({"SessionData": s2}),
    );
    // The offline message must still be synced.
    let sync = bob.getmsg(&mut sim, "");
    assert_eq!(texts(&sync.body["MsgList"]), vec!["offline", "online"]);
    let cookie = sync.body["Cookie"].as_str().unwrap().to_owned();
    // Now everything is delivered (proven by the cookie coming back).
    sim.disconnect(2);
    let mut bob = Client::new(3, APP, "bob");
    bob.login(&mut sim);
    assert_eq!(bob.getmsg(&mut sim, &cookie).body["MsgList"], json!([]));
    assert_eq!(bob.getmsg(&mut sim, "").body["MsgList"], json!([]));
    // A forged ack for a position that does not exist changes nothing.
    bob.call(
        &mut sim,
        "openim.ws_msg_push_ack",
        json!({"SessionData": "tc1.0000000000000000.99"}),
    );
    alice.send_text(&mut sim, "bob", 3, 3, "later");
    sim.disconnect(3);
    let mut bob = Client::new(4, APP, "bob");
    bob.login(&mut sim);
    assert_eq!(
        texts(&bob.getmsg(&mut sim, "").body["MsgList"]),
        vec!["later"]
    );
}

#[test]
fn getmsg_pages_with_syncflag_0_then_2_and_cookies_continue_exactly() {
    let config = EngineConfig {
        getmsg_page_size: 3,
        ..config()
    };
    let mut sim = Sim::with(config, MemoryStore::new());
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    for i in 1..=7 {
        alice.send_text(&mut sim, "bob", i, 100 + i, &format!("m{i}"));
    }
    let mut bob = Client::new(2, APP, "bob");
    bob.login(&mut sim);
    let p1 = bob.getmsg(&mut sim, "");
    assert_eq!(
        (p1.body["SyncFlag"].clone(), texts(&p1.body["MsgList"])),
        (json!(0), vec!["m1".to_owned(), "m2".into(), "m3".into()])
    );
    let c1 = p1.body["Cookie"].as_str().unwrap().to_owned();
    let p2 = bob.getmsg(&mut sim, &c1);
    assert_eq!(
        (p2.body["SyncFlag"].clone(), texts(&p2.body["MsgList"])),
        (json!(0), vec!["m4".to_owned(), "m5".into(), "m6".into()])
    );
    let c2 = p2.body["Cookie"].as_str().unwrap().to_owned();

    // The session breaks mid-sync; nothing was acknowledged, so the cursor
    // has not moved. A new session continues from the cookie it kept.
    sim.disconnect(2);
    let mut bob = Client::new(3, APP, "bob");
    bob.login(&mut sim);
    let p3 = bob.getmsg(&mut sim, &c2);
    assert_eq!(
        (p3.body["SyncFlag"].clone(), texts(&p3.body["MsgList"])),
        (json!(2), vec!["m7".to_owned()])
    );
    let c3 = p3.body["Cookie"].as_str().unwrap().to_owned();
    // Done: the cursor moved past m7. Another message, then a reconnect
    // with the last cookie returns just it.
    alice.send_text(&mut sim, "bob", 8, 108, "m8");
    let p4 = bob.getmsg(&mut sim, &c3);
    assert_eq!(
        (p4.body["SyncFlag"].clone(), texts(&p4.body["MsgList"])),
        (json!(2), vec!["m8".to_owned()])
    );
    // An old cookie replays from its position (the client drops what it has).
    let replay = bob.getmsg(&mut sim, &c1);
    assert_eq!(texts(&replay.body["MsgList"]), vec!["m4", "m5", "m6"]);
}

#[test]
fn a_getmsg_page_stops_at_its_byte_budget() {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    // Sixty 10 KiB messages: 600 KiB, so at most about 25 fit in 256 KiB.
    let big = "x".repeat(10 * 1024);
    for i in 1..=60 {
        alice.send_text(&mut sim, "bob", i, 200 + i, &big);
    }
    let mut bob = Client::new(2, APP, "bob");
    bob.login(&mut sim);
    let mut cookie = String::new();
    let mut pages = Vec::new();
    loop {
        let page = bob.getmsg(&mut sim, &cookie);
        let n = page.body["MsgList"].as_array().map_or(0, Vec::len);
        assert!(n >= 1, "a page always carries at least one message");
        pages.push(n);
        cookie = page.body["Cookie"].as_str().unwrap().to_owned();
        if page.body["SyncFlag"] == json!(2) {
            break;
        }
    }
    assert_eq!(pages.iter().sum::<usize>(), 60);
    assert!(pages.len() >= 3, "pages {pages:?}");
    assert!(pages.iter().all(|n| *n <= 26), "pages {pages:?}");
}

#[test]
fn messages_over_the_size_or_element_limits_are_refused() {
    let (mut sim, mut alice, _bob) = online_pair();
    let too_long = alice.send_text(&mut sim, "bob", 1, 1, &"x".repeat(13 * 1024));
    assert_eq!(too_long[0].body["ErrorCode"], 80002);
    assert_eq!(too_long.len(), 1, "nothing pushed");
    let mut body = common::sendmsg_body("alice", "bob", 2, 2, sim.unix_s(), "x");
    let elem = body["MsgBody"][0].clone();
    body["MsgBody"] = json!(vec![elem; 33]);
    let reply = alice.reply(&mut sim, "openim.sendmsg", body);
    assert_eq!(reply.body["ErrorCode"], 10004);
    // Within the limits it goes through.
    let ok = alice.send_text(&mut sim, "bob", 3, 3, &"x".repeat(11 * 1024));
    assert_eq!(ok[0].body["ErrorCode"], 0);
}

#[test]
fn a_foreign_cookie_is_treated_as_empty() {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    alice.send_text(&mut sim, "bob", 1, 1, "x");
    let mut bob = Client::new(2, APP, "bob");
    bob.login(&mut sim);
    // "ck1" is what a mock server handed out; the official SDK sends it back.
    let sync = bob.getmsg(&mut sim, "ck1");
    assert_eq!(texts(&sync.body["MsgList"]), vec!["x"]);
}

#[test]
fn a_resent_message_is_stored_once_and_gets_the_same_reply() {
    let (mut sim, mut alice, _bob) = online_pair();
    let first = alice.send_text(&mut sim, "bob", 42, 4242, "once");
    assert_eq!(first.len(), 2);
    sim.advance(Duration::from_secs(3));
    // The SDK resends after a reconnect (same body, new connection, A2).
    sim.disconnect(1);
    alice.conn = 5;
    sim.connect_app(5, APP);
    assert_eq!(alice.relogin(&mut sim).body["ErrorCode"], 0);
    let body = sendmsg_body("alice", "bob", 42, 4242, sim.unix_s() - 3, "once");
    let again = alice.call(&mut sim, "openim.sendmsg", body);
    assert_eq!(again.len(), 1, "no second push: {again:?}");
    assert_eq!(again[0].body["MsgTime"], first[0].body["MsgTime"]);
    assert_eq!(again[0].body["MsgKey"], first[0].body["MsgKey"]);
    assert_eq!(sim.engine.store_mut().inbox_head(APP, "bob").unwrap(), 1);
    // Another MsgRandom is another message.
    assert_eq!(alice.send_text(&mut sim, "bob", 42, 4243, "twice").len(), 2);
    assert_eq!(sim.engine.store_mut().inbox_head(APP, "bob").unwrap(), 2);
}

#[test]
fn a_request_with_a_valid_a2_works_before_the_relogin_on_a_new_socket() {
    let (mut sim, mut alice, _bob) = online_pair();
    sim.disconnect(1);
    alice.conn = 9;
    sim.connect_app(9, APP);
    // The SDK may resend a queued sendmsg before its re-login completes.
    let out = alice.send_text(&mut sim, "bob", 5, 5, "queued");
    assert_eq!(out[0].body["ErrorCode"], 0, "{}", out[0].body);
    assert_eq!(out.len(), 2);
}

#[test]
fn messages_never_cross_sdkappids() {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    let mut bob_other_app = Client::new(2, APP2, "bob");
    bob_other_app.login(&mut sim);
    assert_eq!(bob_other_app.tiny_id, "144115000000000002");
    let out = alice.send_text(&mut sim, "bob", 1, 1, "app 1 only");
    assert_eq!(out.len(), 1, "bob of the other app gets no push: {out:?}");
    assert_eq!(
        bob_other_app.getmsg(&mut sim, "").body["MsgList"],
        json!([])
    );
    // The same (seq, random) from the same user ID in the other app is a
    // different message.
    let mut alice2 = Client::new(3, APP2, "alice");
    alice2.login(&mut sim);
    let out = alice2.send_text(&mut sim, "bob", 1, 1, "app 2 only");
    assert_eq!(out.len(), 2);
    assert_eq!(out[1].conn, ConnId(2));
    let mut bob = Client::new(4, APP, "bob");
    bob.login(&mut sim);
    assert_eq!(
        texts(&bob.getmsg(&mut sim, "").body["MsgList"]),
        vec!["app 1 only"]
    );
    // A cookie of one app means nothing to the other's inbox beyond its
    // position; a huge position is clamped, not trusted.
    let far = format!("tc1.{}.999999", "0".repeat(16));
    assert_eq!(bob.getmsg(&mut sim, &far).body["ErrorCode"], 0);
}

#[test]
fn invalid_sends_are_refused_with_codes() {
    let (mut sim, mut alice, _bob) = online_pair();
    let mut body = sendmsg_body("mallory", "bob", 1, 1, 1, "spoof");
    let reply = alice.reply(&mut sim, "openim.sendmsg", body.clone());
    assert_eq!(reply.body["ErrorCode"], codes::INVALID_ACCOUNT);
    body["From_Account"] = json!("alice");
    body["To_Account"] = json!("");
    assert_eq!(
        alice.reply(&mut sim, "openim.sendmsg", body.clone()).body["ErrorCode"],
        20003
    );
    body["To_Account"] = json!("bob");
    body["MsgBody"] = json!([]);
    assert_eq!(
        alice.reply(&mut sim, "openim.sendmsg", body.clone()).body["ErrorCode"],
        codes::INVALID_PARAMETER
    );
    body["MsgSeq"] = json!("not a number");
    assert_eq!(
        alice.reply(&mut sim, "openim.sendmsg", body).body["ErrorCode"],
        9004
    );
    assert_eq!(sim.engine.store_mut().inbox_head(APP, "bob").unwrap(), 0);
}

#[test]
fn large_downlink_frames_are_gzipped_for_clients_that_asked() {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    let mut bob = Client::new(2, APP, "bob");
    sim.connect(2, "sdkappid=1400000000&platform=7"); // no compress=gzip
    let sig = bob.sig(sim.unix_s());
    bob.login_with(&mut sim, &sig);
    let mut alice2 = Client::new(3, APP, "alice").on_platform(2);
    alice2.login(&mut sim);
    let big = "x".repeat(2000);
    let out = alice.send_text(&mut sim, "bob", 1, 1, &big);
    assert_eq!(out.len(), 3);
    assert!(!out[0].compressed, "small reply stays plain");
    assert!(!out[1].compressed, "bob did not ask for gzip");
    assert!(out[2].compressed, "alice's other instance did");
    assert_eq!(
        out[2].body["EventArray"][0]["C2cMsgArray"][0]["MsgBody"][0]["MsgContent"]["Text"],
        big
    );
}

#[test]
fn a_message_to_oneself_reaches_the_other_instances_once() {
    let mut sim = Sim::new();
    let mut a1 = Client::new(1, APP, "alice");
    a1.login(&mut sim);
    let mut a2 = Client::new(2, APP, "alice").on_platform(3);
    a2.login(&mut sim);
    let out = a1.send_text(&mut sim, "alice", 1, 1, "note to self");
    assert_eq!(out.iter().map(|m| m.conn.0).collect::<Vec<_>>(), vec![1, 2]);
    assert_eq!(out[1].body["NeedAck"], 1);
}
