//! The two kinds of chart: a distribution (empirical CDF with its p50, p90
//! and max marked) and a bar chart (one bar per case, optional p25–p75
//! whiskers and a goal line). Both write an SVG file with plotters' SVG
//! backend.

use std::path::Path;

use plotters::coord::ranged1d::{AsRangedCoord, SegmentValue, ValueFormatter};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::ChartError;

/// Size of every chart, in SVG pixels.
const SIZE: (u32, u32) = (900, 480);

/// Series colours, in order (readable on white, distinct in grey scale
/// by their markers).
const COLOURS: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(90, 90, 90),
];

/// Most points drawn per CDF line: a larger series is drawn through this
/// many evenly spaced quantiles, which keeps the SVG small.
const CDF_POINTS: usize = 200;

/// How the horizontal axis of a [`distribution_chart`] is scaled.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scale {
    /// From 0 to a little above the largest value.
    Linear,
    /// Logarithmic, for series that differ by orders of magnitude. Values
    /// below `floor` (including 0) are drawn at `floor`; say so in the
    /// axis label.
    Log {
        /// The smallest value shown; must be positive.
        floor: f64,
    },
}

/// Titles and units of a [`distribution_chart`].
#[derive(Clone, Copy, Debug)]
pub struct Distribution<'a> {
    /// Caption above the chart.
    pub title: &'a str,
    /// Label of the horizontal (value) axis, unit included.
    pub x_label: &'a str,
    /// Unit appended to the p50/p90/max figures in the legend (e.g. `"s"`).
    pub unit: &'a str,
    /// Scale of the value axis.
    pub scale: Scale,
}

/// Titles and units of a [`bar_chart`].
#[derive(Clone, Copy, Debug)]
pub struct Bars<'a> {
    /// Caption above the chart.
    pub title: &'a str,
    /// Label of the vertical (value) axis, unit included.
    pub y_label: &'a str,
    /// Unit appended to the figure written above each bar (e.g. `" KiB"`).
    pub unit: &'a str,
    /// A horizontal goal line and its legend text, if the figure has a goal.
    pub goal: Option<(&'a str, f64)>,
}

/// One bar of a [`bar_chart`].
#[derive(Clone, Copy, Debug)]
pub struct Bar<'a> {
    /// Name under the bar.
    pub label: &'a str,
    /// Height of the bar.
    pub value: f64,
    /// A whisker from `.0` to `.1` (e.g. the 25th–75th percentiles of the
    /// per-round ratios), drawn over the bar.
    pub spread: Option<(f64, f64)>,
}

/// The `p`-quantile (0..=1) of sorted finite values, nearest rank.
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * p.clamp(0.0, 1.0)).round() as usize;
    sorted[i]
}

/// A figure for a legend: three significant digits at most, no trailing
/// zeros beyond what the magnitude needs.
pub fn figure(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        "0".to_owned()
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

fn check(chart: &str, series: &str, values: &[f64]) -> Result<(), ChartError> {
    if values.is_empty() {
        return Err(ChartError::Empty {
            chart: chart.to_owned(),
            series: series.to_owned(),
        });
    }
    if let Some(v) = values.iter().find(|v| !v.is_finite()) {
        return Err(ChartError::NotFinite {
            chart: chart.to_owned(),
            series: series.to_owned(),
            value: v.to_string(),
        });
    }
    Ok(())
}

fn draw_err(path: &Path) -> impl Fn(String) -> ChartError + '_ {
    move |message| ChartError::Draw {
        path: path.display().to_string(),
        message,
    }
}

fn create_parent(path: &Path) -> Result<(), ChartError> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => {
            std::fs::create_dir_all(dir).map_err(|source| ChartError::Io {
                path: dir.display().to_string(),
                source,
            })
        }
        _ => Ok(()),
    }
}

