//! Association rules as a recommender: for a customer, the rules whose antecedents they bought
//! (in any of their orders) recommend their consequent; an item recommended by several rules
//! takes its strongest (confidence, then lift, then support).

use super::matrix::TrainSet;
use super::rules::{Rule, RuleOptions, association_rules};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Default)]
pub struct RulesModel {
    /// Rules with one consequent, strongest first.
    pub rules: Vec<Rule>,
    /// The baskets mined.
    pub baskets: usize,
}

/// Mines the rules of the period's orders (consequents of one item).
pub fn fit_rules(train: &TrainSet, opts: &RuleOptions) -> Result<RulesModel> {
    if !(opts.min_support > 0.0 && opts.min_support <= 1.0) {
        return Err(Error::InvalidArgument(format!(
            "the rules' minimum support is a share above 0 and at most 1, not {}",
            opts.min_support
        )));
    }
    let opts = RuleOptions {
        max_consequent: 1,
        ..*opts
    };
    Ok(RulesModel {
        rules: association_rules(&train.baskets, &opts),
        baskets: train.baskets.len(),
    })
}

impl RulesModel {
    fn applies(rule: &Rule, bought: &[bool]) -> bool {
        rule.antecedents
            .iter()
            .all(|&a| bought.get(a as usize).copied().unwrap_or(false))
    }

    /// The best `k` consequents of the rules whose antecedents are all `bought`, skipping items
    /// for which `skip` holds; each with the confidence of its strongest rule.
    pub fn top(&self, bought: &[bool], k: usize, skip: impl Fn(u32) -> bool) -> Vec<(u32, f64)> {
        let mut out: Vec<(u32, f64)> = Vec::with_capacity(k);
        for r in &self.rules {
            if out.len() >= k {
                break;
            }
            let Some(&c) = r.consequents.first() else {
                continue;
            };
            if skip(c) || out.iter().any(|&(i, _)| i == c) || !Self::applies(r, bought) {
                continue;
            }
            out.push((c, r.confidence));
        }
        out
    }

    /// The strongest rule recommending `item` to a customer who bought `bought`.
    pub fn best_rule(&self, bought: &[bool], item: u32) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|r| r.consequents.first() == Some(&item) && Self::applies(r, bought))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recommend::interactions::{InteractionsBuilder, RawLine};
    use crate::recommend::matrix::Weighting;

    #[test]
    fn rules_whose_antecedents_were_bought() {
        let mut b = InteractionsBuilder::new();
        // Orders: {a, b} ×3, {a, c} ×1, {b} ×1; item numbers a 0, b 1, c 2.
        let orders = [
            ("o1", "ab"),
            ("o2", "ab"),
            ("o3", "ab"),
            ("o4", "ac"),
            ("o5", "b"),
        ];
        for (o, items) in orders {
            for i in items.chars() {
                b.push(RawLine {
                    customer: o,
                    item: &i.to_string(),
                    description: None,
                    order: Some(o),
                    time: "",
                    day: 0,
                    quantity: 1.0,
                });
            }
        }
        let t = TrainSet::new(&b.finish(), |_| true, Weighting::Binary);
        let opts = RuleOptions {
            min_support: 0.2,
            min_confidence: 0.2,
            ..RuleOptions::default()
        };
        let m = fit_rules(&t, &opts).unwrap();
        // a → b: 3/4; b → a: 3/4; a → c: 1/4; c → a: 1/1.
        let bought_a = [true, false, false];
        assert_eq!(
            m.top(&bought_a, 5, |i| bought_a[i as usize]),
            [(1, 0.75), (2, 0.25)]
        );
        assert_eq!(m.top(&bought_a, 1, |_| false), [(1, 0.75)]);
        let bought_c = [false, false, true];
        assert_eq!(m.top(&bought_c, 5, |i| bought_c[i as usize]), [(0, 1.0)]);
        let r = m.best_rule(&bought_a, 1).unwrap();
        assert_eq!((r.antecedents.as_slice(), r.count), (&[0u32][..], 3));
        assert!(m.best_rule(&bought_c, 1).is_none());
        let zero = RuleOptions {
            min_support: 0.0,
            ..opts
        };
        assert!(fit_rules(&t, &zero).is_err());
    }
}
