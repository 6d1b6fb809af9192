//! Drives an [`Engine`] in virtual time with hand-built frames.
#![allow(dead_code)]

pub mod ops;

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tcchat_core::wire::{self, Head, HeadIdentity};
use tcchat_server::engine::{ConnId, Engine, EngineConfig, Output};
use tcchat_server::store::{MemoryStore, Store};
use tcchat_server::{gen_usersig, AppConfig};

pub const APP: u64 = 1_400_000_000;
pub const KEY: &str = "secret-of-app-1";
pub const APP2: u64 = 1_400_000_001;
pub const KEY2: &str = "secret-of-app-2";
/// Wall clock at the start of every simulation (2026-11-25).
pub const T0_MS: u64 = 1_795_628_000_000;

pub fn apps() -> Vec<AppConfig> {
    vec![
        AppConfig {
            sdk_app_id: APP,
            secret_key: KEY.into(),
        },
        AppConfig {
            sdk_app_id: APP2,
            secret_key: KEY2.into(),
        },
    ]
}

pub fn key_of(app: u64) -> &'static str {
    if app == APP2 {
        KEY2
    } else {
        KEY
    }
}

pub fn config() -> EngineConfig {
    EngineConfig {
        apps: apps(),
        ..EngineConfig::default()
    }
}

/// A sent or received frame, decoded.
#[derive(Debug, Clone)]
pub struct Msg {
    pub conn: ConnId,
    pub head: Head,
    pub body: Value,
    /// The body exactly as sent.
    pub raw_body: String,
    pub compressed: bool,
}

/// Decode every output into frames (panics on closes; use `outputs`).
pub fn frames(outputs: &[Output]) -> Vec<Msg> {
    outputs
        .iter()
        .map(|o| match o {
            Output::Send { conn, frame } => {
                let decoded = wire::decode(frame).expect("server frames decode");
                Msg {
                    conn: *conn,
                    head: decoded.head.clone(),
                    body: serde_json::from_str(decoded.body.get()).unwrap(),
                    raw_body: decoded.body.get().to_owned(),
                    compressed: frame.starts_with(b"COMP"),
                }
            }
            Output::Close { .. } => panic!("unexpected close: {o:?}"),
        })
        .collect()
}

/// The connect URL query of an official-SDK-like client.
pub fn connect_query(conn: u64, app: u64, platform: u32) -> String {
    format!("sdkappid={app}&instanceid={conn:032x}&platform={platform}&compress=gzip")
}

/// The engine plus a virtual clock.
pub struct Sim<S: Store = MemoryStore> {
    pub engine: Engine<S>,
    pub t0: Instant,
    pub elapsed: Duration,
    /// Frames a login caused on other connections (kick pushes), kept for
    /// the test to inspect with [`Sim::take_side`].
    pub side: Vec<Msg>,
}

impl Sim<MemoryStore> {
    pub fn new() -> Self {
        Sim::with(config(), MemoryStore::new())
    }
}

impl<S: Store> Sim<S> {
    pub fn with(config: EngineConfig, store: S) -> Self {
        Sim {
            engine: Engine::new(config, store, 42),
            t0: Instant::now(),
            elapsed: Duration::ZERO,
            side: Vec::new(),
        }
    }

    /// Frames that logins sent to other connections since the last call.
    pub fn take_side(&mut self) -> Vec<Msg> {
        std::mem::take(&mut self.side)
    }

    pub fn now(&self) -> Instant {
        self.t0 + self.elapsed
    }

    pub fn unix_ms(&self) -> u64 {
        T0_MS + u64::try_from(self.elapsed.as_millis()).unwrap()
    }

    pub fn unix_s(&self) -> u64 {
        self.unix_ms() / 1000
    }

    pub fn drain(&mut self) -> Vec<Output> {
        std::iter::from_fn(|| self.engine.poll_output()).collect()
    }

