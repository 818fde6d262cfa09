//! Histograms and box plots: checked on hand-built numbers (values from numpy 2.4,
//! `np.quantile` and `np.histogram`), and on generated order lines against SQLite's own counts
//! and order statistics.

use crate::common::*;
use crate::explore::generated_orders;
use loupe::explore::boxplot::BoxPlot;
use loupe::explore::chart::{ChartData, compute};
use loupe::explore::histogram::{BinRule, Histogram};
use loupe::explore::render::ChartKind;
use loupe::explore::{ChartSpec, Dimension, Key, Measure, Order};
use loupe::progress::Reporter;
use loupe::store::Project;
use rusqlite::params;

fn spec(dataset: &str, x: &str, by: Option<&str>) -> ChartSpec {
    let mut s = ChartSpec::new(dataset, Dimension::new(x, None), vec![Measure::count()]);
    s.by = by.map(|b| Dimension::new(b, None));
    s
}

fn histogram(p: &Project, s: &ChartSpec) -> Histogram {
    match compute(p, s, ChartKind::Histogram, None, &Reporter::silent()).unwrap() {
        ChartData::Histogram(h) => h,
        other => panic!("not a histogram: {other:?}"),
    }
}

fn boxes(p: &Project, s: &ChartSpec) -> BoxPlot {
    match compute(p, s, ChartKind::BoxPlot, None, &Reporter::silent()).unwrap() {
        ChartData::BoxPlot(b) => b,
        other => panic!("not a box plot: {other:?}"),
    }
}

/// Group a: 12 values; group b: 8; one row of a without a value.
fn hand_built(s: &Scratch) -> Project {
    let mut csv = String::from("grp,v\n");
    for v in [12, 7, 3, 25, 9, 14, 9, 41, 5, 16, 11, 2] {
        csv.push_str(&format!("a,{v}\n"));
    }
    for v in [100, -3, 8, 8, 15, 22, 22, 23] {
        csv.push_str(&format!("b,{v}\n"));
    }
    csv.push_str("a,\n");
    let f = s.write("hand.csv", csv);
    let mut p = s.project();
    import(&mut p, &[&f], named("hand")).unwrap();
    p
}

