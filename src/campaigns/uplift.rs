//! Incrementality from a randomised experiment: each arm against the control arm.
//!
//! Per arm: n, conversion rate p = x / n, mean outcome ȳ and its sample variance s² (n − 1).
//! For arm t against control c, with 95% intervals (α = 0.05):
//!
//! - **mean outcome** (e.g. spend per customer): lift_abs = ȳ_t − ȳ_c. Welch's t: SE =
//!   √(s_t²/n_t + s_c²/n_c), df by Welch–Satterthwaite = SE⁴ / ((s_t²/n_t)²/(n_t−1) +
//!   (s_c²/n_c)²/(n_c−1)); CI = lift ± t_{0.975, df}·SE (the t quantile, not 1.96); p = 2·P(T_df >
//!   |lift/SE|).
//! - **relative lift** lift_rel = ȳ_t/ȳ_c − 1, CI by the delta method on the log of the ratio:
//!   exp(ln(ȳ_t/ȳ_c) ± z_{0.975}·√(s_t²/(n_t ȳ_t²) + s_c²/(n_c ȳ_c²))) − 1 (needs both means > 0).
//! - **conversion rate**: conversion_lift_abs = p_t − p_c; CI from the *unpooled* (Wald)
//!   standard error √(p_t(1−p_t)/n_t + p_c(1−p_c)/n_c) with z_{0.975}; the p-value from the
//!   *pooled* two-proportion z test, z = (p_t − p_c) / √(p̄(1−p̄)(1/n_t + 1/n_c)), p̄ = (x_t +
//!   x_c)/(n_t + n_c). Relative: p_t/p_c − 1 with Katz's log risk-ratio interval, SE =
//!   √((1−p_t)/x_t + (1−p_c)/x_c).
//! - **incremental** conversions and outcome (revenue) = lift × n_t, interval likewise scaled;
//!   **incremental ROI**, given a cost per contact k: cost = k·n_t, ROI = (incremental outcome −
//!   cost) / cost, interval from the outcome's.

use super::data::Subject;
use crate::numeric::{normal_quantile, normal_two_sided_p, t_quantile, t_two_sided_p};
use crate::{Error, Result};
use serde::Serialize;
use std::collections::BTreeMap;

/// The confidence level of every interval.
pub const LEVEL: f64 = 0.95;

/// One arm's numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArmSummary {
    pub arm: String,
    pub n: u64,
    pub conversions: u64,
    pub conversion_rate: f64,
    pub mean_outcome: f64,
    /// The sample standard deviation of the outcome (n − 1); `None` for n < 2.
    pub sd_outcome: Option<f64>,
}

/// One treatment arm against the control.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArmLift {
    #[serde(flatten)]
    pub summary: ArmSummary,
    pub lift_abs: f64,
    pub lift_abs_ci: Option<[f64; 2]>,
    pub lift_rel: Option<f64>,
    pub lift_rel_ci: Option<[f64; 2]>,
    pub t_statistic: Option<f64>,
    pub welch_df: Option<f64>,
    pub p_value: Option<f64>,
    pub conversion_lift_abs: f64,
    pub conversion_lift_ci: Option<[f64; 2]>,
    pub conversion_lift_rel: Option<f64>,
    pub conversion_lift_rel_ci: Option<[f64; 2]>,
    pub conversion_z: Option<f64>,
    pub conversion_p_value: Option<f64>,
    pub incremental_conversions: f64,
    pub incremental_conversions_ci: Option<[f64; 2]>,
    pub incremental_outcome: f64,
    pub incremental_outcome_ci: Option<[f64; 2]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incremental_roi: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incremental_roi_ci: Option<[f64; 2]>,
}

/// The experiment's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Uplift {
    pub control: ArmSummary,
    pub arms: Vec<ArmLift>,
    pub confidence: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_per_contact: Option<f64>,
}

#[derive(Default)]
struct Acc {
    n: u64,
    x: u64,
    sum: f64,
    // Welford's running mean and sum of squared deviations.
    mean: f64,
    m2: f64,
}

