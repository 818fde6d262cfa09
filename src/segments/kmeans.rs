//! k-means clusters of customers on chosen numeric columns, turned into segment rules.
//!
//! Features are standardised (mean 0, standard deviation 1); customers missing a feature are in
//! no cluster. The fit is k-means++ seeding then Lloyd's iterations, best of four seeded starts.
//! k is chosen from an elbow (inertia) or silhouette table over a range of k.
//!
//! A cluster becomes an ordinary rule: "nearest to centroid j" is, for each other centroid i, one
//! linear inequality in the raw columns (the squared distances' quadratic terms cancel), so the
//! rule runs in memory, in SQL and on a warehouse like any other.

use super::rule::Rule;
use crate::rng::SplitMix64 as Rng;
use crate::{Error, Result};
use polars::prelude::*;
use serde::Serialize;

/// A fitted model: the standardisation and the centroids (in standard units).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KMeansModel {
    pub features: Vec<String>,
    pub means: Vec<f64>,
    pub stds: Vec<f64>,
    pub centroids: Vec<Vec<f64>>,
}

/// A cluster described against the whole base.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterProfile {
    pub size: usize,
    pub share: f64,
    /// Each feature's mean in the cluster (raw units), in the model's feature order.
    pub means: Vec<f64>,
    /// Features sorted by how far the cluster's mean is from the base's, in standard units
    /// (signed): what makes the cluster distinct comes first.
    pub distinctive: Vec<(String, f64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KMeansFit {
    pub model: KMeansModel,
    /// Each customer's cluster; none when a feature is missing.
    pub assignments: Vec<Option<usize>>,
    pub inertia: f64,
    pub profiles: Vec<ClusterProfile>,
}

/// One row of the table that helps choose k.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct KChoice {
    pub k: usize,
    pub inertia: f64,
    /// Mean silhouette on a seeded sample of at most 2,000 customers.
    pub silhouette: f64,
}

/// The standardised rows (customers with every feature), their indices, means and stds.
struct Data {
    rows: Vec<Vec<f64>>,
    index: Vec<usize>,
    means: Vec<f64>,
    stds: Vec<f64>,
}

fn data(frame: &DataFrame, features: &[String]) -> Result<Data> {
    if features.is_empty() {
        return Err(Error::InvalidArgument(
            "choose at least one numeric column for the clusters".into(),
        ));
    }
    let mut cols = Vec::new();
    for f in features {
        let c = frame.column(f).map_err(|_| {
            Error::InvalidArgument(format!("the customer table has no column '{f}'"))
        })?;
        if !c.dtype().is_primitive_numeric() {
            return Err(Error::InvalidArgument(format!(
                "'{f}' is not a number column; clusters need numbers"
            )));
        }
        let v: Vec<Option<f64>> = c.cast(&DataType::Float64)?.f64()?.iter().collect();
        cols.push(v);
    }
    let n = frame.height();
    let mut rows = Vec::new();
    let mut index = Vec::new();
    for i in 0..n {
        let row: Option<Vec<f64>> = cols
            .iter()
            .map(|c| c[i].filter(|x| x.is_finite()))
            .collect();
        if let Some(r) = row {
            rows.push(r);
            index.push(i);
        }
    }
    if rows.len() < 2 {
        return Err(Error::InvalidArgument(
            "fewer than two customers have every chosen column".into(),
        ));
    }
    let d = features.len();
    let m = rows.len() as f64;
    let means: Vec<f64> = (0..d)
        .map(|j| rows.iter().map(|r| r[j]).sum::<f64>() / m)
        .collect();
    let stds: Vec<f64> = (0..d)
        .map(|j| {
            let var = rows.iter().map(|r| (r[j] - means[j]).powi(2)).sum::<f64>() / m;
            if var > 0.0 { var.sqrt() } else { 1.0 }
        })
        .collect();
    for r in &mut rows {
        for j in 0..d {
            r[j] = (r[j] - means[j]) / stds[j];
        }
    }
    Ok(Data {
        rows,
        index,
        means,
        stds,
    })
}

