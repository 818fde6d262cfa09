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
    /// The table's customers in the list's order: the most revenue first, then by id (sorted
    /// here, off the window's thread: at hundreds of thousands of customers it takes a while).
    pub by_value: Vec<usize>,
}

/// The customers of `base` by revenue, largest first, then by id.
pub fn by_value(base: &CustomerBase) -> Vec<usize> {
    let c = &base.table.customers;
    let mut order: Vec<usize> = (0..c.len()).collect();
    order.sort_by(|&a, &b| {
        c[b].revenue
            .total_cmp(&c[a].revenue)
            .then_with(|| c[a].customer_id.cmp(&c[b].customer_id))
    });
    order
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
    let by_value = by_value(&base);
    Ok(Overview {
        dataset: dataset.to_string(),
        base,
        value,
        dimensions: dims,
        grid,
        tags,
        by_value,
    })
}
