//! Scale: 10,000 logged-in SDK instances (`tcchat_tokio::Chat`, each with
//! its own WebSocket) in this process, against one reference server in a
//! child process, on tokio.
//!
//! ```text
//! cargo bench -p tcchat-tokio --bench scale
//! TCCHAT_SCALE_CLIENTS=2000 TCCHAT_SCALE_IDLE_SECS=60 cargo bench -p tcchat-tokio --bench scale
//! ```
//!
//! * client memory per idle instance: the RSS delta of this process
//!   (`/proc/self/statm`) and the live-heap delta (a counting global
//!   allocator), over all instances, once all are logged in and idle;
//! * server memory per connection: the child's RSS delta;
//! * CPU spent on heartbeats: CPU time of each process (`/proc/*/stat`)
//!   over an idle window (30 s by default), per idle minute;
//! * diagnostic: RSS per raw async-tungstenite client connection with the
//!   SDK's WebSocket configuration, and with a 4 KiB read buffer.
//!
//! The server runs in a child process (this binary re-executed) so that
//! each side's memory and CPU are its own, and so that each process needs
//! only one file descriptor per connection.

#[path = "support/e2e.rs"]
mod e2e;
#[path = "../../core/benches/common/report.rs"]
mod report;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use async_tungstenite::tungstenite::protocol::WebSocketConfig;
use async_tungstenite::tungstenite::Message as WsMessage;
use futures_util::StreamExt;
use tcchat_runtime_common::Runtime;
use tcchat_tokio::{Chat, LoginOptions, Options, TokioRuntime};

use e2e::{sendmsg_frame, sig, ws_config, APP};

#[path = "../../core/benches/common/alloc.rs"]
mod alloc;

const CHILD_ENV: &str = "TCCHAT_BENCH_CHILD";

/// RSS of a process, bytes.
fn rss(pid: &str) -> usize {
    let statm = std::fs::read_to_string(format!("/proc/{pid}/statm")).unwrap_or_default();
    statm
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0)
        * 4096
}

