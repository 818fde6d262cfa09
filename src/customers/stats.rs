//! Per-customer figures from the scanned lines: orders, revenue, items, favourites, preferred
//! channel, hour and weekday, and returns.
//!
//! Rules (the customer table's documentation repeats them):
//! * Purchases are the lines that are not returns (see [`super::scan`]); orders, items, revenue
//!   and every preference count purchases only.
//! * `items`: the summed quantity of the purchase lines (the number of lines when the dataset has
//!   no quantity).
//! * Favourite item and category: the one with the highest revenue; equal revenues (to 6
//!   decimals) go to the alphabetically first name.
//! * Preferred channel, hour and weekday: the one with the most distinct orders; ties go to the
//!   alphabetically first channel, the earliest hour, the earliest weekday (Monday first).
//! * Returns: distinct orders with a return line; the summed absolute quantity and amount of the
//!   return lines.

use super::scan::{CustomerLines, Interner, Line, NO_HOUR, NONE};

/// Weekday names, Monday first, as written in the customer table.
pub const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// A sum with Neumaier's compensation, as SQLite's sum() does, so totals agree with SQL.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sum {
    total: f64,
    compensation: f64,
    /// Terms added through [`Sum::add_line`] (zero amounts count: the key was seen).
    terms: u32,
}

impl Sum {
    pub fn add(&mut self, x: f64) {
        let t = self.total + x;
        self.compensation += if self.total.abs() >= x.abs() {
            (self.total - t) + x
        } else {
            (x - t) + self.total
        };
        self.total = t;
    }
    pub fn value(self) -> f64 {
        self.total + self.compensation
    }
    fn add_line(&mut self, x: f64) {
        self.add(x);
        self.terms += 1;
    }
    fn is_empty(&self) -> bool {
        self.terms == 0
    }
}

/// One customer's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerStats {
    pub first_day: i32,
    pub last_day: i32,
    pub orders: u64,
    /// Distinct days with a purchase (the lifetime-value models' purchase occasions).
    pub purchase_days: u64,
    pub revenue: f64,
    pub items: f64,
    pub favourite_item: Option<u32>,
    pub favourite_category: Option<u32>,
    pub preferred_channel: Option<u32>,
    pub preferred_hour: Option<u8>,
    /// 0 = Monday.
    pub preferred_weekday: Option<u8>,
    pub return_orders: u64,
    pub returned_items: f64,
    pub returned_amount: f64,
}

/// Day of the week of a day number, 0 = Monday (1970-01-01 was a Thursday).
pub fn weekday(day: i32) -> u8 {
    (day + 3).rem_euclid(7) as u8
}

/// Per-key sums reused from customer to customer: one slot per interned text, and the keys a
/// customer touched, so each customer costs its own lines, not the number of texts.
#[derive(Debug, Default)]
pub struct Scratch {
    sums: Vec<Sum>,
    touched: Vec<u32>,
}

/// The key with the highest revenue; ties to the alphabetically first name. Each key's amounts
/// are added in row order, so the sum is the one SQL gives.
fn top_by_revenue(
    lines: &[&Line],
    key: impl Fn(&Line) -> u32,
    names: &Interner,
    scratch: &mut Scratch,
) -> Option<u32> {
    if scratch.sums.len() < names.len() {
        scratch.sums.resize(names.len(), Sum::default());
    }
    scratch.touched.clear();
    for l in lines {
        let k = key(l);
        let Some(sum) = scratch.sums.get_mut(k as usize) else {
            continue; // NONE, or a number the names do not know
        };
        if sum.is_empty() {
            scratch.touched.push(k);
        }
        sum.add_line(l.amount);
    }
    let mut best: Option<(u32, f64)> = None;
    for &k in &scratch.touched {
        let sum = std::mem::take(&mut scratch.sums[k as usize]);
        let v = (sum.value() * 1e6).round();
        let better = match best {
            None => true,
            Some((bk, bv)) => v > bv || (v == bv && names.name(k) < names.name(bk)),
        };
        if better {
            best = Some((k, v));
        }
    }
    best.map(|b| b.0)
}

