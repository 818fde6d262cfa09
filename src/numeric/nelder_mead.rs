//! Derivative-free minimisation (Nelder–Mead with restarts), for objectives without an analytic
//! gradient: the lifetime-value fallbacks and the forecast's smoothing parameters.

/// Minimises `f` from each start with Nelder–Mead, restarting from the best point with a fresh
/// simplex until a restart no longer improves the value. Deterministic. Non-finite values of `f`
/// are treated as +∞. Returns the best point and its value.
pub fn minimize(f: &dyn Fn(&[f64]) -> f64, starts: &[Vec<f64>]) -> (Vec<f64>, f64) {
    let g = |p: &[f64]| {
        let v = f(p);
        if v.is_finite() { v } else { f64::INFINITY }
    };
    let mut best: Option<(Vec<f64>, f64)> = None;
    for start in starts {
        let (mut point, mut value) = nelder_mead(&g, start, 0.5);
        for _ in 0..20 {
            let (p2, v2) = nelder_mead(&g, &point, 0.1);
            let improved = v2 < value - 1e-9 * (1.0 + value.abs());
            if v2 <= value {
                point = p2;
                value = v2;
            }
            if !improved {
                break;
            }
        }
        if best.as_ref().is_none_or(|(_, bv)| value < *bv) {
            best = Some((point, value));
        }
    }
    best.unwrap_or_else(|| (Vec::new(), f64::INFINITY))
}

/// One Nelder–Mead run (standard coefficients 1, 2, ½, ½) from `x0` with an initial simplex of
/// side `step`.
fn nelder_mead(f: &dyn Fn(&[f64]) -> f64, x0: &[f64], step: f64) -> (Vec<f64>, f64) {
    let n = x0.len();
    let mut simplex: Vec<(Vec<f64>, f64)> = Vec::with_capacity(n + 1);
    simplex.push((x0.to_vec(), f(x0)));
    for i in 0..n {
        let mut p = x0.to_vec();
        p[i] += step;
        let v = f(&p);
        simplex.push((p, v));
    }
    let max_iter = 2000 * n;
    for _ in 0..max_iter {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        let (best_v, worst_v) = (simplex[0].1, simplex[n].1);
        let spread = (0..n)
            .map(|j| {
                simplex
                    .iter()
                    .map(|(p, _)| (p[j] - simplex[0].0[j]).abs())
                    .fold(0.0, f64::max)
            })
            .fold(0.0, f64::max);
        if (worst_v - best_v).abs() <= 1e-12 * (1.0 + best_v.abs()) && spread <= 1e-8 {
            break;
        }
        let centroid: Vec<f64> = (0..n)
            .map(|j| simplex[..n].iter().map(|(p, _)| p[j]).sum::<f64>() / n as f64)
            .collect();
        let along = |coef: f64| -> Vec<f64> {
            (0..n)
                .map(|j| centroid[j] + coef * (simplex[n].0[j] - centroid[j]))
                .collect()
        };
        let xr = along(-1.0);
        let fr = f(&xr);
        if fr < simplex[0].1 {
            let xe = along(-2.0);
            let fe = f(&xe);
            simplex[n] = if fe < fr { (xe, fe) } else { (xr, fr) };
            continue;
        }
        if fr < simplex[n - 1].1 {
            simplex[n] = (xr, fr);
            continue;
        }
        // Contract outside (towards the reflected point) or inside (towards the worst).
        let xc = along(if fr < simplex[n].1 { -0.5 } else { 0.5 });
        let fc = f(&xc);
        if fc < simplex[n].1.min(fr) {
            simplex[n] = (xc, fc);
            continue;
        }
        // Shrink towards the best point.
        let best = simplex[0].0.clone();
        for (p, v) in simplex.iter_mut().skip(1) {
            for j in 0..n {
                p[j] = best[j] + 0.5 * (p[j] - best[j]);
            }
            *v = f(p);
        }
    }
    simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
    simplex.swap_remove(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nelder_mead_finds_a_quadratic_minimum() {
        let f = |p: &[f64]| (p[0] - 1.0).powi(2) + 10.0 * (p[1] + 2.0).powi(2) + 3.0;
        let (p, v) = minimize(&f, &[vec![0.0, 0.0]]);
        assert!((p[0] - 1.0).abs() < 1e-6 && (p[1] + 2.0).abs() < 1e-6);
        assert!((v - 3.0).abs() < 1e-10);
    }
}
