//! One customer's card: their orders (for the purchase timeline and the last orders) and their
//! category mix, from the lines the customer table was built from.

use super::rfm::CustomerBase;
use super::scan::{CustomerLines, NO_HOUR, NONE, Scan};
use super::stats::Sum;
use chrono::NaiveDate;

/// One order of the customer (its purchase lines, or its return lines: an order with both
/// appears twice).
#[derive(Debug, Clone, PartialEq)]
pub struct CardOrder {
    pub order: String,
    /// The day of its earliest line.
    pub date: NaiveDate,
    /// Days since 1970-01-01 (for plotting).
    pub day: i32,
    pub hour: Option<u8>,
    pub lines: u32,
    pub items: f64,
    pub amount: f64,
    pub is_return: bool,
    pub channel: Option<String>,
}

/// Revenue of one category in the customer's purchases.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryShare {
    pub category: String,
    pub revenue: f64,
    /// Of the customer's purchase revenue with a category, 0–1.
    pub share: f64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct CustomerCard {
    /// Oldest first.
    pub orders: Vec<CardOrder>,
    /// Largest revenue first.
    pub categories: Vec<CategoryShare>,
}

/// The card of the table's customer `i`.
pub fn customer_card(base: &CustomerBase, i: usize) -> CustomerCard {
    match base
        .lines_of
        .get(i)
        .and_then(|&k| base.scan.customers.get(k))
    {
        Some(c) => card_of(&base.scan, c),
        None => CustomerCard::default(),
    }
}

/// The card of a customer from their lines in `scan`.
pub fn card_of(scan: &Scan, c: &CustomerLines) -> CustomerCard {
    // Orders: group by (order, return) in first-seen order.
    // (order, return) → its place in `orders`: a customer may have thousands of orders.
    let mut keys: std::collections::HashMap<(u32, bool), usize> = Default::default();
    let mut orders: Vec<(CardOrder, Sum)> = Vec::new();
    for l in &c.lines {
        let key = (l.order, l.is_return);
        let k = match keys.get(&key) {
            Some(&k) => k,
            None => {
                keys.insert(key, orders.len());
                orders.push((
                    CardOrder {
                        order: scan.orders.name(l.order).unwrap_or_default().to_string(),
                        date: date(l.day),
                        day: l.day,
                        hour: (l.hour != NO_HOUR).then_some(l.hour),
                        lines: 0,
                        items: 0.0,
                        amount: 0.0,
                        is_return: l.is_return,
                        channel: (l.channel != NONE)
                            .then(|| scan.channels.name(l.channel).map(str::to_string))
                            .flatten(),
                    },
                    Sum::default(),
                ));
                orders.len() - 1
            }
        };
        let (o, sum) = &mut orders[k];
        if l.day < o.day {
            o.day = l.day;
            o.date = date(l.day);
        }
        o.lines += 1;
        o.items += l.quantity;
        sum.add(l.amount);
    }
    let mut orders: Vec<CardOrder> = orders
        .into_iter()
        .map(|(mut o, s)| {
            o.amount = s.value();
            o
        })
        .collect();
    orders.sort_by(|a, b| (a.day, &a.order).cmp(&(b.day, &b.order)));
    // Category mix over purchase lines.
    let mut cats: Vec<(u32, f64)> = c
        .lines
        .iter()
        .filter(|l| !l.is_return && l.category != NONE)
        .map(|l| (l.category, l.amount))
        .collect();
    cats.sort_by_key(|p| p.0);
    let mut categories: Vec<CategoryShare> = Vec::new();
    for chunk in cats.chunk_by(|a, b| a.0 == b.0) {
        let mut s = Sum::default();
        for p in chunk {
            s.add(p.1);
        }
        categories.push(CategoryShare {
            category: scan
                .categories
                .name(chunk[0].0)
                .unwrap_or_default()
                .to_string(),
            revenue: s.value(),
            share: 0.0,
        });
    }
    let total: f64 = categories.iter().map(|c| c.revenue).sum();
    for c in &mut categories {
        c.share = if total > 0.0 { c.revenue / total } else { 0.0 };
    }
    categories.sort_by(|a, b| {
        b.revenue
            .total_cmp(&a.revenue)
            .then_with(|| a.category.cmp(&b.category))
    });
    CustomerCard { orders, categories }
}

fn date(day: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default() + chrono::Duration::days(day.into())
}
