//! `loupe profile` in one parallel pass over the columnar copy: the quality report read from the
//! copy equals the report computed in SQLite (the old path), value for value, on hand-built data
//! (every kind of finding, values not of their column's type, odd datetimes and booleans), on
//! the sample project and on Online Retail.

use crate::common::*;
use loupe::clean::{QualityReport, ReportOptions, quality_report, quality_report_sqlite};
use loupe::dataset::ColumnType;
use loupe::import::ImportOptions;
use loupe::kept::copy;
use loupe::progress::Reporter;
use loupe::store::Project;

/// Everything the report holds (and so everything `loupe profile` prints, text and JSON).
fn same(a: &QualityReport, b: &QualityReport, what: &str) {
    assert_eq!(
        serde_json::to_string_pretty(a).unwrap(),
        serde_json::to_string_pretty(b).unwrap(),
        "{what}"
    );
    assert_eq!(format!("{a:?}"), format!("{b:?}"), "{what}");
}

/// The report of every dataset of `p`, with each option set, from the copy and from SQLite.
fn assert_reports_equal(p: &Project, keys: &[&[&str]]) {
    for info in p.datasets().unwrap() {
        let mut options = vec![
            ReportOptions {
                today: Some("2011-06-30".into()),
                ..ReportOptions::default()
            },
            ReportOptions {
                today: Some("2024-01-03".into()),
                ..ReportOptions::default()
            },
        ];
        for k in keys {
            if k.iter().all(|c| info.column(c).is_some()) {
                options.push(ReportOptions {
                    key: k.iter().map(|c| c.to_string()).collect(),
                    today: Some("2026-11-23".into()),
                    ..ReportOptions::default()
                });
            }
        }
        for opts in &options {
            let old = quality_report_sqlite(p, &info.name, opts, &Reporter::silent()).unwrap();
            let new = quality_report(p, &info.name, opts, &Reporter::silent()).unwrap();
            same(&new, &old, &format!("{} {opts:?}", info.name));
        }
        assert!(
            copy::find(p, &info).unwrap().is_some(),
            "{}: the report read the copy",
            info.name
        );
    }
}

const ODD: &str = "order_id,customer_id,order_time,day,quantity,unit_price,city,flag,note\n\
536361,c1,2024-01-01 10:00:00,2024-01-01,1,10,北京,yes,a\n\
536361,c1,2024-01-01 10:00:00,2024-01-01,1,10,北京,yes,a\n\
C536362,c2,2024-01-02 10:00:00.5,2024-01-02,-1,-0.0,北京市,no,  \n\
536363,,2024-01-03 10:00:00.250,2024-01-03,2,0,Beijing,,\" \"\n\
536364,c4,2030-01-01 10:00:00,2030-01-01,3,12, beijing,true,\" b \"\n\
536365,c5,2024-01-05 10:00:00.000001,2024-01-05,x,11,上海,false,b\n\
536366,c6,2024-01-06 10:00:00,2024-01-06,2,10.5,上海,no,b\n\
536367,c7,2024-01-07 10:00:00,2024-01-07,2,1e300,上海,yes,\n\
536368,c8,2024-01-08 10:00:00,2024-01-08,2,-1e-300,上海 ,no,c\n\
536369,c9,2024-01-09 10:00:00,2024-01-09,2,1000,上海,yes,c\n\
536369,c9,2024-01-09 10:00:00,2024-01-09,2,1000,上海,yes,c\n\
A1,c9,2024-01-09 10:00:00,2024-01-09,2,1000,上海,yes,c\n";

