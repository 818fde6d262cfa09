//! Combining datasets (issue 24): a shop's multi-table export (orders, lines, payments with split
//! payments, customers whose person id spans several customer ids) in `tests/fixtures/multi`, and
//! the import and quality problems real exports showed.

use crate::common::*;
use loupe::clean::{FindingKind, ReportOptions, quality_report};
use loupe::dataset::Role;
use loupe::i18n::Lang;
use loupe::import::ImportOptions;
use loupe::progress::Reporter;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/multi")
        .join(format!("{name}.csv"))
}

fn role_of(r: &loupe::import::ImportReport, column: &str) -> Option<Role> {
    col(r, column).role
}

#[test]
fn rows_whose_every_field_is_empty_are_skipped_and_counted() {
    let s = Scratch::new();
    let mut p = s.project();
    // payments.csv ends with three rows of empty fields, as Excel pads an export.
    let r = import(&mut p, &[&fixture("payments")], named("payments")).unwrap();
    assert_eq!((r.rows, r.blank_rows_skipped), (10, 3));
    // So the quality report has nothing missing to fill.
    let q = quality_report(
        &p,
        "payments",
        &ReportOptions::default(),
        &Reporter::silent(),
    )
    .unwrap();
    assert!(
        q.findings.iter().all(|f| f.kind != FindingKind::Missing),
        "{:?}",
        q.findings
    );
    // Spaces count as empty, blank rows in the middle too; the line numbers stay the file's.
    let f = s.write("padded.csv", "a,b,c\n1,x,2\n , ,\n,,\n2,y,3\n,,\n");
    let r = import(&mut p, &[&f], named("padded")).unwrap();
    assert_eq!((r.rows, r.blank_rows_skipped), (2, 3));
    // Kept when asked.
    let r = import(
        &mut p,
        &[&f],
        ImportOptions {
            keep_blank_rows: true,
            ..named("padded_kept")
        },
    )
    .unwrap();
    assert_eq!((r.rows, r.blank_rows_skipped), (5, 0));

    // The command line says it, in text and JSON.
    let project = s.path("cli.loupe");
    let out = run_loupe(&[
        "import",
        fixture("payments").to_str().unwrap(),
        "--project",
        project.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Skipped 3 empty rows"), "{text}");
    let out = run_loupe(&[
        "import",
        f.to_str().unwrap(),
        "--project",
        project.to_str().unwrap(),
        "--json",
    ]);
    assert!(out.status.success(), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["blank_rows_skipped"], 3);
    assert_eq!(v["rows"], 2);
}

#[test]
fn the_purchase_time_wins_the_timestamp_role() {
    let s = Scratch::new();
    let mut p = s.project();
    let r = import(&mut p, &[&fixture("orders")], named("orders")).unwrap();
    assert_eq!(
        role_of(&r, "order_purchase_timestamp"),
        Some(Role::Timestamp)
    );
    for later in [
        "order_approved_at",
        "order_delivered_carrier_date",
        "order_delivered_customer_date",
        "order_estimated_delivery_date",
    ] {
        assert_eq!(role_of(&r, later), None, "{later}");
    }
    // In Chinese: the order or payment or creation time over shipping, receipt and estimates,
    // wherever the columns stand.
    let cases: [(&[&str], &str); 4] = [
        (
            &["发货时间", "下单时间", "签收时间", "预计送达"],
            "下单时间",
        ),
        (&["发货时间", "签收时间", "付款时间"], "付款时间"),
        (&["签收时间", "创建时间"], "创建时间"),
        (&["预计送达", "订单付款日期"], "订单付款日期"),
    ];
    for (i, (columns, winner)) in cases.iter().enumerate() {
        let header = format!("订单号,{}", columns.join(","));
        let mut body = String::new();
        for k in 0..3 {
            body.push_str(&format!("A{k}"));
            for j in 0..columns.len() {
                body.push_str(&format!(",2024-0{}-1{k} 10:00:00", j + 1));
            }
            body.push('\n');
        }
        let f = s.write(&format!("zh{i}.csv"), format!("{header}\n{body}"));
        let r = import(&mut p, &[&f], named(&format!("zh{i}"))).unwrap();
        for c in columns.iter() {
            let want = (c == winner).then_some(Role::Timestamp);
            assert_eq!(role_of(&r, c), want, "{c} of {columns:?}");
        }
    }
    // Dates whose names give no role: the content gives it, to the purchase rather than the
    // delivery, wherever it stands.
    let f = s.write(
        "late.csv",
        "id,delivered,bought\n1,2024-01-03,2024-01-01\n2,2024-01-04,2024-01-02\n",
    );
    let r = import(&mut p, &[&f], named("late")).unwrap();
    assert_eq!(role_of(&r, "bought"), Some(Role::Timestamp));
    assert_eq!(role_of(&r, "delivered"), None);
}

#[test]
fn payment_and_total_columns_are_amounts() {
    use loupe::import::roles::role_from_name;
    for name in [
        "payment_value",
        "total",
        "order_total",
        "grand_total",
        "total_paid",
        "实付金额",
        "应付金额",
        "订单金额",
        "实付款",
        "应付",
    ] {
        assert_eq!(
            role_from_name(name).map(|r| r.0),
            Some(Role::Amount),
            "{name}"
        );
    }
    for name in [
        "freight_value",
        "payment_installments",
        "payment_sequential",
        "payment_type",
        "total_items",
        "item_total_qty",
    ] {
        assert_ne!(
            role_from_name(name).map(|r| r.0),
            Some(Role::Amount),
            "{name}"
        );
    }
    let s = Scratch::new();
    let mut p = s.project();
    let r = import(&mut p, &[&fixture("payments")], named("payments")).unwrap();
    assert_eq!(role_of(&r, "payment_value"), Some(Role::Amount));
    assert_eq!(role_of(&r, "order_id"), Some(Role::OrderId));
}

/// `n` ids of 32 hexadecimal digits, from a fixed seed.
fn hex_ids(n: usize, upper: bool) -> Vec<String> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|_| {
            (0..32)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    let d = char::from_digit((x % 16) as u32, 16).unwrap();
                    if upper { d.to_ascii_uppercase() } else { d }
                })
                .collect()
        })
        .collect()
}

