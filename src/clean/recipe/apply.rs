//! Each step as a transformation of a polars LazyFrame.
//!
//! Steps check their columns against the schema before they run and say what is wrong in words;
//! the engine adds which step it was.

use super::text::{self, DateReader};
use super::{Case, Fence, Fill, Keep, OutlierAction, Step};
use crate::dataset::ColumnType;
use crate::expr::{Kind, compile, compile_condition};
use polars::prelude::{self as pl, *};
use std::collections::HashMap;

/// The hidden column that carries each row's position in the raw table.
pub const ROW: &str = "__loupe_row";

type StepResult<T> = std::result::Result<T, String>;

fn data_columns(schema: &Schema) -> Vec<String> {
    schema
        .iter_names()
        .filter(|n| n.as_str() != ROW)
        .map(|n| n.to_string())
        .collect()
}

fn no_column(schema: &Schema, name: &str) -> String {
    format!(
        "there is no column '{name}'; the columns are: {}",
        data_columns(schema).join(", ")
    )
}

fn dtype<'a>(schema: &'a Schema, name: &str) -> StepResult<&'a DataType> {
    if name == ROW {
        return Err(no_column(schema, name));
    }
    schema.get(name).ok_or_else(|| no_column(schema, name))
}

fn text_column(schema: &Schema, name: &str) -> StepResult<()> {
    match dtype(schema, name)? {
        DataType::String => Ok(()),
        other => Err(format!(
            "'{name}' holds {other}, not text; convert it to text first"
        )),
    }
}

fn numeric_column<'a>(schema: &'a Schema, name: &str) -> StepResult<&'a DataType> {
    let dt = dtype(schema, name)?;
    if dt.is_primitive_numeric() {
        Ok(dt)
    } else {
        Err(format!(
            "'{name}' holds {dt}, not numbers; convert it to a number first"
        ))
    }
}

fn new_name(schema: &Schema, name: &str) -> StepResult<()> {
    if name.trim().is_empty() {
        return Err("the new column needs a name".into());
    }
    if schema.contains(name) || name == ROW {
        return Err(format!(
            "a column named '{name}' exists already; choose another name"
        ));
    }
    Ok(())
}

/// Missing: null, or text that is empty or only spaces.
pub fn missing(name: &str, dt: &DataType) -> pl::Expr {
    let c = col(name);
    match dt {
        DataType::String => c
            .clone()
            .is_null()
            .or(c.str().strip_chars(lit(NULL)).eq(lit(""))),
        DataType::Float64 | DataType::Float32 => c.clone().is_null().or(c.is_nan()),
        _ => c.is_null(),
    }
}

/// Maps a text column value by value.
fn map_text<F>(name: &str, out: DataType, f: F) -> pl::Expr
where
    F: Fn(&StringChunked) -> PolarsResult<Column> + Send + Sync + 'static,
{
    let out2 = out.clone();
    col(name).map(
        move |c: Column| {
            let ca = c.str()?;
            let mut r = f(ca)?;
            r.rename(c.name().clone());
            if r.dtype() != &out2 {
                r = r.cast(&out2)?;
            }
            Ok(r)
        },
        move |_, field: &Field| Ok(Field::new(field.name().clone(), out.clone())),
    )
}

fn text_map<F>(name: &str, f: F) -> pl::Expr
where
    F: Fn(&str) -> Option<String> + Send + Sync + 'static,
{
    map_text(name, DataType::String, move |ca| {
        let out: StringChunked = ca.iter().map(|v| v.and_then(&f)).collect();
        Ok(out.into_column())
    })
}

/// The frame with `columns` placed where `after` is, in this order.
fn place(
    lf: LazyFrame,
    schema: &Schema,
    after: &str,
    columns: &[String],
    drop_original: bool,
) -> LazyFrame {
    let mut order: Vec<pl::Expr> = Vec::new();
    for n in schema.iter_names() {
        if n.as_str() == after {
            if !drop_original {
                order.push(col(n.clone()));
            }
            order.extend(columns.iter().map(|c| col(c.as_str())));
        } else if !columns.iter().any(|c| c == n.as_str()) {
            order.push(col(n.clone()));
        }
    }
    lf.select(order)
}

