//! Shop platforms: the quirks every import cleans, order statuses in Customers and ROI, and the
//! platform presets recognised on import (fixtures in tests/fixtures/platforms, written by
//! `cargo run --example platform_fixtures`).

use crate::common::{Scratch, import, named, run_loupe};
use loupe::campaigns::data::{Sources, load_inputs, load_inputs_with};
use loupe::customers::rfm::{RfmOptions, rfm_table};
use loupe::dataset::{ColumnType, DatasetInfo, Role};
use loupe::import::{ImportOptions, PresetChoice};
use loupe::progress::Reporter;
use loupe::query::{Cell, query_table};
use loupe::status::StatusExclusion;
use loupe::store::Project;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/platforms")
        .join(name)
}

fn column<'a>(info: &'a DatasetInfo, name: &str) -> &'a loupe::dataset::ColumnInfo {
    info.column(name)
        .unwrap_or_else(|| panic!("no column {name} in {}", info.name))
}

fn texts(p: &Project, sql: &str) -> Vec<Option<String>> {
    query_table(p, sql, 1000)
        .unwrap()
        .rows
        .into_iter()
        .map(|r| match &r[0] {
            Cell::Null => None,
            Cell::Text(t) => Some(t.clone()),
            Cell::Int(i) => Some(i.to_string()),
            Cell::Real(f) => Some(f.to_string()),
        })
        .collect()
}

#[test]
fn every_import_cleans_platform_quirks() {
    let s = Scratch::new();
    let file = s.write(
        "quirks.csv",
        "ref,code,qty,price,phone\n\
         \t0012345678901234567,=\"0123\",３,\"¥1,234.50\",138****1234\n\
         \t0012345678901234568,=\"0456\",１２,12元,13912345678\n\
         \t0012345678901234569,=\"0789\",1,RMB 99,##a8f3e2\n\
         \t0012345678901234570,=\"1000\",2,\"￥１，０００\",$$Zk29\n",
    );
    let mut p = s.project();
    let r = import(&mut p, &[&file], named("q")).unwrap();
    let info = p.dataset("q").unwrap();
    // Tab-prefixed ids stay text, every digit kept; =\"…\" is unwrapped and stays text.
    assert_eq!(column(&info, "ref").ty, ColumnType::Text);
    assert_eq!(
        texts(&p, "SELECT ref FROM q")[0].as_deref(),
        Some("0012345678901234567")
    );
    assert_eq!(column(&info, "code").ty, ColumnType::Text);
    assert_eq!(
        texts(&p, "SELECT code FROM q"),
        vec![
            Some("0123".into()),
            Some("0456".into()),
            Some("0789".into()),
            Some("1000".into())
        ]
    );
    // Full-width digits are digits; currency amounts are decimal numbers.
    assert_eq!(column(&info, "qty").ty, ColumnType::Integer);
    assert_eq!(
        texts(&p, "SELECT qty FROM q"),
        vec![
            Some("3".into()),
            Some("12".into()),
            Some("1".into()),
            Some("2".into())
        ]
    );
    assert_eq!(column(&info, "price").ty, ColumnType::Float);
    let prices = query_table(&p, "SELECT price FROM q", 10).unwrap().rows;
    let prices: Vec<f64> = prices
        .iter()
        .map(|r| match r[0] {
            Cell::Real(f) => f,
            ref c => panic!("{c:?}"),
        })
        .collect();
    assert_eq!(prices, vec![1234.5, 12.0, 99.0, 1000.0]);
    // Encrypted placeholders are missing personal data; masked values are kept as written; both
    // are counted in the report.
    assert_eq!(
        texts(&p, "SELECT phone FROM q"),
        vec![
            Some("138****1234".into()),
            Some("13912345678".into()),
            None,
            None
        ]
    );
    assert_eq!(r.placeholders.len(), 1);
    assert_eq!(r.placeholders[0].column, "phone");
    assert_eq!(r.placeholders[0].count, 2);
    assert_eq!(r.masked.len(), 1);
    assert_eq!(r.masked[0].count, 1);
    assert!(r.warnings.iter().any(|w| w.contains("2 encrypted")));
    assert!(r.warnings.iter().any(|w| w.contains("1 masked")));
    assert_eq!(column(&info, "phone").nulls, 2);
    // No preset for a file like this.
    assert!(r.preset.is_none());
}

const ORDERS_WITH_STATUS: &str = "customer_id,order_id,order_time,amount,订单状态\n\
    c1,o1,2024-01-01 10:00:00,100,交易成功\n\
    c1,o2,2024-01-05 10:00:00,50,交易关闭\n\
    c2,o3,2024-01-02 10:00:00,80,已完成\n\
    c2,o4,2024-01-03 10:00:00,30,退款成功\n\
    c3,o5,2024-01-04 10:00:00,20,已取消\n\
    c4,o6,2024-01-04 11:00:00,40,\n";

