//! Charts as PNG files, drawn offscreen with plotters and the bundled font (so Chinese labels
//! render on any machine): the chart of a table (line, bar, stacked bar, area, scatter, pie), a
//! cohort heatmap and a funnel.

use super::cohorts::Cohorts;
use super::downsample::lttb;
use super::funnel::Funnel;
use super::table::{AggTable, Key};
use crate::format::{compact, number, percent};
use crate::{Error, Result};
use plotters::prelude::*;
use plotters::style::FontStyle;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// How a table is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    #[default]
    Line,
    Bar,
    StackedBar,
    Area,
    Scatter,
    Pie,
    /// The rows of a numeric x counted in bins (see [`super::histogram`]).
    Histogram,
    /// The five-number summary of a numeric x per split value (see [`super::boxplot`]).
    #[serde(rename = "box")]
    BoxPlot,
}

impl ChartKind {
    pub const ALL: [ChartKind; 8] = [
        ChartKind::Line,
        ChartKind::Bar,
        ChartKind::StackedBar,
        ChartKind::Area,
        ChartKind::Scatter,
        ChartKind::Pie,
        ChartKind::Histogram,
        ChartKind::BoxPlot,
    ];

    /// Whether the chart shows the distribution of x's numbers rather than a measure per x.
    pub fn is_distribution(self) -> bool {
        matches!(self, ChartKind::Histogram | ChartKind::BoxPlot)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ChartKind::Line => "line",
            ChartKind::Bar => "bar",
            ChartKind::StackedBar => "stacked",
            ChartKind::Area => "area",
            ChartKind::Scatter => "scatter",
            ChartKind::Pie => "pie",
            ChartKind::Histogram => "histogram",
            ChartKind::BoxPlot => "box",
        }
    }
}

impl std::str::FromStr for ChartKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim().to_ascii_lowercase().replace(['-', '_', ' '], "");
        ChartKind::ALL
            .into_iter()
            .find(|k| {
                k.as_str() == t
                    || (t == "stackedbar" && *k == ChartKind::StackedBar)
                    || (t == "hist" && *k == ChartKind::Histogram)
                    || (t == "boxplot" && *k == ChartKind::BoxPlot)
            })
            .ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "'{s}' is not a chart type; use line, bar, stacked, area, scatter, pie, histogram or box"
                ))
            })
    }
}

/// The words a picture needs, in the user's language.
#[derive(Debug, Clone)]
pub struct Words {
    pub missing: String,
    pub other: String,
    pub all: String,
    /// The y axis of a histogram.
    pub rows: String,
}

impl Default for Words {
    fn default() -> Self {
        Words {
            missing: "(missing)".into(),
            other: "Other".into(),
            all: "All".into(),
            rows: "rows".into(),
        }
    }
}

impl Words {
    /// The words in one of the window's languages.
    pub fn for_lang(lang: crate::i18n::Lang) -> Words {
        use crate::i18n::T;
        Words {
            missing: lang.tr(T::Missing).into(),
            other: lang.tr(T::OtherGroup).into(),
            all: lang.tr(T::AllUsers).into(),
            rows: lang.tr(T::Rows).into(),
        }
    }
}

/// Tableau 10: distinct, print-safe, readable on white.
pub const PALETTE: [(u8, u8, u8); 10] = [
    (0x4e, 0x79, 0xa7),
    (0xf2, 0x8e, 0x2b),
    (0xe1, 0x57, 0x59),
    (0x76, 0xb7, 0xb2),
    (0x59, 0xa1, 0x4f),
    (0xed, 0xc9, 0x48),
    (0xb0, 0x7a, 0xa1),
    (0xff, 0x9d, 0xa7),
    (0x9c, 0x75, 0x5f),
    (0xba, 0xb0, 0xac),
];

pub(super) fn color(i: usize) -> RGBColor {
    let (r, g, b) = PALETTE[i % PALETTE.len()];
    RGBColor(r, g, b)
}

pub(super) const FONT: &str = "loupe-sans";

