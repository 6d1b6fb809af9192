//! Connection lifecycle in virtual time: multi-instance kicks, UserSig
//! expiry while online, and sessions that survive a restart of the engine.

mod common;

use std::time::Duration;

use common::*;
use serde_json::json;
use tcchat_server::engine::{ConnId, EngineConfig, InstancePolicy, Output};
use tcchat_server::store::{MemoryStore, SqliteStore, Store};
use tcchat_server::{codes, gen_usersig};

/// The exact body the official SDK was recorded accepting (protocol-facts §4).
fn kick_body(kick_type: u32) -> String {
    format!(
        r#"{{"EventArray":[{{"Event":9,"C2cNotifyMsgArray":[{{"KickoutMsgNotify":{{"KickType":{kick_type},"NewInstInfo":{{}}}}}}]}}]}}"#
    )
}

/// `side` is exactly one kick push, to `conn`, of `kick_type`.
fn assert_kick(side: &[Msg], conn: u64, kick_type: u32) {
    assert_eq!(side.len(), 1, "{side:?}");
    let push = &side[0];
    assert_eq!(push.conn, ConnId(conn));
    assert_eq!(push.head.servcmd, "im_open_status.stat_forceoffline");
    assert_eq!(push.head.sdkappid, APP);
    assert_eq!(
        push.raw_body,
        kick_body(kick_type),
        "the push body, byte for byte"
    );
}

fn with_policy(policy: InstancePolicy) -> Sim {
    Sim::with(
        EngineConfig {
            instances: policy,
            ..config()
        },
        MemoryStore::new(),
    )
}

#[test]
fn a_second_login_on_the_same_platform_class_kicks_the_first_with_type_1() {
    let mut sim = Sim::new();
    let mut first = Client::new(1, APP, "alice");
    first.login(&mut sim);
    let mut second = Client::new(2, APP, "alice");
    second.login(&mut sim);
    assert_kick(&sim.take_side(), 1, 1);
    assert_eq!(sim.engine.online_count(APP, "alice"), 1);
    assert!(sim.engine.is_logged_in(ConnId(2)));
    assert!(!sim.engine.is_logged_in(ConnId(1)));
    assert_eq!(
        sim.engine.connection_count(),
        2,
        "the kicked socket stays open"
    );

    // Nothing more reaches the kicked socket as alice.
    let mut bob = Client::new(3, APP, "bob");
    bob.login(&mut sim);
    let out = bob.send_text(&mut sim, "alice", 1, 1, "hi");
    let conns: Vec<u64> = out.iter().map(|m| m.conn.0).collect();
    assert_eq!(conns, [3, 2], "reply to bob, push to the new instance only");

    // Requests with the kicked A2 are answered 1002 + KickType 1...
    let get = first.getmsg(&mut sim, "");
    assert_eq!(get.body["ErrorCode"], codes::KICKED_OUT);
    assert_eq!(get.body["KickType"], 1);
    // ...and the SDK's wslogout (type 1) after the kick is answered normally.
    let out = first.reply(
        &mut sim,
        "im_open_status.wslogout",
        json!({"wslogout_type":1,"is_web_uniapp":0}),
    );
    assert_eq!(out.body["ErrorCode"], 0);
    assert!(
        sim.engine.is_logged_in(ConnId(2)),
        "the new instance is untouched"
    );
    // Pings on the kicked socket still work...
    let ping = first.reply(&mut sim, "heartbeat.alive", json!({}));
    assert_eq!(ping.body["ErrorCode"], 0);
    // ...and the idle window still applies to it: 60 s of silence closes it
    // (the other sockets keep talking).
    for _ in 0..3 {
        sim.advance(Duration::from_secs(20));
        second.reply(&mut sim, "heartbeat.alive", json!({}));
        bob.reply(&mut sim, "heartbeat.alive", json!({}));
    }
    assert_eq!(sim.engine.connection_count(), 2);
    assert!(sim.engine.is_logged_in(ConnId(2)));
}

