//! The customer table with RFM: one row per customer, derived as of a date from a transactions
//! dataset by its roles (customer_id, timestamp; amount or quantity × unit_price; order_id).
//!
//! * `recency_days`: whole days from the last purchase date to the as-of date, which defaults to
//!   the day after the last transaction.
//! * `frequency`: distinct orders (by order_id; without one, each distinct (customer, timestamp)).
//! * `monetary`: total revenue.
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

use super::columns::TransactionColumns;
use crate::frame::parse_stored_date;
use crate::store::{Project, quote_ident};
use crate::{Error, Result};
use chrono::NaiveDate;
use rusqlite::types::ValueRef;
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
    /// Only rows satisfying this SQL condition (e.g. `Quantity > 0 AND UnitPrice > 0`).
    pub filter: Option<String>,
    pub lifecycle: LifecycleThresholds,
}

/// One customer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomerRfm {
    pub customer_id: String,
    pub first_purchase: NaiveDate,
    pub last_purchase: NaiveDate,
    pub orders: u64,
    pub revenue: f64,
    pub average_order_value: f64,
    pub tenure_days: i64,
    /// Mean days between purchase dates; none with a single order.
    pub mean_interval_days: Option<f64>,
    pub recency_days: i64,
    pub frequency: u64,
    pub monetary: f64,
    pub r_score: Score,
    pub f_score: Score,
    pub m_score: Score,
    pub rfm_group: RfmGroup,
    pub lifecycle_stage: Lifecycle,
}

/// The customer table.
#[derive(Debug, Clone, Serialize)]
pub struct RfmTable {
    pub as_of: NaiveDate,
    pub customers: Vec<CustomerRfm>,
    /// Rows without a customer or a readable date.
    pub skipped_rows: u64,
}

