//! Plain, slow implementations the fast ones are checked against, in the tests and in
//! `examples/bench_recs.rs`: ALS on the dense matrix, item similarities from dense bitsets of
//! buyers, and rules of up to three items by counting.

use super::als::AlsOptions;
use super::itemknn::{KnnOptions, Neighbour, similarity};
use super::linalg::{cholesky, cholesky_solve};
use super::matrix::TrainSet;
use super::rules::{Rule, RuleOptions};
use std::collections::HashMap;

/// One dense sweep: for every row r of the `rows` × `cols` matrix `conf` (c − 1 = α r_ui, zero
/// when not bought) solves (Σ_c c_rc z_c z_cᵀ + λI) x = Σ_c c_rc p_rc z_c, summing over every
/// column, bought or not.
fn dense_sweep(
    prefer: &dyn Fn(usize, usize) -> f64,
    rows: usize,
    cols: usize,
    fixed: &[f64],
    opts: &AlsOptions,
) -> Vec<f64> {
    let f = opts.factors;
    let mut out = vec![0.0; rows * f];
    for r in 0..rows {
        let mut a = vec![0.0; f * f];
        let mut b = vec![0.0; f];
        for p in 0..f {
            a[p * f + p] = opts.regularization;
        }
        for c in 0..cols {
            let w = prefer(r, c);
            let conf = 1.0 + opts.alpha * w;
            let p_rc = if w > 0.0 { 1.0 } else { 0.0 };
            let z = &fixed[c * f..(c + 1) * f];
            for p in 0..f {
                for q in 0..f {
                    a[p * f + q] += conf * z[p] * z[q];
                }
                b[p] += conf * p_rc * z[p];
            }
        }
        if cholesky(&mut a, f) {
            cholesky_solve(&a, f, &mut b);
            out[r * f..(r + 1) * f].copy_from_slice(&b);
        }
    }
    out
}

/// ALS the textbook way, every customer's system summed over every item: (customer factors,
/// item factors) after `opts.iterations` sweeps from `start`, items solved first as in
/// [`fit_als_from`](super::als::fit_als_from).
pub fn als_dense(train: &TrainSet, opts: &AlsOptions, start: Vec<f64>) -> (Vec<f64>, Vec<f64>) {
    let (nu, ni) = (train.customers(), train.items());
    let r = |u: usize, i: usize| train.user_items.get(u, i as u32);
    let mut users = start;
    let mut items = vec![0.0; ni * opts.factors];
    for _ in 0..opts.iterations {
        items = dense_sweep(&|i, u| r(u, i), ni, nu, &users, opts);
        users = dense_sweep(&|u, i| r(u, i), nu, ni, &items, opts);
    }
    (users, items)
}

/// Every item's neighbours computed from a dense bitset of its buyers per item: common buyers
/// of a pair are the popcount of the AND of two bitsets. Also returns the pairs with a common
/// buyer and the sum of their common buyers, as [`ItemKnn`](super::itemknn::ItemKnn) counts them.
pub fn knn_bitsets(train: &TrainSet, opts: &KnnOptions) -> (Vec<Vec<Neighbour>>, u64, u64) {
    let (nu, ni) = (train.customers(), train.items());
    let words = nu.div_ceil(64);
    let mut bits = vec![0u64; ni * words];
    for u in 0..nu {
        for &i in train.user_items.row(u).0 {
            bits[i as usize * words + u / 64] |= 1 << (u % 64);
        }
    }
    let (mut pairs, mut total) = (0u64, 0u64);
    let mut all = Vec::with_capacity(ni);
    for i in 0..ni {
        let bi = &bits[i * words..(i + 1) * words];
        let mut list = Vec::new();
        for j in 0..ni {
            if j == i {
                continue;
            }
            let bj = &bits[j * words..(j + 1) * words];
            let common: u32 = bi.iter().zip(bj).map(|(a, b)| (a & b).count_ones()).sum();
            if common > 0 {
                pairs += 1;
                total += u64::from(common);
                list.push(Neighbour {
                    item: j as u32,
                    similarity: similarity(opts, common, train.buyers[i], train.buyers[j]),
                    common,
                });
            }
        }
        list.sort_by(|a, b| {
            b.similarity
                .total_cmp(&a.similarity)
                .then(a.item.cmp(&b.item))
        });
        list.truncate(opts.neighbours);
        all.push(list);
    }
    (all, pairs, total)
}

