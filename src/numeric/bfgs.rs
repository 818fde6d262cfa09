//! Quasi-Newton minimisation (BFGS with a backtracking line search) for smooth objectives with
//! an analytic gradient.

/// Minimises `f` (value and gradient) from `x0`. Stops when the gradient's largest component is
/// below `1e-9 · (1 + |f|)` or a step no longer lowers the value. Returns the point and value, or
/// `None` when the objective is not finite at the start.
/// An objective's value and gradient at a point.
pub type ValueAndGradient<'a> = &'a dyn Fn(&[f64]) -> (f64, Vec<f64>);

pub fn bfgs(fg: ValueAndGradient<'_>, x0: &[f64]) -> Option<(Vec<f64>, f64)> {
    let n = x0.len();
    let mut x = x0.to_vec();
    let (mut f, mut g) = fg(&x);
    if !f.is_finite() || g.iter().any(|v| !v.is_finite()) {
        return None;
    }
    // The inverse Hessian estimate, row-major.
    let identity = |h: &mut Vec<f64>| {
        h.iter_mut().for_each(|v| *v = 0.0);
        for i in 0..n {
            h[i * n + i] = 1.0;
        }
    };
    let mut h = vec![0.0; n * n];
    identity(&mut h);
    // The first steps move each coordinate by at most `MAX_STEP` (the objective's scale is
    // unknown; a unit Hessian would take a step as long as the gradient).
    const MAX_STEP: f64 = 1.0;
    let mut first = true;
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    for _ in 0..500 {
        let gmax = g.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        if gmax <= 1e-9 * (1.0 + f.abs()) {
            break;
        }
        let mut p: Vec<f64> = (0..n)
            .map(|i| -(0..n).map(|j| h[i * n + j] * g[j]).sum::<f64>())
            .collect();
        let mut slope = dot(&g, &p);
        if slope >= 0.0 {
            identity(&mut h);
            p = g.iter().map(|v| -v).collect();
            slope = dot(&g, &p);
        }
        // Backtracking (Armijo), from a step no longer than MAX_STEP in any coordinate.
        let longest = p.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let mut t = if longest > MAX_STEP {
            MAX_STEP / longest
        } else {
            1.0
        };
        let mut next = None;
        for _ in 0..60 {
            let xn: Vec<f64> = x.iter().zip(&p).map(|(a, b)| a + t * b).collect();
            let (fn_, gn) = fg(&xn);
            if fn_.is_finite() && gn.iter().all(|v| v.is_finite()) && fn_ <= f + 1e-4 * t * slope {
                next = Some((xn, fn_, gn));
                break;
            }
            t *= 0.5;
        }
        let Some((xn, fn_, gn)) = next else { break };
        let s: Vec<f64> = xn.iter().zip(&x).map(|(a, b)| a - b).collect();
        let y: Vec<f64> = gn.iter().zip(&g).map(|(a, b)| a - b).collect();
        let sy = dot(&s, &y);
        let done = (f - fn_).abs() <= 1e-15 * (1.0 + f.abs()) && t < 1e-6;
        x = xn;
        f = fn_;
        g = gn;
        if sy > 1e-300 {
            if first {
                // Scale the unit start to the curvature just seen (Shanno and Phua).
                let scale = sy / dot(&y, &y);
                h.iter_mut().for_each(|v| *v *= scale);
                first = false;
            }
            // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ
            let rho = 1.0 / sy;
            let hy: Vec<f64> = (0..n)
                .map(|i| (0..n).map(|j| h[i * n + j] * y[j]).sum())
                .collect();
            let yhy = dot(&y, &hy);
            for i in 0..n {
                for j in 0..n {
                    h[i * n + j] += -rho * (hy[i] * s[j] + s[i] * hy[j])
                        + (rho * rho * yhy + rho) * s[i] * s[j];
                }
            }
        }
        if done {
            break;
        }
    }
    Some((x, f))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rosenbrock() {
        let fg = |p: &[f64]| {
            let (x, y) = (p[0], p[1]);
            (
                (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2),
                vec![
                    -2.0 * (1.0 - x) - 400.0 * x * (y - x * x),
                    200.0 * (y - x * x),
                ],
            )
        };
        let (p, v) = bfgs(&fg, &[-1.2, 1.0]).unwrap();
        assert!(v < 1e-12, "{v}");
        assert!(
            (p[0] - 1.0).abs() < 1e-6 && (p[1] - 1.0).abs() < 1e-6,
            "{p:?}"
        );
    }
}
