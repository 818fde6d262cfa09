//! The customer table of a linked dataset: the warehouse computes each customer's figures (the
//! per-customer summary: first and last purchase, orders, purchase days, revenue, items,
//! favourites, preferences and returns) in one query, and only those rows cross the wire. The
//! scores, groups and lifecycle stages are then the local code's ([`finish_table`]), so the two
//! engines cannot disagree on them.
//!
//! The lines are read as [`crate::customers::scan`] reads them: a line without a customer
//! (blank) or a date is skipped and counted; a line with a negative quantity or
//! amount is a return; an order is the order id (missing: the empty id), or the timestamp
//! without an order id; a missing amount or quantity is 0; without a quantity column each line
//! is one unit. The rules of the figures are [`crate::customers::stats`]'s.

use super::chart::Transfer;
use super::link::{Link, linked};
use super::secret::ConnUrl;
use super::source::Used;
use crate::customers::rfm::{RfmOptions, RfmTable, Seen, Summary, finish_table};
use crate::customers::stats::CustomerStats;
use crate::dataset::{ColumnType, Role};
use crate::expr::Dialect;
use crate::progress::Reporter;
use crate::status::StatusExclusion;
use crate::store::Project;
use crate::{Error, Result};
use chrono::NaiveDate;

/// The transaction lines as one CTE chain (`r`: the rows the filter keeps, with `c` the
/// customer, `d` the day, `h` the hour, `o` the order, `item`, `item_id`, `cat`, `ch`, `a` the
/// amount and `q` the quantity; `l`: those with a customer and a day before the as-of date,
/// with `ret` telling returns), for the customer table and the segments' behaviour.
pub(crate) struct Lines {
    /// `r AS (…), l AS (…)`.
    pub ctes: String,
    /// Whether a line can have a category (its own, or a product's).
    pub products: bool,
}

fn need(link: &Link, r: Role, what: &str) -> Result<String> {
    link.columns
        .iter()
        .find(|c| c.role == Some(r))
        .map(|c| c.name.clone())
        .ok_or_else(|| {
            Error::InvalidArgument(format!(
                "linked dataset '{}' has no column with the role {r}; {what} (loupe link --replace --role COLUMN={r})",
                link.name
            ))
        })
}

/// A column's value as the text the local engine reads (`CAST(… AS TEXT)`).
fn text(c: &str, d: Dialect) -> String {
    format!("CAST(t.{c} AS {})", d.text())
}

