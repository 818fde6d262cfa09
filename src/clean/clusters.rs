//! Groups of category values that are probably one value written differently, in the spirit of
//! OpenRefine's clustering: key collision (same fingerprint), then nearest neighbours (edit
//! distance within a radius).

use super::report::fingerprint;
use std::collections::BTreeMap;

/// Values that look like one, and the value to map them to (the most frequent; ties go to the
/// first in sort order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    pub values: Vec<String>,
    pub to: String,
    /// Rows holding any of the values.
    pub rows: u64,
}

/// How values are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Same fingerprint: case, spacing, punctuation and Chinese place suffixes ignored.
    KeyCollision,
    /// Fingerprints within this many edits (insertions, deletions, substitutions) of each other.
    /// Fingerprints shorter than 4 characters are not compared, as one edit changes them too much.
    NearestNeighbour { radius: usize },
}

/// Levenshtein distance between two strings, in characters; stops early past `limit`.
pub fn edit_distance(a: &str, b: &str, limit: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        if row_min > limit {
            return limit + 1;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Clusters distinct values given with their row counts.
pub fn clusters(values: &[(String, u64)], method: Method) -> Vec<Cluster> {
    // Key collision first: values sharing a fingerprint are one node.
    let mut by_key: BTreeMap<String, Vec<(String, u64)>> = BTreeMap::new();
    for (v, n) in values {
        let k = fingerprint(v);
        if !k.is_empty() {
            by_key.entry(k).or_default().push((v.clone(), *n));
        }
    }
    let nodes: Vec<(String, Vec<(String, u64)>)> = by_key.into_iter().collect();
    // Union-find over fingerprints.
    let mut parent: Vec<usize> = (0..nodes.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    if let Method::NearestNeighbour { radius } = method {
        for (i, (a, _)) in nodes.iter().enumerate() {
            if a.chars().count() < 4 {
                continue;
            }
            for (j, (b, _)) in nodes.iter().enumerate().skip(i + 1) {
                if b.chars().count() < 4 {
                    continue;
                }
                if edit_distance(a, b, radius) <= radius {
                    let (ri, rj) = (root(&mut parent, i), root(&mut parent, j));
                    parent[rj] = ri;
                }
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<(String, u64)>> = BTreeMap::new();
    for (i, (_, members)) in nodes.iter().enumerate() {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().extend(members.iter().cloned());
    }
    let mut out: Vec<Cluster> = groups
        .into_values()
        .filter(|g| g.len() > 1)
        .map(|mut g| {
            g.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            let to = g[0].0.clone();
            let rows = g.iter().map(|(_, n)| n).sum();
            let mut values: Vec<String> = g.into_iter().map(|(v, _)| v).collect();
            values.sort();
            Cluster { values, to, rows }
        })
        .collect();
    out.sort_by(|a, b| b.rows.cmp(&a.rows).then_with(|| a.to.cmp(&b.to)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(items: &[(&str, u64)]) -> Vec<(String, u64)> {
        items.iter().map(|(s, n)| (s.to_string(), *n)).collect()
    }

    #[test]
    fn distances() {
        assert_eq!(edit_distance("kitten", "sitting", 5), 3);
        assert_eq!(edit_distance("", "abc", 5), 3);
        assert_eq!(edit_distance("北京", "北京市", 5), 1);
        assert!(edit_distance("abcdefgh", "zzzzzzzz", 2) > 2);
    }

    #[test]
    fn key_collision_groups_spellings() {
        let values = v(&[
            ("Beijing", 10),
            ("beijing ", 2),
            ("北京", 5),
            ("北京市", 7),
            ("Shanghai", 9),
        ]);
        let c = clusters(&values, Method::KeyCollision);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].values, ["Beijing", "beijing "]);
        assert_eq!(c[0].to, "Beijing");
        assert_eq!(c[0].rows, 12);
        assert_eq!(c[1].values, ["北京", "北京市"]);
        assert_eq!(c[1].to, "北京市");
    }

    #[test]
    fn nearest_neighbours_catch_typos() {
        let values = v(&[
            ("United Kingdom", 100),
            ("United Kingdon", 1),
            ("Untied Kingdom", 1),
            ("France", 50),
            ("Spain", 20),
            ("Spane", 1),
            ("EIRE", 5),
            ("ERIE", 1),
        ]);
        assert!(clusters(&values, Method::KeyCollision).is_empty());
        let c = clusters(&values, Method::NearestNeighbour { radius: 2 });
        assert_eq!(c[0].to, "United Kingdom");
        assert_eq!(c[0].values.len(), 3);
        assert!(
            c.iter()
                .any(|g| g.to == "Spain" && g.values == ["Spain", "Spane"])
        );
        assert!(c.iter().any(|g| g.to == "EIRE"));
        assert!(!c.iter().any(|g| g.values.contains(&"France".to_string())));
    }
}
