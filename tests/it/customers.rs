//! The customer table with RFM, on a hand-checked case.

use crate::common::*;
use loupe::customers::rfm::{Lifecycle, RfmGroup, RfmOptions, rfm_table, write_table};
use loupe::store::Project;

#[test]
fn rfm_on_a_hand_checked_case() {
    let s = Scratch::new();
    let f = s.write(
        "orders.csv",
        "order_id,customer_id,order_time,quantity,unit_price\n\
A1,a,2024-01-01 09:00:00,2,10\n\
A2,a,2024-03-01 09:00:00,1,5\n\
B1,b,2024-02-15 12:00:00,1,100\n\
C1,c,2024-03-09 10:00:00,3,1\n\
C2,c,2024-03-09 18:00:00,1,1\n\
D1,d,2023-01-01 08:00:00,1,50\n\
E1,e,2024-03-10 20:00:00,1,20\n\
X1,,2024-03-10 20:00:00,1,20\n",
    );
    let mut p = s.project();
    import(&mut p, &[&f], named("orders")).unwrap();
    let t = rfm_table(&p, "orders", &RfmOptions::default()).unwrap();
    assert_eq!(t.as_of.to_string(), "2024-03-11");
    assert_eq!(t.skipped_rows, 1);
    type Row<'a> = (&'a str, i64, u64, f64, u8, u8, u8, RfmGroup, Lifecycle);
    let got: Vec<Row> = t
        .customers
        .iter()
        .map(|c| {
            (
                c.customer_id.as_str(),
                c.recency_days,
                c.frequency,
                c.monetary,
                c.r_score.get(),
                c.f_score.get(),
                c.m_score.get(),
                c.rfm_group,
                c.lifecycle_stage,
            )
        })
        .collect();
    use Lifecycle::{Active, Churned};
    use RfmGroup::*;
    assert_eq!(
        got,
        vec![
            ("a", 10, 2, 25.0, 3, 4, 3, Loyal, Active),
            ("b", 25, 1, 100.0, 2, 2, 5, Hibernating, Lifecycle::New),
            ("c", 2, 2, 4.0, 4, 4, 1, Champions, Lifecycle::New),
            ("d", 435, 1, 50.0, 1, 2, 4, Lost, Churned),
            ("e", 1, 1, 20.0, 5, 2, 2, PotentialLoyalist, Lifecycle::New),
        ]
    );
    let a = &t.customers[0];
    assert_eq!(a.tenure_days, 60);
    assert_eq!(a.mean_interval_days, Some(60.0));
    assert_eq!(a.average_order_value, 12.5);
    assert_eq!(t.customers[1].mean_interval_days, None);

    // A filter and an as-of date.
    let t = rfm_table(
        &p,
        "orders",
        &RfmOptions {
            filter: Some("quantity > 1".into()),
            as_of: chrono::NaiveDate::from_ymd_opt(2024, 3, 10),
            ..RfmOptions::default()
        },
    )
    .unwrap();
    let ids: Vec<&str> = t.customers.iter().map(|c| c.customer_id.as_str()).collect();
    assert_eq!(ids, vec!["a", "c"]);
    assert_eq!(t.customers[1].recency_days, 1);

    // Written out and read back.
    let out = s.path("customers.csv");
    let t = rfm_table(&p, "orders", &RfmOptions::default()).unwrap();
    write_table(&t, &out).unwrap();
    let back = import(&mut p, &[&out], named("back")).unwrap();
    assert_eq!(back.rows, 5);
    assert_eq!(
        rows(
            &p,
            "SELECT customer_id, recency_days, rfm_group, lifecycle_stage FROM back WHERE customer_id = 'e'"
        )[0],
        vec!["e", "1", "Potential loyalist", "new"]
    );
    let e = write_table(&t, &s.path("x.txt")).unwrap_err().to_string();
    assert!(e.contains(".csv or .parquet"), "{e}");
    let plain = s.write("plain.csv", "x,y\n1,2\n");
    import(&mut p, &[&plain], named("plain")).unwrap();
    let e = rfm_table(&p, "plain", &RfmOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("customer_id") && e.contains("set-role"), "{e}");
}

