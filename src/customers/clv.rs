//! Lifetime-value models fitted by maximum likelihood.
//!
//! * **BG/NBD** — Fader, Hardie & Lee (2005), "Counting your customers the easy way: an
//!   alternative to the Pareto/NBD model", *Marketing Science* 24(2). While alive a customer buys
//!   as a Poisson process with rate λ ~ Gamma(r, α); after each purchase they drop out with
//!   probability p ~ Beta(a, b).
//! * **Gamma-Gamma** — Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves for
//!   customer base analysis", *Journal of Marketing Research* 42(4). The spend of each transaction
//!   is Gamma(p, ν) with ν ~ Gamma(q, γ) across customers (γ is called `v` here, as in `lifetimes`).
//!
//! Times are in whatever unit the [`Summary`] values use (the papers use weeks); the fitted rate
//! parameter α and the horizon `t` of predictions are in the same unit.

use crate::numeric::{ln_gamma, minimize};
use crate::{Error, Result};

// ---------------------------------------------------------------------------------------------
// Input types
// ---------------------------------------------------------------------------------------------

/// One customer's purchase history over the calibration period, as the BG/NBD model sees it.
///
/// * `x`: number of repeat purchases (purchase occasions after the first), a whole number ≥ 0;
/// * `t_x`: time from the first purchase to the last one (recency), `0 ≤ t_x ≤ T`;
/// * `t`: time from the first purchase to the end of the calibration period (`T` in the paper).
///
/// A customer with no repeat purchase has `t_x = 0`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    x: f64,
    t_x: f64,
    t: f64,
}

impl Summary {
    /// Checks the values: all finite, `x` a whole number ≥ 0, `0 ≤ t_x ≤ t`, and `t_x = 0`
    /// when `x = 0`.
    pub fn new(x: f64, t_x: f64, t: f64) -> Result<Self> {
        if !(x.is_finite() && t_x.is_finite() && t.is_finite()) {
            return Err(Error::InvalidArgument(format!(
                "customer summary (x={x}, t_x={t_x}, T={t}) has a value that is not a finite number"
            )));
        }
        if x < 0.0 || x.fract() != 0.0 {
            return Err(Error::InvalidArgument(format!(
                "customer summary: the number of repeat purchases x={x} must be a whole number ≥ 0"
            )));
        }
        if t_x < 0.0 || t_x > t {
            return Err(Error::InvalidArgument(format!(
                "customer summary: recency t_x={t_x} must lie between 0 and the age T={t}"
            )));
        }
        if x == 0.0 && t_x != 0.0 {
            return Err(Error::InvalidArgument(format!(
                "customer summary: a customer with no repeat purchase has recency 0, not t_x={t_x}"
            )));
        }
        Ok(Summary { x, t_x, t })
    }

    /// Number of repeat purchases.
    pub fn x(&self) -> f64 {
        self.x
    }

    /// Time from the first to the last purchase.
    pub fn t_x(&self) -> f64 {
        self.t_x
    }

    /// Time from the first purchase to the end of the calibration period.
    pub fn t(&self) -> f64 {
        self.t
    }
}

/// One repeat customer's spending, as the Gamma-Gamma model sees it: `x` ≥ 1 repeat transactions
/// with mean value `m` > 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spend {
    x: f64,
    m: f64,
}

impl Spend {
    /// Checks that `x` is a whole number ≥ 1 and `m` is a finite number > 0.
    pub fn new(x: f64, m: f64) -> Result<Self> {
        if !x.is_finite() || x < 1.0 || x.fract() != 0.0 {
            return Err(Error::InvalidArgument(format!(
                "spend summary: the number of transactions x={x} must be a whole number ≥ 1 (the Gamma-Gamma model is fitted on repeat customers only)"
            )));
        }
        if !m.is_finite() || m <= 0.0 {
            return Err(Error::InvalidArgument(format!(
                "spend summary: the mean transaction value m={m} must be a number > 0 (the Gamma-Gamma model needs positive amounts)"
            )));
        }
        Ok(Spend { x, m })
    }

    pub fn x(&self) -> f64 {
        self.x
    }

    pub fn m(&self) -> f64 {
        self.m
    }
}

