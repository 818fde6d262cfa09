//! What an import will do, from the first rows: for the import dialog, before anything is written.

use super::infer::{ColumnStats, Plan};
use super::{ImportOptions, sniff};
use crate::dataset::{ColumnType, Role};
use crate::error::Result;
use crate::privacy::{PiiColumn, decide, detect};
use serde::Serialize;
use std::path::Path;

/// The first rows of a file as Loupe will read them, with the detected settings.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub format: String,
    pub encoding: Option<String>,
    pub delimiter: Option<String>,
    pub has_header: bool,
    pub columns: Vec<PreviewColumn>,
    /// The raw text of the first rows.
    pub rows: Vec<Vec<String>>,
    pub file_size: u64,
    /// Columns of personal data found in the first rows, with the decision the import would
    /// apply (the user's in `opts.pii`, else the default).
    pub pii: Vec<PiiColumn>,
    /// The platform preset the import would use, recognised or chosen.
    pub preset: Option<super::presets::Recognised>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PreviewColumn {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: ColumnType,
    pub role: Option<Role>,
}

/// Rows read for the personal-data detectors of a preview.
const PII_PREVIEW_ROWS: usize = 2000;

/// Reads the first `max_rows` rows of a file and infers types and roles from them.
pub fn preview(path: &Path, opts: &ImportOptions, max_rows: usize) -> Result<Preview> {
    let f = sniff::sniff(path, opts)?;
    let names = sniff::unique_names(&f.header);
    let preset = super::choose_preset(&names, opts, &mut Vec::new())?;
    let settings = preset.as_ref().map(|(p, _)| p.settings(&names));
    let hints = super::column_hints(&names, opts, settings.as_ref())?;
    let mut src = f.rows(&Default::default())?;
    let mut rec = csv::StringRecord::new();
    let mut rows = Vec::new();
    let mut stats = vec![ColumnStats::default(); names.len()];
    // Personal data is judged on more rows than are shown.
    let mut values: Vec<Vec<String>> = vec![Vec::new(); names.len()];
    let mut read = 0usize;
    while read < max_rows.max(PII_PREVIEW_ROWS) && src.next_record(&mut rec)? {
        read += 1;
        for (vals, v) in values.iter_mut().zip(rec.iter()) {
            if vals.len() < detect::SAMPLE_VALUES
                && !v.trim().is_empty()
                && !super::quirks::is_placeholder(v)
                && !super::quirks::is_masked(v)
            {
                vals.push(super::quirks::clean(v).trim().to_string());
            }
        }
        if rows.len() >= max_rows {
            continue;
        }
        let line = src.line();
        for (st, v) in stats.iter_mut().zip(rec.iter()) {
            st.observe(v, line);
        }
        rows.push(rec.iter().map(str::to_string).collect());
    }
    let plans: Vec<Plan> = names
        .iter()
        .enumerate()
        .map(|(i, c)| {
            match (
                opts.types.iter().find(|(n, _)| n.eq_ignore_ascii_case(c)),
                hints[i].preset_type,
            ) {
                (Some((_, t)), _) => Plan::forced(*t, &stats[i]),
                (None, Some(t)) => Plan::preset(t, &stats[i]),
                (None, None) => stats[i].plan(hints[i]),
            }
        })
        .collect();
    let mut warnings = vec![];
    let roles = super::final_roles(&names, &hints, &plans, &stats, opts, &mut warnings)
        .unwrap_or_else(|_| vec![None; names.len()]);
    let detected: Vec<_> = names
        .iter()
        .zip(&values)
        .map(|(n, v)| detect::detect_column(n, v))
        .collect();
    let plain_roles: Vec<Option<Role>> = roles.iter().map(|r| r.map(|x| x.0)).collect();
    let (pii, _) = decide::resolve(&names, &detected, &plain_roles, &opts.pii)?;
    Ok(Preview {
        format: f.format.name().to_string(),
        encoding: f.encoding.map(|e| e.name()),
        delimiter: f.delimiter.map(|d| d.name()),
        has_header: f.has_header,
        columns: names
            .into_iter()
            .enumerate()
            .map(|(i, name)| PreviewColumn {
                name,
                ty: plans[i].ty,
                role: roles[i].map(|r| r.0),
            })
            .collect(),
        rows,
        file_size: f.size,
        pii,
        preset: preset.map(|(_, r)| r),
    })
}
