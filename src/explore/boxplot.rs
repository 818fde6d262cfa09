//! Box plots: per split value (or one box for all rows), the five-number summary of a numeric
//! column with Tukey's whiskers.
//!
//! Quartiles interpolate linearly between the closest ranks (`(n − 1)·p`, numpy's and polars'
//! default `linear` method; [`crate::numeric::quantile`]). The whiskers reach the furthest values
//! within 1.5 × IQR of the box; values beyond are outliers, counted.
//!
//! Long tails would squash the boxes to lines, so a box plot has a view: the span of the
//! whiskers, widened by a quarter on each side (never beyond the data). Outliers inside the
//! view are kept (a sample) for drawing; those beyond are counted per box, for a label at the
//! edge.

use super::spec::Order;
use super::table::{AggRow, AggTable, Key};
use super::values::{Group, Groups};
use crate::numeric::quantile;
use crate::{Error, Result};
use serde::Serialize;

/// How many distinct outlier values a box keeps for drawing (the smallest and largest included).
pub const OUTLIER_SAMPLE: usize = 200;

/// One box.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BoxStats {
    /// The split value; `None` for the box of all rows.
    pub key: Option<Key>,
    /// Values in the box's group.
    pub count: u64,
    /// Rows of the group without a value.
    pub missing: u64,
    pub min: f64,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
    pub max: f64,
    pub mean: f64,
    /// The smallest value at or above Q1 − 1.5 × IQR.
    pub lower_whisker: f64,
    /// The largest value at or below Q3 + 1.5 × IQR.
    pub upper_whisker: f64,
    /// Values outside the whiskers.
    pub outliers: u64,
    /// Up to [`OUTLIER_SAMPLE`] distinct outlier values inside the plot's view, ascending,
    /// evenly picked.
    pub outlier_sample: Vec<f64>,
    /// Outliers below and above the plot's view.
    pub beyond_view: (u64, u64),
}

impl BoxStats {
    pub fn iqr(&self) -> f64 {
        self.q3 - self.q1
    }

    /// The box of ascending values; `None` when there are none.
    pub fn of(key: Option<Key>, sorted: &[f64], missing: u64) -> Option<BoxStats> {
        let (min, max) = (*sorted.first()?, *sorted.last()?);
        let (q1, median, q3) = (
            quantile(sorted, 0.25)?,
            quantile(sorted, 0.5)?,
            quantile(sorted, 0.75)?,
        );
        let iqr = q3 - q1;
        let (lo_fence, hi_fence) = (q1 - 1.5 * iqr, q3 + 1.5 * iqr);
        let first_in = sorted.partition_point(|v| *v < lo_fence);
        let after_in = sorted.partition_point(|v| *v <= hi_fence);
        // Q1 and Q3 lie between values, so some value is always within the fences.
        let lower_whisker = sorted.get(first_in).copied().unwrap_or(min);
        let upper_whisker = after_in
            .checked_sub(1)
            .and_then(|i| sorted.get(i))
            .copied()
            .unwrap_or(max);
        let outliers = (first_in + sorted.len() - after_in) as u64;
        let n = sorted.len();
        let mean = sorted.iter().sum::<f64>() / n as f64;
        Some(BoxStats {
            key,
            count: n as u64,
            missing,
            min,
            q1,
            median,
            q3,
            max,
            mean,
            lower_whisker,
            upper_whisker,
            outliers,
            outlier_sample: Vec::new(),
            beyond_view: (0, 0),
        })
    }

    /// Places the box's outliers against the plot's view `(lo, hi)`: a sample of those inside,
    /// a count of those beyond.
    fn place_outliers(&mut self, sorted: &[f64], (lo, hi): (f64, f64)) {
        let below_view = sorted.partition_point(|v| *v < lo);
        let below_whisker = sorted.partition_point(|v| *v < self.lower_whisker);
        let above_whisker = sorted.partition_point(|v| *v <= self.upper_whisker);
        let above_view = sorted.partition_point(|v| *v <= hi);
        let mut inside: Vec<f64> = sorted[below_view..below_whisker.max(below_view)]
            .iter()
            .chain(&sorted[above_whisker.min(above_view)..above_view])
            .copied()
            .collect();
        inside.dedup();
        self.outlier_sample = spread_sample(&inside, OUTLIER_SAMPLE);
        self.beyond_view = (below_view as u64, (sorted.len() - above_view) as u64);
    }
}

