//! Explore: chart tables checked against the same aggregation in SQLite, on generated data and on
//! the real Online Retail file; cohorts, funnels, repeat purchases and Pareto on hand-built cases.

use crate::common::*;
use loupe::explore::aggregate::aggregate;
use loupe::explore::{AggTable, ChartSpec, Dimension, Key, Measure, Order};
use loupe::progress::Reporter;
use loupe::store::Project;
use std::collections::BTreeMap;

/// 3,000 order lines over 2023–2024 from a fixed generator, with missing categories and prices.
pub(crate) fn generated_orders(s: &Scratch) -> Project {
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = |n: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % n
    };
    let cats = ["家居", "Toys", "Kitchen", "Stationery", "Garden"];
    let chans = ["web", "app", "store"];
    let mut csv =
        String::from("order_id,order_time,customer_id,category,channel,quantity,unit_price\n");
    for i in 0..3000 {
        let day = next(731);
        let date = chrono::NaiveDate::from_ymd_opt(2023, 1, 1).unwrap()
            + chrono::Duration::days(day as i64);
        let time = format!("{date} {:02}:{:02}:00", next(24), next(60));
        let cat = if next(20) == 0 {
            ""
        } else {
            cats[next(5) as usize]
        };
        let price = if next(25) == 0 {
            String::new()
        } else {
            format!("{}.{:02}", 1 + next(30), next(100))
        };
        let qty = next(12) as i64 - 1; // some zero and negative quantities
        csv.push_str(&format!(
            "O{},{time},C{},{cat},{},{qty},{price}\n",
            i / 2,
            next(400),
            chans[next(3) as usize]
        ));
    }
    let f = s.write("orders.csv", csv);
    let mut p = s.project();
    import(&mut p, &[&f], named("orders")).unwrap();
    p
}

/// SQL rows (key, values...) as text keys and numbers.
fn sql_groups(p: &Project, sql: &str) -> BTreeMap<Vec<String>, Vec<Option<f64>>> {
    let t = loupe::query::query_table(p, sql, usize::MAX).unwrap();
    let nkeys = t.columns.iter().filter(|c| c.starts_with('k')).count();
    t.rows
        .into_iter()
        .map(|r| {
            let keys = r[..nkeys]
                .iter()
                .map(|c| match c {
                    loupe::query::Cell::Null => String::new(),
                    other => other.display(),
                })
                .collect();
            let vals = r[nkeys..]
                .iter()
                .map(|c| c.display().parse::<f64>().ok())
                .collect();
            (keys, vals)
        })
        .collect()
}

fn table_groups(t: &AggTable) -> BTreeMap<Vec<String>, Vec<Option<f64>>> {
    t.rows
        .iter()
        .map(|r| {
            let mut k = vec![r.x.text()];
            if let Some(b) = &r.by {
                k.push(b.text());
            }
            (k, r.values.clone())
        })
        .collect()
}

fn assert_same(
    got: &BTreeMap<Vec<String>, Vec<Option<f64>>>,
    want: &BTreeMap<Vec<String>, Vec<Option<f64>>>,
) {
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "the groups differ"
    );
    for (k, w) in want {
        let g = &got[k];
        assert_eq!(g.len(), w.len(), "{k:?}");
        for (a, b) in g.iter().zip(w) {
            match (a, b) {
                (Some(a), Some(b)) => assert!(
                    (a - b).abs() <= 1e-9 * b.abs().max(1.0),
                    "{k:?}: {a} vs {b}"
                ),
                _ => assert_eq!(a, b, "{k:?}"),
            }
        }
    }
}

fn run(p: &Project, spec: &ChartSpec) -> AggTable {
    aggregate(p, spec, &Reporter::silent()).unwrap()
}

fn spec(x: &str, measures: &[&str], p: &Project) -> ChartSpec {
    let info = p.dataset("orders").unwrap();
    ChartSpec::new(
        "orders",
        Dimension::parse(x, &info).unwrap(),
        measures
            .iter()
            .map(|m| Measure::parse(m).unwrap())
            .collect(),
    )
}

const WEEK: &str = "date(order_time, 'weekday 0', '-6 days')";
const QUARTER: &str = "printf('%s-%02d-01', strftime('%Y', order_time), ((CAST(strftime('%m', order_time) AS INTEGER) - 1) / 3) * 3 + 1)";