fn orders_with_everything(s: &Scratch, p: &mut loupe::store::Project) {
    let f = s.write(
        "lines.csv",
        "order_id,customer_id,order_time,stock_code,product_name,category,quantity,unit_price,channel\n\
A1,a,2024-01-01 09:00:00,M,mug,kitchen,2,10,web\n\
A1,a,2024-01-01 09:00:00,P,pen,office,1,5,web\n\
A2,a,2024-03-01 15:30:00,P,pen,office,5,3,app\n\
A3,a,2024-03-04 15:10:00,L,lamp,home,1,8,app\n\
C1002,a,2024-03-05 10:00:00,P,pen,office,-2,3,app\n\
B1,b,2024-02-15 12:00:00,M,mug,kitchen,1,10,store\n\
B2,b,2024-02-20 10:00:00,M,mug,kitchen,-1,10,store\n\
c9,c,2024-03-05 11:00:00,M,mug,kitchen,-1,10,web\n\
D1,d,2024-03-06 08:00:00,,,,1,50,\n",
    );
    import(p, &[&f], named("lines")).unwrap();
    use loupe::dataset::Role;
    for (c, r) in [
        ("order_id", Role::OrderId),
        ("customer_id", Role::CustomerId),
        ("order_time", Role::Timestamp),
        ("stock_code", Role::ItemId),
        ("product_name", Role::ItemName),
        ("category", Role::Category),
        ("quantity", Role::Quantity),
        ("unit_price", Role::UnitPrice),
        ("channel", Role::Channel),
    ] {
        p.set_role("lines", c, Some(r)).unwrap();
    }
    let people = s.write(
        "people.csv",
        "customer_id,gender,city,orders\na,F,Beijing,7\nb,M,Shanghai,1\nx,F,Beijing,2\na,M,Other,9\n",
    );
    import(p, &[&people], named("people")).unwrap();
    p.set_role("people", "customer_id", Some(Role::CustomerId))
        .unwrap();
}

#[test]
fn per_customer_columns_on_a_hand_checked_case() {
    let s = Scratch::new();
    let mut p = s.project();
    orders_with_everything(&s, &mut p);
    let t = rfm_table(
        &p,
        "lines",
        &RfmOptions {
            attributes: Some("people".into()),
            ..RfmOptions::default()
        },
    )
    .unwrap();
    // The last line (d's, a Wednesday) sets the as-of date; c has only a return and is left out.
    assert_eq!(t.as_of.to_string(), "2024-03-07");
    assert_eq!(t.return_only_customers, 1);
    let ids: Vec<&str> = t.customers.iter().map(|c| c.customer_id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "d"]);
    let (a, b, d) = (&t.customers[0], &t.customers[1], &t.customers[2]);
    // a: orders A1, A2, A3 (the cancellation C1002 is not one); 20 + 5 + 15 + 8.
    assert_eq!(
        (a.orders, a.purchase_days, a.revenue, a.items),
        (3, 3, 48.0, 9.0)
    );
    assert_eq!(a.average_order_value, 16.0);
    assert_eq!(a.last_purchase.to_string(), "2024-03-04");
    assert_eq!((a.tenure_days, a.mean_interval_days), (63, Some(31.5)));
    // mug 20 = pen 5 + 15: the tie goes to the first name; likewise kitchen = office.
    assert_eq!(a.favourite_item.as_deref(), Some("mug"));
    assert_eq!(a.favourite_category.as_deref(), Some("kitchen"));
    // app has two orders (A2, A3), web one; 15:00 twice; Monday twice (Jan 1 and Mar 4).
    assert_eq!(a.preferred_channel.as_deref(), Some("app"));
    assert_eq!(a.preferred_hour, Some(15));
    assert_eq!(a.weekday_name(), Some("Mon"));
    assert_eq!(
        (
            a.return_orders,
            a.returned_items,
            a.returned_amount,
            a.net_revenue
        ),
        (1, 2.0, 6.0, 42.0)
    );
    // b: a negative quantity is a return whatever the order id.
    assert_eq!(
        (b.orders, b.revenue, b.return_orders, b.net_revenue),
        (1, 10.0, 1, 0.0)
    );
    assert_eq!(
        (b.preferred_hour, b.weekday_name()),
        (Some(12), Some("Thu"))
    );
    // d: no item, category or channel.
    assert_eq!(
        (
            &d.favourite_item,
            &d.favourite_category,
            &d.preferred_channel
        ),
        (&None, &None, &None)
    );
    assert_eq!((d.preferred_hour, d.weekday_name()), (Some(8), Some("Wed")));

    // Attributes: the first row of a customer wins; a clashing name gets a prefix.
    let at = t.attributes.as_ref().unwrap();
    assert_eq!(at.names, ["gender", "city", "attr_orders"]);
    assert_eq!(at.matched, 2);
    use loupe::query::Cell;
    assert_eq!(
        at.values[0],
        [
            Cell::Text("F".into()),
            Cell::Text("Beijing".into()),
            Cell::Int(7)
        ]
    );
    assert_eq!(at.values[2], [Cell::Null, Cell::Null, Cell::Null]);

    // Written out (CSV and Parquet) and read back.
    let out = s.path("table.csv");
    write_table(&t, &out).unwrap();
    import(&mut p, &[&out], named("back")).unwrap();
    assert_eq!(
        rows(
            &p,
            "SELECT favourite_item, favourite_category, preferred_channel, preferred_hour, preferred_weekday, \
             return_orders, returned_amount, net_revenue, items, gender, attr_orders FROM back WHERE customer_id = 'a'"
        )[0],
        [
            "mug", "kitchen", "app", "15", "Mon", "1", "6", "42", "9", "F", "7"
        ]
    );
    let pq = s.path("table.parquet");
    write_table(&t, &pq).unwrap();
    use polars::prelude::SerReader;
    let df = polars::prelude::ParquetReader::new(std::fs::File::open(&pq).unwrap())
        .finish()
        .unwrap();
    assert_eq!(df.height(), 3);
    assert_eq!(
        df.get_column_names().len(),
        loupe::customers::rfm::COLUMNS.len() + 3
    );
}

