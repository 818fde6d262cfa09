//! Holt-Winters forecasts: additive trend with additive or multiplicative seasonality, smoothing
//! parameters fitted by minimising the sum of squared one-step errors, prediction intervals, and a
//! holdout check (MAPE).
//!
//! The recursions are those of Hyndman & Athanasopoulos, *Forecasting: principles and practice*
//! (section 7.3), as statsmodels' `ExponentialSmoothing` runs them, with `β` smoothing the change
//! of level (β* in the book):
//!
//! ```text
//! additive:        ŷ_t = l + b + s_{t-m}
//!                  l'  = α (y_t − s_{t-m}) + (1 − α)(l + b)
//!                  s_t = γ (y_t − l − b) + (1 − γ) s_{t-m}
//! multiplicative:  ŷ_t = (l + b) · s_{t-m}
//!                  l'  = α y_t / s_{t-m} + (1 − α)(l + b)
//!                  s_t = γ y_t / (l + b) + (1 − γ) s_{t-m}
//! both:            b'  = β (l' − l) + (1 − β) b
//! ```
//!
//! The initial states are the book's (section 7.6): the level is the mean of the first season, the
//! trend the mean change between the first two seasons per step, the seasonal terms the first
//! season's deviations from (or ratios to) the level. The parameters are kept where statsmodels
//! keeps them: `0 ≤ α ≤ 1`, `0 ≤ β ≤ α`, `0 ≤ γ ≤ 1 − α`.
//!
//! Prediction intervals treat the one-step errors as independent normal with the variance of the
//! fit's residuals, `σ² = SSE / (n − 3)`. With additive seasonality the forecast variance has a
//! closed form, `σ² (1 + Σ_{j<h} c_j²)` with `c_j = α (1 + jβ) + γ·[m divides j]`; with
//! multiplicative seasonality it has none, and the intervals are quantiles of simulated future
//! paths (seeded, so the same data gives the same intervals).

use crate::numeric::{normal_quantile, quantile};
use crate::rng::SplitMix64 as Rng;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// How the seasonal pattern combines with the level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Seasonality {
    /// The season adds a fixed amount: the swings stay the same size as the level grows.
    Additive,
    /// The season scales the level: the swings grow with the level.
    Multiplicative,
}

impl Seasonality {
    pub fn as_str(self) -> &'static str {
        match self {
            Seasonality::Additive => "additive",
            Seasonality::Multiplicative => "multiplicative",
        }
    }
}

impl std::str::FromStr for Seasonality {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "add" | "additive" => Ok(Seasonality::Additive),
            "mul" | "multiplicative" => Ok(Seasonality::Multiplicative),
            other => Err(Error::InvalidArgument(format!(
                "'{other}' is not a seasonality; use additive or multiplicative"
            ))),
        }
    }
}

/// The smoothing parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Smoothing {
    /// Level.
    pub alpha: f64,
    /// Trend (smooths the change of level).
    pub beta: f64,
    /// Season.
    pub gamma: f64,
}

/// The states before the first observation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InitialState {
    pub level: f64,
    pub trend: f64,
    /// One term per step of the first season.
    pub season: Vec<f64>,
}

impl InitialState {
    /// The initial states of Hyndman & Athanasopoulos, section 7.6, from the first two seasons.
    pub fn heuristic(y: &[f64], period: usize, seasonality: Seasonality) -> Result<InitialState> {
        check_series(y, period, seasonality)?;
        let m = period;
        let level = y[..m].iter().sum::<f64>() / m as f64;
        let trend = (0..m).map(|i| (y[m + i] - y[i]) / m as f64).sum::<f64>() / m as f64;
        let season = y[..m]
            .iter()
            .map(|v| match seasonality {
                Seasonality::Additive => v - level,
                Seasonality::Multiplicative => v / level,
            })
            .collect();
        Ok(InitialState {
            level,
            trend,
            season,
        })
    }
}

/// A fitted model.
#[derive(Debug, Clone, Serialize)]
pub struct HoltWinters {
    pub period: usize,
    pub seasonality: Seasonality,
    pub params: Smoothing,
    pub initial: InitialState,
    /// One-step-ahead forecasts of each observation.
    pub fitted: Vec<f64>,
    /// Sum of squared one-step errors.
    pub sse: f64,
    /// Standard deviation of the one-step errors, `sqrt(SSE / (n − 3))`.
    pub sigma: f64,
    level: f64,
    trend: f64,
    /// The seasonal terms of the next `period` steps, in order.
    season: Vec<f64>,
}

