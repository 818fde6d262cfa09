//! Shared numerical methods: special functions, the normal and t distributions, minimisers,
//! order statistics, and exact sums. Analytics modules (lifetime value, forecasts, campaign lift, distributions,
//! cleaning, recommendations) take these from here rather than from each other.

mod bfgs;
mod distributions;
mod fsum;
mod nelder_mead;
mod order;
mod special;

pub use bfgs::{ValueAndGradient, bfgs};
pub use distributions::{
    beta_inc, gamma_p, gamma_q, normal_cdf, normal_pdf, normal_quantile, normal_two_sided_p, t_cdf,
    t_pdf, t_quantile, t_two_sided_p,
};
pub use fsum::ExactSum;
pub use nelder_mead::minimize;
pub use order::{median, quantile};
pub use special::{digamma, ln_gamma};
