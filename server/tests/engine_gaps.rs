//! The four correctness gaps of issue 14 (§5), each driven through the
//! sans-IO engine: a cookie that names a position beyond the inbox head or
//! another user's inbox, a resend cache one user could flush for everyone,
//! user IDs over 256 bytes at login, and dedup keys that ignored the
//! recipient and the content.

mod common;

use common::*;
use serde_json::json;
use tcchat_server::codes;
use tcchat_server::engine::ConnId;

/// The same cookie with its position (the last `.`-separated part)
/// replaced by `pos`.
fn with_position(cookie: &str, pos: u64) -> String {
    let (prefix, _) = cookie.rsplit_once('.').expect("a cookie of this server");
    format!("{prefix}.{pos}")
}

#[test]
fn a_cookie_beyond_the_inbox_head_does_not_skip_later_messages() {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    let mut bob = Client::new(2, APP, "bob");
    bob.login(&mut sim);
    alice.send_text(&mut sim, "bob", 1, 1, "first");
    let cookie = bob.getmsg(&mut sim, "").body["Cookie"]
        .as_str()
        .unwrap()
        .to_owned();
    // Bob edits his cookie to a position far past his inbox head.
    let far = with_position(&cookie, 1_000_000);
    assert_eq!(bob.getmsg(&mut sim, &far).body["ErrorCode"], 0);
    sim.disconnect(2);
    for i in 0..5 {
        alice.send_text(&mut sim, "bob", 10 + i, 10 + i, &format!("offline {i}"));
    }
    let mut bob = Client::new(3, APP, "bob");
    bob.login(&mut sim);
    let sync = bob.getmsg(&mut sim, "");
    assert_eq!(
        texts(&sync.body["MsgList"]),
        (0..5).map(|i| format!("offline {i}")).collect::<Vec<_>>(),
        "every message that arrived later is synced"
    );
}

#[test]
fn another_users_cookie_is_refused_with_a_code() {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    let mut bob = Client::new(2, APP, "bob");
    bob.login(&mut sim);
    for i in 0..3 {
        bob.send_text(&mut sim, "alice", i + 1, i + 1, "to alice");
    }
    let alices = alice.getmsg(&mut sim, "").body["Cookie"]
        .as_str()
        .unwrap()
        .to_owned();
    alice.send_text(&mut sim, "bob", 9, 9, "to bob");
    let reply = bob.getmsg(&mut sim, &alices);
    assert_eq!(
        reply.body["ErrorCode"],
        codes::INVALID_PARAMETER,
        "{}",
        reply.body
    );
    assert!(reply.body.get("MsgList").is_none());
    // Bob's own sync is untouched.
    assert_eq!(texts(&bob.getmsg(&mut sim, "").body["MsgList"]), ["to bob"]);
    // Alice's own cookie still works for her.
    assert_eq!(alice.getmsg(&mut sim, &alices).body["ErrorCode"], 0);
}

#[test]
fn one_users_requests_do_not_evict_another_users_kept_replies() {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    let mut mallory = Client::new(2, APP, "mallory");
    mallory.login(&mut sim);
    let create = json!({"From_Account": "alice", "GroupContactItem": [
        {"GroupName": "Work", "ContactItem": [{"Type": 1, "To_Account": "bob"}]}]});
    let first = alice.reply(
        &mut sim,
        "recentcontact.create_contact_group",
        create.clone(),
    );
    assert_eq!(first.body["ErrorCode"], 0, "{}", first.body);
    // 5,000 state-changing requests of another user.
    for i in 0..5000u64 {
        let body = json!({"From_Account": "mallory", "OperationType": 1 + i % 2,
            "RecentContactItem": [{"Type": 1, "To_Account": "bob"}]});
        let r = mallory.reply(&mut sim, "recentcontact.top", body);
        assert_eq!(r.body["ErrorCode"], 0);
    }
    // Alice's resend (same seq, after a lost reply) gets her first reply.
    alice.seq -= 1;
    let again = alice.reply(&mut sim, "recentcontact.create_contact_group", create);
    assert_eq!(again.raw_body, first.raw_body);
}

