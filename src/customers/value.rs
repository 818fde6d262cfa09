//! Lifetime value for each customer of the customer table: the BG/NBD model fitted on the
//! table's own purchase histories, then each customer's probability of being alive and expected
//! purchases over a horizon.
//!
//! The histories follow [`super::summary`]: purchase occasions are distinct purchase days, the
//! calibration period ends the day before the as-of date, and time is in weeks. Returns are not
//! purchases (the customer table's rule).

use super::clv::{BgNbdFit, Summary, fit_bg_nbd};
use super::rfm::RfmTable;
use crate::Result;

/// Weeks ahead for the expected purchases.
pub const HORIZON_WEEKS: f64 = 12.0;

/// The fit and each customer's scores, in the table's order.
#[derive(Debug, Clone)]
pub struct CustomerValue {
    pub fit: BgNbdFit,
    /// Probability that the customer is still alive at the end of the calibration period.
    pub p_alive: Vec<f64>,
    /// Expected purchases in the next [`HORIZON_WEEKS`] weeks.
    pub expected_purchases: Vec<f64>,
}

/// Each customer's BG/NBD history (x, t_x, T) in weeks.
pub fn histories(table: &RfmTable) -> Result<Vec<Summary>> {
    let end = table.as_of - chrono::Duration::days(1);
    table
        .customers
        .iter()
        .map(|c| {
            let x = c.purchase_days.saturating_sub(1) as f64;
            let t_x = (c.last_purchase - c.first_purchase).num_days() as f64 / 7.0;
            let t = (end - c.first_purchase).num_days() as f64 / 7.0;
            Summary::new(x, t_x, t)
        })
        .collect()
}

/// Fits BG/NBD on the table and scores every customer. Fails when no customer bought on two
/// days (the model has no maximum then).
pub fn customer_value(table: &RfmTable) -> Result<CustomerValue> {
    let h = histories(table)?;
    let fit = fit_bg_nbd(&h)?;
    let p_alive = h.iter().map(|s| fit.params.probability_alive(s)).collect();
    let expected_purchases = h
        .iter()
        .map(|s| fit.params.conditional_expected_purchases(s, HORIZON_WEEKS))
        .collect::<Result<Vec<_>>>()?;
    Ok(CustomerValue {
        fit,
        p_alive,
        expected_purchases,
    })
}
