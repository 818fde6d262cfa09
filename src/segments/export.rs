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
    /// The salt of hashed ids: `None` is the project's own random secret (`pii_salt`), so the
    /// hashes cannot be reversed by hashing every likely id; a salt of one's own is for matching
    /// with an ad platform that hashes with the same one.
    pub salt: Option<String>,
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

/// Salts shorter than this are warned about: hashes of short ids with a short salt are easy to
/// reverse by trying every id.
pub const MIN_SALT_CHARS: usize = 16;

/// A warning about the salt of `spec`, when it hashes ids with a short salt of its own.
pub fn salt_warning(spec: &ExportSpec) -> Option<String> {
    let salt = spec.salt.as_ref().filter(|_| spec.hash_ids)?;
    let n = salt.chars().count();
    (n < MIN_SALT_CHARS).then(|| {
        format!(
            "the salt is {n} character(s) long: whoever has the file can find the ids by hashing every likely id with it; use {MIN_SALT_CHARS} or more random characters, or leave out --salt to use the project's own secret salt"
        )
    })
}

/// The name (never the value) of the salt `spec` hashes with, for the activity log.
fn salt_name(spec: &ExportSpec) -> Option<&'static str> {
    spec.hash_ids.then_some(match spec.salt {
        None => "project secret (pii_salt)",
        Some(_) => "given with the export",
    })
}

/// The members' rows with the chosen columns, masked and hashed as asked; `project_salt` is
/// the project's secret, used unless `spec` gives a salt.
pub fn members_frame(
    base: &SegmentBase,
    members: &Members,
    spec: &ExportSpec,
    project_salt: &str,
) -> Result<DataFrame> {
    let mask = BooleanChunked::from_slice("m".into(), members);
    shape(base.frame.filter(&mask)?, spec, project_salt)
}

/// The members' rows `frame` with the chosen columns, masked and hashed as asked.
fn shape(frame: DataFrame, spec: &ExportSpec, project_salt: &str) -> Result<DataFrame> {
    let mut out = frame.clone();
    let frame = &frame;
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
        let salt = spec.salt.as_deref().unwrap_or(project_salt);
        let hashed: Vec<Option<String>> = col
            .str()?
            .iter()
            .map(|v| v.map(|v| hash_id(v, salt)))
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
    let mask = BooleanChunked::from_slice("m".into(), members);
    let rows = MemberRows {
        dataset: &base.dataset,
        as_of: &base.as_of.to_string(),
        frame: base.frame.filter(&mask)?,
    };
    export_rows(project, &rows, segment, rule_text, out, spec)
}

/// A segment's members: their rows of the customer table of `dataset` as of a day.
pub struct MemberRows<'a> {
    pub dataset: &'a str,
    pub as_of: &'a str,
    pub frame: DataFrame,
}

/// [`export_members`] of members' rows computed elsewhere (a warehouse's).
pub fn export_rows(
    project: &Project,
    rows: &MemberRows<'_>,
    segment: Option<&str>,
    rule_text: &str,
    out: &Path,
    spec: &ExportSpec,
) -> Result<ExportReport> {
    let project_salt = if spec.hash_ids && spec.salt.is_none() {
        project.pii_salt()?
    } else {
        String::new()
    };
    let df = shape(rows.frame.clone(), spec, &project_salt)?;
    let report = write_frame_file(&df, out, spec.bom)?;
    if let Some(name) = segment {
        let mut ids: Vec<String> = rows
            .frame
            .column("customer_id")?
            .cast(&DataType::String)?
            .str()?
            .iter()
            .flatten()
            .map(str::to_string)
            .collect();
        ids.sort();
        store::add_snapshot(
            project.conn(),
            name,
            rows.dataset,
            rows.as_of,
            "export",
            &ids,
        )?;
    }
    project.log(
        Action::Export,
        Some(rows.dataset),
        Some(report.rows),
        &serde_json::json!({
            "segment": segment,
            "rule": rule_text,
            "path": report.path,
            "format": report.format,
            "columns": report.columns,
            "masked": spec.mask,
            "hashed_ids": spec.hash_ids,
            "salt": salt_name(spec),
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
