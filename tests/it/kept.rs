//! The segment base kept in the project: read back, it equals a fresh build value for value (the
//! hand-built shop, the sample project, Online Retail); a base loaded for one rule reads only the
//! lines that rule needs and gives the same members; every change of the inputs (append,
//! replace, clean recipe, delete, subject erase) shows in what later loads return; an encrypted
//! project keeps no plaintext copy; a SIGKILL while it is written leaves a project that answers.

use crate::common::*;
use crate::segments::shop;
use loupe::kept;
use loupe::segments::{BaseOptions, Need, Rule, Saved, SegmentBase, members, parse_rule};
use loupe::store::{Passphrase, Project};

fn shop_options() -> BaseOptions {
    BaseOptions {
        dataset: Some("orders".into()),
        attributes: Some("customers".into()),
        products: Some("products".into()),
        events: Some("events".into()),
        ..BaseOptions::default()
    }
}

fn interner_names(i: &loupe::customers::scan::Interner) -> Vec<String> {
    (0..i.len() as u32)
        .map(|k| i.name(k).unwrap_or_default().to_string())
        .collect()
}

/// Two bases with every line loaded hold the same table, lines, names and dimensions.
fn assert_same(a: &SegmentBase, b: &SegmentBase) {
    assert_eq!(a.dataset, b.dataset);
    assert_eq!(a.as_of, b.as_of);
    assert!(
        a.frame.equals_missing(&b.frame),
        "{:?}\n{:?}",
        a.frame,
        b.frame
    );
    assert_eq!(a.frame.schema(), b.frame.schema());
    assert_eq!(a.purchases, b.purchases);
    assert_eq!(a.events, b.events);
    assert_eq!(a.dimensions, b.dimensions);
    for (x, y) in [
        (&a.names.item_ids, &b.names.item_ids),
        (&a.names.items, &b.names.items),
        (&a.names.categories, &b.names.categories),
        (&a.names.events, &b.names.events),
    ] {
        assert_eq!(interner_names(x), interner_names(y));
    }
    assert_eq!(a.tags, b.tags);
}

