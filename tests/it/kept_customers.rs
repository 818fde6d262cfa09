//! The customer table kept in the project: read back and written out, it is the same file a fresh
//! build writes (the hand-built shop, the sample project, Online Retail); other options are other
//! entries; every change of the inputs (append, replace, clean recipe, delete, subject erase)
//! shows in what `customers` returns next; an encrypted project keeps no plaintext copy.

use crate::common::*;
use crate::segments::shop;
use loupe::customers::keep::{CustomerTable, compute, customer_table};
use loupe::customers::rfm::{LifecycleThresholds, RfmOptions, rfm_table};
use loupe::customers::tags::{evaluate, evaluate_frame, rules};
use loupe::customers::write::{write_frame_with_tags, write_table_with_tags};
use loupe::kept;
use loupe::store::{Passphrase, Project};

fn shop_options() -> RfmOptions {
    RfmOptions {
        attributes: Some("customers".into()),
        products: Some("products".into()),
        ..RfmOptions::default()
    }
}

/// The files (CSV and Parquet) `loupe customers` writes from a fresh build and from `t`.
fn assert_writes_the_same(
    s: &Scratch,
    p: &Project,
    dataset: &str,
    opts: &RfmOptions,
    t: &CustomerTable,
) {
    let fresh = rfm_table(p, dataset, opts).unwrap();
    let rules = rules(p).unwrap();
    let fresh_tags = evaluate(&fresh, &rules).unwrap();
    let tags = evaluate_frame(&t.frame, &rules).unwrap();
    assert_eq!(tags, fresh_tags);
    assert_eq!(t.as_of, fresh.as_of);
    assert_eq!(t.len(), fresh.customers.len());
    assert_eq!(t.skipped_rows, fresh.skipped_rows);
    assert_eq!(t.return_only_customers, fresh.return_only_customers);
    assert_eq!(t.status_exclusion, fresh.status_exclusion);
    for ext in ["csv", "parquet"] {
        let (a, b) = (
            s.path(&format!("fresh.{ext}")),
            s.path(&format!("kept.{ext}")),
        );
        write_table_with_tags(&fresh, Some(&fresh_tags), &a).unwrap();
        write_frame_with_tags(&t.frame, Some(&tags), &b).unwrap();
        if ext == "csv" {
            let (a, b) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
            assert!(
                a == b,
                "{}\n---\n{}",
                String::from_utf8_lossy(&a),
                String::from_utf8_lossy(&b)
            );
        } else {
            let read = |f: &std::path::Path| {
                use polars::prelude::SerReader;
                polars::prelude::ParquetReader::new(std::fs::File::open(f).unwrap())
                    .finish()
                    .unwrap()
            };
            let (a, b) = (read(&a), read(&b));
            assert_eq!(a.schema(), b.schema());
            assert!(a.equals_missing(&b), "{a:?}\n{b:?}");
        }
    }
}

/// Builds and keeps, then reads back: both write the file a fresh build writes.
fn keep_and_compare(s: &Scratch, p: &Project, dataset: &str, opts: &RfmOptions) -> CustomerTable {
    let fresh = compute(p, dataset, opts).unwrap();
    assert!(!fresh.kept);
    let first = customer_table(p, dataset, opts).unwrap();
    assert!(!first.kept, "the first call builds");
    assert_writes_the_same(s, p, dataset, opts, &first);
    let again = customer_table(p, dataset, opts).unwrap();
    assert!(again.kept, "the second call reads the kept table");
    assert_eq!(again.frame.schema(), fresh.frame.schema());
    assert!(again.frame.equals_missing(&fresh.frame));
    assert_writes_the_same(s, p, dataset, opts, &again);
    again
}

/// The customer ids of the table now (kept or built), checked against a fresh build.
fn ids(s: &Scratch, p: &Project, dataset: &str, opts: &RfmOptions) -> (Vec<String>, bool) {
    let t = customer_table(p, dataset, opts).unwrap();
    assert_writes_the_same(s, p, dataset, opts, &t);
    let ids = t.frame.column("customer_id").unwrap().str().unwrap().iter();
    (
        ids.map(|v| v.unwrap_or_default().to_string()).collect(),
        t.kept,
    )
}

