//! Columns of a dataset's columnar copy read exactly as a SQLite reader reads them, for the
//! readers that give the same result from either ([`crate::recommend`]'s purchases, baskets and
//! item details).
//!
//! A column qualifies only when the copy marks it exact (every stored value of its type, in
//! its stored form) and its type makes the two reads agree for certain:
//! - as **text** (`CAST(c AS TEXT)`): text and integer columns; a float's text form is SQLite's
//!   own, so a float column does not qualify;
//! - as a **number** (`f64`): integer and float columns;
//! - as a **moment**: text, date and datetime columns (a date is held as its day, a datetime as
//!   microseconds; both are canonical, so equal stored texts are equal values and back).
//!
//! Otherwise the helpers say `None` and the caller reads SQLite.

use super::copy::Copy;
use crate::dataset::{ColumnInfo, ColumnType, DatasetInfo};
use polars::prelude::*;

/// Whether a column of this type can be read as text, a number or a moment (before the copy is
/// built: whether it holds the column exactly is known only then).
pub fn text_type(ty: ColumnType) -> bool {
    matches!(ty, ColumnType::Text | ColumnType::Integer)
}

pub fn number_type(ty: ColumnType) -> bool {
    matches!(ty, ColumnType::Integer | ColumnType::Float)
}

pub fn moment_type(ty: ColumnType) -> bool {
    matches!(
        ty,
        ColumnType::Text | ColumnType::Date | ColumnType::Datetime
    )
}

/// What the copy holds for a column, when it holds it exactly.
fn exact<'a>(copy: &Copy, c: &'a ColumnInfo, types: &[ColumnType]) -> Option<&'a str> {
    (types.contains(&c.ty)
        && copy
            .column(&c.name)
            .is_some_and(|m| m.exact && m.ty == c.ty))
    .then_some(c.name.as_str())
}

/// The column as text, named `alias` (a `String` column).
pub fn text(copy: &Copy, c: &ColumnInfo, alias: &str) -> Option<Expr> {
    let name = exact(copy, c, &[ColumnType::Text, ColumnType::Integer])?;
    Some(if c.ty == ColumnType::Text {
        col(name).alias(alias)
    } else {
        col(name).cast(DataType::String).alias(alias)
    })
}

/// The column as a number (`Float64`, not named: alias it, or combine it first).
pub fn number(copy: &Copy, c: &ColumnInfo) -> Option<Expr> {
    let name = exact(copy, c, &[ColumnType::Integer, ColumnType::Float])?;
    Some(col(name).cast(DataType::Float64))
}

/// How a moment column is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    /// Text, parsed as SQLite's text would be.
    Text,
    /// Days since 1970-01-01 (`Int32`).
    Date,
    /// Microseconds since 1970-01-01 00:00 (`Int64`).
    Datetime,
}

/// Microseconds in a day.
pub const DAY_US: i64 = 86_400_000_000;

impl Moment {
    /// The day of a value held as an integer (a date's day, a datetime's microseconds).
    pub fn day(self, v: i64) -> i32 {
        match self {
            Moment::Datetime => v.div_euclid(DAY_US) as i32,
            _ => v as i32,
        }
    }
}

/// The column as a moment, named `alias`: `String` for text, `Int32` for a date, `Int64` for a
/// datetime.
pub fn moment(copy: &Copy, c: &ColumnInfo, alias: &str) -> Option<(Expr, Moment)> {
    let name = exact(
        copy,
        c,
        &[ColumnType::Text, ColumnType::Date, ColumnType::Datetime],
    )?;
    Some(match c.ty {
        ColumnType::Text => (col(name).alias(alias), Moment::Text),
        ColumnType::Date => (col(name).cast(DataType::Int32).alias(alias), Moment::Date),
        _ => (
            col(name).cast(DataType::Int64).alias(alias),
            Moment::Datetime,
        ),
    })
}

/// A `--where` condition over the copy: `Some(None)` without one, `Some(Some(..))` when it
/// translates ([`super::sql_filter`]) over exact columns, `None` when only SQLite can apply it.
/// The columns it reads are added to `read`.
pub fn filter<'a>(
    copy: &Copy,
    info: &'a DatasetInfo,
    sql: Option<&str>,
    read: &mut Vec<&'a str>,
) -> Option<Option<Expr>> {
    let sql = match sql.map(str::trim) {
        None | Some("") => return Some(None),
        Some(s) => s,
    };
    let (e, cols) = super::sql_filter::translate(sql, info)?;
    for name in &cols {
        let c = info.column(name)?;
        if !copy
            .column(&c.name)
            .is_some_and(|m| m.exact && m.ty == c.ty)
        {
            return None;
        }
        if !read.contains(&c.name.as_str()) {
            read.push(c.name.as_str());
        }
    }
    Some(Some(e))
}

/// Adds the columns an expression built by these helpers reads to `read`.
pub fn reads<'a>(c: &'a ColumnInfo, read: &mut Vec<&'a str>) {
    if !read.contains(&c.name.as_str()) {
        read.push(c.name.as_str());
    }
}

/// Trimmed non-empty text, as the SQLite readers take a text value.
pub fn trimmed(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|s| !s.is_empty())
}

/// A text column of a selected frame, value by value; all missing when the frame lacks it.
pub type Texts<'a> = Box<dyn Iterator<Item = Option<&'a str>> + 'a>;
/// A `Float64` column of a selected frame, value by value; all missing when the frame lacks it.
pub type Numbers<'a> = Box<dyn Iterator<Item = Option<f64>> + 'a>;

pub fn texts<'a>(df: &'a DataFrame, name: &str) -> crate::Result<Texts<'a>> {
    Ok(match df.column(name).ok() {
        Some(c) => Box::new(c.str()?.iter()),
        None => Box::new(std::iter::repeat(None)),
    })
}

pub fn numbers<'a>(df: &'a DataFrame, name: &str) -> crate::Result<Numbers<'a>> {
    Ok(match df.column(name).ok() {
        Some(c) => Box::new(c.f64()?.iter()),
        None => Box::new(std::iter::repeat(None)),
    })
}