#[test]
fn categories_from_a_products_dataset() {
    let s = Scratch::new();
    let mut p = s.project();
    let f = s.write(
        "orders.csv",
        "order_id,customer_id,order_time,stock_code,amount\n1,a,2024-01-01,X,5\n1,a,2024-01-01,Y,7\n2,a,2024-01-02,Z,1\n",
    );
    import(&mut p, &[&f], named("o")).unwrap();
    let g = s.write(
        "products.csv",
        "stock_code,category\nX,toys\nY,books\nY,art\nZ,toys\n",
    );
    import(&mut p, &[&g], named("products")).unwrap();
    use loupe::dataset::Role;
    p.set_role("o", "stock_code", Some(Role::ItemId)).unwrap();
    p.set_role("products", "stock_code", Some(Role::ItemId))
        .unwrap();
    p.set_role("products", "category", Some(Role::Category))
        .unwrap();
    let t = rfm_table(
        &p,
        "o",
        &RfmOptions {
            products: Some("products".into()),
            ..RfmOptions::default()
        },
    )
    .unwrap();
    // Y is listed under art and books: art (first alphabetically), 7 > toys 5 + 1.
    let a = &t.customers[0];
    assert_eq!(a.favourite_category.as_deref(), Some("art"));
    // Dates without a time: no preferred hour.
    assert_eq!(a.preferred_hour, None);
    assert!(t.has_category && !t.has_time);
}

/// How to compute the customer table's columns in SQL, independently of the scan.
struct SqlSpec<'a> {
    /// FROM clause (may join).
    from: &'a str,
    customer: &'a str,
    order: &'a str,
    time: &'a str,
    amount: &'a str,
    quantity: &'a str,
    item: &'a str,
    category: Option<&'a str>,
    channel: Option<&'a str>,
    /// Rows to read at all (e.g. customer present).
    base: &'a str,
}