    /// Move the clock forward, firing every timeout due on the way.
    pub fn advance(&mut self, by: Duration) -> Vec<Output> {
        let target = self.elapsed + by;
        let mut out = Vec::new();
        while let Some(at) = self.engine.poll_timeout() {
            if at > self.t0 + target {
                break;
            }
            self.elapsed = at.saturating_duration_since(self.t0);
            let (now, ms) = (self.now(), self.unix_ms());
            self.engine.handle_timeout(now, ms);
            out.extend(self.drain());
        }
        self.elapsed = target;
        out
    }

    pub fn connect(&mut self, conn: u64, query: &str) -> Vec<Output> {
        let (now, ms) = (self.now(), self.unix_ms());
        self.engine.handle_connect(now, ms, ConnId(conn), query);
        self.drain()
    }

    /// Connect as a Web client (`platform=7`) whose SDK instance ID is
    /// derived from the connection number.
    pub fn connect_from(&mut self, conn: u64, query: &str, ip: [u8; 4]) -> Vec<Output> {
        let (now, ms) = (self.now(), self.unix_ms());
        let ip = std::net::IpAddr::from(ip);
        self.engine
            .handle_connect_from(now, ms, ConnId(conn), query, Some(ip));
        self.drain()
    }

    pub fn connect_app(&mut self, conn: u64, app: u64) -> Vec<Output> {
        self.connect(conn, &connect_query(conn, app, 7))
    }

    pub fn disconnect(&mut self, conn: u64) -> Vec<Output> {
        let (now, ms) = (self.now(), self.unix_ms());
        self.engine.handle_disconnect(now, ms, ConnId(conn));
        self.drain()
    }

    pub fn raw(&mut self, conn: u64, bytes: &[u8]) -> Vec<Output> {
        let (now, ms) = (self.now(), self.unix_ms());
        self.engine.handle_frame(now, ms, ConnId(conn), bytes);
        self.drain()
    }

    pub fn request(&mut self, conn: u64, head: &Head, body: &Value) -> Vec<Output> {
        let bytes = wire::encode(head, body);
        self.raw(conn, &bytes)
    }
}

/// One simulated client: a socket plus the identity it puts in heads.
#[derive(Debug, Clone)]
pub struct Client {
    pub conn: u64,
    pub app: u64,
    pub user: String,
    pub identity: HeadIdentity,
    pub seq: u64,
    pub a2: String,
    pub tiny_id: String,
    pub inst_id: u64,
    /// The URL's `platform` (7, Web, unless changed).
    pub platform: u32,
}

impl Client {
    pub fn new(conn: u64, app: u64, user: &str) -> Client {
        Client {
            conn,
            app,
            user: user.into(),
            identity: HeadIdentity::Anonymous,
            seq: 1000 * conn,
            a2: String::new(),
            tiny_id: String::new(),
            inst_id: 0,
            platform: 7,
        }
    }

    /// The same client on another platform (`platform=` of the URL).
    pub fn on_platform(mut self, platform: u32) -> Client {
        self.platform = platform;
        self
    }

    /// Open this client's socket (its `conn`), with its app and platform.
    pub fn connect<S: Store>(&self, sim: &mut Sim<S>) -> Vec<Output> {
        sim.connect(
            self.conn,
            &connect_query(self.conn, self.app, self.platform),
        )
    }

    pub fn head(&mut self, servcmd: &str, reqtime: u64) -> Head {
        self.seq += 1;
        Head::request(self.app, &self.identity, servcmd, self.seq, reqtime)
    }

    pub fn sig(&self, sim_unix_s: u64) -> String {
        gen_usersig(self.app, key_of(self.app), &self.user, 86_400, sim_unix_s)
    }

    /// Connect and log in with a fresh UserSig; panics unless it works.
    pub fn login<S: Store>(&mut self, sim: &mut Sim<S>) -> Msg {
        self.connect(sim);
        let sig = self.sig(sim.unix_s());
        let reply = self.login_with(sim, &sig);
        assert_eq!(reply.body["ErrorCode"], 0, "login failed: {}", reply.body);
        reply
    }

    /// Send wslogin with `usersig`; returns the reply and adopts the A2 on
    /// success.
    pub fn login_with<S: Store>(&mut self, sim: &mut Sim<S>, usersig: &str) -> Msg {
        self.identity = HeadIdentity::UserSig {
            identifier: self.user.clone(),
            usersig: usersig.into(),
        };
        self.send_login(sim)
    }