/// Draws the distribution of each series as an empirical CDF (the fraction
/// of samples at or below each value), with its p50 (circle), p90
/// (triangle) and max (cross) marked on the line and written in the legend
/// with the sample count, so a reader sees the spread and not only a
/// median. Writes the SVG to `path` (creating its directory).
///
/// Errors: [`ChartError::Empty`] if there is no series or a series has no
/// sample, [`ChartError::NotFinite`] for a NaN or infinite sample,
/// [`ChartError::InvalidScale`] for a log floor that is not positive, and
/// [`ChartError::Io`]/[`ChartError::Draw`] if the file cannot be written.
pub fn distribution_chart(
    spec: &Distribution<'_>,
    series: &[(&str, &[f64])],
    path: &Path,
) -> Result<(), ChartError> {
    if series.is_empty() {
        return Err(ChartError::Empty {
            chart: spec.title.to_owned(),
            series: String::new(),
        });
    }
    let mut sorted = Vec::with_capacity(series.len());
    for (name, values) in series {
        check(spec.title, name, values)?;
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        sorted.push((*name, v));
    }
    let max = sorted
        .iter()
        .filter_map(|(_, v)| v.last().copied())
        .fold(f64::MIN, f64::max);
    if let Scale::Log { floor } = spec.scale {
        if !(floor.is_finite() && floor > 0.0) {
            return Err(ChartError::InvalidScale {
                chart: spec.title.to_owned(),
                floor: floor.to_string(),
            });
        }
    }
    create_parent(path)?;
    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    match spec.scale {
        Scale::Linear => {
            let top = if max > 0.0 { max * 1.05 } else { 1.0 };
            let min = sorted
                .iter()
                .filter_map(|(_, v)| v.first().copied())
                .fold(f64::MAX, f64::min)
                .min(0.0);
            draw_cdf(&root, spec, &sorted, min..top, |v| v, false, path)
        }
        Scale::Log { floor } => {
            let top = (max * 1.5).max(floor * 10.0);
            draw_cdf(
                &root,
                spec,
                &sorted,
                (floor..top).log_scale(),
                move |v| v.max(floor),
                true,
                path,
            )
        }
    }?;
    root.present().map_err(|e| draw_err(path)(e.to_string()))
}

fn draw_cdf<X>(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    spec: &Distribution<'_>,
    sorted: &[(&str, Vec<f64>)],
    x: X,
    place: impl Fn(f64) -> f64,
    log: bool,
    path: &Path,
) -> Result<(), ChartError>
where
    X: AsRangedCoord<Value = f64>,
    X::CoordDescType: ValueFormatter<f64>,
{
    let err = |e: &dyn std::fmt::Display| draw_err(path)(e.to_string());
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let mut chart = ChartBuilder::on(root)
        .caption(spec.title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(45)
        .y_label_area_size(60)
        .build_cartesian_2d(x, 0f64..1.02f64)
        .map_err(|e| err(&e))?;
    chart
        .configure_mesh()
        .x_desc(spec.x_label)
        .y_desc("fraction of runs at or below")
        .y_labels(11)
        .y_label_formatter(&|v| format!("{:.0} %", v * 100.0))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(|e| err(&e))?;
    for (i, (name, v)) in sorted.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let n = v.len();
        // The CDF: exact steps for a small series, evenly spaced quantiles
        // for a large one.
        let mut points = Vec::new();
        if n <= CDF_POINTS {
            points.push((place(v[0]), 0.0));
            for (k, x) in v.iter().enumerate() {
                points.push((place(*x), k as f64 / n as f64));
                points.push((place(*x), (k + 1) as f64 / n as f64));
            }
        } else {
            points.push((place(v[0]), 0.0));
            for q in 0..=CDF_POINTS {
                let p = q as f64 / CDF_POINTS as f64;
                points.push((place(quantile(v, p)), p));
            }
        }
        let (p50, p90, top) = (quantile(v, 0.5), quantile(v, 0.9), v[n - 1]);
        let legend = format!(
            "{name} (n={n}): p50 {} {u}, p90 {} {u}, max {} {u}",
            figure(p50),
            figure(p90),
            figure(top),
            u = spec.unit
        );
        chart
            .draw_series(LineSeries::new(points, colour.stroke_width(2)))
            .map_err(|e| err(&e))?
            .label(legend)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
            });
        chart
            .draw_series([Circle::new((place(p50), 0.5), 5, colour.filled())])
            .map_err(|e| err(&e))?;
        chart
            .draw_series([TriangleMarker::new((place(p90), 0.9), 6, colour.filled())])
            .map_err(|e| err(&e))?;
        chart
            .draw_series([Cross::new((place(top), 1.0), 6, colour.stroke_width(2))])
            .map_err(|e| err(&e))?;
    }
    // A log axis here compares series orders of magnitude apart, leaving
    // the upper left empty; linear CDFs leave the lower right empty.
    let corner = if log {
        SeriesLabelPosition::UpperLeft
    } else {
        SeriesLabelPosition::LowerRight
    };
    chart
        .configure_series_labels()
        .position(corner)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .label_font(("sans-serif", 13))
        .draw()
        .map_err(|e| err(&e))?;
    Ok(())
}

