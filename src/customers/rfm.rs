//! The customer table with RFM: one row per customer, derived as of a date from a transactions
//! dataset by its roles (customer_id, timestamp; amount or quantity × unit_price; order_id).
//!
//! * `recency_days`: whole days from the last purchase date to the as-of date, which defaults to
//!   the day after the last transaction.
//! * `frequency`: distinct orders (by order_id; without one, each distinct (customer, timestamp)).
//! * `monetary`: total revenue of the purchases.
//! * Returns and cancellations (lines with a negative quantity or amount) are not purchases: they never count as orders or revenue, and are reported in `return_orders`,
//!   `returned_items`, `returned_amount` and `net_revenue`.
//! * Per customer also: items, average order value, tenure, the mean interval between orders,
//!   favourite category and item (by revenue), preferred channel, hour and weekday (by number of
//!   orders); the exact rules are in [`super::stats`].
//! * Attributes from a customers dataset are joined by customer id ([`super::attributes`]).
//! * Scores 1–5 by quintile of rank. Ties share a score: a value's score comes from the average
//!   rank of all customers with that value, `score = 1 + floor(5 · (avg_rank − 1) / n)`. Recency is
//!   ranked from the longest to the shortest, so recent customers score 5.
//! * Groups from the R and F scores, by this grid (rows R, columns F):
//!
//! | R \ F | 1 | 2 | 3 | 4 | 5 |
//! |---|---|---|---|---|---|
//! | 5 | New | Potential loyalist | Potential loyalist | Champions | Champions |
//! | 4 | Promising | Potential loyalist | Loyal | Champions | Champions |
//! | 3 | About to sleep | Need attention | Need attention | Loyal | Loyal |
//! | 2 | Hibernating | Hibernating | At risk | At risk | Can't lose them |
//! | 1 | Lost | Lost | At risk | Can't lose them | Can't lose them |

use super::attributes::{Attributes, join_attributes};
use super::columns::TransactionColumns;
use super::scan::{Scan, ScanOptions, scan};
use super::stats::{WEEKDAYS, customer_stats};
pub use super::write::{COLUMNS, write_table};
use crate::progress::{Reporter, Stage, Unit};
use crate::store::Project;
use crate::{Error, Result};
use chrono::NaiveDate;
use serde::Serialize;

/// The named RFM groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum RfmGroup {
    Champions,
    Loyal,
    #[serde(rename = "Potential loyalist")]
    PotentialLoyalist,
    New,
    Promising,
    #[serde(rename = "Need attention")]
    NeedAttention,
    #[serde(rename = "About to sleep")]
    AboutToSleep,
    #[serde(rename = "At risk")]
    AtRisk,
    #[serde(rename = "Can't lose them")]
    CantLoseThem,
    Hibernating,
    Lost,
}

impl RfmGroup {
    /// Best first.
    pub const ALL: [RfmGroup; 11] = [
        RfmGroup::Champions,
        RfmGroup::Loyal,
        RfmGroup::PotentialLoyalist,
        RfmGroup::New,
        RfmGroup::Promising,
        RfmGroup::NeedAttention,
        RfmGroup::AboutToSleep,
        RfmGroup::AtRisk,
        RfmGroup::CantLoseThem,
        RfmGroup::Hibernating,
        RfmGroup::Lost,
    ];

    pub fn name(self) -> &'static str {
        match self {
            RfmGroup::Champions => "Champions",
            RfmGroup::Loyal => "Loyal",
            RfmGroup::PotentialLoyalist => "Potential loyalist",
            RfmGroup::New => "New",
            RfmGroup::Promising => "Promising",
            RfmGroup::NeedAttention => "Need attention",
            RfmGroup::AboutToSleep => "About to sleep",
            RfmGroup::AtRisk => "At risk",
            RfmGroup::CantLoseThem => "Can't lose them",
            RfmGroup::Hibernating => "Hibernating",
            RfmGroup::Lost => "Lost",
        }
    }

    /// The group of an (R, F) pair of scores, by the grid above.
    pub fn of(r: Score, f: Score) -> RfmGroup {
        use RfmGroup::*;
        const GRID: [[RfmGroup; 5]; 5] = [
            // R = 1
            [Lost, Lost, AtRisk, CantLoseThem, CantLoseThem],
            // R = 2
            [Hibernating, Hibernating, AtRisk, AtRisk, CantLoseThem],
            // R = 3
            [AboutToSleep, NeedAttention, NeedAttention, Loyal, Loyal],
            // R = 4
            [Promising, PotentialLoyalist, Loyal, Champions, Champions],
            // R = 5
            [
                New,
                PotentialLoyalist,
                PotentialLoyalist,
                Champions,
                Champions,
            ],
        ];
        GRID[r.index()][f.index()]
    }
}

