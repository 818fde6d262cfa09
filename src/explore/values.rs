//! The numbers behind a distribution chart (histogram, box plot): the values of the spec's x
//! column, after its filter, grouped by its split, each group sorted.
//!
//! A distribution reads the numbers of x itself (`amount`, `age`); the split (`by`) makes the
//! groups — one histogram series or one box each. The spec's measures are not used. Groups
//! beyond `top_by` (ranked by their number of rows) are merged into one "Other" group.

use super::aggregate::{key_expr, key_of};
use super::spec::{ChartSpec, Dimension};
use super::table::Key;
use crate::expr;
use crate::{Error, Result};
use polars::prelude::{self as pl, DataFrame, DataType, IntoLazy, Schema};

/// One group's values.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The split value; `None` without a split.
    pub key: Option<Key>,
    /// The finite values, ascending.
    pub values: Vec<f64>,
    /// Rows of the group whose x is missing (or not a finite number).
    pub missing: u64,
}

/// The values of every group.
#[derive(Debug, Clone, PartialEq)]
pub struct Groups {
    /// The x column.
    pub column: String,
    /// The split dimension as written, if any.
    pub by: Option<String>,
    /// Largest group first; missing and Other last.
    pub groups: Vec<Group>,
    /// Rows after the filter.
    pub input_rows: u64,
}

impl Groups {
    /// Rows whose x is missing, over all groups.
    pub fn missing(&self) -> u64 {
        self.groups.iter().map(|g| g.missing).sum()
    }

    /// Every value, ascending.
    pub fn all_values(&self) -> Vec<f64> {
        if let [g] = self.groups.as_slice() {
            return g.values.clone();
        }
        let mut all: Vec<f64> = self
            .groups
            .iter()
            .flat_map(|g| g.values.iter().copied())
            .collect();
        all.sort_unstable_by(f64::total_cmp);
        all
    }
}

/// Checks that x is a plain numeric column, as a distribution needs.
pub(crate) fn check_numeric(x: &Dimension, schema: &Schema, chart: &str) -> Result<()> {
    let Some(dt) = schema.get(x.column.as_str()) else {
        return Err(Error::InvalidArgument(format!(
            "the data has no column '{}'",
            x.column
        )));
    };
    if x.grain.is_some() {
        return Err(Error::InvalidArgument(format!(
            "a {chart} reads the numbers of its x column; a time grain does not apply (x is '{}')",
            x.text()
        )));
    }
    if !dt.is_primitive_numeric() {
        return Err(Error::InvalidArgument(format!(
            "a {chart} needs a numeric x column, but '{}' is {dt}; pick a column of numbers such as an amount, a price or an age, and split by '{}' instead",
            x.column, x.column
        )));
    }
    Ok(())
}

/// The groups of values from a frame holding the columns the spec reads.
pub fn group_values(df: DataFrame, spec: &ChartSpec, chart: &str) -> Result<Groups> {
    let schema: Schema = (**df.schema()).clone();
    check_numeric(&spec.x, &schema, chart)?;
    let mut lf = df.lazy();
    if let Some(f) = spec.filter.as_deref().filter(|f| !f.trim().is_empty()) {
        lf = lf.filter(expr::compile_condition(&expr::parse(f)?, &schema)?);
    }
    let group = match &spec.by {
        Some(b) => key_expr(b, &schema)?.alias("__g"),
        None => pl::lit(true).alias("__g"),
    };
    let value = pl::col(spec.x.column.as_str())
        .cast(DataType::Float64)
        .alias("__v");
    let out = lf
        .select([group, value])
        .group_by([pl::col("__g")])
        .agg([
            pl::col("__v")
                .drop_nulls()
                .sort(pl::SortOptions::default())
                .alias("__vals"),
            pl::len().alias("__n"),
        ])
        .collect()?;
    let keys = out.column("__g")?;
    let lists = out.column("__vals")?.list()?.clone();
    let counts = out.column("__n")?.cast(&DataType::UInt64)?;
    let counts = counts.u64()?;
    let mut groups = Vec::with_capacity(out.height());
    let mut input_rows = 0u64;
    for (i, list) in lists.series_iter().enumerate() {
        let n = counts.get(i).unwrap_or(0);
        input_rows += n;
        let values: Vec<f64> = match list {
            Some(s) => {
                let ca = s.f64()?;
                ca.iter().flatten().filter(|v| v.is_finite()).collect()
            }
            None => Vec::new(),
        };
        let key = match &spec.by {
            Some(_) => Some(key_of(keys.get(i)?)),
            None => None,
        };
        groups.push(Group {
            key,
            missing: n.saturating_sub(values.len() as u64),
            values,
        });
    }
    let groups = fold_top(rank(groups), spec.top_by);
    Ok(Groups {
        column: spec.x.column.clone(),
        by: spec.by.as_ref().map(Dimension::text),
        groups,
        input_rows,
    })
}

