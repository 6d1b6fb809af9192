//! The client core driven by an arbitrary sequence of inputs, checking its
//! invariants after every step. Shared by the `client_core` fuzz target and
//! the corpus replay test in `core/tests/fuzz_replay.rs`.

use std::time::{Duration, Instant};

use arbitrary::Arbitrary;
use serde_json::{json, Value};
use tcchat_core::model::CreateTextMessageOptions;
use tcchat_core::types::NetState;
use tcchat_core::wire::{decode, encode, servcmd, Head};
use tcchat_core::{Client, ConnId, DisconnectReason, Event, Options, Transmit};

/// One input to the client.
#[derive(Arbitrary, Debug)]
pub enum Step {
    /// Let time pass, in milliseconds (up to about a minute).
    Advance(u16),
    /// The pending connect succeeds.
    Open,
    /// The pending connect fails, or the open link drops.
    Drop,
    /// Raw bytes arrive.
    Raw(Vec<u8>),
    /// A reply to the newest request of one servcmd.
    Reply { cmd: u8, code: u8, body: u8 },
    /// A push.
    Push { kind: u8, count: u8, seq: u8 },
    /// User commands.
    Login(bool),
    /// `logout`.
    Logout,
    /// `destroy`.
    Destroy,
    /// `create_text_message` + `send_message`.
    Send(u8),
}

const CMDS: [&str; 6] = [
    servcmd::LOGIN,
    servcmd::GET_MSG,
    servcmd::SEND_C2C,
    servcmd::LOGOUT,
    servcmd::HELLO,
    servcmd::ALIVE,
];

const CODES: [u32; 6] = [0, 70001, 20002, 1002, 70101, 10003];

fn wire_msg(n: u8) -> Value {
    json!({"From_Account": "u2", "To_Account": "u1", "MsgSeq": n, "MsgRandom": u32::from(n) * 7,
           "MsgTimeStamp": 1_795_628_806u64, "MsgClientTime": 1_795_628_806u64, "TinyId": "2",
           "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": format!("m{n}")}}]})
}

struct World {
    client: Client,
    now: Instant,
    open: Option<ConnId>,
    pending_connect: Option<ConnId>,
    sent: Vec<(String, u64)>,
    destroyed_seen: bool,
    last_ready: Option<bool>,
    last_net: NetState,
}

impl World {
    fn drain(&mut self) {
        while let Some(t) = self.client.poll_transmit() {
            match t {
                Transmit::Connect { conn, url } => {
                    assert!(url.contains("/binfo?sdkappid="));
                    self.pending_connect = Some(conn);
                }
                Transmit::Send { conn, frame } => {
                    assert_eq!(Some(conn), self.open, "sent on a link that is not open");
                    let f = decode(&frame).expect("the client's own frames decode");
                    f.verify_checksum()
                        .expect("the client's own checksums are right");
                    self.sent.push((f.head.servcmd, f.head.seq));
                }
                Transmit::Close { conn, .. } => {
                    if self.open == Some(conn) {
                        self.open = None;
                    }
                }
            }
        }
        while let Some(event) = self.client.poll_event() {
            assert!(!self.destroyed_seen, "event after SDK_DESTROY: {event:?}");
            match event {
                Event::SdkReady => {
                    assert_ne!(self.last_ready, Some(true), "SDK_READY twice");
                    self.last_ready = Some(true);
                }
                Event::SdkNotReady => {
                    assert_eq!(
                        self.last_ready,
                        Some(true),
                        "SDK_NOT_READY without SDK_READY"
                    );
                    self.last_ready = Some(false);
                }
                Event::NetStateChange { state, .. } => {
                    assert_ne!(state, self.last_net, "NET_STATE repeated");
                    self.last_net = state;
                }
                Event::SdkDestroy { .. } => self.destroyed_seen = true,
                _ => {}
            }
        }
        while self.client.poll_completion().is_some() {}
        let tuning = &self.client.options().tuning;
        // User requests are capped; the SDK's own add at most one each of
        // re-login, sync page, hello, logout, conversation list page,
        // conversation group page, purchase bits, my profile, friend list
        // page, added friends' fetch and friend applications.
        assert!(self.client.pending_requests() <= tuning.max_pending_requests + 11);
        assert!(self.client.cached_messages() <= tuning.max_cached_messages);
        if self.client.pending_requests() > 0 && !self.client.is_destroyed() {
            assert!(
                self.client.poll_timeout().is_some(),
                "pending work without a deadline"
            );
        }
    }

    fn deliver(&mut self, bytes: &[u8]) {
        if let Some(conn) = self.open {
            self.client.handle_frame(self.now, conn, bytes);
        }
    }

