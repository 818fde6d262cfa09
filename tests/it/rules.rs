//! Association rules on the sample orders, checked against counts SQLite makes independently.

use crate::common::*;
use loupe::progress::Reporter;
use loupe::recommend::{RuleOptions, association_rules, itemset_text, read_baskets};
use std::collections::HashMap;

#[test]
fn pair_rules_match_sql_counts() {
    let sc = Scratch::new();
    let path = sc.path("sample.loupe");
    let p = loupe::demo::build_demo(&path, &Reporter::silent()).unwrap();
    let b = read_baskets(&p, "orders", "order_id", "product_name").unwrap();
    let n = b.baskets.len() as f64;
    assert_eq!(
        rows(&p, "SELECT count(DISTINCT order_id) FROM orders")[0][0],
        b.baskets.len().to_string()
    );
    let opts = RuleOptions {
        min_support: 0.008,
        min_confidence: 0.3,
        max_len: 2,
        ..RuleOptions::default()
    };
    let rules = association_rules(&b.baskets, &opts);
    assert!(rules.len() > 10, "{} rules", rules.len());
    // Every pair rule, counted by SQL: baskets with both items, baskets with the antecedent.
    let pairs = rows(
        &p,
        "WITH x AS (SELECT DISTINCT order_id, product_name AS item FROM orders),
              n AS (SELECT item, count(*) AS c FROM x GROUP BY item)
         SELECT a.item, b.item, count(*), na.c, nb.c FROM x a JOIN x b ON a.order_id = b.order_id AND a.item <> b.item
         JOIN n na ON na.item = a.item JOIN n nb ON nb.item = b.item
         GROUP BY a.item, b.item",
    );
    let min_count = (opts.min_support * n).ceil() as u64;
    let mut expected: HashMap<(String, String), (u64, u64, u64)> = HashMap::new();
    for r in pairs {
        let (both, na, nb): (u64, u64, u64) = (
            r[2].parse().unwrap(),
            r[3].parse().unwrap(),
            r[4].parse().unwrap(),
        );
        if both >= min_count && both as f64 / na as f64 >= opts.min_confidence {
            expected.insert((r[0].clone(), r[1].clone()), (both, na, nb));
        }
    }
    assert_eq!(rules.len(), expected.len());
    for r in &rules {
        let key = (
            itemset_text(&r.antecedents, &b.items),
            itemset_text(&r.consequents, &b.items),
        );
        let (both, na, nb) = expected[&key];
        assert_eq!(r.count, both, "{key:?}");
        assert!((r.support - both as f64 / n).abs() < 1e-12);
        assert!((r.confidence - both as f64 / na as f64).abs() < 1e-12);
        assert!((r.lift - (both as f64 / na as f64) / (nb as f64 / n)).abs() < 1e-9);
    }
}

#[test]
fn the_cli_writes_rules_csv() {
    let sc = Scratch::new();
    let path = sc.path("sample.loupe");
    drop(loupe::demo::build_demo(&path, &Reporter::silent()).unwrap());
    let out = sc.path("rules.csv");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_loupe"))
        .args([
            "rules",
            "--project",
            path.to_str().unwrap(),
            "--dataset",
            "orders",
            "--basket",
            "order_id",
            "--item",
            "product_name",
            "--min-support",
            "0.01",
            "--min-confidence",
            "0.3",
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("antecedents,consequents,support,confidence,lift,leverage,conviction")
    );
    // Item sets are sorted and joined by |.
    let multi = text
        .lines()
        .find(|l| l.contains('|'))
        .expect("a rule with two antecedents");
    let ante = multi.split(',').next().unwrap();
    let parts: Vec<&str> = ante.split('|').collect();
    let mut sorted = parts.clone();
    sorted.sort_unstable();
    assert_eq!(parts, sorted);
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_loupe"))
        .args([
            "rules",
            "--project",
            path.to_str().unwrap(),
            "--dataset",
            "orders",
            "--basket",
            "order",
            "--item",
            "product_name",
            "--min-support",
            "0.01",
            "--min-confidence",
            "0.3",
        ])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("no column 'order'") && err.contains("order_id"),
        "{err}"
    );
}

