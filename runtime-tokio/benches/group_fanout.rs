//! Group fan-out (issue 16) against C2C (issue 21's "one message to 1,000
//! online members costs the server less than 1,000 C2C messages"):
//! 1,000 logged-in SDK instances (`tcchat_tokio::Chat`, each with its own
//! WebSocket) and one sender in this process, one reference server in a
//! child process, on tokio.
//!
//! ```text
//! cargo bench -p tcchat-tokio --bench group_fanout
//! TCCHAT_FANOUT_MEMBERS=500 TCCHAT_FANOUT_ROUNDS=31 cargo bench -p tcchat-tokio --bench group_fanout
//! ```
//!
//! Each round, in alternating order:
//!
//! * **group**: the sender sends one text message to a `Public` group whose
//!   other 1,000 members are all online; timed from `send_message` until
//!   the last member's MESSAGE_RECEIVED listener has it;
//! * **C2C**: the sender sends the same text as 1,000 C2C messages, one to
//!   each member, all submitted at once; timed the same way.
//!
//! Every member must receive each message exactly once (the bench panics on
//! a duplicate or a loss). For each side and round it records the wall time
//! and the CPU time of the server process (`/proc/<pid>/task/*/schedstat`,
//! nanoseconds, per thread: `tcchat-engine` and `tcchat-server`), read
//! after a settle window in which the server answers what the round left
//! (the C2C pushes' acks); the same window with nothing sent is measured
//! too and its median subtracted. It prints p50/p90/max over the rounds of
//! each side and of the per-round ratios (never a best run).
//!
//! Server memory per group member: the server's RSS and live Rust heap
//! (a counting allocator in the child) across the creation of the fan-out
//! group, and, after the timed rounds, across `TCCHAT_FANOUT_MEM_GROUPS - 1`
//! (default 9) more groups of the same members, divided by the memberships
//! added. `TCCHAT_FANOUT_GROUPS_FIRST=1` creates those groups before the
//! timed rounds instead (each member then holds ten large groups while it
//! receives; BENCHMARKS.md §8 shows what that costs the clients).
//!
//! The server runs in a child process (this binary re-executed) so that
//! its memory and CPU are its own.

#[path = "support/e2e.rs"]
mod e2e;
#[path = "../../core/benches/common/report.rs"]
mod report;

#[path = "../../core/benches/common/alloc.rs"]
mod alloc;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use tcchat_runtime_common::types::GroupType;
use tcchat_runtime_common::{
    CreateGroupOptions, CreateTextMessageOptions, ListenerHandle, Payload,
};
use tcchat_tokio::{Chat, Event, EventName, LoginOptions, Options};

use e2e::{sig, within, APP};

const CHILD_ENV: &str = "TCCHAT_BENCH_CHILD";
/// Members added per `add_group_member` call (the server's per-request
/// limit) and at most at creation.
const ADD_CHUNK: usize = 100;
const CREATE_CHUNK: usize = 500;
/// How long the server gets after a round to answer what it left (acks of
/// the C2C pushes); the same window with nothing sent is the idle baseline.
const SETTLE: Duration = Duration::from_millis(300);

type Rt = tcchat_tokio::TokioRuntime;

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

/// On-CPU nanoseconds of each thread of process `pid`, by thread name
/// (`/proc/<pid>/task/<tid>/schedstat`, first field).
fn thread_cpu_ns(pid: &str) -> std::collections::BTreeMap<String, u64> {
    let mut out = std::collections::BTreeMap::new();
    let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return out;
    };
    for t in dir.flatten() {
        let name = std::fs::read_to_string(t.path().join("comm")).unwrap_or_default();
        let ns = std::fs::read_to_string(t.path().join("schedstat"))
            .ok()
            .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
            .unwrap_or(0);
        *out.entry(name.trim().to_owned()).or_insert(0) += ns;
    }
    out
}

