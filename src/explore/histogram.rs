//! Histograms: the rows of a numeric column counted in equal-width bins, one series per split
//! value, all series over the same bins.
//!
//! Bins, by default, follow numpy's `auto` rule — the narrower of the Freedman–Diaconis width
//! (2·IQR·n^(−1/3)) and Sturges' (range / (log2 n + 1)); Sturges when the IQR is zero — with the
//! width then rounded to 1, 2, 2.5 or 5 × 10^k (1, 2 or 5 × 10^k and at least 1 for whole numbers)
//! so that edges fall on round numbers, and at most [`MAX_AUTO_BINS`] bins. A given number of bins
//! splits the range from the smallest to the largest value exactly, as `numpy.histogram(x, bins=n)`.
//! Every bin holds its left edge and not its right, except the last, which holds both.
//!
//! Long tails: when the automatic width would need more than [`MAX_AUTO_BINS`] bins over the whole
//! range, the bins cover the middle 99% of the values (from the 0.5th to the 99.5th percentile,
//! widened to round edges) and the rows beyond are counted in two open-ended tails, drawn at the
//! ends; otherwise one order of $2,000 squeezes every other order into a single bar. Every row
//! with a value is counted once: in a bin or in a tail.

use super::table::{AggRow, AggTable, Key};
use super::values::Groups;
use crate::format::number;
use crate::numeric::quantile;
use crate::{Error, Result};
use serde::Serialize;

/// The most bins the automatic rule makes (long tails would otherwise make thousands).
pub const MAX_AUTO_BINS: usize = 100;
/// The most bins one may ask for.
pub const MAX_BINS: usize = 1000;
/// The share of values left to each tail when the range is too wide for the bins.
pub const TAIL: f64 = 0.005;

/// How the bins were chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BinRule {
    FreedmanDiaconis,
    Sturges,
    /// The number of bins was given.
    Given,
}

impl BinRule {
    pub fn name(self) -> &'static str {
        match self {
            BinRule::FreedmanDiaconis => "Freedman–Diaconis",
            BinRule::Sturges => "Sturges",
            BinRule::Given => "given",
        }
    }
}

/// One series: a count per bin.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistogramSeries {
    /// The split value; `None` without a split.
    pub key: Option<Key>,
    pub counts: Vec<u64>,
    /// Rows below the first edge and above the last (long tails, see the module notes).
    pub below: u64,
    pub above: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Histogram {
    pub column: String,
    pub by: Option<String>,
    /// `bins + 1` ascending edges.
    pub edges: Vec<f64>,
    pub rule: BinRule,
    /// Largest first; missing and Other last.
    pub series: Vec<HistogramSeries>,
    /// Rows after the filter.
    pub input_rows: u64,
    /// Rows without a value (not counted in any bin).
    pub missing: u64,
}

impl Histogram {
    pub fn bins(&self) -> usize {
        self.edges.len().saturating_sub(1)
    }

    pub fn width(&self) -> f64 {
        match self.edges.as_slice() {
            [a, b, ..] => b - a,
            _ => 0.0,
        }
    }

    /// Rows counted in the bins and the tails.
    pub fn total(&self) -> u64 {
        self.series
            .iter()
            .map(|s| s.counts.iter().sum::<u64>() + s.below + s.above)
            .sum()
    }

    /// Whether rows fell beyond the first or the last edge: (below, above).
    pub fn has_tails(&self) -> (bool, bool) {
        (
            self.series.iter().any(|s| s.below > 0),
            self.series.iter().any(|s| s.above > 0),
        )
    }

    /// The tails for people: `< -20`, `> 250`.
    pub fn tail_labels(&self) -> (String, String) {
        let (first, last) = (
            self.edges.first().copied().unwrap_or(0.0),
            self.edges.last().copied().unwrap_or(0.0),
        );
        (
            format!("< {}", number(first)),
            format!("> {}", number(last)),
        )
    }

    /// Bin `i` for people: `10 – 20`.
    pub fn bin_label(&self, i: usize) -> String {
        format!("{} – {}", number(self.edges[i]), number(self.edges[i + 1]))
    }

