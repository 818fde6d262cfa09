//! A segment's members written to a file for a campaign tool, with personal data masked or ids
//! hashed on request; every export is logged and snapshotted.

use super::base::SegmentBase;
use super::eval::Members;
use crate::export::{ExportReport, write_frame_file};
use crate::privacy::{Masking, hash_id, mask_value};
use crate::store::{Action, Project, segments as store};
use crate::{Error, Result};
use polars::prelude::*;
use std::path::Path;

/// What goes into the file.
#[derive(Debug, Clone, Default)]
pub struct ExportSpec {
    /// These columns of the customer table, in this order; default all.
    pub columns: Option<Vec<String>>,
    /// Columns to mask (phone, e-mail or name, as each value looks).
    pub mask: Vec<String>,
    /// Masking per column when it should not be guessed.
    pub mask_as: Vec<(String, Masking)>,
    /// Replace customer_id by its salted SHA-256.
    pub hash_ids: bool,
    pub salt: String,
    /// A UTF-8 byte-order mark at the start of CSV files (for Excel).
    pub bom: bool,
}

fn no_column(name: &str, frame: &DataFrame) -> Error {
    let names: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    Error::InvalidArgument(format!(
        "the customer table has no column '{name}'; its columns are: {}",
        names.join(", ")
    ))
}

/// The members' rows with the chosen columns, masked and hashed as asked.
pub fn members_frame(
    base: &SegmentBase,
    members: &Members,
    spec: &ExportSpec,
) -> Result<DataFrame> {
    let frame = &base.frame;
    let mask = BooleanChunked::from_slice("m".into(), members);
    let mut out = frame.filter(&mask)?;
    if let Some(cols) = &spec.columns {
        for c in cols {
            if frame.column(c).is_err() {
                return Err(no_column(c, frame));
            }
        }
        out = out.select(cols.iter().map(|c| PlSmallStr::from(c.as_str())))?;
    }
    for name in &spec.mask {
        if frame.column(name).is_err() {
            return Err(no_column(name, frame));
        }
        let Ok(col) = out.column(name) else {
            continue; // masked but not exported
        };
        let how = spec
            .mask_as
            .iter()
            .find(|(c, _)| c == name)
            .map(|(_, m)| *m);
        let text = col.cast(&DataType::String)?;
        let masked: Vec<Option<String>> = text
            .str()?
            .iter()
            .map(|v| v.map(|v| mask_value(v, how)))
            .collect();
        out.with_column(Column::new(name.as_str().into(), masked))?;
    }
    if spec.hash_ids
        && let Ok(col) = out.column("customer_id")
    {
        let hashed: Vec<Option<String>> = col
            .str()?
            .iter()
            .map(|v| v.map(|v| hash_id(v, &spec.salt)))
            .collect();
        out.with_column(Column::new("customer_id".into(), hashed))?;
    }
    Ok(out)
}

/// Writes the members to `out` (CSV, XLSX or Parquet by extension), logs the export (when,
/// segment, rows, columns, masking) and, for a saved segment, records a snapshot.
pub fn export_members(
    project: &Project,
    base: &SegmentBase,
    segment: Option<&str>,
    rule_text: &str,
    members: &Members,
    out: &Path,
    spec: &ExportSpec,
) -> Result<ExportReport> {
    let df = members_frame(base, members, spec)?;
    let report = write_frame_file(&df, out, spec.bom)?;
    if let Some(name) = segment {
        store::add_snapshot(
            project.conn(),
            name,
            &base.dataset,
            &base.as_of.to_string(),
            "export",
            &member_ids(base, members)?,
        )?;
    }
    project.log(
        Action::Export,
        Some(&base.dataset),
        Some(report.rows),
        &serde_json::json!({
            "segment": segment,
            "rule": rule_text,
            "path": report.path,
            "format": report.format,
            "columns": report.columns,
            "masked": spec.mask,
            "hashed_ids": spec.hash_ids,
            "bom": spec.bom,
        }),
    )?;
    Ok(report)
}

/// The members' ids, sorted.
pub fn member_ids(base: &SegmentBase, members: &Members) -> Result<Vec<String>> {
    let mut ids: Vec<String> = base
        .ids()?
        .into_iter()
        .zip(members)
        .filter(|(_, m)| **m)
        .map(|(id, _)| id)
        .collect();
    ids.sort();
    Ok(ids)
}