#[test]
fn another_platform_class_stays_online_unless_configured_to_kick_with_type_2() {
    let mut sim = Sim::new();
    let mut web = Client::new(1, APP, "alice");
    web.login(&mut sim);
    let mut phone = Client::new(2, APP, "alice").on_platform(3);
    phone.login(&mut sim);
    assert!(sim.take_side().is_empty());
    assert_eq!(sim.engine.online_count(APP, "alice"), 2);

    let mut sim = with_policy(InstancePolicy {
        kick_other_classes: true,
        ..InstancePolicy::DEFAULT
    });
    let mut web = Client::new(1, APP, "alice");
    web.login(&mut sim);
    let mut phone = Client::new(2, APP, "alice").on_platform(3);
    phone.login(&mut sim);
    assert_kick(&sim.take_side(), 1, 2);
    assert_eq!(sim.engine.online_count(APP, "alice"), 1);
    let refused = web.getmsg(&mut sim, "");
    assert_eq!(refused.body["KickType"], 2);
    // And back: a desktop login kicks the phone, also with type 2.
    let mut desk = Client::new(3, APP, "alice").on_platform(1);
    desk.login(&mut sim);
    assert_kick(&sim.take_side(), 2, 2);
}

#[test]
fn per_class_and_per_user_limits_kick_the_oldest() {
    let mut sim = with_policy(InstancePolicy {
        per_class: 2,
        kick_other_classes: false,
        max_per_user: 3,
    });
    let mut a = Client::new(1, APP, "alice");
    a.login(&mut sim);
    let mut b = Client::new(2, APP, "alice");
    b.login(&mut sim);
    assert!(sim.take_side().is_empty(), "two Web sessions are allowed");
    let mut c = Client::new(3, APP, "alice");
    c.login(&mut sim);
    assert_kick(&sim.take_side(), 1, 1);
    // A phone makes three sessions in all: allowed.
    let mut d = Client::new(4, APP, "alice").on_platform(2);
    d.login(&mut sim);
    assert!(sim.take_side().is_empty());
    // A desktop would make four: the oldest (b, Web) goes, as type 2.
    let mut e = Client::new(5, APP, "alice").on_platform(4);
    e.login(&mut sim);
    assert_kick(&sim.take_side(), 2, 2);
    assert_eq!(sim.engine.online_count(APP, "alice"), 3);
}

#[test]
fn the_same_sdk_instance_logging_in_again_is_not_a_kick() {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    // The SDK reconnects and resends its first wslogin (same instanceid in
    // the URL) on a new socket.
    let query = connect_query(1, APP, 7);
    sim.connect(2, &query);
    let mut again = Client::new(2, APP, "alice");
    again.identity = tcchat_core::wire::HeadIdentity::UserSig {
        identifier: "alice".into(),
        usersig: again.sig(sim.unix_s()),
    };
    let head = again.head("im_open_status.wslogin", sim.unix_s());
    let body = json!({"State":"Online","is_web_uniapp":0,"InstType":0,"CustomInfo":""});
    let out = sim.request(2, &head, &body);
    // The socket that held the old session is closed (it may still be in
    // use by a client whose older login arrived late), not kicked.
    let closes: Vec<_> = out
        .iter()
        .filter_map(|o| match o {
            Output::Close { conn, code, .. } => Some((*conn, *code)),
            Output::Send { .. } => None,
        })
        .collect();
    assert_eq!(closes, vec![(ConnId(1), 4409)]);
    let sends: Vec<Output> = out
        .into_iter()
        .filter(|o| matches!(o, Output::Send { .. }))
        .collect();
    let replies = frames(&sends);
    assert_eq!(
        replies.len(),
        1,
        "only the login reply, no kick push: {replies:?}"
    );
    assert_eq!(replies[0].conn, ConnId(2));
    assert_eq!(replies[0].body["ErrorCode"], 0);
    assert_eq!(sim.engine.online_count(APP, "alice"), 1);
    assert!(sim.engine.is_logged_in(ConnId(2)));
    assert!(!sim.engine.is_logged_in(ConnId(1)));
    // The old session is gone: its A2 no longer logs in.
    alice.conn = 3;
    sim.connect(3, &connect_query(3, APP, 7));
    assert_eq!(alice.relogin(&mut sim).body["ErrorCode"], 70001);
}

