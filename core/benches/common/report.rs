//! Ratios of criterion results measured in the same run.
//!
//! Criterion keeps each benchmark's estimates in
//! `<target>/criterion/<group>/<function>/new/estimates.json`; after the
//! benches ran, [`Ratios::print`] reads the ones written by this process and
//! prints `sdk / baseline` for each pair, with the goal.

#![allow(dead_code)] // each bench uses a different part

use std::path::PathBuf;
use std::time::SystemTime;

/// Whether the binary runs as a benchmark (`cargo bench`), as opposed to a
/// smoke test (`cargo test --benches` runs each benchmark once).
pub fn bench_mode() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// The directory criterion writes to (same rule as criterion 0.5).
pub fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(target).join("criterion");
    }
    let metadata = std::env::var_os("CARGO").and_then(|cargo| {
        std::process::Command::new(cargo)
            .args(["metadata", "--format-version", "1", "--no-deps"])
            .output()
            .ok()
    });
    if let Some(out) = metadata {
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&out.stdout) {
            if let Some(t) = v["target_directory"].as_str() {
                return PathBuf::from(t).join("criterion");
            }
        }
    }
    PathBuf::from("target/criterion")
}

/// Criterion's file-name rule for an ID.
fn safe(id: &str) -> String {
    id.chars()
        .map(|c| match c {
            '?' | '"' | '/' | '\\' | '*' | '<' | '>' | ':' | '|' | '^' => '_',
            c => c,
        })
        .collect()
}

/// The median time (ns) criterion estimated for `group/function`, if it was
/// written after `since`.
pub fn median_ns(group: &str, function: &str, since: SystemTime) -> Option<f64> {
    let path = criterion_dir()
        .join(safe(group))
        .join(safe(function))
        .join("new")
        .join("estimates.json");
    let meta = std::fs::metadata(&path).ok()?;
    if meta.modified().ok()? < since {
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).ok()?).ok()?;
    v["median"]["point_estimate"].as_f64()
}

/// Pairs to compare once the benches ran.
pub struct Ratios {
    started: SystemTime,
    rows: Vec<(String, String, String, String, String)>,
}

impl Ratios {
    pub fn new() -> Ratios {
        Ratios {
            started: SystemTime::now(),
            rows: Vec::new(),
        }
    }

    /// Compare `group/sdk` against `group/baseline`; `goal` is printed
    /// beside it (for example "<= 1.5x").
    pub fn pair(&mut self, group: &str, sdk: &str, baseline: &str, goal: &str) {
        self.rows.push((
            String::new(),
            group.into(),
            sdk.into(),
            baseline.into(),
            goal.into(),
        ));
    }

    pub fn print(&self, title: &str) {
        if !bench_mode() {
            return;
        }
        println!("\n== {title}: ratios from this run (median times) ==");
        println!(
            "{:<44} {:>14} {:>14} {:>8}  goal",
            "sdk vs baseline", "sdk", "baseline", "ratio"
        );
        for (_, group, sdk, baseline, goal) in &self.rows {
            let s = median_ns(group, sdk, self.started);
            let b = median_ns(group, baseline, self.started);
            let label = format!("{group}/{sdk}");
            match (s, b) {
                (Some(s), Some(b)) => println!(
                    "{:<44} {:>11.1} ns {:>11.1} ns {:>7.2}x  {goal}{}",
                    label,
                    s,
                    b,
                    s / b,
                    met(goal, s / b)
                ),
                _ => println!("{label:<44} (not run in this invocation)"),
            }
        }
        println!("load: {}", load_average());
    }
}

/// "met" / "MISSED" for a goal written as "<= N x".
fn met(goal: &str, ratio: f64) -> &'static str {
    let n: Option<f64> = goal
        .trim_start_matches("<=")
        .trim()
        .trim_end_matches('x')
        .trim()
        .parse()
        .ok();
    match n {
        Some(n) if ratio <= n => " (met)",
        Some(_) => " (MISSED)",
        None => "",
    }
}

/// `/proc/loadavg`'s first three fields.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// One paired comparison: the SDK and its baseline timed in alternating
/// short rounds, so that load from other processes on a shared machine
/// falls on both alike; the ratio is the median of the per-round ratios.
pub struct Paired {
    pub label: String,
    pub goal: String,
    /// Median per-operation time of each side, ns.
    pub sdk_ns: f64,
    pub base_ns: f64,
    /// Median, 25th and 75th percentile of the per-round ratios.
    pub ratio: f64,
    pub ratio_p25: f64,
    pub ratio_p75: f64,
    pub rounds: usize,
}

/// Time `sdk` and `base` (each runs `n` operations and returns the time
/// they took, so untimed set-up can be left out) in `rounds` alternating
/// rounds of `n` operations each, after one warm-up round each.
pub fn paired(
    label: &str,
    goal: &str,
    rounds: usize,
    n: u64,
    mut sdk: impl FnMut(u64) -> std::time::Duration,
    mut base: impl FnMut(u64) -> std::time::Duration,
) -> Paired {
    sdk(n);
    base(n);
    let mut ratios = Vec::with_capacity(rounds);
    let mut s_ns = Vec::with_capacity(rounds);
    let mut b_ns = Vec::with_capacity(rounds);
    for r in 0..rounds {
        let (s, b) = if r % 2 == 0 {
            let b = base(n);
            (sdk(n), b)
        } else {
            let s = sdk(n);
            (s, base(n))
        };
        let (s, b) = (s.as_nanos() as f64, b.as_nanos() as f64);
        ratios.push(s / b);
        s_ns.push(s / n as f64);
        b_ns.push(b / n as f64);
    }
    let q = |v: &mut Vec<f64>, p: f64| {
        v.sort_by(f64::total_cmp);
        v[((v.len() - 1) as f64 * p).round() as usize]
    };
    Paired {
        label: label.into(),
        goal: goal.into(),
        sdk_ns: q(&mut s_ns, 0.5),
        base_ns: q(&mut b_ns, 0.5),
        ratio: q(&mut ratios, 0.5),
        ratio_p25: q(&mut ratios, 0.25),
        ratio_p75: q(&mut ratios, 0.75),
        rounds,
    }
}

/// Print paired results as a table.
pub fn print_paired(title: &str, rows: &[Paired]) {
    println!("\n== {title}: paired ratios (alternating rounds, median of per-round ratios) ==");
    println!(
        "{:<36} {:>11} {:>11} {:>7} {:>15}  goal",
        "sdk vs baseline", "sdk/op", "base/op", "ratio", "p25..p75"
    );
    for p in rows {
        println!(
            "{:<36} {:>8.0} ns {:>8.0} ns {:>6.2}x {:>6.2}x..{:.2}x  {}{}",
            p.label,
            p.sdk_ns,
            p.base_ns,
            p.ratio,
            p.ratio_p25,
            p.ratio_p75,
            p.goal,
            met(&p.goal, p.ratio)
        );
    }
    println!(
        "({} rounds each; load average {})",
        rows.first().map_or(0, |p| p.rounds),
        load_average()
    );
}
