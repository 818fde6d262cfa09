//! Computes a chart's table with polars, lazily: filter, group by x (and the split), aggregate,
//! fold everything outside the top N into "Other", order.
//!
//! Only the columns the chart reads are loaded from the project; over a columnar copy, measures
//! that combine from parts are computed chunk by chunk ([`super::partial`]). Top-N keeps the N values with
//! the largest first measure and recomputes the rest as one group, so every measure of "Other"
//! (a mean, a median, a distinct count) is exact, not a sum of the parts.

use super::spec::{Agg, ChartSpec, Dimension, Grain, Measure, Order, no_column};
use super::table::{AggRow, AggTable, Key};
use crate::calendar::{self, Period};
use crate::dataset::DatasetInfo;
use crate::expr::{self, Kind};
use crate::numeric::ExactSum;
use crate::progress::Reporter;
use crate::store::Project;
use crate::{Error, Result};
use chrono::{DateTime, NaiveDate};
use polars::prelude::{self as pl, AnyValue, DataFrame, DataType, IntoLazy, Schema, TimeUnit};
use std::collections::HashMap;

/// The dataset's columns a spec reads (each once, in first-use order), checked to exist.
pub fn columns_needed(info: &DatasetInfo, spec: &ChartSpec) -> Result<Vec<String>> {
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
    for m in &spec.measures {
        if let Some(e) = &m.expr {
            for c in expr::parse(e)?.columns() {
                add(c)?;
            }
        }
    }
    if let Some(f) = &spec.filter {
        for c in expr::parse(f)?.columns() {
            add(c)?;
        }
    }
    Ok(cols)
}

/// Loads the columns the chart reads and computes its table.
pub fn aggregate(project: &Project, spec: &ChartSpec, rep: &Reporter) -> Result<AggTable> {
    if let Some(link) = crate::warehouse::link::linked(project, &spec.dataset)? {
        return Ok(crate::warehouse::chart::aggregate(&link, spec, rep)?.0);
    }
    let info = project.dataset(&spec.dataset)?;
    let cols = columns_needed(&info, spec)?;
    rep.check()?;
    let names: Vec<&str> = cols.iter().map(String::as_str).collect();
    if let Some(table) = super::partial::aggregate_chunked(project, &info, spec, &names, rep)? {
        return Ok(table);
    }
    let df = crate::kept::copy::load(project, &info, &names, rep)?;
    rep.check()?;
    aggregate_frame(df, spec)
}

/// As [`aggregate`], reading only the columns `cache` does not hold yet.
pub fn aggregate_cached(
    project: &Project,
    spec: &ChartSpec,
    cache: &mut super::cache::FrameCache,
    rep: &Reporter,
) -> Result<AggTable> {
    let info = project.dataset(&spec.dataset)?;
    let cols = columns_needed(&info, spec)?;
    rep.check()?;
    let names: Vec<&str> = cols.iter().map(String::as_str).collect();
    let df = cache.frame(project, &info, &names, rep)?;
    rep.check()?;
    aggregate_frame(df, spec)
}

pub(crate) fn key_expr(d: &Dimension, schema: &Schema) -> Result<pl::Expr> {
    let Some(dt) = schema.get(d.column.as_str()) else {
        return Err(Error::InvalidArgument(format!(
            "the data has no column '{}'",
            d.column
        )));
    };
    let c = pl::col(d.column.as_str());
    match (d.grain, dt) {
        (None, _) => Ok(c),
        (Some(g), DataType::Date | DataType::Datetime(..)) => Ok(period_key(c, g)),
        (Some(_), other) => Err(Error::InvalidArgument(format!(
            "column '{}' is {other}, not a date: a time grain applies to date and datetime columns only",
            d.column
        ))),
    }
}

/// The first day of the grain's period holding each date or time, as a date. Plain integer
/// arithmetic per value ([`crate::calendar`]), with the last answer reused while the dates
/// repeat: `dt().truncate` goes through a calendar library for every value, several times slower
/// at millions of rows.
fn period_key(c: pl::Expr, g: Grain) -> pl::Expr {
    let period = g.period();
    c.map(
        move |col| period_starts(&col, period),
        |_, f| Ok(pl::Field::new(f.name().clone(), DataType::Date)),
    )
}