fn check_positive(params: &[(&str, f64)], model: &str) -> Result<()> {
    for (name, v) in params {
        if !(v.is_finite() && *v > 0.0) {
            return Err(Error::InvalidArgument(format!(
                "{model} parameter {name}={v} must be a finite number > 0"
            )));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// BG/NBD
// ---------------------------------------------------------------------------------------------

/// BG/NBD parameters, all > 0.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct BgNbd {
    r: f64,
    alpha: f64,
    a: f64,
    b: f64,
}

/// A fitted BG/NBD model.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct BgNbdFit {
    pub params: BgNbd,
    /// Log-likelihood of the data at the fitted parameters (the paper's LL).
    pub log_likelihood: f64,
    /// Number of customers the model was fitted on.
    pub customers: usize,
}

impl BgNbd {
    pub fn new(r: f64, alpha: f64, a: f64, b: f64) -> Result<Self> {
        check_positive(&[("r", r), ("alpha", alpha), ("a", a), ("b", b)], "BG/NBD")?;
        Ok(BgNbd { r, alpha, a, b })
    }

    pub fn r(&self) -> f64 {
        self.r
    }
    pub fn alpha(&self) -> f64 {
        self.alpha
    }
    pub fn a(&self) -> f64 {
        self.a
    }
    pub fn b(&self) -> f64 {
        self.b
    }

    /// Log-likelihood of one customer, equation (6) of the paper:
    ///
    /// L = B(a, b+x)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+T)^(r+x))
    ///   + δ(x>0) · B(a+1, b+x−1)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+t_x)^(r+x))
    ///
    /// computed on the log scale as ln A₁ + ln A₂ + ln(exp(A₃) + δ exp(A₄)) (Fader, Hardie & Lee's
    /// implementation note).
    pub fn customer_log_likelihood(&self, s: &Summary) -> f64 {
        let BgNbd { r, alpha, a, b } = *self;
        let Summary { x, t_x, t } = *s;
        let a1 = ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln();
        let a2 = ln_gamma(a + b) + ln_gamma(b + x) - ln_gamma(b) - ln_gamma(a + b + x);
        let a3 = -(r + x) * (alpha + t).ln();
        if x > 0.0 {
            let a4 = a.ln() - (b + x - 1.0).ln() - (r + x) * (alpha + t_x).ln();
            a1 + a2 + log_add_exp(a3, a4)
        } else {
            a1 + a2 + a3
        }
    }

    /// Sum of the customers' log-likelihoods.
    pub fn log_likelihood(&self, data: &[Summary]) -> f64 {
        data.iter().map(|s| self.customer_log_likelihood(s)).sum()
    }

    /// Probability that a customer with this history is still alive at the end of the calibration
    /// period: 1 / (1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)).
    pub fn probability_alive(&self, s: &Summary) -> f64 {
        if s.x == 0.0 {
            return 1.0;
        }
        1.0 / (1.0 + self.alive_odds_term(s))
    }

    /// δ(x>0) · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x), computed on the log scale.
    fn alive_odds_term(&self, s: &Summary) -> f64 {
        if s.x == 0.0 {
            return 0.0;
        }
        let BgNbd { r, alpha, a, b } = *self;
        (a.ln() - (b + s.x - 1.0).ln() + (r + s.x) * ((alpha + s.t).ln() - (alpha + s.t_x).ln()))
            .exp()
    }

    /// Expected number of purchases in the next `t` time units of a customer with this history,
    /// equation (10) of the paper (`conditional_expected_number_of_purchases_up_to_time` in
    /// `lifetimes`):
    ///
    /// E[Y(t) | x, t_x, T] = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))]
    ///                       / (1 + δ(x>0) a/(b+x−1) ((α+T)/(α+t_x))^(r+x))
    ///
    /// It is evaluated in a form without cancellation (see [`expected_bracket`]), which also
    /// gives a = 1 as the limit. `t` must be ≥ 0.
    pub fn conditional_expected_purchases(&self, s: &Summary, t: f64) -> Result<f64> {
        if !(t.is_finite() && t >= 0.0) {
            return Err(Error::InvalidArgument(format!(
                "the prediction horizon t={t} must be a finite number ≥ 0"
            )));
        }
        if t == 0.0 {
            return Ok(0.0);
        }
        let BgNbd { r, alpha, a, b } = *self;
        let c = a + b + s.x - 1.0;
        let bracket = expected_bracket(r + s.x, a, c, t / (alpha + s.t))?;
        Ok(c * bracket / (1.0 + self.alive_odds_term(s)))
    }
}

/// Fits the BG/NBD model by maximum likelihood (Nelder–Mead on the log-parameters, restarted
/// until it no longer improves; deterministic).
///
/// Needs at least one customer with a repeat purchase: without one the likelihood has no maximum.
pub fn fit_bg_nbd(data: &[Summary]) -> Result<BgNbdFit> {
    if data.is_empty() {
        return Err(Error::InvalidArgument(
            "cannot fit the BG/NBD model: there are no customers".into(),
        ));
    }
    if !data.iter().any(|s| s.x > 0.0) {
        return Err(Error::InvalidArgument(
            "cannot fit the BG/NBD model: no customer made a repeat purchase in the calibration period; choose a later calibration end or a longer history".into(),
        ));
    }
    let grouped = Grouped::new(data);
    let objective = |p: &[f64]| {
        let model = BgNbd {
            r: p[0].exp(),
            alpha: p[1].exp(),
            a: p[2].exp(),
            b: p[3].exp(),
        };
        -grouped.log_likelihood(&model)
    };
    // Start from all parameters 1 (as lifetimes does), and from α at the mean age, since α
    // carries the time unit.
    let mean_t = data.iter().map(|s| s.t).sum::<f64>() / data.len() as f64;
    let starts = [
        vec![0.0, 0.0, 0.0, 0.0],
        vec![0.0, mean_t.max(1e-6).ln(), 0.0, 0.0],
    ];
    // Quasi-Newton with the analytic gradient from each start; Nelder–Mead (slower, no
    // gradient) if that fails.
    let value_and_gradient = |p: &[f64]| {
        let model = BgNbd {
            r: p[0].exp(),
            alpha: p[1].exp(),
            a: p[2].exp(),
            b: p[3].exp(),
        };
        let (ll, g) = grouped.log_likelihood_and_gradient(&model);
        (-ll, g.iter().map(|v| -v).collect::<Vec<f64>>())
    };
    let quasi_newton = starts
        .iter()
        .filter_map(|s| crate::numeric::bfgs(&value_and_gradient, s))
        .filter(|(p, v)| v.is_finite() && p.iter().all(|x| x.is_finite()))
        .min_by(|x, y| x.1.total_cmp(&y.1));
    let (best, value) = match quasi_newton {
        Some(found) => found,
        None => minimize(&objective, &starts),
    };
    let params = BgNbd::new(best[0].exp(), best[1].exp(), best[2].exp(), best[3].exp())
        .map_err(|e| not_converged("BG/NBD", e))?;
    if !value.is_finite() {
        return Err(not_converged(
            "BG/NBD",
            Error::InvalidArgument("the log-likelihood is not finite".into()),
        ));
    }
    Ok(BgNbdFit {
        params,
        log_likelihood: params.log_likelihood(data),
        customers: data.len(),
    })
}

/// The customers of a fit, grouped for speed: equal histories are counted once, and the ln Γ terms
/// that depend only on x are computed once per distinct x. The sum equals
/// [`BgNbd::log_likelihood`] over the customers (a unit test checks it).
struct Grouped {
    /// Distinct x values.
    xs: Vec<f64>,
    /// (index into xs, t_x, T, how many customers).
    histories: Vec<(usize, f64, f64, f64)>,
}

impl Grouped {
    fn new(data: &[Summary]) -> Grouped {
        let mut sorted: Vec<(f64, f64, f64)> = data.iter().map(|s| (s.x, s.t_x, s.t)).collect();
        sorted.sort_by(|p, q| {
            p.0.total_cmp(&q.0)
                .then(p.1.total_cmp(&q.1))
                .then(p.2.total_cmp(&q.2))
        });
        let mut xs: Vec<f64> = Vec::new();
        let mut histories: Vec<(usize, f64, f64, f64)> = Vec::new();
        for (x, t_x, t) in sorted {
            if xs.last() != Some(&x) {
                xs.push(x);
            }
            let xi = xs.len() - 1;
            match histories.last_mut() {
                Some(h) if h.0 == xi && h.1 == t_x && h.2 == t => h.3 += 1.0,
                _ => histories.push((xi, t_x, t, 1.0)),
            }
        }
        Grouped { xs, histories }
    }

    /// The log-likelihood and its gradient with respect to (ln r, ln α, ln a, ln b).
    fn log_likelihood_and_gradient(&self, m: &BgNbd) -> (f64, [f64; 4]) {
        use crate::numeric::digamma;
        let BgNbd { r, alpha, a, b } = *m;
        let base = -ln_gamma(r) + r * alpha.ln() + ln_gamma(a + b) - ln_gamma(b);
        // d base / d(r, α, a, b)
        let (dr0, dal0, da0, db0) = (
            -digamma(r) + alpha.ln(),
            r / alpha,
            digamma(a + b),
            digamma(a + b) - digamma(b),
        );
        // Per distinct x: value and the derivatives of the ln Γ terms.
        let per_x: Vec<(f64, f64, f64, f64)> = self
            .xs
            .iter()
            .map(|&x| {
                let v = base + ln_gamma(r + x) + ln_gamma(b + x) - ln_gamma(a + b + x);
                let dab = digamma(a + b + x);
                (v, digamma(r + x), -dab, digamma(b + x) - dab)
            })
            .collect();
        let ln_a = a.ln();
        let mut ll = 0.0;
        let mut g = [0.0f64; 4];
        for &(xi, t_x, t, n) in &self.histories {
            let x = self.xs[xi];
            let (v, dr_x, da_x, db_x) = per_x[xi];
            let ln_t = (alpha + t).ln();
            let a3 = -(r + x) * ln_t;
            // The weights of the two terms of ln(e^A3 + e^A4), and the value.
            let (w3, w4, l, ln_tx, bx1) = if x > 0.0 {
                let ln_tx = (alpha + t_x).ln();
                let bx1 = b + x - 1.0;
                let a4 = ln_a - bx1.ln() - (r + x) * ln_tx;
                let l = log_add_exp(a3, a4);
                let w4 = (a4 - l).exp();
                (1.0 - w4, w4, l, ln_tx, bx1)
            } else {
                (1.0, 0.0, a3, 0.0, 1.0)
            };
            ll += n * (v + l);
            let dr = dr0 + dr_x - w3 * ln_t - w4 * ln_tx;
            let dal = dal0
                - w3 * (r + x) / (alpha + t)
                - if x > 0.0 {
                    w4 * (r + x) / (alpha + t_x)
                } else {
                    0.0
                };
            let da = da0 + da_x + w4 / a;
            let db = db0 + db_x - if x > 0.0 { w4 / bx1 } else { 0.0 };
            g[0] += n * dr * r;
            g[1] += n * dal * alpha;
            g[2] += n * da * a;
            g[3] += n * db * b;
        }
        (ll, g)
    }

    fn log_likelihood(&self, m: &BgNbd) -> f64 {
        let BgNbd { r, alpha, a, b } = *m;
        let base = -ln_gamma(r) + r * alpha.ln() + ln_gamma(a + b) - ln_gamma(b);
        // ln A₁ + ln A₂ for each distinct x.
        let per_x: Vec<f64> = self
            .xs
            .iter()
            .map(|&x| base + ln_gamma(r + x) + ln_gamma(b + x) - ln_gamma(a + b + x))
            .collect();
        let ln_a = a.ln();
        self.histories
            .iter()
            .map(|&(xi, t_x, t, n)| {
                let x = self.xs[xi];
                let a3 = -(r + x) * (alpha + t).ln();
                let ll = if x > 0.0 {
                    let a4 = ln_a - (b + x - 1.0).ln() - (r + x) * (alpha + t_x).ln();
                    per_x[xi] + log_add_exp(a3, a4)
                } else {
                    per_x[xi] + a3
                };
                n * ll
            })
            .sum()
    }
}

fn not_converged(model: &str, e: Error) -> Error {
    Error::InvalidArgument(format!(
        "the {model} fit did not converge ({e}); the data may be too few or too uniform for this model"
    ))
}

// ---------------------------------------------------------------------------------------------
// Gamma-Gamma
// ---------------------------------------------------------------------------------------------

/// Gamma-Gamma spend parameters, all > 0.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct GammaGamma {
    p: f64,
    q: f64,
    v: f64,
}

