//! A chart's table computed chunk by chunk over the columnar copy ([`crate::kept::copy`]): each
//! chunk of rows is filtered, keyed and reduced to partial aggregates on every core, and the
//! partials are combined into the table ([`super::aggregate::group_and_fold`]).
//!
//! - Memory is bounded by one decoded chunk per core and the number of groups, not by the
//!   dataset: the columns are never stacked into one frame.
//! - The numbers are the whole-column path's, value for value: counts, minima and maxima combine
//!   exactly, and each chunk keeps the exact partials of its sums ([`crate::numeric::ExactSum`]),
//!   which add up to the correctly rounded sum of the whole column in any order.
//! - Count, sum, share, mean, minimum and maximum combine from partials. Distinct counts
//!   and medians do not: a chart with either reads the whole columns
//!   ([`super::aggregate::aggregate_frame`]), as does a project that keeps no copy.

use super::aggregate::{
    Combine, Finish, exact_parts, filtered, group_and_fold, key_expr, measure_inputs, mname,
    need_measures, spans,
};
use super::spec::{Agg, ChartSpec, Dimension};
use super::table::AggTable;
use crate::dataset::DatasetInfo;
use crate::kept::copy::Chunks;
use crate::progress::{Reporter, Stage, Unit};
use crate::store::Project;
use crate::{Error, Result};
use polars::prelude::{self as pl, DataFrame, DataType, IntoLazy, Schema};
use std::sync::atomic::{AtomicU64, Ordering};

/// Whether every measure of `spec` combines exactly from partial aggregates.
pub fn combinable(spec: &ChartSpec) -> bool {
    spec.measures
        .iter()
        .all(|m| !matches!(m.agg, Agg::Distinct | Agg::Median))
}

/// The table of `spec` over `columns` of `info`, chunk by chunk; `None` when it cannot be
/// computed that way (a measure that does not combine, or no copy kept), for the caller to
/// read the whole columns instead.
pub fn aggregate_chunked(
    project: &Project,
    info: &DatasetInfo,
    spec: &ChartSpec,
    columns: &[&str],
    rep: &Reporter,
) -> Result<Option<AggTable>> {
    need_measures(spec)?;
    if !combinable(spec) {
        return Ok(None);
    }
    let Some(copy) = crate::kept::copy::ensure(project, info, rep)? else {
        return Ok(None);
    };
    let schema: Schema = (**copy.empty(columns)?.schema()).clone();
    let plan = Plan::new(spec, &schema)?;
    // Over several chunks, a time chart combines the kept per-day rollup (built first when
    // missing): any grain of it answers without decoding the rows again.
    if copy.rows() > crate::kept::copy::CHUNK_ROWS as u64
        && let Some((day, grain)) = super::rollup::day_spec(spec, &schema)
    {
        let inputs = super::rollup::inputs(project, info, &day)?;
        let by_grain = |partials: DataFrame| -> Result<AggTable> {
            let x = Dimension::new("__x", Some(grain));
            let key = key_expr(&x, partials.schema())?.alias("__x");
            plan.combine(partials.lazy().with_column(key))
        };
        // A kept rollup that cannot be read or combined is built again.
        if let Some(table) = super::rollup::find(project, &inputs)
            .ok()
            .flatten()
            .and_then(|p| by_grain(p).ok())
        {
            return Ok(Some(table));
        }
        let chunks = copy.chunks(project, columns)?;
        let mut partials = partials(&chunks, &Plan::new(&day, &schema)?, rep)?;
        rep.check()?;
        super::rollup::keep(project, &inputs, &mut partials);
        return by_grain(partials).map(Some);
    }
    let chunks = copy.chunks(project, columns)?;
    if chunks.is_empty() {
        return super::aggregate::aggregate_frame(chunks.empty()?, spec).map(Some);
    }
    let partials = partials(&chunks, &plan, rep)?;
    rep.check()?;
    plan.combine(partials.lazy()).map(Some)
}

/// The table of `spec` from partial aggregates computed elsewhere (a warehouse), in the layout
/// of one chunk's: `__x` (and `__by`), per measure `__p{i}a` (a sum's or mean's as a list of
/// exact partials) and `__p{i}b` (the count of values), `__n`, and `__xmin`/`__xmax` for a dated
/// x with a grain. `schema` is the source columns' types.
pub(crate) fn combine_partials(
    spec: &ChartSpec,
    schema: &Schema,
    partials: DataFrame,
) -> Result<AggTable> {
    need_measures(spec)?;
    Plan::new(spec, schema)?.combine(partials.lazy())
}

