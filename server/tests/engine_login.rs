//! Login, logout, A2 re-login, deadlines and the post-login stubs, driven
//! through the sans-IO engine in virtual time.

mod common;

use std::time::Duration;

use common::*;
use serde_json::json;
use tcchat_core::wire::HeadIdentity;
use tcchat_server::engine::{ConnId, Output};
use tcchat_server::{codes, gen_usersig};

#[test]
fn first_login_creates_the_account_and_replies_the_session() {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    let reply = alice.login(&mut sim);
    assert_eq!(reply.conn, ConnId(1));
    assert_eq!(reply.head.servcmd, "im_open_status.wslogin");
    assert_eq!(reply.head.seq, 1001, "the request head is echoed");
    assert_eq!(reply.head.identifier.as_deref(), Some("alice"));
    assert_eq!(reply.head.cs, 0, "wslogin frames carry cs 0");
    let b = &reply.body;
    assert_eq!(b["ActionStatus"], "OK");
    assert_eq!(b["ErrorInfo"], "");
    assert_eq!(b["TinyId"], "144115000000000001");
    assert_eq!(b["HelloInterval"], 120);
    assert_eq!(b["TimeStamp"], sim.unix_s());
    let a2 = b["A2Key"].as_str().unwrap();
    assert_eq!(a2.len(), 32);
    assert!(a2.bytes().all(|c| c.is_ascii_hexdigit()));
    assert!(b["InstId"].as_u64().unwrap() > 0);
    assert!(b["InstId"].as_u64().unwrap() < 1 << 53, "JS-safe");
    assert_eq!(sim.engine.online_count(APP, "alice"), 1);

    // A second user gets the next tiny ID; the first keeps hers.
    let mut bob = Client::new(2, APP, "bob");
    assert_eq!(bob.login(&mut sim).body["TinyId"], "144115000000000002");
    let mut alice2 = Client::new(3, APP, "alice").on_platform(2);
    let again = alice2.login(&mut sim);
    assert_eq!(again.body["TinyId"], "144115000000000001");
    assert_ne!(again.body["A2Key"], reply.body["A2Key"]);
    assert_ne!(again.body["InstId"], reply.body["InstId"]);
    // Another platform class: both stay online (the default policy).
    assert_eq!(sim.engine.online_count(APP, "alice"), 2);
    assert!(sim.take_side().is_empty());
}

#[test]
fn bad_usersigs_get_the_tencent_codes() {
    let mut sim = Sim::new();
    let now = sim.unix_s();
    let cases = [
        (
            "expired",
            gen_usersig(APP, KEY, "alice", 10, now - 100),
            70001,
        ),
        (
            "other key",
            gen_usersig(APP, "not-the-key", "alice", 86_400, now),
            70009,
        ),
        (
            "other user",
            gen_usersig(APP, KEY, "mallory", 86_400, now),
            70013,
        ),
        (
            "other app",
            gen_usersig(APP2, KEY, "alice", 86_400, now),
            70014,
        ),
        ("garbage", "x".to_owned(), 70003),
    ];
    for (i, (what, sig, code)) in cases.into_iter().enumerate() {
        let mut alice = Client::new(10 + i as u64, APP, "alice");
        sim.connect_app(alice.conn, APP);
        let reply = alice.login_with(&mut sim, &sig);
        assert_eq!(reply.body["ErrorCode"], code, "{what}: {}", reply.body);
        assert_eq!(reply.body["ActionStatus"], "FAIL");
        assert!(!reply.body["ErrorInfo"].as_str().unwrap().is_empty());
        assert!(reply.body.get("A2Key").is_none());
    }
    assert_eq!(sim.engine.online_count(APP, "alice"), 0);
}