fn period_starts(col: &pl::Column, period: Period) -> pl::PolarsResult<pl::Column> {
    let last = std::cell::Cell::new((i64::MIN, 0i32));
    let start = |day: i64| {
        let (d, s) = last.get();
        if d == day {
            return s;
        }
        let s = calendar::period_start(day, period) as i32;
        last.set((day, s));
        s
    };
    let days: pl::Int32Chunked = match col.dtype() {
        DataType::Date => col
            .date()?
            .physical()
            .apply_nonnull_values_generic(DataType::Int32, |d| start(i64::from(d))),
        DataType::Datetime(unit, _) => {
            let per_day: i64 = match unit {
                TimeUnit::Nanoseconds => 86_400_000_000_000,
                TimeUnit::Microseconds => 86_400_000_000,
                TimeUnit::Milliseconds => 86_400_000,
            };
            col.datetime()?
                .physical()
                .apply_nonnull_values_generic(DataType::Int32, |t| start(t.div_euclid(per_day)))
        }
        other => {
            return Err(pl::PolarsError::ComputeError(
                format!("a time grain needs dates, not {other}").into(),
            ));
        }
    };
    Ok(pl::IntoColumn::into_column(days.into_date()))
}

/// How a measure's value is made from what its aggregation expressions give.
pub(crate) enum Finish {
    /// The expressions give the value itself, named as [`mname`].
    Ready,
    /// A sum: column `a` holds the values to add, or the exact partials of parts of them
    /// ([`ExactSum::parts`]), at any depth of lists; `b` counts the values. As in SQL, the
    /// sum of no values is missing, not zero.
    Sum { a: String, b: String },
    /// A mean: that sum over that count.
    Mean { a: String, b: String },
}

/// A measure's aggregation expressions, and how they become its value.
pub(crate) struct Combine {
    pub aggs: Vec<pl::Expr>,
    pub finish: Finish,
}

impl Finish {
    /// A sum's (or a share's) or a mean's finish over columns `a` and `b`.
    pub(crate) fn of(agg: Agg, a: &str, b: &str) -> Finish {
        let (a, b) = (a.to_string(), b.to_string());
        if agg == Agg::Mean {
            Finish::Mean { a, b }
        } else {
            Finish::Sum { a, b }
        }
    }
}

impl Combine {
    pub(crate) fn ready(e: pl::Expr, i: usize) -> Combine {
        Combine {
            aggs: vec![e.cast(DataType::Float64).alias(mname(i))],
            finish: Finish::Ready,
        }
    }

    /// Writes measure `i`'s value (named as [`mname`]) into `df`, grouped by these expressions.
    pub(crate) fn finish(&self, df: &mut DataFrame, i: usize) -> Result<()> {
        let (a, b, mean) = match &self.finish {
            Finish::Ready => return Ok(()),
            Finish::Sum { a, b } => (a, b, false),
            Finish::Mean { a, b } => (a, b, true),
        };
        let sums = exact_sums(df.column(a)?.as_materialized_series())?;
        let counts = df.column(b)?.cast(&DataType::Float64)?;
        let values: pl::Float64Chunked = sums
            .iter()
            .zip(counts.f64()?.iter())
            .map(|(s, n)| {
                let n = n.unwrap_or(0.0);
                if mean {
                    Some(s / n)
                } else {
                    (n > 0.0).then_some(*s)
                }
            })
            .collect();
        df.with_column(pl::IntoColumn::into_column(
            values.with_name(mname(i).into()),
        ))?;
        Ok(())
    }
}

/// The exact sum of each row's values in a column of lists (of lists…) of numbers.
fn exact_sums(lists: &pl::Series) -> Result<Vec<f64>> {
    fn add_all(sum: &mut ExactSum, s: &pl::Series) -> Result<()> {
        match s.dtype() {
            DataType::List(_) => {
                for inner in s.list()?.series_iter().flatten() {
                    add_all(sum, &inner)?;
                }
            }
            _ => {
                for v in s.cast(&DataType::Float64)?.f64()?.iter().flatten() {
                    sum.add(v);
                }
            }
        }
        Ok(())
    }
    lists
        .list()?
        .series_iter()
        .map(|row| {
            let mut sum = ExactSum::new();
            if let Some(row) = row {
                add_all(&mut sum, &row)?;
            }
            Ok(sum.value())
        })
        .collect()
}

