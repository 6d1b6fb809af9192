//! The reference server's engine under hostile input: arbitrary frames on
//! several connections, valid logins mixed in so deep states are reached,
//! time passing. Nothing may panic, and every output goes to a connection
//! that exists. Shared by the `server_frame` fuzz target and the corpus
//! replay test in `server/tests/fuzz_replay.rs`.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use arbitrary::{Arbitrary, Unstructured};
use serde_json::json;
use tcchat_core::wire::{encode, Head, HeadIdentity};
use tcchat_server::engine::{ConnId, Engine, EngineConfig, Output};
use tcchat_server::store::MemoryStore;
use tcchat_server::{gen_usersig, AppConfig};

const APP: u64 = 1_400_000_000;
const KEY: &str = "fuzz-key";
const T0_MS: u64 = 1_795_628_000_000;

const CMDS: [&str; 9] = [
    "im_open_status.wslogin",
    "im_open_status.wslogout",
    "im_open_status.wshello",
    "heartbeat.alive",
    "openim.sendmsg",
    "openim.getmsg",
    "openim.ws_msg_push_ack",
    "recentcontact.page_get",
    "no.such_cmd",
];

/// One input to the engine.
#[derive(Arbitrary, Debug)]
pub enum Step {
    /// A connection opens with this query selector.
    Connect(u8),
    /// Raw bytes on a connection.
    Raw(u8, Vec<u8>),
    /// A valid login of user `n` on a connection.
    Login(u8, u8),
    /// A well-formed frame with an arbitrary body text.
    Frame {
        conn: u8,
        cmd: u8,
        seq: u8,
        body: String,
        a2: bool,
    },
    /// A send from user `from` to user `to`.
    Send {
        conn: u8,
        from: u8,
        to: u8,
        seq: u16,
    },
    /// A connection closes.
    Disconnect(u8),
    /// Time passes (seconds).
    Advance(u8),
}

/// Run one sequence of steps.
pub fn run_bytes(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let steps: Vec<Step> = u.arbitrary().unwrap_or_default();
    run(steps);
}

/// Run steps; panics on a broken invariant.
pub fn run(steps: Vec<Step>) {
    let config = EngineConfig {
        apps: vec![AppConfig {
            sdk_app_id: APP,
            secret_key: KEY.into(),
        }],
        ..EngineConfig::default()
    };
    let mut engine = Engine::new(config, MemoryStore::new(), 7);
    let start = Instant::now();
    let mut elapsed = Duration::ZERO;
    let mut open: BTreeSet<u64> = BTreeSet::new();
    for step in steps.into_iter().take(200) {
        let now = start + elapsed;
        let unix_ms = T0_MS + elapsed.as_millis() as u64;
        match step {
            Step::Connect(q) => {
                let conn = u64::from(q % 8);
                if open.insert(conn) {
                    let query = match q % 4 {
                        0 => format!("sdkappid={APP}&platform=7&compress=gzip&instanceid=i{q}"),
                        1 => format!("sdkappid={APP}&platform=2"),
                        2 => "sdkappid=1&platform=7".to_owned(),
                        _ => String::from_utf8_lossy(&[q, b'=', q]).into_owned(),
                    };
                    engine.handle_connect(now, unix_ms, ConnId(conn), &query);
                }
            }
            Step::Raw(c, bytes) => {
                engine.handle_frame(now, unix_ms, ConnId(u64::from(c % 8)), &bytes)
            }
            Step::Login(c, user) => {
                let id = format!("u{}", user % 4);
                let sig = gen_usersig(APP, KEY, &id, 3600, unix_ms / 1000);
                let identity = HeadIdentity::UserSig {
                    identifier: id,
                    usersig: sig,
                };
                let head = Head::request(APP, &identity, CMDS[0], u64::from(user), unix_ms / 1000);
                let body =
                    json!({"State": "Online", "is_web_uniapp": 0, "InstType": 0, "CustomInfo": ""});
                engine.handle_frame(
                    now,
                    unix_ms,
                    ConnId(u64::from(c % 8)),
                    &encode(&head, &body),
                );
            }
            Step::Frame {
                conn,
                cmd,
                seq,
                body,
                a2,
            } => {
                let identity = if a2 {
                    HeadIdentity::A2 {
                        a2: "x".into(),
                        tinyid: "144115000000000001".into(),
                        instid: 1,
                    }
                } else {
                    HeadIdentity::Anonymous
                };
                let cmd = CMDS[usize::from(cmd) % CMDS.len()];
                let head = Head::request(APP, &identity, cmd, u64::from(seq), unix_ms / 1000);
                let mut frame = encode(&head, &serde_json::Map::new()).to_vec();
                // Splice the arbitrary body text in place of `{}`.
                frame.truncate(frame.len().saturating_sub(3));
                frame.extend_from_slice(body.as_bytes());
                frame.push(b'}');
                engine.handle_frame(now, unix_ms, ConnId(u64::from(conn % 8)), &frame);
            }
            Step::Send {
                conn,
                from,
                to,
                seq,
            } => {
                let body = json!({"From_Account": format!("u{}", from % 4), "To_Account": format!("u{}", to % 4),
                    "MsgSeq": seq, "MsgRandom": seq, "MsgClientTime": unix_ms / 1000,
                    "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "x"}}]});
                let head = Head::request(
                    APP,
                    &HeadIdentity::Anonymous,
                    CMDS[4],
                    u64::from(seq) + 1000,
                    0,
                );
                engine.handle_frame(
                    now,
                    unix_ms,
                    ConnId(u64::from(conn % 8)),
                    &encode(&head, &body),
                );
            }
            Step::Disconnect(c) => {
                let conn = u64::from(c % 8);
                if open.remove(&conn) {
                    engine.handle_disconnect(now, unix_ms, ConnId(conn));
                }
            }
            Step::Advance(secs) => {
                elapsed += Duration::from_secs(u64::from(secs));
                let now = start + elapsed;
                engine.handle_timeout(now, T0_MS + elapsed.as_millis() as u64);
            }
        }
        while let Some(output) = engine.poll_output() {
            match output {
                Output::Send { conn, frame } => {
                    assert!(
                        open.contains(&conn.0),
                        "frame for unknown connection {conn:?}"
                    );
                    assert!(!frame.is_empty());
                }
                Output::Close { conn, .. } => {
                    if open.remove(&conn.0) {
                        engine.handle_disconnect(now, unix_ms, conn);
                    }
                }
            }
        }
    }
}
