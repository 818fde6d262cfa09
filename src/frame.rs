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

/// The digits of `b` as a number, if all are ASCII digits.
fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |n, c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

/// Days since 1970-01-01 of `YYYY-MM-DD` read straight from the bytes (the stored form), or
/// `None` when the text is not exactly that or not a real date. Chrono's format parser is the
/// fallback for anything else; this path is ten times faster and loads dominate chart times.
fn fast_days(b: &[u8]) -> Option<i64> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = (digits(&b[..4])?, digits(&b[5..7])?, digits(&b[8..10])?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let len = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if d == 0 || d > len {
        return None;
    }
    Some(crate::calendar::days_from_civil(
        i64::from(y),
        i64::from(m),
        i64::from(d),
    ))
}

/// Microseconds of `YYYY-MM-DD HH:MM:SS` read straight from the bytes; `None` otherwise.
fn fast_micros(b: &[u8]) -> Option<i64> {
    if b.len() != 19 || b[10] != b' ' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let days = fast_days(&b[..10])?;
    let (h, mi, s) = (
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
    );
    if h > 23 || mi > 59 || s > 59 {
        return None;
    }
    let secs = days * 86_400 + i64::from(h * 3600 + mi * 60 + s);
    Some(secs * 1_000_000)
}

/// Days since 1970-01-01 of a stored date (`YYYY-MM-DD`, or the date part of a datetime).
pub fn parse_stored_date(s: &str) -> Option<i32> {
    if let Some(d) = s.as_bytes().get(..10).and_then(fast_days) {
        return Some(d as i32);
    }
    let d = NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()?;
    Some((d - epoch()).num_days() as i32)
}

/// Microseconds since 1970-01-01 00:00 of a stored datetime (`YYYY-MM-DD HH:MM:SS[.f]`).
pub fn parse_stored_datetime(s: &str) -> Option<i64> {
    if let Some(us) = fast_micros(s.as_bytes()) {
        return Some(us);
    }
    let dt = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f")
        .or_else(|_| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").map(|d| d.and_time(chrono::NaiveTime::MIN))
        })
        .ok()?;
    Some(dt.and_utc().timestamp_micros())
}

/// Loads a dataset (all columns, or the named ones) into a DataFrame with the catalog's types.
/// Values the import kept as written because they did not fit the column's type are missing.
pub fn load_frame(
    conn: &Connection,
    info: &DatasetInfo,
    only: Option<&[&str]>,
) -> Result<DataFrame> {
    load(conn, info, only, false)
}

/// Loads a whole dataset for cleaning: a column holding values that do not fit its type is
/// loaded as text, so that nothing is lost and a cast step can report those values.
pub fn load_frame_keeping_invalid(conn: &Connection, info: &DatasetInfo) -> Result<DataFrame> {
    load(conn, info, None, true)
}

fn load(
    conn: &Connection,
    info: &DatasetInfo,
    only: Option<&[&str]>,
    keep_invalid: bool,
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
    Ok(build(conn, &sql, &typed, info.rows as usize, keep_invalid)?.0)
}

/// Runs `sql` and builds a DataFrame whose columns have the given names and types.
pub fn frame_from_query(
    conn: &Connection,
    sql: &str,
    cols: &[(String, ColumnType)],
    capacity: usize,
) -> Result<DataFrame> {
    Ok(build(conn, sql, cols, capacity, false)?.0)
}

/// As [`frame_from_query`], and for each column whether every value it read is stored exactly
/// as its type says, in the stored form the type names ([`is_exact`]): then the typed column
/// reproduces what SQL reading the values as text or numbers would see.
pub(crate) fn frame_from_query_checked(
    conn: &Connection,
    sql: &str,
    cols: &[(String, ColumnType)],
    capacity: usize,
) -> Result<(DataFrame, Vec<bool>)> {
    build(conn, sql, cols, capacity, false)
}