/// Replaces each row's list of values in column `name` by the exact partials of its sum: what a
/// part of the data keeps to be combined later, exactly.
pub(crate) fn exact_parts(df: &mut DataFrame, name: &str) -> Result<()> {
    let col = df.column(name)?.as_materialized_series().clone();
    let parts: pl::ListChunked = col
        .list()?
        .series_iter()
        .map(|row| -> Result<Option<pl::Series>> {
            let values = match row {
                Some(r) => r.cast(&DataType::Float64)?,
                None => return Ok(None),
            };
            let sum = ExactSum::of(values.f64()?.iter().flatten());
            Ok(Some(<pl::Series as pl::NamedFrom<_, _>>::new(
                "".into(),
                sum.parts(),
            )))
        })
        .collect::<Result<_>>()?;
    let parts = pl::IntoSeries::into_series(parts)
        .cast(&DataType::List(Box::new(DataType::Float64)))?
        .with_name(name.into());
    df.with_column(pl::IntoColumn::into_column(parts))?;
    Ok(())
}

/// How measure `i` is aggregated from the data's own rows. Sums and means add the values
/// exactly ([`ExactSum`]), so they equal, value for value, the same measure combined from
/// parts of the rows ([`super::partial`]); a share is its sum or count, divided by the total
/// afterwards.
pub(crate) fn measure_combine(m: &Measure, schema: &Schema, i: usize) -> Result<Combine> {
    let Some((value, numeric)) = measure_inputs(m, schema)? else {
        return Ok(Combine::ready(pl::len(), i));
    };
    let (a, b) = (format!("__p{i}a"), format!("__p{i}b"));
    let exact = |agg: Agg| Combine {
        aggs: vec![
            numeric.clone().cast(DataType::Float64).alias(a.as_str()),
            numeric.clone().count().alias(b.as_str()),
        ],
        finish: Finish::of(agg, &a, &b),
    };
    Ok(match m.agg {
        Agg::Sum | Agg::Share | Agg::Mean => exact(m.agg),
        Agg::Count => Combine::ready(value.count(), i),
        Agg::Distinct => Combine::ready(value.drop_nulls().n_unique(), i),
        Agg::Median => Combine::ready(numeric.median(), i),
        Agg::Min => Combine::ready(numeric.min(), i),
        Agg::Max => Combine::ready(numeric.max(), i),
    })
}

/// What a measure aggregates: its expression's values, and those values as numbers (a condition
/// as 1 and 0: sum(Quantity < 0) counts its true rows); `None` for `count()` of rows. An
/// aggregation that needs numbers over text is refused.
pub(crate) fn measure_inputs(m: &Measure, schema: &Schema) -> Result<Option<(pl::Expr, pl::Expr)>> {
    let Some(text) = &m.expr else {
        return Ok(None);
    };
    let c = expr::compile(&expr::parse(text)?, schema)?;
    let numeric = match c.kind {
        Kind::Number | Kind::Null => c.expr.clone(),
        Kind::Bool => c.expr.clone().cast(DataType::Float64),
        _ if m.agg.needs_number() => {
            return Err(Error::InvalidArgument(format!(
                "{} needs numbers, but {text} is not a number; use count({text}) or distinct({text})",
                m.agg.name()
            )));
        }
        _ => c.expr.clone(),
    };
    Ok(Some((c.expr, numeric)))
}

pub(crate) fn mname(i: usize) -> String {
    format!("__m{i}")
}

