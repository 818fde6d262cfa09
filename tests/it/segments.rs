//! Segments on a hand-built shop with known answers: every operator, nesting, missing values,
//! behavioural windows at their edges, the SQL form (run on the project), saved segments,
//! snapshots and exports.

use crate::common::*;
use loupe::dataset::Role;
use loupe::segments::saved::{self, compare};
use loupe::segments::sql::{materialize, to_sql};
use loupe::segments::{BaseOptions, Rule, SegmentBase, members, parse_rule};
use loupe::store::Project;

/// Six customers, a..f. Items: X and Z are Home, Y Toys, W Garden. The last line is on
/// 2024-03-10, so the as-of date is 2024-03-11.
pub fn shop(s: &Scratch) -> Project {
    let orders = s.write(
        "orders.csv",
        "order_id,customer_id,order_time,item_id,quantity,unit_price\n\
A1,a,2024-03-01 10:00:00,X,2,10\n\
A2,a,2024-03-05 10:00:00,X,1,10\n\
A3,a,2024-01-10 10:00:00,Y,1,5\n\
B1,b,2024-03-09 10:00:00,X,1,10\n\
B1,b,2024-03-09 10:00:00,Z,1,3\n\
B2,b,2024-03-10 10:00:00,X,-1,10\n\
C1,c,2023-12-01 10:00:00,Y,1,100\n\
D1,d,2024-02-09 10:00:00,Z,1,7\n\
E1,e,2024-03-10 10:00:00,W,1,50\n\
F1,f,2024-02-10 10:00:00,X,1,10\n",
    );
    let products = s.write(
        "products.csv",
        "item_id,category\nX,Home\nY,Toys\nZ,Home\nW,Garden\n",
    );
    let people = s.write(
        "customers.csv",
        "customer_id,country,email,phone,name\n\
a,UK,alice@x.com,13812341234,Alice\n\
b,France,bob@y.fr,13900001111,Bob\n\
c,,carol@z.cn,13700002222,张三丰\n\
d,UK,dan@x.com,13600003333,Dan\n\
e,Germany,eve@x.de,13500004444,Eve\n\
f,,fay@x.com,13400005555,Fay\n",
    );
    let events = s.write(
        "events.csv",
        "customer_id,event_time,event_type\n\
a,2024-03-10 09:00:00,add_to_cart\n\
a,2024-03-01 09:00:00,add_to_cart\n\
b,2024-03-10 09:00:00,page_view\n\
c,2024-03-11 09:00:00,add_to_cart\n",
    );
    let mut p = s.project();
    import(&mut p, &[&orders], named("orders")).unwrap();
    import(&mut p, &[&products], named("products")).unwrap();
    import(&mut p, &[&people], named("customers")).unwrap();
    import(&mut p, &[&events], named("events")).unwrap();
    let set = |p: &mut Project, d: &str, c: &str, r: Role| p.set_role(d, c, Some(r)).unwrap();
    set(&mut p, "orders", "order_id", Role::OrderId);
    set(&mut p, "orders", "customer_id", Role::CustomerId);
    set(&mut p, "orders", "order_time", Role::Timestamp);
    set(&mut p, "orders", "item_id", Role::ItemId);
    set(&mut p, "orders", "quantity", Role::Quantity);
    set(&mut p, "orders", "unit_price", Role::UnitPrice);
    set(&mut p, "products", "item_id", Role::ItemId);
    set(&mut p, "products", "category", Role::Category);
    set(&mut p, "customers", "customer_id", Role::CustomerId);
    set(&mut p, "events", "customer_id", Role::CustomerId);
    set(&mut p, "events", "event_time", Role::Timestamp);
    set(&mut p, "events", "event_type", Role::EventType);
    p
}

fn load(p: &Project) -> SegmentBase {
    SegmentBase::load(
        p,
        &BaseOptions {
            dataset: Some("orders".into()),
            attributes: Some("customers".into()),
            products: Some("products".into()),
            events: Some("events".into()),
            ..BaseOptions::default()
        },
    )
    .unwrap()
}

