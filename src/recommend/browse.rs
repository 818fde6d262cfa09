//! Association rules to browse: mined from the orders of the purchases, sorted by any measure,
//! filtered by item text.

use super::interactions::Interactions;
use super::matrix::{TrainSet, Weighting};
use super::rules::{Rule, RuleOptions, association_rules};
use crate::error::{Error, Result};
use std::cmp::Ordering;

/// Rules of the purchases' orders (one basket per order, its distinct items).
pub fn purchase_rules(inter: &Interactions, opts: &RuleOptions) -> Result<Vec<Rule>> {
    for (name, v) in [
        ("minimum support", opts.min_support),
        ("minimum confidence", opts.min_confidence),
    ] {
        if !(0.0..=1.0).contains(&v) {
            return Err(Error::InvalidArgument(format!(
                "the {name} is a share between 0 and 1, not {v}"
            )));
        }
    }
    if opts.min_support <= 0.0 {
        return Err(Error::InvalidArgument(
            "a minimum support of 0 would ask for every combination of items; give a share such as 0.01".into(),
        ));
    }
    if opts.max_len < 2 {
        return Err(Error::InvalidArgument(
            "a rule has at least 2 items; set the maximum length to 2 or more".into(),
        ));
    }
    let train = TrainSet::new(inter, |_| true, Weighting::Binary);
    Ok(association_rules(&train.baskets, opts))
}

/// A column of the rules table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleColumn {
    Antecedents,
    Consequents,
    Support,
    Confidence,
    Lift,
    Leverage,
    Conviction,
    /// Orders holding every item of the rule.
    Count,
    /// Orders holding the antecedents.
    AntecedentCount,
}

impl RuleColumn {
    pub const ALL: [RuleColumn; 9] = [
        RuleColumn::Antecedents,
        RuleColumn::Consequents,
        RuleColumn::Support,
        RuleColumn::Confidence,
        RuleColumn::Lift,
        RuleColumn::Leverage,
        RuleColumn::Conviction,
        RuleColumn::Count,
        RuleColumn::AntecedentCount,
    ];
}

/// Orders holding the antecedents: count / confidence (exact: both are counts of orders).
pub fn antecedent_count(r: &Rule) -> u64 {
    if r.confidence > 0.0 {
        (r.count as f64 / r.confidence).round() as u64
    } else {
        0
    }
}

/// The names of an item set, sorted and joined by `sep`.
pub fn itemset_names(ids: &[u32], names: &[String], sep: &str) -> String {
    let mut v: Vec<&str> = ids
        .iter()
        .filter_map(|&i| names.get(i as usize).map(String::as_str))
        .collect();
    v.sort_unstable();
    v.join(sep)
}

