//! Cohort retention: customers grouped by the month of their first purchase, and for each month
//! since, the share of them who bought (retention) and the revenue per cohort customer. The
//! table is a triangle: a cohort has as many months as the data has after it.

use super::rows::{Txn, month_of, month_start, transactions};
use crate::fsutil::{Format, write_atomic};
use crate::store::Project;
use crate::{Error, Result};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;

/// One cohort.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cohort {
    /// The first day of the month of first purchase.
    pub month: NaiveDate,
    pub customers: u64,
    /// Customers of the cohort who bought in month 0, 1, 2, … since their first.
    pub active: Vec<u64>,
    /// Their revenue in each of those months.
    pub revenue: Vec<f64>,
}

impl Cohort {
    pub fn retention(&self, k: usize) -> Option<f64> {
        let a = *self.active.get(k)?;
        Some(a as f64 / self.customers as f64)
    }

    pub fn revenue_per_customer(&self, k: usize) -> Option<f64> {
        Some(self.revenue.get(k)? / self.customers as f64)
    }
}

/// All cohorts, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cohorts {
    pub cohorts: Vec<Cohort>,
    /// Rows left out for a missing customer or time.
    pub skipped_rows: u64,
}

/// Builds the cohorts from transactions.
pub fn cohorts_of(txns: &[Txn]) -> Vec<Cohort> {
    let mut first: HashMap<&str, i64> = HashMap::new();
    for t in txns {
        let m = month_of(t.micros);
        first
            .entry(t.customer.as_str())
            .and_modify(|f| *f = (*f).min(m))
            .or_insert(m);
    }
    let Some(last) = txns.iter().map(|t| month_of(t.micros)).max() else {
        return Vec::new();
    };
    let mut by_month: HashMap<i64, Cohort> = HashMap::new();
    for &m in first.values() {
        let len = (last - m + 1) as usize;
        let c = by_month.entry(m).or_insert_with(|| Cohort {
            month: month_start(m),
            customers: 0,
            active: vec![0; len],
            revenue: vec![0.0; len],
        });
        c.customers += 1;
    }
    let mut seen: std::collections::HashSet<(&str, i64)> = std::collections::HashSet::new();
    for t in txns {
        let m = month_of(t.micros);
        let f = first[t.customer.as_str()];
        let k = (m - f) as usize;
        if let Some(c) = by_month.get_mut(&f) {
            c.revenue[k] += t.amount;
            if seen.insert((t.customer.as_str(), m)) {
                c.active[k] += 1;
            }
        }
    }
    let mut out: Vec<Cohort> = by_month.into_values().collect();
    out.sort_by_key(|c| c.month);
    out
}

/// The cohorts of a transactions dataset (roles customer_id, timestamp, amount or quantity ×
/// unit_price), of the rows where `filter` holds.
pub fn cohorts(project: &Project, dataset: &str, filter: Option<&str>) -> Result<Cohorts> {
    if let Some(link) = crate::warehouse::link::linked(project, dataset)? {
        let rep = crate::progress::Reporter::silent();
        return Ok(crate::warehouse::cohorts::cohorts(&link, filter, &rep)?.0);
    }
    let (txns, skipped_rows) = transactions(project, dataset, filter, None)?;
    if txns.is_empty() {
        return Err(Error::InvalidArgument(format!(
            "dataset '{dataset}' has no transactions with a customer and a time{}",
            if filter.is_some() {
                " where the filter holds"
            } else {
                ""
            }
        )));
    }
    Ok(Cohorts {
        cohorts: cohorts_of(&txns),
        skipped_rows,
    })
}

impl Cohorts {
    /// The longest cohort's number of months.
    pub fn months(&self) -> usize {
        self.cohorts
            .iter()
            .map(|c| c.active.len())
            .max()
            .unwrap_or(0)
    }