/// Marks the values of `key` outside the top `n` by the first measure: `flag` is true for them.
fn top_n(
    lf: pl::LazyFrame,
    key: &str,
    flag: &str,
    n: usize,
    first: &Combine,
) -> Result<pl::LazyFrame> {
    let mut ranked = lf
        .clone()
        .group_by([pl::col(key)])
        .agg(first.aggs.clone())
        .collect()?;
    first.finish(&mut ranked, 0)?;
    let ranking = ranked
        .lazy()
        .select([pl::col(key), pl::col(mname(0)).alias("__rank")])
        .sort(
            ["__rank", key],
            pl::SortMultipleOptions::default()
                .with_order_descending_multi([true, false])
                .with_nulls_last(true),
        )
        .limit(n as u32)
        .select([pl::col(key), pl::lit(true).alias("__keep")]);
    let mut args = pl::JoinArgs::new(pl::JoinType::Left);
    args.nulls_equal = true;
    Ok(lf
        .join(ranking, [pl::col(key)], [pl::col(key)], args)
        .with_columns([pl::col("__keep").is_null().alias(flag)])
        .drop(pl::Selector::ByName {
            names: ["__keep".into()].into(),
            strict: true,
        }))
}

/// Computes the table from a frame that holds the columns the spec reads.
pub fn aggregate_frame(df: DataFrame, spec: &ChartSpec) -> Result<AggTable> {
    need_measures(spec)?;
    let schema: Schema = (**df.schema()).clone();
    let lf = filtered(df.lazy(), spec, &schema)?;
    let mut keys = vec![key_expr(&spec.x, &schema)?.alias("__x")];
    if let Some(b) = &spec.by {
        keys.push(key_expr(b, &schema)?.alias("__by"));
    }
    let measures: Vec<Combine> = spec
        .measures
        .iter()
        .enumerate()
        .map(|(i, m)| measure_combine(m, &schema, i))
        .collect::<Result<_>>()?;
    let mut extra = vec![pl::len().alias("__n")];
    if spans(spec, &schema) {
        let x = pl::col(spec.x.column.as_str());
        extra.push(x.clone().min().alias("__xmin"));
        extra.push(x.max().alias("__xmax"));
    }
    group_and_fold(lf.with_columns(keys), spec, &schema, &measures, extra)
}

pub(crate) fn need_measures(spec: &ChartSpec) -> Result<()> {
    if spec.measures.is_empty() {
        return Err(Error::InvalidArgument(
            "a chart needs at least one measure, e.g. count() or sum(Amount)".into(),
        ));
    }
    Ok(())
}

/// The rows the chart's filter keeps.
pub(crate) fn filtered(
    lf: pl::LazyFrame,
    spec: &ChartSpec,
    schema: &Schema,
) -> Result<pl::LazyFrame> {
    Ok(
        match spec.filter.as_deref().filter(|f| !f.trim().is_empty()) {
            Some(f) => lf.filter(expr::compile_condition(&expr::parse(f)?, schema)?),
            None => lf,
        },
    )
}

/// Whether the table records the first and last day of the data (a dated x with a grain), so
/// that a first or last period the data covers only in part can be told apart from a fall in
/// sales.
pub(crate) fn spans(spec: &ChartSpec, schema: &Schema) -> bool {
    spec.x.grain.is_some()
        && schema
            .get(spec.x.column.as_str())
            .is_some_and(|dt| dt.is_temporal())
}

/// Groups rows keyed `__x` (and `__by`) into the table: the top-N folding, the `measures` (named
/// `__m0`, `__m1`…) and the `extra` aggregates (`__n`, and `__xmin`/`__xmax` when
/// [`spans`]). The rows are the data's own, or partial aggregates that the expressions combine.
pub(crate) fn group_and_fold(
    mut lf: pl::LazyFrame,
    spec: &ChartSpec,
    schema: &Schema,
    measures: &[Combine],
    extra: Vec<pl::Expr>,
) -> Result<AggTable> {
    let mut group = vec![pl::col("__x")];
    if let Some(n) = spec.top {
        lf = top_n(lf, "__x", "__xo", n, &measures[0])?;
        group.push(pl::col("__xo"));
    }
    if spec.by.is_some() {
        group.push(pl::col("__by"));
        if let Some(n) = spec.top_by {
            lf = top_n(lf, "__by", "__byo", n, &measures[0])?;
            group.push(pl::col("__byo"));
        }
    }
    // Values outside the top N become one group: null key, flag set.
    let mut fold = Vec::new();
    if spec.top.is_some() {
        fold.push(
            pl::when(pl::col("__xo"))
                .then(pl::lit(pl::NULL))
                .otherwise(pl::col("__x"))
                .alias("__x"),
        );
    }
    if spec.by.is_some() && spec.top_by.is_some() {
        fold.push(
            pl::when(pl::col("__byo"))
                .then(pl::lit(pl::NULL))
                .otherwise(pl::col("__by"))
                .alias("__by"),
        );
    }
    if !fold.is_empty() {
        lf = lf.with_columns(fold);
    }
    let mut aggs: Vec<pl::Expr> = measures.iter().flat_map(|m| m.aggs.clone()).collect();
    aggs.extend(extra);
    let mut out = lf.group_by(group).agg(aggs).collect()?;
    for (i, m) in measures.iter().enumerate() {
        m.finish(&mut out, i)?;
    }
    build_table(&out, spec, schema)
}

