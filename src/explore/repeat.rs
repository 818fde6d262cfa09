//! Repeat purchases and Pareto.
//!
//! * Repeat-purchase curve: the share of customers who made at least n orders, for n = 1, 2, …,
//!   and of those with n − 1 orders the share who came back for an n-th; the days between a
//!   customer's consecutive orders, as a distribution.
//! * Pareto: items ranked by revenue, and the share of revenue that the top x% of them bring.
//!
//! An order is a distinct order id; without an order id, a distinct (customer, time). An order's
//! time is its earliest line's.

use super::cohorts::{json_num, write_rows};
use super::rows::{Txn, day_of, load_transactions, transactions};
use crate::numeric::median;
use crate::store::Project;
use crate::{Error, Result};
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;

/// One point of the repeat-purchase curve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RepeatStep {
    /// The n-th order.
    pub n: usize,
    /// Customers with at least n orders.
    pub customers: u64,
    /// Of all customers.
    pub share: f64,
    /// Of the customers with at least n − 1 orders (1 for n = 1).
    pub from_previous: f64,
}

/// A bucket of days between consecutive orders.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GapBucket {
    /// Inclusive bounds in days; `None` above for the last bucket.
    pub from_days: i64,
    pub to_days: Option<i64>,
    pub gaps: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RepeatPurchases {
    pub customers: u64,
    pub curve: Vec<RepeatStep>,
    pub gaps: Vec<GapBucket>,
    pub median_gap_days: Option<f64>,
    pub mean_gap_days: Option<f64>,
    /// Median days from the first order to the second, over customers with two.
    pub median_days_to_second: Option<f64>,
    pub skipped_rows: u64,
}

/// Each customer's order days, sorted.
fn order_days(txns: &[Txn]) -> HashMap<&str, Vec<i64>> {
    let mut orders: HashMap<(&str, String), i64> = HashMap::new();
    for t in txns {
        let id = t.order.clone().unwrap_or_else(|| t.micros.to_string());
        orders
            .entry((t.customer.as_str(), id))
            .and_modify(|m| *m = (*m).min(t.micros))
            .or_insert(t.micros);
    }
    let mut out: HashMap<&str, Vec<i64>> = HashMap::new();
    for ((c, _), m) in orders {
        out.entry(c).or_default().push(m);
    }
    for v in out.values_mut() {
        v.sort_unstable();
    }
    out.into_iter()
        .map(|(c, v)| (c, v.into_iter().map(day_of).collect()))
        .collect()
}

const GAP_BOUNDS: [(i64, Option<i64>); 8] = [
    (0, Some(7)),
    (8, Some(14)),
    (15, Some(30)),
    (31, Some(60)),
    (61, Some(90)),
    (91, Some(180)),
    (181, Some(365)),
    (366, None),
];

/// The repeat-purchase curve up to the `max_n`-th order, and the gaps between orders.
pub fn repeat_of(txns: &[Txn], max_n: usize) -> RepeatPurchases {
    let days = order_days(txns);
    let customers = days.len() as u64;
    let at_least = |n: usize| days.values().filter(|v| v.len() >= n).count() as u64;
    let curve = (1..=max_n.max(1))
        .map(|n| {
            let c = at_least(n);
            let prev = if n == 1 { customers } else { at_least(n - 1) };
            RepeatStep {
                n,
                customers: c,
                share: if customers > 0 {
                    c as f64 / customers as f64
                } else {
                    0.0
                },
                from_previous: if prev > 0 {
                    c as f64 / prev as f64
                } else {
                    0.0
                },
            }
        })
        .collect();
    let gaps: Vec<i64> = days
        .values()
        .flat_map(|v| v.windows(2).map(|w| w[1] - w[0]))
        .collect();
    let buckets = GAP_BOUNDS
        .iter()
        .map(|&(from, to)| GapBucket {
            from_days: from,
            to_days: to,
            gaps: gaps
                .iter()
                .filter(|g| **g >= from && to.is_none_or(|t| **g <= t))
                .count() as u64,
        })
        .collect();
    let mean = (!gaps.is_empty()).then(|| gaps.iter().sum::<i64>() as f64 / gaps.len() as f64);
    RepeatPurchases {
        customers,
        curve,
        gaps: buckets,
        median_gap_days: median(&mut gaps.iter().map(|g| *g as f64).collect::<Vec<_>>()),
        mean_gap_days: mean,
        median_days_to_second: median(
            &mut days
                .values()
                .filter(|v| v.len() >= 2)
                .map(|v| (v[1] - v[0]) as f64)
                .collect::<Vec<_>>(),
        ),
        skipped_rows: 0,
    }
}

