//! Everything the Customers page shows, built in one background job: the customer table with its
//! lines (for the cards), lifetime value when it can be fitted, the portrait attributes, and the
//! R × F grid.

use super::portrait::{Dimension, dimensions};
use super::rfm::{CustomerBase, RfmOptions, customer_base};
use super::tags::{Tags, evaluate, rules};
use super::value::{CustomerValue, customer_value};
use crate::Result;
use crate::progress::Reporter;
use crate::store::Project;

#[derive(Debug)]
pub struct Overview {
    pub dataset: String,
    pub base: CustomerBase,
    /// The BG/NBD scores, or why they could not be fitted.
    pub value: std::result::Result<CustomerValue, String>,
    pub dimensions: Vec<Dimension>,
    /// Customers per (R score − 1, F score − 1).
    pub grid: [[u64; 5]; 5],
    /// The project's tag rules evaluated over the table.
    pub tags: Tags,
}

/// Customers per cell of the R × F grid: `grid[r − 1][f − 1]`.
pub fn rf_grid(base: &CustomerBase) -> [[u64; 5]; 5] {
    let mut grid = [[0u64; 5]; 5];
    for c in &base.table.customers {
        grid[c.r_score.get() as usize - 1][c.f_score.get() as usize - 1] += 1;
    }
    grid
}

/// Builds the overview of `dataset`; cancellable between stages.
pub fn overview(
    project: &Project,
    dataset: &str,
    opts: &RfmOptions,
    rep: &Reporter,
) -> Result<Overview> {
    rep.check()?;
    let base = customer_base(project, dataset, opts)?;
    rep.check()?;
    let value = customer_value(&base.table).map_err(|e| e.to_string());
    rep.check()?;
    let dims = dimensions(&base.table);
    let grid = rf_grid(&base);
    let tags = evaluate(&base.table, &rules(project)?)?;
    Ok(Overview {
        dataset: dataset.to_string(),
        base,
        value,
        dimensions: dims,
        grid,
        tags,
    })
}
