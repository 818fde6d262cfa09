//! The small dense algebra ALS needs: Cholesky factorisation and solves of n × n systems, n the
//! number of factors (row-major, lower triangle).

/// Factors the symmetric positive definite matrix `a` (n × n, row-major; only the lower
/// triangle is read) in place into L with a = L Lᵀ, L in the lower triangle. Returns false when
/// `a` is not positive definite.
pub fn cholesky(a: &mut [f64], n: usize) -> bool {
    for j in 0..n {
        let mut d = a[j * n + j];
        for k in 0..j {
            d -= a[j * n + k] * a[j * n + k];
        }
        if d <= 0.0 || !d.is_finite() {
            return false;
        }
        let d = d.sqrt();
        a[j * n + j] = d;
        for i in j + 1..n {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= a[i * n + k] * a[j * n + k];
            }
            a[i * n + j] = s / d;
        }
    }
    true
}

/// Solves L Lᵀ x = b in place, L from [`cholesky`].
pub fn cholesky_solve(l: &[f64], n: usize, b: &mut [f64]) {
    for i in 0..n {
        let mut s = b[i];
        for k in 0..i {
            s -= l[i * n + k] * b[k];
        }
        b[i] = s / l[i * n + i];
    }
    for i in (0..n).rev() {
        let mut s = b[i];
        for k in i + 1..n {
            s -= l[k * n + i] * b[k];
        }
        b[i] = s / l[i * n + i];
    }
}

pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// FᵀF of the rows of `f` (each `n` values): n × n, full.
pub fn gram(f: &[f64], n: usize) -> Vec<f64> {
    let mut g = vec![0.0; n * n];
    for row in f.chunks_exact(n) {
        for p in 0..n {
            let v = row[p];
            if v == 0.0 {
                continue;
            }
            for q in 0..=p {
                g[p * n + q] += v * row[q];
            }
        }
    }
    for p in 0..n {
        for q in 0..p {
            g[q * n + p] = g[p * n + q];
        }
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_a_known_system() {
        // A = [[4, 2, 0], [2, 5, 1], [0, 1, 3]], x = [1, -2, 3] → b = A x = [0, -5, 7].
        let a = [4.0, 2.0, 0.0, 2.0, 5.0, 1.0, 0.0, 1.0, 3.0];
        let mut l = a;
        assert!(cholesky(&mut l, 3));
        let mut b = [0.0, -5.0, 7.0];
        cholesky_solve(&l, 3, &mut b);
        for (x, want) in b.iter().zip([1.0, -2.0, 3.0]) {
            assert!((x - want).abs() < 1e-12, "{b:?}");
        }
        let mut not_pd = [1.0, 2.0, 2.0, 1.0];
        assert!(!cholesky(&mut not_pd, 2));
        let g = gram(&[1.0, 2.0, 3.0, 4.0], 2);
        assert_eq!(g, [10.0, 14.0, 14.0, 20.0]);
    }
}
