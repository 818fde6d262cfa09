//! Association rules on the sample orders, checked against counts SQLite makes independently.

use crate::common::*;
use loupe::progress::Reporter;
use loupe::recommend::{RuleOptions, association_rules, itemset_text, read_baskets};
use std::collections::HashMap;

#[test]
fn pair_rules_match_sql_counts() {
    let sc = Scratch::new();
    let p = loupe::store::Project::open(sample_copy(&sc)).unwrap();
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
    let path = sample_copy(&sc);
    let out = sc.path("rules.csv");
    let o = loupe()
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
    let o = loupe()
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
/// made basket by basket (`reference::rules_by_counting`): the same rules in the same order,
/// the same counts, the same measures to the last bit.
#[test]
fn rules_on_online_retail_agree_with_brute_force_counts() {
    use loupe::recommend::matrix::TrainSet;
    use loupe::recommend::reference::rules_by_counting;
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
    let want = rules_by_counting(&baskets, inter.items.len(), &opts);
    let triples = rules.iter().filter(|r| r.antecedents.len() == 2).count();
    eprintln!(
        "Online Retail at 0.5% support, confidence 0.2: {} rules, {triples} with two antecedents",
        rules.len()
    );
    assert!(triples > 100 && rules.len() > 1000, "{} rules", rules.len());
    // Spot-check one rule against SQL-free arithmetic on the baskets themselves.
    let r = &rules[0];
    let holding = |set: &[u32]| {
        baskets
            .iter()
            .filter(|b| set.iter().all(|i| b.binary_search(i).is_ok()))
            .count() as u64
    };
    let mut all = r.antecedents.clone();
    all.extend(&r.consequents);
    assert_eq!(r.count, holding(&all));
    assert_eq!(
        r.confidence,
        holding(&all) as f64 / holding(&r.antecedents) as f64
    );
    assert_eq!(rules, want);
}