    /// The table behind the chart: per bin (and series) its edges and rows; the tails, when
    /// there are any, first and last with one edge each.
    pub fn table(&self) -> AggTable {
        let (below, above) = self.has_tails();
        let (below_label, above_label) = self.tail_labels();
        let mut x_values: Vec<Key> = Vec::with_capacity(self.bins() + 2);
        let mut rows = Vec::with_capacity((self.bins() + 2) * self.series.len());
        let mut add = |x: Key,
                       from: Option<f64>,
                       to: Option<f64>,
                       count: &dyn Fn(&HistogramSeries) -> u64| {
            for s in &self.series {
                rows.push(AggRow {
                    x: x.clone(),
                    by: s.key.clone(),
                    values: vec![from, to, Some(count(s) as f64)],
                });
            }
            x_values.push(x);
        };
        if below {
            add(
                Key::Text(below_label),
                None,
                self.edges.first().copied(),
                &|s| s.below,
            );
        }
        for i in 0..self.bins() {
            let (from, to) = (self.edges[i], self.edges[i + 1]);
            add(Key::Text(self.bin_label(i)), Some(from), Some(to), &|s| {
                s.counts[i]
            });
        }
        if above {
            add(
                Key::Text(above_label),
                self.edges.last().copied(),
                None,
                &|s| s.above,
            );
        }
        AggTable {
            x: self.column.clone(),
            grain: None,
            x_continuous: false,
            by: self.by.clone(),
            measures: vec!["from".into(), "to".into(), "rows".into()],
            rows,
            x_values,
            series: self.series.iter().filter_map(|s| s.key.clone()).collect(),
            input_rows: self.input_rows,
            span: None,
        }
    }
}

/// numpy's `auto` bin width for ascending values, and the rule that gave it; `None` for a range
/// of zero.
pub fn auto_width(sorted: &[f64]) -> Option<(f64, BinRule)> {
    let (first, last) = (*sorted.first()?, *sorted.last()?);
    let range = last - first;
    if range <= 0.0 {
        return None;
    }
    let n = sorted.len() as f64;
    let sturges = range / (n.log2() + 1.0);
    let iqr = quantile(sorted, 0.75)? - quantile(sorted, 0.25)?;
    let fd = 2.0 * iqr / n.cbrt();
    if fd > 0.0 && fd < sturges {
        Some((fd, BinRule::FreedmanDiaconis))
    } else {
        Some((sturges, BinRule::Sturges))
    }
}

/// `x` rounded to the decimals that `step` needs, so edges read as written (0.3, not
/// 0.30000000000000004).
fn tidy(x: f64, step: f64) -> f64 {
    let decimals = (-(step.log10().floor()) as i32 + 2).clamp(0, 15) as usize;
    format!("{x:.decimals$}").parse().unwrap_or(x)
}

/// Edges `k·w` around `[min, max]` for a round width near `raw`, at most `max_bins` bins.
pub fn round_edges(min: f64, max: f64, raw: f64, whole: bool, max_bins: usize) -> Vec<f64> {
    let raw = raw.max((max - min) / max_bins.max(1) as f64);
    let raw = if whole { raw.max(1.0) } else { raw };
    let decade = raw.log10().floor() as i32;
    let steps: &[f64] = if whole {
        &[1.0, 2.0, 5.0]
    } else {
        &[1.0, 2.0, 2.5, 5.0]
    };
    // Candidates in increasing order, starting a decade below; the nearest (in ratio) to `raw`.
    let mut candidates = Vec::new();
    for e in decade - 1..decade + 3 {
        for s in steps {
            let w = s * 10f64.powi(e);
            if !whole || w >= 1.0 {
                candidates.push(w);
            }
        }
    }
    let ratio = |w: f64| (w / raw).ln().abs();
    let mut i = candidates
        .iter()
        .enumerate()
        .min_by(|a, b| ratio(*a.1).total_cmp(&ratio(*b.1)))
        .map_or(0, |(i, _)| i);
    loop {
        let w = candidates[i];
        let k0 = (min / w).floor();
        let mut n = (((max - min) / w).ceil() as usize).max(1);
        while k0 * w + n as f64 * w < max {
            n += 1;
        }
        if n <= max_bins || i + 1 == candidates.len() {
            return (0..=n).map(|j| tidy((k0 + j as f64) * w, w)).collect();
        }
        i += 1;
    }
}

/// `n` equal bins from `min` to `max` (the last edge is `max` exactly), as numpy's `linspace`.
pub fn equal_edges(min: f64, max: f64, n: usize) -> Vec<f64> {
    let n = n.max(1);
    let (min, max) = if max > min {
        (min, max)
    } else {
        (min - 0.5, max + 0.5)
    };
    let step = (max - min) / n as f64;
    let mut e: Vec<f64> = (0..=n).map(|i| min + i as f64 * step).collect();
    e[n] = max;
    e
}

/// The bin of `v`: the last edge at or below it; the last bin holds the last edge.
pub fn bin_of(edges: &[f64], v: f64) -> usize {
    let bins = edges.len().saturating_sub(1).max(1);
    edges
        .partition_point(|e| *e <= v)
        .saturating_sub(1)
        .min(bins - 1)
}

