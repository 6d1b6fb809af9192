//! The attack suite of issue 14: each class of attack run against the
//! server (tokio driver, in this process) on 127.0.0.1, bounded in count
//! and time, asserting what the server holds, what it refused and that a
//! logged-in user is still answered — never a latency, so a loaded CI
//! machine cannot make it flaky.
//!
//! The load run that measures the issue's figures (release build, a server
//! process of its own, 1,000 sockets) is `load_run` below, ignored by
//! default; docs/HOSTILE_INPUT.md has the command and its results.

#[path = "common/net.rs"]
mod net;

use std::time::{Duration, Instant};

use async_tungstenite::tungstenite::Message;
use net::*;
use serde_json::json;
use tcchat_server::engine::RateLimit;
use tcchat_server::{codes, start, ServerConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Bytes the engine may hold for one connection before login: its frame
/// limit plus the per-message overhead of the transport.
fn share_before_login(config: &ServerConfig) -> usize {
    config.max_frame_bytes_before_login + 256
}

/// Wait (at most [`WAIT`]) until `check` holds; false if it never did.
async fn eventually(mut check: impl FnMut() -> bool) -> bool {
    let until = Instant::now() + WAIT;
    while Instant::now() < until {
        if check() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    check()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sockets_flooding_large_frames_before_login_are_cut_off_within_their_share() {
    let config = server_config();
    let server = start(config.clone()).await.unwrap();
    let base = server.ws_url();
    let mut alice = NetUser::login(&base, "alice", 1).await;
    const FLOODERS: u32 = 40;
    let big = vec![b'x'; 1 << 20];
    let mut tasks = Vec::new();
    for i in 0..FLOODERS {
        let (base, big) = (base.clone(), big.clone());
        tasks.push(tokio::spawn(async move {
            let mut ws = ws_connect(&base, 100 + i).await;
            // Up to five 1 MiB messages, each bounded in time.
            send_up_to(&mut ws, 5, || Message::Binary(big.clone().into())).await;
            ws_end(&mut ws).await
        }));
    }
    // The logged-in user is answered throughout.
    for _ in 0..20 {
        assert_eq!(alice.ping().await["ErrorCode"], 0);
    }
    for task in tasks {
        let end = task.await.unwrap();
        assert_ne!(end, End::Open, "every flooder is cut off");
    }
    let stats = server.stats();
    let bound = FLOODERS as usize * share_before_login(&config) + (4 << 20);
    assert!(
        stats.input_bytes_peak <= bound,
        "held {} bytes at most, bound {bound}",
        stats.input_bytes_peak
    );
    assert_eq!(alice.ping().await["ErrorCode"], 0);
    server.shutdown().await;
}

/// Send up to `n` messages made by `message`, each bounded by [`WAIT`];
/// stop at the first that fails (the server closed the socket).
async fn send_up_to(ws: &mut Ws, n: usize, mut message: impl FnMut() -> Message) {
    for _ in 0..n {
        let sent = tokio::time::timeout(WAIT, ws.send(message())).await;
        if !matches!(sent, Ok(Ok(()))) {
            break;
        }
    }
}

/// A WebSocket handshake by hand, then the header of a masked binary frame
/// that claims `len` bytes.
async fn raw_ws_with_frame_header(addr: std::net::SocketAddr, len: u64) -> TcpStream {
    let mut tcp = raw_ws(addr).await;
    tcp.write_all(&masked_frame_header(0x82, len))
        .await
        .unwrap();
    tcp
}

/// The header of a masked client frame: first byte `first` (FIN bit and
/// opcode), 64-bit length `len`, mask 1 2 3 4.
fn masked_frame_header(first: u8, len: u64) -> Vec<u8> {
    let mut header = vec![first, 0x80 | 127];
    header.extend_from_slice(&len.to_be_bytes());
    header.extend_from_slice(&[1, 2, 3, 4]);
    header
}

/// A WebSocket handshake by hand, before login.
async fn raw_ws(addr: std::net::SocketAddr) -> TcpStream {
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    let req = format!(
        "GET /binfo?sdkappid={NET_APP} HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\n\
         Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
         Sec-WebSocket-Version: 13\r\n\r\n"
    );
    tcp.write_all(req.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    let mut byte = [0u8; 1];
    while !response.ends_with(b"\r\n\r\n") {
        let n = tokio::time::timeout(WAIT, tcp.read(&mut byte))
            .await
            .expect("handshake answered in time")
            .unwrap();
        assert_eq!(n, 1, "handshake answered");
        response.push(byte[0]);
    }
    assert!(response.starts_with(b"HTTP/1.1 101"), "upgraded");
    tcp
}

/// Read until the server closes the socket; false if it is still open
/// after [`WAIT`].
async fn closed_by_server(tcp: &mut TcpStream) -> bool {
    let mut buf = [0u8; 4096];
    let read = async {
        loop {
            match tcp.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    };
    tokio::time::timeout(WAIT, read).await.is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partial_frames_before_login_are_not_buffered_past_the_limit() {
    let config = server_config();
    let server = start(config.clone()).await.unwrap();
    let mut alice = NetUser::login(&server.ws_url(), "alice", 1).await;
    const SOCKETS: usize = 30;
    let mut socks = Vec::new();
    for _ in 0..SOCKETS {
        let mut tcp = raw_ws_with_frame_header(server.ws_addr(), 2 << 20).await;
        // 256 KiB of a 2 MiB message: far past the limit before login.
        let chunk = vec![0u8; 16 * 1024];
        for _ in 0..16 {
            match tokio::time::timeout(WAIT, tcp.write_all(&chunk)).await {
                Ok(Ok(())) => {}
                _ => break,
            }
        }
        socks.push(tcp);
    }
    assert_eq!(alice.ping().await["ErrorCode"], 0);
    // Closed long before the 30 s login deadline: the reads were cut off.
    for tcp in &mut socks {
        assert!(closed_by_server(tcp).await, "a partial frame is not held");
    }
    assert!(server.stats().input_bytes_peak <= SOCKETS * share_before_login(&config) + (1 << 20));
    assert!(eventually(|| server.stats().ws_sockets_open == 1).await);
    server.shutdown().await;
}

/// WebSocket allows pings between the fragments of a message, and the
/// WebSocket layer hands each ping over while it keeps the unfinished
/// message: a ping must not count as the end of a message, or the cap on
/// what one socket may make the server buffer before login is lifted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pings_between_fragments_do_not_lift_the_cap_before_login() {
    let server = start(server_config()).await.unwrap();
    let mut tcp = raw_ws(server.ws_addr()).await;
    const FRAGMENT: u64 = 32 * 1024;
    let payload = vec![0u8; FRAGMENT as usize];
    let ping = masked_frame_header(0x89, 0);
    // Up to 1 MiB in 32 KiB fragments, a ping after each: far past the
    // 64 KiB (+ read slack) a socket may send before login.
    let mut sent = 0u64;
    for i in 0..32 {
        let first = if i == 0 { 0x02 } else { 0x00 };
        let mut bytes = masked_frame_header(first, FRAGMENT);
        bytes.extend_from_slice(&payload);
        bytes.extend_from_slice(&ping);
        match tokio::time::timeout(WAIT, tcp.write_all(&bytes)).await {
            Ok(Ok(())) => sent += FRAGMENT,
            _ => break,
        }
    }
    assert!(
        closed_by_server(&mut tcp).await,
        "the socket was still open after {sent} bytes of one unfinished message"
    );
    assert!(eventually(|| server.stats().ws_sockets_open == 0).await);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bare_tcp_connections_count_from_accept_and_expire_at_the_handshake_deadline() {
    let mut config = server_config();
    config.max_conns_per_ip = 20;
    let server = start(config).await.unwrap();
    let mut bare = Vec::new();
    for _ in 0..40 {
        bare.push(TcpStream::connect(server.ws_addr()).await.unwrap());
    }
    assert!(
        eventually(|| server.stats().ws_refused_at_accept >= 20).await,
        "{:?}",
        server.stats()
    );
    assert!(server.stats().ws_sockets_open <= 20);
    // Without a handshake they are closed at its deadline (5 s), freeing
    // the address's slots for real clients.
    let deadline_passed = tokio::time::timeout(Duration::from_secs(15), async {
        while server.stats().ws_sockets_open > 0 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(deadline_passed.is_ok(), "{:?}", server.stats());
    let mut alice = NetUser::login(&server.ws_url(), "alice", 1).await;
    assert_eq!(alice.ping().await["ErrorCode"], 0);
    drop(bare);
    server.shutdown().await;
}

/// Whether a push with `servcmd` arrives on `ws` within [`WAIT`].
async fn pushed(ws: &mut Ws, servcmd: &str) -> bool {
    use futures_util::StreamExt;
    let read = async {
        while let Some(Ok(msg)) = ws.next().await {
            if let Message::Binary(bytes) = msg {
                let frame = tcchat_core::wire::decode(&bytes).expect("server frames decode");
                if frame.head.servcmd == servcmd {
                    return true;
                }
            }
        }
        false
    };
    tokio::time::timeout(WAIT, read).await.unwrap_or(false)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_rest_connections_do_not_lock_out_the_admin_api() {
    // Requests that never finish their headers.
    admin_api_survives(b"POST /v4/im_open_login_svc/kick HTTP/1.1\r\nHost: x\r\n").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_rest_bodies_do_not_lock_out_the_admin_api() {
    // Whole headers, then a body that never comes: a connection still
    // reading its body is as idle as one reading its headers.
    admin_api_survives(
        b"POST /v4/im_open_login_svc/kick HTTP/1.1\r\nHost: x\r\nContent-Length: 65536\r\n\r\n{",
    )
    .await;
}

/// 300 connections from one address send `slow_request` and nothing more;
/// ten REST kicks by the administrator must all be answered meanwhile.
async fn admin_api_survives(slow_request: &'static [u8]) {
    let server = start(server_config()).await.unwrap();
    let http = server.http_addr().unwrap();
    let url = server.http_url().unwrap();
    let mut alice = NetUser::login(&server.ws_url(), "alice", 1).await;
    let mut slow = Vec::new();
    for _ in 0..300 {
        let mut tcp = TcpStream::connect(http).await.unwrap();
        let _ = tcp.write_all(slow_request).await;
        slow.push(tcp);
    }
    let mut answered = 0;
    for _ in 0..10 {
        let url = url.clone();
        let kick = tokio::task::spawn_blocking(move || {
            tcchat_server::admin_client::rest_kick(
                &url,
                NET_APP,
                NET_KEY,
                "administrator",
                "alice",
                unix_now(),
            )
        });
        let reply = tokio::time::timeout(WAIT, kick).await;
        if let Ok(Ok(Ok(reply))) = reply {
            assert_eq!(reply.error_code, 0, "{}", reply.body);
            answered += 1;
        }
    }
    assert_eq!(answered, 10, "every admin call got through");
    let stats = server.stats();
    assert!(stats.http_evicted > 0, "{stats:?}");
    assert!(stats.http_conns_open <= ServerConfig::DEFAULT_MAX_HTTP_CONNS_PER_IP);
    // The kicks reached alice's socket.
    assert!(pushed(&mut alice.ws, "im_open_status.stat_forceoffline").await);
    drop(slow);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn small_frames_before_login_are_rate_limited_and_the_socket_closed() {
    let server = start(server_config()).await.unwrap();
    let base = server.ws_url();
    let mut alice = NetUser::login(&base, "alice", 1).await;
    let mut floods = Vec::new();
    for i in 0..6 {
        let base = base.clone();
        floods.push(tokio::spawn(async move {
            let mut ws = ws_connect(&base, 10 + i).await;
            let head = tcchat_core::wire::Head::request(
                NET_APP,
                &tcchat_core::wire::HeadIdentity::Anonymous,
                "heartbeat.alive",
                1,
                0,
            );
            let ping = tcchat_core::wire::encode(&head, &json!({}));
            send_up_to(&mut ws, 1000, || Message::Binary(ping.clone())).await;
            ws_end(&mut ws).await
        }));
    }
    for _ in 0..20 {
        assert_eq!(alice.ping().await["ErrorCode"], 0);
    }
    for flood in floods {
        // The close frame, or a reset when the flooder's writes crossed it.
        let end = flood.await.unwrap();
        assert!(
            matches!(
                end,
                End::Closed(codes::CLOSE_TOO_MANY_FRAMES) | End::Dropped
            ),
            "{end:?}"
        );
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_pings_before_login_are_capped_too() {
    let server = start(server_config()).await.unwrap();
    let mut ws = ws_connect(&server.ws_url(), 1).await;
    send_up_to(&mut ws, 1000, || Message::Ping(vec![1u8; 100].into())).await;
    let end = ws_end(&mut ws).await;
    assert!(
        matches!(
            end,
            End::Closed(codes::CLOSE_TOO_MANY_FRAMES) | End::Dropped
        ),
        "{end:?}"
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flooding_sender_is_held_to_its_rate_and_others_are_served() {
    let mut config = server_config();
    config.message_rate_per_user = RateLimit {
        burst: 20,
        per_minute: 600,
    };
    let server = start(config).await.unwrap();
    let base = server.ws_url();
    let mut mallory = NetUser::login(&base, "mallory", 1).await;
    let mut bob = NetUser::login(&base, "bob", 2).await;
    let started = Instant::now();
    let (mut accepted, mut limited) = (0u64, 0u64);
    for n in 0..300 {
        let reply = mallory.send_text("victim", n, "spam").await;
        match reply["ErrorCode"].as_u64() {
            Some(0) => accepted += 1,
            Some(c) if c == u64::from(codes::SEND_RATE_LIMITED) => limited += 1,
            other => panic!("unexpected reply {other:?}"),
        }
        if n % 50 == 0 {
            assert_eq!(bob.send_text("alice", n, "hello").await["ErrorCode"], 0);
        }
    }
    // At most the burst plus what the rate (10/s) earned meanwhile.
    let earned = (started.elapsed().as_secs_f64() * 10.0).ceil() as u64;
    assert!(
        accepted <= 20 + earned + 1,
        "{accepted} accepted in {:?}",
        started.elapsed()
    );
    assert!(accepted >= 20, "the burst is honoured");
    assert_eq!(accepted + limited, 300);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a2_keys_come_from_the_os_even_with_a_fixed_seed() {
    // A fixed seed makes the engine's own draws repeat; the driver's A2
    // keys must not (issue 13: a CSPRNG outside the simulation).
    let mut keys = Vec::new();
    for _ in 0..2 {
        let mut config = server_config();
        config.seed = Some(7);
        let server = start(config).await.unwrap();
        let mut ws = ws_connect(&server.ws_url(), 1).await;
        let identity = tcchat_core::wire::HeadIdentity::UserSig {
            identifier: "alice".into(),
            usersig: tcchat_server::gen_usersig(NET_APP, NET_KEY, "alice", 3600, unix_now()),
        };
        let head =
            tcchat_core::wire::Head::request(NET_APP, &identity, "im_open_status.wslogin", 1, 0);
        ws.send(Message::Binary(tcchat_core::wire::encode(
            &head,
            &json!({}),
        )))
        .await
        .unwrap();
        let reply = loop {
            use futures_util::StreamExt;
            let msg = tokio::time::timeout(WAIT, ws.next()).await.unwrap();
            if let Some(Ok(Message::Binary(bytes))) = msg {
                let frame = tcchat_core::wire::decode(&bytes).unwrap();
                break serde_json::from_str::<serde_json::Value>(frame.body.get()).unwrap();
            }
        };
        let key = reply["A2Key"].as_str().unwrap().to_owned();
        assert_eq!(key.len(), 32);
        keys.push(key);
        server.shutdown().await;
    }
    assert_ne!(keys[0], keys[1]);
}

// ------------------------------------------------------------------ load run

/// The figures of issue 14, against a release server process of its own:
///
/// ```sh
/// cargo build --release -p tcchat-server
/// cargo test --release -p tcchat-server --test attack -- --ignored --nocapture load_run
/// ```
#[test]
#[ignore = "load run: about two minutes, 1,000 sockets; run in release by hand"]
fn load_run() {
    load::run();
}

mod load {
    use super::*;
    use std::process::{Child, Command, Stdio};

    fn rss_kib(pid: u32) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    /// Where the process's resident memory is, from `/proc/<pid>/smaps`:
    /// thread count, and resident KiB of the main heap (`[heap]`), of
    /// other anonymous mappings (allocator arenas and large blocks, thread
    /// stacks) and of file-backed mappings (the binary, libraries).
    fn memory_breakdown(pid: u32) -> String {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let threads = status
            .lines()
            .find_map(|l| l.strip_prefix("Threads:"))
            .map_or("?", str::trim)
            .to_owned();
        let smaps = std::fs::read_to_string(format!("/proc/{pid}/smaps")).unwrap_or_default();
        let (mut heap, mut anon, mut file, mut anon_maps) = (0u64, 0u64, 0u64, 0u32);
        let mut kind = 0;
        for line in smaps.lines() {
            let mut fields = line.split_whitespace();
            let first = fields.next().unwrap_or("");
            if first.contains('-') && first.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
                let path = line.split_whitespace().nth(5).unwrap_or("");
                kind = match path {
                    "[heap]" => 0,
                    "" | "[stack]" => 1,
                    p if p.starts_with('[') => 3,
                    _ => 2,
                };
                if kind == 1 {
                    anon_maps += 1;
                }
            } else if first == "Rss:" {
                let kib: u64 = fields.next().and_then(|v| v.parse().ok()).unwrap_or(0);
                match kind {
                    0 => heap += kib,
                    1 => anon += kib,
                    2 => file += kib,
                    _ => {}
                }
            }
        }
        format!(
            "threads {threads}; resident KiB: [heap] {heap}, other anonymous {anon} \
             ({anon_maps} mappings), file-backed {file}"
        )
    }

    struct Server {
        child: Child,
        ws: String,
        http: String,
        log_bytes: std::sync::Arc<std::sync::atomic::AtomicU64>,
    }

    impl Drop for Server {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    fn free_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    fn spawn_server() -> Server {
        let (ws_port, http_port) = (free_port(), free_port());
        let dir = std::env::temp_dir().join(format!("tcchat-load-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let cfg = dir.join("load.toml");
        std::fs::write(
            &cfg,
            format!(
                "ws_addr = \"127.0.0.1:{ws_port}\"\nhttp_addr = \"127.0.0.1:{http_port}\"\n\
                 db = \"{}\"\nmax_conns_per_ip = 2048\n\
                 [message_rate_per_user]\nburst = 20\nper_minute = 1200\n\
                 [[apps]]\nsdk_app_id = {NET_APP}\nsecret_key = \"{NET_KEY}\"\n",
                dir.join("load.db").display()
            ),
        )
        .unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_tcchat-server"))
            .args(["serve", "--config"])
            .arg(&cfg)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("the server binary starts");
        let log_bytes = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let mut stderr = child.stderr.take().unwrap();
        let counter = log_bytes.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while let Ok(n) = std::io::Read::read(&mut stderr, &mut buf) {
                if n == 0 {
                    break;
                }
                counter.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
            }
        });
        let until = Instant::now() + WAIT;
        while std::net::TcpStream::connect(("127.0.0.1", ws_port)).is_err() {
            assert!(Instant::now() < until, "the server listens");
            std::thread::sleep(Duration::from_millis(50));
        }
        Server {
            child,
            ws: format!("ws://127.0.0.1:{ws_port}"),
            http: format!("http://127.0.0.1:{http_port}"),
            log_bytes,
        }
    }

    fn percentile(sorted: &[Duration], p: f64) -> Duration {
        if sorted.is_empty() {
            return Duration::ZERO;
        }
        let i = ((sorted.len() - 1) as f64 * p).round() as usize;
        sorted[i]
    }

    /// Ping `user` every 50 ms until `stop`; the round trips.
    async fn pings(user: &mut NetUser, stop: Instant) -> Vec<Duration> {
        let mut rtts = Vec::new();
        while Instant::now() < stop {
            let t = Instant::now();
            let reply = user.ping().await;
            assert_eq!(reply["ErrorCode"], 0);
            rtts.push(t.elapsed());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        rtts.sort();
        rtts
    }

    fn report(name: &str, rtts: &[Duration]) {
        println!(
            "{name}: n={} p50={:?} p99={:?} max={:?}",
            rtts.len(),
            percentile(rtts, 0.5),
            percentile(rtts, 0.99),
            rtts.last().copied().unwrap_or_default()
        );
    }

    /// Connect and send 1 MiB messages until the socket is cut or `stop`.
    async fn flood_frames(base: &str, big: &[u8], stop: Instant) {
        let url = format!("{base}/binfo?sdkappid={NET_APP}");
        let connected =
            tokio::time::timeout(WAIT, async_tungstenite::tokio::connect_async(url)).await;
        let Ok(Ok((mut ws, _))) = connected else {
            return;
        };
        while Instant::now() < stop {
            let message = Message::Binary(big.to_vec().into());
            let sent = tokio::time::timeout(Duration::from_secs(2), ws.send(message)).await;
            if !matches!(sent, Ok(Ok(()))) {
                return;
            }
        }
    }

    /// Start a 2 MiB message and trickle its bytes until cut or `stop`.
    async fn hold_partial_frame(addr: std::net::SocketAddr, stop: Instant) {
        let Ok(mut tcp) = tokio::time::timeout(WAIT, raw_ws_with_frame_header(addr, 2 << 20)).await
        else {
            return;
        };
        let chunk = vec![0u8; 16 * 1024];
        while Instant::now() < stop {
            let wrote = tokio::time::timeout(Duration::from_secs(2), tcp.write_all(&chunk)).await;
            if !matches!(wrote, Ok(Ok(()))) {
                return;
            }
        }
    }

    pub(super) fn run() {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let server = spawn_server();
            let pid = server.child.id();
            tokio::time::sleep(Duration::from_secs(1)).await;
            let idle = rss_kib(pid);
            println!("idle RSS: {idle} KiB ({})", memory_breakdown(pid));
            let mut alice = NetUser::login(&server.ws, "alice", 1).await;
            tokio::time::sleep(Duration::from_secs(1)).await;
            let idle_user = rss_kib(pid);
            println!(
                "idle RSS with a logged-in user: {idle_user} KiB ({})",
                memory_breakdown(pid)
            );

            // 1. 1,000 sockets, half flooding 1 MiB frames, half holding
            //    partial 2 MiB frames, for 60 s.
            const SOCKETS: u32 = 1000;
            let stop = Instant::now() + Duration::from_secs(60);
            let log_before = server.log_bytes.load(std::sync::atomic::Ordering::Relaxed);
            let addr: std::net::SocketAddr = server.ws.trim_start_matches("ws://").parse().unwrap();
            let mut tasks = Vec::new();
            for i in 0..SOCKETS {
                let base = server.ws.clone();
                tasks.push(tokio::spawn(async move {
                    let big = vec![b'x'; 1 << 20];
                    while Instant::now() < stop {
                        if i % 2 == 0 {
                            flood_frames(&base, &big, stop).await;
                        } else {
                            hold_partial_frame(addr, stop).await;
                        }
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                }));
            }
            let sampler = tokio::spawn(async move {
                let mut peak = 0;
                while Instant::now() < stop {
                    peak = peak.max(rss_kib(pid));
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
                peak
            });
            let rtts = pings(&mut alice, stop).await;
            for t in tasks {
                let _ = t.await;
            }
            let peak = sampler.await.unwrap();
            let log_after = server.log_bytes.load(std::sync::atomic::Ordering::Relaxed);
            report("flood: logged-in ping", &rtts);
            println!("flood: peak RSS {peak} KiB ({} MiB)", peak / 1024);
            println!(
                "flood: log output {} bytes in 60 s ({} B/s)",
                log_after - log_before,
                (log_after - log_before) / 60
            );
            tokio::time::sleep(Duration::from_secs(5)).await;
            let after = rss_kib(pid);
            println!(
                "after the flood: RSS {after} KiB ({:+.1} % of idle, {:+.1} % of idle with a logged-in user; {})",
                (after as f64 / idle.max(1) as f64 - 1.0) * 100.0,
                (after as f64 / idle_user.max(1) as f64 - 1.0) * 100.0,
                memory_breakdown(pid)
            );

            // 2. The REST kick while 300 slow connections are open.
            let http: std::net::SocketAddr = server.http.trim_start_matches("http://").parse().unwrap();
            let mut slow = Vec::new();
            for _ in 0..300 {
                if let Ok(mut tcp) = TcpStream::connect(http).await {
                    let _ = tcp.write_all(b"POST /v4/im_open_login_svc/kick HTTP/1.1\r\nHost: x\r\n").await;
                    slow.push(tcp);
                }
            }
            let mut kicks = Vec::new();
            for _ in 0..30 {
                let url = server.http.clone();
                let t = Instant::now();
                let reply = tokio::task::spawn_blocking(move || {
                    tcchat_server::admin_client::rest_kick(&url, NET_APP, NET_KEY, "administrator", "nobody-here", unix_now())
                })
                .await
                .unwrap();
                let ok = reply.is_ok_and(|r| r.error_code == 0 || r.error_code == u64::from(codes::REST_USER_NOT_FOUND));
                if ok {
                    kicks.push(t.elapsed());
                }
            }
            kicks.sort();
            println!("REST kick under 300 slow connections: {} of 30 answered", kicks.len());
            report("REST kick", &kicks);
            drop(slow);

            // 3. A flooding sender against others' sends.
            let mut mallory = NetUser::login(&server.ws, "mallory", 2).await;
            let mut bob = NetUser::login(&server.ws, "bob", 3).await;
            let stop = Instant::now() + Duration::from_secs(20);
            let flood = tokio::spawn(async move {
                let (mut ok, mut limited, mut n) = (0u64, 0u64, 0u64);
                let started = Instant::now();
                while Instant::now() < stop {
                    n += 1;
                    match mallory.send_text("victim", n, "spam").await["ErrorCode"].as_u64() {
                        Some(0) => ok += 1,
                        _ => limited += 1,
                    }
                }
                (ok, limited, started.elapsed())
            });
            let mut sends = Vec::new();
            let mut n = 0;
            while Instant::now() < stop {
                n += 1;
                let t = Instant::now();
                assert_eq!(bob.send_text("carol", n, "hi").await["ErrorCode"], 0);
                sends.push(t.elapsed());
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            let (ok, limited, took) = flood.await.unwrap();
            sends.sort();
            println!(
                "flooding sender: {ok} accepted ({:.1}/s; configured 20/s after a burst of 20), {limited} refused with 10023, in {took:?}",
                ok as f64 / took.as_secs_f64()
            );
            report("others' send", &sends);

            // 4. Log output under request floods a peer controls: a
            //    logged-in user sending unsupported 2 KiB servcmds, and
            //    sockets sending logins with 4 KiB identifiers, for 10 s.
            let mut eve = NetUser::login(&server.ws, "eve", 4).await;
            let stop = Instant::now() + Duration::from_secs(10);
            let log_before = server.log_bytes.load(std::sync::atomic::Ordering::Relaxed);
            let base = server.ws.clone();
            let logins = tokio::spawn(async move {
                let mut sent = 0u64;
                let identity = tcchat_core::wire::HeadIdentity::UserSig {
                    identifier: "i".repeat(4096),
                    usersig: "s".into(),
                };
                while Instant::now() < stop {
                    let mut ws = ws_connect(&base, 5).await;
                    for seq in 0..30 {
                        let head = tcchat_core::wire::Head::request(
                            NET_APP,
                            &identity,
                            "im_open_status.wslogin",
                            seq,
                            0,
                        );
                        let frame = tcchat_core::wire::encode(&head, &json!({}));
                        if ws.send(Message::Binary(frame)).await.is_err() {
                            break;
                        }
                        sent += 1;
                    }
                    let _ = ws_end(&mut ws).await;
                }
                sent
            });
            let servcmd = format!("x.{}", "y".repeat(2048));
            let mut unsupported = 0u64;
            while Instant::now() < stop {
                assert_eq!(eve.call(&servcmd, json!({})).await["ErrorCode"], 10003);
                unsupported += 1;
            }
            let logins = logins.await.unwrap();
            let logged = server.log_bytes.load(std::sync::atomic::Ordering::Relaxed) - log_before;
            println!(
                "log flood: {unsupported} unsupported 2 KiB servcmds and {logins} logins with 4 KiB identifiers in 10 s: {logged} bytes of log ({} B/s)",
                logged / 10
            );
            tokio::time::sleep(Duration::from_secs(5)).await;
            println!("at the end: RSS {} KiB", rss_kib(pid));
        });
    }
}