pub fn repeat_purchases(
    project: &Project,
    dataset: &str,
    filter: Option<&str>,
    max_n: usize,
) -> Result<RepeatPurchases> {
    let (txns, skipped) = transactions(project, dataset, filter, None)?;
    let mut r = repeat_of(&txns, max_n);
    r.skipped_rows = skipped;
    Ok(r)
}

impl RepeatPurchases {
    pub fn write(&self, path: &Path) -> Result<()> {
        let rows: Vec<Vec<serde_json::Value>> = self
            .curve
            .iter()
            .map(|s| {
                vec![
                    s.n.into(),
                    s.customers.into(),
                    json_num(Some(s.share)),
                    json_num(Some(s.from_previous)),
                ]
            })
            .collect();
        write_rows(
            path,
            &["order_number", "customers", "share", "from_previous"],
            &rows,
        )
    }
}

/// One item in the Pareto ranking.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParetoItem {
    pub item: String,
    pub revenue: f64,
    /// Running share of revenue up to and including this item.
    pub cumulative_share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pareto {
    /// The column the items are.
    pub column: String,
    /// Items with positive revenue, largest first.
    pub items: Vec<ParetoItem>,
    pub total_revenue: f64,
    /// Items whose revenue is zero or negative (returns), left out of the ranking.
    pub left_out: u64,
}

impl Pareto {
    /// The share of revenue from the top `fraction` (0–1) of items (rounded up to whole items).
    pub fn share_of_top(&self, fraction: f64) -> f64 {
        let n = self.items.len();
        if n == 0 {
            return 0.0;
        }
        let k = ((fraction * n as f64).ceil() as usize).clamp(0, n);
        if k == 0 {
            0.0
        } else {
            self.items[k - 1].cumulative_share
        }
    }

    /// How many items bring `share` (0–1) of the revenue.
    pub fn items_for(&self, share: f64) -> usize {
        self.items
            .iter()
            .position(|i| i.cumulative_share >= share - 1e-12)
            .map_or(self.items.len(), |p| p + 1)
    }

    pub fn write(&self, path: &Path) -> Result<()> {
        let n = self.items.len() as f64;
        let rows: Vec<Vec<serde_json::Value>> = self
            .items
            .iter()
            .enumerate()
            .map(|(i, it)| {
                vec![
                    (i + 1).into(),
                    it.item.clone().into(),
                    json_num(Some(it.revenue)),
                    json_num(Some((i + 1) as f64 / n)),
                    json_num(Some(it.cumulative_share)),
                ]
            })
            .collect();
        write_rows(
            path,
            &[
                "rank",
                "item",
                "revenue",
                "share_of_items",
                "share_of_revenue",
            ],
            &rows,
        )
    }
}

/// Ranks the values of `Txn::item` by revenue.
pub fn pareto_of(txns: &[Txn], column: &str) -> Pareto {
    let mut rev: HashMap<&str, f64> = HashMap::new();
    for t in txns {
        if let Some(i) = &t.item {
            *rev.entry(i.as_str()).or_default() += t.amount;
        }
    }
    let mut items: Vec<(&str, f64)> = rev.iter().map(|(k, v)| (*k, *v)).collect();
    let left_out = items.iter().filter(|(_, v)| *v <= 0.0).count() as u64;
    items.retain(|(_, v)| *v > 0.0);
    items.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let total: f64 = items.iter().map(|(_, v)| v).sum();
    let mut run = 0.0;
    let items = items
        .into_iter()
        .map(|(k, v)| {
            run += v;
            ParetoItem {
                item: k.to_string(),
                revenue: v,
                cumulative_share: run / total,
            }
        })
        .collect();
    Pareto {
        column: column.to_string(),
        items,
        total_revenue: total,
        left_out,
    }
}

