//! Plain, slow implementations the fast ones are checked against, in the tests and in
//! `examples/bench_recs.rs`: ALS on the dense matrix, item similarities from dense bitsets of
//! buyers, and Apriori.

use super::als::AlsOptions;
use super::itemknn::{KnnOptions, Neighbour, similarity};
use super::linalg::{cholesky, cholesky_solve};
use super::matrix::TrainSet;
use std::collections::{BTreeSet, HashMap};

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

/// Frequent itemsets by Apriori (Agrawal & Srikant 1994): candidates of size k + 1 joined from
/// frequent sets of size k, pruned by their subsets, counted by scanning every basket.
/// Returns (items ascending, count), ordered like `frequent_itemsets`.
pub fn apriori(baskets: &[Vec<u32>], min_count: u64, max_len: usize) -> Vec<(Vec<u32>, u64)> {
    let mut counts: HashMap<u32, u64> = HashMap::new();
    for b in baskets {
        let set: BTreeSet<u32> = b.iter().copied().collect();
        for i in set {
            *counts.entry(i).or_default() += 1;
        }
    }
    let mut level: Vec<(Vec<u32>, u64)> = counts
        .into_iter()
        .filter(|&(_, c)| c >= min_count)
        .map(|(i, c)| (vec![i], c))
        .collect();
    level.sort();
    let mut out = level.clone();
    let sorted: Vec<Vec<u32>> = baskets
        .iter()
        .map(|b| {
            let mut b = b.clone();
            b.sort_unstable();
            b.dedup();
            b
        })
        .collect();
    let mut k = 1;
    while !level.is_empty() && k < max_len {
        let frequent: BTreeSet<&[u32]> = level.iter().map(|(s, _)| s.as_slice()).collect();
        let mut candidates = Vec::new();
        for (x, (a, _)) in level.iter().enumerate() {
            for (b, _) in &level[x + 1..] {
                if a[..k - 1] != b[..k - 1] {
                    break;
                }
                let mut c = a.clone();
                c.push(b[k - 1]);
                let all_frequent = (0..c.len()).all(|skip| {
                    let sub: Vec<u32> = c
                        .iter()
                        .enumerate()
                        .filter(|&(p, _)| p != skip)
                        .map(|(_, &v)| v)
                        .collect();
                    frequent.contains(sub.as_slice())
                });
                if all_frequent {
                    candidates.push(c);
                }
            }
        }
        let mut next = Vec::new();
        for c in candidates {
            let n = sorted
                .iter()
                .filter(|b| c.iter().all(|i| b.binary_search(i).is_ok()))
                .count() as u64;
            if n >= min_count {
                next.push((c, n));
            }
        }
        out.extend(next.iter().cloned());
        level = next;
        k += 1;
    }
    out.sort_by(|a, b| a.0.len().cmp(&b.0.len()).then_with(|| a.0.cmp(&b.0)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recommend::fpgrowth::frequent_itemsets;

    #[test]
    fn apriori_agrees_with_fp_growth() {
        let mut seed = 99u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let baskets: Vec<Vec<u32>> = (0..200)
            .map(|_| (0..next() % 8).map(|_| (next() % 12) as u32).collect())
            .collect();
        for (min, len) in [(3, 2), (5, 4), (8, usize::MAX)] {
            let fp: Vec<(Vec<u32>, u64)> = frequent_itemsets(&baskets, min, len)
                .into_iter()
                .map(|s| (s.items, s.count))
                .collect();
            assert_eq!(apriori(&baskets, min, len), fp, "min {min}, len {len}");
        }
    }
}
