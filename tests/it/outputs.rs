//! Read-only queries and exports.

use crate::common::*;
use loupe::error::Error;
use loupe::export::{ExportOptions, export_dataset};
use loupe::progress::Reporter;
use loupe::query::{OutputFormat, query_to};

fn setup(s: &Scratch) -> loupe::store::Project {
    let f = s.write(
        "orders.csv",
        "order_id,customer_id,order_time,amount,city\n0001,17850.0,2024-11-11 08:00:00,10.5,北京\n0002,,2024-11-12 09:30:00,3,上海\n",
    );
    let mut p = s.project();
    import(&mut p, &[&f], named("orders")).unwrap();
    p
}

#[test]
fn queries_are_read_only() {
    let s = Scratch::new();
    let p = setup(&s);
    let mut out = Vec::new();
    let n = query_to(
        &p,
        "SELECT order_id, amount FROM orders ORDER BY 1",
        OutputFormat::Csv,
        &mut out,
    )
    .unwrap();
    assert_eq!(n, 2);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "order_id,amount\n0001,10.5\n0002,3\n"
    );
    let mut out = Vec::new();
    query_to(
        &p,
        "SELECT customer_id, city FROM orders",
        OutputFormat::Json,
        &mut out,
    )
    .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v[0]["customer_id"], "17850");
    assert_eq!(v[1]["customer_id"], serde_json::Value::Null);
    assert_eq!(v[1]["city"], "上海");
    for sql in [
        "DELETE FROM orders",
        "WITH x AS (SELECT 1) DELETE FROM orders",
        "SELECT 1; DROP TABLE orders",
    ] {
        let e = query_to(&p, sql, OutputFormat::Csv, &mut Vec::new()).unwrap_err();
        assert!(matches!(e, Error::QueryRefused(_)), "{sql}: {e}");
    }
    assert_eq!(rows(&p, "SELECT count(*) FROM orders")[0][0], "2");
    let e = query_to(
        &p,
        "SELECT nope FROM orders",
        OutputFormat::Csv,
        &mut Vec::new(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("no such column"), "{e}");
}

#[test]
fn csv_export_with_bom_reimports_identically() {
    let s = Scratch::new();
    let mut p = setup(&s);
    let out = s.path("out.csv");
    let r = export_dataset(
        &p,
        "orders",
        &out,
        &ExportOptions {
            bom: true,
            columns: None,
        },
        &Reporter::silent(),
    )
    .unwrap();
    assert_eq!(r.rows, 2);
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    import(&mut p, &[&out], named("again")).unwrap();
    assert_eq!(
        rows(&p, "SELECT * FROM orders"),
        rows(&p, "SELECT * FROM again")
    );
    let log = p.activity(10).unwrap();
    assert!(
        log.iter()
            .any(|e| e.action == "export" && e.rows == Some(2))
    );
}

#[test]
fn xlsx_export_keeps_identifiers_as_text() {
    use calamine::{Data, Reader};
    let s = Scratch::new();
    let p = setup(&s);
    let out = s.path("out.xlsx");
    export_dataset(
        &p,
        "orders",
        &out,
        &ExportOptions::default(),
        &Reporter::silent(),
    )
    .unwrap();
    let mut wb = calamine::open_workbook_auto(&out).unwrap();
    let sheet = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&sheet).unwrap();
    let row: Vec<&Data> = range.rows().nth(1).unwrap().iter().collect();
    assert_eq!(row[0], &Data::String("0001".into()));
    assert_eq!(row[1], &Data::String("17850".into()));
    assert!(matches!(row[2], Data::DateTime(_)), "{:?}", row[2]);
    assert_eq!(row[3], &Data::Float(10.5));
    assert_eq!(row[4], &Data::String("北京".into()));
}

#[test]
fn parquet_export_round_trips_types() {
    let s = Scratch::new();
    let mut p = setup(&s);
    let out = s.path("out.parquet");
    export_dataset(
        &p,
        "orders",
        &out,
        &ExportOptions {
            bom: false,
            columns: Some(vec!["order_time".into(), "amount".into()]),
        },
        &Reporter::silent(),
    )
    .unwrap();
    let r = import(&mut p, &[&out], named("pq")).unwrap();
    assert_eq!(r.columns.len(), 2);
    assert_eq!(
        rows(&p, "SELECT * FROM pq"),
        rows(&p, "SELECT order_time, amount FROM orders")
    );
    let e = export_dataset(
        &p,
        "orders",
        &s.path("x.txt"),
        &ExportOptions::default(),
        &Reporter::silent(),
    )
    .unwrap_err();
    assert!(e.to_string().contains(".csv, .xlsx or .parquet"), "{e}");
    assert!(!s.path(".x.txt.loupe-partial").exists());
}
