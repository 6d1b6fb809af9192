//! End to end over a real WebSocket: the tokio driver, a raw
//! async-tungstenite client and hand-built frames.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_tungstenite::tokio::{connect_async, ConnectStream};
use async_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use async_tungstenite::tungstenite::Message;
use async_tungstenite::WebSocketStream;
use futures_util::StreamExt;
use serde_json::{json, Value};
use tcchat_core::wire::{self, Head, HeadIdentity};
use tcchat_server::{gen_usersig, start, start_in_thread, AppConfig, ServerConfig};

const APP: u64 = 1_400_000_000;
const KEY: &str = "e2e-secret";
/// Guard against a hung test; every wait below is for an event that must
/// happen, so this only fires when the server is broken.
const WAIT: Duration = Duration::from_secs(10);

type Ws = WebSocketStream<ConnectStream>;

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn config() -> ServerConfig {
    ServerConfig::ephemeral(vec![AppConfig {
        sdk_app_id: APP,
        secret_key: KEY.into(),
    }])
}

async fn connect(base: &str) -> Ws {
    let url = format!(
        "{base}/binfo?sdkappid={APP}&instanceid=0123456789abcdef0123456789abcdef&random=0.5&platform=7&host=unknown&version=-1&sdkversion=3.6.6&compress=gzip"
    );
    let (ws, _) = tokio::time::timeout(WAIT, connect_async(url))
        .await
        .unwrap()
        .unwrap();
    ws
}

async fn send(ws: &mut Ws, head: &Head, body: &Value) {
    ws.send(Message::Binary(wire::encode(head, body)))
        .await
        .unwrap();
}

