//! The customer × item matrix of implicit feedback that the models learn from, in compressed
//! sparse rows, with its transpose, each item's buyers and the orders as baskets.

use super::interactions::{Interactions, Purchase};
use serde::Serialize;

/// How a customer's purchases of an item become one number r (always above zero).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Weighting {
    /// r = 1 for every item bought.
    #[default]
    Binary,
    /// r = ln(1 + units bought): a wholesale order of 500 counts about 9 times one unit, not
    /// 500 times.
    Quantity,
    /// r = Σ over the lines of 2^(−age / half-life), the age in days before the last day of the
    /// data: a purchase a half-life ago counts half of one today.
    Recency { half_life_days: f64 },
}

/// A sparse matrix in compressed sparse rows: row r holds `indices[indptr[r]..indptr[r + 1]]`
/// (ascending) with `values` at the same places.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Csr {
    pub indptr: Vec<usize>,
    pub indices: Vec<u32>,
    pub values: Vec<f64>,
    pub cols: usize,
}

impl Csr {
    pub fn rows(&self) -> usize {
        self.indptr.len().saturating_sub(1)
    }

    pub fn nnz(&self) -> usize {
        self.indices.len()
    }

    /// The columns and values of row `r` (empty for a row out of range).
    pub fn row(&self, r: usize) -> (&[u32], &[f64]) {
        match (self.indptr.get(r), self.indptr.get(r + 1)) {
            (Some(&a), Some(&b)) => (&self.indices[a..b], &self.values[a..b]),
            _ => (&[], &[]),
        }
    }

    /// The value at (r, c), or 0.
    pub fn get(&self, r: usize, c: u32) -> f64 {
        let (idx, val) = self.row(r);
        idx.binary_search(&c).map_or(0.0, |k| val[k])
    }

    pub fn transpose(&self) -> Csr {
        let mut counts = vec![0usize; self.cols + 1];
        for &c in &self.indices {
            counts[c as usize + 1] += 1;
        }
        for k in 1..counts.len() {
            counts[k] += counts[k - 1];
        }
        let indptr = counts.clone();
        let mut next = counts;
        let mut indices = vec![0u32; self.nnz()];
        let mut values = vec![0.0; self.nnz()];
        // Rows are visited in order, so each transposed row comes out ascending.
        for r in 0..self.rows() {
            let (idx, val) = self.row(r);
            for (&c, &v) in idx.iter().zip(val) {
                let at = &mut next[c as usize];
                indices[*at] = r as u32;
                values[*at] = v;
                *at += 1;
            }
        }
        Csr {
            indptr,
            indices,
            values,
            cols: self.rows(),
        }
    }
}

/// What the models learn from: the purchases of a period, weighted.
#[derive(Debug, Clone, Default)]
pub struct TrainSet {
    /// Customer × item: r of each item the customer bought. Every customer of the
    /// [`Interactions`] has a row (empty when they bought nothing in the period).
    pub user_items: Csr,
    /// Item × customer: the transpose.
    pub item_users: Csr,
    /// Distinct customers who bought each item.
    pub buyers: Vec<u32>,
    /// Customers with at least one purchase.
    pub active_customers: u32,
    /// One basket per order: its distinct items, ascending.
    pub baskets: Vec<Vec<u32>>,
    /// The last day of the period's purchases.
    pub last_day: i32,
}

