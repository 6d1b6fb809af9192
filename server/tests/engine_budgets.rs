//! Budgets and rate limits of issue 14 in the sans-IO engine: the frame
//! limit and frame rate before login, the per-user message rate, and the
//! switch that turns off account auto-creation.

mod common;

use std::time::Duration;

use common::*;
use serde_json::json;
use tcchat_core::wire::{Head, HeadIdentity};
use tcchat_server::codes;
use tcchat_server::engine::{ConnId, EngineConfig, Output, RateLimit};
use tcchat_server::store::MemoryStore;

fn closes(out: &[Output]) -> Vec<(u64, u16)> {
    out.iter()
        .filter_map(|o| match o {
            Output::Close { conn, code, .. } => Some((conn.0, *code)),
            Output::Send { .. } => None,
        })
        .collect()
}

fn ping(seq: u64) -> Vec<u8> {
    let head = Head::request(APP, &HeadIdentity::Anonymous, "heartbeat.alive", seq, 0);
    tcchat_core::wire::encode(&head, &json!({})).to_vec()
}

#[test]
fn a_large_frame_before_login_closes_the_socket_with_1009() {
    let mut sim = Sim::new();
    sim.connect_app(1, APP);
    let limit = EngineConfig::DEFAULT_MAX_FRAME_BYTES_BEFORE_LOGIN;
    let mut frame = ping(1);
    frame.resize(limit + 1, b' ');
    let out = sim.raw(1, &frame);
    assert_eq!(closes(&out), [(1, codes::CLOSE_TOO_BIG)]);
    assert_eq!(sim.engine.connection_count(), 0);
}

#[test]
fn after_login_the_full_frame_limit_applies() {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    assert!(sim.engine.is_trusted(ConnId(1)));
    let head = alice.head("heartbeat.alive", sim.unix_s());
    let mut frame = tcchat_core::wire::encode(&head, &json!({})).to_vec();
    frame.resize(EngineConfig::DEFAULT_MAX_FRAME_BYTES_BEFORE_LOGIN * 4, b' ');
    let out = frames(&sim.raw(1, &frame));
    assert_eq!(out[0].body["ErrorCode"], 0, "answered, not closed");
}

#[test]
fn frames_before_login_are_rate_limited() {
    let mut sim = Sim::new();
    sim.connect_app(1, APP);
    let burst = EngineConfig::DEFAULT_FRAME_RATE_BEFORE_LOGIN.burst;
    for seq in 0..u64::from(burst) {
        let out = sim.raw(1, &ping(seq));
        assert!(closes(&out).is_empty(), "frame {seq} is within the burst");
    }
    let out = sim.raw(1, &ping(99));
    assert_eq!(closes(&out), [(1, codes::CLOSE_TOO_MANY_FRAMES)]);
    // Another socket has its own budget, and the budget refills.
    sim.connect_app(2, APP);
    for seq in 0..u64::from(burst) {
        sim.raw(2, &ping(seq));
    }
    sim.advance(Duration::from_secs(5));
    for seq in 0..4 {
        let out = sim.raw(2, &ping(100 + seq));
        assert!(closes(&out).is_empty(), "refilled at one a second");
    }
    // A login lifts the limit.
    let mut alice = Client::new(3, APP, "alice");
    alice.login(&mut sim);
    for _ in 0..(burst * 3) {
        let r = alice.reply(&mut sim, "heartbeat.alive", json!({}));
        assert_eq!(r.body["ErrorCode"], 0);
    }
}

#[test]
fn requests_with_a_valid_session_before_the_relogin_are_not_rate_limited() {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    sim.disconnect(1);
    // A reconnecting client flushes its queue before its re-login.
    alice.conn = 2;
    alice.connect(&mut sim);
    let burst = EngineConfig::DEFAULT_FRAME_RATE_BEFORE_LOGIN.burst;
    for _ in 0..(burst * 3) {
        let r = alice.reply(&mut sim, "heartbeat.alive", json!({}));
        assert_eq!(r.body["ErrorCode"], 0);
    }
    let r = alice.reply(&mut sim, "openim.getmsg", json!({"Cookie": ""}));
    assert_eq!(r.body["ErrorCode"], 0);
}

fn rate_config(rate: RateLimit) -> EngineConfig {
    EngineConfig {
        message_rate_per_user: rate,
        ..config()
    }
}

#[test]
fn messages_per_user_are_rate_limited_with_10023() {
    let rate = RateLimit {
        burst: 5,
        per_minute: 60,
    };
    let mut sim = Sim::with(rate_config(rate), MemoryStore::new());
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    let mut alice2 = Client::new(2, APP, "alice").on_platform(2);
    alice2.login(&mut sim);
    let mut bob = Client::new(3, APP, "bob");
    bob.login(&mut sim);
    for i in 0..5 {
        let out = alice.send_text(&mut sim, "bob", i, i, "hi");
        assert_eq!(out[0].body["ErrorCode"], 0);
    }
    let out = alice.send_text(&mut sim, "bob", 50, 50, "over");
    assert_eq!(out[0].body["ErrorCode"], codes::SEND_RATE_LIMITED);
    assert_eq!(out.len(), 1, "not stored, not pushed");
    // A resend of a message the server already holds (under a new request
    // seq, as after a re-login) is answered with it, not refused: the
    // client must learn that it arrived.
    let out = alice.send_text(&mut sim, "bob", 0, 0, "hi");
    assert_eq!(out[0].body["ErrorCode"], 0, "{:?}", out[0].body);
    assert!(out[0].body.get("StoredMsg").is_some(), "{:?}", out[0].body);
    // All of the user's instances share the budget; other users have theirs.
    let out = alice2.send_text(&mut sim, "bob", 51, 51, "over");
    assert_eq!(out[0].body["ErrorCode"], codes::SEND_RATE_LIMITED);
    let out = bob.send_text(&mut sim, "alice", 1, 1, "fine");
    assert_eq!(out[0].body["ErrorCode"], 0);
    sim.advance(Duration::from_secs(1));
    let out = alice.send_text(&mut sim, "bob", 52, 52, "refilled");
    assert_eq!(out[0].body["ErrorCode"], 0);
    assert_eq!(
        texts(&bob.getmsg(&mut sim, "").body["MsgList"]).len(),
        6,
        "exactly the accepted messages were stored"
    );
}

#[test]
fn without_auto_creation_messages_to_unknown_users_are_refused_with_20003() {
    let config = EngineConfig {
        auto_create_accounts: false,
        ..config()
    };
    let mut sim = Sim::with(config, MemoryStore::new());
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    let out = alice.send_text(&mut sim, "nobody", 1, 1, "hello?");
    assert_eq!(out[0].body["ErrorCode"], codes::INVALID_ACCOUNT);
    let mut bob = Client::new(2, APP, "bob");
    bob.login(&mut sim);
    let out = alice.send_text(&mut sim, "bob", 2, 2, "hello bob");
    assert_eq!(
        out[0].body["ErrorCode"], 0,
        "a user who logged in has an account"
    );
    // The default keeps creating accounts on first message.
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    let out = alice.send_text(&mut sim, "nobody", 1, 1, "hello?");
    assert_eq!(out[0].body["ErrorCode"], 0);
}