/// Rules of two and three items by plain counting, basket by basket: items; pairs of frequent
/// items in a dense table; triples whose three pairs are frequent (any frequent triple is one).
/// The measures, threshold and order are those of
/// [`association_rules`](super::rules::association_rules) with `max_len` 3 (or 2) and one item
/// after the arrow.
pub fn rules_by_counting(baskets: &[Vec<u32>], n_items: usize, opts: &RuleOptions) -> Vec<Rule> {
    let n = baskets.len();
    if n == 0 {
        return Vec::new();
    }
    let nf = n as f64;
    let min_count = ((opts.min_support * nf) - 1e-9).ceil().max(1.0) as u64;
    let baskets: Vec<Vec<u32>> = baskets
        .iter()
        .map(|b| {
            let mut b = b.clone();
            b.sort_unstable();
            b.dedup();
            b
        })
        .collect();
    let mut single = vec![0u64; n_items];
    for &i in baskets.iter().flatten() {
        single[i as usize] += 1;
    }
    let frequent: Vec<u32> = (0..n_items as u32)
        .filter(|&i| single[i as usize] >= min_count)
        .collect();
    let mut slot = vec![usize::MAX; n_items];
    for (k, &i) in frequent.iter().enumerate() {
        slot[i as usize] = k;
    }
    let f = frequent.len();
    let kept: Vec<Vec<u32>> = baskets
        .iter()
        .map(|b| {
            b.iter()
                .copied()
                .filter(|&i| slot[i as usize] != usize::MAX)
                .collect()
        })
        .collect();
    let mut pair = vec![0u64; f * f];
    for b in &kept {
        for (x, &a) in b.iter().enumerate() {
            for &c in &b[x + 1..] {
                pair[slot[a as usize] * f + slot[c as usize]] += 1;
            }
        }
    }
    let pc = |a: u32, b: u32| pair[slot[a as usize] * f + slot[b as usize]];
    let mut triple: HashMap<(u32, u32, u32), u64> = HashMap::new();
    if opts.max_len >= 3 {
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
    }
    let mut rules = Vec::new();
    let mut add = |antecedents: Vec<u32>, cons: u32, both: u64, ca: u64| {
        let support = both as f64 / nf;
        let (sa, sc) = (ca as f64 / nf, single[cons as usize] as f64 / nf);
        let confidence = both as f64 / ca as f64;
        let lift = confidence / sc;
        if confidence + 1e-12 < opts.min_confidence || lift + 1e-12 < opts.min_lift {
            return;
        }
        rules.push(Rule {
            antecedents,
            consequents: vec![cons],
            count: both,
            support,
            confidence,
            lift,
            leverage: support - sa * sc,
            conviction: if confidence >= 1.0 {
                f64::INFINITY
            } else {
                (1.0 - sc) / (1.0 - confidence)
            },
        });
    };
    if opts.max_len >= 2 {
        for (x, &a) in frequent.iter().enumerate() {
            for &b in &frequent[x + 1..] {
                let both = pc(a, b);
                if both >= min_count {
                    add(vec![a], b, both, single[a as usize]);
                    add(vec![b], a, both, single[b as usize]);
                }
            }
        }
    }
    for (&(a, b, c), &both) in &triple {
        if both >= min_count {
            add(vec![b, c], a, both, pc(b, c));
            add(vec![a, c], b, both, pc(a, c));
            add(vec![a, b], c, both, pc(a, b));
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
    use crate::recommend::rules::association_rules;

    #[test]
    fn counting_agrees_with_fp_growth_rules() {
        let mut seed = 99u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let baskets: Vec<Vec<u32>> = (0..300)
            .map(|_| (0..next() % 8).map(|_| (next() % 12) as u32).collect())
            .collect();
        for (support, len) in [(0.01, 2), (0.02, 3), (0.05, 3)] {
            let opts = RuleOptions {
                min_support: support,
                min_confidence: 0.1,
                min_lift: 0.0,
                max_len: len,
                max_consequent: 1,
            };
            let want = rules_by_counting(&baskets, 12, &opts);
            assert!(want.iter().any(|r| r.antecedents.len() + 1 == len));
            assert_eq!(association_rules(&baskets, &opts), want, "{support} {len}");
        }
    }
}
