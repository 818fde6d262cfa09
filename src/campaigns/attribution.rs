//! Attribution: which campaigns get the credit for an order.
//!
//! An order's **touches** are the customer's contacts at or before the order time and no more
//! than the window before it (`order − window ≤ contact ≤ order`, both ends included). An order
//! without touches is unattributed. The touches share one unit of credit (the order counts once
//! in all), ordered by time (ties by campaign order), by the model:
//!
//! - **last touch**: all to the latest touch;
//! - **first touch**: all to the earliest touch;
//! - **linear**: 1/n to each of the n touches;
//! - **time decay**: in proportion to 2^(−age / half-life), age = order time − touch time in
//!   days (a touch one half-life older gets half the weight);
//! - **position based** (U-shaped, 40/20/40): 40% to the first touch, 40% to the last, the other
//!   20% split evenly over the touches between; with two touches 50/50, with one 100%.
//!
//! A campaign that touched the customer several times gets the sum of its touches' credit.

use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

const DAY_MICROS: f64 = 86_400_000_000.0;

/// An attribution model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Model {
    #[default]
    LastTouch,
    FirstTouch,
    Linear,
    TimeDecay,
    Position,
}

impl Model {
    pub const ALL: [Model; 5] = [
        Model::LastTouch,
        Model::FirstTouch,
        Model::Linear,
        Model::TimeDecay,
        Model::Position,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Model::LastTouch => "last-touch",
            Model::FirstTouch => "first-touch",
            Model::Linear => "linear",
            Model::TimeDecay => "time-decay",
            Model::Position => "position",
        }
    }
}

impl std::fmt::Display for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Model {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        Model::ALL
            .into_iter()
            .find(|m| m.as_str() == t || (t == "position-based" && *m == Model::Position))
            .ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "'{s}' is not an attribution model; use last-touch, first-touch, linear, time-decay or position"
                ))
            })
    }
}

/// How orders are attributed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Attribution {
    pub model: Model,
    /// Touches up to this many days before the order count.
    pub window_days: u32,
    /// The time-decay half-life in days.
    pub half_life_days: f64,
}

impl Default for Attribution {
    fn default() -> Self {
        Attribution {
            model: Model::LastTouch,
            window_days: 7,
            half_life_days: 7.0,
        }
    }
}

impl Attribution {
    /// Checks the window and half-life, with a message naming the option.
    pub fn validate(&self) -> Result<()> {
        if self.window_days == 0 || self.window_days > 3_650 {
            return Err(Error::InvalidArgument(format!(
                "the attribution window is {} days; give 1 to 3650 days (e.g. --window-days 7)",
                self.window_days
            )));
        }
        if !(self.half_life_days.is_finite() && self.half_life_days > 0.0) {
            return Err(Error::InvalidArgument(format!(
                "the time-decay half-life is {} days; give a number of days > 0 (e.g. --half-life-days 7)",
                self.half_life_days
            )));
        }
        Ok(())
    }
}

/// The credit of each touch of one order, touches in time order with their ages in days
/// (order time − touch time, ≥ 0). The weights sum to 1 (an empty list for no touches).
pub fn weights(model: Model, ages_days: &[f64], half_life_days: f64) -> Vec<f64> {
    let n = ages_days.len();
    if n == 0 {
        return Vec::new();
    }
    let mut w = vec![0.0; n];
    match model {
        Model::LastTouch => w[n - 1] = 1.0,
        Model::FirstTouch => w[0] = 1.0,
        Model::Linear => w.iter_mut().for_each(|x| *x = 1.0 / n as f64),
        Model::TimeDecay => {
            // Relative to the youngest touch, so that old touches never underflow to all zeros.
            let youngest = ages_days.iter().copied().fold(f64::INFINITY, f64::min);
            for (x, a) in w.iter_mut().zip(ages_days) {
                *x = (-(a - youngest) / half_life_days * std::f64::consts::LN_2).exp();
            }
            let sum: f64 = w.iter().sum();
            w.iter_mut().for_each(|x| *x /= sum);
        }
        Model::Position => match n {
            1 => w[0] = 1.0,
            2 => {
                w[0] = 0.5;
                w[1] = 0.5;
            }
            _ => {
                w[0] = 0.4;
                w[n - 1] = 0.4;
                let middle = 0.2 / (n - 2) as f64;
                w[1..n - 1].iter_mut().for_each(|x| *x = middle);
            }
        },
    }
    w
}