pub(super) fn font_ready() -> Result<()> {
    static REGISTERED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(FONT, FontStyle::Normal, crate::assets::BUNDLED_CJK).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(Error::Export(
            "the bundled font could not be loaded for drawing".into(),
        ))
    }
}

pub(super) fn draw_err<E: std::fmt::Display>(path: &Path) -> impl Fn(E) -> Error + '_ {
    move |e| Error::Export(format!("cannot draw {}: {e}", path.display()))
}

/// The smallest and largest side of a picture, in pixels: smaller leaves no room for the axes,
/// larger would need gigabytes of memory for the bitmap.
pub const PICTURE_SIDE: std::ops::RangeInclusive<u32> = 100..=8000;

/// Checks a picture's size against [`PICTURE_SIDE`]; the message states the limits.
pub fn check_picture_size((width, height): (u32, u32)) -> Result<()> {
    if PICTURE_SIDE.contains(&width) && PICTURE_SIDE.contains(&height) {
        return Ok(());
    }
    Err(Error::InvalidArgument(format!(
        "a picture of {width} × {height} pixels cannot be drawn: each side must be from {} to {} pixels",
        PICTURE_SIDE.start(),
        PICTURE_SIDE.end()
    )))
}

pub(super) fn check_png(path: &Path, size: (u32, u32)) -> Result<()> {
    crate::fsutil::Format::expect(
        path,
        &[crate::fsutil::Format::Png],
        "cannot draw a chart into",
    )?;
    check_picture_size(size)
}

/// One plotted series: its name and a value per x (None where the table has no cell).
struct Series {
    name: String,
    values: Vec<Option<f64>>,
}

fn series_of(t: &AggTable, m: usize, words: &Words) -> Vec<Series> {
    let xs = &t.x_values;
    let index: std::collections::HashMap<String, usize> = xs
        .iter()
        .enumerate()
        .map(|(i, k)| (format!("{k:?}"), i))
        .collect();
    let keys: Vec<Option<Key>> = if t.by.is_some() {
        t.series.iter().cloned().map(Some).collect()
    } else {
        vec![None]
    };
    keys.into_iter()
        .map(|k| {
            let mut values = vec![None; xs.len()];
            for r in t.rows.iter().filter(|r| r.by == k) {
                if let Some(i) = index.get(&format!("{:?}", r.x)) {
                    values[*i] = r.values.get(m).copied().flatten();
                }
            }
            Series {
                name: match &k {
                    Some(k) => k.label(None, &words.missing, &words.other),
                    None => t.measures.get(m).cloned().unwrap_or_default(),
                },
                values,
            }
        })
        .collect()
}

