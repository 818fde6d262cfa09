//! The real UCI Online Retail file (541,909 lines): counts known from an independent pandas count.

use crate::common::*;
use loupe::dataset::{ColumnType, Role};

#[test]
fn online_retail_imports_with_types_and_roles() {
    let Some(path) = online_retail() else { return };
    let s = Scratch::new();
    let mut p = s.project();
    let r = import(&mut p, &[&path], named("online_retail")).unwrap();
    assert_eq!(r.rows, 541_909);
    let expect = [
        ("InvoiceNo", ColumnType::Text, Some(Role::OrderId)),
        ("StockCode", ColumnType::Text, Some(Role::ItemId)),
        ("Description", ColumnType::Text, Some(Role::ItemName)),
        ("Quantity", ColumnType::Integer, Some(Role::Quantity)),
        ("InvoiceDate", ColumnType::Datetime, Some(Role::Timestamp)),
        ("UnitPrice", ColumnType::Float, Some(Role::UnitPrice)),
        ("CustomerID", ColumnType::Text, Some(Role::CustomerId)),
        ("Country", ColumnType::Text, None),
    ];
    for (name, ty, role) in expect {
        let c = col(&r, name);
        assert_eq!((c.ty, c.role), (ty, role), "{name}");
    }
    assert_eq!(col(&r, "CustomerID").nulls, 135_080);
    assert_eq!(col(&r, "Description").nulls, 1_454);
    let q = |sql: &str| rows(&p, sql)[0][0].clone();
    assert_eq!(
        q("SELECT CustomerID FROM online_retail WHERE rowid = 1"),
        "17850"
    );
    assert_eq!(
        q("SELECT count(DISTINCT CustomerID) FROM online_retail"),
        "4372"
    );
    assert_eq!(
        q("SELECT count(DISTINCT StockCode) FROM online_retail"),
        "4070"
    );
    assert_eq!(
        q("SELECT count(DISTINCT InvoiceNo) FROM online_retail"),
        "25900"
    );
    assert_eq!(q("SELECT count(DISTINCT Country) FROM online_retail"), "38");
    assert_eq!(
        q("SELECT count(*) FROM online_retail WHERE InvoiceNo LIKE 'C%'"),
        "9288"
    );
    assert_eq!(
        q("SELECT count(*) FROM online_retail WHERE Quantity <= 0"),
        "10624"
    );
    assert_eq!(
        q("SELECT count(*) FROM online_retail WHERE UnitPrice <= 0"),
        "2517"
    );
    assert_eq!(
        q("SELECT count(*) FROM online_retail WHERE UnitPrice < 0"),
        "2"
    );
    assert_eq!(
        q("SELECT min(InvoiceDate) || ' ' || max(InvoiceDate) FROM online_retail"),
        "2010-12-01 08:26:00 2011-12-09 12:50:00"
    );
    assert_eq!(
        q("SELECT count(*) FROM online_retail WHERE Description <> trim(Description)"),
        "113452"
    );
    assert_eq!(
        q(
            "SELECT typeof(Quantity) || typeof(UnitPrice) || typeof(CustomerID) FROM online_retail WHERE rowid = 1"
        ),
        "integerrealtext"
    );

    // The quality report finds the known problems.
    use loupe::clean::{FindingKind, ReportOptions, quality_report};
    let report = quality_report(
        &p,
        "online_retail",
        &ReportOptions {
            today: Some("2026-11-23".into()),
            ..ReportOptions::default()
        },
        &loupe::progress::Reporter::silent(),
    )
    .unwrap();
    assert_eq!(report.exact_duplicate_rows, 5_268);
    let missing = |c: &str| report.columns.iter().find(|x| x.name == c).unwrap().missing;
    assert_eq!(missing("CustomerID"), 135_080);
    assert_eq!(missing("Description"), 1_454);
    let found = |k: FindingKind| {
        report
            .findings
            .iter()
            .find(|f| f.kind == k)
            .map(|f| (f.column.clone(), f.count))
    };
    assert_eq!(found(FindingKind::ExactDuplicates), Some((None, 5_268)));
    assert_eq!(
        found(FindingKind::Cancellations),
        Some((Some("InvoiceNo".into()), 9_288))
    );
    assert_eq!(
        found(FindingKind::NonPositiveQuantity),
        Some((Some("Quantity".into()), 10_624))
    );
    assert_eq!(
        found(FindingKind::NonPositivePrice),
        Some((Some("UnitPrice".into()), 2_517))
    );
    assert_eq!(found(FindingKind::Untrimmed).map(|f| f.1), Some(113_452));
    assert_eq!(found(FindingKind::FutureDates), None);
    // Each finding's condition selects exactly its rows.
    for f in &report.findings {
        let n = q(&format!(
            "SELECT count(*) FROM online_retail WHERE {}",
            f.rows_where
        ));
        assert_eq!(n, f.count.to_string(), "{:?}", f.kind);
    }

    // The customer table of the cleaned lines: 4,338 customers (the README's count).
    use loupe::customers::rfm::{RfmOptions, rfm_table};
    let clean =
        "CustomerID IS NOT NULL AND InvoiceNo NOT LIKE 'C%' AND Quantity > 0 AND UnitPrice > 0";
    let t = rfm_table(
        &p,
        "online_retail",
        &RfmOptions {
            filter: Some(clean.into()),
            ..RfmOptions::default()
        },
    )
    .unwrap();
    assert_eq!(t.as_of.to_string(), "2011-12-10");
    assert_eq!(t.customers.len(), 4_338);
    let c = t
        .customers
        .iter()
        .find(|c| c.customer_id == "12346")
        .unwrap();
    assert_eq!((c.recency_days, c.frequency), (326, 1));
    assert!((c.monetary - 77_183.6).abs() < 1e-6, "{}", c.monetary);
    let total: f64 = t.customers.iter().map(|c| c.monetary).sum();
    let sql_total: f64 = q(&format!(
        "SELECT sum(Quantity * UnitPrice) FROM online_retail WHERE {clean}"
    ))
    .parse()
    .unwrap();
    assert!((total - sql_total).abs() < 1e-3, "{total} vs {sql_total}");
    let orders: u64 = t.customers.iter().map(|c| c.frequency).sum();
    assert_eq!(
        orders.to_string(),
        q(&format!(
            "SELECT count(DISTINCT InvoiceNo) FROM online_retail WHERE {clean}"
        ))
    );
}