/// A quintile score, 1 to 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Score(u8);

impl Score {
    pub fn new(v: u8) -> Option<Score> {
        (1..=5).contains(&v).then_some(Score(v))
    }
    pub fn get(self) -> u8 {
        self.0
    }
    fn index(self) -> usize {
        self.0 as usize - 1
    }
}

/// Lifecycle stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Lifecycle {
    New,
    Active,
    AtRisk,
    Lapsed,
    Churned,
}

impl Lifecycle {
    pub const ALL: [Lifecycle; 5] = [
        Lifecycle::New,
        Lifecycle::Active,
        Lifecycle::AtRisk,
        Lifecycle::Lapsed,
        Lifecycle::Churned,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Lifecycle::New => "new",
            Lifecycle::Active => "active",
            Lifecycle::AtRisk => "at_risk",
            Lifecycle::Lapsed => "lapsed",
            Lifecycle::Churned => "churned",
        }
    }
}

/// Thresholds of the lifecycle stages, in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LifecycleThresholds {
    /// First purchase at most this many days before the as-of date: new.
    pub new_days: i64,
    /// Otherwise, last purchase at most this many days ago: active; then at risk, lapsed; beyond
    /// `lapsed_days`, churned.
    pub active_days: i64,
    pub at_risk_days: i64,
    pub lapsed_days: i64,
}

impl Default for LifecycleThresholds {
    fn default() -> Self {
        LifecycleThresholds {
            new_days: 30,
            active_days: 90,
            at_risk_days: 180,
            lapsed_days: 365,
        }
    }
}

impl LifecycleThresholds {
    pub fn validate(&self) -> Result<()> {
        let ok = self.new_days >= 0
            && self.active_days >= 0
            && self.active_days <= self.at_risk_days
            && self.at_risk_days <= self.lapsed_days;
        if ok {
            Ok(())
        } else {
            Err(Error::InvalidArgument(
                "lifecycle thresholds must satisfy 0 <= active <= at-risk <= lapsed days".into(),
            ))
        }
    }