/// One forecast step with its prediction interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ForecastPoint {
    /// 1 for the step after the last observation.
    pub step: usize,
    pub mean: f64,
    pub lower: f64,
    pub upper: f64,
}

/// A holdout check: the model fitted without the last `h` observations, and how well it
/// forecasts them.
#[derive(Debug, Clone, Serialize)]
pub struct Holdout {
    pub model: HoltWinters,
    pub forecast: Vec<ForecastPoint>,
    pub actual: Vec<f64>,
    /// Mean absolute percentage error over the held-out observations that are not zero, in
    /// percent; `None` when all are zero.
    pub mape: Option<f64>,
}

fn check_series(y: &[f64], period: usize, seasonality: Seasonality) -> Result<()> {
    if period < 2 {
        return Err(Error::InvalidArgument(format!(
            "a seasonal period of {period} has no season; use 7 for days of the week, 52 for weeks of the year or 12 for months"
        )));
    }
    if y.len() < 2 * period {
        return Err(Error::InvalidArgument(format!(
            "Holt-Winters needs at least two full seasons ({} values for a period of {period}); the series has {}",
            2 * period,
            y.len()
        )));
    }
    if let Some(i) = y.iter().position(|v| !v.is_finite()) {
        return Err(Error::InvalidArgument(format!(
            "value {} of the series is missing or not a number; fill the gaps first",
            i + 1
        )));
    }
    if seasonality == Seasonality::Multiplicative
        && let Some(i) = y.iter().position(|v| *v <= 0.0)
    {
        return Err(Error::InvalidArgument(format!(
            "multiplicative seasonality needs values above zero, but value {} is {}; use additive seasonality",
            i + 1,
            y[i]
        )));
    }
    Ok(())
}

struct Run {
    fitted: Vec<f64>,
    sse: f64,
    level: f64,
    trend: f64,
    season: Vec<f64>,
}

/// One pass of the recursions over `y`.
fn run(
    y: &[f64],
    seasonality: Seasonality,
    p: Smoothing,
    init: &InitialState,
    keep_fitted: bool,
) -> Run {
    let m = init.season.len();
    let mut s = init.season.clone();
    let (mut l, mut b) = (init.level, init.trend);
    let mut fitted = Vec::with_capacity(if keep_fitted { y.len() } else { 0 });
    let mut sse = 0.0;
    for (t, &v) in y.iter().enumerate() {
        let k = t % m;
        let base = l + b;
        let (yhat, l_new, s_new) = match seasonality {
            Seasonality::Additive => (
                base + s[k],
                p.alpha * (v - s[k]) + (1.0 - p.alpha) * base,
                p.gamma * (v - base) + (1.0 - p.gamma) * s[k],
            ),
            Seasonality::Multiplicative => (
                base * s[k],
                p.alpha * v / s[k] + (1.0 - p.alpha) * base,
                p.gamma * v / base + (1.0 - p.gamma) * s[k],
            ),
        };
        let e = v - yhat;
        sse += e * e;
        if keep_fitted {
            fitted.push(yhat);
        }
        b = p.beta * (l_new - l) + (1.0 - p.beta) * b;
        l = l_new;
        s[k] = s_new;
    }
    // Rotate so that season[i] is the term of step n + 1 + i.
    let n = y.len();
    let season = (0..m).map(|i| s[(n + i) % m]).collect();
    Run {
        fitted,
        sse,
        level: l,
        trend: b,
        season,
    }
}

/// The parameters from a point of the unit cube, as statsmodels maps them: `α = u₀`,
/// `β = u₁ α`, `γ = u₂ (1 − α)`.
fn restricted(u: &[f64]) -> Smoothing {
    let a = u[0].clamp(0.0, 1.0);
    Smoothing {
        alpha: a,
        beta: u[1].clamp(0.0, 1.0) * a,
        gamma: u[2].clamp(0.0, 1.0) * (1.0 - a),
    }
}

impl HoltWinters {
    /// Fits the smoothing parameters to `y` by least squares, from the heuristic initial states.
    pub fn fit(y: &[f64], period: usize, seasonality: Seasonality) -> Result<HoltWinters> {
        let init = InitialState::heuristic(y, period, seasonality)?;
        Self::fit_from(y, seasonality, init)
    }

