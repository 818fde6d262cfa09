//! Purchases, baskets and item details read from the dataset's columnar copy
//! ([`crate::kept::copy`]) instead of its SQLite rows: only the columns the roles name are decoded, on every core, and the
//! lines are numbered on one thread in row order, so customers, items and orders get the very
//! numbers the SQLite readers give. `None` when the copy cannot answer for certain (a column
//! that is not exact, a float read as text, a `--where` only SQLite can apply): the caller
//! reads SQLite. What the column types already rule out is checked before the copy is built.

use super::baskets::{Baskets, BasketsBuilder};
use super::interactions::{Interactions, InteractionsBuilder, RawLine, ReadOptions};
use crate::Result;
use crate::dataset::{DatasetInfo, Role};
use crate::kept::copy::{self, Copy};
use crate::kept::exact::{self, Moment, numbers, texts, trimmed};
use crate::progress::{Reporter, Stage, Unit};
use crate::store::Project;
use polars::prelude::*;
use std::collections::HashMap;

/// The selected columns of one chunk, and what to read from them.
struct Plan<'a> {
    read: Vec<&'a str>,
    select: Vec<Expr>,
    filter: Option<Expr>,
}

impl Plan<'_> {
    fn apply(&self, df: DataFrame) -> Result<DataFrame> {
        let mut lf = df.lazy();
        if let Some(f) = &self.filter {
            lf = lf.filter(f.clone());
        }
        Ok(lf.select(self.select.clone()).collect()?)
    }
}

/// What [`super::read_interactions`] reads, from the copy.
fn interactions_plan<'a>(
    info: &'a DatasetInfo,
    copy: &Copy,
    opts: &ReadOptions,
) -> Option<(Plan<'a>, Moment)> {
    let by = |r: Role| info.column_with_role(r);
    let mut read = Vec::new();
    let mut select = Vec::new();
    let customer = by(Role::CustomerId)?;
    select.push(exact::text(copy, customer, "c")?);
    exact::reads(customer, &mut read);
    let timestamp = by(Role::Timestamp)?;
    let (t, moment) = exact::moment(copy, timestamp, "t")?;
    select.push(t);
    exact::reads(timestamp, &mut read);
    let item = by(Role::ItemId).or_else(|| by(Role::ItemName))?;
    select.push(exact::text(copy, item, "i")?);
    exact::reads(item, &mut read);
    let mut text = |role: Role, alias: &str| -> Option<()> {
        if let Some(c) = by(role) {
            select.push(exact::text(copy, c, alias)?);
            exact::reads(c, &mut read);
        }
        Some(())
    };
    if by(Role::ItemId).is_some() {
        text(Role::ItemName, "s")?;
    }
    text(Role::OrderId, "o")?;
    if let Some(q) = by(Role::Quantity) {
        select.push(exact::number(copy, q)?.alias("q"));
        exact::reads(q, &mut read);
    }
    // The amount: its column, or quantity × unit price (as `TransactionColumns` has it).
    match (by(Role::Amount), by(Role::Quantity), by(Role::UnitPrice)) {
        (Some(a), _, _) => {
            select.push(exact::number(copy, a)?.alias("a"));
            exact::reads(a, &mut read);
        }
        (None, Some(q), Some(p)) => {
            let product = exact::number(copy, q)? * exact::number(copy, p)?;
            select.push(product.alias("a"));
            exact::reads(p, &mut read);
        }
        _ => {}
    }
    let filter = exact::filter(copy, info, opts.filter.as_deref(), &mut read)?;
    Some((
        Plan {
            read,
            select,
            filter,
        },
        moment,
    ))
}

/// Whether the column types let the copy answer [`interactions`] (its exactness aside).
fn interactions_may_answer(info: &DatasetInfo, opts: &ReadOptions) -> bool {
    let ty = |r: Role| info.column_with_role(r).map(|c| c.ty);
    let text = |r: Role| ty(r).is_none_or(exact::text_type);
    let number = |r: Role| ty(r).is_none_or(exact::number_type);
    let amount = match ty(Role::Amount) {
        Some(t) => exact::number_type(t),
        None => number(Role::Quantity) && number(Role::UnitPrice),
    };
    let filter = opts
        .filter
        .as_deref()
        .filter(|f| !f.trim().is_empty())
        .is_none_or(|f| crate::kept::sql_filter::translate(f, info).is_some());
    ty(Role::CustomerId).is_some_and(exact::text_type)
        && ty(Role::Timestamp).is_some_and(exact::moment_type)
        && [Role::ItemId, Role::ItemName, Role::OrderId]
            .into_iter()
            .all(text)
        && number(Role::Quantity)
        && amount
        && filter
}

