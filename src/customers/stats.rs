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

/// The key with the highest revenue; ties to the alphabetically first name.
fn top_by_revenue(
    lines: &[&Line],
    key: impl Fn(&Line) -> u32,
    names: &Interner,
    scratch: &mut Vec<(u32, f64)>,
) -> Option<u32> {
    scratch.clear();
    scratch.extend(
        lines
            .iter()
            .filter(|l| key(l) != NONE)
            .map(|l| (key(l), l.amount)),
    );
    // Stable: each key's amounts keep their row order, so the sum is the one SQL gives.
    scratch.sort_by_key(|p| p.0);
    let mut best: Option<(u32, f64)> = None;
    let mut i = 0;
    while i < scratch.len() {
        let k = scratch[i].0;
        let mut s = Sum::default();
        while i < scratch.len() && scratch[i].0 == k {
            s.add(scratch[i].1);
            i += 1;
        }
        let v = (s.value() * 1e6).round();
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

/// The value with the most distinct orders; ties to the one `first` prefers.
fn top_by_orders<K: Copy + Ord>(
    lines: &[&Line],
    key: impl Fn(&Line) -> Option<K>,
    first: impl Fn(K, K) -> bool,
) -> Option<K> {
    let mut pairs: Vec<(K, u32)> = lines
        .iter()
        .filter_map(|l| Some((key(l)?, l.order)))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let mut best: Option<(K, usize)> = None;
    let mut i = 0;
    while i < pairs.len() {
        let k = pairs[i].0;
        let start = i;
        while i < pairs.len() && pairs[i].0 == k {
            i += 1;
        }
        let n = i - start;
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
    scratch: &mut Vec<(u32, f64)>,
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
    Some(CustomerStats {
        first_day,
        last_day,
        orders: distinct_orders(purchases.iter()),
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
            &purchases,
            |l| (l.channel != NONE).then_some(l.channel),
            |a, b| channels.name(a) < channels.name(b),
        ),
        preferred_hour: top_by_orders(
            &purchases,
            |l| (l.hour != NO_HOUR).then_some(l.hour),
            |a, b| a < b,
        ),
        preferred_weekday: top_by_orders(&purchases, |l| Some(weekday(l.day)), |a, b| a < b),
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
