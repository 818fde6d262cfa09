//! Customer tables and segment bases built in passes over ranges of customer ids (the bounded
//! memory path for datasets larger than one pass holds) equal a single pass value for value: the
//! hand-built shop, the sample project and Online Retail, cut into many passes.

use crate::common::*;
use crate::segments::shop;
use loupe::customers::passes::LINES_PER_PASS_VAR;
use loupe::customers::rfm::{RfmOptions, customer_base, customer_base_by_passes};
use loupe::customers::scan::Scan;
use loupe::progress::{CancelToken, Progress, Reporter, Stage};
use loupe::store::Project;

/// One line with its texts as names (numbers differ from pass to pass) and its numbers as bits.
type NamedLine = (
    i32,
    u8,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    u64,
    u64,
    bool,
);

/// Each customer's id and lines, in the table's order.
fn named_lines(scan: &Scan, lines_of: &[usize]) -> Vec<(String, Vec<NamedLine>)> {
    let name = |i: &loupe::customers::scan::Interner, k: u32| i.name(k).map(str::to_string);
    lines_of
        .iter()
        .map(|&k| {
            let c = &scan.customers[k];
            let lines = c
                .lines
                .iter()
                .map(|l| {
                    (
                        l.day,
                        l.hour,
                        name(&scan.orders, l.order),
                        name(&scan.items, l.item),
                        name(&scan.item_ids, l.item_id),
                        name(&scan.categories, l.category),
                        name(&scan.channels, l.channel),
                        l.amount.to_bits(),
                        l.quantity.to_bits(),
                        l.is_return,
                    )
                })
                .collect();
            (c.id.clone(), lines)
        })
        .collect()
}

/// The table and the lines of passes of at most about `budget` rows equal one pass's; returns
/// the number of passes.
fn assert_passes_agree(p: &Project, dataset: &str, opts: &RfmOptions, budget: u64) -> usize {
    let one = customer_base(p, dataset, opts).unwrap();
    let want = named_lines(&one.scan, &one.lines_of);
    let (mut got, mut passes) = (Vec::new(), 0);
    let reports = std::sync::Mutex::new(Vec::new());
    let sink = |p: &Progress| {
        if p.stage == Stage::Scanning {
            reports.lock().unwrap().push((p.done, p.total));
        }
    };
    let rep = Reporter::new(CancelToken::new(), &sink);
    let split = customer_base_by_passes(
        p,
        dataset,
        opts,
        budget,
        &mut |scan, lines_of| {
            passes += 1;
            got.extend(named_lines(scan, lines_of));
            Ok(())
        },
        &rep,
    )
    .unwrap();
    // Passes report their progress: from 0 to every row counted, one step per pass.
    let reports = reports.into_inner().unwrap();
    if passes > 1 {
        assert_eq!(reports.len(), passes + 1, "{reports:?}");
        let total = reports[0].1.unwrap();
        assert_eq!(reports.first(), Some(&(0, Some(total))));
        assert_eq!(reports.last(), Some(&(total, Some(total))));
        assert!(reports.windows(2).all(|w| w[0].0 < w[1].0), "{reports:?}");
    }
    let (a, b) = (&split.table, &one.table);
    assert_eq!(a.customers, b.customers, "{dataset} in {passes} passes");
    assert_eq!(a.as_of, b.as_of);
    assert_eq!(a.skipped_rows, b.skipped_rows);
    assert_eq!(a.return_only_customers, b.return_only_customers);
    assert_eq!(
        (a.has_category, a.has_channel, a.has_time),
        (b.has_category, b.has_channel, b.has_time)
    );
    assert_eq!(a.attributes, b.attributes);
    assert_eq!(got.len(), want.len());
    assert!(got == want, "{dataset}: the passes' lines differ");
    passes
}

#[test]
fn passes_equal_one_pass_on_the_shop_and_the_sample() {
    let s = Scratch::new();
    let p = shop(&s);
    let opts = RfmOptions {
        attributes: Some("customers".into()),
        products: Some("products".into()),
        ..RfmOptions::default()
    };
    assert!(assert_passes_agree(&p, "orders", &opts, 3) >= 3);
    let as_of = RfmOptions {
        as_of: chrono::NaiveDate::from_ymd_opt(2024, 3, 1),
        ..opts
    };
    assert!(assert_passes_agree(&p, "orders", &as_of, 2) >= 3);
    // Above the budget: one pass.
    assert_eq!(assert_passes_agree(&p, "orders", &as_of, 1_000_000), 1);

    let sample = Project::open(sample()).unwrap();
    let ds = loupe::segments::base::find_transactions(&sample, None).unwrap();
    assert!(assert_passes_agree(&sample, &ds, &RfmOptions::default(), 2_000) >= 5);
}

