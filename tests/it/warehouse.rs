//! Linked datasets on a throw-away PostgreSQL cluster ([`crate::pg`]): linking infers columns
//! and roles and keeps no password anywhere; errors name the dataset and the table, say what to
//! do and hold no password; sessions are read-only and a cancel stops the server's query; and
//! charts computed by PostgreSQL give the local engine's tables (counts exact, amounts to the
//! cent) on the sample project and on Online Retail.

use crate::common::*;
use crate::pg;
use loupe::explore::aggregate::aggregate;
use loupe::explore::{AggTable, ChartSpec, Dimension, Measure};
use loupe::progress::{CancelToken, Reporter};
use loupe::store::Project;
use loupe::warehouse::link;
use loupe::warehouse::postgres::Pg;
use loupe::warehouse::secret::ConnUrl;
use std::path::Path;
use std::process::Output;

const ANALYST_PASSWORD: &str = "An4lyst-Pw-71x";

/// A small shop table and a read-only user who may read it.
fn shop(c: &pg::Cluster) {
    let mut client = c.client();
    client
        .batch_execute(&format!(
            "CREATE SCHEMA shop;
             CREATE TABLE shop.orders (
                 order_id text, customer_id text, order_time timestamp, quantity integer,
                 unit_price numeric(10, 2), channel text, extra jsonb);
             INSERT INTO shop.orders VALUES
                 ('A1', 'c1', '2024-01-05 10:00', 2, 3.50, 'web', '{{}}'),
                 ('A1', 'c1', '2024-01-05 10:00', 1, 10.00, 'web', NULL),
                 ('A2', 'c2', '2024-01-20 12:30', 5, 1.10, 'app', NULL),
                 ('A3', 'c1', '2024-02-02 09:15', -1, 3.50, 'web', NULL),
                 ('A4', 'c3', '2024-03-30 18:00', 3, 0.10, 'shop', NULL);
             ANALYZE shop.orders;
             CREATE ROLE analyst LOGIN PASSWORD '{ANALYST_PASSWORD}';
             GRANT USAGE ON SCHEMA shop TO analyst;
             GRANT SELECT ON shop.orders TO analyst;"
        ))
        .unwrap();
}

fn loupe_env(var: &str, url: &str, logs: &Path, args: &[&str]) -> Output {
    loupe()
        .env(var, url)
        .env("LOUPE_LOG_DIR", logs)
        .args(args)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Every file under `dir` whose bytes hold `needle`.
fn files_holding(dir: &Path, needle: &str) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_holding(&p, needle));
        } else if let Ok(bytes) = std::fs::read(&p)
            && bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
        {
            out.push(p.display().to_string());
        }
    }
    out
}

