//! Connection lifecycle end to end on the tokio driver: kicks over real
//! sockets, the REST admin API over real HTTP (and the `kick` CLI), and a
//! crash + restart on the same ports with a file database.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_tungstenite::tokio::{connect_async, ConnectStream};
use async_tungstenite::tungstenite::Message;
use async_tungstenite::WebSocketStream;
use futures_util::StreamExt;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use serde_json::{json, Value};
use tcchat_core::wire::{self, Head, HeadIdentity};
use tcchat_server::{gen_usersig, start, AppConfig, DbLocation, ServerConfig};

const APP: u64 = 1_400_000_000;
const KEY: &str = "e2e-lifecycle-secret";
/// Bound on every wait for something that must happen.
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

fn kick_body(kick_type: u32) -> String {
    format!(
        r#"{{"EventArray":[{{"Event":9,"C2cNotifyMsgArray":[{{"KickoutMsgNotify":{{"KickType":{kick_type},"NewInstInfo":{{}}}}}}]}}]}}"#
    )
}

/// Connect like the official SDK, as SDK instance `instance` on `platform`.
async fn connect(base: &str, instance: u32, platform: u32) -> Ws {
    let url = format!(
        "{base}/binfo?sdkappid={APP}&instanceid={instance:032x}&random=0.5&platform={platform}&host=unknown&version=-1&sdkversion=3.6.6&compress=gzip"
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

/// The next frame: its head and its body exactly as sent.
async fn next_raw(ws: &mut Ws) -> (Head, String) {
    loop {
        let msg = tokio::time::timeout(WAIT, ws.next())
            .await
            .expect("a frame in time")
            .expect("the socket is open")
            .expect("no socket error");
        match msg {
            Message::Binary(bytes) => {
                let frame = wire::decode(&bytes).unwrap();
                return (frame.head.clone(), frame.body.get().to_owned());
            }
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("expected a binary frame, got {other:?}"),
        }
    }
}

async fn next_frame(ws: &mut Ws) -> (Head, Value) {
    let (head, raw) = next_raw(ws).await;
    (head, serde_json::from_str(&raw).unwrap())
}

struct User {
    name: &'static str,
    identity: HeadIdentity,
    seq: u64,
}

impl User {
    fn new(name: &'static str, seq: u64) -> User {
        User {
            name,
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

    /// Send a request and return its reply (pushes before it fail the test).
    async fn call(&mut self, ws: &mut Ws, servcmd: &str, body: Value) -> Value {
        let head = self.head(servcmd);
        send(ws, &head, &body).await;
        let (reply_head, reply) = next_frame(ws).await;
        assert_eq!(
            (reply_head.servcmd.as_str(), reply_head.seq),
            (servcmd, head.seq),
            "{reply}"
        );
        reply
    }

    async fn login(&mut self, ws: &mut Ws) -> Value {
        let body = self
            .call(
                ws,
                "im_open_status.wslogin",
                json!({"State":"Online","is_web_uniapp":0,"InstType":0,"CustomInfo":""}),
            )
            .await;
        if body["ErrorCode"] == 0 {
            self.identity = HeadIdentity::A2 {
                a2: body["A2Key"].as_str().unwrap().into(),
                tinyid: body["TinyId"].as_str().unwrap().into(),
                instid: body["InstId"].as_u64().unwrap(),
            };
        }
        body
    }

    async fn send_text(&mut self, ws: &mut Ws, to: &str, n: u64) -> Value {
        let body = json!({
            "From_Account": self.name, "To_Account": to, "MsgSeq": n, "MsgRandom": 1000 + n,
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": format!("m{n}")}}],
            "MsgClientTime": unix_now()
        });
        self.call(ws, "openim.sendmsg", body).await
    }
}

/// POST `body` to `url` with a tiny hyper client; returns status and JSON.
async fn http(method: &str, url: &str, body: String) -> (u16, Value) {
    let uri: hyper::Uri = url.parse().unwrap();
    let addr = format!("{}:{}", uri.host().unwrap(), uri.port_u16().unwrap());
    let stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .unwrap();
    tokio::spawn(conn);
    let request = hyper::Request::builder()
        .method(method)
        .uri(uri.path_and_query().unwrap().as_str())
        .header(hyper::header::HOST, addr)
        .body(Full::new(Bytes::from(body)))
        .unwrap();
    let response = tokio::time::timeout(WAIT, sender.send_request(request))
        .await
        .unwrap()
        .unwrap();
    let status = response.status().as_u16();
    assert_eq!(
        response.headers()[hyper::header::CONTENT_TYPE],
        "application/json; charset=utf-8"
    );
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap())
}

fn kick_url(http_url: &str, admin: &str, sig: &str) -> String {
    format!(
        "{http_url}/v4/im_open_login_svc/kick?sdkappid={APP}&identifier={admin}&usersig={sig}&random=7&contenttype=json"
    )
}

#[tokio::test]
async fn a_newer_login_kicks_the_older_one_over_real_sockets() {
    let server = start(config()).await.unwrap();
    let base = server.ws_url();
    let mut old_ws = connect(&base, 1, 7).await;
    let mut old = User::new("alice", 100);
    assert_eq!(old.login(&mut old_ws).await["ErrorCode"], 0);
    let mut new_ws = connect(&base, 2, 7).await;
    let mut new = User::new("alice", 200);
    assert_eq!(new.login(&mut new_ws).await["ErrorCode"], 0);

    let (head, raw) = next_raw(&mut old_ws).await;
    assert_eq!(head.servcmd, "im_open_status.stat_forceoffline");
    assert_eq!(raw, kick_body(1));
    // What the official SDK does next: wslogout type 1 on the same socket.
    let out = old
        .call(
            &mut old_ws,
            "im_open_status.wslogout",
            json!({"wslogout_type":1,"is_web_uniapp":0}),
        )
        .await;
    assert_eq!(out["ErrorCode"], 0);
    // The new instance is still logged in.
    let hello = new
        .call(
            &mut new_ws,
            "im_open_status.wshello",
            json!({"is_web_uniapp":0}),
        )
        .await;
    assert_eq!(hello["ErrorCode"], 0);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rest_kick_over_real_http_and_the_cli() {
    let server = start(config()).await.unwrap();
    let http_url = server.http_url().expect("ephemeral configs serve HTTP");
    assert!(http_url.starts_with("http://127.0.0.1:"), "{http_url}");
    let base = server.ws_url();
    let mut web = connect(&base, 1, 7).await;
    User::new("alice", 100).login(&mut web).await;
    let mut phone = connect(&base, 2, 3).await;
    User::new("alice", 200).login(&mut phone).await;

    // A non-admin is refused, and nothing is pushed.
    let bob_sig = gen_usersig(APP, KEY, "bob", 3600, unix_now());
    let body = json!({"UserID": "alice"}).to_string();
    let (status, refused) = http("POST", &kick_url(&http_url, "bob", &bob_sig), body.clone()).await;
    assert_eq!((status, &refused["ErrorCode"]), (200, &json!(70403)));
    // Wrong method.
    let admin_sig = gen_usersig(APP, KEY, "administrator", 3600, unix_now());
    let url = kick_url(&http_url, "administrator", &admin_sig);
    let (status, refused) = http("GET", &url, String::new()).await;
    assert_eq!((status, &refused["ErrorCode"]), (405, &json!(60002)));

    let (status, ok) = http("POST", &url, body).await;
    assert_eq!(status, 200);
    assert_eq!(
        ok,
        json!({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""})
    );
    for ws in [&mut web, &mut phone] {
        let (head, raw) = next_raw(ws).await;
        assert_eq!(head.servcmd, "im_open_status.stat_forceoffline");
        assert_eq!(raw, kick_body(3));
    }

    // The developer CLI does the same call.
    let mut carol_ws = connect(&base, 3, 7).await;
    User::new("carol", 300).login(&mut carol_ws).await;
    let cli = env!("CARGO_BIN_EXE_tcchat-server");
    let args = [
        "kick",
        "--url",
        &http_url,
        "--sdkappid",
        &APP.to_string(),
        "--key",
        KEY,
        "--user",
        "carol",
    ]
    .map(str::to_owned);
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(cli)
            .args(&args)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(output.status.success(), "{output:?}");
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(printed["ErrorCode"], 0);
    let (_, raw) = next_raw(&mut carol_ws).await;
    assert_eq!(raw, kick_body(3));
    // An unknown user: the CLI prints the refusal and fails.
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(cli)
            .args(["kick", "--url", &http_url, "--sdkappid", &APP.to_string()])
            .args(["--key", KEY, "--user", "nobody"])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("70107"));
    server.shutdown().await;
}

fn temp_db(tag: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "tcchat-{tag}-{}-{}.db",
        std::process::id(),
        unix_now()
    ));
    remove_db(&path);
    path
}

fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
}

