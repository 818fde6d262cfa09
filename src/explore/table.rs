//! The aggregated table behind a chart: one row per x value (and split value), one column per
//! measure; written as CSV, JSON or XLSX.

use super::spec::Grain;
use crate::fsutil::{Format, write_atomic};
use crate::{Error, Result};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use std::cmp::Ordering;
use std::path::Path;

/// A value of a dimension.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Key {
    /// Rows where the dimension is missing.
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    Date(NaiveDate),
    Datetime(NaiveDateTime),
    /// Everything outside the top N.
    Other,
}

impl Key {
    /// The value as data (CSV, JSON): ISO dates, plain numbers; empty for missing; `Other`.
    pub fn text(&self) -> String {
        match self {
            Key::Null => String::new(),
            Key::Bool(b) => b.to_string(),
            Key::Int(i) => i.to_string(),
            Key::Float(f) => crate::query::format_real(*f),
            Key::Text(s) => s.clone(),
            Key::Date(d) => d.format("%Y-%m-%d").to_string(),
            Key::Datetime(d) => d.format("%Y-%m-%d %H:%M:%S").to_string(),
            Key::Other => "Other".into(),
        }
    }

    /// The value for people: dates at the grain (2011-03, 2011 Q1); `missing` and `other` are
    /// the words to use for those.
    pub fn label(&self, grain: Option<Grain>, missing: &str, other: &str) -> String {
        match (self, grain) {
            (Key::Null, _) => missing.to_string(),
            (Key::Other, _) => other.to_string(),
            (Key::Date(d), Some(g)) => g.label(*d),
            (Key::Float(f), _) => crate::format::number(*f),
            _ => self.text(),
        }
    }

    /// A position on a numeric axis: numbers as themselves, dates as days since 1970-01-01.
    pub fn position(&self) -> Option<f64> {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1)?;
        match self {
            Key::Int(i) => Some(*i as f64),
            Key::Float(f) => Some(*f),
            Key::Date(d) => Some((*d - epoch).num_days() as f64),
            Key::Datetime(d) => Some((d.and_utc().timestamp() as f64) / 86_400.0),
            _ => None,
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Key::Bool(_) => 0,
            Key::Int(_) | Key::Float(_) => 1,
            Key::Date(_) | Key::Datetime(_) => 2,
            Key::Text(_) => 3,
            Key::Null => 4,
            Key::Other => 5,
        }
    }

    /// The natural order: values, then missing, then Other.
    pub fn natural_cmp(&self, other: &Key) -> Ordering {
        match (self, other) {
            (Key::Bool(a), Key::Bool(b)) => a.cmp(b),
            (Key::Text(a), Key::Text(b)) => a.cmp(b),
            (Key::Datetime(a), Key::Datetime(b)) => a.cmp(b),
            (Key::Date(a), Key::Date(b)) => a.cmp(b),
            (a, b) if a.rank() == b.rank() && a.rank() <= 2 => {
                let (x, y) = (a.position().unwrap_or(0.0), b.position().unwrap_or(0.0));
                x.total_cmp(&y)
            }
            (a, b) => a.rank().cmp(&b.rank()),
        }
    }
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AggRow {
    pub x: Key,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<Key>,
    /// One per measure; `None` where a measure has no value (e.g. the mean of no numbers).
    pub values: Vec<Option<f64>>,
}

/// The aggregated table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AggTable {
    /// The x dimension's name (`InvoiceDate:month`).
    pub x: String,
    pub grain: Option<Grain>,
    /// Whether x is a date, datetime or number (a continuous axis).
    pub x_continuous: bool,
    pub by: Option<String>,
    pub measures: Vec<String>,
    /// Sorted: by x in the chart's order, then by series (largest first, Other last).
    pub rows: Vec<AggRow>,
    /// The x values in order, each once.
    pub x_values: Vec<Key>,
    /// The split values in legend order, each once (empty without a split).
    pub series: Vec<Key>,
    /// Rows of the dataset counted (after the filter).
    pub input_rows: u64,
    /// The first and last day of the data behind a dated x at a grain (after the filter).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<(NaiveDate, NaiveDate)>,
}

/// Which ends of a time series cover their period only in part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PartialEnds {
    /// The data starts after the first period does.
    pub first: bool,
    /// The data ends before the last period does (the period is still running, or the export
    /// was cut there): its total is not comparable with the others.
    pub last: bool,
}

impl AggTable {
    /// Whether the first and the last period of a dated x cover their whole period. Periods
    /// start on `first_period` and `last_period` (as the table's keys say).
    pub fn partial_ends(&self, first_period: NaiveDate, last_period: NaiveDate) -> PartialEnds {
        match (self.span, self.grain) {
            (Some((lo, hi)), Some(g)) => PartialEnds {
                first: lo > first_period,
                last: g.next(last_period).pred_opt().is_some_and(|end| hi < end),
            },
            _ => PartialEnds::default(),
        }
    }