    pub fn stage(&self, first_days_ago: i64, recency_days: i64) -> Lifecycle {
        if first_days_ago <= self.new_days {
            Lifecycle::New
        } else if recency_days <= self.active_days {
            Lifecycle::Active
        } else if recency_days <= self.at_risk_days {
            Lifecycle::AtRisk
        } else if recency_days <= self.lapsed_days {
            Lifecycle::Lapsed
        } else {
            Lifecycle::Churned
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct RfmOptions {
    /// Default: the day after the last transaction.
    pub as_of: Option<NaiveDate>,
    /// Only rows satisfying this SQL condition (e.g. `Quantity > 0 AND UnitPrice > 0`); for a
    /// linked dataset, a condition of the expression language (which that example also is).
    pub filter: Option<String>,
    pub lifecycle: LifecycleThresholds,
    /// A customers dataset whose columns are joined on by customer id.
    pub attributes: Option<String>,
    /// A products dataset (item_id, category) giving each line its category when the
    /// transactions have no category column.
    pub products: Option<String>,
    /// Keep the lines whose order status means cancelled or refunded ([`crate::status`]); by
    /// default they are left out.
    pub include_cancelled: bool,
}

/// One customer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomerRfm {
    pub customer_id: String,
    pub first_purchase: NaiveDate,
    pub last_purchase: NaiveDate,
    pub orders: u64,
    /// Distinct days with a purchase.
    pub purchase_days: u64,
    /// Revenue of the purchase lines (returns not deducted; see `net_revenue`).
    pub revenue: f64,
    pub average_order_value: f64,
    /// Days from the first to the last purchase.
    pub tenure_days: i64,
    /// Mean days between consecutive orders, `tenure_days / (orders − 1)`; none with one order.
    pub mean_interval_days: Option<f64>,
    pub recency_days: i64,
    pub frequency: u64,
    pub monetary: f64,
    pub r_score: Score,
    pub f_score: Score,
    pub m_score: Score,
    pub rfm_group: RfmGroup,
    pub lifecycle_stage: Lifecycle,
    /// Units bought (summed quantity; the number of lines without a quantity column).
    pub items: f64,
    pub favourite_category: Option<String>,
    pub favourite_item: Option<String>,
    pub preferred_channel: Option<String>,
    /// 0–23; none when the timestamps have no time of day.
    pub preferred_hour: Option<u8>,
    /// 0 = Monday … 6 = Sunday; see [`WEEKDAYS`].
    pub preferred_weekday: Option<u8>,
    /// Distinct orders with a return or cancellation line.
    pub return_orders: u64,
    pub returned_items: f64,
    pub returned_amount: f64,
    /// `revenue − returned_amount`.
    pub net_revenue: f64,
}

impl CustomerRfm {
    pub fn weekday_name(&self) -> Option<&'static str> {
        self.preferred_weekday.map(|d| WEEKDAYS[d as usize % 7])
    }
}

/// The customer table.
#[derive(Debug, Clone)]
pub struct RfmTable {
    pub as_of: NaiveDate,
    pub customers: Vec<CustomerRfm>,
    /// Rows without a customer or a readable date.
    pub skipped_rows: u64,
    /// Customers whose only lines before the as-of date are returns (left out of the table).
    pub return_only_customers: u64,
    /// Columns joined from a customers dataset, when one was named.
    pub attributes: Option<Attributes>,
    /// The lines left out for their order status (cancelled or refunded), when any were.
    pub status_exclusion: Option<crate::status::StatusExclusion>,
    /// What the dataset had: a category (own or through products), a channel, a time of day.
    pub has_category: bool,
    pub has_channel: bool,
    pub has_time: bool,
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

fn date(day: i32) -> NaiveDate {
    epoch() + chrono::Duration::days(i64::from(day))
}

/// Builds the customer table with RFM scores, groups and lifecycle stages.
///
/// Rules: see [`super::scan`] (what is a return) and [`super::stats`] (items, favourites,
/// preferences, returns). Only purchases count towards first/last purchase, orders, revenue and
/// RFM; a customer with nothing but returns is left out.
///
/// A dataset larger than [`super::passes::lines_per_pass`] rows is read in passes, so the
/// memory needed stays bounded whatever its size.
pub fn rfm_table(project: &Project, dataset: &str, opts: &RfmOptions) -> Result<RfmTable> {
    rfm_table_with(project, dataset, opts, &Reporter::silent())
}

/// [`rfm_table`], reporting the passes' progress to `rep` and stopping between passes when it
/// is cancelled.
pub fn rfm_table_with(
    project: &Project,
    dataset: &str,
    opts: &RfmOptions,
    rep: &Reporter,
) -> Result<RfmTable> {
    if let Some(link) = crate::warehouse::link::linked(project, dataset)? {
        return Ok(crate::warehouse::customers::customer_table(project, &link, opts, rep)?.0);
    }
    let budget = super::passes::lines_per_pass();
    Ok(customer_base_by_passes(project, dataset, opts, budget, &mut |_, _| Ok(()), rep)?.table)
}

/// The customer table with the scanned lines behind it, for the customer cards.
#[derive(Debug)]
pub struct CustomerBase {
    pub table: RfmTable,
    pub scan: super::scan::Scan,
    /// For each customer of the table, its index in `scan.customers`.
    pub lines_of: Vec<usize>,
}

/// Builds the customer table and keeps the lines it was built from.
pub fn customer_base(project: &Project, dataset: &str, opts: &RfmOptions) -> Result<CustomerBase> {
    build_base(project, dataset, opts, None, 0, &Reporter::silent())
}

/// What a pass hands to its caller: the pass's lines, and for each of its customers in the
/// table (in the table's order), the index of their lines in the scan.
pub type EachPass<'a> = &'a mut dyn FnMut(&Scan, &[usize]) -> Result<()>;

/// As [`customer_base`], but in passes over ranges of customer ids when the dataset holds more
/// than `budget` rows (for memory: [`super::passes::lines_per_pass`]) and its columnar copy can
/// answer, each pass reading the lines of at most about `budget` rows: `each` sees every pass's lines, in the table's order, before they are dropped.
/// The table is the one a single pass gives; the base then holds no lines (its scan is empty).
/// A smaller dataset is read in one pass, which `each` sees, and the base keeps its lines.
pub fn customer_base_by_passes(
    project: &Project,
    dataset: &str,
    opts: &RfmOptions,
    budget: u64,
    each: EachPass<'_>,
    rep: &Reporter,
) -> Result<CustomerBase> {
    build_base(project, dataset, opts, Some(each), budget, rep)
}

/// One customer's figures, with the names of their favourites (read from a pass's texts, or
/// from a warehouse's answer).
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub id: String,
    pub stats: super::stats::CustomerStats,
    pub favourite_category: Option<String>,
    pub favourite_item: Option<String>,
    pub preferred_channel: Option<String>,
}

/// What the reading saw besides the customers.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Seen {
    /// Rows without a customer or a readable date.
    pub skipped_rows: u64,
    /// Customers with nothing but returns before the as-of date.
    pub return_only: u64,
    /// The last day of a line (purchase or return) before the as-of date.
    pub last_day: Option<i32>,
    pub has_category: bool,
    pub has_channel: bool,
    pub has_time: bool,
}