    /// Writes one row per cohort and month since (CSV or JSON, by extension): cohort, customers,
    /// months_since, active, retention, revenue, revenue_per_customer.
    pub fn write(&self, path: &Path) -> Result<()> {
        let header = [
            "cohort",
            "customers",
            "months_since",
            "active",
            "retention",
            "revenue",
            "revenue_per_customer",
        ];
        let rows: Vec<Vec<serde_json::Value>> = self
            .cohorts
            .iter()
            .flat_map(|c| {
                (0..c.active.len()).map(move |k| {
                    vec![
                        c.month.format("%Y-%m").to_string().into(),
                        c.customers.into(),
                        k.into(),
                        c.active[k].into(),
                        json_num(c.retention(k)),
                        json_num(Some(c.revenue[k])),
                        json_num(c.revenue_per_customer(k)),
                    ]
                })
            })
            .collect();
        write_rows(path, &header, &rows)
    }
}

pub(crate) fn json_num(v: Option<f64>) -> serde_json::Value {
    v.and_then(serde_json::Number::from_f64)
        .map(serde_json::Value::Number)
        .unwrap_or(serde_json::Value::Null)
}

/// Writes rows of values as CSV or as JSON (`{"columns": …, "rows": …}`), by the extension.
pub(crate) fn write_rows(
    path: &Path,
    header: &[&str],
    rows: &[Vec<serde_json::Value>],
) -> Result<()> {
    let format = Format::expect(path, &[Format::Csv, Format::Json], "cannot write")?;
    write_atomic(path, |path| match format {
        Format::Csv => {
            let err = |e: csv::Error| Error::Export(format!("{}: {e}", path.display()));
            let mut w = csv::Writer::from_path(path).map_err(err)?;
            w.write_record(header).map_err(err)?;
            for r in rows {
                w.write_record(r.iter().map(|v| match v {
                    serde_json::Value::Null => String::new(),
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Number(n) => match n.as_f64() {
                        Some(f) if n.is_f64() => crate::query::format_real(f),
                        _ => n.to_string(),
                    },
                    other => other.to_string(),
                }))
                .map_err(err)?;
            }
            w.flush().map_err(|e| Error::io(path, e))
        }
        _ => {
            let v = serde_json::json!({ "columns": header, "rows": rows });
            let text =
                serde_json::to_string_pretty(&v).map_err(|e| Error::Export(e.to_string()))?;
            std::fs::write(path, text).map_err(|e| Error::io(path, e))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn txn(customer: &str, date: &str, amount: f64) -> Txn {
        Txn {
            customer: customer.into(),
            micros: crate::frame::parse_stored_datetime(date).unwrap(),
            order: None,
            amount,
            item: None,
        }
    }

    #[test]
    fn a_hand_built_triangle() {
        // January: a, b, c. February: d. a comes back in Feb and Mar, b in Mar, d in Mar.
        let t = vec![
            txn("a", "2024-01-03 10:00:00", 10.0),
            txn("a", "2024-01-20 10:00:00", 5.0),
            txn("b", "2024-01-31 23:59:59", 20.0),
            txn("c", "2024-01-15 00:00:00", 7.0),
            txn("a", "2024-02-01 00:00:00", 1.0),
            txn("d", "2024-02-10 00:00:00", 40.0),
            txn("a", "2024-03-05 00:00:00", 2.0),
            txn("b", "2024-03-06 00:00:00", 3.0),
            txn("d", "2024-03-07 00:00:00", 4.0),
        ];
        let c = cohorts_of(&t);
        assert_eq!(c.len(), 2);
        let jan = &c[0];
        assert_eq!(jan.month.to_string(), "2024-01-01");
        assert_eq!(jan.customers, 3);
        assert_eq!(jan.active, vec![3, 1, 2]);
        assert_eq!(jan.revenue, vec![42.0, 1.0, 5.0]);
        assert_eq!(jan.retention(2), Some(2.0 / 3.0));
        assert_eq!(jan.revenue_per_customer(0), Some(14.0));
        let feb = &c[1];
        assert_eq!((feb.customers, feb.active.clone()), (1, vec![1, 1]));
        assert_eq!(feb.revenue, vec![40.0, 4.0]);
        assert_eq!(feb.retention(2), None, "a triangle");
    }
}
