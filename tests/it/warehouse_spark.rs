//! Linked datasets in Spark, through a throw-away local Spark Connect server ([`crate::spark`]):
//! the customer table, every operator and behavioural condition of the segments tests, charts,
//! cohorts, funnels, rules, the profile and the purchase lines give the local engine's answers,
//! on the hand-built shop, the sample project and Online Retail; the security and error cases;
//! cancel. One test, so that the server (slow to start) starts once.

// The Spark client's own error type is large; tests unwrap it at once.
#![allow(clippy::result_large_err)]

use crate::common::*;
use crate::segments::{CASES, shop};
use crate::spark;
use loupe::progress::{CancelToken, Reporter};
use loupe::segments::{BaseOptions, parse_rule, saved};
use loupe::store::Project;
use loupe::warehouse::Engine;
use loupe::warehouse::conn::Conn;
use loupe::warehouse::link::{self, Link, LinkOptions};
use loupe::warehouse::secret::ConnUrl;
use loupe::warehouse::segments::{WarehouseBase, count_with, member_ids_with};

/// Loads `dataset` into Spark as `<database>.<dataset>` and links it as `wh_<dataset>` with the
/// local dataset's roles.
fn link_loaded(
    server: &spark::Server,
    s: &Scratch,
    project: &Project,
    (database, dataset): (&str, &str),
    url: &ConnUrl,
) -> Link {
    let session = server.session();
    let table = format!("{database}.{dataset}");
    spark::load_dataset(&session, project, dataset, &table, &s.path(""));
    crate::warehouse_segments::link_as_local(project, dataset, &table, url)
}

