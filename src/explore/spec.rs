//! What a chart shows, as the user says it: a dataset, an x dimension (with a time grain for
//! dates), measures, an optional split by a second dimension, a filter, the order and top-N.
//!
//! The command line and the window both write specs in text: `InvoiceDate:month` for a
//! dimension, `sum(Quantity * UnitPrice)` for a measure, a condition of the expression language
//! (`crate::expr`) for the filter.

use crate::dataset::DatasetInfo;
use crate::{Error, Result};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// A calendar grain for a date or datetime dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grain {
    Day,
    /// Weeks start on Monday.
    Week,
    Month,
    Quarter,
    Year,
}

impl Grain {
    pub const ALL: [Grain; 5] = [
        Grain::Day,
        Grain::Week,
        Grain::Month,
        Grain::Quarter,
        Grain::Year,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Grain::Day => "day",
            Grain::Week => "week",
            Grain::Month => "month",
            Grain::Quarter => "quarter",
            Grain::Year => "year",
        }
    }

    /// The calendar period of the grain.
    pub(crate) fn period(self) -> crate::calendar::Period {
        use crate::calendar::Period;
        match self {
            Grain::Day => Period::Day,
            Grain::Week => Period::Week,
            Grain::Month => Period::Month,
            Grain::Quarter => Period::Quarter,
            Grain::Year => Period::Year,
        }
    }

    /// How a period starting on `d` is written on an axis: 2011-03-14, 2011-03, 2011 Q1, 2011.
    pub fn label(self, d: NaiveDate) -> String {
        match self {
            Grain::Day | Grain::Week => d.format("%Y-%m-%d").to_string(),
            Grain::Month => d.format("%Y-%m").to_string(),
            Grain::Quarter => format!("{} Q{}", d.year(), (d.month() - 1) / 3 + 1),
            Grain::Year => d.year().to_string(),
        }
    }

    /// The start of the period after the one starting on `d`.
    pub fn next(self, d: NaiveDate) -> NaiveDate {
        let months = |n: u32| d.checked_add_months(chrono::Months::new(n)).unwrap_or(d);
        match self {
            Grain::Day => d.succ_opt().unwrap_or(d),
            Grain::Week => d + chrono::Duration::days(7),
            Grain::Month => months(1),
            Grain::Quarter => months(3),
            Grain::Year => months(12),
        }
    }
}

impl std::str::FromStr for Grain {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim().to_ascii_lowercase();
        Grain::ALL
            .into_iter()
            .find(|g| g.as_str() == t || format!("{}s", g.as_str()) == t)
            .ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "'{s}' is not a time grain; use day, week, month, quarter or year"
                ))
            })
    }
}

/// A dimension: a column, and for a date or datetime column an optional grain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dimension {
    pub column: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grain: Option<Grain>,
}

impl Dimension {
    pub fn new(column: impl Into<String>, grain: Option<Grain>) -> Dimension {
        Dimension {
            column: column.into(),
            grain,
        }
    }

    /// `COLUMN` or `COLUMN:grain`, checked against the dataset's columns. A column whose name
    /// itself contains a colon is taken whole.
    pub fn parse(text: &str, info: &DatasetInfo) -> Result<Dimension> {
        let text = text.trim();
        if info.column(text).is_some() {
            return Ok(Dimension::new(text, None));
        }
        let (column, grain) = match text.rsplit_once(':') {
            Some((c, g)) => (c.trim(), Some(g.parse::<Grain>()?)),
            None => (text, None),
        };
        let Some(c) = info.column(column) else {
            return Err(no_column(info, column));
        };
        if grain.is_some() && !c.ty.is_temporal() {
            return Err(Error::InvalidArgument(format!(
                "column '{column}' is {}, not a date: a time grain applies to date and datetime columns only",
                c.ty
            )));
        }
        Ok(Dimension::new(column, grain))
    }

    /// The dimension as written: `InvoiceDate:month`.
    pub fn text(&self) -> String {
        match self.grain {
            Some(g) => format!("{}:{}", self.column, g.as_str()),
            None => self.column.clone(),
        }
    }
}