/// Checks every customer's columns against SQL over the same table.
fn check_against_sql(p: &loupe::store::Project, t: &loupe::customers::rfm::RfmTable, q: &SqlSpec) {
    let SqlSpec {
        from,
        customer: c,
        order: o,
        time: ts,
        amount: a,
        quantity: qn,
        item,
        base,
        ..
    } = *q;
    let ret = format!("({qn} < 0 OR {a} < 0)");
    let purchase = format!("{base} AND NOT {ret}");
    let by_id: std::collections::HashMap<&str, &loupe::customers::rfm::CustomerRfm> = t
        .customers
        .iter()
        .map(|x| (x.customer_id.as_str(), x))
        .collect();
    let main = rows(
        p,
        &format!(
            "SELECT {c}, count(DISTINCT {o}), sum({qn}), sum({a}), count(DISTINCT substr({ts},1,10)), \
             min(substr({ts},1,10)), max(substr({ts},1,10)) FROM {from} WHERE {purchase} GROUP BY 1 ORDER BY 1"
        ),
    );
    assert_eq!(main.len(), t.customers.len());
    let close = |x: f64, y: &str| {
        let y: f64 = y.parse().unwrap();
        (x - y).abs() <= 1e-6 * (1.0 + y.abs())
    };
    for r in &main {
        let x = by_id[r[0].as_str()];
        assert_eq!(x.orders.to_string(), r[1], "{}", r[0]);
        assert!(
            close(x.items, &r[2]),
            "{} items {} vs {}",
            r[0],
            x.items,
            r[2]
        );
        assert!(
            close(x.revenue, &r[3]),
            "{} revenue {} vs {}",
            r[0],
            x.revenue,
            r[3]
        );
        assert_eq!(x.purchase_days.to_string(), r[4], "{}", r[0]);
        assert_eq!(x.first_purchase.to_string(), r[5], "{}", r[0]);
        assert_eq!(x.last_purchase.to_string(), r[6], "{}", r[0]);
        let mean = (x.orders > 1).then(|| x.tenure_days as f64 / (x.orders - 1) as f64);
        assert_eq!(x.mean_interval_days, mean);
    }
    let returns = rows(
        p,
        &format!(
            "SELECT {c}, count(DISTINCT {o}), sum(abs({qn})), sum(abs({a})) FROM {from} \
             WHERE {base} AND {ret} GROUP BY 1"
        ),
    );
    let mut with_returns = 0;
    for r in &returns {
        let Some(x) = by_id.get(r[0].as_str()) else {
            continue; // returns only: not in the table
        };
        with_returns += 1;
        assert_eq!(x.return_orders.to_string(), r[1], "{}", r[0]);
        assert!(close(x.returned_items, &r[2]), "{}", r[0]);
        assert!(close(x.returned_amount, &r[3]), "{}", r[0]);
        assert!((x.net_revenue - (x.revenue - x.returned_amount)).abs() < 1e-9);
    }
    assert_eq!(
        with_returns,
        t.customers.iter().filter(|x| x.return_orders > 0).count()
    );
    // Favourites by revenue (ties to the first name); preferences by distinct orders.
    let top = |key: &str, score: &str, tie: &str| -> std::collections::HashMap<String, String> {
        rows(
            p,
            &format!(
                "WITH s AS (SELECT {c} AS c, {key} AS k, {score} AS v FROM {from} \
                 WHERE {purchase} AND {key} IS NOT NULL GROUP BY 1, 2) \
                 SELECT c, k FROM (SELECT c, k, row_number() OVER (PARTITION BY c ORDER BY v DESC, {tie}) AS n FROM s) WHERE n = 1"
            ),
        )
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect()
    };
    let by_revenue = format!("round(sum({a}), 6)");
    let by_orders = format!("count(DISTINCT {o})");
    let check =
        |what: &str,
         expected: std::collections::HashMap<String, String>,
         got: &dyn Fn(&loupe::customers::rfm::CustomerRfm) -> Option<String>| {
            let mut n = 0;
            for x in &t.customers {
                let e = expected.get(&x.customer_id).cloned();
                assert_eq!(got(x), e, "{what} of {}", x.customer_id);
                n += usize::from(e.is_some());
            }
            assert!(n > 0, "{what}: nothing to compare");
        };
    check("favourite item", top(item, &by_revenue, "k"), &|x| {
        x.favourite_item.clone()
    });
    check(
        "preferred hour",
        top(
            &format!("CAST(substr({ts},12,2) AS INTEGER)"),
            &by_orders,
            "k",
        ),
        &|x| x.preferred_hour.map(|h| h.to_string()),
    );
    let weekdays = top(
        &format!("(CAST(strftime('%w', {ts}) AS INTEGER) + 6) % 7"),
        &by_orders,
        "k",
    );
    check("preferred weekday", weekdays, &|x| {
        x.preferred_weekday.map(|d| d.to_string())
    });
    if let Some(cat) = q.category {
        check("favourite category", top(cat, &by_revenue, "k"), &|x| {
            x.favourite_category.clone()
        });
    }
    if let Some(ch) = q.channel {
        check("preferred channel", top(ch, &by_orders, "k"), &|x| {
            x.preferred_channel.clone()
        });
    }
}

