//! Core send path: `create_text_message` + `send_message` on a logged-in
//! client until the encoded frame comes out of `poll_transmit`, against the
//! limit: a bare `serde_json::to_vec` of the same `SendMsgRequest` body.
//!
//! ```text
//! cargo bench -p tcchat-core --bench send
//! ```
//!
//! Sends are timed in batches of 32; between batches, outside the timed
//! region, the scripted server answers them, so at most 32 requests are
//! ever pending (as on a healthy link) and the timed work is the send path
//! alone.

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{Criterion, Throughput};
use tcchat_core::model::CreateTextMessageOptions;
use tcchat_core::proto::SendMsgRequest;
use tcchat_core::wire::decode;
use tcchat_core::{Client, Transmit, Tuning};

use common::report::{paired, print_paired, Ratios};
use common::{answer, Scripted, PEER, SHORT_TEXT};

const BATCH: u64 = 32;

/// One timed send: create, send, take the frame.
#[inline(always)]
fn send_one(
    client: &mut Client,
    now: Instant,
    opts: &CreateTextMessageOptions,
    out: &mut Vec<Bytes>,
) {
    let msg = client
        .create_text_message(now, black_box(opts))
        .expect("create");
    client.send_message(now, &msg).expect("send");
    while let Some(t) = client.poll_transmit() {
        if let Transmit::Send { frame, .. } = t {
            out.push(frame);
        }
    }
}

/// Answer the sends in `out` (untimed) so nothing stays pending.
fn answer_sends(s: &mut Scripted, out: &mut Vec<Bytes>) {
    let conn = s.conn.expect("open");
    for frame in out.drain(..) {
        let f = decode(&frame).expect("decode");
        if let Some(body) = answer(&f) {
            let reply = tcchat_core::wire::encode(&f.head, &body);
            s.client.handle_frame(s.now, conn, &reply);
        }
    }
    while s.client.poll_transmit().is_some() {}
    while s.client.poll_event().is_some() {}
    while s.client.poll_completion().is_some() {}
}

/// The `SendMsgRequest` body the client builds for `opts` (the limit
/// serializes exactly this).
fn same_body(s: &mut Scripted, opts: &CreateTextMessageOptions) -> SendMsgRequest {
    let mut out = Vec::new();
    send_one(&mut s.client, s.now, opts, &mut out);
    let f = decode(&out[0]).expect("decode");
    let body: SendMsgRequest = f.body_as().expect("sendmsg body");
    answer_sends(s, &mut out);
    body
}

fn main() {
    let opts = CreateTextMessageOptions::c2c(PEER, SHORT_TEXT);
    if std::env::var("TCCHAT_PROFILE").is_ok() {
        profile(&opts);
        return;
    }
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .configure_from_args();
    let mut ratios = Ratios::new();
    let mut s = Scripted::logged_in(2, Instant::now(), Tuning::default());
    let body = same_body(&mut s, &opts);
    eprintln!(
        "send: body {} B",
        serde_json::to_vec(&body).expect("json").len()
    );

    let mut g = c.benchmark_group("send");
    g.throughput(Throughput::Elements(1));
    g.bench_function("limit_to_vec_body", |b| {
        b.iter(|| black_box(serde_json::to_vec(black_box(&body)).expect("json")))
    });
    let mut out = Vec::with_capacity(BATCH as usize);
    let mut sent = 0u64;
    g.bench_function("sdk_create_send_poll", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            let mut done = 0;
            while done < iters {
                let k = BATCH.min(iters - done);
                let now = s.now;
                let t0 = Instant::now();
                for _ in 0..k {
                    send_one(&mut s.client, now, &opts, &mut out);
                }
                total += t0.elapsed();
                sent += out.len() as u64;
                answer_sends(&mut s, &mut out);
                done += k;
            }
            total
        })
    });
    g.finish();
    assert_eq!(s.client.pending_requests(), 0);
    assert!(sent > 0);
    ratios.pair("send", "sdk_create_send_poll", "limit_to_vec_body", "<= 2x");
    c.final_summary();
    ratios.print("core send path, criterion medians (each side in its own seconds)");
    if !common::report::bench_mode() {
        return;
    }
    // The figure: paired rounds of 64 sends (2 batches).
    let row = paired(
        "send (create + send + poll_transmit)",
        "<= 2x",
        1_000,
        64,
        |n| {
            let mut total = Duration::ZERO;
            let mut done = 0;
            while done < n {
                let now = s.now;
                let t0 = Instant::now();
                for _ in 0..BATCH {
                    send_one(&mut s.client, now, &opts, &mut out);
                }
                total += t0.elapsed();
                answer_sends(&mut s, &mut out);
                done += BATCH;
            }
            total
        },
        |n| {
            let t0 = Instant::now();
            for _ in 0..n {
                black_box(serde_json::to_vec(black_box(&body)).expect("json"));
            }
            t0.elapsed()
        },
    );
    assert_eq!(s.client.pending_requests(), 0);
    print_paired("core send path (per message)", &[row]);
}

/// `TCCHAT_PROFILE=1` (+ `TCCHAT_PROFILE_SIDE=sdk|limit`): 20,000 sends
/// after 20,000 warm-up ones, between `marker_start` and `marker_end`, for
/// `valgrind --tool=callgrind --dump-before='*marker_*'`. The SDK side
/// includes the untimed replies (its profile separates them by function).
fn profile(opts: &CreateTextMessageOptions) {
    let side = std::env::var("TCCHAT_PROFILE_SIDE").unwrap_or_else(|_| "sdk".into());
    let mut s = Scripted::logged_in(2, Instant::now(), Tuning::default());
    let body = same_body(&mut s, opts);
    let n = 20_000;
    let mut out = Vec::new();
    let mut run = |s: &mut Scripted, n: usize| {
        for i in 0..n {
            if side == "sdk" {
                send_one(&mut s.client, s.now, opts, &mut out);
                if i % BATCH as usize == 0 {
                    answer_sends(s, &mut out);
                }
            } else {
                black_box(serde_json::to_vec(black_box(&body)).expect("json"));
            }
        }
        answer_sends(s, &mut out);
    };
    run(&mut s, n);
    marker_start();
    run(&mut s, n);
    marker_end();
}

#[inline(never)]
fn marker_start() {
    black_box(());
}

#[inline(never)]
fn marker_end() {
    black_box(());
}
