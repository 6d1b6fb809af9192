//! End to end over loopback, written once for the three runtimes (each
//! runtime crate's `benches/e2e.rs` includes this file and supplies an
//! [`Exec`]).
//!
//! * **SDK**: user `a` sends C2C text messages to user `b` through the
//!   reference server (`tcchat_server::start_in_thread`: its own thread and
//!   current-thread tokio runtime, in-memory SQLite); a message counts when
//!   `b`'s MESSAGE_RECEIVED listener has it.
//! * **Limit**: a raw WebSocket client on the same runtime, through the same
//!   WebSocket library and configuration as the SDK's transport
//!   (async-tungstenite, 1 MiB message limit, TCP_NODELAY), sends frames of
//!   the same size as the SDK's `openim.sendmsg` frame to an echo server
//!   built like the reference server's transport (async-tungstenite on its
//!   own thread and current-thread tokio runtime) and counts the echoes.
//!
//! Both sides keep the same number of messages in flight ([`WINDOW`]).

#![allow(dead_code)] // each bench uses a different part

use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use async_tungstenite::tungstenite::protocol::WebSocketConfig;
use async_tungstenite::tungstenite::Message as WsMessage;
use async_tungstenite::WebSocketStream;
use futures_util::future::{select, Either};
use futures_util::StreamExt;
use tcchat_core::model::{CreateTextMessageOptions, Payload};
use tcchat_core::proto::{MsgElem, SendMsgRequest};
use tcchat_core::wire::{encode, servcmd, Head, HeadIdentity, Limits};
use tcchat_core::{Event, EventName, Options};
use tcchat_runtime_common::{Chat, Io, ListenerHandle, LoginOptions, Runtime};
use tcchat_server::{gen_usersig, start_in_thread, AppConfig, BackgroundServer, ServerConfig};

pub const APP: u64 = 1_400_000_000;
pub const KEY: &str = "bench-secret-key";
/// Messages in flight at once in throughput runs, on both sides.
pub const WINDOW: u64 = 64;
/// How long any single wait may take before the bench gives up (loopback
/// answers in microseconds; this only catches a wedged run).
pub const PATIENCE: Duration = Duration::from_secs(30);

/// What each runtime's bench supplies.
pub trait Exec {
    type R: Runtime + Default;
    const NAME: &'static str;
    fn block_on<F: Future>(&self, f: F) -> F::Output;
}

pub fn unix_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

pub fn sig(user: &str) -> String {
    gen_usersig(APP, KEY, user, 86_400, unix_secs())
}

pub fn server_config() -> ServerConfig {
    ServerConfig::ephemeral(vec![AppConfig {
        sdk_app_id: APP,
        secret_key: KEY.into(),
    }])
}

pub fn start_server() -> BackgroundServer {
    start_in_thread(server_config()).expect("server starts")
}

/// The text of message `idx`: an 8-digit index (parsed back by the
/// receiver), then a typical chat line.
pub fn text(idx: u64) -> String {
    format!("{idx:08} Hello world! Are we still on for lunch tomorrow?")
}

fn idx_of(text: &str) -> Option<u64> {
    text.get(..8)?.parse().ok()
}

/// Wait for `f`, or panic after [`PATIENCE`].
pub async fn within<R: Runtime + Default, T>(what: &str, f: impl Future<Output = T>) -> T {
    let f = std::pin::pin!(f);
    match select(f, R::default().sleep_until(Instant::now() + PATIENCE)).await {
        Either::Left((v, _)) => v,
        Either::Right(_) => panic!("bench: no {what} within {PATIENCE:?}"),
    }
}

/// Two logged-in SDK instances, `a` sending to `b`.
pub struct SdkPair<R: Runtime> {
    pub a: Chat<R>,
    pub b: Chat<R>,
    /// (message index, when `b`'s listener saw it)
    rx: futures_channel::mpsc::UnboundedReceiver<(u64, Instant)>,
    _listener: ListenerHandle,
    next: u64,
}