/// The child: a reference server until stdin closes; each `mem` line on
/// stdin is answered with `<rss bytes> <live heap bytes>`.
fn child() {
    let mut config = e2e::server_config();
    // One client IP, 1,000 connections and logins: lift the per-IP limits
    // meant for the open internet.
    config.max_conns_per_ip = 0;
    config.login_rate_per_ip = tcchat_server::engine::RateLimit {
        burst: 1_000_000,
        per_minute: 1_000_000,
    };
    config.http_addr = None;
    let server = tcchat_server::start_in_thread(config).expect("server starts");
    println!("{}", server.ws_url());
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        if line.trim() == "mem" {
            println!("{} {}", rss("self"), alloc::live_bytes());
        }
    }
    std::mem::forget(server);
    std::process::exit(0);
}

struct ServerProc {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    url: String,
}

impl ServerProc {
    fn spawn() -> ServerProc {
        let mut child = Command::new(std::env::current_exe().expect("exe"))
            .env(CHILD_ENV, "server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("child starts");
        let stdin = child.stdin.take().expect("stdin");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        stdout
            .read_line(&mut line)
            .expect("child prints its address");
        ServerProc {
            child,
            stdin,
            stdout,
            url: line.trim().to_owned(),
        }
    }

    fn pid(&self) -> String {
        self.child.id().to_string()
    }

    /// (RSS, live Rust heap) of the server process, bytes.
    fn mem(&mut self) -> (f64, f64) {
        writeln!(self.stdin, "mem").expect("child alive");
        self.stdin.flush().expect("child alive");
        let mut line = String::new();
        self.stdout.read_line(&mut line).expect("child answers");
        let mut it = line
            .split_whitespace()
            .map(|v| v.parse::<f64>().unwrap_or(0.0));
        (it.next().unwrap_or(0.0), it.next().unwrap_or(0.0))
    }
}

impl Drop for ServerProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The text of the message with tag `tag`.
fn text(tag: u64) -> String {
    format!("{tag:08} Hello everyone! Are we still on for lunch tomorrow?")
}

fn tag_of(text: &str) -> Option<u64> {
    text.get(..8)?.parse().ok()
}

/// One member's receipt of a tagged text: (member index, tag, when).
type Receipt = (usize, u64, Instant);

struct Bench {
    sender: Chat,
    members: Vec<Chat>,
    ids: Vec<String>,
    group: String,
    rx: futures_channel::mpsc::UnboundedReceiver<Receipt>,
    _listeners: Vec<ListenerHandle>,
    next_tag: u64,
}

impl Bench {
    async fn login(url: &str, n: usize) -> Bench {
        let ids: Vec<String> = (0..n).map(|i| format!("fan-m{i}")).collect();
        let mut opts = Options::new(APP).with_proxy_server(url);
        // The C2C side submits one send per member at once.
        opts.tuning.max_pending_requests = n + 100;
        let sender = Chat::create_independent(opts);
        within::<Rt, _>(
            "login",
            sender.login(LoginOptions::new("fan-s", sig("fan-s"))),
        )
        .await
        .expect("sender login");
        let (tx, rx) = futures_channel::mpsc::unbounded::<Receipt>();
        let pairs: Vec<(Chat, ListenerHandle)> = futures_util::stream::iter(0..n)
            .map(|i| {
                let url = url.to_owned();
                let id = ids[i].clone();
                let tx = tx.clone();
                async move {
                    let c = Chat::create_independent(Options::new(APP).with_proxy_server(url));
                    let h = c
                        .on(EventName::MessageReceived, move |e: &Event| {
                            let now = Instant::now();
                            if let Event::MessageReceived(list) = e {
                                for m in list {
                                    if let Payload::Text { text } = &m.payload {
                                        if let Some(t) = tag_of(text) {
                                            let _ = tx.unbounded_send((i, t, now));
                                        }
                                    }
                                }
                            }
                        })
                        .expect("listener");
                    within::<Rt, _>("login", c.login(LoginOptions::new(id.clone(), sig(&id))))
                        .await
                        .expect("member login");
                    (c, h)
                }
            })
            .buffered(100)
            .collect()
            .await;
        let (members, listeners) = pairs.into_iter().unzip();
        Bench {
            sender,
            members,
            ids,
            group: String::new(),
            rx,
            _listeners: listeners,
            next_tag: 0,
        }
    }

