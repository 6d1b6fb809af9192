//! The sans-IO core at scale: 10,000 logged-in `Client`s in one process,
//! each driven by a scripted server in virtual time.
//!
//! ```text
//! cargo bench -p tcchat-core --bench core_scale
//! ```
//!
//! * memory per idle client: live heap bytes (a counting global allocator
//!   in this binary) after all are logged in and idle, divided by the count;
//!   and the process RSS delta from `/proc/self/statm`;
//! * CPU on heartbeats: one idle minute of virtual time for all of them
//!   (each pings after 10 s of silence and gets its pong; `wshello` every
//!   120 s), timing only the client's own calls (`handle_timeout`, the
//!   pong's `handle_frame`, draining outputs); the scripted server's work
//!   (decoding the ping, encoding the pong) is left out.

mod common;

use std::time::{Duration, Instant};

use tcchat_core::wire::{decode, encode};
use tcchat_core::{Client, ConnId, Transmit, Tuning};

use bench_charts::data::{file, CoreScale, Provenance};
use common::{answer, Scripted};

#[path = "common/alloc.rs"]
mod alloc;

fn rss_bytes() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: usize = statm
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

/// One idle client: the core plus the link the scripted server gave it.
struct Idle {
    client: Client,
    conn: ConnId,
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let n: usize = if bench { 10_000 } else { 100 };
    let t0 = Instant::now();
    let live0 = alloc::live_bytes();
    let rss0 = rss_bytes();
    let mut clients = Vec::with_capacity(n);
    let mut now = t0;
    for i in 0..n {
        let s = Scripted::logged_in(i as u64, t0, Tuning::default());
        now = s.now;
        clients.push(Idle {
            conn: s.conn.expect("open"),
            client: s.client,
        });
    }
    let live = alloc::live_bytes() - live0;
    let rss = rss_bytes().saturating_sub(rss0);
    println!("\n== the sans-IO core at scale: {n} logged-in idle clients in one process ==");
    println!(
        "heap per idle client: {:.1} KiB (counting allocator); RSS delta per client: {:.1} KiB \
         (goal for a whole SDK instance, socket included: <= 64 KiB)",
        live as f64 / n as f64 / 1024.0,
        rss as f64 / n as f64 / 1024.0
    );
    // The full run stores its figures and redraws BENCHMARKS.md's memory
    // chart (docs/charts/memory.svg); the smoke test leaves them alone.
    if bench {
        let data = CoreScale {
            provenance: Provenance::now(),
            clients: n as u64,
            heap_bytes_per_client: live as f64 / n as f64,
            rss_bytes_per_client: rss as f64 / n as f64,
        };
        if let Err(e) = bench_charts::save_and_redraw(file::CORE_SCALE, &data) {
            println!("charts not updated: {e}");
        }
    }

    // One idle minute of virtual time, in 100 ms steps.
    let step = Duration::from_millis(100);
    let end = now + Duration::from_secs(60);
    let mut busy = Duration::ZERO;
    let (mut pings, mut hellos) = (0u64, 0u64);
    let mut replies = Vec::new();
    while now < end {
        now += step;
        for c in clients.iter_mut() {
            match c.client.poll_timeout() {
                Some(t) if t <= now => {}
                _ => continue,
            }
            let t_start = Instant::now();
            c.client.handle_timeout(now);
            let mut frames = Vec::new();
            while let Some(t) = c.client.poll_transmit() {
                if let Transmit::Send { frame, .. } = t {
                    frames.push(frame);
                }
            }
            while c.client.poll_event().is_some() {}
            busy += t_start.elapsed();
            // The scripted server's part (untimed): answer what was sent.
            replies.clear();
            for frame in frames {
                let f = decode(&frame).expect("decode");
                match f.head.servcmd.as_str() {
                    tcchat_core::wire::servcmd::ALIVE => pings += 1,
                    tcchat_core::wire::servcmd::HELLO => hellos += 1,
                    other => panic!("unexpected {other} from an idle client"),
                }
                if let Some(body) = answer(&f) {
                    replies.push(encode(&f.head, &body));
                }
            }
            let t_start = Instant::now();
            for r in &replies {
                c.client.handle_frame(now, c.conn, r);
            }
            while c.client.poll_transmit().is_some() {}
            while c.client.poll_event().is_some() {}
            while c.client.poll_completion().is_some() {}
            busy += t_start.elapsed();
            assert!(c.client.is_ready());
        }
    }
    println!(
        "heartbeats over one idle minute: {pings} pings + {hellos} wshello for {n} clients \
         ({:.1} pings per client); client CPU {:.3} s = {:.2}% of one core, {:.1} us per client-minute \
         (load average {})",
        pings as f64 / n as f64,
        busy.as_secs_f64(),
        busy.as_secs_f64() / 60.0 * 100.0,
        busy.as_secs_f64() * 1e6 / n as f64,
        common::report::load_average()
    );
    drop(clients);
}
