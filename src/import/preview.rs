//! What an import will do, from the first rows: for the import dialog, before anything is written.

use super::infer::{ColumnStats, Plan};
use super::{ImportOptions, sniff};
use crate::dataset::{ColumnType, Role};
use crate::error::Result;
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
}

#[derive(Debug, Clone, Serialize)]
pub struct PreviewColumn {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: ColumnType,
    pub role: Option<Role>,
}

/// Reads the first `max_rows` rows of a file and infers types and roles from them.
pub fn preview(path: &Path, opts: &ImportOptions, max_rows: usize) -> Result<Preview> {
    let f = sniff::sniff(path, opts)?;
    let names = sniff::unique_names(&f.header);
    let hints = super::column_hints(&names, opts)?;
    let mut src = f.rows(&Default::default())?;
    let mut rec = csv::StringRecord::new();
    let mut rows = Vec::new();
    let mut stats = vec![ColumnStats::default(); names.len()];
    while rows.len() < max_rows && src.next_record(&mut rec)? {
        let line = src.line();
        for (st, v) in stats.iter_mut().zip(rec.iter()) {
            st.observe(v, line);
        }
        rows.push(rec.iter().map(str::to_string).collect());
    }
    let plans: Vec<Plan> = names
        .iter()
        .enumerate()
        .map(
            |(i, c)| match opts.types.iter().find(|(n, _)| n.eq_ignore_ascii_case(c)) {
                Some((_, t)) => Plan::forced(*t, &stats[i]),
                None => stats[i].plan(hints[i]),
            },
        )
        .collect();
    let mut warnings = vec![];
    let roles = super::final_roles(&names, &hints, &plans, &stats, opts, &mut warnings)
        .unwrap_or_else(|_| vec![None; names.len()]);
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
    })
}
