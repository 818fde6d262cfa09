//! The dashboard's layout and filter, kept in the project: each saved chart's card (its size,
//! and whether it shows as a KPI tile) in the chart's own record, the cards' order as the saved
//! charts' order, and one date range for every card in the project's metadata.

use super::saved::{SavedChart, saved_chart};
use super::spec::ChartSpec;
use super::table::{AggTable, Key};
use crate::dataset::{ColumnType, DatasetInfo, Role};
use crate::store::{Project, charts as stored};
use crate::{Error, Result};
use chrono::NaiveDate;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

/// How much room a card takes: one column (small), two columns (wide), or one column at twice
/// the height (tall).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CardSize {
    #[default]
    Small,
    Wide,
    Tall,
}

impl CardSize {
    pub const ALL: [CardSize; 3] = [CardSize::Small, CardSize::Wide, CardSize::Tall];

    /// The grid columns the card spans.
    pub fn span(self) -> usize {
        match self {
            CardSize::Wide => 2,
            _ => 1,
        }
    }
}

/// How a saved chart shows on the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Card {
    #[serde(default)]
    pub size: CardSize,
    /// A single number (the last period's value) with its change against the period before.
    #[serde(default)]
    pub kpi: bool,
}

impl Card {
    pub fn is_default(&self) -> bool {
        *self == Card::default()
    }
}

/// Gives a saved chart's card a new size or kind, keeping the chart and its place.
pub fn set_card(project: &Project, title: &str, card: Card) -> Result<()> {
    let mut chart = saved_chart(project, title)?;
    chart.card = card;
    super::saved::save_chart(project, &chart)
}

/// Moves a saved chart `by` places in the dashboard's order (negative: to the left); at the
/// ends it stays. Returns whether it moved.
pub fn move_chart(project: &Project, title: &str, by: i64) -> Result<bool> {
    let titles: Vec<String> = stored::list(project.conn())?
        .into_iter()
        .map(|c| c.title)
        .collect();
    let Some(at) = titles.iter().position(|t| t == title.trim()) else {
        // Names the saved charts.
        saved_chart(project, title)?;
        return Ok(false);
    };
    let to = at as i64 + by;
    if to < 0 || to >= titles.len() as i64 {
        return Ok(false);
    }
    let mut order = titles;
    let moved = order.remove(at);
    order.insert(to as usize, moved);
    stored::reorder(project.conn(), &order)?;
    Ok(true)
}

/// One date range for every card, both ends included; either end may be open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DateRange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
}

impl DateRange {
    pub fn is_open(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }
}

const RANGE_KEY: &str = "dashboard_range";

/// The dashboard's date range (open when none was set).
pub fn date_range(project: &Project) -> Result<DateRange> {
    let json: Option<String> = project
        .conn()
        .query_row(
            "SELECT value FROM _loupe_meta WHERE key = ?1",
            [RANGE_KEY],
            |r| r.get(0),
        )
        .optional()?;
    match json {
        None => Ok(DateRange::default()),
        Some(j) => serde_json::from_str(&j).map_err(|e| {
            Error::InvalidArgument(format!("the dashboard's date range cannot be read: {e}"))
        }),
    }
}

/// Keeps the dashboard's date range (an open range removes it).
pub fn set_date_range(project: &Project, range: &DateRange) -> Result<()> {
    if let (Some(f), Some(t)) = (range.from, range.to)
        && f > t
    {
        return Err(Error::InvalidArgument(format!(
            "the date range starts ({f}) after it ends ({t})"
        )));
    }
    if range.is_open() {
        project
            .conn()
            .execute("DELETE FROM _loupe_meta WHERE key = ?1", [RANGE_KEY])?;
        return Ok(());
    }
    let json = serde_json::to_string(range)
        .map_err(|e| Error::InvalidArgument(format!("the date range cannot be written: {e}")))?;
    project.conn().execute(
        "INSERT OR REPLACE INTO _loupe_meta(key, value) VALUES (?1, ?2)",
        rusqlite::params![RANGE_KEY, json],
    )?;
    Ok(())
}

