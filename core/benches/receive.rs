//! Core receive path: one C2C message push through `Client::handle_frame`
//! on a logged-in client, with its outputs drained (the MESSAGE_RECEIVED
//! event and the push ack), against the limit: bare
//! `serde_json::from_slice::<serde_json::Value>` of the same bytes (and,
//! for `COMP`+gzip frames, gunzip + `from_slice`).
//!
//! ```text
//! cargo bench -p tcchat-core --bench receive
//! ```
//!
//! Frames are unique per iteration: 16,384 distinct pushes are cycled, and
//! the client's dedup cache holds 10,000 messages (the default), so a frame
//! has been evicted before it comes round again and every push is new (the
//! bench checks that none was dropped as a duplicate).
//!
//! Criterion gives each side's absolute time; the ratio that counts is the
//! paired one printed at the end (both sides timed in alternating short
//! rounds, which a shared, loaded machine affects alike).

mod common;

use std::hint::black_box;
use std::io::Read;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{Criterion, Throughput};
use tcchat_core::{Client, ConnId, Event, Transmit, Tuning};

use common::report::{paired, print_paired, Ratios};
use common::{long_text, push_frames, Scripted, SHORT_TEXT};

const DISTINCT: usize = 16_384;

/// A logged-in client fed distinct pushes.
struct Receiver {
    client: Client,
    conn: ConnId,
    now: Instant,
    next: usize,
    received: u64,
    acks: u64,
}

impl Receiver {
    /// `cache`: the client's `max_cached_messages` (10,000 by default).
    fn new(cache: usize) -> Receiver {
        let mut tuning = Tuning::default();
        tuning.max_cached_messages = cache;
        assert!(tuning.max_cached_messages < DISTINCT);
        let s = Scripted::logged_in(1, Instant::now(), tuning);
        Receiver {
            conn: s.conn.expect("open"),
            now: s.now,
            client: s.client,
            next: 0,
            received: 0,
            acks: 0,
        }
    }

    #[inline(always)]
    fn one(&mut self, frames: &[Bytes]) {
        let frame = &frames[self.next % DISTINCT];
        self.next += 1;
        self.client
            .handle_frame(self.now, self.conn, black_box(frame));
        while let Some(e) = self.client.poll_event() {
            if let Event::MessageReceived(list) = &e {
                self.received += list.len() as u64;
            }
            black_box(e);
        }
        while let Some(t) = self.client.poll_transmit() {
            if let Transmit::Send { .. } = &t {
                self.acks += 1;
            }
            black_box(t);
        }
    }

    fn run(&mut self, frames: &[Bytes], n: u64) -> Duration {
        let t0 = Instant::now();
        for _ in 0..n {
            self.one(frames);
        }
        t0.elapsed()
    }

    /// Every push was new and acknowledged: nothing was deduplicated away.
    fn check(&self) {
        assert_eq!(self.received, self.next as u64, "some pushes were dropped");
        assert_eq!(self.acks, self.next as u64, "some pushes were not acked");
        assert_eq!(self.client.stats().duplicate_messages, 0);
        assert_eq!(self.client.stats().malformed_frames, 0);
    }
}

/// The limit: parse the same bytes into a `serde_json::Value`.
struct Limit {
    next: usize,
    buf: Vec<u8>,
}

impl Limit {
    fn new() -> Limit {
        Limit {
            next: 0,
            buf: Vec::with_capacity(4096),
        }
    }

    #[inline(always)]
    fn one(&mut self, frames: &[Bytes], gzip: bool) {
        let frame = black_box(&frames[self.next % DISTINCT]);
        self.next += 1;
        let v: serde_json::Value = if gzip {
            self.buf.clear();
            flate2::read::GzDecoder::new(&frame[4..])
                .read_to_end(&mut self.buf)
                .expect("gzip");
            serde_json::from_slice(&self.buf).expect("json")
        } else {
            serde_json::from_slice(frame).expect("json")
        };
        black_box(v);
    }

    fn run(&mut self, frames: &[Bytes], gzip: bool, n: u64) -> Duration {
        let t0 = Instant::now();
        for _ in 0..n {
            self.one(frames, gzip);
        }
        t0.elapsed()
    }
}