#[test]
fn linking_infers_roles_charts_in_the_warehouse_and_keeps_no_password() {
    let Some(c) = pg::start() else { return };
    shop(&c);
    let s = Scratch::new();
    let logs = s.path("logs");
    let project = s.path("p.loupe");
    let p = project.to_str().unwrap();
    let url = c.url_for("analyst", ANALYST_PASSWORD);
    let run = |args: &[&str]| loupe_env("SHOP_PG", &url, &logs, args);

    let out = run(&[
        "link",
        "--project",
        p,
        "--name",
        "orders",
        "--url-env",
        "SHOP_PG",
        "--table",
        "shop.orders",
        "--json",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let col = |n: &str| {
        v["columns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == n)
            .unwrap()
            .clone()
    };
    for (name, ty, role) in [
        ("order_id", "text", Some("order_id")),
        ("customer_id", "text", Some("customer_id")),
        ("order_time", "datetime", Some("timestamp")),
        ("quantity", "integer", Some("quantity")),
        ("unit_price", "float", Some("unit_price")),
        ("channel", "text", Some("channel")),
        ("extra", "text", None),
    ] {
        let c = col(name);
        assert_eq!(c["type"], ty, "{name}");
        assert_eq!(c["role"].as_str(), role, "{name}");
    }
    assert!(col("extra")["note"].as_str().unwrap().contains("jsonb"));
    assert_eq!(v["url_env"], "SHOP_PG");
    assert_eq!(v["table"]["table"], "orders");

    let out = run(&["tables", "--project", p]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("orders  linked to PostgreSQL table shop.orders"),
        "{}",
        text(&out)
    );

    // A chart computed by PostgreSQL: January has 2×3.50 + 1×10 + 5×1.10 = 22.50 in 3 lines;
    // March 3 × 0.10, summed as a decimal (the local engine's float sum gives
    // 0.30000000000000004: the same to the cent).
    let csv = s.path("m.csv");
    let out = run(&[
        "chart",
        "--project",
        p,
        "--dataset",
        "orders",
        "--x",
        "order_time:month",
        "--y",
        "sum(quantity * unit_price) as revenue",
        "--y",
        "count()",
        "--where",
        "quantity > 0",
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let table = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(
        table, "order_time:month,revenue,count()\n2024-01-01,22.5,3\n2024-03-01,0.3,1\n",
        "{table}"
    );

    // Cohorts computed by PostgreSQL: c1 and c2 start in January (c1 comes back in February with
    // a return), c3 in March.
    let cohorts = s.path("cohorts.csv");
    let out = run(&[
        "cohorts",
        "--project",
        p,
        "--dataset",
        "orders",
        "--out",
        cohorts.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("2 cohorts of 3 customers"),
        "{}",
        text(&out)
    );
    let table = std::fs::read_to_string(&cohorts).unwrap();
    assert_eq!(
        table,
        "cohort,customers,months_since,active,retention,revenue,revenue_per_customer\n\
         2024-01,2,0,2,1,22.5,11.25\n2024-01,2,1,1,0.5,-3.5,-1.75\n2024-01,2,2,0,0,0,0\n\
         2024-03,1,0,1,1,0.3,0.3\n",
        "{table}"
    );

    let customers_out = s.path("c.csv");
    let out = run(&[
        "customers",
        "--project",
        p,
        "--dataset",
        "orders",
        "--out",
        customers_out.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("3 customers as of 2024-03-31")
            && text(&out).contains("Computed in the warehouse: 4 result rows"),
        "{}",
        text(&out)
    );
    // c1: one order of 17.00 on Friday 2024-01-05 at 10, on the web, and a return of 3.50.
    let table = std::fs::read_to_string(&customers_out).unwrap();
    let c1 = table
        .lines()
        .find(|l| l.starts_with("c1,"))
        .unwrap_or_default();
    assert!(
        c1.starts_with("c1,2024-01-05,2024-01-05,1,17,86,1,17,")
            && c1.contains(",web,10,Fri,1,1,3.5,13.5,1"),
        "{table}"
    );
    assert_eq!(table.lines().count(), 4, "{table}");

    // Commands that do not run in a warehouse yet say so.
    let out = run(&["clv", "--project", p, "--dataset", "orders"]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("linked to PostgreSQL table shop.orders"),
        "{}",
        text(&out)
    );

    // An import cannot take a link's name.
    let csv_in = s.path("orders.csv");
    std::fs::write(&csv_in, "a,b\n1,2\n").unwrap();
    let out = run(&[
        "import",
        csv_in.to_str().unwrap(),
        "--project",
        p,
        "--name",
        "orders",
    ]);
    assert!(!out.status.success());
    assert!(text(&out).contains("linked dataset"), "{}", text(&out));

    // No password in the project, its neighbours, the log or the activity log.
    let out = run(&["activity", "--project", p]);
    assert!(text(&out).contains("link"), "{}", text(&out));
    assert!(!text(&out).contains(ANALYST_PASSWORD));
    for dir in [s.path(""), logs.clone()] {
        assert!(
            files_holding(&dir, ANALYST_PASSWORD).is_empty(),
            "{:?}",
            files_holding(&dir, ANALYST_PASSWORD)
        );
    }
    assert!(
        !files_holding(&logs, "link").is_empty(),
        "the log records the commands"
    );

    let out = run(&["unlink", "--project", p, "--name", "orders"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = run(&["tables", "--project", p]);
    assert!(!text(&out).contains("shop.orders"));
}

#[test]
fn warehouse_errors_name_the_dataset_and_table_and_hold_no_password() {
    let Some(c) = pg::start() else { return };
    shop(&c);
    let s = Scratch::new();
    let logs = s.path("logs");
    let p = s.path("p.loupe");
    let p = p.to_str().unwrap();
    let link_with = |url: &str, table: &str| {
        loupe_env(
            "PG_URL",
            url,
            &logs,
            &[
                "link",
                "--project",
                p,
                "--name",
                "orders",
                "--url-env",
                "PG_URL",
                "--table",
                table,
            ],
        )
    };
    let wrong = "Wr0ng-Passw0rd-9";
    let cases = [
        (
            link_with(&c.url_for("analyst", wrong), "shop.orders"),
            "refused the user or password in PG_URL",
        ),
        (
            link_with(&c.url_for("analyst", ANALYST_PASSWORD), "shop.nope"),
            "there is no table or view shop.nope",
        ),
        (
            link_with(
                &format!("postgresql://analyst:{wrong}@127.0.0.1:1/postgres"),
                "shop.orders",
            ),
            "cannot reach the warehouse at postgresql://analyst:***@127.0.0.1:1/postgres",
        ),
        (
            link_with("sc://127.0.0.1:15002", "shop.orders"),
            "Spark Connect",
        ),
        (
            loupe_env(
                "OTHER",
                "x",
                &logs,
                &[
                    "link",
                    "--project",
                    p,
                    "--name",
                    "orders",
                    "--url-env",
                    "PG_URL",
                    "--table",
                    "shop.orders",
                ],
            ),
            "the environment variable PG_URL is not set",
        ),
    ];
    for (out, want) in cases {
        let said = text(&out);
        assert!(!out.status.success(), "{said}");
        assert!(said.contains(want), "{want}: {said}");
        assert!(
            !said.contains(wrong) && !said.contains(ANALYST_PASSWORD),
            "{said}"
        );
        if !want.contains("not set") && !want.contains("Spark") {
            assert!(said.contains("dataset 'orders'"), "{said}");
        }
    }
    assert!(files_holding(&s.path(""), wrong).is_empty());
    assert!(files_holding(&s.path(""), ANALYST_PASSWORD).is_empty());
}

#[test]
fn sessions_are_read_only_and_a_cancel_stops_the_servers_query() {
    let Some(c) = pg::start() else { return };
    let url = ConnUrl::new("PG", &c.url());
    let mut pg = Pg::connect(&url, "test").unwrap();
    let err = pg
        .query_text("CREATE TABLE t (x int)", &Reporter::silent())
        .unwrap_err()
        .to_string();
    assert!(err.contains("read-only"), "{err}");

    let token = CancelToken::new();
    let sink = |_: &loupe::progress::Progress| {};
    let rep = Reporter::new(token.clone(), &sink);
    let canceller = {
        let token = token.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(500));
            token.cancel();
        })
    };
    let started = std::time::Instant::now();
    let r = pg.query_text("SELECT pg_sleep(60)", &rep);
    canceller.join().unwrap();
    assert!(
        matches!(r, Err(loupe::Error::Cancelled)),
        "{:?}",
        r.map(|t| t.rows)
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    let mut admin = c.client();
    let left: i64 = admin
        .query_one(
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60)%' AND state = 'active'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(left, 0, "the server still runs the cancelled query");
}

/// The same table: the same groups in the same order, counts equal, amounts to the cent.
fn assert_same_to_the_cent(got: &AggTable, want: &AggTable, what: &str) {
    assert_eq!(got.x_values, want.x_values, "{what}");
    assert_eq!(got.series, want.series, "{what}");
    assert_eq!(
        (got.input_rows, got.span),
        (want.input_rows, want.span),
        "{what}"
    );
    assert_eq!(got.rows.len(), want.rows.len(), "{what}");
    for (g, w) in got.rows.iter().zip(&want.rows) {
        assert_eq!((&g.x, &g.by), (&w.x, &w.by), "{what}");
        for (a, b) in g.values.iter().zip(&w.values) {
            match (a, b) {
                (Some(a), Some(b)) => assert!(
                    (a - b).abs() < 0.005 && (a - b).abs() <= 1e-9 * b.abs().max(1.0),
                    "{what} {:?} {:?}: {a} vs {b}",
                    g.x,
                    g.by
                ),
                _ => assert_eq!(a, b, "{what} {:?} {:?}", g.x, g.by),
            }
        }
    }
}

pub(crate) fn specs(
    dataset: &str,
    x_time: &str,
    x_text: &str,
    money: &str,
    qty: &str,
    who: &str,
) -> Vec<ChartSpec> {
    let m = |s: &str| Measure::parse(s).unwrap();
    let mut out = Vec::new();
    let mut a = ChartSpec::new(
        dataset,
        Dimension::new(x_time, Some(loupe::explore::Grain::Month)),
        vec![
            m(&format!("sum({money})")),
            m("count()"),
            m(&format!("count({who})")),
            m(&format!("mean({money})")),
            m(&format!("min({qty})")),
            m(&format!("max({qty})")),
            m(&format!("share({qty})")),
            m(&format!("sum({qty} < 0)")),
        ],
    );
    a.filter = Some(format!("{qty} > 0"));
    out.push(a);
    for g in [loupe::explore::Grain::Week, loupe::explore::Grain::Quarter] {
        out.push(ChartSpec::new(
            dataset,
            Dimension::new(x_time, Some(g)),
            vec![
                m(&format!("sum({money})")),
                m(&format!("distinct({who})")),
                m(&format!("median({qty})")),
                m(&format!("mean({money})")),
                m(&format!("count({who})")),
            ],
        ));
    }
    let mut top = ChartSpec::new(
        dataset,
        Dimension::new(x_text, None),
        vec![m(&format!("sum({money})")), m(&format!("mean({qty})"))],
    );
    top.top = Some(5);
    out.push(top);
    let mut split = ChartSpec::new(
        dataset,
        Dimension::new(x_time, Some(loupe::explore::Grain::Quarter)),
        vec![m(&format!("sum({money})")), m("count()")],
    );
    split.by = Some(Dimension::new(x_text, None));
    split.top_by = Some(3);
    split.filter = Some(format!("{who} is not missing"));
    out.push(split);
    out
}

fn charts_agree(c: &pg::Cluster, project: &Project, dataset: &str, specs: Vec<ChartSpec>) {
    let url = ConnUrl::new("PG", &c.url());
    // Linked with the local dataset's roles, so that both engines read the same columns.
    let l = crate::warehouse_segments::link_loaded(c, project, dataset, &url);
    cohorts_agree(project, dataset, &l, &url);
    customers_agree(project, dataset, &l, &url);
    specs_agree(project, &l, &url, specs);
}

/// Each chart computed by the warehouse (over `l`) equals the local one to the cent, and only
/// the table crosses the wire.
pub(crate) fn specs_agree(project: &Project, l: &link::Link, url: &ConnUrl, specs: Vec<ChartSpec>) {
    for mut spec in specs {
        let want = aggregate(project, &spec, &Reporter::silent()).unwrap();
        spec.dataset = l.name.clone();
        let (got, transfer) =
            loupe::warehouse::chart::aggregate_with(l, &spec, url, &Reporter::silent())
                .unwrap_or_else(|e| panic!("{:?}: {e}", spec.measures));
        let what = format!("{} {:?}", l.name, spec.measures);
        assert_same_to_the_cent(&got, &want, &what);
        assert!(transfer.rows > 0 && transfer.bytes > 0, "{what}");
    }
}

/// Cohorts computed by the warehouse equal the local ones: customers and active counts exactly,
/// revenue to the cent.
pub(crate) fn cohorts_agree(project: &Project, dataset: &str, l: &link::Link, url: &ConnUrl) {
    for filter in [None, Some("Quantity > 0")] {
        let filter = filter.filter(|_| dataset == "retail");
        let want = loupe::explore::cohorts::cohorts(project, dataset, filter).unwrap();
        let (got, _) =
            loupe::warehouse::cohorts::cohorts_with(l, filter, url, &Reporter::silent()).unwrap();
        assert_eq!(got.skipped_rows, want.skipped_rows, "{dataset}");
        assert_eq!(got.cohorts.len(), want.cohorts.len(), "{dataset}");
        for (g, w) in got.cohorts.iter().zip(&want.cohorts) {
            assert_eq!(
                (g.month, g.customers, &g.active),
                (w.month, w.customers, &w.active),
                "{dataset}"
            );
            for (a, b) in g.revenue.iter().zip(&w.revenue) {
                assert!((a - b).abs() < 0.005, "{dataset} {}: {a} vs {b}", g.month);
            }
        }
    }
}

/// The customer table computed by the warehouse equals the local one: customers, dates, counts,
/// scores, groups, stages, favourites and preferences exactly, amounts to the cent.
pub(crate) fn customers_agree(project: &Project, dataset: &str, l: &link::Link, url: &ConnUrl) {
    use loupe::customers::rfm::{RfmOptions, rfm_table};
    let filters: &[Option<&str>] = if dataset == "retail" {
        &[None, Some("UnitPrice > 0")]
    } else {
        &[None]
    };
    for filter in filters {
        let opts = RfmOptions {
            filter: filter.map(str::to_string),
            ..RfmOptions::default()
        };
        let want = rfm_table(project, dataset, &opts).unwrap();
        let (got, transfer) = loupe::warehouse::customers::customer_table_with(
            project,
            l,
            &opts,
            url,
            &Reporter::silent(),
        )
        .unwrap();
        let what = format!("{dataset} {filter:?}");
        assert_eq!(
            (
                got.as_of,
                got.skipped_rows,
                got.return_only_customers,
                got.has_category,
                got.has_channel,
                got.has_time
            ),
            (
                want.as_of,
                want.skipped_rows,
                want.return_only_customers,
                want.has_category,
                want.has_channel,
                want.has_time
            ),
            "{what}"
        );
        assert_eq!(got.customers.len(), want.customers.len(), "{what}");
        let cents = |a: f64, b: f64| (a - b).abs() < 0.005;
        for (g, w) in got.customers.iter().zip(&want.customers) {
            let exact = |c: &loupe::customers::rfm::CustomerRfm| {
                (
                    c.customer_id.clone(),
                    c.first_purchase,
                    c.last_purchase,
                    (c.orders, c.purchase_days, c.recency_days, c.tenure_days),
                    (
                        c.r_score,
                        c.f_score,
                        c.m_score,
                        c.rfm_group,
                        c.lifecycle_stage,
                    ),
                    (c.favourite_category.clone(), c.favourite_item.clone()),
                    (
                        c.preferred_channel.clone(),
                        c.preferred_hour,
                        c.preferred_weekday,
                    ),
                    c.return_orders,
                )
            };
            assert_eq!(exact(g), exact(w), "{what}");
            for (a, b) in [
                (g.revenue, w.revenue),
                (g.items, w.items),
                (g.returned_items, w.returned_items),
                (g.returned_amount, w.returned_amount),
                (g.net_revenue, w.net_revenue),
                (g.average_order_value, w.average_order_value),
            ] {
                assert!(cents(a, b), "{what} {}: {a} vs {b}", g.customer_id);
            }
        }
        // Only the per-customer figures cross the wire: about as many bytes as the result.
        assert_eq!(transfer.rows, want.customers.len() as u64 + 1, "{what}");
    }
}

#[test]
fn warehouse_charts_equal_the_local_engine_on_the_sample_project() {
    let Some(c) = pg::start() else { return };
    let s = Scratch::new();
    let project = Project::open(sample_copy(&s)).unwrap();
    let specs = specs(
        "orders",
        "order_time",
        "channel",
        "amount",
        "quantity",
        "customer_id",
    );
    charts_agree(&c, &project, "orders", specs);
}

#[test]
fn warehouse_charts_equal_the_local_engine_on_online_retail() {
    let Some(path) = online_retail() else { return };
    let Some(c) = pg::start() else { return };
    let s = Scratch::new();
    let mut p = s.project();
    import(&mut p, &[&path], named("retail")).unwrap();
    p.set_role(
        "retail",
        "CustomerID",
        Some(loupe::dataset::Role::CustomerId),
    )
    .unwrap();
    let specs = specs(
        "retail",
        "InvoiceDate",
        "Country",
        "Quantity * UnitPrice",
        "Quantity",
        "CustomerID",
    );
    charts_agree(&c, &p, "retail", specs);
}