/// A touch: customer, campaign (an index into the caller's campaign list) and time.
#[derive(Debug, Clone, PartialEq)]
pub struct Touch<'a> {
    pub customer: &'a str,
    pub campaign: usize,
    pub micros: i64,
}

/// An order to attribute.
#[derive(Debug, Clone, PartialEq)]
pub struct Conversion<'a> {
    pub customer: &'a str,
    pub micros: i64,
}

/// One campaign's share of one order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Credit {
    pub order: usize,
    pub campaign: usize,
    pub weight: f64,
}

/// The touches of each customer, by time.
pub struct TouchIndex<'a> {
    by_customer: HashMap<&'a str, Vec<(i64, usize)>>,
}

impl<'a> TouchIndex<'a> {
    pub fn new(touches: &[Touch<'a>]) -> TouchIndex<'a> {
        let mut by_customer: HashMap<&'a str, Vec<(i64, usize)>> = HashMap::new();
        for t in touches {
            by_customer
                .entry(t.customer)
                .or_default()
                .push((t.micros, t.campaign));
        }
        for v in by_customer.values_mut() {
            v.sort_unstable();
        }
        TouchIndex { by_customer }
    }

    /// The touches of `customer` in `[micros − window, micros]`, by time.
    pub fn before(&self, customer: &str, micros: i64, window_days: u32) -> &[(i64, usize)] {
        let Some(v) = self.by_customer.get(customer) else {
            return &[];
        };
        let from = micros.saturating_sub(window_days as i64 * 86_400_000_000);
        let lo = v.partition_point(|t| t.0 < from);
        let hi = v.partition_point(|t| t.0 <= micros);
        &v[lo..hi.max(lo)]
    }
}

/// The credits of every order (orders without touches get none).
pub fn attribute(index: &TouchIndex, orders: &[Conversion], spec: &Attribution) -> Vec<Credit> {
    let mut out = Vec::new();
    for (oi, o) in orders.iter().enumerate() {
        let touches = index.before(o.customer, o.micros, spec.window_days);
        if touches.is_empty() {
            continue;
        }
        let ages: Vec<f64> = touches
            .iter()
            .map(|t| (o.micros - t.0) as f64 / DAY_MICROS)
            .collect();
        for ((_, campaign), weight) in
            touches
                .iter()
                .zip(weights(spec.model, &ages, spec.half_life_days))
        {
            if weight > 0.0 {
                out.push(Credit {
                    order: oi,
                    campaign: *campaign,
                    weight,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000_000;

    fn sum(w: &[f64]) -> f64 {
        w.iter().sum()
    }

    #[test]
    fn each_model_on_three_touches() {
        // Touches 6, 3 and 0 days before the order.
        let ages = [6.0, 3.0, 0.0];
        assert_eq!(weights(Model::LastTouch, &ages, 7.0), vec![0.0, 0.0, 1.0]);
        assert_eq!(weights(Model::FirstTouch, &ages, 7.0), vec![1.0, 0.0, 0.0]);
        let lin = weights(Model::Linear, &ages, 7.0);
        assert!(lin.iter().all(|w| (w - 1.0 / 3.0).abs() < 1e-15));
        assert_eq!(weights(Model::Position, &ages, 7.0), vec![0.4, 0.2, 0.4]);
        // Half-life 3 days: raw weights 2^-2, 2^-1, 1 = 0.25, 0.5, 1 → /1.75.
        let td = weights(Model::TimeDecay, &ages, 3.0);
        for (got, want) in td.iter().zip([0.25 / 1.75, 0.5 / 1.75, 1.0 / 1.75]) {
            assert!((got - want).abs() < 1e-15, "{got} {want}");
        }
        for m in Model::ALL {
            assert!((sum(&weights(m, &ages, 3.0)) - 1.0).abs() < 1e-12, "{m}");
        }
    }

    #[test]
    fn position_based_edges() {
        assert_eq!(weights(Model::Position, &[1.0], 7.0), vec![1.0]);
        assert_eq!(weights(Model::Position, &[2.0, 1.0], 7.0), vec![0.5, 0.5]);
        let five = weights(Model::Position, &[4.0, 3.0, 2.0, 1.0, 0.0], 7.0);
        let middle = 0.2 / 3.0;
        assert_eq!(five[0], 0.4);
        assert_eq!(five[4], 0.4);
        assert!(five[1..4].iter().all(|w| (w - middle).abs() < 1e-15));
        assert!((sum(&five) - 1.0).abs() < 1e-15);
        assert!(weights(Model::Linear, &[], 7.0).is_empty());
    }

    #[test]
    fn half_life_halves_the_weight() {
        // Two touches one half-life apart: the older gets half the newer's weight → 1/3, 2/3.
        let w = weights(Model::TimeDecay, &[12.0, 2.0], 10.0);
        assert!((w[0] - 1.0 / 3.0).abs() < 1e-15 && (w[1] - 2.0 / 3.0).abs() < 1e-15);
        // Very old touches do not underflow.
        let w = weights(Model::TimeDecay, &[5000.0, 4999.0], 0.01);
        assert!((sum(&w) - 1.0).abs() < 1e-12 && w[1] > 0.999);
        // Same-age touches split evenly.
        assert_eq!(weights(Model::TimeDecay, &[1.0, 1.0], 7.0), vec![0.5, 0.5]);
    }

    #[test]
    fn window_edges_and_order() {
        let touches = vec![
            Touch {
                customer: "a",
                campaign: 0,
                micros: 0,
            },
            Touch {
                customer: "a",
                campaign: 1,
                micros: 3 * DAY,
            },
            // After the order: never counts.
            Touch {
                customer: "a",
                campaign: 2,
                micros: 8 * DAY,
            },
            Touch {
                customer: "b",
                campaign: 2,
                micros: 0,
            },
        ];
        let index = TouchIndex::new(&touches);
        // Order exactly 7 days after touch 0: the window's far edge is included.
        let order7 = Conversion {
            customer: "a",
            micros: 7 * DAY,
        };
        // One microsecond later, touch 0 falls out.
        let order7plus = Conversion {
            customer: "a",
            micros: 7 * DAY + 1,
        };
        // At the very time of a touch: it counts.
        let at_touch = Conversion {
            customer: "b",
            micros: 0,
        };
        // A customer never touched: unattributed.
        let stranger = Conversion {
            customer: "z",
            micros: 5 * DAY,
        };
        let orders = [order7, order7plus, at_touch, stranger];
        let spec = Attribution {
            model: Model::FirstTouch,
            window_days: 7,
            half_life_days: 7.0,
        };
        let c = attribute(&index, &orders, &spec);
        let credit = |o: usize| -> Vec<(usize, f64)> {
            c.iter()
                .filter(|x| x.order == o)
                .map(|x| (x.campaign, x.weight))
                .collect()
        };
        assert_eq!(credit(0), vec![(0, 1.0)]);
        assert_eq!(credit(1), vec![(1, 1.0)]);
        assert_eq!(credit(2), vec![(2, 1.0)]);
        assert!(credit(3).is_empty());
        // Linear: order 0 splits between touches 0 and 1; every order's credit sums to 1.
        let lin = attribute(
            &index,
            &orders,
            &Attribution {
                model: Model::Linear,
                ..spec
            },
        );
        for o in 0..3 {
            let s: f64 = lin.iter().filter(|x| x.order == o).map(|x| x.weight).sum();
            assert!((s - 1.0).abs() < 1e-15);
        }
        assert_eq!(lin.iter().filter(|x| x.order == 0).count(), 2);
        // A one-day window leaves order 0 with touch... none (touch 1 is 4 days before).
        let short = attribute(
            &index,
            &orders,
            &Attribution {
                window_days: 1,
                ..spec
            },
        );
        assert!(short.iter().all(|x| x.order == 2));
    }

    #[test]
    fn models_parse() {
        assert_eq!("last-touch".parse::<Model>().unwrap(), Model::LastTouch);
        assert_eq!("Time_Decay".parse::<Model>().unwrap(), Model::TimeDecay);
        assert_eq!("position-based".parse::<Model>().unwrap(), Model::Position);
        assert!("shapley".parse::<Model>().is_err());
        assert!(
            Attribution {
                window_days: 0,
                ..Attribution::default()
            }
            .validate()
            .is_err()
        );
        assert!(
            Attribution {
                half_life_days: 0.0,
                ..Attribution::default()
            }
            .validate()
            .is_err()
        );
    }
}