/// The figures of a pass's customers in id order, and the index of each one's lines.
fn summarize(scanned: &Scan, seen: &mut Seen) -> Result<(Vec<Summary>, Vec<usize>)> {
    let mut order: Vec<usize> = (0..scanned.customers.len()).collect();
    order.sort_by(|&a, &b| scanned.customers[a].id.cmp(&scanned.customers[b].id));
    // Each customer's figures are independent: blocks of customers go to every core.
    let mut figures: Vec<Option<super::stats::CustomerStats>> = vec![None; order.len()];
    crate::parallel::for_each_block(
        &mut figures,
        1,
        256,
        crate::parallel::threads(0),
        super::stats::Scratch::default,
        |scratch, first, out| {
            for (slot, &k) in out.iter_mut().zip(&order[first..]) {
                *slot = customer_stats(
                    &scanned.customers[k],
                    &scanned.items,
                    &scanned.categories,
                    &scanned.channels,
                    scratch,
                );
            }
            Ok(())
        },
    )?;
    let name = |names: &super::scan::Interner, id: Option<u32>| {
        id.and_then(|i| names.name(i)).map(str::to_string)
    };
    let mut out = Vec::with_capacity(order.len());
    let mut lines_of = Vec::with_capacity(order.len());
    for (k, figures) in order.into_iter().zip(figures) {
        match figures {
            Some(s) => {
                out.push(Summary {
                    id: scanned.customers[k].id.clone(),
                    favourite_category: name(&scanned.categories, s.favourite_category),
                    favourite_item: name(&scanned.items, s.favourite_item),
                    preferred_channel: name(&scanned.channels, s.preferred_channel),
                    stats: s,
                });
                lines_of.push(k);
            }
            None => seen.return_only += 1,
        }
    }
    let last = scanned
        .customers
        .iter()
        .flat_map(|c| c.lines.iter().map(|l| l.day))
        .max();
    seen.last_day = seen.last_day.max(last);
    seen.skipped_rows += scanned.skipped_rows;
    seen.has_category |= !scanned.categories.is_empty();
    seen.has_channel |= !scanned.channels.is_empty();
    seen.has_time |= scanned.has_time;
    Ok((out, lines_of))
}