    /// Fits the smoothing parameters to `y` by least squares from given initial states.
    pub fn fit_from(
        y: &[f64],
        seasonality: Seasonality,
        init: InitialState,
    ) -> Result<HoltWinters> {
        let period = init.season.len();
        check_series(y, period, seasonality)?;
        let sse = |u: &[f64]| {
            let outside: f64 = u
                .iter()
                .map(|x| (x - x.clamp(0.0, 1.0)).powi(2))
                .sum::<f64>();
            run(y, seasonality, restricted(u), &init, false).sse * (1.0 + outside)
        };
        let starts: Vec<Vec<f64>> = [0.1, 0.5, 0.9]
            .iter()
            .flat_map(|&a| {
                [[a, 0.1, 0.2], [a, 0.5, 0.8]]
                    .into_iter()
                    .map(|p| p.to_vec())
                    .collect::<Vec<_>>()
            })
            .collect();
        let (best, value) = crate::numeric::minimize(&sse, &starts);
        if best.len() != 3 || !value.is_finite() {
            return Err(Error::InvalidArgument(
                "the Holt-Winters fit found no parameters with a finite error; the series may change sign or jump by orders of magnitude".into(),
            ));
        }
        Ok(Self::with_params(y, seasonality, restricted(&best), init))
    }

    /// The model with given parameters and initial states, run over `y`.
    pub fn with_params(
        y: &[f64],
        seasonality: Seasonality,
        params: Smoothing,
        initial: InitialState,
    ) -> HoltWinters {
        let r = run(y, seasonality, params, &initial, true);
        let dof = y.len().saturating_sub(3).max(1) as f64;
        HoltWinters {
            period: initial.season.len(),
            seasonality,
            params,
            initial,
            fitted: r.fitted,
            sse: r.sse,
            sigma: (r.sse / dof).sqrt(),
            level: r.level,
            trend: r.trend,
            season: r.season,
        }
    }

    /// The point forecast `h` steps after the last observation (h ≥ 1).
    pub fn point(&self, h: usize) -> f64 {
        let s = self.season[(h - 1) % self.period];
        let base = self.level + h as f64 * self.trend;
        match self.seasonality {
            Seasonality::Additive => base + s,
            Seasonality::Multiplicative => base * s,
        }
    }

    /// Forecasts `h` steps with prediction intervals of the given coverage (e.g. 0.95).
    pub fn forecast(&self, h: usize, coverage: f64) -> Result<Vec<ForecastPoint>> {
        if !(coverage > 0.0 && coverage < 1.0) {
            return Err(Error::InvalidArgument(format!(
                "an interval coverage of {coverage} is not between 0 and 1; use e.g. 0.95"
            )));
        }
        Ok(match self.seasonality {
            Seasonality::Additive => self.analytic_intervals(h, coverage),
            Seasonality::Multiplicative => self.simulated_intervals(h, coverage, 4000),
        })
    }

    /// Intervals from the closed-form forecast variance of the additive model.
    pub(crate) fn analytic_intervals(&self, h: usize, coverage: f64) -> Vec<ForecastPoint> {
        let z = normal_quantile(0.5 + coverage / 2.0);
        let p = self.params;
        let mut acc = 1.0;
        (1..=h)
            .map(|step| {
                if step > 1 {
                    let j = step - 1;
                    let season = if j % self.period == 0 { p.gamma } else { 0.0 };
                    let c = p.alpha * (1.0 + j as f64 * p.beta) + season;
                    acc += c * c;
                }
                let mean = self.point(step);
                let half = z * self.sigma * acc.sqrt();
                ForecastPoint {
                    step,
                    mean,
                    lower: mean - half,
                    upper: mean + half,
                }
            })
            .collect()
    }