#[test]
fn per_customer_columns_agree_with_sql_on_the_sample_project() {
    let s = Scratch::new();
    let p = Project::open(sample_copy(&s)).unwrap();
    let t = rfm_table(
        &p,
        "orders",
        &RfmOptions {
            products: Some("products".into()),
            attributes: Some("customers".into()),
            ..RfmOptions::default()
        },
    )
    .unwrap();
    assert_eq!(t.attributes.as_ref().unwrap().matched, t.customers.len());
    assert!(t.customers.iter().any(|c| c.return_orders > 0));
    check_against_sql(
        &p,
        &t,
        &SqlSpec {
            from: "orders LEFT JOIN (SELECT stock_code AS sc, min(category) AS cat FROM products GROUP BY 1) ON sc = stock_code",
            customer: "customer_id",
            order: "order_id",
            time: "order_time",
            amount: "amount",
            quantity: "quantity",
            item: "product_name",
            category: Some("cat"),
            channel: Some("channel"),
            base: "customer_id IS NOT NULL",
        },
    );
}

/// Asserts that reading `dataset` in `parts` parts gives exactly what one pass gives: the same
/// customers in the same order, the same lines, and the same numbering of every text.
fn scan_in_parts_equals_one_pass(
    p: &loupe::store::Project,
    dataset: &str,
    products: Option<&str>,
    parts: usize,
) {
    use loupe::customers::columns::TransactionColumns;
    use loupe::customers::scan::{ScanOptions, scan};
    let info = p.dataset(dataset).unwrap();
    let cols = TransactionColumns::find(&info).unwrap();
    let read = |parts| {
        let opts = ScanOptions {
            products: products.map(str::to_string),
            parts,
            ..ScanOptions::default()
        };
        scan(p, &info, &cols, &opts).unwrap()
    };
    let (one, split) = (read(1), read(parts));
    assert!(!one.customers.is_empty());
    assert_eq!(one.customers, split.customers, "{parts} parts");
    for (a, b) in [
        (&one.orders, &split.orders),
        (&one.items, &split.items),
        (&one.item_ids, &split.item_ids),
        (&one.categories, &split.categories),
        (&one.channels, &split.channels),
    ] {
        assert_eq!(a.keys(), b.keys(), "{parts} parts");
    }
    assert_eq!(one.skipped_rows, split.skipped_rows);
}

#[test]
fn a_scan_in_parts_equals_one_pass() {
    let s = Scratch::new();
    let p = Project::open(sample_copy(&s)).unwrap();
    for parts in [2, 3, 7] {
        scan_in_parts_equals_one_pass(&p, "orders", Some("products"), parts);
    }
}

