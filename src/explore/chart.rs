//! A chart computed for its kind: the aggregated table of a measure per x (line, bar, stacked
//! bar, area, scatter, pie) or the distribution of x's numbers (histogram, box plot), and the
//! PNG of either.

use super::aggregate::{aggregate_frame, columns_needed};
use super::boxplot::{BoxPlot, box_plot_of};
use super::cache::FrameCache;
use super::histogram::{Histogram, histogram_of};
use super::render::{ChartKind, Words, render_table};
use super::render_distribution::{render_box_plot, render_histogram};
use super::spec::{ChartSpec, no_column};
use super::table::AggTable;
use super::values::group_values;
use crate::Result;
use crate::dataset::DatasetInfo;
use crate::expr;
use crate::progress::Reporter;
use crate::store::Project;
use polars::prelude::DataFrame;
use std::path::Path;

/// What a chart shows, computed.
#[derive(Debug, Clone, PartialEq)]
pub enum ChartData {
    Table(AggTable),
    Histogram(Histogram),
    BoxPlot(BoxPlot),
}

impl ChartData {
    /// The table beside the chart (and in its CSV, XLSX or JSON export).
    pub fn table(&self, words: &Words) -> AggTable {
        match self {
            ChartData::Table(t) => t.clone(),
            ChartData::Histogram(h) => h.table(),
            ChartData::BoxPlot(b) => b.table(&words.all),
        }
    }

    /// Rows of the dataset read (after the filter).
    pub fn input_rows(&self) -> u64 {
        match self {
            ChartData::Table(t) => t.input_rows,
            ChartData::Histogram(h) => h.input_rows,
            ChartData::BoxPlot(b) => b.input_rows,
        }
    }

    pub fn as_table(&self) -> Option<&AggTable> {
        match self {
            ChartData::Table(t) => Some(t),
            _ => None,
        }
    }
}

/// The dataset's columns a chart of this kind reads: a distribution reads x, the split and the
/// filter's columns (not the measures).
pub fn columns_for(info: &DatasetInfo, spec: &ChartSpec, kind: ChartKind) -> Result<Vec<String>> {
    if !kind.is_distribution() {
        return columns_needed(info, spec);
    }
    let mut cols: Vec<String> = Vec::new();
    let mut add = |c: &str| -> Result<()> {
        if info.column(c).is_none() {
            return Err(no_column(info, c));
        }
        if !cols.iter().any(|x| x == c) {
            cols.push(c.to_string());
        }
        Ok(())
    };
    add(&spec.x.column)?;
    if let Some(b) = &spec.by {
        add(&b.column)?;
    }
    if let Some(f) = spec.filter.as_deref().filter(|f| !f.trim().is_empty()) {
        for c in expr::parse(f)?.columns() {
            add(c)?;
        }
    }
    Ok(cols)
}

/// Computes a chart from a frame holding the columns it reads.
pub fn compute_frame(df: DataFrame, spec: &ChartSpec, kind: ChartKind) -> Result<ChartData> {
    match kind {
        ChartKind::Histogram => {
            let g = group_values(df, spec, "histogram")?;
            Ok(ChartData::Histogram(histogram_of(&g, spec.bins)?))
        }
        ChartKind::BoxPlot => {
            let g = group_values(df, spec, "box plot")?;
            Ok(ChartData::BoxPlot(box_plot_of(&g, spec.order)?))
        }
        _ => Ok(ChartData::Table(aggregate_frame(df, spec)?)),
    }
}

/// Datasets of at most this many rows have their columns cached for the next chart; larger ones
/// are aggregated chunk by chunk each time (when the measures combine from parts).
pub const CACHE_ROWS: u64 = 2_000_000;

/// Reads the columns the chart needs (through `cache` when given) and computes it.
pub fn compute(
    project: &Project,
    spec: &ChartSpec,
    kind: ChartKind,
    cache: Option<&mut FrameCache>,
    rep: &Reporter,
) -> Result<ChartData> {
    if !kind.is_distribution()
        && let Some(link) = crate::warehouse::link::linked(project, &spec.dataset)?
    {
        let (table, _) = crate::warehouse::chart::aggregate(&link, spec, rep)?;
        return Ok(ChartData::Table(table));
    }
    let info = project.dataset(&spec.dataset)?;
    let cols = columns_for(&info, spec, kind)?;
    rep.check()?;
    let names: Vec<&str> = cols.iter().map(String::as_str).collect();
    // A large dataset is aggregated chunk by chunk (or from its kept rollup) even with a cache:
    // its whole columns would hold gigabytes in the window.
    if (cache.is_none() || info.rows > CACHE_ROWS)
        && !kind.is_distribution()
        && let Some(table) = super::partial::aggregate_chunked(project, &info, spec, &names, rep)?
    {
        return Ok(ChartData::Table(table));
    }
    let df = match cache {
        Some(c) => c.frame(project, &info, &names, rep)?,
        None => crate::kept::copy::load(project, &info, &names, rep)?,
    };
    rep.check()?;
    compute_frame(df, spec, kind)
}

/// A title for a chart nobody named: `sum(amount) by order_time:month`, `amount by channel`.
pub fn default_title(spec: &ChartSpec, kind: ChartKind) -> String {
    if kind.is_distribution() {
        return match &spec.by {
            Some(b) => format!("{} by {}", spec.x.column, b.text()),
            None => spec.x.column.clone(),
        };
    }
    let m = spec.measures.first().map(|m| m.label()).unwrap_or_default();
    match &spec.by {
        Some(b) => format!("{m} by {} and {}", spec.x.text(), b.text()),
        None => format!("{m} by {}", spec.x.text()),
    }
}

/// Draws a chart as a PNG of `size` pixels: the first measure of a table, or the distribution.
pub fn render(
    data: &ChartData,
    kind: ChartKind,
    title: &str,
    words: &Words,
    path: &Path,
    size: (u32, u32),
) -> Result<()> {
    match data {
        ChartData::Table(t) => {
            // A table computed for a distribution kind cannot happen; draw it as bars then.
            let kind = if kind.is_distribution() {
                ChartKind::Bar
            } else {
                kind
            };
            render_table(t, kind, 0, title, words, path, size)
        }
        ChartData::Histogram(h) => render_histogram(h, title, words, path, size),
        ChartData::BoxPlot(b) => render_box_plot(b, title, words, path, size),
    }
}