/// A fitted Gamma-Gamma model.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct GammaGammaFit {
    pub params: GammaGamma,
    pub log_likelihood: f64,
    /// Number of (repeat) customers the model was fitted on.
    pub customers: usize,
}

impl GammaGamma {
    pub fn new(p: f64, q: f64, v: f64) -> Result<Self> {
        check_positive(&[("p", p), ("q", q), ("v", v)], "Gamma-Gamma")?;
        Ok(GammaGamma { p, q, v })
    }

    pub fn p(&self) -> f64 {
        self.p
    }
    pub fn q(&self) -> f64 {
        self.q
    }
    pub fn v(&self) -> f64 {
        self.v
    }

    /// Log-likelihood of one customer's mean spend m over x transactions (the density of the mean
    /// z̄ of x Gamma(p, ν) values, with ν ~ Gamma(q, v)):
    ///
    /// ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln v + (px−1) ln m + px ln x − (px+q) ln(v + x m)
    pub fn customer_log_likelihood(&self, s: &Spend) -> f64 {
        let GammaGamma { p, q, v } = *self;
        let Spend { x, m } = *s;
        let px = p * x;
        ln_gamma(px + q) - ln_gamma(px) - ln_gamma(q)
            + q * v.ln()
            + (px - 1.0) * m.ln()
            + px * x.ln()
            - (px + q) * (v + x * m).ln()
    }