#[test]
fn time_grains_agree_with_sql() {
    let s = Scratch::new();
    let p = generated_orders(&s);
    for (grain, sql_key) in [
        ("day", "date(order_time)".to_string()),
        ("week", WEEK.to_string()),
        ("month", "date(order_time, 'start of month')".to_string()),
        ("quarter", QUARTER.to_string()),
        ("year", "date(order_time, 'start of year')".to_string()),
    ] {
        let t = run(
            &p,
            &spec(
                &format!("order_time:{grain}"),
                &[
                    "count()",
                    "sum(quantity * unit_price)",
                    "distinct(customer_id)",
                ],
                &p,
            ),
        );
        let want = sql_groups(
            &p,
            &format!(
                "SELECT {sql_key} AS k, count(*), sum(quantity * unit_price), count(DISTINCT customer_id) FROM orders GROUP BY 1"
            ),
        );
        assert_same(&table_groups(&t), &want);
        // Natural order: periods ascending.
        assert!(
            t.x_values
                .windows(2)
                .all(|w| w[0].natural_cmp(&w[1]).is_lt()),
            "{grain}"
        );
        assert_eq!(t.input_rows, 3000);
    }
}

#[test]
fn measures_split_and_filter_agree_with_sql() {
    let s = Scratch::new();
    let p = generated_orders(&s);
    let mut sp = spec(
        "category",
        &[
            "count()",
            "count(unit_price)",
            "distinct(customer_id)",
            "sum(quantity)",
            "mean(unit_price)",
            "min(unit_price)",
            "max(quantity * unit_price)",
            "share(quantity)",
        ],
        &p,
    );
    sp.by = Some(Dimension::new("channel", None));
    sp.filter = Some("quantity > 0 and channel != 'store'".into());
    let t = run(&p, &sp);
    let want = sql_groups(
        &p,
        "SELECT category AS k1, channel AS k2, count(*), count(unit_price), count(DISTINCT customer_id), \
         sum(quantity), avg(unit_price), min(unit_price), max(quantity * unit_price), \
         sum(quantity) * 1.0 / (SELECT sum(quantity) FROM orders WHERE quantity > 0 AND channel <> 'store') \
         FROM orders WHERE quantity > 0 AND channel <> 'store' GROUP BY 1, 2",
    );
    // Missing categories are one group, as in SQL.
    assert!(want.keys().any(|k| k[0].is_empty()));
    assert_same(&table_groups(&t), &want);
    let shares: f64 = t.rows.iter().map(|r| r.values[7].unwrap()).sum();
    assert!((shares - 1.0).abs() < 1e-12);
    assert_eq!(t.series.len(), 2);
}

#[test]
fn medians_agree_with_values_from_sql() {
    let s = Scratch::new();
    let p = generated_orders(&s);
    let t = run(
        &p,
        &spec("channel", &["median(unit_price)", "median(quantity)"], &p),
    );
    for r in &t.rows {
        let ch = r.x.text();
        for (j, col) in ["unit_price", "quantity"].iter().enumerate() {
            let vals: Vec<f64> = rows(
                &p,
                &format!(
                    "SELECT {col} FROM orders WHERE channel = '{ch}' AND {col} IS NOT NULL ORDER BY {col}"
                ),
            )
            .into_iter()
            .map(|r| r[0].parse().unwrap())
            .collect();
            let n = vals.len();
            let median = if n % 2 == 1 {
                vals[n / 2]
            } else {
                (vals[n / 2 - 1] + vals[n / 2]) / 2.0
            };
            assert!((r.values[j].unwrap() - median).abs() < 1e-12, "{ch} {col}");
        }
    }
}