async fn next_frame(ws: &mut Ws) -> (Head, Value) {
    loop {
        let msg = tokio::time::timeout(WAIT, ws.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        match msg {
            Message::Binary(bytes) => {
                let frame = wire::decode(&bytes).unwrap();
                return (
                    frame.head.clone(),
                    serde_json::from_str(frame.body.get()).unwrap(),
                );
            }
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("expected a binary frame, got {other:?}"),
        }
    }
}

async fn next_close(ws: &mut Ws) -> u16 {
    loop {
        match tokio::time::timeout(WAIT, ws.next()).await.unwrap() {
            Some(Ok(Message::Close(Some(frame)))) => return u16::from(frame.code),
            Some(Ok(Message::Close(None))) | None => panic!("closed without a code"),
            Some(Ok(_)) => continue,
            Some(Err(err)) => panic!("error before close: {err}"),
        }
    }
}

struct User {
    identity: HeadIdentity,
    seq: u64,
}

impl User {
    fn new(name: &'static str, seq: u64) -> User {
        User {
            identity: HeadIdentity::UserSig {
                identifier: name.into(),
                usersig: gen_usersig(APP, KEY, name, 3600, unix_now()),
            },
            seq,
        }
    }

    fn head(&mut self, servcmd: &str) -> Head {
        self.seq += 1;
        Head::request(APP, &self.identity, servcmd, self.seq, unix_now())
    }

    async fn login(&mut self, ws: &mut Ws) -> Value {
        let head = self.head("im_open_status.wslogin");
        send(
            ws,
            &head,
            &json!({"State":"Online","is_web_uniapp":0,"InstType":0,"CustomInfo":""}),
        )
        .await;
        let (reply_head, body) = next_frame(ws).await;
        assert_eq!(
            (reply_head.servcmd.as_str(), reply_head.seq),
            ("im_open_status.wslogin", head.seq)
        );
        assert_eq!(body["ErrorCode"], 0, "{body}");
        self.identity = HeadIdentity::A2 {
            a2: body["A2Key"].as_str().unwrap().into(),
            tinyid: body["TinyId"].as_str().unwrap().into(),
            instid: body["InstId"].as_u64().unwrap(),
        };
        body
    }
}

#[tokio::test]
async fn login_send_push_ack_and_sync_over_a_real_socket() {
    let server = start(config()).await.unwrap();
    let base = server.ws_url();
    assert!(base.starts_with("ws://127.0.0.1:"));

    let mut a = connect(&base).await;
    let mut b = connect(&base).await;
    let mut alice = User::new("alice", 100);
    let mut bob = User::new("bob", 200);

    // Ping before login, as the SDK does on every open.
    let ping = alice.head("heartbeat.alive");
    send(&mut a, &ping, &json!({})).await;
    let (h, body) = next_frame(&mut a).await;
    assert_eq!((h.seq, body["ErrorCode"].clone()), (ping.seq, json!(0)));

    alice.login(&mut a).await;
    bob.login(&mut b).await;

    let head = alice.head("openim.sendmsg");
    let t = unix_now();
    let msg = json!({"From_Account":"alice","To_Account":"bob","MsgSeq":1,"MsgRandom":2,
        "MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"over the wire"}}],"MsgClientTime":t});
    send(&mut a, &head, &msg).await;
    let (h, reply) = next_frame(&mut a).await;
    assert_eq!((h.servcmd.as_str(), h.seq), ("openim.sendmsg", head.seq));
    assert_eq!(reply["ErrorCode"], 0);
    assert!(reply["MsgTime"].as_u64().unwrap() >= t);

    let (h, push) = next_frame(&mut b).await;
    assert_eq!(h.servcmd, "im_open_push.msg_push");
    assert_eq!(push["NeedAck"], 1);
    let item = &push["EventArray"][0]["C2cMsgArray"][0];
    assert_eq!(item["From_Account"], "alice");
    assert_eq!(item["MsgBody"][0]["MsgContent"]["Text"], "over the wire");
    assert_eq!(item["MsgKey"], reply["MsgKey"]);
    let ack = bob.head("openim.ws_msg_push_ack");
    send(&mut b, &ack, &json!({"SessionData": push["SessionData"]})).await;

    // The ack has no reply; the next frame bob sees answers his getmsg,
    // and the acked message is not in it.
    let get = bob.head("openim.getmsg");
    send(&mut b, &get, &json!({"Cookie":"","SyncFlag":0})).await;
    let (h, sync) = next_frame(&mut b).await;
    assert_eq!((h.servcmd.as_str(), h.seq), ("openim.getmsg", get.seq));
    assert_eq!(
        (sync["SyncFlag"].clone(), sync["MsgList"].clone()),
        (json!(2), json!([]))
    );

    // A text message on /binfo closes the socket with 1003.
    b.send(Message::Text("{}".into())).await.unwrap();
    assert_eq!(next_close(&mut b).await, 1003);

    // Shutdown closes the remaining socket with 1001 (going away).
    let shutdown = tokio::spawn(server.shutdown());
    assert_eq!(next_close(&mut a).await, u16::from(CloseCode::Away));
    tokio::time::timeout(WAIT, shutdown).await.unwrap().unwrap();
    // ...and nothing listens any more.
    assert!(connect_async(format!("{base}/binfo")).await.is_err());
}

#[tokio::test]
async fn other_paths_are_refused_at_the_handshake() {
    let server = start(config()).await.unwrap();
    let err = connect_async(format!("{}/info?sdkappid={APP}", server.ws_url()))
        .await
        .expect_err("only /binfo is served");
    assert!(err.to_string().contains("404"), "{err}");
    server.shutdown().await;
}

#[tokio::test]
async fn a_client_that_never_logs_in_is_closed_with_4401() {
    let server = start(ServerConfig {
        login_timeout_secs: 1,
        ..config()
    })
    .await
    .unwrap();
    let mut ws = connect(&server.ws_url()).await;
    assert_eq!(next_close(&mut ws).await, 4401);
    server.shutdown().await;
}

#[test]
fn start_in_thread_serves_callers_on_other_runtimes() {
    let server = start_in_thread(config()).unwrap();
    let url = server.ws_url();
    assert_eq!(url, format!("ws://{}", server.ws_addr()));
    // The client here runs on its own runtime, unrelated to the server's.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut ws = connect(&url).await;
        let mut carol = User::new("carol", 1);
        let body = carol.login(&mut ws).await;
        assert_eq!(body["TinyId"], "144115000000000001");
    });
    drop(server); // Drop shuts it down and joins the thread.
    rt.block_on(async {
        assert!(connect_async(format!("{url}/binfo")).await.is_err());
    });
}

#[test]
fn bad_configurations_are_refused() {
    assert!(start_in_thread(ServerConfig::ephemeral(vec![])).is_err());
    let dup = vec![
        AppConfig {
            sdk_app_id: 1,
            secret_key: "a".into(),
        },
        AppConfig {
            sdk_app_id: 1,
            secret_key: "b".into(),
        },
    ];
    assert!(start_in_thread(ServerConfig::ephemeral(dup)).is_err());
    let taken = start_in_thread(config()).unwrap();
    let clash = ServerConfig {
        ws_addr: taken.ws_addr(),
        ..config()
    };
    let err = start_in_thread(clash).unwrap_err();
    assert!(err.to_string().contains("cannot listen"), "{err}");
}

#[tokio::test]
async fn silent_and_half_open_clients_do_not_hold_up_shutdown() {
    let server = start(config()).await.unwrap();
    // A TCP connection that never says anything (no handshake).
    let _tcp = tokio::net::TcpStream::connect(server.ws_addr())
        .await
        .unwrap();
    // A WebSocket client that logs in and then never reads again.
    let mut ws = connect(&server.ws_url()).await;
    User::new("dave", 1).login(&mut ws).await;
    let started = std::time::Instant::now();
    tokio::time::timeout(WAIT, server.shutdown())
        .await
        .expect("shutdown finished");
    assert!(started.elapsed() < Duration::from_secs(8));
    drop(ws);
}
