//! Item-to-item collaborative filtering ("customers who bought X also bought Y"): item
//! similarities from co-purchases, each item keeping its most similar neighbours; a customer's
//! score for an item is the sum, over the items they bought, of r × similarity.
//!
//! Similarities are computed on who bought what (binary), whatever the weighting; the weights
//! r enter when a customer's purchases are summed. With c the customers who bought both i and
//! j, and n_i, n_j the buyers of each:
//! - cosine: c / √(n_i n_j); Jaccard: c / (n_i + n_j − c);
//! - shrinkage (Koren 2008): × c / (c + shrink), so a pair seen with few customers counts less.

use super::matrix::TrainSet;
use crate::error::{Error, Result};
use crate::parallel::{for_each_block, threads};
use crate::progress::{Reporter, Stage, Unit};
use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Similarity {
    Cosine,
    Jaccard,
}

impl std::str::FromStr for Similarity {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "cosine" => Ok(Similarity::Cosine),
            "jaccard" => Ok(Similarity::Jaccard),
            _ => Err(Error::InvalidArgument(format!(
                "'{s}' is not a similarity; use cosine or jaccard"
            ))),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct KnnOptions {
    pub similarity: Similarity,
    /// Shrinkage: a pair with c common buyers has its similarity multiplied by c / (c + shrink).
    pub shrink: f64,
    /// Neighbours kept per item.
    pub neighbours: usize,
    /// Threads (0: one per core).
    pub threads: usize,
}

/// The defaults: Jaccard, shrinkage 10, 50 neighbours. On Online Retail split at 2011-09-01,
/// Jaccard beat cosine and shorter neighbour lists did better than 100 or 200 (30 did best);
/// 50 is a middle value, not tuned to that split (README, "Recommendations").
impl Default for KnnOptions {
    fn default() -> Self {
        KnnOptions {
            similarity: Similarity::Jaccard,
            shrink: 10.0,
            neighbours: 50,
            threads: 0,
        }
    }
}

/// A similar item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Neighbour {
    pub item: u32,
    pub similarity: f64,
    /// Customers who bought both.
    pub common: u32,
}

#[derive(Debug, Clone, Default)]
pub struct ItemKnn {
    /// Per item, its neighbours, most similar first (ties by item number).
    pub neighbours: Vec<Vec<Neighbour>>,
    /// Distinct buyers per item.
    pub buyers: Vec<u32>,
    /// Customers with a purchase.
    pub customers: u32,
    /// Ordered pairs (i ≠ j) with at least one common buyer, before any were dropped, and the
    /// sum of their common buyers: figures to check against another implementation.
    pub pairs: u64,
    pub common_total: u64,
}

/// Similarity of two items from their common and individual buyers.
pub fn similarity(opts: &KnnOptions, common: u32, n_i: u32, n_j: u32) -> f64 {
    let (c, ni, nj) = (f64::from(common), f64::from(n_i), f64::from(n_j));
    let base = match opts.similarity {
        Similarity::Cosine => c / (ni * nj).sqrt(),
        Similarity::Jaccard => c / (ni + nj - c),
    };
    base * c / (c + opts.shrink)
}

fn best_first(a: &Neighbour, b: &Neighbour) -> std::cmp::Ordering {
    b.similarity
        .total_cmp(&a.similarity)
        .then(a.item.cmp(&b.item))
}

/// The item-item model of the purchases.
pub fn fit_itemknn(train: &TrainSet, opts: &KnnOptions, rep: &Reporter) -> Result<ItemKnn> {
    if !(opts.shrink >= 0.0 && opts.shrink.is_finite()) {
        return Err(Error::InvalidArgument(format!(
            "the shrinkage is a number of customers, 0 or more, not {}",
            opts.shrink
        )));
    }
    if opts.neighbours == 0 {
        return Err(Error::InvalidArgument(
            "keep at least one neighbour per item".into(),
        ));
    }
    let n = train.items();
    let done = AtomicU64::new(0);
    let mut out: Vec<(Vec<Neighbour>, u64, u64)> = vec![(Vec::new(), 0, 0); n];
    for_each_block(
        &mut out,
        1,
        32,
        threads(opts.threads),
        || (vec![0u32; n], Vec::<u32>::new()),
        |(co, touched), first, block| {
            rep.check()?;
            for (k, slot) in block.iter_mut().enumerate() {
                let i = first + k;
                // Common buyers of i and every other item, through i's buyers' baskets.
                for &u in train.item_users.row(i).0 {
                    for &j in train.user_items.row(u as usize).0 {
                        if j as usize != i {
                            let c = &mut co[j as usize];
                            if *c == 0 {
                                touched.push(j);
                            }
                            *c += 1;
                        }
                    }
                }
                let mut list = Vec::with_capacity(touched.len());
                let mut total = 0u64;
                for &j in touched.iter() {
                    let c = std::mem::take(&mut co[j as usize]);
                    total += u64::from(c);
                    list.push(Neighbour {
                        item: j,
                        similarity: similarity(opts, c, train.buyers[i], train.buyers[j as usize]),
                        common: c,
                    });
                }
                let pairs = touched.len() as u64;
                touched.clear();
                if list.len() > opts.neighbours {
                    list.select_nth_unstable_by(opts.neighbours - 1, best_first);
                    list.truncate(opts.neighbours);
                }
                list.sort_by(best_first);
                *slot = (list, pairs, total);
            }
            let d = done.fetch_add(block.len() as u64, Ordering::Relaxed) + block.len() as u64;
            rep.report(Stage::Fitting, d, Some(n as u64), Unit::Steps, d, false);
            Ok(())
        },
    )?;
    let (mut pairs, mut common_total) = (0, 0);
    let neighbours = out
        .into_iter()
        .map(|(list, p, t)| {
            pairs += p;
            common_total += t;
            list
        })
        .collect();
    Ok(ItemKnn {
        neighbours,
        buyers: train.buyers.clone(),
        customers: train.active_customers,
        pairs,
        common_total,
    })
}