/// Draws measure `m` of a table as a chart of `width` × `height` pixels.
pub fn render_table(
    t: &AggTable,
    kind: ChartKind,
    m: usize,
    title: &str,
    words: &Words,
    path: &Path,
    (width, height): (u32, u32),
) -> Result<()> {
    check_png(path, (width, height))?;
    font_ready()?;
    if kind.is_distribution() {
        return Err(Error::InvalidArgument(format!(
            "a {} is drawn from its values, not from a table; use explore::chart::render",
            kind.as_str()
        )));
    }
    if m >= t.measures.len() {
        return Err(Error::InvalidArgument(format!(
            "the table has {} measures; there is no measure {}",
            t.measures.len(),
            m + 1
        )));
    }
    if t.rows.is_empty() {
        return Err(Error::InvalidArgument(
            "the table is empty: no rows matched, so there is nothing to draw".into(),
        ));
    }
    let err = draw_err(path);
    let root = BitMapBackend::new(path, (width, height)).into_drawing_area();
    root.fill(&WHITE).map_err(&err)?;
    let series = series_of(t, m, words);
    if kind == ChartKind::Pie {
        pie(&root, t, &series, title, words).map_err(&err)?;
        return root.present().map_err(&err);
    }
    let n = t.x_values.len();
    let labels: Vec<String> = t
        .x_values
        .iter()
        .map(|k| k.label(t.grain, &words.missing, &words.other))
        .collect();
    // The y range: stacked bars add up; everything else spans its values, with zero in view.
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for i in 0..n {
        if kind == ChartKind::StackedBar {
            let (mut pos, mut neg) = (0.0, 0.0);
            for s in &series {
                let v = s.values[i].unwrap_or(0.0);
                if v >= 0.0 { pos += v } else { neg += v }
            }
            hi = hi.max(pos);
            lo = lo.min(neg);
        } else {
            for s in &series {
                if let Some(v) = s.values[i] {
                    hi = hi.max(v);
                    lo = lo.min(v);
                }
            }
        }
    }
    if hi == lo {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.06;
    let (lo, hi) = (if lo < 0.0 { lo - pad } else { 0.0 }, hi + pad);
    let text = |size: u32| (FONT, size).into_font();
    let mut chart = ChartBuilder::on(&root)
        .caption(title, text(22))
        .margin(16)
        .x_label_area_size(if n > 12 && !t.x_continuous { 70 } else { 40 })
        .y_label_area_size(70)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), lo..hi)
        .map_err(&err)?;
    let x_label = |x: &f64| {
        let i = x.round();
        if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < n {
            labels[i as usize].clone()
        } else {
            String::new()
        }
    };
    let y_label = |y: &f64| compact(*y);
    let max_labels = (width as usize / 90).max(2);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(0xe4, 0xe4, 0xe4))
        .y_labels(8)
        .x_labels(n.min(max_labels))
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .x_desc(t.x.clone())
        .y_desc(t.measures[m].clone())
        .label_style(text(14))
        .axis_desc_style(text(15))
        .draw()
        .map_err(&err)?;

    let k = series.len();
    let mut base = vec![0.0f64; n];
    let mut base_neg = vec![0.0f64; n];
    for (si, s) in series.iter().enumerate() {
        let c = color(si);
        let legend_color = c;
        let anno = match kind {
            ChartKind::Line | ChartKind::Area | ChartKind::Scatter => {
                let pts: Vec<[f64; 2]> = s
                    .values
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| v.map(|v| [i as f64, v]))
                    .collect();
                let pts = lttb(&pts, (width as usize).max(3));
                let tuples: Vec<(f64, f64)> = pts.iter().map(|p| (p[0], p[1])).collect();
                match kind {
                    ChartKind::Line => chart
                        .draw_series(LineSeries::new(tuples.clone(), c.stroke_width(2)))
                        .map_err(&err)?,
                    ChartKind::Area => chart
                        .draw_series(
                            AreaSeries::new(tuples.clone(), 0.0, c.mix(0.18))
                                .border_style(c.stroke_width(2)),
                        )
                        .map_err(&err)?,
                    _ => chart
                        .draw_series(
                            tuples
                                .iter()
                                .map(|&(x, y)| Circle::new((x, y), 3, c.filled())),
                        )
                        .map_err(&err)?,
                }
            }
            ChartKind::Bar => {
                let w = 0.8 / k as f64;
                chart
                    .draw_series(s.values.iter().enumerate().filter_map(|(i, v)| {
                        let v = (*v)?;
                        let x0 = i as f64 - 0.4 + si as f64 * w;
                        Some(Rectangle::new([(x0, 0.0), (x0 + w * 0.92, v)], c.filled()))
                    }))
                    .map_err(&err)?
            }
            _ => {
                // Stacked bars.
                let rects: Vec<_> = s
                    .values
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| {
                        let v = (*v)?;
                        let b = if v >= 0.0 {
                            &mut base[i]
                        } else {
                            &mut base_neg[i]
                        };
                        let r = Rectangle::new(
                            [(i as f64 - 0.4, *b), (i as f64 + 0.4, *b + v)],
                            c.filled(),
                        );
                        *b += v;
                        Some(r)
                    })
                    .collect();
                chart.draw_series(rects).map_err(&err)?
            }
        };
        if k > 1 {
            anno.label(s.name.clone()).legend(move |(x, y)| {
                Rectangle::new([(x, y - 5), (x + 14, y + 5)], legend_color.filled())
            });
        }
    }
    if k > 1 {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(0xcc, 0xcc, 0xcc))
            .label_font(text(14))
            .draw()
            .map_err(&err)?;
    }
    root.present().map_err(&err)
}

