//! Writing the customer table as CSV or Parquet: one typed column list feeds both formats.

use super::rfm::RfmTable;
use crate::dataset::ColumnType;
use crate::fsutil::{Format, write_atomic};
use crate::query::{Cell, format_real};
use crate::{Error, Result};
use chrono::NaiveDate;

/// The column names of the written table, in order; joined attributes follow.
pub const COLUMNS: [&str; 27] = [
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
    "items",
    "favourite_category",
    "favourite_item",
    "preferred_channel",
    "preferred_hour",
    "preferred_weekday",
    "return_orders",
    "returned_items",
    "returned_amount",
    "net_revenue",
    "purchase_days",
];

/// One output column.
pub enum OutColumn {
    Text(Vec<Option<String>>),
    Int(Vec<Option<i64>>),
    Real(Vec<Option<f64>>),
    /// Days since 1970-01-01.
    Date(Vec<Option<i32>>),
}

impl OutColumn {
    fn cell(&self, i: usize) -> String {
        match self {
            OutColumn::Text(v) => v[i].clone().unwrap_or_default(),
            OutColumn::Int(v) => v[i].map(|x| x.to_string()).unwrap_or_default(),
            OutColumn::Real(v) => v[i].map(format_real).unwrap_or_default(),
            OutColumn::Date(v) => v[i]
                .map(|d| (epoch() + chrono::Duration::days(d.into())).to_string())
                .unwrap_or_default(),
        }
    }
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

/// The table as named, typed columns: [`COLUMNS`], then the joined attributes.
pub fn out_columns(table: &RfmTable) -> Vec<(String, OutColumn)> {
    let cs = &table.customers;
    let text = |f: &dyn Fn(&super::rfm::CustomerRfm) -> Option<String>| {
        OutColumn::Text(cs.iter().map(f).collect())
    };
    let int = |f: &dyn Fn(&super::rfm::CustomerRfm) -> Option<i64>| {
        OutColumn::Int(cs.iter().map(f).collect())
    };
    let real = |f: &dyn Fn(&super::rfm::CustomerRfm) -> Option<f64>| {
        OutColumn::Real(cs.iter().map(f).collect())
    };
    let day = |d: NaiveDate| Some((d - epoch()).num_days() as i32);
    let cols = vec![
        text(&|c| Some(c.customer_id.clone())),
        OutColumn::Date(cs.iter().map(|c| day(c.first_purchase)).collect()),
        OutColumn::Date(cs.iter().map(|c| day(c.last_purchase)).collect()),
        int(&|c| Some(c.orders as i64)),
        real(&|c| Some(c.revenue)),
        int(&|c| Some(c.recency_days)),
        int(&|c| Some(c.frequency as i64)),
        real(&|c| Some(c.monetary)),
        int(&|c| Some(c.r_score.get().into())),
        int(&|c| Some(c.f_score.get().into())),
        int(&|c| Some(c.m_score.get().into())),
        text(&|c| Some(c.rfm_group.name().into())),
        text(&|c| Some(c.lifecycle_stage.name().into())),
        real(&|c| Some(c.average_order_value)),
        int(&|c| Some(c.tenure_days)),
        real(&|c| c.mean_interval_days),
        real(&|c| Some(c.items)),
        text(&|c| c.favourite_category.clone()),
        text(&|c| c.favourite_item.clone()),
        text(&|c| c.preferred_channel.clone()),
        int(&|c| c.preferred_hour.map(i64::from)),
        text(&|c| c.weekday_name().map(str::to_string)),
        int(&|c| Some(c.return_orders as i64)),
        real(&|c| Some(c.returned_items)),
        real(&|c| Some(c.returned_amount)),
        real(&|c| Some(c.net_revenue)),
        int(&|c| Some(c.purchase_days as i64)),
    ];
    let mut out: Vec<(String, OutColumn)> =
        COLUMNS.iter().map(|n| n.to_string()).zip(cols).collect();
    if let Some(a) = &table.attributes {
        for (j, (name, ty)) in a.names.iter().zip(&a.types).enumerate() {
            let cells = a.values.iter().map(|row| &row[j]);
            let col = match ty {
                ColumnType::Integer | ColumnType::Boolean => OutColumn::Int(
                    cells
                        .map(|c| match c {
                            Cell::Int(i) => Some(*i),
                            _ => None,
                        })
                        .collect(),
                ),
                ColumnType::Float => OutColumn::Real(
                    cells
                        .map(|c| match c {
                            Cell::Int(i) => Some(*i as f64),
                            Cell::Real(f) => Some(*f),
                            _ => None,
                        })
                        .collect(),
                ),
                ColumnType::Date => OutColumn::Date(
                    cells
                        .map(|c| match c {
                            Cell::Text(t) => crate::frame::parse_stored_date(t),
                            _ => None,
                        })
                        .collect(),
                ),
                ColumnType::Datetime | ColumnType::Text => OutColumn::Text(
                    cells
                        .map(|c| match c {
                            Cell::Null => None,
                            other => Some(other.display()),
                        })
                        .collect(),
                ),
            };
            out.push((name.clone(), col));
        }
    }
    out
}

/// Writes the table as CSV (UTF-8) or Parquet, by the file's extension, through a temporary file.
pub fn write_table(table: &RfmTable, path: &std::path::Path) -> Result<()> {
    write_table_with_tags(table, None, path)
}

/// [`write_table`] with a last column `tags`: each customer's tag names, joined by `; `.
pub fn write_table_with_tags(
    table: &RfmTable,
    tags: Option<&super::tags::Tags>,
    path: &std::path::Path,
) -> Result<()> {
    write_columns(out_columns(table), table.customers.len(), tags, path)
}

/// The columns of a customer table frame ([`super::tags::table_frame`], or the kept table's)
/// as written.
pub fn frame_columns(df: &polars::prelude::DataFrame) -> Result<Vec<(String, OutColumn)>> {
    use polars::prelude::*;
    df.columns()
        .iter()
        .map(|c| {
            let col = match c.dtype() {
                DataType::String => {
                    OutColumn::Text(c.str()?.iter().map(|v| v.map(str::to_string)).collect())
                }
                DataType::Int64 => OutColumn::Int(c.i64()?.iter().collect()),
                DataType::Float64 => OutColumn::Real(c.f64()?.iter().collect()),
                DataType::Date => {
                    OutColumn::Date(c.cast(&DataType::Int32)?.i32()?.iter().collect())
                }
                other => {
                    return Err(Error::InvalidArgument(format!(
                        "the customer table's column {} has the unexpected type {other}",
                        c.name()
                    )));
                }
            };
            Ok((c.name().to_string(), col))
        })
        .collect()
}

/// [`write_table_with_tags`] of the table as a frame ([`frame_columns`]): the same file.
pub fn write_frame_with_tags(
    df: &polars::prelude::DataFrame,
    tags: Option<&super::tags::Tags>,
    path: &std::path::Path,
) -> Result<()> {
    write_columns(frame_columns(df)?, df.height(), tags, path)
}

fn write_columns(
    mut cols: Vec<(String, OutColumn)>,
    n: usize,
    tags: Option<&super::tags::Tags>,
    path: &std::path::Path,
) -> Result<()> {
    if let Some(t) = tags {
        let v = (0..n)
            .map(|i| Some(t.of(i).join("; ")).filter(|s| !s.is_empty()))
            .collect();
        cols.push(("tags".into(), OutColumn::Text(v)));
    }
    let format = Format::expect(
        path,
        &[Format::Csv, Format::Parquet],
        "cannot write the customer table to",
    )?;
    write_atomic(path, |tmp| match format {
        Format::Parquet => write_parquet(n, cols, tmp),
        _ => write_csv(n, &cols, tmp),
    })
}

fn write_csv(rows: usize, cols: &[(String, OutColumn)], path: &std::path::Path) -> Result<()> {
    let err = |e: csv::Error| Error::Export(format!("{}: {e}", path.display()));
    let mut w = csv::Writer::from_path(path).map_err(err)?;
    w.write_record(cols.iter().map(|c| c.0.as_str()))
        .map_err(err)?;
    for i in 0..rows {
        w.write_record(cols.iter().map(|c| c.1.cell(i)))
            .map_err(err)?;
    }
    w.flush().map_err(|e| Error::io(path, e))?;
    Ok(())
}

fn write_parquet(rows: usize, out: Vec<(String, OutColumn)>, path: &std::path::Path) -> Result<()> {
    use polars::prelude::*;
    let columns = out
        .into_iter()
        .map(|(name, c)| {
            let name: PlSmallStr = name.into();
            Ok(match c {
                OutColumn::Text(v) => Column::new(name, v),
                OutColumn::Int(v) => Column::new(name, v),
                OutColumn::Real(v) => Column::new(name, v),
                OutColumn::Date(v) => Column::new(name, v).cast(&DataType::Date)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let mut df = DataFrame::new(rows, columns)?;
    let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    ParquetWriter::new(file).finish(&mut df)?;
    Ok(())
}
