//! The columnar copy of each dataset (`loupe::kept::copy`) and the reads moved onto it: every
//! column read from the copy equals the SQLite rows, the customer scan from the copy equals the
//! SQLite scan (numbering included) and charts equal the old path, on the hand-built shop, the
//! sample project and Online Retail; append, replace, a clean recipe, delete and subject erase
//! reach it; an encrypted project keeps no plaintext of it; a cancelled build writes nothing.

use crate::common::*;
use crate::segments::shop;
use loupe::customers::columns::{TransactionColumns, is_transactions};
use loupe::customers::scan::{Interner, Scan, ScanOptions, scan_from_copy, scan_sqlite};
use loupe::explore::chart::{columns_for, compute, compute_frame};
use loupe::explore::render::ChartKind;
use loupe::explore::spec::{ChartSpec, Dimension, Measure};
use loupe::kept::{copy, sql_filter};
use loupe::progress::Reporter;
use loupe::store::{Passphrase, Project};

fn names(i: &Interner) -> Vec<String> {
    (0..i.len() as u32)
        .map(|k| i.name(k).unwrap_or_default().to_string())
        .collect()
}

fn assert_same_scan(a: &Scan, b: &Scan, what: &str) {
    assert_eq!(a.customers.len(), b.customers.len(), "{what}");
    assert!(a.customers == b.customers, "{what}: the lines differ");
    for (x, y) in [
        (&a.orders, &b.orders),
        (&a.items, &b.items),
        (&a.item_ids, &b.item_ids),
        (&a.categories, &b.categories),
        (&a.channels, &b.channels),
    ] {
        assert_eq!(names(x), names(y), "{what}");
    }
    assert_eq!(a.skipped_rows, b.skipped_rows, "{what}");
    assert_eq!(a.has_time, b.has_time, "{what}");
    assert_eq!(a.has_quantity, b.has_quantity, "{what}");
}

/// Every dataset read whole and in part through the copy equals `load_frame`.
fn assert_columns_equal(p: &Project) {
    for info in p.datasets().unwrap() {
        let all: Vec<&str> = info.columns.iter().map(|c| c.name.as_str()).collect();
        let want = loupe::frame::load_frame(p.conn(), &info, Some(&all)).unwrap();
        let got = copy::load(p, &info, &all, &Reporter::silent()).unwrap();
        assert_eq!(got.schema(), want.schema(), "{}", info.name);
        assert!(got.equals_missing(&want), "{}", info.name);
        assert!(copy::find(p, &info).unwrap().is_some(), "{}", info.name);
        let some: Vec<&str> = all.iter().rev().take(2).copied().collect();
        let want = loupe::frame::load_frame(p.conn(), &info, Some(&some)).unwrap();
        let got = copy::load(p, &info, &some, &Reporter::silent()).unwrap();
        assert!(got.equals_missing(&want), "{}: {some:?}", info.name);
        assert_eq!(got.get_column_names(), want.get_column_names());
    }
}

/// The customer scan of `dataset` from the copy equals the SQLite scan, whole, in parts, with
/// each filter and before a day.
fn assert_scans_equal(p: &Project, dataset: &str, filters: &[&str], products: Option<&str>) {
    let info = p.dataset(dataset).unwrap();
    let cols = TransactionColumns::find(&info).unwrap();
    let mut cases: Vec<ScanOptions> = Vec::new();
    for f in std::iter::once(None).chain(filters.iter().map(|f| Some(f.to_string()))) {
        for parts in [0, 1, 3] {
            cases.push(ScanOptions {
                filter: f.clone(),
                products: products.map(str::to_string),
                parts,
                before_day: None,
                ids: None,
            });
        }
    }
    let whole = scan_sqlite(p, &info, &cols, &ScanOptions::default()).unwrap();
    let days: Vec<i32> = whole
        .customers
        .iter()
        .flat_map(|c| c.lines.iter().map(|l| l.day))
        .collect();
    if let (Some(lo), Some(hi)) = (days.iter().min(), days.iter().max()) {
        cases.push(ScanOptions {
            before_day: Some(lo + (hi - lo) / 2),
            ..ScanOptions::default()
        });
    }
    for opts in cases {
        let what = format!("{dataset} {opts:?}");
        let want = scan_sqlite(p, &info, &cols, &opts).unwrap();
        let got = scan_from_copy(p, &info, &cols, &opts)
            .unwrap()
            .unwrap_or_else(|| panic!("{what}: the copy does not answer"));
        assert_same_scan(&got, &want, &what);
    }
}