#[test]
fn top_n_folds_the_rest_into_other_exactly() {
    let s = Scratch::new();
    let p = generated_orders(&s);
    let mut sp = spec(
        "category",
        &["sum(quantity)", "mean(unit_price)", "distinct(customer_id)"],
        &p,
    );
    sp.top = Some(2);
    sp.order = Order::Descending;
    let t = run(&p, &sp);
    let top: Vec<Vec<String>> = rows(
        &p,
        "SELECT coalesce(category, '') FROM orders GROUP BY category ORDER BY sum(quantity) DESC, category LIMIT 2",
    );
    let (a, b) = (top[0][0].clone(), top[1][0].clone());
    assert_eq!(
        t.x_values,
        vec![Key::Text(a.clone()), Key::Text(b.clone()), Key::Other]
    );
    let other = sql_groups(
        &p,
        &format!(
            "SELECT 'Other' AS k, sum(quantity), avg(unit_price), count(DISTINCT customer_id) FROM orders \
             WHERE category IS NULL OR category NOT IN ('{a}', '{b}')"
        ),
    );
    let got: BTreeMap<_, _> = table_groups(&t)
        .into_iter()
        .filter(|(k, _)| k[0] == "Other")
        .collect();
    assert_same(&got, &other);
    // Largest first.
    assert!(t.rows[0].values[0] >= t.rows[1].values[0]);
}

#[test]
fn top_series_with_a_time_axis() {
    let s = Scratch::new();
    let p = generated_orders(&s);
    let mut sp = spec("order_time:quarter", &["count()"], &p);
    sp.by = Some(Dimension::new("category", None));
    sp.top_by = Some(3);
    let t = run(&p, &sp);
    assert_eq!(t.series.len(), 4);
    assert_eq!(t.series[3], Key::Other);
    assert_eq!(t.x_values.len(), 8);
    let total: f64 = t.rows.iter().map(|r| r.values[0].unwrap()).sum();
    assert_eq!(total, 3000.0);
    assert_eq!(
        t.x_values[0],
        Key::Date(chrono::NaiveDate::from_ymd_opt(2023, 1, 1).unwrap())
    );
}

#[test]
fn bad_specs_say_what_is_wrong() {
    let s = Scratch::new();
    let p = generated_orders(&s);
    let info = p.dataset("orders").unwrap();
    let e = Dimension::parse("category:month", &info)
        .unwrap_err()
        .to_string();
    assert!(e.contains("not a date"), "{e}");
    let e = Dimension::parse("nope", &info).unwrap_err().to_string();
    assert!(
        e.contains("no column 'nope'") && e.contains("order_time"),
        "{e}"
    );
    let e = aggregate(
        &p,
        &spec("category", &["sum(channel)"], &p),
        &Reporter::silent(),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("needs numbers"), "{e}");
    let mut sp = spec("category", &["count()"], &p);
    sp.filter = Some("quantity >".into());
    assert!(aggregate(&p, &sp, &Reporter::silent()).is_err());
    let sp = spec("category", &["sum(price_typo)"], &p);
    let e = aggregate(&p, &sp, &Reporter::silent())
        .unwrap_err()
        .to_string();
    assert!(e.contains("price_typo"), "{e}");
}

#[test]
fn tables_write_csv_json_and_xlsx() {
    let s = Scratch::new();
    let p = generated_orders(&s);
    let mut sp = spec("order_time:month", &["sum(quantity) as units"], &p);
    sp.by = Some(Dimension::new("channel", None));
    let t = run(&p, &sp);
    let csv_path = s.path("t.csv");
    t.write(&csv_path).unwrap();
    let text = std::fs::read_to_string(&csv_path).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("order_time:month,channel,units"));
    assert!(lines.next().unwrap().starts_with("2023-01-01,"));
    assert_eq!(text.lines().count(), 1 + t.rows.len());
    let json_path = s.path("t.json");
    t.write(&json_path).unwrap();
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    assert_eq!(v["columns"][2], "units");
    assert_eq!(v["rows"].as_array().unwrap().len(), t.rows.len());
    assert!(v["rows"][0][2].is_number());
    let x = s.path("t.xlsx");
    t.write(&x).unwrap();
    assert!(std::fs::metadata(&x).unwrap().len() > 1000);
    assert!(t.write(&s.path("t.txt")).is_err());
}