/// [`super::read_interactions`] from the copy, or `None` when the copy cannot answer.
pub fn interactions(
    project: &Project,
    info: &DatasetInfo,
    opts: &ReadOptions,
    rep: &Reporter,
) -> Result<Option<Interactions>> {
    if !interactions_may_answer(info, opts) {
        return Ok(None);
    }
    let Some(copy) = copy::ensure(project, info, rep)? else {
        return Ok(None);
    };
    let Some((plan, moment)) = interactions_plan(info, &copy, opts) else {
        return Ok(None);
    };
    let chunks = copy.chunks(project, &plan.read)?;
    let mut b = InteractionsBuilder::new();
    let mut seen = 0u64;
    let mut time = String::new();
    chunks.in_order(
        |_, df| {
            rep.check()?;
            Ok((df.height(), plan.apply(df)?))
        },
        |_, (rows, df)| {
            rep.check()?;
            let mut customers = texts(&df, "c")?;
            let mut items = texts(&df, "i")?;
            let mut descriptions = texts(&df, "s")?;
            let mut orders = texts(&df, "o")?;
            let mut quantities = numbers(&df, "q")?;
            let mut amounts = numbers(&df, "a")?;
            let t = df.column("t")?;
            let mut moments: Box<dyn Iterator<Item = Option<i64>>> = match moment {
                Moment::Text => Box::new(std::iter::repeat(None)),
                Moment::Date => Box::new(t.i32()?.iter().map(|v| v.map(i64::from))),
                Moment::Datetime => Box::new(t.i64()?.iter()),
            };
            let mut stamps = match moment {
                Moment::Text => texts(&df, "t")?,
                _ => Box::new(std::iter::repeat(None)),
            };
            for _ in 0..df.height() {
                let (customer, item) = (
                    trimmed(customers.next().flatten()),
                    trimmed(items.next().flatten()),
                );
                let (description, order) = (
                    trimmed(descriptions.next().flatten()),
                    trimmed(orders.next().flatten()),
                );
                let (quantity, amount) = (quantities.next().flatten(), amounts.next().flatten());
                let (value, stamp) = (moments.next().flatten(), trimmed(stamps.next().flatten()));
                let day = match moment {
                    Moment::Text => stamp.and_then(crate::frame::parse_stored_date),
                    _ => value.map(|v| moment.day(v)),
                };
                let (Some(customer), Some(item), Some(day)) = (customer, item, day) else {
                    b.skipped_rows += 1;
                    continue;
                };
                if quantity.is_some_and(|q| q <= 0.0) || amount.is_some_and(|a| a <= 0.0) {
                    b.not_purchases += 1;
                    continue;
                }
                // The moment as the order key without an order id: a canonical date or
                // datetime and its count of days or microseconds tell the same orders apart.
                let time_text = match (stamp, value) {
                    (Some(s), _) => s,
                    (None, Some(v)) if order.is_none() => {
                        time.clear();
                        time.push_str(&v.to_string());
                        time.as_str()
                    }
                    _ => "",
                };
                b.push(RawLine {
                    customer,
                    item,
                    description,
                    order,
                    time: time_text,
                    day,
                    quantity: quantity.unwrap_or(1.0),
                });
            }
            seen += rows as u64;
            rep.report(
                Stage::Reading,
                seen,
                Some(info.rows),
                Unit::Rows,
                seen,
                false,
            );
            Ok(())
        },
    )?;
    Ok(Some(b.finish()))
}

/// [`super::read_baskets`] from the copy, or `None` when the copy cannot answer.
pub fn baskets(
    project: &Project,
    info: &DatasetInfo,
    basket: &str,
    item: &str,
) -> Result<Option<Baskets>> {
    let (Some(bc), Some(ic)) = (info.column(basket), info.column(item)) else {
        return Ok(None);
    };
    if !exact::text_type(bc.ty) || !exact::text_type(ic.ty) {
        return Ok(None);
    }
    let rep = Reporter::silent();
    let Some(copy) = copy::ensure(project, info, &rep)? else {
        return Ok(None);
    };
    let (Some(be), Some(ie)) = (exact::text(&copy, bc, "b"), exact::text(&copy, ic, "i")) else {
        return Ok(None);
    };
    let mut read = Vec::new();
    exact::reads(bc, &mut read);
    exact::reads(ic, &mut read);
    let plan = Plan {
        read,
        select: vec![be, ie],
        filter: None,
    };
    let chunks = copy.chunks(project, &plan.read)?;
    let mut out = BasketsBuilder::default();
    chunks.in_order(
        |_, df| plan.apply(df),
        |_, df| {
            let (mut bs, mut is) = (texts(&df, "b")?, texts(&df, "i")?);
            for _ in 0..df.height() {
                let (b, i) = (bs.next().flatten(), is.next().flatten());
                if let (Some(b), Some(i)) = (trimmed(b), trimmed(i)) {
                    out.push(b, i);
                }
            }
            Ok(())
        },
    )?;
    Ok(Some(out.finish()))
}