#[test]
fn passes_equal_one_pass_on_online_retail_and_through_the_cli() {
    let Some(path) = online_retail() else { return };
    let s = Scratch::new();
    let mut p = s.project();
    import(&mut p, &[&path], named("retail")).unwrap();
    let valid = "UnitPrice > 0 AND Quantity > 0 AND InvoiceNo NOT LIKE 'C%'";
    let opts = RfmOptions {
        filter: Some(valid.into()),
        ..RfmOptions::default()
    };
    assert!(assert_passes_agree(&p, "retail", &opts, 60_000) >= 6);
    assert!(assert_passes_agree(&p, "retail", &RfmOptions::default(), 150_000) >= 3);
    drop(p);

    // The commands, with passes of 50,000 rows and without: the same files and counts. Each
    // runs on its own copy of the project, so neither reads what the other kept.
    let project = s.path("test.loupe");
    let run = |budget: Option<&str>, args: &[&str], copy: &str| -> Vec<u8> {
        let here = s.path(copy);
        if !here.exists() {
            std::fs::copy(&project, &here).unwrap();
        }
        let mut c = loupe();
        if let Some(b) = budget {
            c.env(LINES_PER_PASS_VAR, b);
        }
        let out = c
            .args(args)
            .args(["--project", here.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    for (budget, copy) in [(None, "one.loupe"), (Some("50000"), "split.loupe")] {
        let out = s.path(&format!("{copy}.csv"));
        let args = [
            "customers",
            "--dataset",
            "retail",
            "--where",
            valid,
            "--out",
            out.to_str().unwrap(),
        ];
        run(budget, &args, copy);
    }
    let (a, b) = (
        std::fs::read(s.path("one.loupe.csv")).unwrap(),
        std::fs::read(s.path("split.loupe.csv")).unwrap(),
    );
    assert!(a.len() > 100_000);
    assert!(a == b, "customers --out differs when built in passes");
    for rule in [
        "frequency >= 3 AND recency_days <= 90",
        "bought(item_id = '85123A', min_times = 2, within_days = 90)",
        "monetary >= 500 AND recency_days <= 90 AND bought(item_id = '85123A', within_days = 90)",
        "NOT (Country = 'United Kingdom') AND bought(item_id = 'POST')",
        "bought(item = 'WHITE HANGING HEART T-LIGHT HOLDER', after = '2011-06-01') AND NOT bought(item_id = '22423')",
    ] {
        let args = [
            "segment",
            "count",
            "--dataset",
            "retail",
            "--where",
            valid,
            "--rule",
            rule,
            "--json",
        ];
        let count = |v: &[u8]| -> serde_json::Value {
            let mut v: serde_json::Value = serde_json::from_slice(v).unwrap();
            // Timing and whether the base was read from the project differ by design.
            if let Some(o) = v.as_object_mut() {
                o.retain(|k, _| k == "count" || k == "base" || k == "share");
            }
            v
        };
        let one = count(&run(None, &args, "one.loupe"));
        let split = count(&run(Some("50000"), &args, "split.loupe"));
        assert_eq!(one, split, "{rule}");
        assert!(one["count"].as_u64().is_some(), "{one}");
    }
}

/// A cancelled build stops between passes with `Cancelled`, and keeps nothing.
#[test]
fn passes_stop_when_cancelled() {
    let s = Scratch::new();
    let p = shop(&s);
    let cancel = CancelToken::new();
    cancel.cancel();
    let sink = |_: &Progress| {};
    let rep = Reporter::new(cancel, &sink);
    let mut passes = 0;
    let r = customer_base_by_passes(
        &p,
        "orders",
        &RfmOptions::default(),
        2,
        &mut |_, _| {
            passes += 1;
            Ok(())
        },
        &rep,
    );
    assert!(matches!(r, Err(loupe::Error::Cancelled)), "{r:?}");
    assert_eq!(passes, 0);
}

/// The Customers page's overview in passes: the same table, and every customer's card (made
/// while their lines are in memory) equal to the card made from a single pass's lines.
fn assert_cards_agree(p: &Project, dataset: &str, opts: &RfmOptions, budget: u64) {
    use loupe::customers::overview::overview_in_passes;
    let rep = Reporter::silent();
    let one = overview_in_passes(p, dataset, opts, u64::MAX, &rep).unwrap();
    assert!(one.cards.is_none(), "one pass keeps its lines");
    let split = overview_in_passes(p, dataset, opts, budget, &rep).unwrap();
    assert!(split.cards.is_some(), "{dataset}: passes make the cards");
    assert!(
        split.base.scan.customers.is_empty(),
        "the passes' lines are dropped"
    );
    assert_eq!(split.base.table.customers, one.base.table.customers);
    assert_eq!(split.by_value, one.by_value);
    assert_eq!(split.grid, one.grid);
    let n = one.base.table.customers.len();
    assert!(n > 0);
    for i in 0..n {
        assert_eq!(split.card(i), one.card(i), "{dataset}: card {i}");
    }
    assert!((0..n).any(|i| !one.card(i).orders.is_empty()));
}

#[test]
fn customer_cards_in_passes_equal_one_pass() {
    let s = Scratch::new();
    let p = shop(&s);
    let opts = RfmOptions {
        attributes: Some("customers".into()),
        products: Some("products".into()),
        ..RfmOptions::default()
    };
    assert_cards_agree(&p, "orders", &opts, 3);
    let sample = Project::open(sample_copy(&s)).unwrap();
    let ds = loupe::segments::base::find_transactions(&sample, None).unwrap();
    assert_cards_agree(&sample, &ds, &RfmOptions::default(), 2_000);
    if let Some(path) = online_retail() {
        let mut p = s.project();
        import(&mut p, &[&path], named("retail")).unwrap();
        assert_cards_agree(&p, "retail", &RfmOptions::default(), 100_000);
    }
}