/// The lines of `link` (and the categories of `products`, a linked products table, when the
/// transactions have none) where `filter` (the expression language) and the status exclusion
/// hold, before `before`; `r` also carries the columns `extra` as `x0`, `x1` …
pub(crate) fn lines_sql(
    link: &Link,
    products: Option<&Link>,
    filter: Option<&str>,
    status: Option<&StatusExclusion>,
    before: Option<NaiveDate>,
    extra: &[String],
) -> Result<Lines> {
    let customer_name = need(
        link,
        Role::CustomerId,
        "the customer table groups customers",
    )?;
    let ts_name = need(
        link,
        Role::Timestamp,
        "the customer table needs purchase dates",
    )?;
    let mut u = Used::new(link);
    let d = u.dialect();
    let f8 = d.double();
    let customer = u.col(&customer_name)?;
    let ts = u.col(&ts_name)?;
    let ts_type = u.ty(&ts_name).unwrap_or(ColumnType::Text);
    if !matches!(ts_type, ColumnType::Date | ColumnType::Datetime) {
        return Err(Error::InvalidArgument(format!(
            "the timestamp column '{ts_name}' of linked dataset '{}' is {}, not a date; link it again with --type {ts_name}=datetime",
            link.name,
            ts_type.as_str()
        )));
    }
    let has_time = ts_type == ColumnType::Datetime;
    let order = u.role(Role::OrderId);
    let quantity = u.role(Role::Quantity);
    let amount = match (u.role(Role::Amount), &quantity, u.role(Role::UnitPrice)) {
        (Some(a), _, _) => format!("CAST(t.{a} AS {f8})"),
        (None, Some(q), Some(p)) => {
            format!("CAST(t.{q} AS {f8}) * CAST(t.{p} AS {f8})")
        }
        _ => {
            return Err(Error::InvalidArgument(format!(
                "linked dataset '{}' needs an amount, or a quantity and a unit_price, for monetary value (loupe link --replace --role COLUMN=amount)",
                link.name
            )));
        }
    };
    let item = u.role(Role::ItemName).or_else(|| u.role(Role::ItemId));
    let item_id = u.role(Role::ItemId);
    let category = u.role(Role::Category);
    let channel = u.role(Role::Channel);
    let mut extras = String::new();
    for (i, x) in extra.iter().enumerate() {
        extras.push_str(&format!(", t.{} AS x{i}", u.col(x)?));
    }
    let mut condition = u.condition(filter)?;
    if let Some(x) = status {
        u.col(&x.column)?;
        condition = format!(
            "{condition} AND {}",
            x.keep_condition().to_sql_condition_in(d)
        );
    }
    let or_null = |c: &Option<String>| c.as_deref().map_or("NULL".to_string(), |c| text(c, d));
    let tx = d.text();
    // Categories from the products table when the lines have none.
    let (cat, join) = match (products, &category, &item_id) {
        (Some(p), None, Some(iid)) => {
            let mut pu = Used::new(p);
            let missing = |r: Role| crate::customers::columns::missing_role(&p.name, r);
            let pid = pu.role(Role::ItemId).ok_or_else(|| missing(Role::ItemId))?;
            let pcat = pu
                .role(Role::Category)
                .ok_or_else(|| missing(Role::Category))?;
            (
                "p.cat".to_string(),
                format!(
                    "\n  LEFT JOIN (SELECT CAST(pt.{pid} AS {tx}) AS id, min({}) AS cat FROM {} WHERE pt.{pid} IS NOT NULL AND pt.{pcat} IS NOT NULL GROUP BY 1) AS p ON p.id = CAST(t.{iid} AS {tx})",
                    d.bytewise(&format!("CAST(pt.{pcat} AS {tx})")),
                    pu.from("pt")
                ),
            )
        }
        _ => (or_null(&category), String::new()),
    };
    let hour = if has_time {
        format!("CAST(extract(hour FROM t.{ts}) AS integer)")
    } else {
        "CAST(NULL AS integer)".into()
    };
    let order = match &order {
        Some(o) => format!("coalesce({}, '')", text(o, d)),
        None => format!("coalesce({}, '')", text(&ts, d)),
    };
    let quantity = match &quantity {
        Some(q) => format!("CAST(t.{q} AS {f8})"),
        None => format!("CAST(1 AS {f8})"),
    };
    let before = before
        .map(|d| format!(" AND d < DATE '{d}'"))
        .unwrap_or_default();
    let ctes = format!(
        "r AS (
  SELECT {c} AS c, CAST(t.{ts} AS date) AS d, {hour} AS h, {order} AS o,
         {item} AS item, {item_id} AS item_id, {cat} AS cat, {ch} AS ch,
         {amount} AS a, {quantity} AS q{extras}
  FROM {from}{join}
  WHERE {condition}),
l AS (
  SELECT c, d, h, o, item, item_id, cat, ch, coalesce(a, 0) AS a, coalesce(q, 0) AS q,
         (coalesce(q < 0, FALSE) OR coalesce(a < 0, FALSE)) AS ret
  FROM r WHERE c IS NOT NULL AND d IS NOT NULL{before})",
        c = text(&customer, d),
        item = or_null(&item),
        item_id = or_null(&item_id),
        ch = or_null(&channel),
        from = u.from("t"),
    );
    Ok(Lines {
        ctes,
        products: products.is_some() && category.is_none() && item_id.is_some(),
    })
}

/// The value with the highest `score` per customer; ties to the first by `tie`.
fn top(d: Dialect, name: &str, value: &str, score: &str, tie: &str, source: &str) -> String {
    let scored = format!(
        "SELECT c, {value} AS v, {score} AS s FROM {source} WHERE {value} IS NOT NULL GROUP BY 1, 2"
    );
    match d {
        Dialect::Spark => format!(
            "{name} AS (SELECT c, v FROM (SELECT c, v, row_number() OVER (PARTITION BY c ORDER BY s DESC, {tie}) AS loupe_rn FROM ({scored}) AS x) AS y WHERE loupe_rn = 1)"
        ),
        _ => format!(
            "{name} AS (SELECT DISTINCT ON (c) c, v FROM ({scored}) AS x ORDER BY c, s DESC, {tie})"
        ),
    }
}

