//! End to end over loopback on async-std: the same measurement as
//! `runtime-tokio/benches/e2e.rs` (shared code in
//! `runtime-tokio/benches/support/e2e.rs`), with the SDK and the echo
//! client on async-std's global executor.
//!
//! ```text
//! cargo bench -p tcchat-async-std --bench e2e
//! ```

#[path = "../../runtime-tokio/benches/support/e2e.rs"]
mod e2e;
#[path = "../../core/benches/common/report.rs"]
mod report;

use std::future::Future;

use criterion::Criterion;
use tcchat_async_std::AsyncStdRuntime;

use e2e::{criterion_throughput, measure, print_figures, start_server, EchoServer, Exec};

struct AsyncStd;

impl Exec for AsyncStd {
    type R = AsyncStdRuntime;
    const NAME: &'static str = "async-std";
    fn block_on<F: Future>(&self, f: F) -> F::Output {
        async_std::task::block_on(f)
    }
}

fn main() {
    let exec = AsyncStd;
    let server = start_server();
    let echo = EchoServer::start();
    let mut c = Criterion::default().configure_from_args();
    criterion_throughput(&exec, &mut c, &server.ws_url(), echo.addr);
    c.final_summary();
    if report::bench_mode() {
        let f = measure(&exec, &server.ws_url(), echo.addr, 12, 2_000, 1_000);
        print_figures(&f);
        e2e::record_figures(&f);
    }
}
