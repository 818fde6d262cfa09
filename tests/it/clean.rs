//! The quality report on a hand-built dataset with one of each problem.

use crate::common::*;
use loupe::clean::{FindingKind, ReportOptions, quality_report};
use loupe::dataset::ColumnType;
use loupe::import::ImportOptions;
use loupe::progress::Reporter;

#[test]
fn the_report_finds_each_problem() {
    let s = Scratch::new();
    let f = s.write(
        "o.csv",
        "order_id,customer_id,order_time,quantity,unit_price,city\n\
536361,c1,2024-01-01 10:00:00,1,10,北京\n\
536361,c1,2024-01-01 10:00:00,1,10,北京\n\
C536362,c2,2024-01-02 10:00:00,-1,10,北京市\n\
536363,,2024-01-03 10:00:00,2,0,Beijing\n\
536364,c4,2030-01-01 10:00:00,3,12, beijing\n\
536365,c5,2024-01-05 10:00:00,x,11,上海\n\
536366,c6,2024-01-06 10:00:00,2,10,上海\n\
536367,c7,2024-01-07 10:00:00,2,10,上海\n\
536368,c8,2024-01-08 10:00:00,2,10,上海\n\
536369,c9,2024-01-09 10:00:00,2,1000,上海\n",
    );
    let mut p = s.project();
    import(
        &mut p,
        &[&f],
        ImportOptions {
            types: vec![("quantity".into(), ColumnType::Integer)],
            ..named("o")
        },
    )
    .unwrap();
    let r = quality_report(
        &p,
        "o",
        &ReportOptions {
            key: vec!["order_id".into()],
            rules: vec!["unit_price < 100".into()],
            today: Some("2026-11-23".into()),
        },
        &Reporter::silent(),
    )
    .unwrap();
    assert_eq!(r.rows, 10);
    assert_eq!(r.exact_duplicate_rows, 1);
    let found = |k: FindingKind| -> Vec<(Option<String>, u64)> {
        r.findings
            .iter()
            .filter(|f| f.kind == k)
            .map(|f| (f.column.clone(), f.count))
            .collect()
    };
    assert_eq!(
        found(FindingKind::KeyDuplicates),
        vec![(Some("order_id".into()), 1)]
    );
    assert_eq!(found(FindingKind::RuleFailed), vec![(None, 1)]);
    assert_eq!(
        found(FindingKind::Missing),
        vec![(Some("customer_id".into()), 1)]
    );
    assert_eq!(
        found(FindingKind::Invalid),
        vec![(Some("quantity".into()), 1)]
    );
    assert_eq!(
        found(FindingKind::Untrimmed),
        vec![(Some("city".into()), 1)]
    );
    assert_eq!(
        found(FindingKind::Cancellations),
        vec![(Some("order_id".into()), 1)]
    );
    assert_eq!(
        found(FindingKind::NonPositiveQuantity),
        vec![(Some("quantity".into()), 1)]
    );
    assert_eq!(
        found(FindingKind::NonPositivePrice),
        vec![(Some("unit_price".into()), 1)]
    );
    assert_eq!(
        found(FindingKind::FutureDates),
        vec![(Some("order_time".into()), 1)]
    );
    // Interpolated quartiles: quantity -1,1,1,2,2,2,2,2,3 gives Q1 1, Q3 2, fences -0.5 and 3.5;
    // unit_price 0,10,10,10,10,10,10,11,12,1000 gives Q1 10, Q3 10.75, fences 8.875 and 11.875.
    assert_eq!(
        found(FindingKind::Outliers),
        vec![(Some("quantity".into()), 1), (Some("unit_price".into()), 3)]
    );
    let city = r.columns.iter().find(|c| c.name == "city").unwrap();
    assert_eq!(
        city.variants,
        vec![
            vec![" beijing".to_string(), "Beijing".to_string()],
            vec!["北京".to_string(), "北京市".to_string()]
        ]
    );
    assert_eq!(found(FindingKind::Variants), vec![(Some("city".into()), 5)]);
    for f in &r.findings {
        let n = rows(
            &p,
            &format!("SELECT count(*) FROM o WHERE {}", f.rows_where),
        );
        assert_eq!(n[0][0], f.count.to_string(), "{:?}", f.kind);
    }
    let e = quality_report(
        &p,
        "o",
        &ReportOptions {
            rules: vec!["nonsense >".into()],
            ..ReportOptions::default()
        },
        &Reporter::silent(),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("nonsense >"), "{e}");
}