pub(crate) fn no_column(info: &DatasetInfo, column: &str) -> Error {
    Error::InvalidArgument(format!(
        "dataset '{}' has no column '{column}'; its columns are: {}",
        info.name,
        info.columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// How a measure summarises the rows of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Agg {
    /// Rows (`count()`), or values that are not missing (`count(expr)`).
    Count,
    /// Distinct values that are not missing.
    Distinct,
    Sum,
    Mean,
    Median,
    Min,
    Max,
    /// The group's sum (or row count) as a fraction of the total over all groups.
    Share,
}

impl Agg {
    pub const ALL: [Agg; 8] = [
        Agg::Count,
        Agg::Distinct,
        Agg::Sum,
        Agg::Mean,
        Agg::Median,
        Agg::Min,
        Agg::Max,
        Agg::Share,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Agg::Count => "count",
            Agg::Distinct => "distinct",
            Agg::Sum => "sum",
            Agg::Mean => "mean",
            Agg::Median => "median",
            Agg::Min => "min",
            Agg::Max => "max",
            Agg::Share => "share",
        }
    }

    fn from_name(s: &str) -> Option<Agg> {
        let s = s.trim().to_ascii_lowercase();
        let alias = match s.as_str() {
            "avg" | "average" => Some(Agg::Mean),
            "count_distinct" | "distinct_count" | "nunique" | "n_unique" => Some(Agg::Distinct),
            "total" => Some(Agg::Sum),
            _ => None,
        };
        alias.or_else(|| Agg::ALL.into_iter().find(|a| a.name() == s))
    }

    /// Whether the measure can be taken over all rows (`count()`, `share()`).
    pub fn allows_rows(self) -> bool {
        matches!(self, Agg::Count | Agg::Share)
    }

    /// Whether it needs numbers (everything but the counts, min and max).
    pub fn needs_number(self) -> bool {
        matches!(self, Agg::Sum | Agg::Mean | Agg::Median | Agg::Share)
    }
}

/// A measure: an aggregation over an expression of the row (`None`: over rows, as `count()`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measure {
    pub agg: Agg,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expr: Option<String>,
    /// The name in tables and legends; default [`Measure::text`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
}

impl Measure {
    pub fn new(agg: Agg, expr: Option<&str>) -> Measure {
        Measure {
            agg,
            expr: expr.map(str::to_string),
            alias: None,
        }
    }

    pub fn count() -> Measure {
        Measure::new(Agg::Count, None)
    }

    /// `sum(Quantity * UnitPrice)`, `count()`, `distinct(CustomerID)`, `mean(x) as average`.
    /// The expression inside is checked when the chart is computed.
    pub fn parse(text: &str) -> Result<Measure> {
        let t = text.trim();
        let (body, alias) = split_alias(t);
        let bad = || {
            Error::InvalidArgument(format!(
                "'{t}' is not a measure; write e.g. sum(Amount), count(), distinct(CustomerID), mean(Quantity * UnitPrice) or share(Amount); the aggregations are {}",
                Agg::ALL.map(|a| a.name()).join(", ")
            ))
        };
        let (name, inner) = match body.find('(') {
            Some(i) if body.ends_with(')') => (&body[..i], body[i + 1..body.len() - 1].trim()),
            None => (body, ""),
            Some(_) => return Err(bad()),
        };
        let agg = Agg::from_name(name).ok_or_else(bad)?;
        let expr = match inner {
            "" | "*" => None,
            e => Some(e.to_string()),
        };
        if expr.is_none() && !agg.allows_rows() {
            return Err(Error::InvalidArgument(format!(
                "{}() needs a column or expression, e.g. {}(Amount)",
                agg.name(),
                agg.name()
            )));
        }
        Ok(Measure {
            agg,
            expr,
            alias: alias.map(str::to_string),
        })
    }

    /// The measure as written, without the alias: `sum(Quantity * UnitPrice)`.
    pub fn text(&self) -> String {
        format!(
            "{}({})",
            self.agg.name(),
            self.expr.as_deref().unwrap_or("")
        )
    }

    /// The name shown in tables and legends.
    pub fn label(&self) -> String {
        self.alias.clone().unwrap_or_else(|| self.text())
    }
}

