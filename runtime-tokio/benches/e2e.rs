//! End to end over loopback on tokio: messages per second from one SDK
//! instance to another through the reference server, against a raw
//! WebSocket echo through the same library (the limit), and the latency of
//! one message (send → MESSAGE_RECEIVED on the peer). See
//! `benches/support/e2e.rs` for what exactly each side does.
//!
//! ```text
//! cargo bench -p tcchat-tokio --bench e2e
//! ```
//!
//! The SDK runs on a multi-thread tokio runtime with the default worker
//! count (one per core); the server and the echo server each run on their
//! own thread.

#[path = "support/e2e.rs"]
mod e2e;
#[path = "../../core/benches/common/report.rs"]
mod report;

use std::future::Future;

use criterion::Criterion;
use tcchat_tokio::TokioRuntime;

use e2e::{criterion_throughput, measure, print_figures, start_server, EchoServer, Exec};

struct Tokio(tokio::runtime::Runtime);

impl Exec for Tokio {
    type R = TokioRuntime;
    const NAME: &'static str = "tokio";
    fn block_on<F: Future>(&self, f: F) -> F::Output {
        self.0.block_on(f)
    }
}

fn main() {
    let exec = Tokio(
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("tokio runtime"),
    );
    let server = start_server();
    let echo = EchoServer::start();
    // `TCCHAT_PROFILE=sdk|echo` (+ `TCCHAT_PROFILE_N`, default 20,000):
    // only that side's throughput, for a profiler (`perf record`, or
    // `valgrind --tool=callgrind`, which counts the instructions of every
    // thread: client, server and echo server alike).
    if let Ok(side) = std::env::var("TCCHAT_PROFILE") {
        let n = std::env::var("TCCHAT_PROFILE_N")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(20_000);
        exec.block_on(async {
            if side == "echo" {
                let mut e = e2e::EchoClient::<TokioRuntime>::connect(echo.addr).await;
                println!("echo: {n} in {:?}", e.throughput(n).await);
            } else {
                let mut p = e2e::SdkPair::<TokioRuntime>::new(&server.ws_url(), "a", "b").await;
                println!("sdk: {n} in {:?}", p.throughput("b", n).await);
                p.destroy().await;
            }
        });
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    criterion_throughput(&exec, &mut c, &server.ws_url(), echo.addr);
    c.final_summary();
    if report::bench_mode() {
        let f = measure(&exec, &server.ws_url(), echo.addr, 12, 2_000, 1_000);
        print_figures(&f);
        e2e::record_figures(&f);
    }
}
