//! An amount that is the order's total, repeated on each of the order's lines.
//!
//! Platform exports with one row per item (JD's and Taobao's order exports, many ERP exports)
//! repeat the order's totals on every line of the order: `订单金额`, `应付金额`, `实付款`. Given the
//! amount role, such a column is summed per line, so an order of two items counts its total twice.
//! [`repeated_total`] tells such a column from a per-line amount on the data in hand:
//!
//! - among orders with several lines, the value is the same on every line of (nearly) every
//!   order: on the sample JD export, 253 of 253 orders; a per-line amount is the same on every
//!   line of few orders (the sample shop's `amount`: 71 of 2,800; Online Retail's quantity ×
//!   price: 317 of 20,059);
//! - and the value is not the line's own quantity × unit price where those are known (Chinook's
//!   invoice lines are one track each at 0.99, so their price repeats within an invoice, and is
//!   the line's amount), or, without them, the repeated values vary from order to order (a few
//!   price points repeated are not totals).

use crate::dataset::{DatasetInfo, Role};
use crate::error::Result;
use crate::store::quote_ident;
use rusqlite::Connection;

/// Orders with several lines needed before the data can tell.
const MIN_ORDERS: u64 = 10;
/// Share of those orders whose lines all hold the same value.
const MIN_SAME_SHARE: f64 = 0.9;

/// A column that holds an order-level total on each line.
#[derive(Debug, Clone, PartialEq)]
pub struct RepeatedTotal {
    pub column: String,
    /// Orders with more than one line (and a value).
    pub orders: u64,
    /// Of those, orders whose lines all hold the same value.
    pub repeating: u64,
}

impl RepeatedTotal {
    /// The finding, for the command line and the log.
    pub fn message(&self, dataset: &str) -> String {
        format!(
            "column '{}' of '{dataset}' holds the same value on every line of {} of {} orders \
             with several lines: it looks like the order's total repeated on each line, and \
             revenue would count it once per line. Give the amount role to a per-line column, \
             or clear it (Loupe then uses quantity × unit price)",
            self.column, self.repeating, self.orders
        )
    }
}