impl<R: Runtime + Default> SdkPair<R> {
    /// Must run inside the runtime (tokio needs its context for `create`).
    pub async fn new(url: &str, a: &str, b: &str) -> SdkPair<R> {
        let opts = Options::new(APP).with_proxy_server(url);
        let chat_a = Chat::<R>::create_independent(opts.clone());
        let chat_b = Chat::<R>::create_independent(opts);
        let (tx, rx) = futures_channel::mpsc::unbounded();
        let listener = chat_b
            .on(EventName::MessageReceived, move |e: &Event| {
                let now = Instant::now();
                if let Event::MessageReceived(list) = e {
                    for m in list {
                        if let Payload::Text { text } = &m.payload {
                            if let Some(i) = idx_of(text) {
                                let _ = tx.unbounded_send((i, now));
                            }
                        }
                    }
                }
            })
            .expect("listener");
        within::<R, _>("login", chat_a.login(LoginOptions::new(a, sig(a))))
            .await
            .expect("login a");
        within::<R, _>("login", chat_b.login(LoginOptions::new(b, sig(b))))
            .await
            .expect("login b");
        SdkPair {
            a: chat_a,
            b: chat_b,
            rx,
            _listener: listener,
            next: 0,
        }
    }

    fn submit(&mut self, to: &str) -> u64 {
        let idx = self.next;
        self.next += 1;
        let msg = self
            .a
            .create_text_message(&CreateTextMessageOptions::c2c(to, text(idx)))
            .expect("create");
        // Submitted at once; its reply is not awaited (the peer's receipt is
        // what counts).
        drop(self.a.send_message(&msg));
        idx
    }

    async fn received(&mut self) -> (u64, Instant) {
        within::<R, _>("MESSAGE_RECEIVED", self.rx.next())
            .await
            .expect("listener alive")
    }

    /// `n` messages with [`WINDOW`] in flight; the time until `b` had them
    /// all.
    pub async fn throughput(&mut self, to: &str, n: u64) -> Duration {
        let t0 = Instant::now();
        let (mut sent, mut got) = (0, 0);
        while got < n {
            while sent < n && sent - got < WINDOW {
                self.submit(to);
                sent += 1;
            }
            self.received().await;
            got += 1;
        }
        t0.elapsed()
    }

    /// One message, alone: send → MESSAGE_RECEIVED on the peer.
    pub async fn latency(&mut self, to: &str) -> Duration {
        let t0 = Instant::now();
        let idx = self.submit(to);
        let (got, at) = self.received().await;
        assert_eq!(got, idx, "messages arrived out of order");
        at - t0
    }

    pub async fn destroy(self) {
        let _ = self.a.destroy().await;
        let _ = self.b.destroy().await;
    }
}

/// The bytes of an `openim.sendmsg` frame like the SDK's (same head, same
/// body, same text length): what the echo client sends.
pub fn sendmsg_frame() -> Vec<u8> {
    let identity = HeadIdentity::A2 {
        a2: "a2".repeat(48),
        tinyid: "144115000000000001".into(),
        instid: 5,
    };
    let head = Head::request(APP, &identity, servcmd::SEND_C2C, 12_345_678, unix_secs());
    let content =
        serde_json::value::to_raw_value(&serde_json::json!({ "Text": text(0) })).expect("json");
    let body = SendMsgRequest {
        from_account: "user-a".into(),
        to_account: "user-b".into(),
        msg_seq: 1_234_567,
        msg_random: 3_141_592_653,
        msg_body: vec![MsgElem {
            msg_type: "TIMTextElem".into(),
            msg_content: content,
        }],
        msg_client_time: unix_secs(),
        ..Default::default()
    };
    encode(&head, &body).to_vec()
}

/// The SDK transport's WebSocket configuration (runtime-common's
/// `transport.rs`).
pub fn ws_config() -> WebSocketConfig {
    let limit = Limits::default().max_frame_bytes;
    WebSocketConfig::default()
        .max_message_size(Some(limit))
        .max_frame_size(Some(limit))
}

