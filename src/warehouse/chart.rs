//! A chart of a linked dataset, computed by its warehouse: one `GROUP BY` query returns each
//! group's aggregates (a sum as its exact decimal sum, with its count), and Loupe combines them
//! into the table exactly as it combines the parts of a local dataset
//! ([`crate::explore::partial`]): top N and "Other", shares, order and the data's span are the
//! local engine's own.
//!
//! - Columns are read as the link's types (`CAST` in a sub-select the planner flattens), so a
//!   `numeric` is a float as it would be after import, and `--type` overrides apply.
//! - Sums are `sum(CAST(… AS numeric))`: exact and independent of the order PostgreSQL adds in.
//! - Distinct counts and medians are computed by the warehouse per group; with a top N they
//!   would need the rows of "Other" again, which is refused with a clear message.

use super::link::Link;
use super::secret::ConnUrl;
use super::source::Used;
use crate::dataset::ColumnType;
use crate::explore::aggregate::{Combine, group_and_fold};
use crate::explore::spec::{Agg, ChartSpec, Dimension, Grain};
use crate::explore::table::AggTable;
use crate::expr::{self, Dialect, Kind};
use crate::progress::Reporter;
use crate::{Error, Result};
use chrono::{NaiveDate, NaiveDateTime};
use polars::prelude::{self as pl, DataFrame, DataType, IntoLazy, Schema};

/// What a warehouse query cost on the wire.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct Transfer {
    /// Result rows received.
    pub rows: u64,
    /// Bytes of those rows as sent by the server.
    pub bytes: u64,
}

impl Transfer {
    /// Adds another query's cost (an analysis that sends several).
    pub fn add(&mut self, other: Transfer) {
        self.rows += other.rows;
        self.bytes += other.bytes;
    }
}

/// The PostgreSQL type a column of type `ty` is read as.
pub fn sql_type(ty: ColumnType) -> &'static str {
    sql_type_in(ty, Dialect::Postgres)
}

/// [`sql_type`] in dialect `d`.
pub fn sql_type_in(ty: ColumnType, d: Dialect) -> &'static str {
    match ty {
        ColumnType::Integer => "bigint",
        ColumnType::Float => d.double(),
        ColumnType::Boolean => "boolean",
        ColumnType::Date => "date",
        ColumnType::Datetime => "timestamp",
        ColumnType::Text => d.text(),
    }
}

/// A column as the local engine holds it: cast to its Loupe type; text as written, and blank
/// (nothing, or only white space) as missing, as import stores text.
/// In Spark, a value that cannot be cast is missing (`try_cast`), as the local engine reads it.
pub(crate) fn cast_sql(name: &str, ty: ColumnType, d: Dialect) -> String {
    let q = d.quote(name);
    match (ty, d) {
        (ColumnType::Text, Dialect::Spark) => format!(
            "CASE WHEN CAST({q} AS STRING) RLIKE '^\\\\s*$' THEN NULL ELSE CAST({q} AS STRING) END AS {q}"
        ),
        (ColumnType::Text, _) => format!(
            "CASE WHEN CAST({q} AS text) ~ '^\\s*$' THEN NULL ELSE CAST({q} AS text) END AS {q}"
        ),
        (_, Dialect::Spark) => format!("try_cast({q} AS {}) AS {q}", sql_type_in(ty, d)),
        _ => format!("CAST({q} AS {}) AS {q}", sql_type(ty)),
    }
}

/// The link's columns as a polars schema (what local expressions are checked against).
pub fn schema(link: &Link) -> Schema {
    link.columns
        .iter()
        .map(|c| pl::Field::new(c.name.as_str().into(), crate::kept::copy::dtype(c.ty)))
        .collect()
}