    pub fn log_likelihood(&self, data: &[Spend]) -> f64 {
        data.iter().map(|s| self.customer_log_likelihood(s)).sum()
    }

    /// Expected mean transaction value of a customer with `x` repeat transactions of mean value
    /// `m`: p (v + x m) / (p x + q − 1), a weighted mean of the population mean p v/(q−1) and the
    /// customer's own mean m (`conditional_expected_average_profit` in `lifetimes`).
    ///
    /// For a customer without repeat transactions (`x = 0`, `m` ignored) it is the population mean,
    /// which exists only when q > 1; so does the formula when p x + q ≤ 1.
    pub fn conditional_expected_average_profit(&self, x: f64, m: f64) -> Result<f64> {
        let GammaGamma { p, q, v } = *self;
        if !(x.is_finite() && x >= 0.0) {
            return Err(Error::InvalidArgument(format!(
                "the number of transactions x={x} must be a finite number ≥ 0"
            )));
        }
        let (x, m) = if x == 0.0 { (0.0, 0.0) } else { (x, m) };
        if !m.is_finite() || m < 0.0 {
            return Err(Error::InvalidArgument(format!(
                "the mean transaction value m={m} must be a finite number ≥ 0"
            )));
        }
        let denominator = p * x + q - 1.0;
        if denominator <= 0.0 {
            return Err(Error::InvalidArgument(format!(
                "the expected spend is infinite for this customer under the fitted Gamma-Gamma model (p·x + q = {} ≤ 1)",
                p * x + q
            )));
        }
        Ok(p * (v + x * m) / denominator)
    }
}