/// The per-customer CTEs over the lines `l` (`pu`: the purchases; `b`: first and last day,
/// orders, days, revenue and items; `rt`: returns; `fi`, `fc`: favourite item and category;
/// `pc`, `ph`, `pw`: preferred channel, hour and weekday).
/// Amounts are summed exactly in `numeric`, each read from its shortest round-trip text (a
/// double's own cast to numeric keeps 15 digits only), so the sums are the local engine's.
/// In Spark, the exact type is `DECIMAL(38,18)`, and a double's text is Java's (enough digits
/// to read back the same double).
pub(crate) fn figures_ctes(d: Dialect) -> String {
    let exact = |x: &str| format!("CAST(CAST({x} AS {}) AS {})", d.text(), d.decimal());
    let by_revenue = format!("round(sum({}) * 1000000)", exact("a"));
    let by_orders = "count(DISTINCT o)";
    let tie = d.bytewise("v");
    [
        "pu AS (SELECT * FROM l WHERE NOT ret)".to_string(),
        format!(
            "b AS (SELECT c, min(d) AS f, max(d) AS la, count(DISTINCT o) AS n, count(DISTINCT d) AS nd,
          sum({}) AS rev, sum({}) AS it
          FROM pu GROUP BY c)",
            exact("a"),
            exact("q")
        ),
        format!(
            "rt AS (SELECT c, count(DISTINCT o) AS n, sum(abs({})) AS it,
           sum(abs({})) AS am FROM l WHERE ret GROUP BY c)",
            exact("q"),
            exact("a")
        ),
        top(d, "fi", "item", &by_revenue, &tie, "pu"),
        top(d, "fc", "cat", &by_revenue, &tie, "pu"),
        top(d, "pc", "ch", by_orders, &tie, "pu"),
        top(d, "ph", "h", by_orders, "v", "pu"),
        top(d, "pw", &d.weekday0("d"), by_orders, "v", "pu"),
    ]
    .join(",\n")
}

/// The query behind [`customer_table_with`]: a row per customer (`c`), then one of facts.
pub fn to_sql(
    link: &Link,
    products: Option<&Link>,
    opts: &RfmOptions,
    status: Option<&StatusExclusion>,
) -> Result<String> {
    let lines = lines_sql(
        link,
        products,
        opts.filter.as_deref(),
        status,
        opts.as_of,
        &[],
    )?;
    let d = link.engine.dialect();
    let tx = d.text();
    let f = |x: &str| format!("CAST(CAST({x} AS {}) AS {tx})", d.double());
    // With a products table, the lines can have categories (as the local scan says).
    let has_category = if lines.products {
        "TRUE"
    } else {
        "count(cat) > 0"
    };
    Ok(format!(
        "WITH {lines},
{figures}
SELECT 'c', b.c, CAST(b.f AS {tx}), CAST(b.la AS {tx}), CAST(b.n AS {tx}), CAST(b.nd AS {tx}),
       {rev}, {it}, fi.v, fc.v, pc.v, CAST(ph.v AS {tx}), CAST(pw.v AS {tx}),
       CAST(coalesce(rt.n, 0) AS {tx}), {rit}, {ram}
FROM b LEFT JOIN rt USING (c) LEFT JOIN fi USING (c) LEFT JOIN fc USING (c)
  LEFT JOIN pc USING (c) LEFT JOIN ph USING (c) LEFT JOIN pw USING (c)
UNION ALL
SELECT 'facts', NULL, CAST(max(d) AS {tx}), NULL,
       CAST((SELECT count(*) FROM r WHERE c IS NULL OR d IS NULL) AS {tx}),
       CAST((SELECT count(*) FROM (SELECT c FROM l GROUP BY c HAVING bool_and(ret)) AS x) AS {tx}),
       CAST({has_category} AS {tx}), CAST(count(ch) > 0 AS {tx}),
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM l",
        lines = lines.ctes,
        figures = figures_ctes(d),
        rev = f("b.rev"),
        it = f("b.it"),
        rit = f("coalesce(rt.it, 0)"),
        ram = f("coalesce(rt.am, 0)"),
    ))
}

/// The order-status exclusion of a linked dataset: its status column's values, counted by the
/// warehouse. `None` without a status column or values that mean cancelled or refunded.
pub fn status_exclusion(
    link: &Link,
    url: &ConnUrl,
    rep: &Reporter,
) -> Result<(Option<StatusExclusion>, Transfer)> {
    let mut u = Used::new(link);
    let Some(name) = u.role_name(Role::OrderStatus) else {
        return Ok((None, Transfer::default()));
    };
    let col = u.col(name)?;
    let sql = format!(
        "SELECT CAST(t.{col} AS {}), count(*) FROM {} WHERE t.{col} IS NOT NULL GROUP BY 1 LIMIT {}",
        u.dialect().text(),
        u.from("t"),
        StatusExclusion::READ_LIMIT
    );
    let (rows, transfer) = link.run(url, &sql, rep)?;
    let counts = rows
        .rows
        .into_iter()
        .filter_map(|r| {
            let v = r.first()?.clone()?;
            let n = r.get(1)?.as_deref()?.parse().ok()?;
            Some((v, n))
        })
        .collect();
    let extra = crate::status::preset_meanings();
    Ok((StatusExclusion::from_counts(name, counts, &extra), transfer))
}

