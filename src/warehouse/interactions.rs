//! The purchase lines of a linked table, pulled to this machine for the models that are fitted
//! here (item-kNN, ALS, rules, popularity): first counted by the warehouse, so the user learns how
//! many lines will cross the wire before any does, and may sample customers instead; then read
//! into [`Interactions`] by the local builder, with the local reading's definitions (a purchase
//! has a customer, an item and a date, and neither its quantity nor its amount is zero or
//! less; values trimmed, blanks missing).
//!
//! Lines are pulled in order of time, customer and item (as bytes): customers and items are
//! numbered in that order, where the local reading numbers them in the order of the file's rows,
//! so scores tied between two items may list them the other way round.

use super::chart::Transfer;
use super::link::Link;
use super::secret::ConnUrl;
use super::source::{Used, trimmed_in};
use crate::dataset::{ColumnType, Role};
use crate::expr::Dialect;
use crate::progress::{Reporter, Stage, Unit};
use crate::recommend::{Interactions, InteractionsBuilder, RawLine};
use crate::{Error, Result};

/// What a pull would bring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct PullPlan {
    /// Purchase lines: what crosses the wire.
    pub lines: u64,
    /// Rows without a customer, an item or a date.
    pub skipped_rows: u64,
    /// Rows with a quantity or an amount of zero or less.
    pub not_purchases: u64,
}

/// Which lines to read: a condition of the expression language, and a share of the customers.
#[derive(Debug, Clone, Default)]
pub struct PullOptions {
    pub filter: Option<String>,
    /// Keep this share (0–1) of the customers, chosen by a hash of their id (PostgreSQL's
    /// `hashtext`), so the same customers are kept each time.
    pub sample: Option<f64>,
}

/// The CTEs `x` (the rows read) and `y` (each marked skipped or not a purchase).
fn ctes(link: &Link, opts: &PullOptions) -> Result<String> {
    let mut u = Used::new(link);
    let d = u.dialect();
    let (f8, tx) = (d.double(), d.text());
    let missing = |r: Role| crate::customers::columns::missing_role(&link.name, r);
    let customer = u
        .role(Role::CustomerId)
        .ok_or_else(|| missing(Role::CustomerId))?;
    let ts_name = u
        .role_name(Role::Timestamp)
        .ok_or_else(|| missing(Role::Timestamp))?;
    let ts = u.col(ts_name)?;
    if !matches!(u.ty(ts_name), Some(ColumnType::Date | ColumnType::Datetime)) {
        return Err(Error::InvalidArgument(format!(
            "the timestamp column '{ts_name}' of linked dataset '{}' is not a date; link it again with --type {ts_name}=datetime",
            link.name
        )));
    }
    let item_id = u.role(Role::ItemId);
    let item_name = u.role(Role::ItemName);
    let item = item_id
        .clone()
        .or_else(|| item_name.clone())
        .ok_or_else(|| missing(Role::ItemId))?;
    // With an item id, the item name is its description.
    let description = item_id.as_ref().and(item_name.as_ref());
    let order = u.role(Role::OrderId);
    let quantity = u.role(Role::Quantity);
    let double = |c: &str| format!("CAST(t.{c} AS {f8})");
    let amount = match (u.role(Role::Amount), &quantity, u.role(Role::UnitPrice)) {
        (Some(a), _, _) => double(&a),
        (None, Some(q), Some(p)) => format!("{} * {}", double(q), double(&p)),
        _ => format!("CAST(NULL AS {f8})"),
    };
    let condition = u.condition(opts.filter.as_deref())?;
    let sample = match opts.sample {
        Some(s) if !(s > 0.0 && s <= 1.0) => {
            return Err(Error::InvalidArgument(format!(
                "--sample {s} is not a share of the customers; give one above 0 and at most 1, e.g. 0.1"
            )));
        }
        // Spark's own hash: the same customers each time, not the ones PostgreSQL keeps.
        Some(s) if s < 1.0 && d == Dialect::Spark => format!(
            " AND pmod(hash(c), 1000000) < {}",
            (s * 1_000_000.0).round() as u64
        ),
        Some(s) if s < 1.0 => format!(
            " AND (hashtext(c) & 2147483647) % 1000000 < {}",
            (s * 1_000_000.0).round() as u64
        ),
        _ => String::new(),
    };
    let or_null = |c: Option<&String>| {
        c.map_or(format!("CAST(NULL AS {tx})"), |c| {
            trimmed_in(&format!("t.{c}"), d)
        })
    };
    Ok(format!(
        "x AS (SELECT {c} AS c, CAST(t.{ts} AS {tx}) AS tm, {i} AS i, {d} AS dsc, {o} AS o,
  {q} AS q, {amount} AS a
  FROM {from} WHERE {condition}),
y AS (SELECT x.*, (c IS NULL OR tm IS NULL OR i IS NULL) AS skip,
  (coalesce(q <= 0, FALSE) OR coalesce(a <= 0, FALSE)) AS notp
  FROM x WHERE TRUE{sample})",
        c = trimmed_in(&format!("t.{customer}"), d),
        i = trimmed_in(&format!("t.{item}"), d),
        d = or_null(description),
        o = or_null(order.as_ref()),
        q = quantity
            .as_deref()
            .map_or(format!("CAST(NULL AS {f8})"), double),
        from = u.from("t"),
    ))
}

