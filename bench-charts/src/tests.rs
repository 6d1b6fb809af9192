use std::path::PathBuf;

use super::*;
use data::{OutageSamples, Provenance};

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bench-charts-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn svg_text(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("svg written");
    assert!(
        text.starts_with("<svg"),
        "not an SVG: {}",
        &text[..80.min(text.len())]
    );
    text
}

const SPEC: Distribution<'static> = Distribution {
    title: "Recovery title",
    x_label: "seconds after the server is back",
    unit: "s",
    scale: Scale::Linear,
};

#[test]
fn distribution_chart_writes_series_names_figures_and_axis_labels() {
    let dir = scratch("dist");
    let path = dir.join("sub/dist.svg");
    let fast: Vec<f64> = (0..1000).map(|i| f64::from(i) / 1000.0).collect();
    let slow = [48.0, 55.0, 60.1];
    distribution_chart(
        &SPEC,
        &[("fast client", &fast), ("slow client", &slow)],
        &path,
    )
    .expect("drawn");
    let svg = svg_text(&path);
    for needle in [
        "Recovery title",
        "seconds after the server is back",
        "fraction of runs at or below",
        // Legend: the name, count and spread of each series.
        "fast client (n=1000): p50 0.50 s, p90 0.90 s, max 1.00 s",
        "slow client (n=3): p50 55.0 s, p90 60.1 s, max 60.1 s",
    ] {
        assert!(svg.contains(needle), "{needle:?} missing from the SVG");
    }
}

#[test]
fn distribution_chart_on_a_log_axis_clamps_zero_to_the_floor() {
    let dir = scratch("log");
    let path = dir.join("log.svg");
    distribution_chart(
        &Distribution {
            scale: Scale::Log { floor: 0.01 },
            ..SPEC
        },
        &[
            ("with zeros", &[0.0, 0.0, 0.5, 1.2]),
            ("slow", &[57.0, 60.0]),
        ],
        &path,
    )
    .expect("drawn");
    assert!(svg_text(&path).contains("with zeros (n=4)"));
}

#[test]
fn distribution_chart_refuses_empty_and_non_finite_input_with_typed_errors() {
    let dir = scratch("bad-dist");
    let path = dir.join("bad.svg");
    let e = distribution_chart(&SPEC, &[], &path).unwrap_err();
    assert!(matches!(e, ChartError::Empty { .. }), "{e}");
    assert_eq!(e.code(), "empty");
    let e = distribution_chart(&SPEC, &[("a", &[1.0]), ("none", &[])], &path).unwrap_err();
    assert!(
        matches!(&e, ChartError::Empty { series, .. } if series == "none"),
        "{e}"
    );
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let e = distribution_chart(&SPEC, &[("odd", &[1.0, bad])], &path).unwrap_err();
        assert!(
            matches!(&e, ChartError::NotFinite { series, .. } if series == "odd"),
            "{e}"
        );
        assert_eq!(e.code(), "not_finite");
    }
    for floor in [0.0, -1.0, f64::NAN] {
        let e = distribution_chart(
            &Distribution {
                scale: Scale::Log { floor },
                ..SPEC
            },
            &[("a", &[1.0])],
            &path,
        )
        .unwrap_err();
        assert!(matches!(e, ChartError::InvalidScale { .. }), "{e}");
    }
    assert!(!path.exists(), "nothing is written for bad input");
}

const BARS: Bars<'static> = Bars {
    title: "Throughput title",
    y_label: "percent of the echo",
    unit: " %",
    goal: Some(("goal: 60 %", 60.0)),
};

#[test]
fn bar_chart_writes_labels_figures_and_the_goal() {
    let dir = scratch("bars");
    let path = dir.join("bars.svg");
    bar_chart(
        &BARS,
        &[
            Bar {
                label: "tokio-bar",
                value: 16.0,
                spread: Some((14.0, 17.0)),
            },
            Bar {
                label: "smol-bar",
                value: 10.26,
                spread: None,
            },
        ],
        &path,
    )
    .expect("drawn");
    let svg = svg_text(&path);
    for needle in [
        "Throughput title",
        "percent of the echo",
        "tokio-bar",
        "smol-bar",
        "16.0 %",
        "10.3 %",
        "goal: 60 %",
    ] {
        assert!(svg.contains(needle), "{needle:?} missing from the SVG");
    }
}

#[test]
fn bar_chart_refuses_empty_and_non_finite_input_with_typed_errors() {
    let dir = scratch("bad-bars");
    let path = dir.join("bad.svg");
    let e = bar_chart(&BARS, &[], &path).unwrap_err();
    assert!(matches!(e, ChartError::Empty { .. }), "{e}");
    let bar = |value, spread| Bar {
        label: "b",
        value,
        spread,
    };
    for bars in [
        [bar(f64::NAN, None)],
        [bar(1.0, Some((0.5, f64::INFINITY)))],
    ] {
        let e = bar_chart(&BARS, &bars, &path).unwrap_err();
        assert!(matches!(e, ChartError::NotFinite { .. }), "{e}");
    }
    let e = bar_chart(
        &Bars {
            goal: Some(("goal", f64::NAN)),
            ..BARS
        },
        &[bar(1.0, None)],
        &path,
    )
    .unwrap_err();
    assert!(matches!(e, ChartError::NotFinite { .. }), "{e}");
    assert!(!path.exists(), "nothing is written for bad input");
}