    /// Intervals as quantiles of `paths` simulated futures with normal one-step errors.
    pub(crate) fn simulated_intervals(
        &self,
        h: usize,
        coverage: f64,
        paths: usize,
    ) -> Vec<ForecastPoint> {
        let mut rng = Rng(0x5EED_1234_ABCD_0001);
        let mut draws: Vec<Vec<f64>> = vec![Vec::with_capacity(paths); h];
        let p = self.params;
        for _ in 0..paths {
            let (mut l, mut b, mut s) = (self.level, self.trend, self.season.clone());
            for (step, out) in draws.iter_mut().enumerate() {
                let k = step % self.period;
                let base = l + b;
                let yhat = match self.seasonality {
                    Seasonality::Additive => base + s[k],
                    Seasonality::Multiplicative => base * s[k],
                };
                let y = yhat + self.sigma * rng.normal();
                out.push(y);
                let (l_new, s_new) = match self.seasonality {
                    Seasonality::Additive => (
                        p.alpha * (y - s[k]) + (1.0 - p.alpha) * base,
                        p.gamma * (y - base) + (1.0 - p.gamma) * s[k],
                    ),
                    Seasonality::Multiplicative => (
                        p.alpha * y / s[k] + (1.0 - p.alpha) * base,
                        p.gamma * y / base + (1.0 - p.gamma) * s[k],
                    ),
                };
                b = p.beta * (l_new - l) + (1.0 - p.beta) * b;
                l = l_new;
                s[k] = s_new;
            }
        }
        let lo_q = (1.0 - coverage) / 2.0;
        draws
            .into_iter()
            .enumerate()
            .map(|(i, mut d)| {
                d.sort_by(f64::total_cmp);
                ForecastPoint {
                    step: i + 1,
                    mean: self.point(i + 1),
                    lower: quantile(&d, lo_q).unwrap_or(f64::NAN),
                    upper: quantile(&d, 1.0 - lo_q).unwrap_or(f64::NAN),
                }
            })
            .collect()
    }

    /// Fits on all but the last `h` values and forecasts them.
    pub fn holdout(
        y: &[f64],
        period: usize,
        seasonality: Seasonality,
        h: usize,
        coverage: f64,
    ) -> Result<Holdout> {
        if h == 0 || h >= y.len() {
            return Err(Error::InvalidArgument(format!(
                "a holdout of {h} values does not fit a series of {}",
                y.len()
            )));
        }
        let (train, test) = y.split_at(y.len() - h);
        let model = Self::fit(train, period, seasonality).map_err(|e| {
            Error::InvalidArgument(format!("without the last {h} values for the check: {e}"))
        })?;
        let forecast = model.forecast(h, coverage)?;
        Ok(Holdout {
            mape: mape(test, &forecast.iter().map(|f| f.mean).collect::<Vec<_>>()),
            model,
            forecast,
            actual: test.to_vec(),
        })
    }
}

