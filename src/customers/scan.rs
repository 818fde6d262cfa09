//! One scan of a transactions dataset, grouped by customer: every line the customer table needs,
//! with its texts (order, item, category, channel) interned to numbers so the per-customer work
//! after the scan allocates nothing per line.
//!
//! A line is a **return** (a return or a cancellation; the data rarely tells them apart) when its
//! quantity or its amount is negative. Every other line is a purchase. Online Retail's cancelled
//! invoices (order ids `C536379` …) all carry negative quantities, so they are returns by this
//! rule; the order id itself is not read for it, because ordinary ids may start with C too.

use super::columns::TransactionColumns;
use crate::dataset::{DatasetInfo, Role};
use crate::frame::parse_stored_date;
use crate::store::{Project, quote_ident};
use crate::{Error, Result};
use polars::prelude::PlHashMap;
use rusqlite::types::ValueRef;

/// No value (an interned text or an hour).
pub const NONE: u32 = u32::MAX;
pub const NO_HOUR: u8 = u8::MAX;

/// Texts numbered in order of first appearance.
#[derive(Debug, Default)]
pub struct Interner {
    map: PlHashMap<Box<[u8]>, u32>,
    names: Vec<String>,
    /// The last text looked up and its number: consecutive lines often repeat a value.
    last: Option<(Vec<u8>, u32)>,
}

impl Interner {
    pub fn id(&mut self, bytes: &[u8]) -> u32 {
        if let Some((b, id)) = &self.last
            && b.as_slice() == bytes
        {
            return *id;
        }
        let id = match self.map.get(bytes) {
            Some(&id) => id,
            None => {
                let id = self.names.len() as u32;
                self.map.insert(bytes.into(), id);
                self.names.push(String::from_utf8_lossy(bytes).into_owned());
                id
            }
        };
        match &mut self.last {
            Some((b, i)) => {
                b.clear();
                b.extend_from_slice(bytes);
                *i = id;
            }
            None => self.last = Some((bytes.to_vec(), id)),
        }
        id
    }

    /// The number of a text seen before, without numbering a new one.
    pub fn get(&self, text: &str) -> Option<u32> {
        self.map.get(text.as_bytes()).copied()
    }