#[test]
fn unknown_and_mismatched_sdkappids_are_refused() {
    let mut sim = Sim::new();
    let mut eve = Client::new(1, 999, "eve");
    sim.connect_app(1, 999);
    let sig = gen_usersig(999, KEY, "eve", 86_400, sim.unix_s());
    let reply = eve.login_with(&mut sim, &sig);
    assert_eq!(reply.body["ErrorCode"], codes::SDKAPPID_NOT_FOUND);
    assert_eq!(reply.body["ErrorCode"], 70020);

    // Connected for APP2, logs in with head.sdkappid APP.
    let mut alice = Client::new(2, APP, "alice");
    sim.connect_app(2, APP2);
    let sig = alice.sig(sim.unix_s());
    let reply = alice.login_with(&mut sim, &sig);
    assert_eq!(reply.body["ErrorCode"], codes::SDKAPPID_MISMATCH);
}

#[test]
fn a2_relogin_survives_disconnects_until_logout() {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    let first = alice.login(&mut sim);
    sim.disconnect(1);
    assert_eq!(sim.engine.online_count(APP, "alice"), 0);
    sim.advance(Duration::from_secs(3600));

    // The SDK reconnects on a new socket and logs in again with its A2.
    alice.conn = 2;
    sim.connect_app(2, APP);
    let again = alice.relogin(&mut sim);
    assert_eq!(again.body["ErrorCode"], 0, "{}", again.body);
    assert_eq!(again.body["TinyId"], first.body["TinyId"]);
    assert_eq!(again.body["A2Key"], first.body["A2Key"]);
    assert_ne!(again.body["InstId"], first.body["InstId"]);
    assert_eq!(sim.engine.online_count(APP, "alice"), 1);

    // Logout ends the session and the A2; the socket stays open.
    let out = alice.reply(
        &mut sim,
        "im_open_status.wslogout",
        json!({"wslogout_type":0,"is_web_uniapp":0}),
    );
    assert_eq!(out.body["ErrorCode"], 0);
    assert_eq!(sim.engine.online_count(APP, "alice"), 0);
    assert_eq!(sim.engine.connection_count(), 1);
    let after = alice.relogin(&mut sim);
    assert_eq!(after.body["ErrorCode"], codes::A2_OR_USERSIG_EXPIRED);
    // ...and a request in the old session's name is refused.
    let send = alice.reply(&mut sim, "openim.getmsg", json!({"Cookie": ""}));
    assert_eq!(send.body["ErrorCode"], codes::NOT_LOGGED_IN);
}

#[test]
fn unknown_or_foreign_a2_is_refused() {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    let mut forger = Client::new(2, APP, "alice");
    sim.connect_app(2, APP);
    forger.a2 = "00000000000000000000000000000000".into();
    forger.tiny_id = alice.tiny_id.clone();
    assert_eq!(forger.relogin(&mut sim).body["ErrorCode"], 70001);
    // The right A2 with another tiny ID is refused too.
    forger.a2 = alice.a2.clone();
    forger.tiny_id = "144115000000000009".into();
    assert_eq!(forger.relogin(&mut sim).body["ErrorCode"], 70001);
    // And the right A2 presented to another application.
    let mut other = Client::new(3, APP2, "alice");
    sim.connect_app(3, APP2);
    other.a2 = alice.a2.clone();
    other.tiny_id = alice.tiny_id.clone();
    assert_eq!(other.relogin(&mut sim).body["ErrorCode"], 70001);
}

#[test]
fn a2_expires_with_the_usersig() {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    sim.connect_app(1, APP);
    let sig = gen_usersig(APP, KEY, "alice", 600, sim.unix_s());
    assert_eq!(alice.login_with(&mut sim, &sig).body["ErrorCode"], 0);
    // Pings keep the socket alive up to the sig's expiry...
    for _ in 0..10 {
        sim.advance(Duration::from_secs(59));
        assert_eq!(
            alice.reply(&mut sim, "heartbeat.alive", json!({})).body["ErrorCode"],
            0
        );
    }
    // ...and the first request after it (here wshello) reports the expiry,
    // as the SDK expects (userSigExpired).
    sim.advance(Duration::from_secs(10));
    let hello = alice.reply(
        &mut sim,
        "im_open_status.wshello",
        json!({"is_web_uniapp":0}),
    );
    assert_eq!(hello.body["ErrorCode"], 70001);
    assert_eq!(sim.engine.online_count(APP, "alice"), 0);
    sim.disconnect(1);
    alice.conn = 2;
    sim.connect_app(2, APP);
    assert_eq!(alice.relogin(&mut sim).body["ErrorCode"], 70001);
}