/// The date column a chart's range applies to: its x when that is a date, else the dataset's
/// timestamp column, else its only date column. `None`: the chart has no dates to filter.
pub fn date_column<'a>(info: &'a DatasetInfo, spec: &ChartSpec) -> Option<&'a str> {
    let dated = |ty: ColumnType| matches!(ty, ColumnType::Date | ColumnType::Datetime);
    if let Some(c) = info.column(&spec.x.column)
        && dated(c.ty)
    {
        return Some(c.name.as_str());
    }
    if let Some(c) = info
        .columns
        .iter()
        .find(|c| c.role == Some(Role::Timestamp) && dated(c.ty))
    {
        return Some(c.name.as_str());
    }
    let mut dates = info.columns.iter().filter(|c| dated(c.ty));
    match (dates.next(), dates.next()) {
        (Some(c), None) => Some(c.name.as_str()),
        _ => None,
    }
}

/// The chart's spec with the range added to its filter (on [`date_column`]); unchanged for an
/// open range or a chart without dates.
pub fn with_range(info: &DatasetInfo, spec: &ChartSpec, range: &DateRange) -> ChartSpec {
    let mut out = spec.clone();
    if range.is_open() {
        return out;
    }
    let Some(column) = date_column(info, spec) else {
        return out;
    };
    let name = format!("\"{}\"", column.replace('"', "\"\""));
    let mut parts: Vec<String> = Vec::new();
    if let Some(f) = spec.filter.as_deref().filter(|f| !f.trim().is_empty()) {
        parts.push(format!("({f})"));
    }
    if let Some(from) = range.from {
        parts.push(format!("{name} >= '{from}'"));
    }
    if let Some(to) = range.to.and_then(|t| t.succ_opt()) {
        // The whole last day, times included.
        parts.push(format!("{name} < '{to}'"));
    }
    out.filter = Some(parts.join(" and "));
    out
}

/// A KPI tile's number: the last whole period's value of the first measure (summed over the
/// split), and the period before's. A last period the data ends inside (the running month) is
/// left out, as its total is not comparable.
#[derive(Debug, Clone, PartialEq)]
pub struct Kpi {
    pub period: Key,
    pub value: f64,
    pub previous: Option<(Key, f64)>,
    /// The partial last period left out.
    pub left_out: Option<Key>,
}

impl Kpi {
    /// The change against the period before, as a fraction (0.1 = +10%); `None` without a
    /// period before or when it was 0.
    pub fn change(&self) -> Option<f64> {
        let (_, p) = self.previous.as_ref()?;
        (*p != 0.0).then(|| (self.value - p) / p.abs())
    }
}

/// The KPI of a chart's table: `None` when it has no period with a value.
pub fn kpi_of(t: &AggTable) -> Option<Kpi> {
    let total = |x: &Key| -> Option<f64> {
        let vals: Vec<f64> = t
            .rows
            .iter()
            .filter(|r| &r.x == x)
            .filter_map(|r| r.values.first().copied().flatten())
            .collect();
        (!vals.is_empty()).then(|| vals.iter().sum())
    };
    let periods: Vec<&Key> = t
        .x_values
        .iter()
        .filter(|k| !matches!(k, Key::Null | Key::Other))
        .filter(|k| total(k).is_some())
        .collect();
    let partial_last = match (periods.first(), periods.last()) {
        (Some(Key::Date(first)), Some(Key::Date(last))) => t.partial_ends(*first, *last).last,
        _ => false,
    };
    let (left_out, whole) = match periods.split_last() {
        Some((last, rest)) if partial_last && !rest.is_empty() => (Some((*last).clone()), rest),
        _ => (None, periods.as_slice()),
    };
    let (last, before) = whole.split_last()?;
    Some(Kpi {
        period: (*last).clone(),
        value: total(last)?,
        previous: before
            .last()
            .and_then(|k| total(k).map(|v| ((*k).clone(), v))),
        left_out,
    })
}

/// Whether a saved chart can show as a KPI tile: a measure over time.
pub fn can_be_kpi(chart: &SavedChart) -> bool {
    !chart.kind.is_distribution() && chart.spec.x.grain.is_some()
}
