//! Hostile input, in virtual time: every bad UserSig, the REST admin API's
//! refusals, login rate limits and the per-address connection cap.

mod common;

use std::io::Write;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use common::*;
use serde_json::{json, Value};
use tcchat_server::engine::{
    AdminAuth, AdminError, ConnId, EngineConfig, Output, RateLimit, RestRequest, KICK_PATH,
};
use tcchat_server::store::MemoryStore;
use tcchat_server::{codes, gen_usersig};

// ---------------------------------------------------------------- UserSigs

/// Tencent's sig alphabet from standard base64.
fn to_sig_alphabet(b64: &str) -> String {
    b64.replace('+', "*").replace('/', "-").replace('=', "_")
}

fn zlib(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// The JSON document inside a sig.
fn sig_json(sig: &str) -> Value {
    let b64 = sig.replace('*', "+").replace('-', "/").replace('_', "=");
    let compressed = STANDARD.decode(b64).unwrap();
    let mut out = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::ZlibDecoder::new(&compressed[..]),
        &mut out,
    )
    .unwrap();
    serde_json::from_slice(&out).unwrap()
}

fn sig_from_json(doc: &Value) -> String {
    to_sig_alphabet(&STANDARD.encode(zlib(doc.to_string().as_bytes())))
}

/// Log in as alice with `sig` on a fresh socket; returns the reply body.
fn login_alice_with(sig: &str) -> Value {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    alice.connect(&mut sim);
    let reply = alice.login_with(&mut sim, sig);
    assert!(!sim.engine.is_logged_in(ConnId(1)));
    assert_eq!(reply.body["ActionStatus"], "FAIL");
    assert!(reply.body.get("A2Key").is_none());
    reply.body
}

fn now_s() -> u64 {
    T0_MS / 1000
}

#[test]
fn usersig_with_a_tampered_hmac_gets_70009() {
    let mut doc = sig_json(&gen_usersig(APP, KEY, "alice", 86_400, now_s()));
    // Extend its life without re-signing.
    doc["TLS.expire"] = json!(86_400 * 365);
    assert_eq!(login_alice_with(&sig_from_json(&doc))["ErrorCode"], 70009);
    // A flipped signature byte too.
    let mut doc = sig_json(&gen_usersig(APP, KEY, "alice", 86_400, now_s()));
    let sig = doc["TLS.sig"].as_str().unwrap().to_owned();
    let flipped = if sig.starts_with('A') { "B" } else { "A" };
    doc["TLS.sig"] = json!(format!("{flipped}{}", &sig[1..]));
    assert_eq!(login_alice_with(&sig_from_json(&doc))["ErrorCode"], 70009);
}

#[test]
fn usersig_signed_with_another_key_gets_70009() {
    let sig = gen_usersig(APP, "another-key", "alice", 86_400, now_s());
    assert_eq!(login_alice_with(&sig)["ErrorCode"], 70009);
}

#[test]
fn usersig_for_another_sdkappid_gets_70014() {
    let sig = gen_usersig(APP2, KEY, "alice", 86_400, now_s());
    assert_eq!(login_alice_with(&sig)["ErrorCode"], 70014);
}

#[test]
fn usersig_for_another_identifier_gets_70013() {
    let sig = gen_usersig(APP, KEY, "mallory", 86_400, now_s());
    assert_eq!(login_alice_with(&sig)["ErrorCode"], 70013);
}

#[test]
fn expired_usersig_gets_70001() {
    let sig = gen_usersig(APP, KEY, "alice", 60, now_s() - 61);
    assert_eq!(login_alice_with(&sig)["ErrorCode"], 70001);
}

#[test]
fn empty_usersig_gets_70002() {
    assert_eq!(login_alice_with("")["ErrorCode"], 70002);
}

#[test]
fn usersig_that_is_not_base64_gets_70003() {
    assert_eq!(login_alice_with("!!not base64!!")["ErrorCode"], 70003);
}

#[test]
fn usersig_that_is_not_zlib_gets_70003() {
    let sig = to_sig_alphabet(&STANDARD.encode(b"this is not a zlib stream"));
    assert_eq!(login_alice_with(&sig)["ErrorCode"], 70003);
}

#[test]
fn usersig_that_is_not_json_gets_70003() {
    let sig = to_sig_alphabet(&STANDARD.encode(zlib(b"{not json")));
    assert_eq!(login_alice_with(&sig)["ErrorCode"], 70003);
}

#[test]
fn usersig_missing_a_field_gets_70003() {
    let mut doc = sig_json(&gen_usersig(APP, KEY, "alice", 86_400, now_s()));
    doc.as_object_mut().unwrap().remove("TLS.time");
    assert_eq!(login_alice_with(&sig_from_json(&doc))["ErrorCode"], 70003);
}