fn main() {
    if let Ok(kind) = std::env::var("TCCHAT_PROFILE") {
        profile(&kind);
        return;
    }
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let mut ratios = Ratios::new();
    let short = push_frames(DISTINCT, SHORT_TEXT, false);
    let long = long_text();
    let long_gzip = push_frames(DISTINCT, &long, true);
    eprintln!(
        "receive: plain push frame {} B; COMP+gzip push frame {} B ({} B inflated)",
        short[0].len(),
        long_gzip[0].len(),
        push_frames(1, &long, false)[0].len()
    );

    let mut g = c.benchmark_group("receive_plain");
    g.throughput(Throughput::Elements(1));
    let mut limit = Limit::new();
    g.bench_function("limit_from_slice_value", |b| {
        b.iter(|| limit.one(&short, false))
    });
    let mut rx = Receiver::new(10_000);
    g.bench_function("sdk_handle_frame", |b| b.iter(|| rx.one(&short)));
    rx.check();
    g.finish();
    ratios.pair(
        "receive_plain",
        "sdk_handle_frame",
        "limit_from_slice_value",
        "<= 1.5x",
    );

    let mut g = c.benchmark_group("receive_gzip");
    g.throughput(Throughput::Elements(1));
    g.bench_function("limit_gunzip_from_slice_value", |b| {
        b.iter(|| limit.one(&long_gzip, true))
    });
    let mut rx_gzip = Receiver::new(10_000);
    g.bench_function("sdk_handle_frame", |b| b.iter(|| rx_gzip.one(&long_gzip)));
    rx_gzip.check();
    g.finish();
    ratios.pair(
        "receive_gzip",
        "sdk_handle_frame",
        "limit_gunzip_from_slice_value",
        "<= 1.5x",
    );
    c.final_summary();
    ratios.print("core receive path, criterion medians (each side in its own seconds)");

    if !common::report::bench_mode() {
        return;
    }
    // The figures: paired rounds of 100 frames (50 compressed ones).
    let mut rows = Vec::new();
    rows.push(paired(
        "receive plain (659 B push)",
        "<= 1.5x",
        1_000,
        100,
        |n| rx.run(&short, n),
        |n| limit.run(&short, false, n),
    ));
    rows.push(paired(
        "receive COMP+gzip (1.9 KiB push)",
        "<= 1.5x",
        600,
        50,
        |n| rx_gzip.run(&long_gzip, n),
        |n| limit.run(&long_gzip, true, n),
    ));
    // Diagnostic: a 1,000-message dedup cache stays in the CPU caches; the
    // difference to the first row is what the default 10,000-message
    // cache's memory traffic costs.
    let mut rx_small = Receiver::new(1_000);
    rows.push(paired(
        "receive plain, 1k-message cache",
        "(diagnostic)",
        1_000,
        100,
        |n| rx_small.run(&short, n),
        |n| limit.run(&short, false, n),
    ));
    rx.check();
    rx_gzip.check();
    rx_small.check();
    print_paired("core receive path (per push frame)", &rows);
}

/// `TCCHAT_PROFILE=plain|gzip` + `TCCHAT_PROFILE_SIDE=sdk|limit`: run just
/// that loop 20,000 times (after 20,000 warm-up frames that fill the cache)
/// between `marker_start` and `marker_end`, for
/// `valgrind --tool=callgrind --dump-before='*marker_*'` (see
/// BENCHMARKS.md); the second dump is the measured loop.
fn profile(kind: &str) {
    let side = std::env::var("TCCHAT_PROFILE_SIDE").unwrap_or_else(|_| "sdk".into());
    let gzip = kind == "gzip";
    let frames = if gzip {
        push_frames(DISTINCT, &long_text(), true)
    } else {
        push_frames(DISTINCT, SHORT_TEXT, false)
    };
    let n = 20_000;
    if side == "sdk" {
        let mut rx = Receiver::new(10_000);
        rx.run(&frames, n);
        marker_start();
        rx.run(&frames, n);
        marker_end();
        rx.check();
    } else {
        let mut limit = Limit::new();
        limit.run(&frames, gzip, n);
        marker_start();
        limit.run(&frames, gzip, n);
        marker_end();
    }
}

#[inline(never)]
fn marker_start() {
    black_box(());
}

#[inline(never)]
fn marker_end() {
    black_box(());
}