fn dist2(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

fn nearest(row: &[f64], centroids: &[Vec<f64>]) -> (usize, f64) {
    let mut best = (0, f64::INFINITY);
    for (j, c) in centroids.iter().enumerate() {
        let d = dist2(row, c);
        if d < best.1 {
            best = (j, d);
        }
    }
    best
}

/// One run of k-means++ and Lloyd: centroids, assignments, inertia.
fn run(rows: &[Vec<f64>], k: usize, rng: &mut Rng) -> (Vec<Vec<f64>>, Vec<usize>, f64) {
    let n = rows.len();
    let mut centroids = vec![rows[(rng.next_u64() % n as u64) as usize].clone()];
    let mut d2: Vec<f64> = rows.iter().map(|r| dist2(r, &centroids[0])).collect();
    while centroids.len() < k {
        let total: f64 = d2.iter().sum();
        let pick = if total > 0.0 {
            let mut t = rng.uniform() * total;
            let mut chosen = n - 1;
            for (i, d) in d2.iter().enumerate() {
                t -= d;
                if t <= 0.0 {
                    chosen = i;
                    break;
                }
            }
            chosen
        } else {
            (rng.next_u64() % n as u64) as usize
        };
        centroids.push(rows[pick].clone());
        for (i, r) in rows.iter().enumerate() {
            d2[i] = d2[i].min(dist2(r, &centroids[centroids.len() - 1]));
        }
    }
    let dims = rows[0].len();
    let mut assign = vec![0usize; n];
    let mut inertia = f64::INFINITY;
    for _ in 0..100 {
        let mut changed = false;
        let mut total = 0.0;
        for (i, r) in rows.iter().enumerate() {
            let (j, d) = nearest(r, &centroids);
            if assign[i] != j {
                assign[i] = j;
                changed = true;
            }
            total += d;
        }
        let mut sums = vec![vec![0.0; dims]; k];
        let mut counts = vec![0usize; k];
        for (r, &j) in rows.iter().zip(&assign) {
            counts[j] += 1;
            for (s, x) in sums[j].iter_mut().zip(r) {
                *s += x;
            }
        }
        for j in 0..k {
            if counts[j] > 0 {
                centroids[j] = sums[j].iter().map(|s| s / counts[j] as f64).collect();
            }
        }
        inertia = total;
        if !changed {
            break;
        }
    }
    // The inertia of the final centroids.
    let inertia_final: f64 = rows
        .iter()
        .zip(&assign)
        .map(|(r, &j)| dist2(r, &centroids[j]))
        .sum();
    (centroids, assign, inertia_final.min(inertia))
}

fn best_of(rows: &[Vec<f64>], k: usize, seed: u64) -> (Vec<Vec<f64>>, Vec<usize>, f64) {
    let mut rng = Rng(seed);
    let mut best = run(rows, k, &mut rng);
    for _ in 1..4 {
        let r = run(rows, k, &mut rng);
        if r.2 < best.2 {
            best = r;
        }
    }
    best
}

/// Fits k clusters.
pub fn fit(frame: &DataFrame, features: &[String], k: usize, seed: u64) -> Result<KMeansFit> {
    let d = data(frame, features)?;
    if k < 2 || k > d.rows.len() {
        return Err(Error::InvalidArgument(format!(
            "k must be between 2 and the number of customers with every column ({})",
            d.rows.len()
        )));
    }
    let (centroids, assign, inertia) = best_of(&d.rows, k, seed);
    let mut assignments = vec![None; frame.height()];
    for (&i, &j) in d.index.iter().zip(&assign) {
        assignments[i] = Some(j);
    }
    let dims = features.len();
    let profiles = (0..k)
        .map(|j| {
            let members: Vec<&Vec<f64>> = d
                .rows
                .iter()
                .zip(&assign)
                .filter(|(_, a)| **a == j)
                .map(|(r, _)| r)
                .collect();
            let size = members.len();
            let z: Vec<f64> = (0..dims)
                .map(|f| members.iter().map(|r| r[f]).sum::<f64>() / size.max(1) as f64)
                .collect();
            let means = (0..dims).map(|f| d.means[f] + z[f] * d.stds[f]).collect();
            let mut distinctive: Vec<(String, f64)> =
                features.iter().cloned().zip(z.iter().copied()).collect();
            distinctive.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
            ClusterProfile {
                size,
                share: size as f64 / frame.height().max(1) as f64,
                means,
                distinctive,
            }
        })
        .collect();
    Ok(KMeansFit {
        model: KMeansModel {
            features: features.to_vec(),
            means: d.means,
            stds: d.stds,
            centroids,
        },
        assignments,
        inertia,
        profiles,
    })
}

/// Inertia and silhouette for each k in `ks`, to choose k.
pub fn choose_k(
    frame: &DataFrame,
    features: &[String],
    ks: &[usize],
    seed: u64,
) -> Result<Vec<KChoice>> {
    let d = data(frame, features)?;
    // A seeded sample for the silhouette (it is quadratic).
    let mut rng = Rng(seed ^ 0x5151);
    let sample: Vec<usize> = if d.rows.len() <= 2_000 {
        (0..d.rows.len()).collect()
    } else {
        (0..2_000)
            .map(|_| (rng.next_u64() % d.rows.len() as u64) as usize)
            .collect()
    };
    ks.iter()
        .filter(|&&k| k >= 2 && k <= d.rows.len())
        .map(|&k| {
            let (_, assign, inertia) = best_of(&d.rows, k, seed);
            Ok(KChoice {
                k,
                inertia,
                silhouette: silhouette(&d.rows, &assign, k, &sample),
            })
        })
        .collect()
}

/// Mean silhouette over `sample` (distances to the sample's points only).
fn silhouette(rows: &[Vec<f64>], assign: &[usize], k: usize, sample: &[usize]) -> f64 {
    let mut total = 0.0;
    let mut n = 0usize;
    for &i in sample {
        let mut sum = vec![0.0; k];
        let mut cnt = vec![0usize; k];
        for &j in sample {
            if i == j {
                continue;
            }
            sum[assign[j]] += dist2(&rows[i], &rows[j]).sqrt();
            cnt[assign[j]] += 1;
        }
        let own = assign[i];
        if cnt[own] == 0 {
            continue; // a singleton scores 0 by convention
        }
        let a = sum[own] / cnt[own] as f64;
        let b = (0..k)
            .filter(|&c| c != own && cnt[c] > 0)
            .map(|c| sum[c] / cnt[c] as f64)
            .fold(f64::INFINITY, f64::min);
        if b.is_finite() {
            total += (b - a) / a.max(b).max(f64::MIN_POSITIVE);
        }
        n += 1;
    }
    if n == 0 { 0.0 } else { total / n as f64 }
}

/// Six significant digits, in the expression language.
fn num(x: f64) -> String {
    let s = format!("{x:.6e}");
    // Back to a plain decimal the parser reads.
    s.parse::<f64>().map_or_else(
        |_| "0".into(),
        |v| {
            let t = format!("{v}");
            if t.contains('e') {
                format!("{v:.10}")
            } else {
                t
            }
        },
    )
}

impl KMeansModel {
    /// The rule "nearest to centroid `j`": for each other centroid i, in raw columns x,
    /// Σ_f (c_jf − c_if)/σ_f · x_f ≥ Σ_f (c_jf − c_if)·μ_f/σ_f + (|c_j|² − |c_i|²)/2.
    pub fn rule(&self, j: usize) -> Result<Rule> {
        let cj = self
            .centroids
            .get(j)
            .ok_or_else(|| Error::InvalidArgument(format!("there is no cluster {}", j + 1)))?;
        let norm = |c: &[f64]| c.iter().map(|x| x * x).sum::<f64>();
        let mut parts = Vec::new();
        for (i, ci) in self.centroids.iter().enumerate() {
            if i == j {
                continue;
            }
            let mut lhs = Vec::new();
            let mut rhs = (norm(cj) - norm(ci)) / 2.0;
            for (f, name) in self.features.iter().enumerate() {
                let w = (cj[f] - ci[f]) / self.stds[f];
                rhs += w * self.means[f];
                let col = crate::expr::Expr::Column(name.clone()).to_string();
                lhs.push(format!("{} * {col}", num(w)));
            }
            parts.push(format!("{} >= {}", lhs.join(" + "), num(rhs)));
        }
        if parts.is_empty() {
            let all: Vec<String> = self
                .features
                .iter()
                .map(|f| format!("{} is not missing", crate::expr::Expr::Column(f.clone())))
                .collect();
            parts.push(all.join(" and "));
        }
        let text = parts.join(" AND ").replace("+ -", "- ");
        super::parse::parse_rule(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame() -> DataFrame {
        // Two clear groups and one customer with a missing value.
        let x: Vec<Option<f64>> = vec![
            Some(1.0),
            Some(1.2),
            Some(0.8),
            Some(10.0),
            Some(10.5),
            Some(9.5),
            None,
        ];
        let y: Vec<Option<f64>> = vec![
            Some(100.0),
            Some(110.0),
            Some(90.0),
            Some(5.0),
            Some(6.0),
            Some(4.0),
            Some(1.0),
        ];
        DataFrame::new(
            7,
            vec![Column::new("x".into(), x), Column::new("y".into(), y)],
        )
        .unwrap()
    }

    #[test]
    fn two_groups_are_found_and_their_rules_select_them() {
        let df = frame();
        let f = ["x".to_string(), "y".to_string()];
        let fit = fit(&df, &f, 2, 7).unwrap();
        let a = &fit.assignments;
        assert_eq!(a[6], None);
        assert_eq!(a[0], a[1]);
        assert_eq!(a[0], a[2]);
        assert_eq!(a[3], a[4]);
        assert_ne!(a[0], a[3]);
        for j in 0..2 {
            let rule = fit.model.rule(j).unwrap();
            let Rule::Expr { text } = &rule else {
                panic!("{rule:?}")
            };
            let e = crate::expr::parse(text).unwrap();
            let cond = crate::expr::compile_condition(&e, df.schema()).unwrap();
            let got: Vec<bool> = df
                .clone()
                .lazy()
                .select([cond])
                .collect()
                .unwrap()
                .columns()[0]
                .bool()
                .unwrap()
                .iter()
                .map(|b| b.unwrap_or(false))
                .collect();
            let want: Vec<bool> = a.iter().map(|c| *c == Some(j)).collect();
            assert_eq!(got, want, "{text}");
        }
        assert_eq!(fit.profiles.iter().map(|p| p.size).sum::<usize>(), 6);
        let choice = choose_k(&df, &f, &[2, 3], 7).unwrap();
        assert!(choice[0].silhouette > 0.8, "{choice:?}");
        assert!(choice[1].inertia < choice[0].inertia);
    }
}
