//! A column profile ([`crate::profile::ColumnProfile`]) read from the dataset's columnar copy
//! ([`crate::kept::copy`]) instead of SQL: one pass over the column's chunks, counting each
//! value, so a column of tens of millions of rows is profiled without SQLite's temporary tables.
//! It gives what [`crate::profile::profile_column`] gives, value for value, for a column the
//! copy holds exactly as integers or as texts: the most common values tied on their count in
//! the order SQL sorts them (numbers by value, texts by their bytes), and the histogram's bins
//! computed with SQL's arithmetic. Other columns, and a dataset without a copy, give `None`: ask
//! SQLite.

use crate::Result;
use crate::dataset::{ColumnType, DatasetInfo};
use crate::error::Error;
use crate::kept::copy;
use crate::profile::{Bin, ColumnProfile, HISTOGRAM_BINS, Histogram, TOP_VALUES};
use crate::progress::{Reporter, Stage, Unit};
use crate::query::Cell;
use crate::store::Project;
use polars::prelude::PlHashMap;
use std::hash::Hash;

/// The profile of `column` from the copy, when the copy can tell it for certain.
pub fn profile_column(
    project: &Project,
    info: &DatasetInfo,
    column: &str,
    rep: &Reporter,
) -> Result<Option<ColumnProfile>> {
    let col = info.column(column).ok_or_else(|| {
        Error::InvalidArgument(format!("dataset '{}' has no column '{column}'", info.name))
    })?;
    if !matches!(col.ty, ColumnType::Integer | ColumnType::Text) {
        return Ok(None);
    }
    let Some(copy) = copy::find(project, info)? else {
        return Ok(None);
    };
    if !copy
        .column(&col.name)
        .is_some_and(|m| m.exact && m.ty == col.ty)
    {
        return Ok(None);
    }
    let chunks = copy.chunks(project, &[col.name.as_str()])?;
    let steps = chunks.len() as u64;
    let mut nulls = 0u64;
    let mut ints: PlHashMap<i64, u64> = PlHashMap::default();
    let mut texts: PlHashMap<String, u64> = PlHashMap::default();
    rep.report(Stage::Profiling, 0, Some(steps), Unit::Steps, 0, true);
    for k in 0..chunks.len() {
        rep.check()?;
        let df = chunks.frame(k)?;
        let c = df.column(&col.name)?;
        if col.ty == ColumnType::Integer {
            for v in c.i64()?.iter() {
                match v {
                    Some(v) => *ints.entry(v).or_insert(0) += 1,
                    None => nulls += 1,
                }
            }
        } else {
            for v in c.str()?.iter() {
                match v {
                    Some(v) => match texts.get_mut(v) {
                        Some(n) => *n += 1,
                        None => {
                            texts.insert(v.to_string(), 1);
                        }
                    },
                    None => nulls += 1,
                }
            }
        }
        rep.report(
            Stage::Profiling,
            k as u64 + 1,
            Some(steps),
            Unit::Steps,
            0,
            true,
        );
    }
    let rows = copy.rows();
    let (distinct, min, max, top, histogram) = if col.ty == ColumnType::Integer {
        let n = ints.len() as u64;
        let histogram = int_histogram(&ints);
        let (min, max, top) = extremes_and_top(ints, Cell::Int);
        (n, min, max, top, histogram)
    } else {
        let n = texts.len() as u64;
        let (min, max, top) = extremes_and_top(texts, Cell::Text);
        (n, min, max, top, None)
    };
    Ok(Some(ColumnProfile {
        dataset: info.name.clone(),
        column: col.name.clone(),
        ty: col.ty,
        role: col.role,
        rows,
        nulls,
        distinct,
        min,
        max,
        top,
        histogram,
    }))
}

/// The smallest and largest value, and the most common ones (most common first; ties in
/// ascending order, as `ORDER BY n DESC, value` sorts them).
fn extremes_and_top<V: Ord + Clone + Hash>(
    counts: PlHashMap<V, u64>,
    cell: impl Fn(V) -> Cell,
) -> (Option<Cell>, Option<Cell>, Vec<(Cell, u64)>) {
    let min = counts.keys().min().cloned().map(&cell);
    let max = counts.keys().max().cloned().map(&cell);
    let mut all: Vec<(V, u64)> = counts.into_iter().collect();
    all.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    all.truncate(TOP_VALUES);
    let top = all.into_iter().map(|(v, n)| (cell(v), n)).collect();
    (min, max, top)
}

/// The bins SQL's histogram gives: equal widths from the smallest to the largest value, a value
/// in bin `min(CAST((x - lo) / width AS INTEGER), last)`.
fn int_histogram(counts: &PlHashMap<i64, u64>) -> Option<Histogram> {
    let lo = *counts.keys().min()? as f64;
    let hi = *counts.keys().max()? as f64;
    let n: u64 = counts.values().sum();
    if hi <= lo {
        return Some(Histogram {
            bins: vec![Bin {
                lo,
                hi: lo + 1.0,
                count: n,
            }],
            temporal: false,
        });
    }
    let width = (hi - lo) / HISTOGRAM_BINS as f64;
    let mut bins = vec![0u64; HISTOGRAM_BINS];
    for (&x, &k) in counts {
        let b = (((x as f64 - lo) / width) as i64).min(HISTOGRAM_BINS as i64 - 1);
        if let Some(slot) = usize::try_from(b).ok().and_then(|b| bins.get_mut(b)) {
            *slot += k;
        }
    }
    Some(Histogram {
        bins: crate::profile::equal_bins(lo, width, bins),
        temporal: false,
    })
}