/// Applies one step.
pub fn apply(step: &Step, lf: LazyFrame, schema: &Schema) -> StepResult<LazyFrame> {
    Ok(match step {
        Step::RemoveDuplicates { columns, keep } => {
            let cols = if columns.is_empty() {
                data_columns(schema)
            } else {
                for c in columns {
                    dtype(schema, c)?;
                }
                columns.clone()
            };
            let key = if cols.len() == 1 {
                col(cols[0].as_str())
            } else {
                as_struct(cols.iter().map(|c| col(c.as_str())).collect())
            };
            lf.filter(match keep {
                Keep::First => key.is_first_distinct(),
                Keep::Last => key.is_last_distinct(),
            })
        }
        Step::DropRows { condition } => {
            let cond = compile_condition(&condition.0, schema).map_err(|e| e.to_string())?;
            lf.filter(cond.not())
        }
        Step::FillMissing { column, with } => {
            let dt = dtype(schema, column)?.clone();
            let m = missing(column, &dt);
            let c = col(column.as_str());
            let blank_as_null = when(m.clone())
                .then(lit(NULL).cast(dt.clone()))
                .otherwise(c.clone());
            let value = match with {
                Fill::Constant(v) => constant(v, &dt, column)?,
                Fill::Mean | Fill::Median => {
                    numeric_column(schema, column)?;
                    let x = c.clone().cast(DataType::Float64);
                    if *with == Fill::Mean {
                        x.mean()
                    } else {
                        x.median()
                    }
                }
                Fill::Mode => blank_as_null
                    .clone()
                    .drop_nulls()
                    .mode(false)
                    .sort(SortOptions::default())
                    .first(),
                Fill::Forward => blank_as_null
                    .clone()
                    .fill_null_with_strategy(FillNullStrategy::Forward(None)),
            };
            lf.with_column(when(m).then(value).otherwise(c).alias(column.as_str()))
        }
        Step::Trim { columns } => {
            let mut exprs = Vec::new();
            for c in columns {
                text_column(schema, c)?;
                exprs.push(col(c.as_str()).str().strip_chars(lit(NULL)));
            }
            lf.with_columns(exprs)
        }
        Step::ChangeCase { columns, case } => {
            let mut exprs = Vec::new();
            for c in columns {
                text_column(schema, c)?;
                exprs.push(match case {
                    Case::Lower => col(c.as_str()).str().to_lowercase(),
                    Case::Upper => col(c.as_str()).str().to_uppercase(),
                    Case::Title => text_map(c, |s| Some(text::title_case(s))),
                });
            }
            lf.with_columns(exprs)
        }
        Step::MapValues { column, map } => {
            text_column(schema, column)?;
            let mut table: HashMap<String, String> = HashMap::new();
            for m in map {
                for from in &m.from {
                    table.insert(from.clone(), m.to.clone());
                }
            }
            lf.with_column(text_map(column, move |s| {
                Some(table.get(s).cloned().unwrap_or_else(|| s.to_string()))
            }))
        }
        Step::Cast { column, to, format } => {
            lf.with_column(cast(schema, column, *to, format.as_deref())?)
        }
        Step::Outliers {
            column,
            fence,
            action,
        } => {
            let dt = numeric_column(schema, column)?.clone();
            let x = col(column.as_str()).cast(DataType::Float64);
            let (lo, hi) = match fence {
                Fence::Iqr { k } => {
                    let q1 = x.clone().quantile(lit(0.25), QuantileMethod::Linear);
                    let q3 = x.clone().quantile(lit(0.75), QuantileMethod::Linear);
                    let iqr = q3.clone() - q1.clone();
                    (q1 - lit(*k) * iqr.clone(), q3 + lit(*k) * iqr)
                }
                Fence::ZScore { z } => {
                    let (m, s) = (x.clone().mean(), x.clone().std(0));
                    (m.clone() - lit(*z) * s.clone(), m + lit(*z) * s)
                }
                Fence::Bounds { low, high } => (
                    lit(low.unwrap_or(f64::NEG_INFINITY)),
                    lit(high.unwrap_or(f64::INFINITY)),
                ),
            };
            let outlier = x
                .clone()
                .lt(lo.clone())
                .or(x.clone().gt(hi.clone()))
                .fill_null(lit(false));
            match action {
                OutlierAction::Clip => {
                    let integer = dt.is_integer();
                    let (lo, hi) = if integer {
                        (lo.ceil(), hi.floor())
                    } else {
                        (lo, hi)
                    };
                    let clipped = when(x.clone().lt(lo.clone()))
                        .then(lo)
                        .when(x.clone().gt(hi.clone()))
                        .then(hi)
                        .otherwise(x);
                    lf.with_column(clipped.cast(dt).alias(column.as_str()))
                }
                OutlierAction::Flag(name) => {
                    new_name(schema, name)?;
                    lf.with_column(outlier.alias(name.as_str()))
                }
                OutlierAction::Drop => lf.filter(outlier.not()),
            }
        }
        Step::Split {
            column,
            separator,
            into,
            keep_original,
        } => {
            text_column(schema, column)?;
            if separator.is_empty() {
                return Err("the separator is empty; give the text to split at".into());
            }
            if into.is_empty() {
                return Err("name at least one column to split into".into());
            }
            for n in into {
                if n != column || *keep_original {
                    new_name(schema, n)?;
                }
            }
            let n = into.len();
            let parts: Vec<pl::Expr> = into
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    let sep = separator.clone();
                    // The last part keeps the rest of the text.
                    text_map(column, move |s| {
                        s.splitn(n, sep.as_str()).nth(i).map(str::to_string)
                    })
                    .alias(name.as_str())
                })
                .collect();
            let tmp: Vec<String> = into.iter().map(|n| format!("{ROW}split_{n}")).collect();
            let lf = lf.with_columns(
                parts
                    .into_iter()
                    .zip(&tmp)
                    .map(|(e, t)| e.alias(t.as_str()))
                    .collect::<Vec<_>>(),
            );
            let mut full = schema.clone();
            for t in &tmp {
                full.with_column(t.as_str().into(), DataType::String);
            }
            let lf = place(lf, &full, column, &tmp, !keep_original);
            lf.rename(
                tmp.iter().map(String::as_str),
                into.iter().map(String::as_str),
                true,
            )
        }
        Step::Rename { from, to } => {
            dtype(schema, from)?;
            if from != to {
                new_name(schema, to)?;
            }
            lf.rename([from.as_str()], [to.as_str()], true)
        }
        Step::DropColumns { columns } => {
            for c in columns {
                dtype(schema, c)?;
            }
            let keep: Vec<pl::Expr> = schema
                .iter_names()
                .filter(|n| !columns.iter().any(|c| c == n.as_str()))
                .map(|n| col(n.clone()))
                .collect();
            lf.select(keep)
        }
        Step::Derive { name, expr } => {
            if name.trim().is_empty() || name == ROW {
                return Err("the new column needs a name".into());
            }
            let c = compile(&expr.0, schema).map_err(|e| e.to_string())?;
            if c.kind == Kind::Null {
                return Err("the expression is always missing".into());
            }
            lf.with_column(c.expr.alias(name.as_str()))
        }
        Step::StandardizePhone {
            column,
            country_code,
        } => {
            text_column(schema, column)?;
            let cc = country_code.clone();
            if cc.is_empty() || !cc.chars().all(|c| c.is_ascii_digit()) || cc.len() > 3 {
                return Err(format!(
                    "'{cc}' is not a country calling code; write digits such as 86 or 44"
                ));
            }
            lf.with_column(text_map(column, move |s| text::standardize_phone(s, &cc)))
        }
        Step::StandardizeEmail { column } => {
            text_column(schema, column)?;
            lf.with_column(text_map(column, text::standardize_email))
        }
    })
}