fn build_base(
    project: &Project,
    dataset: &str,
    opts: &RfmOptions,
    mut each: Option<EachPass<'_>>,
    budget: u64,
    rep: &Reporter,
) -> Result<CustomerBase> {
    opts.lifecycle.validate()?;
    let info = project.dataset(dataset)?;
    let cols = TransactionColumns::find(&info)?;
    if cols.amount.is_none() {
        return Err(Error::InvalidArgument(format!(
            "dataset '{dataset}' needs an amount, or a quantity and a unit_price, for monetary value; set the roles with loupe set-role"
        )));
    }
    // Cancelled and refunded orders are not purchases (unless the user keeps them).
    let status_exclusion = if opts.include_cancelled {
        None
    } else {
        crate::status::StatusExclusion::of(project, &info)?
    };
    let filter = match &status_exclusion {
        Some(x) => Some(x.and_sql(opts.filter.as_deref())),
        None => opts.filter.clone(),
    };
    let scan_opts = ScanOptions {
        before_day: opts.as_of.map(|d| (d - epoch()).num_days() as i32),
        filter,
        products: opts.products.clone(),
        parts: 0,
        ids: None,
    };
    let ranges = match each {
        Some(_) => super::passes::id_ranges(project, &info, &cols, &scan_opts, budget)?,
        None => Vec::new(),
    };
    let mut seen = Seen::default();
    let (summaries, scanned, lines_of) = if ranges.len() < 2 {
        let scanned = scan(project, &info, &cols, &scan_opts)?;
        let (summaries, lines_of) = summarize(&scanned, &mut seen)?;
        if let Some(each) = each.as_mut() {
            each(&scanned, &lines_of)?;
        }
        (summaries, scanned, lines_of)
    } else {
        let mut all = Vec::new();
        let total: u64 = ranges.iter().map(|r| r.rows).sum();
        let mut done = 0u64;
        rep.report(Stage::Scanning, 0, Some(total), Unit::Rows, 0, true);
        for range in ranges {
            rep.check()?;
            let rows = range.rows;
            let pass = ScanOptions {
                ids: Some(range),
                ..scan_opts.clone()
            };
            let scanned = super::scan::scan_from_copy(project, &info, &cols, &pass)?
                .ok_or_else(|| {
                    Error::InvalidArgument(format!(
                        "the columnar copy of dataset '{dataset}' changed while it was read; run the command again"
                    ))
                })?;
            let (summaries, lines_of) = summarize(&scanned, &mut seen)?;
            if let Some(each) = each.as_mut() {
                each(&scanned, &lines_of)?;
            }
            all.extend(summaries);
            done += rows;
            rep.report(Stage::Scanning, done, Some(total), Unit::Rows, done, true);
        }
        let empty = Scan {
            skipped_rows: seen.skipped_rows,
            has_time: seen.has_time,
            ..Scan::default()
        };
        (all, empty, Vec::new())
    };
    let table = finish_table(project, dataset, opts, summaries, seen, status_exclusion)?;
    Ok(CustomerBase {
        table,
        scan: scanned,
        lines_of,
    })
}

/// The customer table from each customer's figures (in id order, as bytes compare): the
/// as-of date, recency, the quintile scores, groups and lifecycle stages, and the joined
/// attributes. Every source of figures (the scans, a warehouse) ends here.
pub fn finish_table(
    project: &Project,
    dataset: &str,
    opts: &RfmOptions,
    summaries: Vec<Summary>,
    seen: Seen,
    status_exclusion: Option<crate::status::StatusExclusion>,
) -> Result<RfmTable> {
    let as_of = match opts.as_of {
        Some(d) => d,
        None => {
            let last = seen.last_day.ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "dataset '{dataset}' has no rows with a customer and a date"
                ))
            })?;
            date(last + 1)
        }
    };
    if summaries.is_empty() {
        return Err(Error::InvalidArgument(format!(
            "no customer of dataset '{dataset}' bought before {as_of}"
        )));
    }
    let recency: Vec<i64> = summaries
        .iter()
        .map(|c| (as_of - date(c.stats.last_day)).num_days())
        .collect();
    // Recent is good: rank the negated recency.
    let r_scores = quintile_scores(&recency.iter().map(|d| -(*d as f64)).collect::<Vec<_>>());
    let f_scores = quintile_scores(
        &summaries
            .iter()
            .map(|c| c.stats.orders as f64)
            .collect::<Vec<_>>(),
    );
    let m_scores = quintile_scores(
        &summaries
            .iter()
            .map(|c| c.stats.revenue)
            .collect::<Vec<_>>(),
    );
    let customers: Vec<CustomerRfm> = summaries
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let c = &s.stats;
            let (first, last) = (date(c.first_day), date(c.last_day));
            let tenure = (last - first).num_days();
            CustomerRfm {
                customer_id: s.id,
                first_purchase: first,
                last_purchase: last,
                orders: c.orders,
                purchase_days: c.purchase_days,
                revenue: c.revenue,
                average_order_value: c.revenue / c.orders.max(1) as f64,
                mean_interval_days: (c.orders > 1).then(|| tenure as f64 / (c.orders - 1) as f64),
                tenure_days: tenure,
                recency_days: recency[i],
                frequency: c.orders,
                monetary: c.revenue,
                r_score: r_scores[i],
                f_score: f_scores[i],
                m_score: m_scores[i],
                rfm_group: RfmGroup::of(r_scores[i], f_scores[i]),
                lifecycle_stage: opts.lifecycle.stage((as_of - first).num_days(), recency[i]),
                items: c.items,
                favourite_category: s.favourite_category,
                favourite_item: s.favourite_item,
                preferred_channel: s.preferred_channel,
                preferred_hour: c.preferred_hour,
                preferred_weekday: c.preferred_weekday,
                return_orders: c.return_orders,
                returned_items: c.returned_items,
                returned_amount: c.returned_amount,
                net_revenue: c.revenue - c.returned_amount,
            }
        })
        .collect();
    let attributes = match &opts.attributes {
        Some(a) => {
            let ids: Vec<&str> = customers.iter().map(|c| c.customer_id.as_str()).collect();
            Some(join_attributes(project, a, &ids, &COLUMNS)?)
        }
        None => None,
    };
    let table = RfmTable {
        as_of,
        customers,
        skipped_rows: seen.skipped_rows,
        return_only_customers: seen.return_only,
        attributes,
        status_exclusion,
        has_category: seen.has_category,
        has_channel: seen.has_channel,
        has_time: seen.has_time,
    };
    Ok(table)
}