    pub fn name(&self, id: u32) -> Option<&str> {
        self.names.get(id as usize).map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// One transaction line of a customer.
#[derive(Debug, Clone, Copy)]
pub struct Line {
    /// The order id (or the timestamp without one), numbered by [`Scan::orders`]; ids are told
    /// apart per customer, so equal numbers of two customers are two orders.
    pub order: u32,
    /// Days since 1970-01-01.
    pub day: i32,
    /// Hour of day 0–23, or [`NO_HOUR`] for a date without a time.
    pub hour: u8,
    pub item: u32,
    /// The item id, numbered by [`Scan::item_ids`] ([`NONE`] without one).
    pub item_id: u32,
    pub category: u32,
    pub channel: u32,
    pub amount: f64,
    /// The quantity; 1 per line when the dataset has none.
    pub quantity: f64,
    pub is_return: bool,
}

/// The lines of one customer, in the dataset's row order.
#[derive(Debug)]
pub struct CustomerLines {
    pub id: String,
    pub lines: Vec<Line>,
}

/// What the scan found.
#[derive(Debug, Default)]
pub struct Scan {
    pub customers: Vec<CustomerLines>,
    pub orders: Interner,
    pub items: Interner,
    /// Item ids (the item_id role), when the dataset has them.
    pub item_ids: Interner,
    pub categories: Interner,
    pub channels: Interner,
    /// Rows without a customer or a readable date.
    pub skipped_rows: u64,
    /// Whether the timestamps carry a time of day.
    pub has_time: bool,
    pub has_quantity: bool,
}

/// What to read.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// Only lines before this day (days since 1970-01-01).
    pub before_day: Option<i32>,
    /// Only rows satisfying this SQL condition.
    pub filter: Option<String>,
    /// A dataset with the roles item_id and category, to find the category of each line when
    /// the transactions have none. A product listed with several categories takes the
    /// alphabetically first.
    pub products: Option<String>,
}

/// Days since 1970-01-01 of `YYYY-MM-DD…` without chrono's parser (the scan's hot path), falling
/// back to it for anything unusual.
fn day_of(b: &[u8]) -> Option<i32> {
    let digits = |r: std::ops::Range<usize>| -> Option<i64> {
        let mut v = 0i64;
        for &c in b.get(r)? {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + i64::from(c - b'0');
        }
        Some(v)
    };
    let fast = (|| {
        if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return None;
        }
        let (y, m, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
            return None;
        }
        Some(days_from_civil(y, m, d) as i32)
    })();
    fast.or_else(|| std::str::from_utf8(b).ok().and_then(parse_stored_date))
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's days_from_civil.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The hour of `YYYY-MM-DD HH…`, or [`NO_HOUR`].
fn hour_of(b: &[u8]) -> u8 {
    match (b.get(10), b.get(11), b.get(12)) {
        (Some(b' ' | b'T'), Some(h1 @ b'0'..=b'2'), Some(h2 @ b'0'..=b'9')) => {
            let h = (h1 - b'0') * 10 + (h2 - b'0');
            if h < 24 { h } else { NO_HOUR }
        }
        _ => NO_HOUR,
    }
}

fn number(v: ValueRef<'_>) -> Option<f64> {
    match v {
        ValueRef::Integer(i) => Some(i as f64),
        ValueRef::Real(f) => Some(f),
        ValueRef::Text(t) => std::str::from_utf8(t).ok()?.trim().parse().ok(),
        _ => None,
    }
}

fn text(v: ValueRef<'_>) -> Option<&[u8]> {
    match v {
        ValueRef::Text(t) if !t.is_empty() => Some(t),
        _ => None,
    }
}

/// Category by product id, from a products dataset.
fn product_categories(
    project: &Project,
    products: &str,
    categories: &mut Interner,
) -> Result<PlHashMap<Box<[u8]>, u32>> {
    let info = project.dataset(products)?;
    let need = |role: Role| {
        info.column_with_role(role)
            .map(|c| quote_ident(&c.name))
            .ok_or_else(|| super::columns::missing_role(products, role))
    };
    let (item, category) = (need(Role::ItemId)?, need(Role::Category)?);
    let sql = format!(
        "SELECT CAST({item} AS TEXT), MIN(CAST({category} AS TEXT)) FROM {} \
         WHERE {item} IS NOT NULL AND {category} IS NOT NULL GROUP BY 1",
        quote_ident(&info.name)
    );
    let mut stmt = project.conn().prepare(&sql)?;
    let mut rows = stmt.query([])?;
    let mut map = PlHashMap::default();
    while let Some(r) = rows.next()? {
        if let (Some(i), Some(c)) = (text(r.get_ref(0)?), text(r.get_ref(1)?)) {
            let c = categories.id(c);
            map.insert(i.into(), c);
        }
    }
    Ok(map)
}

/// Reads the lines of `info` grouped by customer.
pub fn scan(
    project: &Project,
    info: &DatasetInfo,
    cols: &TransactionColumns,
    opts: &ScanOptions,
) -> Result<Scan> {
    let mut out = Scan {
        has_quantity: cols.quantity.is_some(),
        has_time: info
            .column_with_role(Role::Timestamp)
            .is_some_and(|c| c.ty == crate::dataset::ColumnType::Datetime),
        ..Scan::default()
    };
    let products = match (&opts.products, &cols.category, &cols.item_id) {
        (Some(p), None, Some(_)) => Some(product_categories(project, p, &mut out.categories)?),
        _ => None,
    };
    let as_text = |c: &Option<String>| {
        c.as_deref()
            .map(|c| format!("CAST({c} AS TEXT)"))
            .unwrap_or_else(|| "NULL".into())
    };
    // Without an order id, each distinct timestamp of a customer is one order.
    let order = cols.order.clone().unwrap_or_else(|| cols.timestamp.clone());
    let filter = opts
        .filter
        .as_deref()
        .map(|f| format!(" WHERE ({f})"))
        .unwrap_or_default();
    let sql = format!(
        "SELECT CAST({} AS TEXT), {}, CAST({order} AS TEXT), {}, {}, {}, {}, {}, {} FROM {}{filter}",
        cols.customer,
        cols.timestamp,
        cols.amount.as_deref().unwrap_or("NULL"),
        cols.quantity.as_deref().unwrap_or("NULL"),
        as_text(&cols.item),
        as_text(&cols.category),
        as_text(&cols.channel),
        as_text(&cols.item_id),
        quote_ident(&info.name),
    );
    let conn = project.conn();
    let mut stmt = conn.prepare(&sql).map_err(|e| {
        Error::InvalidArgument(format!(
            "cannot read dataset '{}' for the customer table: {e}",
            info.name
        ))
    })?;
    let mut rows = stmt.query([])?;
    let mut customers = Interner::default();
    while let Some(r) = rows.next()? {
        let (Some(id), Some(ts)) = (text(r.get_ref(0)?), text(r.get_ref(1)?)) else {
            out.skipped_rows += 1;
            continue;
        };
        let Some(day) = day_of(ts).filter(|_| !id.iter().all(u8::is_ascii_whitespace)) else {
            out.skipped_rows += 1;
            continue;
        };
        if opts.before_day.is_some_and(|l| day >= l) {
            continue;
        }
        let c = customers.id(id);
        if c as usize == out.customers.len() {
            out.customers.push(CustomerLines {
                id: String::from_utf8_lossy(id).into_owned(),
                lines: Vec::new(),
            });
        }
        let order_bytes = text(r.get_ref(2)?).unwrap_or(b"");
        let order = out.orders.id(order_bytes);
        let amount = number(r.get_ref(3)?);
        let quantity = if out.has_quantity {
            number(r.get_ref(4)?)
        } else {
            Some(1.0)
        };
        let is_return = quantity.is_some_and(|q| q < 0.0) || amount.is_some_and(|a| a < 0.0);
        let item = text(r.get_ref(5)?).map_or(NONE, |b| out.items.id(b));
        let item_id_text = text(r.get_ref(8)?);
        let item_id = item_id_text.map_or(NONE, |b| out.item_ids.id(b));
        let category = match (&products, text(r.get_ref(6)?)) {
            (_, Some(b)) => out.categories.id(b),
            (Some(p), None) => item_id_text.and_then(|i| p.get(i).copied()).unwrap_or(NONE),
            (None, None) => NONE,
        };
        let channel = text(r.get_ref(7)?).map_or(NONE, |b| out.channels.id(b));
        out.customers[c as usize].lines.push(Line {
            order,
            day,
            hour: if out.has_time { hour_of(ts) } else { NO_HOUR },
            item,
            item_id,
            category,
            channel,
            amount: amount.unwrap_or(0.0),
            quantity: quantity.unwrap_or(0.0),
            is_return,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_hours_and_cancellations() {
        assert_eq!(day_of(b"1970-01-01"), Some(0));
        assert_eq!(
            day_of(b"2011-12-09 12:50:00"),
            parse_stored_date("2011-12-09")
        );
        assert_eq!(day_of(b"2024-02-29"), parse_stored_date("2024-02-29"));
        assert_eq!(day_of(b"1969-12-31"), Some(-1));
        assert_eq!(day_of(b"2023-02-29"), None);
        assert_eq!(day_of(b"not a date"), None);
        assert_eq!(hour_of(b"2011-12-09 12:50:00"), 12);
        assert_eq!(hour_of(b"2011-12-09T07:00"), 7);
        assert_eq!(hour_of(b"2011-12-09"), NO_HOUR);
        let mut i = Interner::default();
        assert_eq!(
            (i.id(b"x"), i.id(b"y"), i.id(b"x"), i.id(b"x")),
            (0, 1, 0, 0)
        );
        assert_eq!(i.name(1), Some("y"));
    }
}