#[test]
fn the_report_from_the_copy_equals_sqlite_on_hand_built_data() {
    let s = Scratch::new();
    let f = s.write("o.csv", ODD);
    let mut p = s.project();
    // `quantity` holds a value that is not a number: that column is read from SQLite, the
    // duplicates too, the other columns from the copy.
    import(
        &mut p,
        &[&f],
        ImportOptions {
            types: vec![("quantity".into(), ColumnType::Integer)],
            ..named("o")
        },
    )
    .unwrap();
    // The same rows with every value of its type: everything from the copy.
    let clean: String = ODD
        .lines()
        .filter(|l| !l.contains(",x,"))
        .map(|l| format!("{l}\n"))
        .collect();
    let g = s.write("e.csv", &clean);
    import(&mut p, &[&g], named("exact")).unwrap();
    set_order_roles_on(&mut p, "exact");
    assert_reports_equal(
        &p,
        &[&["order_id"], &["order_id", "customer_id"], &["city"]],
    );
    let info = p.dataset("exact").unwrap();
    let c = copy::find(&p, &info).unwrap().unwrap();
    assert!(c.columns().iter().all(|m| m.exact), "{:?}", c.columns());
    let r = quality_report(&p, "exact", &ReportOptions::default(), &Reporter::silent()).unwrap();
    assert_eq!(r.exact_duplicate_rows, 2);
    let info = p.dataset("o").unwrap();
    let c = copy::find(&p, &info).unwrap().unwrap();
    assert!(!c.column("quantity").unwrap().exact);
}

#[test]
fn the_report_from_the_copy_equals_sqlite_on_the_shop() {
    let s = Scratch::new();
    let p = crate::segments::shop(&s);
    assert_reports_equal(&p, &[&["order_id"], &["customer_id", "item_id"]]);
}

fn set_order_roles_on(p: &mut Project, dataset: &str) {
    use loupe::dataset::Role;
    for (c, r) in [
        ("order_id", Role::OrderId),
        ("customer_id", Role::CustomerId),
        ("order_time", Role::Timestamp),
        ("quantity", Role::Quantity),
        ("unit_price", Role::UnitPrice),
    ] {
        p.set_role(dataset, c, Some(r)).unwrap();
    }
}

#[test]
fn the_report_from_the_copy_equals_sqlite_on_the_sample_project() {
    let s = Scratch::new();
    let p = loupe::demo::build_demo(&s.path("sample.loupe"), &Reporter::silent()).unwrap();
    assert_reports_equal(&p, &[&["order_id"], &["customer_id", "order_id"]]);
}

#[test]
fn the_report_from_the_copy_equals_sqlite_on_online_retail() {
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
        ("Quantity", Role::Quantity),
        ("UnitPrice", Role::UnitPrice),
    ] {
        p.set_role("online_retail", c, Some(r)).unwrap();
    }
    assert_reports_equal(&p, &[&["InvoiceNo", "StockCode"]]);
    let info = p.dataset("online_retail").unwrap();
    let c = copy::find(&p, &info).unwrap().unwrap();
    assert!(c.columns().iter().all(|m| m.exact), "{:?}", c.columns());
}

/// The Data page's column profile read from the copy equals the SQL profile, for every column
/// the copy can answer (integers and texts held exactly), on the sample and on Online Retail.
#[test]
fn column_profiles_from_the_copy_equal_sql() {
    let s = Scratch::new();
    let sample = Project::open(sample_copy(&s)).unwrap();
    let mut checked = assert_column_profiles_equal(&sample);
    if let Some(path) = online_retail() {
        let mut p = s.project();
        import(&mut p, &[&path], named("retail")).unwrap();
        checked += assert_column_profiles_equal(&p);
    }
    assert!(
        checked >= 5,
        "only {checked} columns were answered by the copy"
    );
}

fn assert_column_profiles_equal(p: &Project) -> usize {
    let mut checked = 0;
    for info in p.datasets().unwrap() {
        assert!(
            copy::ensure(p, &info, &Reporter::silent())
                .unwrap()
                .is_some()
        );
        for c in &info.columns {
            let rep = Reporter::silent();
            let Some(got) = loupe::profile_copy::profile_column(p, &info, &c.name, &rep).unwrap()
            else {
                assert!(
                    !matches!(c.ty, ColumnType::Integer | ColumnType::Text)
                        || !copy::find(p, &info)
                            .unwrap()
                            .unwrap()
                            .column(&c.name)
                            .unwrap()
                            .exact,
                    "{}.{}: the copy could answer",
                    info.name,
                    c.name
                );
                continue;
            };
            let want = loupe::profile::profile_column(p.conn(), &info, &c.name, &rep).unwrap();
            assert_eq!(got, want, "{}.{}", info.name, c.name);
            checked += 1;
        }
    }
    checked
}