/// The SQL query for `spec` over `link`, and the columns of its result.
pub fn to_sql(link: &Link, spec: &ChartSpec) -> Result<String> {
    let schema = schema(link);
    let mut used = Used::new(link);
    let d = used.dialect();
    let f8 = d.double();
    used.col(&spec.x.column)?;
    if let Some(b) = &spec.by {
        used.col(&b.column)?;
    }
    let mut selects = vec![format!("{} AS __x", key_sql(&spec.x, &schema, d)?)];
    if let Some(b) = &spec.by {
        selects.push(format!("{} AS __by", key_sql(b, &schema, d)?));
    }
    for (i, m) in spec.measures.iter().enumerate() {
        let (a, b) = (format!("__p{i}a"), format!("__p{i}b"));
        let Some(text) = &m.expr else {
            selects.push(format!("count(*) AS {a}"));
            continue;
        };
        let parsed = expr::parse(text)?;
        for c in parsed.columns() {
            used.col(c)?;
        }
        let c = expr::compile(&parsed, &schema)?;
        let value = parsed.to_sql_in(d);
        let numeric = match c.kind {
            Kind::Number | Kind::Null => value.clone(),
            Kind::Bool => format!("CAST({value} AS integer)"),
            _ if m.agg.needs_number() => {
                return Err(Error::InvalidArgument(format!(
                    "{} needs numbers, but {text} is not a number; use count({text}) or distinct({text})",
                    m.agg.name()
                )));
            }
            _ => value.clone(),
        };
        match m.agg {
            Agg::Count => selects.push(format!("count({value}) AS {a}")),
            Agg::Sum | Agg::Share | Agg::Mean => {
                selects.push(format!(
                    "CAST(sum(CAST({numeric} AS {})) AS {f8}) AS {a}",
                    d.decimal()
                ));
                selects.push(format!("count({numeric}) AS {b}"));
            }
            Agg::Min => selects.push(format!("CAST(min({numeric}) AS {f8}) AS {a}")),
            Agg::Max => selects.push(format!("CAST(max({numeric}) AS {f8}) AS {a}")),
            Agg::Distinct => selects.push(format!("count(DISTINCT {value}) AS {a}")),
            Agg::Median => selects.push(format!(
                "percentile_cont(0.5) WITHIN GROUP (ORDER BY {numeric}) AS {a}"
            )),
        }
    }
    selects.push("count(*) AS __n".into());
    let spans = crate::explore::aggregate::spans(spec, &schema);
    if spans {
        let x = d.quote(&spec.x.column);
        selects.push(format!("CAST(min({x}) AS date) AS __xmin"));
        selects.push(format!("CAST(max({x}) AS date) AS __xmax"));
    }
    let filter = match spec.filter.as_deref().filter(|f| !f.trim().is_empty()) {
        Some(f) => format!("\nWHERE {}", used.condition(Some(f))?),
        None => String::new(),
    };
    let group = if spec.by.is_some() { "1, 2" } else { "1" };
    Ok(format!(
        "SELECT {}\nFROM {}{filter}\nGROUP BY {group}",
        selects.join(",\n  "),
        used.from("t")
    ))
}

/// The SQL of a dimension's key: the column, or the first day of its period.
fn key_sql(d: &Dimension, schema: &Schema, dialect: Dialect) -> Result<String> {
    let c = dialect.quote(&d.column);
    let Some(g) = d.grain else { return Ok(c) };
    match schema.get(d.column.as_str()) {
        Some(t) if t.is_temporal() => {}
        Some(other) => {
            return Err(Error::InvalidArgument(format!(
                "column '{}' is {other}, not a date: a time grain applies to date and datetime columns only",
                d.column
            )));
        }
        None => return Err(Error::InvalidArgument(format!("no column '{}'", d.column))),
    }
    let unit = match g {
        Grain::Day => "day",
        // PostgreSQL's and Spark's weeks start on Monday, as Loupe's do.
        Grain::Week => "week",
        Grain::Month => "month",
        Grain::Quarter => "quarter",
        Grain::Year => "year",
    };
    Ok(format!("CAST(date_trunc('{unit}', {c}) AS date)"))
}

/// The chart's table, computed by the warehouse.
pub fn aggregate(link: &Link, spec: &ChartSpec, rep: &Reporter) -> Result<(AggTable, Transfer)> {
    let url = ConnUrl::from_env(&link.url_env, &format!("dataset '{}'", link.name))?;
    aggregate_with(link, spec, &url, rep)
}