fn pie<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    t: &AggTable,
    series: &[Series],
    title: &str,
    words: &Words,
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (w, h) = root.dim_in_pixel();
    let s = &series[0];
    let parts: Vec<(String, f64)> = t
        .x_values
        .iter()
        .zip(&s.values)
        .filter_map(|(k, v)| Some((k.label(t.grain, &words.missing, &words.other), (*v)?)))
        .filter(|(_, v)| *v > 0.0)
        .collect();
    let total: f64 = parts.iter().map(|(_, v)| v).sum();
    root.draw(&Text::new(
        title.to_string(),
        (16, 12),
        (FONT, 22).into_font(),
    ))?;
    let center = ((w / 2) as i32 - 80, (h / 2) as i32 + 10);
    let radius = (w.min(h) as f64) * 0.34;
    let sizes: Vec<f64> = parts.iter().map(|(_, v)| *v).collect();
    let colors: Vec<RGBColor> = (0..parts.len()).map(color).collect();
    let names: Vec<String> = parts
        .iter()
        .map(|(n, v)| format!("{n} {}", percent(v / total)))
        .collect();
    let mut p = Pie::new(&center, &radius, &sizes, &colors, &names);
    p.label_style((FONT, 14).into_font());
    p.start_angle(-90.0);
    root.draw(&p)?;
    Ok(())
}

/// Draws the cohort triangle as a heatmap: retention (`revenue` false) or revenue per customer.
pub fn render_cohorts(
    c: &Cohorts,
    revenue: bool,
    title: &str,
    path: &Path,
    (width, height): (u32, u32),
) -> Result<()> {
    check_png(path, (width, height))?;
    font_ready()?;
    let err = draw_err(path);
    let root = BitMapBackend::new(path, (width, height)).into_drawing_area();
    root.fill(&WHITE).map_err(&err)?;
    let rows = c.cohorts.len();
    let cols = c.months();
    if rows == 0 {
        return Err(Error::InvalidArgument(
            "there are no cohorts to draw".into(),
        ));
    }
    let value = |ci: usize, k: usize| {
        let co = &c.cohorts[ci];
        if revenue {
            co.revenue_per_customer(k)
        } else {
            co.retention(k)
        }
    };
    // Colour scale over months 1+ for retention (month 0 is always 100%).
    let mut max = 0.0f64;
    for ci in 0..rows {
        for k in usize::from(!revenue)..cols {
            if let Some(v) = value(ci, k) {
                max = max.max(v);
            }
        }
    }
    let max = if max > 0.0 { max } else { 1.0 };
    let text = |size: u32| (FONT, size).into_font();
    let mut chart = ChartBuilder::on(&root)
        .caption(title, text(22))
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(90)
        .build_cartesian_2d(0f64..cols as f64, rows as f64..0f64)
        .map_err(&err)?;
    let months: Vec<String> = c
        .cohorts
        .iter()
        .map(|co| co.month.format("%Y-%m").to_string())
        .collect();
    let yl = |y: &f64| {
        let i = y.floor() as usize;
        if (y - y.floor() - 0.5).abs() < 1e-6 && i < months.len() {
            months[i].clone()
        } else {
            String::new()
        }
    };
    let xl = |x: &f64| {
        if (x - x.floor() - 0.5).abs() < 1e-6 {
            format!("{}", x.floor() as usize)
        } else {
            String::new()
        }
    };
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(cols * 2 + 1)
        .y_labels(rows * 2 + 1)
        .x_label_formatter(&xl)
        .y_label_formatter(&yl)
        .x_desc("months since first purchase")
        .label_style(text(13))
        .axis_desc_style(text(14))
        .draw()
        .map_err(&err)?;
    let cell_w = (width as f64 - 140.0) / cols.max(1) as f64;
    let show_text = cell_w > 34.0;
    for ci in 0..rows {
        for k in 0..cols {
            let Some(v) = value(ci, k) else { continue };
            let f = (v / max).clamp(0.0, 1.0);
            let fill = RGBColor(
                (247.0 - f * (247.0 - 0x21 as f64)) as u8,
                (251.0 - f * (251.0 - 0x66 as f64)) as u8,
                (255.0 - f * (255.0 - 0xac as f64)) as u8,
            );
            let (x, y) = (k as f64, ci as f64);
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x, y), (x + 1.0, y + 1.0)],
                    fill.filled(),
                )))
                .map_err(&err)?;
            if show_text {
                let label = if revenue { compact(v) } else { percent(v) };
                let fg = if f > 0.55 { WHITE } else { BLACK };
                chart
                    .draw_series(std::iter::once(Text::new(
                        label,
                        (x + 0.12, y + 0.62),
                        text(11).color(&fg),
                    )))
                    .map_err(&err)?;
            }
        }
    }
    root.present().map_err(&err)
}

