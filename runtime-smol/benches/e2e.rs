//! End to end over loopback on smol: the same measurement as
//! `runtime-tokio/benches/e2e.rs` (shared code in
//! `runtime-tokio/benches/support/e2e.rs`), with the SDK and the echo
//! client on smol's global executor (`smol::spawn`; main future on `smol::block_on`).
//!
//! ```text
//! cargo bench -p tcchat-smol --bench e2e
//! ```

#[path = "../../runtime-tokio/benches/support/e2e.rs"]
mod e2e;
#[path = "../../core/benches/common/report.rs"]
mod report;

use std::future::Future;

use criterion::Criterion;
use tcchat_smol::SmolRuntime;

use e2e::{criterion_throughput, measure, print_figures, start_server, EchoServer, Exec};

struct Smol;

impl Exec for Smol {
    type R = SmolRuntime;
    const NAME: &'static str = "smol";
    fn block_on<F: Future>(&self, f: F) -> F::Output {
        smol::block_on(f)
    }
}

fn main() {
    let exec = Smol;
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