/// As [`aggregate`], with the URL given rather than read from the link's variable.
pub fn aggregate_with(
    link: &Link,
    spec: &ChartSpec,
    url: &ConnUrl,
    rep: &Reporter,
) -> Result<(AggTable, Transfer)> {
    let combinable = crate::explore::partial::combinable(spec);
    if !combinable && (spec.top.is_some() || spec.top_by.is_some()) {
        return Err(Error::InvalidArgument(format!(
            "linked dataset '{}': a distinct count or a median with a top N does not run in the warehouse yet; drop --top, or chart them without it",
            link.name
        )));
    }
    let sql = to_sql(link, spec)?;
    let (result, transfer) = link.run(url, &sql, rep)?;
    let schema = schema(link);
    let frame = frame(
        link,
        spec,
        &schema,
        &result.columns,
        &result.rows,
        combinable,
    )?;
    let table = if combinable {
        crate::explore::partial::combine_partials(spec, &schema, frame)?
    } else {
        // Final values per group: a mean is its sum over its count.
        let measures: Vec<Combine> = spec
            .measures
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let a = pl::col(format!("__p{i}a").as_str()).first();
                let e = match m.agg {
                    Agg::Mean => {
                        a / pl::col(format!("__p{i}b").as_str())
                            .first()
                            .cast(DataType::Float64)
                    }
                    _ => a,
                };
                Combine::ready(e, i)
            })
            .collect();
        let mut extra = vec![pl::col("__n").sum().alias("__n")];
        if crate::explore::aggregate::spans(spec, &schema) {
            extra.push(pl::col("__xmin").min().alias("__xmin"));
            extra.push(pl::col("__xmax").max().alias("__xmax"));
        }
        group_and_fold(frame.lazy(), spec, &schema, &measures, extra)?
    };
    Ok((table, transfer))
}

/// The result rows as the frame of partial aggregates the local engine combines (`partial`: a
/// sum's as a list of its exact partials, here the one decimal sum), or of final values.
fn frame(
    link: &Link,
    spec: &ChartSpec,
    schema: &Schema,
    names: &[String],
    rows: &[Vec<Option<String>>],
    partial: bool,
) -> Result<DataFrame> {
    let key_type = |d: &Dimension| -> DataType {
        match d.grain {
            Some(_) => DataType::Date,
            None => schema
                .get(d.column.as_str())
                .cloned()
                .unwrap_or(DataType::String),
        }
    };
    let mut columns: Vec<pl::Column> = Vec::with_capacity(names.len());
    for (j, name) in names.iter().enumerate() {
        let values = rows.iter().map(|r| r.get(j).cloned().flatten());
        let bad = |v: &str| {
            Error::Warehouse(format!(
                "linked dataset '{}': the warehouse returned '{v}' for {name}, which Loupe cannot read",
                link.name
            ))
        };
        let col: pl::Column = match name.as_str() {
            "__x" => typed(name, &key_type(&spec.x), values, &bad)?,
            "__by" => match &spec.by {
                Some(b) => typed(name, &key_type(b), values, &bad)?,
                None => continue,
            },
            "__xmin" | "__xmax" => typed(name, &DataType::Date, values, &bad)?,
            n if n.starts_with("__p") && n.ends_with('a') => {
                let i: usize = n[3..n.len() - 1].parse().unwrap_or(usize::MAX);
                let nums = floats(values, &bad)?;
                let list = partial
                    && spec
                        .measures
                        .get(i)
                        .is_some_and(|m| matches!(m.agg, Agg::Sum | Agg::Share | Agg::Mean));
                if list {
                    let lists: pl::ListChunked = nums
                        .into_iter()
                        .map(|v| {
                            Some(<pl::Series as pl::NamedFrom<_, _>>::new(
                                "".into(),
                                v.into_iter().collect::<Vec<f64>>(),
                            ))
                        })
                        .collect();
                    pl::IntoColumn::into_column(
                        pl::IntoSeries::into_series(lists)
                            .cast(&DataType::List(Box::new(DataType::Float64)))?
                            .with_name(name.as_str().into()),
                    )
                } else {
                    pl::Column::new(name.as_str().into(), nums)
                }
            }
            _ => {
                let ints: Vec<Option<i64>> = values
                    .map(|v| v.map(|s| s.parse::<i64>().map_err(|_| bad(&s))).transpose())
                    .collect::<Result<_>>()?;
                pl::Column::new(name.as_str().into(), ints)
            }
        };
        columns.push(col);
    }
    Ok(DataFrame::new_infer_height(columns)?)
}

fn floats(
    values: impl Iterator<Item = Option<String>>,
    bad: &dyn Fn(&str) -> Error,
) -> Result<Vec<Option<f64>>> {
    values
        .map(|v| {
            v.map(|s| match s.as_str() {
                "NaN" => Ok(f64::NAN),
                "Infinity" => Ok(f64::INFINITY),
                "-Infinity" => Ok(f64::NEG_INFINITY),
                _ => s.parse::<f64>().map_err(|_| bad(&s)),
            })
            .transpose()
        })
        .collect()
}