    /// Column headers: x, then the split, then the measures.
    pub fn headers(&self) -> Vec<String> {
        let mut h = vec![self.x.clone()];
        h.extend(self.by.clone());
        h.extend(self.measures.iter().cloned());
        h
    }

    /// The cells of a row as text, in [`headers`](Self::headers) order.
    pub fn cells(&self, row: &AggRow) -> Vec<String> {
        let mut c = vec![row.x.text()];
        if self.by.is_some() {
            c.push(row.by.as_ref().map(Key::text).unwrap_or_default());
        }
        c.extend(
            row.values
                .iter()
                .map(|v| v.map(crate::query::format_real).unwrap_or_default()),
        );
        c
    }

    /// The value of measure `m` at (x, series), if that cell exists.
    pub fn value(&self, x: &Key, series: Option<&Key>, m: usize) -> Option<f64> {
        self.rows
            .iter()
            .find(|r| &r.x == x && r.by.as_ref() == series)
            .and_then(|r| r.values.get(m).copied().flatten())
    }

    /// Writes the table as CSV, JSON or XLSX, by the file's extension.
    pub fn write(&self, path: &Path) -> Result<()> {
        let format = Format::expect(
            path,
            &[Format::Csv, Format::Json, Format::Xlsx],
            "cannot write a table to",
        )?;
        write_atomic(path, |path| match format {
            Format::Csv => self.write_csv(path),
            Format::Xlsx => self.write_xlsx(path),
            _ => {
                let text = serde_json::to_string_pretty(&self.json())
                    .map_err(|e| Error::Export(e.to_string()))?;
                std::fs::write(path, text).map_err(|e| Error::io(path, e))
            }
        })
    }

    fn write_csv(&self, path: &Path) -> Result<()> {
        let mut w = csv::Writer::from_path(path).map_err(|e| Error::Export(e.to_string()))?;
        w.write_record(self.headers())
            .map_err(|e| Error::Export(e.to_string()))?;
        for r in &self.rows {
            w.write_record(self.cells(r))
                .map_err(|e| Error::Export(e.to_string()))?;
        }
        w.flush().map_err(|e| Error::io(path, e))
    }

    /// The table as JSON: `{"columns": [...], "rows": [[...], ...]}` with numbers as numbers.
    pub fn json(&self) -> serde_json::Value {
        let key = |k: &Key| match k {
            Key::Null => serde_json::Value::Null,
            Key::Bool(b) => (*b).into(),
            Key::Int(i) => (*i).into(),
            Key::Float(f) => serde_json::Number::from_f64(*f)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            other => other.text().into(),
        };
        let rows: Vec<serde_json::Value> = self
            .rows
            .iter()
            .map(|r| {
                let mut v = vec![key(&r.x)];
                if self.by.is_some() {
                    v.push(r.by.as_ref().map(key).unwrap_or(serde_json::Value::Null));
                }
                v.extend(r.values.iter().map(|x| {
                    x.and_then(serde_json::Number::from_f64)
                        .map(serde_json::Value::Number)
                        .unwrap_or(serde_json::Value::Null)
                }));
                serde_json::Value::Array(v)
            })
            .collect();
        serde_json::json!({ "columns": self.headers(), "rows": rows })
    }

    fn write_xlsx(&self, path: &Path) -> Result<()> {
        use rust_xlsxwriter::Workbook;
        let err = |e: rust_xlsxwriter::XlsxError| Error::Export(format!("{}: {e}", path.display()));
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        for (j, h) in self.headers().iter().enumerate() {
            sheet.write_string(0, j as u16, h).map_err(err)?;
        }
        let keys = 1 + usize::from(self.by.is_some());
        for (i, r) in self.rows.iter().enumerate() {
            let row = (i + 1) as u32;
            let mut ks = vec![&r.x];
            ks.extend(r.by.as_ref());
            for (j, k) in ks.into_iter().enumerate() {
                match k {
                    Key::Int(v) => sheet.write_number(row, j as u16, *v as f64),
                    Key::Float(v) => sheet.write_number(row, j as u16, *v),
                    other => sheet.write_string(row, j as u16, other.text()),
                }
                .map_err(err)?;
            }
            for (j, v) in r.values.iter().enumerate() {
                if let Some(v) = v {
                    sheet
                        .write_number(row, (keys + j) as u16, *v)
                        .map_err(err)?;
                }
            }
        }
        book.save(path).map_err(err)
    }
}
