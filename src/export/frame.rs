//! Export of a polars frame (a segment's members, recommendations) to CSV, XLSX or Parquet,
//! with the same rules as dataset exports: a temporary file renamed when complete, dates as
//! dates in Excel, identifiers kept as text.

use super::{ExportFormat, ExportReport, XLSX_MAX_ROWS};
use crate::error::{Error, Result};
use crate::fsutil::write_atomic;
use polars::prelude::*;
use std::io::Write;
use std::path::Path;

/// Writes `df` to `out`; the format follows the extension.
pub fn write_frame_file(df: &DataFrame, out: &Path, bom: bool) -> Result<ExportReport> {
    let format = ExportFormat::from_path(out)?;
    write_atomic(out, |tmp| match format {
        ExportFormat::Csv => csv(df, tmp, bom),
        ExportFormat::Xlsx => xlsx(df, tmp),
        ExportFormat::Parquet => parquet(df, tmp),
    })?;
    Ok(ExportReport {
        path: out.display().to_string(),
        format,
        rows: df.height() as u64,
        columns: df
            .get_column_names()
            .iter()
            .map(|c| c.to_string())
            .collect(),
    })
}

/// A cell as text: empty for missing, numbers as Loupe prints them, dates as `YYYY-MM-DD`.
fn text(v: &AnyValue<'_>) -> String {
    match v {
        AnyValue::Null => String::new(),
        AnyValue::String(s) => s.to_string(),
        AnyValue::StringOwned(s) => s.to_string(),
        AnyValue::Float64(f) => crate::query::format_real(*f),
        AnyValue::Float32(f) => crate::query::format_real(f64::from(*f)),
        AnyValue::Boolean(b) => b.to_string(),
        AnyValue::Date(d) => date(*d).to_string(),
        v => v.to_string(),
    }
}

fn date(d: i32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
        + chrono::Duration::days(i64::from(d))
}

fn csv(df: &DataFrame, path: &Path, bom: bool) -> Result<()> {
    let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    let mut buf = std::io::BufWriter::new(file);
    if bom {
        buf.write_all(b"\xEF\xBB\xBF")
            .map_err(|e| Error::io(path, e))?;
    }
    let mut w = ::csv::Writer::from_writer(buf);
    let csv_err = |e: ::csv::Error| Error::Export(format!("{}: {e}", path.display()));
    w.write_record(df.get_column_names().iter().map(|c| c.as_str()))
        .map_err(csv_err)?;
    let cols = df.columns();
    let mut rec = Vec::with_capacity(cols.len());
    for i in 0..df.height() {
        rec.clear();
        for c in cols {
            rec.push(text(&c.get(i)?));
        }
        w.write_record(&rec).map_err(csv_err)?;
    }
    w.flush().map_err(|e| Error::io(path, e))?;
    Ok(())
}

fn xlsx(df: &DataFrame, path: &Path) -> Result<()> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    if df.height() as u64 > XLSX_MAX_ROWS {
        return Err(Error::Export(format!(
            "{} rows do not fit in an Excel sheet ({XLSX_MAX_ROWS} at most); export to .csv or .parquet instead",
            df.height()
        )));
    }
    let xerr = |e: rust_xlsxwriter::XlsxError| Error::Export(format!("{}: {e}", path.display()));
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let bold = Format::new().set_bold();
    let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
    for (j, c) in df.columns().iter().enumerate() {
        let col = j as u16;
        ws.write_string_with_format(0, col, c.name().as_str(), &bold)
            .map_err(xerr)?;
        let width = (c.name().chars().count() as f64 + 2.0).clamp(10.0, 40.0);
        ws.set_column_width(col, width).map_err(xerr)?;
        for i in 0..df.height() {
            let r = i as u32 + 1;
            match c.get(i)? {
                AnyValue::Null => {}
                AnyValue::Boolean(b) => {
                    ws.write_boolean(r, col, b).map_err(xerr)?;
                }
                AnyValue::Date(d) => {
                    let s = date(d).to_string();
                    match ExcelDateTime::parse_from_str(&s) {
                        Ok(dt) => ws
                            .write_datetime_with_format(r, col, dt, &date_fmt)
                            .map_err(xerr)?,
                        Err(_) => ws.write_string(r, col, &s).map_err(xerr)?,
                    };
                }
                v if v.is_primitive_numeric() => {
                    let x = v.extract::<f64>().unwrap_or(f64::NAN);
                    ws.write_number(r, col, x).map_err(xerr)?;
                }
                v => {
                    ws.write_string(r, col, text(&v)).map_err(xerr)?;
                }
            }
        }
    }
    ws.set_freeze_panes(1, 0).map_err(xerr)?;
    wb.save(path).map_err(xerr)?;
    Ok(())
}

fn parquet(df: &DataFrame, path: &Path) -> Result<()> {
    let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    let mut df = df.clone();
    ParquetWriter::new(file).finish(&mut df)?;
    Ok(())
}