/// A WebSocket echo server on its own thread and current-thread tokio
/// runtime, accepting like the reference server's transport. Stops when
/// dropped.
pub struct EchoServer {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl EchoServer {
    pub fn start() -> EchoServer {
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop, mut stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new().name("echo-server".into()).spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("tokio");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind");
                addr_tx.send(listener.local_addr().expect("addr")).expect("send addr");
                loop {
                    tokio::select! {
                        accepted = listener.accept() => {
                            let Ok((stream, _)) = accepted else { continue };
                            let _ = stream.set_nodelay(true);
                            tokio::spawn(async move {
                                let limit = Limits::default().max_frame_bytes * 2;
                                let config = WebSocketConfig::default()
                                    .max_message_size(Some(limit))
                                    .max_frame_size(Some(limit));
                                let Ok(mut ws) = async_tungstenite::tokio::accept_async_with_config(stream, Some(config)).await else {
                                    return;
                                };
                                while let Some(Ok(msg)) = ws.next().await {
                                    if let WsMessage::Binary(data) = msg {
                                        if ws.send(WsMessage::Binary(data)).await.is_err() {
                                            return;
                                        }
                                    } else if msg.is_close() {
                                        return;
                                    }
                                }
                            });
                        }
                        _ = &mut stop_rx => return,
                    }
                }
            });
        }).expect("echo thread");
        EchoServer {
            addr: addr_rx.recv().expect("echo server starts"),
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

impl Drop for EchoServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A raw WebSocket client of the echo server, connected the way the SDK's
/// transport connects (the runtime's TCP connect, then the client
/// handshake with the SDK's configuration).
pub struct EchoClient<R: Runtime> {
    ws: WebSocketStream<Box<dyn Io>>,
    payload: bytes::Bytes,
    _rt: std::marker::PhantomData<R>,
}

impl<R: Runtime + Default> EchoClient<R> {
    pub async fn connect(addr: SocketAddr) -> EchoClient<R> {
        let io = R::default()
            .connect_tcp(addr.ip().to_string(), addr.port())
            .await
            .expect("connect");
        let url = format!("ws://{addr}/binfo");
        let (ws, _) = async_tungstenite::client_async_with_config(url, io, Some(ws_config()))
            .await
            .expect("handshake");
        EchoClient {
            ws,
            payload: bytes::Bytes::from(sendmsg_frame()),
            _rt: std::marker::PhantomData,
        }
    }

    async fn echoed(&mut self) {
        match within::<R, _>("echo", self.ws.next()).await {
            Some(Ok(WsMessage::Binary(_))) => {}
            other => panic!("echo: unexpected {other:?}"),
        }
    }

    /// `n` frames with [`WINDOW`] in flight; the time until all came back.
    pub async fn throughput(&mut self, n: u64) -> Duration {
        let t0 = Instant::now();
        let (mut sent, mut got) = (0, 0);
        while got < n {
            while sent < n && sent - got < WINDOW {
                self.ws
                    .send(WsMessage::Binary(self.payload.clone()))
                    .await
                    .expect("send");
                sent += 1;
            }
            self.echoed().await;
            got += 1;
        }
        t0.elapsed()
    }

    /// One frame, alone: send → echo back.
    pub async fn latency(&mut self) -> Duration {
        let t0 = Instant::now();
        self.ws
            .send(WsMessage::Binary(self.payload.clone()))
            .await
            .expect("send");
        self.echoed().await;
        t0.elapsed()
    }
}

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// The figures of one runtime.
pub struct Figures {
    pub runtime: &'static str,
    /// Median over rounds, messages per second.
    pub sdk_mps: f64,
    pub echo_mps: f64,
    /// Median of the per-round `sdk / echo` throughput ratios, and its
    /// 25th..75th percentiles.
    pub ratio: f64,
    pub ratio_p25: f64,
    pub ratio_p75: f64,
    pub rounds: usize,
    /// Messages per side per round.
    pub per_round: u64,
    /// Each round's messages per second, in round order (index by index
    /// the same round on both sides).
    pub sdk_rounds: Vec<f64>,
    pub echo_rounds: Vec<f64>,
    pub sdk_p50: Duration,
    pub sdk_p99: Duration,
    pub echo_p50: Duration,
    pub echo_p99: Duration,
    pub samples: usize,
    /// CPU time per message, µs, by thread name, during the throughput
    /// rounds of each side.
    pub sdk_cpu_us: Vec<(String, f64)>,
    pub echo_cpu_us: Vec<(String, f64)>,
}

/// Paired throughput rounds (`rounds` × `per_round` messages each side,
/// alternating which goes first), then `samples` latency samples each side
/// in alternating blocks of 50.
pub fn measure<E: Exec>(
    exec: &E,
    url: &str,
    echo_addr: SocketAddr,
    rounds: usize,
    per_round: u64,
    samples: usize,
) -> Figures {
    exec.block_on(async {
        let mut sdk = SdkPair::<E::R>::new(url, "pair-a", "pair-b").await;
        let mut echo = EchoClient::<E::R>::connect(echo_addr).await;
        // Warm up both (caches, connection buffers, the server's tables).
        sdk.throughput("pair-b", per_round).await;
        echo.throughput(per_round).await;
        let (mut s, mut e, mut r) = (Vec::new(), Vec::new(), Vec::new());
        let mut sdk_cpu = std::collections::BTreeMap::<String, f64>::new();
        let mut echo_cpu = std::collections::BTreeMap::<String, f64>::new();
        let add = |acc: &mut std::collections::BTreeMap<String, f64>, d: Vec<(String, f64)>| {
            for (k, v) in d {
                *acc.entry(k).or_insert(0.0) += v;
            }
        };
        for i in 0..rounds {
            let sdk_first = i % 2 == 0;
            let mut ts = Duration::ZERO;
            let mut te = Duration::ZERO;
            for side in [sdk_first, !sdk_first] {
                let before = thread_cpu();
                if side {
                    ts = sdk.throughput("pair-b", per_round).await;
                    add(&mut sdk_cpu, cpu_delta(&before, &thread_cpu()));
                } else {
                    te = echo.throughput(per_round).await;
                    add(&mut echo_cpu, cpu_delta(&before, &thread_cpu()));
                }
            }
            let (ms, me) = (
                per_round as f64 / ts.as_secs_f64(),
                per_round as f64 / te.as_secs_f64(),
            );
            s.push(ms);
            e.push(me);
            r.push(ms / me);
        }
        let (mut ls, mut le) = (Vec::new(), Vec::new());
        while ls.len() < samples {
            for _ in 0..50 {
                ls.push(sdk.latency("pair-b").await);
            }
            for _ in 0..50 {
                le.push(echo.latency().await);
            }
        }
        sdk.destroy().await;
        let med = |v: &mut Vec<f64>, p: f64| {
            v.sort_by(f64::total_cmp);
            v[((v.len() - 1) as f64 * p).round() as usize]
        };
        ls.sort();
        le.sort();
        let (sdk_rounds, echo_rounds) = (s.clone(), e.clone());
        Figures {
            runtime: E::NAME,
            sdk_mps: med(&mut s, 0.5),
            echo_mps: med(&mut e, 0.5),
            ratio: med(&mut r, 0.5),
            ratio_p25: med(&mut r, 0.25),
            ratio_p75: med(&mut r, 0.75),
            rounds,
            per_round,
            sdk_rounds,
            echo_rounds,
            sdk_p50: percentile(&ls, 0.5),
            sdk_p99: percentile(&ls, 0.99),
            echo_p50: percentile(&le, 0.5),
            echo_p99: percentile(&le, 0.99),
            samples: ls.len(),
            sdk_cpu_us: per_msg(sdk_cpu, rounds as u64 * per_round),
            echo_cpu_us: per_msg(echo_cpu, rounds as u64 * per_round),
        }
    })
}

fn per_msg(m: std::collections::BTreeMap<String, f64>, n: u64) -> Vec<(String, f64)> {
    m.into_iter()
        .map(|(k, v)| (k, v * 1e6 / n as f64))
        .filter(|(_, v)| *v >= 0.05)
        .collect()
}

pub fn print_figures(f: &Figures) {
    println!(
        "\n== end to end on {} over loopback (paired rounds; load average {}) ==",
        f.runtime,
        crate::report::load_average()
    );
    println!(
        "throughput: SDK {:.0} msg/s, raw WebSocket echo {:.0} msg/s: SDK at {:.0}% of the limit \
         (p25..p75 {:.0}%..{:.0}%, {} rounds; goal >= 60%{})",
        f.sdk_mps,
        f.echo_mps,
        f.ratio * 100.0,
        f.ratio_p25 * 100.0,
        f.ratio_p75 * 100.0,
        f.rounds,
        if f.ratio >= 0.6 { ": met" } else { ": MISSED" }
    );
    println!(
        "latency (one message alone, {} samples): SDK send -> MESSAGE_RECEIVED p50 {:.0} us, p99 {:.0} us; \
         echo round trip p50 {:.0} us, p99 {:.0} us (p50 ratio {:.2}x)",
        f.samples,
        f.sdk_p50.as_secs_f64() * 1e6,
        f.sdk_p99.as_secs_f64() * 1e6,
        f.echo_p50.as_secs_f64() * 1e6,
        f.echo_p99.as_secs_f64() * 1e6,
        f.sdk_p50.as_secs_f64() / f.echo_p50.as_secs_f64()
    );
    let show = |v: &[(String, f64)]| {
        let total: f64 = v.iter().map(|(_, x)| x).sum();
        let parts: Vec<String> = v.iter().map(|(k, x)| format!("{k} {x:.1}")).collect();
        format!("{total:.1} us/msg ({})", parts.join(", "))
    };
    println!("CPU per message, SDK side: {}", show(&f.sdk_cpu_us));
    println!("CPU per message, echo side: {}", show(&f.echo_cpu_us));
}

/// Stores the paired rounds as `docs/charts/data/e2e_<runtime>.json` and
/// redraws the charts (BENCHMARKS.md §3–4's throughput chart among them).
/// For the full run only: the smoke test's rounds are too short to chart.
pub fn record_figures(f: &Figures) {
    let data = bench_charts::data::E2e {
        provenance: bench_charts::data::Provenance::now(),
        runtime: f.runtime.to_owned(),
        per_round: f.per_round,
        sdk_mps: f.sdk_rounds.iter().map(|v| v.round()).collect(),
        echo_mps: f.echo_rounds.iter().map(|v| v.round()).collect(),
    };
    let name = bench_charts::data::file::e2e(f.runtime);
    if let Err(e) = bench_charts::save_and_redraw(&name, &data) {
        println!("charts not updated: {e}");
    }
}

/// The criterion part: each side's throughput as criterion measures it
/// (one iteration = one message, [`WINDOW`] in flight), for its reports and
/// history.
pub fn criterion_throughput<E: Exec>(
    exec: &E,
    c: &mut criterion::Criterion,
    url: &str,
    echo_addr: SocketAddr,
) {
    let group_name = format!("e2e_{}", E::NAME);
    let (mut sdk, mut echo) = exec.block_on(async {
        (
            SdkPair::<E::R>::new(url, "crit-a", "crit-b").await,
            EchoClient::<E::R>::connect(echo_addr).await,
        )
    });
    let mut g = c.benchmark_group(&group_name);
    g.throughput(criterion::Throughput::Elements(1))
        .sample_size(10)
        .sampling_mode(criterion::SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    g.bench_function("limit_ws_echo", |b| {
        b.iter_custom(|n| exec.block_on(echo.throughput(n)))
    });
    g.bench_function("sdk_c2c_via_server", |b| {
        b.iter_custom(|n| exec.block_on(sdk.throughput("crit-b", n)))
    });
    g.finish();
    exec.block_on(sdk.destroy());
}

/// CPU time per thread, by thread name, from `/proc/self/task/*/stat`
/// (10 ms ticks; fine over a few seconds of rounds).
pub fn thread_cpu() -> std::collections::BTreeMap<String, f64> {
    let mut out = std::collections::BTreeMap::new();
    let Ok(dir) = std::fs::read_dir("/proc/self/task") else {
        return out;
    };
    for t in dir.flatten() {
        let Ok(stat) = std::fs::read_to_string(t.path().join("stat")) else {
            continue;
        };
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let name = stat[open + 1..close].to_string();
        let fields: Vec<&str> = stat[close + 2..].split_whitespace().collect();
        // utime and stime are fields 14 and 15 of the whole line.
        let ticks: f64 = fields.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0)
            + fields.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
        *out.entry(name).or_insert(0.0) += ticks / 100.0;
    }
    out
}

/// `after - before`, per thread name, in seconds.
pub fn cpu_delta(
    before: &std::collections::BTreeMap<String, f64>,
    after: &std::collections::BTreeMap<String, f64>,
) -> Vec<(String, f64)> {
    after
        .iter()
        .map(|(k, v)| (k.clone(), v - before.get(k).copied().unwrap_or(0.0)))
        .filter(|(_, v)| *v > 0.0)
        .collect()
}