#[test]
fn huge_usersig_gets_70003_without_being_decoded() {
    // Over the 8 KiB UserSig limit, under the 64 KiB frame limit before
    // login (a larger frame closes the socket: `engine_budgets.rs`).
    let sig = "A".repeat(32 * 1024);
    let body = login_alice_with(&sig);
    assert_eq!(body["ErrorCode"], 70003);
    assert!(body["ErrorInfo"]
        .as_str()
        .unwrap()
        .contains("over the limit"));
}

#[test]
fn usersig_that_inflates_into_a_bomb_gets_70003() {
    let sig = to_sig_alphabet(&STANDARD.encode(zlib(&vec![b' '; 1 << 20])));
    assert!(sig.len() < 8 * 1024, "small on the wire");
    assert_eq!(login_alice_with(&sig)["ErrorCode"], 70003);
}

// ---------------------------------------------------------------- REST

fn admin_query(app: u64, admin: &str, sig: &str) -> String {
    format!("sdkappid={app}&identifier={admin}&usersig={sig}&random=42&contenttype=json")
}

fn admin_sig(sim: &Sim, admin: &str) -> String {
    gen_usersig(APP, KEY, admin, 3600, sim.unix_s())
}

/// Call the REST API; returns (HTTP status, body JSON, frames it pushed).
fn rest(
    sim: &mut Sim,
    method: &str,
    path: &str,
    query: &str,
    body: &str,
) -> (u16, Value, Vec<Msg>) {
    rest_from(sim, method, path, query, body, None)
}

fn rest_from(
    sim: &mut Sim,
    method: &str,
    path: &str,
    query: &str,
    body: &str,
    ip: Option<[u8; 4]>,
) -> (u16, Value, Vec<Msg>) {
    let req = RestRequest {
        method,
        path,
        query,
        body: body.as_bytes(),
        peer: ip.map(std::net::IpAddr::from),
    };
    let (now, ms) = (sim.now(), sim.unix_ms());
    let resp = sim.engine.handle_rest(now, ms, &req);
    let json: Value = serde_json::from_str(&resp.body).unwrap();
    assert_eq!(json["ErrorCode"], resp.error_code);
    let pushed = frames(&sim.drain());
    (resp.status, json, pushed)
}

fn kick(sim: &mut Sim, query: &str, user: &str) -> (u16, Value, Vec<Msg>) {
    let body = json!({ "UserID": user }).to_string();
    rest(sim, "POST", KICK_PATH, query, &body)
}

#[test]
fn rest_kick_sends_kick_type_3_to_every_session_of_the_user() {
    let mut sim = Sim::new();
    let mut web = Client::new(1, APP, "alice");
    web.login(&mut sim);
    let mut phone = Client::new(2, APP, "alice").on_platform(3);
    phone.login(&mut sim);
    let mut bob = Client::new(3, APP, "bob");
    bob.login(&mut sim);
    let q = admin_query(APP, "administrator", &admin_sig(&sim, "administrator"));
    let (status, body, pushed) = kick(&mut sim, &q, "alice");
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""})
    );
    let mut conns: Vec<u64> = pushed.iter().map(|m| m.conn.0).collect();
    conns.sort_unstable();
    assert_eq!(conns, [1, 2], "both of alice's sessions, not bob's");
    for m in &pushed {
        assert_eq!(m.head.servcmd, "im_open_status.stat_forceoffline");
        assert_eq!(
            m.raw_body,
            r#"{"EventArray":[{"Event":9,"C2cNotifyMsgArray":[{"KickoutMsgNotify":{"KickType":3,"NewInstInfo":{}}}]}]}"#
        );
    }
    assert_eq!(sim.engine.online_count(APP, "alice"), 0);
    assert_eq!(sim.engine.online_count(APP, "bob"), 1);
    // Their sessions are over.
    web.conn = 4;
    sim.connect_app(4, APP);
    let again = web.relogin(&mut sim);
    assert_eq!(again.body["ErrorCode"], codes::KICKED_OUT);
    assert_eq!(again.body["KickType"], 3);
    // Kicking a user with no sessions is fine; an unknown user is 70107.
    let (_, body, pushed) = kick(&mut sim, &q, "alice");
    assert_eq!(body["ErrorCode"], 0);
    assert!(pushed.is_empty());
    let (_, body, _) = kick(&mut sim, &q, "nobody");
    assert_eq!(body["ErrorCode"], 70107);
}