    /// A `Public` group owned by the sender with every member in it.
    async fn create_group(&self, id: &str) {
        let first = self.ids.len().min(CREATE_CHUNK);
        let g = within::<Rt, _>(
            "create_group",
            self.sender.create_group(
                CreateGroupOptions::new(GroupType::Public, "fan-out")
                    .with_group_id(id)
                    .with_members(self.ids[..first].iter().cloned()),
            ),
        )
        .await
        .expect("create_group");
        assert_eq!(g.group_id, id);
        for chunk in self.ids[first..].chunks(ADD_CHUNK) {
            let r = within::<Rt, _>("add_group_member", self.sender.add_group_member(id, chunk))
                .await
                .expect("add_group_member");
            assert_eq!(r.success_user_id_list.len(), chunk.len(), "all added");
        }
    }

    /// Wait until every member has the message tagged `tag` exactly once;
    /// the times the first and the last one had it.
    async fn all_received(&mut self, tag: u64) -> (Instant, Instant) {
        let n = self.members.len();
        let mut seen = vec![false; n];
        let (mut got, mut first, mut last) = (0, None, Instant::now());
        while got < n {
            let (i, t, at) = within::<Rt, _>("MESSAGE_RECEIVED", self.rx.next())
                .await
                .expect("listeners alive");
            assert_eq!(t, tag, "member {i} got a message of another round");
            assert!(!seen[i], "member {i} got message {tag} twice");
            seen[i] = true;
            got += 1;
            first.get_or_insert(at);
            last = at;
        }
        (first.unwrap_or(last), last)
    }

    /// One group message; the times until the first and the last member
    /// had it.
    async fn group_round(&mut self) -> (Duration, Duration) {
        let tag = self.next_tag;
        self.next_tag += 1;
        let t0 = Instant::now();
        let msg = self
            .sender
            .create_text_message(&CreateTextMessageOptions::group(&self.group, text(tag)))
            .expect("create");
        let reply = self.sender.send_message(&msg);
        let (first, last) = self.all_received(tag).await;
        within::<Rt, _>("send reply", reply)
            .await
            .expect("group send");
        (first - t0, last - t0)
    }

    /// The same text as one C2C message to each member, all submitted at
    /// once; the times until the first and the last member had its copy.
    async fn c2c_round(&mut self) -> (Duration, Duration) {
        let tag = self.next_tag;
        self.next_tag += 1;
        let t0 = Instant::now();
        let mut replies = Vec::with_capacity(self.ids.len());
        for id in &self.ids {
            let msg = self
                .sender
                .create_text_message(&CreateTextMessageOptions::c2c(id, text(tag)))
                .expect("create");
            replies.push(self.sender.send_message(&msg));
        }
        let (first, last) = self.all_received(tag).await;
        for r in replies {
            within::<Rt, _>("send reply", r).await.expect("c2c send");
        }
        (first - t0, last - t0)
    }
}

/// Groups `fan1..fan<mem_groups>` of the same members; the server's
/// (RSS, heap) before and (RSS, heap) after.
fn extra_groups(
    rt: &tokio::runtime::Runtime,
    b: &Bench,
    server: &mut ServerProc,
    mem_groups: usize,
) -> (f64, f64, f64, f64) {
    let (rss0, heap0) = server.mem();
    rt.block_on(async {
        for g in 1..mem_groups {
            b.create_group(&format!("fan{g}")).await;
        }
    });
    std::thread::sleep(Duration::from_secs(1));
    let (rss1, heap1) = server.mem();
    (rss0, heap0, rss1, heap1)
}

fn kib(bytes: f64) -> f64 {
    bytes / 1024.0
}

/// `v[p]` of the sorted values (nearest rank).
fn pct(v: &[f64], p: f64) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    s[((s.len() - 1) as f64 * p).round() as usize]
}