/// Scores 1–5 by quintile of rank; equal values share the score of their average rank.
pub fn quintile_scores(values: &[f64]) -> Vec<Score> {
    let n = values.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut scores = vec![Score(1); n];
    let mut i = 0;
    while i < n {
        let mut j = i;
        while j + 1 < n && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        // 1-based ranks i+1 ..= j+1; their average.
        let avg_rank = (i + j) as f64 / 2.0 + 1.0;
        let s = 1 + ((5.0 * (avg_rank - 1.0) / n as f64).floor() as u8).min(4);
        for &k in &order[i..=j] {
            scores[k] = Score(s);
        }
        i = j + 1;
    }
    scores
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quintiles_with_ties() {
        let s: Vec<u8> = quintile_scores(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0])
            .iter()
            .map(|s| s.get())
            .collect();
        assert_eq!(s, vec![1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
        // Six of ten tied at the bottom: average rank 3.5 → score 2 for all six.
        let s: Vec<u8> = quintile_scores(&[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 3.0, 4.0, 5.0])
            .iter()
            .map(|s| s.get())
            .collect();
        assert_eq!(s, vec![2, 2, 2, 2, 2, 2, 4, 4, 5, 5]);
        assert_eq!(quintile_scores(&[7.0]), vec![Score(1)]);
    }

    #[test]
    fn grid_and_stages() {
        let s = |v| Score::new(v).expect("score");
        assert_eq!(RfmGroup::of(s(5), s(5)), RfmGroup::Champions);
        assert_eq!(RfmGroup::of(s(5), s(1)), RfmGroup::New);
        assert_eq!(RfmGroup::of(s(1), s(5)), RfmGroup::CantLoseThem);
        assert_eq!(RfmGroup::of(s(1), s(1)), RfmGroup::Lost);
        assert_eq!(RfmGroup::of(s(3), s(1)), RfmGroup::AboutToSleep);
        assert_eq!(Score::new(0), None);
        let t = LifecycleThresholds::default();
        assert_eq!(t.stage(10, 10), Lifecycle::New);
        assert_eq!(t.stage(100, 90), Lifecycle::Active);
        assert_eq!(t.stage(400, 91), Lifecycle::AtRisk);
        assert_eq!(t.stage(400, 365), Lifecycle::Lapsed);
        assert_eq!(t.stage(400, 366), Lifecycle::Churned);
        assert!(
            LifecycleThresholds {
                active_days: 200,
                ..t
            }
            .validate()
            .is_err()
        );
    }
}