/// Fits the Gamma-Gamma model by maximum likelihood on repeat customers.
pub fn fit_gamma_gamma(data: &[Spend]) -> Result<GammaGammaFit> {
    if data.is_empty() {
        return Err(Error::InvalidArgument(
            "cannot fit the Gamma-Gamma model: there are no customers with a repeat purchase and a positive amount".into(),
        ));
    }
    let objective = |l: &[f64]| {
        let model = GammaGamma {
            p: l[0].exp(),
            q: l[1].exp(),
            v: l[2].exp(),
        };
        -model.log_likelihood(data)
    };
    // v carries the currency unit: also start with v at the mean spend.
    let mean_m = data.iter().map(|s| s.m).sum::<f64>() / data.len() as f64;
    let starts = [vec![0.0, 0.0, 0.0], vec![0.0, 0.0, mean_m.ln()]];
    let (best, value) = minimize(&objective, &starts);
    let params = GammaGamma::new(best[0].exp(), best[1].exp(), best[2].exp())
        .map_err(|e| not_converged("Gamma-Gamma", e))?;
    if !value.is_finite() {
        return Err(not_converged(
            "Gamma-Gamma",
            Error::InvalidArgument("the log-likelihood is not finite".into()),
        ));
    }
    Ok(GammaGammaFit {
        params,
        log_likelihood: -value,
        customers: data.len(),
    })
}