/// Draws a funnel's steps as bars (all users, or each split value side by side), with the
/// conversion from the first step on each bar.
pub fn render_funnel(
    f: &Funnel,
    title: &str,
    words: &Words,
    path: &Path,
    (width, height): (u32, u32),
) -> Result<()> {
    check_png(path, (width, height))?;
    font_ready()?;
    let err = draw_err(path);
    let root = BitMapBackend::new(path, (width, height)).into_drawing_area();
    root.fill(&WHITE).map_err(&err)?;
    // All users, or up to six split values.
    let groups: Vec<_> = if f.groups.len() > 1 {
        f.groups[1..].iter().take(6).collect()
    } else {
        f.groups.iter().collect()
    };
    let n = f.steps.len();
    let k = groups.len();
    let max = groups
        .iter()
        .flat_map(|g| g.steps.iter().map(|s| s.users))
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let text = |size: u32| (FONT, size).into_font();
    let mut chart = ChartBuilder::on(&root)
        .caption(title, text(22))
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), 0f64..max * 1.12)
        .map_err(&err)?;
    let xl = |x: &f64| {
        let i = x.round();
        if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < n {
            f.steps[i as usize].clone()
        } else {
            String::new()
        }
    };
    let yl = |y: &f64| compact(*y);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(0xe4, 0xe4, 0xe4))
        .y_labels(8)
        .x_labels(n)
        .x_label_formatter(&xl)
        .y_label_formatter(&yl)
        .label_style(text(14))
        .draw()
        .map_err(&err)?;
    let w = 0.8 / k as f64;
    for (gi, g) in groups.iter().enumerate() {
        let c = color(gi);
        let name = match &g.key {
            None => words.all.clone(),
            Some(s) if s.is_empty() => words.missing.clone(),
            Some(s) => s.clone(),
        };
        let anno = chart
            .draw_series(g.steps.iter().enumerate().map(|(i, s)| {
                let x0 = i as f64 - 0.4 + gi as f64 * w;
                Rectangle::new([(x0, 0.0), (x0 + w * 0.92, s.users as f64)], c.filled())
            }))
            .map_err(&err)?;
        if k > 1 {
            anno.label(name)
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], c.filled()));
        }
        chart
            .draw_series(g.steps.iter().enumerate().map(|(i, s)| {
                let x0 = i as f64 - 0.4 + gi as f64 * w;
                let label = match s.from_first {
                    Some(p) if i > 0 => format!("{} · {}", number(s.users as f64), percent(p)),
                    _ => number(s.users as f64),
                };
                Text::new(label, (x0, s.users as f64 + max * 0.03), text(12))
            }))
            .map_err(&err)?;
    }
    if k > 1 {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(0xcc, 0xcc, 0xcc))
            .label_font(text(14))
            .draw()
            .map_err(&err)?;
    }
    root.present().map_err(&err)
}