#[test]
fn a_user_id_over_256_bytes_cannot_log_in() {
    let mut sim = Sim::new();
    for len in [257, 7000] {
        let user = "u".repeat(len);
        let mut c = Client::new(len as u64, APP, &user);
        c.connect(&mut sim);
        let sig = c.sig(sim.unix_s());
        let reply = c.login_with(&mut sim, &sig);
        assert_eq!(reply.body["ErrorCode"], codes::INVALID_ACCOUNT, "{len}");
        assert!(!sim.engine.is_logged_in(ConnId(len as u64)));
    }
    let mut ok = Client::new(1, APP, &"u".repeat(256));
    ok.login(&mut sim);
}

#[test]
fn a_message_key_names_sender_recipient_seq_and_random() {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    let mut bob = Client::new(2, APP, "bob");
    bob.login(&mut sim);
    let mut carol = Client::new(3, APP, "carol");
    carol.login(&mut sim);
    let out = alice.send_text(&mut sim, "bob", 7, 7, "hello bob");
    assert_eq!(out[0].body["ErrorCode"], 0);
    // Same sender, MsgSeq and MsgRandom, another recipient: another
    // message, stored and delivered.
    let out = alice.send_text(&mut sim, "carol", 7, 7, "hello carol");
    assert_eq!(out[0].body["ErrorCode"], 0, "{}", out[0].body);
    assert!(
        out[0].body.get("StoredMsg").is_none(),
        "a new message, not a resend: {}",
        out[0].body
    );
    assert!(
        out.iter().any(|o| o.conn == ConnId(3)),
        "pushed to carol: {out:?}"
    );
    assert_eq!(
        texts(&carol.getmsg(&mut sim, "").body["MsgList"]),
        ["hello carol"]
    );
    // Same full key, other text: refused, nothing stored or pushed.
    let out = alice.send_text(&mut sim, "bob", 7, 7, "something else");
    assert_eq!(
        out[0].body["ErrorCode"],
        codes::INVALID_PARAMETER,
        "{}",
        out[0].body
    );
    assert_eq!(out.len(), 1, "nothing pushed");
    let out = alice.send_text(&mut sim, "carol", 7, 7, "something else");
    assert_eq!(out[0].body["ErrorCode"], codes::INVALID_PARAMETER);
    // A true resend to either is still answered with its first reply.
    for (to, text) in [("bob", "hello bob"), ("carol", "hello carol")] {
        let out = alice.send_text(&mut sim, to, 7, 7, text);
        assert_eq!(out[0].body["ErrorCode"], 0);
        assert_eq!(texts(&json!([out[0].body["StoredMsg"]])), [text]);
        assert_eq!(out.len(), 1, "a resend is not pushed again");
    }
    assert_eq!(
        texts(&bob.getmsg(&mut sim, "").body["MsgList"]),
        ["hello bob"]
    );
}

/// #14, RSS after a flood: the per-connection tables give back the room a
/// burst of 2,000 sockets (here from 2,000 addresses, each sending a
/// frame) made once they are gone.
#[test]
fn a_burst_of_connections_leaves_no_room_behind() {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    let query = connect_query(0, APP, 7);
    for i in 0..2000u64 {
        let ip = [10, 1, (i >> 8) as u8, i as u8];
        sim.connect_from(100 + i, &query, ip);
    }
    let grown = sim.engine.connection_room();
    assert!(grown >= 2001, "room for {grown}");
    for i in 0..2000u64 {
        sim.disconnect(100 + i);
    }
    let room = sim.engine.connection_room();
    assert!(
        room <= 128,
        "room for {room} connections after 2,000 of 2,001 closed"
    );
    assert!(sim.engine.is_logged_in(ConnId(1)), "the user stays");
}
