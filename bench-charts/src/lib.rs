//! The charts of `BENCHMARKS.md` and `docs/INTEROP.md`, drawn as SVG from
//! the samples the benches store under `docs/charts/data/`.
//!
//! Not published: a workspace tool. The benches call [`save_and_redraw`]
//! (or [`append_and_redraw`]) in their full (`--bench`) mode, which stores
//! the run's samples and redraws every chart whose data is there;
//! `cargo run -p bench-charts --bin redraw` redraws them all from the
//! stored data alone.
//!
//! The drawing functions ([`distribution_chart`], [`bar_chart`]) take
//! plain samples, so they can chart anything else too.

mod chart;
pub mod data;

use std::path::{Path, PathBuf};

use serde::Serialize;

pub use chart::{bar_chart, distribution_chart, figure, quantile, Bar, Bars, Distribution, Scale};
use data::{file, CoreScale, E2e, InstanceScale, InteropRun, RecoveryVirtual};

/// Why a chart (or its data) could not be drawn, read or written.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// A chart got no series, or a series with no sample.
    #[error("chart {chart:?}: no samples (series {series:?})")]
    Empty {
        /// Title of the chart.
        chart: String,
        /// The empty series (empty if the chart had no series at all).
        series: String,
    },
    /// A sample is NaN or infinite.
    #[error("chart {chart:?}: series {series:?} has the non-finite value {value}")]
    NotFinite {
        /// Title of the chart.
        chart: String,
        /// The series it is in.
        series: String,
        /// The value, as text.
        value: String,
    },
    /// A logarithmic axis with a floor that is not a positive number.
    #[error("chart {chart:?}: a log axis needs a positive floor, got {floor}")]
    InvalidScale {
        /// Title of the chart.
        chart: String,
        /// The floor, as text.
        floor: String,
    },
    /// Reading or writing a file or directory failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A data file is not the JSON its measurement writes.
    #[error("{path}: {source}")]
    Data {
        /// The data file.
        path: String,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// plotters could not draw the chart.
    #[error("drawing {path}: {message}")]
    Draw {
        /// The SVG being written.
        path: String,
        /// plotters' error.
        message: String,
    },
}

impl ChartError {
    /// A stable code for each kind of error (for logs and scripts).
    pub fn code(&self) -> &'static str {
        match self {
            ChartError::Empty { .. } => "empty",
            ChartError::NotFinite { .. } => "not_finite",
            ChartError::InvalidScale { .. } => "invalid_scale",
            ChartError::Io { .. } => "io",
            ChartError::Data { .. } => "data",
            ChartError::Draw { .. } => "draw",
        }
    }
}

/// The SVG file names under [`data::charts_dir`].
pub mod svg {
    /// Recovery in virtual time, one CDF per outage length (BENCHMARKS.md §5).
    pub const RECOVERY_VIRTUAL: &str = "recovery_virtual.svg";
    /// Recovery after a server restart or crash, tcchat against the
    /// official SDK (BENCHMARKS.md §5, docs/INTEROP.md).
    pub const RECOVERY_SIDE_BY_SIDE: &str = "recovery_side_by_side.svg";
    /// Throughput per runtime against the echo baseline (BENCHMARKS.md §3–4).
    pub const THROUGHPUT: &str = "throughput.svg";
    /// Memory per idle instance (BENCHMARKS.md §6).
    pub const MEMORY: &str = "memory.svg";
}

/// The official Web SDK's memory per additional logged-in instance, KiB
/// (Node, at 100 instances): the reference's measurement
/// (`official-web-sdk.md` §11), quoted in BENCHMARKS.md §6. Not re-measured
/// by any bench here.
pub const OFFICIAL_SDK_KIB_PER_INSTANCE: f64 = 567.0;

/// The runtimes whose e2e data the throughput chart shows, in this order.
pub const RUNTIMES: [&str; 3] = ["tokio", "async-std", "smol"];

