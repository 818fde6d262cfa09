//! Association rules from frequent itemsets, with the measures arules and mlxtend report.

use super::fpgrowth::{Itemset, frequent_itemsets};
use std::collections::HashMap;

/// What the rules must reach.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct RuleOptions {
    /// Share of baskets holding all items of the rule.
    pub min_support: f64,
    pub min_confidence: f64,
    pub min_lift: f64,
    /// Most items in a rule (antecedent and consequent together).
    pub max_len: usize,
    /// Most items in the consequent (1, as in arules, by default).
    pub max_consequent: usize,
}

impl Default for RuleOptions {
    fn default() -> Self {
        RuleOptions {
            min_support: 0.01,
            min_confidence: 0.5,
            min_lift: 0.0,
            max_len: 4,
            max_consequent: 1,
        }
    }
}

/// `antecedents → consequents`, items as ids (ascending).
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub antecedents: Vec<u32>,
    pub consequents: Vec<u32>,
    /// Baskets holding every item of the rule.
    pub count: u64,
    pub support: f64,
    pub confidence: f64,
    pub lift: f64,
    /// support − support(antecedents) × support(consequents).
    pub leverage: f64,
    /// (1 − support(consequents)) / (1 − confidence); infinite when the confidence is 1.
    pub conviction: f64,
}

/// The non-empty proper subsets of `items` with at most `max` items.
fn subsets(items: &[u32], max: usize) -> Vec<Vec<u32>> {
    let n = items.len();
    let mut out = Vec::new();
    if n > 20 {
        return out;
    }
    for mask in 1u32..((1u32 << n) - 1) {
        if mask.count_ones() as usize <= max {
            out.push(
                (0..n)
                    .filter(|i| mask & (1 << i) != 0)
                    .map(|i| items[i])
                    .collect(),
            );
        }
    }
    out
}

/// Rules over baskets of item ids, strongest first (confidence, then lift, then support).
pub fn association_rules(baskets: &[Vec<u32>], opts: &RuleOptions) -> Vec<Rule> {
    let n = baskets.len();
    if n == 0 {
        return Vec::new();
    }
    let sets: Vec<Itemset> = frequent_itemsets(
        baskets,
        min_count(n as u64, opts.min_support),
        opts.max_len.max(2),
    );
    rules_from_itemsets(&sets, n as u64, opts)
}

/// The least number of baskets a frequent itemset is held by: `min_support` of `n`, at least 1.
pub fn min_count(n: u64, min_support: f64) -> u64 {
    ((min_support * n as f64) - 1e-9).ceil().max(1.0) as u64
}