/// Charts of every transactions dataset (monthly count and sum, count by a text column) equal
/// those computed from the SQLite rows.
fn assert_charts_equal(p: &Project) {
    for info in p.datasets().unwrap() {
        let Some(ts) = info.column_with_role(loupe::dataset::Role::Timestamp) else {
            continue;
        };
        let mut specs = vec![ChartSpec::new(
            &info.name,
            Dimension::parse(&format!("{}:month", ts.name), &info).unwrap(),
            vec![Measure::parse("count()").unwrap()],
        )];
        if let Some(n) = info.columns.iter().find(|c| c.ty.is_numeric()) {
            specs.push(ChartSpec::new(
                &info.name,
                Dimension::parse(&format!("{}:month", ts.name), &info).unwrap(),
                vec![Measure::parse(&format!("sum({})", n.name)).unwrap()],
            ));
        }
        if let Some(t) = info
            .columns
            .iter()
            .find(|c| c.ty == loupe::dataset::ColumnType::Text)
        {
            specs.push(ChartSpec::new(
                &info.name,
                Dimension::parse(&t.name, &info).unwrap(),
                vec![Measure::parse("count()").unwrap()],
            ));
        }
        for spec in specs {
            let kind = ChartKind::Bar;
            let cols = columns_for(&info, &spec, kind).unwrap();
            let names: Vec<&str> = cols.iter().map(String::as_str).collect();
            let old = loupe::frame::load_frame(p.conn(), &info, Some(&names)).unwrap();
            let want = compute_frame(old, &spec, kind).unwrap();
            let got = compute(p, &spec, kind, None, &Reporter::silent()).unwrap();
            assert_eq!(got, want, "{}", info.name);
        }
    }
}

#[test]
fn the_copy_equals_the_sqlite_rows_on_the_shop() {
    let s = Scratch::new();
    let p = shop(&s);
    assert_eq!(copy::usage(&p).unwrap().0, 0);
    assert_columns_equal(&p);
    assert_eq!(copy::usage(&p).unwrap().0, 4, "one copy per dataset");
    assert_scans_equal(
        &p,
        "orders",
        &[
            "quantity > 0",
            "unit_price >= 10 AND NOT (customer_id = 'a')",
            "order_id NOT LIKE 'b%' OR quantity IS NULL",
        ],
        Some("products"),
    );
    assert_charts_equal(&p);
    // The derived tables count apart from the copies.
    assert_eq!(loupe::kept::usage(&p).unwrap().0, 0);
}

#[test]
fn the_copy_equals_the_sqlite_rows_on_the_sample_project() {
    let s = Scratch::new();
    let p = loupe::demo::build_demo(&s.path("sample.loupe"), &Reporter::silent()).unwrap();
    assert_columns_equal(&p);
    for info in p.datasets().unwrap() {
        if is_transactions(&info) {
            assert_scans_equal(&p, &info.name, &[], None);
        }
    }
    assert_charts_equal(&p);
}

#[test]
fn the_copy_equals_the_sqlite_rows_on_online_retail() {
    let Some(path) = online_retail() else { return };
    let s = Scratch::new();
    let mut p = s.project();
    import(&mut p, &[&path], named("online_retail")).unwrap();
    use loupe::dataset::Role;
    for (c, r) in [
        ("InvoiceNo", Role::OrderId),
        ("CustomerID", Role::CustomerId),
        ("InvoiceDate", Role::Timestamp),
        ("StockCode", Role::ItemId),
        ("Description", Role::ItemName),
        ("Quantity", Role::Quantity),
        ("UnitPrice", Role::UnitPrice),
        ("Country", Role::Channel),
    ] {
        p.set_role("online_retail", c, Some(r)).unwrap();
    }
    assert_columns_equal(&p);
    assert_scans_equal(
        &p,
        "online_retail",
        &["CustomerID IS NOT NULL AND Quantity > 0 AND UnitPrice > 0 AND InvoiceNo NOT LIKE 'C%'"],
        None,
    );
    assert_charts_equal(&p);
    let info = p.dataset("online_retail").unwrap();
    let (bytes, rows) = (
        copy::usage(&p).unwrap().1,
        copy::find(&p, &info).unwrap().unwrap().rows(),
    );
    assert_eq!(rows, info.rows);
    eprintln!("Online Retail's copy: {bytes} bytes for {rows} rows");
}