/// Every rule of up to three items mined from the cleaned Online Retail orders, against counts
/// made basket by basket: the same rules, the same counts, the same measures to the last bit.
#[test]
fn rules_on_online_retail_agree_with_brute_force_counts() {
    use loupe::recommend::matrix::TrainSet;
    use loupe::recommend::{ReadOptions, Weighting, read_interactions};
    let Some(file) = online_retail() else { return };
    let sc = Scratch::new();
    let mut p = sc.project();
    import(&mut p, &[&file], named("online_retail")).unwrap();
    let inter = read_interactions(
        &p,
        "online_retail",
        &ReadOptions::default(),
        &Reporter::silent(),
    )
    .unwrap();
    let baskets = TrainSet::new(&inter, |_| true, Weighting::Binary).baskets;
    // The cleaned invoices, as the README counts them.
    assert_eq!(baskets.len(), 18_532);
    let opts = RuleOptions {
        min_support: 0.005,
        min_confidence: 0.2,
        min_lift: 0.0,
        max_len: 3,
        max_consequent: 1,
    };
    let rules = association_rules(&baskets, &opts);
    let n = baskets.len() as f64;
    // 0.5% of 18,532 baskets is 92.66: at least 93.
    let min_count = 93u64;
    // Items, then pairs of frequent items, then triples whose pairs are all frequent.
    let n_items = inter.items.len();
    let mut single = vec![0u64; n_items];
    for b in &baskets {
        for &i in b {
            single[i as usize] += 1;
        }
    }
    let frequent: Vec<u32> = (0..n_items as u32)
        .filter(|&i| single[i as usize] >= min_count)
        .collect();
    let mut slot = vec![usize::MAX; n_items];
    for (k, &i) in frequent.iter().enumerate() {
        slot[i as usize] = k;
    }
    let f = frequent.len();
    let mut pair = vec![0u64; f * f];
    let kept: Vec<Vec<u32>> = baskets
        .iter()
        .map(|b| {
            b.iter()
                .copied()
                .filter(|&i| slot[i as usize] != usize::MAX)
                .collect()
        })
        .collect();
    for b in &kept {
        for (x, &a) in b.iter().enumerate() {
            for &c in &b[x + 1..] {
                pair[slot[a as usize] * f + slot[c as usize]] += 1;
            }
        }
    }
    let pc = |a: u32, b: u32| pair[slot[a as usize] * f + slot[b as usize]];
    let mut triple: HashMap<(u32, u32, u32), u64> = HashMap::new();
    for b in &kept {
        for (x, &a) in b.iter().enumerate() {
            for (y, &c) in b.iter().enumerate().skip(x + 1) {
                if pc(a, c) < min_count {
                    continue;
                }
                for &d in &b[y + 1..] {
                    if pc(a, d) >= min_count && pc(c, d) >= min_count {
                        *triple.entry((a, c, d)).or_default() += 1;
                    }
                }
            }
        }
    }
    let mut want: HashMap<(Vec<u32>, u32), (u64, f64, f64, f64)> = HashMap::new();
    let mut add = |ante: Vec<u32>, cons: u32, both: u64, ca: u64| {
        let confidence = both as f64 / ca as f64;
        let lift = confidence / (single[cons as usize] as f64 / n);
        // The thresholds allow 1e-12 of rounding, as association_rules does.
        if confidence + 1e-12 >= opts.min_confidence {
            want.insert((ante, cons), (both, both as f64 / n, confidence, lift));
        }
    };
    for (x, &a) in frequent.iter().enumerate() {
        for &b in &frequent[x + 1..] {
            let both = pc(a, b);
            if both >= min_count {
                add(vec![a], b, both, single[a as usize]);
                add(vec![b], a, both, single[b as usize]);
            }
        }
    }
    let mut triples = 0;
    for (&(a, b, c), &both) in &triple {
        if both >= min_count {
            triples += 1;
            add(vec![b, c], a, both, pc(b, c));
            add(vec![a, c], b, both, pc(a, c));
            add(vec![a, b], c, both, pc(a, b));
        }
    }
    let got: HashMap<(Vec<u32>, u32), (u64, f64, f64, f64)> = rules
        .iter()
        .map(|r| {
            (
                (r.antecedents.clone(), r.consequents[0]),
                (r.count, r.support, r.confidence, r.lift),
            )
        })
        .collect();
    eprintln!(
        "Online Retail at 0.5% support: {} frequent items, {triples} frequent triples, {} rules",
        f,
        rules.len()
    );
    assert!(triples > 0 && rules.len() > 100, "{} rules", rules.len());
    assert_eq!(got.len(), rules.len(), "a rule listed twice");
    assert_eq!(got, want);
}