impl ItemKnn {
    /// Adds Σ r × similarity over a customer's purchases (`items`, `weights`) into `scores`,
    /// listing each item scored for the first time in `touched`.
    pub fn accumulate(
        &self,
        items: &[u32],
        weights: &[f64],
        scores: &mut [f64],
        touched: &mut Vec<u32>,
    ) {
        for (&i, &r) in items.iter().zip(weights) {
            for nb in self
                .neighbours
                .get(i as usize)
                .map_or(&[][..], Vec::as_slice)
            {
                let s = &mut scores[nb.item as usize];
                if *s == 0.0 {
                    touched.push(nb.item);
                }
                *s += r * nb.similarity;
                if *s == 0.0 {
                    // Keep it listed even if the sum is exactly zero.
                    *s = f64::MIN_POSITIVE;
                }
            }
        }
    }

    /// The purchase that adds most to `item`'s score, and how many of the purchases add to it.
    pub fn strongest_source(
        &self,
        items: &[u32],
        weights: &[f64],
        item: u32,
    ) -> Option<(u32, Neighbour, u32)> {
        let mut best: Option<(f64, u32, Neighbour)> = None;
        let mut sources = 0;
        for (&i, &r) in items.iter().zip(weights) {
            let Some(nb) = self
                .neighbours
                .get(i as usize)
                .and_then(|l| l.iter().find(|n| n.item == item))
            else {
                continue;
            };
            sources += 1;
            let c = r * nb.similarity;
            if best.is_none_or(|(b, _, _)| c > b) {
                best = Some((c, i, *nb));
            }
        }
        best.map(|(_, i, nb)| (i, nb, sources))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recommend::interactions::{InteractionsBuilder, RawLine};
    use crate::recommend::matrix::Weighting;

    fn random_train(seed: u64) -> TrainSet {
        let mut s = seed;
        let mut next = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        let mut b = InteractionsBuilder::new();
        for _ in 0..600 {
            let (c, i) = (format!("u{}", next() % 40), format!("i{}", next() % 25));
            b.push(RawLine {
                customer: &c,
                item: &i,
                description: None,
                order: None,
                time: "",
                day: 0,
                quantity: 1.0,
            });
        }
        TrainSet::new(&b.finish(), |_| true, Weighting::Binary)
    }

    #[test]
    fn agrees_with_counting_every_pair() {
        let t = random_train(7);
        for similarity in [Similarity::Cosine, Similarity::Jaccard] {
            let opts = KnnOptions {
                similarity,
                shrink: 3.0,
                neighbours: 5,
                threads: 3,
            };
            let m = fit_itemknn(&t, &opts, &Reporter::silent()).unwrap();
            let n = t.items();
            let mut pairs = 0;
            for i in 0..n {
                // Every other item's common buyers, counted customer by customer.
                let mut all: Vec<Neighbour> = (0..n as u32)
                    .filter(|&j| j as usize != i)
                    .filter_map(|j| {
                        let common = (0..t.customers())
                            .filter(|&u| {
                                t.user_items.get(u, i as u32) > 0.0 && t.user_items.get(u, j) > 0.0
                            })
                            .count() as u32;
                        (common > 0).then(|| {
                            let (ni, nj) = (t.buyers[i] as f64, t.buyers[j as usize] as f64);
                            let c = common as f64;
                            let base = match similarity {
                                Similarity::Cosine => c / (ni * nj).sqrt(),
                                Similarity::Jaccard => c / (ni + nj - c),
                            };
                            Neighbour {
                                item: j,
                                similarity: base * c / (c + 3.0),
                                common,
                            }
                        })
                    })
                    .collect();
                pairs += all.len() as u64;
                all.sort_by(best_first);
                all.truncate(5);
                assert_eq!(m.neighbours[i], all, "item {i}, {similarity:?}");
            }
            assert_eq!(m.pairs, pairs);
        }
    }

    #[test]
    fn scores_sum_over_purchases() {
        let t = random_train(11);
        let m = fit_itemknn(&t, &KnnOptions::default(), &Reporter::silent()).unwrap();
        let (items, weights) = t.user_items.row(3);
        let mut scores = vec![0.0; t.items()];
        let mut touched = Vec::new();
        m.accumulate(items, weights, &mut scores, &mut touched);
        for j in 0..t.items() as u32 {
            let want: f64 = items
                .iter()
                .filter_map(|&i| m.neighbours[i as usize].iter().find(|n| n.item == j))
                .map(|n| n.similarity)
                .sum();
            assert!((scores[j as usize] - want).abs() < 1e-12);
            assert_eq!(touched.contains(&j), want > 0.0);
        }
        let j = touched[0];
        let (src, nb, count) = m.strongest_source(items, weights, j).unwrap();
        assert!(items.contains(&src) && nb.item == j && count >= 1);
        let bad = KnnOptions {
            shrink: -1.0,
            ..KnnOptions::default()
        };
        assert!(fit_itemknn(&t, &bad, &Reporter::silent()).is_err());
    }
}
