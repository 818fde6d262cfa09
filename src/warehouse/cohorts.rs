//! Cohort retention of a linked dataset, computed by its warehouse: one query returns each
//! (cohort, months since) cell's active customers and revenue, each cohort's size, the last month
//! of the data and the rows left out; only those cross the wire. The definitions are
//! [`crate::explore::cohorts`]'s: a customer's cohort is the month of their first line (the
//! filter applied), a line without a customer (blank) or a time is left out and
//! counted, a line's amount is its amount or quantity × unit price (missing: 0).

use super::chart::Transfer;
use super::link::Link;
use super::secret::ConnUrl;
use super::source::Used;
use crate::dataset::Role;
use crate::explore::cohorts::{Cohort, Cohorts};
use crate::progress::Reporter;
use crate::{Error, Result};
use chrono::NaiveDate;
use std::collections::BTreeMap;

fn role(link: &Link, r: Role) -> Option<&str> {
    link.columns
        .iter()
        .find(|c| c.role == Some(r))
        .map(|c| c.name.as_str())
}

/// The query behind [`cohorts_with`].
pub fn to_sql(link: &Link, filter: Option<&str>) -> Result<String> {
    let need = |r: Role, what: &str| {
        role(link, r).ok_or_else(|| {
            Error::InvalidArgument(format!(
                "linked dataset '{}' has no column with the role {r}; {what} (loupe link --replace --role COLUMN={r})",
                link.name
            ))
        })
    };
    let d = link.engine.dialect();
    let quote = |n: &str| d.quote(n);
    let (num, f8, tx) = (d.decimal(), d.double(), d.text());
    let customer = need(Role::CustomerId, "cohorts group customers")?;
    let time = need(Role::Timestamp, "cohorts need a purchase time")?;
    let amount = match (
        role(link, Role::Amount),
        role(link, Role::Quantity),
        role(link, Role::UnitPrice),
    ) {
        (Some(a), _, _) => format!("CAST({} AS {num})", quote(a)),
        (None, Some(q), Some(p)) => format!(
            "CAST(CAST({} AS {f8}) * CAST({} AS {f8}) AS {num})",
            quote(q),
            quote(p)
        ),
        _ => {
            return Err(Error::InvalidArgument(format!(
                "linked dataset '{}' has no amount: give a column the role amount, or columns the roles quantity and unit_price (loupe link --replace --role …)",
                link.name
            )));
        }
    };
    let mut used = Used::new(link);
    for c in [customer, time] {
        used.col(c)?;
    }
    for r in [Role::Amount, Role::Quantity, Role::UnitPrice] {
        used.role(r);
    }
    let condition = used.condition(filter)?;
    let c = quote(customer);
    let t = quote(time);
    Ok(format!(
        "WITH r AS (
  SELECT CAST({c} AS {tx}) AS c, date_trunc('month', CAST({t} AS timestamp)) AS m,
         coalesce({amount}, 0) AS a
  FROM {from}
  WHERE {condition}),
v AS (SELECT c, m, a FROM r WHERE c IS NOT NULL AND c <> '' AND m IS NOT NULL),
f AS (SELECT c, min(m) AS f FROM v GROUP BY c)
SELECT 'cell' AS kind, CAST(CAST(f.f AS date) AS {tx}) AS cohort,
       CAST((extract(year FROM v.m) - extract(year FROM f.f)) * 12
            + extract(month FROM v.m) - extract(month FROM f.f) AS integer) AS k,
       count(DISTINCT v.c) AS n, CAST(sum(v.a) AS {f8}) AS revenue
FROM v JOIN f USING (c) GROUP BY 2, 3
UNION ALL
SELECT 'size', CAST(CAST(f AS date) AS {tx}), NULL, count(*), NULL FROM f GROUP BY 2
UNION ALL
SELECT 'last', CAST(CAST(max(m) AS date) AS {tx}), NULL, NULL, NULL FROM v
UNION ALL
SELECT 'skipped', NULL, NULL, count(*), NULL FROM r
  WHERE c IS NULL OR c = '' OR m IS NULL",
        from = used.from("s"),
    ))
}

/// The cohorts of a linked dataset, with the URL in the link's variable.
pub fn cohorts(link: &Link, filter: Option<&str>, rep: &Reporter) -> Result<(Cohorts, Transfer)> {
    let url = ConnUrl::from_env(&link.url_env, &format!("dataset '{}'", link.name))?;
    cohorts_with(link, filter, &url, rep)
}

/// The cohorts of a linked dataset, computed by its warehouse.
pub fn cohorts_with(
    link: &Link,
    filter: Option<&str>,
    url: &ConnUrl,
    rep: &Reporter,
) -> Result<(Cohorts, Transfer)> {
    let sql = to_sql(link, filter)?;
    let context = link.context();
    let (result, transfer) = link.run(url, &sql, rep)?;
    let bad = |what: &str| {
        Error::Warehouse(format!(
            "{context}: the warehouse returned a cohort row Loupe cannot read ({what})"
        ))
    };
    let date = |v: &Option<String>| -> Result<NaiveDate> {
        let s = v.as_deref().ok_or_else(|| bad("no month"))?;
        NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| bad(s))
    };
    let int = |v: &Option<String>| -> Result<u64> {
        let s = v.as_deref().unwrap_or("0");
        s.parse().map_err(|_| bad(s))
    };
    let mut sizes: BTreeMap<NaiveDate, u64> = BTreeMap::new();
    let mut cells: Vec<(NaiveDate, usize, u64, f64)> = Vec::new();
    let mut last: Option<NaiveDate> = None;
    let mut skipped = 0;
    for r in &result.rows {
        match r.first().and_then(|k| k.as_deref()) {
            Some(_) if r.len() != 5 => return Err(bad("not five columns")),
            Some("cell") => {
                let k = int(&r[2])? as usize;
                let revenue = match r[4].as_deref() {
                    Some(s) => s.parse::<f64>().map_err(|_| bad(s))?,
                    None => 0.0,
                };
                cells.push((date(&r[1])?, k, int(&r[3])?, revenue));
            }
            Some("size") => {
                sizes.insert(date(&r[1])?, int(&r[3])?);
            }
            Some("last") => last = r[1].as_ref().map(|_| date(&r[1])).transpose()?,
            Some("skipped") => skipped = int(&r[3])?,
            other => return Err(bad(other.unwrap_or("no kind"))),
        }
    }
    let Some(last) = last else {
        return Err(Error::InvalidArgument(format!(
            "dataset '{}' has no transactions with a customer and a time{}",
            link.name,
            if filter.is_some() {
                " where the filter holds"
            } else {
                ""
            }
        )));
    };
    let months = |d: NaiveDate| {
        use chrono::Datelike;
        i64::from(d.year()) * 12 + i64::from(d.month0())
    };
    let mut out: BTreeMap<NaiveDate, Cohort> = sizes
        .into_iter()
        .map(|(month, customers)| {
            let len = (months(last) - months(month) + 1).max(0) as usize;
            (
                month,
                Cohort {
                    month,
                    customers,
                    active: vec![0; len],
                    revenue: vec![0.0; len],
                },
            )
        })
        .collect();
    for (month, k, n, revenue) in cells {
        let c = out
            .get_mut(&month)
            .ok_or_else(|| bad("a cell of no cohort"))?;
        if k >= c.active.len() {
            return Err(bad("a month past the data"));
        }
        c.active[k] = n;
        c.revenue[k] = revenue;
    }
    Ok((
        Cohorts {
            cohorts: out.into_values().collect(),
            skipped_rows: skipped,
        },
        transfer,
    ))
}