/// At most `k` of `v`, evenly spaced by rank, first and last included.
fn spread_sample(v: &[f64], k: usize) -> Vec<f64> {
    if v.len() <= k {
        return v.to_vec();
    }
    if k < 2 {
        return v[..k].to_vec();
    }
    (0..k).map(|i| v[i * (v.len() - 1) / (k - 1)]).collect()
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BoxPlot {
    pub column: String,
    pub by: Option<String>,
    /// In the chart's order: natural (by split value), or by median (desc, asc); missing and
    /// Other last.
    pub boxes: Vec<BoxStats>,
    /// The value range a plot shows (see the module notes).
    pub view: (f64, f64),
    pub input_rows: u64,
    pub missing: u64,
}

/// The names of a box's numbers in tables and exports.
pub const STAT_NAMES: [&str; 10] = [
    "rows",
    "min",
    "lower whisker",
    "q1",
    "median",
    "q3",
    "upper whisker",
    "max",
    "mean",
    "outliers",
];

impl BoxPlot {
    /// The table behind the chart: one row per box, the numbers of [`STAT_NAMES`]; `all` names
    /// the box of all rows.
    pub fn table(&self, all: &str) -> AggTable {
        let x_values: Vec<Key> = self
            .boxes
            .iter()
            .map(|b| b.key.clone().unwrap_or_else(|| Key::Text(all.to_string())))
            .collect();
        let rows = self
            .boxes
            .iter()
            .zip(&x_values)
            .map(|(b, x)| AggRow {
                x: x.clone(),
                by: None,
                values: [
                    b.count as f64,
                    b.min,
                    b.lower_whisker,
                    b.q1,
                    b.median,
                    b.q3,
                    b.upper_whisker,
                    b.max,
                    b.mean,
                    b.outliers as f64,
                ]
                .into_iter()
                .map(Some)
                .collect(),
            })
            .collect();
        AggTable {
            x: self.by.clone().unwrap_or_else(|| self.column.clone()),
            grain: None,
            x_continuous: false,
            by: None,
            measures: STAT_NAMES.iter().map(|s| s.to_string()).collect(),
            rows,
            x_values,
            series: Vec::new(),
            input_rows: self.input_rows,
            span: None,
        }
    }
}

/// The boxes of grouped values, in `order`.
pub fn box_plot_of(groups: &Groups, order: Order) -> Result<BoxPlot> {
    let mut placed: Vec<(BoxStats, &[f64])> = groups
        .groups
        .iter()
        .filter_map(|g: &Group| {
            BoxStats::of(g.key.clone(), &g.values, g.missing).map(|b| (b, g.values.as_slice()))
        })
        .collect();
    let view = view_of(placed.iter().map(|(b, _)| b));
    for (b, values) in &mut placed {
        b.place_outliers(values, view);
    }
    let mut boxes: Vec<BoxStats> = placed.into_iter().map(|(b, _)| b).collect();
    if boxes.is_empty() {
        return Err(Error::InvalidArgument(format!(
            "column '{}' has no numbers to draw{}",
            groups.column,
            if groups.input_rows > 0 {
                " (every value is missing)"
            } else {
                ": no rows matched the filter"
            }
        )));
    }
    let last = |b: &BoxStats| matches!(b.key, Some(Key::Null) | Some(Key::Other));
    boxes.sort_by(|a, b| {
        last(a).cmp(&last(b)).then_with(|| match order {
            Order::Descending => b.median.total_cmp(&a.median),
            Order::Ascending => a.median.total_cmp(&b.median),
            Order::Natural => match (&a.key, &b.key) {
                (Some(x), Some(y)) => x.natural_cmp(y),
                _ => std::cmp::Ordering::Equal,
            },
        })
    });
    Ok(BoxPlot {
        column: groups.column.clone(),
        by: groups.by.clone(),
        boxes,
        view,
        input_rows: groups.input_rows,
        missing: groups.missing(),
    })
}

/// The whiskers' span widened by a quarter each side, within the data.
fn view_of<'a>(boxes: impl Iterator<Item = &'a BoxStats>) -> (f64, f64) {
    let (mut lw, mut uw) = (f64::INFINITY, f64::NEG_INFINITY);
    let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
    for b in boxes {
        lw = lw.min(b.lower_whisker);
        uw = uw.max(b.upper_whisker);
        min = min.min(b.min);
        max = max.max(b.max);
    }
    let margin = (uw - lw) * 0.25;
    ((lw - margin).max(min), (uw + margin).min(max))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_box_by_hand() {
        // 1..=9 and 30: Q1 = x[2.25] = 3.25, median 5.5, Q3 = x[6.75] = 7.75, IQR 4.5, fences
        // −3.5 and 14.5: whiskers 1 and 9, one outlier (30).
        let mut v: Vec<f64> = (1..=9).map(f64::from).collect();
        v.push(30.0);
        let mut b = BoxStats::of(None, &v, 2).unwrap();
        assert_eq!((b.q1, b.median, b.q3), (3.25, 5.5, 7.75));
        assert_eq!((b.lower_whisker, b.upper_whisker), (1.0, 9.0));
        assert_eq!(b.outliers, 1);
        // The view spans the whiskers and a quarter more: 30 is beyond it.
        let view = view_of(std::iter::once(&b));
        assert_eq!(view, (1.0, 11.0));
        b.place_outliers(&v, view);
        assert_eq!((b.outlier_sample.clone(), b.beyond_view), (vec![], (0, 1)));
        b.place_outliers(&v, (0.0, 40.0));
        assert_eq!(
            (b.outlier_sample.clone(), b.beyond_view),
            (vec![30.0], (0, 0))
        );
        assert_eq!((b.min, b.max, b.count, b.missing), (1.0, 30.0, 10, 2));
        assert!((b.mean - 7.5).abs() < 1e-12);
        // Values exactly on a fence are inside: Q1 = Q3 = 5, both fences 5.
        let w = [5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 6.0];
        let b = BoxStats::of(None, &w, 0).unwrap();
        assert_eq!((b.q1, b.q3), (5.0, 5.0));
        assert_eq!(
            (b.lower_whisker, b.upper_whisker, b.outliers),
            (5.0, 5.0, 1)
        );
        // Q1 = 10, Q3 = 17.5, fences −1.25 and 28.75: nothing outside.
        let w = [0.0, 10.0, 10.0, 10.0, 20.0, 25.0];
        let b = BoxStats::of(None, &w, 0).unwrap();
        assert_eq!((b.q1, b.q3), (10.0, 17.5));
        assert_eq!(
            (b.lower_whisker, b.upper_whisker, b.outliers),
            (0.0, 25.0, 0)
        );
        assert!(BoxStats::of(None, &[], 0).is_none());
    }

    #[test]
    fn outlier_samples_keep_both_ends() {
        let v: Vec<f64> = (0..1000).map(f64::from).collect();
        let s = spread_sample(&v, 5);
        assert_eq!(s, vec![0.0, 249.0, 499.0, 749.0, 999.0]);
        assert_eq!(spread_sample(&v[..3], 5), vec![0.0, 1.0, 2.0]);
    }
}
