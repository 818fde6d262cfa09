//! Ranking metrics of top-K recommendations, binary relevance.
//!
//! For one customer: the ranked list (rank 1 is the best; only ranks 1..=K count; an item
//! listed twice counts at its first rank only), R the set of relevant items (|R| ≥ 1; a
//! customer with no relevant item is not evaluated), hit(r) = 1 when the item at rank r is in R.
//!
//! - precision@K = Σ_{r≤K} hit(r) / K, dividing by K even when fewer than K items were listed;
//! - recall@K = Σ_{r≤K} hit(r) / |R|;
//! - AP@K = Σ_{r≤K} hit(r) · precision@r / min(K, |R|), precision@r = hits in ranks 1..=r over
//!   r; MAP@K is its mean over customers. Normalising by min(K, |R|) makes a perfect list score
//!   1 even when |R| > K;
//! - NDCG@K = DCG@K / IDCG@K with DCG@K = Σ_{r≤K} hit(r) / log2(r + 1) (rank 1 is not
//!   discounted) and IDCG@K = Σ_{r=1}^{min(K,|R|)} 1 / log2(r + 1), the DCG of a perfect list;
//! - hit rate@K: the share of customers with at least one hit.
//!
//! Over every customer's list:
//! - catalogue coverage = distinct items recommended / items in the catalogue;
//! - novelty = the mean, over every recommended (customer, item), of the item's
//!   self-information −log2(p_i), p_i the share of the training customers who bought i.

use serde::Serialize;

/// Whether each of the first `k` ranks holds a relevant item (a repeat never does).
pub fn hits(ranked: &[u32], relevant: &[u32], k: usize) -> Vec<bool> {
    let top = &ranked[..ranked.len().min(k)];
    top.iter()
        .enumerate()
        .map(|(r, i)| relevant.contains(i) && !top[..r].contains(i))
        .collect()
}

fn distinct(relevant: &[u32]) -> usize {
    let mut r = relevant.to_vec();
    r.sort_unstable();
    r.dedup();
    r.len()
}

fn count(h: &[bool]) -> usize {
    h.iter().filter(|&&x| x).count()
}

pub fn precision_at_k(ranked: &[u32], relevant: &[u32], k: usize) -> f64 {
    if k == 0 {
        return 0.0;
    }
    count(&hits(ranked, relevant, k)) as f64 / k as f64
}

pub fn recall_at_k(ranked: &[u32], relevant: &[u32], k: usize) -> f64 {
    let n = distinct(relevant);
    if n == 0 {
        return 0.0;
    }
    count(&hits(ranked, relevant, k)) as f64 / n as f64
}

pub fn average_precision_at_k(ranked: &[u32], relevant: &[u32], k: usize) -> f64 {
    let norm = k.min(distinct(relevant));
    if norm == 0 {
        return 0.0;
    }
    let mut found = 0usize;
    let mut sum = 0.0;
    for (r, hit) in hits(ranked, relevant, k).into_iter().enumerate() {
        if hit {
            found += 1;
            sum += found as f64 / (r + 1) as f64;
        }
    }
    sum / norm as f64
}

/// 1 / log2(rank + 1), rank counted from 1.
fn discount(rank: usize) -> f64 {
    1.0 / ((rank + 1) as f64).log2()
}

pub fn ndcg_at_k(ranked: &[u32], relevant: &[u32], k: usize) -> f64 {
    let ideal: f64 = (1..=k.min(distinct(relevant))).map(discount).sum();
    if ideal == 0.0 {
        return 0.0;
    }
    let dcg: f64 = hits(ranked, relevant, k)
        .into_iter()
        .enumerate()
        .filter(|&(_, h)| h)
        .map(|(r, _)| discount(r + 1))
        .sum();
    dcg / ideal
}

pub fn hit_at_k(ranked: &[u32], relevant: &[u32], k: usize) -> bool {
    hits(ranked, relevant, k).contains(&true)
}

/// Self-information −log2(buyers / customers) of an item; infinite for an item nobody bought.
pub fn self_information(buyers: u32, customers: u32) -> f64 {
    -(f64::from(buyers) / f64::from(customers.max(1))).log2()
}

/// The metrics of a recommender over the customers evaluated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Metrics {
    pub precision: f64,
    pub recall: f64,
    pub map: f64,
    pub ndcg: f64,
    pub hit_rate: f64,
    pub coverage: f64,
    pub novelty: f64,
    /// Customers evaluated.
    pub customers: usize,
}

/// Sums of the per-customer metrics, to be averaged by [`finish`](Self::finish).
#[derive(Debug, Clone)]
pub struct MetricsSum {
    k: usize,
    customers: usize,
    precision: f64,
    recall: f64,
    ap: f64,
    ndcg: f64,
    hits: usize,
    recommended: Vec<bool>,
    novelty: f64,
    listed: usize,
}

impl MetricsSum {
    /// For lists cut at `k` over a catalogue of item numbers below `items`.
    pub fn new(k: usize, items: usize) -> Self {
        MetricsSum {
            k,
            customers: 0,
            precision: 0.0,
            recall: 0.0,
            ap: 0.0,
            ndcg: 0.0,
            hits: 0,
            recommended: vec![false; items],
            novelty: 0.0,
            listed: 0,
        }
    }

