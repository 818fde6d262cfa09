//! The baseline: the most bought items, overall or within a group of customers (a segment).

use super::matrix::TrainSet;

/// Items ranked by how much they were bought.
#[derive(Debug, Clone, Default)]
pub struct Popular {
    /// Σ r over the customers counted, per item (with binary weights: the buyers).
    pub scores: Vec<f64>,
    /// Distinct buyers among the customers counted, per item.
    pub buyers: Vec<u32>,
    /// The customers counted who bought anything.
    pub customers: u32,
    /// Counted within a group rather than over everyone.
    pub in_group: bool,
    /// Items with a buyer, best first (score, then buyers, then item number).
    pub ranked: Vec<u32>,
}

/// Popularity over every customer, or over `group` (customer numbers) when given.
pub fn fit_popular(train: &TrainSet, group: Option<&[u32]>) -> Popular {
    let n_items = train.items();
    let mut scores = vec![0.0; n_items];
    let mut buyers = vec![0u32; n_items];
    let mut customers = 0u32;
    let mut count = |u: usize| {
        let (idx, val) = train.user_items.row(u);
        if !idx.is_empty() {
            customers += 1;
        }
        for (&i, &r) in idx.iter().zip(val) {
            scores[i as usize] += r;
            buyers[i as usize] += 1;
        }
    };
    match group {
        Some(g) => {
            let mut seen = vec![false; train.customers()];
            for &u in g {
                if let Some(s) = seen.get_mut(u as usize)
                    && !*s
                {
                    *s = true;
                    count(u as usize);
                }
            }
        }
        None => (0..train.customers()).for_each(&mut count),
    }
    let mut ranked: Vec<u32> = (0..n_items as u32)
        .filter(|&i| buyers[i as usize] > 0)
        .collect();
    ranked.sort_by(|&a, &b| {
        let (a, b) = (a as usize, b as usize);
        scores[b]
            .total_cmp(&scores[a])
            .then(buyers[b].cmp(&buyers[a]))
            .then(a.cmp(&b))
    });
    Popular {
        scores,
        buyers,
        customers,
        in_group: group.is_some(),
        ranked,
    }
}

impl Popular {
    /// The best `k` items for which `skip` is false, with their scores.
    pub fn top(&self, k: usize, skip: impl Fn(u32) -> bool) -> Vec<(u32, f64)> {
        self.ranked
            .iter()
            .copied()
            .filter(|&i| !skip(i))
            .take(k)
            .map(|i| (i, self.scores[i as usize]))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recommend::interactions::{InteractionsBuilder, RawLine};
    use crate::recommend::matrix::Weighting;

    #[test]
    fn overall_and_within_a_group() {
        let mut b = InteractionsBuilder::new();
        // a: u0 u1 u2; b: u2 u3 (u3 twice); c: u3.
        for (c, i) in [
            ("u0", "a"),
            ("u1", "a"),
            ("u2", "a"),
            ("u2", "b"),
            ("u3", "b"),
            ("u3", "b"),
            ("u3", "c"),
        ] {
            b.push(RawLine {
                customer: c,
                item: i,
                description: None,
                order: None,
                time: c,
                day: 0,
                quantity: 1.0,
            });
        }
        let inter = b.finish();
        let t = TrainSet::new(&inter, |_| true, Weighting::Binary);
        let p = fit_popular(&t, None);
        assert_eq!(p.ranked, [0, 1, 2]);
        assert_eq!(p.buyers, [3, 2, 1]);
        assert_eq!(p.customers, 4);
        assert_eq!(p.top(2, |i| i == 0), [(1, 2.0), (2, 1.0)]);
        let g = fit_popular(&t, Some(&[3, 2, 3]));
        assert_eq!(g.customers, 2);
        assert_eq!(g.buyers, [1, 2, 1]);
        // b first; a and c tie on score and buyers: by number.
        assert_eq!(g.ranked, [1, 0, 2]);
        assert!(g.in_group);
    }
}