#[test]
fn pings_work_before_login_and_other_requests_need_one() {
    let mut sim = Sim::new();
    let mut anon = Client::new(1, APP, "anon");
    sim.connect_app(1, APP);
    let ping = anon.reply(&mut sim, "heartbeat.alive", json!({}));
    assert_eq!(
        ping.body,
        json!({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""})
    );
    let send = anon.reply(
        &mut sim,
        "openim.sendmsg",
        sendmsg_body("anon", "bob", 1, 2, 3, "hi"),
    );
    assert_eq!(send.body["ErrorCode"], 20002);
    let get = anon.reply(&mut sim, "openim.getmsg", json!({"Cookie": ""}));
    assert_eq!(get.body["ErrorCode"], 20002);
    let login = anon.reply(&mut sim, "im_open_status.wslogin", json!({}));
    assert_eq!(login.body["ErrorCode"], codes::LOGIN_CREDENTIALS_MISSING);
}

#[test]
fn unsupported_servcmds_get_10003() {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    // Message reactions are not implemented (create_group,
    // group_msg_recall and group_set_key_values, the examples here before,
    // now are).
    let reply = alice.reply(
        &mut sim,
        "openim_msg_ext_http_svc.group_reaction_add",
        json!({}),
    );
    assert_eq!(reply.body["ErrorCode"], codes::UNSUPPORTED_SERVCMD);
    assert!(reply.body["ErrorInfo"]
        .as_str()
        .unwrap()
        .contains("group_reaction_add"));
}

#[test]
fn post_login_sync_gets_the_clean_replies() {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    let mut call = |cmd: &str, body: serde_json::Value| {
        let reply = alice.reply(&mut sim, cmd, body);
        assert_eq!(reply.body["ErrorCode"], 0, "{cmd}: {}", reply.body);
        reply.body
    };
    let p = call(
        "profile.portrait_get_all",
        json!({"From_Account":"alice","UserItem":[{"To_Account":"alice","StandardSequence":0,"CustomSequence":0},{"To_Account":"bob"}]}),
    );
    assert_eq!(p["UserProfileItem"][0]["To_Account"], "alice");
    assert_eq!(p["UserProfileItem"][1]["To_Account"], "bob");
    assert_eq!(
        call(
            "sns.black_list_get",
            json!({"From_Account":"alice","StartIndex":0,"MaxLimited":30})
        )["StartIndex"],
        0
    );
    let page = call(
        "recentcontact.page_get",
        json!({"From_Account":"alice","TimeStamp":0,"StartIndex":0}),
    );
    assert_eq!(page["CompleteFlag"], 1);
    assert_eq!(page["SessionItem"], json!([]));
    for cmd in [
        "group_open_http_svc.get_joined_group_list",
        "million_group_open_http_svc.get_joined_group_list",
    ] {
        let g = call(
            cmd,
            json!({"Member_Account":"alice","Limit":200,"Offset":0}),
        );
        assert_eq!(
            (g["TotalCount"].clone(), g["GroupIdList"].clone()),
            (json!(0), json!([]))
        );
    }
    let f = call(
        "sns.friend_get",
        json!({"From_Account":"alice","StartIndex":0}),
    );
    assert_eq!(
        (f["FriendNum"].clone(), f["CompleteFlag"].clone()),
        (json!(0), json!(1))
    );
    assert_eq!(call("sns.group_get", json!({}))["ResultItem"], json!([]));
    assert_eq!(
        call("sns.pendency_get", json!({}))["PendencyItem"],
        json!([])
    );
    let cfg = call(
        "im_sdk_config_mgr.fetch_config",
        json!({"uint32_sdkappid": APP, "uint64_version": 0}),
    );
    assert_eq!(
        (
            cfg["int32_error_code"].clone(),
            cfg["uint64_version"].clone(),
            cfg["str_json_config"].clone()
        ),
        (json!(0), json!(0), json!(""))
    );
    let bits = call(
        "im_sdk_config_mgr.fetch_imsdk_purchase_bitsv2",
        json!({"uint32_sdkappid": APP}),
    );
    // Bits 13, 10 and 9: extensions, conversation groups and marks.
    assert_eq!(bits["str_purchase_bits"], "1010011010000000");
    let cg = call(
        "recentcontact.get_contact_group",
        json!({"From_Account":"alice","StartIndex":0}),
    );
    assert_eq!(
        (
            cg["CompleteFlag"].clone(),
            cg["NextStartIndex"].clone(),
            cg["GroupItem"].clone()
        ),
        (json!(1), json!(0), json!([]))
    );
    call(
        "recentcontact.search_contact_group",
        json!({"From_Account":"alice","ContactItem":[]}),
    );
    assert_eq!(
        call(
            "openim.get_peer_read_time",
            json!({"To_Account":["u2","u3"]})
        )["ReadTime"],
        json!([0, 0])
    );
    let mute = call(
        "openim.get_c2c_peer_mute_notifications",
        json!({"To_Account":"alice","Peer_Account":["u2"]}),
    );
    assert_eq!(
        mute["MuteNotificationsList"],
        json!([{"Peer_Account":"u2","MuteNotifications":0}])
    );
    let roam = call(
        "openim.getroammsg",
        json!({"Peer_Account":"u2","MaxCnt":15}),
    );
    assert_eq!(
        (roam["Complete"].clone(), roam["MsgList"].clone()),
        (json!(1), json!([]))
    );
    call(
        "imopenstat.tim_web_report_v2",
        json!({"Header":{}, "Event":[]}),
    );
    call("im_open_status.wshello", json!({"is_web_uniapp":0}));
}