// ---------------------------------------------------------------------------------------------
// Numerics
// ---------------------------------------------------------------------------------------------

/// ln(e^a + e^b) without overflow.
fn log_add_exp(a: f64, b: f64) -> f64 {
    let m = a.max(b);
    if m == f64::NEG_INFINITY {
        return m;
    }
    m + ((a - m).exp() + (b - m).exp()).ln()
}

/// The bracket of equation (10) divided by (a − 1):
/// `[1 − (1−z)^(r+x) ₂F₁(r+x, b+x; c; z)] / (a − 1)` with `c = a+b+x−1`, `z = t/(α+T+t)`,
/// `rx = r + x` and `u = t/(α+T)` (so `1 − z = 1/(1+u)`).
///
/// Euler's transformation ₂F₁(r+x, b+x; c; z) = (1−z)^(a−1−r−x) ₂F₁(c−r−x, a−1; c; z), and
/// ₂F₁(c−r−x, a−1; c; z) = 1 + (a−1)·G with G = Σ_{n≥1} (c−r−x)_n (a)_{n−1} / ((c)_n n!) zⁿ,
/// make it `−expm1((a−1)·ln(1−z)) / (a−1) − (1−z)^(a−1)·G`: no difference of two nearly equal
/// numbers. The direct form loses every digit when the fit finds customers who never seem to
/// leave (r, α and b in the millions, as on the Chinook sample, where it gave −27 purchases),
/// and a = 1 is the limit `−ln(1−z) − G`.
fn expected_bracket(rx: f64, a: f64, c: f64, u: f64) -> Result<f64> {
    if !(u.is_finite() && u >= 0.0) {
        return Err(Error::InvalidArgument(format!(
            "internal: the expected-purchases series needs t/(α+T) ≥ 0, got {u}"
        )));
    }
    let z = u / (1.0 + u);
    let ln_1mz = -u.ln_1p();
    let am1 = a - 1.0;
    let first = if am1 == 0.0 {
        -ln_1mz
    } else {
        -(am1 * ln_1mz).exp_m1() / am1
    };
    let p = c - rx;
    // G's terms: term₁ = p z / c, termₙ₊₁ / termₙ = (p+n)(a+n−1) z / ((c+n)(n+1)).
    let mut term = p / c * z;
    let mut g = term;
    let mut converged = term == 0.0;
    for n in 1..10_000_000u64 {
        if converged {
            break;
        }
        let n = n as f64;
        term *= (p + n) * (a + n - 1.0) / ((c + n) * (n + 1.0)) * z;
        g += term;
        if !g.is_finite() {
            break;
        }
        converged = term == 0.0 || term.abs() <= 1e-16 * g.abs();
    }
    if !converged {
        return Err(Error::InvalidArgument(
            "the expected-purchases series did not converge; the prediction horizon is too long for the fitted model".into(),
        ));
    }
    Ok(first - (am1 * ln_1mz).exp() * g)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bg_nbd_gradient_matches_finite_differences() {
        let data = vec![
            Summary::new(0.0, 0.0, 30.0).unwrap(),
            Summary::new(2.0, 10.0, 38.0).unwrap(),
            Summary::new(5.0, 30.5, 36.0).unwrap(),
            Summary::new(1.0, 1.0, 2.0).unwrap(),
        ];
        let g = Grouped::new(&data);
        let at = |p: [f64; 4]| BgNbd {
            r: p[0].exp(),
            alpha: p[1].exp(),
            a: p[2].exp(),
            b: p[3].exp(),
        };
        let p = [0.3f64.ln(), 4.0f64.ln(), 0.8f64.ln(), 2.5f64.ln()];
        let (ll, grad) = g.log_likelihood_and_gradient(&at(p));
        assert!((ll - g.log_likelihood(&at(p))).abs() < 1e-9);
        for k in 0..4 {
            let (mut hi, mut lo) = (p, p);
            hi[k] += 1e-6;
            lo[k] -= 1e-6;
            let fd = (g.log_likelihood(&at(hi)) - g.log_likelihood(&at(lo))) / 2e-6;
            assert!(
                (grad[k] - fd).abs() < 1e-5 * (1.0 + fd.abs()),
                "{k}: {} vs {fd}",
                grad[k]
            );
        }
    }

    #[test]
    fn summary_rejects_invalid_states() {
        assert!(Summary::new(2.0, 3.0, 5.0).is_ok());
        assert!(Summary::new(0.0, 0.0, 0.0).is_ok());
        assert!(Summary::new(-1.0, 0.0, 5.0).is_err());
        assert!(Summary::new(1.5, 1.0, 5.0).is_err());
        assert!(Summary::new(1.0, 6.0, 5.0).is_err());
        assert!(Summary::new(1.0, -1.0, 5.0).is_err());
        assert!(Summary::new(0.0, 1.0, 5.0).is_err());
        assert!(Summary::new(f64::NAN, 0.0, 5.0).is_err());
        assert!(Spend::new(0.0, 10.0).is_err());
        assert!(Spend::new(2.0, 0.0).is_err());
        assert!(Spend::new(2.0, 10.0).is_ok());
        assert!(BgNbd::new(1.0, 0.0, 1.0, 1.0).is_err());
        assert!(GammaGamma::new(1.0, f64::INFINITY, 1.0).is_err());
    }

    #[test]
    fn grouped_likelihood_equals_the_plain_sum() {
        let data: Vec<Summary> = [
            (0.0, 0.0, 30.0),
            (0.0, 0.0, 30.0),
            (2.0, 10.5, 30.0),
            (2.0, 10.5, 30.0),
            (2.0, 12.0, 31.0),
            (7.0, 29.0, 31.0),
        ]
        .iter()
        .map(|&(x, t_x, t)| Summary::new(x, t_x, t).expect("valid"))
        .collect();
        let m = BgNbd::new(0.243, 4.414, 0.793, 2.426).expect("valid");
        let g = Grouped::new(&data);
        assert_eq!(g.histories.len(), 4);
        let (plain, grouped) = (m.log_likelihood(&data), g.log_likelihood(&m));
        assert!((plain - grouped).abs() < 1e-9, "{plain} vs {grouped}");
    }

    /// Gauss hypergeometric ₂F₁(a, b; c; z) for 0 ≤ z < 1 by its power series: the reference for
    /// the direct form of equation (10).
    fn hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Result<f64> {
        let mut term = 1.0;
        let mut sum = 1.0;
        for n in 0..10_000_000u64 {
            let n = n as f64;
            term *= (a + n) * (b + n) / ((c + n) * (n + 1.0)) * z;
            sum += term;
            if term.abs() <= 1e-15 * sum.abs() {
                return Ok(sum);
            }
        }
        Err(Error::InvalidArgument("did not converge".into()))
    }

    /// Equation (10) as the paper writes it.
    fn direct(m: &BgNbd, s: &Summary, t: f64) -> f64 {
        let BgNbd { r, alpha, a, b } = *m;
        let x = s.x;
        let z = t / (alpha + s.t + t);
        let hyp = hyp2f1(r + x, b + x, a + b + x - 1.0, z).expect("converges");
        let ratio = ((r + x) * ((alpha + s.t).ln() - (alpha + s.t + t).ln())).exp();
        (a + b + x - 1.0) / (a - 1.0) * (1.0 - ratio * hyp) / (1.0 + m.alive_odds_term(s))
    }

    #[test]
    fn expected_purchases_match_the_direct_form_and_stay_exact_where_it_fails() {
        let cdnow = BgNbd::new(0.243, 4.414, 0.793, 2.426).expect("valid");
        let other = BgNbd::new(1.7, 12.0, 2.5, 4.0).expect("valid");
        for m in [cdnow, other] {
            for (x, tx, big_t) in [(0.0, 0.0, 38.0), (2.0, 30.0, 38.0), (7.0, 37.5, 39.0)] {
                let s = Summary::new(x, tx, big_t).expect("valid");
                for t in [1.0, 39.0, 78.0] {
                    let want = direct(&m, &s, t);
                    let got = m.conditional_expected_purchases(&s, t).expect("ok");
                    assert!(
                        (got - want).abs() <= 1e-9 * want.abs().max(1e-12),
                        "{m:?} {s:?} t={t}: {got} vs {want}"
                    );
                }
            }
        }
        // Chinook's fit: nobody seems to leave (a → 0, r, α, b in the millions), so customers
        // buy like Poisson processes of rate r/α: about 0.31 purchases in 12 weeks. The direct
        // form gives nonsense there.
        let m = BgNbd::new(8_662_212.96, 333_433_851.758, 1e-6, 1_072_481_946.56).expect("valid");
        let s = Summary::new(6.0, 200.0, 205.0).expect("valid");
        let got = m.conditional_expected_purchases(&s, 12.0).expect("ok");
        let poisson = (8_662_212.96 + 6.0) / (333_433_851.758 + 205.0) * 12.0;
        assert!((got - poisson).abs() < 1e-3 * poisson, "{got} vs {poisson}");
        // a = 1 is the limit of its neighbours.
        let s = Summary::new(3.0, 20.0, 38.0).expect("valid");
        let at = |a: f64| {
            BgNbd::new(0.5, 6.0, a, 2.0)
                .expect("valid")
                .conditional_expected_purchases(&s, 39.0)
                .expect("ok")
        };
        let (below, one, above) = (at(1.0 - 1e-7), at(1.0), at(1.0 + 1e-7));
        assert!(one > 0.0 && (one - below).abs() < 1e-5 && (one - above).abs() < 1e-5);
    }

    #[test]
    fn hyp2f1_matches_closed_forms() {
        // ₂F₁(1, 1; 2; z) = −ln(1−z)/z
        let z = 0.7;
        let got = hyp2f1(1.0, 1.0, 2.0, z).expect("converges");
        assert!((got - (-(1.0f64 - z).ln() / z)).abs() < 1e-12);
        // ₂F₁(a, b; b; z) = (1−z)^−a
        let got = hyp2f1(2.5, 3.0, 3.0, 0.3).expect("converges");
        assert!((got - 0.7f64.powf(-2.5)).abs() < 1e-12);
    }

    #[test]
    fn predictions_behave() {
        let m = BgNbd::new(0.243, 4.414, 0.793, 2.426).expect("valid");
        let none = Summary::new(0.0, 0.0, 38.86).expect("valid");
        assert_eq!(m.probability_alive(&none), 1.0);
        // A customer who bought often but long ago is less likely alive than one who bought
        // recently.
        let old = Summary::new(5.0, 5.0, 38.0).expect("valid");
        let recent = Summary::new(5.0, 37.0, 38.0).expect("valid");
        assert!(m.probability_alive(&old) < m.probability_alive(&recent));
        let e_old = m.conditional_expected_purchases(&old, 39.0).expect("ok");
        let e_recent = m.conditional_expected_purchases(&recent, 39.0).expect("ok");
        assert!(e_old > 0.0 && e_old < e_recent);
        assert_eq!(
            m.conditional_expected_purchases(&recent, 0.0).expect("ok"),
            0.0
        );
        // Longer horizons give more purchases.
        let e_more = m.conditional_expected_purchases(&recent, 78.0).expect("ok");
        assert!(e_more > e_recent);

        let gg = GammaGamma::new(6.25, 3.74, 15.44).expect("valid");
        let pop = gg
            .conditional_expected_average_profit(0.0, 0.0)
            .expect("ok");
        assert!((pop - 6.25 * 15.44 / 2.74).abs() < 1e-9);
        // Shrinks a customer's own mean towards the population mean.
        let own = gg
            .conditional_expected_average_profit(3.0, 100.0)
            .expect("ok");
        assert!(own > pop && own < 100.0);
    }
}