#[test]
fn rest_kick_by_a_non_admin_is_refused_with_70403() {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    // bob has a perfectly valid UserSig, but is no administrator.
    let q = admin_query(APP, "bob", &admin_sig(&sim, "bob"));
    let (status, body, pushed) = kick(&mut sim, &q, "alice");
    assert_eq!(status, 200);
    assert_eq!(body["ErrorCode"], 70403);
    assert_eq!(body["ActionStatus"], "FAIL");
    assert!(pushed.is_empty());
    assert_eq!(sim.engine.online_count(APP, "alice"), 1);
}

#[test]
fn rest_kick_with_a_bad_or_expired_admin_sig_is_refused() {
    let mut sim = Sim::new();
    let mut alice = Client::new(1, APP, "alice");
    alice.login(&mut sim);
    let cases = [
        (
            gen_usersig(APP, "wrong-key", "administrator", 3600, sim.unix_s()),
            70009,
        ),
        (
            gen_usersig(APP, KEY, "administrator", 60, sim.unix_s() - 120),
            70001,
        ),
        (
            gen_usersig(APP, KEY, "someone-else", 3600, sim.unix_s()),
            70013,
        ),
        (
            gen_usersig(APP2, KEY, "administrator", 3600, sim.unix_s()),
            70014,
        ),
        ("garbage".to_owned(), 70003),
        (String::new(), 70002),
    ];
    for (sig, code) in cases {
        let (_, body, pushed) = kick(&mut sim, &admin_query(APP, "administrator", &sig), "alice");
        assert_eq!(body["ErrorCode"], code, "{sig:?}: {body}");
        assert!(pushed.is_empty());
    }
    assert_eq!(sim.engine.online_count(APP, "alice"), 1);
}

#[test]
fn rest_requests_that_are_malformed_get_tencent_rest_codes() {
    let mut sim = Sim::new();
    let good = admin_query(APP, "administrator", &admin_sig(&sim, "administrator"));
    let user = json!({"UserID": "alice"}).to_string();
    let sig = admin_sig(&sim, "administrator");
    let cases: Vec<(&str, &str, String, String, u16, u32)> = vec![
        (
            "POST",
            "/v4/im_open_login_svc/nope",
            good.clone(),
            user.clone(),
            404,
            60009,
        ),
        ("GET", KICK_PATH, good.clone(), user.clone(), 405, 60002),
        (
            "POST",
            KICK_PATH,
            format!("identifier=administrator&usersig={sig}"),
            user.clone(),
            200,
            60012,
        ),
        (
            "POST",
            KICK_PATH,
            format!("sdkappid=x&identifier=administrator&usersig={sig}"),
            user.clone(),
            200,
            60012,
        ),
        (
            "POST",
            KICK_PATH,
            format!("sdkappid={APP}&usersig={sig}"),
            user.clone(),
            200,
            60004,
        ),
        (
            "POST",
            KICK_PATH,
            format!("sdkappid={APP}&identifier=administrator"),
            user.clone(),
            200,
            60004,
        ),
        (
            "POST",
            KICK_PATH,
            admin_query(999, "administrator", &sig),
            user.clone(),
            200,
            70020,
        ),
        (
            "POST",
            KICK_PATH,
            good.clone(),
            "{not json".into(),
            200,
            60003,
        ),
        ("POST", KICK_PATH, good.clone(), "{}".into(), 200, 70402),
        (
            "POST",
            KICK_PATH,
            good.clone(),
            r#"{"UserID":7}"#.into(),
            200,
            70402,
        ),
        (
            "POST",
            KICK_PATH,
            good.clone(),
            r#"{"UserID":""}"#.into(),
            200,
            70402,
        ),
        (
            "POST",
            KICK_PATH,
            good.clone(),
            json!({"UserID": "u".repeat(300)}).to_string(),
            200,
            70402,
        ),
        (
            "POST",
            KICK_PATH,
            good.clone(),
            "x".repeat(65 * 1024),
            413,
            60002,
        ),
    ];
    for (method, path, query, body, status, code) in cases {
        let (got_status, got, _) = rest(&mut sim, method, path, &query, &body);
        assert_eq!(
            (got_status, &got["ErrorCode"]),
            (status, &json!(code)),
            "{method} {path}?{query} {}: {got}",
            &body[..body.len().min(40)]
        );
        assert_eq!(got["ActionStatus"], "FAIL");
        assert!(!got["ErrorInfo"].as_str().unwrap().is_empty());
    }
}