pub(crate) fn key_of(v: AnyValue<'_>) -> Key {
    match v {
        AnyValue::Null => Key::Null,
        AnyValue::Boolean(b) => Key::Bool(b),
        AnyValue::String(s) => Key::Text(s.to_string()),
        AnyValue::StringOwned(s) => Key::Text(s.to_string()),
        AnyValue::Int8(i) => Key::Int(i.into()),
        AnyValue::Int16(i) => Key::Int(i.into()),
        AnyValue::Int32(i) => Key::Int(i.into()),
        AnyValue::Int64(i) => Key::Int(i),
        AnyValue::UInt8(i) => Key::Int(i.into()),
        AnyValue::UInt16(i) => Key::Int(i.into()),
        AnyValue::UInt32(i) => Key::Int(i.into()),
        AnyValue::UInt64(i) => Key::Int(i as i64),
        AnyValue::Float32(f) => Key::Float(f.into()),
        AnyValue::Float64(f) => Key::Float(f),
        AnyValue::Date(d) => NaiveDate::from_ymd_opt(1970, 1, 1)
            .and_then(|e| e.checked_add_signed(chrono::Duration::days(d.into())))
            .map(Key::Date)
            .unwrap_or(Key::Null),
        AnyValue::Datetime(t, unit, _) => {
            let micros = match unit {
                TimeUnit::Nanoseconds => t / 1000,
                TimeUnit::Microseconds => t,
                TimeUnit::Milliseconds => t * 1000,
            };
            DateTime::from_timestamp_micros(micros)
                .map(|d| Key::Datetime(d.naive_utc()))
                .unwrap_or(Key::Null)
        }
        other => Key::Text(other.to_string()),
    }
}

fn keys(df: &DataFrame, name: &str, other_flag: Option<&str>) -> Result<Vec<Key>> {
    let c = df.column(name)?;
    let flags = match other_flag {
        Some(f) => Some(df.column(f)?.bool()?.clone()),
        None => None,
    };
    (0..df.height())
        .map(|i| {
            if flags.as_ref().is_some_and(|f| f.get(i) == Some(true)) {
                return Ok(Key::Other);
            }
            Ok(key_of(c.get(i)?))
        })
        .collect()
}