#[test]
fn filters_outside_the_translated_sql_go_to_sqlite() {
    let s = Scratch::new();
    let p = shop(&s);
    let info = p.dataset("orders").unwrap();
    for sql in [
        "quantity > 0",
        "(quantity > 0 OR unit_price < 5) AND order_id LIKE 'A%'",
        "\"customer_id\" IS NOT NULL AND NOT quantity <= -1.5",
    ] {
        assert!(sql_filter::translate(sql, &info).is_some(), "{sql}");
    }
    for sql in [
        "quantity > unit_price",
        "order_id LIKE '%1'",
        "order_id LIKE 'A_'",
        "lower(order_id) = 'a1'",
        "quantity IN (1, 2)",
        "quantity = '2'",
        "nosuch > 1",
        "order_time >= '2024-03-01'",
        "quantity > 0 AND",
    ] {
        assert!(sql_filter::translate(sql, &info).is_none(), "{sql}");
    }
    // A filter the copy cannot take still gives the SQLite scan's answer through `scan`.
    let cols = TransactionColumns::find(&info).unwrap();
    let opts = ScanOptions {
        filter: Some("lower(order_id) LIKE 'a%' AND quantity * unit_price > 5".into()),
        ..ScanOptions::default()
    };
    assert!(scan_from_copy(&p, &info, &cols, &opts).unwrap().is_none());
    let want = scan_sqlite(&p, &info, &cols, &opts).unwrap();
    let got = loupe::customers::scan::scan(&p, &info, &cols, &opts).unwrap();
    assert_same_scan(&got, &want, "untranslated filter");
    assert_eq!(got.customers.len(), 1);
}