/// Per item: how often each category was written, and the unit prices above 0.
pub(super) type ItemLines = (HashMap<(u32, String), u32>, Vec<Vec<f64>>);

/// Per item of `index`: how often each category was written, and the unit prices above 0 (the
/// unit price, else amount ÷ quantity), as [`super::details::read_item_details`] reads them
/// from the transactions; `None` when the copy cannot answer.
pub(super) fn item_lines(
    project: &Project,
    info: &DatasetInfo,
    index: &HashMap<&str, u32>,
) -> Result<Option<ItemLines>> {
    let by = |r: Role| info.column_with_role(r);
    let Some(item) = by(Role::ItemId).or_else(|| by(Role::ItemName)) else {
        return Ok(None);
    };
    let ty = |r: Role| by(r).map(|c| c.ty);
    let types = exact::text_type(item.ty)
        && ty(Role::Category).is_none_or(exact::text_type)
        && [Role::UnitPrice, Role::Amount, Role::Quantity]
            .into_iter()
            .all(|r| ty(r).is_none_or(exact::number_type));
    if !types {
        return Ok(None);
    }
    let rep = Reporter::silent();
    let Some(copy) = copy::ensure(project, info, &rep)? else {
        return Ok(None);
    };
    let mut read = Vec::new();
    let mut select = Vec::new();
    let Some(e) = exact::text(&copy, item, "i") else {
        return Ok(None);
    };
    select.push(e);
    exact::reads(item, &mut read);
    if let Some(c) = by(Role::Category) {
        let Some(e) = exact::text(&copy, c, "g") else {
            return Ok(None);
        };
        select.push(e);
        exact::reads(c, &mut read);
    }
    let mut number = |c: &'_ crate::dataset::ColumnInfo, alias: &str| -> Option<()> {
        select.push(exact::number(&copy, c)?.alias(alias));
        Some(())
    };
    let price = match (by(Role::UnitPrice), by(Role::Amount), by(Role::Quantity)) {
        (Some(p), _, _) => number(p, "p").map(|()| vec![p]),
        (None, Some(a), Some(q)) => number(a, "a").and(number(q, "q")).map(|()| vec![a, q]),
        _ => Some(Vec::new()),
    };
    let Some(price) = price else {
        return Ok(None);
    };
    for c in price {
        exact::reads(c, &mut read);
    }
    let plan = Plan {
        read,
        select,
        filter: None,
    };
    let chunks = copy.chunks(project, &plan.read)?;
    let mut prices: Vec<Vec<f64>> = vec![Vec::new(); index.len()];
    let mut cats: HashMap<(u32, String), u32> = HashMap::new();
    chunks.in_order(
        |_, df| plan.apply(df),
        |_, df| {
            let (mut items, mut categories) = (texts(&df, "i")?, texts(&df, "g")?);
            let (mut unit, mut amounts, mut quantities) =
                (numbers(&df, "p")?, numbers(&df, "a")?, numbers(&df, "q")?);
            for _ in 0..df.height() {
                let (i, g) = (items.next().flatten(), categories.next().flatten());
                let (p, a, q) = (
                    unit.next().flatten(),
                    amounts.next().flatten(),
                    quantities.next().flatten(),
                );
                let Some(i) = trimmed(i).and_then(|i| index.get(i).copied()) else {
                    continue;
                };
                if let Some(g) = trimmed(g) {
                    *cats.entry((i, g.to_string())).or_default() += 1;
                }
                let price = p.or_else(|| match (a, q) {
                    (Some(a), Some(q)) if q != 0.0 => Some(a / q),
                    _ => None,
                });
                if let Some(p) = price.filter(|p| p.is_finite() && *p > 0.0) {
                    prices[i as usize].push(p);
                }
            }
            Ok(())
        },
    )?;
    Ok(Some((cats, prices)))
}