#[test]
fn the_kept_customer_table_writes_what_a_fresh_build_writes_on_the_shop() {
    let s = Scratch::new();
    let p = shop(&s);
    loupe::customers::tags::put_rule(&p, "big", "monetary >= 20").unwrap();
    let opts = shop_options();
    assert_eq!(kept::usage(&p).unwrap().0, 0);
    let t = keep_and_compare(&s, &p, "orders", &opts);
    assert!(
        t.frame.column("country").is_ok(),
        "joined attributes are kept"
    );
    assert_eq!(kept::usage(&p).unwrap().0, 1);
    // Other options are other entries, each equal to its fresh build.
    let others = [
        RfmOptions {
            as_of: chrono::NaiveDate::from_ymd_opt(2024, 3, 1),
            ..shop_options()
        },
        RfmOptions {
            filter: Some("quantity > 0 AND item_id <> 'Z'".into()),
            ..shop_options()
        },
        RfmOptions {
            lifecycle: LifecycleThresholds {
                new_days: 5,
                active_days: 10,
                at_risk_days: 20,
                lapsed_days: 40,
            },
            ..shop_options()
        },
        RfmOptions::default(),
    ];
    for (i, o) in others.iter().enumerate() {
        let t2 = keep_and_compare(&s, &p, "orders", o);
        assert!(
            !t2.frame.equals_missing(&t.frame),
            "options {i} give another table"
        );
    }
    // Only the most recent few entries of a kind are kept; each still answers when asked.
    let again = customer_table(&p, "orders", &others[3]).unwrap();
    assert!(again.kept);
}

#[test]
fn the_kept_customer_table_writes_what_a_fresh_build_writes_on_the_sample_project() {
    let s = Scratch::new();
    let p = Project::open(sample_copy(&s)).unwrap();
    let dataset = loupe::segments::base::find_transactions(&p, None).unwrap();
    keep_and_compare(&s, &p, &dataset, &RfmOptions::default());
    let sources = loupe::customers::columns::guess_sources(&p.datasets().unwrap());
    let opts = RfmOptions {
        attributes: sources.attributes,
        products: sources.products,
        filter: Some("1 = 1".into()),
        ..RfmOptions::default()
    };
    keep_and_compare(&s, &p, &dataset, &opts);
}

#[test]
fn the_kept_customer_table_writes_what_a_fresh_build_writes_on_online_retail() {
    let Some(path) = online_retail() else { return };
    let s = Scratch::new();
    let mut p = s.project();
    import(&mut p, &[&path], named("online_retail")).unwrap();
    let opts = RfmOptions {
        filter: Some("UnitPrice > 0 AND Quantity > 0 AND InvoiceNo NOT LIKE 'C%'".into()),
        ..RfmOptions::default()
    };
    // Through the columnar copy, as the command reads it.
    let info = p.dataset("online_retail").unwrap();
    loupe::kept::copy::ensure(&p, &info, &loupe::progress::Reporter::silent()).unwrap();
    let t = keep_and_compare(&s, &p, "online_retail", &opts);
    assert_eq!(t.len(), 4_338);
    keep_and_compare(&s, &p, "online_retail", &RfmOptions::default());
}

/// Every change of the inputs shows in what the kept path returns next, and it always writes what
/// a fresh build writes.
#[test]
fn appends_replaces_recipes_deletes_and_erasures_reach_the_kept_customer_table() {
    let s = Scratch::new();
    let mut p = shop(&s);
    let opts = shop_options();
    let all: Vec<String> = ["a", "b", "c", "d", "e", "f"].map(String::from).to_vec();
    assert_eq!(ids(&s, &p, "orders", &opts), (all.clone(), false));
    assert_eq!(ids(&s, &p, "orders", &opts), (all.clone(), true));
    // Append: the orders again with one more file of lines, of a new customer g.
    let original = std::fs::read_to_string(s.path("orders.csv")).unwrap();
    let more = s.write(
        "more.csv",
        "order_id,customer_id,order_time,item_id,quantity,unit_price\n\
G1,g,2024-03-08 10:00:00,X,1,10\n",
    );
    import(
        &mut p,
        &[&s.path("orders.csv"), &more],
        loupe::import::ImportOptions {
            replace: true,
            ..named("orders")
        },
    )
    .unwrap();
    set_order_roles(&mut p);
    let mut with_g = all.clone();
    with_g.push("g".into());
    assert_eq!(ids(&s, &p, "orders", &opts), (with_g.clone(), false));
    assert_eq!(ids(&s, &p, "orders", &opts), (with_g, true));
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
    assert_eq!(ids(&s, &p, "orders", &opts), (all.clone(), false));
    assert_eq!(ids(&s, &p, "orders", &opts), (all.clone(), true));
    // A clean recipe: its output without customer a, then rebuilt without b instead.
    clean_without(&mut p, "a");
    let without = |x: &str| -> Vec<String> { all.iter().filter(|i| *i != x).cloned().collect() };
    assert_eq!(ids(&s, &p, "orders_clean", &opts), (without("a"), false));
    assert_eq!(ids(&s, &p, "orders_clean", &opts), (without("a"), true));
    clean_without(&mut p, "b");
    assert_eq!(ids(&s, &p, "orders_clean", &opts), (without("b"), false));
    // The orders' own table is still kept (its inputs did not change).
    assert_eq!(ids(&s, &p, "orders", &opts), (all.clone(), true));
    // Delete the attributes and import others under the same name: a's country changes.
    let country = |p: &Project| -> Option<String> {
        let t = customer_table(p, "orders", &opts).unwrap();
        assert_writes_the_same(&s, p, "orders", &opts, &t);
        t.frame
            .column("country")
            .unwrap()
            .str()
            .unwrap()
            .get(0)
            .map(str::to_string)
    };
    assert_eq!(country(&p).as_deref(), Some("UK"));
    p.delete_dataset("customers").unwrap();
    assert!(
        customer_table(&p, "orders", &opts).is_err(),
        "the attributes are gone"
    );
    let people = s.write("people2.csv", "customer_id,country\na,Spain\nb,France\n");
    import(&mut p, &[&people], named("customers")).unwrap();
    p.set_role(
        "customers",
        "customer_id",
        Some(loupe::dataset::Role::CustomerId),
    )
    .unwrap();
    assert_eq!(country(&p).as_deref(), Some("Spain"));
    // A role change is another input state: without item ids, no favourite item.
    let favourite = |p: &Project| {
        let t = customer_table(p, "orders", &opts).unwrap();
        assert_writes_the_same(&s, p, "orders", &opts, &t);
        t.frame.column("favourite_item").unwrap().null_count()
    };
    assert_eq!(favourite(&p), 0);
    p.set_role("orders", "item_id", None).unwrap();
    assert_eq!(favourite(&p), 6);
    p.set_role("orders", "item_id", Some(loupe::dataset::Role::ItemId))
        .unwrap();
    // Subject erase: customer a leaves every kept table in the same transaction.
    assert_eq!(ids(&s, &p, "orders", &opts).0, all);
    assert!(kept::usage(&p).unwrap().0 >= 1);
    loupe::privacy::subject::erase(&mut p, "a", true).unwrap();
    assert_eq!(
        kept::usage(&p).unwrap().0,
        0,
        "erasure drops every kept table"
    );
    assert_eq!(ids(&s, &p, "orders", &opts), (without("a"), false));
    assert_eq!(ids(&s, &p, "orders", &opts), (without("a"), true));
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
    set_roles_of(p, "orders_clean");
}