/// Read until the socket ends; true when it ended without a close frame
/// (as when the server process dies).
async fn ends_abruptly(ws: &mut Ws) -> bool {
    loop {
        match tokio::time::timeout(WAIT, ws.next())
            .await
            .expect("the socket ends in time")
        {
            None | Some(Err(_)) => return true,
            Some(Ok(Message::Close(_))) => return false,
            Some(Ok(_)) => continue,
        }
    }
}

#[tokio::test]
async fn a_crashed_server_restarts_on_the_same_ports_with_its_messages_and_sessions() {
    let db = temp_db("restart");
    let mut cfg = config();
    cfg.db = DbLocation::File(db.clone());
    let server = start(cfg.clone()).await.unwrap();
    let (ws_addr, http_addr): (SocketAddr, SocketAddr) =
        (server.ws_addr(), server.http_addr().unwrap());
    let base = server.ws_url();

    // alice logs in, then goes offline (her client keeps the A2).
    let mut alice_ws = connect(&base, 1, 7).await;
    let mut alice = User::new("alice", 100);
    assert_eq!(alice.login(&mut alice_ws).await["ErrorCode"], 0);
    drop(alice_ws);
    // bob sends while alice is away; every reply is an accepted message.
    let mut bob_ws = connect(&base, 2, 7).await;
    let mut bob = User::new("bob", 200);
    assert_eq!(bob.login(&mut bob_ws).await["ErrorCode"], 0);
    for n in 1..=5 {
        let reply = bob.send_text(&mut bob_ws, "alice", n).await;
        assert_eq!(reply["ErrorCode"], 0, "{reply}");
    }
    // Killed right after the last reply.
    server.crash().await;
    assert!(
        ends_abruptly(&mut bob_ws).await,
        "no close frame from a crash"
    );
    drop(bob_ws);

    // Same ports at once: the server side of bob's connection is in
    // TIME_WAIT, which only SO_REUSEADDR lets a new listener ignore.
    cfg.ws_addr = ws_addr;
    cfg.http_addr = Some(http_addr);
    let server = start(cfg).await.expect("rebinds the same ports");
    assert_eq!(server.ws_addr(), ws_addr);
    assert_eq!(server.http_addr(), Some(http_addr));

    // alice's SDK reconnects and re-logs in with its A2: accepted (a 70001
    // here would make the official SDK report userSigExpired).
    let mut alice_ws = connect(&base, 1, 7).await;
    let again = alice.login(&mut alice_ws).await;
    assert_eq!(again["ErrorCode"], 0, "{again}");
    let sync = alice
        .call(
            &mut alice_ws,
            "openim.getmsg",
            json!({"Cookie":"","SyncFlag":0,"NeedAbstract":1,"IsOnlineSync":0,"NeedSignaling":1,"NeedCachedMsg":1}),
        )
        .await;
    let texts: Vec<&str> = sync["MsgList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["MsgBody"][0]["MsgContent"]["Text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        ["m1", "m2", "m3", "m4", "m5"],
        "no accepted message lost"
    );
    // bob was connected at the crash: his A2 works too.
    let mut bob_ws = connect(&base, 2, 7).await;
    assert_eq!(bob.login(&mut bob_ws).await["ErrorCode"], 0);
    server.shutdown().await;
    remove_db(&db);
}

