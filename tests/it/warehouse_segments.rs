//! The customer table and segments of linked datasets, computed by a throw-away PostgreSQL
//! cluster ([`crate::pg`]), against the local engine: every operator and behavioural condition
//! of the segments tests on the hand-built shop (orders, products, customers and events all
//! linked), and the Online Retail rules; counts exact.

use crate::common::*;
use crate::pg;
use loupe::progress::Reporter;
use loupe::segments::{BaseOptions, SegmentBase, members, parse_rule, saved};
use loupe::store::Project;
use loupe::warehouse::link::{self, Link, LinkOptions};
use loupe::warehouse::secret::ConnUrl;
use loupe::warehouse::segments::{WarehouseBase, count_with, member_ids_with};

/// Loads `dataset` into the cluster as `loaded.<dataset>` and links it as `wh_<dataset>` with
/// the local dataset's roles.
pub fn link_loaded(c: &pg::Cluster, project: &Project, dataset: &str, url: &ConnUrl) -> Link {
    let mut client = c.client();
    let table = format!("loaded.{dataset}");
    pg::load_dataset(&mut client, project, dataset, &table);
    link_as_local(project, dataset, &table, url)
}

/// Links warehouse table `table` as `wh_<dataset>` with the roles of the local `dataset`.
pub(crate) fn link_as_local(project: &Project, dataset: &str, table: &str, url: &ConnUrl) -> Link {
    let roles = project
        .dataset(dataset)
        .unwrap()
        .columns
        .iter()
        .map(|c| (c.name.clone(), c.role))
        .collect();
    link::link(
        project,
        url,
        &LinkOptions {
            name: format!("wh_{dataset}"),
            url_env: url.var().to_string(),
            table: table.to_string(),
            roles,
            ..LinkOptions::default()
        },
    )
    .unwrap()
}

