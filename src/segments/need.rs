//! Which behaviour lines a rule reads, so that a kept base loads only those: none for a rule
//! over the customer table, the lines of the named items for `bought(item_id = …)`, the lines
//! of one event type for `did(…)`, everything for `bought()` without an item.

use super::eval::Saved;
use super::rule::{Rule, Target};
use std::collections::BTreeSet;

/// Lines of one kind (purchases or events) that are needed, or were loaded.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Lines<T: Ord> {
    #[default]
    None,
    /// Only the lines matching one of these.
    Some(BTreeSet<T>),
    All,
}

impl<T: Ord + Clone> Lines<T> {
    fn add(&mut self, v: T) {
        match self {
            Lines::None => *self = Lines::Some(BTreeSet::from([v])),
            Lines::Some(s) => {
                s.insert(v);
            }
            Lines::All => {}
        }
    }

    /// The lines either needs.
    pub fn union(&self, other: &Lines<T>) -> Lines<T> {
        match (self, other) {
            (Lines::All, _) | (_, Lines::All) => Lines::All,
            (Lines::None, x) | (x, Lines::None) => x.clone(),
            (Lines::Some(a), Lines::Some(b)) => Lines::Some(a.union(b).cloned().collect()),
        }
    }

    /// Whether lines loaded as `self` hold every line `other` needs.
    pub fn covers(&self, other: &Lines<T>) -> bool {
        match (self, other) {
            (Lines::All, _) | (_, Lines::None) => true,
            (Lines::Some(a), Lines::Some(b)) => b.is_subset(a),
            _ => false,
        }
    }
}

/// What evaluating a rule reads beyond the customer table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Need {
    /// Purchase lines, by the values they match.
    pub purchases: Lines<(Target, String)>,
    /// Event lines, by event type.
    pub events: Lines<String>,
}

impl Need {
    /// Every line (what [`super::SegmentBase::load`] gives).
    pub fn everything() -> Need {
        Need {
            purchases: Lines::All,
            events: Lines::All,
        }
    }

    /// What `rule` reads, through the saved segments it includes.
    pub fn of(rule: &Rule, saved: &Saved) -> Need {
        let mut need = Need::default();
        let mut seen = BTreeSet::new();
        need.add(rule, saved, &mut seen);
        need
    }

    fn add<'a>(&mut self, rule: &'a Rule, saved: &'a Saved, seen: &mut BTreeSet<&'a str>) {
        rule.visit(&mut |r| match r {
            Rule::Bought(b) => match &b.matching {
                Some(m) => {
                    for v in &m.values {
                        self.purchases.add((m.target, v.clone()));
                    }
                }
                None => self.purchases = Lines::All,
            },
            Rule::Did(d) => self.events.add(d.event.clone()),
            Rule::InSegment { name } => {
                // A missing or cyclic segment is reported when the rule is evaluated.
                if let Some((n, inner)) = saved.get_key_value(name)
                    && seen.insert(n.as_str())
                {
                    self.add(inner, saved, seen);
                }
            }
            _ => {}
        });
    }

    /// What `self` or `other` needs.
    pub fn union(&self, other: &Need) -> Need {
        Need {
            purchases: self.purchases.union(&other.purchases),
            events: self.events.union(&other.events),
        }
    }

    /// Whether a base loaded for `self` can evaluate a rule that needs `other`.
    pub fn covers(&self, other: &Need) -> bool {
        self.purchases.covers(&other.purchases) && self.events.covers(&other.events)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segments::parse_rule;

    #[test]
    fn what_rules_read() {
        let saved: Saved = [
            (
                "loop".to_string(),
                parse_rule("in_segment('loop')").unwrap(),
            ),
            (
                "toys".to_string(),
                parse_rule("bought(category = 'Toys')").unwrap(),
            ),
        ]
        .into();
        let of = |t: &str| Need::of(&parse_rule(t).unwrap(), &saved);
        assert_eq!(of("orders >= 3 AND has_tag('x')"), Need::default());
        assert_eq!(of("in_segment('loop')"), Need::default());
        let n = of("bought(item_id = '85123A', min_times = 2) OR in_segment('toys')");
        assert_eq!(
            n.purchases,
            Lines::Some(BTreeSet::from([
                (Target::ItemId, "85123A".to_string()),
                (Target::Category, "Toys".to_string())
            ]))
        );
        assert_eq!(n.events, Lines::None);
        assert_eq!(
            of("bought(item_id = 'X') AND bought(min_amount = 5)").purchases,
            Lines::All
        );
        assert_eq!(
            of("did(event = 'view')").events,
            Lines::Some(BTreeSet::from(["view".to_string()]))
        );
        assert!(Need::everything().covers(&n));
        assert!(n.covers(&of("bought(item_id = '85123A')")));
        assert!(!n.covers(&of("bought(item_id = '22423')")));
        assert!(!n.covers(&of("did(event = 'view')")));
        assert!(Need::default().covers(&of("orders > 1")));
        // Unions hold what either side needs, and no more.
        let u = of("bought(item_id = '85123A')").union(&of("did(event = 'view')"));
        assert!(u.covers(&of("bought(item_id = '85123A') OR did(event = 'view')")));
        assert!(!u.covers(&of("bought(item_id = '22423')")));
        let two = of("bought(item_id = 'A')").union(&of("bought(item_id = 'B')"));
        assert!(two.covers(&of("bought(item_id = 'A') AND bought(item_id = 'B')")));
        assert_eq!(Need::default().union(&n), n);
        assert_eq!(n.union(&Need::everything()), Need::everything());
    }
}
