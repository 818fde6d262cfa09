//! Datasets as polars DataFrames, typed from the catalog: the bridge between the project store and
//! the analytics engine.

use crate::dataset::{ColumnType, DatasetInfo};
use crate::error::{Error, Result};
use crate::store::quote_ident;
use chrono::{NaiveDate, NaiveDateTime};
use polars::prelude::*;
use rusqlite::Connection;
use rusqlite::types::ValueRef;

enum Buf {
    Int(Vec<Option<i64>>),
    Float(Vec<Option<f64>>),
    Bool(Vec<Option<bool>>),
    Text(Vec<Option<String>>),
    Date(Vec<Option<i32>>),
    Datetime(Vec<Option<i64>>),
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

/// Days since 1970-01-01 of a stored date (`YYYY-MM-DD`, or the date part of a datetime).
pub fn parse_stored_date(s: &str) -> Option<i32> {
    let d = NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()?;
    Some((d - epoch()).num_days() as i32)
}

/// Microseconds since 1970-01-01 00:00 of a stored datetime (`YYYY-MM-DD HH:MM:SS[.f]`).
pub fn parse_stored_datetime(s: &str) -> Option<i64> {
    let dt = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f")
        .or_else(|_| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").map(|d| d.and_time(chrono::NaiveTime::MIN))
        })
        .ok()?;
    Some(dt.and_utc().timestamp_micros())
}

/// Loads a dataset (all columns, or the named ones) into a DataFrame with the catalog's types.
pub fn load_frame(
    conn: &Connection,
    info: &DatasetInfo,
    only: Option<&[&str]>,
) -> Result<DataFrame> {
    let cols: Vec<&crate::dataset::ColumnInfo> = match only {
        None => info.columns.iter().collect(),
        Some(names) => names
            .iter()
            .map(|n| {
                info.column(n).ok_or_else(|| {
                    Error::InvalidArgument(format!("dataset '{}' has no column '{n}'", info.name))
                })
            })
            .collect::<Result<_>>()?,
    };
    let sql = format!(
        "SELECT {} FROM {} ORDER BY rowid",
        cols.iter()
            .map(|c| quote_ident(&c.name))
            .collect::<Vec<_>>()
            .join(", "),
        quote_ident(&info.name)
    );
    let typed: Vec<(String, ColumnType)> = cols.iter().map(|c| (c.name.clone(), c.ty)).collect();
    frame_from_query(conn, &sql, &typed, info.rows as usize)
}

/// Runs `sql` and builds a DataFrame whose columns have the given names and types.
pub fn frame_from_query(
    conn: &Connection,
    sql: &str,
    cols: &[(String, ColumnType)],
    capacity: usize,
) -> Result<DataFrame> {
    let n = capacity;
    let mut bufs: Vec<Buf> = cols
        .iter()
        .map(|(_, ty)| match ty {
            ColumnType::Integer => Buf::Int(Vec::with_capacity(n)),
            ColumnType::Float => Buf::Float(Vec::with_capacity(n)),
            ColumnType::Boolean => Buf::Bool(Vec::with_capacity(n)),
            ColumnType::Text => Buf::Text(Vec::with_capacity(n)),
            ColumnType::Date => Buf::Date(Vec::with_capacity(n)),
            ColumnType::Datetime => Buf::Datetime(Vec::with_capacity(n)),
        })
        .collect();
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        for (j, b) in bufs.iter_mut().enumerate() {
            let v = row.get_ref(j)?;
            match b {
                Buf::Int(x) => x.push(match v {
                    ValueRef::Integer(i) => Some(i),
                    ValueRef::Real(f) if f.fract() == 0.0 => Some(f as i64),
                    _ => None,
                }),
                Buf::Float(x) => x.push(match v {
                    ValueRef::Integer(i) => Some(i as f64),
                    ValueRef::Real(f) => Some(f),
                    _ => None,
                }),
                Buf::Bool(x) => x.push(match v {
                    ValueRef::Integer(i) => Some(i != 0),
                    _ => None,
                }),
                Buf::Text(x) => x.push(match v {
                    ValueRef::Null => None,
                    ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Integer(i) => Some(i.to_string()),
                    ValueRef::Real(f) => Some(f.to_string()),
                    ValueRef::Blob(_) => None,
                }),
                Buf::Date(x) => x.push(match v {
                    ValueRef::Text(t) => std::str::from_utf8(t).ok().and_then(parse_stored_date),
                    _ => None,
                }),
                Buf::Datetime(x) => x.push(match v {
                    ValueRef::Text(t) => {
                        std::str::from_utf8(t).ok().and_then(parse_stored_datetime)
                    }
                    _ => None,
                }),
            }
        }
    }
    let mut columns = Vec::with_capacity(cols.len());
    for ((col_name, _), b) in cols.iter().zip(bufs) {
        let name: PlSmallStr = col_name.as_str().into();
        let col = match b {
            Buf::Int(v) => Column::new(name, v),
            Buf::Float(v) => Column::new(name, v),
            Buf::Bool(v) => Column::new(name, v),
            Buf::Text(v) => Column::new(name, v),
            Buf::Date(v) => Column::new(name, v).cast(&DataType::Date)?,
            Buf::Datetime(v) => {
                Column::new(name, v).cast(&DataType::Datetime(TimeUnit::Microseconds, None))?
            }
        };
        columns.push(col);
    }
    let height = columns.first().map_or(0, |c| c.len());
    Ok(DataFrame::new(height, columns)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_dates() {
        assert_eq!(parse_stored_date("1970-01-02"), Some(1));
        assert_eq!(
            parse_stored_datetime("1970-01-01 00:00:01"),
            Some(1_000_000)
        );
        assert_eq!(
            parse_stored_datetime("1970-01-01 00:00:01.5"),
            Some(1_500_000)
        );
        assert_eq!(parse_stored_datetime("1970-01-02"), Some(86_400_000_000));
        assert_eq!(parse_stored_date("x"), None);
    }
}
