//! The customer scan read from the dataset's columnar copy ([`crate::kept::copy`]) instead of
//! the SQLite rows: only the columns the roles name are decoded, the row filter runs in polars
//! when it is one [`crate::kept::sql_filter`] translates, and the copy's chunks are decoded and
//! grouped by customer on every core, one chunk at a time per core (the rows of the other chunks
//! are not in memory meanwhile), then joined in row order as [`super::scan_parts`] joins parts. The result is
//! the one the SQLite scan gives, numbering included.
//!
//! The copy is used only when what the SQLite scan reads can be told from it for certain: every
//! column read is exact in the copy (each value stored as its type says), the texts (customer,
//! order, item, item id, category, channel) are text or integer columns (read as the text SQLite
//! would give), the numbers are integer or float columns, and the timestamp is a date, datetime
//! or text column. Otherwise, and without a copy, `None`: the caller scans SQLite.

use super::scan::{IdRange, Interner, NO_HOUR, Part, PartStart, RawLine, Scan, day_of};
use super::scan_parts::append;
use crate::Result;
use crate::dataset::{ColumnInfo, ColumnType, DatasetInfo, Role};
use crate::kept::copy::{self, Copy};
use crate::kept::exact::{numbers, texts};
use crate::progress::Reporter;
use crate::store::{Project, quote_ident};
use polars::prelude::*;

use super::columns::TransactionColumns;
use super::scan::ScanOptions;

const DAY_US: i64 = 86_400_000_000;
const HOUR_US: i64 = 3_600_000_000;

/// How the timestamp is read.
#[derive(Clone, Copy, PartialEq)]
enum Time {
    Text,
    Date,
    Datetime,
}

/// What to read, by role, when the copy can answer.
struct Plan<'a> {
    columns: Vec<&'a str>,
    select: Vec<Expr>,
    time: Time,
    filter: Option<Expr>,
}

fn plan<'a>(
    info: &'a DatasetInfo,
    cols: &TransactionColumns,
    opts: &ScanOptions,
    copy: &Copy,
) -> Option<Plan<'a>> {
    let by = |r: Role| info.column_with_role(r);
    let mut columns: Vec<&'a str> = Vec::new();
    let exact = |c: &ColumnInfo| {
        copy.column(&c.name)
            .is_some_and(|m| m.exact && m.ty == c.ty)
    };
    let mut use_col = |c: &'a ColumnInfo, ok: &[ColumnType]| -> Option<&'a str> {
        if !ok.contains(&c.ty) || !exact(c) {
            return None;
        }
        if !columns.contains(&c.name.as_str()) {
            columns.push(c.name.as_str());
        }
        Some(c.name.as_str())
    };
    const TEXTS: [ColumnType; 2] = [ColumnType::Text, ColumnType::Integer];
    const NUMBERS: [ColumnType; 2] = [ColumnType::Integer, ColumnType::Float];
    let text = |name: &str, ty: ColumnType, alias: &str| {
        let e = col(name);
        if ty == ColumnType::Text {
            e.alias(alias)
        } else {
            e.cast(DataType::String).alias(alias)
        }
    };
    let mut select = Vec::new();
    // The customer, timestamp and order, as the SQLite scan names them.
    let customer = by(Role::CustomerId)?;
    let timestamp = by(Role::Timestamp)?;
    let order = by(Role::OrderId)?;
    if cols.customer != quote_ident(&customer.name)
        || cols.timestamp != quote_ident(&timestamp.name)
        || cols.order.as_deref() != Some(quote_ident(&order.name).as_str())
    {
        return None;
    }
    select.push(text(use_col(customer, &TEXTS)?, customer.ty, "c"));
    let time = match timestamp.ty {
        ColumnType::Text => Time::Text,
        ColumnType::Date => Time::Date,
        ColumnType::Datetime => Time::Datetime,
        _ => return None,
    };
    let t = use_col(
        timestamp,
        &[ColumnType::Text, ColumnType::Date, ColumnType::Datetime],
    )?;
    select.push(match time {
        Time::Text => col(t).alias("t"),
        Time::Date => col(t).cast(DataType::Int32).alias("t"),
        Time::Datetime => col(t).cast(DataType::Int64).alias("t"),
    });
    select.push(text(use_col(order, &TEXTS)?, order.ty, "o"));
    // The amount: its column, or quantity × unit price.
    let num = |name: &str| col(name).cast(DataType::Float64);
    let amount = match (by(Role::Amount), by(Role::Quantity), by(Role::UnitPrice)) {
        (Some(a), _, _) => {
            if cols.amount.as_deref() != Some(quote_ident(&a.name).as_str()) {
                return None;
            }
            Some(num(use_col(a, &NUMBERS)?))
        }
        (None, Some(q), Some(p)) => {
            let sql = format!("{} * {}", quote_ident(&q.name), quote_ident(&p.name));
            if cols.amount.as_deref() != Some(sql.as_str()) {
                return None;
            }
            Some(num(use_col(q, &NUMBERS)?) * num(use_col(p, &NUMBERS)?))
        }
        _ => {
            if cols.amount.is_some() {
                return None;
            }
            None
        }
    };
    if let Some(a) = amount {
        select.push(a.alias("a"));
    }
    let optional = |role: Role, quoted: &Option<String>| -> Option<Option<&'a ColumnInfo>> {
        let c = by(role);
        let same = match (c, quoted) {
            (Some(c), Some(q)) => *q == quote_ident(&c.name),
            (None, None) => true,
            _ => false,
        };
        same.then_some(c)
    };
    if let Some(q) = optional(Role::Quantity, &cols.quantity)? {
        select.push(num(use_col(q, &NUMBERS)?).alias("q"));
    }
    let item_role = if by(Role::ItemName).is_some() {
        Role::ItemName
    } else {
        Role::ItemId
    };
    for (role, quoted, alias) in [
        (item_role, &cols.item, "i"),
        (Role::ItemId, &cols.item_id, "d"),
        (Role::Category, &cols.category, "g"),
        (Role::Channel, &cols.channel, "h"),
    ] {
        if let Some(c) = optional(role, quoted)? {
            select.push(text(use_col(c, &TEXTS)?, c.ty, alias));
        }
    }
    let filter = match opts.filter.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(sql) => {
            let (e, cols) = crate::kept::sql_filter::translate(sql, info)?;
            for name in &cols {
                let c = info.column(name)?;
                if !exact(c) {
                    return None;
                }
                if !columns.contains(&c.name.as_str()) {
                    columns.push(c.name.as_str());
                }
            }
            Some(e)
        }
    };
    Some(Plan {
        columns,
        select,
        time,
        filter,
    })
}