fn spread(v: &[f64], unit: &str, scale: f64) -> String {
    format!(
        "p50 {:.2} {unit}, p90 {:.2} {unit}, max {:.2} {unit}",
        pct(v, 0.5) * scale,
        pct(v, 0.9) * scale,
        pct(v, 1.0) * scale
    )
}

/// Server CPU of one measured step, ns per thread name, after [`SETTLE`].
fn cpu_of(pid: &str, before: &std::collections::BTreeMap<String, u64>) -> (f64, f64) {
    std::thread::sleep(SETTLE);
    let after = thread_cpu_ns(pid);
    let d = |k: &str| {
        after.get(k).copied().unwrap_or(0) as f64 - before.get(k).copied().unwrap_or(0) as f64
    };
    let total: f64 = after.values().sum::<u64>() as f64 - before.values().sum::<u64>() as f64;
    (d("tcchat-engine"), total)
}

fn main() {
    if std::env::var(CHILD_ENV).is_ok() {
        child();
        return;
    }
    let bench = report::bench_mode();
    let env = |k: &str, d: u64| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let n = env("TCCHAT_FANOUT_MEMBERS", if bench { 1_000 } else { 20 }) as usize;
    let rounds = env("TCCHAT_FANOUT_ROUNDS", if bench { 21 } else { 2 }) as usize;
    let mem_groups = env("TCCHAT_FANOUT_MEM_GROUPS", if bench { 10 } else { 2 }).max(1) as usize;
    assert!(n < 2_000, "a Public group holds at most 2,000 members");
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    println!(
        "\n== group fan-out vs C2C on tokio: 1 sender, {n} online members, {rounds} rounds each \
         (load average {}) ==",
        report::load_average()
    );

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio");
    let mut server = ServerProc::spawn();
    let spid = server.pid();
    let url = server.url.clone();

    let t0 = Instant::now();
    let mut b = rt.block_on(Bench::login(&url, n));
    println!(
        "logged in {} instances in {:.1} s",
        n + 1,
        t0.elapsed().as_secs_f64()
    );
    std::thread::sleep(Duration::from_secs(1));

    // Memory per group member, first part: the fan-out group.
    let (rss0, heap0) = server.mem();
    rt.block_on(b.create_group("fan0"));
    b.group = "fan0".to_owned();
    std::thread::sleep(Duration::from_secs(1));
    let (rss1, heap1) = server.mem();

    let extra = std::env::var_os("TCCHAT_FANOUT_GROUPS_FIRST")
        .is_some()
        .then(|| extra_groups(&rt, &b, &mut server, mem_groups));

    // Warm-up: one round of each, untimed (and a delivery check).
    rt.block_on(async {
        b.group_round().await;
        b.c2c_round().await;
    });
    std::thread::sleep(SETTLE);

    let (mut wall_g, mut wall_c, mut wall_r) = (Vec::new(), Vec::new(), Vec::new());
    let (mut first_g, mut first_c) = (Vec::new(), Vec::new());
    let (mut eng_g, mut eng_c, mut tot_g, mut tot_c) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut eng_idle, mut tot_idle) = (Vec::new(), Vec::new());
    for r in 0..rounds {
        let group_first = r % 2 == 0;
        let (mut tg, mut tc) = (
            (Duration::ZERO, Duration::ZERO),
            (Duration::ZERO, Duration::ZERO),
        );
        for group in [group_first, !group_first] {
            let before = thread_cpu_ns(&spid);
            if group {
                tg = rt.block_on(b.group_round());
                let (e, t) = cpu_of(&spid, &before);
                eng_g.push(e);
                tot_g.push(t);
            } else {
                tc = rt.block_on(b.c2c_round());
                let (e, t) = cpu_of(&spid, &before);
                eng_c.push(e);
                tot_c.push(t);
            }
        }
        let before = thread_cpu_ns(&spid);
        let (e, t) = cpu_of(&spid, &before);
        eng_idle.push(e);
        tot_idle.push(t);
        first_g.push(tg.0.as_secs_f64());
        first_c.push(tc.0.as_secs_f64());
        wall_g.push(tg.1.as_secs_f64());
        wall_c.push(tc.1.as_secs_f64());
        wall_r.push(tc.1.as_secs_f64() / tg.1.as_secs_f64());
    }
    // Memory per group member, second part: `mem_groups - 1` more groups of
    // the same members, after the timed rounds (a member of ten groups of
    // 1,000 is slower to receive anything; see BENCHMARKS.md §8).
    // `TCCHAT_FANOUT_GROUPS_FIRST=1` creates them before the rounds
    // instead, to reproduce that.
    let (rss2, heap2, rss3, heap3) = match extra {
        Some(m) => m,
        None => extra_groups(&rt, &b, &mut server, mem_groups),
    };
    let per = |d: f64, groups: usize| kib(d / (groups * (n + 1)) as f64);
    println!(
        "server memory per group member: the fan-out group ({} members): RSS {:.2} KiB, Rust heap \
         {:.2} KiB; {} more groups of the same members: RSS {:.2} KiB, Rust heap {:.2} KiB \
         (the rest of the RSS is SQLite's in-memory database)",
        n + 1,
        per(rss1 - rss0, 1),
        per(heap1 - heap0, 1),
        mem_groups - 1,
        per(rss3 - rss2, (mem_groups - 1).max(1)),
        per(heap3 - heap2, (mem_groups - 1).max(1)),
    );

    let (idle_e, idle_t) = (pct(&eng_idle, 0.5), pct(&tot_idle, 0.5));
    let net =
        |v: &[f64], idle: f64| -> Vec<f64> { v.iter().map(|x| (x - idle).max(0.0)).collect() };
    let (eng_g, eng_c) = (net(&eng_g, idle_e), net(&eng_c, idle_e));
    let (tot_g, tot_c) = (net(&tot_g, idle_t), net(&tot_c, idle_t));
    let cpu_r: Vec<f64> = tot_c
        .iter()
        .zip(&tot_g)
        .map(|(c, g)| c / g.max(1.0))
        .collect();
    let eng_r: Vec<f64> = eng_c
        .iter()
        .zip(&eng_g)
        .map(|(c, g)| c / g.max(1.0))
        .collect();

    println!(
        "time until the last member had it: group message {}; {n} C2C messages {}",
        spread(&wall_g, "ms", 1e3),
        spread(&wall_c, "ms", 1e3)
    );
    println!(
        "  per-round ratio C2C / group: {}",
        spread(&wall_r, "x", 1.0)
    );
    println!(
        "  the first member had it after: group {}; C2C {}",
        spread(&first_g, "ms", 1e3),
        spread(&first_c, "ms", 1e3)
    );
    println!(
        "server CPU per round, whole process (idle {:.2} ms per {} ms window subtracted): \
         group {}; C2C {}",
        idle_t / 1e6,
        SETTLE.as_millis(),
        spread(&tot_g, "ms", 1e-6),
        spread(&tot_c, "ms", 1e-6)
    );
    println!(
        "  engine thread only: group {}; C2C {}",
        spread(&eng_g, "ms", 1e-6),
        spread(&eng_c, "ms", 1e-6)
    );
    println!(
        "  per-round ratio C2C / group: whole process {}; engine thread {}",
        spread(&cpu_r, "x", 1.0),
        spread(&eng_r, "x", 1.0)
    );
    println!(
        "  per member: group {:.2} us, C2C {:.2} us (p50, whole server process)",
        pct(&tot_g, 0.5) / 1e3 / n as f64,
        pct(&tot_c, 0.5) / 1e3 / n as f64
    );
    let holds = pct(&cpu_r, 1.0 - 0.9) > 1.0;
    println!(
        "issue 21 \"one message to {n} online members costs the server less than {n} C2C \
         messages\": {} (C2C / group server CPU > 1 in {} of {rounds} rounds)",
        if holds { "holds" } else { "DOES NOT HOLD" },
        cpu_r.iter().filter(|r| **r > 1.0).count()
    );
    println!("load average {}", report::load_average());
    // Tearing down 1,001 instances one by one proves nothing here.
    drop(server);
    std::process::exit(0);
}
