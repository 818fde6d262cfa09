//! Export of datasets (and any typed query) to CSV, XLSX and Parquet.
//!
//! Files are written beside the target under a temporary name and renamed when complete, so a failed
//! or cancelled export never leaves half a file. Every export is recorded in the activity log.

pub mod frame;

pub use frame::write_frame_file;

use crate::dataset::ColumnType;
use crate::error::{Error, Result};
use crate::fsutil::{Format, write_atomic};
use crate::progress::{Reporter, Stage, Unit};
use crate::query::format_real;
use crate::store::{Action, Project, quote_ident};
use rusqlite::types::ValueRef;
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// The file formats Loupe writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Csv,
    Xlsx,
    Parquet,
}

impl ExportFormat {
    pub fn from_path(path: &Path) -> Result<Self> {
        let f = Format::expect(
            path,
            &[Format::Csv, Format::Xlsx, Format::Parquet],
            "cannot export to",
        )?;
        Ok(match f {
            Format::Xlsx => ExportFormat::Xlsx,
            Format::Parquet => ExportFormat::Parquet,
            _ => ExportFormat::Csv,
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// Start CSV files with a UTF-8 byte-order mark, so Excel on Chinese Windows reads them right.
    pub bom: bool,
    /// Only these columns, in this order.
    pub columns: Option<Vec<String>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportReport {
    pub path: String,
    pub format: ExportFormat,
    pub rows: u64,
    pub columns: Vec<String>,
}

/// Exports a dataset to `out`; the format follows the extension.
pub fn export_dataset(
    project: &Project,
    dataset: &str,
    out: &Path,
    opts: &ExportOptions,
    rep: &Reporter,
) -> Result<ExportReport> {
    let info = project.dataset(dataset)?;
    let cols: Vec<(String, ColumnType)> = match &opts.columns {
        None => info
            .columns
            .iter()
            .map(|c| (c.name.clone(), c.ty))
            .collect(),
        Some(names) => names
            .iter()
            .map(|n| {
                info.column(n)
                    .map(|c| (c.name.clone(), c.ty))
                    .ok_or_else(|| {
                        Error::InvalidArgument(format!(
                            "dataset '{dataset}' has no column '{n}'; its columns are: {}",
                            info.columns
                                .iter()
                                .map(|c| c.name.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ))
                    })
            })
            .collect::<Result<_>>()?,
    };
    let sql = format!(
        "SELECT {} FROM {} ORDER BY rowid",
        cols.iter()
            .map(|c| quote_ident(&c.0))
            .collect::<Vec<_>>()
            .join(", "),
        quote_ident(dataset)
    );
    let report = export_query(project, &sql, &cols, info.rows, out, opts, rep)?;
    project.log(
        Action::Export,
        Some(dataset),
        Some(report.rows),
        &serde_json::json!({"path": report.path, "format": report.format, "columns": report.columns, "bom": opts.bom}),
    )?;
    Ok(report)
}

/// Writes the result of `sql`, whose columns have the given names and types, to `out`.
pub fn export_query(
    project: &Project,
    sql: &str,
    cols: &[(String, ColumnType)],
    expected_rows: u64,
    out: &Path,
    opts: &ExportOptions,
    rep: &Reporter,
) -> Result<ExportReport> {
    let format = ExportFormat::from_path(out)?;
    let rows = write_atomic(out, |tmp| match format {
        ExportFormat::Csv => write_csv(project, sql, cols, expected_rows, tmp, opts.bom, rep),
        ExportFormat::Xlsx => write_xlsx(project, sql, cols, expected_rows, tmp, rep),
        ExportFormat::Parquet => write_parquet(project, sql, cols, expected_rows, tmp),
    })?;
    Ok(ExportReport {
        path: out.display().to_string(),
        format,
        rows,
        columns: cols.iter().map(|c| c.0.clone()).collect(),
    })
}

fn write_csv(
    project: &Project,
    sql: &str,
    cols: &[(String, ColumnType)],
    expected: u64,
    path: &Path,
    bom: bool,
    rep: &Reporter,
) -> Result<u64> {
    let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    let mut buf = std::io::BufWriter::with_capacity(1 << 20, file);
    if bom {
        buf.write_all(b"\xEF\xBB\xBF")
            .map_err(|e| Error::io(path, e))?;
    }
    let mut w = csv::Writer::from_writer(buf);
    let csv_err = |e: csv::Error| Error::Export(format!("{}: {e}", path.display()));
    w.write_record(cols.iter().map(|c| &c.0)).map_err(csv_err)?;
    let mut stmt = project.conn().prepare(sql)?;
    let mut rows = stmt.query([])?;
    let mut n = 0u64;
    let mut rec: Vec<String> = Vec::with_capacity(cols.len());
    while let Some(row) = rows.next()? {
        rec.clear();
        for j in 0..cols.len() {
            rec.push(match row.get_ref(j)? {
                ValueRef::Null => String::new(),
                ValueRef::Integer(i) => i.to_string(),
                ValueRef::Real(f) => format_real(f),
                ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                ValueRef::Blob(_) => String::new(),
            });
        }
        w.write_record(&rec).map_err(csv_err)?;
        n += 1;
        if n.is_multiple_of(16384) {
            rep.check()?;
            rep.report(Stage::Exporting, n, Some(expected), Unit::Rows, n, false);
        }
    }
    w.flush().map_err(|e| Error::io(path, e))?;
    Ok(n)
}

pub(crate) const XLSX_MAX_ROWS: u64 = 1_048_575;

fn write_xlsx(
    project: &Project,
    sql: &str,
    cols: &[(String, ColumnType)],
    expected: u64,
    path: &Path,
    rep: &Reporter,
) -> Result<u64> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    if expected > XLSX_MAX_ROWS {
        return Err(Error::Export(format!(
            "{expected} rows do not fit in an Excel sheet ({XLSX_MAX_ROWS} at most); export to .csv or .parquet instead"
        )));
    }
    let xerr = |e: rust_xlsxwriter::XlsxError| Error::Export(format!("{}: {e}", path.display()));
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let bold = Format::new().set_bold();
    let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
    let dt_fmt = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    for (j, (name, ty)) in cols.iter().enumerate() {
        ws.write_string_with_format(0, j as u16, name, &bold)
            .map_err(xerr)?;
        let width = match ty {
            ColumnType::Datetime => 19.0,
            ColumnType::Date => 11.0,
            _ => (name.chars().count() as f64 + 2.0).clamp(8.0, 40.0),
        };
        ws.set_column_width(j as u16, width).map_err(xerr)?;
    }
    ws.set_freeze_panes(1, 0).map_err(xerr)?;
    let mut stmt = project.conn().prepare(sql)?;
    let mut rows = stmt.query([])?;
    let mut r: u32 = 0;
    while let Some(row) = rows.next()? {
        r += 1;
        if r as u64 > XLSX_MAX_ROWS {
            return Err(Error::Export(format!(
                "more than {XLSX_MAX_ROWS} rows do not fit in an Excel sheet; export to .csv or .parquet instead"
            )));
        }
        for (j, (_, ty)) in cols.iter().enumerate() {
            let c = j as u16;
            match (row.get_ref(j)?, ty) {
                (ValueRef::Null, _) => {}
                (ValueRef::Integer(i), ColumnType::Boolean) => {
                    ws.write_boolean(r, c, i != 0).map_err(xerr)?;
                }
                (ValueRef::Integer(i), ColumnType::Text) => {
                    ws.write_string(r, c, i.to_string()).map_err(xerr)?;
                }
                (ValueRef::Integer(i), _) => {
                    ws.write_number(r, c, i as f64).map_err(xerr)?;
                }
                (ValueRef::Real(f), _) => {
                    ws.write_number(r, c, f).map_err(xerr)?;
                }
                (ValueRef::Text(t), ColumnType::Date | ColumnType::Datetime) => {
                    let s = String::from_utf8_lossy(t);
                    let fmt = if *ty == ColumnType::Date {
                        &date_fmt
                    } else {
                        &dt_fmt
                    };
                    match ExcelDateTime::parse_from_str(&s) {
                        Ok(d) => ws.write_datetime_with_format(r, c, d, fmt).map_err(xerr)?,
                        Err(_) => ws.write_string(r, c, s.as_ref()).map_err(xerr)?,
                    };
                }
                // Identifiers and all other text stay text, whatever they look like.
                (ValueRef::Text(t), _) => {
                    ws.write_string(r, c, String::from_utf8_lossy(t).as_ref())
                        .map_err(xerr)?;
                }
                (ValueRef::Blob(_), _) => {}
            }
        }
        if r.is_multiple_of(16384) {
            rep.check()?;
            rep.report(
                Stage::Exporting,
                r as u64,
                Some(expected),
                Unit::Rows,
                r as u64,
                false,
            );
        }
    }
    wb.save(path).map_err(xerr)?;
    Ok(r as u64)
}

fn write_parquet(
    project: &Project,
    sql: &str,
    cols: &[(String, ColumnType)],
    expected: u64,
    path: &Path,
) -> Result<u64> {
    let mut df = crate::frame::frame_from_query(project.conn(), sql, cols, expected as usize)?;
    let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    polars::prelude::ParquetWriter::new(file).finish(&mut df)?;
    Ok(df.height() as u64)
}