#[test]
fn a_background_server_crashes_and_its_ports_are_free_at_once() {
    let db = temp_db("bg-restart");
    let mut cfg = config();
    cfg.db = DbLocation::File(db.clone());
    let server = tcchat_server::start_in_thread(cfg.clone()).unwrap();
    let (ws_addr, http_addr) = (server.ws_addr(), server.http_addr());
    assert!(http_addr.is_some());
    assert!(server.http_url().unwrap().starts_with("http://127.0.0.1:"));
    // A client connected during the crash.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut ws = runtime.block_on(connect(&server.ws_url(), 1, 7));
    server.crash();
    runtime.block_on(async {
        assert!(ends_abruptly(&mut ws).await);
    });
    drop(ws);
    cfg.ws_addr = ws_addr;
    cfg.http_addr = http_addr;
    let again = tcchat_server::start_in_thread(cfg).expect("same ports");
    assert_eq!(again.ws_addr(), ws_addr);
    again.shutdown();
    remove_db(&db);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_reads_is_cut_off_and_the_server_stays_responsive() {
    let mut cfg = config();
    cfg.outbound_queue_len = 4;
    let server = start(cfg).await.unwrap();
    let base = server.ws_url();
    // The recipient logs in (without compress=gzip) and then never reads.
    let url = format!(
        "{base}/binfo?sdkappid={APP}&instanceid={:032x}&platform=7",
        9
    );
    let (mut sink_ws, _) = connect_async(url).await.unwrap();
    let mut dave = User::new("dave", 900);
    assert_eq!(dave.login(&mut sink_ws).await["ErrorCode"], 0);
    let mut bob_ws = connect(&base, 2, 7).await;
    let mut bob = User::new("bob", 200);
    bob.login(&mut bob_ws).await;
    // Far more than socket buffers hold: 2,000 pushes of 11 KiB (messages
    // are limited to 12 KiB).
    let text = "x".repeat(11 * 1024);
    for n in 0..2000u64 {
        let body = json!({
            "From_Account": "bob", "To_Account": "dave", "MsgSeq": n, "MsgRandom": n,
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}],
            "MsgClientTime": unix_now()
        });
        let reply = bob.call(&mut bob_ws, "openim.sendmsg", body).await;
        assert_eq!(reply["ErrorCode"], 0, "the sender is never held up");
    }
    // dave's socket was cut: reading it now yields what was in flight and
    // then its end, well short of 2,000 pushes.
    let mut pushes = 0;
    loop {
        match tokio::time::timeout(WAIT, sink_ws.next())
            .await
            .expect("the socket ends in time")
        {
            Some(Ok(Message::Binary(_))) => pushes += 1,
            Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
            Some(Ok(_)) => {}
        }
    }
    assert!(
        pushes < 2000,
        "{pushes} pushes reached a client that never read"
    );
    server.shutdown().await;
}
