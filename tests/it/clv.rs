//! Lifetime-value models against the published CDNOW results.

use loupe::customers::clv::{Spend, Summary, fit_bg_nbd, fit_gamma_gamma};
use std::path::PathBuf;

struct Row {
    summary: Summary,
    monetary_mean: f64,
}

fn cdnow() -> Vec<Row> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cdnow_summary.csv");
    let mut reader = csv::Reader::from_path(&path).expect("fixture is readable");
    let headers = reader.headers().expect("header").clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        ["customer_id", "x", "t_x", "T", "monetary_mean"]
    );
    reader
        .records()
        .map(|rec| {
            let rec = rec.expect("record");
            let num = |i: usize| rec[i].parse::<f64>().expect("number");
            Row {
                summary: Summary::new(num(1), num(2), num(3)).expect("valid summary"),
                monetary_mean: num(4),
            }
        })
        .collect()
}

/// Within half a unit of the third significant figure of `published`.
fn assert_3sf(name: &str, got: f64, published: f64) {
    let unit = 10f64.powf(published.abs().log10().floor() - 2.0);
    assert!(
        (got - published).abs() <= 0.5 * unit,
        "{name} = {got}, published {published}"
    );
}

#[test]
fn bg_nbd_reproduces_fader_hardie_lee_2005_on_cdnow() {
    let rows = cdnow();
    assert_eq!(rows.len(), 2357);
    let data: Vec<Summary> = rows.iter().map(|r| r.summary).collect();
    let started = std::time::Instant::now();
    let fit = fit_bg_nbd(&data).expect("fit");
    eprintln!("BG/NBD fit in {:?}: {fit:?}", started.elapsed());
    let p = fit.params;
    // Fader, Hardie & Lee (2005), "Counting your customers the easy way", section 4.
    assert_3sf("r", p.r(), 0.243);
    assert_3sf("alpha", p.alpha(), 4.414);
    assert_3sf("a", p.a(), 0.793);
    assert_3sf("b", p.b(), 2.426);
    assert!(
        (fit.log_likelihood - -9582.4).abs() <= 0.1,
        "LL = {}",
        fit.log_likelihood
    );
    assert_eq!(fit.customers, 2357);
    assert!((p.log_likelihood(&data) - fit.log_likelihood).abs() < 1e-9);

    // Predictions stay in range for every customer.
    for s in &data {
        let alive = p.probability_alive(s);
        assert!((0.0..=1.0).contains(&alive));
        let e = p
            .conditional_expected_purchases(s, 39.0)
            .expect("prediction");
        assert!(e.is_finite() && e >= 0.0);
    }
}

#[test]
fn gamma_gamma_matches_published_cdnow_estimates() {
    let spend: Vec<Spend> = cdnow()
        .iter()
        .filter(|r| r.summary.x() > 0.0)
        .map(|r| Spend::new(r.summary.x(), r.monetary_mean).expect("valid spend"))
        .collect();
    assert_eq!(spend.len(), 946);
    let started = std::time::Instant::now();
    let fit = fit_gamma_gamma(&spend).expect("fit");
    eprintln!("Gamma-Gamma fit in {:?}: {fit:?}", started.elapsed());
    let p = fit.params;
    // Fader & Hardie (2013), "The Gamma-Gamma model of monetary value", and the lifetimes docs:
    // p = 6.25, q = 3.74, v = 15.44 (lifetimes prints 15.45).
    assert!((p.p() - 6.25).abs() < 0.01, "p = {}", p.p());
    assert!((p.q() - 3.74).abs() < 0.01, "q = {}", p.q());
    assert!((p.v() - 15.44).abs() < 0.02, "v = {}", p.v());
    // Fader & Hardie (2013) report LL = -4055.9 (CLVTools checks -4055.9177).
    assert!(
        (fit.log_likelihood - -4055.92).abs() <= 0.1,
        "LL = {}",
        fit.log_likelihood
    );
    let expected = p
        .conditional_expected_average_profit(spend[0].x(), spend[0].m())
        .expect("profit");
    assert!(expected > 0.0);
}

mod dataset {
    use crate::common::{Scratch, import, loupe};
    use chrono::NaiveDate;
    use loupe::customers::clv::{BgNbd, Summary};
    use loupe::customers::summary::{Period, SummaryOptions, fit_dataset, summarize};
    use loupe::dataset::Role;
    use loupe::import::ImportOptions;

    const ORDERS: &str = "\
client,order_date,total,qty,price
c1,2024-01-01,10,1,10
c1,2024-01-01,5,1,5
c1,2024-01-15,20,2,10
c1,2024-02-05,30,3,10
c2,2024-01-08,50,5,10
c3,2024-01-03,12,1,12
c3,2024-02-26,18,2,9
c4,2024-03-10,40,4,10
c5,2024-01-10,7,1,7
c5,2024-01-24,9,1,9
c5,2024-02-21,11,1,11
c5,2024-03-01,13,1,13
c6,2024-02-01,25,1,25
c6,2024-02-02,35,1,35
,2024-01-05,99,1,99
";

    fn project_with(roles: &[(&str, Role)]) -> (Scratch, loupe::store::Project) {
        let s = Scratch::new();
        let f = s.write("orders.csv", ORDERS);
        let mut project = s.project();
        let opts = ImportOptions {
            name: Some("orders".into()),
            roles: roles.iter().map(|(c, r)| (c.to_string(), *r)).collect(),
            no_roles: ["client", "order_date", "total", "qty", "price"]
                .iter()
                .filter(|c| !roles.iter().any(|(rc, _)| rc == *c))
                .map(|c| c.to_string())
                .collect(),
            ..ImportOptions::default()
        };
        import(&mut project, &[&f], opts).expect("import");
        (s, project)
    }