/// The scan from the copy, or `None` when the copy cannot answer for certain.
pub(super) fn scan(
    project: &Project,
    info: &DatasetInfo,
    cols: &TransactionColumns,
    opts: &ScanOptions,
    start: &PartStart<'_>,
) -> Result<Option<Scan>> {
    let rep = Reporter::silent();
    let Some(copy) = copy::ensure(project, info, &rep)? else {
        return Ok(None);
    };
    let Some(plan) = plan(info, cols, opts, &copy) else {
        return Ok(None);
    };
    // Chunk by chunk on every core: each is decoded, filtered and grouped by customer, and
    // dropped before the next; a few chunks at a time, joined in row order as soon as they are
    // done, so the lines are held about once (not once in the parts and again in the join).
    let chunks = copy.chunks(project, &plan.columns)?;
    let mut joined: Option<Part> = None;
    chunks.in_order(
        |_, chunk| {
            let mut lf = chunk.lazy();
            if let Some(f) = &plan.filter {
                lf = lf.filter(f.clone());
            }
            let df = lf.select(plan.select.clone()).collect()?;
            scan_slice(&df, plan.time, start, opts.ids.as_ref())
        },
        |_, part| {
            match joined.as_mut() {
                Some(j) => append(j, part),
                None => joined = Some(part),
            }
            Ok(())
        },
    )?;
    let joined = match joined {
        Some(j) => j,
        None => {
            let df = chunks.empty()?.lazy().select(plan.select).collect()?;
            scan_slice(&df, plan.time, start, opts.ids.as_ref())?
        }
    };
    Ok(Some(joined.scan))
}

/// Non-empty text, as the SQLite scan reads it.
fn some(v: Option<&str>) -> Option<&[u8]> {
    v.filter(|s| !s.is_empty()).map(str::as_bytes)
}