/// The positions of the rules to show: those with an antecedent or consequent whose name (or
/// id) contains `needle` (case-insensitive; empty: all), sorted by `column` (`descending` for
/// the largest first), ties in mining order.
pub fn rule_view(
    rules: &[Rule],
    names: &[String],
    ids: &[String],
    needle: &str,
    column: RuleColumn,
    descending: bool,
) -> Vec<usize> {
    let needle = needle.trim().to_lowercase();
    let hit = |i: &u32| {
        let i = *i as usize;
        [names.get(i), ids.get(i)]
            .into_iter()
            .flatten()
            .any(|s| s.to_lowercase().contains(&needle))
    };
    let mut view: Vec<usize> = (0..rules.len())
        .filter(|&k| {
            needle.is_empty()
                || rules[k].antecedents.iter().any(hit)
                || rules[k].consequents.iter().any(hit)
        })
        .collect();
    let text = |r: &Rule, c: RuleColumn| match c {
        RuleColumn::Antecedents => itemset_names(&r.antecedents, names, " + "),
        _ => itemset_names(&r.consequents, names, " + "),
    };
    let cmp = |a: &Rule, b: &Rule| -> Ordering {
        match column {
            RuleColumn::Antecedents | RuleColumn::Consequents => {
                text(a, column).cmp(&text(b, column))
            }
            RuleColumn::Support => a.support.total_cmp(&b.support),
            RuleColumn::Confidence => a.confidence.total_cmp(&b.confidence),
            RuleColumn::Lift => a.lift.total_cmp(&b.lift),
            RuleColumn::Leverage => a.leverage.total_cmp(&b.leverage),
            RuleColumn::Conviction => a.conviction.total_cmp(&b.conviction),
            RuleColumn::Count => a.count.cmp(&b.count),
            RuleColumn::AntecedentCount => antecedent_count(a).cmp(&antecedent_count(b)),
        }
    };
    // A stable sort keeps the mining order (strongest first) among equals.
    view.sort_by(|&x, &y| {
        let o = cmp(&rules[x], &rules[y]);
        if descending { o.reverse() } else { o }
    });
    view
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recommend::interactions::{InteractionsBuilder, RawLine};

    /// Orders {a, b} ×3, {a, c}, {b}: a → b 3/4, b → a 3/4, c → a 1/1, a → c 1/4.
    fn shop() -> Interactions {
        let mut b = InteractionsBuilder::new();
        for (o, items) in [
            ("o1", "ab"),
            ("o2", "ab"),
            ("o3", "ab"),
            ("o4", "ac"),
            ("o5", "b"),
        ] {
            for i in items.chars() {
                b.push(RawLine {
                    customer: o,
                    item: &i.to_string(),
                    description: Some(&format!("ITEM {}", i.to_ascii_uppercase())),
                    order: Some(o),
                    time: "",
                    day: 0,
                    quantity: 1.0,
                });
            }
        }
        b.finish()
    }

    #[test]
    fn mines_sorts_and_filters() {
        let inter = shop();
        let opts = RuleOptions {
            min_support: 0.2,
            min_confidence: 0.2,
            ..RuleOptions::default()
        };
        let rules = purchase_rules(&inter, &opts).unwrap();
        let names: Vec<String> = (0..inter.items.len() as u32)
            .map(|i| inter.label(i).name().to_string())
            .collect();
        let text = |k: usize| {
            format!(
                "{} -> {}",
                itemset_names(&rules[k].antecedents, &names, "+"),
                itemset_names(&rules[k].consequents, &names, "+")
            )
        };
        let all = rule_view(
            &rules,
            &names,
            &inter.items,
            "",
            RuleColumn::Confidence,
            true,
        );
        let shown: Vec<String> = all.iter().map(|&k| text(k)).collect();
        assert_eq!(
            shown,
            [
                "ITEM C -> ITEM A",
                "ITEM A -> ITEM B",
                "ITEM B -> ITEM A",
                "ITEM A -> ITEM C"
            ]
        );
        let r = &rules[all[1]];
        assert_eq!((r.count, antecedent_count(r)), (3, 4));
        assert!((r.support - 0.6).abs() < 1e-12);
        // Ascending by orders with the antecedents: c (1), then a and b (4 each, mining order).
        let by_ante = rule_view(
            &rules,
            &names,
            &inter.items,
            "",
            RuleColumn::AntecedentCount,
            false,
        );
        assert_eq!(text(by_ante[0]), "ITEM C -> ITEM A");
        // Filter by a name (any case) or an id.
        let c = rule_view(
            &rules,
            &names,
            &inter.items,
            "item c",
            RuleColumn::Lift,
            true,
        );
        let shown: Vec<String> = c.iter().map(|&k| text(k)).collect();
        assert_eq!(shown, ["ITEM C -> ITEM A", "ITEM A -> ITEM C"]);
        assert_eq!(
            rule_view(&rules, &names, &inter.items, "c", RuleColumn::Lift, true).len(),
            2
        );
        assert!(rule_view(&rules, &names, &inter.items, "zzz", RuleColumn::Lift, true).is_empty());
        // By consequent name, descending.
        let by_cons = rule_view(
            &rules,
            &names,
            &inter.items,
            "",
            RuleColumn::Consequents,
            true,
        );
        assert_eq!(text(by_cons[0]), "ITEM A -> ITEM C");
        let bad = RuleOptions {
            min_support: 0.0,
            ..opts
        };
        assert!(purchase_rules(&inter, &bad).is_err());
    }
}