/// Customer ids of `p`'s orders as the copy holds them.
fn copied_ids(p: &Project, dataset: &str) -> Vec<String> {
    let info = p.dataset(dataset).unwrap();
    let df = copy::load(p, &info, &["customer_id"], &Reporter::silent()).unwrap();
    let mut ids: Vec<String> = df
        .column("customer_id")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .map(str::to_string)
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

fn customers(p: &Project, dataset: &str) -> Vec<String> {
    let opts = loupe::customers::rfm::RfmOptions::default();
    loupe::customers::rfm::rfm_table(p, dataset, &opts)
        .unwrap()
        .customers
        .into_iter()
        .map(|c| c.customer_id)
        .collect()
}

fn is_stale(p: &Project, dataset: &str) -> bool {
    copy::find(p, &p.dataset(dataset).unwrap())
        .unwrap()
        .is_none()
}

#[test]
fn appends_replaces_recipes_deletes_and_erasures_reach_the_copy() {
    let s = Scratch::new();
    let mut p = shop(&s);
    let all = ["a", "b", "c", "d", "e", "f"].map(String::from).to_vec();
    assert_eq!(customers(&p, "orders"), all);
    assert!(!is_stale(&p, "orders"), "the customer table built the copy");
    // Append (the same file and one more, as one import): customer g appears.
    let original = std::fs::read_to_string(s.path("orders.csv")).unwrap();
    let more = s.write(
        "more.csv",
        "order_id,customer_id,order_time,item_id,quantity,unit_price\n\
G1,g,2024-03-08 10:00:00,X,1,10\n",
    );
    let replace = || loupe::import::ImportOptions {
        replace: true,
        ..named("orders")
    };
    import(&mut p, &[&s.path("orders.csv"), &more], replace()).unwrap();
    set_order_roles(&mut p);
    assert!(is_stale(&p, "orders"));
    assert!(customers(&p, "orders").contains(&"g".to_string()));
    assert!(copied_ids(&p, "orders").contains(&"g".to_string()));
    // Replace with customer a's lines alone.
    let only_a: String = original
        .lines()
        .filter(|l| l.starts_with("order_id") || l.contains(",a,"))
        .map(|l| format!("{l}\n"))
        .collect();
    import(&mut p, &[&s.write("a.csv", &only_a)], replace()).unwrap();
    set_order_roles(&mut p);
    assert_eq!(customers(&p, "orders"), vec!["a".to_string()]);
    assert_eq!(copied_ids(&p, "orders"), vec!["a".to_string()]);
    import(&mut p, &[&s.write("o.csv", &original)], replace()).unwrap();
    set_order_roles(&mut p);
    assert_eq!(customers(&p, "orders"), all);
    // A role change changes no value: the copy stays.
    let info = p.dataset("orders").unwrap();
    copy::ensure(&p, &info, &Reporter::silent()).unwrap();
    p.set_role("orders", "item_id", None).unwrap();
    assert!(!is_stale(&p, "orders"));
    p.set_role("orders", "item_id", Some(loupe::dataset::Role::ItemId))
        .unwrap();
    // A clean recipe writes orders_clean without customer b; rebuilt, without c instead.
    for (gone, back) in [("b", None), ("c", Some("b"))] {
        let recipe = loupe::clean::Recipe::from_json(
            &format!(r#"{{"steps": [{{"op": "drop_rows", "where": "customer_id = '{gone}'"}}]}}"#),
            "test",
        )
        .unwrap();
        loupe::clean::rebuild(&mut p, "orders", &recipe, None, &Reporter::silent()).unwrap();
        let ids = copied_ids(&p, "orders_clean");
        assert!(!ids.contains(&gone.to_string()), "{ids:?}");
        if let Some(b) = back {
            assert!(ids.contains(&b.to_string()), "{ids:?}");
        }
    }
    assert_eq!(copy::usage(&p).unwrap().0, 2);
    // Delete: the copy goes with the dataset.
    p.delete_dataset("orders_clean").unwrap();
    assert_eq!(copy::usage(&p).unwrap().0, 1);
    // Subject erase: customer a leaves the copy in the same transaction; rebuilt without a.
    loupe::privacy::subject::erase(&mut p, "a", true).unwrap();
    assert_eq!(copy::usage(&p).unwrap().0, 0);
    assert!(!customers(&p, "orders").contains(&"a".to_string()));
    assert!(!copied_ids(&p, "orders").contains(&"a".to_string()));
    assert_eq!(copy::usage(&p).unwrap().0, 1);
}

/// The copy's parts as stored (the bytes SQLite holds for them).
fn part_bytes(p: &Project) -> Vec<u8> {
    let mut stmt = p
        .conn()
        .prepare("SELECT data FROM _loupe_kept_parts")
        .unwrap();
    let rows = stmt.query_map([], |r| r.get::<_, Vec<u8>>(0)).unwrap();
    rows.flatten().flatten().collect()
}

#[test]
fn an_encrypted_project_keeps_no_plaintext_of_the_copy() {
    let s = Scratch::new();
    let secret = "ZQX-SECRET-CUSTOMER-4417";
    let mut csv = String::from("order_id,customer_id,order_time,amount\n");
    for i in 0..300 {
        let id = if i % 3 == 0 {
            secret.to_string()
        } else {
            format!("c{}", i % 17)
        };
        csv.push_str(&format!(
            "O{i},{id},2024-01-{:02} 10:00:00,{i}.5\n",
            1 + i % 28
        ));
    }
    let data = s.path("data");
    std::fs::create_dir_all(&data).unwrap();
    let file = data.join("orders.csv");
    std::fs::write(&file, csv).unwrap();
    let build = |dir: &str, key: Option<&str>| -> (std::path::PathBuf, Project) {
        let dir = s.path(dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("p.loupe");
        let mut p = Project::create_with(&path, key.map(|k| Passphrase::new(k).unwrap())).unwrap();
        import(&mut p, &[&file], named("orders")).unwrap();
        // Only the copy holds the secret besides the table: drop the table's rows from the
        // check by reading the copy's parts alone in the plain project.
        let info = p.dataset("orders").unwrap();
        copy::ensure(&p, &info, &Reporter::silent())
            .unwrap()
            .unwrap();
        (dir, p)
    };
    // The check can fail: the plain project's copy holds the value in its parts.
    let (_, plain) = build("plain", None);
    assert!(contains(&part_bytes(&plain), secret.as_bytes()));
    let (dir, p) = build("secret", Some("correct horse"));
    assert_eq!(copy::usage(&p).unwrap().0, 1);
    assert!(contains(&part_bytes(&p), secret.as_bytes()));
    drop(p);
    for (f, bytes) in files_under(&dir) {
        assert!(
            !contains(&bytes, secret.as_bytes()),
            "{} holds the secret in plaintext",
            f.display()
        );
    }
}

#[test]
fn a_cancelled_build_writes_nothing_and_read_only_projects_keep_their_copy() {
    let s = Scratch::new();
    let p = shop(&s);
    let info = p.dataset("orders").unwrap();
    let sink = |_: &loupe::progress::Progress| {};
    let cancel = loupe::progress::CancelToken::new();
    cancel.cancel();
    let rep = Reporter::new(cancel, &sink);
    assert!(matches!(
        copy::ensure(&p, &info, &rep),
        Err(loupe::Error::Cancelled)
    ));
    assert_eq!(copy::usage(&p).unwrap().0, 0);
    drop(p);
    // The command line opens read-only: `customers` builds the copy through a second connection.
    let path = s.path("test.loupe");
    let out = run_loupe(&[
        "customers",
        "--project",
        path.to_str().unwrap(),
        "--dataset",
        "orders",
        "--out",
        s.path("c.csv").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{out:?}");
    let p = Project::open_read_only(&path).unwrap();
    assert_eq!(copy::usage(&p).unwrap().0, 1);
    assert!(
        copy::find(&p, &p.dataset("orders").unwrap())
            .unwrap()
            .is_some()
    );
}
