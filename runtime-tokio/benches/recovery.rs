//! Recovery after a server restart on loopback (wall clock), on tokio.
//!
//! ```text
//! cargo bench -p tcchat-tokio --bench recovery
//! ```
//!
//! Each run: two fresh logged-in instances `a` and `b` (no earlier
//! failures); the reference server shuts down (closing every socket with
//! 1001) and stays down for the outage (3 s or 10 s, the outages of the
//! official SDK's measurement); it starts again on the same port with the
//! same SQLite file. From the moment it accepts again, `a` sends a message:
//! recovery is the time until the server acknowledged it (`send_message`
//! resolved: the SDK was usable again), and, beside it, until `b` had it
//! (MESSAGE_RECEIVED, after `b`'s own reconnect). A send that times out
//! (2801, 15 s) while the client is still waiting out its backoff is sent
//! again; the clock keeps running.
//!
//! The same scenario in virtual time over 1,000 seeds is
//! `cargo bench -p tcchat-core --bench recovery_virtual`.

#[path = "support/e2e.rs"]
mod e2e;
#[path = "../../core/benches/common/report.rs"]
mod report;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use tcchat_tokio::{
    Chat, CreateTextMessageOptions, Event, EventName, LoginOptions, Options, Payload,
};

use e2e::{server_config, sig, APP};

struct Run {
    sent: Duration,
    delivered: Duration,
    sends: u32,
}

async fn start_at(addr: SocketAddr, db: &std::path::Path) -> tcchat_server::RunningServer {
    let mut config = server_config();
    config.ws_addr = addr;
    config.http_addr = None;
    config.db = tcchat_server::DbLocation::File(db.to_owned());
    // The port was just released; binding can race the kernel briefly.
    for _ in 0..50 {
        match tcchat_server::start(config.clone()).await {
            Ok(s) => return s,
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
    panic!("the server could not bind {addr} again");
}

async fn run(
    server: tcchat_server::RunningServer,
    db: &std::path::Path,
    i: usize,
    outage: Duration,
) -> (tcchat_server::RunningServer, Run) {
    let addr = server.ws_addr();
    let opts = Options::new(APP).with_proxy_server(server.ws_url());
    let (ua, ub) = (format!("rec-a{i}"), format!("rec-b{i}"));
    let a = Chat::create_independent(opts.clone());
    let b = Chat::create_independent(opts);
    let (tx, mut rx) = futures_channel::mpsc::unbounded::<Instant>();
    let _l = b
        .on(EventName::MessageReceived, move |e: &Event| {
            if let Event::MessageReceived(list) = e {
                if list
                    .iter()
                    .any(|m| matches!(&m.payload, Payload::Text { text } if text == "back?"))
                {
                    let _ = tx.unbounded_send(Instant::now());
                }
            }
        })
        .expect("listener");
    a.login(LoginOptions::new(&ua, sig(&ua)))
        .await
        .expect("login a");
    b.login(LoginOptions::new(&ub, sig(&ub)))
        .await
        .expect("login b");

    server.shutdown().await;
    tokio::time::sleep(outage).await;
    let server = start_at(addr, db).await;
    let back = Instant::now();
    let mut sends = 0;
    let sent = loop {
        sends += 1;
        let msg = a
            .create_text_message(&CreateTextMessageOptions::c2c(&ub, "back?"))
            .expect("still logged in");
        match a.send_message(&msg).await {
            Ok(_) => break back.elapsed(),
            Err(e) if sends < 10 => {
                // 2801: the client was still waiting out its backoff.
                let _ = e;
            }
            Err(e) => panic!("no recovery after {sends} sends: {e}"),
        }
    };
    let delivered = tokio::time::timeout(Duration::from_secs(120), rx.next())
        .await
        .expect("b received the message")
        .expect("listener alive")
        - back;
    let _ = a.destroy().await;
    let _ = b.destroy().await;
    (
        server,
        Run {
            sent,
            delivered,
            sends,
        },
    )
}

fn main() {
    let bench = report::bench_mode();
    let plan: &[(u64, usize)] = if bench { &[(3, 5), (10, 3)] } else { &[(1, 1)] };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio");
    let db = std::env::temp_dir().join(format!("tcchat-bench-recovery-{}.db", std::process::id()));
    println!("\n== recovery after a server restart, loopback, tokio (wall clock) ==");
    rt.block_on(async {
        let mut server = start_at("127.0.0.1:0".parse().expect("addr"), &db).await;
        let mut i = 0;
        for &(outage, runs) in plan {
            let mut results = Vec::new();
            for _ in 0..runs {
                let (s, r) = run(server, &db, i, Duration::from_secs(outage)).await;
                server = s;
                i += 1;
                results.push(r);
            }
            let list = |f: &dyn Fn(&Run) -> Duration| {
                let mut v: Vec<f64> = results.iter().map(|r| f(r).as_secs_f64()).collect();
                v.sort_by(f64::total_cmp);
                v.iter()
                    .map(|x| format!("{x:.2}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            println!(
                "outage {outage:>2} s, {runs} runs: usable again (send acknowledged) after [{}] s; \
                 delivered to the peer after [{}] s; sends needed: {:?}",
                list(&|r| r.sent),
                list(&|r| r.delivered),
                results.iter().map(|r| r.sends).collect::<Vec<_>>()
            );
        }
        server.shutdown().await;
    });
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    println!(
        "official Web SDK 3.6.6 (reference §11): connected again 55 s (3 s outage) and 48 s \
         (10 s outage) after the server was back; load average {}",
        report::load_average()
    );
}