/// The value with the most distinct orders; ties to the one `first` prefers. `by_order` holds
/// the lines sorted by order, so each order's lines are consecutive and an order counts once
/// per value.
fn top_by_orders<K: Copy + Ord>(
    by_order: &[&Line],
    key: impl Fn(&Line) -> Option<K>,
    first: impl Fn(K, K) -> bool,
) -> Option<K> {
    // (value, orders, last order counted): few values per customer, so a list beats a map;
    // beyond a few dozen values, sorting the (value, order) pairs does.
    const LIST_LIMIT: usize = 48;
    let mut counts: Vec<(K, usize, u32)> = Vec::new();
    for l in by_order {
        let Some(k) = key(l) else { continue };
        let full = counts.len() == LIST_LIMIT;
        match counts.iter_mut().find(|c| c.0 == k) {
            Some(c) if c.2 == l.order => {}
            Some(c) => {
                c.1 += 1;
                c.2 = l.order;
            }
            None if full => {
                counts = counts_by_sorting(by_order, &key);
                break;
            }
            None => counts.push((k, 1, l.order)),
        }
    }
    let mut best: Option<(K, usize)> = None;
    for &(k, n, _) in &counts {
        let better = match best {
            None => true,
            Some((bk, bn)) => n > bn || (n == bn && first(k, bk)),
        };
        if better {
            best = Some((k, n));
        }
    }
    best.map(|b| b.0)
}

/// Distinct orders per value, by sorting the (value, order) pairs.
fn counts_by_sorting<K: Copy + Ord>(
    lines: &[&Line],
    key: &impl Fn(&Line) -> Option<K>,
) -> Vec<(K, usize, u32)> {
    let mut pairs: Vec<(K, u32)> = lines
        .iter()
        .filter_map(|l| Some((key(l)?, l.order)))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let mut counts: Vec<(K, usize, u32)> = Vec::new();
    for (k, o) in pairs {
        match counts.last_mut() {
            Some(c) if c.0 == k => c.1 += 1,
            _ => counts.push((k, 1, o)),
        }
    }
    counts
}

fn distinct_orders<'a>(lines: impl Iterator<Item = &'a &'a Line>) -> u64 {
    let mut o: Vec<u32> = lines.map(|l| l.order).collect();
    o.sort_unstable();
    o.dedup();
    o.len() as u64
}

/// The figures of one customer, or `None` when they have no purchase line.
pub fn customer_stats(
    c: &CustomerLines,
    items: &Interner,
    categories: &Interner,
    channels: &Interner,
    scratch: &mut Scratch,
) -> Option<CustomerStats> {
    let (purchases, returns): (Vec<&Line>, Vec<&Line>) = c.lines.iter().partition(|l| !l.is_return);
    let first_day = purchases.iter().map(|l| l.day).min()?;
    let last_day = purchases.iter().map(|l| l.day).max()?;
    let mut revenue = Sum::default();
    let mut items_sum = Sum::default();
    for l in &purchases {
        revenue.add(l.amount);
        items_sum.add(l.quantity);
    }
    let mut returned_items = Sum::default();
    let mut returned_amount = Sum::default();
    for l in &returns {
        returned_items.add(l.quantity.abs());
        returned_amount.add(l.amount.abs());
    }
    let mut by_order = purchases.clone();
    // Stable, and nearly free when each order's lines already come together, as they usually do.
    by_order.sort_by_key(|l| l.order);
    let orders = 1 + by_order
        .windows(2)
        .filter(|w| w[0].order != w[1].order)
        .count() as u64;
    Some(CustomerStats {
        first_day,
        last_day,
        orders,
        purchase_days: {
            let mut d: Vec<i32> = purchases.iter().map(|l| l.day).collect();
            d.sort_unstable();
            d.dedup();
            d.len() as u64
        },
        revenue: revenue.value(),
        items: items_sum.value(),
        favourite_item: top_by_revenue(&purchases, |l| l.item, items, scratch),
        favourite_category: top_by_revenue(&purchases, |l| l.category, categories, scratch),
        preferred_channel: top_by_orders(
            &by_order,
            |l| (l.channel != NONE).then_some(l.channel),
            |a, b| channels.name(a) < channels.name(b),
        ),
        preferred_hour: top_by_orders(
            &by_order,
            |l| (l.hour != NO_HOUR).then_some(l.hour),
            |a, b| a < b,
        ),
        preferred_weekday: top_by_orders(&by_order, |l| Some(weekday(l.day)), |a, b| a < b),
        return_orders: distinct_orders(returns.iter()),
        returned_items: returned_items.value(),
        returned_amount: returned_amount.value(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_and_sums() {
        assert_eq!(WEEKDAYS[weekday(0) as usize], "Thu");
        assert_eq!(WEEKDAYS[weekday(-1) as usize], "Wed");
        // 2024-03-11 was a Monday.
        let d = (chrono::NaiveDate::from_ymd_opt(2024, 3, 11).unwrap()
            - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap())
        .num_days() as i32;
        assert_eq!(weekday(d), 0);
        let mut s = Sum::default();
        for x in [1e16, 1.0, -1e16] {
            s.add(x);
        }
        assert_eq!(s.value(), 1.0);
    }
}
