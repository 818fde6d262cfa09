//! Personal data in datasets already in a project (imported before detection, or kept): the same
//! detectors as at import, on up to [`detect::SAMPLE_VALUES`] non-empty values of each column.

use super::detect;
use super::{FlagSource, PiiAction, PiiColumn};
use crate::error::Result;
use crate::store::{Project, quote_ident};

/// The columns of `dataset` that hold personal data, as stored (`keep`). Columns masked or hashed
/// at import are left out: their values no longer look like what they were.
pub fn scan_dataset(project: &Project, dataset: &str) -> Result<Vec<PiiColumn>> {
    let info = project.dataset(dataset)?;
    let flags = project.pii_flags(dataset)?;
    let conn = project.conn();
    let mut out = Vec::new();
    for c in &info.columns {
        if flags
            .iter()
            .any(|f| f.column == c.name && matches!(f.action, PiiAction::Mask | PiiAction::Hash))
        {
            continue;
        }
        let q = quote_ident(&c.name);
        let mut stmt = conn.prepare(&format!(
            "SELECT CAST({q} AS TEXT) FROM {} WHERE {q} IS NOT NULL AND trim(CAST({q} AS TEXT)) <> '' LIMIT {}",
            quote_ident(&info.name),
            detect::SAMPLE_VALUES
        ))?;
        let values = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        if let Some(d) = detect::detect_column(&c.name, &values) {
            out.push(PiiColumn {
                column: c.name.clone(),
                kind: d.kind,
                action: PiiAction::Keep,
                share: d.share,
                source: FlagSource::Detected,
            });
        }
    }
    Ok(out)
}