/// The query behind [`plan_with`].
pub fn plan_sql(link: &Link, opts: &PullOptions) -> Result<String> {
    Ok(format!(
        "WITH {}\nSELECT CAST(count(*) FILTER (WHERE NOT skip AND NOT notp) AS {tx}), \
         CAST(count(*) FILTER (WHERE skip) AS {tx}), \
         CAST(count(*) FILTER (WHERE NOT skip AND notp) AS {tx}) FROM y",
        ctes(link, opts)?,
        tx = link.engine.dialect().text()
    ))
}

/// The query behind [`pull_with`].
pub fn pull_sql(link: &Link, opts: &PullOptions) -> Result<String> {
    let d = link.engine.dialect();
    Ok(format!(
        "WITH {}\nSELECT c, tm, i, dsc, o, CAST(q AS {}) FROM y WHERE NOT skip AND NOT notp\n\
         ORDER BY {}, {}, {}",
        ctes(link, opts)?,
        d.text(),
        d.bytewise("tm"),
        d.bytewise("c"),
        d.bytewise("i")
    ))
}

fn url(link: &Link) -> Result<ConnUrl> {
    ConnUrl::from_env(&link.url_env, &format!("dataset '{}'", link.name))
}

/// How many purchase lines a pull would bring, counted by the warehouse.
pub fn plan(link: &Link, opts: &PullOptions, rep: &Reporter) -> Result<(PullPlan, Transfer)> {
    plan_with(link, opts, &url(link)?, rep)
}

/// [`plan`] with a URL.
pub fn plan_with(
    link: &Link,
    opts: &PullOptions,
    url: &ConnUrl,
    rep: &Reporter,
) -> Result<(PullPlan, Transfer)> {
    let (rows, transfer) = link.run(url, &plan_sql(link, opts)?, rep)?;
    let bad = || {
        Error::Warehouse(format!(
            "{}: the warehouse returned no line count Loupe can read",
            link.context()
        ))
    };
    let row = rows.rows.first().ok_or_else(bad)?;
    let n = |i: usize| -> Result<u64> {
        row.get(i)
            .and_then(|v| v.as_deref())
            .and_then(|v| v.parse().ok())
            .ok_or_else(bad)
    };
    Ok((
        PullPlan {
            lines: n(0)?,
            skipped_rows: n(1)?,
            not_purchases: n(2)?,
        },
        transfer,
    ))
}

/// The purchase lines of a linked table, pulled after [`plan`] told how many there are.
pub fn pull(
    link: &Link,
    opts: &PullOptions,
    plan: &PullPlan,
    rep: &Reporter,
) -> Result<(Interactions, Transfer)> {
    pull_with(link, opts, plan, &url(link)?, rep)
}

/// [`pull`] with a URL.
pub fn pull_with(
    link: &Link,
    opts: &PullOptions,
    plan: &PullPlan,
    url: &ConnUrl,
    rep: &Reporter,
) -> Result<(Interactions, Transfer)> {
    let (rows, transfer) = link.run(url, &pull_sql(link, opts)?, rep)?;
    let bad = |what: &str| {
        Error::Warehouse(format!(
            "{}: the warehouse returned a purchase line Loupe cannot read ({what})",
            link.context()
        ))
    };
    let mut b = InteractionsBuilder::new();
    b.skipped_rows = plan.skipped_rows;
    b.not_purchases = plan.not_purchases;
    let total = rows.rows.len() as u64;
    for (k, r) in rows.rows.iter().enumerate() {
        if k % 65_536 == 0 {
            rep.check()?;
            rep.report(Stage::Reading, k as u64, Some(total), Unit::Rows, 0, false);
        }
        let (Some(customer), Some(time), Some(item)) = (
            r.first().and_then(|v| v.as_deref()),
            r.get(1).and_then(|v| v.as_deref()),
            r.get(2).and_then(|v| v.as_deref()),
        ) else {
            return Err(bad("a missing customer, time or item"));
        };
        let day = crate::frame::parse_stored_date(time).ok_or_else(|| bad(time))?;
        let quantity = match r.get(5).and_then(|v| v.as_deref()) {
            Some(q) => q.parse::<f64>().map_err(|_| bad(q))?,
            None => 1.0,
        };
        b.push(RawLine {
            customer,
            item,
            description: r.get(3).and_then(|v| v.as_deref()),
            order: r.get(4).and_then(|v| v.as_deref()),
            time,
            day,
            quantity,
        });
    }
    Ok((b.finish(), transfer))
}
