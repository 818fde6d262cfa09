//! A time chart over several chunks of the copy combines a kept per-day rollup: every grain
//! equals the whole columns value for value (sums are exact), one rollup serves every
//! grain, order and top N of the same measures, a split by a column of many values keeps none,
//! a second run gives the very same table, and an erasure drops the rollup so the chart follows
//! the data.

use crate::common::*;
use crate::explore::{assert_tables_agree, whole_columns};
use loupe::dataset::Role;
use loupe::explore::aggregate::aggregate;
use loupe::explore::{ChartSpec, Dimension, Grain, Measure, Order};
use loupe::progress::Reporter;
use loupe::store::Project;

fn rollups(p: &Project) -> i64 {
    p.conn()
        .query_row(
            "SELECT count(*) FROM _loupe_kept WHERE kind = 'chart_rollup'",
            [],
            |r| r.get(0),
        )
        .unwrap_or(0)
}

fn spec(grain: Grain, by: bool) -> ChartSpec {
    let mut sp = ChartSpec::new(
        "retail",
        Dimension::new("InvoiceDate", Some(grain)),
        [
            "sum(Quantity * UnitPrice)",
            "count()",
            "count(CustomerID)",
            "mean(UnitPrice)",
            "min(Quantity)",
            "max(Quantity)",
            "share(Quantity)",
        ]
        .iter()
        .map(|m| Measure::parse(m).unwrap())
        .collect(),
    );
    sp.filter = Some("UnitPrice > 0".into());
    if by {
        sp.by = Some(Dimension::new("InvoiceDate", Some(Grain::Year)));
        sp.top_by = Some(1);
    }
    sp
}

#[test]
fn time_charts_combine_a_kept_daily_rollup_on_online_retail() {
    let Some(path) = online_retail() else { return };
    let s = Scratch::new();
    let mut p = s.project();
    import(&mut p, &[&path], named("retail")).unwrap();
    p.set_role("retail", "CustomerID", Some(Role::CustomerId))
        .unwrap();
    let rep = Reporter::silent();
    for by in [false, true] {
        let before = rollups(&p);
        for grain in Grain::ALL {
            let sp = spec(grain, by);
            let first = aggregate(&p, &sp, &rep).unwrap();
            assert_tables_agree(&first, &whole_columns(&p, &sp));
            let again = aggregate(&p, &sp, &rep).unwrap();
            assert_eq!(format!("{again:?}"), format!("{first:?}"), "{grain:?}");
        }
        // Order and top N are applied when combining: the same rollup.
        let mut sp = spec(Grain::Month, by);
        sp.order = Order::Descending;
        sp.top = Some(4);
        assert_tables_agree(&aggregate(&p, &sp, &rep).unwrap(), &whole_columns(&p, &sp));
        assert_eq!(rollups(&p), before + 1, "one rollup for every grain");
    }
    // A split by a column of many values keeps no rollup (it could be nearly as large as the
    // data), and agrees all the same.
    let mut sp = spec(Grain::Month, false);
    sp.by = Some(Dimension::new("Country", None));
    sp.top_by = Some(3);
    assert_tables_agree(&aggregate(&p, &sp, &rep).unwrap(), &whole_columns(&p, &sp));
    assert_eq!(rollups(&p), 2);
    // Another filter is another rollup.
    let mut sp = spec(Grain::Week, false);
    sp.filter = Some("Quantity > 0".into());
    assert_tables_agree(&aggregate(&p, &sp, &rep).unwrap(), &whole_columns(&p, &sp));
    assert_eq!(rollups(&p), 3);

    // Erasing a customer drops the rollups; the chart counts their lines no more.
    let sp = spec(Grain::Year, false);
    let before = aggregate(&p, &sp, &rep).unwrap();
    let lines: i64 = p
        .conn()
        .query_row(
            "SELECT count(*) FROM retail WHERE CustomerID = 17850 AND UnitPrice > 0",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(lines > 100);
    loupe::privacy::subject::erase(&mut p, "17850", true).unwrap();
    assert_eq!(rollups(&p), 0);
    let after = aggregate(&p, &sp, &rep).unwrap();
    let count =
        |t: &loupe::explore::AggTable| -> f64 { t.rows.iter().map(|r| r.values[1].unwrap()).sum() };
    assert_eq!(count(&before) - count(&after), lines as f64);
    assert_tables_agree(&after, &whole_columns(&p, &sp));
}