/// The range the automatic bins cover: all values, or the middle 99% when bins of width `w`
/// over all of them would be too many (long tails).
fn body(sorted: &[f64], w: f64) -> (f64, f64) {
    let (min, max) = (sorted[0], sorted[sorted.len() - 1]);
    if (max - min) / w <= MAX_AUTO_BINS as f64 {
        return (min, max);
    }
    match (quantile(sorted, TAIL), quantile(sorted, 1.0 - TAIL)) {
        (Some(lo), Some(hi)) if hi > lo => (lo, hi),
        _ => (min, max),
    }
}

/// The histogram of grouped values; `bins` as given, or chosen from the data.
pub fn histogram_of(groups: &Groups, bins: Option<usize>) -> Result<Histogram> {
    let all = groups.all_values();
    let (Some(&min), Some(&max)) = (all.first(), all.last()) else {
        return Err(Error::InvalidArgument(format!(
            "column '{}' has no numbers to draw{}",
            groups.column,
            if groups.input_rows > 0 {
                " (every value is missing)"
            } else {
                ": no rows matched the filter"
            }
        )));
    };
    if let Some(n) = bins
        && !(1..=MAX_BINS).contains(&n)
    {
        return Err(Error::InvalidArgument(format!(
            "a histogram has 1 to {MAX_BINS} bins, not {n}"
        )));
    }
    let whole = all.iter().all(|v| v.fract() == 0.0);
    let (edges, rule) = match (bins, auto_width(&all)) {
        (Some(n), _) => (equal_edges(min, max, n), BinRule::Given),
        (None, Some((w, rule))) => {
            let (lo, hi) = body(&all, w);
            (round_edges(lo, hi, w, whole, MAX_AUTO_BINS), rule)
        }
        (None, None) => (equal_edges(min, max, 1), BinRule::Sturges),
    };
    let (first, last) = (edges[0], edges[edges.len() - 1]);
    let series = groups
        .groups
        .iter()
        .map(|g| {
            let mut s = HistogramSeries {
                key: g.key.clone(),
                counts: vec![0u64; edges.len() - 1],
                below: 0,
                above: 0,
            };
            for v in &g.values {
                if *v < first {
                    s.below += 1;
                } else if *v > last {
                    s.above += 1;
                } else {
                    s.counts[bin_of(&edges, *v)] += 1;
                }
            }
            s
        })
        .collect();
    Ok(Histogram {
        column: groups.column.clone(),
        by: groups.by.clone(),
        edges,
        rule,
        series,
        input_rows: groups.input_rows,
        missing: groups.missing(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_width_is_numpys() {
        // numpy.histogram_bin_edges(np.arange(1, 101), bins='auto'): FD width 2·49.5·100^(-1/3)
        // = 21.33 vs Sturges 99 / (log2(100) + 1) = 12.97 → Sturges, 8 bins.
        let x: Vec<f64> = (1..=100).map(f64::from).collect();
        let (w, rule) = auto_width(&x).unwrap();
        assert_eq!(rule, BinRule::Sturges);
        assert!((w - 99.0 / (100f64.log2() + 1.0)).abs() < 1e-12);
        // A tight middle and a long tail: Freedman–Diaconis is narrower.
        let mut y: Vec<f64> = (0..1000).map(|i| 50.0 + (i % 10) as f64).collect();
        y.push(10_000.0);
        y.sort_by(f64::total_cmp);
        assert_eq!(auto_width(&y).unwrap().1, BinRule::FreedmanDiaconis);
        assert_eq!(auto_width(&[3.0, 3.0]), None);
    }

    #[test]
    fn round_edges_cover_the_range_on_round_numbers() {
        let e = round_edges(18.0, 70.0, 5.3, true, 100);
        assert_eq!(e.first(), Some(&15.0));
        assert_eq!(e.last(), Some(&70.0));
        assert!(e.windows(2).all(|w| w[1] - w[0] == 5.0), "{e:?}");
        let e = round_edges(0.12, 0.93, 0.11, false, 100);
        assert_eq!(&e[..3], &[0.1, 0.2, 0.3]);
        assert!(*e.last().unwrap() >= 0.93);
        // Whole numbers never get bins narrower than 1.
        let e = round_edges(1.0, 4.0, 0.3, true, 100);
        assert_eq!(e, vec![1.0, 2.0, 3.0, 4.0]);
        // The cap widens the bins.
        assert!(round_edges(0.0, 1e6, 1.0, true, 100).len() <= 101);
    }

    #[test]
    fn values_fall_in_half_open_bins_the_last_closed() {
        let e = equal_edges(0.0, 10.0, 5);
        assert_eq!(e, vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(bin_of(&e, 0.0), 0);
        assert_eq!(bin_of(&e, 1.999), 0);
        assert_eq!(bin_of(&e, 2.0), 1);
        assert_eq!(bin_of(&e, 10.0), 4);
        assert_eq!(equal_edges(3.0, 3.0, 2), vec![2.5, 3.0, 3.5]);
    }
}
