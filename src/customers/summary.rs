//! The per-customer (x, t_x, T, monetary) summary of a transaction dataset, found by its roles,
//! and the lifetime-value fit over it.
//!
//! A purchase occasion is a distinct calendar day on which the customer bought (several rows on
//! one day, e.g. the lines of one order, are one occasion; their amounts are summed). Following
//! Fader, Hardie & Lee (2005):
//!
//! * `x` = occasions − 1 (repeat purchases) within the calibration period;
//! * `t_x` = time from the first to the last occasion;
//! * `T` = time from the first occasion to the end of the calibration period;
//! * `monetary_mean` = mean value of the repeat occasions (the first purchase is left out).
//!
//! Customers whose first purchase falls after the calibration end are left out; so are
//! transactions after it.

use super::clv::{BgNbdFit, GammaGammaFit, Spend, Summary, fit_bg_nbd, fit_gamma_gamma};
use super::columns::TransactionColumns;
use crate::frame::parse_stored_date;
use crate::store::{Project, quote_ident};
use crate::{Error, Result};
use chrono::NaiveDate;
use rusqlite::types::Value;
use std::collections::BTreeMap;

/// The time unit of t_x, T and of the model's rate parameter α.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Day,
    #[default]
    Week,
}

impl Period {
    fn days(self) -> f64 {
        match self {
            Period::Day => 1.0,
            Period::Week => 7.0,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
        }
    }
}

impl std::str::FromStr for Period {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "day" | "days" => Ok(Period::Day),
            "week" | "weeks" => Ok(Period::Week),
            _ => Err(Error::InvalidArgument(format!(
                "'{s}' is not a period; use day or week"
            ))),
        }
    }
}

/// How to summarise.
#[derive(Debug, Clone, Copy, Default)]
pub struct SummaryOptions {
    /// Last day of the calibration period (inclusive). Default: the last purchase day in the data.
    pub calibration_end: Option<NaiveDate>,
    pub period: Period,
}

/// One customer's summary.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerSummary {
    pub customer_id: String,
    pub summary: Summary,
    /// Mean value of the repeat occasions; `None` without repeat purchases or without an amount.
    pub monetary_mean: Option<f64>,
}

/// The summary of a dataset.
#[derive(Debug, Clone)]
pub struct CustomerTable {
    pub customers: Vec<CustomerSummary>,
    pub calibration_end: NaiveDate,
    pub period: Period,
    /// Whether the dataset has an amount (or quantity and unit price).
    pub has_amount: bool,
    /// Rows left out because the customer or the timestamp is empty or not a date.
    pub skipped_rows: u64,
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::Integer(i) => Some(i.to_string()),
        Value::Real(f) => Some(f.to_string()),
        Value::Text(s) => {
            let s = s.trim();
            (!s.is_empty()).then(|| s.to_string())
        }
        Value::Blob(_) => None,
    }
}

fn number_of(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Real(f) if f.is_finite() => Some(*f),
        Value::Text(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    }
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

/// Builds the per-customer summary of `dataset` from its customer_id, timestamp and amount (or
/// quantity × unit_price) roles.
pub fn summarize(project: &Project, dataset: &str, opts: &SummaryOptions) -> Result<CustomerTable> {
    let info = project.dataset(dataset)?;
    let cols = TransactionColumns::find(&info)?;
    let timestamp = &cols.timestamp_name;
    let amount_expr = cols.amount.clone();
    let sql = format!(
        "SELECT {}, {}, {} FROM {}",
        cols.customer,
        cols.timestamp,
        amount_expr.as_deref().unwrap_or("NULL"),
        quote_ident(&info.name)
    );

    // customer → day → summed amount
    let mut days: BTreeMap<String, BTreeMap<i32, f64>> = BTreeMap::new();
    let mut skipped_rows = 0u64;
    let mut stmt = project.conn().prepare(&sql)?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let id = text_of(&row.get::<_, Value>(0)?);
        let day = match row.get::<_, Value>(1)? {
            Value::Text(s) => parse_stored_date(&s),
            _ => None,
        };
        let (Some(id), Some(day)) = (id, day) else {
            skipped_rows += 1;
            continue;
        };
        let value = number_of(&row.get::<_, Value>(2)?).unwrap_or(0.0);
        *days.entry(id).or_default().entry(day).or_insert(0.0) += value;
    }
    if days.is_empty() {
        return Err(Error::InvalidArgument(format!(
            "dataset '{dataset}' has no rows with both a customer and a date in '{timestamp}'"
        )));
    }

    let end = match opts.calibration_end {
        Some(d) => (d - epoch()).num_days() as i32,
        None => days
            .values()
            .filter_map(|d| d.keys().next_back())
            .copied()
            .max()
            .unwrap_or_default(),
    };
    let unit = opts.period.days();
    let mut customers = Vec::with_capacity(days.len());
    for (customer_id, occasions) in days {
        let in_period: Vec<(i32, f64)> = occasions.into_iter().filter(|(d, _)| *d <= end).collect();
        let (Some(first), Some(last)) = (in_period.first(), in_period.last()) else {
            continue;
        };
        let x = (in_period.len() - 1) as f64;
        let t_x = f64::from(last.0 - first.0) / unit;
        let t = f64::from(end - first.0) / unit;
        let summary = Summary::new(x, t_x, t)?;
        let monetary_mean = (amount_expr.is_some() && x > 0.0)
            .then(|| in_period[1..].iter().map(|(_, v)| v).sum::<f64>() / x);
        customers.push(CustomerSummary {
            customer_id,
            summary,
            monetary_mean,
        });
    }
    if customers.is_empty() {
        return Err(Error::InvalidArgument(format!(
            "no customer of dataset '{dataset}' bought on or before the calibration end; choose a later --calibration-end"
        )));
    }
    let calibration_end = epoch() + chrono::Duration::days(i64::from(end));
    Ok(CustomerTable {
        customers,
        calibration_end,
        period: opts.period,
        has_amount: amount_expr.is_some(),
        skipped_rows,
    })
}

/// The lifetime-value models fitted on a dataset.
#[derive(Debug, Clone)]
pub struct ClvReport {
    pub customers: usize,
    pub calibration_end: NaiveDate,
    pub period: Period,
    pub skipped_rows: u64,
    pub bg_nbd: BgNbdFit,
    /// Fitted when the dataset has an amount and some repeat customer spent a positive amount.
    pub gamma_gamma: Option<GammaGammaFit>,
}

/// Summarises `dataset` and fits BG/NBD, and Gamma-Gamma when there is an amount. The
/// Gamma-Gamma fit uses the repeat customers whose mean repeat spend is > 0.
pub fn fit_dataset(project: &Project, dataset: &str, opts: &SummaryOptions) -> Result<ClvReport> {
    let table = summarize(project, dataset, opts)?;
    let summaries: Vec<Summary> = table.customers.iter().map(|c| c.summary).collect();
    let bg_nbd = fit_bg_nbd(&summaries)?;
    let spend: Vec<Spend> = table
        .customers
        .iter()
        .filter_map(|c| Spend::new(c.summary.x(), c.monetary_mean?).ok())
        .collect();
    let gamma_gamma = if table.has_amount && !spend.is_empty() {
        Some(fit_gamma_gamma(&spend)?)
    } else {
        None
    };
    Ok(ClvReport {
        customers: table.customers.len(),
        calibration_end: table.calibration_end,
        period: table.period,
        skipped_rows: table.skipped_rows,
        bg_nbd,
        gamma_gamma,
    })
}