#[test]
fn hexadecimal_ids_starting_with_c_are_not_cancellations() {
    let s = Scratch::new();
    let mut p = s.project();
    for upper in [false, true] {
        let ids = hex_ids(400, upper);
        let starting_with_c = ids
            .iter()
            .filter(|i| i.starts_with('c') || i.starts_with('C'))
            .count();
        assert!(starting_with_c > 10, "{starting_with_c}");
        let mut csv = String::from("order_id,customer_id,order_purchase_timestamp,payment_value\n");
        for (k, id) in ids.iter().enumerate() {
            csv.push_str(&format!(
                "{id},u{},2024-01-{:02} 10:00:00,{}.5\n",
                k % 50,
                k % 28 + 1,
                k % 90 + 1
            ));
        }
        let name = if upper { "hex_upper" } else { "hex" };
        let f = s.write(&format!("{name}.csv"), csv);
        let r = import(&mut p, &[&f], named(name)).unwrap();
        assert_eq!(role_of(&r, "order_id"), Some(Role::OrderId));
        let q = quality_report(&p, name, &ReportOptions::default(), &Reporter::silent()).unwrap();
        assert!(
            q.findings
                .iter()
                .all(|f| f.kind != FindingKind::Cancellations),
            "{:?}",
            q.findings
        );
    }
    // Online Retail's shape: numbers, and C with numbers. Lower-case c does not count.
    let f = s.write(
        "retail.csv",
        "InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice\n\
536365,17850,2010-12-01 08:26:00,6,2.55\n\
536366,17850,2010-12-01 08:28:00,6,1.85\n\
C536379,14527,2010-12-01 09:41:00,-1,27.50\n\
c536380,14527,2010-12-01 09:41:00,1,27.50\n\
536381,15311,2010-12-01 09:41:00,1,27.50\n",
    );
    import(&mut p, &[&f], named("retail")).unwrap();
    let q = quality_report(&p, "retail", &ReportOptions::default(), &Reporter::silent()).unwrap();
    let c: Vec<_> = q
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::Cancellations)
        .collect();
    // c536380 is not a number: 3 of the 4 other ids (75%) are, and the rule needs 99%.
    assert!(c.is_empty(), "{c:?}");
    let f = s.write(
        "retail2.csv",
        "InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice\n\
536365,17850,2010-12-01 08:26:00,6,2.55\n\
536366,17850,2010-12-01 08:28:00,6,1.85\n\
C536379,14527,2010-12-01 09:41:00,-1,27.50\n\
536381,15311,2010-12-01 09:41:00,1,27.50\n",
    );
    import(&mut p, &[&f], named("retail2")).unwrap();
    let q = quality_report(
        &p,
        "retail2",
        &ReportOptions::default(),
        &Reporter::silent(),
    )
    .unwrap();
    let c = q
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::Cancellations)
        .expect("Online Retail's shape");
    assert_eq!(c.count, 1);
    // Every finding says why, in both languages.
    for f in &q.findings {
        for lang in Lang::ALL {
            assert!(f.why.describe(lang).len() > 20, "{:?}", f.kind);
        }
    }
    assert!(
        c.why.describe(Lang::En).contains("100.0%"),
        "{}",
        c.why.describe(Lang::En)
    );
    assert!(c.why.describe(Lang::ZhCn).contains("大写 C"));
    let out = run_loupe(&[
        "profile",
        "--project",
        s.path("test.loupe").to_str().unwrap(),
        "--dataset",
        "retail2",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("why: These ids are an uppercase C"), "{text}");
}