/// Whether a stored value is exactly of type `ty` in its stored form, which is then the one
/// form of its value (two stored values are equal exactly when their typed values are): an
/// integer (integer columns), 0 or 1 (boolean), a number (float), valid UTF-8 text (text),
/// `YYYY-MM-DD` (date) or `YYYY-MM-DD HH:MM:SS` with the import's fraction when there is one,
/// `.mmm` or `.uuuuuu` (datetime; see [`crate::import`]). Missing values are exact.
pub(crate) fn is_exact(ty: ColumnType, v: ValueRef<'_>) -> bool {
    match (ty, v) {
        (_, ValueRef::Null) => true,
        (ColumnType::Integer, ValueRef::Integer(_)) => true,
        (ColumnType::Boolean, ValueRef::Integer(i)) => i == 0 || i == 1,
        (ColumnType::Float, ValueRef::Integer(_) | ValueRef::Real(_)) => true,
        (ColumnType::Text, ValueRef::Text(t)) => std::str::from_utf8(t).is_ok(),
        (ColumnType::Date, ValueRef::Text(t)) => t.len() == 10 && fast_days(t).is_some(),
        (ColumnType::Datetime, ValueRef::Text(t)) => {
            fast_micros(t).is_some() || canonical_fraction(t)
        }
        _ => false,
    }
}

/// `YYYY-MM-DD HH:MM:SS` and a fraction as the import writes it: milliseconds as `.mmm`, other
/// microseconds as `.uuuuuu`, never a fraction of zeros only (nor nanoseconds, which a typed
/// datetime does not hold).
fn canonical_fraction(t: &[u8]) -> bool {
    if t.len() <= 20 || t[19] != b'.' || fast_micros(&t[..19]).is_none() {
        return false;
    }
    let frac = &t[20..];
    if !frac.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let Some(us) = std::str::from_utf8(frac)
        .ok()
        .and_then(|f| f.parse::<u32>().ok())
    else {
        return false;
    };
    match frac.len() {
        3 => us != 0,
        6 => us % 1000 != 0,
        _ => false,
    }
}

/// A cell as text (for a column that falls back to text, and for item names).
pub(crate) fn cell_text(v: ValueRef<'_>) -> Option<String> {
    match v {
        ValueRef::Null | ValueRef::Blob(_) => None,
        ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Real(f) => Some(crate::query::format_real(f)),
    }
}