/// Draws one bar per case, with its figure written above it, optional
/// whiskers ([`Bar::spread`]) and an optional goal line
/// ([`Bars::goal`]). Writes the SVG to `path` (creating its directory).
///
/// Errors: [`ChartError::Empty`] if there is no bar,
/// [`ChartError::NotFinite`] for a NaN or infinite value, spread or goal,
/// and [`ChartError::Io`]/[`ChartError::Draw`] if the file cannot be
/// written.
pub fn bar_chart(spec: &Bars<'_>, bars: &[Bar<'_>], path: &Path) -> Result<(), ChartError> {
    if bars.is_empty() {
        return Err(ChartError::Empty {
            chart: spec.title.to_owned(),
            series: String::new(),
        });
    }
    for b in bars {
        let mut values = vec![b.value];
        if let Some((lo, hi)) = b.spread {
            values.extend([lo, hi]);
        }
        check(spec.title, b.label, &values)?;
    }
    if let Some((label, goal)) = spec.goal {
        check(spec.title, label, &[goal])?;
    }
    let top = bars
        .iter()
        .map(|b| b.spread.map_or(b.value, |(_, hi)| hi.max(b.value)))
        .chain(spec.goal.map(|(_, g)| g))
        .fold(0.0, f64::max);
    let top = if top > 0.0 { top * 1.25 } else { 1.0 };
    create_parent(path)?;
    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    let err = |e: &dyn std::fmt::Display| draw_err(path)(e.to_string());
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let n = bars.len() as u32;
    let mut chart = ChartBuilder::on(&root)
        .caption(spec.title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(45)
        .y_label_area_size(70)
        // plotters' integer ranges include their end: `0..n - 1` is n slots.
        .build_cartesian_2d((0u32..n - 1).into_segmented(), 0f64..top)
        .map_err(|e| err(&e))?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE.mix(0.0))
        .y_desc(spec.y_label)
        .y_label_formatter(&|v| figure(*v))
        .x_labels(bars.len())
        .x_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => bars
                .get(*i as usize)
                .map_or_else(String::new, |b| b.label.to_owned()),
            SegmentValue::Last => String::new(),
        })
        .draw()
        .map_err(|e| err(&e))?;
    for (i, b) in bars.iter().enumerate() {
        let i = i as u32;
        let colour = COLOURS[i as usize % COLOURS.len()];
        // The last slot ends at the axis' end, not at a value past it.
        let right = if i + 1 < n {
            SegmentValue::Exact(i + 1)
        } else {
            SegmentValue::Last
        };
        let mut rect = Rectangle::new(
            [(SegmentValue::Exact(i), 0.0), (right, b.value)],
            colour.mix(0.8).filled(),
        );
        rect.set_margin(0, 0, 25, 25);
        chart.draw_series([rect]).map_err(|e| err(&e))?;
        if let Some((lo, hi)) = b.spread {
            chart
                .draw_series([PathElement::new(
                    vec![
                        (SegmentValue::CenterOf(i), lo),
                        (SegmentValue::CenterOf(i), hi),
                    ],
                    BLACK.stroke_width(2),
                )])
                .map_err(|e| err(&e))?;
        }
        let above = b.spread.map_or(b.value, |(_, hi)| hi.max(b.value));
        chart
            .draw_series([Text::new(
                format!("{}{}", figure(b.value), spec.unit),
                (SegmentValue::CenterOf(i), above + top * 0.01),
                ("sans-serif", 14)
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Center, VPos::Bottom)),
            )])
            .map_err(|e| err(&e))?;
    }
    if let Some((label, goal)) = spec.goal {
        let line = RGBColor(200, 0, 0);
        chart
            .draw_series([PathElement::new(
                vec![(SegmentValue::Exact(0), goal), (SegmentValue::Last, goal)],
                line.stroke_width(2),
            )])
            .map_err(|e| err(&e))?
            .label(label)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], line.stroke_width(2))
            });
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .label_font(("sans-serif", 13))
            .draw()
            .map_err(|e| err(&e))?;
    }
    root.present().map_err(|e| err(&e))
}