fn build_table(df: &DataFrame, spec: &ChartSpec, schema: &Schema) -> Result<AggTable> {
    let n = df.height();
    let xs = keys(df, "__x", spec.top.map(|_| "__xo"))?;
    let bys = match &spec.by {
        Some(_) => Some(keys(df, "__by", spec.top_by.map(|_| "__byo"))?),
        None => None,
    };
    let mut values: Vec<Vec<Option<f64>>> = vec![Vec::with_capacity(spec.measures.len()); n];
    for (j, m) in spec.measures.iter().enumerate() {
        let col = df.column(&mname(j))?.f64()?.clone();
        let total = ExactSum::of(col.iter().flatten()).value();
        for (i, v) in col.iter().enumerate() {
            let v = if m.agg == Agg::Share {
                v.map(|x| if total != 0.0 { x / total } else { f64::NAN })
            } else {
                v
            };
            values[i].push(v.filter(|x| x.is_finite()));
        }
    }
    let counts = df.column("__n")?.cast(&DataType::UInt64)?;
    let input_rows: u64 = counts.u64()?.iter().flatten().sum();
    let span = data_span(df)?;
    let mut rows: Vec<AggRow> = (0..n)
        .map(|i| AggRow {
            x: xs[i].clone(),
            by: bys.as_ref().map(|b| b[i].clone()),
            values: std::mem::take(&mut values[i]),
        })
        .collect();

    // The first measure's total per x and per series orders them.
    let first = |r: &AggRow| r.values.first().copied().flatten().unwrap_or(0.0);
    // Summed exactly, so that the order does not depend on the order of the groups.
    let mut x_sum: Vec<(Key, ExactSum)> = Vec::new();
    let mut s_sum: Vec<(Key, ExactSum)> = Vec::new();
    {
        let mut xi: HashMap<String, usize> = HashMap::new();
        let mut si: HashMap<String, usize> = HashMap::new();
        for r in &rows {
            let id = format!("{:?}", r.x);
            let k = *xi.entry(id).or_insert_with(|| {
                x_sum.push((r.x.clone(), ExactSum::new()));
                x_sum.len() - 1
            });
            x_sum[k].1.add(first(r));
            if let Some(b) = &r.by {
                let id = format!("{b:?}");
                let k = *si.entry(id).or_insert_with(|| {
                    s_sum.push((b.clone(), ExactSum::new()));
                    s_sum.len() - 1
                });
                s_sum[k].1.add(first(r));
            }
        }
    }
    let total = |sums: Vec<(Key, ExactSum)>| -> Vec<(Key, f64)> {
        sums.into_iter().map(|(k, s)| (k, s.value())).collect()
    };
    let (mut x_total, mut s_total) = (total(x_sum), total(s_sum));
    let special = |k: &Key| matches!(k, Key::Other | Key::Null);
    x_total.sort_by(|(a, va), (b, vb)| {
        if special(a) || special(b) || spec.order == Order::Natural {
            return a.natural_cmp(b);
        }
        let by_value = match spec.order {
            Order::Descending => vb.total_cmp(va),
            _ => va.total_cmp(vb),
        };
        by_value.then_with(|| a.natural_cmp(b))
    });
    s_total.sort_by(|(a, va), (b, vb)| {
        if special(a) || special(b) {
            return a.natural_cmp(b);
        }
        vb.total_cmp(va).then_with(|| a.natural_cmp(b))
    });
    let x_values: Vec<Key> = x_total.into_iter().map(|(k, _)| k).collect();
    let series: Vec<Key> = s_total.into_iter().map(|(k, _)| k).collect();
    let spos: HashMap<String, usize> = series
        .iter()
        .enumerate()
        .map(|(i, k)| (format!("{k:?}"), i))
        .collect();
    let xpos: HashMap<String, usize> = x_values
        .iter()
        .enumerate()
        .map(|(i, k)| (format!("{k:?}"), i))
        .collect();
    rows.sort_by_key(|r| {
        (
            xpos.get(&format!("{:?}", r.x))
                .copied()
                .unwrap_or(usize::MAX),
            r.by.as_ref()
                .and_then(|b| spos.get(&format!("{b:?}")).copied())
                .unwrap_or(0),
        )
    });

    let x_continuous = spec.top.is_none()
        && schema
            .get(spec.x.column.as_str())
            .is_some_and(|dt| dt.is_primitive_numeric() || dt.is_temporal());
    Ok(AggTable {
        x: spec.x.text(),
        grain: spec.x.grain,
        x_continuous,
        by: spec.by.as_ref().map(Dimension::text),
        measures: spec.measures.iter().map(Measure::label).collect(),
        rows,
        x_values,
        series,
        input_rows,
        span,
    })
}

/// The first and last day of the data behind a dated x (from `__xmin` and `__xmax`).
fn data_span(df: &DataFrame) -> Result<Option<(NaiveDate, NaiveDate)>> {
    let (Ok(lo), Ok(hi)) = (df.column("__xmin"), df.column("__xmax")) else {
        return Ok(None);
    };
    let day = |k: Key| match k {
        Key::Date(d) => Some(d),
        Key::Datetime(d) => Some(d.date()),
        _ => None,
    };
    let mut span: Option<(NaiveDate, NaiveDate)> = None;
    for i in 0..df.height() {
        let (Some(a), Some(b)) = (day(key_of(lo.get(i)?)), day(key_of(hi.get(i)?))) else {
            continue;
        };
        span = Some(match span {
            Some((x, y)) => (x.min(a), y.max(b)),
            None => (a, b),
        });
    }
    Ok(span)
}
