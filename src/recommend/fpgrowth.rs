//! Frequent itemsets by FP-growth (Han, Pei & Yin 2000): the baskets are compressed into a prefix
//! tree of frequent items, ordered by descending frequency, and mined recursively through
//! conditional trees, without generating candidates.

use std::collections::HashMap;

/// An itemset (item ids, ascending) and the number of baskets holding all of its items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Itemset {
    pub items: Vec<u32>,
    pub count: u64,
}

struct Node {
    item: u32,
    count: u64,
    parent: usize,
    children: Vec<usize>,
}

/// A prefix tree of weighted transactions, with, per item, the nodes that hold it.
struct Tree {
    nodes: Vec<Node>,
    heads: HashMap<u32, Vec<usize>>,
}

impl Tree {
    fn new() -> Self {
        Tree {
            nodes: vec![Node {
                item: u32::MAX,
                count: 0,
                parent: usize::MAX,
                children: Vec::new(),
            }],
            heads: HashMap::new(),
        }
    }

    /// Adds a path of items (already in tree order) with a weight.
    fn insert(&mut self, path: &[u32], weight: u64) {
        let mut at = 0;
        for &item in path {
            let found = self.nodes[at]
                .children
                .iter()
                .copied()
                .find(|&c| self.nodes[c].item == item);
            at = match found {
                Some(c) => {
                    self.nodes[c].count += weight;
                    c
                }
                None => {
                    let id = self.nodes.len();
                    self.nodes.push(Node {
                        item,
                        count: weight,
                        parent: at,
                        children: Vec::new(),
                    });
                    self.nodes[at].children.push(id);
                    self.heads.entry(item).or_default().push(id);
                    id
                }
            };
        }
    }

    /// The prefix paths above each node of `item`, with that node's count.
    fn prefix_paths(&self, item: u32) -> Vec<(Vec<u32>, u64)> {
        let mut out = Vec::new();
        for &n in self.heads.get(&item).map(Vec::as_slice).unwrap_or(&[]) {
            let mut path = Vec::new();
            let mut p = self.nodes[n].parent;
            while p != 0 && p != usize::MAX {
                path.push(self.nodes[p].item);
                p = self.nodes[p].parent;
            }
            path.reverse();
            out.push((path, self.nodes[n].count));
        }
        out
    }
}

/// Builds the tree of weighted transactions keeping items with at least `min_count`; returns it
/// with the frequent items and their counts, least frequent first (the mining order).
fn build(transactions: &[(Vec<u32>, u64)], min_count: u64) -> (Tree, Vec<(u32, u64)>) {
    let mut counts: HashMap<u32, u64> = HashMap::new();
    for (t, w) in transactions {
        for &i in t {
            *counts.entry(i).or_default() += w;
        }
    }
    let mut frequent: Vec<(u32, u64)> = counts
        .into_iter()
        .filter(|&(_, c)| c >= min_count)
        .collect();
    // Tree order: most frequent first, ties by id, so the tree is the same on every run.
    frequent.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let rank: HashMap<u32, usize> = frequent
        .iter()
        .enumerate()
        .map(|(r, &(i, _))| (i, r))
        .collect();
    let mut tree = Tree::new();
    let mut path = Vec::new();
    for (t, w) in transactions {
        path.clear();
        path.extend(t.iter().copied().filter(|i| rank.contains_key(i)));
        path.sort_by_key(|i| rank[i]);
        path.dedup();
        if !path.is_empty() {
            tree.insert(&path, *w);
        }
    }
    frequent.reverse();
    (tree, frequent)
}

fn mine(
    transactions: &[(Vec<u32>, u64)],
    min_count: u64,
    max_len: usize,
    suffix: &[u32],
    out: &mut Vec<Itemset>,
) {
    let (tree, frequent) = build(transactions, min_count);
    for (item, count) in frequent {
        let mut items: Vec<u32> = suffix.to_vec();
        items.push(item);
        let mut sorted = items.clone();
        sorted.sort_unstable();
        out.push(Itemset {
            items: sorted,
            count,
        });
        if items.len() < max_len {
            let base = tree.prefix_paths(item);
            if !base.is_empty() {
                mine(&base, min_count, max_len, &items, out);
            }
        }
    }
}

