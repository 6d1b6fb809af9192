//! Deterministic simulation of tcchat: N client cores, one server engine
//! on a [`MemoryStore`](tcchat_server::store::MemoryStore), a faulty
//! network and a virtual clock, all driven by one seed on one thread.
//!
//! ```no_run
//! use tcchat_tests::sim::{run, SimConfig};
//! let outcome = run(42, SimConfig::for_seed(42));
//! assert!(outcome.violation.is_none(), "{}", tcchat_tests::sim::report(&outcome, "replay"));
//! ```
//!
//! The design, the invariants and how to replay or soak are in
//! `docs/SIMULATION.md`.

mod actors;
pub mod config;
mod groups;
mod msgops;
mod oracle;
pub mod pinned;
mod relations;
pub mod rng;
pub mod trace;
pub mod world;

use std::fmt::Write as _;

pub use config::{FaultConfig, FaultKind, PlantedBug, SimConfig};
pub use world::{Outcome, SimStats, Violation, World};

/// Run seed `seed` with `cfg`.
pub fn run(seed: u64, cfg: SimConfig) -> Outcome {
    World::new(seed, cfg).run()
}

/// The one-line command that replays `seed` in profile `profile` (see
/// [`SimConfig::profile`]).
pub fn replay_command(seed: u64, profile: &str) -> String {
    format!(
        "SIM_SEED={seed} SIM_PROFILE={profile} cargo test -p tcchat-tests --test sim replay -- --nocapture"
    )
}

/// A failure report: the seed, the replay command, the invariant and the
/// end of the trace about the clients involved.
pub fn report(outcome: &Outcome, label: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "[{label}] seed {} hash {:016x}",
        outcome.seed, outcome.hash
    );
    match &outcome.violation {
        None => {
            let _ = writeln!(s, "  all invariants held; {:?}", outcome.stats);
        }
        Some(v) => {
            let _ = writeln!(
                s,
                "  VIOLATED {} at {:.3}s (clients {:?}): {}",
                v.invariant,
                v.at.as_secs_f64(),
                v.slots,
                v.detail
            );
            let _ = writeln!(
                s,
                "  replay: {}",
                replay_command(outcome.seed, outcome.profile)
            );
            let _ = writeln!(s, "  trace (newest lines about those clients):");
            for line in &v.trace {
                let _ = writeln!(s, "    {line}");
            }
        }
    }
    s
}