fn who(base: &SegmentBase, p: &Project, text: &str) -> String {
    let rule = parse_rule(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    let m =
        members(base, &rule, &saved::saved(p).unwrap()).unwrap_or_else(|e| panic!("{text}: {e}"));
    let ids = base.ids().unwrap();
    let mut out: Vec<&str> = ids
        .iter()
        .zip(&m)
        .filter(|(_, b)| **b)
        .map(|(i, _)| i.as_str())
        .collect();
    out.sort();
    out.join(",")
}

/// The SQL form's answer, run on the project.
fn who_sql(base: &SegmentBase, p: &Project, text: &str) -> String {
    let rule = parse_rule(text).unwrap();
    let sql = to_sql(base, &rule, &saved::saved(p).unwrap()).unwrap();
    rows(p, &sql)
        .into_iter()
        .map(|r| r[0].clone())
        .collect::<Vec<_>>()
        .join(",")
}

/// (rule, members) with hand-worked answers.
pub const CASES: &[(&str, &str)] = &[
    // Numbers. Monetary: a 35, b 13, c 100, d 7, e 50, f 10; orders: a 3, others 1.
    ("monetary = 50", "e"),
    ("monetary != 50", "a,b,c,d,f"),
    ("monetary < 13", "d,f"),
    ("monetary <= 13", "b,d,f"),
    ("monetary > 35", "c,e"),
    ("monetary >= 35", "a,c,e"),
    ("monetary between 10 and 35", "a,b,f"),
    ("monetary not between 10 and 35", "c,d,e"),
    ("orders >= 2", "a"),
    // Text, with two customers whose country is missing (c, f).
    ("country = 'UK'", "a,d"),
    ("NOT (country = 'UK')", "b,c,e,f"),
    ("country != 'UK'", "b,e"),
    ("country in ('France', 'Germany')", "b,e"),
    ("country not in ('France', 'Germany')", "a,d"),
    ("email contains '@x.'", "a,d,e,f"),
    ("email starts with 'ca'", "c"),
    ("email ends with '.com'", "a,d,f"),
    ("country is empty", "c,f"),
    ("country is not empty", "a,b,d,e"),
    // Dates: last purchases a 03-05, b 03-09, c 2023-12-01, d 02-09, e 03-10, f 02-10.
    ("last_purchase < '2024-02-10'", "c,d"),
    ("last_purchase > '2024-03-05'", "b,e"),
    ("last_purchase within 10 days", "a,b,e"),
    ("last_purchase within 2 days", "b,e"),
    ("last_purchase within 1 days", "e"),
    // Bought: X by a (03-01, 03-05), b (03-09; its 03-10 line is a return), f (02-10).
    ("bought(item_id = 'X')", "a,b,f"),
    ("bought(item_id = 'X', min_times = 2)", "a"),
    (
        "bought(item_id = 'X', min_times = 2, within_days = 10)",
        "a",
    ),
    ("bought(item_id = 'X', min_times = 2, within_days = 9)", ""),
    ("bought(item_id = 'X', within_days = 2)", "b"),
    ("bought(item_id = 'X', within_days = 1)", ""),
    ("bought(item_id = 'X', after = '2024-03-05')", "a,b"),
    ("bought(item_id = 'X', before = '2024-03-05')", "a,f"),
    (
        "bought(item_id = 'X', after = '2024-03-02', before = '2024-03-09')",
        "a",
    ),
    (
        "bought(item_id = 'X', min_times = 0, max_times = 1)",
        "b,c,d,e,f",
    ),
    ("bought(item_id = 'X', max_times = 1)", "b,f"),
    ("bought(item_id in ('W', 'Y'))", "a,c,e"),
    ("bought(item_id = 'nothing')", ""),
    ("bought(category = 'Home')", "a,b,d,f"),
    ("NOT bought(category = 'Toys')", "b,d,e,f"),
    ("bought(min_amount = 50)", "c,e"),
    ("bought(category = 'Home', min_amount = 13)", "a,b"),
    ("bought(max_amount = 10)", "d,f"),
    ("bought(within_days = 10)", "a,b,e"),
    // Events: c's add_to_cart is on the as-of date, so outside.
    ("did(event = 'add_to_cart')", "a"),
    ("did(event = 'add_to_cart', min_times = 2)", "a"),
    ("did(event = 'add_to_cart', within_days = 1)", "a"),
    (
        "did(event = 'add_to_cart', within_days = 1, min_times = 2)",
        "",
    ),
    ("did(event = 'page_view')", "b"),
    ("NOT did(event = 'add_to_cart')", "b,c,d,e,f"),
    // Nesting.
    (
        "(country = 'UK' OR bought(category = 'Garden')) AND NOT bought(item_id = 'Y')",
        "d,e",
    ),
    (
        "NOT (monetary > 20 AND NOT (country = 'UK' OR country is empty))",
        "a,b,c,d,f",
    ),
    ("everyone", "a,b,c,d,e,f"),
    ("monetary / orders > 20", "c,e"),
    (
        "in_segment('VIP') OR bought(item_id = 'X', min_times = 2)",
        "a,c,e",
    ),
    ("in_segment('VIP') AND NOT in_segment('Europe')", "c"),
];

#[test]
fn every_operator_on_a_hand_built_shop_and_its_sql() {
    let s = Scratch::new();
    let mut p = shop(&s);
    saved::save(&p, "VIP", &parse_rule("monetary >= 50").unwrap(), "").unwrap();
    saved::save(
        &p,
        "Europe",
        &parse_rule("country in ('France', 'Germany')").unwrap(),
        "",
    )
    .unwrap();
    let base = load(&p);
    assert_eq!(base.as_of.to_string(), "2024-03-11");
    assert_eq!(base.len(), 6);
    materialize(&mut p, &base).unwrap();
    let mut wrong = Vec::new();
    for (rule, want) in CASES {
        let got = who(&base, &p, rule);
        if got != *want {
            wrong.push(format!("{rule}: got [{got}], want [{want}]"));
        }
        let sql = who_sql(&base, &p, rule);
        if sql != *want {
            wrong.push(format!("SQL of {rule}: got [{sql}], want [{want}]"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn tags_clv_columns_and_the_round_trips() {
    let s = Scratch::new();
    let p = shop(&s);
    let base = load(&p);
    // A tag is its rule.
    assert_eq!(
        who(&base, &p, "has_tag('high value')"),
        who(&base, &p, "m_score = 5")
    );
    assert!(base.frame.column("clv").is_ok());
    assert!(base.frame.column("p_alive").is_ok());
    // text -> JSON -> rule -> text
    for (text, _) in CASES {
        let r = parse_rule(text).unwrap();
        let json = serde_json::to_string(&r).unwrap();
        let back: Rule = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r, "{text}");
        assert_eq!(parse_rule(&back.to_string()).unwrap(), r, "{text}");
    }
}

#[test]
fn saved_segments_snapshots_and_cycles() {
    let s = Scratch::new();
    let p = shop(&s);
    saved::save(&p, "A", &parse_rule("orders >= 1").unwrap(), "all").unwrap();
    saved::save(&p, "B", &parse_rule("in_segment('A')").unwrap(), "").unwrap();
    let err = saved::save(&p, "A", &parse_rule("in_segment('B')").unwrap(), "").unwrap_err();
    assert!(err.to_string().contains("A → B → A"), "{err}");
    let err = saved::delete(&p, "A").unwrap_err();
    assert!(err.to_string().contains("included by B"), "{err}");
    let list = saved::list(&p).unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[1].text, "in_segment('A')");
    // Reopening keeps them.
    let path = p.path().to_path_buf();
    drop(p);
    let p = Project::open(&path).unwrap();
    assert_eq!(saved::get(&p, "A").unwrap().description, "all");
    saved::delete(&p, "B").unwrap();
    saved::delete(&p, "A").unwrap();
    assert!(saved::list(&p).unwrap().is_empty());
    let d = compare(
        &["a".to_string(), "b".to_string()],
        &["b".to_string(), "c".to_string()],
    );
    assert_eq!(
        (d.entered, d.left, d.stayed),
        (vec!["c".to_string()], vec!["a".to_string()], 1)
    );
}

#[test]
fn exports_re_import_to_the_segment_and_are_logged() {
    use loupe::segments::export::{ExportSpec, export_members};
    let s = Scratch::new();
    let mut p = shop(&s);
    saved::save(
        &p,
        "Home",
        &parse_rule("bought(category = 'Home')").unwrap(),
        "",
    )
    .unwrap();
    let base = load(&p);
    let rule = saved::get(&p, "Home").unwrap().rule;
    let m = members(&base, &rule, &saved::saved(&p).unwrap()).unwrap();
    for ext in ["csv", "xlsx", "parquet"] {
        let out = s.path(&format!("home.{ext}"));
        let spec = ExportSpec {
            columns: Some(vec![
                "customer_id".into(),
                "email".into(),
                "phone".into(),
                "monetary".into(),
            ]),
            mask: vec!["email".into(), "phone".into()],
            bom: ext == "csv",
            ..ExportSpec::default()
        };
        let r =
            export_members(&p, &base, Some("Home"), &rule.to_string(), &m, &out, &spec).unwrap();
        assert_eq!(r.rows, 4);
        let name = format!("back_{ext}");
        import(&mut p, &[&out], named(&name)).unwrap();
        let got = rows(
            &p,
            &format!("SELECT customer_id, email, phone, monetary FROM {name} ORDER BY 1"),
        );
        assert_eq!(
            got,
            vec![
                vec!["a", "a***@x.com", "138****1234", "35"],
                vec!["b", "b***@y.fr", "139****1111", "13"],
                vec!["d", "d***@x.com", "136****3333", "7"],
                vec!["f", "f***@x.com", "134****5555", "10"],
            ],
            "{ext}"
        );
    }
    // Hashed ids.
    let out = s.path("hashed.csv");
    let spec = ExportSpec {
        columns: Some(vec!["customer_id".into()]),
        hash_ids: true,
        salt: Some("pepper".into()),
        ..ExportSpec::default()
    };
    export_members(&p, &base, None, "x", &m, &out, &spec).unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains(&loupe::privacy::hash_id("a", "pepper")),
        "{text}"
    );
    assert!(!text.lines().any(|l| l == "a"), "{text}");
    // Each export is in the log, and the saved segment's exports are snapshots.
    let log = p.activity(50).unwrap();
    let exports: Vec<_> = log.iter().filter(|e| e.action == "export").collect();
    assert_eq!(exports.len(), 4);
    assert_eq!(exports[1].detail["segment"], "Home");
    assert_eq!(exports[1].detail["masked"][0], "email");
    let snaps = loupe::store::segments::snapshots(p.conn(), "Home").unwrap();
    assert_eq!(snaps.len(), 3);
    assert_eq!(snaps[0].ids, vec!["a", "b", "d", "f"]);
    // An unknown column is named.
    let err = export_members(
        &p,
        &base,
        None,
        "x",
        &m,
        &s.path("x.csv"),
        &ExportSpec {
            columns: Some(vec!["nope".into()]),
            ..ExportSpec::default()
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("no column 'nope'"), "{err}");
}

/// On the real Online Retail lines: the example rules, evaluated in memory, agree with
/// their SQL form and with SQL written independently over the raw lines.
#[test]
fn online_retail_segments_agree_with_sql() {
    let Some(path) = online_retail() else { return };
    let s = Scratch::new();
    let mut p = s.project();
    import(&mut p, &[&path], named("online_retail")).unwrap();
    let filter = "UnitPrice > 0 AND Quantity > 0 AND InvoiceNo NOT LIKE 'C%'";
    let base = SegmentBase::load(
        &p,
        &BaseOptions {
            dataset: Some("online_retail".into()),
            filter: Some(filter.into()),
            ..BaseOptions::default()
        },
    )
    .unwrap();
    assert_eq!(base.as_of.to_string(), "2011-12-10");
    assert_eq!(base.len(), 4_338);
    saved::save(
        &p,
        "VIP",
        &parse_rule("rfm_group IN ('Champions', 'Loyal') OR orders >= 10").unwrap(),
        "",
    )
    .unwrap();
    materialize(&mut p, &base).unwrap();
    let count = |text: &str| {
        who(&base, &p, text)
            .split(',')
            .filter(|x| !x.is_empty())
            .count()
    };
    let rules = [
        "revenue >= 500 AND recency_days <= 90 AND NOT (Country = 'United Kingdom')",
        "rfm_group IN ('Champions', 'Loyal') OR orders >= 10",
        "bought(item_id = '85123A', min_times = 2, within_days = 90)",
        "bought(item = 'WHITE HANGING HEART T-LIGHT HOLDER', after = '2011-06-01') AND NOT bought(item_id = '22423')",
        "in_segment('VIP') AND bought(min_amount = 1000, within_days = 30)",
        "last_purchase within 30 days AND Country in ('France', 'Germany')",
    ];
    for r in rules {
        assert_eq!(who(&base, &p, r), who_sql(&base, &p, r), "{r}");
    }
    // Independent SQL over the raw lines: customers with 85123A in two or more invoices dated
    // 2011-09-11 (the as-of date minus 90 days) or later.
    let q = |sql: &str| rows(&p, sql)[0][0].parse::<usize>().unwrap();
    assert_eq!(
        count("bought(item_id = '85123A', min_times = 2, within_days = 90)"),
        q(&format!(
            "SELECT count(*) FROM (SELECT CustomerID FROM online_retail WHERE {filter}
               AND CustomerID IS NOT NULL AND StockCode = '85123A' AND InvoiceDate >= '2011-09-11'
             GROUP BY CustomerID HAVING count(DISTINCT InvoiceNo) >= 2)"
        ))
    );
    // k-means on the RFM scores: each cluster's rule selects exactly the customers assigned to it.
    let fit = loupe::segments::kmeans::fit(
        &base.frame,
        &["r_score".into(), "f_score".into(), "m_score".into()],
        4,
        42,
    )
    .unwrap();
    for (j, prof) in fit.profiles.iter().enumerate() {
        let rule = fit.model.rule(j).unwrap();
        let m = members(&base, &rule, &Default::default()).unwrap();
        let same = m
            .iter()
            .zip(&fit.assignments)
            .all(|(a, b)| *a == (*b == Some(j)));
        assert!(same, "cluster {j}: {rule}");
        assert_eq!(m.iter().filter(|x| **x).count(), prof.size);
    }
    // Customers outside the United Kingdom (the country on most of their lines).
    assert_eq!(
        count("NOT (Country = 'United Kingdom')"),
        q(&format!(
            "SELECT count(*) FROM (SELECT CustomerID FROM online_retail WHERE {filter} AND CustomerID IS NOT NULL
             GROUP BY CustomerID HAVING sum(Country = 'United Kingdom') * 2 < count(*))"
        ))
    );
}

#[test]
fn the_command_line() {
    let s = Scratch::new();
    let p = shop(&s);
    let path = p.path().to_string_lossy().to_string();
    drop(p);
    let base = [
        "--dataset",
        "orders",
        "--attributes",
        "customers",
        "--products",
        "products",
        "--events",
        "events",
    ];
    let run = |args: &[&str]| {
        let mut all: Vec<&str> = args.to_vec();
        if !matches!(args[1], "list" | "show" | "delete" | "compare") {
            all.extend(base);
        }
        let out = run_loupe(&all);
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (ok, out, err) = run(&[
        "segment",
        "save",
        "--project",
        &path,
        "--name",
        "Home",
        "--rule",
        "bought(category = 'Home')",
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("4 of 6 customers"), "{out}");
    let (ok, out, err) = run(&[
        "segment",
        "count",
        "--project",
        &path,
        "--rule",
        "in_segment('Home') AND country = 'UK'",
        "--json",
    ]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["count"], 2);
    assert_eq!(v["base"], 6);
    assert!((v["share"].as_f64().unwrap() - 2.0 / 6.0).abs() < 1e-12);
    // The SQL runs on the project and lists the same customers.
    let (ok, sql, err) = run(&["segment", "sql", "--project", &path, "--name", "Home"]);
    assert!(ok, "{err}");
    let p = Project::open_read_only(std::path::Path::new(&path)).unwrap();
    let ids: Vec<String> = rows(&p, sql.trim().trim_end_matches(';'))
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(ids, vec!["a", "b", "d", "f"]);
    drop(p);
    let out_file = s.path("home.csv");
    let (ok, _, err) = run(&[
        "segment",
        "export",
        "--project",
        &path,
        "--name",
        "Home",
        "--out",
        out_file.to_str().unwrap(),
        "--columns",
        "customer_id,phone",
        "--mask",
        "phone:phone",
    ]);
    assert!(ok, "{err}");
    let text = std::fs::read_to_string(&out_file).unwrap();
    assert!(
        text.starts_with("customer_id,phone\na,138****1234\n"),
        "{text}"
    );
    let (ok, out, _) = run(&["segment", "list", "--project", &path]);
    assert!(
        ok && out.contains("Home\tbought(category = 'Home')"),
        "{out}"
    );
    let (ok, out, err) = run(&[
        "segment",
        "show",
        "--project",
        &path,
        "--name",
        "Home",
        "--json",
    ]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["rule"]["type"], "bought");
    assert_eq!(v["snapshots"].as_array().unwrap().len(), 2);
    let (ok, out, err) = run(&["segment", "compare", "--project", &path, "--name", "Home"]);
    assert!(ok, "{err}");
    assert!(out.contains("0 entered, 0 left, 4 stayed"), "{out}");
    // Recommendations for the segment's members.
    let out = run_loupe(&[
        "recommend",
        "--project",
        &path,
        "--dataset",
        "orders",
        "--algo",
        "popular",
        "--k",
        "1",
        "--segment",
        "Home",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let who: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(who, vec!["a", "b", "d", "f"], "{text}");
    // Mistakes: a clear message and a failure exit.
    let (ok, _, err) = run(&[
        "segment",
        "count",
        "--project",
        &path,
        "--rule",
        "orders >= AND",
    ]);
    assert!(!ok);
    assert!(err.contains("character 11"), "{err}");
    let (ok, _, err) = run(&["segment", "count", "--project", &path, "--name", "Nope"]);
    assert!(!ok && err.contains("the segments are: Home"), "{err}");
    let (ok, _, _) = run(&["segment", "delete", "--project", &path, "--name", "Home"]);
    assert!(ok);
}