/// Builds the customer table with RFM scores, groups and lifecycle stages.
pub fn rfm_table(project: &Project, dataset: &str, opts: &RfmOptions) -> Result<RfmTable> {
    opts.lifecycle.validate()?;
    let info = project.dataset(dataset)?;
    let cols = TransactionColumns::find(&info)?;
    let (cust, ts) = (&cols.customer, &cols.timestamp);
    let amount = cols.amount.clone().ok_or_else(|| {
        Error::InvalidArgument(format!(
            "dataset '{dataset}' needs an amount, or a quantity and a unit_price, for monetary value; set the roles with loupe set-role"
        ))
    })?;
    // Without an order id, each distinct timestamp of a customer is one order.
    let order = cols.order.clone().unwrap_or_else(|| ts.clone());
    let t = quote_ident(&info.name);
    let filter = opts
        .filter
        .as_deref()
        .map(|f| format!(" AND ({f})"))
        .unwrap_or_default();
    // One scan; the aggregation is done here, which is several times faster than SQLite's
    // GROUP BY with count(DISTINCT …) and date() per row.
    let conn = project.conn();
    let sql = format!(
        "SELECT CAST({cust} AS TEXT), {ts}, CAST({order} AS TEXT), {amount} FROM {t} WHERE 1{filter}"
    );
    let mut stmt = conn
        .prepare(&sql)
        .map_err(|e| Error::InvalidArgument(format!("cannot build the customer table: {e}")))?;
    let mut rows = stmt.query([])?;
    struct Acc {
        id: String,
        first: i32,
        last: i32,
        revenue: f64,
        /// Neumaier's compensation, as SQLite's sum() does, so totals agree with SQL.
        compensation: f64,
        orders: Vec<String>,
    }
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let limit = opts.as_of.map(|d| (d - epoch).num_days() as i32);
    let mut index: std::collections::HashMap<String, usize> = Default::default();
    let mut accs: Vec<Acc> = Vec::new();
    let mut skipped = 0u64;
    while let Some(r) = rows.next()? {
        let id: Option<String> = r.get(0)?;
        let day = match r.get_ref(1)? {
            ValueRef::Text(b) => std::str::from_utf8(b).ok().and_then(parse_stored_date),
            _ => None,
        };
        let (Some(id), Some(day)) = (id.filter(|s| !s.trim().is_empty()), day) else {
            skipped += 1;
            continue;
        };
        if limit.is_some_and(|l| day >= l) {
            continue;
        }
        let order: Option<String> = r.get(2)?;
        let amount = match r.get_ref(3)? {
            ValueRef::Integer(i) => i as f64,
            ValueRef::Real(f) => f,
            _ => 0.0,
        };
        let k = match index.get(&id) {
            Some(&k) => k,
            None => {
                index.insert(id.clone(), accs.len());
                accs.push(Acc {
                    id,
                    first: day,
                    last: day,
                    revenue: 0.0,
                    compensation: 0.0,
                    orders: Vec::new(),
                });
                accs.len() - 1
            }
        };
        let a = &mut accs[k];
        a.first = a.first.min(day);
        a.last = a.last.max(day);
        let t = a.revenue + amount;
        a.compensation += if a.revenue.abs() >= amount.abs() {
            (a.revenue - t) + amount
        } else {
            (amount - t) + a.revenue
        };
        a.revenue = t;
        if let Some(o) = order
            && a.orders.last() != Some(&o)
        {
            a.orders.push(o);
        }
    }
    let as_of = match opts.as_of {
        Some(d) => d,
        None => {
            let last = accs.iter().map(|a| a.last).max().ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "dataset '{dataset}' has no rows with a customer and a date"
                ))
            })?;
            epoch + chrono::Duration::days(i64::from(last) + 1)
        }
    };
    accs.sort_by(|x, y| x.id.cmp(&y.id));
    struct Raw {
        id: String,
        first: NaiveDate,
        last: NaiveDate,
        orders: u64,
        revenue: f64,
    }
    let raw: Vec<Raw> = accs
        .into_iter()
        .map(|mut a| {
            a.orders.sort_unstable();
            a.orders.dedup();
            Raw {
                first: epoch + chrono::Duration::days(a.first.into()),
                last: epoch + chrono::Duration::days(a.last.into()),
                orders: a.orders.len() as u64,
                revenue: a.revenue + a.compensation,
                id: a.id,
            }
        })
        .collect();
    if raw.is_empty() {
        return Err(Error::InvalidArgument(format!(
            "no customer of dataset '{dataset}' bought before {as_of}"
        )));
    }
    let recency: Vec<i64> = raw.iter().map(|c| (as_of - c.last).num_days()).collect();
    // Recent is good: rank the negated recency.
    let r_scores = quintile_scores(&recency.iter().map(|d| -(*d as f64)).collect::<Vec<_>>());
    let f_scores = quintile_scores(&raw.iter().map(|c| c.orders as f64).collect::<Vec<_>>());
    let m_scores = quintile_scores(&raw.iter().map(|c| c.revenue).collect::<Vec<_>>());
    let customers = raw
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let tenure = (c.last - c.first).num_days();
            CustomerRfm {
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
                lifecycle_stage: opts
                    .lifecycle
                    .stage((as_of - c.first).num_days(), recency[i]),
                customer_id: c.id,
                first_purchase: c.first,
                last_purchase: c.last,
                orders: c.orders,
                revenue: c.revenue,
            }
        })
        .collect();
    Ok(RfmTable {
        as_of,
        customers,
        skipped_rows: skipped,
    })
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

/// The column names of the written table, in order.
pub const COLUMNS: [&str; 16] = [
    "customer_id",
    "first_purchase",
    "last_purchase",
    "orders",
    "revenue",
    "recency_days",
    "frequency",
    "monetary",
    "r_score",
    "f_score",
    "m_score",
    "rfm_group",
    "lifecycle_stage",
    "average_order_value",
    "tenure_days",
    "mean_interval_days",
];

/// Writes the table as CSV (UTF-8) or Parquet, by the file's extension, through a temporary file.
pub fn write_table(table: &RfmTable, path: &std::path::Path) -> Result<()> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let tmp = path.with_extension(format!("{ext}.loupe-partial"));
    let written = match ext.as_str() {
        "csv" => write_csv(table, &tmp),
        "parquet" => write_parquet(table, &tmp),
        _ => {
            return Err(Error::InvalidArgument(format!(
                "cannot write the customer table to '{}': name the file .csv or .parquet",
                path.display()
            )));
        }
    };
    match written {
        Ok(()) => std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e)),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

