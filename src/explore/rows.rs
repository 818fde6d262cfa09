//! Rows the ready-made analyses read, found by the dataset's column roles and loaded through
//! polars (so the filter is the expression language's): transactions for cohorts, repeat
//! purchases and Pareto; events for funnels. The columns come from the dataset's columnar copy
//! ([`crate::kept::copy::load`]).

use crate::dataset::{DatasetInfo, Role};
use crate::expr;
use crate::store::Project;
use crate::{Error, Result};
use polars::prelude::{self as pl, DataType, IntoLazy, TimeUnit};

/// One transaction line.
#[derive(Debug, Clone, PartialEq)]
pub struct Txn {
    pub customer: String,
    /// Microseconds since 1970-01-01.
    pub micros: i64,
    /// The order id; without one, each distinct (customer, time) is an order.
    pub order: Option<String>,
    pub amount: f64,
    /// The value of an extra column asked for (e.g. the item), as text.
    pub item: Option<String>,
}

/// One event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub user: String,
    pub micros: i64,
    pub event: String,
    /// The value of the split column, as text.
    pub by: Option<String>,
}

pub(crate) fn role_column(info: &DatasetInfo, role: Role) -> Result<String> {
    info.column_with_role(role)
        .map(|c| c.name.clone())
        .ok_or_else(|| crate::customers::columns::missing_role(&info.name, role))
}

pub(crate) fn column(info: &DatasetInfo, name: &str) -> Result<String> {
    info.column(name)
        .map(|c| c.name.clone())
        .ok_or_else(|| super::spec::no_column(info, name))
}

/// Loads `cols`, applies the filter and evaluates `exprs` (named) over the remaining rows.
pub(crate) fn evaluate(
    project: &Project,
    info: &DatasetInfo,
    cols: &[String],
    filter: Option<&str>,
    exprs: Vec<pl::Expr>,
) -> Result<pl::DataFrame> {
    let mut need: Vec<String> = cols.to_vec();
    let parsed = match filter.filter(|f| !f.trim().is_empty()) {
        Some(f) => {
            let e = expr::parse(f)?;
            for c in e.columns() {
                let c = column(info, c)?;
                if !need.contains(&c) {
                    need.push(c);
                }
            }
            Some(e)
        }
        None => None,
    };
    let names: Vec<&str> = need.iter().map(String::as_str).collect();
    let df = crate::kept::copy::load(project, info, &names, &crate::progress::Reporter::silent())?;
    let schema = (**df.schema()).clone();
    let mut lf = df.lazy();
    if let Some(e) = parsed {
        lf = lf.filter(expr::compile_condition(&e, &schema)?);
    }
    Ok(lf.select(exprs).collect()?)
}

pub(crate) fn micros(c: &str) -> pl::Expr {
    pl::col(c)
        .cast(DataType::Datetime(TimeUnit::Microseconds, None))
        .cast(DataType::Int64)
}

pub(crate) fn text(c: &str) -> pl::Expr {
    pl::col(c).cast(DataType::String)
}

/// The transactions of a dataset with roles customer_id, timestamp and amount (or quantity ×
/// unit_price); order_id when there is one. `item` adds that column's values. Rows without a
/// customer or a time are left out and counted.
pub fn transactions(
    project: &Project,
    dataset: &str,
    filter: Option<&str>,
    item: Option<&str>,
) -> Result<(Vec<Txn>, u64)> {
    load_transactions(project, dataset, filter, item, true)
}

/// As [`transactions`], keeping rows without a customer (their customer is empty) when
/// `require_customer` is false: item revenue counts every sale.
pub fn load_transactions(
    project: &Project,
    dataset: &str,
    filter: Option<&str>,
    item: Option<&str>,
    require_customer: bool,
) -> Result<(Vec<Txn>, u64)> {
    let info = project.dataset(dataset)?;
    transactions_of(project, &info, filter, item, require_customer)
}