#[test]
fn per_customer_columns_agree_with_sql_on_online_retail() {
    let Some(path) = online_retail() else { return };
    let s = Scratch::new();
    let mut p = s.project();
    import(&mut p, &[&path], named("online_retail")).unwrap();
    // The raw lines, cancellations included: the table tells purchases from returns itself.
    let t = rfm_table(
        &p,
        "online_retail",
        &RfmOptions {
            filter: Some("UnitPrice > 0".into()),
            ..RfmOptions::default()
        },
    )
    .unwrap();
    assert_eq!(t.as_of.to_string(), "2011-12-10");
    // 541,909 lines are read in parts on a machine with two cores or more.
    scan_in_parts_equals_one_pass(&p, "online_retail", None, 0);
    scan_in_parts_equals_one_pass(&p, "online_retail", None, 5);
    // 4,338 customers bought (the README's cleaned count); the rest only cancelled.
    assert_eq!(t.customers.len(), 4_338);
    let q = |sql: &str| rows(&p, sql)[0][0].clone();
    assert_eq!(
        (t.customers.len() as u64 + t.return_only_customers).to_string(),
        q("SELECT count(DISTINCT CustomerID) FROM online_retail WHERE UnitPrice > 0")
    );
    // Every cancelled invoice line has a negative quantity, so the rule catches them all.
    assert_eq!(
        q("SELECT count(*) FROM online_retail WHERE InvoiceNo LIKE 'C%' AND Quantity >= 0"),
        "0"
    );
    check_against_sql(
        &p,
        &t,
        &SqlSpec {
            from: "online_retail",
            customer: "CustomerID",
            order: "InvoiceNo",
            time: "InvoiceDate",
            amount: "Quantity * UnitPrice",
            quantity: "Quantity",
            item: "Description",
            category: None,
            channel: None,
            base: "CustomerID IS NOT NULL AND UnitPrice > 0",
        },
    );
}

#[test]
fn customer_card_on_the_hand_checked_case() {
    use loupe::customers::card::customer_card;
    use loupe::customers::rfm::customer_base;
    let s = Scratch::new();
    let mut p = s.project();
    orders_with_everything(&s, &mut p);
    let base = customer_base(&p, "lines", &RfmOptions::default()).unwrap();
    let card = customer_card(&base, 0);
    let orders: Vec<(&str, String, u32, f64, f64, bool)> = card
        .orders
        .iter()
        .map(|o| {
            (
                o.order.as_str(),
                o.date.to_string(),
                o.lines,
                o.items,
                o.amount,
                o.is_return,
            )
        })
        .collect();
    assert_eq!(
        orders,
        [
            ("A1", "2024-01-01".into(), 2, 3.0, 25.0, false),
            ("A2", "2024-03-01".into(), 1, 5.0, 15.0, false),
            ("A3", "2024-03-04".into(), 1, 1.0, 8.0, false),
            ("C1002", "2024-03-05".into(), 1, -2.0, -6.0, true),
        ]
    );
    assert_eq!(card.orders[1].channel.as_deref(), Some("app"));
    assert_eq!(card.orders[1].hour, Some(15));
    let mix: Vec<(&str, f64)> = card
        .categories
        .iter()
        .map(|c| (c.category.as_str(), c.revenue))
        .collect();
    assert_eq!(mix, [("kitchen", 20.0), ("office", 20.0), ("home", 8.0)]);
    assert!((card.categories[2].share - 8.0 / 48.0).abs() < 1e-12);
    // Out of range: an empty card, no panic.
    assert!(customer_card(&base, 99).orders.is_empty());
}

