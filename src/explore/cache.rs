//! Columns already read from the project, kept for the next chart: reading a column costs more
//! than aggregating it, and charts of one dataset reuse the same few columns. Columns are read
//! from the dataset's columnar copy ([`crate::kept::copy::load`]). An entry is valid while its
//! dataset's import time and row count are unchanged.

use crate::dataset::DatasetInfo;
use crate::progress::Reporter;
use crate::store::Project;
use crate::{Error, Result};
use polars::prelude::{Column, DataFrame};
use std::collections::HashMap;

#[derive(Default)]
pub struct FrameCache {
    /// (dataset, column) → (version, column).
    columns: HashMap<(String, String), (String, Column)>,
}

fn version(info: &DatasetInfo) -> String {
    format!("{}/{}", info.imported_at, info.rows)
}

impl FrameCache {
    /// A frame of the named columns, reading from the project only those not cached.
    pub fn frame(
        &mut self,
        project: &Project,
        info: &DatasetInfo,
        cols: &[&str],
        rep: &Reporter,
    ) -> Result<DataFrame> {
        let v = version(info);
        let missing: Vec<&str> = cols
            .iter()
            .copied()
            .filter(|c| {
                self.columns
                    .get(&(info.name.clone(), c.to_string()))
                    .is_none_or(|(cv, _)| *cv != v)
            })
            .collect();
        if !missing.is_empty() {
            let df = crate::kept::copy::load(project, info, &missing, rep)?;
            for c in df.columns() {
                self.columns.insert(
                    (info.name.clone(), c.name().to_string()),
                    (v.clone(), c.clone()),
                );
            }
        }
        let columns: Vec<Column> = cols
            .iter()
            .map(|c| {
                self.columns
                    .get(&(info.name.clone(), c.to_string()))
                    .map(|(_, col)| col.clone())
                    .ok_or_else(|| Error::InvalidArgument(format!("column '{c}' was not loaded")))
            })
            .collect::<Result<_>>()?;
        let height = columns.first().map_or(0, |c| c.len());
        Ok(DataFrame::new(height, columns)?)
    }

    /// How many columns are held.
    pub fn len(&self) -> usize {
        self.columns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }
}
