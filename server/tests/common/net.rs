#![allow(dead_code)]
//! Real sockets against a server on 127.0.0.1, for the attack suite: a
//! WebSocket client speaking frames, raw TCP for what no client would send,
//! and bounded waits everywhere.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_tungstenite::tokio::{connect_async, ConnectStream};
use async_tungstenite::tungstenite::Message;
use async_tungstenite::WebSocketStream;
use futures_util::StreamExt;
use serde_json::{json, Value};
use tcchat_core::wire::{self, Head, HeadIdentity};
use tcchat_server::{gen_usersig, AppConfig, ServerConfig};

pub const NET_APP: u64 = 1_400_000_000;
pub const NET_KEY: &str = "attack-suite-secret";
/// Bound on every wait for something that must happen.
pub const WAIT: Duration = Duration::from_secs(10);

pub type Ws = WebSocketStream<ConnectStream>;

pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

pub fn server_config() -> ServerConfig {
    ServerConfig::ephemeral(vec![AppConfig {
        sdk_app_id: NET_APP,
        secret_key: NET_KEY.into(),
    }])
}

/// Open a WebSocket like the official SDK, as SDK instance `instance`.
pub async fn ws_connect(base: &str, instance: u32) -> Ws {
    let url = format!("{base}/binfo?sdkappid={NET_APP}&instanceid={instance:032x}&platform=7");
    let (ws, _) = tokio::time::timeout(WAIT, connect_async(url))
        .await
        .expect("handshake in time")
        .expect("handshake");
    ws
}

/// How a socket ended, as its reader saw it.
#[derive(Debug, PartialEq, Eq)]
pub enum End {
    /// A close frame with this code.
    Closed(u16),
    /// The connection dropped without a close frame (or with an error).
    Dropped,
    /// Still open after [`WAIT`].
    Open,
}

/// Read (and discard) until the socket ends, at most [`WAIT`].
pub async fn ws_end(ws: &mut Ws) -> End {
    let read = async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Close(frame))) => {
                    return End::Closed(frame.map_or(1005, |f| u16::from(f.code)))
                }
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return End::Dropped,
            }
        }
    };
    tokio::time::timeout(WAIT, read).await.unwrap_or(End::Open)
}

/// A logged-in user on its own socket.
pub struct NetUser {
    pub name: String,
    pub ws: Ws,
    identity: HeadIdentity,
    seq: u64,
}

impl NetUser {
    /// Connect and log in; panics unless it works.
    pub async fn login(base: &str, name: &str, instance: u32) -> NetUser {
        let ws = ws_connect(base, instance).await;
        let mut user = NetUser {
            name: name.into(),
            ws,
            identity: HeadIdentity::UserSig {
                identifier: name.into(),
                usersig: gen_usersig(NET_APP, NET_KEY, name, 3600, unix_now()),
            },
            seq: u64::from(instance) * 1_000_000,
        };
        let reply = user
            .call("im_open_status.wslogin", json!({"State": "Online"}))
            .await;
        assert_eq!(reply["ErrorCode"], 0, "{reply}");
        user.identity = HeadIdentity::A2 {
            a2: reply["A2Key"].as_str().unwrap().into(),
            tinyid: reply["TinyId"].as_str().unwrap().into(),
            instid: reply["InstId"].as_u64().unwrap(),
        };
        user
    }

    pub fn head(&mut self, servcmd: &str) -> Head {
        self.seq += 1;
        Head::request(NET_APP, &self.identity, servcmd, self.seq, unix_now())
    }

    /// Send a request and wait for its reply (pushes on the way are
    /// skipped), at most [`WAIT`].
    pub async fn call(&mut self, servcmd: &str, body: Value) -> Value {
        let head = self.head(servcmd);
        let frame = wire::encode(&head, &body);
        tokio::time::timeout(
            WAIT,
            futures_util::SinkExt::send(&mut self.ws, Message::Binary(frame)),
        )
        .await
        .expect("sent in time")
        .expect("sent");
        let wanted = head.seq;
        let read = async {
            loop {
                match self.ws.next().await {
                    Some(Ok(Message::Binary(bytes))) => {
                        let frame = wire::decode(&bytes).expect("server frames decode");
                        if frame.head.servcmd == servcmd && frame.head.seq == wanted {
                            return serde_json::from_str(frame.body.get()).unwrap();
                        }
                    }
                    Some(Ok(_)) => {}
                    other => panic!("socket ended while waiting for {servcmd}: {other:?}"),
                }
            }
        };
        tokio::time::timeout(WAIT, read)
            .await
            .unwrap_or_else(|_| panic!("no reply to {servcmd} within {WAIT:?}"))
    }

    pub async fn ping(&mut self) -> Value {
        self.call("heartbeat.alive", json!({})).await
    }

    pub async fn send_text(&mut self, to: &str, n: u64, text: &str) -> Value {
        let body = json!({
            "From_Account": self.name, "To_Account": to, "MsgSeq": n, "MsgRandom": n,
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}],
            "MsgClientTime": unix_now()
        });
        self.call("openim.sendmsg", body).await
    }
}