/// The Pareto ranking of a dataset's `column` (default: the item_id role).
pub fn pareto(
    project: &Project,
    dataset: &str,
    column: Option<&str>,
    filter: Option<&str>,
) -> Result<Pareto> {
    let info = project.dataset(dataset)?;
    let column = match column {
        Some(c) => c.to_string(),
        None => info
            .column_with_role(crate::dataset::Role::ItemId)
            .map(|c| c.name.clone())
            .ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "dataset '{dataset}' has no item_id column; name the column to rank (e.g. a product or category)"
                ))
            })?,
    };
    let (txns, _) = load_transactions(project, dataset, filter, Some(&column), false)?;
    Ok(pareto_of(&txns, &column))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(c: &str, order: &str, date: &str, item: &str, amount: f64) -> Txn {
        Txn {
            customer: c.into(),
            micros: crate::frame::parse_stored_datetime(date).unwrap(),
            order: Some(order.into()),
            amount,
            item: Some(item.into()),
        }
    }

    fn sample() -> Vec<Txn> {
        vec![
            // a: 3 orders (days 0, 10, 40); the first has two lines.
            t("a", "1", "2024-01-01 10:00:00", "x", 50.0),
            t("a", "1", "2024-01-01 10:00:00", "y", 10.0),
            t("a", "2", "2024-01-11 09:00:00", "x", 30.0),
            t("a", "3", "2024-02-10 09:00:00", "z", 5.0),
            // b: 2 orders (days 0, 100).
            t("b", "4", "2024-01-05 10:00:00", "y", 20.0),
            t("b", "5", "2024-04-14 10:00:00", "x", 20.0),
            // c: 1 order; d: 1 order with a return of item w.
            t("c", "6", "2024-03-01 10:00:00", "z", 5.0),
            t("d", "7", "2024-03-02 10:00:00", "w", -8.0),
        ]
    }

    #[test]
    fn repeat_curve_and_gaps_by_hand() {
        let r = repeat_of(&sample(), 4);
        assert_eq!(r.customers, 4);
        let c: Vec<u64> = r.curve.iter().map(|s| s.customers).collect();
        assert_eq!(c, vec![4, 2, 1, 0]);
        assert_eq!(r.curve[1].share, 0.5);
        assert_eq!(r.curve[2].from_previous, 0.5);
        // Gaps: a 10, 30; b 100.
        assert_eq!(r.median_gap_days, Some(30.0));
        assert_eq!(r.mean_gap_days, Some(140.0 / 3.0));
        assert_eq!(r.median_days_to_second, Some(55.0));
        let g: Vec<u64> = r.gaps.iter().map(|b| b.gaps).collect();
        assert_eq!(g, vec![0, 1, 1, 0, 0, 1, 0, 0]);
    }

    #[test]
    fn pareto_by_hand() {
        let p = pareto_of(&sample(), "item");
        // x 100, y 30, z 10; w is negative and left out.
        let names: Vec<&str> = p.items.iter().map(|i| i.item.as_str()).collect();
        assert_eq!(names, vec!["x", "y", "z"]);
        assert_eq!(p.total_revenue, 140.0);
        assert_eq!(p.left_out, 1);
        assert!((p.share_of_top(1.0 / 3.0) - 100.0 / 140.0).abs() < 1e-12);
        assert!((p.share_of_top(0.5) - 130.0 / 140.0).abs() < 1e-12);
        assert_eq!(p.share_of_top(1.0), 1.0);
        assert_eq!(p.items_for(0.7), 1);
        assert_eq!(p.items_for(0.8), 2);
    }
}
