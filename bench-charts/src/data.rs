//! The samples behind the charts, as the benches store them under
//! `docs/charts/data/` (JSON, one file per measurement; the interop runs
//! one JSON line per run and client, appended).

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{de::DeserializeOwned, Deserialize, Serialize};

use crate::ChartError;

/// `docs/charts/` of this repository: where the SVGs go.
pub fn charts_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    root.canonicalize().unwrap_or(root).join("docs/charts")
}

/// `docs/charts/data/`: where the samples go.
pub fn data_dir() -> PathBuf {
    charts_dir().join("data")
}

/// When and on what a measurement was taken, stored with its samples and
/// shown beside the chart.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Provenance {
    /// UTC date, `YYYY-MM-DD`.
    pub date: String,
    /// `git rev-parse --short HEAD` of the working tree, with `+dirty` if it
    /// had uncommitted changes to tracked files (other than the charts and
    /// their data themselves); `unknown` outside a git checkout.
    pub commit: String,
    /// The load average when the measurement ended (`/proc/loadavg`), or
    /// empty where there is none.
    pub load: String,
}

impl Provenance {
    /// Today's date, the checkout's commit and the load average.
    pub fn now() -> Provenance {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let load = std::fs::read_to_string("/proc/loadavg")
            .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
            .unwrap_or_default();
        Provenance {
            date: civil_date(secs),
            commit: git_commit(),
            load,
        }
    }
}

/// `YYYY-MM-DD` of a Unix time (proleptic Gregorian, UTC).
pub fn civil_date(unix_secs: u64) -> String {
    // Howard Hinnant's days-to-civil algorithm.
    let z = (unix_secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

fn git_commit() -> String {
    let dir = env!("CARGO_MANIFEST_DIR");
    let run = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(dir)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    match run(&["rev-parse", "--short", "HEAD"]) {
        Some(hash) => {
            let dirty = run(&[
                "status",
                "--porcelain",
                "--untracked-files=no",
                "--",
                ":(top)",
                ":(top,exclude)docs/charts",
            ])
            .is_some_and(|s| !s.is_empty());
            if dirty {
                format!("{hash}+dirty")
            } else {
                hash
            }
        }
        None => "unknown".to_owned(),
    }
}

/// `core/benches/recovery_virtual.rs`: recovery after a server restart in
/// virtual time, one sample per seed and outage.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RecoveryVirtual {
    /// When and where.
    pub provenance: Provenance,
    /// Seeds per outage.
    pub seeds: u64,
    /// One entry per outage length.
    pub outages: Vec<OutageSamples>,
}

/// The recovery samples of one outage length.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct OutageSamples {
    /// How long the server was down, seconds.
    pub outage_s: u64,
    /// From the server being back until a message sent then was
    /// acknowledged, seconds; one per seed.
    pub recovery_s: Vec<f64>,
}

/// `core/benches/core_scale.rs`: the sans-IO core's memory per idle client.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct CoreScale {
    /// When and where.
    pub provenance: Provenance,
    /// Logged-in idle clients in the process.
    pub clients: u64,
    /// Live heap per client (counting allocator), bytes.
    pub heap_bytes_per_client: f64,
    /// Process RSS growth per client, bytes.
    pub rss_bytes_per_client: f64,
}

/// `runtime-tokio/benches/scale.rs`: whole `tcchat_tokio::Chat` instances,
/// each with its own WebSocket, against the reference server in a child
/// process.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct InstanceScale {
    /// When and where.
    pub provenance: Provenance,
    /// Logged-in idle instances in the process.
    pub instances: u64,
    /// Client process RSS growth per instance, bytes.
    pub client_rss_bytes_per_instance: f64,
    /// Client live heap growth per instance (counting allocator), bytes.
    pub client_heap_bytes_per_instance: f64,
    /// Server (child process) RSS growth per connection, bytes.
    pub server_rss_bytes_per_connection: f64,
}