#[test]
fn unauthenticated_socket_is_closed_at_its_deadline() {
    let mut sim = Sim::new();
    sim.connect_app(1, APP);
    assert_eq!(
        sim.engine.poll_timeout(),
        Some(sim.t0 + Duration::from_secs(30))
    );
    // Pings do not extend the login deadline.
    let mut anon = Client::new(1, APP, "anon");
    sim.advance(Duration::from_secs(20));
    anon.reply(&mut sim, "heartbeat.alive", json!({}));
    assert!(sim.advance(Duration::from_millis(9_999)).is_empty());
    let out = sim.advance(Duration::from_millis(1));
    assert_eq!(
        out,
        vec![Output::Close {
            conn: ConnId(1),
            code: codes::CLOSE_LOGIN_TIMEOUT,
            reason: "no login before the deadline".into()
        }]
    );
    assert_eq!(sim.engine.connection_count(), 0);
    // Frames for the closed connection are ignored.
    assert!(anon.call(&mut sim, "heartbeat.alive", json!({})).is_empty());
}

#[test]
fn logged_in_socket_is_closed_after_the_idle_window() {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    // Activity postpones the idle deadline...
    sim.advance(Duration::from_secs(50));
    alice.reply(&mut sim, "heartbeat.alive", json!({}));
    assert!(sim.advance(Duration::from_secs(59)).is_empty());
    // ...silence past 60 s closes the socket.
    let out = sim.advance(Duration::from_secs(1));
    assert!(
        matches!(
            &out[..],
            [Output::Close {
                conn: ConnId(1),
                code: codes::CLOSE_IDLE_TIMEOUT,
                ..
            }]
        ),
        "{out:?}"
    );
    assert_eq!(sim.engine.online_count(APP, "alice"), 0);
    // The A2 outlives the socket.
    alice.conn = 2;
    sim.connect_app(2, APP);
    assert_eq!(alice.relogin(&mut sim).body["ErrorCode"], 0);
}

#[test]
fn relogin_on_the_same_socket_switches_user() {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    let mut bob = Client::new(1, APP, "bob");
    let sig = bob.sig(sim.unix_s());
    bob.login_with(&mut sim, &sig);
    assert_eq!(sim.engine.online_count(APP, "alice"), 0);
    assert_eq!(sim.engine.online_count(APP, "bob"), 1);
    let _ = HeadIdentity::Anonymous;
}