/// Whether `column` of `info` looks like an order's total repeated on each of its lines (see
/// the module's notes). `None` also when the dataset has no order id to tell by.
pub fn repeated_total(
    conn: &Connection,
    info: &DatasetInfo,
    column: &str,
) -> Result<Option<RepeatedTotal>> {
    let (Some(order), Some(col)) = (info.column_with_role(Role::OrderId), info.column(column))
    else {
        return Ok(None);
    };
    if !col.ty.is_numeric() || order.name == col.name {
        return Ok(None);
    }
    let t = quote_ident(&info.name);
    let (o, a) = (quote_ident(&order.name), quote_ident(column));
    let multi = format!(
        "SELECT {o} AS o, min({a}) AS lo, max({a}) AS hi FROM {t} \
         WHERE {o} IS NOT NULL AND {a} IS NOT NULL GROUP BY {o} HAVING count(*) > 1"
    );
    let (orders, repeating, distinct): (i64, i64, i64) = conn.query_row(
        &format!(
            "SELECT count(*), coalesce(sum(lo = hi), 0), \
             count(DISTINCT CASE WHEN lo = hi THEN lo END) FROM ({multi})"
        ),
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let (orders, repeating) = (orders.max(0) as u64, repeating.max(0) as u64);
    if orders < MIN_ORDERS || (repeating as f64) < MIN_SAME_SHARE * orders as f64 {
        return Ok(None);
    }
    let quantity = info.column_with_role(Role::Quantity);
    let price = info.column_with_role(Role::UnitPrice);
    let total = match (quantity, price) {
        (Some(q), Some(p)) if q.name != column && p.name != column => {
            // The repeated value is the order's, not the line's: it differs from the line's
            // own quantity × unit price on most lines of those orders.
            let (q, p) = (quote_ident(&q.name), quote_ident(&p.name));
            let (lines, differ): (i64, i64) = conn.query_row(
                &format!(
                    "SELECT count(*), coalesce(sum(abs(l.{a} - l.{q} * l.{p}) > 0.005), 0) \
                     FROM {t} AS l JOIN ({multi}) AS m ON l.{o} = m.o \
                     WHERE m.lo = m.hi AND l.{q} IS NOT NULL AND l.{p} IS NOT NULL"
                ),
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            lines > 0 && differ * 2 > lines
        }
        // Without them: totals vary from order to order; a price point repeated does not.
        _ => distinct as f64 >= 0.1 * repeating as f64,
    };
    Ok(total.then(|| RepeatedTotal {
        column: column.to_string(),
        orders,
        repeating,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::{ColumnInfo, ColumnType};

    fn info(cols: &[(&str, ColumnType, Option<Role>)]) -> DatasetInfo {
        let columns = cols
            .iter()
            .map(|(n, ty, role)| ColumnInfo::new(*n, *ty, *role))
            .collect();
        DatasetInfo::with_columns("orders", columns)
    }

    fn db(rows: &[(i64, f64, f64, f64)]) -> Connection {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch("CREATE TABLE orders (o INTEGER, q REAL, p REAL, total REAL)")
            .unwrap();
        for (o, q, p, t) in rows {
            c.execute("INSERT INTO orders VALUES (?1, ?2, ?3, ?4)", (o, q, p, t))
                .unwrap();
        }
        c
    }

    fn cols(with_qp: bool) -> DatasetInfo {
        use ColumnType::{Float, Integer};
        let (q, p) = if with_qp {
            (Some(Role::Quantity), Some(Role::UnitPrice))
        } else {
            (None, None)
        };
        info(&[
            ("o", Integer, Some(Role::OrderId)),
            ("q", Float, q),
            ("p", Float, p),
            ("total", Float, None),
        ])
    }

    /// Twelve orders of two lines each: 2 × 3.00 and 1 × 4.50 (+ shipping), total on each line.
    fn totals() -> Vec<(i64, f64, f64, f64)> {
        (0..12)
            .flat_map(|i| {
                let total = 10.5 + i as f64 + 6.0;
                [(i, 2.0, 3.0 + i as f64 / 2.0, total), (i, 1.0, 4.5, total)]
            })
            .collect()
    }

    #[test]
    fn an_order_total_on_each_line_is_found() {
        let c = db(&totals());
        let found = repeated_total(&c, &cols(true), "total").unwrap().unwrap();
        assert_eq!((found.orders, found.repeating), (12, 12));
        assert!(found.message("orders").contains("12 of 12 orders"));
        // Without quantity and price: the totals vary from order to order.
        assert!(repeated_total(&c, &cols(false), "total").unwrap().is_some());
    }

    #[test]
    fn a_per_line_amount_is_not() {
        // Line amounts: the same on both lines of 1 order in 12.
        let rows: Vec<_> = totals()
            .into_iter()
            .map(|(o, q, p, _)| (o, q, p, if o == 0 { 6.0 } else { q * p }))
            .collect();
        let c = db(&rows);
        assert_eq!(repeated_total(&c, &cols(true), "total").unwrap(), None);
    }

    #[test]
    fn one_price_point_repeated_is_a_line_amount() {
        // Chinook's shape: one track per line at 0.99, the line's amount its price.
        let rows: Vec<_> = (0..20)
            .flat_map(|i| [(i, 1.0, 0.99, 0.99), (i, 1.0, 0.99, 0.99)])
            .collect();
        let c = db(&rows);
        assert_eq!(repeated_total(&c, &cols(true), "total").unwrap(), None);
        assert_eq!(repeated_total(&c, &cols(false), "total").unwrap(), None);
    }

    #[test]
    fn without_an_order_id_or_enough_orders_nothing_is_said() {
        let c = db(&totals()[..6]);
        assert_eq!(repeated_total(&c, &cols(true), "total").unwrap(), None);
        let mut no_order = cols(true);
        no_order.columns[0].role = None;
        let c = db(&totals());
        assert_eq!(repeated_total(&c, &no_order, "total").unwrap(), None);
    }
}