/// The products table a linked dataset's lines take their categories from: a link in the same
/// warehouse (the same variable).
pub(crate) fn products_link(
    project: &Project,
    link: &Link,
    products: Option<&str>,
) -> Result<Option<Link>> {
    let Some(p) = products else { return Ok(None) };
    match linked(project, p)? {
        Some(pl) if pl.url_env == link.url_env => Ok(Some(pl)),
        _ => Err(Error::InvalidArgument(format!(
            "the products of linked dataset '{}' must be linked from the same warehouse (a table linked with --url-env {}); '{p}' is not",
            link.name, link.url_env
        ))),
    }
}

/// The customer table of a linked dataset, with the URL in the link's variable.
pub fn customer_table(
    project: &Project,
    link: &Link,
    opts: &RfmOptions,
    rep: &Reporter,
) -> Result<(RfmTable, Transfer)> {
    let url = ConnUrl::from_env(&link.url_env, &format!("dataset '{}'", link.name))?;
    customer_table_with(project, link, opts, &url, rep)
}

/// The customer table of a linked dataset: the figures computed by its warehouse, the rest by
/// [`finish_table`]. Attributes (`opts.attributes`) are joined from a dataset of the project.
pub fn customer_table_with(
    project: &Project,
    link: &Link,
    opts: &RfmOptions,
    url: &ConnUrl,
    rep: &Reporter,
) -> Result<(RfmTable, Transfer)> {
    opts.lifecycle.validate()?;
    let products = products_link(project, link, opts.products.as_deref())?;
    let (status, mut transfer) = if opts.include_cancelled {
        (None, Transfer::default())
    } else {
        status_exclusion(link, url, rep)?
    };
    let sql = to_sql(link, products.as_ref(), opts, status.as_ref())?;
    let (result, t) = link.run(url, &sql, rep)?;
    transfer.add(t);
    let context = link.context();
    let bad = |what: &str| {
        Error::Warehouse(format!(
            "{context}: the warehouse returned a customer row Loupe cannot read ({what})"
        ))
    };
    let mut summaries = Vec::new();
    let mut seen = Seen {
        has_time: lines_has_time(link),
        ..Seen::default()
    };
    for r in &result.rows {
        if r.len() != 16 {
            return Err(bad("not 16 columns"));
        }
        let s = |i: usize| r[i].as_deref();
        let int = |i: usize| -> Result<u64> {
            let v = s(i).unwrap_or("0");
            v.parse().map_err(|_| bad(v))
        };
        let real = |i: usize| -> Result<f64> {
            let v = s(i).unwrap_or("0");
            v.parse().map_err(|_| bad(v))
        };
        let day = |i: usize| -> Result<i32> {
            let v = s(i).ok_or_else(|| bad("no date"))?;
            let d = NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| bad(v))?;
            Ok(crate::segments::base::day_number(d))
        };
        let small = |i: usize| -> Result<Option<u8>> {
            s(i).map(|v| v.parse::<u8>().map_err(|_| bad(v)))
                .transpose()
        };
        let name = |i: usize| s(i).map(str::to_string);
        match s(0) {
            Some("c") => {
                let id = name(1).ok_or_else(|| bad("no customer"))?;
                summaries.push(Summary {
                    id,
                    stats: CustomerStats {
                        first_day: day(2)?,
                        last_day: day(3)?,
                        orders: int(4)?,
                        purchase_days: int(5)?,
                        revenue: real(6)?,
                        items: real(7)?,
                        favourite_item: None,
                        favourite_category: None,
                        preferred_channel: None,
                        preferred_hour: small(11)?,
                        preferred_weekday: small(12)?,
                        return_orders: int(13)?,
                        returned_items: real(14)?,
                        returned_amount: real(15)?,
                    },
                    favourite_item: name(8),
                    favourite_category: name(9),
                    preferred_channel: name(10),
                });
            }
            Some("facts") => {
                seen.last_day = s(2).map(|_| day(2)).transpose()?;
                seen.skipped_rows = int(4)?;
                seen.return_only = int(5)?;
                seen.has_category = s(6) == Some("true");
                seen.has_channel = s(7) == Some("true");
            }
            other => return Err(bad(other.unwrap_or("no kind"))),
        }
    }
    // The table's order: customer ids as bytes compare.
    summaries.sort_by(|a, b| a.id.cmp(&b.id));
    let table = finish_table(project, &link.name, opts, summaries, seen, status)?;
    Ok((table, transfer))
}

fn lines_has_time(link: &Link) -> bool {
    link.columns
        .iter()
        .any(|c| c.role == Some(Role::Timestamp) && c.ty == ColumnType::Datetime)
}