/// Each rule's members from a base loaded for that rule alone (from the kept copy) equal the
/// members from a fresh build.
fn assert_rules_agree(p: &Project, opts: &BaseOptions, fresh: &SegmentBase, rules: &[String]) {
    let saved = loupe::segments::saved::saved(p).unwrap();
    for text in rules {
        let rule: Rule = parse_rule(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let want = members(fresh, &rule, &saved).unwrap_or_else(|e| panic!("{text}: {e}"));
        let b = SegmentBase::load_for(p, opts, &Need::of(&rule, &saved)).unwrap();
        assert!(b.kept, "{text}: read from the kept copy");
        let got = members(&b, &rule, &saved).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(got, want, "{text}");
    }
}

/// Builds, keeps, reads back: the kept base equals the fresh one.
fn keep_and_compare(p: &Project, opts: &BaseOptions) -> SegmentBase {
    let fresh = SegmentBase::compute(p, opts).unwrap();
    assert!(!fresh.kept);
    let first = SegmentBase::load(p, opts).unwrap();
    assert_same(&fresh, &first);
    let again = SegmentBase::load(p, opts).unwrap();
    assert!(again.kept, "the second load reads the kept copy");
    assert_same(&fresh, &again);
    fresh
}

fn count(p: &Project, opts: &BaseOptions, text: &str) -> (usize, bool) {
    let rule = parse_rule(text).unwrap();
    let saved = Saved::new();
    let b = SegmentBase::load_for(p, opts, &Need::of(&rule, &saved)).unwrap();
    let fresh = SegmentBase::compute(p, opts).unwrap();
    let m = members(&b, &rule, &saved).unwrap();
    assert_eq!(m, members(&fresh, &rule, &saved).unwrap(), "{text}");
    (m.iter().filter(|x| **x).count(), b.kept)
}

#[test]
fn the_kept_base_equals_a_fresh_build_on_the_shop() {
    let s = Scratch::new();
    let p = shop(&s);
    let opts = shop_options();
    assert_eq!(kept::usage(&p).unwrap().0, 0);
    let fresh = keep_and_compare(&p, &opts);
    assert_eq!(kept::usage(&p).unwrap().0, 1);
    loupe::segments::saved::save(
        &p,
        "Home",
        &parse_rule("bought(category = 'Home')").unwrap(),
        "",
    )
    .unwrap();
    let rules: Vec<String> = [
        "orders >= 2",
        "bought(item_id = 'X', min_times = 2)",
        "bought(item_id = 'X', within_days = 10) OR bought(item_id = 'W')",
        "bought(item_id = 'nothing')",
        "bought(category = 'Home', min_amount = 15)",
        "bought(category = 'Toys') AND NOT bought(item_id = 'Z')",
        "bought(item = 'X', max_times = 1, after = '2024-03-01')",
        "bought(min_times = 2)",
        "bought(min_times = 0, max_times = 0, within_days = 30)",
        "did(event = 'add_to_cart', min_times = 2)",
        "did(event = 'page_view') OR did(event = 'never')",
        "in_segment('Home') AND country = 'UK'",
        "has_tag('high value') OR bought(item_id = 'Y')",
    ]
    .map(String::from)
    .to_vec();
    assert_rules_agree(&p, &opts, &fresh, &rules);
    // A base loaded for one rule refuses a rule that reads other lines.
    let only_x = SegmentBase::load_for(
        &p,
        &opts,
        &Need::of(&parse_rule("bought(item_id = 'X')").unwrap(), &Saved::new()),
    )
    .unwrap();
    assert!(only_x.purchases.len() < fresh.purchases.len());
    let e = members(
        &only_x,
        &parse_rule("bought(item_id = 'Y')").unwrap(),
        &Saved::new(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("loaded for another rule"), "{e}");
    // Other options are another entry.
    let as_of = BaseOptions {
        as_of: chrono::NaiveDate::from_ymd_opt(2024, 3, 1),
        ..shop_options()
    };
    keep_and_compare(&p, &as_of);
    assert_eq!(kept::usage(&p).unwrap().0, 2);
}

#[test]
fn the_kept_base_equals_a_fresh_build_on_the_sample_project() {
    let s = Scratch::new();
    let path = s.path("sample.loupe");
    let p = loupe::demo::build_demo(&path, &loupe::progress::Reporter::silent()).unwrap();
    let opts = BaseOptions::default();
    let fresh = keep_and_compare(&p, &opts);
    let name =
        |i: &loupe::customers::scan::Interner, k: u32| i.name(k).unwrap_or_default().to_string();
    let mut rules = vec![
        "frequency >= 3 AND recency_days <= 90".to_string(),
        "bought(min_amount = 200, within_days = 180)".to_string(),
    ];
    for k in [0u32, 7, 42] {
        if (k as usize) < fresh.names.item_ids.len() {
            let id = name(&fresh.names.item_ids, k);
            rules.push(format!("bought(item_id = '{id}', within_days = 365)"));
            rules.push(format!(
                "orders >= 2 AND recency_days <= 120 AND bought(item_id = '{id}')"
            ));
        }
    }
    if !fresh.names.categories.is_empty() {
        let c = name(&fresh.names.categories, 0);
        rules.push(format!("bought(category = '{c}', min_times = 2)"));
    }
    if !fresh.names.events.is_empty() {
        let e = name(&fresh.names.events, 0);
        rules.push(format!("did(event = '{e}', within_days = 30)"));
    }
    assert_rules_agree(&p, &opts, &fresh, &rules);
}

#[test]
fn the_kept_base_equals_a_fresh_build_on_online_retail() {
    let Some(path) = online_retail() else { return };
    let s = Scratch::new();
    let mut p = s.project();
    import(&mut p, &[&path], named("online_retail")).unwrap();
    let opts = BaseOptions {
        dataset: Some("online_retail".into()),
        filter: Some("UnitPrice > 0 AND Quantity > 0 AND InvoiceNo NOT LIKE 'C%'".into()),
        ..BaseOptions::default()
    };
    let fresh = keep_and_compare(&p, &opts);
    assert_eq!(fresh.len(), 4_338);
    let rules: Vec<String> = [
        "frequency >= 3 AND recency_days <= 90",
        "bought(item_id = '85123A', min_times = 2, within_days = 90)",
        "monetary >= 500 AND recency_days <= 90 AND bought(item_id = '85123A', within_days = 90)",
        "bought(item = 'WHITE HANGING HEART T-LIGHT HOLDER', after = '2011-06-01') AND NOT bought(item_id = '22423')",
        "bought(min_amount = 1000, within_days = 30)",
        "NOT (Country = 'United Kingdom') AND bought(item_id = 'POST')",
    ]
    .map(String::from)
    .to_vec();
    assert_rules_agree(&p, &opts, &fresh, &rules);
}

/// Every change of the data shows in what the kept path returns next, and it always equals a
/// fresh build.
#[test]
fn appends_replaces_recipes_deletes_and_erasures_reach_the_kept_base() {
    let s = Scratch::new();
    let mut p = shop(&s);
    let opts = BaseOptions {
        dataset: None,
        ..shop_options()
    };
    let bought_x = "bought(item_id = 'X')";
    assert_eq!(count(&p, &opts, bought_x), (3, false));
    assert_eq!(count(&p, &opts, bought_x), (3, true));
    let rows = |p: &Project| p.dataset("orders").unwrap().rows;
    // Append: the orders again with one more file of lines (same columns).
    let original = std::fs::read_to_string(s.path("orders.csv")).unwrap();
    let more = s.write(
        "more.csv",
        "order_id,customer_id,order_time,item_id,quantity,unit_price\n\
G1,g,2024-03-08 10:00:00,X,1,10\n",
    );
    let before = rows(&p);
    import(
        &mut p,
        &[&s.path("orders.csv"), &more],
        loupe::import::ImportOptions {
            replace: true,
            ..named("orders")
        },
    )
    .unwrap();
    assert_eq!(rows(&p), before + 1);
    set_order_roles(&mut p);
    assert_eq!(count(&p, &opts, bought_x), (4, false));
    assert_eq!(count(&p, &opts, bought_x), (4, true));
    // Replace: the original file alone.
    let orders = s.write("orders2.csv", &original);
    import(
        &mut p,
        &[&orders],
        loupe::import::ImportOptions {
            replace: true,
            ..named("orders")
        },
    )
    .unwrap();
    set_order_roles(&mut p);
    assert_eq!(count(&p, &opts, bought_x), (3, false));
    assert_eq!(count(&p, &opts, bought_x), (3, true));
    // A clean recipe: its output (orders_clean) becomes the transactions, without customer a.
    clean_without(&mut p, "a");
    assert_eq!(count(&p, &opts, bought_x), (2, false));
    assert_eq!(count(&p, &opts, bought_x), (2, true));
    // Rebuilt with another recipe: customer b goes instead.
    clean_without(&mut p, "b");
    assert_eq!(count(&p, &opts, bought_x), (2, false));
    let ids = SegmentBase::load(&p, &opts).unwrap().ids().unwrap();
    assert!(ids.contains(&"a".to_string()) && !ids.contains(&"b".to_string()));
    // Delete the cleaned table: back to the orders, whose kept base (unchanged since it was
    // built after the replace) is still valid.
    p.delete_dataset("orders_clean").unwrap();
    assert_eq!(count(&p, &opts, bought_x), (3, true));
    // A role change is another input state.
    p.set_role("orders", "item_id", None).unwrap();
    assert!(
        SegmentBase::load(&p, &opts)
            .unwrap()
            .names
            .item_ids
            .is_empty()
    );
    p.set_role("orders", "item_id", Some(loupe::dataset::Role::ItemId))
        .unwrap();
    assert_eq!(count(&p, &opts, bought_x), (3, false));
    // Subject erase: customer a leaves the kept base, in the same transaction.
    let (entries, _) = kept::usage(&p).unwrap();
    assert!(entries >= 1);
    loupe::privacy::subject::erase(&mut p, "a", true).unwrap();
    assert_eq!(
        kept::usage(&p).unwrap().0,
        0,
        "erasure drops every kept base"
    );
    assert_eq!(count(&p, &opts, bought_x), (2, false));
    let b = SegmentBase::load(&p, &opts).unwrap();
    assert!(b.kept);
    assert!(!b.ids().unwrap().contains(&"a".to_string()));
}

/// Rebuilds `orders_clean` from the orders without customer `id`'s lines.
fn clean_without(p: &mut Project, id: &str) {
    let recipe = loupe::clean::Recipe::from_json(
        &format!(r#"{{"steps": [{{"op": "drop_rows", "where": "customer_id = '{id}'"}}]}}"#),
        "test",
    )
    .unwrap();
    loupe::clean::rebuild(
        p,
        "orders",
        &recipe,
        None,
        &loupe::progress::Reporter::silent(),
    )
    .unwrap();
}

#[test]
fn an_encrypted_project_keeps_no_plaintext_copy() {
    let s = Scratch::new();
    let data = s.path("data");
    let dir = s.path("project");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::create_dir_all(&dir).unwrap();
    let secret_id = "ZQX-CUSTOMER-81723";
    let secret_item = "PLAINITEM-5521-QV";
    let mut csv = String::from("InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID\n");
    for i in 0..400 {
        let id = if i % 7 == 0 {
            secret_id.to_string()
        } else {
            format!("C{}", i % 37)
        };
        let item = if i % 5 == 0 {
            secret_item.to_string()
        } else {
            format!("I{}", i % 11)
        };
        csv.push_str(&format!(
            "{},{item},{},2024-{:02}-{:02} 10:00:00,{}.50,{id}\n",
            1000 + i / 3,
            1 + i % 4,
            1 + i % 12,
            1 + i % 28,
            i % 9
        ));
    }
    let file = data.join("shop.csv");
    std::fs::write(&file, csv).unwrap();
    let path = dir.join("secret.loupe");
    let mut p =
        Project::create_with(&path, Some(Passphrase::new("correct horse").unwrap())).unwrap();
    import(&mut p, &[&file], named("shop")).unwrap();
    let opts = BaseOptions::default();
    let fresh = keep_and_compare(&p, &opts);
    assert!(fresh.names.item_ids.get(secret_item).is_some());
    assert_eq!(kept::usage(&p).unwrap().0, 1);
    // Read-only, as the command line opens it: still answered from the encrypted kept copy.
    drop(p);
    let r = Project::open_read_only_with(&path, Some(Passphrase::new("correct horse").unwrap()))
        .unwrap();
    assert!(SegmentBase::load(&r, &opts).unwrap().kept);
    let files = files_under(&dir);
    assert!(!files.is_empty());
    for (f, bytes) in files {
        for secret in [secret_id, secret_item] {
            assert!(
                !contains(&bytes, secret.as_bytes()),
                "{} holds {secret} in plaintext",
                f.display()
            );
        }
    }
}

/// A SIGKILL while the kept base is written (the write-ahead log growing) leaves a project that
/// opens, passes its integrity check and answers as a fresh build does.
#[test]
fn a_sigkill_while_the_kept_base_is_written_leaves_a_working_project() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let s = Scratch::new();
    let csv = s.path("big.csv");
    {
        use std::io::Write;
        let mut w = std::io::BufWriter::new(std::fs::File::create(&csv).unwrap());
        writeln!(
            w,
            "InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID"
        )
        .unwrap();
        for i in 0..400_000u64 {
            writeln!(
                w,
                "{},S{},{},2024-{:02}-{:02} 10:00:00,{}.{:02},{}",
                100_000 + i / 4,
                (i * 7919) % 3001,
                1 + i % 5,
                1 + i % 12,
                1 + i % 28,
                i % 40,
                i % 100,
                10_000 + (i / 4) % 20_000
            )
            .unwrap();
        }
    }
    let path = s.path("big.loupe");
    {
        let mut p = Project::create(&path).unwrap();
        import(&mut p, &[&csv], named("big")).unwrap();
    }
    let wal = s.path("big.loupe-wal");
    let rule = "frequency >= 2 AND bought(item_id = 'S17', within_days = 200)";
    let mut killed = 0;
    for _ in 0..3 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_loupe"))
            .args(["segment", "count", "--project"])
            .arg(&path)
            .args(["--rule", rule])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        loop {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            let size = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
            if size > 256 * 1024 {
                child.kill().unwrap();
                child.wait().unwrap();
                killed += 1;
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(300));
            std::thread::sleep(Duration::from_millis(1));
        }
        let p = Project::open(&path).expect("the project opens after the kill");
        let check: String = p
            .conn()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
        let opts = BaseOptions::default();
        let (n, _) = count(&p, &opts, rule);
        let fresh = SegmentBase::compute(&p, &opts).unwrap();
        let want = members(&fresh, &parse_rule(rule).unwrap(), &Saved::new()).unwrap();
        assert_eq!(n, want.iter().filter(|x| **x).count());
        // The kept copy (now written whole by `count`) answers the same.
        drop(p);
        let p = Project::open(&path).unwrap();
        let (again, was_kept) = count(&p, &opts, rule);
        assert!(was_kept);
        assert_eq!(again, n);
        // Start the next round without a kept copy.
        p.conn()
            .execute_batch("DELETE FROM _loupe_kept_parts; DELETE FROM _loupe_kept_inputs; DELETE FROM _loupe_kept;")
            .unwrap();
    }
    assert!(killed >= 1, "the write was never caught under way");
}