impl Acc {
    fn add(&mut self, y: f64, converted: bool) {
        self.n += 1;
        self.x += u64::from(converted);
        self.sum += y;
        let d = y - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (y - self.mean);
    }
    fn var(&self) -> Option<f64> {
        (self.n >= 2).then(|| self.m2 / (self.n - 1) as f64)
    }
    fn summary(&self, arm: &str) -> ArmSummary {
        ArmSummary {
            arm: arm.to_string(),
            n: self.n,
            conversions: self.x,
            conversion_rate: self.x as f64 / self.n as f64,
            mean_outcome: self.sum / self.n as f64,
            sd_outcome: self.var().map(f64::sqrt),
        }
    }
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

fn scaled(ci: Option<[f64; 2]>, k: f64) -> Option<[f64; 2]> {
    ci.map(|[lo, hi]| [lo * k, hi * k])
}

/// Each arm against `control`; `cost_per_contact` adds the incremental ROI.
pub fn uplift(
    subjects: &[Subject],
    control: &str,
    cost_per_contact: Option<f64>,
) -> Result<Uplift> {
    if let Some(k) = cost_per_contact
        && !(k.is_finite() && k > 0.0)
    {
        return Err(Error::InvalidArgument(format!(
            "the cost per contact is {k}; give an amount > 0 (e.g. --cost-per-contact 0.5)"
        )));
    }
    let mut arms: BTreeMap<&str, Acc> = BTreeMap::new();
    for s in subjects {
        arms.entry(s.arm.as_str())
            .or_default()
            .add(s.outcome, s.converted);
    }
    let Some(c) = arms.remove(control) else {
        let names: Vec<&str> = arms.keys().copied().collect();
        return Err(Error::InvalidArgument(format!(
            "there is no arm '{control}' to compare with; the arms are: {}",
            names.join(", ")
        )));
    };
    if arms.is_empty() {
        return Err(Error::InvalidArgument(format!(
            "the experiment has only the control arm '{control}'; it needs at least one treatment arm"
        )));
    }
    let z = normal_quantile(0.5 + LEVEL / 2.0);
    let control_summary = c.summary(control);
    let mut out = Vec::new();
    for (name, t) in &arms {
        out.push(compare(name, t, &c, z, cost_per_contact));
    }
    Ok(Uplift {
        control: control_summary,
        arms: out,
        confidence: LEVEL,
        cost_per_contact,
    })
}

fn compare(name: &str, t: &Acc, c: &Acc, z: f64, cost_per_contact: Option<f64>) -> ArmLift {
    let (nt, nc) = (t.n as f64, c.n as f64);
    let (mt, mc) = (t.sum / nt, c.sum / nc);
    let lift_abs = mt - mc;

    // Welch.
    let (mut ci, mut tstat, mut df, mut p) = (None, None, None, None);
    if let (Some(vt), Some(vc)) = (t.var(), c.var()) {
        let (at, ac) = (vt / nt, vc / nc);
        let se = (at + ac).sqrt();
        if se > 0.0 {
            let d = (at + ac).powi(2) / (at * at / (nt - 1.0) + ac * ac / (nc - 1.0));
            let q = t_quantile(0.5 + LEVEL / 2.0, d);
            ci = Some([lift_abs - q * se, lift_abs + q * se]);
            tstat = Some(lift_abs / se);
            df = Some(d);
            p = finite(t_two_sided_p(lift_abs / se, d));
        }
    }
    let lift_rel = (mc != 0.0).then(|| mt / mc - 1.0);
    let lift_rel_ci = match (t.var(), c.var()) {
        (Some(vt), Some(vc)) if mt > 0.0 && mc > 0.0 => {
            let se = (vt / (nt * mt * mt) + vc / (nc * mc * mc)).sqrt();
            let l = (mt / mc).ln();
            Some([(l - z * se).exp() - 1.0, (l + z * se).exp() - 1.0])
        }
        _ => None,
    };

    // Two proportions.
    let (pt, pc) = (t.x as f64 / nt, c.x as f64 / nc);
    let conv_abs = pt - pc;
    let se_u = (pt * (1.0 - pt) / nt + pc * (1.0 - pc) / nc).sqrt();
    let conv_ci = (se_u > 0.0).then_some([conv_abs - z * se_u, conv_abs + z * se_u]);
    let pooled = (t.x + c.x) as f64 / (nt + nc);
    let se0 = (pooled * (1.0 - pooled) * (1.0 / nt + 1.0 / nc)).sqrt();
    let conv_z = (se0 > 0.0).then(|| conv_abs / se0);
    let conv_p = conv_z.map(normal_two_sided_p);
    let conv_rel = (pc > 0.0).then(|| pt / pc - 1.0);
    let conv_rel_ci = (t.x > 0 && c.x > 0).then(|| {
        let se = ((1.0 - pt) / t.x as f64 + (1.0 - pc) / c.x as f64).sqrt();
        let l = (pt / pc).ln();
        [(l - z * se).exp() - 1.0, (l + z * se).exp() - 1.0]
    });

    let inc_out = lift_abs * nt;
    let inc_out_ci = scaled(ci, nt);
    let cost = cost_per_contact.map(|k| k * nt);
    let roi = cost.map(|k| (inc_out - k) / k);
    let roi_ci = cost.and_then(|k| inc_out_ci.map(|[lo, hi]| [(lo - k) / k, (hi - k) / k]));
    ArmLift {
        summary: t.summary(name),
        lift_abs,
        lift_abs_ci: ci,
        lift_rel,
        lift_rel_ci,
        t_statistic: tstat,
        welch_df: df,
        p_value: p,
        conversion_lift_abs: conv_abs,
        conversion_lift_ci: conv_ci,
        conversion_lift_rel: conv_rel,
        conversion_lift_rel_ci: conv_rel_ci,
        conversion_z: conv_z,
        conversion_p_value: conv_p,
        incremental_conversions: conv_abs * nt,
        incremental_conversions_ci: scaled(conv_ci, nt),
        incremental_outcome: inc_out,
        incremental_outcome_ci: inc_out_ci,
        cost,
        incremental_roi: roi,
        incremental_roi_ci: roi_ci,
    }
}

/// The arms of an experiment, with their sizes (for pickers).
pub fn arm_sizes(subjects: &[Subject]) -> Vec<(String, u64)> {
    let mut m: BTreeMap<&str, u64> = BTreeMap::new();
    for s in subjects {
        *m.entry(s.arm.as_str()).or_default() += 1;
    }
    m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subjects(arm: &str, ys: &[f64]) -> Vec<Subject> {
        ys.iter()
            .map(|&y| Subject {
                arm: arm.into(),
                outcome: y,
                converted: y > 0.0,
            })
            .collect()
    }

    fn close(got: f64, want: f64, tol: f64) {
        assert!((got - want).abs() <= tol, "got {got}, want {want}");
    }

    /// A small experiment computed by hand (and with scipy, see tests/it/campaigns.rs for the
    /// independent check of the same numbers).
    ///
    /// control  c = [0, 0, 10, 0, 20, 0, 0, 5]          n 8,  Σ 35,  ȳ 4.375
    /// treatment t = [0, 15, 30, 0, 25, 0, 10, 40, 0, 5] n 10, Σ 125, ȳ 12.5
    ///
    /// s_c² = (Σy² − nȳ²)/(n−1) = (525 − 8·4.375²)/7 = (525 − 153.125)/7 = 53.125
    /// s_t² = (3475 − 10·12.5²)/9 = (3475 − 1562.5)/9 = 212.5
    /// a_t = s_t²/n_t = 21.25, a_c = 6.640625; SE = √27.890625 = 5.281157
    /// df = 27.890625² / (21.25²/9 + 6.640625²/7) = 777.8870 / (50.17361 + 6.299665) = 13.7745
    /// lift 8.125, t = 8.125 / 5.281157 = 1.538488
    #[test]
    fn welch_by_hand() {
        let mut s = subjects("c", &[0.0, 0.0, 10.0, 0.0, 20.0, 0.0, 0.0, 5.0]);
        s.extend(subjects(
            "t",
            &[0.0, 15.0, 30.0, 0.0, 25.0, 0.0, 10.0, 40.0, 0.0, 5.0],
        ));
        let u = uplift(&s, "c", Some(2.0)).unwrap();
        assert_eq!(u.control.n, 8);
        close(u.control.mean_outcome, 4.375, 1e-12);
        close(u.control.sd_outcome.unwrap().powi(2), 53.125, 1e-9);
        let a = &u.arms[0];
        close(a.summary.mean_outcome, 12.5, 1e-12);
        close(a.summary.sd_outcome.unwrap().powi(2), 212.5, 1e-9);
        close(a.lift_abs, 8.125, 1e-12);
        let se = (21.25 + 53.125 / 8.0f64).sqrt();
        close(a.t_statistic.unwrap(), 8.125 / se, 1e-12);
        let (at, ac): (f64, f64) = (21.25, 53.125 / 8.0);
        let df = (at + ac).powi(2) / (at * at / 9.0 + ac * ac / 7.0);
        close(a.welch_df.unwrap(), df, 1e-9);
        close(df, 13.774_5, 1e-4);
        close(a.t_statistic.unwrap(), 1.538_488, 1e-6);
        let q = t_quantile(0.975, df);
        let ci = a.lift_abs_ci.unwrap();
        close(ci[0], 8.125 - q * se, 1e-12);
        close(ci[1], 8.125 + q * se, 1e-12);
        // Relative lift: 12.5 / 4.375 − 1.
        close(a.lift_rel.unwrap(), 12.5 / 4.375 - 1.0, 1e-12);
        // Conversions: t 6/10, c 3/8. Unpooled SE √(.6·.4/10 + .375·.625/8) = √0.0532969.
        close(a.conversion_lift_abs, 0.6 - 0.375, 1e-15);
        let se_u = (0.024f64 + 0.029_296_875).sqrt();
        let z = normal_quantile(0.975);
        let cci = a.conversion_lift_ci.unwrap();
        close(cci[0], 0.225 - z * se_u, 1e-12);
        close(cci[1], 0.225 + z * se_u, 1e-12);
        // Pooled: p̄ = 9/18 = 0.5, SE0 = √(0.25·(1/10 + 1/8)) = √0.05625.
        close(a.conversion_z.unwrap(), 0.225 / 0.05625f64.sqrt(), 1e-12);
        // Incremental: × n_t = 10; cost 2 × 10 = 20; ROI (81.25 − 20)/20.
        close(a.incremental_outcome, 81.25, 1e-12);
        close(a.incremental_conversions, 2.25, 1e-12);
        close(a.incremental_roi.unwrap(), (81.25 - 20.0) / 20.0, 1e-12);
        let rci = a.incremental_roi_ci.unwrap();
        close(rci[0], (ci[0] * 10.0 - 20.0) / 20.0, 1e-12);
    }

    #[test]
    fn textbook_two_proportion_test() {
        // 120/1000 vs 100/1000: p̄ = 0.11, SE0 = √(0.11·0.89·0.002) = 0.013993; z = 1.4293;
        // two-sided p = 0.15291 (any two-proportion z-test calculator).
        let mut s: Vec<Subject> = Vec::new();
        for (arm, x) in [("t", 120), ("c", 100)] {
            for i in 0..1000 {
                s.push(Subject {
                    arm: arm.into(),
                    outcome: 0.0,
                    converted: i < x,
                });
            }
        }
        let u = uplift(&s, "c", None).unwrap();
        let a = &u.arms[0];
        close(
            a.conversion_z.unwrap(),
            0.02 / (0.11 * 0.89 * 0.002f64).sqrt(),
            1e-12,
        );
        close(a.conversion_z.unwrap(), 1.429_3, 1e-4);
        close(a.conversion_p_value.unwrap(), 0.152_9, 1e-4);
        // Katz: ln(1.2) ± 1.96·√(0.88/120 + 0.9/100).
        let se = (0.88f64 / 120.0 + 0.9 / 100.0).sqrt();
        let rci = a.conversion_lift_rel_ci.unwrap();
        close(
            rci[0],
            (1.2f64.ln() - normal_quantile(0.975) * se).exp() - 1.0,
            1e-12,
        );
        // Outcomes all zero: no Welch interval, no relative lift.
        assert_eq!(a.lift_abs_ci, None);
        assert_eq!(a.lift_rel, None);
        assert!(a.incremental_roi.is_none());
    }

    #[test]
    fn bad_input_is_explained() {
        let s = subjects("a", &[1.0, 2.0]);
        let e = uplift(&s, "control", None).unwrap_err().to_string();
        assert!(e.contains("no arm 'control'") && e.contains("a"), "{e}");
        let e = uplift(&s, "a", None).unwrap_err().to_string();
        assert!(e.contains("only the control"), "{e}");
        let mut s2 = s.clone();
        s2.extend(subjects("b", &[1.0]));
        assert!(uplift(&s2, "a", Some(-1.0)).is_err());
        // A one-customer arm: no variance, so no interval, but the point estimates are there.
        let u = uplift(&s2, "a", None).unwrap();
        assert_eq!(u.arms[0].lift_abs, -0.5);
        assert_eq!(u.arms[0].lift_abs_ci, None);
        assert_eq!(u.arms[0].p_value, None);
    }
}