#[test]
fn admins_are_configurable_per_app() {
    let sim = Sim::with(
        EngineConfig {
            admins: vec!["ops".into()],
            app_admins: vec![(APP2, vec!["root".into()])],
            ..config()
        },
        MemoryStore::new(),
    );
    let now = sim.unix_s();
    let auth = |app: u64, who: &str| AdminAuth {
        sdk_app_id: app,
        identifier: who.into(),
        usersig: gen_usersig(app, key_of(app), who, 3600, now),
    };
    let ms = sim.unix_ms();
    assert!(sim.engine.check_admin(ms, &auth(APP, "ops")).is_ok());
    assert_eq!(
        sim.engine.check_admin(ms, &auth(APP, "administrator")),
        Err(AdminError::NotAdmin("administrator".into()))
    );
    assert!(sim.engine.check_admin(ms, &auth(APP2, "root")).is_ok());
    assert_eq!(
        sim.engine
            .check_admin(ms, &auth(APP2, "ops"))
            .unwrap_err()
            .code(),
        70403
    );
}

// ---------------------------------------------------------------- limits

fn limited(per_ip: RateLimit, per_user: RateLimit) -> Sim {
    Sim::with(
        EngineConfig {
            login_rate_per_ip: per_ip,
            login_rate_per_user: per_user,
            ..config()
        },
        MemoryStore::new(),
    )
}

#[test]
fn login_attempts_per_ip_are_rate_limited_in_virtual_time() {
    let mut sim = limited(
        RateLimit {
            burst: 3,
            per_minute: 60,
        },
        RateLimit::UNLIMITED,
    );
    let ip = [10, 0, 0, 1];
    let attempt = |sim: &mut Sim, conn: u64, user: &str, sig: Option<&str>| {
        sim.connect_from(conn, &connect_query(conn, APP, 7), ip);
        let mut c = Client::new(conn, APP, user);
        let sig = sig.map_or_else(|| c.sig(sim.unix_s()), str::to_owned);
        c.login_with(sim, &sig).body
    };
    // Failed attempts count.
    assert_eq!(
        attempt(&mut sim, 1, "a", Some("garbage"))["ErrorCode"],
        70003
    );
    assert_eq!(attempt(&mut sim, 2, "b", None)["ErrorCode"], 0);
    assert_eq!(attempt(&mut sim, 3, "c", None)["ErrorCode"], 0);
    let refused = attempt(&mut sim, 4, "d", None);
    assert_eq!(refused["ErrorCode"], codes::LOGIN_RATE_LIMITED);
    assert!(refused["ErrorInfo"]
        .as_str()
        .unwrap()
        .contains("retry in 1 s"));
    // Another address is not affected; a socket of unknown address neither.
    sim.connect_from(5, &connect_query(5, APP, 7), [10, 0, 0, 2]);
    let mut e = Client::new(5, APP, "e");
    let sig = e.sig(sim.unix_s());
    assert_eq!(e.login_with(&mut sim, &sig).body["ErrorCode"], 0);
    // One token a second comes back.
    sim.advance(Duration::from_millis(999));
    assert_eq!(attempt(&mut sim, 6, "f", None)["ErrorCode"], 70050);
    sim.advance(Duration::from_millis(1));
    assert_eq!(attempt(&mut sim, 7, "g", None)["ErrorCode"], 0);
    assert_eq!(attempt(&mut sim, 8, "h", None)["ErrorCode"], 70050);
}

#[test]
fn usersig_logins_per_user_are_rate_limited_but_failures_and_a2_relogins_are_not() {
    let mut sim = limited(
        RateLimit::UNLIMITED,
        RateLimit {
            burst: 2,
            per_minute: 6,
        },
    );
    // Someone failing in alice's name cannot lock her out.
    for conn in 100..120 {
        let mut mallory = Client::new(conn, APP, "alice");
        mallory.connect(&mut sim);
        assert_eq!(
            mallory.login_with(&mut sim, "garbage").body["ErrorCode"],
            70003
        );
    }
    let mut a1 = Client::new(1, APP, "alice");
    a1.login(&mut sim);
    let mut a2 = Client::new(2, APP, "alice").on_platform(2);
    a2.login(&mut sim);
    let mut a3 = Client::new(3, APP, "alice").on_platform(4);
    a3.connect(&mut sim);
    let sig = a3.sig(sim.unix_s());
    let refused = a3.login_with(&mut sim, &sig);
    assert_eq!(refused.body["ErrorCode"], codes::LOGIN_RATE_LIMITED);
    assert!(refused.body["ErrorInfo"]
        .as_str()
        .unwrap()
        .contains("this user"));
    // Other users are not affected.
    Client::new(4, APP, "bob").login(&mut sim);
    // Re-logins with an A2 do not count.
    for conn in 10..20 {
        a1.conn = conn;
        sim.connect_app(conn, APP);
        assert_eq!(a1.relogin(&mut sim).body["ErrorCode"], 0);
    }
    // 10 s later one more UserSig login is allowed.
    sim.advance(Duration::from_secs(10));
    let sig = a3.sig(sim.unix_s());
    assert_eq!(a3.login_with(&mut sim, &sig).body["ErrorCode"], 0);
}