#[test]
fn customers_leave_out_cancelled_and_refunded_orders_unless_asked() {
    let s = Scratch::new();
    let file = s.write("orders.csv", ORDERS_WITH_STATUS);
    let mut p = s.project();
    import(&mut p, &[&file], named("orders")).unwrap();
    let info = p.dataset("orders").unwrap();
    assert_eq!(
        info.column_with_role(Role::OrderStatus)
            .map(|c| c.name.as_str()),
        Some("订单状态")
    );
    let x = StatusExclusion::of(&p, &info).unwrap().unwrap();
    let mut values = x.values.clone();
    values.sort();
    assert_eq!(values, vec!["交易关闭", "已取消", "退款成功"]);
    assert_eq!(x.rows, 3);

    let t = rfm_table(&p, "orders", &RfmOptions::default()).unwrap();
    let revenue = |t: &loupe::customers::rfm::RfmTable, id: &str| {
        t.customers
            .iter()
            .find(|c| c.customer_id == id)
            .map(|c| (c.orders, c.revenue))
    };
    assert_eq!(revenue(&t, "c1"), Some((1, 100.0)));
    assert_eq!(revenue(&t, "c2"), Some((1, 80.0)));
    // Only a cancelled order: not a customer. A missing status is kept.
    assert_eq!(revenue(&t, "c3"), None);
    assert_eq!(revenue(&t, "c4"), Some((1, 40.0)));
    assert_eq!(t.status_exclusion.as_ref().map(|x| x.rows), Some(3));

    let all = rfm_table(
        &p,
        "orders",
        &RfmOptions {
            include_cancelled: true,
            ..RfmOptions::default()
        },
    )
    .unwrap();
    assert_eq!(revenue(&all, "c1"), Some((2, 150.0)));
    assert_eq!(revenue(&all, "c3"), Some((1, 20.0)));
    assert!(all.status_exclusion.is_none());

    // With a user's filter too.
    let filtered = rfm_table(
        &p,
        "orders",
        &RfmOptions {
            filter: Some("amount >= 50".into()),
            ..RfmOptions::default()
        },
    )
    .unwrap();
    assert_eq!(filtered.customers.len(), 2);

    // The command line says so, and --include-cancelled keeps them.
    let project = s.path("test.loupe");
    drop(p);
    let out = run_loupe(&[
        "customers",
        "--project",
        project.to_str().unwrap(),
        "--dataset",
        "orders",
        "--out",
        s.path("c.csv").to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("left out 3 line(s)"), "{text}");
    assert!(text.contains("3 customers"), "{text}");
    let out = run_loupe(&[
        "customers",
        "--project",
        project.to_str().unwrap(),
        "--dataset",
        "orders",
        "--include-cancelled",
        "--out",
        s.path("c.csv").to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("left out"), "{text}");
    assert!(text.contains("4 customers"), "{text}");
}

#[test]
fn roi_leaves_out_cancelled_and_refunded_orders_unless_asked() {
    let s = Scratch::new();
    let orders = s.write("orders.csv", ORDERS_WITH_STATUS);
    let contacts = s.write(
        "contacts.csv",
        "customer_id,campaign_id,contact_time\nc1,spring,2024-01-01 09:00:00\n",
    );
    let mut p = s.project();
    import(&mut p, &[&orders], named("orders")).unwrap();
    import(&mut p, &[&contacts], named("contacts")).unwrap();
    let sources = Sources {
        orders: Some("orders".into()),
        contacts: Some("contacts".into()),
        ..Sources::default()
    };
    let rep = Reporter::silent();
    let kept = load_inputs(&p, &sources, &[], &rep).unwrap();
    assert_eq!(kept.orders.len(), 3);
    assert_eq!(kept.status_exclusion.as_ref().map(|x| x.rows), Some(3));
    let all = load_inputs_with(&p, &sources, &[], true, &rep).unwrap();
    assert_eq!(all.orders.len(), 6);
    assert!(all.status_exclusion.is_none());
}

/// What one fixture must import as.
struct Expect {
    file: &'static str,
    preset: &'static str,
    customer: &'static str,
    order: &'static str,
    timestamp: &'static str,
    status: &'static str,
    /// Status values that are left out (a subset is enough).
    excluded: &'static [&'static str],
}

const FIXTURES: &[Expect] = &[
    Expect {
        file: "taobao_orders.csv",
        preset: "taobao-orders",
        customer: "买家会员名",
        order: "订单编号",
        timestamp: "订单创建时间",
        status: "订单状态",
        excluded: &["交易关闭"],
    },
    Expect {
        file: "jd_orders.csv",
        preset: "jd-orders",
        customer: "下单帐号",
        order: "订单号",
        timestamp: "下单时间",
        status: "订单状态",
        excluded: &["已取消", "锁定"],
    },
    Expect {
        file: "douyin_orders.csv",
        preset: "douyin-orders",
        customer: "收件人手机号",
        order: "主订单编号",
        timestamp: "订单提交时间",
        status: "订单状态",
        excluded: &["已关闭"],
    },
    Expect {
        file: "pinduoduo_orders.csv",
        preset: "pinduoduo-orders",
        customer: "手机",
        order: "订单号",
        timestamp: "支付时间",
        status: "订单状态",
        excluded: &["已取消", "未发货，退款成功"],
    },
    Expect {
        file: "youzan_orders.csv",
        preset: "youzan-orders",
        customer: "买家手机号",
        order: "订单号",
        timestamp: "订单创建时间",
        status: "订单状态",
        excluded: &["交易关闭", "已退款"],
    },
    Expect {
        file: "shopify_orders.csv",
        preset: "shopify-orders",
        customer: "Email",
        order: "Name",
        timestamp: "Created at",
        status: "Financial Status",
        excluded: &["refunded", "voided"],
    },
    Expect {
        file: "woocommerce_orders.csv",
        preset: "woocommerce-orders",
        customer: "Billing Email",
        order: "Order ID",
        timestamp: "Order Date",
        status: "Order Status",
        excluded: &["Cancelled", "Refunded"],
    },
];

#[test]
fn each_platform_export_imports_with_its_preset_and_no_option() {
    let s = Scratch::new();
    let mut p = s.project();
    for e in FIXTURES {
        let name = e.file.trim_end_matches(".csv");
        let r = import(&mut p, &[&fixture(e.file)], named(name))
            .unwrap_or_else(|err| panic!("{}: {err}", e.file));
        let preset = r.preset.as_ref().expect("a preset is recognised");
        assert_eq!(preset.name, e.preset, "{}", e.file);
        assert!(!preset.chosen);
        let info = p.dataset(name).unwrap();
        let role = |c: &str| column(&info, c).role;
        assert_eq!(role(e.customer), Some(Role::CustomerId), "{}", e.file);
        assert_eq!(role(e.order), Some(Role::OrderId), "{}", e.file);
        assert_eq!(role(e.timestamp), Some(Role::Timestamp), "{}", e.file);
        assert_eq!(role(e.status), Some(Role::OrderStatus), "{}", e.file);
        assert_eq!(column(&info, e.order).ty, ColumnType::Text, "{}", e.file);
        assert_eq!(
            column(&info, e.timestamp).ty,
            ColumnType::Datetime,
            "{}",
            e.file
        );
        assert!(
            loupe::customers::columns::is_transactions(&info),
            "{}",
            e.file
        );
        // No value was left unreadable.
        assert!(
            !r.warnings.iter().any(|w| w.contains("could not be read")),
            "{}: {:?}",
            e.file,
            r.warnings
        );
        let x = StatusExclusion::of(&p, &info).unwrap().expect("excluded");
        for v in e.excluded {
            assert!(x.values.iter().any(|x| x == v), "{}: {v}", e.file);
        }
        // The customer table builds, without the cancelled and refunded lines.
        let t = rfm_table(&p, name, &RfmOptions::default()).unwrap();
        assert!(!t.customers.is_empty());
        assert!(t.status_exclusion.is_some());
    }
}

#[test]
fn platform_quirks_in_the_fixtures_are_cleaned() {
    let s = Scratch::new();
    let mut p = s.project();
    // Douyin: UTF-8 with a BOM, ids after a tab, ##…/$$… placeholders.
    let r = import(&mut p, &[&fixture("douyin_orders.csv")], named("dy")).unwrap();
    assert_eq!(
        r.encoding.as_deref().map(|e| e.contains("UTF-8")),
        Some(true)
    );
    let ids = texts(&p, "SELECT DISTINCT 主订单编号 FROM dy");
    assert!(
        ids.iter()
            .flatten()
            .all(|i| i.len() == 19 && !i.contains('\t'))
    );
    let phones = r
        .placeholders
        .iter()
        .find(|c| c.column == "收件人手机号")
        .map(|c| c.count);
    assert!(phones.is_some_and(|n| n > 0));
    let leftover = texts(
        &p,
        "SELECT 收件人手机号 FROM dy WHERE 收件人手机号 LIKE '##%' OR 收件人手机号 LIKE '$$%'",
    );
    assert!(leftover.is_empty());
    // Taobao: GBK, ids as =\"…\", phones after an apostrophe or masked.
    let r = import(&mut p, &[&fixture("taobao_orders.csv")], named("tb")).unwrap();
    assert_eq!(r.encoding.as_deref(), Some("gb18030"));
    let ids = texts(&p, "SELECT 订单编号 FROM tb LIMIT 1");
    assert_eq!(ids[0].as_deref(), Some("3800000000000000000"));
    let phones = texts(&p, "SELECT 联系手机 FROM tb WHERE 联系手机 IS NOT NULL");
    assert!(phones.iter().flatten().all(|v| {
        (v.len() == 11 && v.bytes().all(|b| b.is_ascii_digit())) || v.contains("****")
    }));
    assert!(r.masked.iter().any(|m| m.column == "联系手机"));
}

#[test]
fn a_preset_is_chosen_or_turned_off_by_name() {
    let s = Scratch::new();
    let mut p = s.project();
    // Named: applied whatever the header says, with a warning when it does not fit.
    let file = s.write(
        "few.csv",
        "订单号,下单帐号,下单时间,京东价,订购数量\nA1,u1,2024-01-01 10:00:00,10,1\n",
    );
    let r = import(
        &mut p,
        &[&file],
        ImportOptions {
            preset: PresetChoice::Named("JD-orders".into()),
            ..named("few")
        },
    )
    .unwrap();
    assert_eq!(r.preset.as_ref().map(|p| p.chosen), Some(true));
    let info = p.dataset("few").unwrap();
    assert_eq!(column(&info, "下单帐号").role, Some(Role::CustomerId));
    // Off: the Douyin export imports by names alone.
    let r = import(
        &mut p,
        &[&fixture("douyin_orders.csv")],
        ImportOptions {
            preset: PresetChoice::Off,
            ..named("dy")
        },
    )
    .unwrap();
    assert!(r.preset.is_none());
    let info = p.dataset("dy").unwrap();
    assert_ne!(column(&info, "收件人手机号").role, Some(Role::CustomerId));
    // An unknown name is refused, naming the presets.
    let err = import(
        &mut p,
        &[&file],
        ImportOptions {
            preset: PresetChoice::Named("nope".into()),
            ..named("x")
        },
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("douyin-orders"), "{err}");
}

#[test]
fn presets_are_listed_and_users_add_their_own() {
    let out = run_loupe(&["presets", "--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    for n in [
        "taobao-orders",
        "taobao-items",
        "jd-orders",
        "douyin-orders",
        "pinduoduo-orders",
        "youzan-orders",
        "shopify-orders",
        "woocommerce-orders",
    ] {
        assert!(names.contains(&n), "{n}");
    }
    // A user preset in LOUPE_PRESETS_DIR is recognised on import, with its own statuses.
    let s = Scratch::new();
    let dir = s.path("presets");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("myshop.json"),
        r#"{"name": "myshop", "platform": "MyShop", "label": "MyShop orders",
            "label_zh": "我的店订单", "min_score": 0.8,
            "columns": [
              {"name": "单号", "role": "order_id", "type": "text", "key": true},
              {"name": "会员", "role": "customer_id", "key": true},
              {"name": "时间", "role": "timestamp", "type": "datetime"},
              {"name": "付款", "role": "amount", "type": "float"},
              {"name": "状况", "role": "order_status"}
            ],
            "statuses": {"作罢": "cancelled"}}"#,
    )
    .unwrap();
    let file = s.write(
        "mine.csv",
        "单号,会员,时间,付款,状况\n001,m1,2024-01-01 10:00:00,12,好\n002,m1,2024-01-02 10:00:00,30,作罢\n",
    );
    let project = s.path("mine.loupe");
    let out = crate::common::loupe()
        .env("LOUPE_PRESETS_DIR", &dir)
        .args([
            "import",
            file.to_str().unwrap(),
            "--project",
            project.to_str().unwrap(),
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["preset"]["name"], "myshop");
    let out = crate::common::loupe()
        .env("LOUPE_PRESETS_DIR", &dir)
        .args([
            "customers",
            "--project",
            project.to_str().unwrap(),
            "--dataset",
            "mine",
            "--out",
            s.path("c.csv").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("left out 1 line(s)"), "{text}");
    // A broken user preset is named by `loupe presets`.
    std::fs::write(dir.join("broken.json"), "{").unwrap();
    let out = crate::common::loupe()
        .env("LOUPE_PRESETS_DIR", &dir)
        .args(["presets"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("broken.json"));
}

mod identity {
    use super::*;
    use loupe::identity::{IdentityOptions, Rule, build, is_stale, linked, map};
    use loupe::privacy::PiiAction;

    fn key_of(rows: &[loupe::identity::MapRow], dataset: &str, id: &str) -> String {
        rows.iter()
            .find(|r| r.dataset == dataset && r.source_id == id)
            .map(|r| r.customer_key.clone())
            .unwrap_or_else(|| panic!("no record {dataset}/{id}"))
    }

    /// Three platforms of hand-built customers: a links to b by phone (written differently), b to
    /// c by e-mail, so a, b and c are one customer (transitively); masked phones and encrypted
    /// placeholders link nothing; one phone is shared by six ids (a conflict).
    fn project(s: &Scratch) -> Project {
        let shop_a = s.write(
            "shop_a.csv",
            "member_id,order_time,amount,phone\n\
             a1,2024-01-01 10:00:00,10,+86 138-1234-5678\n\
             a2,2024-01-02 10:00:00,20,138****9999\n\
             a3,2024-01-03 10:00:00,30,##E4F1\n\
             a4,2024-01-04 10:00:00,40,13700000000\n",
        );
        let shop_b = s.write(
            "shop_b.csv",
            "member_id,order_time,amount,phone,email\n\
             b1,2024-02-01 10:00:00,10,0086 13812345678,Same@Example.com\n\
             b2,2024-02-02 10:00:00,20,138****9999,\n\
             b3,2024-02-03 10:00:00,30,13700000000,\n\
             b4,2024-02-04 10:00:00,40,13700000000,\n\
             b5,2024-02-05 10:00:00,50,13700000000,\n",
        );
        let shop_c = s.write(
            "shop_c.csv",
            "member_id,order_time,amount,email\n\
             c1,2024-03-01 10:00:00,10, same@example.com \n\
             c2,2024-03-02 10:00:00,20,other@example.com\n\
             c3,2024-03-03 10:00:00,20,13700000000@example.com\n",
        );
        let shop_d = s.write(
            "shop_d.csv",
            "member_id,order_time,amount,phone\n\
             d1,2024-04-01 10:00:00,10,13700000000\n\
             d2,2024-04-02 10:00:00,10,13700000000\n",
        );
        let mut p = s.project();
        import(&mut p, &[&shop_a], named("shop_a")).unwrap();
        import(&mut p, &[&shop_b], named("shop_b")).unwrap();
        import(&mut p, &[&shop_c], named("shop_c")).unwrap();
        // Phones hashed at import still link (the project's salt).
        import(
            &mut p,
            &[&shop_d],
            ImportOptions {
                pii: vec![("phone".into(), PiiAction::Hash)],
                ..named("shop_d")
            },
        )
        .unwrap();
        p
    }

    #[test]
    fn records_link_transitively_and_conflicts_never_merge() {
        let s = Scratch::new();
        let mut p = project(&s);
        let r = build(&mut p, &IdentityOptions::default()).unwrap();
        assert_eq!(r.records, 14);
        assert_eq!(r.customers_before, 14);
        // a1 = b1 (phone) = c1 (e-mail): 2 links; 13700000000 is shared by a4, b3, b4, b5, d1, d2:
        // a conflict at the default limit of 5.
        assert_eq!(r.customers_after, 12);
        assert_eq!(r.links_by_rule.get(&Rule::Phone), Some(&1));
        assert_eq!(r.links_by_rule.get(&Rule::Email), Some(&1));
        assert_eq!(r.conflicts.len(), 1);
        assert_eq!(r.conflicts[0].records, 6);
        assert_eq!(r.conflicts[0].rule, Rule::HashedPhone);
        let rows = map(&p).unwrap();
        assert_eq!(rows.len(), 14);
        let a1 = key_of(&rows, "shop_a", "a1");
        assert_eq!(key_of(&rows, "shop_b", "b1"), a1);
        assert_eq!(key_of(&rows, "shop_c", "c1"), a1);
        // Masked phones and placeholders never link.
        assert_ne!(key_of(&rows, "shop_a", "a2"), key_of(&rows, "shop_b", "b2"));
        assert_ne!(key_of(&rows, "shop_a", "a3"), a1);
        // The conflict's ids stay apart.
        assert_ne!(key_of(&rows, "shop_b", "b3"), key_of(&rows, "shop_b", "b4"));
        // A customer's linked identities, across the three shops.
        let ids: Vec<(String, String)> = linked(&p, "shop_b", "b1")
            .unwrap()
            .into_iter()
            .map(|r| (r.dataset, r.source_id))
            .collect();
        assert_eq!(
            ids,
            vec![
                ("shop_a".to_string(), "a1".to_string()),
                ("shop_b".to_string(), "b1".to_string()),
                ("shop_c".to_string(), "c1".to_string())
            ]
        );
        assert!(linked(&p, "shop_b", "nobody").unwrap().is_empty());
        assert!(!is_stale(&p, &IdentityOptions::default()).unwrap());

        // A higher limit lets the shared phone join its six ids (two of them hashed).
        let r = build(
            &mut p,
            &IdentityOptions {
                max_per_key: 10,
                ..IdentityOptions::default()
            },
        )
        .unwrap();
        assert!(r.conflicts.is_empty());
        assert_eq!(r.customers_after, 7);
        assert_eq!(r.links_by_rule.get(&Rule::HashedPhone), Some(&5));
        let rows = map(&p).unwrap();
        assert_eq!(key_of(&rows, "shop_d", "d1"), key_of(&rows, "shop_a", "a4"));
    }

    #[test]
    fn rules_and_datasets_are_chosen_and_the_map_goes_stale() {
        let s = Scratch::new();
        let mut p = project(&s);
        let only_phone = IdentityOptions {
            rules: vec![Rule::Phone],
            datasets: Some(vec!["shop_a".into(), "shop_b".into(), "shop_c".into()]),
            ..IdentityOptions::default()
        };
        let r = build(&mut p, &only_phone).unwrap();
        assert_eq!(r.records, 12);
        assert_eq!(r.links_by_rule.get(&Rule::Email), None);
        // a4, b3, b4, b5 share a phone (4 ≤ 5): joined.
        assert_eq!(r.customers_after, 12 - 1 - 3);
        assert!(!is_stale(&p, &only_phone).unwrap());
        assert!(is_stale(&p, &IdentityOptions::default()).unwrap());
        // Importing a dataset again makes the map stale.
        let again = s.write(
            "shop_c2.csv",
            "member_id,order_time,amount,email\nc9,2024-03-01 10:00:00,10,x@example.com\n",
        );
        import(
            &mut p,
            &[&again],
            ImportOptions {
                replace: true,
                ..named("shop_c")
            },
        )
        .unwrap();
        assert!(is_stale(&p, &only_phone).unwrap());
    }

    #[test]
    fn member_ids_link_within_one_platform_only() {
        let s = Scratch::new();
        let mut p = s.project();
        // Two JD exports (same platform): the same account is one customer; a Taobao buyer of
        // the same name is not.
        let jd = std::fs::read(fixture("jd_orders.csv")).unwrap();
        let jd1 = s.write("jd1.csv", &jd);
        let jd2 = s.write("jd2.csv", &jd);
        import(&mut p, &[&jd1], named("jd1")).unwrap();
        import(&mut p, &[&jd2], named("jd2")).unwrap();
        let other = s.write(
            "other.csv",
            "customer_id,order_time,amount\njd_100000,2024-01-01 10:00:00,5\n",
        );
        import(&mut p, &[&other], named("other")).unwrap();
        let r = build(
            &mut p,
            &IdentityOptions {
                rules: vec![Rule::MemberId],
                ..IdentityOptions::default()
            },
        )
        .unwrap();
        let per_file = r.records.saturating_sub(1) / 2;
        assert_eq!(r.customers_after, per_file + 1);
        assert_eq!(r.links_by_rule.get(&Rule::MemberId), Some(&per_file));
        let rows = map(&p).unwrap();
        if rows
            .iter()
            .any(|r| r.dataset == "jd1" && r.source_id == "jd_100000")
        {
            assert_ne!(
                key_of(&rows, "jd1", "jd_100000"),
                key_of(&rows, "other", "jd_100000")
            );
        }
    }

    /// Two shops by hand: a1 (shop_a) and b1 (shop_b) share a phone, written differently; b1 has
    /// a cancelled order; b2's phone is masked, so b2 stays alone.
    fn two_shops(s: &Scratch) -> Project {
        let shop_a = s.write(
            "shop_a.csv",
            "customer_id,order_id,order_time,amount,phone\n\
             a1,o1,2024-01-01 10:00:00,10,13812345678\n\
             a1,o2,2024-01-05 10:00:00,20,13812345678\n\
             a2,o3,2024-01-06 10:00:00,5,13900000001\n",
        );
        let shop_b = s.write(
            "shop_b.csv",
            "member_id,order_no,order_time,quantity,unit_price,status,phone\n\
             b1,x1,2024-02-01 10:00:00,2,7.5,paid,+86 138 1234 5678\n\
             b1,x2,2024-02-03 10:00:00,1,100,cancelled,+86 138 1234 5678\n\
             b2,x3,2024-02-04 10:00:00,3,1,paid,139****0001\n",
        );
        let mut p = s.project();
        import(
            &mut p,
            &[&shop_a],
            ImportOptions {
                roles: vec![
                    ("customer_id".into(), Role::CustomerId),
                    ("order_id".into(), Role::OrderId),
                    ("order_time".into(), Role::Timestamp),
                    ("amount".into(), Role::Amount),
                ],
                ..named("shop_a")
            },
        )
        .unwrap();
        import(
            &mut p,
            &[&shop_b],
            ImportOptions {
                roles: vec![
                    ("member_id".into(), Role::CustomerId),
                    ("order_no".into(), Role::OrderId),
                    ("order_time".into(), Role::Timestamp),
                    ("quantity".into(), Role::Quantity),
                    ("unit_price".into(), Role::UnitPrice),
                    ("status".into(), Role::OrderStatus),
                ],
                ..named("shop_b")
            },
        )
        .unwrap();
        p
    }

    #[test]
    fn unified_customers_sum_both_platforms() {
        use loupe::identity::unified::materialise;
        let s = Scratch::new();
        let mut p = two_shops(&s);
        // The map is built on the way (none yet).
        let u = materialise(
            &mut p,
            &["shop_a".into(), "shop_b".into()],
            &Reporter::silent(),
        )
        .unwrap();
        assert!(u.identity_rebuilt);
        assert_eq!(u.dataset, "shop_a_unified");
        assert_eq!(u.rows, 6);
        assert_eq!((u.customers_before, u.customers_after), (4, 3));
        let t = rfm_table(&p, &u.dataset, &RfmOptions::default()).unwrap();
        let of = |id: &str| {
            t.customers
                .iter()
                .find(|c| c.customer_id == id)
                .map(|c| (c.orders, c.revenue))
        };
        // By hand: a1 = o1 10 + o2 20 (shop_a) + x1 2 × 7.5 (shop_b; x2 is cancelled) = 45 in 3
        // orders, named by the home dataset's id.
        assert_eq!(of("a1"), Some((3, 45.0)));
        assert_eq!(of("a2"), Some((1, 5.0)));
        // b2's masked phone links nothing: a customer of shop_b only, named with its dataset.
        assert_eq!(of("shop_b:b2"), Some((1, 3.0)));
        assert_eq!(t.customers.len(), 3);
        assert_eq!(t.status_exclusion.as_ref().map(|x| x.rows), Some(1));
        // The unified table never joins the identity map itself, and building it again replaces it.
        let r = loupe::identity::build(&mut p, &IdentityOptions::default()).unwrap();
        assert_eq!(r.datasets, vec!["shop_a".to_string(), "shop_b".to_string()]);
        assert_eq!(r.refused, 1);
        let again = materialise(
            &mut p,
            &["shop_a".into(), "shop_b".into()],
            &Reporter::silent(),
        )
        .unwrap();
        assert!(!again.identity_rebuilt);
        assert_eq!(again.rows, 6);
        // The command line: --identity.
        drop(p);
        let out_csv = s.path("unified.csv");
        let out = run_loupe(&[
            "customers",
            "--project",
            s.path("test.loupe").to_str().unwrap(),
            "--dataset",
            "shop_a",
            "--identity",
            "--out",
            out_csv.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(&out_csv).unwrap();
        let a1 = text
            .lines()
            .find(|l| l.starts_with("a1,"))
            .expect("a1 in the table");
        assert!(a1.contains(",45"), "{a1}");
        assert_eq!(text.lines().count(), 4, "{text}");
    }

    #[test]
    fn erasing_a_person_erases_their_linked_ids_on_every_platform() {
        use loupe::privacy::subject;
        let s = Scratch::new();
        let mut p = two_shops(&s);
        build(&mut p, &IdentityOptions::default()).unwrap();
        // a1 (shop_a) and b1 (shop_b) share a phone: one person.
        assert_eq!(
            subject::linked_ids(&p, "a1").unwrap(),
            vec!["b1".to_string()]
        );
        assert!(subject::linked_ids(&p, "b2").unwrap().is_empty());
        let e = subject::erase(&mut p, "a1", true).unwrap();
        assert_eq!(e.linked_ids_erased, 1);
        // a1's 2 rows and b1's 2 rows (and their rows of the identity map).
        assert!(e.rows_deleted >= 4, "{}", e.rows_deleted);
        let left = |p: &Project, sql: &str| texts(p, sql).into_iter().flatten().collect::<Vec<_>>();
        assert_eq!(
            left(&p, "SELECT customer_id FROM shop_a"),
            vec!["a2".to_string()]
        );
        assert_eq!(
            left(&p, "SELECT member_id FROM shop_b"),
            vec!["b2".to_string()]
        );
        // Neither id is left in the identity map; the others are.
        let ids: Vec<String> = map(&p).unwrap().into_iter().map(|r| r.source_id).collect();
        assert!(!ids.contains(&"a1".to_string()) && !ids.contains(&"b1".to_string()));
        assert!(ids.contains(&"b2".to_string()));
        // A person without links is erased alone, as before.
        let e = subject::erase(&mut p, "b2", true).unwrap();
        assert_eq!(e.linked_ids_erased, 0);
        assert!(left(&p, "SELECT member_id FROM shop_b").is_empty());
    }

    #[test]
    fn the_sample_links_its_jd_buyers_to_its_customers() {
        let p = Project::open_read_only(crate::common::sample()).unwrap();
        assert_eq!(p.dataset("orders").unwrap().rows, 24_005);
        let jd = p.dataset("orders_jd").unwrap();
        assert_eq!(
            jd.column_with_role(Role::CustomerId)
                .map(|c| c.name.as_str()),
            Some("下单帐号")
        );
        let r = loupe::identity::last_report(&p).unwrap().expect("built");
        // 120 sample customers found on JD by phone, 8 of them with a second account.
        assert_eq!(r.links_by_rule.get(&Rule::Phone), Some(&128));
        // The shop's own number given by 7 accounts: a conflict, never linked.
        assert_eq!(r.conflicts.len(), 1);
        assert_eq!(r.conflicts[0].records, 7);
        assert_eq!(r.conflicts[0].datasets, vec!["orders_jd".to_string()]);
        assert!(r.refused >= 15, "{}", r.refused);
        let rows = map(&p).unwrap();
        // Every JD account whose phone is masked (or the conflict's) stays alone.
        let alone: Vec<String> = texts(
            &p,
            "SELECT DISTINCT \"下单帐号\" FROM orders_jd WHERE \"联系电话\" LIKE '%*%' OR \"联系电话\" = '13800138000'",
        )
        .into_iter()
        .flatten()
        .collect();
        assert!(alone.len() >= 22, "{}", alone.len());
        for a in &alone {
            let key = key_of(&rows, "orders_jd", a);
            assert_eq!(
                rows.iter().filter(|r| r.customer_key == key).count(),
                1,
                "{a}"
            );
        }
        // A linked JD buyer is one person with the shop's customer, orders and events.
        let linked_jd = rows
            .iter()
            .find(|r| r.dataset == "orders_jd" && r.rule == "phone")
            .expect("a linked JD account");
        let group = linked(&p, "orders_jd", &linked_jd.source_id).unwrap();
        let sets: Vec<&str> = group.iter().map(|r| r.dataset.as_str()).collect();
        assert!(
            sets.contains(&"customers") && sets.contains(&"orders"),
            "{sets:?}"
        );

        // The unified customer table: a linked customer's revenue is their shop revenue plus their
        // JD revenue, each computed on its own dataset.
        let s = Scratch::new();
        let mut p = Project::open(crate::common::sample_copy(&s)).unwrap();
        let u = loupe::identity::unified::materialise(
            &mut p,
            &["orders".into(), "orders_jd".into()],
            &Reporter::silent(),
        )
        .unwrap();
        assert!(!u.identity_rebuilt);
        let shop = rfm_table(&p, "orders", &RfmOptions::default()).unwrap();
        let jd = rfm_table(&p, "orders_jd", &RfmOptions::default()).unwrap();
        let all = rfm_table(&p, &u.dataset, &RfmOptions::default()).unwrap();
        let rev = |t: &loupe::customers::rfm::RfmTable, id: &str| {
            t.customers
                .iter()
                .find(|c| c.customer_id == id)
                .map_or(0.0, |c| c.revenue)
        };
        let customer = group
            .iter()
            .find(|r| r.dataset == "orders")
            .map(|r| r.source_id.clone())
            .unwrap();
        let jd_revenue: f64 = group
            .iter()
            .filter(|r| r.dataset == "orders_jd")
            .map(|r| rev(&jd, &r.source_id))
            .sum();
        assert!(jd_revenue > 0.0);
        let expected = rev(&shop, &customer) + jd_revenue;
        assert!(
            (rev(&all, &customer) - expected).abs() < 1e-6,
            "{} vs {expected}",
            rev(&all, &customer)
        );
        // Customers: the shop's, plus the JD buyers not linked to them (two accounts of one
        // person are one).
        let jd_people: std::collections::BTreeSet<&str> = rows
            .iter()
            .filter(|r| r.dataset == "orders_jd")
            .filter(|r| {
                !rows
                    .iter()
                    .any(|o| o.customer_key == r.customer_key && o.dataset == "orders")
            })
            .map(|r| r.customer_key.as_str())
            .collect();
        let jd_only_buying = all
            .customers
            .iter()
            .filter(|c| c.customer_id.starts_with("orders_jd:"))
            .count();
        assert!(jd_only_buying <= jd_people.len());
        assert_eq!(all.customers.len(), shop.customers.len() + jd_only_buying);
    }

    #[test]
    fn the_command_prints_the_counts_as_json() {
        let s = Scratch::new();
        drop(project(&s));
        let path = s.path("test.loupe");
        let out = run_loupe(&[
            "identity",
            "build",
            "--project",
            path.to_str().unwrap(),
            "--match",
            "phone,email",
            "--json",
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["records"], 14);
        assert_eq!(v["customers_before"], 14);
        assert_eq!(v["customers_after"], 12);
        assert_eq!(v["links_by_rule"]["phone"], 1);
        assert_eq!(v["links_by_rule"]["email"], 1);
        assert_eq!(v["conflicts"].as_array().map(Vec::len), Some(1));
        let out = run_loupe(&[
            "identity",
            "build",
            "--project",
            path.to_str().unwrap(),
            "--match",
            "fingerprint",
        ]);
        assert!(!out.status.success());
    }
}

#[cfg(feature = "gui")]
#[test]
fn the_import_dialog_names_the_recognised_preset() {
    use crate::ui::{app, wait_until};
    use egui_kittest::kittest::Queryable;
    use loupe::i18n::Lang;
    let s = Scratch::new();
    let project = s.path("shop.loupe");
    Project::create(&project).unwrap();
    let mut h = app(&project, Lang::ZhCn);
    h.run_steps(3);
    h.state_mut()
        .open_import(vec![fixture("douyin_orders.csv")]);
    wait_until(&mut h, "the preview", |a| {
        a.import().is_some_and(|d| d.preview().is_some()) && !a.busy()
    });
    h.get_by_label("识别为：抖店订单导出（每行一个子订单）");
}

#[cfg(feature = "gui")]
#[test]
fn the_customers_page_joins_customers_across_platforms() {
    use crate::ui::{app, wait_until};
    use egui_kittest::kittest::Queryable;
    use loupe::i18n::{Lang, int};
    use loupe::ui::{Page, nav_label};
    // Its own copy of the sample project: the unified lines are written to it.
    let s = Scratch::new();
    let path = crate::common::sample_copy(&s);
    let mut h = app(&path, Lang::En);
    wait_until(&mut h, "the first dataset", |a| !a.busy());
    h.get_by_label(&nav_label(Lang::En, Page::Customers))
        .click();
    wait_until(&mut h, "the customer table", |a| {
        !a.busy() && a.customers().overview().is_some()
    });
    let shop_only = h
        .state()
        .customers()
        .overview()
        .unwrap()
        .base
        .table
        .customers
        .len();
    h.get_by_label("One customer across platforms").click();
    wait_until(&mut h, "the unified customer table", |a| {
        !a.busy()
            && a.customers()
                .overview()
                .is_some_and(|o| o.dataset == "orders_unified")
    });
    assert!(h.state().customers().unified());
    // The JD-only buyers join the shop's customers; those on both platforms are counted once.
    let (n, pick, jd_accounts) = {
        let c = &h.state().customers();
        let t = &c.overview().unwrap().base.table;
        let (i, jd) = t
            .customers
            .iter()
            .enumerate()
            .find_map(|(i, x)| {
                let jd: Vec<String> = c
                    .linked(&x.customer_id)
                    .iter()
                    .filter(|l| l.platform == "JD")
                    .map(|l| l.value.clone())
                    .collect();
                (!jd.is_empty() && !x.customer_id.contains(':')).then_some((i, jd))
            })
            .expect("a customer on both platforms");
        (t.customers.len(), i, jd)
    };
    assert!(n > shop_only, "{n} vs {shop_only}");
    h.state_mut().customers_mut().select(pick);
    h.run_steps(3);
    // The card lists the person's identities on both platforms.
    h.get_by_label("Linked identities");
    h.get_by_label("Sample shop");
    h.get_by_label("JD");
    for account in &jd_accounts {
        h.get_by_label(account);
    }
    h.get_by_label("Phone");

    // The Identity view: counts, links by rule, the conflict (masked) and merged customers.
    h.get_by_label("Identity").click();
    h.run_steps(3);
    let r = {
        let p = Project::open_read_only(&path).unwrap();
        loupe::identity::last_report(&p).unwrap().unwrap()
    };
    h.get_by_label("Customers on more than one platform");
    h.get_by_label(&int(r.customers_after));
    h.get_by_label("Conflicts (never linked)");
    h.get_by_label(&r.conflicts[0].key);
    assert!(
        h.query_by_label("13800138000").is_none(),
        "the shop's number shows in clear"
    );
    h.get_by_label("Merged customers (a sample)");
    // Rebuilding the map is a job of the page; the unified table is built again after it.
    h.get_by_label("Rebuild").click();
    wait_until(&mut h, "the map and the table rebuilt", |a| {
        !a.busy()
            && a.ws()
                .activity
                .iter()
                .filter(|e| e.action == "rebuild")
                .count()
                >= 4
    });
    h.get_by_label("Customers on more than one platform");
}