/// As [`load_transactions`], with the dataset's columns and roles given (e.g. roles set for one
/// run only).
pub fn transactions_of(
    project: &Project,
    info: &DatasetInfo,
    filter: Option<&str>,
    item: Option<&str>,
    require_customer: bool,
) -> Result<(Vec<Txn>, u64)> {
    let dataset = info.name.as_str();
    let customer = role_column(info, Role::CustomerId)?;
    let time = role_column(info, Role::Timestamp)?;
    let order = info.column_with_role(Role::OrderId).map(|c| c.name.clone());
    let mut cols = vec![customer.clone(), time.clone()];
    let amount = match (
        info.column_with_role(Role::Amount),
        info.column_with_role(Role::Quantity),
        info.column_with_role(Role::UnitPrice),
    ) {
        (Some(a), _, _) => {
            cols.push(a.name.clone());
            pl::col(a.name.as_str()).cast(DataType::Float64)
        }
        (None, Some(q), Some(p)) => {
            cols.push(q.name.clone());
            cols.push(p.name.clone());
            pl::col(q.name.as_str()).cast(DataType::Float64)
                * pl::col(p.name.as_str()).cast(DataType::Float64)
        }
        _ => {
            return Err(Error::InvalidArgument(format!(
                "dataset '{dataset}' has no amount: give a column the role amount, or columns the roles quantity and unit_price (loupe set-role)"
            )));
        }
    };
    if let Some(o) = &order {
        cols.push(o.clone());
    }
    let item = item.map(|i| column(info, i)).transpose()?;
    if let Some(i) = &item {
        cols.push(i.clone());
    }
    let mut exprs = vec![
        text(&customer).alias("c"),
        micros(&time).alias("t"),
        amount.alias("a"),
    ];
    exprs.push(match &order {
        Some(o) => text(o).alias("o"),
        None => pl::lit(pl::NULL).cast(DataType::String).alias("o"),
    });
    exprs.push(match &item {
        Some(i) => text(i).alias("i"),
        None => pl::lit(pl::NULL).cast(DataType::String).alias("i"),
    });
    let df = evaluate(project, info, &cols, filter, exprs)?;
    let (c, t, a, o, i) = (
        df.column("c")?.str()?.clone(),
        df.column("t")?.i64()?.clone(),
        df.column("a")?.f64()?.clone(),
        df.column("o")?.str()?.clone(),
        df.column("i")?.str()?.clone(),
    );
    let mut out = Vec::with_capacity(df.height());
    let mut skipped = 0u64;
    for k in 0..df.height() {
        let customer = match c.get(k).map(str::trim).filter(|s| !s.is_empty()) {
            None if !require_customer => Some(""),
            other => other,
        };
        match (customer, t.get(k)) {
            (Some(customer), Some(micros)) => out.push(Txn {
                customer: customer.to_string(),
                micros,
                order: o.get(k).map(str::to_string),
                amount: a.get(k).unwrap_or(0.0),
                item: i.get(k).map(str::to_string),
            }),
            _ => skipped += 1,
        }
    }
    Ok((out, skipped))
}

/// Which columns of an events dataset a funnel reads; `None` means the column with the role.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventColumns {
    pub user: Option<String>,
    pub time: Option<String>,
    pub event: Option<String>,
}

/// The events of a dataset (user, time, event type, and the split column's value). Rows without
/// a user, time or event are left out and counted.
pub fn events(
    project: &Project,
    dataset: &str,
    columns: &EventColumns,
    by: Option<&str>,
    filter: Option<&str>,
) -> Result<(Vec<Event>, u64)> {
    let info = project.dataset(dataset)?;
    let pick = |given: &Option<String>, role: Role| match given {
        Some(c) => column(&info, c),
        None => role_column(&info, role),
    };
    let user = pick(&columns.user, Role::CustomerId)?;
    let time = pick(&columns.time, Role::Timestamp)?;
    let event = pick(&columns.event, Role::EventType)?;
    let by = by.map(|b| column(&info, b)).transpose()?;
    let mut cols = vec![user.clone(), time.clone(), event.clone()];
    cols.extend(by.clone());
    let exprs = vec![
        text(&user).alias("u"),
        micros(&time).alias("t"),
        text(&event).alias("e"),
        match &by {
            Some(b) => text(b).alias("b"),
            None => pl::lit(pl::NULL).cast(DataType::String).alias("b"),
        },
    ];
    let df = evaluate(project, &info, &cols, filter, exprs)?;
    let (u, t, e, b) = (
        df.column("u")?.str()?.clone(),
        df.column("t")?.i64()?.clone(),
        df.column("e")?.str()?.clone(),
        df.column("b")?.str()?.clone(),
    );
    let mut out = Vec::with_capacity(df.height());
    let mut skipped = 0u64;
    for k in 0..df.height() {
        let user = u.get(k).map(str::trim).filter(|s| !s.is_empty());
        match (user, t.get(k), e.get(k)) {
            (Some(user), Some(micros), Some(event)) => out.push(Event {
                user: user.to_string(),
                micros,
                event: event.trim().to_string(),
                by: b.get(k).map(str::to_string),
            }),
            _ => skipped += 1,
        }
    }
    Ok((out, skipped))
}

/// Days since 1970-01-01 of a time in microseconds.
pub fn day_of(micros: i64) -> i64 {
    micros.div_euclid(86_400_000_000)
}

/// Months since January 1970 of a time in microseconds.
pub fn month_of(micros: i64) -> i64 {
    use chrono::Datelike;
    let d = chrono::DateTime::from_timestamp_micros(micros)
        .map(|d| d.date_naive())
        .unwrap_or_default();
    (d.year() as i64 - 1970) * 12 + d.month0() as i64
}

/// The first day of a month counted by [`month_of`].
pub fn month_start(month: i64) -> chrono::NaiveDate {
    let y = 1970 + month.div_euclid(12);
    let m = month.rem_euclid(12) as u32 + 1;
    chrono::NaiveDate::from_ymd_opt(y as i32, m, 1).unwrap_or_default()
}