    fn step(&mut self, step: Step) {
        let now = self.now;
        match step {
            Step::Advance(ms) => {
                let end = now + Duration::from_millis(u64::from(ms));
                while let Some(t) = self.client.poll_timeout() {
                    if t > end {
                        break;
                    }
                    self.now = self.now.max(t);
                    self.client.handle_timeout(self.now);
                    self.drain();
                }
                self.now = end;
                self.client.handle_timeout(self.now);
            }
            Step::Open => {
                if let Some(conn) = self.pending_connect.take() {
                    self.open = Some(conn);
                    self.client.handle_connected(now, conn);
                }
            }
            Step::Drop => {
                let conn = self.open.take().or(self.pending_connect.take());
                if let Some(conn) = conn {
                    self.client
                        .handle_disconnected(now, conn, DisconnectReason::Closed(None));
                }
            }
            Step::Raw(bytes) => self.deliver(&bytes),
            Step::Reply { cmd, code, body } => {
                let cmd = CMDS[usize::from(cmd) % CMDS.len()];
                let Some(seq) = self.sent.iter().rev().find(|(c, _)| c == cmd).map(|s| s.1) else {
                    return;
                };
                let code = CODES[usize::from(code) % CODES.len()];
                let mut reply = json!({"ActionStatus": if code == 0 {"OK"} else {"FAIL"}, "ErrorCode": code, "ErrorInfo": ""});
                match (cmd, body % 4) {
                    (c, _) if c == servcmd::LOGIN => {
                        reply["A2Key"] = json!("a2");
                        reply["TinyId"] = json!("1");
                        reply["InstId"] = json!(body);
                        reply["HelloInterval"] = json!(body % 8);
                        reply["TimeStamp"] = json!(1_795_628_000u64);
                    }
                    (c, n) if c == servcmd::GET_MSG => {
                        reply["Cookie"] = json!(format!("c{body}"));
                        reply["SyncFlag"] = json!(if n == 0 { 0 } else { 2 });
                        reply["MsgList"] = json!((0..n)
                            .map(|i| wire_msg(body.wrapping_add(i)))
                            .collect::<Vec<_>>());
                    }
                    (c, _) if c == servcmd::SEND_C2C => reply["MsgTime"] = json!(body),
                    (_, 1) => reply["KickType"] = json!(body % 4),
                    _ => {}
                }
                let bytes = encode(&Head::push(cmd, seq), &reply);
                self.deliver(&bytes);
            }
            Step::Push { kind, count, seq } => {
                let body = match kind % 3 {
                    0 => {
                        json!({"EventArray": [{"Event": 1, "C2cMsgArray": (0..count % 5).map(|i| wire_msg(seq.wrapping_add(i))).collect::<Vec<_>>()}], "NeedAck": kind % 2, "SessionData": "s"})
                    }
                    1 => {
                        json!({"EventArray": [{"Event": 9, "C2cNotifyMsgArray": [{"KickoutMsgNotify": {"KickType": count % 5}}]}]})
                    }
                    _ => json!({"EventArray": [{"Event": seq}], "Junk": [1, 2, 3]}),
                };
                let cmd = if kind % 3 == 1 && count % 2 == 0 {
                    servcmd::FORCE_OFFLINE
                } else {
                    servcmd::MSG_PUSH
                };
                let bytes = encode(&Head::push(cmd, 1_000_000 + u64::from(seq)), &body);
                self.deliver(&bytes);
            }
            Step::Login(good) => {
                let _ = self.client.login(now, "u1", if good { "sig" } else { "" });
            }
            Step::Logout => {
                let _ = self.client.logout(now);
            }
            Step::Destroy => {
                let _ = self.client.destroy(now);
            }
            Step::Send(n) => {
                if let Ok(m) = self
                    .client
                    .create_text_message(now, &CreateTextMessageOptions::c2c("u2", format!("t{n}")))
                {
                    let _ = self.client.send_message(now, &m);
                }
            }
        }
        self.drain();
    }
}

/// Run one input sequence; panics if an invariant breaks.
pub fn run(seed: u64, steps: Vec<Step>) {
    let now = Instant::now();
    let mut options = Options::new(1_400_000_000).with_proxy_server("ws://127.0.0.1:1");
    options.tuning.max_pending_requests = 16;
    options.tuning.max_cached_messages = 32;
    let mut world = World {
        client: Client::new(options, seed, now, 1_795_628_000_000),
        now,
        open: None,
        pending_connect: None,
        sent: Vec::new(),
        destroyed_seen: false,
        last_ready: None,
        last_net: NetState::Connected,
    };
    world.drain();
    for step in steps.into_iter().take(256) {
        world.step(step);
    }
}

/// Entry point for raw fuzzer bytes.
pub fn run_bytes(data: &[u8]) {
    let mut u = arbitrary::Unstructured::new(data);
    let seed = u.arbitrary::<u64>().unwrap_or(0);
    let steps: Vec<Step> = u.arbitrary().unwrap_or_default();
    run(seed, steps);
}
