//! How saved segments overlap: a matrix of shared customers and Jaccard indices, and the region
//! counts of a Venn diagram for two or three of them.

use super::base::SegmentBase;
use super::eval::{Members, Saved};
use super::rule::Rule;
use crate::Result;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overlap {
    pub names: Vec<String>,
    pub sizes: Vec<usize>,
    /// `shared[i][j]`: customers in both i and j (the diagonal: the sizes).
    pub shared: Vec<Vec<usize>>,
    /// |i ∩ j| ÷ |i ∪ j|; 1 on the diagonal, 0 when both are empty.
    pub jaccard: Vec<Vec<f64>>,
    /// Each segment's members, for the Venn view.
    #[serde(skip)]
    pub members: Vec<Members>,
}

/// The overlap of the named rules.
pub fn overlap(base: &SegmentBase, rules: &[(String, Rule)], saved: &Saved) -> Result<Overlap> {
    let members: Vec<Members> = rules
        .iter()
        .map(|(_, r)| super::eval::members(base, r, saved))
        .collect::<Result<_>>()?;
    let k = rules.len();
    let sizes: Vec<usize> = members.iter().map(|m| super::eval::count(m)).collect();
    let mut shared = vec![vec![0usize; k]; k];
    let mut jaccard = vec![vec![0.0; k]; k];
    for i in 0..k {
        for j in 0..k {
            let both = members[i]
                .iter()
                .zip(&members[j])
                .filter(|(a, b)| **a && **b)
                .count();
            shared[i][j] = both;
            let union = sizes[i] + sizes[j] - both;
            jaccard[i][j] = if union == 0 {
                0.0
            } else {
                both as f64 / union as f64
            };
        }
    }
    Ok(Overlap {
        names: rules.iter().map(|(n, _)| n.clone()).collect(),
        sizes,
        shared,
        jaccard,
        members,
    })
}

/// Customers in exactly each combination of the given member lists (2 or 3): index `mask`
/// (bit i set = in list i), for mask 1 … 2^k − 1.
pub fn venn_regions(lists: &[&Members]) -> Vec<usize> {
    let k = lists.len().min(3);
    let mut out = vec![0usize; 1 << k];
    let n = lists.first().map_or(0, |l| l.len());
    for c in 0..n {
        let mut mask = 0usize;
        for (i, l) in lists.iter().take(k).enumerate() {
            if l[c] {
                mask |= 1 << i;
            }
        }
        out[mask] += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn venn_counts_each_region_once() {
        let a = vec![true, true, false, false, true];
        let b = vec![true, false, true, false, true];
        let c = vec![false, false, false, false, true];
        let r = venn_regions(&[&a, &b, &c]);
        // mask: 0 none, 1 a, 2 b, 3 ab, 4 c, 7 abc
        assert_eq!(r, vec![1, 1, 1, 1, 0, 0, 0, 1]);
        assert_eq!(r.iter().sum::<usize>(), 5);
    }
}