/// User + system CPU time of a process, seconds.
fn cpu(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let Some(close) = stat.rfind(')') else {
        return 0.0;
    };
    let f: Vec<&str> = stat[close + 2..].split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

/// The child: a reference server (or an echo server) until stdin closes.
fn child(kind: &str) {
    let addr = if kind == "echo" {
        let echo = e2e::EchoServer::start();
        let addr = format!("ws://{}", echo.addr);
        std::mem::forget(echo);
        addr
    } else {
        let mut config = e2e::server_config();
        // One client IP, 10,000 connections and logins at once: lift the
        // per-IP and server-wide login limits meant for the open internet
        // (the bench measures memory, not the herd spreading).
        config.max_conns_per_ip = 0;
        let unlimited = tcchat_server::engine::RateLimit {
            burst: 1_000_000,
            per_minute: 1_000_000,
        };
        config.login_rate_per_ip = unlimited;
        config.login_rate_total = unlimited;
        config.http_addr = None;
        let server = tcchat_server::start_in_thread(config).expect("server starts");
        let url = server.ws_url();
        std::mem::forget(server);
        url
    };
    println!("{addr}");
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    std::process::exit(0);
}

struct ChildProc {
    child: Child,
    url: String,
}

impl ChildProc {
    fn spawn(kind: &str) -> ChildProc {
        let mut child = Command::new(std::env::current_exe().expect("exe"))
            .env(CHILD_ENV, kind)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("child starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("child prints its address");
        ChildProc {
            child,
            url: line.trim().to_owned(),
        }
    }

    fn pid(&self) -> String {
        self.child.id().to_string()
    }
}

impl Drop for ChildProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn kib(bytes: f64) -> f64 {
    bytes / 1024.0
}

fn main() {
    if let Ok(kind) = std::env::var(CHILD_ENV) {
        child(&kind);
        return;
    }
    let bench = report::bench_mode();
    let env = |k: &str, d: u64| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let wanted = env("TCCHAT_SCALE_CLIENTS", if bench { 10_000 } else { 20 }) as usize;
    let idle_secs = env("TCCHAT_SCALE_IDLE_SECS", if bench { 30 } else { 1 });

    // One descriptor per connection, plus the runtime's own.
    let (soft0, hard) = rlimit::Resource::NOFILE.get().unwrap_or((1024, 1024));
    let soft = rlimit::increase_nofile_limit(u64::MAX).unwrap_or(soft0);
    let n = wanted.min(soft.saturating_sub(256) as usize);
    println!(
        "\n== scale on tokio: {n} logged-in SDK instances in one process (asked for {wanted}; \
         open-files limit soft {soft0} -> {soft}, hard {hard}) =="
    );
    if n < wanted {
        println!(
            "only {n}: each process needs one descriptor per connection and the hard limit is {hard}"
        );
    }

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio");
    let server = ChildProc::spawn("server");
    let spid = server.pid();
    let url = server.url.clone();

    // Warm-up: one instance through the whole cycle, so one-time costs
    // (runtime threads, TLS roots, allocator arenas) are not counted.
    rt.block_on(async {
        let c = Chat::create_independent(Options::new(APP).with_proxy_server(url.clone()));
        c.login(LoginOptions::new("warm", sig("warm")))
            .await
            .expect("warm-up login");
        c.destroy().await.expect("destroy");
    });
    std::thread::sleep(Duration::from_millis(200));
    let sigs: Vec<String> = (0..n).map(|i| sig(&format!("idle{i}"))).collect();

    let (rss_c0, live0, rss_s0) = (rss("self"), alloc::live_bytes(), rss(&spid));
    let t0 = Instant::now();
    let chats: Vec<Chat> = rt.block_on(async {
        futures_util::stream::iter(0..n)
            .map(|i| {
                let url = url.clone();
                let sig = sigs[i].clone();
                async move {
                    let c = Chat::create_independent(Options::new(APP).with_proxy_server(url));
                    c.login(LoginOptions::new(format!("idle{i}"), sig))
                        .await
                        .expect("login");
                    c
                }
            })
            .buffer_unordered(200)
            .collect()
            .await
    });
    let login_time = t0.elapsed();
    drop(sigs);
    assert!(chats.iter().all(|c| c.is_ready()));
    // Let the post-login sync replies and first frames settle.
    std::thread::sleep(Duration::from_secs(2));
    let (rss_c, live, rss_s) = (rss("self"), alloc::live_bytes(), rss(&spid));
    let per_client_rss = (rss_c.saturating_sub(rss_c0)) as f64 / n as f64;
    let per_client_heap = (live.saturating_sub(live0)) as f64 / n as f64;
    let per_conn_server = (rss_s.saturating_sub(rss_s0)) as f64 / n as f64;
    println!(
        "logged in {n} instances in {:.1} s ({:.0} logins/s, 200 at a time)",
        login_time.as_secs_f64(),
        n as f64 / login_time.as_secs_f64()
    );
    println!(
        "client memory per idle instance: RSS {:.1} KiB, heap {:.1} KiB (goal <= 64 KiB: {})",
        kib(per_client_rss),
        kib(per_client_heap),
        if per_client_rss <= 65_536.0 {
            "met"
        } else {
            "MISSED"
        }
    );
    println!(
        "server memory per connection (child process RSS delta): {:.1} KiB",
        kib(per_conn_server)
    );
    // The full run stores these and redraws BENCHMARKS.md §6's memory
    // chart (docs/charts/memory.svg); the smoke test leaves them alone.
    if bench {
        let data = bench_charts::data::InstanceScale {
            provenance: bench_charts::data::Provenance::now(),
            instances: n as u64,
            client_rss_bytes_per_instance: per_client_rss,
            client_heap_bytes_per_instance: per_client_heap,
            server_rss_bytes_per_connection: per_conn_server,
        };
        if let Err(e) = bench_charts::save_and_redraw(bench_charts::data::file::SCALE_TOKIO, &data)
        {
            println!("charts not updated: {e}");
        }
    }

    // Idle window: only heartbeats (a ping after 10 s of silence, answered).
    let (cpu_c0, cpu_s0) = (cpu("self"), cpu(&spid));
    let w0 = Instant::now();
    std::thread::sleep(Duration::from_secs(idle_secs));
    let window = w0.elapsed().as_secs_f64();
    let (cpu_c, cpu_s) = (cpu("self") - cpu_c0, cpu(&spid) - cpu_s0);
    let per_min = |x: f64| x * 60.0 / window;
    let ready = chats.iter().filter(|c| c.is_ready()).count();
    println!(
        "heartbeats, idle {window:.0} s: client process {:.2} CPU-s per idle minute ({:.2}% of one core, \
         {:.0} us per instance-minute); server {:.2} CPU-s per idle minute ({:.2}% of one core); \
         {ready}/{n} still ready",
        per_min(cpu_c),
        per_min(cpu_c) / 60.0 * 100.0,
        per_min(cpu_c) * 1e6 / n as f64,
        per_min(cpu_s),
        per_min(cpu_s) / 60.0 * 100.0,
    );
    println!("load average {}", report::load_average());

    // Diagnostic: raw WebSocket connections, SDK configuration vs a small
    // read buffer (what the 64 KiB goal would need).
    let raw = if bench { 1_000.min(n) } else { 10 };
    let echo = ChildProc::spawn("echo");
    let addr: std::net::SocketAddr = echo
        .url
        .trim_start_matches("ws://")
        .parse()
        .expect("echo address");
    // The small buffer first: memory freed by the first variant would
    // otherwise be reused by the second and hide its RSS.
    let mut keep = Vec::new();
    for (label, config) in [
        (
            "with read_buffer_size(4 KiB)",
            ws_config().read_buffer_size(4096),
        ),
        (
            "SDK configuration (tungstenite's default 128 KiB read buffer)",
            ws_config(),
        ),
    ] {
        let (rss0, live0) = (rss("self"), alloc::live_bytes());
        let conns = rt.block_on(raw_connections(addr, raw, config));
        let (rss1, live1) = (rss("self"), alloc::live_bytes());
        println!(
            "raw async-tungstenite client {label}: RSS {:.1} KiB, heap {:.1} KiB per connection \
             ({raw} connections, one SDK-sized frame each way)",
            kib((rss1.saturating_sub(rss0)) as f64 / raw as f64),
            kib((live1.saturating_sub(live0)) as f64 / raw as f64)
        );
        keep.push(conns);
    }
    drop(keep);
    drop(echo);
    drop(server);
    // Tearing down 10,000 instances one by one proves nothing here.
    std::process::exit(0);
}

/// `n` WebSocket connections to the echo server, each having sent and
/// received one SDK-sized frame.
async fn raw_connections(
    addr: std::net::SocketAddr,
    n: usize,
    config: WebSocketConfig,
) -> Vec<async_tungstenite::WebSocketStream<Box<dyn tcchat_runtime_common::Io>>> {
    let frame = bytes::Bytes::from(sendmsg_frame());
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let io = TokioRuntime::default()
            .connect_tcp(addr.ip().to_string(), addr.port())
            .await
            .expect("connect");
        let (mut ws, _) = async_tungstenite::client_async_with_config(
            format!("ws://{addr}/binfo"),
            io,
            Some(config),
        )
        .await
        .expect("handshake");
        ws.send(WsMessage::Binary(frame.clone()))
            .await
            .expect("send");
        let _ = ws.next().await;
        out.push(ws);
    }
    out
}