#[test]
fn lifetime_value_from_the_table_matches_the_clv_summary() {
    use loupe::customers::summary::{Period, SummaryOptions, fit_dataset, summarize};
    use loupe::customers::value::{customer_value, histories};
    // The sample orders without their returns (the CLV summary reads every line).
    let s = Scratch::new();
    let p0 = Project::open(sample_copy(&s)).unwrap();
    let lines = rows(
        &p0,
        "SELECT order_id, order_time, customer_id, amount FROM orders WHERE quantity > 0",
    );
    let mut w = csv::Writer::from_path(s.path("clean.csv")).unwrap();
    w.write_record(["order_id", "order_time", "customer_id", "amount"])
        .unwrap();
    for r in &lines {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
    let mut p = s.project();
    import(&mut p, &[&s.path("clean.csv")], named("clean")).unwrap();
    let t = rfm_table(&p, "clean", &RfmOptions::default()).unwrap();
    let opts = SummaryOptions {
        calibration_end: Some(t.as_of - chrono::Duration::days(1)),
        period: Period::Week,
    };
    let summary = summarize(&p, "clean", &opts).unwrap();
    let h = histories(&t).unwrap();
    assert_eq!(summary.customers.len(), h.len());
    for (c, mine) in summary.customers.iter().zip(&h) {
        assert_eq!(c.summary, *mine, "{}", c.customer_id);
    }
    let v = customer_value(&t).unwrap();
    let report = fit_dataset(&p, "clean", &opts).unwrap();
    assert_eq!(v.fit.params, report.bg_nbd.params);
    assert!(v.p_alive.iter().all(|p| (0.0..=1.0).contains(p)));
    assert!(v.expected_purchases.iter().all(|e| *e >= 0.0));
}

#[test]
fn tags_from_rules_kept_in_the_project() {
    use loupe::customers::tags::{evaluate, put_rule, remove_rule, rules};
    let s = Scratch::new();
    let mut p = s.project();
    orders_with_everything(&s, &mut p);
    // A new project starts with example rules.
    let start = rules(&p).unwrap();
    assert!(
        start
            .iter()
            .any(|r| r.name == "high value" && r.rule == "m_score = 5")
    );
    put_rule(&p, "big", "revenue > 40").unwrap();
    put_rule(&p, "mug fan", "favourite_item = 'mug' and city = 'Beijing'").unwrap();
    put_rule(&p, "broken", "no_such_column > 1").unwrap();
    put_rule(&p, "weekend shopper", "preferred_weekday in ('Mon')").unwrap();
    let e = put_rule(&p, "bad", "revenue >").unwrap_err().to_string();
    assert!(e.contains("revenue"), "{e}");
    let all = rules(&p).unwrap();
    // Replacing keeps the place; new ones go last.
    assert_eq!(all.len(), start.len() + 3);
    assert_eq!(all[all.len() - 1].name, "broken");
    let t = rfm_table(
        &p,
        "lines",
        &RfmOptions {
            attributes: Some("people".into()),
            ..RfmOptions::default()
        },
    )
    .unwrap();
    let tags = evaluate(&t, &all).unwrap();
    let members = |name: &str| {
        let k = all.iter().position(|r| r.name == name).unwrap();
        tags.members[k].clone()
    };
    // a (48), b (10), d (50): customers a and d.
    assert_eq!(members("big"), Ok(vec![true, false, true]));
    assert_eq!(members("mug fan"), Ok(vec![true, false, false]));
    assert_eq!(members("weekend shopper"), Ok(vec![true, false, false]));
    let err = members("broken").unwrap_err();
    assert!(err.contains("no_such_column"), "{err}");
    assert!(tags.of(0).contains(&"big") && tags.of(0).contains(&"mug fan"));
    assert!(!tags.of(1).contains(&"big"));
    remove_rule(&p, "broken").unwrap();
    let e = remove_rule(&p, "broken").unwrap_err().to_string();
    assert!(e.contains("no tag 'broken'") && e.contains("big"), "{e}");

    // The command line: add, count, remove.
    drop(p);
    let out = loupe()
        .args(["tags", "--project"])
        .arg(s.path("test.loupe"))
        .args([
            "--dataset",
            "lines",
            "--add",
            "two orders=orders >= 2",
            "--remove",
            "big",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("two orders\torders >= 2\t1 of 3 customers"),
        "{text}"
    );
    assert!(!text.contains("big\t"), "{text}");

    // loupe customers writes each customer's tags.
    let csv_out = s.path("with_tags.csv");
    let out = loupe()
        .args(["customers", "--project"])
        .arg(s.path("test.loupe"))
        .args(["--dataset", "lines", "--attributes", "people", "--out"])
        .arg(&csv_out)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut p = loupe::store::Project::open(s.path("test.loupe")).unwrap();
    import(&mut p, &[&csv_out], named("with_tags")).unwrap();
    let got = rows(
        &p,
        "SELECT customer_id, tags FROM with_tags ORDER BY customer_id",
    );
    assert!(
        got[0][1].contains("two orders") && got[0][1].contains("mug fan"),
        "{got:?}"
    );
    assert!(!got[1][1].contains("two orders"), "{got:?}");
}
