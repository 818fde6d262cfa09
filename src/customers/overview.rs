//! Everything the Customers page shows, built in one background job: the customer table with its
//! lines (for the cards), lifetime value when it can be fitted, the portrait attributes, and the
//! R × F grid.

use super::card::{CustomerCard, card_of, customer_card};
use super::portrait::{Dimension, dimensions};
use super::rfm::{CustomerBase, RfmOptions, customer_base, customer_base_by_passes};
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
    /// Every customer's card, in the table's order, when the table was built in passes (the base
    /// then holds no lines to make them from).
    pub cards: Option<Vec<CustomerCard>>,
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
    overview_in_passes(project, dataset, opts, super::passes::lines_per_pass(), rep)
}

/// [`overview`], reading a dataset of more than `budget` rows in passes of about `budget` rows
/// (see [`super::passes`]): each customer's card is made while their lines are in memory, and
/// the lines are dropped with their pass. A smaller dataset is read in one pass and keeps its
/// lines; its cards are made when shown.
pub fn overview_in_passes(
    project: &Project,
    dataset: &str,
    opts: &RfmOptions,
    budget: u64,
    rep: &Reporter,
) -> Result<Overview> {
    rep.check()?;
    let in_passes = project.dataset(dataset)?.rows > budget;
    let mut cards: Vec<CustomerCard> = Vec::new();
    let base = if in_passes {
        let mut each = |scan: &super::scan::Scan, lines_of: &[usize]| -> Result<()> {
            rep.check()?;
            cards.extend(lines_of.iter().map(|&k| card_of(scan, &scan.customers[k])));
            Ok(())
        };
        customer_base_by_passes(project, dataset, opts, budget, &mut each, rep)?
    } else {
        customer_base(project, dataset, opts)?
    };
    // Cards made in passes, when the base holds no lines (a copy that could not answer is read
    // in one pass, which keeps them).
    let cards =
        (base.lines_of.is_empty() && cards.len() == base.table.customers.len()).then_some(cards);
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
        cards,
    })
}

impl Overview {
    /// The card of the table's customer `i`: made in the passes, or from the kept lines.
    pub fn card(&self, i: usize) -> CustomerCard {
        match &self.cards {
            Some(cards) => cards.get(i).cloned().unwrap_or_default(),
            None => customer_card(&self.base, i),
        }
    }
}