/// Mean absolute percentage error in percent, over the actual values that are not zero.
pub fn mape(actual: &[f64], predicted: &[f64]) -> Option<f64> {
    let terms: Vec<f64> = actual
        .iter()
        .zip(predicted)
        .filter(|(a, _)| **a != 0.0)
        .map(|(a, p)| ((a - p) / a).abs())
        .collect();
    (!terms.is_empty()).then(|| 100.0 * terms.iter().sum::<f64>() / terms.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn airline() -> Vec<f64> {
        let text = include_str!("../../tests/fixtures/airline.csv");
        text.lines()
            .skip(1)
            .map(|l| l.split(',').nth(1).unwrap().parse().unwrap())
            .collect()
    }

    #[test]
    fn the_airline_fixture_is_the_box_jenkins_series() {
        let y = airline();
        assert_eq!(y.len(), 144);
        assert_eq!(y.iter().sum::<f64>(), 40_363.0);
        assert_eq!((y[0], y[143]), (112.0, 432.0));
        // The summer peaks of 1960.
        assert_eq!((y[138], y[139]), (622.0, 606.0));
    }

    /// Generates a series from the model itself, with no noise.
    fn generate(
        n: usize,
        seasonality: Seasonality,
        p: Smoothing,
        init: &InitialState,
        shocks: impl Fn(usize) -> f64,
    ) -> Vec<f64> {
        let m = init.season.len();
        let (mut l, mut b, mut s) = (init.level, init.trend, init.season.clone());
        (0..n)
            .map(|t| {
                let k = t % m;
                let base = l + b;
                let yhat = match seasonality {
                    Seasonality::Additive => base + s[k],
                    Seasonality::Multiplicative => base * s[k],
                };
                // A deterministic "innovation" so the smoothing parameters matter.
                let y = yhat + shocks(t);
                let (ln, sn) = match seasonality {
                    Seasonality::Additive => (
                        p.alpha * (y - s[k]) + (1.0 - p.alpha) * base,
                        p.gamma * (y - base) + (1.0 - p.gamma) * s[k],
                    ),
                    Seasonality::Multiplicative => (
                        p.alpha * y / s[k] + (1.0 - p.alpha) * base,
                        p.gamma * y / base + (1.0 - p.gamma) * s[k],
                    ),
                };
                b = p.beta * (ln - l) + (1.0 - p.beta) * b;
                l = ln;
                s[k] = sn;
                y
            })
            .collect()
    }

    fn normals(n: usize, sd: f64) -> Vec<f64> {
        let mut rng = Rng(42);
        (0..n).map(|_| sd * rng.normal()).collect()
    }

    #[test]
    fn a_noise_free_series_is_reproduced_exactly() {
        // Without innovations every parameter reproduces the series: the fit must find an SSE of
        // zero and continue the pattern exactly.
        for seasonality in [Seasonality::Additive, Seasonality::Multiplicative] {
            let season = match seasonality {
                Seasonality::Additive => vec![-20.0, -5.0, 10.0, 30.0, 5.0, -20.0],
                Seasonality::Multiplicative => vec![0.8, 0.95, 1.1, 1.3, 1.05, 0.8],
            };
            let init = InitialState {
                level: 200.0,
                trend: 1.5,
                season,
            };
            let p = Smoothing {
                alpha: 0.3,
                beta: 0.1,
                gamma: 0.2,
            };
            let y = generate(60, seasonality, p, &init, |_| 0.0);
            let fit = HoltWinters::fit_from(&y[..48], seasonality, init.clone()).unwrap();
            assert!(fit.sse < 1e-16 * 48.0 * 200.0 * 200.0, "{}", fit.sse);
            for h in 1..=12 {
                assert!((fit.point(h) - y[47 + h]).abs() < 1e-9, "step {h}");
            }
        }
    }

    #[test]
    fn recovers_the_parameters_that_generated_a_series() {
        // A long series generated by the model with normal innovations: least squares from the
        // true initial states lands close to the true parameters.
        for (seasonality, truth) in [
            (
                Seasonality::Additive,
                Smoothing {
                    alpha: 0.4,
                    beta: 0.05,
                    gamma: 0.3,
                },
            ),
            (
                Seasonality::Multiplicative,
                Smoothing {
                    alpha: 0.3,
                    beta: 0.02,
                    gamma: 0.5,
                },
            ),
        ] {
            let season = match seasonality {
                Seasonality::Additive => vec![-40.0, -10.0, 20.0, 60.0, 10.0, -40.0, 0.0],
                Seasonality::Multiplicative => vec![0.8, 0.95, 1.1, 1.3, 1.05, 0.8, 1.0],
            };
            let init = InitialState {
                level: 1000.0,
                trend: 0.5,
                season,
            };
            let e = normals(1200, 2.0);
            let y = generate(1200, seasonality, truth, &init, |t| e[t]);
            let fit = HoltWinters::fit_from(&y, seasonality, init.clone()).unwrap();
            let p = fit.params;
            for (name, got, want) in [
                ("alpha", p.alpha, truth.alpha),
                ("beta", p.beta, truth.beta),
                ("gamma", p.gamma, truth.gamma),
            ] {
                assert!(
                    (got - want).abs() < 0.03,
                    "{seasonality:?} {name}: {got} vs {want}"
                );
            }
            // The residual sd estimates the innovations' sd.
            assert!((fit.sigma - 2.0).abs() < 0.1, "{}", fit.sigma);
        }
    }

    /// statsmodels 0.15.0 `ExponentialSmoothing(trend="add", seasonal=…, seasonal_periods=12,
    /// initialization_method="known")` from the same initial states, fitted by least squares:
    /// `python3 tests/fixtures/scripts/hw_airline.py tests/fixtures/airline.csv`.
    #[test]
    fn matches_statsmodels_on_the_airline_series() {
        let y = airline();
        // (seasonality, alpha, beta, gamma, sse, forecast 1, forecast 3)
        let cases = [
            (
                Seasonality::Multiplicative,
                0.284139,
                0.034894,
                0.625660,
                16866.467373,
                446.797327,
                465.691560,
            ),
            (
                Seasonality::Additive,
                0.252878,
                0.037179,
                0.747122,
                22279.479456,
                453.457114,
                467.322166,
            ),
        ];
        for (seasonality, a, b, g, sse, f1, f3) in cases {
            let fit = HoltWinters::fit(&y, 12, seasonality).unwrap();
            let p = fit.params;
            // Our minimum is at least as low as statsmodels', and at the same place.
            assert!(
                fit.sse <= sse * (1.0 + 1e-6),
                "{seasonality:?} sse {}",
                fit.sse
            );
            assert!((fit.sse - sse).abs() < 1e-4 * sse, "{}", fit.sse);
            assert!(
                (p.alpha - a).abs() < 2e-3,
                "{seasonality:?} alpha {}",
                p.alpha
            );
            assert!((p.beta - b).abs() < 2e-3, "{seasonality:?} beta {}", p.beta);
            assert!(
                (p.gamma - g).abs() < 2e-3,
                "{seasonality:?} gamma {}",
                p.gamma
            );
            assert!((fit.point(1) - f1).abs() < 0.1, "{}", fit.point(1));
            assert!((fit.point(3) - f3).abs() < 0.1, "{}", fit.point(3));
        }
    }

    /// The same script, fitted on 1949–1959 and forecasting 1960. statsmodels forecasts step
    /// 12 with the seasonal term of December 1958 instead of the one December 1959 updated; the
    /// book (and Loupe) uses the latter, which the script computes from statsmodels' own final
    /// states as `f12_book`, with the MAPE it gives as `mape_book`.
    #[test]
    fn airline_holdout_matches_statsmodels() {
        let y = airline();
        // (seasonality, mape_book %, forecast of Jan 1960, of Nov 1960, f12_book)
        let cases = [
            (
                Seasonality::Multiplicative,
                2.321164,
                416.164693,
                400.125581,
                441.068841,
            ),
            (
                Seasonality::Additive,
                2.481738,
                416.931573,
                404.688302,
                444.273134,
            ),
        ];
        for (seasonality, mape, f1, f11, f12) in cases {
            let h = HoltWinters::holdout(&y, 12, seasonality, 12, 0.95).unwrap();
            let got = h.mape.unwrap();
            assert!((got - mape).abs() < 1e-3, "{seasonality:?} MAPE {got}");
            for (step, want) in [(0, f1), (10, f11), (11, f12)] {
                let f = h.forecast[step].mean;
                assert!(
                    (f - want).abs() < 1e-2,
                    "{seasonality:?} step {}: {f}",
                    step + 1
                );
            }
            assert_eq!(h.actual[11], 432.0);
            // The intervals hold the point forecast and widen with the horizon.
            for f in &h.forecast {
                assert!(f.lower < f.mean && f.mean < f.upper, "{f:?}");
            }
            let width = |f: &ForecastPoint| f.upper - f.lower;
            assert!(width(&h.forecast[11]) > width(&h.forecast[0]));
        }
    }

    #[test]
    fn simulated_intervals_agree_with_the_closed_form() {
        let y = airline();
        let fit = HoltWinters::fit(&y, 12, Seasonality::Additive).unwrap();
        let exact = fit.analytic_intervals(24, 0.9);
        let sim = fit.simulated_intervals(24, 0.9, 20_000);
        for (a, s) in exact.iter().zip(&sim) {
            let (wa, ws) = (a.upper - a.lower, s.upper - s.lower);
            assert!((wa - ws).abs() < 0.04 * wa, "step {}: {wa} vs {ws}", a.step);
        }
        // One step ahead: ± z σ.
        let z = normal_quantile(0.95);
        assert!((exact[0].upper - exact[0].mean - z * fit.sigma).abs() < 1e-9);
    }

    #[test]
    fn refuses_what_it_cannot_fit() {
        let y = airline();
        let short = HoltWinters::fit(&y[..20], 12, Seasonality::Additive).unwrap_err();
        assert!(short.to_string().contains("two full seasons"), "{short}");
        let mut z = y.clone();
        z[5] = 0.0;
        let zero = HoltWinters::fit(&z, 12, Seasonality::Multiplicative).unwrap_err();
        assert!(zero.to_string().contains("value 6 is 0"), "{zero}");
        assert!(HoltWinters::fit(&z, 12, Seasonality::Additive).is_ok());
        z[7] = f64::NAN;
        assert!(HoltWinters::fit(&z, 12, Seasonality::Additive).is_err());
        assert!(HoltWinters::fit(&y, 1, Seasonality::Additive).is_err());
        assert_eq!(mape(&[0.0, 10.0], &[1.0, 11.0]), Some(10.0));
        assert_eq!(mape(&[0.0], &[1.0]), None);
    }
}