    /// Adds one customer's list; `information` gives an item's self-information.
    pub fn add(&mut self, ranked: &[u32], relevant: &[u32], information: impl Fn(u32) -> f64) {
        let k = self.k;
        self.customers += 1;
        self.precision += precision_at_k(ranked, relevant, k);
        self.recall += recall_at_k(ranked, relevant, k);
        self.ap += average_precision_at_k(ranked, relevant, k);
        self.ndcg += ndcg_at_k(ranked, relevant, k);
        self.hits += usize::from(hit_at_k(ranked, relevant, k));
        for &i in &ranked[..ranked.len().min(k)] {
            if let Some(seen) = self.recommended.get_mut(i as usize) {
                *seen = true;
            }
            self.novelty += information(i);
            self.listed += 1;
        }
    }

    /// The means; coverage over a catalogue of `catalogue` items.
    pub fn finish(&self, catalogue: usize) -> Metrics {
        let n = self.customers.max(1) as f64;
        let covered = self.recommended.iter().filter(|&&x| x).count();
        Metrics {
            precision: self.precision / n,
            recall: self.recall / n,
            map: self.ap / n,
            ndcg: self.ndcg / n,
            hit_rate: self.hits as f64 / n,
            coverage: covered as f64 / catalogue.max(1) as f64,
            novelty: if self.listed > 0 {
                self.novelty / self.listed as f64
            } else {
                0.0
            },
            customers: self.customers,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    }

    #[test]
    fn a_list_by_hand() {
        // Ranks 1..5 = [1, 2, 3, 4, 5], relevant {1, 3, 6}: hits at ranks 1 and 3.
        let (ranked, rel) = ([1, 2, 3, 4, 5], [1, 3, 6]);
        close(precision_at_k(&ranked, &rel, 5), 2.0 / 5.0);
        close(recall_at_k(&ranked, &rel, 5), 2.0 / 3.0);
        // (1/1 + 2/3) / min(5, 3).
        close(
            average_precision_at_k(&ranked, &rel, 5),
            (1.0 + 2.0 / 3.0) / 3.0,
        );
        // DCG = 1/log2(2) + 1/log2(4) = 1.5; IDCG = 1 + 1/log2(3) + 1/log2(4).
        close(
            ndcg_at_k(&ranked, &rel, 5),
            1.5 / (1.0 + 1.0 / 3f64.log2() + 0.5),
        );
        assert!(hit_at_k(&ranked, &rel, 5));
        // Cut at 2: one hit, at rank 1.
        close(precision_at_k(&ranked, &rel, 2), 0.5);
        close(average_precision_at_k(&ranked, &rel, 2), 1.0 / 2.0);
        close(ndcg_at_k(&ranked, &rel, 2), 1.0 / (1.0 + 1.0 / 3f64.log2()));
    }

    #[test]
    fn the_off_by_one_traps() {
        // A perfect list shorter than |R|: AP and NDCG normalise by min(K, |R|) = 2, so 1.
        close(average_precision_at_k(&[1, 3], &[1, 3, 6], 2), 1.0);
        close(ndcg_at_k(&[1, 3], &[1, 3, 6], 2), 1.0);
        close(recall_at_k(&[1, 3], &[1, 3, 6], 2), 2.0 / 3.0);
        // Fewer items listed than K: precision still divides by K; AP by min(K, |R|) = 1.
        close(precision_at_k(&[7], &[7], 10), 0.1);
        close(average_precision_at_k(&[7], &[7], 10), 1.0);
        close(ndcg_at_k(&[7], &[7], 10), 1.0);
        // Rank 1 is not discounted (log2(1 + 1) = 1); a hit at rank 2 gets 1/log2(3).
        close(ndcg_at_k(&[9, 1], &[1], 2), 1.0 / 3f64.log2());
        close(average_precision_at_k(&[9, 1], &[1], 2), 0.5);
        // Items past K do not count.
        let late = [5, 6, 1];
        close(precision_at_k(&late, &[1], 2), 0.0);
        close(recall_at_k(&late, &[1], 2), 0.0);
        close(ndcg_at_k(&late, &[1], 2), 0.0);
        assert!(!hit_at_k(&late, &[1], 2));
        // A repeated item counts once; repeated relevant ids are one item.
        close(precision_at_k(&[1, 1], &[1, 1], 2), 0.5);
        close(recall_at_k(&[1, 1], &[1, 1, 2], 2), 0.5);
        close(average_precision_at_k(&[1, 1], &[1], 2), 1.0);
        // Nothing relevant: 0, not NaN.
        close(recall_at_k(&[1], &[], 1), 0.0);
        close(ndcg_at_k(&[1], &[], 1), 0.0);
        close(average_precision_at_k(&[1], &[], 1), 0.0);
    }

    #[test]
    fn coverage_novelty_and_means() {
        // Item 0 bought by 50 of 100 training customers (1 bit), item 1 by 25 (2 bits).
        close(self_information(50, 100), 1.0);
        close(self_information(25, 100), 2.0);
        let info = |i: u32| [1.0, 2.0, 3.0][i as usize];
        let mut m = MetricsSum::new(2, 10);
        m.add(&[0, 1], &[1], info); // P 1/2, R 1, AP 1/2, NDCG 1/log2(3), hit
        m.add(&[1, 2, 0], &[5, 6], info); // nothing; item 0 is past K
        let r = m.finish(10);
        close(r.precision, 0.25);
        close(r.recall, 0.5);
        close(r.map, 0.25);
        close(r.ndcg, 0.5 / 3f64.log2());
        close(r.hit_rate, 0.5);
        // Items 0, 1, 2 of 10.
        close(r.coverage, 0.3);
        // (1 + 2 + 2 + 3) / 4 listed.
        close(r.novelty, 2.0);
        assert_eq!(r.customers, 2);
    }
}
