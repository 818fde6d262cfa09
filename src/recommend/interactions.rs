//! Purchases as implicit feedback: who bought what, when, how many, in which order.
//!
//! Read from a transactions dataset by its roles (customer_id, timestamp, item_id or item_name,
//! and when present order_id, quantity, amount or quantity × unit_price), or built from plain
//! values with [`InteractionsBuilder`]. Customers, items and orders are numbered in order of
//! first appearance; every model and recommendation speaks of them by these numbers.

use super::reasons::ItemLabel;
use crate::customers::columns::TransactionColumns;
use crate::customers::scan::Interner;
use crate::dataset::Role;
use crate::error::{Error, Result};
use crate::progress::{Reporter, Stage, Unit};
use crate::store::{Project, quote_ident};
use rusqlite::types::ValueRef;
use std::collections::HashMap;

/// One purchase line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Purchase {
    pub customer: u32,
    pub item: u32,
    /// The order (basket) it belongs to.
    pub order: u32,
    /// Days since 1970-01-01.
    pub day: i32,
    /// Units bought (1 when the dataset has no quantity).
    pub quantity: f64,
}

/// Purchase lines with the names behind their numbers.
#[derive(Debug, Clone, Default)]
pub struct Interactions {
    /// Customer ids as written in the data, by number.
    pub customers: Vec<String>,
    /// Item ids (the item_id column, else the item name), by number.
    pub items: Vec<String>,
    /// Each item's most frequent description (item_name, when the dataset also has an item_id);
    /// ties go to the alphabetically first.
    pub descriptions: Vec<Option<String>>,
    pub lines: Vec<Purchase>,
    /// Number of distinct orders.
    pub orders: usize,
    /// Rows without a customer, an item or a readable date.
    pub skipped_rows: u64,
    /// Rows that are not purchases: a quantity or an amount of zero or less (returns,
    /// cancellations, free lines).
    pub not_purchases: u64,
}

impl Interactions {
    /// The item's id and description, for reasons and output.
    pub fn label(&self, item: u32) -> ItemLabel {
        let i = item as usize;
        ItemLabel {
            id: self.items.get(i).cloned().unwrap_or_default(),
            description: self.descriptions.get(i).cloned().flatten(),
        }
    }

    /// Customer numbers by id.
    pub fn customer_numbers(&self) -> HashMap<&str, u32> {
        self.customers
            .iter()
            .enumerate()
            .map(|(i, c)| (c.as_str(), i as u32))
            .collect()
    }

    /// The first and last day with a purchase.
    pub fn day_range(&self) -> Option<(i32, i32)> {
        let lo = self.lines.iter().map(|l| l.day).min()?;
        let hi = self.lines.iter().map(|l| l.day).max()?;
        Some((lo, hi))
    }

    /// Resolves customer ids to numbers: the numbers found (in the order given, each once) and
    /// the ids not in the data. An id not found as written is tried without a trailing `.0`
    /// (spreadsheets write `17850` as `17850.0`).
    pub fn resolve_customers<S: AsRef<str>>(&self, ids: &[S]) -> (Vec<u32>, Vec<String>) {
        let index = self.customer_numbers();
        let mut seen = std::collections::HashSet::new();
        let (mut found, mut unknown) = (Vec::new(), Vec::new());
        for id in ids {
            let id = id.as_ref().trim();
            let hit = index
                .get(id)
                .or_else(|| id.strip_suffix(".0").and_then(|s| index.get(s)));
            match hit {
                Some(&c) => {
                    if seen.insert(c) {
                        found.push(c);
                    }
                }
                None => unknown.push(id.to_string()),
            }
        }
        (found, unknown)
    }
}

/// A purchase line as plain values, for [`InteractionsBuilder::push`].
#[derive(Debug, Clone, Copy)]
pub struct RawLine<'a> {
    pub customer: &'a str,
    pub item: &'a str,
    pub description: Option<&'a str>,
    /// The order id; without one, the customer's lines at the same `time` form one order.
    pub order: Option<&'a str>,
    /// The moment as written (only read to tell orders apart when there is no order id).
    pub time: &'a str,
    /// Days since 1970-01-01.
    pub day: i32,
    pub quantity: f64,
}

/// Builds [`Interactions`] from plain values, line by line.
#[derive(Debug, Default)]
pub struct InteractionsBuilder {
    customers: Interner,
    items: Interner,
    orders: Interner,
    descriptions: Interner,
    /// (item, description) → lines.
    description_counts: HashMap<(u32, u32), u32>,
    lines: Vec<Purchase>,
    key: Vec<u8>,
    pub skipped_rows: u64,
    pub not_purchases: u64,
}