#[test]
fn a2_relogin_on_a_new_socket_moves_the_session_without_a_kick() {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    // The client abandoned socket 1 (the server has not noticed yet) and
    // re-logs in on socket 2.
    alice.conn = 2;
    sim.connect_app(2, APP);
    let again = alice.relogin(&mut sim);
    assert_eq!(again.body["ErrorCode"], 0);
    assert!(sim.take_side().is_empty());
    assert!(!sim.engine.is_logged_in(ConnId(1)));
    assert!(sim.engine.is_logged_in(ConnId(2)));
    assert_eq!(sim.engine.online_count(APP, "alice"), 1);
}

#[test]
fn a_session_kicked_while_offline_learns_it_at_re_login() {
    let mut sim = Sim::new();
    let mut old = Client::new(1, APP, "alice");
    old.login(&mut sim);
    sim.disconnect(1);
    let mut new = Client::new(2, APP, "alice");
    new.login(&mut sim);
    assert!(sim.take_side().is_empty(), "nobody to push to");
    old.conn = 3;
    sim.connect_app(3, APP);
    let refused = old.relogin(&mut sim);
    assert_eq!(refused.body["ErrorCode"], codes::KICKED_OUT);
    assert_eq!(refused.body["KickType"], 1);
    assert_eq!(refused.body["ActionStatus"], "FAIL");
    assert!(sim.engine.is_logged_in(ConnId(2)));
}

#[test]
fn logging_in_again_on_the_same_socket_replaces_its_session_silently() {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    let first = alice.login(&mut sim);
    let sig = alice.sig(sim.unix_s());
    let again = alice.login_with(&mut sim, &sig);
    assert_eq!(again.body["ErrorCode"], 0);
    assert!(sim.take_side().is_empty());
    assert_ne!(again.body["A2Key"], first.body["A2Key"]);
    assert_eq!(sim.engine.online_count(APP, "alice"), 1);
}

/// Logs in with a UserSig valid for `secs` seconds.
fn login_for(sim: &mut Sim, client: &mut Client, secs: u64) {
    client.connect(sim);
    let sig = gen_usersig(APP, KEY, &client.user, secs, sim.unix_s());
    let reply = client.login_with(sim, &sig);
    assert_eq!(reply.body["ErrorCode"], 0, "{}", reply.body);
}

#[test]
fn an_expired_session_gets_no_pushes_and_70001_on_its_next_ping() {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    login_for(&mut sim, &mut alice, 100);
    let mut bob = Client::new(2, APP, "bob");
    bob.login(&mut sim);

    // Before expiry: pushed.
    sim.advance(Duration::from_secs(50));
    let out = bob.send_text(&mut sim, "alice", 1, 1, "before");
    assert_eq!(out.iter().map(|m| m.conn.0).collect::<Vec<_>>(), [2, 1]);
    assert_eq!(
        alice.reply(&mut sim, "heartbeat.alive", json!({})).body["ErrorCode"],
        0
    );
    // TLS.time + TLS.expire passes: no more pushes...
    sim.advance(Duration::from_secs(51));
    let out = bob.send_text(&mut sim, "alice", 2, 2, "after");
    assert_eq!(
        out.iter().map(|m| m.conn.0).collect::<Vec<_>>(),
        [2],
        "stored, not pushed"
    );
    // ...and the next ping is answered 70001 (userSigExpired).
    let ping = alice.reply(&mut sim, "heartbeat.alive", json!({}));
    assert_eq!(ping.body["ErrorCode"], codes::A2_OR_USERSIG_EXPIRED);
    assert_eq!(ping.body["ActionStatus"], "FAIL");
    assert!(!sim.engine.is_logged_in(ConnId(1)));
    // The session is over: re-login with its A2 is refused too.
    assert_eq!(alice.relogin(&mut sim).body["ErrorCode"], 70001);
    // A fresh UserSig gets the message that was not pushed.
    let mut alice2 = Client::new(3, APP, "alice");
    alice2.login(&mut sim);
    let sync = alice2.getmsg(&mut sim, "");
    assert_eq!(texts(&sync.body["MsgList"]), ["before", "after"]);
}