/// Largest group (by rows) first, ties in natural order; missing last.
fn rank(mut groups: Vec<Group>) -> Vec<Group> {
    let rows = |g: &Group| g.values.len() as u64 + g.missing;
    groups.sort_by(|a, b| {
        let missing = |g: &Group| matches!(g.key, Some(Key::Null));
        missing(a)
            .cmp(&missing(b))
            .then_with(|| rows(b).cmp(&rows(a)))
            .then_with(|| match (&a.key, &b.key) {
                (Some(x), Some(y)) => x.natural_cmp(y),
                _ => std::cmp::Ordering::Equal,
            })
    });
    groups
}

/// Keeps the first `top` groups (missing counts as a group) and merges the rest into "Other".
fn fold_top(groups: Vec<Group>, top: Option<usize>) -> Vec<Group> {
    let Some(top) = top.filter(|t| *t < groups.len()) else {
        return groups;
    };
    let mut kept: Vec<Group> = Vec::with_capacity(top + 1);
    let mut other = Group {
        key: Some(Key::Other),
        values: Vec::new(),
        missing: 0,
    };
    // The top N by rows, the missing group counted among them only if it ranks there.
    let rows = |g: &Group| g.values.len() as u64 + g.missing;
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by(|&a, &b| rows(&groups[b]).cmp(&rows(&groups[a])).then(a.cmp(&b)));
    let mut keep = vec![false; groups.len()];
    for i in order.into_iter().take(top) {
        keep[i] = true;
    }
    for (g, keep) in groups.into_iter().zip(keep) {
        if keep {
            kept.push(g);
        } else {
            other.values.extend(g.values);
            other.missing += g.missing;
        }
    }
    other.values.sort_unstable_by(f64::total_cmp);
    kept.push(other);
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(k: &str, n: usize, missing: u64) -> Group {
        Group {
            key: Some(Key::Text(k.into())),
            values: (0..n).map(|i| i as f64).collect(),
            missing,
        }
    }

    #[test]
    fn groups_rank_by_rows_and_fold_into_other() {
        let ranked = rank(vec![g("b", 2, 0), g("a", 5, 0), g("c", 2, 1)]);
        let names: Vec<_> = ranked.iter().map(|g| g.key.clone()).collect();
        assert_eq!(
            names,
            vec![
                Some(Key::Text("a".into())),
                Some(Key::Text("c".into())),
                Some(Key::Text("b".into()))
            ]
        );
        let folded = fold_top(ranked, Some(1));
        assert_eq!(folded.len(), 2);
        assert_eq!(folded[1].key, Some(Key::Other));
        assert_eq!(folded[1].values, vec![0.0, 0.0, 1.0, 1.0]);
        assert_eq!(folded[1].missing, 1);
        assert_eq!(fold_top(vec![g("a", 1, 0)], Some(3)).len(), 1);
    }
}