fn write_csv(table: &RfmTable, path: &std::path::Path) -> Result<()> {
    let err = |e: csv::Error| Error::Export(format!("{}: {e}", path.display()));
    let mut w = csv::Writer::from_path(path).map_err(err)?;
    w.write_record(COLUMNS).map_err(err)?;
    let real = crate::query::format_real;
    for c in &table.customers {
        w.write_record([
            c.customer_id.clone(),
            c.first_purchase.to_string(),
            c.last_purchase.to_string(),
            c.orders.to_string(),
            real(c.revenue),
            c.recency_days.to_string(),
            c.frequency.to_string(),
            real(c.monetary),
            c.r_score.get().to_string(),
            c.f_score.get().to_string(),
            c.m_score.get().to_string(),
            c.rfm_group.name().to_string(),
            c.lifecycle_stage.name().to_string(),
            real(c.average_order_value),
            c.tenure_days.to_string(),
            c.mean_interval_days.map(real).unwrap_or_default(),
        ])
        .map_err(err)?;
    }
    w.flush().map_err(|e| Error::io(path, e))?;
    Ok(())
}

fn write_parquet(table: &RfmTable, path: &std::path::Path) -> Result<()> {
    use polars::prelude::*;
    let cs = &table.customers;
    let days = |d: NaiveDate| {
        (d - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()).num_days() as i32
    };
    let col = |name: &str, c: Column| c.with_name(name.into());
    let columns = vec![
        col(
            COLUMNS[0],
            Column::new(
                "".into(),
                cs.iter().map(|c| c.customer_id.clone()).collect::<Vec<_>>(),
            ),
        ),
        col(
            COLUMNS[1],
            Column::new(
                "".into(),
                cs.iter()
                    .map(|c| days(c.first_purchase))
                    .collect::<Vec<_>>(),
            )
            .cast(&DataType::Date)?,
        ),
        col(
            COLUMNS[2],
            Column::new(
                "".into(),
                cs.iter().map(|c| days(c.last_purchase)).collect::<Vec<_>>(),
            )
            .cast(&DataType::Date)?,
        ),
        col(
            COLUMNS[3],
            Column::new("".into(), cs.iter().map(|c| c.orders).collect::<Vec<_>>()),
        ),
        col(
            COLUMNS[4],
            Column::new("".into(), cs.iter().map(|c| c.revenue).collect::<Vec<_>>()),
        ),
        col(
            COLUMNS[5],
            Column::new(
                "".into(),
                cs.iter().map(|c| c.recency_days).collect::<Vec<_>>(),
            ),
        ),
        col(
            COLUMNS[6],
            Column::new(
                "".into(),
                cs.iter().map(|c| c.frequency).collect::<Vec<_>>(),
            ),
        ),
        col(
            COLUMNS[7],
            Column::new("".into(), cs.iter().map(|c| c.monetary).collect::<Vec<_>>()),
        ),
        col(
            COLUMNS[8],
            Column::new(
                "".into(),
                cs.iter()
                    .map(|c| c.r_score.get() as i32)
                    .collect::<Vec<_>>(),
            ),
        ),
        col(
            COLUMNS[9],
            Column::new(
                "".into(),
                cs.iter()
                    .map(|c| c.f_score.get() as i32)
                    .collect::<Vec<_>>(),
            ),
        ),
        col(
            COLUMNS[10],
            Column::new(
                "".into(),
                cs.iter()
                    .map(|c| c.m_score.get() as i32)
                    .collect::<Vec<_>>(),
            ),
        ),
        col(
            COLUMNS[11],
            Column::new(
                "".into(),
                cs.iter().map(|c| c.rfm_group.name()).collect::<Vec<_>>(),
            ),
        ),
        col(
            COLUMNS[12],
            Column::new(
                "".into(),
                cs.iter()
                    .map(|c| c.lifecycle_stage.name())
                    .collect::<Vec<_>>(),
            ),
        ),
        col(
            COLUMNS[13],
            Column::new(
                "".into(),
                cs.iter().map(|c| c.average_order_value).collect::<Vec<_>>(),
            ),
        ),
        col(
            COLUMNS[14],
            Column::new(
                "".into(),
                cs.iter().map(|c| c.tenure_days).collect::<Vec<_>>(),
            ),
        ),
        col(
            COLUMNS[15],
            Column::new(
                "".into(),
                cs.iter().map(|c| c.mean_interval_days).collect::<Vec<_>>(),
            ),
        ),
    ];
    let mut df = DataFrame::new(cs.len(), columns)?;
    let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    ParquetWriter::new(file).finish(&mut df)?;
    Ok(())
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