#[test]
fn expiry_is_reported_on_any_request_but_not_on_acks() {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    login_for(&mut sim, &mut alice, 10);
    sim.advance(Duration::from_secs(11));
    // A push ack is one-way: no reply, and the session is still there to be
    // told about on the next request.
    let out = alice.call(
        &mut sim,
        "openim.ws_msg_push_ack",
        json!({"SessionData": "x"}),
    );
    assert!(out.is_empty());
    let get = alice.getmsg(&mut sim, "");
    assert_eq!(get.body["ErrorCode"], 70001);
}

/// The raw bodies of the frames in `out` sent to `conn`.
fn pushes_to(out: &[Msg], conn: u64) -> Vec<String> {
    out.iter()
        .filter(|m| m.conn == ConnId(conn))
        .map(|m| m.raw_body.clone())
        .collect()
}

#[test]
fn kick_user_forces_every_session_offline_with_type_3() {
    let mut sim = Sim::new();
    let mut web = Client::new(1, APP, "alice");
    web.login(&mut sim);
    let mut phone = Client::new(2, APP, "alice").on_platform(2);
    phone.login(&mut sim);
    let n = sim.engine.kick_user(
        sim.unix_ms(),
        APP,
        "alice",
        tcchat_server::engine::KickType::RestApi,
    );
    assert_eq!(n, 2);
    let out = frames(&sim.drain());
    for conn in [1, 2] {
        let bodies = pushes_to(&out, conn);
        assert_eq!(bodies.len(), 1);
        assert_eq!(bodies[0], kick_body(3));
    }
    assert_eq!(sim.engine.online_count(APP, "alice"), 0);
    assert_eq!(web.relogin(&mut sim).body["KickType"], 3);
}

fn sessions_survive<S: Store>(mut sim: Sim<S>, reopen: impl FnOnce(S) -> S) {
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    let mut kicked = Client::new(2, APP, "bob");
    kicked.login(&mut sim);
    let mut bob = Client::new(3, APP, "bob");
    bob.login(&mut sim);
    sim.take_side();
    // "Restart": a new engine over the same data.
    let store = reopen(sim.engine.into_store());
    let mut sim = Sim::with(config(), store);
    alice.conn = 10;
    sim.connect_app(10, APP);
    let again = alice.relogin(&mut sim);
    assert_eq!(again.body["ErrorCode"], 0, "{}", again.body);
    assert_eq!(again.body["TinyId"], "144115000000000001");
    // The kick is remembered too.
    kicked.conn = 11;
    sim.connect_app(11, APP);
    assert_eq!(kicked.relogin(&mut sim).body["KickType"], 1);
    // And the policy still knows bob's session: a new Web login kicks it.
    bob.conn = 12;
    sim.connect_app(12, APP);
    assert_eq!(bob.relogin(&mut sim).body["ErrorCode"], 0);
    let mut bob2 = Client::new(13, APP, "bob");
    bob2.login(&mut sim);
    assert_kick(&sim.take_side(), 12, 1);
}

#[test]
fn sessions_survive_a_restart_of_the_engine() {
    sessions_survive(Sim::new(), |store| store);
}

#[test]
fn sessions_survive_a_reopen_of_the_sqlite_file() {
    let path = std::env::temp_dir().join(format!(
        "tcchat-sessions-{}-{:?}.db",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = std::fs::remove_file(&path);
    let sim = Sim::with(config(), SqliteStore::open(&path).unwrap());
    let reopen_path = path.clone();
    sessions_survive(sim, move |store| {
        drop(store);
        SqliteStore::open(&reopen_path).unwrap()
    });
    let _ = std::fs::remove_file(&path);
    let _ = std::fs::remove_file(path.with_extension("db-wal"));
    let _ = std::fs::remove_file(path.with_extension("db-shm"));
}

#[test]
fn expired_sessions_are_swept_from_memory_and_store() {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    login_for(&mut sim, &mut alice, 60);
    assert_eq!(sim.engine.session_count(), 1);
    sim.disconnect(1);
    sim.advance(Duration::from_secs(3600));
    assert_eq!(sim.engine.session_count(), 0);
    assert!(sim.engine.store_mut().sessions().unwrap().is_empty());
}