fn build(
    conn: &Connection,
    sql: &str,
    cols: &[(String, ColumnType)],
    capacity: usize,
    keep_invalid: bool,
) -> Result<(DataFrame, Vec<bool>)> {
    let n = capacity;
    let mut exact = vec![true; cols.len()];
    // Columns that met a value of another type; with keep_invalid they are re-read as text.
    let mut fallback: Vec<Option<Vec<Option<String>>>> = vec![None; cols.len()];
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
    let mut r = 0usize;
    while let Some(row) = rows.next()? {
        for (j, b) in bufs.iter_mut().enumerate() {
            let v = row.get_ref(j)?;
            if exact[j] && !is_exact(cols[j].1, v) {
                exact[j] = false;
            }
            if keep_invalid {
                if let Some(text) = fallback[j].as_mut() {
                    text.push(cell_text(v));
                    continue;
                }
                let fits = match (&*b, v) {
                    (_, ValueRef::Null) | (Buf::Text(_), _) => true,
                    (Buf::Int(_) | Buf::Bool(_), ValueRef::Integer(_)) => true,
                    (Buf::Int(_), ValueRef::Real(f)) => f.fract() == 0.0,
                    (Buf::Float(_), ValueRef::Integer(_) | ValueRef::Real(_)) => true,
                    (Buf::Date(_), ValueRef::Text(t)) => std::str::from_utf8(t)
                        .ok()
                        .and_then(parse_stored_date)
                        .is_some(),
                    (Buf::Datetime(_), ValueRef::Text(t)) => std::str::from_utf8(t)
                        .ok()
                        .and_then(parse_stored_datetime)
                        .is_some(),
                    _ => false,
                };
                if !fits {
                    // Re-read the rows so far as text: they come from the same column.
                    let mut text = Vec::with_capacity(n);
                    text.extend(buf_text(b, r));
                    text.push(cell_text(v));
                    fallback[j] = Some(text);
                    continue;
                }
            }
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
        r += 1;
    }
    let mut columns = Vec::with_capacity(cols.len());
    for (((col_name, _), b), text) in cols.iter().zip(bufs).zip(fallback) {
        let name: PlSmallStr = col_name.as_str().into();
        if let Some(text) = text {
            columns.push(Column::new(name, text));
            continue;
        }
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
    Ok((DataFrame::new(height, columns)?, exact))
}

/// The first `rows` values of a buffer, as text.
fn buf_text(b: &Buf, rows: usize) -> Vec<Option<String>> {
    let days = |d: i32| epoch() + chrono::Duration::days(d as i64);
    (0..rows)
        .map(|i| match b {
            Buf::Int(x) => x[i].map(|v| v.to_string()),
            Buf::Float(x) => x[i].map(crate::query::format_real),
            Buf::Bool(x) => x[i].map(|v| if v { "1".into() } else { "0".into() }),
            Buf::Text(x) => x[i].clone(),
            Buf::Date(x) => x[i].map(|d| days(d).format("%Y-%m-%d").to_string()),
            Buf::Datetime(x) => x[i].and_then(|us| {
                chrono::DateTime::from_timestamp_micros(us).map(|t| {
                    let mut s = String::new();
                    crate::import::temporal::format_datetime(t.naive_utc(), &mut s);
                    s
                })
            }),
        })
        .collect()
}

/// How a polars column is stored in SQLite.
enum Out<'a> {
    Int(&'a Int64Chunked),
    Float(&'a Float64Chunked),
    Bool(&'a BooleanChunked),
    Text(&'a StringChunked),
    Date(&'a Int32Chunked),
    Datetime(&'a Int64Chunked),
}

/// The column type a polars type is stored as, and the polars type it is read from.
fn storage(dt: &DataType) -> (ColumnType, DataType) {
    match dt {
        DataType::Boolean => (ColumnType::Boolean, DataType::Boolean),
        DataType::Date => (ColumnType::Date, DataType::Int32),
        DataType::Datetime(..) => (ColumnType::Datetime, DataType::Int64),
        d if d.is_integer() => (ColumnType::Integer, DataType::Int64),
        d if d.is_float() => (ColumnType::Float, DataType::Float64),
        _ => (ColumnType::Text, DataType::String),
    }
}

/// Creates `table` and writes the frame into it; returns each column's stored type.
/// Runs on the caller's connection, so a caller's transaction makes it all-or-nothing.
pub fn write_frame(
    conn: &Connection,
    table: &str,
    df: &DataFrame,
    rep: &crate::progress::Reporter,
) -> Result<Vec<(String, ColumnType)>> {
    use crate::import::writer::{Batch, Cell, TableWriter, create_table};
    let mut typed = Vec::with_capacity(df.width());
    let mut physical: Vec<Series> = Vec::with_capacity(df.width());
    for c in df.columns() {
        let (ty, phys) = storage(c.dtype());
        let s = match ty {
            // Datetimes in microseconds, whatever unit they came in.
            ColumnType::Datetime => c
                .cast(&DataType::Datetime(TimeUnit::Microseconds, None))?
                .cast(&phys)?,
            _ => c.cast(&phys)?,
        };
        physical.push(s.as_materialized_series().rechunk());
        typed.push((c.name().to_string(), ty));
    }
    let outs: Vec<Out<'_>> = physical
        .iter()
        .zip(&typed)
        .map(|(s, (_, ty))| {
            Ok(match ty {
                ColumnType::Integer => Out::Int(s.i64()?),
                ColumnType::Float => Out::Float(s.f64()?),
                ColumnType::Boolean => Out::Bool(s.bool()?),
                ColumnType::Text => Out::Text(s.str()?),
                ColumnType::Date => Out::Date(s.i32()?),
                ColumnType::Datetime => Out::Datetime(s.i64()?),
            })
        })
        .collect::<Result<_>>()?;
    create_table(conn, table, &typed)?;
    let mut w = TableWriter::new(conn, table, typed.len())?;
    let height = df.height();
    const CHUNK: usize = 8192;
    let mut stamp = String::with_capacity(32);
    let mut start = 0;
    while start < height {
        rep.check()?;
        let end = (start + CHUNK).min(height);
        let mut batch = Batch::with_capacity(end - start, typed.len());
        for i in start..end {
            for o in &outs {
                let cell = match o {
                    Out::Int(ca) => ca.get(i).map_or(Cell::Null, Cell::Int),
                    Out::Float(ca) => ca.get(i).map_or(Cell::Null, Cell::Real),
                    Out::Bool(ca) => ca.get(i).map_or(Cell::Null, |b| Cell::Int(b as i64)),
                    Out::Text(ca) => match ca.get(i) {
                        Some(t) => {
                            batch.push_text(t);
                            continue;
                        }
                        None => Cell::Null,
                    },
                    Out::Date(ca) => match ca.get(i) {
                        Some(d) => {
                            stamp.clear();
                            let day = epoch() + chrono::Duration::days(d as i64);
                            crate::import::temporal::format_date(
                                day.and_time(chrono::NaiveTime::MIN),
                                &mut stamp,
                            );
                            batch.push_text(&stamp);
                            continue;
                        }
                        None => Cell::Null,
                    },
                    Out::Datetime(ca) => {
                        match ca.get(i).and_then(chrono::DateTime::from_timestamp_micros) {
                            Some(t) => {
                                stamp.clear();
                                crate::import::temporal::format_datetime(t.naive_utc(), &mut stamp);
                                batch.push_text(&stamp);
                                continue;
                            }
                            None => Cell::Null,
                        }
                    }
                };
                batch.cells.push(cell);
            }
        }
        batch.rows = end - start;
        w.write(&batch)?;
        rep.report(
            crate::progress::Stage::Saving,
            end as u64,
            Some(height as u64),
            crate::progress::Unit::Rows,
            end as u64,
            false,
        );
        start = end;
    }
    Ok(typed)
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

    #[test]
    fn the_fast_path_agrees_with_chrono() {
        let slow_date = |s: &str| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .map(|d| (d - epoch()).num_days())
        };
        let slow_dt = |s: &str| {
            NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
                .ok()
                .map(|d| d.and_utc().timestamp_micros())
        };
        let mut d = NaiveDate::from_ymd_opt(1600, 1, 1).unwrap();
        while d < NaiveDate::from_ymd_opt(2400, 3, 1).unwrap() {
            let t = d.format("%Y-%m-%d").to_string();
            assert_eq!(fast_days(t.as_bytes()), slow_date(&t), "{t}");
            d += chrono::Duration::days(13);
        }
        for t in [
            "2011-02-29",
            "2012-02-29",
            "1900-02-29",
            "2000-02-29",
            "2011-13-01",
            "2011-00-10",
            "2011-04-31",
            "2011-04-00",
            "20a1-01-01",
        ] {
            // Where the fast path declines, chrono decides.
            let fast = fast_days(t.as_bytes());
            assert!(fast.is_none() || fast == slow_date(t), "{t}");
            assert_eq!(parse_stored_date(t).map(i64::from), slow_date(t), "{t}");
        }
        for t in [
            "2010-12-01 08:26:00",
            "1969-12-31 23:59:59",
            "2011-12-09 12:50:00",
            "2011-12-09 24:00:00",
            "2011-12-09 12:60:00",
            "2011-12-09T12:50:00",
            "2011-02-29 10:00:00",
        ] {
            assert_eq!(fast_micros(t.as_bytes()), slow_dt(t), "{t}");
        }
        assert_eq!(
            parse_stored_datetime("2011-12-09 12:50:00.25"),
            slow_dt("2011-12-09 12:50:00").map(|u| u + 250_000)
        );
    }
}

#[cfg(test)]
mod exactness {
    use super::*;

    #[test]
    fn one_stored_form_per_value() {
        let text = |s: &'static str| ValueRef::Text(s.as_bytes());
        let dt = ColumnType::Datetime;
        assert!(is_exact(dt, text("2024-01-01 10:00:00")));
        assert!(is_exact(dt, text("2024-01-01 10:00:00.500")));
        assert!(is_exact(dt, text("2024-01-01 10:00:00.000001")));
        // Other forms of those values, and values a typed datetime cannot hold.
        assert!(!is_exact(dt, text("2024-01-01 10:00:00.000")));
        assert!(!is_exact(dt, text("2024-01-01 10:00:00.5")));
        assert!(!is_exact(dt, text("2024-01-01 10:00:00.500000")));
        assert!(!is_exact(dt, text("2024-01-01 10:00:00.000000001")));
        assert!(!is_exact(dt, text("2024-01-01 10:00:00.5x0")));
        assert!(!is_exact(dt, text("2024-01-01T10:00:00")));
        let b = ColumnType::Boolean;
        assert!(is_exact(b, ValueRef::Integer(0)) && is_exact(b, ValueRef::Integer(1)));
        assert!(!is_exact(b, ValueRef::Integer(2)));
        assert!(is_exact(ColumnType::Integer, ValueRef::Integer(2)));
        assert!(is_exact(ColumnType::Date, text("2024-02-29")));
        assert!(!is_exact(ColumnType::Date, text("2023-02-29")));
    }
}