/// All itemsets (up to `max_len` items) held by at least `min_count` baskets.
pub fn frequent_itemsets(baskets: &[Vec<u32>], min_count: u64, max_len: usize) -> Vec<Itemset> {
    // An item counts once per basket, however many lines hold it.
    let transactions: Vec<(Vec<u32>, u64)> = baskets
        .iter()
        .map(|b| {
            let mut b = b.clone();
            b.sort_unstable();
            b.dedup();
            (b, 1)
        })
        .collect();
    let mut out = Vec::new();
    if max_len > 0 {
        mine(&transactions, min_count.max(1), max_len, &[], &mut out);
    }
    out.sort_by(|a, b| {
        a.items
            .len()
            .cmp(&b.items.len())
            .then_with(|| a.items.cmp(&b.items))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every itemset by brute force: each subset of each basket counted.
    fn brute(baskets: &[Vec<u32>], min_count: u64, max_len: usize) -> Vec<Itemset> {
        let mut counts: HashMap<Vec<u32>, u64> = HashMap::new();
        for b in baskets {
            let mut b = b.clone();
            b.sort_unstable();
            b.dedup();
            for mask in 1u32..(1 << b.len()) {
                if mask.count_ones() as usize > max_len {
                    continue;
                }
                let set: Vec<u32> = (0..b.len())
                    .filter(|i| mask & (1 << i) != 0)
                    .map(|i| b[i])
                    .collect();
                *counts.entry(set).or_default() += 1;
            }
        }
        let mut out: Vec<Itemset> = counts
            .into_iter()
            .filter(|(_, c)| *c >= min_count)
            .map(|(items, count)| Itemset { items, count })
            .collect();
        out.sort_by(|a, b| {
            a.items
                .len()
                .cmp(&b.items.len())
                .then_with(|| a.items.cmp(&b.items))
        });
        out
    }

    #[test]
    fn textbook_example() {
        // Han, Pei & Yin's example (items f c a b m p …), min support 3.
        let names = "facdgimp abcflmo bfhjo bcksp afcelpmn";
        let mut ids: HashMap<char, u32> = HashMap::new();
        let baskets: Vec<Vec<u32>> = names
            .split(' ')
            .map(|t| {
                t.chars()
                    .map(|c| {
                        let n = ids.len() as u32;
                        *ids.entry(c).or_insert(n)
                    })
                    .collect()
            })
            .collect();
        let sets = frequent_itemsets(&baskets, 3, usize::MAX);
        let id = |c: char| ids[&c];
        let find = |s: &str| {
            let mut items: Vec<u32> = s.chars().map(id).collect();
            items.sort_unstable();
            sets.iter().find(|x| x.items == items).map(|x| x.count)
        };
        assert_eq!(find("f"), Some(4));
        assert_eq!(find("c"), Some(4));
        assert_eq!(find("fcamp"), None);
        assert_eq!(find("fcam"), Some(3));
        assert_eq!(find("cp"), Some(3));
        assert_eq!(find("fp"), None);
        // The paper lists 18 frequent patterns beyond … just compare with brute force.
        assert_eq!(sets, brute(&baskets, 3, usize::MAX));
    }

    #[test]
    fn agrees_with_brute_force_on_random_baskets() {
        let mut seed = 12345u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for round in 0..20 {
            let baskets: Vec<Vec<u32>> = (0..60)
                .map(|_| {
                    let n = (next() % 7) as usize;
                    (0..n).map(|_| (next() % 9) as u32).collect()
                })
                .collect();
            for (min, len) in [(2, 2), (3, 4), (5, usize::MAX)] {
                assert_eq!(
                    frequent_itemsets(&baskets, min, len),
                    brute(&baskets, min, len),
                    "round {round}, min {min}, len {len}"
                );
            }
        }
    }
}