#[test]
fn quantiles_figures_and_dates() {
    let v = [1.0, 2.0, 3.0, 4.0, 5.0];
    assert_eq!(quantile(&v, 0.0), 1.0);
    assert_eq!(quantile(&v, 0.5), 3.0);
    assert_eq!(quantile(&v, 0.9), 5.0);
    assert_eq!(quantile(&v, 1.0), 5.0);
    assert!(quantile(&[], 0.5).is_nan());
    assert_eq!(figure(0.514), "0.51");
    assert_eq!(figure(55.04), "55.0");
    assert_eq!(figure(567.0), "567");
    assert_eq!(data::civil_date(0), "1970-01-01");
    assert_eq!(data::civil_date(951_782_400), "2000-02-29");
    assert_eq!(data::civil_date(1_796_601_600), "2026-12-07");
}

fn provenance() -> Provenance {
    Provenance {
        date: "2026-12-07".into(),
        commit: "abc1234".into(),
        load: "1.0 1.0 1.0".into(),
    }
}

#[test]
fn redraw_draws_each_chart_whose_data_is_stored_and_skips_the_rest() {
    let data_dir = scratch("redraw-data");
    let out = scratch("redraw-out");
    let done = redraw(&data_dir, &out).expect("nothing stored is not an error");
    assert!(done.written.is_empty());
    assert_eq!(done.skipped.len(), 4, "{:?}", done.skipped);

    data::store(
        &data_dir,
        file::RECOVERY_VIRTUAL,
        &RecoveryVirtual {
            provenance: provenance(),
            seeds: 4,
            outages: vec![
                OutageSamples {
                    outage_s: 1,
                    recovery_s: vec![0.0, 0.4, 0.6, 1.9],
                },
                OutageSamples {
                    outage_s: 3,
                    recovery_s: vec![0.1, 0.5, 0.7, 1.8],
                },
            ],
        },
    )
    .unwrap();
    for (client, usable) in [
        ("tcchat", Some(4_200)),
        ("official SDK 3.6.6", Some(60_100)),
    ] {
        data::append(
            &data_dir,
            file::INTEROP_RECOVERY,
            &InteropRun {
                provenance: provenance(),
                fault: "ServerRestart".into(),
                client: client.into(),
                back_ms: 3_100,
                link_back_ms: usable,
                usable_ms: usable,
            },
        )
        .unwrap();
    }
    data::store(
        &data_dir,
        &file::e2e("smol"),
        &E2e {
            provenance: provenance(),
            runtime: "smol".into(),
            per_round: 100,
            sdk_mps: vec![10_000.0, 11_000.0],
            echo_mps: vec![100_000.0, 100_000.0],
        },
    )
    .unwrap();
    data::store(
        &data_dir,
        file::CORE_SCALE,
        &CoreScale {
            provenance: provenance(),
            clients: 100,
            heap_bytes_per_client: 2662.4,
            rss_bytes_per_client: 3072.0,
        },
    )
    .unwrap();
    let done = redraw(&data_dir, &out).expect("redrawn");
    assert_eq!(done.written.len(), 4, "skipped {:?}", done.skipped);

    let side = svg_text(&out.join(svg::RECOVERY_SIDE_BY_SIDE));
    assert!(
        side.contains("tcchat, virtual time, 3 s outage (n=4)"),
        "{side}"
    );
    // Usable after the server was back: 4.2 - 3.1 s and 60.1 - 3.1 s.
    assert!(side.contains("tcchat, loopback restart/crash (n=1): p50 1.10 s"));
    assert!(side.contains("official SDK 3.6.6, loopback restart/crash (n=1): p50 57.0 s"));
    let thr = svg_text(&out.join(svg::THROUGHPUT));
    assert!(
        thr.contains("smol (11.0k vs 100.0k msg/s, 2 rounds)"),
        "{thr}"
    );
    let mem = svg_text(&out.join(svg::MEMORY));
    assert!(mem.contains("2.60 KiB") && mem.contains("567 KiB"), "{mem}");
    assert!(mem.contains("2026-12-07, abc1234"));
}

#[test]
fn redraw_reports_a_corrupt_data_file() {
    let data_dir = scratch("corrupt");
    std::fs::write(data_dir.join(file::CORE_SCALE), "{ not json").unwrap();
    let e = redraw(&data_dir, &scratch("corrupt-out")).unwrap_err();
    assert_eq!(e.code(), "data", "{e}");
}