/// `runtime-*/benches/e2e.rs`: paired throughput rounds of one runtime.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct E2e {
    /// When and where.
    pub provenance: Provenance,
    /// `tokio`, `async-std` or `smol`.
    pub runtime: String,
    /// Messages per side per round.
    pub per_round: u64,
    /// SDK messages per second, one per round.
    pub sdk_mps: Vec<f64>,
    /// Raw WebSocket echo messages per second, one per round (the same
    /// rounds as `sdk_mps`, index by index).
    pub echo_mps: Vec<f64>,
}

impl E2e {
    /// The per-round `sdk / echo` ratios.
    pub fn ratios(&self) -> Vec<f64> {
        self.sdk_mps
            .iter()
            .zip(&self.echo_mps)
            .map(|(s, e)| s / e)
            .collect()
    }
}

/// `tests/tests/interop.rs` side-by-side measurement: one client's
/// recovery in one run (stored one JSON object per line, appended).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct InteropRun {
    /// When and where.
    pub provenance: Provenance,
    /// `ServerRestart`, `ServerCrash` or `SilentDrop`.
    pub fault: String,
    /// `official SDK 3.6.6` or `tcchat`.
    pub client: String,
    /// From the fault until the server accepted connections again, ms
    /// (0 for a silent drop, where the server never went away).
    pub back_ms: u64,
    /// From the fault until the link was back, ms; `None` if it never was
    /// within the measurement's bound.
    pub link_back_ms: Option<u64>,
    /// From the fault until the first probe was raised as
    /// MESSAGE_RECEIVED, ms; `None` if none was within the bound.
    pub usable_ms: Option<u64>,
}

/// The file name of each measurement under [`data_dir`].
pub mod file {
    /// [`super::RecoveryVirtual`].
    pub const RECOVERY_VIRTUAL: &str = "recovery_virtual.json";
    /// [`super::CoreScale`].
    pub const CORE_SCALE: &str = "core_scale.json";
    /// [`super::InstanceScale`].
    pub const SCALE_TOKIO: &str = "scale_tokio.json";
    /// [`super::InteropRun`], one per line.
    pub const INTEROP_RECOVERY: &str = "interop_recovery.jsonl";
    /// [`super::E2e`] of one runtime.
    pub fn e2e(runtime: &str) -> String {
        format!("e2e_{runtime}.json")
    }
}

/// Writes `value` as pretty JSON to `dir/name` (creating `dir`).
pub fn store<T: Serialize>(dir: &Path, name: &str, value: &T) -> Result<PathBuf, ChartError> {
    let path = dir.join(name);
    let io = |source| ChartError::Io {
        path: path.display().to_string(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut text = serde_json::to_string_pretty(value).map_err(|source| ChartError::Data {
        path: path.display().to_string(),
        source,
    })?;
    text.push('\n');
    std::fs::write(&path, text).map_err(io)?;
    Ok(path)
}

/// Appends `value` as one JSON line to `dir/name` (creating both).
pub fn append<T: Serialize>(dir: &Path, name: &str, value: &T) -> Result<PathBuf, ChartError> {
    let path = dir.join(name);
    let io = |source| ChartError::Io {
        path: path.display().to_string(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let line = serde_json::to_string(value).map_err(|source| ChartError::Data {
        path: path.display().to_string(),
        source,
    })?;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(io)?;
    writeln!(f, "{line}").map_err(io)?;
    Ok(path)
}

/// Reads `dir/name`; `Ok(None)` if the file does not exist (that
/// measurement has not been stored yet).
pub fn load<T: DeserializeOwned>(dir: &Path, name: &str) -> Result<Option<T>, ChartError> {
    let path = dir.join(name);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(ChartError::Io {
                path: path.display().to_string(),
                source,
            })
        }
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|source| ChartError::Data {
            path: path.display().to_string(),
            source,
        })
}

/// Reads every line of `dir/name` (empty if the file does not exist).
pub fn load_lines<T: DeserializeOwned>(dir: &Path, name: &str) -> Result<Vec<T>, ChartError> {
    let path = dir.join(name);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(ChartError::Io {
                path: path.display().to_string(),
                source,
            })
        }
    };
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str(l).map_err(|source| ChartError::Data {
                path: path.display().to_string(),
                source,
            })
        })
        .collect()
}