    /// Re-login with the A2 of an earlier login (after a reconnect).
    pub fn relogin<S: Store>(&mut self, sim: &mut Sim<S>) -> Msg {
        self.identity = HeadIdentity::A2 {
            a2: self.a2.clone(),
            tinyid: self.tiny_id.clone(),
            instid: self.inst_id,
        };
        self.send_login(sim)
    }

    fn send_login<S: Store>(&mut self, sim: &mut Sim<S>) -> Msg {
        let head = self.head("im_open_status.wslogin", sim.unix_s());
        let body = json!({"State":"Online","is_web_uniapp":0,"InstType":0,"CustomInfo":""});
        let out = frames(&sim.request(self.conn, &head, &body));
        let (mine, others): (Vec<Msg>, Vec<Msg>) =
            out.into_iter().partition(|m| m.conn == ConnId(self.conn));
        sim.side.extend(others);
        assert_eq!(mine.len(), 1, "{mine:?}");
        let reply = mine.into_iter().next().unwrap();
        if reply.body["ErrorCode"] == 0 {
            self.a2 = reply.body["A2Key"].as_str().unwrap().to_owned();
            self.tiny_id = reply.body["TinyId"].as_str().unwrap().to_owned();
            self.inst_id = reply.body["InstId"].as_u64().unwrap();
            self.identity = HeadIdentity::A2 {
                a2: self.a2.clone(),
                tinyid: self.tiny_id.clone(),
                instid: self.inst_id,
            };
        }
        reply
    }

    /// Send a request; returns every resulting frame (reply and pushes).
    pub fn call<S: Store>(&mut self, sim: &mut Sim<S>, servcmd: &str, body: Value) -> Vec<Msg> {
        let head = self.head(servcmd, sim.unix_s());
        frames(&sim.request(self.conn, &head, &body))
    }

    /// Send a request and return just its reply (asserting it is there).
    pub fn reply<S: Store>(&mut self, sim: &mut Sim<S>, servcmd: &str, body: Value) -> Msg {
        let seq_before = self.seq;
        let out = self.call(sim, servcmd, body);
        out.into_iter()
            .find(|m| {
                m.conn == ConnId(self.conn)
                    && m.head.servcmd == servcmd
                    && m.head.seq == seq_before + 1
            })
            .expect("a reply to the request")
    }

    pub fn send_text<S: Store>(
        &mut self,
        sim: &mut Sim<S>,
        to: &str,
        seq: u64,
        random: u64,
        text: &str,
    ) -> Vec<Msg> {
        let body = sendmsg_body(&self.user, to, seq, random, sim.unix_s(), text);
        self.call(sim, "openim.sendmsg", body)
    }

    pub fn getmsg<S: Store>(&mut self, sim: &mut Sim<S>, cookie: &str) -> Msg {
        self.reply(
            sim,
            "openim.getmsg",
            json!({"Cookie": cookie, "SyncFlag": 0, "NeedAbstract": 1, "IsOnlineSync": 0, "NeedSignaling": 1, "NeedCachedMsg": 1}),
        )
    }
}

pub fn sendmsg_body(
    from: &str,
    to: &str,
    seq: u64,
    random: u64,
    client_time: u64,
    text: &str,
) -> Value {
    json!({
        "From_Account": from, "To_Account": to, "MsgSeq": seq, "MsgRandom": random,
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}],
        "CloudCustomData": "", "From_AccountNick": "", "From_AccountHeadurl": "",
        "OfflinePushInfo": {"PushFlag": 0, "Title": "", "Desc": "", "Ext": ""},
        "SendMsgControl": [], "MsgClientTime": client_time, "IsNeedReadReceipt": 0,
        "SupportMessageExtension": 0, "IsRelayMsg": 0
    })
}

/// The texts of a getmsg reply's `MsgList`, in order.
pub fn texts(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|m| {
            m["MsgBody"][0]["MsgContent"]["Text"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}