#[test]
fn online_retail_monthly_revenue_and_top_countries_agree_with_sql() {
    let Some(path) = online_retail() else { return };
    let s = Scratch::new();
    let mut p = s.project();
    import(&mut p, &[&path], named("online_retail")).unwrap();
    let info = p.dataset("online_retail").unwrap();
    let mut sp = ChartSpec::new(
        "online_retail",
        Dimension::parse("InvoiceDate:month", &info).unwrap(),
        vec![
            Measure::parse("sum(Quantity * UnitPrice) as revenue").unwrap(),
            Measure::parse("distinct(InvoiceNo)").unwrap(),
            Measure::parse("distinct(CustomerID)").unwrap(),
        ],
    );
    sp.filter = Some("not InvoiceNo starts with 'C' and Quantity > 0 and UnitPrice > 0".into());
    let t = aggregate(&p, &sp, &Reporter::silent()).unwrap();
    let want = sql_groups(
        &p,
        "SELECT date(InvoiceDate, 'start of month') AS k, sum(Quantity * UnitPrice), count(DISTINCT InvoiceNo), \
         count(DISTINCT CustomerID) FROM online_retail \
         WHERE InvoiceNo NOT LIKE 'C%' AND Quantity > 0 AND UnitPrice > 0 GROUP BY 1",
    );
    assert_eq!(want.len(), 13);
    assert_same(&table_groups(&t), &want);
    // A known fact: November 2011 is the busiest month.
    let best = t
        .rows
        .iter()
        .max_by(|a, b| a.values[0].partial_cmp(&b.values[0]).unwrap())
        .unwrap();
    assert_eq!(best.x.text(), "2011-11-01");

    let mut sp = ChartSpec::new(
        "online_retail",
        Dimension::new("Country", None),
        vec![
            Measure::parse("distinct(CustomerID)").unwrap(),
            Measure::parse("median(UnitPrice)").unwrap(),
            Measure::parse("count()").unwrap(),
        ],
    );
    sp.top = Some(5);
    sp.order = Order::Descending;
    let t = aggregate(&p, &sp, &Reporter::silent()).unwrap();
    assert_eq!(t.x_values.len(), 6);
    assert_eq!(t.x_values[0], Key::Text("United Kingdom".into()));
    let uk: f64 = rows(
        &p,
        "SELECT count(DISTINCT CustomerID) FROM online_retail WHERE Country = 'United Kingdom'",
    )[0][0]
        .parse()
        .unwrap();
    assert_eq!(t.rows[0].values[0], Some(uk));
    let counts: f64 = t.rows.iter().map(|r| r.values[2].unwrap()).sum();
    assert_eq!(counts, 541_909.0);
    let distinct: f64 = t.rows.iter().map(|r| r.values[0].unwrap()).sum();
    // Customers who bought from two countries are counted in both.
    let want: f64 = rows(
        &p,
        "SELECT count(*) FROM (SELECT DISTINCT CustomerID, Country FROM online_retail WHERE CustomerID IS NOT NULL)",
    )[0][0]
        .parse()
        .unwrap();
    // The "Other" group counts its customers once across its countries.
    assert!(distinct <= want);
    let top5: Vec<String> = t.x_values[..5].iter().map(Key::text).collect();
    let other = sql_groups(
        &p,
        &format!(
            "SELECT 'Other' AS k, count(DISTINCT CustomerID), count(*) FROM online_retail WHERE Country NOT IN ({})",
            top5.iter()
                .map(|c| format!("'{c}'"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    let got = &t.rows[5].values;
    let w = &other[&vec!["Other".to_string()]];
    assert_eq!((got[0], got[2]), (w[0], w[1]));

    // Chunk by chunk (three chunks of the copy, partials combined) as over the whole columns.
    let spec_of = |x: &str, measures: &[&str], by: Option<&str>, top: Option<usize>| {
        let mut sp = ChartSpec::new(
            "online_retail",
            Dimension::parse(x, &info).unwrap(),
            measures
                .iter()
                .map(|m| Measure::parse(m).unwrap())
                .collect(),
        );
        sp.by = by.map(|b| Dimension::parse(b, &info).unwrap());
        sp.top_by = by.map(|_| 4);
        sp.top = top;
        sp
    };
    let specs = [
        spec_of(
            "InvoiceDate:week",
            &[
                "sum(Quantity * UnitPrice)",
                "mean(UnitPrice)",
                "min(Quantity)",
                "max(Quantity)",
                "count(CustomerID)",
                "share(Quantity)",
                "count()",
            ],
            Some("Country"),
            None,
        ),
        spec_of(
            "Country",
            &["sum(Quantity)", "mean(Quantity * UnitPrice)"],
            None,
            Some(5),
        ),
        spec_of(
            "InvoiceDate:quarter",
            &["sum(Quantity < 0)"],
            Some("InvoiceDate:year"),
            None,
        ),
    ];
    for mut sp in specs {
        sp.filter = Some("UnitPrice > 0".into());
        let whole = whole_columns(&p, &sp);
        let parts = loupe::explore::partial::aggregate_chunked(
            &p,
            &info,
            &sp,
            &loupe::explore::aggregate::columns_needed(&info, &sp)
                .unwrap()
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            &Reporter::silent(),
        )
        .unwrap()
        .expect("these measures combine from chunks");
        assert_tables_agree(&parts, &whole);
        assert_eq!(parts.input_rows, whole.input_rows);
    }

    // Monthly revenue, chunk by chunk, is the correctly rounded sum of each month's products,
    // as computed here in integers: every product in Online Retail is a whole number of 2^-70.
    let mut sp = spec_of(
        "InvoiceDate:month",
        &["sum(Quantity * UnitPrice)"],
        None,
        None,
    );
    sp.filter = Some("UnitPrice > 0".into());
    let names = loupe::explore::aggregate::columns_needed(&info, &sp).unwrap();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let parts =
        loupe::explore::partial::aggregate_chunked(&p, &info, &sp, &names, &Reporter::silent())
            .unwrap()
            .unwrap();
    let scale = 2f64.powi(70);
    let mut want: BTreeMap<String, i128> = BTreeMap::new();
    let mut st = p
        .conn()
        .prepare("SELECT substr(InvoiceDate, 1, 7), Quantity, UnitPrice FROM online_retail WHERE UnitPrice > 0")
        .unwrap();
    let mut q = st.query([]).unwrap();
    while let Some(r) = q.next().unwrap() {
        let month: String = r.get(0).unwrap();
        let v = r.get::<_, f64>(1).unwrap() * r.get::<_, f64>(2).unwrap();
        let scaled = v * scale;
        assert_eq!(scaled.fract(), 0.0, "{v}");
        *want.entry(format!("{month}-01")).or_default() += scaled as i128;
    }
    assert_eq!(parts.rows.len(), want.len());
    for r in &parts.rows {
        let exact = want[&r.x.text()] as f64 / scale;
        assert_eq!(r.values[0], Some(exact), "{}", r.x.text());
    }
}

/// The table computed over the whole columns at once (the path of a frame held in memory).
pub(crate) fn whole_columns(p: &Project, sp: &ChartSpec) -> AggTable {
    let info = p.dataset(&sp.dataset).unwrap();
    let cols = loupe::explore::aggregate::columns_needed(&info, sp).unwrap();
    let names: Vec<&str> = cols.iter().map(String::as_str).collect();
    let df = loupe::kept::copy::load(p, &info, &names, &Reporter::silent()).unwrap();
    loupe::explore::aggregate::aggregate_frame(df, sp).unwrap()
}

/// Equal tables, value for value: sums are exact ([`loupe::numeric::ExactSum`]), so the
/// order the values are added in (chunk by chunk, day by day, or all at once) does not matter.
pub(crate) fn assert_tables_agree(a: &AggTable, b: &AggTable) {
    assert_eq!(a.x_values, b.x_values);
    assert_eq!(a.series, b.series);
    assert_eq!((a.input_rows, a.span), (b.input_rows, b.span));
    assert_eq!(a.rows.len(), b.rows.len());
    for (ra, rb) in a.rows.iter().zip(&b.rows) {
        assert_eq!((&ra.x, &ra.by), (&rb.x, &rb.by));
        let bits = |v: &[Option<f64>]| v.iter().map(|x| x.map(f64::to_bits)).collect::<Vec<_>>();
        assert_eq!(
            bits(&ra.values),
            bits(&rb.values),
            "{:?} {:?}: {:?} vs {:?}",
            ra.x,
            ra.by,
            ra.values,
            rb.values
        );
    }
}

#[test]
fn cli_writes_charts_cohorts_and_funnels() {
    let s = Scratch::new();
    let project = s.path("demo.loupe");
    let run = |args: &[&str]| {
        let out = run_loupe(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let p = project.to_str().unwrap();
    run(&["demo", "--project", p]);
    let table = s.path("month.csv");
    let said = run(&[
        "chart",
        "--project",
        p,
        "--dataset",
        "orders",
        "--x",
        "order_time:month",
        "--y",
        "sum(amount) as revenue",
        "--y",
        "distinct(customer_id)",
        "--where",
        "quantity > 0",
        "--out",
        table.to_str().unwrap(),
    ]);
    assert!(said.contains("13 rows"), "{said}");
    let text = std::fs::read_to_string(&table).unwrap();
    assert!(text.starts_with("order_time:month,revenue,distinct(customer_id)\n2010-12-01,"));
    let opened = Project::open_read_only(&project).unwrap();
    let want = rows(
        &opened,
        "SELECT round(sum(amount), 6) FROM orders WHERE quantity > 0 AND order_time < '2011-01-01'",
    )[0][0]
        .parse::<f64>()
        .unwrap();
    let got: f64 = text
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    assert!((got - want).abs() < 1e-6, "{got} vs {want}");
    for (kind, name) in [("stacked", "c.png"), ("line", "l.png"), ("pie", "p.png")] {
        let png = s.path(name);
        run(&[
            "chart",
            "--project",
            p,
            "--dataset",
            "orders",
            "--x",
            "channel",
            "--y",
            "sum(amount)",
            "--type",
            kind,
            "--out",
            png.to_str().unwrap(),
        ]);
        let bytes = std::fs::read(&png).unwrap();
        assert_eq!(&bytes[1..4], b"PNG", "{kind}");
    }
    let co = s.path("co.json");
    run(&[
        "cohorts",
        "--project",
        p,
        "--dataset",
        "orders",
        "--out",
        co.to_str().unwrap(),
    ]);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&co).unwrap()).unwrap();
    assert_eq!(v["columns"][4], "retention");
    // Month 0 of every cohort is everyone.
    for r in v["rows"].as_array().unwrap() {
        if r[2] == 0 {
            assert_eq!(r[4], 1.0);
        }
    }
    let f = s.path("f.csv");
    let said = run(&[
        "funnel",
        "--project",
        p,
        "--dataset",
        "events",
        "--steps",
        "page_view,add_to_cart,purchase",
        "--window",
        "1d",
        "--by",
        "channel",
        "--out",
        f.to_str().unwrap(),
    ]);
    assert!(said.starts_with("page_view "), "{said}");
    let text = std::fs::read_to_string(&f).unwrap();
    assert!(text.lines().nth(1).unwrap().starts_with("All,1,page_view,"));
    let bad = loupe()
        .args([
            "funnel",
            "--project",
            p,
            "--dataset",
            "events",
            "--steps",
            "page_view,checkout",
            "--out",
            "x.csv",
        ])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no event is called 'checkout'"));
}

#[test]
fn cohorts_and_funnel_on_a_project_agree_with_hand_counts() {
    use loupe::explore::cohorts::cohorts;
    use loupe::explore::funnel::{FunnelSpec, funnel};
    use loupe::explore::repeat::{pareto, repeat_purchases};
    use loupe::explore::rows::EventColumns;
    let s = Scratch::new();
    let orders = s.write(
        "orders.csv",
        "order_id,order_time,customer_id,stock_code,quantity,unit_price\n\
         1,2024-01-03 10:00:00,a,X,2,10\n\
         2,2024-01-20 10:00:00,b,Y,1,5\n\
         3,2024-02-02 10:00:00,a,X,1,10\n\
         4,2024-02-03 10:00:00,c,Z,3,1\n\
         5,2024-03-01 10:00:00,b,X,1,10\n\
         6,2024-03-09 10:00:00,,X,9,9\n",
    );
    let events = s.write(
        "events.csv",
        "event_time,customer_id,event_type,channel\n\
         2024-01-01 10:00:00,a,view,web\n\
         2024-01-01 10:05:00,a,cart,web\n\
         2024-01-01 10:06:00,a,buy,web\n\
         2024-01-01 11:00:00,b,view,app\n\
         2024-01-03 11:00:00,b,cart,app\n\
         2024-01-01 12:00:00,c,cart,app\n",
    );
    let mut p = s.project();
    import(&mut p, &[&orders], named("orders")).unwrap();
    import(&mut p, &[&events], named("events")).unwrap();
    let c = cohorts(&p, "orders", None).unwrap();
    assert_eq!(c.skipped_rows, 1);
    assert_eq!(c.cohorts.len(), 2);
    assert_eq!(
        (c.cohorts[0].customers, c.cohorts[0].active.clone()),
        (2, vec![2, 1, 1])
    );
    assert_eq!(c.cohorts[0].revenue, vec![25.0, 10.0, 10.0]);
    assert_eq!(
        (c.cohorts[1].customers, c.cohorts[1].active.clone()),
        (1, vec![1, 0])
    );
    let only_x = cohorts(&p, "orders", Some("stock_code = 'X'")).unwrap();
    assert_eq!(only_x.cohorts[0].customers, 1);
    let f = funnel(
        &p,
        &FunnelSpec {
            dataset: "events".into(),
            columns: EventColumns::default(),
            steps: vec!["view".into(), "cart".into(), "buy".into()],
            window_seconds: 86_400,
            by: Some("channel".into()),
            filter: None,
        },
    )
    .unwrap();
    let users: Vec<u64> = f.groups[0].steps.iter().map(|s| s.users).collect();
    assert_eq!(users, vec![2, 1, 1]);
    let r = repeat_purchases(&p, "orders", None, 3).unwrap();
    let c: Vec<u64> = r.curve.iter().map(|s| s.customers).collect();
    assert_eq!(c, vec![3, 2, 0]);
    let pa = pareto(&p, "orders", None, None).unwrap();
    assert_eq!(pa.items[0].item, "X");
    // Item revenue counts the sale without a customer too.
    assert_eq!(pa.items[0].revenue, 121.0);
    assert_eq!(pa.total_revenue, 129.0);
}

#[test]
fn cached_columns_give_the_same_tables_and_follow_reimports() {
    use loupe::explore::aggregate::aggregate_cached;
    use loupe::explore::cache::FrameCache;
    let s = Scratch::new();
    let mut p = generated_orders(&s);
    let mut cache = FrameCache::default();
    let a = spec("order_time:month", &["sum(quantity * unit_price)"], &p);
    let b = spec("category", &["mean(unit_price)", "count()"], &p);
    for sp in [&a, &b, &a] {
        let fresh = run(&p, sp);
        let cached = aggregate_cached(&p, sp, &mut cache, &Reporter::silent()).unwrap();
        // One chunk of rows: the very same numbers.
        assert_eq!(fresh, cached);
    }
    assert_eq!(cache.len(), 4);
    // A new import under the same name: the cache reads the new data.
    let f = s.write(
        "small.csv",
        "order_id,order_time,customer_id,category,channel,quantity,unit_price\nO1,2024-01-01 10:00:00,C1,X,web,2,5\n",
    );
    let mut opts = named("orders");
    opts.replace = true;
    import(&mut p, &[&f], opts).unwrap();
    let t = aggregate_cached(&p, &a, &mut cache, &Reporter::silent()).unwrap();
    assert_eq!(t.rows.len(), 1);
    assert_eq!(t.rows[0].values[0], Some(10.0));
}

/// A first or last period the data covers only in part is told apart from a fall in sales
/// (the Sales trend draws it dashed); the span is the data's first and last day.
#[test]
fn partial_first_and_last_periods() {
    let s = Scratch::new();
    let day = |t: &str| chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").unwrap();
    let table = |name: &str, csv: &str| {
        let f = s.write(name, csv);
        let mut p = Project::create(s.path(&format!("{name}.loupe"))).unwrap();
        import(&mut p, &[&f], named("orders")).unwrap();
        let t = run(&p, &spec("order_time:month", &["sum(amount)"], &p));
        let first = match t.x_values.first() {
            Some(Key::Date(d)) => *d,
            other => panic!("{other:?}"),
        };
        let last = match t.x_values.last() {
            Some(Key::Date(d)) => *d,
            other => panic!("{other:?}"),
        };
        (t.span, t.partial_ends(first, last))
    };
    let (span, ends) = table(
        "cut.csv",
        "order_time,amount\n2024-01-03 10:00:00,5\n2024-02-10 10:00:00,7\n2024-03-10 23:00:00,1\n",
    );
    assert_eq!(span, Some((day("2024-01-03"), day("2024-03-10"))));
    assert!(ends.first && ends.last, "{ends:?}");
    let (span, ends) = table(
        "whole.csv",
        "order_time,amount\n2024-01-01 00:10:00,5\n2024-02-10 10:00:00,7\n2024-03-31 23:00:00,1\n",
    );
    assert_eq!(span, Some((day("2024-01-01"), day("2024-03-31"))));
    assert!(!ends.first && !ends.last, "{ends:?}");
}