impl InteractionsBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a purchase line.
    pub fn push(&mut self, line: RawLine<'_>) {
        let RawLine {
            customer,
            item,
            description,
            order,
            time,
            day,
            quantity,
        } = line;
        let customer_id = self.customers.id(customer.as_bytes());
        let item_id = self.items.id(item.as_bytes());
        self.key.clear();
        match order {
            Some(o) => self.key.extend_from_slice(o.as_bytes()),
            None => {
                // A separator (unit separator, not found in ids) keeps ("a", "bc") from ("ab", "c").
                self.key.extend_from_slice(customer.as_bytes());
                self.key.push(0x1f);
                self.key.extend_from_slice(time.as_bytes());
            }
        }
        let order_id = self.orders.id(&self.key);
        if let Some(d) = description.map(str::trim).filter(|d| !d.is_empty()) {
            let d = self.descriptions.id(d.as_bytes());
            *self.description_counts.entry((item_id, d)).or_default() += 1;
        }
        self.lines.push(Purchase {
            customer: customer_id,
            item: item_id,
            order: order_id,
            day,
            quantity,
        });
    }

    pub fn finish(self) -> Interactions {
        let names = |i: &Interner| -> Vec<String> {
            (0..i.len() as u32)
                .map(|k| i.name(k).unwrap_or_default().to_string())
                .collect()
        };
        let mut best: Vec<Option<(u32, u32)>> = vec![None; self.items.len()];
        let desc = |d: u32| self.descriptions.name(d).unwrap_or_default();
        for (&(item, d), &n) in &self.description_counts {
            let slot = &mut best[item as usize];
            let better = match *slot {
                None => true,
                Some((bd, bn)) => n > bn || (n == bn && desc(d) < desc(bd)),
            };
            if better {
                *slot = Some((d, n));
            }
        }
        Interactions {
            customers: names(&self.customers),
            items: names(&self.items),
            descriptions: best
                .into_iter()
                .map(|b| b.map(|(d, _)| desc(d).to_string()))
                .collect(),
            orders: self.orders.len(),
            lines: self.lines,
            skipped_rows: self.skipped_rows,
            not_purchases: self.not_purchases,
        }
    }
}

/// What to read.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Only rows satisfying this SQL condition, e.g. `Country = 'France'`.
    pub filter: Option<String>,
}

fn text(v: ValueRef<'_>) -> Option<&str> {
    match v {
        ValueRef::Text(t) => std::str::from_utf8(t)
            .ok()
            .map(str::trim)
            .filter(|s| !s.is_empty()),
        _ => None,
    }
}

pub(super) fn number(v: ValueRef<'_>) -> Option<f64> {
    match v {
        ValueRef::Integer(i) => Some(i as f64),
        ValueRef::Real(f) => Some(f),
        ValueRef::Text(t) => std::str::from_utf8(t).ok()?.trim().parse().ok(),
        _ => None,
    }
}

/// Reads the purchase lines of a transactions dataset. A row is a purchase when it has a
/// customer, an item and a date, and neither its quantity nor its amount (when the dataset has
/// them) is zero or less; on Online Retail that keeps exactly the usual cleaned lines (customer
/// present, no cancellation, quantity and unit price above zero).
pub fn read_interactions(
    project: &Project,
    dataset: &str,
    opts: &ReadOptions,
    rep: &Reporter,
) -> Result<Interactions> {
    read(project, dataset, opts, rep, true)
}

/// [`read_interactions`] from the SQLite rows only, never the columnar copy (the reference the
/// copy's reading is tested against).
pub fn read_interactions_sqlite(
    project: &Project,
    dataset: &str,
    opts: &ReadOptions,
    rep: &Reporter,
) -> Result<Interactions> {
    read(project, dataset, opts, rep, false)
}

fn read(
    project: &Project,
    dataset: &str,
    opts: &ReadOptions,
    rep: &Reporter,
    from_copy: bool,
) -> Result<Interactions> {
    let info = project.dataset(dataset)?;
    let cols = TransactionColumns::find(&info)?;
    if info.column_with_role(Role::ItemId).is_none()
        && info.column_with_role(Role::ItemName).is_none()
    {
        return Err(crate::customers::columns::missing_role(
            &info.name,
            Role::ItemId,
        ));
    }
    if from_copy && let Some(found) = super::from_copy::interactions(project, &info, opts, rep)? {
        return Ok(found);
    }
    read_sqlite(project, &info, &cols, opts, rep)
}