/// Every chunk's partial aggregates, stacked.
fn partials(chunks: &Chunks, plan: &Plan<'_>, rep: &Reporter) -> Result<DataFrame> {
    if chunks.is_empty() {
        return plan.partial(chunks.empty()?);
    }
    let total = chunks.len() as u64;
    let done = AtomicU64::new(0);
    let parts = chunks.map_each(|_, chunk| {
        rep.check()?;
        let part = plan.partial(chunk)?;
        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
        rep.report(Stage::Reading, n, Some(total), Unit::Steps, 0, false);
        Ok(part)
    })?;
    crate::kept::copy::stacked(parts)
}

/// The expressions of both stages.
struct Plan<'s> {
    spec: &'s ChartSpec,
    schema: &'s Schema,
    /// Stage 1, per chunk: the partial aggregates of each measure, then `__n`, `__xmin`, `__xmax`.
    partials: Vec<pl::Expr>,
    /// The stage 1 columns of values to reduce to exact partial sums ([`exact_parts`]).
    sums: Vec<String>,
    /// Stage 2: each measure combined from its partials, named as [`mname`].
    measures: Vec<Combine>,
    spans: bool,
}

impl<'s> Plan<'s> {
    fn new(spec: &'s ChartSpec, schema: &'s Schema) -> Result<Plan<'s>> {
        let mut partials = Vec::new();
        let mut sums = Vec::new();
        let mut measures = Vec::new();
        for (i, m) in spec.measures.iter().enumerate() {
            let (a, b) = (format!("__p{i}a"), format!("__p{i}b"));
            let ready = |e: pl::Expr| Combine {
                aggs: vec![e.cast(DataType::Float64).alias(mname(i))],
                finish: Finish::Ready,
            };
            let Some((value, numeric)) = measure_inputs(m, schema)? else {
                partials.push(pl::len().alias(a.as_str()));
                measures.push(ready(pl::col(a.as_str()).sum()));
                continue;
            };
            let combined = match m.agg {
                Agg::Count => {
                    partials.push(value.count().alias(a.as_str()));
                    ready(pl::col(a.as_str()).sum())
                }
                // A chunk keeps the exact partials of its sum, and the chunks' partials are
                // added exactly: the very sum of the whole column.
                Agg::Sum | Agg::Share | Agg::Mean => {
                    partials.push(numeric.clone().cast(DataType::Float64).alias(a.as_str()));
                    partials.push(numeric.count().alias(b.as_str()));
                    sums.push(a.clone());
                    Combine {
                        aggs: vec![
                            pl::col(a.as_str()),
                            pl::col(b.as_str()).sum().alias(b.as_str()),
                        ],
                        finish: Finish::of(m.agg, &a, &b),
                    }
                }
                Agg::Min => {
                    partials.push(numeric.min().alias(a.as_str()));
                    ready(pl::col(a.as_str()).min())
                }
                Agg::Max => {
                    partials.push(numeric.max().alias(a.as_str()));
                    ready(pl::col(a.as_str()).max())
                }
                Agg::Distinct | Agg::Median => {
                    return Err(Error::InvalidArgument(format!(
                        "{} does not combine from parts of the data",
                        m.agg.name()
                    )));
                }
            };
            measures.push(combined);
        }
        partials.push(pl::len().alias("__n"));
        let spans = spans(spec, schema);
        if spans {
            let x = pl::col(spec.x.column.as_str());
            partials.push(x.clone().min().alias("__xmin"));
            partials.push(x.max().alias("__xmax"));
        }
        Ok(Plan {
            spec,
            schema,
            partials,
            sums,
            measures,
            spans,
        })
    }

    /// One chunk's partial aggregates, grouped by x (and the split).
    fn partial(&self, chunk: DataFrame) -> Result<DataFrame> {
        let mut keys = vec![key_expr(&self.spec.x, self.schema)?.alias("__x")];
        let mut group = vec![pl::col("__x")];
        if let Some(b) = &self.spec.by {
            keys.push(key_expr(b, self.schema)?.alias("__by"));
            group.push(pl::col("__by"));
        }
        let mut part = filtered(chunk.lazy(), self.spec, self.schema)?
            .with_columns(keys)
            .group_by(group)
            .agg(self.partials.clone())
            .collect()?;
        for a in &self.sums {
            exact_parts(&mut part, a)?;
        }
        Ok(part)
    }

    /// The table from every chunk's partials.
    fn combine(&self, parts: pl::LazyFrame) -> Result<AggTable> {
        let mut extra = vec![pl::col("__n").sum().alias("__n")];
        if self.spans {
            extra.push(pl::col("__xmin").min().alias("__xmin"));
            extra.push(pl::col("__xmax").max().alias("__xmax"));
        }
        group_and_fold(parts, self.spec, self.schema, &self.measures, extra)
    }
}
