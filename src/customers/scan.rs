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
#[derive(Debug, Default, Clone)]
pub struct Interner {
    map: PlHashMap<Box<[u8]>, u32>,
    names: Vec<String>,
    /// The number of the last text looked up: consecutive lines often repeat a value. (A text
    /// that is not valid UTF-8 never matches its repaired name here and is looked up instead.)
    last: Option<u32>,
}

impl Interner {
    pub fn id(&mut self, bytes: &[u8]) -> u32 {
        if let Some(id) = self.last
            && self.names[id as usize].as_bytes() == bytes
        {
            return id;
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
        self.last = Some(id);
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

    /// The texts as they were given (bytes, before any lossy UTF-8 repair), by number.
    pub fn keys(&self) -> Vec<&[u8]> {
        let mut keys: Vec<&[u8]> = vec![&[]; self.names.len()];
        for (k, &id) in &self.map {
            keys[id as usize] = k;
        }
        keys
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// One transaction line of a customer.
#[derive(Debug, Clone, Copy, PartialEq)]
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
#[derive(Debug, PartialEq)]
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
    /// Parts read in parallel: 0 chooses by the size of the dataset and the cores (large
    /// datasets only), 1 reads in one pass, N splits into N parts whatever the size.
    pub parts: usize,
    /// Only the customers whose id lies in this range (read from the columnar copy only; see
    /// [`super::passes`]).
    pub ids: Option<IdRange>,
}

/// Customer ids from `from` (inclusive) to `to` (exclusive), compared as bytes, which is the
/// order of the customer table; `None` leaves that end open. Rows without a customer or a
/// readable date belong to no range: they are counted as skipped only where `count_skipped`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IdRange {
    pub from: Option<String>,
    pub to: Option<String>,
    pub count_skipped: bool,
    /// Rows of the customers in the range (for progress).
    pub rows: u64,
}

impl IdRange {
    pub fn holds(&self, id: &[u8]) -> bool {
        self.from.as_ref().is_none_or(|f| id >= f.as_bytes())
            && self.to.as_ref().is_none_or(|t| id < t.as_bytes())
    }
}

/// Days since 1970-01-01 of `YYYY-MM-DD…` without chrono's parser (the scan's hot path), falling
/// back to it for anything unusual.
pub(super) fn day_of(b: &[u8]) -> Option<i32> {
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
        Some(crate::calendar::days_from_civil(y, m, d) as i32)
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

/// The hour of `YYYY-MM-DD HH…`, or [`NO_HOUR`].
pub(super) fn hour_of(b: &[u8]) -> u8 {
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
///
/// They come from the dataset's columnar copy ([`crate::kept::copy`], built first when it is
/// missing or stale) when it can tell them for certain ([`super::scan_copy`]); otherwise from
/// the SQLite rows. There, a large dataset is read in rowid ranges on several threads, each through its own read-only
/// connection, and the parts are joined in row order ([`super::scan_parts`]); the result is
/// the one a single pass gives, numbering included.
pub fn scan(
    project: &Project,
    info: &DatasetInfo,
    cols: &TransactionColumns,
    opts: &ScanOptions,
) -> Result<Scan> {
    scan_with(project, info, cols, opts, Source::Any)?
        .ok_or_else(|| Error::InvalidArgument("the scan found no source".into()))
}

/// As [`scan`], always from the SQLite rows (the reference the columnar copy is checked
/// against).
pub fn scan_sqlite(
    project: &Project,
    info: &DatasetInfo,
    cols: &TransactionColumns,
    opts: &ScanOptions,
) -> Result<Scan> {
    scan_with(project, info, cols, opts, Source::Sqlite)?
        .ok_or_else(|| Error::InvalidArgument("the scan found no source".into()))
}

/// As [`scan`], only from the dataset's columnar copy: `None` when the copy cannot answer for
/// certain (see [`super::scan_copy`]).
pub fn scan_from_copy(
    project: &Project,
    info: &DatasetInfo,
    cols: &TransactionColumns,
    opts: &ScanOptions,
) -> Result<Option<Scan>> {
    scan_with(project, info, cols, opts, Source::Copy)
}

#[derive(Clone, Copy, PartialEq)]
enum Source {
    /// The copy when it can answer, else SQLite.
    Any,
    Sqlite,
    Copy,
}

fn scan_with(
    project: &Project,
    info: &DatasetInfo,
    cols: &TransactionColumns,
    opts: &ScanOptions,
    source: Source,
) -> Result<Option<Scan>> {
    let mut categories = Interner::default();
    let products = match (&opts.products, &cols.category, &cols.item_id) {
        (Some(p), None, Some(_)) => Some(product_categories(project, p, &mut categories)?),
        _ => None,
    };
    let query = ScanQuery::new(info, cols, opts);
    let start = PartStart {
        categories,
        has_quantity: cols.quantity.is_some(),
        has_time: info
            .column_with_role(Role::Timestamp)
            .is_some_and(|c| c.ty == crate::dataset::ColumnType::Datetime),
        products: products.as_ref(),
        before_day: opts.before_day,
        slots: query.slots,
    };
    if source != Source::Sqlite {
        let from_copy = super::scan_copy::scan(project, info, cols, opts, &start)?;
        if from_copy.is_some() || source == Source::Copy {
            return Ok(from_copy);
        }
    }
    if opts.ids.is_some() {
        return Err(Error::InvalidArgument(
            "a scan by customer range needs the dataset's columnar copy".into(),
        ));
    }
    super::scan_parts::scan_in_parts(project, &info.name, &query, &start, opts.parts).map(Some)
}

/// The SELECT that reads a dataset's lines, and the condition rows must meet.
pub(super) struct ScanQuery {
    /// `SELECT … FROM table`, without a WHERE: customer, timestamp and order first, then the
    /// columns the dataset has, at the positions of [`Slots`].
    pub select: String,
    /// The user's row filter, when there is one.
    pub filter: Option<String>,
    pub slots: Slots,
}

/// Where each optional value is in a row of the scan's SELECT (absent columns are not read).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Slots {
    pub amount: Option<usize>,
    pub quantity: Option<usize>,
    pub item: Option<usize>,
    pub category: Option<usize>,
    pub channel: Option<usize>,
    pub item_id: Option<usize>,
}

impl ScanQuery {
    fn new(info: &DatasetInfo, cols: &TransactionColumns, opts: &ScanOptions) -> ScanQuery {
        // Text columns are declared TEXT, so SQLite stores their values as text: read them as
        // they are; anything else is cast.
        let as_text = |quoted: &str| {
            let text = info.columns.iter().any(|c| {
                c.ty == crate::dataset::ColumnType::Text && quote_ident(&c.name) == quoted
            });
            if text {
                quoted.to_string()
            } else {
                format!("CAST({quoted} AS TEXT)")
            }
        };
        // Without an order id, each distinct timestamp of a customer is one order.
        let order = cols.order.clone().unwrap_or_else(|| cols.timestamp.clone());
        let mut exprs = vec![
            as_text(&cols.customer),
            cols.timestamp.clone(),
            as_text(&order),
        ];
        let mut slot = |e: Option<String>| {
            e.map(|e| {
                exprs.push(e);
                exprs.len() - 1
            })
        };
        let slots = Slots {
            amount: slot(cols.amount.clone()),
            quantity: slot(cols.quantity.clone()),
            item: slot(cols.item.as_deref().map(as_text)),
            category: slot(cols.category.as_deref().map(as_text)),
            channel: slot(cols.channel.as_deref().map(as_text)),
            item_id: slot(cols.item_id.as_deref().map(as_text)),
        };
        let select = format!(
            "SELECT {} FROM {}",
            exprs.join(", "),
            quote_ident(&info.name)
        );
        ScanQuery {
            select,
            filter: opts.filter.clone(),
            slots,
        }
    }

    /// The statement for the rows whose rowid is in the inclusive `range` (all rows without one).
    pub fn sql(&self, range: Option<(i64, i64)>) -> String {
        let mut conds: Vec<String> = self.filter.iter().map(|f| format!("({f})")).collect();
        if let Some((lo, hi)) = range {
            conds.push(format!("rowid BETWEEN {lo} AND {hi}"));
        }
        if conds.is_empty() {
            self.select.clone()
        } else {
            format!("{} WHERE {}", self.select, conds.join(" AND "))
        }
    }
}

/// What every part of a scan starts from.
pub(super) struct PartStart<'a> {
    /// Categories numbered so far (those of the products dataset).
    pub categories: Interner,
    pub has_quantity: bool,
    pub has_time: bool,
    /// Category by product id, numbered in `categories`.
    pub products: Option<&'a PlHashMap<Box<[u8]>, u32>>,
    pub before_day: Option<i32>,
    pub slots: Slots,
}

/// The lines one statement reads, with the customers numbered in order of first appearance.
pub(super) struct Part {
    pub scan: Scan,
    pub customers: Interner,
}

/// Reads the rows of `sql` into a [`Part`].
pub(super) fn scan_part(
    conn: &rusqlite::Connection,
    dataset: &str,
    sql: &str,
    start: &PartStart<'_>,
) -> Result<Part> {
    let mut out = Scan {
        has_quantity: start.has_quantity,
        has_time: start.has_time,
        categories: start.categories.clone(),
        ..Scan::default()
    };
    let mut stmt = conn.prepare(sql).map_err(|e| {
        Error::InvalidArgument(format!(
            "cannot read dataset '{dataset}' for the customer table: {e}"
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
        if start.before_day.is_some_and(|l| day >= l) {
            continue;
        }
        let slots = &start.slots;
        let get_text = |slot: Option<usize>| -> Result<Option<&[u8]>> {
            Ok(match slot {
                Some(i) => text(r.get_ref(i)?),
                None => None,
            })
        };
        let get_number = |slot: Option<usize>| -> Result<Option<f64>> {
            Ok(match slot {
                Some(i) => number(r.get_ref(i)?),
                None => None,
            })
        };
        let hour = if out.has_time { hour_of(ts) } else { NO_HOUR };
        let row = RawLine {
            order: text(r.get_ref(2)?).unwrap_or(b""),
            amount: get_number(slots.amount)?,
            quantity: get_number(slots.quantity)?,
            item: get_text(slots.item)?,
            item_id: get_text(slots.item_id)?,
            category: get_text(slots.category)?,
            channel: get_text(slots.channel)?,
        };
        out.push_line(&mut customers, start, id, day, hour, row);
    }
    Ok(Part {
        scan: out,
        customers,
    })
}

/// One transaction row as the scans read it (from SQLite or from the columnar copy), before it
/// becomes a [`Line`]: empty texts are `None`.
pub(super) struct RawLine<'a> {
    pub order: &'a [u8],
    pub amount: Option<f64>,
    pub quantity: Option<f64>,
    pub item: Option<&'a [u8]>,
    pub item_id: Option<&'a [u8]>,
    pub category: Option<&'a [u8]>,
    pub channel: Option<&'a [u8]>,
}

impl Scan {
    /// Adds `row` as a line of customer `id` on `day` at `hour`: the one place where both scans
    /// decide what a line is (a missing quantity is 1 when the data has none, a negative
    /// quantity or amount is a return, a missing category comes from the products).
    pub(super) fn push_line(
        &mut self,
        customers: &mut Interner,
        start: &PartStart<'_>,
        id: &[u8],
        day: i32,
        hour: u8,
        row: RawLine<'_>,
    ) {
        let c = customers.id(id);
        if c as usize == self.customers.len() {
            self.customers.push(CustomerLines {
                id: String::from_utf8_lossy(id).into_owned(),
                lines: Vec::new(),
            });
        }
        let order = self.orders.id(row.order);
        let quantity = if self.has_quantity {
            row.quantity
        } else {
            Some(1.0)
        };
        let is_return = quantity.is_some_and(|q| q < 0.0) || row.amount.is_some_and(|a| a < 0.0);
        let item = row.item.map_or(NONE, |b| self.items.id(b));
        let item_id = row.item_id.map_or(NONE, |b| self.item_ids.id(b));
        let category = match (start.products, row.category) {
            (_, Some(b)) => self.categories.id(b),
            (Some(p), None) => row.item_id.and_then(|i| p.get(i).copied()).unwrap_or(NONE),
            (None, None) => NONE,
        };
        let channel = row.channel.map_or(NONE, |b| self.channels.id(b));
        self.customers[c as usize].lines.push(Line {
            order,
            day,
            hour: if self.has_time { hour } else { NO_HOUR },
            item,
            item_id,
            category,
            channel,
            amount: row.amount.unwrap_or(0.0),
            quantity: quantity.unwrap_or(0.0),
            is_return,
        });
    }
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
