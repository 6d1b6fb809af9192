//! Deterministic simulation: clients, server, network and clock from one
//! seed. See docs/SIMULATION.md for the design, the invariants, and how to
//! replay a seed or soak many.

use std::time::Instant;

use tcchat_tests::sim::{report, run, Outcome, SimConfig};

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

/// Run `seeds` on `threads` std threads; returns the failures, in seed order.
fn sweep(seeds: std::ops::Range<u64>, threads: usize, cfg: fn(u64) -> SimConfig) -> Vec<Outcome> {
    let next = std::sync::atomic::AtomicU64::new(seeds.start);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| loop {
                let seed = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if seed >= seeds.end {
                    break;
                }
                let outcome = run(seed, cfg(seed));
                if outcome.violation.is_some() {
                    eprintln!("{}", report(&outcome, "sweep"));
                    failures.lock().unwrap().push(outcome);
                }
            });
        }
    });
    let mut f = failures.into_inner().unwrap();
    f.sort_by_key(|o| o.seed);
    f
}

fn threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// `SIM_SEED=N SIM_PROFILE=avoid cargo test -p tcchat-tests --test sim replay -- --nocapture`
/// replays one seed with its full trace on stderr (`SIM_TRACE=0` keeps it
/// quiet). Defaults: seed 0, profile `avoid` (the one the sweeps use).
#[test]
fn replay() {
    let seed = env_u64("SIM_SEED").unwrap_or(0);
    let profile = std::env::var("SIM_PROFILE").unwrap_or_else(|_| "avoid".into());
    let mut cfg = SimConfig::profile(&profile, seed).expect("SIM_PROFILE is full or avoid");
    cfg.print_trace = std::env::var("SIM_TRACE").map_or(true, |v| v != "0");
    let outcome = run(seed, cfg);
    eprintln!("{}", report(&outcome, "replay"));
    assert!(outcome.violation.is_none());
}

/// The seed sweep CI runs: `SIM_SEEDS` seeds (default 200) from
/// `SIM_FIRST` (default 0), on every core.
#[test]
fn seeds() {
    let first = env_u64("SIM_FIRST").unwrap_or(0);
    let n = env_u64("SIM_SEEDS").unwrap_or(200);
    let start = Instant::now();
    let failures = sweep(first..first + n, threads(), SimConfig::avoiding_known_bugs);
    eprintln!(
        "{n} seeds from {first} in {:.1}s, {} failed",
        start.elapsed().as_secs_f64(),
        failures.len()
    );
    let seeds: Vec<u64> = failures.iter().map(|o| o.seed).collect();
    assert!(failures.is_empty(), "failing seeds: {seeds:?}");
}