/// A column of PostgreSQL's text values read as `ty`.
fn typed(
    name: &str,
    ty: &DataType,
    values: impl Iterator<Item = Option<String>>,
    bad: &dyn Fn(&str) -> Error,
) -> Result<pl::Column> {
    let name: pl::PlSmallStr = name.into();
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    Ok(match ty {
        DataType::Int64 => {
            let v: Vec<Option<i64>> = values
                .map(|v| v.map(|s| s.parse::<i64>().map_err(|_| bad(&s))).transpose())
                .collect::<Result<_>>()?;
            pl::Column::new(name, v)
        }
        DataType::Float64 => pl::Column::new(name, floats(values, bad)?),
        DataType::Boolean => {
            let v: Vec<Option<bool>> = values
                .map(|v| {
                    v.map(|s| match s.as_str() {
                        "t" | "true" => Ok(true),
                        "f" | "false" => Ok(false),
                        _ => Err(bad(&s)),
                    })
                    .transpose()
                })
                .collect::<Result<_>>()?;
            pl::Column::new(name, v)
        }
        DataType::Date => {
            let v: Vec<Option<i32>> = values
                .map(|v| {
                    v.map(|s| {
                        NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                            .map(|d| (d - epoch).num_days() as i32)
                            .map_err(|_| bad(&s))
                    })
                    .transpose()
                })
                .collect::<Result<_>>()?;
            pl::Column::new(name, v).cast(&DataType::Date)?
        }
        DataType::Datetime(..) => {
            let v: Vec<Option<i64>> = values
                .map(|v| {
                    v.map(|s| {
                        NaiveDateTime::parse_from_str(&s, "%Y-%m-%d %H:%M:%S%.f")
                            .map(|d| d.and_utc().timestamp_micros())
                            .map_err(|_| bad(&s))
                    })
                    .transpose()
                })
                .collect::<Result<_>>()?;
            pl::Column::new(name, v).cast(ty)?
        }
        _ => {
            let v: Vec<Option<String>> = values.collect();
            pl::Column::new(name, v)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::ColumnInfo;
    use crate::explore::spec::Measure;
    use crate::warehouse::{Engine, TableRef};

    fn link() -> Link {
        Link {
            name: "orders".into(),
            engine: Engine::Postgres,
            url_env: "PG".into(),
            table: TableRef::parse("shop.orders").unwrap(),
            columns: vec![
                ColumnInfo::new("day", ColumnType::Datetime, None),
                ColumnInfo::new("qty", ColumnType::Integer, None),
                ColumnInfo::new("price", ColumnType::Float, None),
                ColumnInfo::new("country", ColumnType::Text, None),
            ],
            rows_estimate: None,
            linked_at: String::new(),
        }
    }

    #[test]
    fn a_monthly_revenue_chart_as_postgres_sql() {
        let mut spec = ChartSpec::new(
            "orders",
            Dimension::new("day", Some(Grain::Month)),
            vec![
                Measure::parse("sum(qty * price)").unwrap(),
                Measure::parse("count()").unwrap(),
            ],
        );
        spec.filter = Some("country in ('France') and not qty < 0".into());
        let sql = to_sql(&link(), &spec).unwrap();
        assert_eq!(
            sql,
            "SELECT CAST(date_trunc('month', \"day\") AS date) AS __x,\n  \
             CAST(sum(CAST((\"qty\" * \"price\") AS numeric)) AS double precision) AS __p0a,\n  \
             count((\"qty\" * \"price\")) AS __p0b,\n  count(*) AS __p1a,\n  count(*) AS __n,\n  \
             CAST(min(\"day\") AS date) AS __xmin,\n  CAST(max(\"day\") AS date) AS __xmax\n\
             FROM (SELECT CAST(\"day\" AS timestamp) AS \"day\", CAST(\"qty\" AS bigint) AS \"qty\", \
             CAST(\"price\" AS double precision) AS \"price\", \
             CASE WHEN CAST(\"country\" AS text) ~ '^\\s*$' THEN NULL ELSE CAST(\"country\" AS text) END AS \"country\" \
             FROM \"shop\".\"orders\") AS t\n\
             WHERE coalesce(((\"country\" IN ('France')) AND (NOT (\"qty\" < 0))), FALSE)\nGROUP BY 1"
        );
        spec.measures = vec![Measure::parse("sum(nope)").unwrap()];
        assert!(to_sql(&link(), &spec).is_err());
        spec.measures = vec![Measure::parse("sum(country)").unwrap()];
        assert!(to_sql(&link(), &spec).is_err());
    }
}