fn read_sqlite(
    project: &Project,
    info: &crate::dataset::DatasetInfo,
    cols: &TransactionColumns,
    opts: &ReadOptions,
    rep: &Reporter,
) -> Result<Interactions> {
    let quoted = |role: Role| info.column_with_role(role).map(|c| quote_ident(&c.name));
    let item = quoted(Role::ItemId)
        .or_else(|| quoted(Role::ItemName))
        .ok_or_else(|| crate::customers::columns::missing_role(&info.name, Role::ItemId))?;
    // With an item id, the item name is its description.
    let description = quoted(Role::ItemId).and(quoted(Role::ItemName));
    let as_text = |c: Option<&str>| {
        c.map(|c| format!("CAST({c} AS TEXT)"))
            .unwrap_or_else(|| "NULL".into())
    };
    let filter = opts
        .filter
        .as_deref()
        .map(|f| format!(" WHERE ({f})"))
        .unwrap_or_default();
    let sql = format!(
        "SELECT CAST({} AS TEXT), CAST({} AS TEXT), CAST({item} AS TEXT), {}, {}, {}, {} FROM {}{filter}",
        cols.customer,
        cols.timestamp,
        as_text(description.as_deref()),
        as_text(cols.order.as_deref()),
        cols.quantity.as_deref().unwrap_or("NULL"),
        cols.amount.as_deref().unwrap_or("NULL"),
        quote_ident(&info.name),
    );
    let conn = project.conn();
    let mut stmt = conn.prepare(&sql).map_err(|e| {
        Error::InvalidArgument(format!(
            "cannot read the purchases of dataset '{}': {e}",
            info.name
        ))
    })?;
    let mut rows = stmt.query([])?;
    let mut b = InteractionsBuilder::new();
    let mut seen = 0u64;
    while let Some(r) = rows.next()? {
        seen += 1;
        if seen.is_multiple_of(65_536) {
            rep.check()?;
            rep.report(
                Stage::Reading,
                seen,
                Some(info.rows),
                Unit::Rows,
                seen,
                false,
            );
        }
        let (Some(customer), Some(time), Some(item)) = (
            text(r.get_ref(0)?),
            text(r.get_ref(1)?),
            text(r.get_ref(2)?),
        ) else {
            b.skipped_rows += 1;
            continue;
        };
        let Some(day) = crate::frame::parse_stored_date(time) else {
            b.skipped_rows += 1;
            continue;
        };
        let quantity = number(r.get_ref(5)?);
        let amount = number(r.get_ref(6)?);
        if quantity.is_some_and(|q| q <= 0.0) || amount.is_some_and(|a| a <= 0.0) {
            b.not_purchases += 1;
            continue;
        }
        let description = text(r.get_ref(3)?);
        let order = text(r.get_ref(4)?);
        b.push(RawLine {
            customer,
            item,
            description,
            order,
            time,
            day,
            quantity: quantity.unwrap_or(1.0),
        });
    }
    Ok(b.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_descriptions_and_orders() {
        let mut b = InteractionsBuilder::new();
        let line = |customer, item, description, order, time, day| RawLine {
            customer,
            item,
            description,
            order,
            time,
            day,
            quantity: 1.0,
        };
        b.push(line("c1", "A", Some(" RED MUG "), Some("o1"), "t", 10));
        b.push(line("c1", "B", None, Some("o1"), "t", 10));
        b.push(line(
            "c2",
            "A",
            Some("RED MUG"),
            None,
            "2011-01-01 10:00",
            11,
        ));
        b.push(line(
            "c2",
            "A",
            Some("Red mug"),
            None,
            "2011-01-01 10:00",
            11,
        ));
        b.push(line(
            "c2",
            "A",
            Some("Red mug"),
            None,
            "2011-01-02 10:00",
            12,
        ));
        let i = b.finish();
        assert_eq!(i.customers, ["c1", "c2"]);
        assert_eq!(i.items, ["A", "B"]);
        // "RED MUG" twice (trimmed), "Red mug" twice: the tie goes to the first alphabetically.
        assert_eq!(i.descriptions, [Some("RED MUG".to_string()), None]);
        // o1; c2 at 10:00; c2 on the 2nd.
        assert_eq!(i.orders, 3);
        let orders: Vec<u32> = i.lines.iter().map(|l| l.order).collect();
        assert_eq!(orders, [0, 0, 1, 1, 2]);
        assert_eq!(i.label(1).name(), "B");
        assert_eq!(i.label(0).name(), "RED MUG");
        assert_eq!(i.day_range(), Some((10, 12)));
        let (found, unknown) = i.resolve_customers(&["c2", " c1", "c2", "c3", "c1.0"]);
        assert_eq!(found, [1, 0]);
        assert_eq!(unknown, ["c3"]);
    }
}