/// A fill value read as the column's type.
fn constant(v: &str, dt: &DataType, column: &str) -> StepResult<pl::Expr> {
    let bad = |what: &str| format!("“{v}” is not {what}, so it cannot fill '{column}'");
    Ok(match dt {
        DataType::String => lit(v.to_string()),
        d if d.is_integer() => match v.trim().parse::<i64>() {
            Ok(i) => lit(i).cast(d.clone()),
            Err(_) => return Err(bad("a whole number")),
        },
        d if d.is_primitive_numeric() => lit(text::parse_number(v).ok_or_else(|| bad("a number"))?),
        DataType::Boolean => lit(text::parse_bool(v).ok_or_else(|| bad("yes or no"))?),
        DataType::Date => {
            lit(crate::frame::parse_stored_date(v.trim())
                .ok_or_else(|| bad("a date (YYYY-MM-DD)"))?)
            .cast(DataType::Date)
        }
        DataType::Datetime(tu, tz) => lit(crate::frame::parse_stored_datetime(v.trim())
            .ok_or_else(|| bad("a date and time (YYYY-MM-DD HH:MM:SS)"))?)
        .cast(DataType::Datetime(TimeUnit::Microseconds, None))
        .cast(DataType::Datetime(*tu, tz.clone())),
        other => return Err(format!("'{column}' holds {other}, which cannot be filled")),
    })
}