#[test]
fn spark_links_customers_and_segments_equal_the_local_engine() {
    let Some(server) = spark::start() else { return };
    let s = Scratch::new();
    let p = shop(&s);
    saved::save(&p, "VIP", &parse_rule("monetary >= 50").unwrap(), "").unwrap();
    saved::save(
        &p,
        "Europe",
        &parse_rule("country in ('France', 'Germany')").unwrap(),
        "",
    )
    .unwrap();
    let url = ConnUrl::new("SC", &server.url());
    for d in ["orders", "products", "customers", "events"] {
        let l = link_loaded(&server, &s, &p, ("loaded", d), &url);
        assert_eq!(l.engine, Engine::Spark);
        // The types read from Spark's catalog are the local ones.
        let local = p.dataset(d).unwrap();
        let types = |c: &[loupe::dataset::ColumnInfo]| -> Vec<_> {
            c.iter().map(|x| (x.name.clone(), x.ty)).collect()
        };
        assert_eq!(types(&l.columns), types(&local.columns), "{d}");
    }
    // The tables the window lists.
    let tables: Vec<String> = link::tables(&url)
        .unwrap()
        .iter()
        .map(|t| t.text())
        .collect();
    for t in ["loaded.orders", "loaded.events"] {
        assert!(tables.iter().any(|x| x == t), "{tables:?}");
    }

    // The customer table: the local one, figures exactly and amounts to the cent.
    let orders = link::find(&p, "wh_orders").unwrap().unwrap();
    crate::warehouse::customers_agree(&p, "orders", &orders, &url);

    // Every operator and behavioural condition of the segments tests.
    let base = WarehouseBase::resolve(
        &p,
        &BaseOptions {
            dataset: Some("wh_orders".into()),
            ..BaseOptions::default()
        },
    )
    .unwrap()
    .expect("a linked base");
    assert_eq!(
        base.events.as_ref().map(|l| l.name.as_str()),
        Some("wh_events")
    );
    let saved = saved::saved(&p).unwrap();
    let mut wrong = Vec::new();
    for (rule, want) in CASES {
        let r = parse_rule(rule).unwrap();
        let got = member_ids_with(&base, &r, &saved, &url, &Reporter::silent())
            .unwrap_or_else(|e| panic!("{rule}: {e}"))
            .0
            .join(",");
        if got != *want {
            wrong.push(format!("{rule}: got [{got}], want [{want}]"));
        }
        let (n, transfer) = count_with(&base, &r, &saved, &url, &Reporter::silent()).unwrap();
        let want_n = want.split(',').filter(|x| !x.is_empty()).count();
        if (n.count, n.base) != (want_n, 6) {
            wrong.push(format!("count of {rule}: got {n:?}, want {want_n} of 6"));
        }
        assert_eq!(transfer.rows, 1, "{rule}");
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    // The command line: a count with what crossed the wire.
    let project = s.path("test.loupe");
    let project = project.to_str().unwrap();
    let run = |args: &[&str]| {
        let out = loupe().env("SC", server.url()).args(args).output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let rule = "bought(category = 'Home') AND NOT did(event = 'page_view')";
    let (ok, json, err) = run(&[
        "segment",
        "count",
        "--project",
        project,
        "--dataset",
        "wh_orders",
        "--rule",
        rule,
        "--json",
    ]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        (v["count"].as_u64(), v["base"].as_u64()),
        (Some(3), Some(6)),
        "{json}"
    );
    assert!(v["transfer"]["bytes"].as_u64().unwrap_or(0) > 0, "{json}");
    let customers_out = s.path("customers.csv");
    let (ok, out, err) = run(&[
        "customers",
        "--project",
        project,
        "--dataset",
        "wh_orders",
        "--out",
        customers_out.to_str().unwrap(),
    ]);
    assert!(
        ok && out.contains("Computed in the warehouse"),
        "{out}{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&customers_out)
            .unwrap()
            .lines()
            .count(),
        7
    );

    // Spark's SQL of the local datasets, run by Spark on the loaded tables, lists the members.
    let session = server.session();
    session.sql("USE loaded").and_then(|d| d.collect()).unwrap();
    for (rule, want) in [
        (rule, "a,d,f"),
        ("in_segment('VIP') AND NOT in_segment('Europe')", "c"),
        (
            "last_purchase within 10 days AND country is not empty",
            "a,b,e",
        ),
    ] {
        let (ok, sql, err) = run(&[
            "segment",
            "sql",
            "--project",
            project,
            "--dataset",
            "orders",
            "--dialect",
            "spark",
            "--rule",
            rule,
        ]);
        assert!(ok, "{err}");
        let sql = sql.trim().trim_end_matches(';');
        let rows = session
            .sql(sql)
            .and_then(|d| d.collect())
            .unwrap_or_else(|e| panic!("{rule}: {e}\n{sql}"));
        let got: Vec<String> = rows
            .iter()
            .filter_map(|r| match r.get(0) {
                Some(spark_connect::row::Value::String(s)) => Some(s.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(got.join(","), want, "{rule}");
    }

    // The profile in Spark: every count exact, and said so.
    let (ok, json, err) = run(&[
        "profile",
        "--project",
        project,
        "--dataset",
        "wh_orders",
        "--json",
    ]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["approximate_distinct"], false, "{json}");
    assert!(v["transfer"]["bytes"].as_u64().unwrap_or(0) > 0, "{json}");

    // A type Loupe has no match for is read as text, and the link says so.
    session
        .sql("CREATE TABLE loaded.odd USING parquet AS SELECT 1 AS id, array(1, 2) AS tags, map('a', 1) AS m")
        .and_then(|d| d.collect())
        .unwrap();
    let odd = link::link(
        &p,
        &url,
        &LinkOptions {
            name: "odd".into(),
            url_env: "SC".into(),
            table: "loaded.odd".into(),
            ..LinkOptions::default()
        },
    )
    .unwrap();
    let notes: Vec<_> = odd
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.ty, c.note.as_deref()))
        .collect();
    assert_eq!(
        notes,
        vec![
            ("id", loupe::dataset::ColumnType::Integer, None),
            (
                "tags",
                loupe::dataset::ColumnType::Text,
                Some("array<int> in the warehouse, read as text")
            ),
            (
                "m",
                loupe::dataset::ColumnType::Text,
                Some("map<string,int> in the warehouse, read as text")
            ),
        ]
    );

    // A missing table names the dataset and the table, and says what to do.
    let err = link::link(
        &p,
        &url,
        &LinkOptions {
            name: "nope".into(),
            url_env: "SC".into(),
            table: "loaded.no_such_table".into(),
            ..LinkOptions::default()
        },
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("dataset 'nope' (loaded.no_such_table)") && err.contains("check --table"),
        "{err}"
    );
    // An unreachable server, and a token that never shows.
    let dead = ConnUrl::new("SC", "sc://127.0.0.1:9/;token=S3cret-Tok3n");
    let err = link::tables(&dead).unwrap_err().to_string();
    assert!(
        err.contains("cannot reach Spark Connect")
            && err.contains("SC")
            && !err.contains("S3cret-Tok3n"),
        "{err}"
    );

    // Cancel: the query stops on the server too, and the session answers afterwards.
    let mut conn = Conn::connect(&url, "test").unwrap();
    let token = CancelToken::new();
    let sink = |_: &loupe::progress::Progress| {};
    let rep = Reporter::new(token.clone(), &sink);
    let canceller = {
        let token = token.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(1500));
            token.cancel();
        })
    };
    let started = std::time::Instant::now();
    let r = conn.query_text("SELECT sum(id % 7) FROM range(0, 100000000000)", &rep);
    canceller.join().unwrap();
    assert!(
        matches!(r, Err(loupe::Error::Cancelled)),
        "{:?}",
        r.map(|t| t.rows)
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    let again = conn
        .query_text("SELECT 41 + 1", &Reporter::silent())
        .unwrap();
    assert_eq!(again.rows, vec![vec![Some("42".to_string())]]);
    // Queries only.
    let err = conn
        .query_text("DROP TABLE loaded.orders", &Reporter::silent())
        .unwrap_err()
        .to_string();
    assert!(err.contains("only queries"), "{err}");

    // The sample project: the customer table, cohorts, charts and funnels.
    {
        let s = Scratch::new();
        let mut project = Project::open(sample_copy(&s)).unwrap();
        crate::warehouse_segments::add_tricky(&s, &mut project);
        let l = link_loaded(&server, &s, &project, ("sample", "orders"), &url);
        let events = link_loaded(&server, &s, &project, ("sample", "events"), &url);
        let tricky = link_loaded(&server, &s, &project, ("sample", "tricky"), &url);
        crate::warehouse_segments::funnels_agree(&project, &events, &tricky, &url);
        crate::warehouse::customers_agree(&project, "orders", &l, &url);
        crate::warehouse::cohorts_agree(&project, "orders", &l, &url);
        crate::warehouse_profile::profile_agrees(
            &project,
            &l,
            &url,
            "orders",
            &loupe::clean::ReportOptions {
                key: vec!["order_id".into()],
                rules: vec![],
                today: Some("2024-03-01".into()),
            },
        );
        for filter in [None, Some("channel = '微信小程序'")] {
            crate::warehouse_recs::same_lines(&l, &url, &project, "orders", filter);
        }
        {
            use crate::warehouse_rules::{opts, rules_agree};
            rules_agree(
                &project,
                &l,
                &url,
                ("orders", "order_id", "product_name"),
                &[opts(0.008, 0.3, 2, 1), opts(0.003, 0.1, 4, 1)],
            );
        }
        crate::warehouse::specs_agree(
            &project,
            &l,
            &url,
            crate::warehouse::specs(
                "orders",
                "order_time",
                "channel",
                "amount",
                "quantity",
                "customer_id",
            ),
        );
    }

    // Online Retail: the customer table, charts and segments, against the local engine.
    let Some(path) = online_retail() else { return };
    let s = Scratch::new();
    let mut p = s.project();
    import(&mut p, &[&path], named("retail")).unwrap();
    p.set_role(
        "retail",
        "CustomerID",
        Some(loupe::dataset::Role::CustomerId),
    )
    .unwrap();
    let l = link_loaded(&server, &s, &p, ("loaded", "retail"), &url);
    crate::warehouse::customers_agree(&p, "retail", &l, &url);
    crate::warehouse::cohorts_agree(&p, "retail", &l, &url);
    crate::warehouse_profile::profile_agrees(
        &p,
        &l,
        &url,
        "retail",
        &loupe::clean::ReportOptions {
            key: vec!["InvoiceNo".into(), "StockCode".into()],
            rules: vec!["Quantity > 0".into()],
            today: Some("2011-12-01".into()),
        },
    );
    let pulled = crate::warehouse_recs::same_lines(&l, &url, &p, "retail", None);
    assert_eq!(pulled.lines.len(), 397_884);
    crate::warehouse_rules::rules_agree(
        &p,
        &l,
        &url,
        ("retail", "InvoiceNo", "StockCode"),
        &[crate::warehouse_rules::opts(0.02, 0.3, 3, 2)],
    );
    crate::warehouse::specs_agree(
        &p,
        &l,
        &url,
        crate::warehouse::specs(
            "retail",
            "InvoiceDate",
            "Country",
            "Quantity * UnitPrice",
            "Quantity",
            "CustomerID",
        ),
    );
    crate::warehouse_segments::retail_segments_agree(&p, &url);
}