/// `body as alias` when the body ends with `)` and the alias is a plain name.
fn split_alias(t: &str) -> (&str, Option<&str>) {
    let lower = t.to_ascii_lowercase();
    if let Some(i) = lower.rfind(" as ") {
        let (body, alias) = (t[..i].trim(), t[i + 4..].trim());
        if body.ends_with(')') && !alias.is_empty() && !alias.contains(')') {
            return (body, Some(alias));
        }
    }
    (t, None)
}

/// The order of the x values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Order {
    /// Dates, numbers and text in their natural order; for text dimensions this means A to Z.
    #[default]
    Natural,
    /// By the first measure, largest first.
    Descending,
    /// By the first measure, smallest first.
    Ascending,
}

impl std::str::FromStr for Order {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "natural" | "x" | "key" => Ok(Order::Natural),
            "desc" | "descending" | "value" => Ok(Order::Descending),
            "asc" | "ascending" => Ok(Order::Ascending),
            other => Err(Error::InvalidArgument(format!(
                "'{other}' is not an order; use natural, desc or asc"
            ))),
        }
    }
}

/// Everything a chart's table is computed from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartSpec {
    pub dataset: String,
    pub x: Dimension,
    pub measures: Vec<Measure>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<Dimension>,
    /// A condition of the expression language; only rows where it holds are counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    #[serde(default)]
    pub order: Order,
    /// Keep the N x values with the largest first measure; the rest become one "Other".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top: Option<usize>,
    /// Keep the N split values with the largest first measure; the rest become one "Other".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_by: Option<usize>,
    /// For a histogram: the number of bins (default: chosen from the data, see
    /// [`super::histogram`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bins: Option<usize>,
}

impl ChartSpec {
    pub fn new(dataset: impl Into<String>, x: Dimension, measures: Vec<Measure>) -> ChartSpec {
        ChartSpec {
            dataset: dataset.into(),
            x,
            measures,
            by: None,
            filter: None,
            order: Order::Natural,
            top: None,
            top_by: None,
            bins: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_parse() {
        let m = Measure::parse(" sum(Quantity * UnitPrice) ").unwrap();
        assert_eq!(m.agg, Agg::Sum);
        assert_eq!(m.expr.as_deref(), Some("Quantity * UnitPrice"));
        assert_eq!(m.label(), "sum(Quantity * UnitPrice)");
        assert_eq!(Measure::parse("count()").unwrap(), Measure::count());
        assert_eq!(Measure::parse("COUNT(*)").unwrap(), Measure::count());
        assert_eq!(Measure::parse("count").unwrap(), Measure::count());
        assert_eq!(Measure::parse("avg(x)").unwrap().agg, Agg::Mean);
        assert_eq!(
            Measure::parse("count_distinct(CustomerID)").unwrap().agg,
            Agg::Distinct
        );
        let a = Measure::parse("sum(round(x, 2)) as Revenue").unwrap();
        assert_eq!(a.expr.as_deref(), Some("round(x, 2)"));
        assert_eq!(a.label(), "Revenue");
        assert!(Measure::parse("sum()").is_err());
        assert!(Measure::parse("total(x").is_err());
        let e = Measure::parse("mode(x)").unwrap_err().to_string();
        assert!(e.contains("count, distinct, sum"), "{e}");
    }

    #[test]
    fn grains_label_and_step() {
        let d = NaiveDate::from_ymd_opt(2011, 2, 1).unwrap();
        assert_eq!(Grain::Month.label(d), "2011-02");
        assert_eq!(Grain::Quarter.label(d), "2011 Q1");
        assert_eq!(Grain::Year.label(d), "2011");
        assert_eq!(Grain::Month.next(d).to_string(), "2011-03-01");
        assert_eq!(Grain::Quarter.next(d).to_string(), "2011-05-01");
        assert_eq!(Grain::Week.next(d).to_string(), "2011-02-08");
        assert_eq!("Months".parse::<Grain>().unwrap(), Grain::Month);
        assert!("fortnight".parse::<Grain>().is_err());
    }
}