/// The polars type a column type is held as.
pub fn polars_type(ty: ColumnType) -> DataType {
    match ty {
        ColumnType::Integer => DataType::Int64,
        ColumnType::Float => DataType::Float64,
        ColumnType::Boolean => DataType::Boolean,
        ColumnType::Date => DataType::Date,
        ColumnType::Datetime => DataType::Datetime(TimeUnit::Microseconds, None),
        ColumnType::Text => DataType::String,
    }
}

fn cast(
    schema: &Schema,
    column: &str,
    to: ColumnType,
    format: Option<&str>,
) -> StepResult<pl::Expr> {
    let from = dtype(schema, column)?.clone();
    let target = polars_type(to);
    let c = col(column);
    if from == target {
        return Ok(c);
    }
    if from == DataType::String {
        let format = format.map(str::to_string);
        return Ok(match to {
            ColumnType::Integer => map_text(column, target, |ca| {
                let v: Int64Chunked = ca
                    .iter()
                    .map(|s| {
                        s.and_then(text::parse_number)
                            .filter(|x| x.fract() == 0.0 && x.abs() < 9.0e18)
                            .map(|x| x as i64)
                    })
                    .collect();
                Ok(v.into_column())
            }),
            ColumnType::Float => map_text(column, target, |ca| {
                let v: Float64Chunked = ca.iter().map(|s| s.and_then(text::parse_number)).collect();
                Ok(v.into_column())
            }),
            ColumnType::Boolean => map_text(column, target, |ca| {
                let v: BooleanChunked = ca.iter().map(|s| s.and_then(text::parse_bool)).collect();
                Ok(v.into_column())
            }),
            ColumnType::Date | ColumnType::Datetime => map_text(column, target, move |ca| {
                let reader = DateReader::for_values(format.as_deref(), ca.iter().flatten());
                let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
                if to == ColumnType::Date {
                    let v: Int32Chunked = ca
                        .iter()
                        .map(|s| {
                            s.and_then(|s| reader.read(s))
                                .map(|d| (d.date() - epoch).num_days() as i32)
                        })
                        .collect();
                    Ok(v.into_column())
                } else {
                    let v: Int64Chunked = ca
                        .iter()
                        .map(|s| {
                            s.and_then(|s| reader.read(s))
                                .map(|d| d.and_utc().timestamp_micros())
                        })
                        .collect();
                    Ok(v.into_column())
                }
            }),
            ColumnType::Text => c,
        });
    }
    let numeric = from.is_primitive_numeric();
    Ok(match to {
        ColumnType::Text => match from {
            DataType::Datetime(..) => c.dt().to_string("%Y-%m-%d %H:%M:%S"),
            DataType::Date => c.dt().to_string("%Y-%m-%d"),
            _ => c.cast(DataType::String),
        },
        ColumnType::Integer if from.is_float() => {
            let x = c.clone();
            when(x.clone().eq(x.clone().round(0, RoundMode::HalfToEven)))
                .then(x.cast(DataType::Int64))
                .otherwise(lit(NULL).cast(DataType::Int64))
        }
        ColumnType::Integer | ColumnType::Float if numeric || from == DataType::Boolean => {
            c.cast(target)
        }
        ColumnType::Boolean if numeric => c.neq(lit(0)),
        ColumnType::Date | ColumnType::Datetime if from.is_temporal() => c.cast(target),
        _ => {
            return Err(format!(
                "'{column}' holds {from}, which cannot be converted to {}",
                to.as_str()
            ));
        }
    })
}