#[test]
fn histograms_of_hand_built_numbers_match_numpy() {
    let s = Scratch::new();
    let p = hand_built(&s);
    // np.histogram(a, bins=5): edges 2, 9.8, 17.6, 25.4, 33.2, 41; counts 6, 4, 1, 0, 1.
    let mut a = spec("hand", "v", None);
    a.filter = Some("grp = 'a'".into());
    a.bins = Some(5);
    let h = histogram(&p, &a);
    assert_eq!(h.rule, BinRule::Given);
    let want = [2.0, 9.8, 17.6, 25.4, 33.2, 41.0];
    for (e, w) in h.edges.iter().zip(want) {
        assert!((e - w).abs() < 1e-12, "{:?}", h.edges);
    }
    assert_eq!(h.series[0].counts, vec![6, 4, 1, 0, 1]);
    assert_eq!((h.input_rows, h.missing, h.total()), (13, 1, 12));

    // Automatic: Freedman–Diaconis (2 · 8 / 12^(1/3) = 6.99 < Sturges' 8.51) rounded to 5.
    a.bins = None;
    let h = histogram(&p, &a);
    assert_eq!(h.rule, BinRule::FreedmanDiaconis);
    assert_eq!(h.width(), 5.0);
    assert_eq!((h.edges[0], *h.edges.last().unwrap()), (0.0, 45.0));
    assert_eq!(h.series[0].counts, vec![2, 4, 3, 1, 0, 1, 0, 0, 1]);
    assert_eq!((h.series[0].below, h.series[0].above), (0, 0));

    // Split: the same bins for both groups, every value in one bin.
    let h = histogram(&p, &spec("hand", "v", Some("grp")));
    assert_eq!(h.series.len(), 2);
    assert_eq!(
        h.series[0].key,
        Some(Key::Text("a".into())),
        "largest first"
    );
    let sums: Vec<u64> = h.series.iter().map(|s| s.counts.iter().sum()).collect();
    assert_eq!(sums, vec![12, 8]);
    assert_eq!(h.total(), 20);
    let t = h.table();
    assert_eq!(t.measures, vec!["from", "to", "rows"]);
    assert_eq!(t.rows.len(), h.bins() * 2);

    // A text column cannot be binned; the message says what to do.
    let e = compute(
        &p,
        &spec("hand", "grp", None),
        ChartKind::Histogram,
        None,
        &Reporter::silent(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("needs a numeric x column") && e.contains("split by 'grp'"),
        "{e}"
    );
    let mut bad = spec("hand", "v", None);
    bad.bins = Some(0);
    assert!(compute(&p, &bad, ChartKind::Histogram, None, &Reporter::silent()).is_err());
}

#[test]
fn boxes_of_hand_built_numbers_match_numpy() {
    let s = Scratch::new();
    let p = hand_built(&s);
    let b = boxes(&p, &spec("hand", "v", Some("grp")));
    assert_eq!(b.boxes.len(), 2);
    let a = &b.boxes[0];
    assert_eq!(a.key, Some(Key::Text("a".into())));
    // np.quantile(a, [.25, .5, .75]) = 6.5, 10, 14.5; fences −5.5 and 26.5.
    assert_eq!((a.q1, a.median, a.q3), (6.5, 10.0, 14.5));
    assert_eq!(
        (a.min, a.lower_whisker, a.upper_whisker, a.max),
        (2.0, 2.0, 25.0, 41.0)
    );
    assert_eq!((a.count, a.missing, a.outliers), (12, 1, 1));
    assert!((a.mean - 12.833333333333334).abs() < 1e-12);
    // np.quantile(b, [.25, .5, .75]) = 8, 18.5, 22.25; fences −13.375 and 43.625.
    let bb = &b.boxes[1];
    assert_eq!((bb.q1, bb.median, bb.q3), (8.0, 18.5, 22.25));
    assert_eq!(
        (bb.lower_whisker, bb.upper_whisker, bb.outliers),
        (-3.0, 23.0, 1)
    );
    // The view covers the whiskers; 41 and 100 lie beyond it and are counted there.
    assert!(
        b.view.0 <= -3.0 && b.view.1 >= 25.0 && b.view.1 < 41.0,
        "{:?}",
        b.view
    );
    assert_eq!((a.beyond_view, bb.beyond_view), ((0, 1), (0, 1)));
    // By median, largest first: b (18.5) before a (10).
    let mut desc = spec("hand", "v", Some("grp"));
    desc.order = Order::Descending;
    let b = boxes(&p, &desc);
    assert_eq!(b.boxes[0].key, Some(Key::Text("b".into())));
    // One box for all rows.
    let all = boxes(&p, &spec("hand", "v", None));
    assert_eq!(
        (
            all.boxes.len(),
            all.boxes[0].key.clone(),
            all.boxes[0].count
        ),
        (1, None, 20)
    );
    let t = all.table("All");
    assert_eq!(t.x_values, vec![Key::Text("All".into())]);
    assert_eq!(t.rows[0].values[4], Some(all.boxes[0].median));
}

/// Counts of `unit_price` in [lo, hi) (or [lo, hi] when `closed`) of a category, by SQLite.
fn sql_count(p: &Project, cat: &Option<Key>, lo: f64, hi: f64, closed: bool) -> u64 {
    let upper = if closed { "<=" } else { "<" };
    let (cond, arg) = match cat {
        Some(Key::Text(c)) => ("category = ?3", Some(c.clone())),
        Some(Key::Null) => ("category IS NULL AND ?3 IS NULL", None),
        other => panic!("unexpected key {other:?}"),
    };
    let sql = format!(
        "SELECT count(*) FROM orders WHERE quantity > 0 AND {cond} AND unit_price >= ?1 AND unit_price {upper} ?2"
    );
    p.conn()
        .query_row(&sql, params![lo, hi, arg], |r| r.get::<_, i64>(0))
        .unwrap() as u64
}

#[test]
fn histogram_bins_agree_with_sql_counts() {
    let s = Scratch::new();
    let p = generated_orders(&s);
    for bins in [None, Some(7)] {
        let mut sp = spec("orders", "unit_price", Some("category"));
        sp.filter = Some("quantity > 0".into());
        sp.bins = bins;
        let h = histogram(&p, &sp);
        let (rows, priced): (i64, i64) = p
            .conn()
            .query_row(
                "SELECT count(*), count(unit_price) FROM orders WHERE quantity > 0",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(h.input_rows, rows as u64);
        assert_eq!(h.total(), priced as u64, "every value counted once");
        assert_eq!(h.total() + h.missing, h.input_rows);
        assert_eq!(h.series.len(), 6, "five categories and the missing one");
        for sr in &h.series {
            for i in 0..h.bins() {
                let last = i + 1 == h.bins();
                let want = sql_count(&p, &sr.key, h.edges[i], h.edges[i + 1], last);
                assert_eq!(sr.counts[i], want, "{:?} bin {i} ({bins:?})", sr.key);
            }
        }
        match bins {
            Some(n) => {
                let (min, max): (f64, f64) = p
                    .conn()
                    .query_row(
                        "SELECT min(unit_price), max(unit_price) FROM orders WHERE quantity > 0",
                        [],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .unwrap();
                assert_eq!(h.bins(), n);
                assert_eq!((h.edges[0], h.edges[n]), (min, max));
            }
            None => {
                // Round edges: a width of 1, 2, 2.5 or 5 × 10^k, every edge a multiple of it.
                let w = h.width();
                let m = w / 10f64.powf(w.log10().floor());
                assert!(
                    [1.0, 2.0, 2.5, 5.0].iter().any(|x| (m - x).abs() < 1e-9),
                    "{w}"
                );
                for e in &h.edges {
                    assert!(((e / w) - (e / w).round()).abs() < 1e-6, "{e} / {w}");
                }
            }
        }
    }
}

#[test]
fn long_tails_are_counted_beside_the_bins() {
    let s = Scratch::new();
    // 2,000 values 0..100 and five far out on each side.
    let mut csv = String::from("v\n");
    for i in 0..2000 {
        csv.push_str(&format!("{}\n", (i * 37) % 100));
    }
    for v in [
        -90_000, -50_000, -7_000, -6_000, -5_500, 5_000, 8_000, 60_000, 70_000, 99_000,
    ] {
        csv.push_str(&format!("{v}\n"));
    }
    let f = s.write("tails.csv", csv);
    let mut p = s.project();
    import(&mut p, &[&f], named("tails")).unwrap();
    let h = histogram(&p, &spec("tails", "v", None));
    let sr = &h.series[0];
    assert!(h.bins() <= 100);
    assert!(
        h.edges[0] <= 0.0 && *h.edges.last().unwrap() >= 99.0,
        "{:?}",
        h.edges
    );
    let count = |sql: &str, x: f64| -> u64 {
        p.conn()
            .query_row(sql, [x], |r| r.get::<_, i64>(0))
            .unwrap() as u64
    };
    assert_eq!(
        sr.below,
        count("SELECT count(*) FROM tails WHERE v < ?1", h.edges[0])
    );
    let last = *h.edges.last().unwrap();
    assert_eq!(
        sr.above,
        count("SELECT count(*) FROM tails WHERE v > ?1", last)
    );
    assert_eq!((sr.below, sr.above), (5, 5));
    assert_eq!(h.total(), 2010);
    let t = h.table();
    assert_eq!(
        t.rows.first().unwrap().values[0],
        None,
        "the lower tail has no lower edge"
    );
    assert_eq!(t.rows.last().unwrap().values[1], None);
    // Asked for bins: numpy's semantics, the whole range, no tails.
    let mut given = spec("tails", "v", None);
    given.bins = Some(10);
    let h = histogram(&p, &given);
    assert_eq!((h.edges[0], h.edges[10]), (-90_000.0, 99_000.0));
    assert_eq!(
        (h.series[0].below, h.series[0].above, h.total()),
        (0, 0, 2010)
    );
}

/// The p quantile of a category's prices, by linear interpolation over SQLite's order statistics.
fn sql_quantile(p: &Project, cat: &str, q: f64) -> f64 {
    let n: i64 = p
        .conn()
        .query_row(
            "SELECT count(unit_price) FROM orders WHERE category = ?1",
            [cat],
            |r| r.get(0),
        )
        .unwrap();
    let h = (n - 1) as f64 * q;
    let k = h.floor() as i64;
    let at = |i: i64| -> f64 {
        p.conn()
            .query_row(
                "SELECT unit_price FROM orders WHERE category = ?1 AND unit_price IS NOT NULL
                 ORDER BY unit_price LIMIT 1 OFFSET ?2",
                params![cat, i.min(n - 1)],
                |r| r.get(0),
            )
            .unwrap()
    };
    at(k) + (h - k as f64) * (at(k + 1) - at(k))
}

#[test]
fn box_plots_agree_with_sql_order_statistics() {
    let s = Scratch::new();
    let p = generated_orders(&s);
    let b = boxes(&p, &spec("orders", "unit_price", Some("category")));
    let named: Vec<_> = b
        .boxes
        .iter()
        .filter_map(|x| match &x.key {
            Some(Key::Text(c)) => Some((c.clone(), x)),
            _ => None,
        })
        .collect();
    assert_eq!(named.len(), 5);
    for (cat, x) in named {
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert!(close(x.q1, sql_quantile(&p, &cat, 0.25)), "{cat} q1");
        assert!(close(x.median, sql_quantile(&p, &cat, 0.5)), "{cat} median");
        assert!(close(x.q3, sql_quantile(&p, &cat, 0.75)), "{cat} q3");
        let (lo, hi) = (x.q1 - 1.5 * x.iqr(), x.q3 + 1.5 * x.iqr());
        let (lw, uw, out, n, min, max): (f64, f64, i64, i64, f64, f64) = p
            .conn()
            .query_row(
                "SELECT min(CASE WHEN unit_price >= ?2 THEN unit_price END),
                        max(CASE WHEN unit_price <= ?3 THEN unit_price END),
                        sum(unit_price < ?2 OR unit_price > ?3), count(unit_price),
                        min(unit_price), max(unit_price)
                 FROM orders WHERE category = ?1",
                params![cat, lo, hi],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    ))
                },
            )
            .unwrap();
        assert_eq!((x.lower_whisker, x.upper_whisker), (lw, uw), "{cat}");
        assert_eq!((x.outliers, x.count), (out as u64, n as u64), "{cat}");
        assert_eq!((x.min, x.max), (min, max), "{cat}");
    }
    // The two smallest categories folded into Other: its box is of their rows together.
    let mut top = spec("orders", "unit_price", Some("category"));
    top.top_by = Some(3);
    let b = boxes(&p, &top);
    assert_eq!(b.boxes.len(), 4);
    let other = b.boxes.last().unwrap();
    assert_eq!(other.key, Some(Key::Other));
    // Kept: the three groups with the most rows, by SQLite.
    let top3: Vec<Option<String>> = {
        let mut st = p
            .conn()
            .prepare("SELECT category, count(*) FROM orders GROUP BY 1 ORDER BY 2 DESC LIMIT 3")
            .unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let mut kept: Vec<Option<String>> = b.boxes[..3]
        .iter()
        .map(|x| match &x.key {
            Some(Key::Text(c)) => Some(c.clone()),
            _ => None,
        })
        .collect();
    let mut want = top3.clone();
    kept.sort();
    want.sort();
    assert_eq!(kept, want);
    let total: i64 = p
        .conn()
        .query_row("SELECT count(unit_price) FROM orders", [], |r| r.get(0))
        .unwrap();
    let shown: u64 = b.boxes[..3].iter().map(|x| x.count).sum();
    assert_eq!(other.count + shown, total as u64);
}