/// What [`redraw`] did with each chart.
#[derive(Debug, Default)]
pub struct Redrawn {
    /// The SVGs written.
    pub written: Vec<PathBuf>,
    /// Charts not drawn, with the reason (their data is not stored yet).
    pub skipped: Vec<(&'static str, String)>,
}

fn caption(title: &str, p: &data::Provenance) -> String {
    format!("{title} ({}, {})", p.date, p.commit)
}

/// Redraws every chart whose data is in `data_dir` into `out_dir`.
/// A chart whose data is missing is skipped (listed in
/// [`Redrawn::skipped`]); bad data or a failed write is an error.
pub fn redraw(data_dir: &Path, out_dir: &Path) -> Result<Redrawn, ChartError> {
    let mut done = Redrawn::default();
    let virt: Option<RecoveryVirtual> = data::load(data_dir, file::RECOVERY_VIRTUAL)?;
    let interop: Vec<InteropRun> = data::load_lines(data_dir, file::INTEROP_RECOVERY)?;

    // §5: tcchat's recovery per outage, virtual time.
    match &virt {
        Some(v) => {
            let names: Vec<String> = v
                .outages
                .iter()
                .map(|o| format!("{} s outage", o.outage_s))
                .collect();
            let series: Vec<(&str, &[f64])> = names
                .iter()
                .zip(&v.outages)
                .map(|(n, o)| (n.as_str(), o.recovery_s.as_slice()))
                .collect();
            let title = caption(
                "tcchat: recovery after a server restart, virtual time",
                &v.provenance,
            );
            let path = out_dir.join(svg::RECOVERY_VIRTUAL);
            distribution_chart(
                &Distribution {
                    title: &title,
                    x_label: "seconds from the server being back to a message acknowledged",
                    unit: "s",
                    scale: Scale::Linear,
                },
                &series,
                &path,
            )?;
            done.written.push(path);
        }
        None => done.skipped.push((
            svg::RECOVERY_VIRTUAL,
            format!("no {}", file::RECOVERY_VIRTUAL),
        )),
    }

    // §5 and INTEROP: tcchat against the official SDK.
    let faults = ["ServerRestart", "ServerCrash"];
    let after_back = |client: &str| -> (Vec<f64>, usize) {
        let runs: Vec<&InteropRun> = interop
            .iter()
            .filter(|r| r.client == client && faults.contains(&r.fault.as_str()))
            .collect();
        let never = runs.iter().filter(|r| r.usable_ms.is_none()).count();
        let secs = runs
            .iter()
            .filter_map(|r| {
                r.usable_ms
                    .map(|u| u.saturating_sub(r.back_ms) as f64 / 1000.0)
            })
            .collect();
        (secs, never)
    };
    let (official, official_never) = after_back("official SDK 3.6.6");
    let (ours, ours_never) = after_back("tcchat");
    if official.is_empty() {
        done.skipped.push((
            svg::RECOVERY_SIDE_BY_SIDE,
            format!("no official SDK run in {}", file::INTEROP_RECOVERY),
        ));
    } else {
        let never = |n: usize| {
            if n == 0 {
                String::new()
            } else {
                format!(", {n} never")
            }
        };
        let official_name = format!(
            "official SDK 3.6.6, loopback restart/crash{}",
            never(official_never)
        );
        let ours_name = format!("tcchat, loopback restart/crash{}", never(ours_never));
        let mut series: Vec<(&str, &[f64])> = Vec::new();
        let virt3 = virt
            .as_ref()
            .and_then(|v| v.outages.iter().find(|o| o.outage_s == 3));
        if let Some(o) = virt3 {
            series.push(("tcchat, virtual time, 3 s outage", &o.recovery_s));
        }
        if !ours.is_empty() {
            series.push((&ours_name, &ours));
        }
        series.push((&official_name, &official));
        let latest = interop
            .iter()
            .map(|r| &r.provenance)
            .max_by(|a, b| a.date.cmp(&b.date))
            .cloned()
            .unwrap_or_else(data::Provenance::now);
        let title = caption(
            "Usable again after the server is back: tcchat vs the official SDK",
            &latest,
        );
        let path = out_dir.join(svg::RECOVERY_SIDE_BY_SIDE);
        distribution_chart(
            &Distribution {
                title: &title,
                x_label: "seconds from the server being back to the first message delivered (log scale; 0 drawn at 0.01)",
                unit: "s",
                scale: Scale::Log { floor: 0.01 },
            },
            &series,
            &path,
        )?;
        done.written.push(path);
    }

    // §3–4: throughput per runtime against the echo.
    let mut runs = Vec::new();
    for rt in RUNTIMES {
        if let Some(e) = data::load::<E2e>(data_dir, &file::e2e(rt))? {
            runs.push(e);
        }
    }
    if runs.is_empty() {
        done.skipped
            .push((svg::THROUGHPUT, "no e2e_<runtime>.json".to_owned()));
    } else {
        let mut labels = Vec::new();
        let mut stats = Vec::new();
        for r in &runs {
            let mut ratios: Vec<f64> = r.ratios().iter().map(|x| x * 100.0).collect();
            ratios.sort_by(f64::total_cmp);
            let mut s = r.sdk_mps.clone();
            let mut e = r.echo_mps.clone();
            s.sort_by(f64::total_cmp);
            e.sort_by(f64::total_cmp);
            labels.push(format!(
                "{} ({:.1}k vs {:.1}k msg/s, {} rounds)",
                r.runtime,
                quantile(&s, 0.5) / 1000.0,
                quantile(&e, 0.5) / 1000.0,
                ratios.len()
            ));
            stats.push((
                quantile(&ratios, 0.5),
                quantile(&ratios, 0.25),
                quantile(&ratios, 0.75),
            ));
        }
        let bars: Vec<Bar<'_>> = labels
            .iter()
            .zip(&stats)
            .map(|(l, (m, lo, hi))| Bar {
                label: l,
                value: *m,
                spread: Some((*lo, *hi)),
            })
            .collect();
        let newest = runs
            .iter()
            .map(|r| &r.provenance)
            .max_by(|a, b| a.date.cmp(&b.date))
            .cloned()
            .unwrap_or_else(data::Provenance::now);
        let title = caption(
            "C2C messages/s through the server, % of a raw WebSocket echo",
            &newest,
        );
        let path = out_dir.join(svg::THROUGHPUT);
        bar_chart(
            &Bars {
                title: &title,
                y_label: "SDK / echo, median of paired rounds (whisker p25-p75), %",
                unit: " %",
                goal: Some(("goal: at least 60 % of the echo", 60.0)),
            },
            &bars,
            &path,
        )?;
        done.written.push(path);
    }

    // §6: memory per idle instance.
    let core: Option<CoreScale> = data::load(data_dir, file::CORE_SCALE)?;
    let whole: Option<InstanceScale> = data::load(data_dir, file::SCALE_TOKIO)?;
    if core.is_none() && whole.is_none() {
        done.skipped.push((
            svg::MEMORY,
            format!("no {} or {}", file::CORE_SCALE, file::SCALE_TOKIO),
        ));
    } else {
        let mut labels = Vec::new();
        let mut values = Vec::new();
        let mut provenance = Vec::new();
        if let Some(c) = &core {
            labels.push(format!("sans-IO core heap ({} clients)", c.clients));
            values.push(c.heap_bytes_per_client / 1024.0);
            provenance.push(c.provenance.clone());
        }
        if let Some(w) = &whole {
            labels.push(format!("tcchat-tokio instance RSS ({})", w.instances));
            values.push(w.client_rss_bytes_per_instance / 1024.0);
            labels.push(format!("server RSS per connection ({})", w.instances));
            values.push(w.server_rss_bytes_per_connection / 1024.0);
            provenance.push(w.provenance.clone());
        }
        labels.push("official Web SDK, Node (reference)".to_owned());
        values.push(OFFICIAL_SDK_KIB_PER_INSTANCE);
        let bars: Vec<Bar<'_>> = labels
            .iter()
            .zip(&values)
            .map(|(l, v)| Bar {
                label: l,
                value: *v,
                spread: None,
            })
            .collect();
        let newest = provenance
            .into_iter()
            .max_by(|a, b| a.date.cmp(&b.date))
            .unwrap_or_else(data::Provenance::now);
        let title = caption("Memory per idle instance", &newest);
        let path = out_dir.join(svg::MEMORY);
        bar_chart(
            &Bars {
                title: &title,
                y_label: "KiB per instance",
                unit: " KiB",
                goal: Some(("goal for a whole instance: at most 64 KiB", 64.0)),
            },
            &bars,
            &path,
        )?;
        done.written.push(path);
    }
    Ok(done)
}

/// Redraws into `docs/charts/` from `docs/charts/data/` and prints what it
/// wrote and skipped (the benches' last step).
pub fn redraw_repo_charts() -> Result<Redrawn, ChartError> {
    let done = redraw(&data::data_dir(), &data::charts_dir())?;
    for p in &done.written {
        println!("chart: wrote {}", p.display());
    }
    for (chart, why) in &done.skipped {
        println!("chart: {chart} not drawn: {why}");
    }
    Ok(done)
}

/// Stores `value` as `docs/charts/data/<name>` and redraws the charts.
/// For a bench's full run; prints the paths, and returns the error for the
/// bench to report (a chart is never worth failing a measurement for).
pub fn save_and_redraw<T: Serialize>(name: &str, value: &T) -> Result<Redrawn, ChartError> {
    let path = data::store(&data::data_dir(), name, value)?;
    println!("chart data: wrote {}", path.display());
    redraw_repo_charts()
}

/// Appends `value` as a line of `docs/charts/data/<name>` and redraws the
/// charts (for measurements that add one run at a time).
pub fn append_and_redraw<T: Serialize>(name: &str, value: &T) -> Result<Redrawn, ChartError> {
    let path = data::append(&data::data_dir(), name, value)?;
    println!("chart data: appended to {}", path.display());
    redraw_repo_charts()
}

#[cfg(test)]
mod tests;