    fn end() -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(2024, 3, 3)
    }

    #[test]
    fn summary_by_roles_follows_the_paper() {
        let (_s, project) = project_with(&[
            ("client", Role::CustomerId),
            ("order_date", Role::Timestamp),
            ("total", Role::Amount),
        ]);
        let opts = SummaryOptions {
            calibration_end: end(),
            period: Period::Week,
        };
        let table = summarize(&project, "orders", &opts).expect("summary");
        assert_eq!(table.skipped_rows, 1, "the row without a customer");
        assert!(table.has_amount);
        let got: Vec<(&str, f64, f64, f64, Option<f64>)> = table
            .customers
            .iter()
            .map(|c| {
                (
                    c.customer_id.as_str(),
                    c.summary.x(),
                    c.summary.t_x(),
                    c.summary.t(),
                    c.monetary_mean,
                )
            })
            .collect();
        // 2024-01-01 is day 0, 2024-03-03 day 62; c4 first bought after the calibration end.
        let want: Vec<(&str, f64, f64, f64, Option<f64>)> = vec![
            ("c1", 2.0, 35.0 / 7.0, 62.0 / 7.0, Some(25.0)),
            ("c2", 0.0, 0.0, 55.0 / 7.0, None),
            ("c3", 1.0, 54.0 / 7.0, 60.0 / 7.0, Some(18.0)),
            ("c5", 3.0, 51.0 / 7.0, 53.0 / 7.0, Some(11.0)),
            ("c6", 1.0, 1.0 / 7.0, 31.0 / 7.0, Some(35.0)),
        ];
        assert_eq!(got, want);

        // In days, and with the amount from quantity × unit price.
        let (_s2, project) = project_with(&[
            ("client", Role::CustomerId),
            ("order_date", Role::Timestamp),
            ("qty", Role::Quantity),
            ("price", Role::UnitPrice),
        ]);
        let opts = SummaryOptions {
            calibration_end: end(),
            period: Period::Day,
        };
        let table = summarize(&project, "orders", &opts).expect("summary");
        let c1 = &table.customers[0];
        assert_eq!(
            (c1.summary.x(), c1.summary.t_x(), c1.summary.t()),
            (2.0, 35.0, 62.0)
        );
        assert_eq!(c1.monetary_mean, Some(25.0));

        // Default calibration end: the last purchase day (c4's 2024-03-10).
        let table = summarize(&project, "orders", &SummaryOptions::default()).expect("summary");
        assert_eq!(
            table.calibration_end,
            NaiveDate::from_ymd_opt(2024, 3, 10).expect("date")
        );
        assert_eq!(table.customers.len(), 6);
    }

    #[test]
    fn fit_on_a_dataset_and_missing_roles() {
        let (_s, project) = project_with(&[
            ("client", Role::CustomerId),
            ("order_date", Role::Timestamp),
            ("total", Role::Amount),
        ]);
        let opts = SummaryOptions {
            calibration_end: end(),
            period: Period::Week,
        };
        let report = fit_dataset(&project, "orders", &opts).expect("fit");
        assert_eq!(report.customers, 5);
        let p = report.bg_nbd.params;
        for v in [p.r(), p.alpha(), p.a(), p.b()] {
            assert!(v.is_finite() && v > 0.0);
        }
        let table = summarize(&project, "orders", &opts).expect("summary");
        let data: Vec<Summary> = table.customers.iter().map(|c| c.summary).collect();
        assert!((p.log_likelihood(&data) - report.bg_nbd.log_likelihood).abs() < 1e-9);
        // The fit is a maximum: nearby parameters do no better.
        for k in [0.9, 1.1] {
            let near = BgNbd::new(p.r() * k, p.alpha(), p.a(), p.b()).expect("valid");
            assert!(near.log_likelihood(&data) <= report.bg_nbd.log_likelihood + 1e-9);
        }
        let gg = report.gamma_gamma.expect("an amount exists");
        assert_eq!(gg.customers, 4);

        let (_s2, project) = project_with(&[("order_date", Role::Timestamp)]);
        let err = fit_dataset(&project, "orders", &opts).expect_err("no customer role");
        assert!(err.to_string().contains("customer_id"), "{err}");
        let (_s3, project) = project_with(&[
            ("client", Role::CustomerId),
            ("order_date", Role::Timestamp),
        ]);
        let report = fit_dataset(&project, "orders", &opts).expect("fit without an amount");
        assert!(report.gamma_gamma.is_none());
    }

    #[test]
    fn clv_command_prints_json() {
        let (s, project) = project_with(&[
            ("client", Role::CustomerId),
            ("order_date", Role::Timestamp),
            ("total", Role::Amount),
        ]);
        drop(project);
        let out = loupe()
            .args([
                "clv",
                "--dataset",
                "orders",
                "--calibration-end",
                "2024-03-03",
                "--json",
                "--project",
            ])
            .arg(s.path("test.loupe"))
            .output()
            .expect("run loupe");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(v["customers"], 5);
        for key in ["r", "alpha", "a", "b", "log_likelihood", "p", "q", "v"] {
            assert!(v[key].as_f64().is_some_and(f64::is_finite), "{key}: {v}");
        }

        let out = loupe()
            .args([
                "clv",
                "--dataset",
                "orders",
                "--calibration-end",
                "March",
                "--project",
            ])
            .arg(s.path("test.loupe"))
            .output()
            .expect("run loupe");
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("YYYY-MM-DD"));
    }
}