/// The lines of one slice of the selected frame, as [`super::scan::scan_part`] reads rows.
/// With `range`, only the lines of the customers in that range.
fn scan_slice(
    df: &DataFrame,
    time: Time,
    start: &PartStart<'_>,
    range: Option<&IdRange>,
) -> Result<Part> {
    let count_skipped = range.is_none_or(|r| r.count_skipped);
    let mut out = Scan {
        has_quantity: start.has_quantity,
        has_time: start.has_time,
        categories: start.categories.clone(),
        ..Scan::default()
    };
    let mut customers = Interner::default();
    let mut ids = texts(df, "c")?;
    let mut orders = texts(df, "o")?;
    let mut amounts = numbers(df, "a")?;
    let mut quantities = numbers(df, "q")?;
    let mut items = texts(df, "i")?;
    let mut item_ids = texts(df, "d")?;
    let mut categories = texts(df, "g")?;
    let mut channels = texts(df, "h")?;
    let t = df.column("t")?;
    // Day and hour of each row; `None` for a row the SQLite scan skips for its timestamp.
    let mut times: Box<dyn Iterator<Item = Option<(i32, u8)>> + '_> = match time {
        Time::Text => Box::new(t.str()?.iter().map(|v| {
            let b = some(v)?;
            Some((day_of(b)?, NO_HOUR))
        })),
        Time::Date => Box::new(t.i32()?.iter().map(|v| v.map(|d| (d, NO_HOUR)))),
        Time::Datetime => Box::new(t.i64()?.iter().map(|v| {
            v.map(|us| {
                let day = us.div_euclid(DAY_US);
                let hour = (us.rem_euclid(DAY_US) / HOUR_US) as u8;
                (day as i32, hour)
            })
        })),
    };
    for _ in 0..df.height() {
        let (id, ts) = (ids.next().flatten(), times.next().flatten());
        let (order, amount, quantity) = (
            orders.next().flatten(),
            amounts.next().flatten(),
            quantities.next().flatten(),
        );
        let (item, item_id, category, channel) = (
            items.next().flatten(),
            item_ids.next().flatten(),
            categories.next().flatten(),
            channels.next().flatten(),
        );
        let (Some(id), Some((day, hour))) = (some(id), ts) else {
            out.skipped_rows += u64::from(count_skipped);
            continue;
        };
        if id.iter().all(u8::is_ascii_whitespace) {
            out.skipped_rows += u64::from(count_skipped);
            continue;
        }
        if range.is_some_and(|r| !r.holds(id)) {
            continue;
        }
        if start.before_day.is_some_and(|l| day >= l) {
            continue;
        }
        let row = RawLine {
            order: order.map_or(b"", str::as_bytes),
            amount,
            quantity,
            item: some(item),
            item_id: some(item_id),
            category: some(category),
            channel: some(channel),
        };
        out.push_line(&mut customers, start, id, day, hour, row);
    }
    Ok(Part {
        scan: out,
        customers,
    })
}

/// How many rows of the copy each customer id has (every row, before the filter), as the scan
/// reads the ids; `None` when the copy holds at most `more_than` rows or cannot answer `opts`.
pub(super) fn rows_per_customer(
    project: &Project,
    info: &DatasetInfo,
    cols: &TransactionColumns,
    opts: &ScanOptions,
    more_than: u64,
) -> Result<Option<Vec<(String, u64)>>> {
    let rep = Reporter::silent();
    let Some(copy) = copy::ensure(project, info, &rep)? else {
        return Ok(None);
    };
    if copy.rows() <= more_than || plan(info, cols, opts, &copy).is_none() {
        return Ok(None);
    }
    let Some(customer) = info.column_with_role(Role::CustomerId) else {
        return Ok(None);
    };
    let chunks = copy.chunks(project, &[customer.name.as_str()])?;
    let counts = std::sync::Mutex::new(PlHashMap::<String, u64>::default());
    chunks.map_each(|_, df| {
        let c = df.column(&customer.name)?.cast(&DataType::String)?;
        let mut local = PlHashMap::<&str, u64>::default();
        for id in c.str()?.iter().flatten() {
            *local.entry(id).or_insert(0) += 1;
        }
        let mut all = counts
            .lock()
            .map_err(|_| crate::Error::InvalidArgument("counting customers failed".into()))?;
        for (id, n) in local {
            match all.get_mut(id) {
                Some(m) => *m += n,
                None => {
                    all.insert(id.to_string(), n);
                }
            }
        }
        Ok(())
    })?;
    let counts = counts
        .into_inner()
        .map_err(|_| crate::Error::InvalidArgument("counting customers failed".into()))?;
    Ok(Some(counts.into_iter().collect()))
}