/// The rules of every frequent itemset (with all of their subsets, as frequent itemsets are)
/// among `n` baskets, strongest first: what [`association_rules`] computes from the itemsets it
/// mined, and a warehouse's counted itemsets are turned into.
pub fn rules_from_itemsets(sets: &[Itemset], n: u64, opts: &RuleOptions) -> Vec<Rule> {
    if n == 0 {
        return Vec::new();
    }
    let count: HashMap<&[u32], u64> = sets.iter().map(|s| (s.items.as_slice(), s.count)).collect();
    let nf = n as f64;
    let mut rules = Vec::new();
    for s in sets.iter().filter(|s| s.items.len() >= 2) {
        for cons in subsets(&s.items, opts.max_consequent.max(1)) {
            let ante: Vec<u32> = s
                .items
                .iter()
                .copied()
                .filter(|i| !cons.contains(i))
                .collect();
            // Every subset of a frequent itemset is frequent, so both counts are known.
            let (Some(&ca), Some(&cc)) = (count.get(ante.as_slice()), count.get(cons.as_slice()))
            else {
                continue;
            };
            let support = s.count as f64 / nf;
            let (sa, sc) = (ca as f64 / nf, cc as f64 / nf);
            let confidence = s.count as f64 / ca as f64;
            let lift = confidence / sc;
            if confidence + 1e-12 < opts.min_confidence || lift + 1e-12 < opts.min_lift {
                continue;
            }
            let conviction = if confidence >= 1.0 {
                f64::INFINITY
            } else {
                (1.0 - sc) / (1.0 - confidence)
            };
            rules.push(Rule {
                antecedents: ante,
                consequents: cons,
                count: s.count,
                support,
                confidence,
                lift,
                leverage: support - sa * sc,
                conviction,
            });
        }
    }
    rules.sort_by(|a, b| {
        b.confidence
            .total_cmp(&a.confidence)
            .then(b.lift.total_cmp(&a.lift))
            .then(b.support.total_cmp(&a.support))
            .then_with(|| a.antecedents.cmp(&b.antecedents))
            .then_with(|| a.consequents.cmp(&b.consequents))
    });
    rules
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_by_hand() {
        // 0 = bread, 1 = milk, 2 = beer, 3 = diapers, 4 = eggs (the classic five baskets).
        let baskets = vec![
            vec![0, 1],
            vec![0, 3, 2, 4],
            vec![1, 3, 2],
            vec![0, 1, 3, 2],
            vec![0, 1, 3],
        ];
        let opts = RuleOptions {
            min_support: 0.6,
            min_confidence: 0.7,
            ..RuleOptions::default()
        };
        let rules = association_rules(&baskets, &opts);
        let r = rules
            .iter()
            .find(|r| r.antecedents == [2] && r.consequents == [3])
            .expect("beer -> diapers");
        // support {beer, diapers} 3/5; confidence 3/3; lift 1 / (4/5).
        assert_eq!(r.count, 3);
        assert!((r.support - 0.6).abs() < 1e-12);
        assert!((r.confidence - 1.0).abs() < 1e-12);
        assert!((r.lift - 1.25).abs() < 1e-12);
        assert!((r.leverage - (0.6 - 0.6 * 0.8)).abs() < 1e-12);
        assert!(r.conviction.is_infinite());
        let r = rules
            .iter()
            .find(|r| r.antecedents == [3] && r.consequents == [2])
            .expect("diapers -> beer");
        assert!((r.confidence - 0.75).abs() < 1e-12);
        assert!((r.conviction - (1.0 - 0.6) / 0.25).abs() < 1e-12);
        // {milk, bread}: support 3/5, confidence 3/4 each way, lift 0.9375.
        assert!(
            rules
                .iter()
                .any(|r| r.antecedents == [0] && r.consequents == [1])
        );
        let with_lift = association_rules(
            &baskets,
            &RuleOptions {
                min_lift: 1.0,
                ..opts
            },
        );
        assert!(
            !with_lift
                .iter()
                .any(|r| r.antecedents == [0] && r.consequents == [1])
        );
        // Consequents of two items when asked.
        let two = association_rules(
            &baskets,
            &RuleOptions {
                min_support: 0.4,
                min_confidence: 0.5,
                max_consequent: 2,
                ..RuleOptions::default()
            },
        );
        assert!(two.iter().any(|r| r.consequents.len() == 2));
        assert!(rules.iter().all(|r| r.consequents.len() == 1));
    }

    /// Every rule by brute force: each candidate set and consequent counted basket by basket.
    #[test]
    fn agrees_exactly_with_counting_baskets() {
        let mut seed = 2024u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let baskets: Vec<Vec<u32>> = (0..80)
            .map(|_| (0..next() % 6 + 1).map(|_| (next() % 7) as u32).collect())
            .collect();
        let opts = RuleOptions {
            min_support: 0.05,
            min_confidence: 0.3,
            min_lift: 1.0,
            max_len: 4,
            max_consequent: 2,
        };
        let holding = |set: &[u32]| {
            baskets
                .iter()
                .filter(|b| set.iter().all(|i| b.contains(i)))
                .count() as u64
        };
        let n = baskets.len() as f64;
        // 5% of 80 baskets.
        let min_count = 4;
        let mut want = Vec::new();
        // Every set of 2 to 4 of the 7 items, every consequent of 1 or 2 of its items.
        for mask in 1u32..(1 << 7) {
            let set: Vec<u32> = (0..7).filter(|i| mask & (1 << i) != 0).collect();
            if !(2..=4).contains(&set.len()) || holding(&set) < min_count {
                continue;
            }
            for cmask in 1u32..(1 << set.len()) - 1 {
                let cons: Vec<u32> = (0..set.len())
                    .filter(|k| cmask & (1 << k) != 0)
                    .map(|k| set[k])
                    .collect();
                if cons.len() > 2 {
                    continue;
                }
                let ante: Vec<u32> = set.iter().copied().filter(|i| !cons.contains(i)).collect();
                let (both, ca, cc) = (holding(&set), holding(&ante), holding(&cons));
                let confidence = both as f64 / ca as f64;
                let lift = confidence / (cc as f64 / n);
                // The thresholds allow 1e-12 of rounding, as association_rules does.
                if confidence + 1e-12 >= opts.min_confidence && lift + 1e-12 >= opts.min_lift {
                    want.push((ante, cons, both, both as f64 / n, confidence, lift));
                }
            }
        }
        let mut got: Vec<_> = association_rules(&baskets, &opts)
            .into_iter()
            .map(|r| {
                (
                    r.antecedents,
                    r.consequents,
                    r.count,
                    r.support,
                    r.confidence,
                    r.lift,
                )
            })
            .collect();
        let key = |a: &(Vec<u32>, Vec<u32>, u64, f64, f64, f64),
                   b: &(Vec<u32>, Vec<u32>, u64, f64, f64, f64)| {
            (&a.0, &a.1).cmp(&(&b.0, &b.1))
        };
        got.sort_by(key);
        want.sort_by(key);
        assert!(want.len() > 20, "{} rules", want.len());
        // Same rules, same counts, and the same floating-point measures to the last bit.
        assert_eq!(got, want);
    }
}