impl TrainSet {
    /// The matrix of the lines for which `keep` holds.
    pub fn new(
        inter: &Interactions,
        keep: impl Fn(&Purchase) -> bool,
        weighting: Weighting,
    ) -> TrainSet {
        let lines: Vec<&Purchase> = inter.lines.iter().filter(|l| keep(l)).collect();
        let last_day = lines.iter().map(|l| l.day).max().unwrap_or(0);
        let (n_users, n_items) = (inter.customers.len(), inter.items.len());
        // Lines grouped by customer (a counting sort), then by item within a customer.
        let mut start = vec![0usize; n_users + 1];
        for l in &lines {
            start[l.customer as usize + 1] += 1;
        }
        for k in 1..start.len() {
            start[k] += start[k - 1];
        }
        let mut next = start.clone();
        let mut by_user = vec![0usize; lines.len()];
        for (k, l) in lines.iter().enumerate() {
            let at = &mut next[l.customer as usize];
            by_user[*at] = k;
            *at += 1;
        }
        let line_weight = |l: &Purchase| match weighting {
            Weighting::Binary => 1.0,
            Weighting::Quantity => l.quantity.max(0.0),
            Weighting::Recency { half_life_days } => {
                let age = f64::from(last_day - l.day).max(0.0);
                (-age / half_life_days.max(1e-9)).exp2()
            }
        };
        let mut indptr = Vec::with_capacity(n_users + 1);
        indptr.push(0);
        let (mut indices, mut values) = (Vec::new(), Vec::new());
        for u in 0..n_users {
            let group = &mut by_user[start[u]..start[u + 1]];
            group.sort_by_key(|&k| lines[k].item);
            let mut k = 0;
            while k < group.len() {
                let item = lines[group[k]].item;
                let mut sum = 0.0;
                while k < group.len() && lines[group[k]].item == item {
                    sum += line_weight(lines[group[k]]);
                    k += 1;
                }
                let r = match weighting {
                    Weighting::Binary => 1.0,
                    Weighting::Quantity => sum.ln_1p(),
                    Weighting::Recency { .. } => sum,
                };
                indices.push(item);
                // A line of zero units still says the item was bought.
                values.push(if r > 0.0 { r } else { f64::MIN_POSITIVE });
            }
            indptr.push(indices.len());
        }
        let user_items = Csr {
            indptr,
            indices,
            values,
            cols: n_items,
        };
        let item_users = user_items.transpose();
        let buyers = (0..n_items)
            .map(|i| item_users.row(i).0.len() as u32)
            .collect();
        let active_customers = (0..n_users)
            .filter(|&u| !user_items.row(u).0.is_empty())
            .count() as u32;
        TrainSet {
            baskets: baskets(&lines, inter.orders),
            user_items,
            item_users,
            buyers,
            active_customers,
            last_day,
        }
    }

    pub fn customers(&self) -> usize {
        self.user_items.rows()
    }

    pub fn items(&self) -> usize {
        self.user_items.cols
    }
}

/// The distinct items of each order that has lines.
fn baskets(lines: &[&Purchase], orders: usize) -> Vec<Vec<u32>> {
    let mut by_order: Vec<Vec<u32>> = vec![Vec::new(); orders];
    for l in lines {
        if let Some(b) = by_order.get_mut(l.order as usize) {
            b.push(l.item);
        }
    }
    by_order
        .into_iter()
        .filter(|b| !b.is_empty())
        .map(|mut b| {
            b.sort_unstable();
            b.dedup();
            b
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recommend::interactions::{InteractionsBuilder, RawLine};

    fn data() -> Interactions {
        let mut b = InteractionsBuilder::new();
        for (c, i, o, day, q) in [
            ("u0", "a", "o1", 0, 3.0),
            ("u0", "b", "o1", 0, 1.0),
            ("u1", "b", "o2", 10, 2.0),
            ("u0", "a", "o3", 10, 1.0),
            ("u2", "c", "o4", 20, 1.0),
        ] {
            b.push(RawLine {
                customer: c,
                item: i,
                description: None,
                order: Some(o),
                time: "",
                day,
                quantity: q,
            });
        }
        b.finish()
    }

    #[test]
    fn weights_transpose_and_baskets() {
        let inter = data();
        let t = TrainSet::new(&inter, |l| l.day < 20, Weighting::Binary);
        assert_eq!(t.customers(), 3);
        assert_eq!(t.user_items.row(0), (&[0u32, 1][..], &[1.0, 1.0][..]));
        assert_eq!(t.user_items.row(2).0.len(), 0, "u2 bought only on day 20");
        assert_eq!(t.buyers, [1, 2, 0]);
        assert_eq!(t.active_customers, 2);
        assert_eq!(t.baskets, [vec![0, 1], vec![1], vec![0]]);
        assert_eq!(t.item_users.row(1).0, &[0, 1]);
        assert_eq!(t.item_users.transpose(), t.user_items);
        let q = TrainSet::new(&inter, |_| true, Weighting::Quantity);
        assert!((q.user_items.get(0, 0) - 5f64.ln()).abs() < 1e-12);
        assert!((q.user_items.get(1, 1) - 3f64.ln()).abs() < 1e-12);
        let r = TrainSet::new(
            &inter,
            |_| true,
            Weighting::Recency {
                half_life_days: 10.0,
            },
        );
        // u0 bought a on day 0 (age 20: 1/4) and day 10 (age 10: 1/2).
        assert!((r.user_items.get(0, 0) - 0.75).abs() < 1e-12);
        assert!((r.user_items.get(2, 2) - 1.0).abs() < 1e-12);
        assert_eq!(r.user_items.get(2, 0), 0.0);
    }
}
