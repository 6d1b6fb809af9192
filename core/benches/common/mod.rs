//! Shared by the core benches: a logged-in [`Client`] driven by a scripted
//! server in virtual time (the same moves as `core/tests/client.rs`), and
//! the frames a real server would send it.

#![allow(dead_code)] // each bench uses a different part

pub mod report;

use std::time::Instant;

use bytes::Bytes;
use serde_json::{json, Value};
use tcchat_core::proto::{MsgElem, MsgPush, PushEvent, WireMessage};
use tcchat_core::wire::{decode, encode, encode_compressed, servcmd, Compression, Frame, Head};
use tcchat_core::{Client, ConnId, Event, Options, Transmit, Tuning};

pub const APP: u64 = 1_400_000_000;
pub const UNIX_MS: u64 = 1_795_628_000_000;
pub const ME: &str = "u1";
pub const PEER: &str = "u2";
pub const MY_TINY_ID: &str = "144115000000000001";
pub const PEER_TINY_ID: &str = "144115000000000002";

/// A client and the one link the scripted server accepted.
pub struct Scripted {
    pub client: Client,
    pub now: Instant,
    pub conn: Option<ConnId>,
    /// Connects the client asked for and the scripted server has not
    /// answered yet.
    pub connects: Vec<ConnId>,
    /// Frames the client sent and nobody answered yet.
    pub sent: Vec<Frame>,
    pub events: Vec<Event>,
}

impl Scripted {
    pub fn new(seed: u64, now: Instant, tuning: Tuning) -> Scripted {
        let mut opts = Options::new(APP).with_proxy_server("ws://127.0.0.1:1");
        opts.tuning = tuning;
        let mut s = Scripted {
            client: Client::new(opts, seed, now, UNIX_MS),
            now,
            conn: None,
            connects: Vec::new(),
            sent: Vec::new(),
            events: Vec::new(),
        };
        s.drain();
        s
    }

    /// A client that is open, logged in as [`ME`] and done with its first
    /// sync, with nothing left to answer.
    pub fn logged_in(seed: u64, now: Instant, tuning: Tuning) -> Scripted {
        let mut s = Scripted::new(seed, now, tuning);
        s.accept();
        s.client.login(s.now, ME, "sig-u1").expect("login accepted");
        s.drain();
        s.answer_all();
        assert!(s.client.is_ready(), "scripted login failed");
        s.events.clear();
        s
    }

    /// Move every pending output of the client into `connects`/`sent`.
    pub fn drain(&mut self) {
        while let Some(t) = self.client.poll_transmit() {
            match t {
                Transmit::Connect { conn, .. } => self.connects.push(conn),
                Transmit::Send { conn, frame } => {
                    if Some(conn) == self.conn {
                        self.sent
                            .push(decode(&frame).expect("client frames decode"));
                    }
                }
                Transmit::Close { conn, .. } => {
                    if Some(conn) == self.conn {
                        self.conn = None;
                    }
                }
            }
        }
        while let Some(e) = self.client.poll_event() {
            self.events.push(e);
        }
        while self.client.poll_completion().is_some() {}
    }

    /// Open the most recent connect.
    pub fn accept(&mut self) {
        let conn = self.connects.pop().expect("a connect was requested");
        self.connects.clear();
        self.conn = Some(conn);
        self.client.handle_connected(self.now, conn);
        self.drain();
    }

    /// Refuse every pending connect (the server is down).
    pub fn refuse(&mut self) {
        for conn in std::mem::take(&mut self.connects) {
            self.client.handle_disconnected(
                self.now,
                conn,
                tcchat_core::DisconnectReason::ConnectFailed("refused".into()),
            );
        }
        self.drain();
    }

    /// Answer every frame sent so far the way a healthy reference server
    /// does (until nothing new needs an answer).
    pub fn answer_all(&mut self) {
        while !self.sent.is_empty() {
            for f in std::mem::take(&mut self.sent) {
                if let Some(body) = answer(&f) {
                    self.deliver(&encode(&f.head, &body));
                }
            }
        }
    }

    pub fn deliver(&mut self, frame: &[u8]) {
        let conn = self.conn.expect("an open link");
        self.client.handle_frame(self.now, conn, frame);
        self.drain();
    }
}

/// The body a healthy server answers `f` with, or `None` for one-way frames.
pub fn answer(f: &Frame) -> Option<Value> {
    let ok = || json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""});
    let mut body = ok();
    match f.head.servcmd.as_str() {
        servcmd::LOGIN => {
            body["A2Key"] = json!("a2-1");
            body["TinyId"] = json!(MY_TINY_ID);
            body["HelloInterval"] = json!(120);
            body["InstId"] = json!(5);
            body["TimeStamp"] = json!(UNIX_MS / 1000);
        }
        servcmd::GET_MSG => {
            body["Cookie"] = json!("ck1");
            body["SyncFlag"] = json!(2);
            body["MsgList"] = json!([]);
        }
        servcmd::SEND_C2C => {
            body["MsgTime"] = json!(UNIX_MS / 1000);
            body["MsgKey"] = json!(format!("k{}", f.head.seq));
        }
        servcmd::PUSH_ACK => return None,
        _ => {}
    }
    Some(body)
}

/// The `msg_push` body the reference server sends for one C2C text message
/// from [`PEER`] to [`ME`] (`engine/messaging.rs`: one event, `NeedAck`,
/// the inbox cookie as `SessionData`).
pub fn push_body(random: u64, text: &str) -> MsgPush {
    let content = serde_json::value::to_raw_value(&json!({ "Text": text })).expect("json");
    MsgPush {
        event_array: vec![PushEvent {
            event: 1,
            c2c_msg_array: Some(vec![WireMessage {
                from_account: PEER.into(),
                to_account: ME.into(),
                msg_seq: 1_000_000 + random,
                msg_random: random,
                msg_time_stamp: UNIX_MS / 1000 + 6,
                msg_client_time: UNIX_MS / 1000 + 6,
                tiny_id: PEER_TINY_ID.into(),
                msg_key: format!("{}_{random}_{}", 1_000_000 + random, UNIX_MS / 1000 + 6),
                msg_body: vec![MsgElem {
                    msg_type: "TIMTextElem".into(),
                    msg_content: content,
                }],
                ..Default::default()
            }]),
            c2c_notify_msg_array: None,
            ..Default::default()
        }],
        need_ack: 1,
        session_data: format!("1795628000.{}", 4_000 + random),
    }
}

/// A push frame as the server encodes it (`Head::push` with the app set).
pub fn push_frame(random: u64, text: &str, gzip: bool) -> Bytes {
    let mut head = Head::push(servcmd::MSG_PUSH, 10_000 + random);
    head.sdkappid = APP;
    let body = push_body(random, text);
    if gzip {
        encode_compressed(&head, &body, Compression::Gzip)
    } else {
        encode(&head, &body)
    }
}

/// `n` distinct push frames (distinct `MsgRandom`, so none is a duplicate
/// of another as long as the client's cache has evicted it before reuse).
pub fn push_frames(n: usize, text: &str, gzip: bool) -> Vec<Bytes> {
    (0..n as u64)
        .map(|i| push_frame(i * 7919 + 1, &format!("{text} #{i}"), gzip))
        .collect()
}

/// A short chat line, and one long enough (> 1 KiB frame) that the
/// reference server sends it as `COMP`+gzip.
pub const SHORT_TEXT: &str = "Hello world! Are we still on for lunch tomorrow?";

pub fn long_text() -> String {
    "The quick brown fox jumps over the lazy dog; ".repeat(28)
}