pub(crate) fn local_members(base: &SegmentBase, p: &Project, text: &str) -> Vec<String> {
    let rule = parse_rule(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    let m = members(base, &rule, &saved::saved(p).unwrap()).unwrap();
    let mut out: Vec<String> = base
        .ids()
        .unwrap()
        .into_iter()
        .zip(&m)
        .filter(|(_, b)| **b)
        .map(|(i, _)| i)
        .collect();
    out.sort();
    out
}

#[test]
fn every_segment_operator_runs_in_postgresql_with_the_local_answers() {
    let Some(c) = pg::start() else { return };
    let s = Scratch::new();
    let p = crate::segments::shop(&s);
    saved::save(&p, "VIP", &parse_rule("monetary >= 50").unwrap(), "").unwrap();
    saved::save(
        &p,
        "Europe",
        &parse_rule("country in ('France', 'Germany')").unwrap(),
        "",
    )
    .unwrap();
    let url = ConnUrl::new("PG", &c.url());
    for d in ["orders", "products", "customers", "events"] {
        link_loaded(&c, &p, d, &url);
    }
    let base = WarehouseBase::resolve(
        &p,
        &BaseOptions {
            dataset: Some("wh_orders".into()),
            ..BaseOptions::default()
        },
    )
    .unwrap()
    .expect("a linked base");
    // The products, customers and events links are found by their roles.
    assert_eq!(
        base.products.as_ref().map(|l| l.name.as_str()),
        Some("wh_products")
    );
    assert_eq!(
        base.attributes.as_ref().map(|l| l.name.as_str()),
        Some("wh_customers")
    );
    assert_eq!(
        base.events.as_ref().map(|l| l.name.as_str()),
        Some("wh_events")
    );
    // The customer table with categories from the linked products: the local favourites.
    {
        use loupe::customers::rfm::{RfmOptions, rfm_table};
        let local = RfmOptions {
            products: Some("products".into()),
            ..RfmOptions::default()
        };
        let want = rfm_table(&p, "orders", &local).unwrap();
        let linked = RfmOptions {
            products: Some("wh_products".into()),
            ..RfmOptions::default()
        };
        let (got, _) = loupe::warehouse::customers::customer_table_with(
            &p,
            &base.link,
            &linked,
            &url,
            &Reporter::silent(),
        )
        .unwrap();
        let favourites = |t: &loupe::customers::rfm::RfmTable| -> Vec<_> {
            t.customers
                .iter()
                .map(|c| {
                    (
                        c.customer_id.clone(),
                        c.favourite_category.clone(),
                        c.favourite_item.clone(),
                        c.rfm_group,
                        c.return_orders,
                    )
                })
                .collect()
        };
        assert_eq!(favourites(&got), favourites(&want));
        assert!(got.has_category && want.has_category);
        // A products table that is not linked is refused, with what to do.
        let err = loupe::warehouse::customers::customer_table_with(
            &p,
            &base.link,
            &local,
            &url,
            &Reporter::silent(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("linked from the same warehouse"), "{err}");
    }
    let saved = saved::saved(&p).unwrap();
    let mut wrong = Vec::new();
    for (rule, want) in crate::segments::CASES {
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
        // One row of two numbers crosses the wire.
        assert_eq!(transfer.rows, 1, "{rule}");
        assert!(transfer.bytes < 64, "{rule}: {transfer:?}");
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    // The lifetime-value columns are refused with the reason.
    let err = member_ids_with(
        &base,
        &parse_rule("p_alive > 0.5").unwrap(),
        &saved,
        &url,
        &Reporter::silent(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("lifetime-value model"), "{err}");
    let err = member_ids_with(
        &base,
        &parse_rule("no_such_column = 1").unwrap(),
        &saved,
        &url,
        &Reporter::silent(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("no_such_column") && err.contains("monetary"),
        "{err}"
    );

    // The command line: a count with what crossed the wire, and the query it sent.
    let project = s.path("test.loupe");
    let project = project.to_str().unwrap();
    let run = |args: &[&str]| {
        let out = loupe().env("PG", c.url()).args(args).output().unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "{args:?}: {text}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let rule = "bought(category = 'Home') AND NOT did(event = 'page_view')";
    let json = run(&[
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
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        (v["count"].as_u64(), v["base"].as_u64()),
        (Some(3), Some(6)),
        "{json}"
    );
    assert_eq!(v["transfer"]["rows"].as_u64(), Some(1), "{json}");
    assert!(v["transfer"]["bytes"].as_u64().unwrap_or(0) > 0, "{json}");
    let text = run(&[
        "segment",
        "count",
        "--project",
        project,
        "--dataset",
        "wh_orders",
        "--rule",
        rule,
    ]);
    assert!(
        text.contains("3 of 6 customers") && text.contains("Computed in the warehouse"),
        "{text}"
    );
    // The PostgreSQL query of the local datasets, run on the same tables, lists the members.
    let mut client = c.client();
    client
        .batch_execute("SET search_path TO loaded, public")
        .unwrap();
    for (rule, want) in [
        (
            "bought(category = 'Home') AND NOT did(event = 'page_view')",
            "a,d,f",
        ),
        ("in_segment('VIP') AND NOT in_segment('Europe')", "c"),
        (
            "last_purchase within 10 days AND country is not empty",
            "a,b,e",
        ),
    ] {
        let sql = run(&[
            "segment",
            "sql",
            "--project",
            project,
            "--dataset",
            "orders",
            "--dialect",
            "postgres",
            "--rule",
            rule,
        ]);
        let ids: Vec<String> = client
            .simple_query(&sql)
            .unwrap_or_else(|e| panic!("{rule}: {e}\n{sql}"))
            .into_iter()
            .filter_map(|m| match m {
                postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_string),
                _ => None,
            })
            .collect();
        assert_eq!(ids.join(","), want, "{rule}");
    }
    // SQLite's form is refused for a linked dataset, with what to do.
    let out = loupe()
        .args([
            "segment",
            "sql",
            "--project",
            project,
            "--dataset",
            "wh_orders",
            "--rule",
            "orders > 1",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--dialect postgres"));

    // Export: the members' rows come from the warehouse, and equal the local export's.
    let columns = "customer_id,orders,recency_days,r_score,f_score,m_score,rfm_group,lifecycle_stage,first_purchase,last_purchase,favourite_item,favourite_category,preferred_weekday,country";
    let export = |dataset: &str, extra: &[&str]| {
        let out_file = s.path(&format!("{dataset}-export.csv"));
        let mut args = vec![
            "segment",
            "export",
            "--project",
            project,
            "--dataset",
            dataset,
            "--columns",
            columns,
            "--mask",
            "country",
            "--hash-ids",
            "--out",
            out_file.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let said = run(&args);
        (std::fs::read_to_string(&out_file).unwrap(), said)
    };
    let (local, _) = export("orders", &["--rule", rule]);
    let (linked, said) = export("wh_orders", &["--rule", rule]);
    assert_eq!(local.lines().count(), 4, "{local}");
    assert_eq!(linked, local);
    assert!(said.contains("Computed in the warehouse"), "{said}");
    // Save and snapshot: the warehouse's members are recorded.
    let said = run(&[
        "segment",
        "save",
        "--project",
        project,
        "--dataset",
        "wh_orders",
        "--name",
        "Home",
        "--rule",
        rule,
    ]);
    assert!(
        said.contains("saved segment 'Home'") && said.contains("3 of 6 customers"),
        "{said}"
    );
    let said = run(&[
        "segment",
        "snapshot",
        "--project",
        project,
        "--dataset",
        "wh_orders",
        "--name",
        "Home",
    ]);
    assert!(said.contains("3 members"), "{said}");
    let (by_name, _) = export("wh_orders", &["--name", "Home"]);
    assert_eq!(by_name, local);
    let show = run(&[
        "segment",
        "show",
        "--project",
        project,
        "--name",
        "Home",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&show).unwrap();
    let snaps = v["snapshots"].as_array().unwrap();
    assert_eq!(snaps.len(), 3, "{show}");
    assert!(snaps.iter().all(|x| x["members"] == 3), "{show}");
    let members = saved::saved(&p).unwrap();
    assert!(members.contains_key("Home"));
    let ids = loupe::store::segments::snapshots(p.conn(), "Home").unwrap();
    assert!(ids.iter().all(|x| x.ids == ["a", "d", "f"]), "{ids:?}");
}

#[test]
fn online_retail_customers_and_segments_in_postgresql_equal_the_local_engine() {
    let Some(path) = online_retail() else { return };
    let Some(c) = pg::start() else { return };
    let s = Scratch::new();
    let mut p = s.project();
    import(&mut p, &[&path], named("retail")).unwrap();
    let url = ConnUrl::new("PG", &c.url());
    link_loaded(&c, &p, "retail", &url);
    retail_segments_agree(&p, &url);
}

/// Online Retail's segments, over `wh_retail` in a warehouse, give the local members and counts.
pub(crate) fn retail_segments_agree(p: &Project, url: &ConnUrl) {
    let filter = "UnitPrice > 0 AND Quantity > 0";
    let local = SegmentBase::load(
        p,
        &BaseOptions {
            dataset: Some("retail".into()),
            filter: Some(filter.into()),
            ..BaseOptions::default()
        },
    )
    .unwrap();
    assert_eq!(local.len(), 4_338);
    saved::save(
        p,
        "VIP",
        &parse_rule("rfm_group IN ('Champions', 'Loyal') OR orders >= 10").unwrap(),
        "",
    )
    .unwrap();
    let base = WarehouseBase::resolve(
        p,
        &BaseOptions {
            dataset: Some("wh_retail".into()),
            filter: Some(filter.into()),
            ..BaseOptions::default()
        },
    )
    .unwrap()
    .unwrap();
    let saved = saved::saved(p).unwrap();
    let rules = [
        "revenue >= 500 AND recency_days <= 90 AND NOT (Country = 'United Kingdom')",
        "rfm_group IN ('Champions', 'Loyal') OR orders >= 10",
        "bought(item_id = '85123A', min_times = 2, within_days = 90)",
        "bought(item = 'WHITE HANGING HEART T-LIGHT HOLDER', after = '2011-06-01') AND NOT bought(item_id = '22423')",
        "in_segment('VIP') AND bought(min_amount = 1000, within_days = 30)",
        "last_purchase within 30 days AND Country in ('France', 'Germany')",
        "r_score = 5 AND f_score >= 4 AND m_score >= 3",
        "m_score = 1 OR f_score = 1",
        "lifecycle_stage = 'at_risk' OR lifecycle_stage = 'churned'",
        "rfm_group = 'Can''t lose them'",
        "favourite_item = 'REGENCY CAKESTAND 3 TIER' OR preferred_weekday = 'Sun'",
        "preferred_hour >= 15 AND average_order_value > 300",
        "mean_interval_days < 10 AND tenure_days > 100",
        "everyone",
    ];
    for r in rules {
        let want = local_members(&local, p, r);
        let rule = parse_rule(r).unwrap();
        let (got, _) = member_ids_with(&base, &rule, &saved, url, &Reporter::silent())
            .unwrap_or_else(|e| panic!("{r}: {e}"));
        assert_eq!(got.len(), want.len(), "{r}");
        assert!(got == want, "{r}: the members differ");
        let (n, transfer) = count_with(&base, &rule, &saved, url, &Reporter::silent()).unwrap();
        assert_eq!((n.count, n.base), (want.len(), 4_338), "{r}");
        assert!(transfer.bytes < 64, "{r}: {transfer:?}");
    }
}

/// Funnels of the sample project's events, and of a hand-built table with the tricky chains,
/// computed by PostgreSQL: the local engine's users per group and step exactly, the same groups
/// in the same order, the same rows left out, and the median times to the microsecond.
#[test]
fn funnels_in_postgresql_equal_the_local_engine() {
    let Some(c) = pg::start() else { return };
    let s = Scratch::new();
    let mut p = Project::open(sample_copy(&s)).unwrap();
    add_tricky(&s, &mut p);
    let url = ConnUrl::new("PG", &c.url());
    let events = link_loaded(&c, &p, "events", &url);
    let tricky = link_loaded(&c, &p, "tricky", &url);
    funnels_agree(&p, &events, &tricky, &url);
}

/// Adds the table `tricky` of hand-worked funnel chains to the project.
pub(crate) fn add_tricky(s: &Scratch, p: &mut Project) {
    // a: two starts; the later one goes deeper (the window closes on the first).
    // b: cart before view does not count; c: view only; a blank user is left out.
    let tricky = s.write(
        "tricky.csv",
        "user,at,what,src\n\
         a,2024-01-01 10:00:00,view,web\n\
         a,2024-01-03 10:00:00,view,app\n\
         a,2024-01-03 11:00:00,cart,app\n\
         a,2024-01-04 09:00:00,buy,app\n\
         b,2024-01-01 09:00:00,cart,web\n\
         b,2024-01-01 10:00:00,view,web\n\
         b,2024-01-01 10:30:00,cart,web\n\
         c,2024-01-02 10:00:00,view,\n\
          ,2024-01-02 10:00:00,view,web\n",
    );
    import(p, &[&tricky], named("tricky")).unwrap();
    let set = |p: &mut Project, c: &str, r: loupe::dataset::Role| {
        p.set_role("tricky", c, Some(r)).unwrap()
    };
    set(p, "user", loupe::dataset::Role::CustomerId);
    set(p, "at", loupe::dataset::Role::Timestamp);
    set(p, "what", loupe::dataset::Role::EventType);
}

/// The funnels of the sample project's events (linked as `events`) and of the tricky chains
/// (linked as `tricky`), computed by the warehouse, equal the local engine's.
pub(crate) fn funnels_agree(p: &Project, events: &Link, tricky: &Link, url: &ConnUrl) {
    use loupe::explore::funnel::{FunnelSpec, funnel};
    use loupe::explore::rows::EventColumns;
    let spec =
        |dataset: &str, steps: &[&str], window: i64, by: Option<&str>, filter: Option<&str>| {
            FunnelSpec {
                dataset: dataset.into(),
                columns: EventColumns::default(),
                steps: steps.iter().map(|s| s.to_string()).collect(),
                window_seconds: window,
                by: by.map(str::to_string),
                filter: filter.map(str::to_string),
            }
        };
    let cases = [
        (
            &tricky,
            spec(
                "tricky",
                &["view", "cart", "buy"],
                86_400,
                Some("src"),
                None,
            ),
        ),
        (
            &tricky,
            spec("tricky", &["view", "cart"], 3_600, None, None),
        ),
        (
            &events,
            spec(
                "events",
                &["page_view", "add_to_cart", "purchase"],
                7 * 86_400,
                None,
                None,
            ),
        ),
        (
            &events,
            spec(
                "events",
                &["page_view", "purchase"],
                3_600,
                Some("channel"),
                None,
            ),
        ),
        (
            &events,
            spec(
                "events",
                &["page_view", "favorite", "add_to_cart", "purchase"],
                30 * 86_400,
                Some("channel"),
                Some("stock_code != '22423'"),
            ),
        ),
    ];
    for (l, local) in cases {
        let want = funnel(p, &local).unwrap();
        let mut remote = local.clone();
        remote.dataset = l.name.clone();
        let (got, transfer) =
            loupe::warehouse::funnel::funnel_with(l, &remote, url, &Reporter::silent()).unwrap();
        let what = format!("{:?}", local.steps);
        assert_eq!(got.skipped_rows, want.skipped_rows, "{what}");
        assert_eq!(got.groups.len(), want.groups.len(), "{what}");
        for (g, w) in got.groups.iter().zip(&want.groups) {
            assert_eq!(g.key, w.key, "{what}");
            for (a, b) in g.steps.iter().zip(&w.steps) {
                assert_eq!(
                    (&a.step, a.users, a.dropped, a.from_previous, a.from_first),
                    (&b.step, b.users, b.dropped, b.from_previous, b.from_first),
                    "{what} {:?}",
                    g.key
                );
                match (a.median_seconds, b.median_seconds) {
                    (Some(x), Some(y)) => assert!((x - y).abs() < 1e-6, "{what}: {x} vs {y}"),
                    (x, y) => assert_eq!(x, y, "{what}"),
                }
            }
        }
        assert!(transfer.rows > 0, "{what}");
    }
    // The hand-worked answer: a reaches buy (from its second view), b reaches cart, c views.
    let local = spec("tricky", &["view", "cart", "buy"], 86_400, None, None);
    let users: Vec<u64> = funnel(p, &local).unwrap().groups[0]
        .steps
        .iter()
        .map(|s| s.users)
        .collect();
    assert_eq!(users, vec![3, 2, 1]);
}
