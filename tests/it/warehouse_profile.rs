//! The quality report of linked datasets, counted by a throw-away PostgreSQL cluster
//! ([`crate::pg`]), against the local report: rows, duplicates, and per column the missing,
//! distinct and untrimmed values and the outliers, exactly; the findings the warehouse looks for
//! with the same counts.

use crate::common::*;
use crate::pg;
use crate::warehouse_segments::link_loaded;
use loupe::clean::{FindingKind, QualityReport, ReportOptions, quality_report};
use loupe::progress::Reporter;
use loupe::store::Project;
use loupe::warehouse::profile::quality_report_with;
use loupe::warehouse::secret::ConnUrl;

/// What the warehouse counts: the kinds it looks for.
fn comparable(r: &QualityReport) -> Vec<(FindingKind, Option<String>, u64)> {
    let mut out: Vec<_> = r
        .findings
        .iter()
        .filter(|f| {
            !matches!(
                f.kind,
                FindingKind::Variants | FindingKind::Cancellations | FindingKind::Invalid
            )
        })
        .map(|f| (f.kind, f.column.clone(), f.count))
        .collect();
    out.sort_by_key(|x| format!("{x:?}"));
    out
}

fn same(c: &pg::Cluster, p: &Project, dataset: &str, opts: &ReportOptions) {
    let url = ConnUrl::new("PG", &c.url());
    let link = link_loaded(c, p, dataset, &url);
    profile_agrees(p, &link, &url, dataset, opts);
}

/// The quality report of `link` (the dataset `dataset` in a warehouse) equals the local one.
pub(crate) fn profile_agrees(
    p: &Project,
    link: &loupe::warehouse::link::Link,
    url: &ConnUrl,
    dataset: &str,
    opts: &ReportOptions,
) {
    let want = quality_report(p, dataset, opts, &Reporter::silent()).unwrap();
    let (got, transfer) = quality_report_with(link, opts, url, &Reporter::silent())
        .unwrap_or_else(|e| panic!("{dataset}: {e}"));
    assert_eq!(
        (got.rows, got.exact_duplicate_rows),
        (want.rows, want.exact_duplicate_rows),
        "{dataset}"
    );
    assert_eq!(got.columns.len(), want.columns.len());
    for (g, w) in got.columns.iter().zip(&want.columns) {
        assert_eq!(
            (
                &g.name,
                g.missing,
                g.distinct,
                g.untrimmed,
                g.outliers_iqr,
                g.outliers_z
            ),
            (
                &w.name,
                w.missing,
                w.distinct,
                w.untrimmed,
                w.outliers_iqr,
                w.outliers_z
            ),
            "{dataset}"
        );
    }
    assert_eq!(comparable(&got), comparable(&want), "{dataset}");
    assert!(
        !comparable(&want).is_empty() || opts.key.is_empty(),
        "{dataset}: a case without findings proves little"
    );
    // One row of counts crosses the wire.
    assert_eq!(transfer.rows, 1);
    assert!(transfer.bytes < 4_000, "{transfer:?}");
}

#[test]
fn profiles_in_postgresql_equal_the_local_report() {
    let Some(c) = pg::start() else { return };
    let s = Scratch::new();
    let path = sample_copy(&s);
    let mut p = Project::open(&path).unwrap();
    // Blanks, padded text, a missing number, a repeated row, a date after "today".
    let odd = s.write(
        "odd.csv",
        "id,name,qty,price,day\n\
         1,a,2,1.5,2024-01-01\n\
         2, b,0,2.5,2024-01-02\n\
         3,,3,,2024-01-03\n\
         4,   ,1,100,2030-01-01\n\
         4,   ,1,100,2030-01-01\n\
         5,e ,-1,2.0,\n\
         6,f,1,3.0,2024-01-04\n\
         7,g,1,3.5,2024-01-05\n",
    );
    import(&mut p, &[&odd], named("odd")).unwrap();
    let opts = ReportOptions {
        key: vec!["id".into()],
        rules: vec!["qty < 3".into()],
        today: Some("2025-06-30".into()),
    };
    same(&c, &p, "odd", &opts);
    let opts = ReportOptions {
        key: vec!["order_id".into()],
        rules: vec![],
        today: Some("2024-03-01".into()),
    };
    same(&c, &p, "orders", &opts);
    same(&c, &p, "customers", &ReportOptions::default());

    // The command line: the report, what crossed the wire, and that every count is exact.
    let out = loupe()
        .env("PG", c.url())
        .args([
            "profile",
            "--project",
            path.to_str().unwrap(),
            "--dataset",
            "wh_odd",
            "--rule",
            "qty < 3",
            "--json",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["rows"], 8, "{text}");
    assert_eq!(v["exact_duplicate_rows"], 1, "{text}");
    assert_eq!(v["approximate_distinct"], false, "{text}");
    assert!(v["transfer"]["bytes"].as_u64().unwrap_or(0) > 0, "{text}");
}

#[test]
fn online_retail_profile_in_postgresql_equals_the_local_report() {
    let Some(path) = online_retail() else { return };
    let Some(c) = pg::start() else { return };
    let s = Scratch::new();
    let mut p = s.project();
    import(&mut p, &[&path], named("retail")).unwrap();
    let opts = ReportOptions {
        key: vec!["InvoiceNo".into(), "StockCode".into()],
        rules: vec!["Quantity > 0".into()],
        today: Some("2011-12-01".into()),
    };
    same(&c, &p, "retail", &opts);
}