fn set_roles_of(p: &mut Project, dataset: &str) {
    use loupe::dataset::Role;
    let info = p.dataset(dataset).unwrap();
    if info.column_with_role(Role::CustomerId).is_some() {
        return;
    }
    for (c, r) in [
        ("order_id", Role::OrderId),
        ("customer_id", Role::CustomerId),
        ("order_time", Role::Timestamp),
        ("item_id", Role::ItemId),
        ("quantity", Role::Quantity),
        ("unit_price", Role::UnitPrice),
    ] {
        p.set_role(dataset, c, Some(r)).unwrap();
    }
}

#[test]
fn an_encrypted_project_keeps_no_plaintext_customer_table() {
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
    let opts = RfmOptions::default();
    let t = keep_and_compare(&s, &p, "shop", &opts);
    let ids = t
        .frame
        .column("customer_id")
        .unwrap()
        .str()
        .unwrap()
        .clone();
    assert!(ids.iter().any(|v| v == Some(secret_id)));
    assert_eq!(kept::usage(&p).unwrap().0, 1);
    // Read-only, as the command line opens it: still answered from the encrypted kept table.
    drop(p);
    let r = Project::open_read_only_with(&path, Some(Passphrase::new("correct horse").unwrap()))
        .unwrap();
    assert!(customer_table(&r, "shop", &opts).unwrap().kept);
    drop(r);
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

/// `loupe customers` keeps the table on its first run and answers from it on the next, with the
/// same file; an import in between changes it.
#[test]
fn the_customers_command_answers_from_the_kept_table() {
    let s = Scratch::new();
    let project = sample_copy(&s);
    let pr = project.to_str().unwrap();
    let p = Project::open(&project).unwrap();
    let dataset = loupe::segments::base::find_transactions(&p, None).unwrap();
    drop(p);
    let run = |out: &str| {
        let out = s.path(out);
        let o = run_loupe(&[
            "customers",
            "--project",
            pr,
            "--dataset",
            &dataset,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        (
            std::fs::read(&out).unwrap(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
        )
    };
    let before = kept::usage(&Project::open(&project).unwrap()).unwrap().0;
    let (first, said_first) = run("first.csv");
    let after = kept::usage(&Project::open(&project).unwrap()).unwrap().0;
    assert_eq!(after, before + 1, "the first run keeps the table");
    let (second, said_second) = run("second.csv");
    assert!(first == second, "the kept table writes the same file");
    assert_eq!(said_first.replace("first.csv", "second.csv"), said_second);
    // The same file as a fresh build in-process.
    let p = Project::open(&project).unwrap();
    let fresh = rfm_table(&p, &dataset, &RfmOptions::default()).unwrap();
    let tags = evaluate(&fresh, &rules(&p).unwrap()).unwrap();
    write_table_with_tags(&fresh, Some(&tags), &s.path("fresh.csv")).unwrap();
    assert!(std::fs::read(s.path("fresh.csv")).unwrap() == first);
}