#[test]
fn rest_calls_per_ip_are_rate_limited_with_60007() {
    let mut sim = limited(
        RateLimit {
            burst: 2,
            per_minute: 60,
        },
        RateLimit::UNLIMITED,
    );
    let q = admin_query(APP, "administrator", &admin_sig(&sim, "administrator"));
    let body = json!({"UserID": "nobody"}).to_string();
    let ip = Some([10, 0, 0, 9]);
    for _ in 0..2 {
        let (_, got, _) = rest_from(&mut sim, "POST", KICK_PATH, &q, &body, ip);
        assert_eq!(got["ErrorCode"], 70107);
    }
    let (_, got, _) = rest_from(&mut sim, "POST", KICK_PATH, &q, &body, ip);
    assert_eq!(got["ErrorCode"], codes::REST_RATE_LIMITED);
    sim.advance(Duration::from_secs(1));
    let (_, got, _) = rest_from(&mut sim, "POST", KICK_PATH, &q, &body, ip);
    assert_eq!(got["ErrorCode"], 70107);
}

#[test]
fn connections_per_ip_are_capped_with_1013() {
    let mut sim = Sim::with(
        EngineConfig {
            max_conns_per_ip: 2,
            ..config()
        },
        MemoryStore::new(),
    );
    let ip = [192, 168, 1, 7];
    assert!(sim.connect_from(1, "sdkappid=1400000000", ip).is_empty());
    assert!(sim.connect_from(2, "sdkappid=1400000000", ip).is_empty());
    let out = sim.connect_from(3, "sdkappid=1400000000", ip);
    match &out[..] {
        [Output::Close { conn, code, reason }] => {
            assert_eq!(*conn, ConnId(3));
            assert_eq!(*code, codes::CLOSE_TRY_AGAIN_LATER);
            assert!(reason.contains("too many connections"), "{reason}");
        }
        other => panic!("expected a close, got {other:?}"),
    }
    assert_eq!(sim.engine.connection_count(), 2);
    // The refused connection was never registered: its disconnect is a no-op.
    sim.disconnect(3);
    assert_eq!(sim.engine.connection_count(), 2);
    // Other addresses are independent; a closed connection frees its slot.
    assert!(sim.connect_from(4, "", [192, 168, 1, 8]).is_empty());
    sim.disconnect(1);
    assert!(sim.connect_from(5, "", ip).is_empty());
    // A connection closed by the engine (login deadline) frees it too.
    sim.advance(Duration::from_secs(30));
    assert_eq!(sim.engine.connection_count(), 0);
    assert!(sim.connect_from(6, "", ip).is_empty());
    assert!(sim.connect_from(7, "", ip).is_empty());
}

#[test]
fn logins_over_the_server_rate_are_spread_with_retry_hints() {
    let mut sim = Sim::with(
        EngineConfig {
            login_rate_total: RateLimit {
                burst: 2,
                per_minute: 600,
            },
            ..config()
        },
        MemoryStore::new(),
    );
    let attempt = |sim: &mut Sim, conn: u64| {
        sim.connect(conn, &connect_query(conn, APP, 7));
        let mut c = Client::new(conn, APP, &format!("u{conn}"));
        let sig = c.sig(sim.unix_s());
        c.login_with(sim, &sig).body
    };
    assert_eq!(attempt(&mut sim, 1)["ErrorCode"], 0);
    assert_eq!(attempt(&mut sim, 2)["ErrorCode"], 0);
    // A herd: each refused login is told a later slot, 100 ms apart.
    let hints: Vec<u64> = (3..8)
        .map(|conn| {
            let refused = attempt(&mut sim, conn);
            assert_eq!(refused["ErrorCode"], codes::LOGIN_RATE_LIMITED);
            refused["RetryAfterMs"].as_u64().expect("a retry hint")
        })
        .collect();
    assert_eq!(hints, [100, 200, 300, 400, 500]);
    // Coming back at its slot, each gets in.
    let mut waited = 0;
    for (conn, hint) in (10..15).zip(hints) {
        sim.advance(Duration::from_millis(hint - waited));
        waited = hint;
        assert_eq!(attempt(&mut sim, conn)["ErrorCode"], 0, "slot {hint} ms");
    }
}
